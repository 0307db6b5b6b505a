//! What the evidence does not cover, stated plainly: hours of the covered span with no
//! CloudTrail event, accounts and regions that other exports name but CloudTrail does not, and
//! the exports that are missing, with the checks that therefore read "insufficient data".

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ingest::{FileKind, FileReport, FileStatus};
use crate::model::Model;
use crate::report::settings::EventFilter;
use crate::report::tables::TableEntry;

const HOUR_MS: i64 = 3_600_000;
/// File names kept per account/region gap; the rest are counted.
const SEEN_IN_KEPT: usize = 10;

/// The gaps of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gaps {
    /// Time of the first and last CloudTrail event the report reads (ms), `None` without events.
    pub cloudtrail_first_ms: Option<i64>,
    pub cloudtrail_last_ms: Option<i64>,
    /// Whole UTC hours from the hour of the first event to the hour of the last, both included.
    pub hours_in_span: u64,
    /// Of those, hours with no CloudTrail event.
    pub hours_without_events: u64,
    /// The hours without events, consecutive hours merged into one range, oldest first.
    pub hour_ranges_without_events: Vec<HourRange>,
    /// Accounts and regions named by loaded exports other than CloudTrail events (from the
    /// `<account-id>/<region>/` segments of their paths) for which no CloudTrail event is
    /// loaded; sorted by account, then region.
    pub scopes_without_cloudtrail: Vec<ScopeGap>,
    /// Checks that read "insufficient data" because an export they need is not loaded, in the
    /// order of [`REQUIREMENTS`].
    pub insufficient_data: Vec<MissingExport>,
}

/// Hours `[start_ms, end_ms)` with no CloudTrail event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourRange {
    /// Start of the first empty hour (ms since the epoch, UTC).
    pub start_ms: i64,
    /// End of the last empty hour (exclusive).
    pub end_ms: i64,
    pub hours: u64,
}

/// An account, or an account and region, that exports name but no CloudTrail event covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeGap {
    pub account: String,
    /// Empty when the exports name the account but no region.
    pub region: String,
    /// The first files (by name) that name this scope.
    pub seen_in: Vec<String>,
    /// How many files name it.
    pub seen_in_total: u64,
}

/// A check that cannot be made from what is loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingExport {
    /// The check or section id, as in [`REQUIREMENTS`].
    pub check: String,
    pub title: String,
    /// The exports it needs that are not loaded.
    pub missing: Vec<MissingNeed>,
}

/// One export a check needs, any of whose kinds would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingNeed {
    /// e.g. "DynamoDB describe-table (or AWS Config configuration items)".
    pub what: String,
    pub any_of: Vec<FileKind>,
}

/// What a check or a report section needs to be made: every one of `needs`.
#[derive(Debug, Clone, Copy)]
pub struct Requirement {
    /// A report section id (`activity`, `kms`, ...) or a check id (AWS Config managed rule
    /// names for the posture checks), as the sections and the rules name themselves.
    pub check: &'static str,
    pub title: &'static str,
    pub needs: &'static [Need],
}

/// One export a check needs: loaded when a file of any of these kinds loaded.
#[derive(Debug, Clone, Copy)]
pub struct Need {
    pub what: &'static str,
    pub any_of: &'static [FileKind],
}

