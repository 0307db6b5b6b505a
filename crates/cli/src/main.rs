//! `ddb-lens`: the same core as the page, over files and folders on disk.
//!
//! ```text
//! ddb-lens inspect PATH... [--json]   per-file rows and totals, as the page's file list shows them
//! ddb-lens bench PATH... [--threads N] ingest timing: events/s, MB/s, peak memory
//! ddb-lens report PATH... [--html FILE] [--json FILE] [--csv DIR] [--report-time ISO]
//!                         [--settings FILE]  the report as HTML, JSON and CSV
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use ddb_lens_core::ingest::{thousands, ParsedFile};
use ddb_lens_core::report::{self, ReportSettings};
use ddb_lens_core::{overview, FileReport, FileStatus, Limits, Loader, Overview, Totals};
use serde::Serialize;

const USAGE: &str = "usage:
  ddb-lens inspect PATH... [--json]   list each export file with its kind, records, time range and status
  ddb-lens bench PATH... [--threads N] time ingest of the files (parsing on N threads, default 1)
                                      and print events/s, MB/s and peak memory as JSON
  ddb-lens report PATH... [--html FILE] [--json FILE] [--csv DIR] [--report-time ISO] [--settings FILE]
                  [--kms-key-arn ARN]... [--stream-consumer TABLE]...
                                      write the report: one self-contained HTML file, the JSON
                                      report, and CSV files into DIR (the JSON to stdout when no
                                      output is given); --report-time sets the report's time
                                      (default: the newest time in the evidence); --settings reads
                                      the analysis settings from a JSON file (a report's \"settings\");
                                      --kms-key-arn adds a key dynamodb-table-encrypted-kms allows;
                                      --stream-consumer marks a table (name or account/region/name)
                                      as needing a stream with an active Lambda trigger
  ddb-lens report --sample [--html FILE] ...
                                      the same, of the page's built-in sample

PATH is a file or a folder (read recursively, e.g. an AWSLogs/ download).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("ddb-lens: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Where `report` writes, and what it is made with.
#[derive(Default)]
struct ReportOptions {
    html: Option<PathBuf>,
    json: Option<PathBuf>,
    csv: Option<PathBuf>,
    report_time: Option<String>,
    settings: Option<PathBuf>,
    /// Added to the settings' `compliance.kms_key_arns`.
    kms_key_arns: Vec<String>,
    /// Added to the settings' `compliance.stream_consumer_required`.
    stream_consumers: Vec<String>,
    /// The page's built-in sample instead of files: the same report its "Load the sample" makes.
    sample: bool,
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let (command, rest) = args.split_first().ok_or("no command given")?;
    let is_report = command == "report";
    let mut json = false;
    let mut threads = 1usize;
    let mut options = ReportOptions::default();
    let mut paths: Vec<&String> = Vec::new();
    let mut iter = rest.iter();
    let value = |iter: &mut std::slice::Iter<String>, flag: &str| {
        iter.next()
            .filter(|v| !v.starts_with("--"))
            .cloned()
            .ok_or(format!("{flag} needs a value"))
    };
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--json" if is_report => options.json = Some(value(&mut iter, arg)?.into()),
            "--json" => json = true,
            "--html" if is_report => options.html = Some(value(&mut iter, arg)?.into()),
            "--csv" if is_report => options.csv = Some(value(&mut iter, arg)?.into()),
            "--report-time" if is_report => options.report_time = Some(value(&mut iter, arg)?),
            "--settings" if is_report => options.settings = Some(value(&mut iter, arg)?.into()),
            "--kms-key-arn" if is_report => options.kms_key_arns.push(value(&mut iter, arg)?),
            "--stream-consumer" if is_report => {
                options.stream_consumers.push(value(&mut iter, arg)?)
            }
            "--sample" if is_report => options.sample = true,
            "--threads" => {
                threads = iter
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n >= 1)
                    .ok_or("--threads needs a number of 1 or more")?;
            }
            _ => paths.push(arg),
        }
    }
    if let Some(flag) = paths.iter().find(|a| a.starts_with("--")) {
        return Err(format!("unknown option {flag}"));
    }
    if options.sample && !paths.is_empty() {
        return Err("--sample takes no PATH".into());
    }
    if paths.is_empty() && !options.sample && command != "help" && command != "--help" {
        return Err("no PATH given".into());
    }
    match command.as_str() {
        "inspect" => inspect(&paths, json),
        "bench" => bench(&paths, threads),
        "report" => make_report(&paths, &options),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command {other:?}")),
    }
}

