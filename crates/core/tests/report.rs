//! The report over our fixtures: golden files for its three exports, determinism, and hostile
//! strings in every field ending up inert in the HTML and the CSV.
//!
//! `UPDATE_GOLDEN=1 cargo test -p ddb-lens-core --test report` rewrites the golden files; look
//! at the diff before committing it.

use std::path::{Path, PathBuf};

use ddb_lens_core::report::{self, csv, html, Filters, Report, ReportSettings};
use ddb_lens_core::{Limits, Loader};
use html5gum::{DefaultEmitter, Token, Tokenizer};

/// The golden report's fixture files (listed in tests/golden/FIXTURES), named as the CLI names
/// them when run from crates/core/tests: "fixtures/<path>".
fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    std::fs::read_to_string(tests.join("golden/FIXTURES"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|name| (name.to_string(), std::fs::read(tests.join(name)).unwrap()))
        .collect()
}

/// Every fixture file under tests/fixtures, for the hostile-string tests (each folder's entries
/// in name order).
fn all_fixture_files() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, name: &str, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let child = format!("{name}/{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &child, out);
            } else {
                out.push((child, std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    walk(&root, "fixtures", &mut out);
    out
}

/// Loads `files` in the order given, hashing each as the CLI does, and builds the report.
fn make(files: &[(String, Vec<u8>)], settings: &ReportSettings) -> Report {
    let mut loader = Loader::new(Limits::default());
    for (i, (name, bytes)) in files.iter().enumerate() {
        loader.ingest(name, bytes);
        assert!(loader.set_sha256(i, report::sha256_hex(bytes)));
    }
    report::build(loader.model(), loader.reports(), settings)
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compares `actual` with the golden file, or rewrites it under UPDATE_GOLDEN=1.
fn golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to write it)",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output at line {} (UPDATE_GOLDEN=1 rewrites it):\nexpected: {:?}\nactual:   {:?}",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

#[test]
fn fixtures_report_matches_the_golden_files() {
    let report = make(&fixture_files(), &ReportSettings::default());
    golden("report.json", &report::to_json(&report));
    golden("report.html", &html::render(&report));
    for (name, text) in csv::write_all(&report) {
        golden(&format!("csv/{name}"), &text);
    }
    // What the goldens should hold, said once in code so a wrong golden cannot be blessed.
    assert_eq!(report.inputs.totals.files, 43);
    assert_eq!(report.overview.events, 34);
    // The rules' findings, each event named by its file, and every rule in the catalogue.
    let fired: Vec<(&str, &[String])> = report
        .findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.tables.as_slice()))
        .collect();
    assert_eq!(
        fired,
        [
            ("ddb-pitr-disabled", &["customers".to_string()][..]),
            ("ddb-root-user-activity", &["sessions-prod".to_string()][..]),
            ("ddb-stream-disabled", &["orders".to_string()][..]),
            // The posture estate's trail turns audit's stream off.
            ("ddb-stream-disabled", &["audit".to_string()][..]),
            (
                "ddb-table-restored",
                &["orders".into(), "orders-restored".into()][..]
            ),
            ("ddb-required-tag-removed", &["Orders".to_string()][..]),
            ("ddb-required-tag-removed", &["Payments".to_string()][..]),
        ]
    );
    let pitr = &report.findings[0];
    assert_eq!(pitr.evidence.len(), 1);
    assert_eq!(
        pitr.evidence[0].file,
        "fixtures/cloudtrail/lookup-events.json"
    );
    assert_eq!(report.rules.len(), ddb_lens_core::rules::RULES.len());
    assert_eq!(
        report.rules.iter().map(|r| r.findings).sum::<u64>(),
        report.findings.len() as u64
    );
    // The inventory, and the tags: coverage over the tables whose tags an export gave, the
    // history from the UntagResource calls.
    assert_eq!(report.tables.len(), 18);
    assert_eq!(report.tags.coverage.tables, 6);
    let history: Vec<&str> = report
        .tags
        .history
        .iter()
        .map(|h| h.sentence.as_str())
        .collect();
    assert_eq!(history.len(), 2, "{history:?}");
    // The posture estate reaches the posture sections: AWS Config's stale PITR verdict on
    // `sessions` disagrees with the newer describe-continuous-backups, whose stream's only
    // trigger is disabled; `ledger`'s Config history has its changes; describe-table's KMS
    // key beats the logs' guess for `audit`.
    let c = &report.compliance;
    let disagreements: Vec<(&str, &str)> = c
        .disagreements
        .iter()
        .map(|d| (d.table.name.as_str(), d.check_id.as_str()))
        .collect();
    assert_eq!(disagreements, [("sessions", "dynamodb-pitr-enabled")]);
    assert_eq!(c.checks.len(), c.summaries.len());
    assert!(c
        .checks
        .iter()
        .all(|k| !k.rationale.is_empty() && !k.remediation.is_empty()));
    let without: Vec<&str> = report
        .streams
        .without_consumer
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(without, ["sessions"]);
    assert!(report
        .config
        .tables
        .iter()
        .any(|t| t.table.name == "ledger" && t.change_count > 0));
    let audit = report
        .kms
        .usage
        .tables
        .iter()
        .find(|t| t.table == "audit")
        .unwrap();
    assert_eq!(
        audit.kind,
        ddb_lens_core::analysis::kms::KeyKind::AwsManaged
    );
    // The KMS aliases of an account with no CloudTrail loaded: a gap, stated.
    let scopes = &report.gaps.scopes_without_cloudtrail;
    assert_eq!(
        (scopes[0].account.as_str(), scopes[0].region.as_str()),
        ("444455556666", "ap-southeast-2")
    );
    assert!(report.inputs.files.iter().all(|f| f.sha256.is_some()));
    assert_eq!(
        report.report_time.source,
        report::ReportTimeSource::NewestEvidence
    );
    assert!(report::verify_fingerprint(&report));
}

