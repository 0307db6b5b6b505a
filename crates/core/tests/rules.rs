//! The detection rules against their fixtures, through the real ingest path.
//!
//! Each registered rule has `tests/fixtures/rules/<rule-id>/` holding `fail.json` and
//! `pass.json` (CloudTrail `{"Records":[...]}` files) and `expect.json`, which lists every
//! finding each file must give (rule id, count, tables, principals and, where given,
//! resources). `fail.json` must make the rule fire; `pass.json` must not. Other rules may fire
//! only where `expect.json` says so (an export to another account is also an export).
//!
//! Also here: every rule doc has the four headings, `docs/rules.md` is current
//! (`UPDATE_RULES_DOC=1` rewrites it), every event name a rule reads exists in botocore's
//! models, and the generated sample yields findings, the same on every run.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use ddb_lens_core::analysis::tags::{RequiredKey, TagPolicy};
use ddb_lens_core::rules::{
    self, catalogue_markdown, run_all, run_all_with, Finding, RuleSettings, REQUIRED_HEADINGS,
    RULES,
};
use ddb_lens_core::{FileStatus, Limits, Loader};
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

fn load(path: &Path) -> Loader {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut loader = Loader::new(Limits::default());
    let name = path
        .strip_prefix(fixtures_dir())
        .unwrap_or(path)
        .display()
        .to_string();
    let report = loader.ingest(&name, &bytes);
    assert_eq!(report.status, FileStatus::Ok, "{name}: {report:?}");
    assert!(report.events_added > 0, "{name}: no events");
    loader
}

/// The comparable part of a finding, as `expect.json` writes it.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    rule_id: String,
    tables: Vec<String>,
    principals: Vec<String>,
    count: u64,
    resources: Option<Vec<String>>,
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected an array of strings, got {value}"))
        .iter()
        .map(|v| v.as_str().expect("a string").to_string())
        .collect()
}

fn expected(list: &Value) -> Vec<Expected> {
    let mut out: Vec<Expected> = list
        .as_array()
        .expect("an array of findings")
        .iter()
        .map(|f| Expected {
            rule_id: f["rule_id"].as_str().expect("rule_id").to_string(),
            tables: strings(&f["tables"]),
            principals: strings(&f["principals"]),
            count: f["count"].as_u64().expect("count"),
            resources: f.get("resources").map(strings),
        })
        .collect();
    out.sort();
    out
}

/// `found` in the shape of `expect`: resources compared only where `expect` gives them.
fn actual(found: &[Finding], expect: &[Expected]) -> Vec<Expected> {
    let mut out: Vec<Expected> = found
        .iter()
        .map(|f| {
            let wants_resources = expect
                .iter()
                .any(|e| e.rule_id == f.rule_id && e.tables == f.tables && e.resources.is_some());
            Expected {
                rule_id: f.rule_id.clone(),
                tables: f.tables.clone(),
                principals: f.principals.clone(),
                count: f.count,
                resources: wants_resources.then(|| f.resources.clone()),
            }
        })
        .collect();
    out.sort();
    out
}

/// Checks what every finding must be, whichever rule made it.
fn check_well_formed(loader: &Loader, findings: &[Finding]) {
    let model = loader.model();
    let records = loader.reports()[0].records as u32;
    for f in findings {
        assert!(!f.summary.is_empty() && f.summary.ends_with('.'), "{f:?}");
        assert!(f.first_seen_ms <= f.last_seen_ms, "{f:?}");
        assert_eq!(
            f.evidence.len() as u64,
            f.count.min(rules::MAX_EVIDENCE as u64)
        );
        assert!(f.evidence.windows(2).all(|w| w[0] <= w[1]), "{f:?}");
        assert_eq!(f.evidence.first().map(|e| e.time_ms), Some(f.first_seen_ms));
        for e in &f.evidence {
            assert!((e.file as usize) < model.files.len() && e.record_index < records);
        }
        for list in [&f.principals, &f.tables, &f.resources, &f.accounts] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "not sorted: {list:?}");
        }
        let rule = rules::registry::rule(&f.rule_id).expect("a registered rule");
        assert_eq!(
            (f.severity, f.title.as_str()),
            (rule.meta.severity, rule.meta.title)
        );
    }
}

