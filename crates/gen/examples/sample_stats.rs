use std::io::Read;
fn main() {
    let t = std::time::Instant::now();
    let files = ddb_lens_gen::sample_files();
    let el = t.elapsed();
    let mut bytes = 0; let mut un = 0; let mut events = 0;
    for (p, b) in &files {
        bytes += b.len();
        let raw = if p.ends_with(".gz") { let mut o = Vec::new(); flate2::read::GzDecoder::new(&b[..]).read_to_end(&mut o).unwrap(); o } else { b.clone() };
        un += raw.len();
        if p.contains("/CloudTrail/") { events += String::from_utf8_lossy(&raw).matches("{\"eventVersion\":").count(); }
        if std::env::args().nth(1).as_deref() == Some("-v") { println!("{p} {}", raw.len()); }
        if let Some(dir) = std::env::args().nth(2) { let path = std::path::Path::new(&dir).join(p); std::fs::create_dir_all(path.parent().unwrap()).unwrap(); std::fs::write(path, b).unwrap(); }
    }
    println!("files {} bytes {} uncompressed {} events {} in {:?}", files.len(), bytes, un, events, el);
}
