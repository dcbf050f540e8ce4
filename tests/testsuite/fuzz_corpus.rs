//! The fuzz targets' seeds and every input that once made them fail, replayed
//! through the very functions the targets call (`fuzz/src/lib.rs`), so that a
//! plain `cargo test` on a stable toolchain guards what fuzzing found.

#[path = "../../fuzz/src/lib.rs"]
mod harness;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Far more than any input takes in a debug build: past it, the input hangs.
const TIMEOUT: Duration = Duration::from_secs(60);

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files in `fuzz/<folder>/<target>/`, sorted; none if the folder does not exist.
fn files_in(folder: &str, target: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(fuzz_dir().join(folder).join(target)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `target` on every seed and regression input of `name`, each on a
/// thread of its own so that a hang fails the test instead of stalling it.
fn replay(name: &str, target: fn(&[u8])) {
    let seeds = files_in("seeds", name);
    assert!(
        !seeds.is_empty(),
        "no seeds in fuzz/seeds/{name}: run the write_seeds test (see the README)"
    );
    for path in seeds.iter().chain(&files_in("regressions", name)) {
        let data = std::fs::read(path).expect("read an input");
        let (done, finished) = mpsc::channel();
        let worker = std::thread::spawn(move || {
            target(&data);
            let _ = done.send(());
        });
        match finished.recv_timeout(TIMEOUT) {
            Ok(()) => {}
            // The sender was dropped without sending: the target panicked.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = worker.join();
                panic!("{name} panicked on {}", path.display());
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("{name} ran for more than {TIMEOUT:?} on {}", path.display())
            }
        }
    }
}

#[test]
fn front_matter_seeds_and_regressions_pass() {
    replay("front_matter", harness::front_matter);
}

#[test]
fn pipeline_seeds_and_regressions_pass() {
    replay("pipeline", harness::pipeline);
}

/// The Markdown files of a repository that `okr` reads, as (path, bytes), sorted.
fn repository_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, recursive: bool, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                if recursive {
                    walk(root, &path, true, out);
                }
            } else if name.ends_with(".md") {
                let rel = path.strip_prefix(root).expect("inside the root");
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read(&path).expect("read a file")));
            }
        }
    }
    let mut files = Vec::new();
    if let Ok(config) = std::fs::read(root.join("okr.toml")) {
        files.push(("okr.toml".to_string(), config));
    }
    for (folder, recursive) in [("teams", false), ("people", false), ("okrs", true)] {
        walk(root, &root.join(folder), recursive, &mut files);
    }
    files.sort();
    files
}

/// Every repository among the test fixtures.
fn fixture_repositories() -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, name: &str, out: &mut Vec<(String, PathBuf)>) {
        if ["okr.toml", "okrs"].iter().any(|f| dir.join(f).exists()) {
            out.push((name.to_string(), dir.to_path_buf()));
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                let child = path.file_name().unwrap_or_default().to_string_lossy();
                walk(&path, &format!("{name}-{child}"), out);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut repositories = Vec::new();
    walk(&root.join("tests/fixtures"), "fixture", &mut repositories);
    repositories.sort();
    repositories
}

/// Writes the seeds of both targets from the fixtures: each repository as one
/// pipeline input, each distinct Markdown file as one front-matter input.
/// Run by hand after fixtures change: `cargo test --test fuzz_corpus -- --ignored`.
#[test]
#[ignore]
fn write_seeds() {
    let mut markdown: BTreeMap<Vec<u8>, String> = BTreeMap::new();
    let mut pipeline = Vec::new();
    for (name, root) in fixture_repositories() {
        let files = repository_files(&root);
        for (path, bytes) in &files {
            if path.ends_with(".md") {
                let seed = format!("{name}-{}", path.replace('/', "-"));
                markdown.entry(bytes.clone()).or_insert(seed);
            }
        }
        pipeline.push((name, harness::encode(&files)));
    }
    let front_matter = markdown.into_iter().map(|(bytes, name)| (name, bytes));
    for (target, seeds) in [
        ("pipeline", pipeline),
        ("front_matter", front_matter.collect()),
    ] {
        let dir = fuzz_dir().join("seeds").join(target);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the seed folder");
        for (name, bytes) in seeds {
            std::fs::write(dir.join(name), bytes).expect("write a seed");
        }
    }
}
