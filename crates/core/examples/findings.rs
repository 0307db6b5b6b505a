//! Loads files and folders (or `--sample`, the built-in sample, or `--gen N`, N generated
//! events), runs every detection rule and prints the findings with the time
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
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--gen" {
            // A generated export set of N events, in memory.
            let events = args
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(1_000_000);
            let cfg = ddb_lens_gen::GenConfig {
                events,
                ..Default::default()
            };
            ddb_lens_gen::generate(&cfg, |name, bytes| {
                loader.ingest(name, bytes);
                files.push(PathBuf::from(name));
            });
        } else if arg == "--sample" {
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
    if std::env::var_os("PER_RULE").is_some() {
        let settings = ddb_lens_core::rules::RuleSettings::default();
        for rule in ddb_lens_core::rules::RULES {
            let started = Instant::now();
            let n = ddb_lens_core::rules::run_rules(
                loader.model(),
                &settings,
                std::slice::from_ref(rule),
            )
            .len();
            println!(
                "{:<42} {n:>5} findings {:>8.2} ms",
                rule.meta.id,
                started.elapsed().as_secs_f64() * 1e3
            );
        }
        let started = Instant::now();
        let _ = ddb_lens_core::rules::run_rules(loader.model(), &settings, &[]);
        println!(
            "{:<42} {:>5}          {:>8.2} ms",
            "(the pass alone)",
            "",
            started.elapsed().as_secs_f64() * 1e3
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
