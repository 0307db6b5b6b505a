//! `ddb-lens report` as a user runs it: over the core's fixture folder, writing all three
//! exports; the HTML and JSON must be the core's golden files, byte for byte.

use std::path::{Path, PathBuf};
use std::process::Command;

fn core_tests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests")
}

fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The golden report's fixture files, as the core's golden test reads them.
fn golden_fixtures() -> Vec<String> {
    std::fs::read_to_string(core_tests().join("golden/FIXTURES"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn report_writes_html_json_and_csv_equal_to_the_goldens() {
    let out = out_dir("report-fixtures");
    // Run from the tests folder so the files are named "fixtures/...", as in the goldens; in
    // reverse order, as the manifest is sorted whatever the order files come in.
    let mut files = golden_fixtures();
    files.reverse();
    let status = Command::new(env!("CARGO_BIN_EXE_ddb-lens"))
        .current_dir(core_tests())
        .arg("report")
        .args(&files)
        .arg("--html")
        .arg(out.join("report.html"))
        .arg("--json")
        .arg(out.join("report.json"))
        .arg("--csv")
        .arg(out.join("csv"))
        .output()
        .unwrap();
    // One fixture is deliberately unrecognised: exit 1, as inspect, and the outputs written.
    assert_eq!(
        status.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let golden = core_tests().join("golden");
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    assert!(
        read(out.join("report.html")) == read(golden.join("report.html")),
        "the CLI's HTML differs from crates/core/tests/golden/report.html"
    );
    assert_eq!(
        read(out.join("report.json")),
        read(golden.join("report.json"))
    );
    for name in [
        "findings.csv",
        "evidence.csv",
        "compliance.csv",
        "tables.csv",
        "tag-coverage.csv",
        "inputs.csv",
    ] {
        assert_eq!(
            read(out.join("csv").join(name)),
            read(golden.join("csv").join(name)),
            "{name}"
        );
    }
}

#[test]
fn report_time_and_settings_are_taken_and_json_goes_to_stdout() {
    let dir = out_dir("report-settings");
    let settings = dir.join("settings.json");
    std::fs::write(
        &settings,
        r#"{"filters":{"regions":["eu-west-1"]},"tag_policy":{"version":1,"keys":[{"key":"Owner"}]}}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ddb-lens"))
        .current_dir(core_tests())
        .args([
            "report",
            "fixtures/cloudtrail/delivered.json",
            "--report-time",
            "2026-04-01T00:00:00Z",
            "--settings",
        ])
        .arg(&settings)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["schema"], "ddb-lens-report/1");
    assert_eq!(json["report_time"]["source"], "setting");
    assert_eq!(json["settings"]["report_time_ms"], 1_775_001_600_000_i64);
    assert_eq!(json["settings"]["filters"]["regions"][0], "eu-west-1");
    assert_eq!(json["settings"]["tag_policy"]["keys"][0]["key"], "Owner");
    let file = &json["inputs"]["files"][0];
    assert_eq!(file["name"], "fixtures/cloudtrail/delivered.json");
    assert_eq!(file["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn report_over_rules_fixture_folders_lists_their_findings() {
    // Two rules' fixture folders, as a user would pass folders: each fail.json fires its rule,
    // each pass.json does not; the JSON says so, with each event named by its file.
    let dir = out_dir("report-rules");
    let out = Command::new(env!("CARGO_BIN_EXE_ddb-lens"))
        .current_dir(core_tests())
        .args([
            "report",
            "fixtures/rules/ddb-table-deleted",
            "fixtures/rules/ddb-pitr-disabled",
            "--json",
        ])
        .arg(dir.join("report.json"))
        .arg("--html")
        .arg(dir.join("report.html"))
        .output()
        .unwrap();
    let text = std::fs::read_to_string(dir.join("report.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Each folder's expect.json is not an export: listed as unrecognised, hence exit 1.
    assert_eq!(out.status.code(), Some(1));
    let errors: Vec<&str> = json["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "error")
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        errors,
        [
            "ddb-pitr-disabled/expect.json",
            "ddb-table-deleted/expect.json"
        ]
    );
    let findings = json["findings"].as_array().unwrap();
    let mut fired: Vec<&str> = findings
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    fired.dedup();
    assert_eq!(fired, ["ddb-pitr-disabled", "ddb-table-deleted"]);
    for finding in findings {
        let evidence = finding["evidence"].as_array().unwrap();
        assert!(!evidence.is_empty());
        for e in evidence {
            let file = e["file"].as_str().unwrap();
            assert!(file.ends_with("/fail.json"), "{file}");
            assert!(e["record_index"].is_u64() && e["time_ms"].is_i64());
        }
    }
    // The catalogue travels with the report: the page can show a finding from the JSON alone.
    let rule = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "ddb-table-deleted")
        .unwrap();
    assert!(rule["findings"].as_u64().unwrap() > 0);
    assert!(!rule["remediation"].as_str().unwrap().is_empty());
    assert_eq!(rule["technique"]["id"], "T1485");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("id=\"rule-ddb-table-deleted\""));
    assert!(html.contains("fail.json: record"));
}

#[test]
fn report_bad_usage_is_explained() {
    for (args, message) in [
        (
            &["report", "x", "--report-time", "yesterday"][..],
            "is not an ISO 8601 time",
        ),
        (&["report", "x", "--html"][..], "--html needs a value"),
        (&["report"][..], "no PATH given"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_ddb-lens"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn unwritable_output_exits_3() {
    let dir = out_dir("report-unwritable");
    let out = Command::new(env!("CARGO_BIN_EXE_ddb-lens"))
        .current_dir(core_tests())
        .args(["report", "fixtures/cloudtrail/delivered.json", "--html"])
        .arg(dir.join("no/such/folder/report.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the report"));
}
