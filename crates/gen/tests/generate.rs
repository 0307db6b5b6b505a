//! Properties of generated export sets: determinism, real file layouts, record counts,
//! unique ids, the fields every CloudTrail consumer relies on, and agreement between
//! CloudTrail, Config and the inventory.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use ddb_lens_gen::{generate, sample_files, GenConfig};
use serde_json::Value;

fn collect(cfg: &GenConfig) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    generate(cfg, |path, bytes| {
        files.push((path.to_string(), bytes.to_vec()))
    });
    files
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn small() -> GenConfig {
    GenConfig {
        events: 4_000,
        tables: 30,
        events_per_file: 250,
        ..GenConfig::default()
    }
}

fn all_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// A CLI output in the collector's `<account>/<region>/...` folders.
fn is_collected(path: &str) -> bool {
    path.split('/').next().is_some_and(|a| all_digits(a, 12))
}

/// `AWSLogs/<acct>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<acct>_CloudTrail_<region>_<yyyymmdd>T<hhmm>Z_<16 alnum>.json.gz`,
/// checked field by field (the equivalent of the usual regex, without a regex crate).
fn is_cloudtrail_key(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let [aws, acct, ct, region, y, m, d, name] = parts.as_slice() else {
        return false;
    };
    let Some(stem) = name.strip_suffix(".json.gz") else {
        return false;
    };
    let fields: Vec<&str> = stem.split('_').collect();
    let [f_acct, f_ct, f_region, stamp, unique] = fields.as_slice() else {
        return false;
    };
    let region_ok = |r: &str| {
        let p: Vec<&str> = r.split('-').collect();
        p.len() == 3 && p[0].bytes().all(|b| b.is_ascii_lowercase()) && all_digits(p[2], 1)
    };
    *aws == "AWSLogs"
        && all_digits(acct, 12)
        && *ct == "CloudTrail"
        && region_ok(region)
        && all_digits(y, 4)
        && all_digits(m, 2)
        && all_digits(d, 2)
        && f_acct == acct
        && *f_ct == "CloudTrail"
        && f_region == region
        && stamp.len() == 14
        && all_digits(&stamp[..8], 8)
        && stamp[..8] == format!("{y}{m}{d}")
        && &stamp[8..9] == "T"
        && all_digits(&stamp[9..13], 4)
        && &stamp[13..] == "Z"
        && unique.len() == 16
        && unique.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The CloudTrail files' records, by path within the bucket (`AWSLogs/...`: the
/// collector's `cloudtrail/` folder left out).
fn records(files: &[(String, Vec<u8>)]) -> Vec<(String, Vec<Value>)> {
    files
        .iter()
        .filter(|(p, _)| p.contains("/CloudTrail/"))
        .map(|(p, b)| {
            let doc: Value = serde_json::from_slice(&gunzip(b)).expect("CloudTrail file is JSON");
            let recs = doc["Records"].as_array().expect("Records array").clone();
            let key = p
                .strip_prefix("cloudtrail/")
                .unwrap_or_else(|| panic!("{p} is not in the collector's cloudtrail/ folder"));
            (key.to_string(), recs)
        })
        .collect()
}

#[test]
fn same_arguments_give_identical_bytes() {
    let a = collect(&small());
    let b = collect(&small());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.0, y.0);
        assert!(x.1 == y.1, "{} differs between runs", x.0);
    }
    let other = collect(&GenConfig {
        seed: 43,
        ..small()
    });
    assert_ne!(a[0].1, other[0].1, "a different seed gives different data");
}

