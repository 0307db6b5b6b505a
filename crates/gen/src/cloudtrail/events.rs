//! One CloudTrail record per call: the mix of services and operations, who calls from
//! where, request parameters and responses shaped like the real ones.

use super::pick_table;
use super::record::{
    dynamodb_request_id, event_id, tls13, user_agent, write_head, write_tail, Head, Tail, Who,
};
use crate::json::Json;
use crate::names::{EC2_DESCRIBES, ITEM_ATTRIBUTES, S3_BUCKETS};
use crate::rng::{label, mix, push_uuid, Rng, ALNUM, IAM_ID, LOWER_ALNUM, LOWER_HEX, UPPER_ALNUM};
use crate::time::{java_date, stream_label, DAY_MS, HOUR_MS, MINUTE_MS};
use crate::world::{
    Account, Attr, ChangeKind, Kind, Lifecycle, Principal, Role, Sse, Stream, Table, TableState,
    Ua, ValueKind, World,
};

const ERROR_RATE: f64 = 0.04;

/// Why a record is in a file.
#[derive(Clone, Copy)]
pub(crate) enum What {
    /// Background traffic drawn from the mix.
    Random,
    /// The record that logs a planned change: (table index, change index) in the stream.
    Change(usize, usize),
    /// `World::scripts[.0]`.
    Script(usize),
    Anomaly(AnomalyKind),
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum AnomalyKind {
    /// A forgotten identity scanning sensitive tables in quick succession.
    ScanBurst,
    /// Someone probing what they may do, mostly denied.
    DeniedRecon,
}

pub(crate) struct Anomaly {
    pub kind: AnomalyKind,
    start: u32,
    len: u32,
    base_frac: u64,
}

impl Anomaly {
    pub(crate) fn covers(&self, slot: u32) -> bool {
        slot >= self.start && slot < self.start + self.len
    }

    /// Burst records a couple of seconds apart, starting somewhere in the window.
    pub(crate) fn offset_ms(&self, slot: u32, window_ms: i64) -> i64 {
        let span = i64::from(self.len) * 2_000;
        let room = (window_ms - span).max(1);
        let base = (self.base_frac % room as u64) as i64;
        (base + i64::from(slot - self.start) * 2_000 + (mix(u64::from(slot)) % 1_500) as i64)
            .min(window_ms - 1)
    }
}

pub(crate) fn pick_anomaly(r: &mut Rng, n: usize) -> Option<Anomaly> {
    let roll = r.unit();
    if n < 40 || roll >= 0.03 {
        return None;
    }
    let kind = if roll < 0.018 {
        AnomalyKind::ScanBurst
    } else {
        AnomalyKind::DeniedRecon
    };
    let len = r.range(12, 40).min(n as i64 / 3) as u32;
    let start = r.below(n as u64 - u64::from(len)) as u32;
    Some(Anomaly {
        kind,
        start,
        len,
        base_frac: r.next_u64(),
    })
}

pub(super) struct Ctx<'a> {
    pub(super) w: &'a World,
    pub(super) st: &'a Stream,
    pub(super) acct: &'a Account,
    pub(super) time_ms: i64,
    gidx: u64,
    pub(super) r: Rng,
}

/// Everything about a call that is not its request and response.
pub(super) struct Call<'a> {
    pub(super) version: &'static str,
    pub(super) who: Who<'a>,
    pub(super) source: &'static str,
    pub(super) name: &'a str,
    pub(super) region: &'a str,
    pub(super) ip: &'a str,
    pub(super) ua: String,
    pub(super) error: Option<(&'static str, String)>,
    pub(super) read_only: bool,
    pub(super) resources: Vec<(&'static str, String)>,
    pub(super) event_type: &'static str,
    pub(super) api_version: Option<&'static str>,
    pub(super) management: bool,
    pub(super) request_id: String,
    pub(super) shared_event_id: bool,
    pub(super) vpce: Option<&'a str>,
    pub(super) tls_host: Option<String>,
    pub(super) tls13: bool,
    pub(super) console: bool,
}

impl<'a> Call<'a> {
    /// A management call by principal `p` with its usual client, TLS and console flags.
    pub(super) fn by(
        c: &mut Ctx<'a>,
        p: &'a Principal,
        source: &'static str,
        cli_service: &str,
        name: &'a str,
    ) -> Call<'a> {
        let (ip, _) = c.ip(p, false);
        let host_service = source.trim_end_matches(".amazonaws.com");
        let global = matches!(source, "iam.amazonaws.com" | "signin.amazonaws.com");
        Call {
            version: c.r.pick_one(&["1.08", "1.09", "1.10", "1.10"]),
            who: Who::Principal {
                p,
                invoked_by: None,
            },
            source,
            name,
            region: if global { "us-east-1" } else { c.st.region },
            ip,
            ua: user_agent(p.ua, cli_service, name),
            error: None,
            read_only: true,
            resources: Vec::new(),
            event_type: "AwsApiCall",
            api_version: None,
            management: true,
            request_id: c.r.uuid(),
            shared_event_id: false,
            vpce: None,
            tls_host: Some(if global {
                format!("{host_service}.amazonaws.com")
            } else {
                format!("{host_service}.{}.amazonaws.com", c.st.region)
            }),
            tls13: tls13(p.ua),
            console: p.ua == Ua::Browser,
        }
    }
}

impl<'a> Ctx<'a> {
    fn pick_principal(&mut self, weights: &[(Role, u32)]) -> &'a Principal {
        let acct = self.acct;
        let usable = |role: Role| !acct.of_role(role).is_empty();
        let total: u64 = weights
            .iter()
            .filter(|w| usable(w.0))
            .map(|w| u64::from(w.1))
            .sum();
        let mut x = self.r.below(total);
        for &(role, w) in weights.iter().filter(|w| usable(w.0)) {
            if x < u64::from(w) {
                return &acct.principals[self.r.pick_one(acct.of_role(role))];
            }
            x -= u64::from(w);
        }
        &acct.principals[0]
    }

    /// The source address of a call by `p`, and the VPC endpoint it came through if any.
    fn ip(&mut self, p: &'a Principal, dynamodb_data: bool) -> (&'a str, Option<&'a str>) {
        let w = self.w;
        match p.role {
            _ if p.ua == Ua::Lambda => ("lambda.amazonaws.com", None),
            Role::App if p.vpce && dynamodb_data => (
                w.ips[usize::from(self.r.pick_one(&p.ips))].as_str(),
                Some(self.st.vpce.as_str()),
            ),
            Role::App => (
                w.ips[usize::from(self.r.pick_one(&self.st.nat_ips))].as_str(),
                None,
            ),
            Role::Human | Role::Admin if self.r.chance(0.04) => {
                (w.ips[self.r.below_usize(w.public_ips)].as_str(), None)
            }
            _ => (w.ips[usize::from(self.r.pick_one(&p.ips))].as_str(), None),
        }
    }

    pub(super) fn table(&self, ti: usize) -> &'a Table {
        &self.st.tables[ti]
    }

    /// Any table that exists for the whole window (control-plane calls reach idle tables too).
    fn any_stable_table(&mut self) -> Option<usize> {
        let n = self.st.tables.len();
        (0..8)
            .map(|_| self.r.below_usize(n.max(1)))
            .find(|&i| i < n && self.st.tables[i].lifecycle == Lifecycle::Stable)
    }

    pub(super) fn emit(
        &mut self,
        j: &mut Json,
        call: Call<'_>,
        body: impl FnOnce(&mut Json, &mut Rng),
    ) {
        let error = call.error.as_ref().map(|(c, m)| (*c, m.as_str()));
        write_head(
            j,
            &Head {
                version: call.version,
                who: call.who,
                time_ms: self.time_ms,
                source: call.source,
                name: call.name,
                region: call.region,
                ip: call.ip,
                ua: &call.ua,
                error,
            },
        );
        body(j, &mut self.r);
        let resources: Vec<(&'static str, &str)> = call
            .resources
            .iter()
            .map(|(t, a)| (*t, a.as_str()))
            .collect();
        let shared = if call.shared_event_id {
            Some(self.r.uuid())
        } else {
            None
        };
        let id = event_id(self.w.seed, self.gidx);
        write_tail(
            j,
            &Tail {
                request_id: &call.request_id,
                event_id: &id,
                read_only: call.read_only,
                resources: &resources,
                event_type: call.event_type,
                api_version: call.api_version,
                management: call.management,
                recipient: &self.acct.id,
                shared_event_id: shared.as_deref(),
                vpce: call.vpce,
                tls_host: call.tls_host.as_deref(),
                tls13: call.tls13,
                console: call.console,
            },
        );
    }
}

/// Draws one item of a `(item, weight)` table.
fn pick_weighted<T: Copy>(r: &mut Rng, items: &[(T, u32)]) -> T {
    let total: u64 = items.iter().map(|i| u64::from(i.1)).sum();
    let mut x = r.below(total);
    for &(item, w) in items {
        if x < u64::from(w) {
            return item;
        }
        x -= u64::from(w);
    }
    items[items.len() - 1].0
}

