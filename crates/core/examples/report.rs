//! Loads files and folders (or `--sample`, the built-in sample, or `--gen N`, N generated
//! events), builds the report and prints how long each part took; `--html FILE` and
//! `--json FILE` write it. For measuring and looking at the report:
//! `cargo run --release -p ddb-lens-core --example report -- PATH... --html /tmp/r.html`.
//! (`ddb-lens report` is the tool; this times the parts it does not show.)

use std::path::{Path, PathBuf};
use std::time::Instant;

use ddb_lens_core::analysis::inventory::inventory;
use ddb_lens_core::report::{self, ReportSettings};
use ddb_lens_core::{Limits, Loader};

fn files_under(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.sort();
        for entry in entries {
            files_under(&entry, out);
        }
    } else {
        out.push(path.to_path_buf());
    }
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let mut loader = Loader::new(Limits::default());
    let mut html_out: Option<PathBuf> = None;
    let mut json_out: Option<PathBuf> = None;
    let mut paths = Vec::new();
    let started = Instant::now();
    let mut args = std::env::args().skip(1);
    let ingest = |loader: &mut Loader, name: &str, bytes: &[u8]| {
        let index = loader.reports().len();
        loader.ingest(name, bytes);
        loader.set_sha256(index, report::sha256_hex(bytes));
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--gen" => {
                let events = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1_000_000);
                let cfg = ddb_lens_gen::GenConfig {
                    events,
                    ..Default::default()
                };
                ddb_lens_gen::generate(&cfg, |name, bytes| ingest(&mut loader, name, bytes));
            }
            "--sample" => {
                for (name, bytes) in ddb_lens_gen::sample_files() {
                    ingest(&mut loader, &name, &bytes);
                }
            }
            "--html" => html_out = args.next().map(PathBuf::from),
            "--json" => json_out = args.next().map(PathBuf::from),
            _ => files_under(Path::new(&arg), &mut paths),
        }
    }
    for file in &paths {
        match std::fs::read(file) {
            Ok(bytes) => ingest(&mut loader, &file.display().to_string(), &bytes),
            Err(e) => eprintln!("{}: {e}", file.display()),
        }
    }
    println!(
        "{} files, {} events loaded in {:.0} ms",
        loader.reports().len(),
        loader.totals().events,
        ms(started)
    );

    let model = loader.model();
    let settings = ReportSettings::default();
    // The parts, one by one, to see where the time goes...
    let filter = settings.filters.compile(model);
    let t = Instant::now();
    let (findings, _) = report::findings::compute(model, &settings.rule_settings(), &filter);
    println!(
        "  rules:     {:>8.1} ms ({} findings)",
        ms(t),
        findings.len()
    );
    let t = Instant::now();
    let inv = inventory(model);
    println!(
        "  inventory: {:>8.1} ms ({} tables)",
        ms(t),
        inv.tables.len()
    );
    let t = Instant::now();
    let tags = report::tags::compute(model, &inv, &settings.tag_policy, &filter);
    println!(
        "  tags:      {:>8.1} ms ({} history entries)",
        ms(t),
        tags.history.len()
    );
    // ...then the whole, as the page and the CLI call it.
    let t = Instant::now();
    let made = report::build(model, loader.reports(), &settings);
    println!("report::build {:>8.1} ms", ms(t));
    let t = Instant::now();
    let json = report::to_json(&made);
    println!("to_json       {:>8.1} ms ({} bytes)", ms(t), json.len());
    let t = Instant::now();
    let html = report::html::render(&made);
    println!("html::render  {:>8.1} ms ({} bytes)", ms(t), html.len());
    let evidence: usize = made.findings.iter().map(|f| f.evidence.len()).sum();
    println!(
        "{} findings with {evidence} evidence refs, {} tables, {} tag history entries",
        made.findings.len(),
        made.tables.len(),
        made.tags.history.len()
    );
    if let Some(path) = html_out {
        std::fs::write(&path, html).unwrap_or_else(|e| eprintln!("{}: {e}", path.display()));
    }
    if let Some(path) = json_out {
        std::fs::write(&path, json).unwrap_or_else(|e| eprintln!("{}: {e}", path.display()));
    }
}
