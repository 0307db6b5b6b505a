//! The overview: what was loaded, over which time, from which accounts, regions and services.

use serde::{Deserialize, Serialize};

use crate::ingest::Loader;
use crate::model::{Event, Model, Sym};
use crate::time::{format_iso_ms, span_label};

/// A name and how many events carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub name: String,
    pub count: u64,
}

/// One timeline bucket: events with `start_ms <= time < start_ms + bucket_secs * 1000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub start_ms: i64,
    pub count: u64,
}

/// Summary of all events loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub events: u64,
    pub duplicates_dropped: u64,
    pub time_first: Option<String>,
    pub time_last: Option<String>,
    /// "3 days 4 hours".
    pub span_label: String,
    /// Sorted by count, descending, then name.
    pub accounts: Vec<Count>,
    pub regions: Vec<Count>,
    pub event_sources: Vec<Count>,
    pub bucket_secs: i64,
    /// "1 hour".
    pub bucket_label: String,
    /// Every bucket from the first event's to the last's, empty ones included.
    pub buckets: Vec<Bucket>,
}

/// Timeline bucket sizes to choose from, smallest first.
const BUCKET_SIZES_SECS: [(i64, &str); 12] = [
    (60, "1 minute"),
    (5 * 60, "5 minutes"),
    (15 * 60, "15 minutes"),
    (3600, "1 hour"),
    (3 * 3600, "3 hours"),
    (6 * 3600, "6 hours"),
    (12 * 3600, "12 hours"),
    (86_400, "1 day"),
    (7 * 86_400, "1 week"),
    (30 * 86_400, "30 days"),
    (91 * 86_400, "91 days"),
    (365 * 86_400, "365 days"),
];

/// At most this many buckets where a bucket size allows it: enough to see a day's rhythm in a
/// week of logs, few enough to read.
const MAX_BUCKETS: i64 = 240;

/// The overview of everything `loader` holds.
pub fn overview(loader: &Loader) -> Overview {
    overview_where(loader.model(), loader.totals().duplicates_dropped, |_| true)
}

/// The overview of the events of `model` that `keep` admits (the report's filters);
/// `duplicates_dropped` is passed through, as it describes the load, not the events.
pub fn overview_where(
    model: &Model,
    duplicates_dropped: u64,
    keep: impl Fn(&Event) -> bool,
) -> Overview {
    let events: Vec<&Event> = model.events_unsorted.iter().filter(|e| keep(e)).collect();
    let symbols = model.strings.len();
    let (mut accounts, mut regions, mut sources) = (
        vec![0u64; symbols],
        vec![0u64; symbols],
        vec![0u64; symbols],
    );
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    for event in &events {
        accounts[event.account.0 as usize] += 1;
        regions[event.region.0 as usize] += 1;
        sources[event.event_source.0 as usize] += 1;
        first = first.min(event.time_ms);
        last = last.max(event.time_ms);
    }
    let ranked = |counts: Vec<u64>| -> Vec<Count> {
        let mut out: Vec<Count> = counts
            .into_iter()
            .enumerate()
            .filter(|&(_, count)| count > 0)
            .map(|(sym, count)| Count {
                name: match model.str(Sym(sym as u32)) {
                    "" => "(none)".to_string(),
                    text => text.to_string(),
                },
                count,
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        out
    };
    let mut overview = Overview {
        events: events.len() as u64,
        duplicates_dropped,
        accounts: ranked(accounts),
        regions: ranked(regions),
        event_sources: ranked(sources),
        ..Overview::default()
    };
    if events.is_empty() {
        return overview;
    }
    overview.time_first = Some(format_iso_ms(first));
    overview.time_last = Some(format_iso_ms(last));
    overview.span_label = span_label(last - first);
    let (bucket_secs, label) = bucket_size(last - first);
    overview.bucket_secs = bucket_secs;
    overview.bucket_label = label.to_string();
    let bucket_ms = bucket_secs * 1000;
    let start = first.div_euclid(bucket_ms) * bucket_ms;
    let count = ((last - start) / bucket_ms + 1) as usize;
    let mut counts = vec![0u64; count];
    for event in &events {
        counts[((event.time_ms - start) / bucket_ms) as usize] += 1;
    }
    overview.buckets = counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| Bucket {
            start_ms: start + i as i64 * bucket_ms,
            count,
        })
        .collect();
    overview
}

/// The smallest bucket size that keeps the span within [`MAX_BUCKETS`] (the largest size when
/// none does, e.g. for a hostile file with events centuries apart).
pub(crate) fn bucket_size(span_ms: i64) -> (i64, &'static str) {
    bucket_size_within(span_ms, MAX_BUCKETS)
}

/// The smallest of the timeline's bucket sizes (seconds, label) that keeps `span_ms` within
/// `max_buckets`; the largest when none does. Other charts over time share these sizes.
pub(crate) fn bucket_size_within(span_ms: i64, max_buckets: i64) -> (i64, &'static str) {
    BUCKET_SIZES_SECS
        .into_iter()
        .find(|(secs, _)| span_ms / (secs * 1000) < max_buckets)
        .unwrap_or(BUCKET_SIZES_SECS[BUCKET_SIZES_SECS.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_size_follows_span() {
        assert_eq!(bucket_size(0).1, "1 minute");
        assert_eq!(bucket_size(3 * 3_600_000).1, "1 minute");
        assert_eq!(bucket_size(24 * 3_600_000).1, "15 minutes");
        assert_eq!(bucket_size(7 * 86_400_000).1, "1 hour");
        assert_eq!(bucket_size(29 * 86_400_000).1, "3 hours");
        assert_eq!(bucket_size(30 * 86_400_000).1, "6 hours");
        assert_eq!(bucket_size(5000 * 365 * 86_400_000).1, "365 days");
    }
}
