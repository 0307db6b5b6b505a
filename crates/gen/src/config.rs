//! AWS Config deliveries: one configuration snapshot per account and region at the end of
//! the window, and configuration history files for the 6-hour periods in which tables
//! changed. Items use the delivered-file shape (`ARN`, `awsAccountId`,
//! `configurationStateMd5Hash`), not the API's.

use crate::cloudtrail::event_id;
use crate::json::Json;
use crate::rng::{label, mix, Rng};
use crate::time::{compact, iso_millis, Civil, HOUR_MS, MINUTE_MS};
use crate::world::{ChangeKind, Stream, Table, TableState, World};

const HISTORY_PERIOD_MS: i64 = 6 * HOUR_MS;

/// One Config file to write: its path and compact JSON.
pub(crate) struct ConfigFile {
    pub path: String,
    pub json: String,
}

/// When Config recorded the item for a change (a minute or few after the call).
pub(crate) fn capture_ms(seed: u64, t: &Table, ci: usize) -> i64 {
    t.changes[ci].time_ms
        + MINUTE_MS
        + (mix(seed ^ label(&t.name) ^ ci as u64) % (4 * 60_000)) as i64
}

/// The item Config holds for a table from before the window (a table the window did not
/// create): its capture time, up to sixty days before the window, and its status.
pub(crate) fn baseline(w: &World, t: &Table, ti: usize) -> (i64, &'static str) {
    let discovered = mix(w.seed ^ label(&t.name) ^ ti as u64) % 10 < 3;
    let h = mix(w.seed ^ label(&t.name));
    let back = (h % (60 * 24 * 60)) as i64 * MINUTE_MS + (mix(h) % 60_000) as i64;
    let capture = (w.start_ms - back).max(t.created_ms + MINUTE_MS);
    (
        capture,
        if discovered {
            "ResourceDiscovered"
        } else {
            "OK"
        },
    )
}

/// One configuration item Config recorded for a table.
pub(crate) struct RecordedItem<'t> {
    pub capture_ms: i64,
    pub status: &'static str,
    /// `None` for the deletion.
    pub state: Option<std::borrow::Cow<'t, TableState>>,
    /// The CloudTrail record of the change, when it was logged.
    pub related_gidx: Option<u64>,
}

/// Every item Config recorded for a table, oldest first: the one from before the window (for
/// a table the window did not create), then one per change Config records.
pub(crate) fn recorded_items<'t>(w: &World, t: &'t Table, ti: usize) -> Vec<RecordedItem<'t>> {
    let mut items = Vec::new();
    if !t.changes.iter().any(|c| c.kind.is_creation()) {
        let (capture_ms, status) = baseline(w, t, ti);
        items.push(RecordedItem {
            capture_ms,
            status,
            state: Some(std::borrow::Cow::Borrowed(&t.initial)),
            related_gidx: None,
        });
    }
    for (ci, c) in t.changes.iter().enumerate() {
        if !c.kind.recorded_by_config() {
            continue;
        }
        let (state, status) = match c.kind {
            ChangeKind::Delete => (None, "ResourceDeleted"),
            ChangeKind::Create | ChangeKind::Restore { .. } => {
                (Some(t.state_at(c.time_ms)), "ResourceDiscovered")
            }
            _ => (Some(t.state_at(c.time_ms)), "OK"),
        };
        items.push(RecordedItem {
            capture_ms: capture_ms(w.seed, t, ci),
            status,
            state,
            related_gidx: c.event_gidx,
        });
    }
    items
}

/// The end of the window: when the snapshot is taken.
fn snapshot_ms(w: &World) -> i64 {
    w.start_ms + w.span_ms + 37 * MINUTE_MS + 12_345
}

pub(crate) fn snapshot(w: &World, si: usize, j: &mut Json) -> ConfigFile {
    let st = &w.streams[si];
    let account = &w.accounts[st.account].id;
    let at = snapshot_ms(w);
    let mut r = Rng::sub(w.seed, label("config-snapshot") ^ si as u64);
    let id = r.uuid();
    j.clear();
    j.obj();
    j.ks("fileVersion", "1.0");
    j.ks("configSnapshotId", &id);
    j.ka("configurationItems");
    for (ti, t) in st
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| t.exists_at_end())
    {
        let last = t.changes.iter().rposition(|c| c.kind.recorded_by_config());
        let (capture, status, related) = match last {
            Some(ci) => (
                capture_ms(w.seed, t, ci),
                if t.changes[ci].kind.is_creation() {
                    "ResourceDiscovered"
                } else {
                    "OK"
                },
                t.changes[ci].event_gidx,
            ),
            None => {
                let (capture, status) = baseline(w, t, ti);
                (capture, status, None)
            }
        };
        write_item(
            j,
            w,
            st,
            t,
            Some(&t.final_state()),
            capture,
            status,
            related,
        );
    }
    j.end_arr();
    j.end_obj();
    let c = Civil::from_ms(at);
    ConfigFile {
        path: format!(
            "config-deliveries/AWSLogs/{account}/Config/{region}/{}/{}/{}/ConfigSnapshot/{account}_Config_{region}_ConfigSnapshot_{}_{id}.json.gz",
            c.year,
            c.month,
            c.day,
            compact(at, true),
            region = st.region
        ),
        json: j.out.clone(),
    }
}

