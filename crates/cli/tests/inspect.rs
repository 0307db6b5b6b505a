//! The CLI as a user runs it: `ddb-lens inspect` over the core's fixture folder.

use std::process::Command;

fn fixtures() -> String {
    format!("{}/../core/tests/fixtures", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn inspect_json_lists_every_file_and_the_totals() {
    let out = Command::new(env!("CARGO_BIN_EXE_ddb-lens"))
        // Two fixture folders only, so fixtures other tests add elsewhere do not move these counts.
        .args([
            "inspect",
            &format!("{}/cloudtrail", fixtures()),
            &format!("{}/unrecognised", fixtures()),
            "--json",
        ])
        .output()
        .unwrap();
    // One fixture is deliberately unrecognised: exit 1 says "some file failed".
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 8);
    // Folders are walked in name order, names relative to the folder given.
    assert_eq!(files[0]["name"], "cloudtrail/bare-array.json");
    assert_eq!(files[0]["kind"], "cloud_trail_event_array");
    let totals = &json["totals"];
    assert_eq!(totals["files"], 8);
    assert_eq!(totals["events"], 27);
    assert_eq!(totals["files_with_errors"], 1);
    assert_eq!(totals["records_skipped"], 4);
    assert_eq!(json["overview"]["events"], 27);
}

#[test]
fn inspect_text_names_each_file_and_prints_totals() {
    let out = Command::new(env!("CARGO_BIN_EXE_ddb-lens"))
        .args([
            "inspect",
            &format!("{}/cloudtrail/delivered.json", fixtures()),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("delivered.json: CloudTrail log: 3 events"),
        "{text}"
    );
    assert!(
        text.contains("1 file (1 ok, 0 with warnings, 0 with errors) · 3 events"),
        "{text}"
    );
}

#[test]
fn bad_usage_is_explained() {
    let out = Command::new(env!("CARGO_BIN_EXE_ddb-lens"))
        .args(["inspect"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no PATH given"));
}

#[test]
fn a_collected_folder_loads_with_every_output_associated() {
    // Names reach the core relative to the folder given, so the collector's
    // `<account>/<region>/dynamodb/tables/<TableName>/` layout places the outputs that do not
    // name their table.
    let out = Command::new(env!("CARGO_BIN_EXE_ddb-lens"))
        .args(["inspect", &format!("{}/collected", fixtures()), "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let totals = &json["totals"];
    assert_eq!(totals["files"], 24);
    assert_eq!(totals["files_ok"], 24);
    assert_eq!(totals["records_skipped"], 0);
    let files = json["files"].as_array().unwrap();
    assert!(files
        .iter()
        .all(|f| f["warnings"].as_array().unwrap().is_empty()));
}
