//! The ingest worker's entry: see `ddb_lens::ingest_worker`.

fn main() {
    ddb_lens::ingest_worker::start();
}
