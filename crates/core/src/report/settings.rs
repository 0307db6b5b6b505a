//! The settings a report is made with. They are written into the report, so a report says how
//! it was made and can be made again from its own JSON (`ddb-lens report --settings`).

use serde::{Deserialize, Serialize};

pub use crate::analysis::tags::TagPolicy;
use crate::compliance::{AutoscalingParams, Params};
use crate::model::{Event, Model, Sym};
use crate::rules;

/// Everything besides the input files that decides a report's content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportSettings {
    /// The time the report speaks as of, ms since the epoch (UTC). `None`: the newest time in
    /// the evidence, never the clock (see [`super::ReportTime`]).
    pub report_time_ms: Option<i64>,
    /// The tag policy the tags section and the required-tags check measure against (the tag
    /// analysis' own, versioned type: `{"version":1,"keys":[...]}`).
    pub tag_policy: TagPolicy,
    /// The detection rules' parameters.
    pub rules: RuleSettings,
    /// The compliance checks' parameters (`required-tags` takes `tag_policy`).
    pub compliance: ComplianceSettings,
    /// Which events the report reads.
    pub filters: Filters,
}

impl ReportSettings {
    /// The same settings with lists that are sets sorted and de-duplicated and rule
    /// parameters brought into their range (a burst of 0 calls is a burst of 1), so settings
    /// that mean the same give the same report.
    pub fn normalised(&self) -> ReportSettings {
        let mut settings = self.clone();
        let rules = &mut settings.rules;
        rules.denied_burst_count = rules.denied_burst_count.max(1);
        rules.denied_burst_window_ms = rules.denied_burst_window_ms.max(0);
        rules.baseline_ms = rules.baseline_ms.max(0);
        for list in [
            &mut settings.filters.accounts,
            &mut settings.filters.regions,
        ] {
            list.sort();
            list.dedup();
        }
        settings.compliance = settings.compliance.normalised();
        settings
    }

    /// The settings the detection rules run with: the rule parameters and the tag policy.
    pub fn rule_settings(&self) -> rules::RuleSettings {
        rules::RuleSettings {
            required_tags: self.tag_policy.clone(),
            denied_burst_count: self.rules.denied_burst_count,
            denied_burst_window_ms: self.rules.denied_burst_window_ms,
            baseline_ms: self.rules.baseline_ms,
        }
    }

    /// The compliance checks' parameters: these settings' own, and the tag policy as
    /// `required-tags`' required keys, so the tags section and the check judge alike.
    pub fn compliance_params(&self) -> Params {
        Params {
            kms_key_arns: self.compliance.kms_key_arns.clone(),
            autoscaling: self.compliance.autoscaling.clone(),
            required_tags: Vec::new(),
            stream_consumer_required: self.compliance.stream_consumer_required.clone(),
        }
        .with_tag_policy(&self.tag_policy)
    }
}

/// The parameters of the compliance checks ([`crate::compliance`]), as the AWS managed rules
/// name them where they have one. A parameter left empty is taken from a loaded AWS Config rule
/// of the same check when there is one (the report's `compliance.param_notes` says so), so both
/// sides judge by the same parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComplianceSettings {
    /// `dynamodb-table-encrypted-kms`'s `kmsKeyArns`: the KMS key ARNs a table may be encrypted
    /// with. Empty: any AWS KMS key (AWS managed or customer managed) passes.
    pub kms_key_arns: Vec<String>,
    /// `ddb-lens-stream-consumer`: the tables that must have a stream with an active Lambda
    /// trigger, each a table name (any account and region) or `account/region/name`. Empty:
    /// the check is NOT_APPLICABLE to every table.
    pub stream_consumer_required: Vec<String>,
    /// `dynamodb-autoscaling-enabled`'s optional capacity bounds and target utilisations.
    pub autoscaling: AutoscalingParams,
}

impl ComplianceSettings {
    /// Lists that are sets trimmed, emptied of blanks, sorted and de-duplicated.
    pub fn normalised(&self) -> ComplianceSettings {
        let set = |list: &[String]| {
            let mut out: Vec<String> = list
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            out.sort();
            out.dedup();
            out
        };
        ComplianceSettings {
            kms_key_arns: set(&self.kms_key_arns),
            stream_consumer_required: set(&self.stream_consumer_required),
            autoscaling: self.autoscaling.clone(),
        }
    }
}

/// The detection rules' parameters. The tag policy the required-tag rule reads is not here:
/// it is [`ReportSettings::tag_policy`], one policy for the tags section, the required-tags
/// check and the rule ([`ReportSettings::rule_settings`] joins them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleSettings {
    /// `ddb-access-denied-burst`: a burst is at least this many denied DynamoDB calls by one
    /// principal (at least 1)...
    pub denied_burst_count: u32,
    /// ...within this many milliseconds (at least 0).
    pub denied_burst_window_ms: i64,
    /// The "first time" rules (first Scan, first export by a principal) take this long a start
    /// of the loaded logs, in milliseconds (at least 0), as the baseline of what principals
    /// normally do.
    pub baseline_ms: i64,
}

