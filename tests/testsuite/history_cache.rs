//! The history cache: a build after new commits reads only those, and no
//! page differs by a byte from a build that read the whole history.

use crate::common::org::*;
use crate::common::{GitRepo, TempDir, git, okr, run, snapshot};
use std::path::Path;

/// Builds `repo` into `out` with `args`, verbosely; returns what it said.
fn build(repo: &Path, out: &Path, args: &[&str]) -> String {
    let result = run(okr()
        .arg("build")
        .arg(repo)
        .arg("--out")
        .arg(out)
        .args(["--as-of", "2026-02-15", "-v"])
        .args(args));
    assert_eq!(result.code, 0, "okr build failed: {}", result.stderr);
    result.stderr
}

/// What the build said of the history and its cache.
fn cache_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("okr: history "))
        .unwrap_or_else(|| panic!("no line about the history in {stderr}"))
}

/// What a build of `repo` with the cache in `cache` said of the history.
fn history_said(repo: &Path, cache: &Path) -> String {
    let out = repo.join("public");
    cache_line(&build(repo, &out, &["--cache", cache.to_str().unwrap()])).to_string()
}

/// A build with the cache in `cache` says `said` of it and writes exactly
/// the pages of a build that reads the whole history without one.
fn builds_as_without(repo: &Path, cache: &Path, said: &str) {
    let outs = TempDir::new("outs");
    let (with, without) = (outs.path.join("with"), outs.path.join("without"));
    let stderr = build(repo, &with, &["--cache", cache.to_str().unwrap()]);
    assert_eq!(cache_line(&stderr), said);
    build(repo, &without, &["--no-cache"]);
    assert_eq!(
        snapshot(&with),
        snapshot(&without),
        "the cache changed a page"
    );
}

/// The scripted organisation's first commits; returns the repository.
fn organisation() -> GitRepo {
    let repo = GitRepo::new("cached");
    write_base(&repo);
    repo.commit("Anna Schmidt", "2026-01-05", "Q1 objectives");
    repo.write(PIPELINE_PATH, &edit(PIPELINE, "target = 40", "target = 45"));
    repo.commit("Bob Meyer", "2026-01-08", "More demos");
    repo
}

const COLD: &str = "okr: history read from git (no cache yet)";

#[test]
fn new_commits_are_read_after_the_cache_and_no_page_changes() {
    let repo = organisation();
    let cache = TempDir::new("cache");
    builds_as_without(repo.path(), &cache.path, COLD);
    builds_as_without(
        repo.path(),
        &cache.path,
        "okr: history from the cache and 0 new commits",
    );

    // One new commit: a lowered target, a key result swapped.
    repo.write(PIPELINE_PATH, &pipeline_changed());
    repo.commit("Carla Diaz", "2026-01-12", "Fewer opportunities");
    builds_as_without(
        repo.path(),
        &cache.path,
        "okr: history from the cache and 1 new commit",
    );

    // Several, with a file added, one moved and one removed.
    repo.write(
        "okrs/2026-Q1/sales/events.md",
        &edit(EVENTS, "target = 60", "target = 70"),
    );
    repo.commit("Anna Schmidt", "2026-01-20", "More leads");
    repo.rename("okrs/2026-Q1/company/retain.md", "okrs/2026-Q1/retain.md");
    repo.commit("Anna Schmidt", "2026-01-21", "Flatter");
    repo.remove("okrs/2026-Q1/sales/events.md");
    repo.write(
        "okrs/2026-Q1/company/grow.md",
        &edit(GROW, "target = 90", "target = 95"),
    );
    repo.commit("Bob Meyer", "2026-01-22", "No fairs this year");
    builds_as_without(
        repo.path(),
        &cache.path,
        "okr: history from the cache and 3 new commits",
    );
}

#[test]
fn a_rewritten_history_is_read_afresh() {
    let repo = organisation();
    let cache = TempDir::new("cache");
    builds_as_without(repo.path(), &cache.path, COLD);
    // The last commit amended: the cache's commit is no longer in the history.
    repo.write(PIPELINE_PATH, &pipeline_changed());
    git(repo.path(), &["add", "-A"]);
    git(
        repo.path(),
        &[
            "commit",
            "-q",
            "--amend",
            "-m",
            "More demos, fewer opportunities",
        ],
    );
    let said = history_said(repo.path(), &cache.path);
    assert!(
        said.starts_with("okr: history read from git: the cache was not used (it was made at commit ")
            && said.ends_with("which the history of HEAD does not pass through: a rewritten history, or another repository)"),
        "{said}"
    );
    // The cache written then serves the next build.
    builds_as_without(
        repo.path(),
        &cache.path,
        "okr: history from the cache and 0 new commits",
    );
}

