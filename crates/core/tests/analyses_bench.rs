//! Timing of the visibility and KMS analyses on a generated corpus, beside the load and the
//! overview. Ignored by default; run on a corpus folder (`gen-corpus --events N --out DIR`) with
//!
//! ```sh
//! DDB_LENS_CORPUS=/work/corpus-1m cargo test --profile profiling -p ddb-lens-core \
//!     --test analyses_bench -- --ignored --nocapture
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use ddb_lens_core::analysis::kms::kms_usage;
use ddb_lens_core::analysis::visibility::visibility;
use ddb_lens_core::report::{self, ReportSettings};
use ddb_lens_core::{overview, Limits, Loader};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The fastest of `runs` timings, in ms.
fn best_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed().as_secs_f64() * 1000.0);
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

#[test]
#[ignore]
fn analyses_on_corpus() {
    let Ok(dir) = std::env::var("DDB_LENS_CORPUS") else {
        panic!("set DDB_LENS_CORPUS to a gen-corpus folder");
    };
    let mut paths = Vec::new();
    files(Path::new(&dir), &mut paths);
    let mut loader = Loader::new(Limits::default());
    let start = Instant::now();
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        loader.ingest(&path.to_string_lossy(), &bytes);
    }
    let load_ms = start.elapsed().as_secs_f64() * 1000.0;
    let model = loader.model();
    let events = model.events_unsorted.len();
    let (overview_ms, _) = best_ms(3, || overview(&loader));
    let (visibility_ms, seen) = best_ms(3, || visibility(model, &[]));
    let (kms_ms, usage) = best_ms(3, || kms_usage(model, &[]));
    // The whole report: overview, gaps, and every section over one shared inventory.
    let (report_ms, made) = best_ms(3, || {
        report::build(model, loader.reports(), &ReportSettings::default())
    });
    println!(
        "report::build {report_ms:.1} ms ({} tables in the compliance matrix, {} Config items)",
        made.compliance.rows.len(),
        made.config.item_count
    );
    // What the page's worker and page do with it: build and write compact JSON (the worker),
    // read it back (the page); beside the pretty JSON an export writes.
    let (compact_ms, compact) = best_ms(3, || {
        report::build_compact_json(model, loader.reports(), &ReportSettings::default())
    });
    let (read_ms, _) = best_ms(3, || report::from_json(&compact).unwrap());
    let (pretty_ms, pretty) = best_ms(3, || report::to_json(&made));
    println!(
        "report::build_compact_json {compact_ms:.1} ms ({:.1} MB); from_json of it {read_ms:.1} ms; \
         to_json (pretty, for the export) {pretty_ms:.1} ms ({:.1} MB)",
        compact.len() as f64 / 1e6,
        pretty.len() as f64 / 1e6,
    );
    println!(
        "{events} events, {} files, {} strings: load {load_ms:.0} ms (single thread, read + parse + commit); \
         overview {overview_ms:.1} ms; visibility {visibility_ms:.1} ms ({} tables, {} flagged, {} trail changes); \
         kms {kms_ms:.1} ms ({} KMS events on {} tables, {} keys, {} lifecycle events)",
        paths.len(),
        model.strings.len(),
        seen.tables.len(),
        seen.tables_flagged,
        seen.trail_changes.len(),
        usage.events,
        usage.tables.iter().filter(|t| t.events > 0).count(),
        usage.keys.len(),
        usage.lifecycle.len(),
    );
    assert!(events > 0);
}
