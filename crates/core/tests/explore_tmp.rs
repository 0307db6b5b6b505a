use ddb_lens_core::analysis::{compliance::compliance, config_history::config_history, streams::streams, inventory::inventory};
use ddb_lens_core::compliance::Params;
use ddb_lens_core::{Limits, Loader};
#[test]
fn perf() {
    let cfg = ddb_lens_gen::GenConfig { events: 100_000, tables: 400, ..Default::default() };
    let mut loader = Loader::new(Limits::default());
    ddb_lens_gen::generate(&cfg, |name, bytes| { loader.ingest(name, bytes); });
    let m = loader.model();
    println!("events {} items {}", m.events_unsorted.len(), m.records.config_items.len());
    let t = std::time::Instant::now(); let i = inventory(m); println!("inventory {:?} {}", t.elapsed(), i.tables.len());
    let t = std::time::Instant::now(); let s = streams(m); println!("streams {:?} {}", t.elapsed(), s.changes.len());
    let t = std::time::Instant::now(); let h = config_history(m); println!("history {:?} {} changes {} rel {}/{}", t.elapsed(), h.item_count, h.change_count, h.related_events_found, h.related_event_count);
    let t = std::time::Instant::now(); let c = compliance(m, &Params::default()); println!("compliance {:?} {}", t.elapsed(), c.rows.len());
    let t = std::time::Instant::now(); let svg = ddb_lens_core::charts::config_changes::config_changes_svg(&h, 720, 260); std::fs::write("/tmp/posture/changes.svg", &svg).unwrap();
    std::fs::write("/tmp/posture/compliance.svg", ddb_lens_core::charts::compliance::compliance_svg(&c, 900)).unwrap(); println!("charts {:?}", t.elapsed());
}
