//! Deterministic generator of realistic AWS export sets for ddb-lens.
//!
//! From a [`GenConfig`] it builds one simulated estate (accounts, principals, tables, KMS
//! keys, Lambda triggers, planned configuration changes and incidents) and writes the folder
//! `scripts/collect-exports.sh` would have left about it (docs/exports.md):
//!
//! * CloudTrail log files, gzipped, under the real S3 key layout as the collector syncs it
//!   (`cloudtrail/AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/…json.gz`), each one
//!   account and region over a 5–15 minute window, records in CloudTrail's key order and only
//!   roughly time-sorted;
//! * AWS Config snapshot and history files (`config-deliveries/AWSLogs/<account>/Config/…`)
//!   with one `AWS::DynamoDB::Table` item per table, agreeing with the CloudTrail changes;
//! * the collector's AWS CLI v2 outputs (`collector.json`, `collector-errors.log`,
//!   `<account>/<region>/dynamodb/…`, `kms/…`, `lambda/…`, `config/…`, ...): every table's
//!   settings, KMS keys, triggers, scaling targets, backups, tags, Config rules with their
//!   evaluations and each table's configuration history, all at the collection time.
//!
//! Besides the bulk traffic, every estate has the incidents a reviewer looks for (a trail
//! stopped, a key disabled, a table restored, a policy granting another account...), rare and
//! consistent with everything else: see `incidents` and `cloudtrail::scripts`.
//!
//! The same configuration gives the same bytes on every machine and in wasm: a seeded
//! splitmix64 drives every choice, and no clock, hash-map order or platform maths is used.
//! The library does no I/O and starts no threads; [`Generator::render`] is independent per
//! file so a native caller may render files in parallel.
//!
//! ```
//! let cfg = ddb_lens_gen::GenConfig { events: 2_000, tables: 20, ..Default::default() };
//! let mut files = 0;
//! ddb_lens_gen::generate(&cfg, |path, bytes| {
//!     assert!(!path.starts_with('/') && !bytes.is_empty());
//!     files += 1;
//! });
//! assert!(files > 2);
//! ```

mod cloudtrail;
mod collected;
mod config;
mod incidents;
mod json;
mod names;
mod rng;
mod tagged;
mod time;
mod world;

pub use crate::tagged::{tagged_tables, GeneratedTable};

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::cloudtrail::FilePlan;
use crate::json::Json;
use crate::time::{epoch_ms, DAY_MS, HOUR_MS};
use crate::world::{World, WorldParams};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenConfig {
    /// CloudTrail records in total, over all files.
    pub events: u64,
    pub seed: u64,
    /// DynamoDB tables over all accounts and regions.
    pub tables: u32,
    pub accounts: u32,
    /// Epoch milliseconds of the start of the window (the first possible event).
    pub start_ms: i64,
    /// Target records per CloudTrail file (each file holds 80–120% of it).
    pub events_per_file: u32,
    /// Time the window covers; `None`: [`span_ms_for`] the number of events.
    pub span_ms: Option<i64>,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            events: 10_000,
            seed: 42,
            tables: 300,
            accounts: 3,
            start_ms: epoch_ms(2026, 3, 1, 0, 0, 0),
            events_per_file: 1_000,
            span_ms: None,
        }
    }
}

/// Time covered by `events` records: about a day for 10k, a month for 1M
/// (`(events / 10k)^0.75` days, at least two hours). Uses only `sqrt`, which IEEE 754
/// rounds exactly, so every platform agrees.
pub fn span_ms_for(events: u64) -> i64 {
    let x = events as f64 / 10_000.0;
    let days = x.sqrt() * x.sqrt().sqrt();
    ((days * DAY_MS as f64) as i64).max(2 * HOUR_MS)
}

/// One generated file.
#[derive(Clone, Debug)]
pub struct GeneratedFile {
    /// Relative path with `/` separators, e.g. `cloudtrail/AWSLogs/…/x.json.gz` or
    /// `111122223333/eu-west-1/dynamodb/tables/orders/describe-table.json`.
    pub path: String,
    /// The file's bytes (gzip for `.json.gz`).
    pub bytes: Vec<u8>,
    /// Length of the JSON before compression.
    pub uncompressed_len: u64,
    /// CloudTrail records in the file (0 for the others).
    pub events: u64,
}

/// The time a configuration's window covers.
fn span_of(cfg: &GenConfig) -> i64 {
    cfg.span_ms.unwrap_or_else(|| span_ms_for(cfg.events))
}

/// The estate a configuration describes, over `span_ms`.
fn world_params(cfg: &GenConfig, span_ms: i64) -> WorldParams {
    WorldParams {
        seed: cfg.seed,
        tables: cfg.tables,
        accounts: cfg.accounts,
        start_ms: cfg.start_ms,
        span_ms,
        max_changes: (cfg.events / 150 + 4) as usize,
    }
}

/// A reusable JSON buffer for [`Generator::render_into`], so hot loops do not reallocate.
#[derive(Default)]
pub struct Scratch(Json);

enum Prepared {
    /// Compact JSON to gzip.
    Gzip(String, String),
    /// Plain JSON as written.
    Plain(String, String),
}