#[test]
fn every_rule_has_its_fixtures_and_every_fixture_its_rule() {
    let ids: BTreeSet<&str> = RULES.iter().map(|r| r.meta.id).collect();
    assert_eq!(ids.len(), RULES.len(), "duplicate rule ids");
    let dirs: BTreeSet<String> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/rules")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for id in &ids {
        assert!(
            dirs.contains(*id),
            "rule {id} has no fixture folder tests/fixtures/rules/{id}/ (pass.json, fail.json, expect.json)"
        );
        for file in ["pass.json", "fail.json", "expect.json"] {
            let path = fixtures_dir().join(id).join(file);
            assert!(path.exists(), "{} is missing", path.display());
        }
    }
    for dir in &dirs {
        assert!(
            ids.contains(dir.as_str()),
            "fixture folder {dir} names no registered rule"
        );
    }
}

#[test]
fn fixtures_fire_exactly_as_expected() {
    let mut failures = Vec::new();
    for rule in RULES {
        let id = rule.meta.id;
        let dir = fixtures_dir().join(id);
        let expect: Value =
            serde_json::from_slice(&std::fs::read(dir.join("expect.json")).unwrap())
                .unwrap_or_else(|e| panic!("{id}/expect.json: {e}"));
        for which in ["fail", "pass"] {
            let loader = load(&dir.join(format!("{which}.json")));
            let findings = run_all(loader.model());
            check_well_formed(&loader, &findings);
            let want = expected(&expect[which]);
            let got = actual(&findings, &want);
            let fires = findings.iter().any(|f| f.rule_id == id);
            if which == "fail" && !fires {
                failures.push(format!("{id}/fail.json does not make {id} fire"));
            }
            if which == "pass" && fires {
                failures.push(format!("{id}/pass.json makes {id} fire"));
            }
            if got != want {
                failures.push(format!(
                    "{id}/{which}.json:\n  expected {want:?}\n  found    {got:?}\n  summaries: {:#?}",
                    findings.iter().map(|f| &f.summary).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rule_metadata_and_docs_are_complete() {
    for rule in RULES {
        let m = &rule.meta;
        let id = m.id;
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{id}: ids are lowercase words joined by hyphens"
        );
        assert!(
            !m.title.is_empty() && !m.title.ends_with('.'),
            "{id}: title"
        );
        assert!(!m.remediation.is_empty(), "{id}: remediation");
        assert!(!m.references.is_empty(), "{id}: references");
        for reference in m.references {
            assert!(reference.starts_with("https://"), "{id}: {reference}");
        }
        assert!(!m.select.sources.is_empty(), "{id}: reads no event source");
        // The headings, in order, each once, References last.
        let headings: Vec<&str> = m.doc.lines().filter(|l| l.starts_with("## ")).collect();
        let mut at = 0;
        for required in REQUIRED_HEADINGS {
            match headings[at..].iter().position(|h| *h == required) {
                Some(offset) => at += offset + 1,
                None => panic!("{id}: the doc lacks `{required}` (or has it out of order)"),
            }
        }
        assert_eq!(
            headings.last(),
            Some(&"## References"),
            "{id}: References last"
        );
        for heading in &headings {
            assert!(
                REQUIRED_HEADINGS.contains(heading) || *heading == "## Known problems",
                "{id}: unexpected heading {heading}"
            );
        }
        let example = m.doc.split("## Example").nth(1).unwrap_or_default();
        assert!(example.contains("```"), "{id}: the example has no code");
    }
}

#[test]
fn catalogue_page_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let generated = catalogue_markdown();
    if std::env::var_os("UPDATE_RULES_DOC").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/rules.md is stale: it is generated from the rule files. Run\n    \
         UPDATE_RULES_DOC=1 cargo test -p ddb-lens-core --test rules catalogue\n\
         and commit docs/rules.md."
    );
    for rule in RULES {
        assert!(generated.contains(&format!("## `{}`", rule.meta.id)));
    }
}

const BOTOCORE: &str = "shared/corpus/pypi_botocore-1.44.8/data";

/// The operation names of a botocore service model, whatever its API version folder. The
/// corpus is looked for beside the repo or any folder above it (worktrees sit deeper).
fn model_operations(service: &str) -> BTreeSet<String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = manifest
        .ancestors()
        .map(|dir| dir.join(BOTOCORE))
        .find(|dir| dir.exists())
        .unwrap_or_else(|| {
            panic!(
                "{BOTOCORE} not found above {}: these tests need /work/shared",
                manifest.display()
            )
        });
    let dir = base.join(service);
    let version = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (these tests need /work/shared)", dir.display()))
        .map(|e| e.unwrap().path())
        .max()
        .expect("an API version folder");
    let file = std::fs::File::open(version.join("service-2.json.gz")).unwrap();
    let mut json = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut json)
        .unwrap();
    let model: Value = serde_json::from_str(&json).unwrap();
    model["operations"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn every_event_name_a_rule_reads_is_an_api_operation() {
    let services = [
        ("dynamodb.amazonaws.com", "dynamodb"),
        ("streams.dynamodb.amazonaws.com", "dynamodbstreams"),
        ("kms.amazonaws.com", "kms"),
        ("cloudtrail.amazonaws.com", "cloudtrail"),
        ("config.amazonaws.com", "config"),
        ("backup.amazonaws.com", "backup"),
        ("tagging.amazonaws.com", "resourcegroupstaggingapi"),
    ];
    for rule in RULES {
        let select = &rule.meta.select;
        let known: BTreeSet<String> = select
            .sources
            .iter()
            .flat_map(|source| {
                let service = services
                    .iter()
                    .find(|(s, _)| s == source)
                    .unwrap_or_else(|| panic!("{}: no model for {source}", rule.meta.id))
                    .1;
                model_operations(service)
            })
            .collect();
        for name in select.names {
            assert!(
                known.contains(*name),
                "{}: {name} is not an operation of {:?}",
                rule.meta.id,
                select.sources
            );
        }
    }
}

#[test]
fn settings_change_what_fires() {
    let dir = fixtures_dir();
    // The tag rule's pass file removes CostCenter and `security` (lowercase).
    let loader = load(&dir.join("ddb-required-tag-removed/pass.json"));
    let settings = RuleSettings {
        required_tags: TagPolicy {
            keys: vec![RequiredKey::new("CostCenter")],
        },
        ..RuleSettings::default()
    };
    let findings = run_all_with(loader.model(), &settings);
    assert!(findings
        .iter()
        .any(|f| f.rule_id == "ddb-required-tag-removed" && f.tables == ["Orders"]));

    // A policy that ignores case counts `security` as its Security.
    let mut security = RequiredKey::new("Security");
    security.case_sensitive = false;
    let settings = RuleSettings {
        required_tags: TagPolicy {
            keys: vec![security],
        },
        ..RuleSettings::default()
    };
    assert!(run_all_with(loader.model(), &settings)
        .iter()
        .any(|f| f.rule_id == "ddb-required-tag-removed" && f.summary.contains("security")));

    // Nine denials in ten minutes: a burst at a threshold of nine within the default window.
    let loader = load(&dir.join("ddb-access-denied-burst/pass.json"));
    let settings = RuleSettings {
        denied_burst_count: 9,
        denied_burst_window_ms: 10 * 60 * 1000,
        ..RuleSettings::default()
    };
    let burst: Vec<Finding> = run_all_with(loader.model(), &settings)
        .into_iter()
        .filter(|f| f.rule_id == "ddb-access-denied-burst")
        .collect();
    assert_eq!(burst.len(), 1);
    assert_eq!(burst[0].count, 9);

    // A baseline as long as the logs leaves nothing to call new.
    let loader = load(&dir.join("ddb-first-scan-by-principal/fail.json"));
    let settings = RuleSettings {
        baseline_ms: 3 * 24 * 3600 * 1000,
        ..RuleSettings::default()
    };
    assert!(run_all_with(loader.model(), &settings).is_empty());
}

#[test]
fn the_sample_gives_findings_the_same_every_time() {
    let load_sample = || {
        let mut loader = Loader::new(Limits::default());
        for (name, bytes) in ddb_lens_gen::sample_files() {
            loader.ingest(&name, &bytes);
        }
        loader
    };
    let loader = load_sample();
    let findings = run_all(loader.model());
    let ids: BTreeSet<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert!(
        findings.len() >= 5 && ids.len() >= 4,
        "the sample gives too little: {ids:?}"
    );
    assert_eq!(
        findings,
        run_all(loader.model()),
        "run_all is not deterministic"
    );
    assert_eq!(
        findings,
        run_all(load_sample().model()),
        "another load of the same files gives other findings"
    );
    check_sorted(&findings);
}

fn check_sorted(findings: &[Finding]) {
    for pair in findings.windows(2) {
        let key = |f: &Finding| (f.severity, f.rule_id.clone(), f.first_seen_ms);
        assert!(key(&pair[0]) <= key(&pair[1]), "{pair:?}");
    }
}

/// A minimal CloudTrail record for tests built in code.
fn record(i: usize, time: &str, account: &str, name: &str, error: &str, params: &str) -> String {
    let error = if error.is_empty() {
        String::new()
    } else {
        format!(r#""errorCode":"{error}","errorMessage":"denied","#)
    };
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::{account}:user/ops","accountId":"{account}"}},"eventTime":"{time}","eventSource":"dynamodb.amazonaws.com","eventName":"{name}","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.30",{error}"requestParameters":{params},"responseElements":null,"eventID":"00000000-0000-4000-8000-{i:012}","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"{account}"}}"#
    )
}

fn load_records(records: &[String]) -> Loader {
    let mut loader = Loader::new(Limits::default());
    let text = format!(r#"{{"Records":[{}]}}"#, records.join(","));
    let report = loader.ingest("inline.json", text.as_bytes());
    assert_eq!(report.status, FileStatus::Ok, "{report:?}");
    loader
}

#[test]
fn same_named_tables_in_two_accounts_are_two_findings() {
    let params = r#"{"tableName":"Orders"}"#;
    let loader = load_records(&[
        record(
            1,
            "2026-03-02T10:00:00Z",
            "111122223333",
            "DeleteTable",
            "",
            params,
        ),
        record(
            2,
            "2026-03-02T10:01:00Z",
            "444455556666",
            "DeleteTable",
            "",
            params,
        ),
    ]);
    let findings = run_all(loader.model());
    let accounts: Vec<&[String]> = findings.iter().map(|f| f.accounts.as_slice()).collect();
    assert_eq!(
        accounts,
        [["111122223333".to_string()], ["444455556666".to_string()]]
    );
    assert!(findings.iter().all(|f| f.tables == ["Orders"]));
}

#[test]
fn evidence_is_capped_and_the_count_kept() {
    // 1,200 denied GetItems, one a second: one burst finding over all of them.
    let records: Vec<String> = (0..1200)
        .map(|i| {
            let time = format!("2026-03-02T10:{:02}:{:02}Z", i / 60, i % 60);
            record(
                i,
                &time,
                "111122223333",
                "GetItem",
                "AccessDeniedException",
                r#"{"tableName":"Orders"}"#,
            )
        })
        .collect();
    let loader = load_records(&records);
    let findings = run_all(loader.model());
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!(
        (f.rule_id.as_str(), f.count, f.evidence.len()),
        ("ddb-access-denied-burst", 1200, rules::MAX_EVIDENCE)
    );
    assert_eq!(f.evidence[0].record_index, 0);
    check_well_formed(&loader, &findings);
}