pub(crate) fn write_event(
    w: &World,
    stream: usize,
    gidx: u64,
    time_ms: i64,
    what: What,
    j: &mut Json,
) {
    let st = &w.streams[stream];
    let mut c = Ctx {
        w,
        st,
        acct: &w.accounts[st.account],
        time_ms,
        gidx,
        r: Rng::sub(w.seed ^ label("event"), gidx),
    };
    let done = match what {
        What::Change(ti, ci) => {
            change_event(&mut c, j, ti, ci);
            true
        }
        What::Script(i) => {
            super::incident_events::script_event(&mut c, j, &w.scripts[i]);
            true
        }
        What::Anomaly(kind) => anomaly_event(&mut c, j, kind),
        What::Random => match c.r.weighted(&[45, 15, 5, 15, 20]) {
            0 => data_event(&mut c, j, None),
            1 => control_event(&mut c, j),
            2 => streams_event(&mut c, j),
            3 => kms_event(&mut c, j),
            _ => false,
        },
    };
    if !done {
        other_event(&mut c, j);
    }
}

// ---------------------------------------------------------------- DynamoDB data plane

const DATA_OPS: [(&str, u32); 11] = [
    ("GetItem", 28),
    ("Query", 22),
    ("PutItem", 14),
    ("UpdateItem", 12),
    ("DeleteItem", 3),
    ("Scan", 4),
    ("BatchGetItem", 5),
    ("BatchWriteItem", 5),
    ("TransactWriteItems", 3),
    ("TransactGetItems", 1),
    ("ExecuteStatement", 3),
];

const DATA_WHO: [(Role, u32); 8] = [
    (Role::App, 800),
    (Role::Human, 50),
    (Role::Admin, 40),
    (Role::ServiceUser, 50),
    (Role::Cross, 20),
    (Role::Ci, 10),
    (Role::Suspicious, 3),
    (Role::Root, 1),
];

/// A data-plane call; `forced` fixes operation, table and caller (for anomalies).
fn data_event<'a>(
    c: &mut Ctx<'a>,
    j: &mut Json,
    forced: Option<(&'static str, usize, &'a Principal)>,
) -> bool {
    // While the trail's selectors leave DynamoDB out, its data events are not logged.
    if !c.w.data_logged(c.st.account, c.time_ms) {
        return false;
    }
    let (op, ti, p) = match forced {
        Some(f) => f,
        None => {
            let Some(ti) = pick_table(&mut c.r, &c.st.data_tables, &c.st.data_cum) else {
                return false;
            };
            let op = pick_weighted(&mut c.r, &DATA_OPS);
            let p = c.pick_principal(&DATA_WHO);
            // The partner account's role reads only what a resource policy lets it.
            let ti = match (p.role, c.st.partner_tables.len()) {
                (Role::Cross, n) if n > 0 => c.st.partner_tables[(c.gidx % n as u64) as usize],
                _ => ti,
            };
            (op, ti, p)
        }
    };
    let t = c.table(ti);
    let multi = matches!(
        op,
        "BatchGetItem" | "BatchWriteItem" | "TransactWriteItems" | "TransactGetItems"
    );
    let t2 = if multi && c.r.chance(0.25) {
        pick_table(&mut c.r, &c.st.data_tables, &c.st.data_cum)
            .filter(|&k| k != ti && p.role != Role::Cross)
            .map(|k| c.table(k))
    } else {
        None
    };
    let state = t.state_at(c.time_ms);
    let error = if forced.is_none() && c.r.chance(ERROR_RATE) {
        Some(data_error(&mut c.r, op, p, t, &state))
    } else {
        None
    };
    let (ip, vpce) = c.ip(p, true);
    let mut resources = vec![("AWS::DynamoDB::Table", t.arn.clone())];
    if let Some(t2) = t2 {
        resources.push(("AWS::DynamoDB::Table", t2.arn.clone()));
    }
    let call = Call {
        version: "1.09",
        who: Who::Principal {
            p,
            invoked_by: None,
        },
        source: "dynamodb.amazonaws.com",
        name: op,
        region: c.st.region,
        ip,
        ua: user_agent(p.ua, "dynamodb", op),
        error,
        read_only: matches!(
            op,
            "GetItem" | "Query" | "Scan" | "BatchGetItem" | "TransactGetItems"
        ),
        resources,
        event_type: "AwsApiCall",
        api_version: Some("2012-08-10"),
        management: false,
        request_id: dynamodb_request_id(&mut c.r),
        shared_event_id: false,
        vpce,
        tls_host: Some(format!("dynamodb.{}.amazonaws.com", c.st.region)),
        tls13: tls13(p.ua),
        console: p.ua == Ua::Browser,
    };
    let time_ms = c.time_ms;
    c.emit(j, call, |j, r| {
        j.ko("requestParameters");
        data_params(j, r, op, t, t2, time_ms);
        j.end_obj();
        j.knull("responseElements");
    });
    true
}

fn data_error(
    r: &mut Rng,
    op: &str,
    p: &Principal,
    t: &Table,
    s: &TableState,
) -> (&'static str, String) {
    let write = matches!(op, "PutItem" | "UpdateItem" | "DeleteItem");
    match r.weighted(&[if write { 45 } else { 0 }, 25, 12, 18]) {
        0 => ("ConditionalCheckFailedException", "The conditional request failed".into()),
        1 => (
            "AccessDeniedException",
            format!(
                "User: {} is not authorized to perform: dynamodb:{op} on resource: {} because no identity-based policy allows the dynamodb:{op} action",
                p.arn, t.arn
            ),
        ),
        2 => ("ResourceNotFoundException", "Requested resource not found".into()),
        _ if op.starts_with("Transact") => (
            "TransactionCanceledException",
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]".into(),
        ),
        _ if s.provisioned.is_some() => (
            "ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.".into(),
        ),
        _ => (
            "ThrottlingException",
            "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html".into(),
        ),
    }
}

fn write_value(out: &mut String, a: &Attr, t: &Table, r: &mut Rng, time_ms: i64) {
    use std::fmt::Write;
    match a.value {
        ValueKind::Tagged => {
            for ch in t.entity.chars() {
                out.push(ch.to_ascii_uppercase());
            }
            let _ = write!(out, "#{:08x}", r.next_u64() as u32);
        }
        ValueKind::Sort => match r.below(5) {
            0 | 1 => out.push_str("META"),
            2 => {
                let _ = write!(out, "ITEM#{:04}", r.below(200));
            }
            3 => out.push_str(r.pick_one(&["STATUS#ACTIVE", "STATUS#PENDING", "STATUS#CLOSED"])),
            _ => {
                let _ = write!(out, "v{}", r.below(9));
            }
        },
        ValueKind::Uuid => push_uuid(out, r.next_u64(), r.next_u64()),
        ValueKind::Prefixed => {
            out.push_str(&t.entity[..t.entity.len().min(3)]);
            out.push('_');
            r.push_chars(out, LOWER_ALNUM, 10);
        }
        ValueKind::Epoch => {
            let _ = write!(out, "{}", time_ms / 1000 - r.below(30 * 86_400) as i64);
        }
        ValueKind::Tenant => {
            let _ = write!(out, "tenant-{:04}", r.below(300));
        }
        ValueKind::Email => {
            let _ = write!(out, "user{}@example.com", r.below(50_000));
        }
    }
}

pub(super) fn write_key(j: &mut Json, r: &mut Rng, t: &Table, time_ms: i64) {
    j.ko("key");
    j.kstr_with(&t.hash.name, |s| write_value(s, &t.hash, t, r, time_ms));
    if let Some(rk) = &t.range {
        j.kstr_with(&rk.name, |s| write_value(s, rk, t, r, time_ms));
    }
    j.end_obj();
}

fn attr_names(j: &mut Json, r: &mut Rng, n: usize) -> Vec<&'static str> {
    let start = r.below_usize(ITEM_ATTRIBUTES.len());
    let names: Vec<&str> = (0..n)
        .map(|k| ITEM_ATTRIBUTES[(start + k * 5) % ITEM_ATTRIBUTES.len()])
        .collect();
    j.ko("expressionAttributeNames");
    for (k, name) in names.iter().enumerate() {
        j.kstr_with(&format!("#n{k}"), |s| s.push_str(name));
    }
    j.end_obj();
    names
}

