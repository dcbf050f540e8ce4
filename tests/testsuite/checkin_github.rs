//! `okr checkin --github-event`, run as the check-in workflow runs it: on a
//! git repository made from `tests/fixtures/progress/` with a bare "remote",
//! and an `issues` event shaped as GitHub writes it. A check-in is committed
//! in the author's name and pushed; a refusal changes no file, ref or remote,
//! and says why in the comment.

use crate::common::*;
use serde_json::json;
use std::path::{Path, PathBuf};

const FILE: &str = "okrs/2026-Q3/support/faster-answers.md";
const ISSUE: &str = "https://github.com/bellwether/okrs/issues/12";

/// A repository with a commit, pushed to a bare remote; people with logins.
struct Setup {
    repo: TempDir,
    remote: TempDir,
}

impl Setup {
    fn new() -> Setup {
        let repo = TempDir::copy_of("progress");
        repo.write(
            "people/ana.md",
            "+++\nname = \"Ana Lima\"\nrole = \"Support lead\"\ngithub = \"ana-lima\"\n+++\n",
        );
        let config = std::fs::read_to_string(repo.path.join("okr.toml")).unwrap();
        repo.write(
            "okr.toml",
            format!("{config}base_url = \"https://bellwether.example/okrs\"\n"),
        );
        let remote = TempDir::new("checkin-remote");
        git(&remote.path, &["init", "--quiet", "--bare"]);
        let dir = &repo.path;
        git(dir, &["init", "--quiet", "--initial-branch", "main"]);
        // The workflow's identity: the committer.
        git(dir, &["config", "user.name", "github-actions[bot]"]);
        git(dir, &["config", "user.email", "bot@example.com"]);
        git(dir, &["add", "--all"]);
        git(dir, &["commit", "--quiet", "--message", "OKRs"]);
        let url = remote.path.to_str().unwrap();
        git(dir, &["remote", "add", "origin", url]);
        git(dir, &["push", "--quiet", "origin", "main"]);
        Setup { repo, remote }
    }

    fn head(&self) -> String {
        git(&self.repo.path, &["rev-parse", "HEAD"])
    }

    fn remote_ref(&self, branch: &str) -> String {
        git(
            &self.remote.path,
            &["for-each-ref", "--format=%(objectname)", branch],
        )
    }