const CLOUDTRAIL: Need = Need {
    what: "CloudTrail events (delivered logs, event history or lookup-events)",
    any_of: &[
        FileKind::CloudTrailLog,
        FileKind::CloudTrailEventArray,
        FileKind::CloudTrailEvent,
        FileKind::CloudTrailLookupEvents,
    ],
};
/// AWS Config's configuration items of DynamoDB tables carry what describe-table says.
const CONFIG_ITEMS_KINDS: [FileKind; 6] = [
    FileKind::ConfigSnapshot,
    FileKind::ConfigHistory,
    FileKind::ConfigNotification,
    FileKind::ConfigSelectResourceConfig,
    FileKind::ConfigBatchGetResourceConfig,
    FileKind::ConfigResourceHistory,
];
const TABLE_CONFIG: Need = Need {
    what: "DynamoDB describe-table (or AWS Config configuration items)",
    any_of: &[
        FileKind::DynamoDbDescribeTable,
        CONFIG_ITEMS_KINDS[0],
        CONFIG_ITEMS_KINDS[1],
        CONFIG_ITEMS_KINDS[2],
        CONFIG_ITEMS_KINDS[3],
        CONFIG_ITEMS_KINDS[4],
        CONFIG_ITEMS_KINDS[5],
    ],
};
const TABLE_LIST: Need = Need {
    what: "DynamoDB list-tables or describe-table (or AWS Config configuration items)",
    any_of: &[
        FileKind::DynamoDbListTables,
        FileKind::DynamoDbDescribeTable,
        CONFIG_ITEMS_KINDS[0],
        CONFIG_ITEMS_KINDS[1],
        CONFIG_ITEMS_KINDS[2],
        CONFIG_ITEMS_KINDS[3],
        CONFIG_ITEMS_KINDS[4],
        CONFIG_ITEMS_KINDS[5],
    ],
};
const CONFIG_ITEMS: Need = Need {
    what:
        "AWS Config configuration history (history files, snapshots or get-resource-config-history)",
    any_of: &CONFIG_ITEMS_KINDS,
};
const CONFIG_VERDICTS: Need = Need {
    what: "AWS Config compliance (describe-compliance-by-config-rule, -by-resource or get-compliance-details-by-config-rule)",
    any_of: &[
        FileKind::ConfigComplianceByRule,
        FileKind::ConfigComplianceByResource,
        FileKind::ConfigComplianceDetails,
    ],
};
const CONTINUOUS_BACKUPS: Need = Need {
    what: "DynamoDB describe-continuous-backups (or AWS Config configuration items)",
    any_of: &[
        FileKind::DynamoDbContinuousBackups,
        CONFIG_ITEMS_KINDS[0],
        CONFIG_ITEMS_KINDS[1],
        CONFIG_ITEMS_KINDS[2],
        CONFIG_ITEMS_KINDS[3],
        CONFIG_ITEMS_KINDS[4],
        CONFIG_ITEMS_KINDS[5],
    ],
};
const STREAM_CONSUMERS: Need = Need {
    what: "Lambda list-event-source-mappings",
    any_of: &[FileKind::LambdaEventSourceMappings],
};
const KMS_KEYS: Need = Need {
    what: "KMS describe-key or list-aliases",
    any_of: &[FileKind::KmsDescribeKey, FileKind::KmsListAliases],
};
const TAGS: Need = Need {
    what: "DynamoDB list-tags-of-resource or tagging get-resources (or AWS Config configuration items)",
    any_of: &[
        FileKind::DynamoDbTags,
        FileKind::TaggingGetResources,
        CONFIG_ITEMS_KINDS[0],
        CONFIG_ITEMS_KINDS[1],
        CONFIG_ITEMS_KINDS[2],
        CONFIG_ITEMS_KINDS[3],
        CONFIG_ITEMS_KINDS[4],
        CONFIG_ITEMS_KINDS[5],
    ],
};
const SCALABLE_TARGETS: Need = Need {
    what: "Application Auto Scaling describe-scalable-targets",
    any_of: &[FileKind::AutoScalingScalableTargets],
};
const BACKUP_PROTECTED: Need = Need {
    what: "AWS Backup list-protected-resources",
    any_of: &[FileKind::BackupProtectedResources],
};

