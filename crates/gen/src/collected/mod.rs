//! What `scripts/collect-exports.sh` would have written about the estate, in its folder
//! layout (docs/exports.md): `collector.json` and `collector-errors.log` at the top, then per
//! account and region the AWS CLI v2 outputs (pretty-printed with four-space indents, ISO 8601
//! times), as the collector leaves them:
//!
//! ```text
//! collector.json, collector-errors.log
//! <account>/<region>/dynamodb/list-tables.json
//! <account>/<region>/dynamodb/tables/<TableName>/{describe-table, describe-continuous-backups,
//!     describe-time-to-live, describe-kinesis-streaming-destination, get-resource-policy,
//!     list-tags-of-resource}.json
//! <account>/<region>/application-autoscaling/describe-scalable-targets.json
//! <account>/<region>/lambda/list-event-source-mappings.json
//! <account>/<region>/kms/list-aliases.json, kms/keys/<key-id>/describe-key.json
//! <account>/<region>/resourcegroupstaggingapi/get-resources.json
//! <account>/<region>/backup/list-protected-resources.json
//! <account>/<region>/config/{describe-config-rules, describe-compliance-by-config-rule,
//!     describe-compliance-by-resource}.json, config/compliance-details/<rule>.json,
//!     config/resource-history/<TableName>.json
//! ```
//!
//! Everything is the estate at the collection time, just after the Config snapshot; the
//! CloudTrail and Config deliveries sit beside them under `cloudtrail/` and
//! `config-deliveries/`, as the collector syncs them.

mod compliance;
mod dynamodb;
mod regional;

use crate::json::{pretty, Json};
use crate::rng::{label, mix};
use crate::time::iso_seconds;
use crate::world::World;

/// One collected file.
pub(crate) struct Out {
    pub path: String,
    pub json: String,
}

impl Out {
    /// The CLI's output of `j`: pretty-printed, with a final newline.
    fn pretty(path: String, j: &Json) -> Out {
        Out {
            path,
            json: pretty(&j.out) + "\n",
        }
    }
}

/// A number in `0..n` drawn from the seed, a purpose and a name.
pub(crate) fn draw(w: &World, purpose: &str, name: &str, n: u64) -> u64 {
    mix(w.seed ^ label(purpose) ^ label(name).rotate_left(17)) % n.max(1)
}

/// Every collected file, in a fixed order: the manifest and errors log, then each account
/// and region's outputs.
pub(crate) fn files(w: &World, j: &mut Json) -> Vec<Out> {
    let mut out = Vec::new();
    if w.streams.is_empty() {
        return out;
    }
    let collected = w.collected_ms();
    let mut regions: Vec<&str> = Vec::new();
    for st in &w.streams {
        if !regions.contains(&st.region) {
            regions.push(st.region);
        }
    }
    j.clear();
    j.obj();
    j.ks("tool", "ddb-lens collect-exports");
    j.ki("version", 1);
    j.ks("collected_at", &iso_seconds(collected));
    j.ka("accounts");
    for a in &w.accounts {
        j.str(&a.id);
    }
    j.end_arr();
    j.ka("regions");
    for r in &regions {
        j.str(r);
    }
    j.end_arr();
    j.end_obj();
    // The collector prints its manifest on one line.
    out.push(Out {
        path: "collector.json".into(),
        json: j.out.clone() + "\n",
    });
    let log_index = out.len();
    out.push(Out {
        path: "collector-errors.log".into(),
        json: String::new(),
    });
    let mut log = String::from(
        "# ddb-lens collect-exports errors log, version 1: time, account, region, call, target, error (tab-separated)\n",
    );
    for si in 0..w.streams.len() {
        let st = &w.streams[si];
        let account = &w.accounts[st.account].id;
        let dir = format!("{account}/{}", st.region);
        let mut no_policy = Vec::new();
        dynamodb::files(w, si, &dir, j, &mut out, &mut no_policy);
        // The calls run table by table, a second or so each, from the collection time on.
        for (k, name) in no_policy.iter().enumerate() {
            let arn = st
                .tables
                .iter()
                .find(|t| &t.name == name)
                .map_or(String::new(), |t| t.arn.clone());
            log.push_str(&format!(
                "{}\t{account}\t{}\tdynamodb get-resource-policy\t{name}\tAn error occurred (PolicyNotFoundException) when calling the GetResourcePolicy operation: Resource-based policy not found for the provided ResourceArn: {arn}\n",
                iso_seconds(collected + (si as i64 * 60 + k as i64) * 1_300),
                st.region
            ));
        }
        regional::files(w, si, &dir, j, &mut out);
        compliance::files(w, si, &dir, j, &mut out);
    }
    out[log_index].json = log;
    out
}