fn data_params(j: &mut Json, r: &mut Rng, op: &str, t: &Table, t2: Option<&Table>, time_ms: i64) {
    let capacity = |j: &mut Json, r: &mut Rng| {
        if r.chance(0.4) {
            j.ks(
                "returnConsumedCapacity",
                r.pick_one(&["TOTAL", "INDEXES", "NONE"]),
            );
        }
    };
    match op {
        "GetItem" => {
            j.ks("tableName", &t.name);
            write_key(j, r, t, time_ms);
            if r.chance(0.3) {
                j.kb("consistentRead", true);
            }
            if r.chance(0.25) {
                j.ks("projectionExpression", "#n0, #n1");
                attr_names(j, r, 2);
            }
            capacity(j, r);
        }
        "PutItem" => {
            j.ks("tableName", &t.name);
            write_key(j, r, t, time_ms);
            j.ka("item");
            j.str(&t.hash.name);
            if let Some(rk) = &t.range {
                j.str(&rk.name);
            }
            for k in 0..2 + r.below_usize(5) {
                j.str(ITEM_ATTRIBUTES[(k * 3 + t.name.len()) % ITEM_ATTRIBUTES.len()]);
            }
            j.end_arr();
            if r.chance(0.4) {
                j.ks("conditionExpression", "attribute_not_exists(#n0)");
                j.ko("expressionAttributeNames");
                j.ks("#n0", &t.hash.name);
                j.end_obj();
            }
            capacity(j, r);
        }
        "UpdateItem" => {
            j.ks("tableName", &t.name);
            write_key(j, r, t, time_ms);
            let n = 1 + r.below_usize(3);
            let mut expr = String::from("SET ");
            for k in 0..n {
                if k > 0 {
                    expr.push_str(", ");
                }
                expr.push_str(&format!("#n{k} = :v{k}"));
            }
            if r.chance(0.2) {
                expr.push_str(&format!(" ADD #n{n} :inc"));
            }
            j.ks("updateExpression", &expr);
            let cond = r.chance(0.35);
            if cond {
                j.ks("conditionExpression", "attribute_exists(#n0)");
            }
            attr_names(j, r, n + 1);
            j.ks(
                "returnValues",
                r.pick_one(&["ALL_NEW", "UPDATED_NEW", "NONE"]),
            );
            capacity(j, r);
        }
        "DeleteItem" => {
            j.ks("tableName", &t.name);
            write_key(j, r, t, time_ms);
            if r.chance(0.3) {
                j.ks("conditionExpression", "attribute_exists(#n0)");
                attr_names(j, r, 1);
            }
            if r.chance(0.3) {
                j.ks("returnValues", "ALL_OLD");
            }
        }
        "Query" => {
            j.ks("tableName", &t.name);
            let index = if !t.gsis.is_empty() && r.chance(0.3) {
                Some(r.pick(&t.gsis))
            } else {
                None
            };
            let (hash, range) = match index {
                Some(g) => (&g.hash, g.range.as_ref()),
                None => (&t.hash, t.range.as_ref()),
            };
            if let Some(g) = index {
                j.ks("indexName", &g.name);
            }
            let with_range = range.is_some() && r.chance(0.6);
            j.ks(
                "keyConditionExpression",
                match (with_range, r.below(2)) {
                    (false, _) => "#pk = :pk",
                    (true, 0) => "#pk = :pk AND begins_with(#sk, :sk)",
                    (true, _) => "#pk = :pk AND #sk BETWEEN :from AND :to",
                },
            );
            j.ko("expressionAttributeNames");
            j.ks("#pk", &hash.name);
            if let (true, Some(rk)) = (with_range, range) {
                j.ks("#sk", &rk.name);
            }
            j.end_obj();
            if r.chance(0.5) {
                j.ki("limit", r.pick_one(&[10, 20, 25, 50, 100, 1000]));
            }
            if r.chance(0.3) {
                j.kb("scanIndexForward", false);
            }
            if r.chance(0.1) {
                j.key("exclusiveStartKey");
                j.obj();
                j.kstr_with(&t.hash.name, |s| write_value(s, &t.hash, t, r, time_ms));
                j.end_obj();
            }
            capacity(j, r);
        }
        "Scan" => {
            j.ks("tableName", &t.name);
            if r.chance(0.5) {
                j.ki("limit", r.pick_one(&[100, 500, 1000, 5000]));
            }
            if r.chance(0.3) {
                j.ks("filterExpression", "#n0 = :v0");
                attr_names(j, r, 1);
            }
            if r.chance(0.2) {
                let total = r.pick_one(&[4i64, 8, 16]);
                j.ki("segment", r.range(0, total - 1));
                j.ki("totalSegments", total);
            }
            capacity(j, r);
        }
        "BatchGetItem" | "TransactGetItems" => {
            j.ka("requestItems");
            for k in 0..2 + r.below_usize(5) {
                let tt = match t2 {
                    Some(t2) if k % 2 == 1 => t2,
                    _ => t,
                };
                j.obj();
                if op == "TransactGetItems" {
                    j.ks("operation", "Get");
                }
                j.ks("tableName", &tt.name);
                write_key(j, r, tt, time_ms);
                j.end_obj();
            }
            j.end_arr();
            capacity(j, r);
        }
        "BatchWriteItem" | "TransactWriteItems" => {
            let transact = op == "TransactWriteItems";
            j.ka("requestItems");
            for k in 0..2 + r.below_usize(if transact { 3 } else { 6 }) {
                let tt = match t2 {
                    Some(t2) if k % 2 == 1 => t2,
                    _ => t,
                };
                let operation = if transact {
                    r.pick_one(&["Put", "Update", "Update", "Delete", "ConditionCheck"])
                } else {
                    r.pick_one(&["Put", "Put", "Put", "Delete"])
                };
                j.obj();
                j.ks("operation", operation);
                j.ks("tableName", &tt.name);
                write_key(j, r, tt, time_ms);
                match operation {
                    "Put" => {
                        j.ka("items");
                        j.str(&tt.hash.name);
                        j.str("status");
                        j.str("updatedAt");
                        j.end_arr();
                    }
                    "Update" => j.ks("updateExpression", "SET #n0 = :v0"),
                    _ => {}
                }
                if transact && operation != "Put" {
                    j.ks("conditionExpression", "attribute_exists(#n0)");
                    j.ko("expressionAttributeNames");
                    j.ks("#n0", "status");
                    j.end_obj();
                    j.ks("returnValuesOnConditionCheckFailure", "ALL_OLD");
                }
                j.end_obj();
            }
            j.end_arr();
            capacity(j, r);
            if transact && r.chance(0.5) {
                let token = r.uuid();
                j.ks("clientRequestToken", &token);
            }
        }
        _ => {
            // ExecuteStatement: key values appear, other values are redacted by CloudTrail.
            let mut key = String::new();
            write_value(&mut key, &t.hash, t, r, time_ms);
            let statement = match r.weighted(&[60, 20, 15, 5]) {
                0 => format!(
                    "SELECT * FROM \"{}\" WHERE \"{}\" = '{key}'",
                    t.name, t.hash.name
                ),
                1 => format!(
                    "UPDATE \"{}\" SET \"status\" = ***(Redacted) WHERE \"{}\" = '{key}'",
                    t.name, t.hash.name
                ),
                2 => format!(
                    "INSERT INTO \"{}\" VALUE {{'{}' : ***(Redacted), 'status' : ***(Redacted)}}",
                    t.name, t.hash.name
                ),
                _ => format!(
                    "DELETE FROM \"{}\" WHERE \"{}\" = '{key}'",
                    t.name, t.hash.name
                ),
            };
            j.ks("statement", &statement);
        }
    }
}

// ---------------------------------------------------------------- DynamoDB control plane

const CONTROL_OPS: [(&str, u32); 13] = [
    ("DescribeTable", 400),
    ("ListTables", 150),
    ("DescribeContinuousBackups", 100),
    ("DescribeTimeToLive", 60),
    ("ListTagsOfResource", 80),
    ("GetResourcePolicy", 30),
    ("DescribeLimits", 15),
    ("ListBackups", 30),
    ("CreateBackup", 30),
    ("DeleteBackup", 12),
    ("UpdateTimeToLive", 12),
    ("UpdateTable", 20),
    ("ExportTableToPointInTime", 10),
];

const CONTROL_WHO: [(Role, u32); 7] = [
    (Role::Human, 200),
    (Role::Admin, 250),
    (Role::Ci, 300),
    (Role::App, 100),
    (Role::ServiceUser, 100),
    (Role::Suspicious, 8),
    (Role::Root, 3),
];

