//! An inventory folder as a script running the AWS CLI v2 would leave it:
//! `inventory/<account>/<region>/list-tables.json` and `describe-table/<table>.json`,
//! pretty-printed with four-space indents and ISO-8601 timestamps.

use crate::config::{write_key_schema, write_keys};
use crate::json::{pretty, Json};
use crate::time::{iso_cli, stream_label};
use crate::world::{Stream, World};

pub(crate) struct InventoryFile {
    pub path: String,
    pub json: String,
}

/// `list-tables.json` then one `describe-table/<name>.json` per table, names sorted.
pub(crate) fn files(w: &World, si: usize, j: &mut Json) -> Vec<InventoryFile> {
    let st = &w.streams[si];
    let account = &w.accounts[st.account].id;
    let dir = format!("inventory/{account}/{}", st.region);
    let mut live: Vec<usize> = (0..st.tables.len())
        .filter(|&i| st.tables[i].exists_at_end())
        .collect();
    // ListTables returns names in byte order.
    live.sort_by(|&a, &b| st.tables[a].name.cmp(&st.tables[b].name));
    let mut out = Vec::with_capacity(live.len() + 1);
    j.clear();
    j.obj();
    j.ka("TableNames");
    for &i in &live {
        j.str(&st.tables[i].name);
    }
    j.end_arr();
    j.end_obj();
    out.push(InventoryFile {
        path: format!("{dir}/list-tables.json"),
        json: pretty(&j.out) + "\n",
    });
    for &i in &live {
        j.clear();
        describe_table(j, st, i);
        out.push(InventoryFile {
            path: format!("{dir}/describe-table/{}.json", st.tables[i].name),
            json: pretty(&j.out) + "\n",
        });
    }
    out
}

fn describe_table(j: &mut Json, st: &Stream, ti: usize) {
    let t = &st.tables[ti];
    let s = t.final_state();
    j.obj();
    j.ko("Table");
    j.ka("AttributeDefinitions");
    for a in t.attribute_definitions() {
        j.obj();
        j.ks("AttributeName", &a.name);
        j.ks("AttributeType", a.ty);
        j.end_obj();
    }
    j.end_arr();
    j.ks("TableName", &t.name);
    write_key_schema(j, "KeySchema", "AttributeName", "KeyType", t);
    j.ks("TableStatus", "ACTIVE");
    j.ks("CreationDateTime", &iso_cli(t.created_ms));
    j.ko("ProvisionedThroughput");
    j.ki("NumberOfDecreasesToday", 0);
    let (rcu, wcu) = s.provisioned.unwrap_or((0, 0));
    j.ki("ReadCapacityUnits", rcu);
    j.ki("WriteCapacityUnits", wcu);
    j.end_obj();
    j.ki("TableSizeBytes", t.size_bytes);
    j.ki("ItemCount", t.item_count);
    j.ks("TableArn", &t.arn);
    j.ks("TableId", &t.id);
    if s.provisioned.is_none() {
        j.ko("BillingModeSummary");
        j.ks("BillingMode", "PAY_PER_REQUEST");
        j.ks(
            "LastUpdateToPayPerRequestDateTime",
            &iso_cli(s.billing_changed_ms),
        );
        j.end_obj();
    }
    if !t.gsis.is_empty() {
        j.ka("GlobalSecondaryIndexes");
        for g in &t.gsis {
            j.obj();
            j.ks("IndexName", &g.name);
            write_keys(
                j,
                "KeySchema",
                "AttributeName",
                "KeyType",
                &g.hash.name,
                g.range.as_ref().map(|r| r.name.as_str()),
            );
            j.ko("Projection");
            j.ks("ProjectionType", g.projection);
            if g.projection == "INCLUDE" {
                j.ka("NonKeyAttributes");
                j.str("status");
                j.str("updatedAt");
                j.end_arr();
            }
            j.end_obj();
            j.ks("IndexStatus", "ACTIVE");
            j.ko("ProvisionedThroughput");
            j.ki("NumberOfDecreasesToday", 0);
            j.ki("ReadCapacityUnits", rcu);
            j.ki("WriteCapacityUnits", wcu);
            j.end_obj();
            j.ki("IndexSizeBytes", t.size_bytes / 4);
            j.ki("ItemCount", t.item_count);
            j.kfmt("IndexArn", format_args!("{}/index/{}", t.arn, g.name));
            j.end_obj();
        }
        j.end_arr();
    }
    if let Some(view) = s.stream_view {
        j.ko("StreamSpecification");
        j.kb("StreamEnabled", true);
        j.ks("StreamViewType", view);
        j.end_obj();
        j.ks("LatestStreamLabel", &stream_label(s.stream_label_ms));
        j.ks("LatestStreamArn", &t.stream_arn(&s));
    }
    if let Some(key) = st.key_arn(s.sse) {
        j.ko("SSEDescription");
        j.ks("Status", "ENABLED");
        j.ks("SSEType", "KMS");
        j.ks("KMSMasterKeyArn", key);
        j.end_obj();
    }
    if t.show_class || t.infrequent_access {
        j.ko("TableClassSummary");
        j.ks(
            "TableClass",
            if t.infrequent_access {
                "STANDARD_INFREQUENT_ACCESS"
            } else {
                "STANDARD"
            },
        );
        j.end_obj();
    }
    j.kb("DeletionProtectionEnabled", s.deletion_protection);
    if s.provisioned.is_none() {
        j.ko("WarmThroughput");
        j.ki("ReadUnitsPerSecond", 12_000);
        j.ki("WriteUnitsPerSecond", 4_000);
        j.ks("Status", "ACTIVE");
        j.end_obj();
    }
    j.end_obj();
    j.end_obj();
}
