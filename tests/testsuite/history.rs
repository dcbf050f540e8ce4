//! The change history read from temporary git repositories made by scripted
//! commits: the exact entries of each objective, their pages, the Changes
//! page and the lowered targets on the health page; shallow clones, folders
//! outside git and `--no-history`.

use crate::common::org::{self, edit};
use crate::common::{GitRepo, TempDir, git, okr, run};
use okr::history::{self, Extent};
use std::path::{Path, PathBuf};

/// `(date, author, short commit, changes described)` of an objective's entries, newest first.
type Entries = Vec<(String, String, String, Vec<String>)>;

fn entries(dir: &Path, period: &str, id: &str) -> Entries {
    let history = history::read(dir).expect("the history is read");
    let Some(record) = history.record(period, id) else {
        return Vec::new();
    };
    record
        .entries
        .iter()
        .rev()
        .map(|e| {
            let c = &history.commits[e.commit];
            (
                c.date.to_string(),
                c.author.clone(),
                c.short().to_string(),
                e.changes.iter().map(history::describe).collect(),
            )
        })
        .collect()
}

fn entry(
    date: &str,
    author: &str,
    commit: &str,
    changes: &[&str],
) -> (String, String, String, Vec<String>) {
    (
        date.to_string(),
        author.to_string(),
        commit.to_string(),
        changes.iter().map(|c| c.to_string()).collect(),
    )
}

/// Asserts the history of the pipeline objective: created by Anna on
/// 2026-01-05 in `first`, then its target changed (`change`) in `then`.
fn assert_created_then_target(dir: &Path, first: &str, then: (&str, &str, &str), change: &str) {
    assert_eq!(
        entries(dir, "2026-Q1", "pipeline"),
        [
            entry(
                then.0,
                then.1,
                then.2,
                &[&format!("target of “Qualified opportunities”{change}")]
            ),
            entry("2026-01-05", "Anna Schmidt", first, &["created"]),
        ]
    );
}

/// The scripted history, with the short id of each commit.
struct Scripted {
    repo: GitRepo,
    commits: Vec<String>,
}

fn scripted() -> Scripted {
    let repo = GitRepo::new("history");
    let mut commits = Vec::new();
    org::write_base(&repo);
    commits.push(repo.commit("Anna Schmidt", "2026-01-05", "Set the Q1 OKRs"));

    let lowered = edit(org::PIPELINE, "target = 100", "target = 80");
    repo.write(org::PIPELINE_PATH, &lowered);
    commits.push(repo.commit("Bob Meyer", "2026-01-12", "Lower the opportunities target"));

    let swapped = edit(
        &org::pipeline_changed(),
        "title = \"Fill the German pipeline\"",
        "title = \"Fill the German sales pipeline\"",
    );
    repo.write(org::PIPELINE_PATH, &swapped);
    commits.push(repo.commit(
        "Carla Diaz",
        "2026-01-19",
        "Replace demos with first meetings",
    ));

    let moved = "okrs/2026-Q1/teams/sales/pipeline.md";
    repo.rename(org::PIPELINE_PATH, moved);
    commits.push(repo.commit(
        "Anna Schmidt",
        "2026-01-26",
        "Keep team objectives under teams/",
    ));

    repo.write("okrs/2026-Q1/company/grow.md", org::GROW_REFORMATTED);
    commits.push(repo.commit("Bob Meyer", "2026-02-02", "Reformat grow.md"));

    let realigned = edit(&swapped, "aligns_to = \"grow\"", "aligns_to = \"retain\"");
    repo.write(moved, &realigned);
    commits.push(repo.commit(
        "Carla Diaz",
        "2026-02-09",
        "Align the pipeline with retention",
    ));

    let checked_in = edit(
        &realigned,
        "target = 80\n",
        "target = 80\n\n[[key_results.checkins]]\ndate = 2026-02-02\nvalue = 20\n\n[[key_results.checkins]]\ndate = 2026-02-09\nvalue = 31\n",
    );
    repo.write(moved, &checked_in);
    commits.push(repo.commit("Anna Schmidt", "2026-02-10", "Weekly check-in"));
    Scripted { repo, commits }
}