    /// Runs the command as the workflow does; the run and the comment file.
    fn run(&self, event: &serde_json::Value, extra: &[&str]) -> (Run, String) {
        let event_path = self.remote.path.join("event.json");
        std::fs::write(&event_path, event.to_string()).unwrap();
        let comment = self.remote.path.join("comment.md");
        let _ = std::fs::remove_file(&comment);
        let run = run(okr()
            .arg("checkin")
            .arg("--github-event")
            .arg(&event_path)
            .arg("--comment-file")
            .arg(&comment)
            .args(extra)
            .current_dir(&self.repo.path)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null"));
        (run, std::fs::read_to_string(&comment).unwrap_or_default())
    }
}

/// The form's body as GitHub writes it (Windows line breaks, as browsers send them).
fn body(key_result: &str, value: &str, note: &str, date: &str) -> String {
    format!(
        "### Key result\n\n{key_result}\n\n### Value\n\n{value}\n\n### Confidence\n\n0.5\n\n\
         ### Note\n\n{note}\n\n### Date\n\n{date}"
    )
    .replace('\n', "\r\n")
}

/// An `issues` event with the fields GitHub sends (a subset of its many).
fn event(login: &str, association: &str, body: &str) -> serde_json::Value {
    let user = json!({
        "login": login, "id": 583231, "node_id": "MDQ6VXNlcjU4MzIzMQ==",
        "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
        "html_url": format!("https://github.com/{login}"), "type": "User", "site_admin": false
    });
    json!({
        "action": "opened",
        "issue": {
            "url": "https://api.github.com/repos/bellwether/okrs/issues/12",
            "repository_url": "https://api.github.com/repos/bellwether/okrs",
            "html_url": ISSUE,
            "id": 2_876_543_210_u64,
            "node_id": "I_kwDOABCDEF6rdY9K",
            "number": 12,
            "title": "Check-in: 2026-Q3/faster-answers#first-reply",
            "user": user,
            "labels": [{
                "id": 7_001_234_567_u64, "name": "okr-check-in", "color": "0e8a16",
                "default": false, "description": "A check-in from the site"
            }],
            "state": "open",
            "locked": false,
            "assignee": null,
            "assignees": [],
            "milestone": null,
            "comments": 0,
            "created_at": "2026-09-30T08:12:33Z",
            "updated_at": "2026-09-30T08:12:33Z",
            "closed_at": null,
            "author_association": association,
            "active_lock_reason": null,
            "body": body,
            "reactions": {"total_count": 0},
            "state_reason": null
        },
        "repository": {
            "id": 812_345_678, "node_id": "R_kgDOMGh1Tg", "name": "okrs",
            "full_name": "bellwether/okrs", "private": false,
            "owner": {"login": "bellwether", "type": "Organization"},
            "html_url": "https://github.com/bellwether/okrs",
            "default_branch": "main"
        },
        "organization": {"login": "bellwether"},
        "sender": user
    })
}

fn valid_body() -> String {
    body(
        "2026-Q3/faster-answers#first-reply",
        "3",
        "Second shift **live**.\nThanks @support <b>all</b>!",
        "_No response_",
    )
}

#[test]
fn a_check_in_from_an_issue_is_committed_in_the_author_s_name_and_pushed() {
    let setup = Setup::new();
    let before = setup.head();
    let old = std::fs::read_to_string(setup.repo.path.join(FILE)).unwrap();
    // Ana leads the owning team: she may, though the repository does not know her.
    let (run, comment) = setup.run(&event("ana-lima", "NONE", &valid_body()), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let commit = setup.head();
    assert_ne!(commit, before);
    assert_eq!(
        run.stdout,
        format!(
            "commit={commit}\nbranch=main\ntitle=Check-in: 2026-Q3/faster-answers#first-reply = 3 on 2026-09-30\n"
        )
    );

    let dir = &setup.repo.path;
    assert_eq!(
        git(dir, &["log", "-1", "--format=%an <%ae>|%cn"]),
        "Ana Lima <ana-lima@users.noreply.github.com>|github-actions[bot]"
    );
    assert_eq!(
        git(dir, &["log", "-1", "--format=%B"]),
        format!(
            "Check-in: 2026-Q3/faster-answers#first-reply = 3 on 2026-09-30\n\nFrom {ISSUE} by @ana-lima"
        )
    );
    assert_eq!(git(dir, &["rev-parse", "HEAD^"]), before);
    assert_eq!(git(dir, &["diff", "--name-only", "HEAD^", "HEAD"]), FILE);
    let new = std::fs::read_to_string(dir.join(FILE)).unwrap();
    let entry = "\n[[key_results.checkins]]\ndate = 2026-09-30\nvalue = 3\nconfidence = 0.5\n\
                 note = \"\"\"\nSecond shift **live**.\nThanks @support <b>all</b>!\"\"\"\n";
    let at = new.find(entry).expect("the entry as written");
    assert_eq!(format!("{}{}", &new[..at], &new[at + entry.len()..]), old);
    assert!(git(dir, &["status", "--porcelain"]).is_empty());
    // Pushed: the remote's branch is the new commit.
    assert_eq!(setup.remote_ref("refs/heads/main"), commit);

    let short = &commit[..7];
    assert_eq!(
        comment,
        format!(
            "Recorded `2026-Q3/faster-answers#first-reply` = 3 on 2026-09-30 (confidence 0.5, with the note) \
             in `{FILE}`, commit [{short}](https://github.com/bellwether/okrs/commit/{commit}).\n\n\
             The objective's page shows it once the site is rebuilt: \
             https://bellwether.example/okrs/objectives/2026-Q3/faster-answers/\n"
        )
    );
    assert!(
        !comment.contains('@') && !comment.contains('<'),
        "{comment}"
    );

    // The issue edited afterwards is not recorded twice.
    let (again, comment) = setup.run(&event("ana-lima", "NONE", &valid_body()), &[]);
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(comment.contains("already recorded"), "{comment}");
    assert_eq!(setup.head(), commit);
}

/// Runs a refused event and asserts that nothing changed anywhere; the comment.
fn assert_refused(setup: &Setup, event: &serde_json::Value) -> String {
    let files = snapshot(&setup.repo.path);
    let head = setup.head();
    let refs = git(&setup.repo.path, &["for-each-ref"]);
    let remote = setup.remote_ref("refs/heads/main");
    let (run, comment) = setup.run(event, &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "", "nothing for the workflow's outputs");
    assert_eq!(snapshot(&setup.repo.path), files, "no file changed");
    assert_eq!(setup.head(), head);
    assert_eq!(git(&setup.repo.path, &["for-each-ref"]), refs);
    assert_eq!(setup.remote_ref("refs/heads/main"), remote);
    assert!(git(&setup.repo.path, &["status", "--porcelain"]).is_empty());
    assert!(
        comment.starts_with("The check-in was not recorded:\n\n```"),
        "{comment}"
    );
    // The message on standard error is the one in the comment.
    let message = run.stderr.trim().trim_start_matches("okr: ");
    assert!(comment.contains(message), "{comment}\n{}", run.stderr);
    comment
}

#[test]
fn refusals_change_nothing_and_say_why() {
    let setup = Setup::new();
    // Someone who answers for nothing and is not trusted by the repository.
    let comment = assert_refused(&setup, &event("mallory", "CONTRIBUTOR", &valid_body()));
    assert!(
        comment.contains(
            "@mallory may not check in on `2026-Q3/faster-answers#first-reply`: \
             ana (GitHub ana-lima), or the repository's owners, members and collaborators may"
        ),
        "{comment}"
    );
    // A value that is not a number, by a collaborator.
    let bad_value = body(
        "2026-Q3/faster-answers#first-reply",
        "3 hours",
        "_No response_",
        "_No response_",
    );
    let comment = assert_refused(&setup, &event("bo", "COLLABORATOR", &bad_value));
    assert!(comment.contains("`3 hours` is not a number"), "{comment}");
    // An unknown key result, with what was meant.
    let unknown = body(
        "2026-Q3/faster-answers#first-replies",
        "3",
        "_No response_",
        "_No response_",
    );
    let comment = assert_refused(&setup, &event("bo", "MEMBER", &unknown));
    assert!(comment.contains("did you mean `first-reply`?"), "{comment}");
    // A date outside the period.
    let late = body(
        "2026-Q3/faster-answers#first-reply",
        "3",
        "_No response_",
        "2026-12-01",
    );
    let comment = assert_refused(&setup, &event("ana-lima", "NONE", &late));
    assert!(
        comment.contains("outside the objective's period"),
        "{comment}"
    );
    // Not a form: no key result.
    let comment = assert_refused(
        &setup,
        &event("ana-lima", "NONE", "Please add 3 to first reply"),
    );
    assert!(
        comment.contains("the issue has no `Key result`"),
        "{comment}"
    );
}

#[test]
fn what_the_issue_says_cannot_mention_link_or_inject_html_in_the_comment() {
    let setup = Setup::new();
    let hostile = body(
        "2026-Q3/faster-answers#first-reply",
        "```` @octocat [x](https://evil.example) <img src=x>",
        "_No response_",
        "_No response_",
    );
    let comment = assert_refused(&setup, &event("ana-lima", "NONE", &hostile));
    // The message is inside a fence longer than any run of backquotes in it
    // (the message's own backquote around the value makes a run of five).
    let opening = comment.split_once("\n\n").unwrap().1;
    let fence: String = opening.chars().take_while(|&c| c == '`').collect();
    assert_eq!(fence.len(), 6, "{comment}");
    let inside = comment
        .split_once(&format!("{fence}text\n"))
        .and_then(|(_, rest)| rest.split_once(&format!("\n{fence}\n")))
        .map(|(inside, _)| inside)
        .unwrap_or_else(|| panic!("a fenced block:\n{comment}"));
    assert!(inside.contains("@octocat [x](https://evil.example) <img src=x>"));
    let outside = comment.replace(inside, "");
    assert!(
        !outside.contains('@') && !outside.contains('<'),
        "{outside}"
    );
}

#[test]
fn a_pull_request_branch_leaves_the_default_branch_alone() {
    let setup = Setup::new();
    let main = setup.remote_ref("refs/heads/main");
    let (run, comment) = setup.run(&event("bo", "OWNER", &valid_body()), &["--pull-request"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let commit = setup.head();
    assert!(
        run.stdout.contains("branch=okr-check-in/12\n"),
        "{}",
        run.stdout
    );
    assert_eq!(setup.remote_ref("refs/heads/okr-check-in/12"), commit);
    assert_eq!(setup.remote_ref("refs/heads/main"), main);
    assert!(
        comment.contains("once the pull request is merged"),
        "{comment}"
    );
    // Not in people/: the login is the author's name.
    assert_eq!(
        git(&setup.repo.path, &["log", "-1", "--format=%an <%ae>"]),
        "bo <bo@users.noreply.github.com>"
    );
}

/// A late check-in to a period whose pages the site no longer has
/// (`past_periods`) is recorded; the comment links to no page.
#[test]
fn a_check_in_to_a_period_without_pages_links_to_no_page() {
    let setup = Setup::new();
    let dir = &setup.repo.path;
    let config = std::fs::read_to_string(dir.join("okr.toml")).unwrap();
    setup
        .repo
        .write("okr.toml", format!("{config}past_periods = 0\n"));
    git(
        dir,
        &[
            "commit",
            "--quiet",
            "--all",
            "--message",
            "Pages for running periods only",
        ],
    );
    // Opened on 2026-10-05, when 2026-Q3 has ended; the value is for 2026-09-30.
    let mut late = event(
        "bo",
        "OWNER",
        &body(
            "2026-Q3/faster-answers#first-reply",
            "3",
            "Final value",
            "2026-09-30",
        ),
    );
    late["issue"]["created_at"] = json!("2026-10-05T09:00:00Z");
    let (run, comment) = setup.run(&late, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        comment.starts_with("Recorded `2026-Q3/faster-answers#first-reply` = 3 on 2026-09-30"),
        "{comment}"
    );
    assert!(!comment.contains("page"), "{comment}");
}

#[test]
fn events_of_another_shape_and_positional_arguments_are_refused() {
    let setup = Setup::new();
    let path: PathBuf = setup.remote.path.join("push.json");
    std::fs::write(&path, r#"{"ref": "refs/heads/main", "commits": []}"#).unwrap();
    let run = run(okr()
        .args(["checkin", "--github-event"])
        .arg(&path)
        .current_dir(&setup.repo.path));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is not a GitHub `issues` event"),
        "{}",
        run.stderr
    );
    let both = run_in(
        &setup.repo.path,
        &["checkin", "a#b", "3", "--github-event", "e.json"],
    );
    assert_eq!(both.code, 2);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
    let help = run_in(&setup.repo.path, &["checkin", "--help"]);
    assert!(
        help.stdout.contains("--github-event <PATH>"),
        "{}",
        help.stdout
    );
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    run(okr().args(args).current_dir(dir))
}

#[test]
fn a_push_that_fails_takes_the_commit_and_the_file_back() {
    let setup = Setup::new();
    let files = snapshot(&setup.repo.path);
    let head = setup.head();
    let missing = setup.remote.path.join("no-such-remote");
    git(
        &setup.repo.path,
        &["remote", "set-url", "origin", missing.to_str().unwrap()],
    );
    let (run, comment) = setup.run(&event("ana-lima", "NONE", &valid_body()), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("git push"), "{}", run.stderr);
    assert_eq!(snapshot(&setup.repo.path), files);
    assert_eq!(setup.head(), head);
    assert!(git(&setup.repo.path, &["status", "--porcelain"]).is_empty());
    assert!(comment.contains("could not be pushed"), "{comment}");
    assert!(
        comment.contains("OKR_CHECKIN_VIA_PULL_REQUEST"),
        "{comment}"
    );
}