/// Every check and section, with the exports it needs. The one table: sections and rules add
/// their line here, and the gaps and the "no data" notes of the HTML read it.
pub const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        check: "activity",
        title: "DynamoDB control- and data-plane activity",
        needs: &[CLOUDTRAIL],
    },
    Requirement {
        check: "findings",
        title: "Detections over CloudTrail events",
        needs: &[CLOUDTRAIL],
    },
    Requirement {
        check: "kms",
        title: "KMS key usage behind table encryption",
        needs: &[CLOUDTRAIL],
    },
    Requirement {
        check: "kms-key-type",
        title: "Which kind of KMS key protects each table",
        needs: &[TABLE_CONFIG, KMS_KEYS],
    },
    Requirement {
        check: "streams",
        title: "Streams of each table",
        needs: &[TABLE_CONFIG],
    },
    Requirement {
        check: "stream-consumers",
        title: "Consumers (Lambda triggers) of each stream",
        needs: &[TABLE_CONFIG, STREAM_CONSUMERS],
    },
    Requirement {
        check: "tables",
        title: "Table inventory",
        needs: &[TABLE_LIST],
    },
    Requirement {
        check: "config",
        title: "Configuration history of each table",
        needs: &[CONFIG_ITEMS],
    },
    Requirement {
        check: "compliance",
        title: "AWS Config's compliance verdicts",
        needs: &[CONFIG_VERDICTS],
    },
    Requirement {
        check: "tags",
        title: "Tag coverage against the tag policy",
        needs: &[TAGS],
    },
    Requirement {
        check: "dynamodb-pitr-enabled",
        title: "DynamoDB table has point-in-time recovery enabled (DynamoDB.2)",
        needs: &[CONTINUOUS_BACKUPS],
    },
    Requirement {
        check: "dynamodb-table-deletion-protection-enabled",
        title: "DynamoDB table has deletion protection enabled (DynamoDB.6)",
        needs: &[TABLE_CONFIG],
    },
    Requirement {
        check: "dynamodb-table-encrypted-kms",
        title: "DynamoDB table is encrypted with a KMS key",
        needs: &[TABLE_CONFIG],
    },
    Requirement {
        check: "dynamodb-autoscaling-enabled",
        title: "DynamoDB table scales capacity with demand (DynamoDB.1)",
        needs: &[TABLE_CONFIG, SCALABLE_TARGETS],
    },
    Requirement {
        check: "dynamodb-resources-protected-by-backup-plan",
        title: "DynamoDB table is protected by a backup plan (DynamoDB.4)",
        needs: &[BACKUP_PROTECTED],
    },
    Requirement {
        check: "required-tags",
        title: "DynamoDB table carries the required tags (DynamoDB.5)",
        needs: &[TAGS],
    },
];

/// The requirement of a check or section id.
pub fn requirement(check: &str) -> Option<&'static Requirement> {
    REQUIREMENTS.iter().find(|r| r.check == check)
}

/// The gaps of the evidence: `files` are the manifest's, `filter` the report's, `tables` the
/// report's inventory (whose tables' accounts and regions count as named by their sources).
pub fn compute(
    model: &Model,
    files: &[FileReport],
    filter: &EventFilter,
    tables: &[TableEntry],
) -> Gaps {
    let mut gaps = Gaps::default();
    hour_gaps(model, filter, &mut gaps);
    gaps.scopes_without_cloudtrail = scope_gaps(model, files, filter, tables);
    gaps.insufficient_data = missing_exports(files);
    gaps
}

fn hour_gaps(model: &Model, filter: &EventFilter, gaps: &mut Gaps) {
    let mut hours: Vec<i64> = Vec::new();
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    for event in model.events_unsorted.iter().filter(|e| filter.admits(e)) {
        first = first.min(event.time_ms);
        last = last.max(event.time_ms);
        hours.push(event.time_ms.div_euclid(HOUR_MS));
    }
    if hours.is_empty() {
        return;
    }
    hours.sort_unstable();
    hours.dedup();
    gaps.cloudtrail_first_ms = Some(first);
    gaps.cloudtrail_last_ms = Some(last);
    let (first_hour, last_hour) = (hours[0], hours[hours.len() - 1]);
    gaps.hours_in_span = (last_hour - first_hour + 1) as u64;
    gaps.hours_without_events = gaps.hours_in_span - hours.len() as u64;
    for pair in hours.windows(2) {
        let missing = pair[1] - pair[0] - 1;
        if missing > 0 {
            gaps.hour_ranges_without_events.push(HourRange {
                start_ms: (pair[0] + 1) * HOUR_MS,
                end_ms: pair[1] * HOUR_MS,
                hours: missing as u64,
            });
        }
    }
}