#[test]
fn same_inputs_same_bytes_whatever_the_file_order() {
    let files = fixture_files();
    let settings = ReportSettings::default();
    let first = make(&files, &settings);
    let again = make(&files, &settings);
    assert_eq!(report::to_json(&first), report::to_json(&again));
    assert_eq!(html::render(&first), html::render(&again));
    assert_eq!(csv::write_all(&first), csv::write_all(&again));

    // The fixtures share no eventID across files, so the model's content does not depend on
    // load order, and the manifest is sorted by name: reversed order gives the same bytes.
    let mut reversed = files.clone();
    reversed.reverse();
    let other = make(&reversed, &settings);
    assert_eq!(report::to_json(&first), report::to_json(&other));
    assert_eq!(html::render(&first), html::render(&other));
}

#[test]
fn settings_that_mean_the_same_give_the_same_report() {
    let files = fixture_files();
    let filters = |accounts: &[&str]| ReportSettings {
        filters: Filters {
            accounts: accounts.iter().map(|a| a.to_string()).collect(),
            ..Filters::default()
        },
        ..ReportSettings::default()
    };
    let a = make(&files, &filters(&["111122223333", "444455556666"]));
    let b = make(
        &files,
        &filters(&["444455556666", "111122223333", "111122223333"]),
    );
    assert_eq!(report::to_json(&a), report::to_json(&b));
}

#[test]
fn report_time_is_a_setting_else_the_newest_evidence() {
    let files = fixture_files();
    let newest = make(&files, &ReportSettings::default());
    // The newest fixture event: lookup-events' 2026-03-04T17:41:02Z is older than tables.json's.
    let newest_ms = newest.report_time.time_ms.unwrap();
    assert_eq!(
        ddb_lens_core::time::format_iso_ms(newest_ms),
        newest.overview.time_last.clone().unwrap()
    );
    let set = ddb_lens_core::time::parse_iso_ms("2026-04-01T00:00:00Z").unwrap();
    let fixed = make(
        &files,
        &ReportSettings {
            report_time_ms: Some(set),
            ..ReportSettings::default()
        },
    );
    assert_eq!(fixed.report_time.time_ms, Some(set));
    assert_eq!(fixed.report_time.source, report::ReportTimeSource::Setting);
    assert_ne!(fixed.fingerprint_sha256, newest.fingerprint_sha256);
}

