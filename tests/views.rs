//! The four posture views (KMS, Streams, Config history, Compliance) in Chromium, each mounted
//! with its section built by the core's analyses from the posture estate fixture and the KMS
//! fixture: key figures show, and hostile strings from an export stay text.
//!
//! Run: `cargo test -p ddb-lens --target wasm32-unknown-unknown --test views`

mod support;

use ddb_lens::pages::compliance::ComplianceView;
use ddb_lens::pages::config::ConfigView;
use ddb_lens::pages::kms::{KmsParts, KmsView};
use ddb_lens::pages::streams::StreamsView;
use ddb_lens_core::analysis::compliance::compliance;
use ddb_lens_core::analysis::config_history::config_history;
use ddb_lens_core::analysis::kms::{kms_usage, Field, DECRYPT_CACHE_NOTE};
use ddb_lens_core::analysis::streams::streams_of;
use ddb_lens_core::analysis::table_state::table_states;
use ddb_lens_core::analysis::visibility::visibility;
use ddb_lens_core::compliance::Params;
use ddb_lens_core::{Limits, Loader};
use leptos::prelude::*;
use support::{all, mount, one, open_all, text};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const HOSTILE: &str = "<img src=x onerror=alert(1)>";

/// The posture estate fixture (crates/core/tests/fixtures/posture/estate), by relative path.
const ESTATE: &[(&str, &[u8])] = &[
    (
        "444455556666/us-east-1/application-autoscaling/describe-scalable-targets.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/application-autoscaling/describe-scalable-targets.json"),
    ),
    (
        "444455556666/us-east-1/backup/list-protected-resources.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/backup/list-protected-resources.json"),
    ),
    (
        "444455556666/us-east-1/config/compliance-details/dynamodb-pitr-enabled.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/config/compliance-details/dynamodb-pitr-enabled.json"),
    ),
    (
        "444455556666/us-east-1/config/compliance-details/dynamodb-table-encrypted-kms.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/config/compliance-details/dynamodb-table-encrypted-kms.json"),
    ),
    (
        "444455556666/us-east-1/config/compliance-details/securityhub-dynamodb-table-deletion-protection-enabled-3f2a1b.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/config/compliance-details/securityhub-dynamodb-table-deletion-protection-enabled-3f2a1b.json"),
    ),
    (
        "444455556666/us-east-1/config/describe-compliance-by-config-rule.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/config/describe-compliance-by-config-rule.json"),
    ),
    (
        "444455556666/us-east-1/config/describe-compliance-by-resource.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/config/describe-compliance-by-resource.json"),
    ),
    (
        "444455556666/us-east-1/config/describe-config-rules.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/config/describe-config-rules.json"),
    ),
    (
        "444455556666/us-east-1/config/resource-history/ledger.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/config/resource-history/ledger.json"),
    ),
    (
        "444455556666/us-east-1/config/resource-history/legacy.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/config/resource-history/legacy.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/list-tables.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/list-tables.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/tables/archive/describe-continuous-backups.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/tables/archive/describe-continuous-backups.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/tables/archive/describe-table.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/tables/archive/describe-table.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/tables/archive/list-tags-of-resource.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/tables/archive/list-tags-of-resource.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/tables/audit/describe-table.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/tables/audit/describe-table.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/tables/audit/list-tags-of-resource.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/tables/audit/list-tags-of-resource.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/tables/ledger/describe-continuous-backups.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/tables/ledger/describe-continuous-backups.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/tables/ledger/describe-table.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/tables/ledger/describe-table.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/tables/ledger/list-tags-of-resource.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/tables/ledger/list-tags-of-resource.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/tables/sessions/describe-continuous-backups.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/tables/sessions/describe-continuous-backups.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/tables/sessions/describe-table.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/tables/sessions/describe-table.json"),
    ),
    (
        "444455556666/us-east-1/dynamodb/tables/sessions/list-tags-of-resource.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/dynamodb/tables/sessions/list-tags-of-resource.json"),
    ),
    (
        "444455556666/us-east-1/kms/keys/5a1d0c3e-7b2f-4e8a-9c6d-1f0e2d3c4b5a/describe-key.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/kms/keys/5a1d0c3e-7b2f-4e8a-9c6d-1f0e2d3c4b5a/describe-key.json"),
    ),
    (
        "444455556666/us-east-1/kms/list-aliases.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/kms/list-aliases.json"),
    ),
    (
        "444455556666/us-east-1/lambda/list-event-source-mappings.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-east-1/lambda/list-event-source-mappings.json"),
    ),
    (
        "444455556666/us-west-2/dynamodb/list-tables.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-west-2/dynamodb/list-tables.json"),
    ),
    (
        "444455556666/us-west-2/dynamodb/tables/catalog/describe-table.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/444455556666/us-west-2/dynamodb/tables/catalog/describe-table.json"),
    ),
    (
        "cloudtrail/AWSLogs/444455556666/CloudTrail/us-east-1/2026/04/04/444455556666_CloudTrail_us-east-1_20260404T1500Z_posture.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/cloudtrail/AWSLogs/444455556666/CloudTrail/us-east-1/2026/04/04/444455556666_CloudTrail_us-east-1_20260404T1500Z_posture.json"),
    ),
    (
        "collector.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/collector.json"),
    ),
    (
        "config-deliveries/AWSLogs/444455556666/Config/us-east-1/2026/4/1/ConfigHistory/444455556666_Config_us-east-1_ConfigHistory_DynamoDB_Table_20260401T060000Z_20260401T120000Z_1.json",
        include_bytes!("../crates/core/tests/fixtures/posture/estate/config-deliveries/AWSLogs/444455556666/Config/us-east-1/2026/4/1/ConfigHistory/444455556666_Config_us-east-1_ConfigHistory_DynamoDB_Table_20260401T060000Z_20260401T120000Z_1.json"),
    ),
];

