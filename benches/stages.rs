//! Micro-benchmark of the pipeline's stages on a generated organisation:
//! `cargo bench --bench stages`, or `OKR_BENCH_SHAPE=heavy cargo bench
//! --bench stages` for another of gen-org's shapes (lean, default, heavy).
//! The comparison with Hugo and the growth figures come from `bench/compare.sh`.

use chrono::NaiveDate;
use divan::Bencher;
use okr::history::History;
use okr::{check, load, resolve, score, site};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

#[path = "../examples/gen-org.rs"]
#[allow(dead_code)] // its `main` is for the example
mod gen_org;

/// The organisation's shape: `OKR_BENCH_SHAPE`, else the default one.
static SHAPE: LazyLock<gen_org::Shape> = LazyLock::new(|| {
    let name = std::env::var("OKR_BENCH_SHAPE").unwrap_or_default();
    match gen_org::Shape::parse(&name) {
        Some(shape) => shape,
        None if name.is_empty() => gen_org::Shape::Default,
        None => panic!("OKR_BENCH_SHAPE is {name:?}: lean, default or heavy"),
    }
});

/// The day the shape's organisation checks clean on.
fn as_of() -> NaiveDate {
    SHAPE.as_of().parse().unwrap_or_default()
}

/// 100 teams of 4: about 1,600 objectives, written once per run, on a RAM
/// disk where there is one: rebuilding a site over and over on a disk
/// filesystem measures the filesystem more than okr.
static ORG: LazyLock<PathBuf> = LazyLock::new(|| {
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!("okr-bench-stages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = gen_org::write(&dir, &gen_org::generate_shape(*SHAPE, 100, 4, 1)) {
        panic!("cannot write the benchmark organisation: {e}");
    }
    dir
});

fn root() -> &'static Path {
    &ORG
}

fn loaded() -> load::Loaded {
    load::load(root()).unwrap_or_else(|e| panic!("{e}"))
}

fn checked() -> check::Checked {
    check::check_loaded(loaded(), as_of())
}

#[divan::bench]
fn load_files() -> load::Loaded {
    loaded()
}

#[divan::bench]
fn parse_and_resolve(bencher: Bencher) {
    bencher.with_inputs(loaded).bench_values(resolve::build);
}

#[divan::bench]
fn check_rules(bencher: Bencher) {
    bencher
        .with_inputs(loaded)
        .bench_values(|l| check::check_loaded(l, as_of()));
}

#[divan::bench]
fn score_org(bencher: Bencher) {
    let checked = checked();
    bencher.bench(|| score::score_org(&checked.org, as_of()));
}

#[divan::bench]
fn render_pages(bencher: Bencher) {
    let checked = checked();
    bencher.bench(|| site::render(&checked, &History::disabled(), None).map(|pages| pages.len()));
}

#[divan::bench(sample_count = 20)]
fn render_and_write(bencher: Bencher) {
    let checked = checked();
    let out = root().join("public");
    bencher
        .bench(|| site::build(&checked, &History::disabled(), None, &out).map(|built| built.pages));
}

fn main() {
    divan::main();
    let _ = std::fs::remove_dir_all(root());
}