#[test]
fn cloudtrail_files_have_real_names_and_expected_counts() {
    let cfg = small();
    let files = collect(&cfg);
    let ct = records(&files);
    assert_eq!(ct.len(), 16, "4,000 events at 250 per file");
    let mut total = 0;
    for (path, recs) in &ct {
        assert!(is_cloudtrail_key(path), "bad key {path}");
        assert!(
            (190..=310).contains(&recs.len()),
            "{path}: {} records",
            recs.len()
        );
        total += recs.len();
    }
    assert_eq!(total as u64, cfg.events);
    let paths: Vec<&String> = ct.iter().map(|f| &f.0).collect();
    assert!(
        paths.windows(2).all(|w| w[0] < w[1]),
        "CloudTrail files come in S3 key order"
    );
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SSZ` (or a prefix-compatible stamp).
fn epoch_secs(t: &str) -> i64 {
    let n = |a: usize, b: usize| t[a..b].parse::<i64>().expect("digits");
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    days * 86_400 + n(11, 13) * 3_600 + n(14, 16) * 60 + n(17, 19)
}

#[test]
fn files_cover_short_windows_and_are_not_strictly_sorted() {
    let files = collect(&small());
    let mut unsorted = 0;
    for (path, recs) in records(&files) {
        let times: Vec<&str> = recs
            .iter()
            .map(|r| r["eventTime"].as_str().unwrap_or(""))
            .collect();
        let (min, max) = (times.iter().min().unwrap(), times.iter().max().unwrap());
        assert!(
            epoch_secs(max) - epoch_secs(min) <= 15 * 60,
            "{path}: {min}..{max}"
        );
        // The name carries the delivery time, which is after every record in the file.
        let stamp = &path[path.len() - 39..path.len() - 26];
        let last = format!(
            "{}{}{}T{}{}",
            &max[0..4],
            &max[5..7],
            &max[8..10],
            &max[11..13],
            &max[14..16]
        );
        assert!(
            stamp > last.as_str(),
            "{path} delivered before its last record {max}"
        );
        if times.windows(2).any(|w| w[0] > w[1]) {
            unsorted += 1;
        }
    }
    assert!(
        unsorted > 0,
        "CloudTrail does not sort records within a file"
    );
}

#[test]
fn ten_thousand_events_cover_about_a_day() {
    let files = collect(&GenConfig {
        events: 10_000,
        tables: 50,
        ..GenConfig::default()
    });
    let times: Vec<i64> = records(&files)
        .iter()
        .flat_map(|(_, recs)| {
            recs.iter()
                .map(|r| epoch_secs(r["eventTime"].as_str().unwrap_or("")))
        })
        .collect();
    let span_h = (times.iter().max().unwrap() - times.iter().min().unwrap()) / 3_600;
    assert!((12..=26).contains(&span_h), "{span_h} hours");
}

#[test]
fn event_ids_are_unique_across_20k_events() {
    let files = collect(&GenConfig {
        events: 20_000,
        tables: 60,
        ..GenConfig::default()
    });
    let mut ids = BTreeSet::new();
    let mut n = 0;
    for (_, recs) in records(&files) {
        for r in recs {
            n += 1;
            let id = r["eventID"].as_str().expect("eventID").to_string();
            assert_eq!(id.len(), 36);
            assert!(ids.insert(id.clone()), "duplicate eventID {id}");
        }
    }
    assert_eq!(n, 20_000);
}

/// The compatibility contract: fields every consumer of these files reads.
#[test]
fn every_record_has_the_fields_consumers_rely_on() {
    const REQUIRED: [&str; 7] = [
        "eventVersion",
        "eventTime",
        "eventSource",
        "eventName",
        "awsRegion",
        "eventID",
        "recipientAccountId",
    ];
    const ORDER: [&str; 8] = [
        "eventVersion",
        "userIdentity",
        "eventTime",
        "eventSource",
        "eventName",
        "awsRegion",
        "sourceIPAddress",
        "userAgent",
    ];
    let mut checked = 0;
    let mut files = collect(&small());
    files.extend(sample_files());
    for (path, recs) in records(&files) {
        let region = path.split('/').nth(3).unwrap_or("");
        let account = path.split('/').nth(1).unwrap_or("");
        for r in recs {
            let obj = r.as_object().expect("record is an object");
            for f in REQUIRED {
                assert!(
                    obj.get(f)
                        .and_then(Value::as_str)
                        .is_some_and(|s| !s.is_empty()),
                    "{path}: no {f} in {r}"
                );
            }
            let t = obj["eventTime"].as_str().unwrap_or("");
            assert!(
                t.len() == 20 && t.ends_with('Z') && &t[10..11] == "T",
                "eventTime {t}"
            );
            assert_eq!(obj["recipientAccountId"], account);
            let aws_region = obj["awsRegion"].as_str().unwrap_or("");
            assert!(
                aws_region == region
                    || obj["eventSource"] == "iam.amazonaws.com"
                    || obj["eventSource"] == "signin.amazonaws.com"
            );
            assert!(obj["readOnly"].is_boolean() && obj["managementEvent"].is_boolean());
            let data = obj["eventCategory"] == "Data";
            assert_eq!(data, obj["managementEvent"] == false, "{r}");
            if data {
                assert!(
                    obj["resources"].as_array().is_some_and(|a| !a.is_empty()),
                    "data event without resources"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 9_000);
    // The scripted records are among them (see the incident tests for what they say).
    // serde_json sorts keys, so check CloudTrail's key order on the text itself.
    for (path, bytes) in files.iter().filter(|(p, _)| p.contains("/CloudTrail/")) {
        let text = String::from_utf8(gunzip(bytes)).expect("utf-8");
        assert!(path.starts_with("cloudtrail/AWSLogs/"), "{path}");
        assert!(
            text.starts_with("{\"Records\":[{\"eventVersion\":"),
            "{path}"
        );
        let starts: Vec<usize> = text
            .match_indices("{\"eventVersion\":")
            .map(|m| m.0)
            .collect();
        for (k, &start) in starts.iter().enumerate() {
            let end = starts.get(k + 1).copied().unwrap_or(text.len());
            let record = &text[start..end];
            let mut at = 0;
            for key in ORDER.iter().chain(&[
                "requestParameters",
                "responseElements",
                "requestID",
                "eventID",
                "eventType",
                "recipientAccountId",
                "eventCategory",
            ]) {
                let needle = format!("\"{key}\":");
                let found = record[at..]
                    .find(&needle)
                    .unwrap_or_else(|| panic!("{path}: {key} missing or out of order in {record}"));
                at += found + needle.len();
            }
        }
    }
}

#[test]
fn mix_looks_like_a_dynamodb_estate() {
    let files = collect(&GenConfig {
        events: 20_000,
        ..GenConfig::default()
    });
    let mut by_source: BTreeMap<String, usize> = BTreeMap::new();
    let (mut errors, mut data, mut kms_by_ddb, mut n) = (0, 0, 0, 0);
    let mut ips = BTreeSet::new();
    let mut bytes = 0;
    for (_, b) in files.iter().filter(|(p, _)| p.contains("/CloudTrail/")) {
        bytes += gunzip(b).len();
    }
    for (_, recs) in records(&files) {
        for r in recs {
            n += 1;
            *by_source
                .entry(r["eventSource"].as_str().unwrap_or("").to_string())
                .or_default() += 1;
            errors += usize::from(r.get("errorCode").is_some());
            data += usize::from(r["eventCategory"] == "Data");
            ips.insert(r["sourceIPAddress"].as_str().unwrap_or("").to_string());
            if r["eventSource"] == "kms.amazonaws.com"
                && r["sourceIPAddress"] == "dynamodb.amazonaws.com"
            {
                let ctx = &r["requestParameters"]["encryptionContext"];
                let ctx = if ctx.is_null() {
                    &r["requestParameters"]["constraints"]["encryptionContextSubset"]
                } else {
                    ctx
                };
                if ctx["aws:dynamodb:tableName"].is_string()
                    || r["eventName"] == "DescribeKey"
                    || r["eventName"] == "RetireGrant"
                {
                    kms_by_ddb += 1;
                }
            }
        }
    }
    let pct = |x: usize| x * 100 / n;
    let ddb = by_source["dynamodb.amazonaws.com"];
    assert!((55..=75).contains(&pct(ddb)), "dynamodb {}%", pct(ddb));
    assert!(
        (10..=20).contains(&pct(kms_by_ddb)),
        "kms by dynamodb {}%",
        pct(kms_by_ddb)
    );
    assert!((35..=55).contains(&pct(data)), "data events {}%", pct(data));
    assert!((2..=5).contains(&pct(errors)), "errors {}%", pct(errors));
    assert!(ips.len() > 150, "{} source addresses", ips.len());
    let per_event = bytes / n;
    assert!(
        (1_100..=1_800).contains(&per_event),
        "{per_event} bytes per event"
    );
}

#[test]
fn config_and_inventory_agree_with_each_other_and_cloudtrail() {
    let files = collect(&small());
    let event_ids: BTreeSet<String> = records(&files)
        .into_iter()
        .flat_map(|(_, recs)| {
            recs.into_iter()
                .map(|r| r["eventID"].as_str().unwrap_or("").to_string())
        })
        .collect();
    let mut snapshot_tables: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut related = 0;
    let mut history_files = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.contains("/Config/")) {
        let path = path
            .strip_prefix("config-deliveries/")
            .expect("Config deliveries are in the collector's config-deliveries/ folder");
        let parts: Vec<&str> = path.split('/').collect();
        let (account, region) = (parts[1], parts[3]);
        let doc: Value = serde_json::from_slice(&gunzip(bytes)).expect("Config file is JSON");
        assert_eq!(doc["fileVersion"], "1.0");
        let items = doc["configurationItems"].as_array().expect("items");
        let snapshot = path.contains("/ConfigSnapshot/");
        if snapshot {
            assert!(doc["configSnapshotId"].is_string());
            assert!(
                path.ends_with(".json.gz")
                    && path.contains(&format!("{account}_Config_{region}_ConfigSnapshot_"))
            );
        } else {
            history_files += 1;
            assert!(
                path.contains("_ConfigHistory_AWS::DynamoDB::Table_")
                    && path.ends_with("_1.json.gz")
            );
        }
        for item in items {
            assert_eq!(item["resourceType"], "AWS::DynamoDB::Table");
            assert_eq!(item["configurationItemVersion"], "1.3");
            assert_eq!(item["awsAccountId"], account);
            assert_eq!(item["awsRegion"], region);
            let name = item["resourceName"].as_str().unwrap_or("").to_string();
            if item["configurationItemStatus"] != "ResourceDeleted" {
                assert_eq!(item["configuration"]["tableName"], name.as_str());
                assert!(item["configuration"]["deletionProtectionEnabled"].is_boolean());
            }
            for id in item["relatedEvents"].as_array().expect("relatedEvents") {
                assert!(
                    event_ids.contains(id.as_str().unwrap_or("")),
                    "relatedEvents {id} not in CloudTrail"
                );
                related += 1;
            }
            if snapshot {
                snapshot_tables.insert((account.to_string(), region.to_string(), name));
            }
        }
    }
    assert!(history_files >= 3, "{history_files} history files");
    assert!(
        related > 0,
        "some Config items point at the CloudTrail record of their change"
    );

    let mut described: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut listed: BTreeSet<(String, String, String)> = BTreeSet::new();
    for (path, bytes) in files.iter().filter(|(p, _)| is_collected(p)) {
        let parts: Vec<&str> = path.split('/').collect();
        let doc: Value = serde_json::from_slice(bytes).expect("collected file is JSON");
        let text = std::str::from_utf8(bytes).expect("utf-8");
        assert!(
            text.starts_with("{\n    \"") && text.ends_with("}\n"),
            "CLI-style indentation: {path}"
        );
        if path.ends_with("/dynamodb/list-tables.json") {
            let names: Vec<&str> = doc["TableNames"]
                .as_array()
                .expect("TableNames")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert!(
                names.windows(2).all(|w| w[0] < w[1]),
                "ListTables is sorted"
            );
            for n in names {
                listed.insert((parts[0].to_string(), parts[1].to_string(), n.to_string()));
            }
        } else if path.ends_with("/describe-table.json") {
            let table = &doc["Table"];
            let name = table["TableName"].as_str().expect("TableName");
            assert_eq!(parts[2..4], ["dynamodb", "tables"]);
            assert_eq!(name, parts[4]);
            let created = table["CreationDateTime"]
                .as_str()
                .expect("ISO CreationDateTime");
            assert!(created.ends_with("+00:00"));
            described.insert((parts[0].to_string(), parts[1].to_string(), name.to_string()));
        }
    }
    assert_eq!(described, snapshot_tables);
    assert_eq!(listed, snapshot_tables);
    assert!(
        (26..=30).contains(&snapshot_tables.len()),
        "{} tables at the end",
        snapshot_tables.len()
    );
}

#[test]
fn tags_drift_like_real_ones() {
    let files = collect(&GenConfig {
        events: 1_000,
        ..GenConfig::default()
    });
    let (mut untagged, mut no_conf, mut total) = (0, 0, 0);
    let mut env_values = BTreeSet::new();
    for (_, bytes) in files.iter().filter(|(p, _)| p.contains("/ConfigSnapshot/")) {
        let doc: Value = serde_json::from_slice(&gunzip(bytes)).expect("JSON");
        for item in doc["configurationItems"].as_array().expect("items") {
            total += 1;
            let tags = item["tags"].as_object().expect("tags");
            untagged += usize::from(tags.is_empty());
            no_conf += usize::from(!tags.contains_key("Confidentiality"));
            if let Some(v) = tags.get("Environment").and_then(Value::as_str) {
                env_values.insert(v.to_string());
            }
        }
    }
    assert!((290..=300).contains(&total), "{total} tables");
    assert!(untagged > 10 && untagged < 60, "{untagged} untagged");
    assert!(no_conf > untagged, "some tagged tables miss a key");
    for v in ["prod", "Prod", "production "] {
        assert!(
            env_values.contains(v),
            "Environment value {v:?} among {env_values:?}"
        );
    }
}

#[test]
fn sample_is_small_complete_and_stable() {
    let files = sample_files();
    let total: usize = files.iter().map(|f| f.1.len()).sum();
    // A few hundred files, under 3 MB as loaded (CloudTrail and Config gzipped, the CLI
    // outputs plain).
    assert!(
        (1_000_000..3_000_000).contains(&total),
        "sample is {total} bytes"
    );
    assert!((300..=450).contains(&files.len()), "{} files", files.len());
    assert!(files
        .iter()
        .any(|f| f.0.contains("/CloudTrail/") && f.0.ends_with(".json.gz")));
    assert!(files.iter().any(|f| f.0.contains("/ConfigSnapshot/")));
    assert!(files.iter().any(|f| f.0.contains("/ConfigHistory/")));
    assert!(files.iter().any(|f| f.0.ends_with("/describe-table.json")));
    assert!(files.iter().any(|f| f.0.ends_with("/list-tables.json")));
    assert!(files.iter().any(|f| f.0 == "collector.json"));
    let recs = records(&files);
    let events: usize = recs.iter().map(|r| r.1.len()).sum();
    assert_eq!(events, 5_000);
    let accounts: BTreeSet<&str> = recs.iter().filter_map(|r| r.0.split('/').nth(1)).collect();
    let regions: BTreeSet<&str> = recs.iter().filter_map(|r| r.0.split('/').nth(3)).collect();
    assert_eq!((accounts.len(), regions.len()), (2, 2));
    let days: BTreeSet<String> = recs
        .iter()
        .flat_map(|r| {
            r.1.iter()
                .map(|e| e["eventTime"].as_str().unwrap_or("")[..10].to_string())
        })
        .collect();
    assert!(days.len() >= 3, "sample spans {days:?}");
    assert_eq!(files, sample_files(), "the sample is the same every time");
}

#[test]
fn cloudtrail_key_check_accepts_the_documented_example() {
    // The example name from the CloudTrail user guide, in its folder.
    assert!(is_cloudtrail_key(
        "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz"
    ));
    assert!(!is_cloudtrail_key(
        "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15Z.json.gz"
    ));
}

#[test]
fn degenerate_configurations_still_produce_valid_sets() {
    let base = GenConfig {
        events: 50,
        tables: 3,
        ..GenConfig::default()
    };
    for cfg in [
        GenConfig {
            events: 0,
            ..base.clone()
        },
        GenConfig {
            events: 1,
            ..base.clone()
        },
        GenConfig {
            tables: 0,
            ..base.clone()
        },
        GenConfig {
            accounts: 0,
            ..base.clone()
        },
        GenConfig {
            accounts: 7,
            tables: 2,
            ..base.clone()
        },
        GenConfig {
            events_per_file: 0,
            ..base.clone()
        },
        GenConfig {
            events_per_file: u32::MAX,
            events: 3_000,
            ..base.clone()
        },
        GenConfig {
            tables: 2_000,
            events: 500,
            ..base.clone()
        },
    ] {
        let files = collect(&cfg);
        let events: usize = records(&files).iter().map(|r| r.1.len()).sum();
        assert_eq!(events as u64, cfg.events, "{cfg:?}");
        let paths: BTreeSet<&String> = files.iter().map(|f| &f.0).collect();
        assert_eq!(paths.len(), files.len(), "paths are unique for {cfg:?}");
    }
}