fn estate() -> Loader {
    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in ESTATE {
        loader.ingest(name, bytes);
    }
    loader
}

fn kms_loader() -> Loader {
    let mut loader = Loader::new(Limits::default());
    loader.ingest(
        "kms/usage.json",
        include_bytes!("../crates/core/tests/fixtures/kms/usage.json"),
    );
    loader
}

/// No element came from a hostile string, and its text is on the page as written.
fn assert_inert(container: &web_sys::Element) {
    assert!(all(container, "img").is_empty());
    assert!(container
        .text_content()
        .unwrap_or_default()
        .contains(HOSTILE));
}

#[wasm_bindgen_test]
async fn kms_view_shows_keys_callers_lifecycle_and_visibility() {
    let loader = kms_loader();
    let model = loader.model();
    let mut usage = kms_usage(model, &[]);
    let vis = visibility(model, &[]);
    let files = model.files.clone();
    assert!(!usage.tables.is_empty() && !usage.lifecycle.is_empty());
    usage.tables[0].kind_evidence = HOSTILE.to_string();
    let first_table = usage.tables[0].table.clone();
    let lifecycle = usage.lifecycle.len();
    let correlated = usage
        .tables
        .iter()
        .flat_map(|t| &t.callers)
        .filter(|c| c.correlated)
        .count();
    let parts = KmsParts {
        usage,
        visibility: vis.clone(),
        evidence_files: files,
    };
    let (container, _guard) = mount(move || view! { <KmsView parts=parts /> });
    assert!(text(&container, "#kms-note").contains(DECRYPT_CACHE_NOTE));
    assert!(text(&container, "#kms-note").contains("docs.aws.amazon.com"));
    assert!(text(&container, "#kms-tables").contains(&first_table));
    assert_eq!(all(&container, "#kms-lifecycle tbody tr").len(), lifecycle);
    // Lifecycle events name their file and record.
    assert!(one(&container, "#kms-lifecycle .evidence-link")
        .get_attribute("title")
        .unwrap_or_default()
        .starts_with("kms/usage.json record "));
    assert!(correlated > 0);
    // Each table's fold is built when opened: none of its callers are in the page before.
    let folds = all(&container, "details.kms-table").len();
    assert_eq!(folds, all(&container, "#kms-tables tbody tr").len());
    assert!(all(&container, "details.kms-table table").is_empty());
    open_all(&container, "details.kms-table").await;
    assert_eq!(
        all(&container, "details.kms-table table[id^='kms-callers-']").len(),
        folds
    );
    let marked: usize = all(&container, ".kms-table span.pill-pass")
        .iter()
        .filter(|td| {
            td.text_content()
                .unwrap_or_default()
                .starts_with("correlated")
        })
        .count();
    assert_eq!(marked, correlated);
    assert!(text(&container, "#visibility-summary")
        .contains(&format!("of {} tables", vis.tables.len())));
    assert_inert(&container);
}