#[test]
fn filters_narrow_the_overview_and_gaps() {
    let files = fixture_files();
    let all = make(&files, &ReportSettings::default());
    let eu = make(
        &files,
        &ReportSettings {
            filters: Filters {
                regions: vec!["eu-west-1".into()],
                ..Filters::default()
            },
            ..ReportSettings::default()
        },
    );
    assert!(eu.overview.events < all.overview.events);
    assert!(eu.overview.regions.iter().all(|r| r.name == "eu-west-1"));
    // The manifest still lists every file: filters choose events, not evidence.
    assert_eq!(eu.inputs.files.len(), all.inputs.files.len());
    // Findings, tables and tags keep to the region (or do not say one).
    assert!(eu.findings.len() < all.findings.len());
    assert!(eu
        .findings
        .iter()
        .all(|f| f.regions.is_empty() || f.regions.iter().any(|r| r == "eu-west-1")));
    assert!(eu.tables.len() < all.tables.len());
    assert!(eu
        .tables
        .iter()
        .all(|t| t.region.is_empty() || t.region == "eu-west-1"));
    assert!(eu
        .tags
        .coverage
        .rows
        .iter()
        .all(|r| r.region == "eu-west-1"));
    // The catalogue is the same: every rule ran; fewer findings are listed.
    assert_eq!(eu.rules.len(), all.rules.len());
    assert_eq!(
        eu.rules.iter().map(|r| r.findings).sum::<u64>(),
        eu.findings.len() as u64
    );
}

#[test]
fn one_tag_policy_for_the_tags_section_and_the_rule() {
    // A policy that does not require Confidentiality: removing it from Orders is no finding,
    // and the coverage measures the policy's keys only.
    let files = fixture_files();
    let mut settings = ReportSettings::default();
    settings
        .tag_policy
        .keys
        .retain(|k| k.key != "Confidentiality");
    let report = make(&files, &settings);
    let removed: Vec<&[String]> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == "ddb-required-tag-removed")
        .map(|f| f.tables.as_slice())
        .collect();
    assert_eq!(removed, [&["Payments".to_string()][..]]);
    assert_eq!(report.tags.coverage.keys.len(), 2);
    assert!(report
        .tags
        .history
        .iter()
        .all(|h| h.key != "Confidentiality"));
}

#[test]
fn rule_parameters_reach_the_rules() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let name = "fixtures/rules/ddb-access-denied-burst/fail.json";
    let files = vec![(name.to_string(), std::fs::read(tests.join(name)).unwrap())];
    let bursts = |count: u32| {
        let mut settings = ReportSettings::default();
        settings.rules.denied_burst_count = count;
        make(&files, &settings)
            .findings
            .iter()
            .filter(|f| f.rule_id == "ddb-access-denied-burst")
            .count()
    };
    assert!(bursts(10) > 0);
    assert_eq!(bursts(10_000), 0);
}

#[test]
fn a_table_described_in_an_account_without_cloudtrail_is_a_gap() {
    // A describe-table saved under no account folder still names its account by its ARN.
    let describe = br#"{"Table":{"TableName":"ledger","TableStatus":"ACTIVE",
        "TableArn":"arn:aws:dynamodb:eu-north-1:999988887777:table/ledger"}}"#;
    let files = vec![
        fixture_files().remove(1),
        ("saved/ledger.json".to_string(), describe.to_vec()),
    ];
    let report = make(&files, &ReportSettings::default());
    let gap = report
        .gaps
        .scopes_without_cloudtrail
        .iter()
        .find(|g| g.account == "999988887777")
        .expect("the ledger's account is a gap");
    assert_eq!(gap.region, "eu-north-1");
    assert_eq!(gap.seen_in, ["saved/ledger.json"]);
    let ledger = report.tables.iter().find(|t| t.name == "ledger").unwrap();
    assert_eq!(ledger.sources.len(), 1);
}

