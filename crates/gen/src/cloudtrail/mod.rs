//! Delivered CloudTrail log files: where they go, what window each covers, and which
//! records each holds.
//!
//! A file is one account and region over a 5–15 minute window. Files are placed over the
//! whole time span with a working-hours bias; each holds about `events_per_file` records.
//! Every record is drawn from its own PRNG stream keyed by its global index, so a file's
//! bytes depend only on the configuration and its position, never on rendering order.

mod events;
mod incident_events;
mod record;
mod scripts;

use crate::json::Json;
use crate::rng::{label, mix, pick_cumulative, Rng, ALNUM};
use crate::time::{compact, Civil, MINUTE_MS, SECOND_MS};
use crate::world::{split_by_weight, Lifecycle, World};

pub(crate) use record::event_id;
pub(crate) use scripts::Script;

/// Relative weight of each UTC hour: busier in (European and American) working hours.
const HOUR_WEIGHTS: [u32; 24] = [
    4, 3, 3, 3, 3, 4, 5, 7, 9, 10, 10, 10, 10, 10, 10, 10, 9, 8, 7, 6, 6, 5, 5, 4,
];

pub(crate) struct FilePlan {
    pub stream: usize,
    pub window_start_ms: i64,
    pub window_ms: i64,
    pub path: String,
    pub count: u32,
    pub first_gidx: u64,
    /// Records whose content is planned rather than drawn: (slot, what), sorted by slot.
    pub scripted: Vec<(u32, Slot)>,
}

/// A planned record.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Slot {
    /// The record logging change `.1` of table `.0` of the file's stream.
    Change(usize, usize),
    /// `World::scripts[.0]`.
    Script(usize),
}

impl FilePlan {
    pub(crate) fn window_end_ms(&self) -> i64 {
        self.window_start_ms + self.window_ms
    }

    pub(crate) fn is_taken(&self, slot: u32) -> bool {
        self.scripted.iter().any(|(taken, _)| *taken == slot)
    }

    /// A free slot, searching from `from` onwards (wrapping).
    pub(crate) fn free_slot(&self, from: u64) -> Option<u32> {
        let n = self.count;
        if n == 0 {
            return None;
        }
        (0..n)
            .map(|k| ((from % u64::from(n)) as u32 + k) % n)
            .find(|&s| !self.is_taken(s))
    }
}

/// Lays out the files and places each planned configuration change into one of them.
pub(crate) fn plan_files(world: &mut World, events: u64, per_file: u32) -> Vec<FilePlan> {
    if events == 0 || world.streams.is_empty() {
        return Vec::new();
    }
    let n_files = events.div_ceil(u64::from(per_file.max(1)));
    let stream_weights: Vec<u32> = world.streams.iter().map(|s| s.weight).collect();
    let mut size_weights = Vec::with_capacity(n_files as usize);
    let mut plans = Vec::with_capacity(n_files as usize);
    for i in 0..n_files {
        let mut r = Rng::sub(world.seed, label("file-plan") ^ mix(i));
        let stream = r.weighted(&stream_weights);
        let window_ms = r.range(5 * MINUTE_MS, 15 * MINUTE_MS);
        let window_start_ms = place_window(&mut r, world.start_ms, world.span_ms, window_ms);
        let delivered_ms = window_start_ms + window_ms + r.range(MINUTE_MS, 5 * MINUTE_MS);
        let st = &world.streams[stream];
        let account = &world.accounts[st.account].id;
        let c = Civil::from_ms(delivered_ms);
        let path = format!(
            "cloudtrail/AWSLogs/{account}/CloudTrail/{region}/{:04}/{:02}/{:02}/{account}_CloudTrail_{region}_{}_{}.json.gz",
            c.year,
            c.month,
            c.day,
            compact(delivered_ms, false),
            r.chars(ALNUM, 16),
            region = st.region,
        );
        size_weights.push(r.range(80, 120) as u64);
        plans.push(FilePlan {
            stream,
            window_start_ms,
            window_ms,
            path,
            count: 0,
            first_gidx: 0,
            scripted: Vec::new(),
        });
    }
    for (plan, count) in plans.iter_mut().zip(split_by_weight(events, &size_weights)) {
        plan.count = count as u32;
    }
    // S3 lists keys in byte order; emit files in that order.
    plans.sort_by(|a, b| a.path.cmp(&b.path));
    let mut gidx = 0;
    for plan in &mut plans {
        plan.first_gidx = gidx;
        gidx += u64::from(plan.count);
    }
    place_changes(world, &mut plans);
    scripts::plan(world, &mut plans);
    for plan in &mut plans {
        plan.scripted.sort_unstable();
    }
    plans
}

/// A window start in the span, drawn with the hour-of-day weights (rejection sampling with
/// a bounded number of tries, so it always terminates).
fn place_window(r: &mut Rng, start_ms: i64, span_ms: i64, window_ms: i64) -> i64 {
    let room = (span_ms - window_ms).max(1);
    let max_w = u64::from(*HOUR_WEIGHTS.iter().max().unwrap_or(&1));
    let mut t = start_ms;
    for _ in 0..32 {
        t = start_ms + r.below(room as u64) as i64;
        let hour = Civil::from_ms(t).hour as usize;
        if r.below(max_w) < u64::from(HOUR_WEIGHTS[hour]) {
            break;
        }
    }
    t / SECOND_MS * SECOND_MS
}

