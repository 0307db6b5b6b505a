//! AWS Config's side of the estate, as the collector asks for it: the rules
//! (`describe-config-rules`), each rule's evaluation of every table
//! (`compliance-details/<rule>.json`), the summaries by rule and by resource, and each
//! table's configuration items (`resource-history/<TableName>.json`).
//!
//! Evaluations judge the configuration item they were triggered by, so they agree with the
//! table's state, except where Config has not caught up: the two latest changes in the
//! estate that flip a rule's verdict are still judged by the item before them, as a recorder
//! or evaluation lag leaves them, and the compliance page has real disagreements to explain.

use super::regional::has_autoscaling;
use super::{draw, Out};
use crate::cloudtrail::event_id;
use crate::config::{recorded_items, write_configuration, RecordedItem};
use crate::incidents::REQUIRED_TAGS;
use crate::json::Json;
use crate::rng::label;
use crate::time::{iso_cli, DAY_MS, SECOND_MS};
use crate::world::{Sse, Stream, Table, TableState, World};

/// The rules every region has: (name, managed rule identifier, input parameters). The
/// deletion protection rule is the one Security Hub deploys, under its own name.
fn rules(w: &World, account: &str) -> Vec<(String, &'static str, &'static str)> {
    let hub = format!(
        "securityhub-dynamodb-table-deletion-protection-enabled-{:06x}",
        (label(account) ^ w.seed) as u32 & 0xFF_FFFF
    );
    vec![
        ("dynamodb-pitr-enabled".into(), "DYNAMODB_PITR_ENABLED", "{}"),
        (hub, "DYNAMODB_TABLE_DELETION_PROTECTION_ENABLED", "{}"),
        (
            "dynamodb-table-encrypted-kms".into(),
            "DYNAMODB_TABLE_ENCRYPTED_KMS",
            "{}",
        ),
        (
            "dynamodb-autoscaling-enabled".into(),
            "DYNAMODB_AUTOSCALING_ENABLED",
            "{}",
        ),
        (
            "required-tags".into(),
            "REQUIRED_TAGS",
            "{\"tag1Key\":\"Environment\",\"tag2Key\":\"Confidentiality\",\"tag3Key\":\"Security\"}",
        ),
    ]
}

/// Whether a table in state `s` complies with the managed rule `identifier`.
fn complies(w: &World, t: &Table, identifier: &str, s: &TableState) -> bool {
    match identifier {
        "DYNAMODB_PITR_ENABLED" => s.pitr,
        "DYNAMODB_TABLE_DELETION_PROTECTION_ENABLED" => s.deletion_protection,
        "DYNAMODB_TABLE_ENCRYPTED_KMS" => s.sse != Sse::Owned,
        "DYNAMODB_AUTOSCALING_ENABLED" => s.provisioned.is_none() || has_autoscaling(w, t),
        // Config compares tag keys exactly: `security` is not `Security`.
        _ => REQUIRED_TAGS
            .iter()
            .all(|key| s.tags.iter().any(|(k, _)| k == key)),
    }
}

