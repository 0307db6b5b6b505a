//! The simulated estate: accounts, principals, source IPs, KMS keys, tables and their
//! planned configuration changes. Everything the three export kinds say is drawn from one
//! `World`, so CloudTrail, Config and the describe-table inventory agree with each other.

use std::borrow::Cow;

use crate::names::{
    APP_COMPONENTS, EMAIL_DOMAIN, HUMANS, SERVICES, SERVICE_USERS, SSO_PERMISSION_SETS,
    SUSPICIOUS_USERS, TABLE_BASES,
};
use crate::rng::{cumulative, label, mix, Rng, IAM_ID, LOWER_ALNUM, LOWER_HEX, UPPER_ALNUM};
use crate::time::{DAY_MS, HOUR_MS, MINUTE_MS};

pub(crate) const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Env {
    Prod,
    Staging,
    Dev,
    Sandbox,
}

impl Env {
    fn for_account(i: usize) -> Env {
        match i {
            0 => Env::Prod,
            1 => Env::Staging,
            2 => Env::Dev,
            _ => Env::Sandbox,
        }
    }

    pub(crate) fn short(self) -> &'static str {
        match self {
            Env::Prod => "prod",
            Env::Staging => "staging",
            Env::Dev => "dev",
            Env::Sandbox => "sandbox",
        }
    }
}

/// What a principal is for; decides which calls it makes and from where.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Role {
    /// Workload roles (ECS tasks, EC2 instances, Lambda functions) doing data-plane work.
    App,
    /// People with IAM users.
    Human,
    /// People through IAM Identity Center (SSO) roles.
    Admin,
    /// Deployment pipelines and infrastructure as code.
    Ci,
    /// Long-lived IAM users used by scripts.
    ServiceUser,
    /// A role in another account granted access to tables here.
    Cross,
    /// A forgotten or compromised identity; rare, and the source of the anomalies.
    Suspicious,
    Root,
    /// The Lambda behind custom Config rules.
    ConfigRule,
}

pub(crate) const ROLES: [Role; 9] = [
    Role::App,
    Role::Human,
    Role::Admin,
    Role::Ci,
    Role::ServiceUser,
    Role::Cross,
    Role::Suspicious,
    Role::Root,
    Role::ConfigRule,
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    IamUser,
    AssumedRole,
    Root,
}

/// The client a principal calls AWS with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Ua {
    CliV2Linux,
    CliV2Mac,
    CliV1,
    Boto3,
    Java,
    JsV3,
    Go,
    Terraform,
    Console,
    Browser,
    PythonOld,
    Lambda,
}

pub(crate) struct Principal {
    pub kind: Kind,
    pub role: Role,
    /// The account the identity lives in (differs from the recipient for `Role::Cross`).
    pub account_id: String,
    pub arn: String,
    pub principal_id: String,
    /// The IAM user name, or the role name of an assumed role.
    pub name: String,
    pub role_arn: String,
    pub role_id: String,
    /// `AKIA…` for IAM users calling with long-term keys; empty otherwise.
    pub long_term_key: String,
    pub seed: u64,
    pub ua: Ua,
    /// Indexes into `World::ips`.
    pub ips: Vec<u16>,
    pub mfa: bool,
    /// Session credentials delivered by the EC2 instance metadata service.
    pub ec2: bool,
    /// Data-plane calls go through the region's VPC endpoint (private source IPs).
    pub vpce: bool,
}

impl Principal {
    /// The temporary access key of the session active at `time_ms` (stable for an hour).
    pub(crate) fn session_key(&self, time_ms: i64) -> String {
        let mut r = Rng::new(mix(self.seed ^ (time_ms / HOUR_MS) as u64));
        let mut s = String::with_capacity(20);
        s.push_str("ASIA");
        r.push_chars(&mut s, IAM_ID, 16);
        s
    }