#[test]
fn empty_posture_sections_say_which_exports_they_need() {
    let page = html::render(&make(&[], &ReportSettings::default()));
    let section = |id: &str| {
        let start = page.find(&format!("<section id=\"{id}\"")).unwrap();
        let end = start + page[start..].find("</section>").unwrap();
        page[start..end].to_string()
    };
    for (id, needs) in [
        ("kms", "CloudTrail events"),
        ("streams", "DynamoDB describe-table"),
        ("config", "AWS Config configuration history"),
        ("compliance", "AWS Config compliance"),
    ] {
        let text = section(id);
        assert!(
            text.contains("No data loaded for this section: needs ") && text.contains(needs),
            "{id}: {text}"
        );
        assert!(!text.contains("<table"), "{id}");
    }
}

#[test]
fn json_round_trips() {
    let report = make(&fixture_files(), &ReportSettings::default());
    let back = report::from_json(&report::to_json(&report)).unwrap();
    assert_eq!(back, report);
    assert_eq!(report::to_json(&back), report::to_json(&report));
}

// ---- Hostile strings -------------------------------------------------------------------------

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "</style><script>alert(2)</script>",
    "]]><script>alert(3)</script>",
    "{{constructor.constructor('alert(4)')()}}",
    "evil\u{202E}gnp.exe",
    "nul\u{0}byte",
    "'><svg onload=alert(5)>",
    "=HYPERLINK(\"https://evil.example/\",\"x\")",
    "+SUM(1)",
    "-2+3",
    "@SUM(1)",
    "\tcmd",
    "\rcmd",
    "<!--",
    "`${alert(6)}`",
];

/// Replaces every string in `value` by a payload; keys named in `keep` stay as they are.
fn poison(value: &mut serde_json::Value, keep: &[&str], next: &mut usize) {
    match value {
        serde_json::Value::String(s) => {
            *s = PAYLOADS[*next % PAYLOADS.len()].to_string();
            *next += 1;
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| poison(v, keep, next)),
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if !keep.contains(&key.as_str()) {
                    poison(v, keep, next);
                }
            }
        }
        _ => {}
    }
}

/// The fixtures with every string field replaced by payloads, under hostile file names: once
/// keeping event times and ids (so events load and their strings reach the overview), once
/// with everything replaced (so records are skipped and messages quote what they saw).
fn hostile_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut next = 0;
    for (i, (name, bytes)) in all_fixture_files().into_iter().enumerate() {
        let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        let payload = PAYLOADS[i % PAYLOADS.len()];
        let mut kept = value.clone();
        poison(
            &mut kept,
            &["eventTime", "eventID", "EventTime", "EventId"],
            &mut next,
        );
        out.push((
            format!("{name}/111122223333/eu-west-1/{payload}.json"),
            serde_json::to_vec(&kept).unwrap(),
        ));
        poison(&mut value, &[], &mut next);
        out.push((
            format!("{payload}/{name}"),
            serde_json::to_vec(&value).unwrap(),
        ));
    }
    // A file that is not JSON at all, named by a payload.
    out.push((PAYLOADS[1].to_string(), PAYLOADS[0].as_bytes().to_vec()));
    out
}

fn hostile_settings() -> ReportSettings {
    let mut settings = ReportSettings::default();
    settings.tag_policy.keys[0].key = PAYLOADS[0].to_string();
    settings.tag_policy.keys[1].allowed_values = PAYLOADS.iter().map(|p| p.to_string()).collect();
    settings.compliance.kms_key_arns = PAYLOADS.iter().map(|p| p.to_string()).collect();
    settings.compliance.stream_consumer_required = PAYLOADS.iter().map(|p| p.to_string()).collect();
    settings.tag_policy.keys[2].key = PAYLOADS[1].to_string();
    settings
}