/// The (stream, table, rule identifier) whose latest evaluation is left on the item before
/// the latest change: the two latest verdict-flipping changes of the estate.
fn stale(w: &World) -> Vec<(usize, usize, &'static str)> {
    let identifiers = [
        "DYNAMODB_PITR_ENABLED",
        "DYNAMODB_TABLE_DELETION_PROTECTION_ENABLED",
        "DYNAMODB_TABLE_ENCRYPTED_KMS",
        "REQUIRED_TAGS",
    ];
    let mut flips: Vec<(i64, usize, usize, &'static str)> = Vec::new();
    for (si, st) in w.streams.iter().enumerate() {
        for (ti, t) in st.tables.iter().enumerate() {
            if !t.exists_at_end() {
                continue;
            }
            let items = recorded_items(w, t, ti);
            let [.., before, last] = items.as_slice() else {
                continue;
            };
            let (Some(a), Some(b)) = (&before.state, &last.state) else {
                continue;
            };
            for id in identifiers {
                if complies(w, t, id, a) != complies(w, t, id, b) {
                    flips.push((last.capture_ms, si, ti, id));
                }
            }
        }
    }
    flips.sort_by_key(|f| std::cmp::Reverse((f.0, f.1, f.2)));
    let mut out: Vec<(usize, usize, &'static str)> = Vec::new();
    for (_, si, ti, id) in flips {
        if out.len() < 2 && !out.iter().any(|&(s, t, _)| (s, t) == (si, ti)) {
            out.push((si, ti, id));
        }
    }
    out
}

pub(crate) fn files(w: &World, si: usize, dir: &str, j: &mut Json, out: &mut Vec<Out>) {
    let st = &w.streams[si];
    let account = w.accounts[st.account].id.as_str();
    let rules = rules(w, account);
    let stale = stale(w);

    j.clear();
    j.obj();
    j.ka("ConfigRules");
    for (name, identifier, params) in &rules {
        let id = format!(
            "config-rule-{:06x}",
            (label(name) ^ label(account)) as u32 & 0xFF_FFFF
        );
        j.obj();
        j.ks("ConfigRuleName", name);
        j.kfmt(
            "ConfigRuleArn",
            format_args!("arn:aws:config:{}:{account}:config-rule/{id}", st.region),
        );
        j.ks("ConfigRuleId", &id);
        if *identifier == "REQUIRED_TAGS" {
            j.ks(
                "Description",
                "Checks whether your resources have the tags that you specify.",
            );
        }
        j.ko("Scope");
        j.ka("ComplianceResourceTypes");
        j.str("AWS::DynamoDB::Table");
        j.end_arr();
        j.end_obj();
        j.ko("Source");
        j.ks("Owner", "AWS");
        j.ks("SourceIdentifier", identifier);
        j.end_obj();
        j.ks("InputParameters", params);
        j.ks("ConfigRuleState", "ACTIVE");
        if name.starts_with("securityhub-") {
            j.ks("CreatedBy", "securityhub.amazonaws.com");
        }
        j.ka("EvaluationModes");
        j.obj();
        j.ks("Mode", "DETECTIVE");
        j.end_obj();
        j.end_arr();
        j.end_obj();
    }
    j.end_arr();
    j.end_obj();
    out.push(Out::pretty(
        format!("{dir}/config/describe-config-rules.json"),
        j,
    ));

    let mut tables: Vec<usize> = (0..st.tables.len()).collect();
    tables.sort_by(|&a, &b| st.tables[a].name.cmp(&st.tables[b].name));
    // Non-compliant rules per existing table, and non-compliant tables per rule.
    let mut by_table: Vec<u64> = vec![0; st.tables.len()];
    let mut by_rule: Vec<(u64, u64)> = Vec::new();
    for (name, identifier, _) in &rules {
        let (mut failing, mut evaluated) = (0, 0);
        j.clear();
        j.obj();
        j.ka("EvaluationResults");
        for &ti in &tables {
            let t = &st.tables[ti];
            let items = recorded_items(w, t, ti);
            let Some(last) = items.last() else {
                continue;
            };
            let lagging = stale.contains(&(si, ti, *identifier)) && items.len() >= 2;
            let judged: &RecordedItem<'_> = if lagging {
                &items[items.len() - 2]
            } else {
                last
            };
            let verdict = match &judged.state {
                None => "NOT_APPLICABLE",
                Some(s) if complies(w, t, identifier, s) => "COMPLIANT",
                Some(_) => "NON_COMPLIANT",
            };
            if judged.state.is_some() {
                evaluated += 1;
                if verdict == "NON_COMPLIANT" {
                    failing += 1;
                    by_table[ti] += 1;
                }
            }
            let ordering = judged.capture_ms;
            let invoked = ordering + (5 + draw(w, name, &t.name, 35) as i64) * SECOND_MS;
            j.obj();
            j.ko("EvaluationResultIdentifier");
            j.ko("EvaluationResultQualifier");
            j.ks("ConfigRuleName", name);
            j.ks("ResourceType", "AWS::DynamoDB::Table");
            j.ks("ResourceId", &t.name);
            j.ks("EvaluationMode", "DETECTIVE");
            j.end_obj();
            j.ks("OrderingTimestamp", &iso_cli(ordering));
            j.end_obj();
            j.ks("ComplianceType", verdict);
            j.ks(
                "ResultRecordedTime",
                &iso_cli(invoked + 900 + draw(w, "recorded", &t.name, 2_000) as i64),
            );
            j.ks("ConfigRuleInvokedTime", &iso_cli(invoked));
            j.end_obj();
        }
        j.end_arr();
        j.end_obj();
        out.push(Out::pretty(
            format!("{dir}/config/compliance-details/{name}.json"),
            j,
        ));
        by_rule.push((failing, evaluated));
    }

    j.clear();
    j.obj();
    j.ka("ComplianceByConfigRules");
    for ((name, _, _), (failing, evaluated)) in rules.iter().zip(&by_rule) {
        j.obj();
        j.ks("ConfigRuleName", name);
        j.ko("Compliance");
        compliance(j, *failing, *evaluated);
        j.end_obj();
        j.end_obj();
    }
    j.end_arr();
    j.end_obj();
    out.push(Out::pretty(
        format!("{dir}/config/describe-compliance-by-config-rule.json"),
        j,
    ));

    j.clear();
    j.obj();
    j.ka("ComplianceByResources");
    for &ti in tables.iter().filter(|&&ti| st.tables[ti].exists_at_end()) {
        j.obj();
        j.ks("ResourceType", "AWS::DynamoDB::Table");
        j.ks("ResourceId", &st.tables[ti].name);
        j.ko("Compliance");
        compliance(j, by_table[ti], 1);
        j.end_obj();
        j.end_obj();
    }
    j.end_arr();
    j.end_obj();
    out.push(Out::pretty(
        format!("{dir}/config/describe-compliance-by-resource.json"),
        j,
    ));

    for &ti in &tables {
        resource_history(w, st, ti, j);
        out.push(Out::pretty(
            format!("{dir}/config/resource-history/{}.json", st.tables[ti].name),
            j,
        ));
    }
}

/// A summary's `Compliance`: non-compliant with the number of contributors, compliant, or
/// insufficient data when nothing was evaluated.
fn compliance(j: &mut Json, failing: u64, evaluated: u64) {
    if failing > 0 {
        j.ks("ComplianceType", "NON_COMPLIANT");
        j.ko("ComplianceContributorCount");
        j.ki("CappedCount", failing.min(100) as i64);
        j.kb("CapExceeded", failing > 100);
        j.end_obj();
    } else if evaluated > 0 {
        j.ks("ComplianceType", "COMPLIANT");
    } else {
        j.ks("ComplianceType", "INSUFFICIENT_DATA");
    }
}

/// How long Config keeps configuration items here (the estate's retention configuration):
/// an item older than this is gone from the history, unless it is the table's latest.
const RETENTION_MS: i64 = 30 * DAY_MS;

/// get-resource-config-history: the table's items, newest first (the API's default order),
/// `configuration` and supplementary values as JSON text. The retention period has removed
/// the older items of some tables, whose history then starts with a change.
fn resource_history(w: &World, st: &Stream, ti: usize, j: &mut Json) {
    let t = &st.tables[ti];
    let account = &w.accounts[st.account].id;
    let mut items = recorded_items(w, t, ti);
    items.reverse();
    let kept_from = w.collected_ms() - RETENTION_MS;
    let mut first = true;
    items.retain(|i| std::mem::take(&mut first) || i.capture_ms >= kept_from);
    let mut text = Json::default();
    j.clear();
    j.obj();
    j.ka("configurationItems");
    for item in &items {
        j.obj();
        j.ks("version", "1.3");
        j.ks("accountId", account);
        j.ks("configurationItemCaptureTime", &iso_cli(item.capture_ms));
        j.ks("configurationItemStatus", item.status);
        j.kfmt("configurationStateId", format_args!("{}", item.capture_ms));
        j.ks("configurationItemMD5Hash", "");
        j.ks("arn", &t.arn);
        j.ks("resourceType", "AWS::DynamoDB::Table");
        j.ks("resourceId", &t.name);
        j.ks("resourceName", &t.name);
        j.ks("awsRegion", st.region);
        j.ks("availabilityZone", "Regional");
        j.ks("resourceCreationTime", &iso_cli(t.created_ms));
        j.ko("tags");
        if let Some(s) = &item.state {
            for (k, v) in &s.tags {
                j.ks(k, v);
            }
        }
        j.end_obj();
        j.ka("relatedEvents");
        if let Some(g) = item.related_gidx {
            j.str(&event_id(w.seed, g));
        }
        j.end_arr();
        j.ka("relationships");
        j.end_arr();
        if let Some(s) = &item.state {
            text.clear();
            write_configuration(&mut text, st, t, s);
            j.ks("configuration", &text.out);
            j.ko("supplementaryConfiguration");
            text.clear();
            text.obj();
            text.ks("continuousBackupsStatus", "ENABLED");
            text.ko("pointInTimeRecoveryDescription");
            text.ks(
                "pointInTimeRecoveryStatus",
                if s.pitr { "ENABLED" } else { "DISABLED" },
            );
            text.end_obj();
            text.end_obj();
            j.ks("ContinuousBackupsDescription", &text.out);
            if !s.tags.is_empty() {
                text.clear();
                text.arr();
                for (k, v) in &s.tags {
                    text.obj();
                    text.ks("key", k);
                    text.ks("value", v);
                    text.end_obj();
                }
                text.end_arr();
                j.ks("Tags", &text.out);
            }
            j.end_obj();
        } else {
            j.ko("supplementaryConfiguration");
            j.end_obj();
        }
        j.ks("recordingFrequency", "CONTINUOUS");
        j.end_obj();
    }
    j.end_arr();
    j.end_obj();
}
