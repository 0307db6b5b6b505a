//! Tag coverage (issue 6): the policy and its stored JSON, AWS Organizations tag policy import
//! from real-format fixtures, coverage arithmetic over every table seen, near-duplicate value
//! groups, history from CloudTrail events and Config items, the charts, and a generated
//! inventory of a few hundred tables with realistic drift.

use std::collections::BTreeMap;
use std::path::Path;

use ddb_lens_core::analysis::tags::{
    changes_from_events, changes_from_snapshots, coverage, history, normalise_value, Cell,
    PolicyError, RequiredKey, Share, TagChange, TagChangeSource, TagHistoryKind, TagPolicy,
    TagSnapshot, TaggedTable,
};
use ddb_lens_core::charts::tags::{coverage_bars_svg, coverage_heatmap_svg};
use ddb_lens_core::time::parse_iso_ms;
use ddb_lens_core::{Limits, Loader};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tags")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ms(iso: &str) -> i64 {
    parse_iso_ms(iso).unwrap()
}

fn table(account: &str, region: &str, name: &str, tags: &[(&str, &str)]) -> TaggedTable {
    TaggedTable {
        account: account.into(),
        region: region.into(),
        name: name.into(),
        arn: if account.is_empty() || region.is_empty() {
            String::new()
        } else {
            format!("arn:aws:dynamodb:{region}:{account}:table/{name}")
        },
        tags: tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// The default keys, with Environment limited to three values.
fn policy() -> TagPolicy {
    let mut policy = TagPolicy::default();
    policy.keys[2].allowed_values = vec!["prod".into(), "staging".into(), "dev".into()];
    policy
}

const A1: &str = "111122223333";
const A2: &str = "444455556666";

fn estate() -> Vec<TaggedTable> {
    vec![
        table(
            A1,
            "eu-west-1",
            "orders",
            &[
                ("Environment", "prod"),
                ("Confidentiality", "confidential"),
                ("Security", "high"),
            ],
        ),
        table(
            A1,
            "eu-west-1",
            "carts",
            &[("environment", "Prod"), ("Security", "")],
        ),
        table(
            A1,
            "us-east-1",
            "invoices",
            &[
                ("Environment ", "production "),
                ("Confidentiality", "PII"),
                ("Security", "high"),
            ],
        ),
        table(A2, "us-east-1", "sessions", &[]),
        table(
            A2,
            "us-east-1",
            "orders",
            &[
                ("Environment", "Production"),
                ("Confidentiality", "internal"),
            ],
        ),
        table("", "", "legacy", &[("Owner", "team-data")]),
        // The same table again (say, from a second inventory file): counted once.
        table(A1, "eu-west-1", "orders", &[]),
    ]
}

fn share(count: u64, of: u64) -> Share {
    Share { count, of }
}

#[test]
fn coverage_counts_every_table_seen() {
    let report = coverage(&estate(), &policy());
    assert_eq!(report.tables, 6);
    assert_eq!(report.duplicates_ignored, 1);
    assert_eq!(report.compliant, share(1, 6));
    assert_eq!(report.untagged, share(1, 6));
    assert_eq!(report.untagged_tables.len(), 1);
    assert_eq!(report.untagged_tables[0].name, "sessions");

    let keys: Vec<(&str, Share, Share, Share, Share)> = report
        .keys
        .iter()
        .map(|k| {
            (
                k.key.as_str(),
                k.with_key,
                k.with_allowed_value,
                k.near_miss,
                k.missing,
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            (
                "Security",
                share(3, 6),
                share(3, 6),
                share(0, 6),
                share(3, 6)
            ),
            (
                "Confidentiality",
                share(3, 6),
                share(3, 6),
                share(0, 6),
                share(3, 6)
            ),
            (
                "Environment",
                share(2, 6),
                share(1, 6),
                share(2, 6),
                share(2, 6)
            ),
        ]
    );
    assert_eq!(report.keys[2].with_key.label(), "2 of 6 (33%)");

    // By account: the table with no account is its own group, first.
    let accounts: Vec<(&str, u64, Share)> = report
        .by_account
        .iter()
        .map(|g| (g.group.as_str(), g.tables, g.compliant))
        .collect();
    assert_eq!(
        accounts,
        vec![
            ("(unknown)", 1, share(0, 1)),
            (A1, 3, share(1, 3)),
            (A2, 2, share(0, 2)),
        ]
    );
    let a2_env = &report.by_account[2].keys[2];
    assert_eq!(
        (a2_env.with_key, a2_env.with_allowed_value, a2_env.missing),
        (share(1, 2), share(0, 2), share(1, 2))
    );
    let regions: Vec<(&str, u64)> = report
        .by_region
        .iter()
        .map(|g| (g.group.as_str(), g.tables))
        .collect();
    assert_eq!(
        regions,
        vec![("(unknown)", 1), ("eu-west-1", 2), ("us-east-1", 3)]
    );
    // The group shares add up to the whole.
    for groups in [&report.by_account, &report.by_region] {
        for k in 0..3 {
            let sum: u64 = groups.iter().map(|g| g.keys[k].with_key.count).sum();
            assert_eq!(sum, report.keys[k].with_key.count);
        }
    }

    // The matrix: rows by account, region, name; cells in policy order.
    let names: Vec<(&str, &str)> = report
        .rows
        .iter()
        .map(|r| (r.account.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("", "legacy"),
            (A1, "carts"),
            (A1, "orders"),
            (A1, "invoices"),
            (A2, "orders"),
            (A2, "sessions"),
        ]
    );
    let carts = &report.rows[1];
    assert_eq!(
        carts.cells,
        vec![
            Cell::AllowedValue { value: "".into() },
            Cell::Missing,
            Cell::NearMiss {
                found_key: "environment".into(),
                value: "Prod".into()
            },
        ]
    );
    assert!(!carts.compliant);
    assert_eq!(carts.tag_count, 2);
    assert_eq!(
        report.rows[3].cells[2],
        Cell::NearMiss {
            found_key: "Environment ".into(),
            value: "production ".into()
        }
    );
    assert_eq!(
        report.rows[4].cells[2],
        Cell::OtherValue {
            value: "Production".into()
        }
    );
    assert!(report.rows[2].compliant);
}

#[test]
fn case_insensitive_keys_take_any_case_but_not_spaces() {
    let mut policy = policy();
    for key in &mut policy.keys {
        key.case_sensitive = false;
    }
    let report = coverage(&estate(), &policy);
    let carts = &report.rows[1];
    // "environment" is the key now, and "Prod" an allowed value ignoring case.
    assert_eq!(
        carts.cells[2],
        Cell::AllowedValue {
            value: "Prod".into()
        }
    );
    // Surrounding spaces still only come close.
    assert!(matches!(report.rows[3].cells[2], Cell::NearMiss { .. }));
    assert_eq!(report.keys[2].with_key, share(3, 6));
    assert_eq!(report.keys[2].near_miss, share(1, 6));
}

#[test]
fn near_duplicate_values_are_grouped() {
    let tables: Vec<TaggedTable> = [
        "prod",
        "prod",
        "Prod",
        "production ",
        "PROD",
        "prd",
        "staging",
        "stg",
        "Stage",
        "dev",
        "qa",
    ]
    .iter()
    .enumerate()
    .map(|(i, env)| {
        table(
            A1,
            "eu-west-1",
            &format!("t{i:02}"),
            &[("Environment", env)],
        )
    })
    .collect();
    let report = coverage(&tables, &policy());
    let env = &report.values[2];
    assert_eq!(env.key, "Environment");
    assert_eq!(env.tables, 11);
    type Group<'a> = (&'a str, u64, Vec<(&'a str, u64, bool)>);
    let groups: Vec<Group> = env
        .groups
        .iter()
        .map(|g| {
            (
                g.normalised.as_str(),
                g.tables,
                g.variants
                    .iter()
                    .map(|v| (v.value.as_str(), v.tables, v.allowed))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        vec![
            (
                "prod",
                6,
                vec![
                    ("prod", 2, true),
                    ("PROD", 1, false),
                    ("Prod", 1, false),
                    ("prd", 1, false),
                    ("production ", 1, false),
                ]
            ),
            (
                "staging",
                3,
                vec![("Stage", 1, false), ("staging", 1, true), ("stg", 1, false)]
            ),
            ("dev", 1, vec![("dev", 1, true)]),
            ("qa", 1, vec![("qa", 1, false)]),
        ]
    );
    assert_eq!(normalise_value(" Pre_Prod "), "pre-prod");
}

#[test]
fn policy_json_is_versioned_and_validated() {
    let stored = policy().to_json();
    assert_eq!(
        stored,
        r#"{"version":1,"keys":[{"key":"Security","allowed_values":[],"case_sensitive":true},{"key":"Confidentiality","allowed_values":[],"case_sensitive":true},{"key":"Environment","allowed_values":["prod","staging","dev"],"case_sensitive":true}]}"#
    );
    assert_eq!(TagPolicy::from_json(&stored), Ok(policy()));
    // serde gives the same form, e.g. inside a report.
    assert_eq!(serde_json::to_string(&policy()).unwrap(), stored);
    let back: TagPolicy = serde_json::from_str(&stored).unwrap();
    assert_eq!(back, policy());
    // Omitted fields take their defaults.
    assert_eq!(
        TagPolicy::from_json(r#"{"version":1,"keys":[{"key":"Owner"}]}"#),
        Ok(TagPolicy {
            keys: vec![RequiredKey::new("Owner")]
        })
    );

    assert_eq!(
        TagPolicy::from_json(r#"{"version":2,"keys":[],"rules":{}}"#),
        Err(PolicyError::UnsupportedVersion(2))
    );
    assert_eq!(
        TagPolicy::from_json(r#"{"keys":[]}"#),
        Err(PolicyError::MissingVersion)
    );
    assert!(matches!(
        TagPolicy::from_json("{"),
        Err(PolicyError::Json(_))
    ));
    assert!(serde_json::from_str::<TagPolicy>(r#"{"version":2,"keys":[]}"#).is_err());

    let invalid = |keys: Vec<RequiredKey>| TagPolicy { keys }.validate().unwrap_err();
    assert_eq!(
        invalid(vec![RequiredKey::new("Env"), RequiredKey::new("ENV")]),
        PolicyError::DuplicateKey {
            key: "ENV".into(),
            earlier: "Env".into()
        }
    );
    assert_eq!(
        invalid(vec![RequiredKey::new(" ")]),
        PolicyError::EmptyKey { index: 0 }
    );
    assert_eq!(
        invalid(vec![RequiredKey::new("Environment ")]).to_string(),
        "key \"Environment \" starts or ends with a space"
    );
    let mut twice = RequiredKey::new("Environment");
    twice.allowed_values = vec!["prod".into(), "prod".into()];
    assert!(matches!(
        invalid(vec![twice]),
        PolicyError::DuplicateValue { .. }
    ));
    assert!(matches!(
        invalid(vec![RequiredKey::new(&"k".repeat(129))]),
        PolicyError::KeyTooLong { .. }
    ));
    assert!(matches!(
        invalid(
            (0..51)
                .map(|i| RequiredKey::new(&format!("k{i}")))
                .collect()
        ),
        PolicyError::TooManyKeys(51)
    ));
    assert_eq!(TagPolicy { keys: Vec::new() }.validate(), Ok(()));
}

#[test]
fn organizations_policy_with_enforcement_and_wildcards() {
    let (policy, notes) =
        TagPolicy::from_organizations_policy(&fixture("org-policy-dynamodb.json")).unwrap();
    // Entries in policy-key order; every key case-sensitive, as tag_key fixes its case.
    let keys: Vec<(&str, Vec<&str>, bool)> = policy
        .keys
        .iter()
        .map(|k| {
            (
                k.key.as_str(),
                k.allowed_values.iter().map(String::as_str).collect(),
                k.case_sensitive,
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            (
                "Confidentiality",
                vec!["public", "internal", "confidential", "restricted"],
                true
            ),
            ("CostCenter", vec!["100", "200", "CC-10*"], true),
            ("Environment", vec!["prod", "staging", "dev"], true),
        ]
    );
    // The wildcard matches a prefix.
    assert!(policy.keys[1].allows("CC-1042"));
    assert!(!policy.keys[1].allows("CC-2000"));
    // Only CostCenter is not enforced for DynamoDB tables.
    assert_eq!(notes.len(), 2, "{notes:#?}");
    assert!(notes[0].contains("ddb-lens requires every imported key"));
    assert_eq!(
        notes[1],
        "costcenter: enforced_for covers secretsmanager:* but not dynamodb:table, so AWS does \
         not refuse non-compliant \"CostCenter\" tags on tables; ddb-lens checks them anyway."
    );
}

#[test]
fn organizations_policy_with_inheritance_operators() {
    let (policy, notes) =
        TagPolicy::from_organizations_policy(&fixture("org-policy-inherited.json")).unwrap();
    let keys: Vec<(&str, Vec<&str>)> = policy
        .keys
        .iter()
        .map(|k| {
            (
                k.key.as_str(),
                k.allowed_values.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            // @@remove applied to this file's own values.
            ("Environment", vec!["prod", "dev"]),
            // No tag_key: the policy key, lower case; "*" allows anything.
            ("owner", vec![]),
            // @@append values are the only ones known.
            ("Security", vec!["high", "critical"]),
        ]
    );
    let joined = notes.join("\n");
    for expected in [
        "environment: ignored the field \"report_required_for\"",
        "environment: @@remove takes \"sandbox\" away",
        "owner: no tag_key, so the compliant capitalisation is \"owner\"",
        "security: @@append adds \"high\", \"critical\"",
        "security: child policies may use @@append, @@remove on tag_value",
        "security: no enforced_for",
    ] {
        assert!(joined.contains(expected), "{expected}\n{joined}");
    }
    // "@@none" locks a field: nothing to say about owner's or security's tag_key.
    assert!(!joined.contains("owner: child policies"), "{joined}");
    assert!(!joined.contains("on tag_key"), "{joined}");
    // Deterministic: the same notes every time.
    assert_eq!(
        TagPolicy::from_organizations_policy(&fixture("org-policy-inherited.json"))
            .unwrap()
            .1,
        notes
    );
}

#[test]
fn organizations_effective_policy_from_the_cli() {
    let (policy, notes) =
        TagPolicy::from_organizations_policy(&fixture("org-effective-policy.json")).unwrap();
    assert_eq!(
        policy,
        TagPolicy {
            keys: vec![
                RequiredKey {
                    key: "CostCenter".into(),
                    allowed_values: vec!["Sandbox".into(), "300*".into()],
                    case_sensitive: true,
                },
                RequiredKey {
                    key: "Environment".into(),
                    allowed_values: vec!["prod".into(), "dev".into()],
                    case_sensitive: true,
                },
            ]
        }
    );
    assert!(
        notes[1].starts_with("environment: no enforced_for"),
        "{notes:#?}"
    );
    assert_eq!(notes.len(), 2);
}

#[test]
fn organizations_import_errors_say_what_is_wrong() {
    let import = |json: &str| TagPolicy::from_organizations_policy(json).unwrap_err();
    assert_eq!(
        import(r#"{"Version":"2012-10-17","Statement":[]}"#).to_string(),
        "not an AWS Organizations tag policy: it has no \"tags\" object at the top"
    );
    assert_eq!(
        import(r#"{"Policy":{"PolicySummary":{"Type":"SERVICE_CONTROL_POLICY"},"Content":"{}"}}"#)
            .to_string(),
        "not an AWS Organizations tag policy: it is a SERVICE_CONTROL_POLICY, not a TAG_POLICY"
    );
    assert_eq!(
        import(r#"{"tags":{"env":{"tag_key":{"@@assign":["Env"]}}}}"#).to_string(),
        "tag policy entry \"env\": tag_key is not a string"
    );
    assert_eq!(
        import(r#"{"tags":{"env":{"tag_value":{"@@replace":["a"]}}}}"#).to_string(),
        "tag policy entry \"env\": tag_value has the unknown operator \"@@replace\""
    );
    assert!(matches!(
        import(r#"{"tags":{}}"#),
        PolicyError::NotATagPolicy(_)
    ));
    assert!(matches!(import("[1,"), PolicyError::Json(_)));
    // describe-policy output is read like the policy it holds.
    let wrapped = serde_json::json!({"Policy": {
        "PolicySummary": {"Id": "p-95ouootbn3", "Type": "TAG_POLICY", "Name": "Tables"},
        "Content": fixture("org-policy-dynamodb.json"),
    }});
    let (policy, _) = TagPolicy::from_organizations_policy(&wrapped.to_string()).unwrap();
    assert_eq!(policy.keys.len(), 3);
}

fn load_tagging_events() -> Loader {
    let mut loader = Loader::new(Limits::default());
    let report = loader.ingest(
        "AWSLogs/111122223333/CloudTrail/eu-west-1/tagging.json",
        fixture("tagging-events.json").as_bytes(),
    );
    assert_eq!(report.records, 7, "{report:?}");
    loader
}

const ALICE: &str = "arn:aws:sts::111122223333:assumed-role/DataAdmin/alice";

#[test]
fn changes_from_cloudtrail_tagging_events() {
    let loader = load_tagging_events();
    let changes = changes_from_events(loader.model());
    let summary: Vec<(&str, &str, &str, Option<&str>, bool)> = changes
        .iter()
        .map(|c| {
            (
                c.account.as_str(),
                c.table.as_str(),
                c.key.as_str(),
                c.new.as_deref(),
                c.old_known,
            )
        })
        .collect();
    // The refused TagResource and the DAX one add nothing; CreateTable's tags count, with a
    // known "absent" before.
    assert_eq!(
        summary,
        vec![
            (A1, "orders", "Confidentiality", Some("confidential"), false),
            (A1, "orders", "Environment", Some("prod"), false),
            (A1, "orders", "Owner", Some("team-checkout"), false),
            (A1, "orders", "Confidentiality", None, false),
            (A1, "carts", "Security", Some("high"), true),
            (A1, "carts", "environment", Some("Prod"), true),
            (A2, "invoices", "Environment ", Some("production "), false),
            (A1, "orders", "Environment", Some("Production"), false),
        ]
    );
    let first = &changes[0];
    assert_eq!(first.time_ms, ms("2026-03-02T09:00:00Z"));
    assert_eq!(first.actor, ALICE);
    assert_eq!(first.region, "eu-west-1");
    assert_eq!(
        first.source,
        TagChangeSource::Event {
            file: "AWSLogs/111122223333/CloudTrail/eu-west-1/tagging.json".into(),
            record_index: 1,
            event_name: "TagResource".into(),
        }
    );
    // Account and region of a cross-account change come from the table's ARN.
    assert_eq!(changes[6].region, "us-east-1");
}

#[test]
fn history_from_events_reads_as_sentences() {
    let loader = load_tagging_events();
    let entries = history(&changes_from_events(loader.model()), &policy());
    let sentences: Vec<&str> = entries.iter().map(|e| e.sentence.as_str()).collect();
    assert_eq!(
        sentences,
        vec![
            format!("orders had its Confidentiality tag set to \"confidential\" on 2026-03-02 (TagResource by {ALICE})"),
            format!("orders had its Environment tag set to \"prod\" on 2026-03-02 (TagResource by {ALICE})"),
            "orders lost its Confidentiality tag (was \"confidential\") on 2026-03-02 (UntagResource by arn:aws:iam::111122223333:user/bob)".to_string(),
            format!("carts gained its \"environment\" tag (near miss of Environment) with \"Prod\" (not allowed) on 2026-03-03 (CreateTable by {ALICE})"),
            format!("carts gained its Security tag with \"high\" on 2026-03-03 (CreateTable by {ALICE})"),
            "invoices had its \"Environment \" tag (near miss of Environment) set to \"production \" (not allowed) on 2026-03-03 (TagResource by arn:aws:iam::444455556666:user/ci-deploy)".to_string(),
            format!("orders had its Environment tag changed from \"prod\" to \"Production\" (not allowed) on 2026-03-04 (TagResource by {ALICE})"),
        ]
    );
    let kinds: Vec<TagHistoryKind> = entries.iter().map(|e| e.kind).collect();
    use TagHistoryKind::*;
    assert_eq!(
        kinds,
        vec![Set, Set, Lost, Gained, Gained, Set, ValueChanged]
    );
    assert_eq!(entries[3].key, "Environment");
    assert_eq!(entries[3].found_key, "environment");
    assert!(entries[3].near_miss);
    assert_eq!(entries[3].allowed_after, Some(false));
    assert_eq!(entries[2].allowed_after, None);
    // A policy without Owner leaves Owner out; one with it lists it.
    let mut with_owner = policy();
    with_owner.keys.push(RequiredKey::new("Owner"));
    assert_eq!(
        history(&changes_from_events(loader.model()), &with_owner).len(),
        8
    );
}

#[test]
fn history_from_config_items_joins_the_events() {
    let loader = load_tagging_events();
    let snapshot = |time: &str, file: &str, tags: &[(&str, &str)]| TagSnapshot {
        time_ms: ms(time),
        account: A1.into(),
        region: "eu-west-1".into(),
        table: "orders".into(),
        tags: tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        file: file.into(),
    };
    // Out of order on purpose: changes_from_snapshots sorts by capture time.
    let snapshots = vec![
        snapshot(
            "2026-03-04T07:55:00Z",
            "config/3.json",
            &[("Environment", "Production"), ("Security", "low")],
        ),
        snapshot(
            "2026-03-02T08:00:00Z",
            "config/1.json",
            &[("Environment", "prod"), ("Confidentiality", "confidential")],
        ),
        snapshot(
            "2026-03-02T10:25:00Z",
            "config/2.json",
            &[("Environment", "prod")],
        ),
    ];
    let config = changes_from_snapshots(&snapshots);
    let summary: Vec<(&str, Option<&str>, Option<&str>)> = config
        .iter()
        .map(|c| (c.key.as_str(), c.old.as_deref(), c.new.as_deref()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Confidentiality", Some("confidential"), None),
            ("Environment", Some("prod"), Some("Production")),
            ("Security", None, Some("low")),
        ]
    );
    assert!(config.iter().all(|c| c.old_known && c.actor.is_empty()));

    let mut all = changes_from_events(loader.model());
    all.extend(config);
    let entries = history(&all, &policy());
    // The UntagResource and the Production change are each confirmed by a Config item, not
    // listed twice; the Security change only Config saw.
    assert_eq!(entries.len(), 8);
    let lost = &entries[2];
    assert_eq!(lost.kind, TagHistoryKind::Lost);
    assert_eq!(lost.sources.len(), 2);
    assert!(matches!(
        lost.sources[1],
        TagChangeSource::ConfigItem { ref file, .. } if file == "config/2.json"
    ));
    let last = entries.last().unwrap();
    assert_eq!(
        last.sentence,
        "orders gained its Security tag with \"low\" on 2026-03-04 (recorded by AWS Config)"
    );
    assert_eq!(entries[6].kind, TagHistoryKind::ValueChanged);
    assert_eq!(entries[6].sources.len(), 2);

    // Config items built by hand, the integrator's way, read the same.
    let by_hand = TagChange {
        time_ms: ms("2026-03-05T12:00:00Z"),
        account: A1.into(),
        region: "eu-west-1".into(),
        table: "orders".into(),
        key: "Security".into(),
        old: Some("low".into()),
        new: None,
        old_known: true,
        actor: String::new(),
        source: TagChangeSource::ConfigItem {
            file: "config/4.json".into(),
            capture_time_ms: ms("2026-03-05T12:00:00Z"),
        },
    };
    let entries = history(&[by_hand], &policy());
    assert_eq!(
        entries[0].sentence,
        "orders lost its Security tag (was \"low\") on 2026-03-05 (recorded by AWS Config)"
    );
}

#[test]
fn history_serialises_for_the_report() {
    let loader = load_tagging_events();
    let entries = history(&changes_from_events(loader.model()), &policy());
    let json = serde_json::to_value(&entries[2]).unwrap();
    assert_eq!(json["kind"], "lost");
    assert_eq!(json["sources"][0]["kind"], "event");
    assert_eq!(json["sources"][0]["event_name"], "UntagResource");
    let report = coverage(&estate(), &policy());
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["policy"]["version"], 1);
    assert_eq!(json["rows"][1]["cells"][2]["state"], "near_miss");
    assert_eq!(json["rows"][1]["cells"][1]["state"], "missing");
    let back: ddb_lens_core::analysis::tags::TagCoverage = serde_json::from_value(json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn charts_are_deterministic_and_escape_hostile_names() {
    let mut tables = estate();
    tables.push(table(
        A1,
        "eu-west-1",
        "<script>alert(1)</script>",
        &[("Environment", "<img src=x onerror=alert(2)>")],
    ));
    let mut policy = policy();
    policy
        .keys
        .push(RequiredKey::new("Team\"><script>x</script>"));
    let report = coverage(&tables, &policy);
    for svg in [
        coverage_bars_svg(&report, 640),
        coverage_heatmap_svg(&report, 640, 100),
        coverage_heatmap_svg(&report, 300, 3),
    ] {
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\""), "{svg}");
        assert!(!svg.to_lowercase().contains("<script"), "{svg}");
        assert!(!svg.contains("<img"), "{svg}");
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(
            svg.ends_with("</svg>\n") || svg.ends_with("</svg>"),
            "{svg}"
        );
    }
    let heatmap = coverage_heatmap_svg(&report, 640, 100);
    assert!(
        heatmap.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{heatmap}"
    );
    assert!(
        heatmap.contains("Team&quot;&gt;&lt;script&gt;"),
        "{heatmap}"
    );
    // Same input, same bytes.
    assert_eq!(heatmap, coverage_heatmap_svg(&report, 640, 100));
    assert_eq!(
        coverage_bars_svg(&report, 640),
        coverage_bars_svg(&report, 640)
    );
}

#[test]
fn bars_state_counts_and_heatmap_caps_rows() {
    let report = coverage(&estate(), &policy());
    let bars = coverage_bars_svg(&report, 640);
    assert!(bars.contains("\n2 of 6 (33%)\n"), "{bars}");
    assert!(bars.contains("\n1 of 6 (17%)\n"), "{bars}");
    assert!(bars.contains("\nEnvironment\n"), "{bars}");
    assert!(bars.contains("Environment: 33% with the key, 17% with an allowed value"));

    let all = coverage_heatmap_svg(&report, 640, 100);
    // Background, four legend swatches, a cell per table and key.
    assert_eq!(all.matches("<rect").count(), 1 + 4 + 6 * 3, "{all}");
    assert!(!all.contains("more tables"));
    // Capped: the least compliant rows first, and a line for the rest.
    let capped = coverage_heatmap_svg(&report, 640, 2);
    assert_eq!(capped.matches("<rect").count(), 1 + 4 + 2 * 3);
    assert!(
        capped.contains("… and 4 more tables (1 of them compliant)"),
        "{capped}"
    );
    // "legacy" and "sessions" miss all three keys: they come first.
    assert!(
        capped.contains("\nlegacy\n") && capped.contains("\nsessions\n"),
        "{capped}"
    );
    // The two tables named orders say where they are.
    assert!(all.contains("orders · eu-west-1 111122223333"), "{all}");

    let empty = coverage(&[], &policy());
    assert!(coverage_bars_svg(&empty, 640).contains("No tables loaded"));
    assert!(coverage_heatmap_svg(&empty, 640, 10).contains("No tables loaded"));
}

fn generated(tables: u32, seed: u64) -> Vec<TaggedTable> {
    let cfg = ddb_lens_gen::GenConfig {
        tables,
        seed,
        ..Default::default()
    };
    ddb_lens_gen::tagged_tables(&cfg)
        .into_iter()
        .map(|t| TaggedTable {
            account: t.account,
            region: t.region,
            name: t.name,
            arn: t.arn,
            tags: t.tags.into_iter().collect::<BTreeMap<_, _>>(),
        })
        .collect()
}

#[test]
fn generated_inventory_of_hundreds_of_tables_shows_the_drift() {
    let tables = generated(400, 7);
    assert!(
        tables.len() > 380 && tables.len() <= 400,
        "{}",
        tables.len()
    );
    let report = coverage(&tables, &policy());
    let n = tables.len() as u64;
    assert_eq!(report.tables, n);
    assert_eq!(report.duplicates_ignored, 0);
    for key in &report.keys {
        assert_eq!(
            key.with_key.count + key.near_miss.count + key.missing.count,
            n,
            "{key:?}"
        );
        assert!(key.with_allowed_value.count <= key.with_key.count);
        assert!([
            key.with_key,
            key.with_allowed_value,
            key.near_miss,
            key.missing
        ]
        .iter()
        .all(|s| s.of == n));
    }
    for groups in [&report.by_account, &report.by_region] {
        assert_eq!(groups.iter().map(|g| g.tables).sum::<u64>(), n);
    }
    assert_eq!(report.by_account.len(), 3);
    assert_eq!(report.by_region.len(), 2);

    // Realistic drift: most tables carry Environment, some spelled "environment", values
    // drift, some tables carry nothing, few are fully compliant.
    let env = &report.keys[2];
    let percent = |s: Share| s.percent();
    assert!((60.0..90.0).contains(&percent(env.with_key)), "{env:?}");
    assert!(env.near_miss.count > 0, "{env:?}");
    assert!(env.with_allowed_value.count < env.with_key.count);
    let security = &report.keys[0];
    assert!(security.near_miss.count > 0, "{security:?}");
    assert!(
        (5.0..20.0).contains(&percent(report.untagged)),
        "{:?}",
        report.untagged
    );
    assert!(report.compliant.count > 0 && report.compliant.count < n / 2);

    let prod = report.values[2]
        .groups
        .iter()
        .find(|g| g.normalised == "prod")
        .expect("a prod group");
    let spellings: Vec<&str> = prod.variants.iter().map(|v| v.value.as_str()).collect();
    for expected in ["prod", "Prod", "production", "production ", "PROD", "prd"] {
        assert!(spellings.contains(&expected), "{expected}: {spellings:?}");
    }
    assert_eq!(
        prod.variants.iter().map(|v| v.tables).sum::<u64>(),
        prod.tables
    );
    assert!(prod.variants[0].value == "prod");

    // The charts stay readable: capped rows and a line for the rest.
    let heatmap = coverage_heatmap_svg(&report, 720, 60);
    assert_eq!(heatmap.matches("<rect").count(), 1 + 4 + 60 * 3);
    assert!(heatmap.contains(&format!("… and {} more tables", n - 60)));

    // Deterministic: the same seed gives the same figures.
    assert_eq!(coverage(&generated(400, 7), &policy()), report);
}

#[test]
fn sample_tag_events_agree_with_its_inventory() {
    let mut loader = Loader::new(Limits::default());
    for (path, bytes) in ddb_lens_gen::sample_files() {
        loader.ingest(&path, &bytes);
    }
    let changes = changes_from_events(loader.model());
    assert!(changes.len() >= 3, "{changes:#?}");
    // Replaying the events in time order ends at the tags the sample's inventory lists.
    let inventory: BTreeMap<(String, String, String), BTreeMap<String, String>> =
        ddb_lens_gen::tagged_tables(&ddb_lens_gen::sample_config())
            .into_iter()
            .map(|t| ((t.account, t.region, t.name), t.tags.into_iter().collect()))
            .collect();
    let mut last: BTreeMap<(String, String, String, String), Option<String>> = BTreeMap::new();
    for c in &changes {
        last.insert(
            (
                c.account.clone(),
                c.region.clone(),
                c.table.clone(),
                c.key.clone(),
            ),
            c.new.clone(),
        );
    }
    for ((account, region, table, key), value) in &last {
        let tags = inventory
            .get(&(account.clone(), region.clone(), table.clone()))
            .unwrap_or_else(|| panic!("{table} is not in the inventory"));
        assert_eq!(tags.get(key), value.as_ref(), "{table} {key}");
    }
    let entries = history(&changes, &TagPolicy::default());
    assert!(!entries.is_empty());
    assert!(
        entries.iter().all(|e| e.sentence.contains(" on 2026-03-0")),
        "{entries:#?}"
    );
}

#[test]
fn tag_editor_changes_count_once() {
    let mut loader = Loader::new(Limits::default());
    let report = loader.ingest(
        "tagging-api.json",
        fixture("tagging-api-events.json").as_bytes(),
    );
    assert_eq!(report.records, 3, "{report:?}");
    let changes = changes_from_events(loader.model());
    let summary: Vec<(&str, &str, Option<&str>, &str)> = changes
        .iter()
        .map(|c| {
            let TagChangeSource::Event { event_name, .. } = &c.source else {
                panic!("{c:?}");
            };
            (
                c.table.as_str(),
                c.key.as_str(),
                c.new.as_deref(),
                event_name.as_str(),
            )
        })
        .collect();
    // The S3 bucket is not a table; the Tag Editor's change to orders repeats DynamoDB's.
    assert_eq!(
        summary,
        vec![
            (
                "carts",
                "Confidentiality",
                Some("restricted"),
                "TagResources"
            ),
            ("carts", "Team", Some("data"), "TagResources"),
            (
                "orders",
                "Confidentiality",
                Some("restricted"),
                "TagResource"
            ),
            ("orders", "Team", Some("data"), "TagResource"),
            ("carts", "Confidentiality", None, "UntagResources"),
        ]
    );
    let entries = history(&changes, &TagPolicy::default());
    assert_eq!(
        entries.last().unwrap().sentence,
        "carts lost its Confidentiality tag (was \"restricted\") on 2026-03-05 \
         (UntagResources by arn:aws:iam::111122223333:user/dana)"
    );
}
