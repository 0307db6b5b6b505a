//! Rule `cloudtrail-dynamodb-data-events-dropped`: see [`DOC`].

use std::collections::BTreeMap;

use super::params::{short_name, Node};
use super::{Context, Finding, Rule, RuleMeta, Select, Severity, Technique};
use crate::model::Event;

pub const DOC: &str = r#"## What it does
Finds CloudTrail trails (and CloudTrail Lake event data stores) whose event selectors were
set so that they log no DynamoDB data events: `PutEventSelectors` and `UpdateEventDataStore`
calls that succeeded, their selectors read from the request.

Basic selectors (`eventSelectors`) log DynamoDB data events when a selector has a
`dataResources` entry of `type` `AWS::DynamoDB::Table` with at least one value. Advanced
selectors (`advancedEventSelectors`) do when a selector's `fieldSelectors` have `field`
`eventCategory` with `equals` holding `Data` and `field` `resources.type` with `equals`
holding `AWS::DynamoDB::Table` (or `startsWith` a prefix of it), and no `notEquals` on it.
Other field selectors (`eventName`, `readOnly`, `resources.ARN`) narrow what is logged but
still log some. A request that sets selectors logging none fires, unless an earlier request
in the loaded logs had already left the same trail without them (nothing was dropped then).
One finding per trail.

## Why is this bad?
Data events (`GetItem`, `PutItem`, `Scan`, `DeleteItem`, ...) are the only record of who read
or changed which items. Dropping them from a trail removes the evidence of bulk reads and
item tampering while every management event still looks normal.

## Example
```json
{"eventSource": "cloudtrail.amazonaws.com", "eventName": "PutEventSelectors",
 "requestParameters": {"trailName": "data-trail", "advancedEventSelectors": [
   {"name": "S3 only", "fieldSelectors": [
     {"field": "eventCategory", "equals": ["Data"]},
     {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]}}
```

## Known problems
Selectors narrowed to some tables (by ARN) count as logging DynamoDB; tables left out are not
named. Whether the trail logged DynamoDB before is known only from earlier requests in the
loaded logs; without one, the finding says so.

## References
"#;

pub const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "cloudtrail-dynamodb-data-events-dropped",
        title: "CloudTrail selectors set to log no DynamoDB data events",
        severity: Severity::High,
        technique: Some(Technique {
            id: "T1562.008",
            name: "Impair Defenses: Disable or Modify Cloud Logs",
        }),
        remediation: "Restore a selector logging AWS::DynamoDB::Table data events on the trail (put-event-selectors) and keep the trail's selectors under infrastructure as code.",
        references: &[
            "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html",
            "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html",
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html",
        ],
        doc: DOC,
        select: Select::succeeded(
            &["cloudtrail.amazonaws.com"],
            &["PutEventSelectors", "UpdateEventDataStore"],
        ),
    },
    run,
};

const TABLE_TYPE: &str = "AWS::DynamoDB::Table";

/// Whether the selectors in a request log any DynamoDB table data events; `None` when the
/// request sets no selectors (UpdateEventDataStore changing something else, a redacted
/// request).
pub(crate) fn logs_dynamodb_data(request: Node<'_>) -> Option<bool> {
    let basic = request.field("eventSelectors");
    let advanced = request.field("advancedEventSelectors");
    if !basic.exists() && !advanced.exists() {
        return None;
    }
    let basic_logs = basic.items().into_iter().any(|selector| {
        selector
            .field("dataResources")
            .items()
            .into_iter()
            .any(|resource| {
                resource.field("type").text() == Some(TABLE_TYPE)
                    && !resource.field("values").strings().is_empty()
            })
    });
    let advanced_logs = advanced.items().into_iter().any(|selector| {
        let (mut data, mut table) = (false, false);
        let mut excluded = false;
        for field in selector.field("fieldSelectors").items() {
            match field.field("field").text().unwrap_or_default() {
                "eventCategory" => data |= field.field("equals").strings().contains(&"Data"),
                "resources.type" => {
                    table |= field.field("equals").strings().contains(&TABLE_TYPE)
                        || field
                            .field("startsWith")
                            .strings()
                            .iter()
                            .any(|prefix| TABLE_TYPE.starts_with(prefix));
                    excluded |= field.field("notEquals").strings().contains(&TABLE_TYPE);
                }
                _ => {}
            }
        }
        data && table && !excluded
    });
    Some(basic_logs || advanced_logs)
}