/// The tags and attributes this report's markup may hold.
const TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "code",
    "nav", "ol", "ul", "li", "a", "main", "section", "div", "input", "table", "caption", "thead",
    "tbody", "tr", "th", "td", "strong", "br", "dl", "dt", "dd", "footer", "script", "svg", "rect",
    "text", "line", "polyline", "path", "g", "details", "summary", "h4", "pre", "sup", "span",
    "small",
];

/// Reads `html` as a browser's tokenizer does and checks that nothing in it can run or load:
/// one script and one style (ours), only our tags, no event-handler attributes, no `src`,
/// `href` only to anchors in the page, and no `url(` or `@import` in the style.
fn assert_inert(html: &str) {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let (mut scripts, mut styles) = (0, 0);
    let mut in_element = String::new();
    for token in Tokenizer::new_with_emitter(html, emitter) {
        match token.unwrap() {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_string();
                assert!(TAGS.contains(&name.as_str()), "unexpected <{name}>");
                scripts += usize::from(name == "script");
                styles += usize::from(name == "style");
                for (attr, value) in &tag.attributes {
                    let attr = String::from_utf8_lossy(attr).to_ascii_lowercase();
                    let value = String::from_utf8_lossy(value).to_string();
                    assert!(!attr.starts_with("on"), "<{name} {attr}={value:?}>");
                    assert_ne!(attr, "src", "<{name} src={value:?}>");
                    assert_ne!(attr, "style", "<{name} style={value:?}>");
                    if attr == "href" {
                        assert!(value.starts_with('#'), "<{name} href={value:?}>");
                    }
                    // Attributes a browser treats as URLs: none may hold data's "javascript:".
                    if [
                        "href",
                        "src",
                        "action",
                        "formaction",
                        "xlink:href",
                        "data",
                        "poster",
                    ]
                    .contains(&attr.as_str())
                    {
                        assert!(!value.contains("javascript:"), "<{name} {attr}={value:?}>");
                    }
                }
                in_element = name;
            }
            Token::String(text) => {
                let text = String::from_utf8_lossy(&text);
                if in_element == "style" {
                    assert!(!text.contains("url(") && !text.contains("@import"));
                    assert_eq!(text, html::STYLE);
                }
                if in_element == "script" {
                    assert_eq!(text, html::SCRIPT);
                }
            }
            Token::EndTag(_) => in_element.clear(),
            Token::Comment(comment) => panic!("comment in the report: {comment:?}"),
            _ => {}
        }
    }
    assert_eq!((scripts, styles), (1, 1));
    // The same on the raw text, for what a tokenizer would forgive.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains("onerror="));
    assert!(!html.contains("onload="));
    assert!(!html.contains("<img"));
    assert!(!html.contains("src="));
    assert!(!html.contains('\0'));
    assert!(!html.contains('\u{202E}'));
    for (at, _) in html.match_indices("href=") {
        assert!(html[at..].starts_with("href=\"#"), "{}", &html[at..at + 40]);
    }
}

#[test]
fn hostile_strings_are_inert_in_the_html() {
    let report = make(&hostile_files(), &hostile_settings());
    // The payloads did reach the report: events loaded and their strings are in the overview.
    assert!(report.overview.events > 0);
    assert!(report
        .overview
        .regions
        .iter()
        .any(|r| PAYLOADS.contains(&r.name.as_str())));
    let page = html::render(&report);
    assert_inert(&page);
    // ...and they show, escaped, where a reader can see them.
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&quot;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;"));
    assert!(page.contains("evil[U+202E]gnp.exe"));
    assert!(page.contains("nul[U+0000]byte"));
    // The golden report passes the same checks.
    assert_inert(&html::render(&make(
        &fixture_files(),
        &ReportSettings::default(),
    )));
}

