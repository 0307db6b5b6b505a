//! `gen-corpus --events N --out DIR [--seed S] [--tables T] [--accounts A] [--per-file F]`, or
//! `gen-corpus --sample --out DIR`
//!
//! Writes a generated AWS export set under DIR (or the page's built-in sample) and prints a
//! one-line summary. Files are rendered on all cores; the bytes do not depend on how many.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use ddb_lens_gen::{GenConfig, Generator, Scratch};

const USAGE: &str = "\
usage: gen-corpus --events N --out DIR [--seed S] [--tables T] [--accounts A] [--per-file F]
       gen-corpus --sample --out DIR

  --events N     CloudTrail records to generate (required)
  --out DIR      output folder, created if missing (required)
  --seed S       PRNG seed (default 42); the same arguments give the same bytes
  --tables T     DynamoDB tables over all accounts and regions (default 300)
  --accounts A   AWS accounts (default 3)
  --per-file F   target records per CloudTrail file (default 1000)
  --sample       write the page's built-in sample (ddb_lens_gen::sample_files) instead";

struct Args {
    cfg: GenConfig,
    out: PathBuf,
    sample: bool,
}

fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut cfg = GenConfig::default();
    let mut events = None;
    let mut out = None;
    let mut sample = false;
    while let Some(flag) = raw.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        if flag == "--sample" {
            sample = true;
            continue;
        }
        let value = raw.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |what: &str| -> Result<u64, String> {
            value
                .replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("{what} must be a whole number, got {value:?}"))
        };
        let small = |what: &str| -> Result<u32, String> {
            u32::try_from(number(what)?).map_err(|_| format!("{what} is too large: {value}"))
        };
        match flag.as_str() {
            "--events" => events = Some(number("--events")?),
            "--out" => out = Some(PathBuf::from(&value)),
            "--seed" => cfg.seed = number("--seed")?,
            "--tables" => cfg.tables = small("--tables")?.max(1),
            "--accounts" => cfg.accounts = small("--accounts")?.clamp(1, 50),
            "--per-file" => cfg.events_per_file = small("--per-file")?.max(1),
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    if sample {
        cfg = ddb_lens_gen::sample_config();
    } else {
        cfg.events = events.ok_or("--events is required")?;
    }
    let out = out.ok_or("--out is required")?;
    Ok(Args { cfg, out, sample })
}

fn human(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn write_file(root: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, bytes)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("gen-corpus: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let g = if args.sample {
        Generator::sample()
    } else {
        Generator::new(&args.cfg)
    };
    let n = g.file_count();
    let next = AtomicUsize::new(0);
    let (compressed, uncompressed, events) =
        (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(16);
    let first_error = std::sync::Mutex::new(None::<String>);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut scratch = Scratch::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let f = g.render_into(i, &mut scratch);
                    if let Err(e) = write_file(&args.out, &f.path, &f.bytes) {
                        let mut slot = first_error.lock().unwrap_or_else(|p| p.into_inner());
                        slot.get_or_insert_with(|| {
                            format!("{}: {e}", args.out.join(&f.path).display())
                        });
                        next.store(n, Ordering::Relaxed);
                        break;
                    }
                    compressed.fetch_add(f.bytes.len() as u64, Ordering::Relaxed);
                    uncompressed.fetch_add(f.uncompressed_len, Ordering::Relaxed);
                    events.fetch_add(f.events, Ordering::Relaxed);
                }
            });
        }
    });
    if let Some(e) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        eprintln!("gen-corpus: cannot write {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "gen-corpus: {n} files ({} CloudTrail), {} events, {} compressed, {} uncompressed, in {:.1} s -> {}",
        g.cloudtrail_file_count(),
        events.load(Ordering::Relaxed),
        human(compressed.load(Ordering::Relaxed)),
        human(uncompressed.load(Ordering::Relaxed)),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    ExitCode::SUCCESS
}