/// Every file under `paths`, folders walked recursively, each folder's entries sorted by name so
/// the output is the same on every machine. Names are shown relative to the path given.
fn collect_files(paths: &[&String]) -> Result<Vec<(String, PathBuf)>, String> {
    let mut files = Vec::new();
    for path in paths {
        let root = Path::new(path.as_str());
        let meta = std::fs::metadata(root).map_err(|e| format!("{path}: {e}"))?;
        if meta.is_dir() {
            walk(root, root, &mut files).map_err(|e| format!("{path}: {e}"))?;
        } else {
            files.push((path.to_string(), root.to_path_buf()));
        }
    }
    Ok(files)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(root, &path, out)?;
        } else {
            let name = match root.file_name() {
                Some(base) => Path::new(base).join(path.strip_prefix(root).unwrap_or(&path)),
                None => path.clone(),
            };
            out.push((name.to_string_lossy().replace('\\', "/"), path));
        }
    }
    Ok(())
}

/// The `--json` output: documented in docs/cli.md.
#[derive(Serialize)]
struct InspectOutput<'a> {
    files: &'a [FileReport],
    totals: &'a Totals,
    overview: &'a Overview,
}

fn inspect(paths: &[&String], json: bool) -> Result<ExitCode, String> {
    let files = collect_files(paths)?;
    let mut loader = Loader::new(Limits::default());
    for (name, path) in &files {
        // A file that cannot be read is reported like any other bad file, and the run goes on.
        match std::fs::read(path) {
            Ok(bytes) => {
                loader.ingest(name, &bytes);
            }
            Err(err) => eprintln!("ddb-lens: {name}: cannot read: {err}"),
        }
    }
    let totals = loader.totals();
    let ov = overview(&loader);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        let output = InspectOutput {
            files: loader.reports(),
            totals: &totals,
            overview: &ov,
        };
        let text = serde_json::to_string_pretty(&output).map_err(|e| e.to_string())?;
        writeln!(out, "{text}").map_err(|e| e.to_string())?;
    } else {
        print_table(&mut out, loader.reports(), &totals, &ov).map_err(|e| e.to_string())?;
    }
    Ok(if totals.files_with_errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `ddb-lens report`: loads the files as `inspect` does, hashing each, and writes the
/// report's exports. Exit 1 when a file could not be loaded (the report lists it), 3 when an
/// output could not be written.
fn make_report(paths: &[&String], options: &ReportOptions) -> Result<ExitCode, String> {
    let mut settings = match &options.settings {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            serde_json::from_str::<ReportSettings>(&text)
                .map_err(|e| format!("{}: not report settings: {e}", path.display()))?
        }
        None => ReportSettings::default(),
    };
    // Flags add to the settings file's lists; `build` normalises them (sorted, de-duplicated).
    let compliance = &mut settings.compliance;
    compliance
        .kms_key_arns
        .extend(options.kms_key_arns.iter().cloned());
    compliance
        .stream_consumer_required
        .extend(options.stream_consumers.iter().cloned());
    if let Some(text) = &options.report_time {
        let ms = ddb_lens_core::time::parse_iso_ms(text).ok_or(format!(
            "--report-time {text:?} is not an ISO 8601 time such as 2026-03-01T00:00:00Z"
        ))?;
        settings.report_time_ms = Some(ms);
    }
    let mut loader = Loader::new(Limits::default());
    if options.sample {
        // In the page's order, under the page's names: the same report, byte for byte.
        for (index, (name, bytes)) in ddb_lens_gen::sample_files().iter().enumerate() {
            loader.ingest(name, bytes);
            loader.set_sha256(index, report::sha256_hex(bytes));
        }
    }
    let files = if options.sample {
        Vec::new()
    } else {
        collect_files(paths)?
    };
    for (index, (name, path)) in files.iter().enumerate() {
        match std::fs::read(path) {
            Ok(bytes) => {
                loader.ingest(name, &bytes);
                loader.set_sha256(index, report::sha256_hex(&bytes));
            }
            // Listed in the report as a file that could not be read, like any bad file.
            Err(err) => {
                let size = std::fs::metadata(path).map_or(0, |m| m.len());
                loader.commit(ParsedFile::unreadable(name, size, &err.to_string()));
            }
        }
    }
    let made = report::build(loader.model(), loader.reports(), &settings);
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let mut written = Ok(());
    if let Some(path) = &options.html {
        written = written.and_then(|()| write(path, &report::html::render(&made)));
    }
    if let Some(path) = &options.json {
        written = written.and_then(|()| write(path, &report::to_json(&made)));
    }
    if let Some(dir) = &options.csv {
        written = written.and_then(|()| {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            report::csv::write_all(&made)
                .iter()
                .try_for_each(|(name, text)| write(&dir.join(name), text))
        });
    }
    if options.html.is_none() && options.json.is_none() && options.csv.is_none() {
        written = std::io::stdout()
            .lock()
            .write_all(report::to_json(&made).as_bytes())
            .map_err(|e| format!("stdout: {e}"));
    }
    if let Err(message) = written {
        eprintln!("ddb-lens: cannot write the report: {message}");
        return Ok(ExitCode::from(3));
    }
    Ok(if made.inputs.totals.files_with_errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_table(
    out: &mut impl Write,
    reports: &[FileReport],
    totals: &Totals,
    ov: &Overview,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<8} {:>10} {:>9}  {:<41}  FILE: KIND",
        "STATUS", "SIZE", "RECORDS", "TIME RANGE"
    )?;
    for r in reports {
        let status = match r.status {
            FileStatus::Ok => "ok",
            FileStatus::Warning => "warning",
            FileStatus::Error => "error",
        };
        let range = match (&r.time_first, &r.time_last) {
            (Some(a), Some(b)) => format!("{a} – {b}"),
            _ => "-".to_string(),
        };
        writeln!(
            out,
            "{status:<8} {:>10} {:>9}  {range:<41}  {}: {}",
            thousands(r.size_bytes),
            thousands(r.records),
            printable(&r.name),
            printable(&r.summary)
        )?;
        for warning in &r.warnings {
            writeln!(out, "{:<8} {}", "", printable(warning))?;
        }
    }
    writeln!(
        out,
        "\n{} ({} ok, {} with warnings, {} with errors) · {} events · {} duplicates dropped · {} records skipped",
        if totals.files == 1 { "1 file".to_string() } else { format!("{} files", thousands(totals.files)) },
        thousands(totals.files_ok),
        thousands(totals.files_with_warnings),
        thousands(totals.files_with_errors),
        thousands(totals.events),
        thousands(totals.duplicates_dropped),
        thousands(totals.records_skipped),
    )?;
    if let (Some(first), Some(last)) = (&ov.time_first, &ov.time_last) {
        writeln!(out, "time span {first} – {last} ({})", ov.span_label)?;
        let list = |counts: &[ddb_lens_core::Count]| {
            counts
                .iter()
                .map(|c| format!("{} ({})", printable(&c.name), thousands(c.count)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(out, "accounts: {}", list(&ov.accounts))?;
        writeln!(out, "regions: {}", list(&ov.regions))?;
        writeln!(out, "event sources: {}", list(&ov.event_sources))?;
    }
    Ok(())
}

/// Strings from an export are hostile: control characters (a terminal escape sequence in a
/// user agent, say) are shown escaped, never sent to the terminal.
fn printable(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Figures printed by `bench` (one JSON object).
#[derive(Serialize)]
struct BenchOutput {
    threads: usize,
    files: u64,
    events: u64,
    compressed_bytes: u64,
    uncompressed_bytes: u64,
    read_secs: f64,
    ingest_secs: f64,
    events_per_sec: f64,
    uncompressed_mb_per_sec: f64,
    peak_rss_mib: f64,
}

fn bench(paths: &[&String], threads: usize) -> Result<ExitCode, String> {
    let files = collect_files(paths)?;
    // Read everything first so the figure is ingest alone, as the page's is after the browser
    // has the files.
    let read_start = Instant::now();
    let mut contents = Vec::with_capacity(files.len());
    for (name, path) in &files {
        contents.push((
            name,
            std::fs::read(path).map_err(|e| format!("{name}: {e}"))?,
        ));
    }
    let read_secs = read_start.elapsed().as_secs_f64();
    let start = Instant::now();
    let loader = ingest_parallel(&contents, threads);
    let ov = overview(&loader);
    let ingest_secs = start.elapsed().as_secs_f64();
    let totals = loader.totals();
    let output = BenchOutput {
        threads,
        files: totals.files,
        events: ov.events,
        compressed_bytes: totals.bytes,
        uncompressed_bytes: totals.uncompressed_bytes,
        read_secs,
        ingest_secs,
        events_per_sec: ov.events as f64 / ingest_secs,
        uncompressed_mb_per_sec: totals.uncompressed_bytes as f64 / 1e6 / ingest_secs,
        peak_rss_mib: peak_rss_mib(),
    };
    println!(
        "{}",
        serde_json::to_string(&output).map_err(|e| e.to_string())?
    );
    Ok(ExitCode::SUCCESS)
}

/// Parses on `threads` threads (files dealt round-robin) and commits in file order, as the page
/// does with its workers: the model is the same as a single-threaded load.
fn ingest_parallel(contents: &[(&String, Vec<u8>)], threads: usize) -> Loader {
    let mut loader = Loader::new(Limits::default());
    if threads <= 1 {
        for (name, bytes) in contents {
            loader.ingest(name, bytes);
        }
        return loader;
    }
    let limits = loader.limits();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        for worker in 0..threads {
            let sender = sender.clone();
            scope.spawn(move || {
                for (index, (name, bytes)) in
                    contents.iter().enumerate().skip(worker).step_by(threads)
                {
                    let parsed = ddb_lens_core::ingest::parse_file(name, bytes, &limits);
                    if sender.send((index, parsed)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        let mut pending = std::collections::BTreeMap::new();
        let mut next = 0;
        for (index, parsed) in receiver {
            pending.insert(index, parsed);
            while let Some(parsed) = pending.remove(&next) {
                loader.commit(parsed);
                next += 1;
            }
        }
    });
    loader
}

/// Peak resident memory of this process (Linux; 0 elsewhere).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