#[test]
fn every_change_is_an_exact_entry_and_reformatting_or_moving_is_none() {
    let s = scripted();
    let c = &s.commits;
    assert_eq!(
        entries(s.repo.path(), "2026-Q1", "pipeline"),
        [
            entry(
                "2026-02-10",
                "Anna Schmidt",
                &c[6],
                &["2 check-ins added to “Qualified opportunities”"]
            ),
            entry(
                "2026-02-09",
                "Carla Diaz",
                &c[5],
                &["alignment: grow → retain"]
            ),
            entry(
                "2026-01-19",
                "Carla Diaz",
                &c[2],
                &[
                    "title: “Fill the German pipeline” → “Fill the German sales pipeline”",
                    "key result removed: “Demos held with German prospects”",
                    "key result added: “German buyers who met us for the first time”",
                ]
            ),
            entry(
                "2026-01-12",
                "Bob Meyer",
                &c[1],
                &["target of “Qualified opportunities” lowered: 100 → 80"]
            ),
            entry("2026-01-05", "Anna Schmidt", &c[0], &["created"]),
        ]
    );
    // Reformatted in c[4]: no entry.
    assert_eq!(
        entries(s.repo.path(), "2026-Q1", "grow"),
        [entry("2026-01-05", "Anna Schmidt", &c[0], &["created"])]
    );
    let history = history::read(s.repo.path()).unwrap();
    assert_eq!(history.extent, Extent::Complete);
    assert_eq!(history.note(), None);
    // Only commits that changed an objective are kept: not the move, not the reformat.
    let kept: Vec<&str> = history.commits.iter().map(|c| c.short()).collect();
    assert_eq!(kept, [&c[0], &c[1], &c[2], &c[5], &c[6]]);
    // The lowered target is marked as such (what the health page lists).
    let pipeline = history.record("2026-Q1", "pipeline").unwrap();
    let lowered: Vec<bool> = pipeline.entries[1]
        .changes
        .iter()
        .map(|c| c.is_lowered_target())
        .collect();
    assert_eq!(lowered, [true]);
}

#[test]
fn a_broken_version_in_between_is_skipped() {
    let repo = GitRepo::new("history-broken");
    org::write_base(&repo);
    let first = repo.commit("Anna Schmidt", "2026-01-05", "Set the Q1 OKRs");
    repo.write(org::PIPELINE_PATH, "+++\ntitle = \"Fill\n+++\n");
    repo.commit("Bob Meyer", "2026-01-06", "Oops");
    repo.write(
        org::PIPELINE_PATH,
        &edit(org::PIPELINE, "target = 100", "target = 90"),
    );
    let fixed = repo.commit("Bob Meyer", "2026-01-07", "Fix the front matter");
    assert_same_in_windows(repo.path());
    assert_created_then_target(
        repo.path(),
        &first,
        ("2026-01-07", "Bob Meyer", &fixed),
        " lowered: 100 → 90",
    );
}

fn build(dir: &Path, extra: &[&str]) -> (PathBuf, crate::common::Run) {
    let out = dir.join("public");
    let result = run(okr()
        .arg("build")
        .arg(dir)
        .arg("--out")
        .arg(&out)
        .args(["--as-of", "2026-02-15"])
        .args(extra));
    assert_eq!(result.code, 0, "okr build failed: {}", result.stderr);
    (out, result)
}

/// The text of an HTML fragment: tags dropped, whitespace collapsed.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `<section id="…">` of a page, as text.
fn section(page: &Path, id: &str) -> String {
    let html = std::fs::read_to_string(page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
    let start = html
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id} in {}", page.display()));
    let end = start + html[start..].find("</section>").expect("the section ends");
    text_of(&html[start..end])
}