#[test]
fn hostile_table_names_in_the_model_never_become_markup() {
    let event = |table: &str| {
        serde_json::json!({
            "eventVersion": "1.08", "eventTime": "2026-03-01T00:00:00Z",
            "eventSource": "dynamodb.amazonaws.com", "eventName": "DeleteTable",
            "awsRegion": "eu-west-1", "recipientAccountId": "111122223333",
            "eventID": format!("00000000-0000-4000-8000-{:012}", table.len()),
            "requestParameters": { "tableName": table },
            "userIdentity": { "type": "IAMUser", "arn": table },
        })
    };
    let records: Vec<_> = PAYLOADS.iter().map(|p| event(p)).collect();
    let bytes = serde_json::to_vec(&serde_json::json!({ "Records": records })).unwrap();
    let mut loader = Loader::new(Limits::default());
    loader.ingest("trail.json", &bytes);
    let model = loader.model();
    assert!(model
        .events_unsorted
        .iter()
        .any(|e| model.tables(e).any(|t| t == PAYLOADS[1])));
    let made = report::build(model, loader.reports(), &ReportSettings::default());
    // The payloads reach the findings (as tables and principals) and the inventory.
    assert!(made
        .findings
        .iter()
        .any(|f| f.tables.iter().any(|t| t == PAYLOADS[1])
            && f.principals.iter().any(|p| p == PAYLOADS[1])));
    assert!(made.tables.iter().any(|t| t.name == PAYLOADS[0]));
    let page = html::render(&made);
    assert!(page.contains("<code>&quot;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;</code>"));
    assert!(!page.contains("<script>alert"));
    assert!(!page.contains("onerror="));
    assert_inert(&page);
}

/// RFC 4180 fields of a CSV text (quoted fields may hold commas, quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => {
                assert!(c != '\r' && c != '\n', "bare line break outside quotes");
                field.push(c);
            }
        }
    }
    assert!(field.is_empty() && row.is_empty(), "CSV must end with CRLF");
    rows
}

#[test]
fn hostile_strings_are_neutralised_in_the_csv() {
    let report = make(&hostile_files(), &hostile_settings());
    for (name, text) in csv::write_all(&report) {
        let rows = parse_csv(&text);
        let width = rows[0].len();
        for row in &rows {
            assert_eq!(row.len(), width, "{name}: {row:?}");
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{name}: formula cell {cell:?}"
                );
            }
        }
        if name == "inputs.csv" {
            // Every file is listed, hostile names intact behind the neutralising quote.
            assert_eq!(rows.len(), report.inputs.files.len() + 1);
            let names: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
            assert!(names.contains(&PAYLOADS[1]));
            assert!(names.iter().any(|n| n.starts_with("'=HYPERLINK(")));
        }
    }
}

#[test]
fn the_html_fetches_nothing() {
    let page = html::render(&make(&fixture_files(), &ReportSettings::default()));
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\""));
    for needle in [
        "src=",
        "@import",
        "url(",
        "href=\"http",
        "href=\"//",
        "<link",
        "<iframe",
        "<object",
        "<embed",
    ] {
        assert!(!page.contains(needle), "{needle}");
    }
    // URLs inside a tag: only the SVG namespace, an identifier that is never fetched. The
    // rules' and checks' references and the KMS note's source are text for a reader to copy
    // (not links: nothing in the report leaves it).
    let in_tags: Vec<&str> = page
        .match_indices("://")
        .filter(|(at, _)| page[..*at].rfind('<') > page[..*at].rfind('>'))
        .map(|(at, _)| &page[at.saturating_sub(4)..at + 22])
        .collect();
    assert!(!in_tags.is_empty());
    assert!(
        in_tags.iter().all(|u| *u == "http://www.w3.org/2000/svg"),
        "{in_tags:?}"
    );
}

// ---- The built-in sample ---------------------------------------------------------------------