#[wasm_bindgen_test]
fn kms_view_says_what_an_empty_section_needs() {
    let loader = Loader::new(Limits::default());
    let parts = KmsParts {
        usage: kms_usage(loader.model(), &[]),
        visibility: visibility(loader.model(), &[]),
        evidence_files: Vec::new(),
    };
    let needs = vec!["KMS key usage: needs CloudTrail logs".to_string()];
    let (container, _guard) = mount(move || view! { <KmsView parts=parts needs=needs /> });
    assert!(text(&container, ".posture-empty").contains("needs CloudTrail logs"));
    // The Decrypt-cache note shows even then.
    assert!(text(&container, "#kms-note").contains(DECRYPT_CACHE_NOTE));
}

#[wasm_bindgen_test]
fn streams_view_shows_streams_triggers_and_gaps() {
    let loader = estate();
    let model = loader.model();
    let mut streams = streams_of(model, &table_states(model));
    assert!(streams.totals.tables > 0);
    let problems = streams.totals.triggers_with_problems;
    if let Some(t) = streams.tables.iter_mut().find(|t| !t.triggers.is_empty()) {
        t.triggers[0].function_name = HOSTILE.to_string();
    } else {
        streams.tables[0].consumer_reason = HOSTILE.to_string();
    }
    let totals = streams.totals.clone();
    let without = streams.without_stream.len();
    let s = streams.clone();
    let (container, _guard) = mount(move || view! { <StreamsView streams=s /> });
    let summary = text(&container, "#streams-summary");
    assert!(
        summary.starts_with(&format!(
            "{} tables: stream on {}, off {}",
            totals.tables, totals.stream_on, totals.stream_off
        )),
        "{summary}"
    );
    assert_eq!(
        all(&container, "#without-stream li").len(),
        without,
        "tables without a stream"
    );
    assert_eq!(
        all(&container, "#streams-triggers span.pill-fail").len() as u64,
        problems
    );
    assert_inert(&container);
}

#[wasm_bindgen_test]
async fn config_view_shows_items_with_field_diffs() {
    let loader = estate();
    let mut history = config_history(loader.model());
    assert!(!history.tables.is_empty() && history.change_count > 0);
    let change = history
        .tables
        .iter_mut()
        .flat_map(|t| t.items.iter_mut())
        .flat_map(|i| i.changes.iter_mut())
        .next()
        .expect("a change");
    change.after = Some(HOSTILE.to_string());
    let sentence = change.sentence.clone();
    let items = history.item_count;
    let h = history.clone();
    let (container, _guard) = mount(move || view! { <ConfigView history=h /> });
    assert!(text(&container, "#config-summary").contains(&format!("{items} configuration items")));
    assert!(container
        .query_selector("#config-chart svg")
        .unwrap()
        .is_some());
    open_all(&container, "details.config-table").await;
    let diffs: Vec<String> = all(&container, ".field-changes li")
        .iter()
        .map(|li| li.text_content().unwrap_or_default())
        .collect();
    assert!(
        diffs
            .iter()
            .any(|d| d.starts_with(&sentence) && d.contains(&format!("→ {HOSTILE})"))),
        "{diffs:?}"
    );
    assert_inert(&container);
}

