//! Loads files and folders (or `--sample`, the built-in sample), runs every detection rule and prints the findings with the time
//! the rules took: `cargo run --release -p ddb-lens-core --example findings -- PATH...`.
//! (The CLI will wire the rules in properly; this is for measuring and eyeballing.)

use std::path::{Path, PathBuf};
use std::time::Instant;

use ddb_lens_core::rules::run_all;
use ddb_lens_core::time::format_iso_ms;
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

fn main() {
    let mut files = Vec::new();
    let mut loader = Loader::new(Limits::default());
    let started = Instant::now();
    for arg in std::env::args().skip(1) {
        if arg == "--sample" {
            for (name, bytes) in ddb_lens_gen::sample_files() {
                loader.ingest(&name, &bytes);
                files.push(PathBuf::from(name));
            }
        } else {
            let mut found = Vec::new();
            files_under(Path::new(&arg), &mut found);
            files.extend(found);
        }
    }
    for file in files.iter().filter(|f| f.exists()) {
        match std::fs::read(file) {
            Ok(bytes) => {
                loader.ingest(&file.display().to_string(), &bytes);
            }
            Err(e) => eprintln!("{}: {e}", file.display()),
        }
    }
    let loaded = started.elapsed();
    let started = Instant::now();
    let findings = run_all(loader.model());
    let ruled = started.elapsed();
    for f in &findings {
        println!(
            "{:<8} {:<40} {:>6}  {} .. {}\n         {}",
            f.severity.label(),
            f.rule_id,
            f.count,
            format_iso_ms(f.first_seen_ms),
            format_iso_ms(f.last_seen_ms),
            f.summary
        );
    }
    println!(
        "{} files, {} events loaded in {:.0} ms; {} findings in {:.1} ms",
        files.len(),
        loader.totals().events,
        loaded.as_secs_f64() * 1e3,
        findings.len(),
        ruled.as_secs_f64() * 1e3
    );
}