    /// When the session active at `time_ms` was created (never after `time_ms`).
    pub(crate) fn session_created_ms(&self, time_ms: i64) -> i64 {
        let hour = time_ms / HOUR_MS * HOUR_MS;
        let back = (mix(self.seed ^ 0x5E55 ^ hour as u64) % (50 * 60)) as i64 * 1000;
        hour - back
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ValueKind {
    /// `ORDER#8f3a1c2d`
    Tagged,
    /// `META`, `ITEM#0003`, `v0`…
    Sort,
    Uuid,
    /// `ord_3kf93ma0q1`
    Prefixed,
    Epoch,
    Tenant,
    Email,
}

#[derive(Clone)]
pub(crate) struct Attr {
    pub name: String,
    pub ty: &'static str,
    pub value: ValueKind,
}

#[derive(Clone)]
pub(crate) struct Gsi {
    pub name: String,
    pub hash: Attr,
    pub range: Option<Attr>,
    pub projection: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Sse {
    /// Encrypted with an AWS owned key: DescribeTable shows no SSEDescription.
    Owned,
    /// The AWS managed key `alias/aws/dynamodb`.
    AwsManaged,
    /// A customer managed key, index into `Stream::cmks`.
    Cmk(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TableState {
    /// Read and write capacity; `None` for on-demand.
    pub provisioned: Option<(i64, i64)>,
    pub billing_changed_ms: i64,
    pub sse: Sse,
    pub stream_view: Option<&'static str>,
    pub stream_label_ms: i64,
    pub pitr: bool,
    pub deletion_protection: bool,
    pub tags: Vec<(String, String)>,
    /// Time to live: the attribute, when enabled.
    pub ttl: Option<&'static str>,
    /// A stream was turned off: DescribeTable and Config still name the last stream.
    pub stream_kept: bool,
    /// The table's resource-based policy.
    pub policy: Option<Grant>,
    /// Kinesis Data Streams destination (`<table>-cdc`).
    pub kinesis: Kinesis,
}

/// Who a table's resource-based policy lets read it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Grant {
    /// The partner account's `partner-analytics-reader` role (the `Role::Cross` principal).
    Partner,
    /// A reporting role of the table's own account.
    Internal,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kinesis {
    None,
    Active,
    Disabled,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ChangeKind {
    Pitr(bool),
    DeletionProtection(bool),
    StreamOn(&'static str),
    StreamOff,
    SseCmk(usize),
    OnDemand,
    TagsSet(Vec<(String, String)>),
    TagsRemove(Vec<String>),
    ResourcePolicy(Grant),
    DeleteResourcePolicy,
    /// UpdateTimeToLive enabling TTL on the attribute.
    Ttl(&'static str),
    KinesisOff,
    Create,
    /// The table is created by restoring table `source` (an index in the same stream) from
    /// point in time, or from its latest backup.
    Restore {
        source: usize,
        from_backup: bool,
    },
    Delete,
}

impl ChangeKind {
    /// Whether AWS Config records a new configuration item for this change: not for what a
    /// table's configuration item does not hold (resource policy, TTL, Kinesis destinations).
    pub(crate) fn recorded_by_config(&self) -> bool {
        !matches!(
            self,
            ChangeKind::ResourcePolicy(_)
                | ChangeKind::DeleteResourcePolicy
                | ChangeKind::Ttl(_)
                | ChangeKind::KinesisOff
        )
    }

    /// The change that brings the table into existence.
    pub(crate) fn is_creation(&self) -> bool {
        matches!(self, ChangeKind::Create | ChangeKind::Restore { .. })
    }
}

pub(crate) struct Change {
    pub time_ms: i64,
    pub kind: ChangeKind,
    /// (account index, principal index) of who made it.
    pub actor: (usize, usize),
    /// Global index of the CloudTrail record that logs it, once placed in a file.
    pub event_gidx: Option<u64>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Lifecycle {
    Stable,
    /// Created during the window by the change of kind `Create`.
    Created,
    /// Deleted during the window by the change of kind `Delete`.
    Deleted,
}

pub(crate) struct Table {
    pub name: String,
    pub arn: String,
    pub id: String,
    pub created_ms: i64,
    pub hash: Attr,
    pub range: Option<Attr>,
    pub gsis: Vec<Gsi>,
    pub entity: String,
    pub item_count: i64,
    pub size_bytes: i64,
    pub infrequent_access: bool,
    pub show_class: bool,
    pub sensitive: bool,
    pub initial: TableState,
    /// Sorted by time once the CloudTrail plan has placed them.
    pub changes: Vec<Change>,
    pub lifecycle: Lifecycle,
    pub popularity: u32,
    /// Chosen for a scripted incident (see `incidents`): random changes leave it alone, so
    /// the incident's preconditions hold when it happens.
    pub reserved: bool,
}

impl Table {
    /// The table's settings at `time_ms`; borrowed (no allocation) for the many tables
    /// that have not changed by then.
    pub(crate) fn state_at(&self, time_ms: i64) -> Cow<'_, TableState> {
        if !self.changes.iter().any(|c| c.time_ms <= time_ms) {
            return Cow::Borrowed(&self.initial);
        }
        let mut s = self.initial.clone();
        for c in self.changes.iter().filter(|c| c.time_ms <= time_ms) {
            apply(&mut s, &c.kind, c.time_ms);
        }
        Cow::Owned(s)
    }

    pub(crate) fn final_state(&self) -> Cow<'_, TableState> {
        self.state_at(i64::MAX)
    }

    pub(crate) fn exists_at_end(&self) -> bool {
        self.lifecycle != Lifecycle::Deleted
    }

    pub(crate) fn stream_arn(&self, state: &TableState) -> String {
        format!(
            "{}/stream/{}",
            self.arn,
            crate::time::stream_label(state.stream_label_ms)
        )
    }

    /// `arn:aws:kinesis:<region>:<account>:stream/<table>-cdc`, its Kinesis destination.
    pub(crate) fn kinesis_arn(&self) -> String {
        let (prefix, _) = self.arn.split_once(":table/").unwrap_or((&self.arn, ""));
        let account_region = prefix.trim_start_matches("arn:aws:dynamodb:");
        format!("arn:aws:kinesis:{account_region}:stream/{}-cdc", self.name)
    }

    /// The last daily backup (03:00-04:00 UTC) taken more than an hour before `before_ms`,
    /// as DynamoDB names backups: `<table ARN>/backup/<14-digit ms>-<8 hex>`.
    pub(crate) fn backup_arn(&self, seed: u64, before_ms: i64) -> String {
        let h = mix(seed ^ crate::rng::label(&self.name) ^ 0xBAC0);
        let mut at = before_ms.div_euclid(DAY_MS) * DAY_MS + 3 * HOUR_MS + (h % 3_600_000) as i64;
        while at > before_ms - HOUR_MS {
            at -= DAY_MS;
        }
        format!(
            "{}/backup/{:014}-{:08x}",
            self.arn,
            at,
            mix(h ^ at as u64) as u32
        )
    }

    /// The resource-based policy document a grant stands for, as text.
    pub(crate) fn policy_text(&self, grant: Grant, partner_account: &str) -> String {
        let account = self.arn.split(':').nth(4).unwrap_or_default();
        let (sid, principal, actions) = match grant {
            Grant::Partner => (
                "PartnerAnalyticsRead",
                format!("arn:aws:iam::{partner_account}:role/partner-analytics-reader"),
                "\"dynamodb:GetItem\",\"dynamodb:Query\",\"dynamodb:Scan\",\"dynamodb:BatchGetItem\"",
            ),
            Grant::Internal => (
                "ReportingRead",
                format!("arn:aws:iam::{account}:role/{}-reporting", self.entity),
                "\"dynamodb:GetItem\",\"dynamodb:Query\"",
            ),
        };
        format!(
            "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Sid\":\"{sid}\",\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"{principal}\"}},\"Action\":[{actions}],\"Resource\":[\"{arn}\",\"{arn}/index/*\"]}}]}}",
            arn = self.arn
        )
    }

    pub(crate) fn attribute_definitions(&self) -> Vec<&Attr> {
        let mut v: Vec<&Attr> = vec![&self.hash];
        v.extend(self.range.as_ref());
        for g in &self.gsis {
            v.push(&g.hash);
            v.extend(g.range.as_ref());
        }
        let mut seen: Vec<&str> = Vec::new();
        v.retain(|a| {
            if seen.contains(&a.name.as_str()) {
                false
            } else {
                seen.push(&a.name);
                true
            }
        });
        v
    }
}

pub(crate) fn apply(s: &mut TableState, kind: &ChangeKind, time_ms: i64) {
    match kind {
        ChangeKind::Pitr(on) => s.pitr = *on,
        ChangeKind::DeletionProtection(on) => s.deletion_protection = *on,
        ChangeKind::StreamOn(view) => {
            s.stream_view = Some(view);
            s.stream_label_ms = time_ms + 412;
            s.stream_kept = false;
        }
        ChangeKind::StreamOff => {
            s.stream_kept = s.stream_view.is_some() || s.stream_kept;
            s.stream_view = None;
        }
        ChangeKind::Ttl(attribute) => s.ttl = Some(attribute),
        ChangeKind::ResourcePolicy(grant) => s.policy = Some(*grant),
        ChangeKind::DeleteResourcePolicy => s.policy = None,
        ChangeKind::KinesisOff => {
            if s.kinesis == Kinesis::Active {
                s.kinesis = Kinesis::Disabled;
            }
        }
        ChangeKind::SseCmk(k) => s.sse = Sse::Cmk(*k),
        ChangeKind::OnDemand => {
            s.provisioned = None;
            s.billing_changed_ms = time_ms;
        }
        ChangeKind::TagsSet(tags) => {
            for (k, v) in tags {
                match s.tags.iter_mut().find(|(tk, _)| tk == k) {
                    Some(t) => t.1 = v.clone(),
                    None => s.tags.push((k.clone(), v.clone())),
                }
            }
        }
        ChangeKind::TagsRemove(keys) => s.tags.retain(|(k, _)| !keys.contains(k)),
        ChangeKind::Create | ChangeKind::Restore { .. } | ChangeKind::Delete => {}
    }
}

pub(crate) struct Account {
    pub id: String,
    pub env: Env,
    pub principals: Vec<Principal>,
    /// Principal indexes per `ROLES` entry.
    pub by_role: Vec<Vec<usize>>,
}

impl Account {
    pub(crate) fn of_role(&self, role: Role) -> &[usize] {
        &self.by_role[ROLES.iter().position(|r| *r == role).unwrap_or(0)]
    }

    /// A principal of `role` who may change things, drawn by `pick`: of the SSO roles, those
    /// of the administrator and power user permission sets (not read-only ones); the
    /// account's first principal when the role has none.
    pub(crate) fn changer(&self, role: Role, pick: u64) -> usize {
        let all = self.of_role(role);
        let writers: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| {
                let name = &self.principals[i].name;
                !name.starts_with("AWSReservedSSO_")
                    || name.contains("_AdministratorAccess_")
                    || name.contains("_PowerUserAccess_")
            })
            .collect();
        let from: &[usize] = if writers.is_empty() { all } else { &writers };
        from.get((pick % from.len().max(1) as u64) as usize)
            .copied()
            .unwrap_or(0)
    }
}

/// One account in one region: the unit CloudTrail and Config deliver files for.
pub(crate) struct Stream {
    pub account: usize,
    pub region: &'static str,
    pub tables: Vec<Table>,
    /// Tables that see data-plane traffic, and cumulative popularity over them.
    pub data_tables: Vec<usize>,
    pub data_cum: Vec<u64>,
    /// Tables encrypted with a KMS key (AWS managed or customer managed).
    pub kms_tables: Vec<usize>,
    pub kms_cum: Vec<u64>,
    /// Tables with a stream, and the Lambda function role polling each.
    pub stream_tables: Vec<usize>,
    pub lambdas: Vec<Principal>,
    /// Per `lambdas` entry: when its trigger was disabled (it polls no more), else `i64::MAX`.
    pub consumer_until_ms: Vec<i64>,
    /// The Lambda event source mappings on the region's table streams.
    pub mappings: Vec<Mapping>,
    /// Data tables whose resource policy lets the partner account's role read them from the
    /// start: the tables that role's calls go to.
    pub partner_tables: Vec<usize>,
    pub aws_managed_key: String,
    pub cmks: Vec<String>,
    pub vpce: String,
    pub nat_ips: Vec<u16>,
    pub weight: u32,
}

impl Stream {
    pub(crate) fn key_arn(&self, sse: Sse) -> Option<&str> {
        match sse {
            Sse::Owned => None,
            Sse::AwsManaged => Some(&self.aws_managed_key),
            Sse::Cmk(i) => self.cmks.get(i).map(String::as_str),
        }
    }
}

pub(crate) struct World {
    pub seed: u64,
    pub start_ms: i64,
    pub span_ms: i64,
    pub accounts: Vec<Account>,
    pub streams: Vec<Stream>,
    /// Public addresses (documentation ranges) then private ones.
    pub ips: Vec<String>,
    pub public_ips: usize,
    pub external_account: String,
    /// The tables and keys the scripted incidents are about.
    pub targets: Targets,
    /// Scripted records that are not table changes (trail, recorder and key administration,
    /// Lambda triggers, denied bursts...), placed into files by `cloudtrail::scripts`.
    pub scripts: Vec<crate::cloudtrail::Script>,
    /// (account index, from, to): the trail logged no data events then.
    pub data_off: Vec<(usize, i64, i64)>,
}

impl World {
    /// Whether the account's trail logged data events at `time_ms`.
    #[inline]
    pub(crate) fn data_logged(&self, account: usize, time_ms: i64) -> bool {
        !self
            .data_off
            .iter()
            .any(|&(a, from, to)| a == account && time_ms >= from && time_ms < to)
    }

    /// When the collector ran: after the last delivery (the Config snapshot).
    pub(crate) fn collected_ms(&self) -> i64 {
        self.start_ms + self.span_ms + 52 * MINUTE_MS + 7_000
    }
}

/// A Lambda event source mapping on a table's stream.
pub(crate) struct Mapping {
    /// The table, in the stream's `tables`.
    pub table: usize,
    /// The `lambdas` entry whose GetRecords calls the logs hold, if any.
    pub lambda: Option<usize>,
    pub function: String,
    pub uuid: String,
    pub batch_size: i64,
    /// When CreateEventSourceMapping made it, if during the window.
    pub created_ms: Option<i64>,
    /// When UpdateEventSourceMapping disabled it, if it did.
    pub disabled_ms: Option<i64>,
    /// Its function fails: `LastProcessingResult` says `PROBLEM: ...`.
    pub failing: bool,
    pub last_modified_ms: i64,
}

/// (stream, table) chosen for each scripted incident, where the estate has one.
#[derive(Default, Clone, Debug)]
pub(crate) struct Targets {
    /// UntagResource of a required tag.
    pub tag_removal: Option<(usize, usize)>,
    /// (stream, table, lambdas index): trigger disabled, then UpdateTable turning the stream off.
    pub stream_off: Option<(usize, usize, usize)>,
    /// UpdateTable turning a stream on, then CreateEventSourceMapping.
    pub stream_on: Option<(usize, usize)>,
    /// Restored tables: (stream, new table).
    pub restores: Vec<(usize, usize)>,
    pub delete_policy: Option<(usize, usize)>,
    pub partner_policy: Option<(usize, usize)>,
    pub kinesis_off: Option<(usize, usize)>,
    pub ttl_on: Option<(usize, usize)>,
    /// ExportTableToPointInTime into the partner's bucket.
    pub partner_export: Option<(usize, usize)>,
    /// (stream, CMK index): key policy, grant and disable/enable; and the key scheduled for
    /// deletion then saved.
    pub key_admin: Option<(usize, usize)>,
    pub key_deletion: Option<(usize, usize)>,
}

pub(crate) struct WorldParams {
    pub seed: u64,
    pub tables: u32,
    pub accounts: u32,
    pub start_ms: i64,
    pub span_ms: i64,
    /// Upper bound on scripted configuration changes (kept small beside the event count).
    pub max_changes: usize,
}

impl World {
    pub(crate) fn build(p: &WorldParams) -> World {
        let mut rng = Rng::sub(p.seed, label("world"));
        let ips = make_ips(&mut rng);
        let public_ips = 150;
        let n_accounts = p.accounts.max(1) as usize;
        let mut ids: Vec<String> = Vec::new();
        while ids.len() < n_accounts + 1 {
            let id = rng.range(100_000_000_000, 999_999_999_999).to_string();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let external_account = ids.pop().unwrap_or_default();
        let mut accounts: Vec<Account> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| make_account(&mut rng, i, id, &external_account, public_ips))
            .collect();

        // Streams: account-major, both regions; busier accounts and home regions weigh more.
        let mut streams = Vec::new();
        for (ai, acct) in accounts.iter().enumerate() {
            for (ri, region) in REGIONS.iter().enumerate() {
                let weight = [5u32, 3, 2, 2, 1][ai.min(4)] * [3u32, 2][ri];
                let mut key_rng = Rng::sub(p.seed, label(&format!("keys/{}/{}", acct.id, region)));
                let key_arn =
                    |r: &mut Rng| format!("arn:aws:kms:{region}:{}:key/{}", acct.id, r.uuid());
                let aws_managed_key = key_arn(&mut key_rng);
                let cmks = (0..1 + key_rng.below(3))
                    .map(|_| key_arn(&mut key_rng))
                    .collect();
                let vpce = format!("vpce-0{}", key_rng.chars(LOWER_HEX, 16));
                let nat_ips = (0..2)
                    .map(|_| key_rng.below(public_ips as u64) as u16)
                    .collect();
                streams.push(Stream {
                    account: ai,
                    region,
                    tables: Vec::new(),
                    data_tables: Vec::new(),
                    data_cum: Vec::new(),
                    kms_tables: Vec::new(),
                    kms_cum: Vec::new(),
                    stream_tables: Vec::new(),
                    lambdas: Vec::new(),
                    consumer_until_ms: Vec::new(),
                    mappings: Vec::new(),
                    partner_tables: Vec::new(),
                    aws_managed_key,
                    cmks,
                    vpce,
                    nat_ips,
                    weight,
                });
            }
        }

        let counts = split_by_weight(
            p.tables as u64,
            &streams
                .iter()
                .map(|s| u64::from(s.weight))
                .collect::<Vec<_>>(),
        );
        for (si, stream) in streams.iter_mut().enumerate() {
            let acct = &accounts[stream.account];
            let mut trng = Rng::sub(p.seed, label(&format!("tables/{si}")));
            stream.tables = make_tables(&mut trng, counts[si] as usize, acct, stream, p.start_ms);
        }

        // Incidents first: the tables they pick are reserved, so the random changes planned
        // next cannot undo their preconditions.
        let targets = crate::incidents::prepare(p, &mut streams, &accounts);
        plan_changes(p, &mut streams, &mut accounts);

        let mut world = World {
            seed: p.seed,
            start_ms: p.start_ms,
            span_ms: p.span_ms,
            accounts,
            streams,
            ips,
            public_ips,
            external_account,
            targets,
            scripts: Vec::new(),
            data_off: Vec::new(),
        };
        world.index_streams();
        crate::incidents::finish(&mut world);
        world
    }

    /// Builds the per-stream lookup tables used by the event generator.
    fn index_streams(&mut self) {
        for (si, st) in self.streams.iter_mut().enumerate() {
            let acct = &self.accounts[st.account];
            st.data_tables = (0..st.tables.len())
                .filter(|&i| {
                    st.tables[i].lifecycle == Lifecycle::Stable && st.tables[i].popularity > 0
                })
                .collect();
            st.data_cum = cumulative(
                st.data_tables
                    .iter()
                    .map(|&i| u64::from(st.tables[i].popularity)),
            );
            st.partner_tables = st
                .data_tables
                .iter()
                .copied()
                .filter(|&i| st.tables[i].initial.policy == Some(Grant::Partner))
                .collect();
            st.kms_tables = st
                .data_tables
                .iter()
                .copied()
                .filter(|&i| st.tables[i].initial.sse != Sse::Owned)
                .collect();
            st.kms_cum = cumulative(
                st.kms_tables
                    .iter()
                    .map(|&i| u64::from(st.tables[i].popularity)),
            );
            st.stream_tables = st
                .data_tables
                .iter()
                .copied()
                .filter(|&i| st.tables[i].initial.stream_view.is_some())
                .collect();
            let mut lrng = Rng::sub(self.seed, label(&format!("lambdas/{si}")));
            st.lambdas = st
                .stream_tables
                .iter()
                .map(|&ti| {
                    let t = &st.tables[ti];
                    let short: String = t.name.chars().take(40).collect();
                    let function = format!("{short}-stream-processor");
                    let role = format!(
                        "{short}-stream-processor-role-{}",
                        lrng.chars(LOWER_ALNUM, 8)
                    );
                    let mut p = assumed_role(
                        &mut lrng,
                        &acct.id,
                        &role,
                        "",
                        &function,
                        Role::App,
                        Ua::Lambda,
                    );
                    p.seed = mix(self.seed ^ label(&function));
                    p
                })
                .collect();
        }
    }
}

/// Splits `total` into parts proportional to `weights` (largest remainder), each part at
/// least one while `total` allows.
pub(crate) fn split_by_weight(total: u64, weights: &[u64]) -> Vec<u64> {
    let n = weights.len() as u64;
    if n == 0 {
        return Vec::new();
    }
    let base = if total >= n { 1 } else { 0 };
    let rest = total - base * n;
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut parts: Vec<u64> = weights.iter().map(|w| base + rest * w / sum).collect();
    let mut remainders: Vec<(u64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| ((rest * w) % sum, i))
        .collect();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut left = total - parts.iter().sum::<u64>();
    for (_, i) in remainders.iter().cycle() {
        if left == 0 {
            break;
        }
        parts[*i] += 1;
        left -= 1;
    }
    parts
}

fn make_ips(rng: &mut Rng) -> Vec<String> {
    let mut ips = Vec::with_capacity(200);
    for prefix in ["192.0.2", "198.51.100", "203.0.113"] {
        let mut octets: Vec<u8> = (1..=254).collect();
        for i in 0..50 {
            let j = i + rng.below_usize(octets.len() - i);
            octets.swap(i, j);
            ips.push(format!("{prefix}.{}", octets[i]));
        }
    }
    while ips.len() < 200 {
        let ip = if rng.chance(0.7) {
            format!(
                "10.{}.{}.{}",
                rng.range(0, 3),
                rng.range(0, 255),
                rng.range(4, 254)
            )
        } else {
            format!("172.31.{}.{}", rng.range(0, 63), rng.range(4, 254))
        };
        if !ips.contains(&ip) {
            ips.push(ip);
        }
    }
    ips
}

fn pick_ips(rng: &mut Rng, lo: usize, hi: usize, n: usize) -> Vec<u16> {
    (0..n)
        .map(|_| (lo + rng.below_usize(hi - lo)) as u16)
        .collect()
}

fn iam_id(rng: &mut Rng, prefix: &str) -> String {
    let mut s = String::with_capacity(21);
    s.push_str(prefix);
    rng.push_chars(&mut s, IAM_ID, 17);
    s
}

fn iam_user(rng: &mut Rng, account: &str, name: &str, role: Role, ua: Ua) -> Principal {
    Principal {
        kind: Kind::IamUser,
        role,
        account_id: account.to_string(),
        arn: format!("arn:aws:iam::{account}:user/{name}"),
        principal_id: iam_id(rng, "AIDA"),
        name: name.to_string(),
        role_arn: String::new(),
        role_id: String::new(),
        long_term_key: format!("AKIA{}", rng.chars(IAM_ID, 16)),
        seed: rng.next_u64(),
        ua,
        ips: Vec::new(),
        mfa: false,
        ec2: false,
        vpce: false,
    }
}

fn assumed_role(
    rng: &mut Rng,
    account: &str,
    role_name: &str,
    path: &str,
    session: &str,
    role: Role,
    ua: Ua,
) -> Principal {
    let role_id = iam_id(rng, "AROA");
    Principal {
        kind: Kind::AssumedRole,
        role,
        account_id: account.to_string(),
        arn: format!("arn:aws:sts::{account}:assumed-role/{role_name}/{session}"),
        principal_id: format!("{role_id}:{session}"),
        name: role_name.to_string(),
        role_arn: format!("arn:aws:iam::{account}:role/{path}{role_name}"),
        role_id,
        long_term_key: String::new(),
        seed: rng.next_u64(),
        ua,
        ips: Vec::new(),
        mfa: false,
        ec2: false,
        vpce: false,
    }
}

fn make_account(
    rng: &mut Rng,
    index: usize,
    id: &str,
    external: &str,
    public_ips: usize,
) -> Account {
    let env = Env::for_account(index);
    let envs = env.short();
    let mut ps: Vec<Principal> = Vec::new();
    let private = (public_ips, 200);

    // People with IAM users: some on the console (MFA mostly), some with CLI keys.
    let n_humans = 4 + rng.below_usize(3);
    let offset = rng.below_usize(HUMANS.len());
    for k in 0..n_humans {
        let name = HUMANS[(offset + k * 3) % HUMANS.len()];
        let ua = rng.pick_one(&[
            Ua::Console,
            Ua::Browser,
            Ua::CliV2Mac,
            Ua::CliV2Linux,
            Ua::Boto3,
        ]);
        let mut p = iam_user(rng, id, name, Role::Human, ua);
        p.mfa = rng.chance(0.8);
        let n = 1 + rng.below_usize(3);
        p.ips = pick_ips(rng, 0, public_ips, n);
        ps.push(p);
    }
    // People through SSO.
    for k in 0..3 + rng.below_usize(3) {
        let set = SSO_PERMISSION_SETS[(index + k) % SSO_PERMISSION_SETS.len()];
        let role = format!("AWSReservedSSO_{set}_{}", rng.chars(LOWER_HEX, 16));
        let person = HUMANS[(offset + 1 + k * 5) % HUMANS.len()];
        let session = format!("{person}@{EMAIL_DOMAIN}");
        let ua = rng.pick_one(&[Ua::Console, Ua::Browser, Ua::CliV2Mac, Ua::CliV2Linux]);
        let mut p = assumed_role(
            rng,
            id,
            &role,
            "aws-reserved/sso.amazonaws.com/",
            &session,
            Role::Admin,
            ua,
        );
        let n = 1 + rng.below_usize(2);
        p.ips = pick_ips(rng, 0, public_ips, n);
        ps.push(p);
    }
    // Workloads.
    for k in 0..6 + rng.below_usize(5) {
        let svc = SERVICES[(index * 2 + k) % SERVICES.len()];
        let comp = APP_COMPONENTS[(index + k * 3) % APP_COMPONENTS.len()];
        let ua = rng.pick_one(&[Ua::Java, Ua::Boto3, Ua::JsV3, Ua::JsV3, Ua::Go, Ua::Go]);
        let mut p = match k % 3 {
            0 => {
                let role = format!(
                    "{svc}-{comp}-{envs}-TaskRole-{}",
                    rng.chars(UPPER_ALNUM, 12)
                );
                let task = rng.chars(LOWER_HEX, 32);
                assumed_role(rng, id, &role, "", &task, Role::App, ua)
            }
            1 => {
                let role = format!("{svc}-{comp}-{envs}");
                let instance = format!("i-0{}", rng.chars(LOWER_HEX, 16));
                let mut p = assumed_role(rng, id, &role, "", &instance, Role::App, ua);
                p.ec2 = true;
                p
            }
            _ => {
                let function = format!("{svc}-{comp}-{envs}");
                let role = format!("{function}-role-{}", rng.chars(LOWER_ALNUM, 8));
                assumed_role(rng, id, &role, "service-role/", &function, Role::App, ua)
            }
        };
        p.vpce = rng.chance(0.6);
        let n = 2 + rng.below_usize(4);
        p.ips = pick_ips(rng, private.0, private.1, n);
        ps.push(p);
    }
    // Pipelines.
    {
        let mut p = assumed_role(
            rng,
            id,
            "GitHubActions-Deploy",
            "",
            "GitHubActions",
            Role::Ci,
            Ua::Go,
        );
        p.ips = pick_ips(rng, 0, public_ips, 12);
        ps.push(p);
        let session = format!("terraform-{}", rng.range(1_700_000_000, 1_799_999_999));
        let mut p = assumed_role(
            rng,
            id,
            "terraform-apply",
            "",
            &session,
            Role::Ci,
            Ua::Terraform,
        );
        p.ips = pick_ips(rng, 0, public_ips, 3);
        ps.push(p);
        let mut p = iam_user(rng, id, "ci-deploy", Role::Ci, Ua::CliV2Linux);
        p.ips = pick_ips(rng, 0, public_ips, 2);
        ps.push(p);
    }
    // Script users.
    for k in 0..2 + rng.below_usize(2) {
        let name = SERVICE_USERS[(index + k + 1) % SERVICE_USERS.len()];
        let ua = rng.pick_one(&[Ua::Boto3, Ua::CliV1, Ua::Java]);
        let mut p = iam_user(rng, id, name, Role::ServiceUser, ua);
        p.ips = pick_ips(rng, 0, public_ips, 1);
        ps.push(p);
    }
    // A partner's role in another account.
    {
        let session = format!("etl-{}", rng.range(10_000, 99_999));
        let mut p = assumed_role(
            rng,
            external,
            "partner-analytics-reader",
            "",
            &session,
            Role::Cross,
            Ua::Boto3,
        );
        p.ips = pick_ips(rng, 0, public_ips, 2);
        ps.push(p);
    }
    // A forgotten user with old keys, calling from the 203.0.113.0/24 block only.
    {
        let name = SUSPICIOUS_USERS[index % SUSPICIOUS_USERS.len()];
        let mut p = iam_user(rng, id, name, Role::Suspicious, Ua::PythonOld);
        p.ips = pick_ips(rng, 100, 150, 2);
        ps.push(p);
    }
    // Root, which should hardly ever appear.
    {
        let mut p = iam_user(rng, id, "", Role::Root, Ua::Browser);
        p.kind = Kind::Root;
        p.arn = format!("arn:aws:iam::{id}:root");
        p.principal_id = id.to_string();
        p.mfa = index != 1;
        p.ips = pick_ips(rng, 0, public_ips, 1);
        ps.push(p);
    }
    // The custom Config rule's function.
    {
        let function = "config-rule-ddb-tag-policy";
        let role = format!("{function}-role-{}", rng.chars(LOWER_ALNUM, 8));
        let mut p = assumed_role(
            rng,
            id,
            &role,
            "service-role/",
            function,
            Role::ConfigRule,
            Ua::Boto3,
        );
        p.ips = pick_ips(rng, 0, public_ips, 2);
        ps.push(p);
    }

    let by_role = ROLES
        .iter()
        .map(|r| (0..ps.len()).filter(|&i| ps[i].role == *r).collect())
        .collect();
    Account {
        id: id.to_string(),
        env,
        principals: ps,
        by_role,
    }
}

fn env_word(rng: &mut Rng, env: Env) -> &'static str {
    match env {
        Env::Prod => rng.pick_one(&["prod", "prod", "prod", "production", "prd"]),
        Env::Staging => rng.pick_one(&["staging", "staging", "stg", "stage"]),
        Env::Dev => rng.pick_one(&["dev", "dev", "development"]),
        Env::Sandbox => rng.pick_one(&["sandbox", "test", "sbx"]),
    }
}

fn pascal(s: &str) -> String {
    s.split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn camel(s: &str) -> String {
    let p = pascal(s);
    let mut c = p.chars();
    match c.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn entity_of(base: &str) -> String {
    let last = base.rsplit('-').next().unwrap_or(base);
    let e = if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if last.ends_with("ss") {
        last.to_string()
    } else {
        last.strip_suffix('s').unwrap_or(last).to_string()
    };
    camel(&e)
}

fn table_name(rng: &mut Rng, base: &str, env: Env) -> String {
    let e = env_word(rng, env);
    let svc = rng.pick_one(SERVICES);
    match rng.weighted(&[35, 15, 10, 10, 15, 10, 5]) {
        0 => format!("{base}-{e}"),
        1 => base.to_string(),
        2 => pascal(base),
        3 => format!("{e}_{}", base.replace('-', "_")),
        4 => format!("{svc}-{base}-{e}"),
        5 => format!(
            "{svc}-{e}-{}Table-{}",
            pascal(base),
            rng.chars(UPPER_ALNUM, 12)
        ),
        _ => format!("{}-{}-{e}", pascal(base), rng.chars(LOWER_ALNUM, 26)),
    }
}

fn attr(name: &str, ty: &'static str, value: ValueKind) -> Attr {
    Attr {
        name: name.to_string(),
        ty,
        value,
    }
}

fn make_tables(rng: &mut Rng, n: usize, acct: &Account, st: &Stream, start_ms: i64) -> Vec<Table> {
    let mut tables: Vec<Table> = Vec::with_capacity(n);
    let mut names: Vec<String> = Vec::with_capacity(n);
    let mut order: Vec<usize> = (0..TABLE_BASES.len()).collect();
    for i in 0..order.len() {
        let j = i + rng.below_usize(order.len() - i);
        order.swap(i, j);
    }
    let lifecycles = if n >= 8 {
        [Lifecycle::Created, Lifecycle::Deleted]
    } else {
        [Lifecycle::Stable; 2]
    };
    for i in 0..n {
        let (base, sensitive) = TABLE_BASES[order[i % order.len()]];
        let lifecycle = match i {
            0 | 1 => lifecycles[i],
            _ => Lifecycle::Stable,
        };
        let mut name = match lifecycle {
            Lifecycle::Created => format!("{base}-v2-{}", acct.env.short()),
            Lifecycle::Deleted => format!("{base}-old-{}", rng.range(2022, 2024)),
            Lifecycle::Stable => table_name(rng, base, acct.env),
        };
        while names.contains(&name) {
            name = format!("{name}-{}", rng.range(2, 9));
        }
        names.push(name.clone());
        let mut t = make_table(rng, name, base, sensitive, acct, st, start_ms);
        t.lifecycle = lifecycle;
        if lifecycle == Lifecycle::Deleted {
            t.initial.deletion_protection = false;
            t.popularity = 0;
        }
        tables.push(t);
    }
    // Popularity: a Zipf-like curve over a shuffled order; about one table in seven is idle.
    let mut ranks: Vec<usize> = (0..n).collect();
    for i in 0..n {
        let j = i + rng.below_usize(n - i);
        ranks.swap(i, j);
    }
    for (rank, &ti) in ranks.iter().enumerate() {
        let t = &mut tables[ti];
        if t.lifecycle != Lifecycle::Stable || rng.chance(0.14) {
            t.popularity = 0;
        } else {
            t.popularity = (1_000_000 / (rank as u64 + 2)) as u32;
        }
    }
    tables
}

fn make_table(
    rng: &mut Rng,
    name: String,
    base: &str,
    sensitive: bool,
    acct: &Account,
    st: &Stream,
    start_ms: i64,
) -> Table {
    let entity = entity_of(base);
    let id_name = format!("{entity}Id");
    let (hash, range) = match rng.weighted(&[30, 10, 20, 15, 10, 10, 5]) {
        0 => (
            attr("pk", "S", ValueKind::Tagged),
            Some(attr("sk", "S", ValueKind::Sort)),
        ),
        1 => (
            attr("PK", "S", ValueKind::Tagged),
            Some(attr("SK", "S", ValueKind::Sort)),
        ),
        2 => (attr("id", "S", ValueKind::Uuid), None),
        3 => (attr(&id_name, "S", ValueKind::Prefixed), None),
        4 => (
            attr(&id_name, "S", ValueKind::Prefixed),
            Some(attr("createdAt", "N", ValueKind::Epoch)),
        ),
        5 => (
            attr("tenantId", "S", ValueKind::Tenant),
            Some(attr(&id_name, "S", ValueKind::Prefixed)),
        ),
        _ => (
            attr("userId", "S", ValueKind::Uuid),
            Some(attr("timestamp", "N", ValueKind::Epoch)),
        ),
    };
    let mut gsis = Vec::new();
    for g in 0..rng.weighted(&[50, 35, 15]) {
        let gsi = match (g, hash.name.as_str()) {
            (0, "pk" | "PK") => Gsi {
                name: "GSI1".into(),
                hash: attr("GSI1PK", "S", ValueKind::Tagged),
                range: Some(attr("GSI1SK", "S", ValueKind::Sort)),
                projection: "ALL",
            },
            (0, _) => Gsi {
                name: "byStatus".into(),
                hash: attr("status", "S", ValueKind::Sort),
                range: Some(attr("updatedAt", "N", ValueKind::Epoch)),
                projection: "KEYS_ONLY",
            },
            _ => Gsi {
                name: format!("{entity}-by-owner-index"),
                hash: attr("owner", "S", ValueKind::Email),
                range: None,
                projection: "INCLUDE",
            },
        };
        gsis.push(gsi);
    }
    let created_ms = start_ms - rng.range(2 * DAY_MS, 3 * 365 * DAY_MS) + rng.range(0, 999);
    let item_count = if rng.chance(0.08) {
        0
    } else {
        let mag = [
            1i64,
            10,
            100,
            1_000,
            10_000,
            100_000,
            1_000_000,
            10_000_000,
            100_000_000,
        ];
        mag[rng.below_usize(mag.len())] * rng.range(1, 9) + rng.range(0, 999)
    };
    let size_bytes = item_count * rng.range(120, 4_000);
    let prod = acct.env == Env::Prod;
    let sse = match rng.weighted(if sensitive {
        &[30, 35, 35]
    } else {
        &[50, 30, 20]
    }) {
        0 => Sse::Owned,
        1 => Sse::AwsManaged,
        _ => Sse::Cmk(rng.below_usize(st.cmks.len())),
    };
    let stream_view = if rng.chance(0.3) {
        Some(
            ["NEW_AND_OLD_IMAGES", "NEW_IMAGE", "KEYS_ONLY", "OLD_IMAGE"]
                [rng.weighted(&[50, 30, 15, 5])],
        )
    } else {
        None
    };
    let provisioned = if rng.chance(0.35) {
        let caps = [1i64, 5, 10, 25, 50, 100, 200, 400, 1000];
        Some((rng.pick_one(&caps), rng.pick_one(&caps)))
    } else {
        None
    };
    let cfn = name.contains("Table-");
    let initial = TableState {
        provisioned,
        billing_changed_ms: created_ms,
        sse,
        stream_view,
        stream_label_ms: created_ms
            + rng
                .range(1_000, 200 * DAY_MS)
                .min(start_ms - created_ms - 1),
        // Most tables have point-in-time recovery, production more often.
        pitr: rng.chance(if prod { 0.8 } else { 0.6 }),
        deletion_protection: rng.chance(if prod { 0.55 } else { 0.2 }),
        tags: make_tags(
            rng,
            acct.env,
            base,
            sensitive,
            cfn.then_some(name.as_str()),
            &acct.id,
            st.region,
        ),
        ttl: None,
        stream_kept: false,
        policy: None,
        kinesis: Kinesis::None,
    };
    let id = rng.uuid();
    let infrequent_access = rng.chance(0.08);
    let show_class = rng.chance(0.3);
    let mut initial = initial;
    initial.ttl = if rng.chance(0.3) {
        Some(rng.pick_one(&["expiresAt", "ttl", "expires_at"]))
    } else {
        None
    };
    Table {
        arn: format!("arn:aws:dynamodb:{}:{}:table/{}", st.region, acct.id, name),
        name,
        id,
        created_ms,
        hash,
        range,
        gsis,
        entity,
        item_count,
        size_bytes,
        infrequent_access,
        show_class,
        sensitive,
        initial,
        changes: Vec::new(),
        lifecycle: Lifecycle::Stable,
        popularity: 0,
        reserved: false,
    }
}

/// Tags as teams really write them: the same three keys, spelled and valued inconsistently,
/// some keys missing, some tables untagged.
fn make_tags(
    rng: &mut Rng,
    env: Env,
    base: &str,
    sensitive: bool,
    cfn_name: Option<&str>,
    account: &str,
    region: &str,
) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = Vec::new();
    if let Some(name) = cfn_name {
        let stack = name
            .split("Table-")
            .next()
            .unwrap_or(name)
            .rsplit_once('-')
            .map_or(name, |p| p.0);
        let logical = format!("{}Table", pascal(base));
        tags.push(("aws:cloudformation:stack-name".into(), stack.to_string()));
        tags.push(("aws:cloudformation:logical-id".into(), logical));
        tags.push((
            "aws:cloudformation:stack-id".into(),
            format!(
                "arn:aws:cloudformation:{region}:{account}:stack/{stack}/{}",
                rng.uuid()
            ),
        ));
    }
    if rng.chance(0.1) {
        return tags;
    }
    let push = |tags: &mut Vec<(String, String)>, k: &str, v: &str| tags.push((k.into(), v.into()));
    if rng.chance(0.9) {
        let key = ["Environment", "environment", "Env", "env"][rng.weighted(&[80, 8, 7, 5])];
        let value = match env {
            Env::Prod => ["prod", "Prod", "production", "production ", "PROD", "prd"]
                [rng.weighted(&[50, 15, 15, 8, 7, 5])],
            Env::Staging => rng.pick_one(&["staging", "Staging", "stage", "stg"]),
            Env::Dev => rng.pick_one(&["dev", "Dev", "development"]),
            Env::Sandbox => rng.pick_one(&["sandbox", "test", "Sandbox"]),
        };
        push(&mut tags, key, value);
    }
    if rng.chance(0.75) {
        let value = if sensitive {
            rng.pick_one(&[
                "confidential",
                "Confidential",
                "restricted",
                "PII",
                "confidential ",
            ])
        } else {
            rng.pick_one(&["internal", "Internal", "public", "internal"])
        };
        push(&mut tags, "Confidentiality", value);
    }
    if rng.chance(0.65) {
        let value = if sensitive {
            rng.pick_one(&["high", "High", "critical", "high "])
        } else {
            rng.pick_one(&["medium", "low", "Medium", "LOW"])
        };
        push(
            &mut tags,
            rng.pick_one(&["Security", "Security", "Security", "security"]),
            value,
        );
    }
    if rng.chance(0.6) {
        let owner = format!("team-{}", rng.pick(SERVICES));
        push(&mut tags, "Owner", &owner);
    }
    if rng.chance(0.4) {
        let cc = format!("CC-{}", rng.range(1000, 1099));
        push(&mut tags, "CostCenter", &cc);
    }
    if rng.chance(0.5) {
        push(&mut tags, "Application", base);
    }
    tags
}

/// Plans the configuration changes made during the window, so CloudTrail logs them and
/// Config records their effect.
fn plan_changes(p: &WorldParams, streams: &mut [Stream], accounts: &mut [Account]) {
    let mut rng = Rng::sub(p.seed, label("changes"));
    let total_tables: usize = streams.iter().map(|s| s.tables.len()).sum();
    let mut budget = p.max_changes.min(total_tables / 4 + 4);
    let lo = p.start_ms + 10 * MINUTE_MS;
    let hi = p.start_ms + p.span_ms - 20 * MINUTE_MS;
    let when = |r: &mut Rng| if hi > lo { r.range(lo, hi) } else { p.start_ms };
    for st in streams.iter_mut() {
        let acct_i = st.account;
        let acct = &accounts[acct_i];
        let cmks = st.cmks.len();
        for t in st.tables.iter_mut().filter(|t| !t.reserved) {
            let actor = |r: &mut Rng, acct: &Account| -> (usize, usize) {
                let role = [
                    Role::Ci,
                    Role::Admin,
                    Role::Human,
                    Role::Suspicious,
                    Role::Root,
                ][r.weighted(&[40, 38, 17, 3, 2])];
                // Only roles that may write make changes: not a read-only SSO session.
                (acct_i, acct.changer(role, r.next_u64()))
            };
            match t.lifecycle {
                Lifecycle::Created | Lifecycle::Deleted => {
                    let kind = if t.lifecycle == Lifecycle::Created {
                        ChangeKind::Create
                    } else {
                        ChangeKind::Delete
                    };
                    let time_ms = when(&mut rng);
                    if kind == ChangeKind::Create {
                        t.created_ms = time_ms;
                        t.initial.billing_changed_ms = time_ms;
                        t.initial.stream_label_ms = time_ms + 801;
                        t.item_count = 0;
                        t.size_bytes = 0;
                    }
                    // Creations and deletions always happen: the table's existence depends on them.
                    t.changes.push(Change {
                        time_ms,
                        kind,
                        actor: actor(&mut rng, acct),
                        event_gidx: None,
                    });
                    continue;
                }
                Lifecycle::Stable if budget == 0 || !rng.chance(0.15) => continue,
                Lifecycle::Stable => {}
            }
            let n = 1 + rng.weighted(&[50, 35, 15]);
            let mut state = t.initial.clone();
            let mut times: Vec<i64> = (0..n).map(|_| when(&mut rng)).collect();
            times.sort_unstable();
            for time_ms in times {
                if budget == 0 {
                    break;
                }
                let kind = pick_change(&mut rng, &state, cmks);
                apply(&mut state, &kind, time_ms);
                t.changes.push(Change {
                    time_ms,
                    kind,
                    actor: actor(&mut rng, acct),
                    event_gidx: None,
                });
                budget -= 1;
            }
        }
    }
}

fn pick_change(rng: &mut Rng, s: &TableState, cmks: usize) -> ChangeKind {
    loop {
        let k = match rng.weighted(&[22, 16, 8, 8, 6, 18, 8, 6]) {
            0 => ChangeKind::Pitr(!s.pitr),
            1 => ChangeKind::DeletionProtection(!s.deletion_protection),
            2 if s.stream_view.is_none() => ChangeKind::StreamOn("NEW_AND_OLD_IMAGES"),
            3 if s.sse == Sse::AwsManaged && cmks > 0 => ChangeKind::SseCmk(rng.below_usize(cmks)),
            4 if s.provisioned.is_some() => ChangeKind::OnDemand,
            5 => {
                let drift = [
                    ("Environment", "prod"),
                    ("Environment", "Production"),
                    ("Confidentiality", "confidential"),
                    ("Security", "high"),
                    ("Owner", "team-platform"),
                    ("DataClassification", "restricted"),
                ];
                let (k, v) = rng.pick_one(&drift);
                ChangeKind::TagsSet(vec![(k.to_string(), v.to_string())])
            }
            6 if !s.tags.is_empty() => {
                let k = &rng.pick(&s.tags).0;
                if k.starts_with("aws:") {
                    continue;
                }
                ChangeKind::TagsRemove(vec![k.clone()])
            }
            // Teams grant their own reporting roles; grants to other accounts are the
            // scripted incidents' (see `incidents`).
            7 => ChangeKind::ResourcePolicy(Grant::Internal),
            _ => continue,
        };
        return k;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_by_weight_sums_and_is_positive() {
        let parts = split_by_weight(300, &[15, 10, 9, 6, 6, 4]);
        assert_eq!(parts.iter().sum::<u64>(), 300);
        assert!(parts.iter().all(|&p| p > 0));
        assert_eq!(split_by_weight(2, &[1, 1, 1]).iter().sum::<u64>(), 2);
    }

    #[test]
    fn entity_names() {
        assert_eq!(entity_of("orders"), "order");
        assert_eq!(entity_of("payments-ledger"), "ledger");
        assert_eq!(entity_of("idempotency-keys"), "key");
        assert_eq!(entity_of("telemetry-events"), "event");
        assert_eq!(entity_of("currency-rates"), "rate");
        assert_eq!(entity_of("entitlements"), "entitlement");
        assert_eq!(entity_of("delivery-routes"), "route");
        assert_eq!(pascal("payments-ledger"), "PaymentsLedger");
    }
}