fn run(cx: &Context<'_>, events: &[&Event]) -> Vec<Finding> {
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|e| (e.time_ms, e.file, e.record_index));
    // Per trail: what the last request left (Some(true): DynamoDB data events logged).
    let mut state: BTreeMap<String, bool> = BTreeMap::new();
    let mut groups = BTreeMap::new();
    let mut unknown_before: BTreeMap<String, bool> = BTreeMap::new();
    for e in sorted {
        let detail = cx.detail(e);
        let request = detail.request();
        let Some(logs) = logs_dynamodb_data(request) else {
            continue;
        };
        let name = request
            .field("trailName")
            .text()
            .or_else(|| request.field("eventDataStore").text())
            .unwrap_or_default();
        let key = short_name(name).to_string();
        let before = state.insert(key.clone(), logs);
        if logs || before == Some(false) {
            continue;
        }
        let group = groups.entry(key.clone()).or_insert_with(|| cx.group());
        group.add(e);
        group.add_resource(name);
        let unknown = unknown_before.entry(key).or_insert(false);
        *unknown |= before.is_none();
    }
    groups
        .into_iter()
        .map(|(name, g)| {
            let note = if unknown_before.get(&name).copied().unwrap_or(false) {
                " (the loaded logs do not show whether it logged them before)"
            } else {
                " (it logged them before)"
            };
            let name = if name.is_empty() {
                "(name not recorded)".into()
            } else {
                name
            };
            let summary = format!(
                "Trail {name} was set to log no DynamoDB data events{note} {} {}.",
                g.by_whom(),
                g.when()
            );
            g.finish(&RULE.meta, summary)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logs(request: serde_json::Value) -> Option<bool> {
        logs_dynamodb_data(Node(Some(&request)))
    }

    #[test]
    fn basic_and_advanced_selectors() {
        let basic = |ty: &str| {
            serde_json::json!({"trailName": "t", "eventSelectors": [{"readWriteType": "All",
                "includeManagementEvents": true,
                "dataResources": [{"type": ty, "values": ["arn:aws:dynamodb"]}]}]})
        };
        assert_eq!(logs(basic("AWS::DynamoDB::Table")), Some(true));
        assert_eq!(logs(basic("AWS::S3::Object")), Some(false));
        let advanced = |fields: serde_json::Value| {
            serde_json::json!({"trailName": "t", "advancedEventSelectors": [
                {"name": "m", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]},
                {"name": "d", "fieldSelectors": fields}]})
        };
        assert_eq!(
            logs(advanced(serde_json::json!([
                {"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.type", "equals": ["AWS::DynamoDB::Table"]},
                {"field": "readOnly", "equals": ["false"]}]))),
            Some(true)
        );
        assert_eq!(
            logs(advanced(serde_json::json!([
                {"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.type", "startsWith": ["AWS::DynamoDB::"]}]))),
            Some(true)
        );
        assert_eq!(
            logs(advanced(serde_json::json!([
                {"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.type", "equals": ["AWS::DynamoDB::Stream"]}]))),
            Some(false)
        );
        // The API's own spelling, as a hand-written sample might use.
        assert_eq!(
            logs(
                serde_json::json!({"TrailName": "t", "AdvancedEventSelectors": [{"FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::DynamoDB::Table"]}]}]})
            ),
            Some(true)
        );
        assert_eq!(
            logs(serde_json::json!({"eventDataStore": "x", "name": "y"})),
            None
        );
        assert_eq!(
            logs(serde_json::json!({"trailName": "t", "eventSelectors": []})),
            Some(false)
        );
    }
}