fn control_event(c: &mut Ctx<'_>, j: &mut Json) -> bool {
    let Some(ti) = c.any_stable_table() else {
        return false;
    };
    let mut op = pick_weighted(&mut c.r, &CONTROL_OPS);
    let t = c.table(ti);
    let state = t.state_at(c.time_ms);
    if op == "UpdateTable" && state.provisioned.is_none() {
        op = "DescribeTable";
    }
    let p = c.pick_principal(&CONTROL_WHO);
    let mut call = Call::by(c, p, "dynamodb.amazonaws.com", "dynamodb", op);
    call.request_id = dynamodb_request_id(&mut c.r);
    call.api_version = Some("2012-08-10");
    call.read_only = op.starts_with("Describe") || op.starts_with("List") || op.starts_with("Get");
    if op == "ExportTableToPointInTime" && !state.pitr {
        call.error = Some((
            "PointInTimeRecoveryUnavailableException",
            format!(
                "Point in time recovery is not enabled for table '{}'",
                t.name
            ),
        ));
    } else if op == "UpdateTimeToLive" {
        // Infrastructure code re-applying the TTL setting the table already has: DynamoDB
        // refuses, and the table's TTL changes only in the planned changes.
        call.error = Some((
            "ValidationException",
            format!(
                "TimeToLive is already {}",
                if state.ttl.is_some() {
                    "enabled"
                } else {
                    "disabled"
                }
            ),
        ));
    } else if c.r.chance(ERROR_RATE) {
        call.error = Some(control_error(&mut c.r, op, p, t));
    }
    let failed = call.error.is_some();
    let (st, time_ms, acct) = (c.st, c.time_ms, c.acct);
    c.emit(j, call, |j, r| {
        j.ko("requestParameters");
        match op {
            "ListTables" => {
                if r.chance(0.3) {
                    j.ki("limit", 100);
                }
            }
            "DescribeLimits" => {}
            "ListBackups" => {
                if r.chance(0.6) {
                    j.ks("tableName", &t.name);
                }
            }
            "ListTagsOfResource" | "GetResourcePolicy" => j.ks("resourceArn", &t.arn),
            "CreateBackup" => {
                j.ks("tableName", &t.name);
                j.kfmt(
                    "backupName",
                    format_args!("{}-manual-{}", t.name, time_ms / DAY_MS),
                );
            }
            "DeleteBackup" => j.kfmt(
                "backupArn",
                format_args!(
                    "{}/backup/{:014}-{:08x}",
                    t.arn,
                    time_ms - 3 * DAY_MS,
                    r.next_u64() as u32
                ),
            ),
            "UpdateTimeToLive" => {
                j.ks("tableName", &t.name);
                j.ko("timeToLiveSpecification");
                j.kb("enabled", state.ttl.is_some());
                j.ks("attributeName", state.ttl.unwrap_or("expiresAt"));
                j.end_obj();
            }
            "UpdateTable" => {
                j.ks("tableName", &t.name);
                j.ko("provisionedThroughput");
                j.ki("readCapacityUnits", r.pick_one(&[5, 10, 25, 50, 100]));
                j.ki("writeCapacityUnits", r.pick_one(&[5, 10, 25, 50]));
                j.end_obj();
            }
            "ExportTableToPointInTime" => {
                j.ks("tableArn", &t.arn);
                j.kfmt("s3Bucket", format_args!("ddb-exports-{}", acct.id));
                j.kfmt("s3Prefix", format_args!("exports/{}/", t.name));
                j.ks("exportFormat", "DYNAMODB_JSON");
                j.ks("exportType", "FULL_EXPORT");
            }
            _ => j.ks("tableName", &t.name),
        }
        j.end_obj();
        j.key("responseElements");
        if failed {
            j.null();
            return;
        }
        match op {
            "CreateBackup" => {
                j.obj();
                j.ko("backupDetails");
                j.kfmt(
                    "backupArn",
                    format_args!(
                        "{}/backup/{:014}-{:08x}",
                        t.arn,
                        time_ms,
                        r.next_u64() as u32
                    ),
                );
                j.kfmt(
                    "backupName",
                    format_args!("{}-manual-{}", t.name, time_ms / DAY_MS),
                );
                j.ki("backupSizeBytes", t.size_bytes);
                j.ks("backupStatus", "CREATING");
                j.ks("backupType", "USER");
                j.ks("backupCreationDateTime", &java_date(time_ms));
                j.end_obj();
                j.end_obj();
            }
            "UpdateTimeToLive" => {
                j.obj();
                j.ko("timeToLiveSpecification");
                j.kb("enabled", state.ttl.is_some());
                j.ks("attributeName", state.ttl.unwrap_or("expiresAt"));
                j.end_obj();
                j.end_obj();
            }
            "UpdateTable" => {
                j.obj();
                table_description(j, st, t, &state, "UPDATING", false, None);
                j.end_obj();
            }
            "ExportTableToPointInTime" => {
                j.obj();
                j.ko("exportDescription");
                j.kfmt(
                    "exportArn",
                    format_args!(
                        "{}/export/{:014}-{:08x}",
                        t.arn,
                        time_ms,
                        r.next_u64() as u32
                    ),
                );
                j.ks("exportStatus", "IN_PROGRESS");
                j.ks("tableArn", &t.arn);
                j.ks("tableId", &t.id);
                j.ks("exportTime", &java_date(time_ms));
                j.kfmt("s3Bucket", format_args!("ddb-exports-{}", acct.id));
                j.kfmt("s3Prefix", format_args!("exports/{}/", t.name));
                j.ks("s3SseAlgorithm", "AES256");
                j.ks("exportFormat", "DYNAMODB_JSON");
                j.ks("exportType", "FULL_EXPORT");
                j.end_obj();
                j.end_obj();
            }
            "DeleteBackup" => {
                j.obj();
                j.ko("backupDescription");
                j.ko("backupDetails");
                j.ks("backupStatus", "DELETED");
                j.ks("backupType", "USER");
                j.end_obj();
                j.ko("sourceTableDetails");
                j.ks("tableName", &t.name);
                j.ks("tableId", &t.id);
                j.ks("tableArn", &t.arn);
                j.ki("itemCount", t.item_count);
                j.end_obj();
                j.end_obj();
                j.end_obj();
            }
            _ => j.null(),
        }
    });
    true
}

fn control_error(r: &mut Rng, op: &str, p: &Principal, t: &Table) -> (&'static str, String) {
    match r.weighted(&[55, 20, 25]) {
        0 => (
            "AccessDeniedException",
            format!(
                "User: {} is not authorized to perform: dynamodb:{op} on resource: {} because no identity-based policy allows the dynamodb:{op} action",
                p.arn, t.arn
            ),
        ),
        1 => ("ResourceNotFoundException", format!("Requested resource not found: Table: {} not found", t.name)),
        _ => ("ThrottlingException", "Rate exceeded".into()),
    }
}

/// `tableDescription` as DynamoDB returns it inside CloudTrail `responseElements`.
fn table_description(
    j: &mut Json,
    st: &Stream,
    t: &Table,
    s: &TableState,
    status: &str,
    sse_updating: bool,
    restore: Option<(&str, &str, i64)>,
) {
    j.ko("tableDescription");
    j.ka("attributeDefinitions");
    for a in t.attribute_definitions() {
        j.obj();
        j.ks("attributeName", &a.name);
        j.ks("attributeType", a.ty);
        j.end_obj();
    }
    j.end_arr();
    j.ks("tableName", &t.name);
    crate::config::write_key_schema(j, "keySchema", "attributeName", "keyType", t);
    j.ks("tableStatus", status);
    j.ks("creationDateTime", &java_date(t.created_ms));
    j.ko("provisionedThroughput");
    j.ki("numberOfDecreasesToday", 0);
    let (rcu, wcu) = s.provisioned.unwrap_or((0, 0));
    j.ki("readCapacityUnits", rcu);
    j.ki("writeCapacityUnits", wcu);
    j.end_obj();
    j.ki("tableSizeBytes", t.size_bytes);
    j.ki("itemCount", t.item_count);
    j.ks("tableArn", &t.arn);
    j.ks("tableId", &t.id);
    if s.provisioned.is_none() {
        j.ko("billingModeSummary");
        j.ks("billingMode", "PAY_PER_REQUEST");
        j.ks(
            "lastUpdateToPayPerRequestDateTime",
            &java_date(s.billing_changed_ms),
        );
        j.end_obj();
    }
    if let Some(view) = s.stream_view {
        j.ko("streamSpecification");
        j.kb("streamEnabled", true);
        j.ks("streamViewType", view);
        j.end_obj();
        j.ks("latestStreamLabel", &stream_label(s.stream_label_ms));
        j.ks("latestStreamArn", &t.stream_arn(s));
    } else if s.stream_kept {
        // A stream turned off stays readable for 24 hours: the table still names it.
        j.ks("latestStreamLabel", &stream_label(s.stream_label_ms));
        j.ks("latestStreamArn", &t.stream_arn(s));
    }
    if let Some((field, arn, at)) = restore {
        j.ko("restoreSummary");
        j.ks(field, arn);
        j.ks("restoreDateTime", &java_date(at));
        j.kb("restoreInProgress", true);
        j.end_obj();
    }
    if let Some(key) = st.key_arn(s.sse) {
        j.ko("sSEDescription");
        j.ks("status", if sse_updating { "UPDATING" } else { "ENABLED" });
        j.ks("sSEType", "KMS");
        j.ks("kMSMasterKeyArn", key);
        j.end_obj();
    }
    j.kb("deletionProtectionEnabled", s.deletion_protection);
    j.end_obj();
}

// ---------------------------------------------------------------- planned changes