#[test]
fn a_damaged_or_foreign_cache_is_never_trusted() {
    let repo = organisation();
    let cache = TempDir::new("cache");
    let file = cache.path.join("history.json");
    builds_as_without(repo.path(), &cache.path, COLD);
    let good = std::fs::read_to_string(&file).unwrap();
    let damaged = "okr: history read from git: the cache was not used (the file is damaged or not a cache of this version of okr)";
    for bad in [&good[..good.len() / 2], "", "{}", "\u{0}\u{1}garbage"] {
        std::fs::write(&file, bad).unwrap();
        builds_as_without(repo.path(), &cache.path, damaged);
    }
    // Valid JSON naming a commit that is not there, or a blob id that is not one.
    let head = git(repo.path(), &["rev-parse", "HEAD"]);
    let other = good.replace(&head, &"1".repeat(40));
    std::fs::write(&file, other).unwrap();
    let said = history_said(repo.path(), &cache.path);
    assert!(said.contains("does not pass through"), "{said}");
    let version = good.replacen("\"okr\":\"", "\"okr\":\"0.0.0-", 1);
    std::fs::write(&file, version).unwrap();
    let said = history_said(repo.path(), &cache.path);
    assert!(said.contains("(written by okr 0.0.0-"), "{said}");
    builds_as_without(
        repo.path(),
        &cache.path,
        "okr: history from the cache and 0 new commits",
    );
}

#[test]
fn another_repositorys_cache_is_not_used() {
    let (one, two) = (organisation(), GitRepo::new("other"));
    write_base(&two);
    two.commit("Dana Kim", "2026-01-06", "Our own objectives");
    let cache = TempDir::new("cache");
    builds_as_without(one.path(), &cache.path, COLD);
    let said = history_said(two.path(), &cache.path);
    assert!(
        said.contains("a rewritten history, or another repository"),
        "{said}"
    );
    builds_as_without(
        two.path(),
        &cache.path,
        "okr: history from the cache and 0 new commits",
    );

    // A subfolder of the same repository is another OKR repository.
    let nested = GitRepo::new("nested");
    for (path, text) in [
        ("okr.toml", CONFIG),
        ("teams/sales.md", TEAM),
        ("okrs/2026-Q1/company/grow.md", GROW),
    ] {
        nested.write(&format!("a/{path}"), text);
        nested.write(&format!("b/{path}"), text);
    }
    nested.commit("Dana Kim", "2026-01-06", "Two organisations");
    let (a, b) = (nested.path().join("a"), nested.path().join("b"));
    build(
        &a,
        &nested.path().join("out-a"),
        &["--cache", cache.path.to_str().unwrap()],
    );
    let said = history_said(&b, &cache.path);
    assert!(
        said.contains("(it was made for another folder of the repository)"),
        "{said}"
    );
}

#[test]
fn the_default_cache_stays_out_of_git_and_no_cache_writes_none() {
    let repo = organisation();
    let said = build(repo.path(), &repo.path().join("public"), &["--no-cache"]);
    assert_eq!(
        cache_line(&said),
        "okr: history read from git: the cache was not used (none is kept)"
    );
    assert!(!repo.path().join(".okr-cache").exists());
    let said = build(repo.path(), &repo.path().join("public"), &[]);
    assert_eq!(cache_line(&said), COLD);
    assert!(repo.path().join(".okr-cache/history.json").is_file());
    let status = git(repo.path(), &["status", "--porcelain", "--ignored=no"]);
    assert!(!status.contains(".okr-cache"), "{status}");
    let said = build(repo.path(), &repo.path().join("public"), &[]);
    assert_eq!(
        cache_line(&said),
        "okr: history from the cache and 0 new commits"
    );
}

#[test]
fn a_shallow_clones_cache_is_not_used_once_it_is_deepened() {
    let origin = organisation();
    origin.write(PIPELINE_PATH, &pipeline_changed());
    origin.commit("Carla Diaz", "2026-01-12", "Fewer opportunities");
    let place = TempDir::new("shallow");
    let url = format!("file://{}", origin.path().display());
    git(&place.path, &["clone", "-q", "--depth", "2", &url, "repo"]);
    let clone = place.path.join("repo");
    let cache = TempDir::new("cache");
    builds_as_without(&clone, &cache.path, COLD);
    builds_as_without(
        &clone,
        &cache.path,
        "okr: history from the cache and 0 new commits",
    );
    git(&clone, &["fetch", "-q", "--unshallow"]);
    builds_as_without(
        &clone,
        &cache.path,
        "okr: history read from git: the cache was not used (the clone is no longer as shallow)",
    );
}

#[cfg(unix)]
#[test]
fn a_cache_folder_that_is_a_link_is_not_followed() {
    let repo = organisation();
    let elsewhere = TempDir::new("elsewhere");
    std::os::unix::fs::symlink(&elsewhere.path, repo.path().join(".okr-cache")).unwrap();
    let result = run(okr()
        .arg("build")
        .arg(repo.path())
        .args(["--as-of", "2026-02-15", "-v"]));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result
            .stderr
            .contains(".okr-cache is a link, so no history cache is kept"),
        "{}",
        result.stderr
    );
    assert_eq!(
        cache_line(&result.stderr),
        "okr: history read from git: the cache was not used (none is kept)"
    );
    assert_eq!(std::fs::read_dir(&elsewhere.path).unwrap().count(), 0);
}