/// History files for one account and region, in time order.
pub(crate) fn history(w: &World, si: usize, j: &mut Json) -> Vec<ConfigFile> {
    let st = &w.streams[si];
    let account = &w.accounts[st.account].id;
    // (capture time, table, change) for every change Config records.
    let mut items: Vec<(i64, usize, usize)> = Vec::new();
    for (ti, t) in st.tables.iter().enumerate() {
        for (ci, c) in t.changes.iter().enumerate() {
            if c.kind.recorded_by_config() {
                items.push((capture_ms(w.seed, t, ci), ti, ci));
            }
        }
    }
    items.sort_unstable();
    let mut files = Vec::new();
    let mut k = 0;
    while k < items.len() {
        let period = items[k].0.div_euclid(HISTORY_PERIOD_MS);
        let end = k + items[k..]
            .iter()
            .take_while(|i| i.0.div_euclid(HISTORY_PERIOD_MS) == period)
            .count();
        let from = period * HISTORY_PERIOD_MS;
        let to = from + HISTORY_PERIOD_MS;
        j.clear();
        j.obj();
        j.ks("fileVersion", "1.0");
        j.ka("configurationItems");
        for &(capture, ti, ci) in &items[k..end] {
            let t = &st.tables[ti];
            let change = &t.changes[ci];
            let (state, status) = match change.kind {
                ChangeKind::Delete => (None, "ResourceDeleted"),
                ChangeKind::Create | ChangeKind::Restore { .. } => {
                    (Some(t.state_at(change.time_ms)), "ResourceDiscovered")
                }
                _ => (Some(t.state_at(change.time_ms)), "OK"),
            };
            write_item(
                j,
                w,
                st,
                t,
                state.as_deref(),
                capture,
                status,
                change.event_gidx,
            );
        }
        j.end_arr();
        j.end_obj();
        let c = Civil::from_ms(to);
        files.push(ConfigFile {
            path: format!(
                "config-deliveries/AWSLogs/{account}/Config/{region}/{}/{}/{}/ConfigHistory/{account}_Config_{region}_ConfigHistory_AWS::DynamoDB::Table_{}_{}_1.json.gz",
                c.year,
                c.month,
                c.day,
                compact(from, true),
                compact(to, true),
                region = st.region
            ),
            json: j.out.clone(),
        });
        k = end;
    }
    files
}

/// One `AWS::DynamoDB::Table` configuration item; `state` is `None` for a deleted table.
#[allow(clippy::too_many_arguments)]
fn write_item(
    j: &mut Json,
    w: &World,
    st: &Stream,
    t: &Table,
    state: Option<&TableState>,
    capture: i64,
    status: &str,
    related_gidx: Option<u64>,
) {
    let account = &w.accounts[st.account].id;
    j.obj();
    j.ka("relatedEvents");
    if let Some(g) = related_gidx {
        j.str(&event_id(w.seed, g));
    }
    j.end_arr();
    j.ka("relationships");
    j.end_arr();
    j.key("configuration");
    match state {
        Some(s) => write_configuration(j, st, t, s),
        None => j.null(),
    }
    j.ko("supplementaryConfiguration");
    if let Some(s) = state {
        j.ko("ContinuousBackupsDescription");
        j.ks("continuousBackupsStatus", "ENABLED");
        j.ko("pointInTimeRecoveryDescription");
        j.ks(
            "pointInTimeRecoveryStatus",
            if s.pitr { "ENABLED" } else { "DISABLED" },
        );
        if s.pitr {
            j.ki(
                "earliestRestorableDateTime",
                (capture - 35 * 24 * HOUR_MS).max(t.created_ms),
            );
            j.ki("latestRestorableDateTime", capture - 5 * MINUTE_MS);
        }
        j.end_obj();
        j.end_obj();
        if !s.tags.is_empty() {
            j.ka("Tags");
            for (k, v) in &s.tags {
                j.obj();
                j.ks("key", k);
                j.ks("value", v);
                j.end_obj();
            }
            j.end_arr();
        }
    }
    j.end_obj();
    j.ko("tags");
    if let Some(s) = state {
        for (k, v) in &s.tags {
            j.ks(k, v);
        }
    }
    j.end_obj();
    j.ks("configurationItemVersion", "1.3");
    j.ks("configurationItemCaptureTime", &iso_millis(capture));
    j.ki("configurationStateId", capture);
    j.ks("awsAccountId", account);
    j.ks("configurationItemStatus", status);
    j.ks("resourceType", "AWS::DynamoDB::Table");
    j.ks("resourceId", &t.name);
    j.ks("resourceName", &t.name);
    j.ks("ARN", &t.arn);
    j.ks("awsRegion", st.region);
    j.ks("availabilityZone", "Regional");
    j.ks("configurationStateMd5Hash", "");
    j.ks("resourceCreationTime", &iso_millis(t.created_ms));
    j.end_obj();
}