/// The page's built-in sample fills the four posture sections, every chart passes the SVG
/// check, and the HTML is inert. `SAMPLE_REPORT_HTML=/tmp/x.html` also writes the page, to look
/// at it in a browser.
#[test]
fn sample_report_fills_the_posture_sections() {
    let report = make(&ddb_lens_gen::sample_files(), &ReportSettings::default());
    let (kms, streams, config, compliance) = (
        &report.kms,
        &report.streams,
        &report.config,
        &report.compliance,
    );
    assert!(kms.usage.events > 0 && !kms.usage.keys.is_empty());
    assert!(!kms.visibility.tables.is_empty());
    assert!(streams.totals.triggers > 0);
    assert!(config.change_count > 0 && !config.buckets.is_empty());
    assert!(!compliance.rows.is_empty() && !compliance.imported_rules.is_empty());
    // Every lifecycle and trail-change reference resolves to a loaded file.
    let names: Vec<&str> = report
        .inputs
        .files
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    for event in kms
        .usage
        .lifecycle
        .iter()
        .map(|e| &e.evidence)
        .chain(kms.visibility.trail_changes.iter().map(|c| &c.evidence))
    {
        assert!(names.contains(&kms.file(event)), "{event:?}");
    }
    let page = html::render(&report);
    assert!(
        !page.contains("Chart left out"),
        "a chart failed the SVG check"
    );
    for chart in ["svg.timeline", "config-changes", "compliance-chart"] {
        let class = chart.trim_start_matches("svg.");
        assert!(page.contains(&format!("class=\"{class}\"")), "{chart}");
    }
    assert!(page.contains("class=\"verdict verdict-pass\""));
    assert_inert(&page);
    if let Some(path) = std::env::var_os("SAMPLE_REPORT_HTML") {
        std::fs::write(path, &page).unwrap();
    }
}

/// The page's worker posts `build_compact_json`; what the page reads back must be the CLI's
/// report exactly, fingerprint included, or the page's exports would differ from the CLI's.
#[test]
fn the_compact_json_the_page_reads_is_the_cli_report() {
    let files = fixture_files();
    let settings = ReportSettings::default();
    let mut loader = Loader::new(Limits::default());
    for (i, (name, bytes)) in files.iter().enumerate() {
        loader.ingest(name, bytes);
        assert!(loader.set_sha256(i, report::sha256_hex(bytes)));
    }
    let built = report::build(loader.model(), loader.reports(), &settings);
    let compact = report::build_compact_json(loader.model(), loader.reports(), &settings);
    assert!(!compact.contains('\n'), "compact JSON has no line breaks");
    assert!(compact.len() < report::to_json(&built).len());
    let back = report::from_json(&compact).unwrap();
    assert!(report::verify_fingerprint(&back));
    assert_eq!(back, built);
    assert_eq!(report::to_json(&back), report::to_json(&built));
}

/// The estate the page's worker warms its code up on when the page opens: it must load cleanly,
/// reach the analyses (tables, findings, KMS, compliance) and read back, or the warm-up would
/// warm little, or worse, stop the worker before the user's first load.
#[test]
fn the_warm_up_estate_loads_cleanly_and_reaches_every_section() {
    use ddb_lens_gen::{warm_up_config, Generator, Scratch};
    let generator = Generator::new(&warm_up_config());
    let mut scratch = Scratch::default();
    let mut loader = Loader::new(Limits::default());
    for index in 0..generator.file_count() {
        let file = generator.render_into(index, &mut scratch);
        let report = loader.ingest(&file.path, &file.bytes);
        assert_eq!(
            report.status,
            ddb_lens_core::FileStatus::Ok,
            "{}: {:?}",
            file.path,
            report.message
        );
    }
    assert_eq!(loader.model().events_unsorted.len(), 2_000);
    let json =
        report::build_compact_json(loader.model(), loader.reports(), &ReportSettings::default());
    let made = report::from_json(&json).unwrap();
    assert!(report::verify_fingerprint(&made));
    assert_eq!(made.tables.len(), 16);
    assert!(
        !made.findings.is_empty(),
        "the rules have something to find"
    );
    assert!(
        made.kms.usage.events > 0,
        "KMS events are attributed to tables"
    );
    assert!(!made.compliance.rows.is_empty());
    assert!(made.config.item_count > 0);
}