fn change_event(c: &mut Ctx<'_>, j: &mut Json, ti: usize, ci: usize) {
    let t = c.table(ti);
    let change = &t.changes[ci];
    let (ai, pi) = change.actor;
    let p = &c.w.accounts[ai].principals[pi];
    let before = t.state_at(change.time_ms - 1);
    let after = t.state_at(change.time_ms);
    let op = match &change.kind {
        ChangeKind::Pitr(_) => "UpdateContinuousBackups",
        ChangeKind::DeletionProtection(_)
        | ChangeKind::StreamOn(_)
        | ChangeKind::StreamOff
        | ChangeKind::SseCmk(_)
        | ChangeKind::OnDemand => "UpdateTable",
        ChangeKind::TagsSet(_) => "TagResource",
        ChangeKind::TagsRemove(_) => "UntagResource",
        ChangeKind::ResourcePolicy(_) => "PutResourcePolicy",
        ChangeKind::DeleteResourcePolicy => "DeleteResourcePolicy",
        ChangeKind::Ttl(_) => "UpdateTimeToLive",
        ChangeKind::KinesisOff => "DisableKinesisStreamingDestination",
        ChangeKind::Create => "CreateTable",
        ChangeKind::Restore {
            from_backup: true, ..
        } => "RestoreTableFromBackup",
        ChangeKind::Restore { .. } => "RestoreTableToPointInTime",
        ChangeKind::Delete => "DeleteTable",
    };
    let mut call = Call::by(c, p, "dynamodb.amazonaws.com", "dynamodb", op);
    call.request_id = dynamodb_request_id(&mut c.r);
    call.api_version = Some("2012-08-10");
    call.read_only = false;
    let source = match change.kind {
        ChangeKind::Restore { source, .. } => Some(c.table(source)),
        _ => None,
    };
    match change.kind {
        ChangeKind::Restore { .. } => {
            call.resources = source
                .iter()
                .map(|s| ("AWS::DynamoDB::Table", s.arn.clone()))
                .chain([("AWS::DynamoDB::Table", t.arn.clone())])
                .collect();
        }
        ChangeKind::ResourcePolicy(_)
        | ChangeKind::DeleteResourcePolicy
        | ChangeKind::KinesisOff
        | ChangeKind::StreamOff
        | ChangeKind::Ttl(_) => {
            call.resources = vec![("AWS::DynamoDB::Table", t.arn.clone())];
        }
        _ => {}
    }
    let (st, time_ms, external, seed) = (c.st, c.time_ms, c.w.external_account.as_str(), c.w.seed);
    let kind = &change.kind;
    c.emit(j, call, |j, r| {
        j.ko("requestParameters");
        match kind {
            ChangeKind::Pitr(on) => {
                j.ks("tableName", &t.name);
                j.ko("pointInTimeRecoverySpecification");
                j.kb("pointInTimeRecoveryEnabled", *on);
                j.end_obj();
            }
            ChangeKind::DeletionProtection(on) => {
                j.ks("tableName", &t.name);
                j.kb("deletionProtectionEnabled", *on);
            }
            ChangeKind::StreamOn(view) => {
                j.ks("tableName", &t.name);
                j.ko("streamSpecification");
                j.kb("streamEnabled", true);
                j.ks("streamViewType", view);
                j.end_obj();
            }
            ChangeKind::StreamOff => {
                j.ks("tableName", &t.name);
                j.ko("streamSpecification");
                j.kb("streamEnabled", false);
                j.end_obj();
            }
            ChangeKind::SseCmk(k) => {
                j.ks("tableName", &t.name);
                j.ko("sSESpecification");
                j.kb("enabled", true);
                j.ks("sSEType", "KMS");
                j.ks("kMSMasterKeyId", st.cmks.get(*k).map_or("", String::as_str));
                j.end_obj();
            }
            ChangeKind::OnDemand => {
                j.ks("tableName", &t.name);
                j.ks("billingMode", "PAY_PER_REQUEST");
            }
            ChangeKind::TagsSet(tags) => {
                j.ks("resourceArn", &t.arn);
                j.ka("tags");
                for (k, v) in tags {
                    j.obj();
                    j.ks("key", k);
                    j.ks("value", v);
                    j.end_obj();
                }
                j.end_arr();
            }
            ChangeKind::TagsRemove(keys) => {
                j.ks("resourceArn", &t.arn);
                j.ka("tagKeys");
                for k in keys {
                    j.str(k);
                }
                j.end_arr();
            }
            ChangeKind::ResourcePolicy(grant) => {
                j.ks("resourceArn", &t.arn);
                j.ks("policy", &t.policy_text(*grant, external));
            }
            ChangeKind::DeleteResourcePolicy => j.ks("resourceArn", &t.arn),
            ChangeKind::Ttl(attribute) => {
                j.ks("tableName", &t.name);
                j.ko("timeToLiveSpecification");
                j.kb("enabled", true);
                j.ks("attributeName", attribute);
                j.end_obj();
            }
            ChangeKind::KinesisOff => {
                j.ks("tableName", &t.name);
                j.ks("streamArn", &t.kinesis_arn());
            }
            ChangeKind::Create => {
                j.ka("attributeDefinitions");
                for a in t.attribute_definitions() {
                    j.obj();
                    j.ks("attributeType", a.ty);
                    j.ks("attributeName", &a.name);
                    j.end_obj();
                }
                j.end_arr();
                j.ks("tableName", &t.name);
                crate::config::write_key_schema(j, "keySchema", "attributeName", "keyType", t);
                match after.provisioned {
                    Some((rcu, wcu)) => {
                        j.ks("billingMode", "PROVISIONED");
                        j.ko("provisionedThroughput");
                        j.ki("readCapacityUnits", rcu);
                        j.ki("writeCapacityUnits", wcu);
                        j.end_obj();
                    }
                    None => j.ks("billingMode", "PAY_PER_REQUEST"),
                }
                if let Some(view) = after.stream_view {
                    j.ko("streamSpecification");
                    j.kb("streamEnabled", true);
                    j.ks("streamViewType", view);
                    j.end_obj();
                }
                sse_specification(j, st, &after, "sSESpecification");
                if !after.tags.is_empty() {
                    j.ka("tags");
                    for (k, v) in &after.tags {
                        j.obj();
                        j.ks("key", k);
                        j.ks("value", v);
                        j.end_obj();
                    }
                    j.end_arr();
                }
                j.kb("deletionProtectionEnabled", after.deletion_protection);
            }
            ChangeKind::Restore { from_backup, .. } => {
                let src = source.unwrap_or(t);
                if *from_backup {
                    j.ks("targetTableName", &t.name);
                    j.ks("backupArn", &src.backup_arn(seed, time_ms));
                } else {
                    j.ks("sourceTableName", &src.name);
                    j.ks("targetTableName", &t.name);
                    j.kb("useLatestRestorableTime", true);
                }
                sse_specification(j, st, &after, "sSESpecificationOverride");
            }
            ChangeKind::Delete => j.ks("tableName", &t.name),
        }
        j.end_obj();
        j.key("responseElements");
        match kind {
            ChangeKind::Pitr(on) => {
                j.obj();
                j.ko("continuousBackupsDescription");
                j.ks("continuousBackupsStatus", "ENABLED");
                j.ko("pointInTimeRecoveryDescription");
                j.ks(
                    "pointInTimeRecoveryStatus",
                    if *on { "ENABLED" } else { "DISABLED" },
                );
                if *on {
                    j.ks("earliestRestorableDateTime", &java_date(time_ms));
                    j.ks("latestRestorableDateTime", &java_date(time_ms));
                }
                j.end_obj();
                j.end_obj();
                j.end_obj();
            }
            ChangeKind::DeletionProtection(_) => {
                j.obj();
                table_description(j, st, t, &after, "ACTIVE", false, None);
                j.end_obj();
            }
            ChangeKind::StreamOn(_)
            | ChangeKind::StreamOff
            | ChangeKind::SseCmk(_)
            | ChangeKind::OnDemand => {
                j.obj();
                table_description(
                    j,
                    st,
                    t,
                    &after,
                    "UPDATING",
                    matches!(kind, ChangeKind::SseCmk(_)),
                    None,
                );
                j.end_obj();
            }
            ChangeKind::Create => {
                j.obj();
                table_description(j, st, t, &after, "CREATING", false, None);
                j.end_obj();
            }
            ChangeKind::Restore { from_backup, .. } => {
                let src = source.unwrap_or(t);
                let from = if *from_backup {
                    ("sourceBackupArn", src.backup_arn(seed, time_ms))
                } else {
                    ("sourceTableArn", src.arn.clone())
                };
                j.obj();
                table_description(
                    j,
                    st,
                    t,
                    &after,
                    "CREATING",
                    false,
                    Some((from.0, &from.1, time_ms)),
                );
                j.end_obj();
            }
            ChangeKind::Delete => {
                j.obj();
                j.ko("tableDescription");
                j.ks("tableName", &t.name);
                j.ks("tableStatus", "DELETING");
                j.ko("provisionedThroughput");
                j.ki("numberOfDecreasesToday", 0);
                let (rcu, wcu) = before.provisioned.unwrap_or((0, 0));
                j.ki("readCapacityUnits", rcu);
                j.ki("writeCapacityUnits", wcu);
                j.end_obj();
                j.ki("tableSizeBytes", t.size_bytes);
                j.ki("itemCount", t.item_count);
                j.ks("tableArn", &t.arn);
                j.ks("tableId", &t.id);
                j.kb("deletionProtectionEnabled", false);
                j.end_obj();
                j.end_obj();
            }
            ChangeKind::ResourcePolicy(_) | ChangeKind::DeleteResourcePolicy => {
                j.obj();
                j.kfmt(
                    "revisionId",
                    format_args!("{}", time_ms + (r.next_u64() % 1000) as i64),
                );
                j.end_obj();
            }
            ChangeKind::Ttl(attribute) => {
                j.obj();
                j.ko("timeToLiveSpecification");
                j.kb("enabled", true);
                j.ks("attributeName", attribute);
                j.end_obj();
                j.end_obj();
            }
            ChangeKind::KinesisOff => {
                j.obj();
                j.ks("tableName", &t.name);
                j.ks("streamArn", &t.kinesis_arn());
                j.ks("destinationStatus", "DISABLING");
                j.end_obj();
            }
            ChangeKind::TagsSet(_) | ChangeKind::TagsRemove(_) => j.null(),
        }
    });
}

/// `sSESpecification` (or a restore's `sSESpecificationOverride`) for a KMS-encrypted state;
/// nothing for DynamoDB's own key, which needs none.
fn sse_specification(j: &mut Json, st: &Stream, s: &TableState, field: &str) {
    if let Some(key) = st.key_arn(s.sse) {
        j.ko(field);
        j.kb("enabled", true);
        j.ks("sSEType", "KMS");
        if matches!(s.sse, Sse::Cmk(_)) {
            j.ks("kMSMasterKeyId", key);
        }
        j.end_obj();
    }
}

// ---------------------------------------------------------------- streams

