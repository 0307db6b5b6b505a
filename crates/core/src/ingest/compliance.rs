//! AWS Config compliance and rules: `get-compliance-details-by-config-rule` (and
//! `-by-resource`, same shape), `describe-compliance-by-resource`,
//! `describe-compliance-by-config-rule`, `describe-config-rules`. The ComplianceChangeNotification
//! reads its evaluation through [`evaluation`] too.
//!
//! None of these outputs names its account or region except rule ARNs: the file's path does
//! (`<account>/<region>/config/...`), else they stay unknown.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ingest::config::Qualifier;
use crate::ingest::exports::{Ctx, Out};
use crate::ingest::value::{count, flag, get, items, object_or_json, parse_arn, text, time};
use crate::model::inventory::{
    ComplianceSummary, ComplianceType, ConfigEvaluation, ConfigRule, RuleScope,
};

/// One `EvaluationResult` (PascalCase from the CLI, camelCase in notifications); `outer` names
/// the rule and resource where the result's own qualifier does not.
pub(crate) fn evaluation(
    result: &Value,
    ctx: &Ctx<'_>,
    account: &str,
    region: &str,
    outer: &Qualifier,
) -> Result<ConfigEvaluation, String> {
    let identifier = get(result, "EvaluationResultIdentifier");
    let qualifier = identifier.and_then(|i| get(i, "EvaluationResultQualifier"));
    let field = |key: &str, fallback: &Option<String>| {
        qualifier
            .and_then(|q| text(q, key))
            .or_else(|| fallback.clone())
    };
    let rule_name = field("ConfigRuleName", &outer.rule_name);
    let resource_type = field("ResourceType", &outer.resource_type);
    let resource_id = field("ResourceId", &outer.resource_id);
    let (Some(rule_name), Some(resource_type), Some(resource_id)) =
        (rule_name, resource_type, resource_id)
    else {
        return Err("the evaluation does not name its rule, resource type and resource id".into());
    };
    let recorded = time(result, "ResultRecordedTime");
    let ordering = identifier.and_then(|i| time(i, "OrderingTimestamp"));
    Ok(ConfigEvaluation {
        rule_name,
        resource_type,
        resource_id,
        compliance: ComplianceType::parse(text(result, "ComplianceType").as_deref()),
        ordering_ms: ordering,
        recorded_ms: recorded,
        invoked_ms: time(result, "ConfigRuleInvokedTime"),
        annotation: text(result, "Annotation"),
        account: account.to_string(),
        region: region.to_string(),
        source: ctx.source(recorded.or(ordering)),
    })
}

pub(crate) fn evaluation_results(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("evaluation result");
    let (account, region) = (ctx.account(None), ctx.region(None));
    let none = Qualifier {
        rule_name: None,
        resource_type: None,
        resource_id: None,
    };
    for (i, result) in items(v, "EvaluationResults").iter().enumerate() {
        out.count += 1;
        match evaluation(result, ctx, &account, &region, &none) {
            Ok(e) => out.records.config_evaluations.push(e),
            Err(why) => out.skip(i, || why),
        }
    }
    out
}

fn summary_compliance(entry: &Value) -> (ComplianceType, Option<u64>, Option<bool>) {
    let compliance = get(entry, "Compliance");
    let contributors = compliance.and_then(|c| get(c, "ComplianceContributorCount"));
    (
        ComplianceType::parse(
            compliance
                .and_then(|c| text(c, "ComplianceType"))
                .as_deref(),
        ),
        contributors.and_then(|c| count(c, "CappedCount")),
        contributors.and_then(|c| flag(c, "CapExceeded")),
    )
}

pub(crate) fn by_resource(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("resource");
    for (i, entry) in items(v, "ComplianceByResources").iter().enumerate() {
        out.count += 1;
        let (Some(resource_type), Some(resource_id)) =
            (text(entry, "ResourceType"), text(entry, "ResourceId"))
        else {
            out.skip(i, || "no ResourceType and ResourceId".into());
            continue;
        };
        let (compliance, capped_count, cap_exceeded) = summary_compliance(entry);
        out.records.compliance_summaries.push(ComplianceSummary {
            rule_name: None,
            resource_type: Some(resource_type),
            resource_id: Some(resource_id),
            compliance,
            capped_count,
            cap_exceeded,
            account: ctx.account(None),
            region: ctx.region(None),
            source: ctx.source(None),
        });
    }
    out
}

pub(crate) fn by_rule(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("rule");
    for (i, entry) in items(v, "ComplianceByConfigRules").iter().enumerate() {
        out.count += 1;
        let Some(rule_name) = text(entry, "ConfigRuleName") else {
            out.skip(i, || "no ConfigRuleName".into());
            continue;
        };
        let (compliance, capped_count, cap_exceeded) = summary_compliance(entry);
        out.records.compliance_summaries.push(ComplianceSummary {
            rule_name: Some(rule_name),
            resource_type: None,
            resource_id: None,
            compliance,
            capped_count,
            cap_exceeded,
            account: ctx.account(None),
            region: ctx.region(None),
            source: ctx.source(None),
        });
    }
    out
}

pub(crate) fn rules(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("rule");
    for (i, rule) in items(v, "ConfigRules").iter().enumerate() {
        out.count += 1;
        let Some(name) = text(rule, "ConfigRuleName") else {
            out.skip(i, || "no ConfigRuleName".into());
            continue;
        };
        let arn = text(rule, "ConfigRuleArn");
        let parts = arn.as_deref().and_then(parse_arn);
        let source = get(rule, "Source");
        let scope = get(rule, "Scope");
        let mut input_parameters = BTreeMap::new();
        if let Some(params) = get(rule, "InputParameters") {
            match object_or_json(params) {
                Some(map) => {
                    for (k, v) in map.as_object().into_iter().flatten() {
                        let value = match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        input_parameters.insert(k.clone(), value);
                    }
                }
                // "{}" and "" are common; anything else unreadable is worth a word, as a rule
                // evaluated without its parameters would be evaluated wrongly.
                None if params.as_str().is_some_and(|s| s.trim().is_empty()) => {}
                None => out.warn(|| {
                    format!("rule {name}: InputParameters is not a JSON object; read without them")
                }),
            }
        }
        out.records.config_rules.push(ConfigRule {
            arn: arn.clone(),
            id: text(rule, "ConfigRuleId"),
            description: text(rule, "Description"),
            owner: source.and_then(|s| text(s, "Owner")),
            source_identifier: source.and_then(|s| text(s, "SourceIdentifier")),
            input_parameters,
            scope: RuleScope {
                resource_types: scope
                    .map(|s| items(s, "ComplianceResourceTypes"))
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect(),
                tag_key: scope.and_then(|s| text(s, "TagKey")),
                tag_value: scope.and_then(|s| text(s, "TagValue")),
                resource_id: scope.and_then(|s| text(s, "ComplianceResourceId")),
            },
            state: text(rule, "ConfigRuleState"),
            account: ctx.account(parts.map(|p| p.account)),
            region: ctx.region(parts.map(|p| p.region)),
            source: ctx.source(None),
            name,
        });
    }
    out
}
