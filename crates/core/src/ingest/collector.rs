//! The `collector.json` manifest that `collect-exports` writes at the top of its folder:
//! `{"tool":"ddb-lens collect-exports","version":1,"collected_at":ISO,"accounts":[..],
//! "regions":[..]}`. Its time is when every CLI output beside it was taken, which the outputs
//! themselves do not say.

use serde_json::Value;

use crate::ingest::exports::{Ctx, Out};
use crate::ingest::value::{items, text, time};
use crate::model::inventory::CollectorRun;

pub(crate) fn manifest(v: &Value, ctx: &Ctx<'_>) -> Out {
    let mut out = Out::new("manifest");
    out.count = 1;
    let collected_at_ms = time(v, "collected_at");
    if collected_at_ms.is_none() {
        out.warn(|| "no readable collected_at: the outputs beside it keep an unknown time".into());
    }
    let strings = |key: &str| -> Vec<String> {
        items(v, key)
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    let name = ctx.name.replace('\\', "/");
    let prefix = match name.rfind('/') {
        Some(at) => name[..=at].to_string(),
        None => String::new(),
    };
    out.detail = text(v, "collected_at").map(|at| format!("collected {at}"));
    out.records.collector_runs.push(CollectorRun {
        prefix,
        collected_at_ms,
        accounts: strings("accounts"),
        regions: strings("regions"),
        source: ctx.source(collected_at_ms),
    });
    out
}