#[wasm_bindgen_test]
async fn compliance_view_shows_rates_matrix_and_config_side_by_side() {
    let loader = estate();
    let mut c = compliance(loader.model(), &Params::default());
    assert!(!c.rows.is_empty() && !c.imported_rules.is_empty());
    c.rows[0].cells[0].verdict.reason = HOSTILE.to_string();
    let tables = c.rows.len();
    let checks = c.checks.len();
    let first = c.summaries[0].clone();
    let disagreements = c.disagreements.len();
    let cc = c.clone();
    let (container, _guard) = mount(move || view! { <ComplianceView compliance=cc /> });
    assert!(container
        .query_selector("#compliance-chart svg")
        .unwrap()
        .is_some());
    assert_eq!(all(&container, "#compliance-matrix tbody tr").len(), tables);
    let row = all(&container, "#compliance-matrix tbody tr")[0].clone();
    // Table, one pill per check, pass and fail counts.
    assert_eq!(all(&row, "td").len(), checks + 3);
    let checks_text = text(&container, "#compliance-checks");
    if let Some(p) = first.pass_percent {
        assert!(checks_text.contains(&format!("{} of {} ({p:.0}%)", first.pass, first.evaluated)));
    }
    assert_eq!(all(&container, "#disagreements li").len(), disagreements);
    // The hostile reason is a tooltip and a paragraph, never markup.
    let titled = all(&container, "#compliance-matrix td[title]")
        .iter()
        .any(|td| td.get_attribute("title").as_deref() == Some(HOSTILE));
    assert!(titled);
    // And a paragraph in the table's fold, built when it is opened.
    open_all(&container, "details.compliance-table").await;
    assert!(text(&container, "details.compliance-table .verdict-reason").contains(HOSTILE));
    assert_inert(&container);
}

#[wasm_bindgen_test]
async fn kms_lifecycle_events_show_a_page_at_a_time() {
    let loader = kms_loader();
    let model = loader.model();
    let mut usage = kms_usage(model, &[]);
    let mut event = usage.lifecycle[0].clone();
    // A key policy as long as real ones: folded under its start.
    let policy = format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":[{}]}}",
        "{\"Effect\":\"Allow\"},".repeat(40)
    );
    event.fields.push(Field {
        name: "policy".to_string(),
        value: policy.clone(),
    });
    usage.lifecycle = vec![event; 120];
    let parts = KmsParts {
        usage,
        visibility: visibility(model, &[]),
        evidence_files: model.files.clone(),
    };
    let (container, _guard) = mount(move || view! { <KmsView parts=parts /> });
    assert_eq!(all(&container, "#kms-lifecycle tbody tr").len(), 50);
    let fold = one(&container, "#kms-lifecycle details.field-fold");
    assert!(text(&fold, "summary").starts_with(&policy[..80]));
    assert_eq!(text(&fold, "code"), policy);
    let more = || {
        container
            .query_selector("#kms-lifecycle-more")
            .unwrap()
            .map(|b| b.unchecked_into::<web_sys::HtmlElement>())
    };
    assert_eq!(
        more().and_then(|b| b.text_content()).as_deref(),
        Some("Show 50 more (70 not shown)")
    );
    more().unwrap().click();
    support::tick().await;
    assert_eq!(all(&container, "#kms-lifecycle tbody tr").len(), 100);
    more().unwrap().click();
    support::tick().await;
    assert_eq!(all(&container, "#kms-lifecycle tbody tr").len(), 120);
    assert!(more().is_none());
}
