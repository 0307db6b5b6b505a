//! Loading the posture fixtures: a collected estate (the collector's folder layout, with a
//! CloudTrail log and an AWS Config delivery beside it), by relative path as the page would.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ddb_lens_core::{FileStatus, Limits, Loader};

pub fn estate_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/posture/estate")
}

/// Every file under `root` as (path relative to it with `/`, bytes), sorted by path.
pub fn files_under(root: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(path: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(path).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(root, &mut paths);
    let mut files: Vec<(String, Vec<u8>)> = paths
        .into_iter()
        .map(|p| {
            let name = p
                .strip_prefix(root)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The estate loaded, every file checked to load without a problem.
pub fn estate() -> Loader {
    let mut loader = Loader::new(Limits::default());
    for (name, bytes) in files_under(&estate_root()) {
        let report = loader.ingest(&name, &bytes);
        assert_eq!(report.status, FileStatus::Ok, "{name}: {report:?}");
    }
    loader
}