fn scope_gaps(
    model: &Model,
    files: &[FileReport],
    filter: &EventFilter,
    tables: &[TableEntry],
) -> Vec<ScopeGap> {
    let mut with_events: BTreeSet<(&str, &str)> = BTreeSet::new();
    for event in model.events_unsorted.iter().filter(|e| filter.admits(e)) {
        with_events.insert((model.str(event.account), model.str(event.region)));
    }
    let accounts_with_events: BTreeSet<&str> = with_events.iter().map(|&(a, _)| a).collect();
    // Scope → the files that name it, sorted by name as the manifest is.
    let mut named: BTreeMap<(String, String), BTreeSet<&str>> = BTreeMap::new();
    // A table's account and region (from its ARN, or its file's path) are named by the files
    // other than CloudTrail's that describe it: a describe-table saved anywhere still says
    // which account it is from.
    for table in tables {
        if table.account.is_empty() || !filter.admits_scope(&table.account, &table.region) {
            continue;
        }
        for source in &table.sources {
            named
                .entry((table.account.clone(), table.region.clone()))
                .or_default()
                .insert(&source.file);
        }
    }
    for file in files {
        let evidence = file.status != FileStatus::Error
            && file.kind != FileKind::Unrecognised
            && !file.kind.is_cloudtrail();
        if !evidence {
            continue;
        }
        if let Some((account, region)) = scope_of_path(&file.name) {
            if filter.admits_scope(account, region) {
                named
                    .entry((account.to_string(), region.to_string()))
                    .or_default()
                    .insert(&file.name);
            }
        }
    }
    named
        .into_iter()
        .filter(|((account, region), _)| {
            if region.is_empty() {
                !accounts_with_events.contains(account.as_str())
            } else {
                !with_events.contains(&(account.as_str(), region.as_str()))
            }
        })
        .map(|((account, region), names)| ScopeGap {
            account,
            region,
            seen_in_total: names.len() as u64,
            seen_in: names
                .into_iter()
                .take(SEEN_IN_KEPT)
                .map(str::to_string)
                .collect(),
        })
        .collect()
}

