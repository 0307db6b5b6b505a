//! What the rules on KMS keys that protect tables share: matching a KMS event's key against
//! the keys seen protecting tables ([`super::Context::table_keys`]), and the finding per key.

use std::collections::BTreeMap;

use super::params::Detail;
use super::{key_id, Context, Finding, RuleMeta};
use crate::model::Event;

/// One finding per protected key among `events`: "KMS key K, which protects table T, {verb}
/// by … at …", with `extra(detail)` appended in parentheses when it says something.
pub fn findings(
    cx: &Context<'_>,
    meta: &RuleMeta,
    events: &[&Event],
    verb: &str,
    extra: fn(&Detail) -> Option<String>,
) -> Vec<Finding> {
    let mut groups = BTreeMap::new();
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for &e in events {
        let detail = cx.detail(e);
        let key = match cx.model.str(e.key) {
            "" => detail.request().field("keyId").text_or_empty(),
            key => key,
        };
        let Some(tables) = cx.tables_of_key(key) else {
            continue;
        };
        let id = key_id(key).to_string();
        let group = groups.entry(id.clone()).or_insert_with(|| cx.group());
        group.add_event_only(e);
        group.add_resource(key);
        for table in tables {
            group.add_table(table);
        }
        if let Some(note) = extra(&detail) {
            let list = notes.entry(id).or_default();
            if !list.contains(&note) {
                list.push(note);
            }
        }
    }
    groups
        .into_iter()
        .map(|(id, g)| {
            let note = notes
                .get(&id)
                .map(|n| format!(" ({})", n.join("; ")))
                .unwrap_or_default();
            let n = g.tables().len();
            let summary = format!(
                "KMS key {}, which protects {} {}, {verb}{note} {} {}.",
                g.resources_text(&id),
                if n == 1 { "table" } else { "tables" },
                g.tables_text(),
                g.by_whom(),
                g.when()
            );
            g.finish(meta, summary)
        })
        .collect()
}

/// The DOC paragraph every key rule shares on what "protects a table" means.
macro_rules! protects_a_table {
    () => {
        "A key protects a table when the loaded logs show it doing so: a KMS event whose \
         encryption context names a DynamoDB table (`aws:dynamodb:tableName`, as DynamoDB \
         sets on its `GenerateDataKey` and `Decrypt` calls), or a `CreateTable`, \
         `UpdateTable` or restore whose SSE settings name the key. Keys are compared by key \
         id, so an ARN and a bare key id match."
    };
}
pub(crate) use protects_a_table;
