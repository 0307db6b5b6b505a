//! The `collector.json` manifest that `collect-exports` writes at the top of its folder:
//! `{"tool":"ddb-lens collect-exports","version":1,"collected_at":ISO,"accounts":[..],
//! "regions":[..]}`. Its time is when every CLI output beside it was taken, which the outputs
//! themselves do not say.

use serde_json::Value;

use crate::ingest::exports::{Ctx, Out};
use crate::ingest::layout::PathHints;
use crate::ingest::value::{items, text, time};
use crate::ingest::FileKind;
use crate::model::inventory::{CollectorError, CollectorRun};
use crate::time::parse_iso_ms;

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

/// The first line of `collector-errors.log`, up to its version number.
const ERRORS_LOG_HEADER: &str = "# ddb-lens collect-exports errors log, version ";

/// `collector-errors.log`: a header line, then one line per failed call with six tab-separated
/// fields (time, account, region, call, target, message). `None` when the bytes are not one.
pub(crate) fn errors_log(bytes: &[u8], name: &str) -> Option<Out> {
    let body = bytes.strip_prefix(ERRORS_LOG_HEADER.as_bytes())?;
    let ctx = Ctx {
        name,
        kind: FileKind::CollectorErrorsLog,
        hints: PathHints::of(name),
    };
    let mut out = Out::new("failed call");
    let text = String::from_utf8_lossy(body);
    let mut lines = text.lines();
    let version = lines.next().unwrap_or_default();
    if !version.starts_with("1:") && version.trim() != "1" {
        out.warn(|| {
            format!(
                "errors log version {:?} is newer than this ddb-lens reads (1); lines are read as version 1",
                version.split(':').next().unwrap_or_default()
            )
        });
    }
    for (index, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.count += 1;
        let fields: Vec<&str> = line.splitn(6, '\t').collect();
        let [time_text, account, region, call, target, message] = fields[..] else {
            // Line 1 is the header.
            out.warn(|| {
                format!(
                    "line {}: {} tab-separated fields, expected 6",
                    index + 2,
                    fields.len()
                )
            });
            continue;
        };
        let time_ms = parse_iso_ms(time_text);
        out.records.collector_errors.push(CollectorError {
            time_ms,
            account: ctx.account(Some(account)),
            region: ctx.region(Some(region)),
            call: call.to_string(),
            target: target.to_string(),
            message: message.to_string(),
            source: ctx.source(time_ms),
        });
    }
    let not_found = out
        .records
        .collector_errors
        .iter()
        .filter(|e| e.message.contains("PolicyNotFoundException"))
        .count();
    if not_found > 0 {
        out.detail = Some(format!("{not_found} of them: table has no resource policy"));
    }
    Some(out)
}