fn streams_event(c: &mut Ctx<'_>, j: &mut Json) -> bool {
    if c.st.stream_tables.is_empty() {
        return false;
    }
    let k = c.r.below_usize(c.st.stream_tables.len());
    // A disabled trigger polls no more; nor are stream data events logged while the trail
    // leaves DynamoDB out.
    if c.time_ms >= c.st.consumer_until_ms.get(k).copied().unwrap_or(i64::MAX)
        || !c.w.data_logged(c.st.account, c.time_ms)
    {
        return false;
    }
    let t = c.table(c.st.stream_tables[k]);
    let p = &c.st.lambdas[k];
    let op = ["GetRecords", "GetShardIterator", "DescribeStream"][c.r.weighted(&[70, 20, 10])];
    let stream_arn = t.stream_arn(&t.initial);
    let data = op != "DescribeStream";
    let call = Call {
        version: "1.09",
        who: Who::Principal {
            p,
            invoked_by: Some("lambda.amazonaws.com"),
        },
        // DynamoDB Streams calls are logged under dynamodb.amazonaws.com, as in the AWS
        // developer guide's GetRecords example.
        source: "dynamodb.amazonaws.com",
        name: op,
        region: c.st.region,
        ip: "lambda.amazonaws.com",
        ua: "lambda.amazonaws.com".into(),
        error: None,
        read_only: true,
        resources: if data {
            vec![("AWS::DynamoDB::Stream", stream_arn.clone())]
        } else {
            Vec::new()
        },
        event_type: "AwsApiCall",
        api_version: Some("2012-08-10"),
        management: !data,
        request_id: dynamodb_request_id(&mut c.r),
        shared_event_id: false,
        vpce: None,
        tls_host: None,
        tls13: true,
        console: false,
    };
    let time_ms = c.time_ms;
    c.emit(j, call, |j, r| {
        j.ko("requestParameters");
        let shard = format!(
            "shardId-{:020}-{:08x}",
            time_ms - (r.below(4 * 3_600) as i64) * 1000,
            r.next_u64() as u32
        );
        match op {
            "GetRecords" => {
                j.kstr_with("shardIterator", |s| {
                    s.push_str(&stream_arn);
                    s.push_str("|1|AAAAAAAAAA");
                    r.push_chars(s, ALNUM, 112);
                    s.push_str("==");
                });
            }
            "GetShardIterator" => {
                j.ks("streamArn", &stream_arn);
                j.ks("shardId", &shard);
                j.ks(
                    "shardIteratorType",
                    r.pick_one(&["LATEST", "TRIM_HORIZON", "AFTER_SEQUENCE_NUMBER"]),
                );
            }
            _ => {
                j.ks("streamArn", &stream_arn);
                if r.chance(0.5) {
                    j.ks("exclusiveStartShardId", &shard);
                }
            }
        }
        j.end_obj();
        j.knull("responseElements");
    });
    true
}

// ---------------------------------------------------------------- KMS caused by DynamoDB

