//! `okr digest` and `okr remind` on the example organisation, in every
//! format, a target changed in git, and the reminder workflow of `okr init`.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs")
}

const EXAMPLE_AS_OF: &str = "2026-11-23";

/// `okr digest` (or `remind`) on the example, without its git history: what
/// it says must not depend on how the repository was cloned.
fn on_example(command: &str, extra: &[&str]) -> Run {
    let run = run(okr()
        .arg(command)
        .arg(example())
        .args(["--as-of", EXAMPLE_AS_OF])
        .args(extra));
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

#[test]
fn markdown_has_every_section_and_absolute_links_under_a_full_base_url() {
    let out = on_example(
        "digest",
        &[
            "--no-history",
            "--base-url",
            "https://okrs.example.com/quillfield/",
        ],
    )
    .stdout;
    for heading in [
        "## Quillfield OKRs: the week to 2026-11-23",
        "### What moved",
        "### Targets changed",
        "### Waiting for a check-in",
        "### Due in the next two weeks",
    ] {
        assert!(out.contains(heading), "{heading} in\n{out}");
    }
    assert!(
        out.contains("](<https://okrs.example.com/quillfield/objectives/2026-Q4/"),
        "{out}"
    );
    assert!(!out.contains("](</"), "every link is absolute:\n{out}");
    // One screen.
    assert!(
        out.lines().count() <= 60,
        "{} lines:\n{out}",
        out.lines().count()
    );
}

#[test]
fn markdown_links_are_site_paths_under_the_configured_base_url() {
    let out = on_example("digest", &["--no-history"]).stdout;
    assert!(out.contains("](</objectives/2026-Q4/"), "{out}");
}

#[test]
fn json_has_the_documented_shape() {
    let out = on_example(
        "digest",
        &["--no-history", "--format", "json", "--since", "14"],
    )
    .stdout;
    let digest: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(digest["as_of"], "2026-11-23");
    assert_eq!(digest["since"], "2026-11-09");
    assert_eq!(digest["days"], 14);
    assert_eq!(digest["period"]["name"], "2026-Q4");
    for number in ["score", "expected", "goal"] {
        assert!(digest["period"][number].is_f64(), "{number}: {digest:#}");
    }
    for list in [
        "checkins",
        "objectives_moved",
        "key_results_moved",
        "stale",
        "due",
    ] {
        assert!(digest[list].is_array(), "{list}");
    }
    assert_eq!(digest["targets"]["available"], false);
    assert!(!digest["checkins"].as_array().unwrap().is_empty());
    let moved = &digest["key_results_moved"][0];
    for key in ["before", "now", "change"] {
        assert!(moved[key].is_f64(), "{key}: {moved:#}");
    }
    assert!(
        moved["key_result"]["url"]
            .as_str()
            .unwrap()
            .contains("#kr-")
    );
}

#[test]
fn slack_payload_has_a_fallback_text_and_mrkdwn_blocks() {
    let out = on_example("digest", &["--no-history", "--format", "slack"]).stdout;
    let payload: Value = serde_json::from_str(&out).expect("valid JSON");
    let text = payload["text"].as_str().expect("a text fallback");
    assert!(text.contains("*What moved*"), "{text}");
    let blocks = payload["blocks"].as_array().expect("blocks");
    assert!(blocks.len() <= 50, "Slack takes at most 50 blocks");
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(blocks[0]["text"]["type"], "plain_text");
    for block in &blocks[1..] {
        let kind = block["type"].as_str().unwrap();
        assert!(["section", "context"].contains(&kind), "{block}");
        let text = match kind {
            "section" => &block["text"],
            _ => &block["elements"][0],
        };
        assert_eq!(text["type"], "mrkdwn");
        assert!(text["text"].as_str().unwrap().chars().count() <= 3000);
    }
}

#[test]
fn remind_lists_owners_with_mentions() {
    let out = on_example("remind", &[]).stdout;
    assert!(out.contains("- [ ] "), "{out}");
    let json: Value =
        serde_json::from_str(&on_example("remind", &["--format", "json"]).stdout).unwrap();
    let people = json["people"].as_array().unwrap();
    assert!(!people.is_empty());
    for reminder in people {
        assert!(!reminder["key_results"].as_array().unwrap().is_empty());
        if let Some(login) = reminder["person"]["github"].as_str() {
            assert!(
                out.contains(&format!("- [ ] @{login}: ")),
                "{login}:\n{out}"
            );
        }
    }
}

#[test]
fn remind_with_nothing_to_remind_says_so_and_succeeds() {
    // The example's periods have ended long before this day.
    let run = run(okr()
        .arg("remind")
        .arg(example())
        .args(["--as-of", "2031-01-01"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("Nothing to remind"),
        "{}",
        run.stdout
    );
}

const OBJECTIVE: &str = "+++\ntitle = \"Grow\"\nperiod = \"2026-Q1\"\n\
    [[key_results]]\nid = \"revenue\"\ntitle = \"Revenue\"\ntarget = 100\n\
    [[key_results.checkins]]\ndate = 2026-02-10\nvalue = 40\n\
    [[key_results]]\nid = \"users\"\ntitle = \"Users\"\ntarget = 10\n\
    [[key_results.checkins]]\ndate = 2026-02-10\nvalue = 4\n+++\n";

#[test]
fn a_target_lowered_in_the_window_is_told_with_its_commit() {
    let repo = GitRepo::new("digest-targets");
    repo.write("okr.toml", "title = \"Acme OKRs\"\n");
    repo.write("okrs/2026-Q1/grow.md", OBJECTIVE);
    repo.commit("Ann Lee", "2026-01-05", "Our objective");
    repo.write(
        "okrs/2026-Q1/grow.md",
        &OBJECTIVE.replace("target = 100", "target = 80"),
    );
    let commit = repo.commit("Ann Lee", "2026-02-12", "Less revenue");
    let run = run(okr()
        .arg("digest")
        .arg(repo.path())
        .args(["--as-of", AS_OF, "--format", "json"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let digest: Value = serde_json::from_str(&run.stdout).unwrap();
    let targets = &digest["targets"];
    assert_eq!(targets["available"], true);
    let change = &targets["changes"][0];
    assert_eq!(change["commit"], Value::from(commit));
    assert_eq!(change["key_result"], "Revenue");
    assert_eq!(
        (&change["from"], &change["to"]),
        (&Value::from("100"), &Value::from("80"))
    );
    assert_eq!(change["lowered"], true);
    assert_eq!(targets["changes"].as_array().unwrap().len(), 1);
    // Outside the window: not told.
    let earlier = run_json(repo.path(), "2026-02-11");
    assert_eq!(earlier["targets"]["changes"], Value::Array(vec![]));
}

fn run_json(dir: &Path, as_of: &str) -> Value {
    let run = run(okr()
        .arg("digest")
        .arg(dir)
        .args(["--as-of", as_of, "--format", "json"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn init_writes_the_reminder_workflow_only_when_asked() {
    let without = TempDir::new("init-no-reminders");
    let run_init = run(okr()
        .arg("init")
        .arg(&without.path)
        .args(["--as-of", AS_OF, "--no-git"]));
    assert_eq!(run_init.code, 0, "{}", run_init.stderr);
    assert!(
        !without
            .path
            .join(".github/workflows/okr-reminders.yml")
            .exists()
    );

    let with = TempDir::new("init-reminders");
    let run_init =
        run(okr()
            .arg("init")
            .arg(&with.path)
            .args(["--as-of", AS_OF, "--no-git", "--reminders"]));
    assert_eq!(run_init.code, 0, "{}", run_init.stderr);
    let path = ".github/workflows/okr-reminders.yml";
    assert!(run_init.stdout.contains(path), "{}", run_init.stdout);
    let text = std::fs::read_to_string(with.path.join(path)).unwrap();
    let workflow: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("valid YAML");
    let on = &workflow["on"];
    assert_eq!(
        on["schedule"][0]["cron"], "0 8 * * 1",
        "Mondays at 08:00 UTC"
    );
    assert!(on.get("workflow_dispatch").is_some());
    let job = &workflow["jobs"]["remind"];
    assert_eq!(job["permissions"]["issues"], "write");
    assert_eq!(job["permissions"]["contents"], "read");
    let steps = job["steps"].as_sequence().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter()
            .any(|r| r.starts_with("okr remind --format markdown") && r.ends_with("> reminder.md")),
        "{runs:?}"
    );
    let issue = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("gh issue create"))
        })
        .expect("a step opens the issue");
    let script = issue["run"].as_str().unwrap();
    assert!(script.contains("--title \"$title\" --body-file reminder.md --label okr-reminder"));
    assert!(script.contains("title=\"OKR check-in reminder, week of $monday\""));
    assert_eq!(issue["env"]["GH_TOKEN"], "${{ github.token }}");
    for step in steps {
        if let Some(uses) = step["uses"].as_str() {
            let (_, commit) = uses.split_once('@').unwrap();
            assert_eq!(commit.len(), 40, "{uses} is pinned to a commit");
            if uses.starts_with("actions/checkout@") {
                assert_eq!(step["with"]["persist-credentials"], false);
            }
        }
        if let Some(run) = step["run"].as_str() {
            assert!(!run.contains("${{"), "no expression inside run: {run}");
        }
    }
}

/// `text` without its "Targets changed" section, which depends on how much
/// git history the clone has.
fn without_targets(text: &str) -> String {
    let Some((before, rest)) = text.split_once("### Targets changed") else {
        return text.to_string();
    };
    let after = rest.find("### ").map_or("", |i| &rest[i..]);
    format!("{before}{after}")
}

#[test]
fn the_documented_example_is_what_okr_prints() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/digest-example.md"),
    )
    .unwrap();
    // The example's history is this repository's: it keeps no cache there.
    let out = on_example("digest", &["--no-cache"]).stdout;
    assert_eq!(
        without_targets(&out),
        without_targets(&doc),
        "docs/digest-example.md is `okr digest example-okrs --as-of {EXAMPLE_AS_OF}`"
    );
    assert!(doc.contains("### Targets changed"));
}
