//! Links from the site into the repository: each kind's exact address when
//! `repository` is set (or GitHub Actions names it), none at all otherwise.
//!
//! The OKR folder is `site/` within a scripted git repository, so that
//! file links carry the folder and commit links a history.

use crate::common::{GitRepo, copy_tree, fixture, git, okr, run};

const REPO: &str = "https://github.com/acme/okrs";

/// The `basic` site fixture in `site/` of a git repository, with an
/// objective of one key result (a `key-result-count` finding on its title, line 2) and
/// a lowered target, committed in the current period.
fn repository() -> GitRepo {
    let repo = GitRepo::new("repo-links");
    copy_tree(&fixture("site/basic"), &repo.path().join("site"));
    repo.write(
        "site/okrs/2026-Q1/solo.md",
        "+++\ntitle = \"Win back lapsed customers\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"Returning customers from 10 to 40\"\nstart = 10\ntarget = 40\n+++\n",
    );
    repo.commit("Anna Schmidt", "2026-01-05", "The quarter's OKRs");
    let germany = "site/okrs/2026-Q1/expand-germany.md";
    let text = std::fs::read_to_string(repo.path().join(germany)).unwrap();
    repo.write(germany, &text.replace("2_000_000", "1_500_000"));
    repo.commit("Ben Braun", "2026-02-01", "A smaller German target");
    repo
}

fn set(repo: &GitRepo, settings: &str) {
    let config = repo.path().join("site/okr.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    // First, so that the keys belong to no table.
    std::fs::write(&config, format!("{settings}{text}")).unwrap();
}

/// Builds `site/` into `out` with `env` set (GitHub Actions' variables unset
/// otherwise) and returns a page's text by its path.
fn build(repo: &GitRepo, out: &str, env: &[(&str, &str)]) -> impl Fn(&str) -> String {
    let out = repo.path().join(out);
    let mut command = okr();
    command
        .arg("build")
        .arg(repo.path().join("site"))
        .arg("--out")
        .arg(&out)
        .args(["--as-of", "2026-02-15", "--quiet"]);
    for (name, value) in env {
        command.env(name, value);
    }
    let built = run(&mut command);
    assert_eq!(built.code, 0, "{}", built.stderr);
    move |page: &str| std::fs::read_to_string(out.join(page)).expect("a page")
}

const OBJECTIVE: &str = "objectives/2026-Q1/expand-germany/index.html";
const PAGES: [&str; 6] = [
    OBJECTIVE,
    "teams/sales/index.html",
    "people/anna/index.html",
    "health/index.html",
    "changes/index.html",
    "index.html",
];

#[test]
fn each_kind_of_link_has_its_address() {
    let repo = repository();
    let commit = git(repo.path(), &["rev-parse", "HEAD"]);
    set(
        &repo,
        &format!("repository = \"{REPO}.git\"\nbranch = \"main\"\n"),
    );
    let page = build(&repo, "out", &[]);
    let objective = page(OBJECTIVE);
    assert!(
        objective.contains(&format!(
            "<p class=\"edit-link\"><a href=\"{REPO}/edit/main/site/okrs/2026-Q1/expand-germany.md\">Edit this objective</a></p>\n</header>"
        )),
        "{objective}"
    );
    let check_in = format!(
        " <a class=\"kr-check-in\" href=\"{REPO}/issues/new?template=okr-check-in.yml&amp;title=Check-in%3A%20German%20revenue%20from%20%E2%82%AC0%20to%20%E2%82%AC2M&amp;key_result=2026-Q1%2Fexpand-germany%23revenue\">Check in<span class=\"visually-hidden\">: German revenue from €0 to €2M</span></a>"
    );
    assert!(
        objective.contains(&format!("confidence 60%</span>{check_in}</p>")),
        "beside each key result: {objective}"
    );
    assert_eq!(objective.matches("class=\"kr-check-in\"").count(), 2);
    let commit_link = format!("<a href=\"{REPO}/commit/{commit}\"><code class=\"commit\"");
    assert!(objective.contains(&commit_link), "history: {objective}");
    // Cards (the overview's) carry the check-in link too.
    let team = page("teams/sales/index.html");
    assert!(
        team.contains(&format!(
            "<p class=\"edit-link\"><a href=\"{REPO}/edit/main/site/teams/sales.md\">Edit this team</a></p>"
        )),
        "{team}"
    );
    let index = page("index.html");
    assert!(index.contains("class=\"kr-check-in\" href=\""), "{index}");
    assert!(
        index.contains("key_result=2026-Q1%2Fexpand-germany%23"),
        "{index}"
    );
    assert!(page("people/anna/index.html").contains(&format!(
        "<p class=\"edit-link\"><a href=\"{REPO}/edit/main/site/people/anna.md\">Edit this person</a></p>"
    )));
    // A person known only from a team's members has no file to edit.
    assert!(!page("people/ben/index.html").contains("edit-link"));
    let health = page("health/index.html");
    assert!(
        health.contains(&format!(
            "<a href=\"{REPO}/blob/main/site/okrs/2026-Q1/solo.md#L2\"><code class=\"location\">okrs/2026-Q1/solo.md:2:"
        )),
        "findings link to their line: {health}"
    );
    assert!(health.contains(&commit_link), "lowered targets: {health}");
    assert!(page("changes/index.html").contains(&commit_link));
}

#[test]
fn github_actions_names_the_repository_and_nothing_else_does() {
    let repo = repository();
    let plain = build(&repo, "plain", &[]);
    let outside = build(
        &repo,
        "outside",
        &[
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/okrs"),
        ],
    );
    for page in PAGES {
        let text = plain(page);
        for mark in ["edit-link", "kr-check-in", "github.com", "/commit/"] {
            assert!(!text.contains(mark), "{page}: {mark}");
        }
        assert_eq!(text, outside(page), "{page}: not in Actions, no links");
    }
    let actions = build(
        &repo,
        "actions",
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_SERVER_URL", "https://ghe.acme.example"),
            ("GITHUB_REPOSITORY", "acme/okrs"),
            ("GITHUB_REF", "refs/heads/trunk"),
        ],
    );
    assert!(actions(OBJECTIVE).contains(
        "<a href=\"https://ghe.acme.example/acme/okrs/edit/trunk/site/okrs/2026-Q1/expand-germany.md\">"
    ));
    // Without a branch, links open the default branch, whatever its name.
    set(&repo, &format!("repository = \"{REPO}\"\n"));
    let default = build(&repo, "default", &[]);
    assert!(default(OBJECTIVE).contains(&format!(
        "<a href=\"{REPO}/edit/HEAD/site/okrs/2026-Q1/expand-germany.md\">"
    )));
}

/// As every mistake in `okr.toml`: nothing runs, and it says where and what to write.
#[test]
fn a_bad_repository_setting_stops_okr_with_a_help() {
    let repo = repository();
    set(
        &repo,
        "repository = \"git@github.com:acme/okrs.git\"\nbranch = \"a b\"\n",
    );
    let check = run(okr()
        .arg("check")
        .arg(repo.path().join("site"))
        .args(["--as-of", "2026-02-15"]));
    assert_eq!(check.code, 2, "{}", check.stderr);
    assert_eq!(
        check.stderr,
        "okr: okr.toml:1:14: `repository`: `git@github.com:acme/okrs.git` is not a web address \
         starting with `https://` (write the repository's address as a browser shows it, \
         e.g. `repository = \"https://github.com/acme/okrs\"`)\n\
         okr: okr.toml:2:10: `branch`: `a b` is not a branch name git accepts (write the name \
         of the branch the OKR files are edited on, e.g. `branch = \"main\"`)\n"
    );
}