/// The table as Config records it: DescribeTable with lower-camel keys (Config's
/// serialiser turns `SSEDescription` into `sSEDescription`) and epoch-millisecond dates.
pub(crate) fn write_configuration(j: &mut Json, st: &Stream, t: &Table, s: &TableState) {
    j.obj();
    j.ka("attributeDefinitions");
    for a in t.attribute_definitions() {
        j.obj();
        j.ks("attributeName", &a.name);
        j.ks("attributeType", a.ty);
        j.end_obj();
    }
    j.end_arr();
    j.ks("tableName", &t.name);
    write_key_schema(j, "keySchema", "attributeName", "keyType", t);
    j.ks("tableStatus", "ACTIVE");
    j.ki("creationDateTime", t.created_ms);
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
    j.ko("billingModeSummary");
    match s.provisioned {
        Some(_) => j.ks("billingMode", "PROVISIONED"),
        None => {
            j.ks("billingMode", "PAY_PER_REQUEST");
            j.ki("lastUpdateToPayPerRequestDateTime", s.billing_changed_ms);
        }
    }
    j.end_obj();
    if !t.gsis.is_empty() {
        j.ka("globalSecondaryIndexes");
        for g in &t.gsis {
            j.obj();
            j.ks("indexName", &g.name);
            write_keys(
                j,
                "keySchema",
                "attributeName",
                "keyType",
                &g.hash.name,
                g.range.as_ref().map(|r| r.name.as_str()),
            );
            j.ko("projection");
            j.ks("projectionType", g.projection);
            j.end_obj();
            j.ks("indexStatus", "ACTIVE");
            j.ko("provisionedThroughput");
            j.ki("numberOfDecreasesToday", 0);
            j.ki("readCapacityUnits", rcu);
            j.ki("writeCapacityUnits", wcu);
            j.end_obj();
            j.ki("indexSizeBytes", t.size_bytes / 4);
            j.ki("itemCount", t.item_count);
            j.kfmt("indexArn", format_args!("{}/index/{}", t.arn, g.name));
            j.end_obj();
        }
        j.end_arr();
    }
    if let Some(view) = s.stream_view {
        j.ko("streamSpecification");
        j.kb("streamEnabled", true);
        j.ks("streamViewType", view);
        j.end_obj();
        j.ks(
            "latestStreamLabel",
            &crate::time::stream_label(s.stream_label_ms),
        );
        j.ks("latestStreamArn", &t.stream_arn(s));
    } else if s.stream_kept {
        j.ks(
            "latestStreamLabel",
            &crate::time::stream_label(s.stream_label_ms),
        );
        j.ks("latestStreamArn", &t.stream_arn(s));
    }
    if let Some(key) = st.key_arn(s.sse) {
        j.ko("sSEDescription");
        j.ks("status", "ENABLED");
        j.ks("sSEType", "KMS");
        j.ks("kMSMasterKeyArn", key);
        j.end_obj();
    }
    if t.show_class || t.infrequent_access {
        j.ko("tableClassSummary");
        j.ks(
            "tableClass",
            if t.infrequent_access {
                "STANDARD_INFREQUENT_ACCESS"
            } else {
                "STANDARD"
            },
        );
        j.end_obj();
    }
    j.kb("deletionProtectionEnabled", s.deletion_protection);
    j.end_obj();
}

pub(crate) fn write_key_schema(
    j: &mut Json,
    field: &str,
    name_key: &str,
    type_key: &str,
    t: &Table,
) {
    write_keys(
        j,
        field,
        name_key,
        type_key,
        &t.hash.name,
        t.range.as_ref().map(|r| r.name.as_str()),
    );
}

/// A key schema (`[{name, HASH}, {name, RANGE}]`) under the casing of the format being written:
/// Config and CloudTrail write camelCase, the CLI PascalCase. Shared by tables and indexes.
pub(crate) fn write_keys(
    j: &mut Json,
    field: &str,
    name_key: &str,
    type_key: &str,
    hash: &str,
    range: Option<&str>,
) {
    j.ka(field);
    j.obj();
    j.ks(name_key, hash);
    j.ks(type_key, "HASH");
    j.end_obj();
    if let Some(range) = range {
        j.obj();
        j.ks(name_key, range);
        j.ks(type_key, "RANGE");
        j.end_obj();
    }
    j.end_arr();
}