impl Default for RuleSettings {
    fn default() -> Self {
        let defaults = rules::RuleSettings::default();
        RuleSettings {
            denied_burst_count: defaults.denied_burst_count,
            denied_burst_window_ms: defaults.denied_burst_window_ms,
            baseline_ms: defaults.baseline_ms,
        }
    }
}

/// Which events the report reads. Empty lists and `None` bounds admit everything. Applied to
/// the overview and the gaps (events), the findings (those whose span and scope meet them,
/// listed whole: the rules read every event), the tables and tag coverage (by account and
/// region) and the tag history; each later section says whether it applies them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Events at or after this time (ms since the epoch, UTC).
    pub time_from_ms: Option<i64>,
    /// Events before this time (exclusive).
    pub time_to_ms: Option<i64>,
    /// Only these accounts (recipient account ids); empty: all.
    pub accounts: Vec<String>,
    /// Only these regions; empty: all.
    pub regions: Vec<String>,
}

impl Filters {
    /// Whether these filters admit every event.
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// The filters resolved against `model`'s symbols, to test events without string compares.
    pub fn compile(&self, model: &Model) -> EventFilter {
        // An account the model never saw matches no event: looking it up gives no symbol, and
        // an empty allow-list that was not empty before must still admit nothing.
        let syms = |names: &[String]| -> Option<Vec<Sym>> {
            if names.is_empty() {
                return None;
            }
            let mut syms: Vec<Sym> = names
                .iter()
                .filter_map(|n| model.strings.lookup(n))
                .collect();
            syms.sort();
            Some(syms)
        };
        EventFilter {
            from_ms: self.time_from_ms.unwrap_or(i64::MIN),
            to_ms: self.time_to_ms.unwrap_or(i64::MAX),
            accounts: syms(&self.accounts),
            regions: syms(&self.regions),
            account_names: self.accounts.clone(),
            region_names: self.regions.clone(),
        }
    }
}

/// [`Filters`] compiled for one model.
#[derive(Debug, Clone)]
pub struct EventFilter {
    from_ms: i64,
    to_ms: i64,
    accounts: Option<Vec<Sym>>,
    regions: Option<Vec<Sym>>,
    account_names: Vec<String>,
    region_names: Vec<String>,
}

impl EventFilter {
    /// Whether the filters admit `event`.
    pub fn admits(&self, event: &Event) -> bool {
        let in_time = event.time_ms >= self.from_ms && event.time_ms < self.to_ms;
        let listed = |allowed: &Option<Vec<Sym>>, sym: Sym| {
            allowed
                .as_ref()
                .is_none_or(|syms| syms.binary_search(&sym).is_ok())
        };
        in_time && listed(&self.accounts, event.account) && listed(&self.regions, event.region)
    }

    /// Whether a time span `[first_ms, last_ms]` (a finding's, an entry's) meets the filters'
    /// time range.
    pub fn admits_span(&self, first_ms: i64, last_ms: i64) -> bool {
        first_ms < self.to_ms && last_ms >= self.from_ms
    }

    /// Whether an account and region named by evidence other than events are within the
    /// filters (an empty `region` is "any region").
    pub fn admits_scope(&self, account: &str, region: &str) -> bool {
        let listed = |names: &[String], name: &str| {
            names.is_empty() || name.is_empty() || names.iter().any(|n| n == name)
        };
        listed(&self.account_names, account) && listed(&self.region_names, region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_parameters_default_and_are_brought_into_range() {
        // Settings written before the rules landed (`"rules": {}`) read as the defaults.
        let old: ReportSettings = serde_json::from_str(r#"{"rules":{}}"#).unwrap();
        assert_eq!(old, ReportSettings::default());
        let odd: ReportSettings = serde_json::from_str(
            r#"{"rules":{"denied_burst_count":0,"denied_burst_window_ms":-1,"baseline_ms":-5}}"#,
        )
        .unwrap();
        let rules = odd.normalised().rules;
        assert_eq!(
            (
                rules.denied_burst_count,
                rules.denied_burst_window_ms,
                rules.baseline_ms
            ),
            (1, 0, 0)
        );
    }

    #[test]
    fn the_rules_read_the_report_tag_policy() {
        let mut settings = ReportSettings::default();
        settings.tag_policy.keys.truncate(1);
        settings.rules.baseline_ms = 60_000;
        let rules = settings.rule_settings();
        assert_eq!(rules.required_tags, settings.tag_policy);
        assert_eq!(rules.baseline_ms, 60_000);
        assert_eq!(
            rules.denied_burst_count,
            crate::rules::RuleSettings::default().denied_burst_count
        );
    }
}
