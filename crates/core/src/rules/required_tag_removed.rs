//! Rule `ddb-required-tag-removed`: see [`DOC`].

use std::collections::{BTreeMap, BTreeSet};

use super::{list_text, Context, Finding, Rule, RuleMeta, Select, Severity};
use crate::ingest::cloudtrail::table_from_arn;
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds required tags removed from DynamoDB tables: DynamoDB `UntagResource` calls
(`resourceArn`, `tagKeys`) and Resource Groups Tagging API `UntagResources` calls
(`resourceARNList`, `tagKeys`) on DynamoDB ARNs that succeeded and removed at least one
required key. The required keys are the tag policy's (`RuleSettings::required_tags`, the
policy of the tags page), by default `Security`, `Confidentiality` and `Environment`, compared
as that policy says (exactly, unless it ignores case). One
finding per table. A Tag Editor removal is logged twice, by the tagging API and by DynamoDB
(from `sourceIPAddress` `tagging.amazonaws.com`); it counts once.

## Why is this bad?
Tags like these drive attribute-based access control (`aws:ResourceTag/...` conditions),
backup plans, data-classification reports and Config rules. Removing one can widen access,
drop the table out of a backup plan, or hide it from the reviews meant for sensitive data.

## Example
```json
{"eventSource": "dynamodb.amazonaws.com", "eventName": "UntagResource",
 "requestParameters": {"resourceArn": "arn:aws:dynamodb:eu-west-1:111122223333:table/Orders",
   "tagKeys": ["Confidentiality"]}}
```

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "ddb-required-tag-removed",
        title: "Required tag removed from a DynamoDB table",
        severity: Severity::Low,
        technique: None,
        remediation: "Put the tag back with its previous value (the Config history of the table has it) and restrict dynamodb:UntagResource with aws:TagKeys conditions or a tag policy.",
        references: &[
            "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UntagResource.html",
            "https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_UntagResources.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html",
        ],
        doc: DOC,
        select: Select::succeeded(
            &["dynamodb.amazonaws.com", "tagging.amazonaws.com"],
            &["UntagResource", "UntagResources"],
        ),
    },
    run,
};

/// The Tag Editor's removals are logged twice: the Resource Groups Tagging API call, then the
/// DynamoDB `UntagResource` it makes, from `sourceIPAddress` `tagging.amazonaws.com`, by the same
/// principal seconds later. The echo is dropped when its original is within this window.
const ECHO_WINDOW_MS: i64 = 5 * 60 * 1000;

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let required = &cx.settings.required_tags.keys;
    // Each event that removed a required key: the event, the keys, the tables.
    let mut removals: Vec<(&Event, Vec<String>, BTreeSet<String>)> = Vec::new();
    for &e in events {
        let detail = cx.detail(e);
        let request = detail.request();
        let keys: Vec<String> = request
            .field("tagKeys")
            .strings()
            .into_iter()
            .filter(|k| required.iter().any(|r| r.matches_key(k)))
            .map(String::from)
            .collect();
        if keys.is_empty() {
            continue;
        }
        let mut arns = request.field("resourceArn").strings();
        arns.extend(request.field("resourceARNList").strings());
        let tables: BTreeSet<String> = arns
            .into_iter()
            .filter_map(table_from_arn)
            .map(String::from)
            .collect();
        removals.push((e, keys, tables));
    }
    let is_tagging_api = |e: &Event| cx.model.str(e.event_source) == "tagging.amazonaws.com";
    let originals: Vec<(&Event, &BTreeSet<String>)> = removals
        .iter()
        .filter(|(e, _, _)| is_tagging_api(e))
        .map(|(e, _, tables)| (*e, tables))
        .collect();
    let mut groups = BTreeMap::new();
    let mut removed: BTreeMap<_, BTreeSet<String>> = BTreeMap::new();
    for (e, keys, tables) in &removals {
        let echo = !is_tagging_api(e) && cx.model.str(e.source_ip) == "tagging.amazonaws.com";
        for table in tables {
            let has_original = || {
                originals.iter().any(|(o, o_tables)| {
                    o.principal == e.principal
                        && (o.time_ms - e.time_ms).abs() <= ECHO_WINDOW_MS
                        && o_tables.contains(table)
                })
            };
            if echo && has_original() {
                continue;
            }
            let key = (e.account, e.region, table.clone());
            let group = groups.entry(key.clone()).or_insert_with(|| cx.group());
            group.add_event_only(e);
            group.add_table(table);
            removed.entry(key).or_default().extend(keys.iter().cloned());
        }
    }
    groups
        .into_iter()
        .map(|(key, g)| {
            let keys = removed.get(&key).cloned().unwrap_or_default();
            let summary = format!(
                "Required tag{} {} {} removed from table {} {} {}.",
                if keys.len() == 1 { "" } else { "s" },
                list_text(keys.iter().map(String::as_str), ""),
                if keys.len() == 1 { "was" } else { "were" },
                g.tables_text(),
                g.by_whom(),
                g.when()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}