fn kms_event(c: &mut Ctx<'_>, j: &mut Json) -> bool {
    let Some(ti) = pick_table(&mut c.r, &c.st.kms_tables, &c.st.kms_cum) else {
        return false;
    };
    let t = c.table(ti);
    let state = t.state_at(c.time_ms);
    let key = c.st.key_arn(state.sse).unwrap_or(&c.st.aws_managed_key);
    let op = [
        "Decrypt",
        "GenerateDataKey",
        "DescribeKey",
        "CreateGrant",
        "RetireGrant",
    ][c.r.weighted(&[45, 35, 12, 4, 4])];
    let caller = matches!(op, "Decrypt" | "DescribeKey" | "CreateGrant") && c.r.chance(0.6);
    let who = if caller {
        let p = c.pick_principal(&[(Role::App, 85), (Role::Admin, 8), (Role::Ci, 7)]);
        Who::Principal {
            p,
            invoked_by: Some("dynamodb.amazonaws.com"),
        }
    } else {
        Who::Service("dynamodb.amazonaws.com")
    };
    let call = Call {
        version: c.r.pick_one(&["1.08", "1.09"]),
        who,
        source: "kms.amazonaws.com",
        name: op,
        region: c.st.region,
        ip: "dynamodb.amazonaws.com",
        ua: "dynamodb.amazonaws.com".into(),
        error: None,
        read_only: !matches!(op, "CreateGrant" | "RetireGrant"),
        resources: vec![("AWS::KMS::Key", key.to_string())],
        event_type: "AwsApiCall",
        api_version: None,
        management: true,
        request_id: c.r.uuid(),
        shared_event_id: !caller && c.r.chance(0.4),
        vpce: None,
        tls_host: None,
        tls13: true,
        console: false,
    };
    let (region, account) = (c.st.region, &c.acct.id);
    c.emit(j, call, |j, r| {
        let context = |j: &mut Json, name: &str| {
            j.ko(name);
            j.ks("aws:dynamodb:tableName", &t.name);
            j.ks("aws:dynamodb:subscriberId", account);
            j.end_obj();
        };
        j.ko("requestParameters");
        match op {
            "GenerateDataKey" => {
                context(j, "encryptionContext");
                j.ks("keySpec", "AES_256");
                j.ks("keyId", key);
            }
            "Decrypt" => {
                context(j, "encryptionContext");
                j.ks("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
            }
            "DescribeKey" => j.ks(
                "keyId",
                if state.sse == Sse::AwsManaged && r.chance(0.5) {
                    "alias/aws/dynamodb"
                } else {
                    key
                },
            ),
            "CreateGrant" => {
                j.ks("keyId", key);
                j.kfmt(
                    "retiringPrincipal",
                    format_args!("dynamodb.{region}.amazonaws.com"),
                );
                j.ko("constraints");
                context(j, "encryptionContextSubset");
                j.end_obj();
                j.kfmt(
                    "granteePrincipal",
                    format_args!("dynamodb.{region}.amazonaws.com"),
                );
                j.ka("operations");
                for o in [
                    "DescribeKey",
                    "GenerateDataKey",
                    "Decrypt",
                    "Encrypt",
                    "ReEncryptFrom",
                    "ReEncryptTo",
                    "RetireGrant",
                ] {
                    j.str(o);
                }
                j.end_arr();
            }
            _ => {
                j.ks("keyId", key);
                j.kstr_with("grantId", |s| r.push_chars(s, LOWER_HEX, 64));
            }
        }
        j.end_obj();
        j.key("responseElements");
        if op == "CreateGrant" {
            j.obj();
            j.kstr_with("grantId", |s| r.push_chars(s, LOWER_HEX, 64));
            j.ks("keyId", key);
            j.end_obj();
        } else {
            j.null();
        }
    });
    true
}

// ---------------------------------------------------------------- anomalies

fn anomaly_event(c: &mut Ctx<'_>, j: &mut Json, kind: AnomalyKind) -> bool {
    let Some(&pi) = c.acct.of_role(Role::Suspicious).first() else {
        return false;
    };
    let p = &c.acct.principals[pi];
    match kind {
        AnomalyKind::ScanBurst => {
            let sensitive: Vec<usize> =
                c.st.data_tables
                    .iter()
                    .copied()
                    .filter(|&i| c.st.tables[i].sensitive)
                    .collect();
            let pool = if sensitive.is_empty() {
                &c.st.data_tables
            } else {
                &sensitive
            };
            if pool.is_empty() {
                return false;
            }
            // The same few tables over and over, as a dump script would.
            let ti = pool[(mix(c.w.seed ^ (c.time_ms / HOUR_MS) as u64 ^ c.r.below(2))
                % pool.len() as u64) as usize];
            data_event(c, j, Some(("Scan", ti, p)))
        }
        AnomalyKind::DeniedRecon => {
            let Some(ti) = c.any_stable_table() else {
                return false;
            };
            let t = c.table(ti);
            let mut op = c.r.pick_one(&[
                "ListTables",
                "DescribeTable",
                "Scan",
                "GetItem",
                "ListBackups",
                "ExportTableToPointInTime",
            ]);
            if matches!(op, "Scan" | "GetItem") && !c.w.data_logged(c.st.account, c.time_ms) {
                op = "DescribeTable";
            }
            let mut call = Call::by(c, p, "dynamodb.amazonaws.com", "dynamodb", op);
            call.request_id = dynamodb_request_id(&mut c.r);
            call.api_version = Some("2012-08-10");
            call.read_only = op != "ExportTableToPointInTime";
            call.management = !matches!(op, "Scan" | "GetItem");
            if !call.management {
                call.resources = vec![("AWS::DynamoDB::Table", t.arn.clone())];
            }
            if c.r.chance(0.85) {
                call.error = Some((
                    "AccessDeniedException",
                    format!(
                        "User: {} is not authorized to perform: dynamodb:{op} on resource: {} because no identity-based policy allows the dynamodb:{op} action",
                        p.arn, t.arn
                    ),
                ));
            }
            let time_ms = c.time_ms;
            c.emit(j, call, |j, r| {
                j.ko("requestParameters");
                match op {
                    "ListTables" => {}
                    "GetItem" => {
                        j.ks("tableName", &t.name);
                        write_key(j, r, t, time_ms);
                    }
                    "ExportTableToPointInTime" => {
                        j.ks("tableArn", &t.arn);
                        j.ks("s3Bucket", "exfil-bucket-7731");
                        j.ks("exportFormat", "DYNAMODB_JSON");
                    }
                    _ => j.ks("tableName", &t.name),
                }
                j.end_obj();
                j.knull("responseElements");
            });
            true
        }
    }
}

// ---------------------------------------------------------------- other services

const OTHER_WHO: [(Role, u32); 7] = [
    (Role::App, 300),
    (Role::Human, 150),
    (Role::Admin, 200),
    (Role::Ci, 150),
    (Role::ServiceUser, 100),
    (Role::Suspicious, 6),
    (Role::Root, 3),
];

fn other_event(c: &mut Ctx<'_>, j: &mut Json) {
    let us_east = c.st.region == "us-east-1";
    let service = c.r.weighted(&[
        25,
        8,
        20,
        20,
        if us_east { 10 } else { 0 },
        6,
        8,
        3,
        if us_east { 2 } else { 0 },
    ]);
    match service {
        0 => assume_role(c, j),
        1 => {
            let p = c.pick_principal(&OTHER_WHO);
            let call = Call::by(c, p, "sts.amazonaws.com", "sts", "GetCallerIdentity");
            c.emit(j, call, |j, _| {
                j.knull("requestParameters");
                j.knull("responseElements");
            });
        }
        2 => s3_event(c, j),
        3 => {
            let p = c.pick_principal(&OTHER_WHO);
            let op = c.r.pick_one(EC2_DESCRIBES);
            let mut call = Call::by(c, p, "ec2.amazonaws.com", "ec2", op);
            if c.r.chance(ERROR_RATE) {
                call.error = Some((
                    "Client.UnauthorizedOperation",
                    format!(
                        "You are not authorized to perform this operation. User: {} is not authorized to perform: ec2:{op} because no identity-based policy allows the ec2:{op} action",
                        p.arn
                    ),
                ));
            }
            c.emit(j, call, |j, r| {
                j.ko("requestParameters");
                match op {
                    "DescribeInstances" => {
                        j.ko("instancesSet");
                        j.end_obj();
                        j.ko("filterSet");
                        j.end_obj();
                    }
                    "DescribeSecurityGroups" => {
                        j.ko("securityGroupSet");
                        j.end_obj();
                        j.ko("securityGroupIdSet");
                        j.end_obj();
                        j.ko("filterSet");
                        j.end_obj();
                    }
                    "DescribeRegions" => {
                        j.ko("regionSet");
                        j.end_obj();
                    }
                    _ => {
                        j.ko("filterSet");
                        if r.chance(0.5) {
                            j.ka("items");
                            j.obj();
                            j.ks("name", "vpc-id");
                            j.ko("valueSet");
                            j.ka("items");
                            j.obj();
                            j.kstr_with("value", |s| {
                                s.push_str("vpc-0");
                                r.push_chars(s, LOWER_HEX, 16);
                            });
                            j.end_obj();
                            j.end_arr();
                            j.end_obj();
                            j.end_obj();
                            j.end_arr();
                        }
                        j.end_obj();
                        if r.chance(0.4) {
                            j.ki("maxResults", 1000);
                        }
                    }
                }
                j.end_obj();
                j.knull("responseElements");
            });
        }
        4 => iam_event(c, j),
        5 => {
            let p = c.pick_principal(&OTHER_WHO);
            let op = c.r.pick_one(&[
                "LookupEvents",
                "DescribeTrails",
                "GetTrailStatus",
                "GetEventSelectors",
                "LookupEvents",
            ]);
            let call = Call::by(c, p, "cloudtrail.amazonaws.com", "cloudtrail", op);
            let (region, account) = (c.st.region, &c.acct.id);
            c.emit(j, call, |j, _| {
                j.ko("requestParameters");
                match op {
                    "LookupEvents" => {
                        j.ka("lookupAttributes");
                        j.obj();
                        j.ks("attributeKey", "EventSource");
                        j.ks("attributeValue", "dynamodb.amazonaws.com");
                        j.end_obj();
                        j.end_arr();
                        j.ki("maxResults", 50);
                    }
                    "DescribeTrails" => {
                        j.ka("trailNameList");
                        j.end_arr();
                        j.kb("includeShadowTrails", true);
                    }
                    "GetTrailStatus" => j.kfmt(
                        "name",
                        format_args!("arn:aws:cloudtrail:{region}:{account}:trail/org-trail"),
                    ),
                    _ => j.ks("trailName", "org-trail"),
                }
                j.end_obj();
                j.knull("responseElements");
            });
        }
        6 => config_event(c, j),
        7 => kms_user_event(c, j),
        _ => console_login(c, j),
    }
}

fn assume_role(c: &mut Ctx<'_>, j: &mut Json) {
    let apps = c.acct.of_role(Role::App);
    let by_service = !apps.is_empty() && c.r.chance(0.6);
    let (target, who, ip, ua, tls): (&Principal, Who<'_>, &str, String, Option<String>) =
        if by_service {
            let target = &c.acct.principals[c.r.pick_one(apps)];
            let svc = if target.ec2 {
                "ec2.amazonaws.com"
            } else if target.role_arn.contains("service-role/") {
                "lambda.amazonaws.com"
            } else {
                "ecs-tasks.amazonaws.com"
            };
            (target, Who::Service(svc), svc, svc.to_string(), None)
        } else {
            let admins = c.acct.of_role(Role::Admin);
            let p = c.pick_principal(&[(Role::Human, 40), (Role::Ci, 40), (Role::ServiceUser, 20)]);
            let target = match admins.first() {
                Some(_) => &c.acct.principals[c.r.pick_one(admins)],
                None => p,
            };
            let (ip, _) = c.ip(p, false);
            let host = format!("sts.{}.amazonaws.com", c.st.region);
            (
                target,
                Who::Principal {
                    p,
                    invoked_by: None,
                },
                ip,
                user_agent(p.ua, "sts", "AssumeRole"),
                Some(host),
            )
        };
    let session = target
        .principal_id
        .rsplit(':')
        .next()
        .unwrap_or("session")
        .to_string();
    let call = Call {
        version: "1.08",
        who,
        source: "sts.amazonaws.com",
        name: "AssumeRole",
        region: c.st.region,
        ip,
        ua,
        error: None,
        read_only: true,
        resources: vec![("AWS::IAM::Role", target.role_arn.clone())],
        event_type: "AwsApiCall",
        api_version: None,
        management: true,
        request_id: c.r.uuid(),
        shared_event_id: true,
        vpce: None,
        tls13: true,
        tls_host: tls,
        console: false,
    };
    let time_ms = c.time_ms;
    c.emit(j, call, |j, r| {
        j.ko("requestParameters");
        j.ks("roleArn", &target.role_arn);
        j.ks("roleSessionName", &session);
        j.ki("durationSeconds", 3600);
        j.end_obj();
        j.ko("responseElements");
        j.ko("credentials");
        j.kstr_with("accessKeyId", |s| {
            s.push_str("ASIA");
            r.push_chars(s, IAM_ID, 16);
        });
        j.kstr_with("sessionToken", |s| {
            s.push_str("IQoJb3JpZ2luX2VjE");
            r.push_chars(s, ALNUM, 160);
        });
        j.ks("expiration", &java_date(time_ms + HOUR_MS));
        j.end_obj();
        j.ko("assumedRoleUser");
        j.kfmt(
            "assumedRoleId",
            format_args!("{}:{}", target.role_id, session),
        );
        j.kfmt(
            "arn",
            format_args!(
                "arn:aws:sts::{}:assumed-role/{}/{}",
                target.account_id, target.name, session
            ),
        );
        j.end_obj();
        j.end_obj();
    });
}

fn s3_event(c: &mut Ctx<'_>, j: &mut Json) {
    let p = c.pick_principal(&OTHER_WHO);
    let op = [
        "ListBuckets",
        "GetBucketAcl",
        "GetBucketPolicy",
        "GetBucketEncryption",
        "GetBucketLocation",
        "PutBucketPolicy",
    ][c.r.weighted(&[25, 25, 15, 15, 18, 2])];
    let bucket = format!("{}-{}-{}", c.r.pick(S3_BUCKETS), c.acct.id, c.st.region);
    let mut call = Call::by(c, p, "s3.amazonaws.com", "s3api", op);
    call.request_id = c.r.chars(UPPER_ALNUM, 16);
    call.read_only = op != "PutBucketPolicy";
    if op != "ListBuckets" {
        call.resources = vec![("AWS::S3::Bucket", format!("arn:aws:s3:::{bucket}"))];
    }
    if c.r.chance(ERROR_RATE) {
        call.error = Some(("AccessDenied", "Access Denied".into()));
    } else if op == "GetBucketPolicy" && c.r.chance(0.3) {
        call.error = Some((
            "NoSuchBucketPolicy",
            "The bucket policy does not exist".into(),
        ));
    }
    let region = c.st.region;
    let host = if op == "ListBuckets" {
        format!("s3.{region}.amazonaws.com")
    } else {
        format!("{bucket}.s3.{region}.amazonaws.com")
    };
    call.tls_host = Some(host.clone());
    let tls = call.tls13;
    c.emit(j, call, |j, r| {
        j.ko("requestParameters");
        if op != "ListBuckets" {
            j.ks("bucketName", &bucket);
        }
        j.ks("Host", &host);
        match op {
            "GetBucketAcl" => j.ks("acl", ""),
            "GetBucketPolicy" | "PutBucketPolicy" => j.ks("policy", ""),
            "GetBucketEncryption" => j.ks("encryption", ""),
            "GetBucketLocation" => j.ks("location", ""),
            _ => {}
        }
        j.end_obj();
        j.knull("responseElements");
        j.ko("additionalEventData");
        j.ks("SignatureVersion", "SigV4");
        j.ks(
            "CipherSuite",
            if tls {
                "TLS_AES_128_GCM_SHA256"
            } else {
                "ECDHE-RSA-AES128-GCM-SHA256"
            },
        );
        j.ki("bytesTransferredIn", 0);
        j.ks("AuthenticationMethod", "AuthHeader");
        j.kstr_with("x-amz-id-2", |s| {
            r.push_chars(s, ALNUM, 74);
            s.push_str("==");
        });
        j.ki("bytesTransferredOut", r.range(0, 4_000));
        j.end_obj();
    });
}

fn iam_event(c: &mut Ctx<'_>, j: &mut Json) {
    let p = c.pick_principal(&OTHER_WHO);
    let op = [
        "GetRole",
        "ListRoles",
        "ListAttachedRolePolicies",
        "GetUser",
        "ListAccessKeys",
        "CreateAccessKey",
        "AttachRolePolicy",
    ][c.r.weighted(&[30, 15, 20, 12, 15, 2, 2])];
    let acct = c.acct;
    let other = &acct.principals[c.r.below_usize(acct.principals.len())];
    let mut call = Call::by(c, p, "iam.amazonaws.com", "iam", op);
    call.read_only = !matches!(op, "CreateAccessKey" | "AttachRolePolicy");
    if c.r.chance(ERROR_RATE) || (p.role == Role::Suspicious && !call.read_only) {
        call.error = Some((
            "AccessDenied",
            format!(
                "User: {} is not authorized to perform: iam:{op} because no identity-based policy allows the iam:{op} action",
                p.arn
            ),
        ));
    }
    let failed = call.error.is_some();
    let time_ms = c.time_ms;
    let user = if other.kind == Kind::IamUser {
        other.name.as_str()
    } else {
        "ci-deploy"
    };
    let role = if other.kind == Kind::AssumedRole {
        other.name.as_str()
    } else {
        "terraform-apply"
    };
    c.emit(j, call, |j, r| {
        match op {
            "ListRoles" => j.knull("requestParameters"),
            "GetUser" | "ListAccessKeys" | "CreateAccessKey" => {
                j.ko("requestParameters");
                j.ks("userName", user);
                j.end_obj();
            }
            "AttachRolePolicy" => {
                j.ko("requestParameters");
                j.ks("roleName", role);
                j.ks(
                    "policyArn",
                    "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
                );
                j.end_obj();
            }
            _ => {
                j.ko("requestParameters");
                j.ks("roleName", role);
                j.end_obj();
            }
        }
        if op == "CreateAccessKey" && !failed {
            j.ko("responseElements");
            j.ko("accessKey");
            j.kstr_with("accessKeyId", |s| {
                s.push_str("AKIA");
                r.push_chars(s, IAM_ID, 16);
            });
            j.ks("status", "Active");
            j.ks("userName", user);
            j.ks("createDate", &java_date(time_ms));
            j.end_obj();
            j.end_obj();
        } else {
            j.knull("responseElements");
        }
    });
}

fn config_event(c: &mut Ctx<'_>, j: &mut Json) {
    let rule_fn = c.acct.of_role(Role::ConfigRule).first().copied();
    let put = rule_fn.is_some() && c.r.chance(0.5);
    let p = match (put, rule_fn) {
        (true, Some(i)) => &c.acct.principals[i],
        _ => c.pick_principal(&OTHER_WHO),
    };
    let op = if put {
        "PutEvaluations"
    } else {
        c.r.pick_one(&[
            "DescribeConfigRules",
            "DescribeConfigurationRecorderStatus",
            "GetComplianceDetailsByConfigRule",
            "DescribeComplianceByResource",
        ])
    };
    let mut call = Call::by(c, p, "config.amazonaws.com", "configservice", op);
    call.read_only = !put;
    let table = c.any_stable_table().map(|ti| c.table(ti));
    let time_ms = c.time_ms;
    c.emit(j, call, |j, r| {
        j.ko("requestParameters");
        match (op, table) {
            ("PutEvaluations", Some(t)) => {
                j.ka("evaluations");
                j.obj();
                j.ks("complianceResourceType", "AWS::DynamoDB::Table");
                j.ks("complianceResourceId", &t.name);
                let ok = t.initial.tags.iter().any(|(k, _)| k == "Confidentiality");
                j.ks(
                    "complianceType",
                    if ok { "COMPLIANT" } else { "NON_COMPLIANT" },
                );
                if !ok {
                    j.ks("annotation", "Required tag Confidentiality is missing");
                }
                j.ks("orderingTimestamp", &java_date(time_ms - 5 * MINUTE_MS));
                j.end_obj();
                j.end_arr();
                j.kstr_with("resultToken", |s| r.push_chars(s, ALNUM, 120));
                j.kb("testMode", false);
            }
            ("GetComplianceDetailsByConfigRule", _) => {
                j.ks(
                    "configRuleName",
                    r.pick_one(&[
                        "dynamodb-pitr-enabled",
                        "dynamodb-table-encrypted-kms",
                        "dynamodb-table-deletion-protection-enabled",
                    ]),
                );
                j.ka("complianceTypes");
                j.str("NON_COMPLIANT");
                j.end_arr();
                j.ki("limit", 100);
            }
            ("DescribeComplianceByResource", _) => j.ks("resourceType", "AWS::DynamoDB::Table"),
            ("DescribeConfigRules", _) => {
                j.ka("configRuleNames");
                j.str("dynamodb-pitr-enabled");
                j.end_arr();
            }
            _ => {}
        }
        j.end_obj();
        j.knull("responseElements");
    });
}

fn kms_user_event(c: &mut Ctx<'_>, j: &mut Json) {
    let p = c.pick_principal(&[
        (Role::Admin, 50),
        (Role::Human, 20),
        (Role::Ci, 25),
        (Role::Suspicious, 5),
    ]);
    let op = [
        "ListAliases",
        "DescribeKey",
        "ListKeys",
        "DisableKey",
        "ScheduleKeyDeletion",
    ][c.r.weighted(&[40, 40, 15, 3, 2])];
    let key = c.r.pick(&c.st.cmks).clone();
    let mut call = Call::by(c, p, "kms.amazonaws.com", "kms", op);
    call.read_only = matches!(op, "ListAliases" | "DescribeKey" | "ListKeys");
    if matches!(op, "DescribeKey" | "DisableKey" | "ScheduleKeyDeletion") {
        call.resources = vec![("AWS::KMS::Key", key.clone())];
    }
    // Key state changes succeed only in the scripted incidents, so the keys' states at the
    // end agree with describe-key; these are attempts without the permission.
    if (c.r.chance(ERROR_RATE)
        || p.role == Role::Suspicious
        || matches!(op, "DisableKey" | "ScheduleKeyDeletion"))
        && op != "ListAliases"
    {
        call.error = Some((
            "AccessDeniedException",
            format!("User: {} is not authorized to perform: kms:{op} on resource: {key} because no identity-based policy allows the kms:{op} action", p.arn),
        ));
    }
    let failed = call.error.is_some();
    let time_ms = c.time_ms;
    c.emit(j, call, |j, _| {
        match op {
            "ListAliases" | "ListKeys" => j.knull("requestParameters"),
            "ScheduleKeyDeletion" => {
                j.ko("requestParameters");
                j.ks("keyId", &key);
                j.ki("pendingWindowInDays", 7);
                j.end_obj();
            }
            _ => {
                j.ko("requestParameters");
                j.ks("keyId", &key);
                j.end_obj();
            }
        }
        if op == "ScheduleKeyDeletion" && !failed {
            j.ko("responseElements");
            j.ks("keyId", &key);
            j.ks("deletionDate", &java_date((time_ms / DAY_MS + 8) * DAY_MS));
            j.ks("keyState", "PendingDeletion");
            j.ki("pendingWindowInDays", 7);
            j.end_obj();
        } else {
            j.knull("responseElements");
        }
    });
}

fn console_login(c: &mut Ctx<'_>, j: &mut Json) {
    let p = c.pick_principal(&[(Role::Human, 90), (Role::Root, 6), (Role::Suspicious, 4)]);
    let mut call = Call::by(c, p, "signin.amazonaws.com", "signin", "ConsoleLogin");
    call.event_type = "AwsConsoleSignIn";
    call.read_only = false;
    call.ua = user_agent(Ua::Browser, "signin", "ConsoleLogin");
    call.tls_host = Some("signin.aws.amazon.com".into());
    call.console = false;
    let failed = c.r.chance(0.08);
    let mfa = p.mfa;
    c.emit(j, call, |j, _| {
        j.knull("requestParameters");
        j.ko("responseElements");
        j.ks("ConsoleLogin", if failed { "Failure" } else { "Success" });
        j.end_obj();
        j.ko("additionalEventData");
        j.ks(
            "LoginTo",
            "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
        );
        j.ks("MobileVersion", "No");
        j.ks("MFAUsed", if mfa { "Yes" } else { "No" });
        j.end_obj();
    });
}