/// Moves each planned change into the nearest file window of its account and region and
/// reserves a record slot for it. Changes with no file to go to keep their planned time and
/// are simply not logged (as happens when a trail misses events).
fn place_changes(world: &mut World, plans: &mut [FilePlan]) {
    let mut by_stream: Vec<Vec<usize>> = vec![Vec::new(); world.streams.len()];
    for (fi, p) in plans.iter().enumerate() {
        by_stream[p.stream].push(fi);
    }
    for files in &mut by_stream {
        files.sort_by_key(|&fi| (plans[fi].window_start_ms, fi));
    }
    let seed = world.seed;
    for (si, st) in world.streams.iter_mut().enumerate() {
        let files = &by_stream[si];
        for (ti, t) in st.tables.iter_mut().enumerate() {
            for (ci, c) in t.changes.iter_mut().enumerate() {
                if files.is_empty() {
                    continue;
                }
                let pos = files.partition_point(|&fi| plans[fi].window_start_ms <= c.time_ms);
                let candidates = [pos.saturating_sub(1), pos.min(files.len() - 1)];
                let fi = *candidates
                    .iter()
                    .map(|&k| &files[k])
                    .min_by_key(|&&fi| {
                        let p = &plans[fi];
                        (p.window_start_ms + p.window_ms / 2 - c.time_ms).abs()
                    })
                    .unwrap_or(&files[0]);
                let plan = &mut plans[fi];
                let h = mix(seed ^ label(&t.name) ^ (ci as u64) << 7);
                let Some(slot) = plan.free_slot(h) else {
                    continue;
                };
                c.time_ms = plan.window_start_ms + (mix(h) % plan.window_ms as u64) as i64;
                c.event_gidx = Some(plan.first_gidx + u64::from(slot));
                plan.scripted.push((slot, Slot::Change(ti, ci)));
            }
        }
    }
    // Keep each table's changes in time order; scripted slots keep pointing at the right
    // change because they are re-resolved below.
    for st in &mut world.streams {
        for t in &mut st.tables {
            t.changes.sort_by_key(|c| (c.time_ms, c.event_gidx));
            if let Some(c) = t.changes.iter().find(|c| c.kind.is_creation()) {
                let at = c.time_ms;
                t.created_ms = at;
                t.initial.billing_changed_ms = at;
                t.initial.stream_label_ms = at + 801;
            }
            debug_assert!(
                t.lifecycle != Lifecycle::Created
                    || t.changes.first().is_some_and(|c| c.kind.is_creation())
            );
        }
    }
    for plan in plans.iter_mut() {
        let st = &world.streams[plan.stream];
        for entry in &mut plan.scripted {
            let gidx = plan.first_gidx + u64::from(entry.0);
            if let Slot::Change(ti, ci) = &mut entry.1 {
                if let Some(found) = st.tables[*ti]
                    .changes
                    .iter()
                    .position(|c| c.event_gidx == Some(gidx))
                {
                    *ci = found;
                }
            }
        }
        plan.scripted.sort_unstable();
    }
}

/// Writes the `{"Records":[...]}` document of one file into `j` (cleared first).
pub(crate) fn render_file(world: &World, plan: &FilePlan, j: &mut Json) {
    j.clear();
    let n = plan.count as usize;
    let mut fr = Rng::sub(world.seed, label("file-render") ^ mix(plan.first_gidx));
    let anomaly = events::pick_anomaly(&mut fr, n);
    let mut order: Vec<(i64, u32)> = Vec::with_capacity(n);
    let mut scripted = plan.scripted.iter().peekable();
    let st = &world.streams[plan.stream];
    for slot in 0..n as u32 {
        let t = match scripted.peek() {
            Some(&&(s, what)) if s == slot => {
                scripted.next();
                match what {
                    Slot::Change(ti, ci) => st.tables[ti].changes[ci].time_ms,
                    Slot::Script(i) => {
                        debug_assert_eq!(world.scripts[i].stream, plan.stream);
                        world.scripts[i].time_ms
                    }
                }
            }
            _ => match &anomaly {
                Some(a) if a.covers(slot) => {
                    plan.window_start_ms + a.offset_ms(slot, plan.window_ms)
                }
                _ => plan.window_start_ms + fr.below(plan.window_ms as u64) as i64,
            },
        };
        order.push((t, slot));
    }
    order.sort_unstable();
    // CloudTrail files are roughly, not strictly, in time order.
    for i in 0..n.saturating_sub(1) {
        if fr.chance(0.3) {
            let k = i + 1 + fr.below_usize((n - i - 1).min(4));
            order.swap(i, k);
        }
    }
    j.out.push_str("{\"Records\":[");
    let mut lookup: Vec<Option<Slot>> = vec![None; n];
    for &(s, what) in &plan.scripted {
        lookup[s as usize] = Some(what);
    }
    for (k, &(time_ms, slot)) in order.iter().enumerate() {
        if k > 0 {
            j.out.push(',');
        }
        let gidx = plan.first_gidx + u64::from(slot);
        let what = match lookup[slot as usize] {
            Some(Slot::Change(ti, ci)) => events::What::Change(ti, ci),
            Some(Slot::Script(i)) => events::What::Script(i),
            None => match &anomaly {
                Some(a) if a.covers(slot) => events::What::Anomaly(a.kind),
                _ => events::What::Random,
            },
        };
        events::write_event(world, plan.stream, gidx, time_ms, what, j);
    }
    j.out.push_str("]}");
}

/// Picks a table index by popularity from a stream's cumulative table.
pub(crate) fn pick_table(r: &mut Rng, tables: &[usize], cum: &[u64]) -> Option<usize> {
    if tables.is_empty() || cum.last().copied().unwrap_or(0) == 0 {
        return None;
    }
    Some(tables[pick_cumulative(r, cum)])
}