/// The account and region a path names: a 12-digit segment, then the first segment after it
/// that reads as a region (`<account-id>/<region>/` of the collector's layout,
/// `AWSLogs/<account-id>/Config/<region>/` of delivered files). Region empty when none does.
pub fn scope_of_path(path: &str) -> Option<(&str, &str)> {
    let segments: Vec<&str> = path.split(['/', '\\']).collect();
    let at = segments
        .iter()
        .position(|s| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))?;
    // The file name itself is never the region.
    let folders = &segments[at + 1..segments.len().saturating_sub(1).max(at + 1)];
    let region = folders.iter().find(|s| is_region(s)).copied().unwrap_or("");
    Some((segments[at], region))
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`: letters, dash-separated, ending
/// in a number.
fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return false;
    };
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && (1..=2).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_digit())
}

fn missing_exports(files: &[FileReport]) -> Vec<MissingExport> {
    let loaded: Vec<FileKind> = files
        .iter()
        .filter(|f| f.status != FileStatus::Error)
        .map(|f| f.kind)
        .collect();
    REQUIREMENTS
        .iter()
        .filter_map(|req| {
            let missing: Vec<MissingNeed> = req
                .needs
                .iter()
                .filter(|need| !need.any_of.iter().any(|k| loaded.contains(k)))
                .map(|need| MissingNeed {
                    what: need.what.to_string(),
                    any_of: need.any_of.to_vec(),
                })
                .collect();
            (!missing.is_empty()).then(|| MissingExport {
                check: req.check.to_string(),
                title: req.title.to_string(),
                missing,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Limits, Loader};
    use crate::report::settings::Filters;

    #[test]
    fn scopes_come_from_account_and_region_segments() {
        assert_eq!(
            scope_of_path("out/111122223333/eu-west-1/dynamodb/tables/t/describe-table.json"),
            Some(("111122223333", "eu-west-1"))
        );
        assert_eq!(
            scope_of_path(
                "AWSLogs/111122223333/Config/us-gov-west-1/2026/3/1/ConfigHistory/x.json.gz"
            ),
            Some(("111122223333", "us-gov-west-1"))
        );
        assert_eq!(
            scope_of_path("AWSLogs/111122223333/global/x.json"),
            Some(("111122223333", ""))
        );
        // A region-looking file name is not a folder.
        assert_eq!(
            scope_of_path("111122223333/eu-west-1"),
            Some(("111122223333", ""))
        );
        assert_eq!(scope_of_path("exports/describe-table.json"), None);
        assert!(!is_region("global") && !is_region("eu-west") && !is_region("EU-west-1"));
    }

    fn event(id: u32, time: &str, account: &str, region: &str) -> String {
        format!(
            r#"{{"eventVersion":"1.08","eventTime":"{time}","eventSource":"dynamodb.amazonaws.com",
            "eventName":"ListTables","awsRegion":"{region}","recipientAccountId":"{account}",
            "eventID":"00000000-0000-4000-8000-{id:012}"}}"#
        )
    }

    #[test]
    fn empty_hours_merge_into_ranges_and_scopes_without_trail_are_named() {
        let events = [
            event(1, "2026-03-01T00:10:00Z", "111122223333", "eu-west-1"),
            event(2, "2026-03-01T00:50:00Z", "111122223333", "eu-west-1"),
            event(3, "2026-03-01T03:00:00Z", "111122223333", "eu-west-1"),
            event(4, "2026-03-01T05:59:59Z", "111122223333", "eu-west-1"),
        ];
        let mut loader = Loader::new(Limits::default());
        loader.ingest("trail.json", format!("[{}]", events.join(",")).as_bytes());
        let table = br#"{"TableNames":["orders"]}"#;
        loader.ingest("x/111122223333/eu-west-1/dynamodb/list-tables.json", table);
        loader.ingest("x/111122223333/us-east-1/dynamodb/list-tables.json", table);
        loader.ingest("x/444455556666/us-east-1/dynamodb/list-tables.json", table);
        let filter = Filters::default().compile(loader.model());
        let gaps = compute(loader.model(), loader.reports(), &filter, &[]);
        assert_eq!(gaps.hours_in_span, 6);
        assert_eq!(gaps.hours_without_events, 3);
        let start = crate::time::parse_iso_ms("2026-03-01T01:00:00Z").unwrap();
        assert_eq!(
            gaps.hour_ranges_without_events,
            vec![
                HourRange {
                    start_ms: start,
                    end_ms: start + 2 * HOUR_MS,
                    hours: 2
                },
                HourRange {
                    start_ms: start + 3 * HOUR_MS,
                    end_ms: start + 4 * HOUR_MS,
                    hours: 1
                },
            ]
        );
        let scopes: Vec<(&str, &str)> = gaps
            .scopes_without_cloudtrail
            .iter()
            .map(|s| (s.account.as_str(), s.region.as_str()))
            .collect();
        assert_eq!(
            scopes,
            [("111122223333", "us-east-1"), ("444455556666", "us-east-1")]
        );
        // With events and a table list loaded, only what needs other exports is missing.
        let checks: Vec<&str> = gaps
            .insufficient_data
            .iter()
            .map(|m| m.check.as_str())
            .collect();
        assert!(
            !checks.contains(&"activity") && !checks.contains(&"tables"),
            "{checks:?}"
        );
        assert!(
            checks.contains(&"config") && checks.contains(&"streams"),
            "{checks:?}"
        );

        let only_eu = Filters {
            regions: vec!["eu-west-1".into()],
            ..Filters::default()
        }
        .compile(loader.model());
        let gaps = compute(loader.model(), loader.reports(), &only_eu, &[]);
        assert!(gaps.scopes_without_cloudtrail.is_empty());
    }

    #[test]
    fn nothing_loaded_means_every_check_lacks_data() {
        let gaps = compute(
            &Model::default(),
            &[],
            &Filters::default().compile(&Model::default()),
            &[],
        );
        assert_eq!(gaps.insufficient_data.len(), REQUIREMENTS.len());
        assert_eq!(gaps.hours_in_span, 0);
        assert!(REQUIREMENTS.iter().all(|r| requirement(r.check).is_some()));
    }
}
