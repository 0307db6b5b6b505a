//! Times the activity analysis on a folder of exports (e.g. one made by `gen-corpus`):
//!
//! ```text
//! cargo run --profile profiling -p ddb-lens-core --example activity_bench -- /work/corpus-1m
//! ```
//!
//! Loads every file under the folder (in name order) through the `Loader`, then prints the time
//! of building the index, of queries with a few filters (best and median of several runs), of a
//! page of rows deep in the list, and of the summaries.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ddb_lens_core::analysis::activity::{
    matching, principal_summaries, query, rows, rows_at, table_summaries, ActivityIndex,
    ActivityPlane, ErrorFilter, Filter,
};
use ddb_lens_core::charts::activity::activity_svg;
use ddb_lens_core::{Limits, Loader};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Best and median of `runs` timings of `f`, in ms.
fn time_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let result = last.expect("runs > 0");
    (times[0], times[times.len() / 2], result)
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .expect("usage: activity_bench DIR");
    let mut paths = Vec::new();
    files_under(&root, &mut paths);
    let mut loader = Loader::new(Limits::default());
    let start = Instant::now();
    for path in &paths {
        let bytes = std::fs::read(path).expect("readable file");
        let name = path.strip_prefix(&root).unwrap_or(path).to_string_lossy();
        loader.ingest(&name, &bytes);
    }
    let model = loader.model();
    println!(
        "loaded {} files, {} events, {} strings in {:.1} s",
        paths.len(),
        model.events_unsorted.len(),
        model.strings.len(),
        start.elapsed().as_secs_f64()
    );

    let (best, median, index) = time_ms(5, || ActivityIndex::build(model));
    println!("index build: best {best:.1} ms, median {median:.1} ms");

    let everything = query(model, &index, &Filter::default());
    let table = everything.facets.tables.values[0].name.clone();
    let read_write = vec![ActivityPlane::Read, ActivityPlane::Write];
    let data = query(
        model,
        &index,
        &Filter {
            planes: read_write.clone(),
            ..Filter::default()
        },
    );
    let principal = data.facets.principals.values[0].name.clone();
    let mid = (everything.data_first_ms.unwrap_or(0) + everything.data_last_ms.unwrap_or(0)) / 2;
    let filters = [
        ("no filter", Filter::default()),
        (
            "one table",
            Filter {
                tables: vec![table.clone()],
                ..Filter::default()
            },
        ),
        (
            "one table, errors only",
            Filter {
                tables: vec![table],
                errors: ErrorFilter::Errors,
                ..Filter::default()
            },
        ),
        (
            "principal + read/write",
            Filter {
                principals: vec![principal],
                planes: read_write,
                ..Filter::default()
            },
        ),
        (
            "second half, control plane",
            Filter {
                from_ms: Some(mid),
                planes: vec![ActivityPlane::Control],
                ..Filter::default()
            },
        ),
    ];
    for (label, filter) in &filters {
        let (best, median, summary) = time_ms(9, || query(model, &index, filter));
        let (svg_best, _, _) = time_ms(5, || activity_svg(&summary, 900, 260));
        let (m_best, _, list) = time_ms(5, || matching(model, &index, filter));
        println!(
            "query [{label}]: {} events, best {best:.1} ms, median {median:.1} ms; chart {svg_best:.1} ms; matching list {m_best:.1} ms ({} kept)",
            summary.events,
            list.len()
        );
    }
    let deep = everything.events.saturating_sub(100);
    let (best, _, page) = time_ms(5, || rows(model, &index, &Filter::default(), deep, 60));
    println!(
        "rows (60 at offset {deep}, by scanning): best {best:.1} ms ({} rows)",
        page.len()
    );
    let list = matching(model, &index, &Filter::default());
    let (best, _, _) = time_ms(5, || rows_at(model, &index, &list, deep, 60));
    println!("rows (60 at offset {deep}, from the matching list): best {best:.3} ms");
    let (best, _, tables) = time_ms(3, || table_summaries(model));
    println!(
        "table summaries: {} tables, best {best:.1} ms",
        tables.len()
    );
    let (best, _, principals) = time_ms(3, || principal_summaries(model));
    println!(
        "principal summaries: {} principals, best {best:.1} ms",
        principals.len()
    );
}