#[test]
fn the_site_shows_history_changes_and_lowered_targets() {
    let s = scripted();
    let c = &s.commits;
    let (out, result) = build(s.repo.path(), &[]);
    assert!(
        !result.stderr.contains("history"),
        "a complete history is not remarked on: {}",
        result.stderr
    );
    assert_eq!(
        section(
            &out.join("objectives/2026-Q1/pipeline/index.html"),
            "history"
        ),
        format!(
            "History \
             2026-02-10 · Anna Schmidt · {} 2 check-ins added to “Qualified opportunities” \
             2026-02-09 · Carla Diaz · {} alignment: grow → retain \
             2026-01-19 · Carla Diaz · {} title: “Fill the German pipeline” → “Fill the German sales pipeline” \
             key result removed: “Demos held with German prospects” \
             key result added: “German buyers who met us for the first time” \
             2026-01-12 · Bob Meyer · {} target of “Qualified opportunities” lowered: 100 → 80 \
             2026-01-05 · Anna Schmidt · {} created",
            c[6], c[5], c[2], c[1], c[0]
        )
    );

    let changes = out.join("changes/index.html");
    let pipeline = "Fill the German sales pipeline Sales · 2026-Q1";
    let rows = |rows: &[(&str, &str, &str, &str)]| -> String {
        rows.iter()
            .map(|(date, objective, what, who_commit)| {
                format!("{date} {objective} {what} {who_commit}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let header = "Date Objective What changed Who Commit";
    let checkins = format!("Anna Schmidt {}", c[6]);
    let realign = format!("Carla Diaz {}", c[5]);
    let swap = format!("Carla Diaz {}", c[2]);
    let lower = format!("Bob Meyer {}", c[1]);
    let first = format!("Anna Schmidt {}", c[0]);
    let sales_rows = [
        (
            "2026-02-10",
            pipeline,
            "2 check-ins added to “Qualified opportunities”",
            checkins.as_str(),
        ),
        (
            "2026-02-09",
            pipeline,
            "alignment: grow → retain",
            realign.as_str(),
        ),
        (
            "2026-01-19",
            pipeline,
            "title: “Fill the German pipeline” → “Fill the German sales pipeline” key result removed: “Demos held with German prospects” key result added: “German buyers who met us for the first time”",
            swap.as_str(),
        ),
        (
            "2026-01-12",
            pipeline,
            "target of “Qualified opportunities” lowered: 100 → 80",
            lower.as_str(),
        ),
    ];
    let grow = (
        "2026-01-05",
        "Grow revenue in Germany Acme · 2026-Q1",
        "created",
        first.as_str(),
    );
    let events = (
        "2026-01-05",
        "Be seen at German trade fairs Sales · 2026-Q1",
        "created",
        first.as_str(),
    );
    let pipeline_created = ("2026-01-05", pipeline, "created", first.as_str());
    let retain = (
        "2026-01-05",
        "Keep the customers we have Acme · 2026-Q1",
        "created",
        first.as_str(),
    );
    let mut all = sales_rows.to_vec();
    all.extend([events, grow, pipeline_created, retain]);
    let mut sales = sales_rows.to_vec();
    sales.extend([events, pipeline_created]);
    assert_eq!(
        section(&changes, "all"),
        format!("All changes {header} {}", rows(&all))
    );
    assert_eq!(
        section(&changes, "company"),
        format!("Acme {header} {}", rows(&[grow, retain]))
    );
    assert_eq!(
        section(&changes, "team-sales"),
        format!("Sales {header} {}", rows(&sales))
    );
    // The filter is links to the sections, with their counts.
    let html = std::fs::read_to_string(&changes).unwrap();
    assert!(html.contains("<a href=\"#team-sales\">Sales</a> <span class=\"count\">6</span>"));
    assert!(
        !html.contains("<script"),
        "the Changes page needs no JavaScript"
    );

    assert_eq!(
        section(&out.join("health/index.html"), "lowered-targets"),
        format!(
            "Targets lowered during 2026-Q1 Key result targets moved towards their start value by a commit in the current period. \
             OKRs may be adjusted when reality changes; each change is listed so that everyone can see it, not to judge it. \
             Date Objective Key result Target Who Commit \
             2026-01-12 Fill the German sales pipeline Qualified opportunities 100 → 80 Bob Meyer {}",
            c[1]
        )
    );
}

/// A build as of a past day shows the history known on that day, as it shows
/// the values known then; the cache it keeps still holds the whole history.
#[test]
fn a_build_as_of_a_past_day_shows_the_history_known_then() {
    let s = scripted();
    let c = &s.commits;
    let built_on = |as_of: &str| {
        let out = s.repo.path().join(format!("public-{as_of}"));
        let result = run(okr()
            .arg("build")
            .arg(s.repo.path())
            .arg("--out")
            .arg(&out)
            .args(["--as-of", as_of]));
        assert_eq!(result.code, 0, "okr build failed: {}", result.stderr);
        out
    };
    // The weekly check-in was committed on 2026-02-10.
    let out = built_on("2026-02-09");
    let history = section(
        &out.join("objectives/2026-Q1/pipeline/index.html"),
        "history",
    );
    assert!(
        history.starts_with(&format!(
            "History 2026-02-09 · Carla Diaz · {} alignment: grow → retain",
            c[5]
        )),
        "{history}"
    );
    let changes = std::fs::read_to_string(out.join("changes/index.html")).unwrap();
    assert!(changes.contains(&c[5]) && !changes.contains(&c[6]));
    // The cache that build kept serves a build as of today in full.
    let out = built_on("2026-02-15");
    let history = section(
        &out.join("objectives/2026-Q1/pipeline/index.html"),
        "history",
    );
    assert!(
        history.starts_with(&format!("History 2026-02-10 · Anna Schmidt · {}", c[6])),
        "{history}"
    );
}

#[test]
fn a_shallow_clone_builds_and_says_once_that_history_is_partial() {
    let s = scripted();
    let c = &s.commits;
    let url = format!("file://{}", s.repo.path().display());
    for (depth, since, expected) in [
        ("1", "2026-02-10", Vec::new()),
        (
            "3",
            "2026-02-02",
            vec![
                entry(
                    "2026-02-10",
                    "Anna Schmidt",
                    &c[6],
                    &["2 check-ins added to “Qualified opportunities”"],
                ),
                entry(
                    "2026-02-09",
                    "Carla Diaz",
                    &c[5],
                    &["alignment: grow → retain"],
                ),
            ],
        ),
    ] {
        let clone = TempDir::new("shallow");
        let dir = clone.path.join("repo");
        git(
            &clone.path,
            &["clone", "-q", "--depth", depth, &url, "repo"],
        );
        let history = history::read(&dir).unwrap();
        assert_eq!(
            history.extent,
            Extent::Shallow {
                since: since.parse().unwrap()
            }
        );
        assert_eq!(
            entries(&dir, "2026-Q1", "pipeline"),
            expected,
            "depth {depth}"
        );

        let (out, result) = build(&dir, &[]);
        let note = format!(
            "okr: change history is partial: the clone is shallow, so it starts at {since} \
             (fetch the whole history, e.g. `fetch-depth: 0` in actions/checkout)"
        );
        assert_eq!(result.stderr.matches(&note).count(), 1, "{}", result.stderr);
        assert!(
            section(&out.join("objectives/2026-Q1/pipeline/index.html"), "history").contains(
                &format!("Changes before {since} are not shown: the site was built from a shallow clone of the repository.")
            )
        );
    }
}

#[test]
fn outside_git_the_build_succeeds_and_says_once_why_there_is_no_history() {
    let dir = TempDir::new("no-git");
    let repo = GitRepo { dir };
    org::write_base(&repo);
    let (out, result) = build(repo.path(), &[]);
    let note = format!(
        "okr: no change history: {} is not in a git repository",
        repo.path().display()
    );
    assert_eq!(result.stderr.matches(&note).count(), 1, "{}", result.stderr);
    assert_eq!(result.stderr.matches("change history").count(), 1);
    assert!(
        section(
            &out.join("objectives/2026-Q1/pipeline/index.html"),
            "history"
        )
        .contains(
            "No change history: the site was built from files without a git history to read."
        )
    );
    assert!(
        section(&out.join("health/index.html"), "lowered-targets").contains("No change history:")
    );
}

#[test]
fn no_history_skips_reading_it() {
    let s = scripted();
    let (out, result) = build(s.repo.path(), &["--no-history"]);
    assert!(!result.stderr.contains("history"), "{}", result.stderr);
    let page = std::fs::read_to_string(out.join("objectives/2026-Q1/pipeline/index.html")).unwrap();
    assert!(!page.contains("id=\"history\""));
    let changes = std::fs::read_to_string(out.join("changes/index.html")).unwrap();
    assert!(changes.contains("This site was built without its change history."));
}

#[test]
fn a_subfolder_of_the_repository_has_its_own_history() {
    let repo = GitRepo::new("history-subfolder");
    let inner = GitRepo {
        dir: TempDir {
            path: repo.path().join("okr-data"),
        },
    };
    org::write_base(&inner);
    let first = repo.commit("Anna Schmidt", "2026-01-05", "Set the Q1 OKRs");
    inner.write(
        org::PIPELINE_PATH,
        &edit(org::PIPELINE, "target = 100", "target = 120"),
    );
    let raised = repo.commit("Bob Meyer", "2026-01-12", "Raise the target");
    assert_created_then_target(
        inner.path(),
        &first,
        ("2026-01-12", "Bob Meyer", &raised),
        ": 100 → 120",
    );
    // The inner TempDir is part of the outer one: remove it only once.
    std::mem::forget(inner);
}

#[test]
fn a_merged_change_is_credited_to_its_author_not_the_merge() {
    let repo = GitRepo::new("history-merge");
    org::write_base(&repo);
    let first = repo.commit("Anna Schmidt", "2026-01-05", "Set the Q1 OKRs");
    git(repo.path(), &["checkout", "-q", "-b", "lower"]);
    repo.write(
        org::PIPELINE_PATH,
        &edit(org::PIPELINE, "target = 100", "target = 70"),
    );
    let lowered = repo.commit("Bob Meyer", "2026-01-12", "Lower the target");
    git(repo.path(), &["checkout", "-q", "main"]);
    repo.write(
        "okrs/2026-Q1/company/retain.md",
        &edit(org::RETAIN, "target = 45", "target = 50"),
    );
    let raised = repo.commit("Anna Schmidt", "2026-01-13", "Raise the NPS target");
    git(
        repo.path(),
        &["merge", "-q", "--no-ff", "--no-commit", "lower"],
    );
    repo.commit("Carla Diaz", "2026-01-14", "Merge branch 'lower'");
    assert_created_then_target(
        repo.path(),
        &first,
        ("2026-01-12", "Bob Meyer", &lowered),
        " lowered: 100 → 70",
    );
    assert_eq!(
        entries(repo.path(), "2026-Q1", "retain"),
        [
            entry(
                "2026-01-13",
                "Anna Schmidt",
                &raised,
                &["target of “Net promoter score”: 45 → 50"]
            ),
            entry("2026-01-05", "Anna Schmidt", &first, &["created"]),
        ]
    );
}

/// A symbolic link under `okrs/` is refused, not followed: git keeps the
/// link, not the file it leads to, so an objective read through it would
/// change in the check while its history and `okr diff` never see a change.
#[cfg(unix)]
#[test]
fn a_linked_objective_is_refused_so_check_history_and_diff_agree() {
    let repo = GitRepo::new("history-link");
    org::write_base(&repo);
    repo.rename(org::PIPELINE_PATH, "drafts/pipeline.md");
    std::os::unix::fs::symlink(
        "../../../drafts/pipeline.md",
        repo.path().join(org::PIPELINE_PATH),
    )
    .expect("link");
    repo.commit("Anna Schmidt", "2026-01-05", "Set the Q1 OKRs");
    repo.write(
        "drafts/pipeline.md",
        &edit(org::PIPELINE, "target = 100", "target = 80"),
    );
    repo.commit("Bob Meyer", "2026-01-12", "Lower the target");

    let checked = run(okr().arg("check").arg(repo.path()).args([
        "--as-of",
        "2026-02-15",
        "--format",
        "json",
    ]));
    let report = crate::common::parse_report(checked.code, &checked.stdout);
    let refused: Vec<&crate::common::Finding> = report
        .diagnostics
        .iter()
        .filter(|d| d.file == org::PIPELINE_PATH)
        .collect();
    assert_eq!(refused.len(), 1, "{:#?}", report.diagnostics);
    assert_eq!(refused[0].rule, "invalid-front-matter");
    assert!(
        refused[0].message.starts_with("a symbolic link"),
        "{refused:?}"
    );

    // Neither the history nor `okr diff` knows an objective the check does not.
    assert_eq!(entries(repo.path(), "2026-Q1", "pipeline"), []);
    let diff = run(okr()
        .args(["diff", "HEAD", "--as-of", "2026-02-15", "--format", "json"])
        .current_dir(repo.path()));
    let json: serde_json::Value = serde_json::from_str(&diff.stdout).expect(&diff.stderr);
    assert_eq!(
        json["summary"],
        serde_json::json!({"added": 0, "removed": 0, "changed": 0, "findings": 0}),
        "{}",
        diff.stdout
    );
}

/// Deletes the loose object `id` from the repository's object store, as a
/// failing disk or a careless cleanup would.
fn lose_object(repo: &GitRepo, id: &str) {
    let path = repo
        .path()
        .join(".git/objects")
        .join(&id[..2])
        .join(&id[2..]);
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// A version git no longer has leaves a gap in the history, named in its
/// note: the next change is not credited as one from the version before it.
#[test]
fn a_missing_version_leaves_a_named_gap_not_a_wrong_entry() {
    let repo = GitRepo::new("history-missing-blob");
    org::write_base(&repo);
    let first = repo.commit("Anna Schmidt", "2026-01-05", "Set the Q1 OKRs");
    repo.write(
        org::PIPELINE_PATH,
        &edit(org::PIPELINE, "target = 100", "target = 90"),
    );
    let lowered = repo.commit("Bob Meyer", "2026-01-12", "Lower the target");
    let lost = git(
        repo.path(),
        &["rev-parse", &format!("HEAD:{}", org::PIPELINE_PATH)],
    );
    repo.write(
        org::PIPELINE_PATH,
        &edit(org::PIPELINE, "target = 100", "target = 80"),
    );
    repo.commit("Carla Diaz", "2026-01-19", "Lower it again");
    lose_object(&repo, &lost);

    assert_eq!(
        entries(repo.path(), "2026-Q1", "pipeline"),
        [entry("2026-01-05", "Anna Schmidt", &first, &["created"])]
    );
    let note = format!(
        "change history is incomplete: the repository lacks the version of {} from commit {lowered}; \
         what that changed is not shown (`git fsck` lists what is missing; a fresh clone restores it)",
        org::PIPELINE_PATH
    );
    assert_eq!(
        history::read(repo.path()).unwrap().note(),
        Some(note.clone())
    );
    assert_same_in_windows(repo.path());
    let (_, result) = build(repo.path(), &[]);
    assert_eq!(
        result.stderr.matches(&format!("okr: {note}")).count(),
        1,
        "{}",
        result.stderr
    );
}

/// A commit git no longer has is named, not taken for a shallow clone's
/// edge: the history starts after it, and says why.
#[test]
fn a_missing_commit_is_named_not_taken_for_a_shallow_clone() {
    let s = scripted();
    let c = &s.commits;
    let lost = git(s.repo.path(), &["rev-parse", &c[4]]);
    lose_object(&s.repo, &lost);

    let history = history::read(s.repo.path()).unwrap();
    assert_eq!(history.extent, Extent::Complete);
    assert_eq!(
        history.note(),
        Some(format!(
            "change history is incomplete: the repository lacks commit {}, the parent of {}, \
             so the history starts at 2026-02-09; \
             what that changed is not shown (`git fsck` lists what is missing; a fresh clone restores it)",
            c[4], c[5]
        ))
    );
    // Only what the commits after it changed.
    assert_eq!(
        entries(s.repo.path(), "2026-Q1", "pipeline"),
        [entry(
            "2026-02-10",
            "Anna Schmidt",
            &c[6],
            &["2 check-ins added to “Qualified opportunities”"]
        )]
    );
}

#[test]
fn the_health_page_lists_the_newest_200_lowered_targets_and_counts_them_all() {
    let repo = GitRepo::new("many-lowered");
    org::write_base(&repo);
    let copy = |n: usize| edit(org::PIPELINE, "German pipeline", &format!("pipeline {n}"));
    let path = |n: usize| format!("okrs/2026-Q1/sales/pipeline-{n:03}.md");
    for n in 1..=101 {
        repo.write(&path(n), &copy(n));
    }
    repo.commit("Anna Schmidt", "2026-01-05", "Q1 objectives");
    // One commit lowers both targets of each: 202 in all.
    for n in 1..=101 {
        let lowered = edit(&copy(n), "target = 100", "target = 90");
        repo.write(&path(n), &edit(&lowered, "target = 40", "target = 30"));
    }
    repo.commit("Bob Meyer", "2026-01-12", "Lower the targets");
    let (out, _) = build(repo.path(), &[]);
    let health = out.join("health/index.html");
    let lowered = section(&health, "lowered-targets");
    assert_eq!(lowered.matches("Bob Meyer").count(), 200, "{lowered}");
    assert!(
        lowered.ends_with(
            "The newest 200 of 202 lowered targets. Each objective's page lists all of its own changes."
        ),
        "{lowered}"
    );
    // Each objective's page still has both of its own.
    let page = section(
        &out.join("objectives/2026-Q1/pipeline-001/index.html"),
        "history",
    );
    assert_eq!(page.matches(" lowered: ").count(), 2, "{page}");
}

#[test]
fn the_changes_page_lists_the_newest_of_each_team_and_objective_pages_all() {
    let repo = GitRepo::new("many-changes");
    org::write_base(&repo);
    repo.commit("Anna Schmidt", "2026-01-05", "Q1 objectives");
    // Twelve changes to one team objective, a day apart.
    for n in 1..=12 {
        let target = format!("target = {}", 100 + n);
        repo.write(
            org::PIPELINE_PATH,
            &edit(org::PIPELINE, "target = 100", &target),
        );
        repo.commit(
            "Bob Meyer",
            &format!("2026-01-{:02}", 5 + n),
            &format!("Step {n}"),
        );
    }
    let (out, _) = build(repo.path(), &[]);
    let changes = out.join("changes/index.html");
    let team = section(&changes, "team-sales");
    assert_eq!(
        team.matches("Fill the German pipeline").count(),
        10,
        "{team}"
    );
    assert!(
        team.contains("2026-01-17") && !team.contains("2026-01-07"),
        "the newest: {team}"
    );
    assert!(
        team.ends_with("The newest 10 of 14 changes. Each objective's page lists all of its own."),
        "{team}"
    );
    // All changes fit in the first section: no such line there.
    let all = section(&changes, "all");
    assert_eq!(all.matches("Fill the German pipeline").count(), 13, "{all}");
    assert!(!all.contains("The newest"), "{all}");
    let html = std::fs::read_to_string(&changes).unwrap();
    assert!(html.contains("<a href=\"#team-sales\">Sales</a> <span class=\"count\">14</span>"));
    let page = section(
        &out.join("objectives/2026-Q1/pipeline/index.html"),
        "history",
    );
    assert_eq!(
        page.matches("target of “Qualified opportunities”").count(),
        12,
        "{page}"
    );
}

/// The history of `dir` read and replayed in parts of 1, 2 and 3 commits
/// (each part with its own opening of the repository), with and without
/// the working tree's objectives, is the history read at once. The working
/// tree's are reused as a build does: found by their files' texts, which are
/// let go before the replay.
fn assert_same_in_windows(dir: &Path) {
    let whole = history::read(dir).unwrap();
    let as_of = "2026-02-15".parse().unwrap();
    for window in 1..=3 {
        let walk = history::walk_in_parts_of(dir, None, window).unwrap();
        let read = walk.finish(None).unwrap().history;
        assert_eq!(read, whole, "windows of {window}");

        let mut checked = okr::check::check(dir, as_of).unwrap();
        let walk = history::walk_in_parts_of(dir, None, window).unwrap();
        let reuse = walk.reuse(&checked.org);
        assert!(
            reuse.is_some(),
            "enough versions for the working tree's to be reused"
        );
        checked.release_unreported_sources();
        let read = walk
            .finish(reuse.map(|r| (&checked.org, r)))
            .unwrap()
            .history;
        assert_eq!(
            read, whole,
            "windows of {window}, reusing the working tree's"
        );
    }
}

#[test]
fn the_history_does_not_depend_on_how_many_commits_are_replayed_at_a_time() {
    let s = scripted();
    assert_same_in_windows(s.repo.path());
}

#[test]
fn the_history_does_not_depend_on_how_git_stores_its_objects() {
    // Loose objects as committed; then one pack as a server's repack stores
    // it (newer versions whole, older ones as deltas of them), which the
    // walk reads newest first.
    let s = scripted();
    let loose = history::read(s.repo.path()).unwrap();
    git(
        s.repo.path(),
        &["repack", "-adfq", "--window=50", "--depth=50"],
    );
    assert_eq!(history::read(s.repo.path()).unwrap(), loose);
    assert_same_in_windows(s.repo.path());
}
