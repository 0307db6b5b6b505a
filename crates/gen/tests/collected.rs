//! The collector's folder the generator writes (docs/exports.md) and the incidents it
//! scripts: the layout, the CLI outputs agreeing with each other, with the Config deliveries
//! and with CloudTrail, and each incident's effect on what the logs hold. Checked on the
//! built-in sample and on a larger estate of another seed.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use ddb_lens_gen::{generate, sample_files, GenConfig};
use serde_json::Value;

type Files = BTreeMap<String, Vec<u8>>;

fn larger() -> Files {
    let mut files = Files::new();
    generate(
        &GenConfig {
            events: 20_000,
            tables: 90,
            seed: 7,
            events_per_file: 200,
            ..GenConfig::default()
        },
        |path, bytes| {
            files.insert(path.to_string(), bytes.to_vec());
        },
    );
    files
}

fn sample() -> Files {
    sample_files().into_iter().collect()
}

fn json(files: &Files, path: &str) -> Value {
    let bytes = files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in the set"));
    let text = if path.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .expect("gzip");
        out
    } else {
        bytes.clone()
    };
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// `<account>/<region>` folders of the CLI outputs.
fn scopes(files: &Files) -> BTreeSet<(String, String)> {
    files
        .keys()
        .filter_map(|p| {
            let mut parts = p.split('/');
            let (a, r) = (parts.next()?, parts.next()?);
            (a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
                .then(|| (a.to_string(), r.to_string()))
        })
        .collect()
}

/// Every CloudTrail record, with its file.
fn events(files: &Files) -> Vec<Value> {
    files
        .keys()
        .filter(|p| p.starts_with("cloudtrail/"))
        .flat_map(|p| {
            json(files, p)["Records"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

/// The region's existing tables, from list-tables.
fn tables(files: &Files, scope: &(String, String)) -> Vec<String> {
    let v = json(
        files,
        &format!("{}/{}/dynamodb/list-tables.json", scope.0, scope.1),
    );
    v["TableNames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| s(n).to_string())
        .collect()
}

fn check_layout(files: &Files) {
    const PER_TABLE: [&str; 5] = [
        "describe-table.json",
        "describe-continuous-backups.json",
        "describe-time-to-live.json",
        "describe-kinesis-streaming-destination.json",
        "list-tags-of-resource.json",
    ];
    const PER_REGION: [&str; 9] = [
        "dynamodb/list-tables.json",
        "application-autoscaling/describe-scalable-targets.json",
        "lambda/list-event-source-mappings.json",
        "kms/list-aliases.json",
        "resourcegroupstaggingapi/get-resources.json",
        "backup/list-protected-resources.json",
        "config/describe-config-rules.json",
        "config/describe-compliance-by-config-rule.json",
        "config/describe-compliance-by-resource.json",
    ];
    let manifest = json(files, "collector.json");
    assert_eq!(manifest["tool"], "ddb-lens collect-exports");
    assert_eq!(manifest["version"], 1);
    let log = String::from_utf8(files["collector-errors.log"].clone()).unwrap();
    assert!(log.starts_with("# ddb-lens collect-exports errors log, version 1: "));
    let no_policy: BTreeSet<(String, String, String)> = log
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "{l}");
            assert_eq!(f[3], "dynamodb get-resource-policy");
            assert!(f[5].contains("(PolicyNotFoundException)"), "{l}");
            (f[1].to_string(), f[2].to_string(), f[4].to_string())
        })
        .collect();
    let scopes = scopes(files);
    assert!(scopes.len() >= 4, "{scopes:?}");
    for scope in &scopes {
        let dir = format!("{}/{}", scope.0, scope.1);
        assert!(manifest["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == scope.0.as_str()));
        for f in PER_REGION {
            assert!(files.contains_key(&format!("{dir}/{f}")), "no {dir}/{f}");
        }
        let rules = json(files, &format!("{dir}/config/describe-config-rules.json"));
        for rule in rules["ConfigRules"].as_array().unwrap() {
            let name = s(&rule["ConfigRuleName"]);
            assert!(files.contains_key(&format!("{dir}/config/compliance-details/{name}.json")));
        }
        let names = tables(files, scope);
        assert!(
            names.windows(2).all(|w| w[0] < w[1]),
            "ListTables is sorted"
        );
        for t in &names {
            let tdir = format!("{dir}/dynamodb/tables/{t}");
            for f in PER_TABLE {
                assert!(files.contains_key(&format!("{tdir}/{f}")), "no {tdir}/{f}");
            }
            assert!(files.contains_key(&format!("{dir}/config/resource-history/{t}.json")));
            let has_policy = files.contains_key(&format!("{tdir}/get-resource-policy.json"));
            let logged = no_policy.contains(&(scope.0.clone(), scope.1.clone(), t.clone()));
            assert!(
                has_policy != logged,
                "{tdir}: a policy or a PolicyNotFound line"
            );
        }
        // Tables gone during the window have their Config history still.
        for path in files
            .keys()
            .filter(|p| p.starts_with(&format!("{dir}/config/resource-history/")))
        {
            let history = json(files, path);
            let items = history["configurationItems"].as_array().unwrap();
            let name = s(&items[0]["resourceName"]).to_string();
            assert!(path.ends_with(&format!("/{name}.json")));
            if !names.contains(&name) {
                assert_eq!(
                    items[0]["configurationItemStatus"], "ResourceDeleted",
                    "{path}"
                );
            }
        }
    }
}

/// describe-table, describe-continuous-backups and list-tags-of-resource say what the Config
/// snapshot's item says, and the resource history's newest item is the snapshot's item.
fn check_outputs_agree_with_config(files: &Files) {
    for scope in scopes(files) {
        let (account, region) = (&scope.0, &scope.1);
        let snapshot = files
            .keys()
            .find(|p| {
                p.contains(&format!("AWSLogs/{account}/Config/{region}/"))
                    && p.contains("/ConfigSnapshot/")
            })
            .unwrap_or_else(|| panic!("no snapshot for {account}/{region}"));
        let snapshot = json(files, snapshot);
        let items: BTreeMap<String, &Value> = snapshot["configurationItems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (s(&i["resourceName"]).to_string(), i))
            .collect();
        let names = tables(files, &scope);
        assert_eq!(names, items.keys().cloned().collect::<Vec<_>>());
        for name in &names {
            let item = items[name];
            let c = &item["configuration"];
            let tdir = format!("{account}/{region}/dynamodb/tables/{name}");
            let t = json(files, &format!("{tdir}/describe-table.json"))["Table"].clone();
            assert_eq!(t["TableArn"], item["ARN"]);
            assert_eq!(
                t["DeletionProtectionEnabled"], c["deletionProtectionEnabled"],
                "{name}"
            );
            assert_eq!(
                t["SSEDescription"]["KMSMasterKeyArn"], c["sSEDescription"]["kMSMasterKeyArn"],
                "{name}"
            );
            assert_eq!(t["LatestStreamArn"], c["latestStreamArn"], "{name}");
            assert_eq!(
                t["StreamSpecification"]["StreamViewType"],
                c["streamSpecification"]["streamViewType"],
                "{name}"
            );
            let pitr = json(files, &format!("{tdir}/describe-continuous-backups.json"));
            assert_eq!(
                pitr["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
                    ["PointInTimeRecoveryStatus"],
                item["supplementaryConfiguration"]["ContinuousBackupsDescription"]
                    ["pointInTimeRecoveryDescription"]["pointInTimeRecoveryStatus"],
                "{name}"
            );
            let tags: BTreeMap<String, String> =
                json(files, &format!("{tdir}/list-tags-of-resource.json"))["Tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| (s(&t["Key"]).to_string(), s(&t["Value"]).to_string()))
                    .collect();
            let config_tags: BTreeMap<String, String> = item["tags"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), s(v).to_string()))
                .collect();
            assert_eq!(tags, config_tags, "{name}");
            let history = json(
                files,
                &format!("{account}/{region}/config/resource-history/{name}.json"),
            );
            let newest = &history["configurationItems"][0];
            assert_eq!(
                newest["configurationStateId"].as_str().unwrap(),
                item["configurationStateId"].to_string()
            );
            assert_eq!(
                newest["configurationItemStatus"],
                item["configurationItemStatus"]
            );
            assert_eq!(newest["relatedEvents"], item["relatedEvents"]);
            let configuration: Value = serde_json::from_str(s(&newest["configuration"])).unwrap();
            assert_eq!(&configuration, c, "{name}");
        }
    }
}

/// Every key a table names is described, the AWS managed key as AWS's, and alias/aws/dynamodb
/// points at it; encryption kinds of all three sorts occur.
fn check_kms(files: &Files) {
    let mut kinds = BTreeSet::new();
    for scope in scopes(files) {
        let dir = format!("{}/{}", scope.0, scope.1);
        let aliases = json(files, &format!("{dir}/kms/list-aliases.json"));
        let aws_key = aliases["Aliases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["AliasName"] == "alias/aws/dynamodb")
            .map(|a| s(&a["TargetKeyId"]).to_string())
            .expect("alias/aws/dynamodb");
        let meta = json(
            files,
            &format!("{dir}/kms/keys/{aws_key}/describe-key.json"),
        );
        assert_eq!(meta["KeyMetadata"]["KeyManager"], "AWS");
        for name in tables(files, &scope) {
            let t = json(
                files,
                &format!("{dir}/dynamodb/tables/{name}/describe-table.json"),
            );
            let Some(arn) = t["Table"]["SSEDescription"]["KMSMasterKeyArn"].as_str() else {
                kinds.insert("owned");
                continue;
            };
            let id = arn.rsplit('/').next().unwrap();
            let meta = json(files, &format!("{dir}/kms/keys/{id}/describe-key.json"));
            assert_eq!(meta["KeyMetadata"]["Arn"], arn);
            assert_eq!(meta["KeyMetadata"]["KeyState"], "Enabled", "{arn}");
            kinds.insert(if id == aws_key { "aws" } else { "customer" });
            assert_eq!(
                meta["KeyMetadata"]["KeyManager"],
                if id == aws_key { "AWS" } else { "CUSTOMER" }
            );
        }
    }
    assert_eq!(kinds.len(), 3, "{kinds:?}");
}

/// Triggers: one disabled, one failing, each on a stream of an existing table; some stream
/// has none.
fn check_triggers(files: &Files) {
    let (mut disabled, mut failing, mut unconsumed) = (0, 0, 0);
    for scope in scopes(files) {
        let dir = format!("{}/{}", scope.0, scope.1);
        let mappings = json(
            files,
            &format!("{dir}/lambda/list-event-source-mappings.json"),
        );
        let mut streams: BTreeSet<String> = BTreeSet::new();
        for m in mappings["EventSourceMappings"].as_array().unwrap() {
            disabled += usize::from(m["State"] == "Disabled");
            failing += usize::from(s(&m["LastProcessingResult"]).starts_with("PROBLEM: "));
            streams.insert(s(&m["EventSourceArn"]).to_string());
        }
        let mut arns = BTreeSet::new();
        for name in tables(files, &scope) {
            let t = json(
                files,
                &format!("{dir}/dynamodb/tables/{name}/describe-table.json"),
            );
            if let Some(arn) = t["Table"]["LatestStreamArn"].as_str() {
                arns.insert(arn.to_string());
                if t["Table"]["StreamSpecification"]["StreamEnabled"] == true
                    && !streams.contains(arn)
                {
                    unconsumed += 1;
                }
            }
        }
        assert!(
            streams.is_subset(&arns),
            "{dir}: a trigger on an unknown stream"
        );
    }
    assert_eq!((disabled, failing), (1, 1));
    assert!(unconsumed >= 1, "a stream with no trigger");
}

/// Config's evaluations judge the tables' states, but for at most two left on an older item
/// (a change Config has not re-evaluated yet); the summaries add them up.
fn check_evaluations(files: &Files) {
    let mut disagree = 0;
    for scope in scopes(files) {
        let dir = format!("{}/{}", scope.0, scope.1);
        let names = tables(files, &scope);
        let by_rule = json(
            files,
            &format!("{dir}/config/describe-compliance-by-config-rule.json"),
        );
        for rule in by_rule["ComplianceByConfigRules"].as_array().unwrap() {
            let name = s(&rule["ConfigRuleName"]);
            let details = json(
                files,
                &format!("{dir}/config/compliance-details/{name}.json"),
            );
            let mut failing = 0;
            for r in details["EvaluationResults"].as_array().unwrap() {
                let table =
                    s(&r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]);
                let verdict = s(&r["ComplianceType"]);
                if !names.iter().any(|n| n == table) {
                    assert_eq!(verdict, "NOT_APPLICABLE", "{table} is gone");
                    continue;
                }
                failing += usize::from(verdict == "NON_COMPLIANT");
                let tdir = format!("{dir}/dynamodb/tables/{table}");
                let t = json(files, &format!("{tdir}/describe-table.json"))["Table"].clone();
                let ok = if name.contains("pitr") {
                    json(files, &format!("{tdir}/describe-continuous-backups.json"))
                        ["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
                        ["PointInTimeRecoveryStatus"]
                        == "ENABLED"
                } else if name.contains("deletion-protection") {
                    t["DeletionProtectionEnabled"] == true
                } else if name.contains("encrypted-kms") {
                    t["SSEDescription"].is_object()
                } else if name == "required-tags" {
                    let keys: BTreeSet<String> =
                        json(files, &format!("{tdir}/list-tags-of-resource.json"))["Tags"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|t| s(&t["Key"]).to_string())
                            .collect();
                    ["Environment", "Confidentiality", "Security"]
                        .iter()
                        .all(|k| keys.contains(*k))
                } else {
                    continue;
                };
                if (verdict == "COMPLIANT") != ok {
                    disagree += 1;
                }
            }
            let capped = rule["Compliance"]["ComplianceContributorCount"]["CappedCount"]
                .as_u64()
                .unwrap_or(0);
            assert_eq!(capped as usize, failing, "{dir} {name}");
        }
    }
    assert!((1..=2).contains(&disagree), "{disagree} disagreements");
}

fn time(e: &Value) -> &str {
    s(&e["eventTime"])
}

/// The incidents are logged, once, and what they do shows in the logs.
fn check_incidents(files: &Files) {
    let events = events(files);
    let ok = |name: &str| -> Vec<&Value> {
        let mut v: Vec<&Value> = events
            .iter()
            .filter(|e| e["eventName"] == name && e.get("errorCode").is_none())
            .collect();
        v.sort_by_key(|e| time(e));
        v
    };
    for name in [
        "StopLogging",
        "StartLogging",
        "UpdateTrail",
        "DeleteTrail",
        "StopConfigurationRecorder",
        "StartConfigurationRecorder",
        "DeleteConfigRule",
        "PutKeyPolicy",
        "RevokeGrant",
        "ScheduleKeyDeletion",
        "CancelKeyDeletion",
        "RestoreTableToPointInTime",
        "RestoreTableFromBackup",
        "DeleteResourcePolicy",
        "DisableKinesisStreamingDestination",
        "CreateEventSourceMapping20150331",
        "UpdateEventSourceMapping20150331v2",
    ] {
        assert_eq!(ok(name).len(), 1, "{name}");
    }
    assert_eq!(ok("PutEventSelectors").len(), 2);
    assert!(events.iter().any(
        |e| e["eventSource"] == "dynamodb.amazonaws.com" && e["userIdentity"]["type"] == "Root"
    ));

    // Nothing is logged in the account while its trail is stopped.
    let (stop, start) = (ok("StopLogging")[0], ok("StartLogging")[0]);
    let account = &stop["recipientAccountId"];
    let between = |a: &Value, b: &Value, e: &Value| time(a) < time(e) && time(e) < time(b);
    assert!(!events
        .iter()
        .any(|e| &e["recipientAccountId"] == account && between(stop, start, e)));
    // No data events while the selectors leave DynamoDB out.
    let selectors = ok("PutEventSelectors");
    assert!(selectors[0]["requestParameters"]["eventSelectors"].is_array());
    assert!(selectors[1]["requestParameters"]["advancedEventSelectors"].is_array());
    assert!(!events.iter().any(|e| &e["recipientAccountId"] == account
        && e["eventCategory"] == "Data"
        && between(selectors[0], selectors[1], e)));
    // A key disabled or pending deletion is not needed in its region until enabled again.
    for (off, on) in [
        ("DisableKey", "EnableKey"),
        ("ScheduleKeyDeletion", "CancelKeyDeletion"),
    ] {
        for a in ok(off) {
            let key = &a["requestParameters"]["keyId"];
            let b = ok(on)
                .into_iter()
                .find(|b| &b["requestParameters"]["keyId"] == key && time(b) >= time(a))
                .unwrap_or_else(|| panic!("{off} of {key} not undone"));
            assert!(!events
                .iter()
                .any(|e| e["recipientAccountId"] == a["recipientAccountId"]
                    && e["awsRegion"] == a["awsRegion"]
                    && between(a, b, e)));
        }
    }
    // The disabled trigger's function polls no more; the stream is turned off after it.
    let update = ok("UpdateEventSourceMapping20150331v2")[0];
    let function = s(&update["responseElements"]["functionArn"])
        .rsplit(':')
        .next()
        .unwrap();
    assert!(!events.iter().any(|e| e["eventName"] == "GetRecords"
        && s(&e["userIdentity"]["arn"]).ends_with(&format!("/{function}"))
        && time(e) > time(update)));
    let stream_off = events
        .iter()
        .find(|e| e["requestParameters"]["streamSpecification"]["streamEnabled"] == false)
        .expect("UpdateTable turning a stream off");
    assert!(time(stream_off) >= time(update));
    // The keys the KMS incidents touch protect tables DynamoDB calls KMS for.
    let protecting: BTreeSet<&str> = events
        .iter()
        .filter(|e| {
            e["requestParameters"]["encryptionContext"]["aws:dynamodb:tableName"].is_string()
        })
        .filter_map(|e| e["resources"][0]["ARN"].as_str())
        .collect();
    for name in [
        "PutKeyPolicy",
        "RevokeGrant",
        "DisableKey",
        "ScheduleKeyDeletion",
    ] {
        let key = s(&ok(name)[0]["requestParameters"]["keyId"]);
        assert!(
            protecting.contains(key),
            "{name} on {key}, which protects no table"
        );
    }
    // A restored table exists at the end, without what a restore does not carry over.
    let restore = ok("RestoreTableToPointInTime")[0];
    let target = s(&restore["requestParameters"]["targetTableName"]);
    let dir = format!(
        "{}/{}",
        s(&restore["recipientAccountId"]),
        s(&restore["awsRegion"])
    );
    let t = json(
        files,
        &format!("{dir}/dynamodb/tables/{target}/describe-table.json"),
    );
    assert_eq!(
        t["Table"]["RestoreSummary"]["SourceTableArn"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap(),
        s(&restore["requestParameters"]["sourceTableName"])
    );
    let tags = json(
        files,
        &format!("{dir}/dynamodb/tables/{target}/list-tags-of-resource.json"),
    );
    assert_eq!(tags["Tags"].as_array().unwrap().len(), 0);
}

#[test]
fn the_sample_is_a_collector_folder() {
    check_layout(&sample());
}

#[test]
fn a_larger_estate_is_a_collector_folder() {
    check_layout(&larger());
}

#[test]
fn cli_outputs_agree_with_config_deliveries() {
    check_outputs_agree_with_config(&sample());
    check_outputs_agree_with_config(&larger());
}

#[test]
fn kms_keys_behind_tables_are_described() {
    check_kms(&sample());
    check_kms(&larger());
}

#[test]
fn triggers_one_disabled_one_failing_and_a_stream_without_one() {
    check_triggers(&sample());
    check_triggers(&larger());
}

#[test]
fn config_evaluations_agree_with_the_tables_but_a_lag() {
    check_evaluations(&sample());
    check_evaluations(&larger());
}

#[test]
fn incidents_are_logged_and_shape_the_logs() {
    check_incidents(&sample());
    check_incidents(&larger());
}