/// A planned export set: built once, then each file rendered on demand by index.
pub struct Generator {
    world: World,
    plans: Vec<FilePlan>,
    prepared: Vec<Prepared>,
    level: Compression,
}

impl Generator {
    pub fn new(cfg: &GenConfig) -> Generator {
        Generator::with_level(cfg, Compression::default())
    }

    fn with_level(cfg: &GenConfig, level: Compression) -> Generator {
        let mut world = World::build(&world_params(cfg, span_of(cfg)));
        let plans = cloudtrail::plan_files(&mut world, cfg.events, cfg.events_per_file);
        let mut prepared = Vec::new();
        let mut j = Json::with_capacity(1 << 16);
        for si in 0..world.streams.len() {
            let snap = config::snapshot(&world, si, &mut j);
            prepared.push(Prepared::Gzip(snap.path, snap.json));
            for h in config::history(&world, si, &mut j) {
                prepared.push(Prepared::Gzip(h.path, h.json));
            }
        }
        for f in collected::files(&world, &mut j) {
            prepared.push(Prepared::Plain(f.path, f.json));
        }
        Generator {
            world,
            plans,
            prepared,
            level,
        }
    }

    /// The generator of [`sample_files`]: [`sample_config`] with the fast gzip level.
    pub fn sample() -> Generator {
        Generator::with_level(&sample_config(), Compression::fast())
    }

    /// The tables that exist at the end of the window with their tags then, as
    /// [`tagged_tables`] gives them for this configuration.
    pub fn tagged_tables(&self) -> Vec<GeneratedTable> {
        tagged::from_world(&self.world)
    }

    /// Files in the set: CloudTrail files (in S3 key order), then Config deliveries, then
    /// the collector's outputs.
    pub fn file_count(&self) -> usize {
        self.plans.len() + self.prepared.len()
    }

    /// Number of CloudTrail files (they come first).
    pub fn cloudtrail_file_count(&self) -> usize {
        self.plans.len()
    }

    /// Renders file `index` (< `file_count()`); the result depends only on the configuration
    /// and the index.
    pub fn render(&self, index: usize) -> GeneratedFile {
        self.render_into(index, &mut Scratch::default())
    }

    pub fn render_into(&self, index: usize, scratch: &mut Scratch) -> GeneratedFile {
        if let Some(plan) = self.plans.get(index) {
            cloudtrail::render_file(&self.world, plan, &mut scratch.0);
            return GeneratedFile {
                path: plan.path.clone(),
                bytes: gzip(scratch.0.out.as_bytes(), self.level),
                uncompressed_len: scratch.0.out.len() as u64,
                events: u64::from(plan.count),
            };
        }
        match &self.prepared[index - self.plans.len()] {
            Prepared::Gzip(path, json) => GeneratedFile {
                path: path.clone(),
                bytes: gzip(json.as_bytes(), self.level),
                uncompressed_len: json.len() as u64,
                events: 0,
            },
            Prepared::Plain(path, json) => GeneratedFile {
                path: path.clone(),
                bytes: json.clone().into_bytes(),
                uncompressed_len: json.len() as u64,
                events: 0,
            },
        }
    }
}

fn gzip(data: &[u8], level: Compression) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(data.len() / 6 + 64), level);
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Calls `emit(relative_path, bytes)` for each file, in a fixed order. CloudTrail and Config
/// deliveries are gzipped; the collector's outputs are plain JSON (and one text log).
pub fn generate(cfg: &GenConfig, mut emit: impl FnMut(&str, &[u8])) {
    let g = Generator::new(cfg);
    let mut scratch = Scratch::default();
    for i in 0..g.file_count() {
        let f = g.render_into(i, &mut scratch);
        emit(&f.path, &f.bytes);
    }
}

/// The configuration behind [`sample_files`]: about 5,000 events over three days, 40
/// tables, two accounts and two regions, with small files as a quiet estate delivers them.
pub fn sample_config() -> GenConfig {
    GenConfig {
        events: 5_000,
        seed: 20_260_301,
        tables: 40,
        accounts: 2,
        start_ms: epoch_ms(2026, 3, 1, 0, 0, 0),
        events_per_file: 60,
        span_ms: Some(3 * DAY_MS),
    }
}

/// The small estate the page's worker loads, queries and reports once when the page opens, so
/// that V8 has optimised the analyses before the user's first load (2,000 events, 16 tables, two
/// accounts, with their Config and CLI exports).
pub fn warm_up_config() -> GenConfig {
    GenConfig {
        events: 2_000,
        tables: 16,
        accounts: 2,
        events_per_file: 500,
        ..sample_config()
    }
}

/// The built-in sample behind the page's "Try the sample" button: a collector's folder
/// (CloudTrail and Config deliveries, and every CLI output the collector writes), as
/// (relative path, bytes).
///
/// Uses a fast gzip level so it stays well inside the page's time budget in wasm; the
/// content is the same as at the default level.
pub fn sample_files() -> Vec<(String, Vec<u8>)> {
    let g = Generator::sample();
    let mut scratch = Scratch::default();
    (0..g.file_count())
        .map(|i| {
            let f = g.render_into(i, &mut scratch);
            (f.path, f.bytes)
        })
        .collect()
}
