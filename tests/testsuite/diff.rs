//! `okr diff` on a temporary git repository: objectives added, removed and
//! changed (a lowered target, a key result added and one removed, a new
//! alignment), a moved and a reformatted file that are no change, and the
//! findings the change introduces, in each output format.

use crate::common::org::{self, edit};
use crate::common::{GitRepo, git, okr, run};

const AS_OF: &str = "2026-04-15";

/// The base organisation committed, then changed in the working tree.
fn changed_repo() -> (GitRepo, String) {
    let repo = GitRepo::new("diff");
    org::write_base(&repo);
    let base = repo.commit("Anna Schmidt", "2026-01-05", "Set the Q1 OKRs");
    // Changed: a lowered target, a key result swapped, aligned elsewhere.
    repo.write(
        org::PIPELINE_PATH,
        &edit(
            &org::pipeline_changed(),
            "aligns_to = \"grow\"",
            "aligns_to = \"retain\"",
        ),
    );
    // No change: reformatted, and moved to another folder.
    repo.write("okrs/2026-Q1/company/grow.md", org::GROW_REFORMATTED);
    repo.rename("okrs/2026-Q1/company/retain.md", "okrs/2026-Q1/retain.md");
    // Removed, and added with a mistake.
    repo.remove("okrs/2026-Q1/sales/events.md");
    repo.write(
        "okrs/2026-Q1/sales/partners.md",
        "+++\ntitle = \"Win reseller partners\"\nperiod = \"2026-Q1\"\nteam = \"sales\"\naligns_to = \"grwo\"\n\n\
         [[key_results]]\ntitle = \"Signed resellers\"\ntarget = 2\n\n\
         [[key_results]]\ntitle = \"Revenue through resellers\"\ntarget = 20_000\nunit = \"EUR\"\n+++\n",
    );
    (repo, base)
}

fn diff(repo: &GitRepo, args: &[&str]) -> String {
    let result = run(okr()
        .arg("diff")
        .args(args)
        .args(["--as-of", AS_OF])
        .current_dir(repo.path()));
    assert_eq!(result.code, 0, "okr diff failed: {}", result.stderr);
    assert_eq!(result.stderr, "");
    result.stdout
}

/// What every format says about the objectives, line by line.
const CHANGED: [&str; 4] = [
    "alignment: grow → retain",
    "key result removed: “Demos held with German prospects”",
    "key result added: “German buyers who met us for the first time”",
    // Said in words in every format: asking for less is what a reviewer must see.
    "target of “Qualified opportunities” lowered: 100 → 80",
];

fn human_body() -> String {
    format!(
        "\nadded   2026-Q1/partners “Win reseller partners” (team sales, okrs/2026-Q1/sales/partners.md)\n\
         \nremoved 2026-Q1/events “Be seen at German trade fairs” (team sales, okrs/2026-Q1/sales/events.md)\n\
         \nchanged 2026-Q1/pipeline “Fill the German pipeline” (team sales, okrs/2026-Q1/sales/pipeline.md)\n\
         {}\
         \nnew findings:\n\n\
         warning[unsupported-objective]: no team or person objective aligns to this company objective\n \
         --> okrs/2026-Q1/company/grow.md:3:10\n  |\n\
         3 | title  = 'Grow revenue in Germany'\n  |          ^^^^^^^^^^^^^^^^^^^^^^^^^\n  |\n  \
         = help: a company objective nobody works on will not move: align a team objective to it, or drop it\n\n\
         error[unresolved-alignment]: no objective `grwo` in 2026-Q1 or a period containing it\n \
         --> okrs/2026-Q1/sales/partners.md:5:13\n  |\n\
         5 | aligns_to = \"grwo\"\n  |             ^^^^^^\n  |\n  \
         = help: did you mean `grow`?\n\n",
        CHANGED.map(|c| format!("  - {c}\n")).concat()
    )
}

#[test]
fn human_against_the_working_tree() {
    let (repo, base) = changed_repo();
    assert_eq!(
        diff(&repo, &["HEAD"]),
        format!(
            "OKR changes from HEAD ({base}) to the working tree: 1 objective added, 1 removed, 1 changed; 2 new findings\n{}",
            human_body()
        )
    );
}

#[test]
fn two_revisions_and_a_folder() {
    let (repo, base) = changed_repo();
    let head = repo.commit("Bob Meyer", "2026-01-12", "Rework the sales objectives");
    let parent = repo.path().parent().unwrap().to_path_buf();
    let result = run(okr()
        .args(["diff", "HEAD~1", "HEAD"])
        .arg(repo.path())
        .args(["--as-of", AS_OF])
        .current_dir(&parent));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(
        result.stdout,
        format!(
            "OKR changes from HEAD~1 ({base}) to HEAD ({head}): 1 objective added, 1 removed, 1 changed; 2 new findings\n{}",
            human_body()
        )
    );
    // A commit id as REV is shown once, short.
    let full = git(repo.path(), &["rev-parse", "HEAD~1"]);
    assert!(
        diff(&repo, &[&full, "HEAD"])
            .starts_with(&format!("OKR changes from {base} to HEAD ({head}): "))
    );
    // Nothing changed between a revision and itself.
    assert_eq!(
        diff(&repo, &["HEAD", "HEAD"]),
        format!(
            "OKR changes from HEAD ({head}) to HEAD ({head}): no objective changed; 0 new findings\n"
        )
    );
}

#[test]
fn a_repository_packed_as_a_clone_gets_it_reads_the_same() {
    // Loose objects as committed; then one pack, each version a delta of
    // another, the newest whole (as a server's repack stores them).
    let (repo, _) = changed_repo();
    repo.commit("Bob Meyer", "2026-01-12", "Rework the sales objectives");
    let loose = diff(&repo, &["HEAD~1", "HEAD"]);
    let against_the_tree = diff(&repo, &["HEAD~1"]);
    git(
        repo.path(),
        &["repack", "-adfq", "--window=50", "--depth=50"],
    );
    assert_eq!(diff(&repo, &["HEAD~1", "HEAD"]), loose);
    assert_eq!(diff(&repo, &["HEAD~1"]), against_the_tree);
}

#[test]
fn markdown_for_a_pull_request_comment() {
    let (repo, base) = changed_repo();
    assert_eq!(
        diff(&repo, &["HEAD", "--format", "markdown"]),
        format!(
            "### OKR changes from HEAD ({base}) to the working tree\n\n\
             1 objective added, 1 removed, 1 changed; 2 new findings.\n\n\
             #### Added\n\n\
             - **Win reseller partners** · team sales · `2026-Q1/partners`\n\n\
             #### Removed\n\n\
             - **Be seen at German trade fairs** · team sales · `2026-Q1/events`\n\n\
             #### Changed\n\n\
             - **Fill the German pipeline** · team sales · `2026-Q1/pipeline`\n\
             {}\n\
             #### New findings\n\n\
             - **warning** `unsupported-objective` in `okrs/2026-Q1/company/grow.md:3:10`: no team or person objective aligns to this company objective \
             (help: a company objective nobody works on will not move: align a team objective to it, or drop it)\n\
             - **error** `unresolved-alignment` in `okrs/2026-Q1/sales/partners.md:5:13`: no objective `grwo` in 2026-Q1 or a period containing it \
             (help: did you mean `grow`?)\n",
            CHANGED.map(|c| format!("  - {c}\n")).concat()
        )
    );
}

/// Only a target moved towards its start is called lowered: raising one is
/// a plain change, in both formats for people.
#[test]
fn a_raised_target_is_not_called_lowered() {
    let repo = GitRepo::new("diff-raised");
    org::write_base(&repo);
    repo.commit("Anna Schmidt", "2026-01-05", "Set the Q1 OKRs");
    repo.write(
        org::PIPELINE_PATH,
        &edit(org::PIPELINE, "target = 100", "target = 120"),
    );
    for format in ["human", "markdown"] {
        let out = diff(&repo, &["HEAD", "--format", format]);
        assert!(
            out.contains("target of “Qualified opportunities”: 100 → 120"),
            "{format}: {out}"
        );
        assert!(!out.contains("lowered"), "{format}: {out}");
    }
}

/// A metric to keep is lowered when its level gets easier to hold: a lower
/// floor, a higher ceiling. Its owner changing is a change too.
#[test]
fn a_level_to_keep_made_easier_is_called_lowered_and_owners_are_tracked() {
    let repo = GitRepo::new("diff-keep");
    org::write_base(&repo);
    let kept = edit(
        org::PIPELINE,
        "target = 100",
        "keep = \"at-least\"\ntarget = 100",
    );
    repo.write(org::PIPELINE_PATH, &kept);
    repo.commit("Anna Schmidt", "2026-01-05", "Set the Q1 OKRs");
    let lower = edit(&kept, "target = 100", "target = 90\nowner = \"anna\"");
    repo.write(org::PIPELINE_PATH, &lower);
    let out = diff(&repo, &["HEAD", "--format", "human"]);
    assert!(
        out.contains("target of “Qualified opportunities” lowered: 100 → 90"),
        "{out}"
    );
    assert!(out.contains("owner of “Qualified opportunities”"), "{out}");
    // A ceiling raised is lowered too; a ceiling brought down is not.
    let ceiling = edit(&kept, "at-least", "at-most");
    for (to, lowered) in [("target = 120", true), ("target = 80", false)] {
        repo.write(org::PIPELINE_PATH, &ceiling);
        repo.commit("Anna Schmidt", "2026-01-06", "A ceiling");
        repo.write(org::PIPELINE_PATH, &edit(&ceiling, "target = 100", to));
        let out = diff(&repo, &["HEAD", "--format", "human"]);
        assert_eq!(out.contains("lowered"), lowered, "{to}: {out}");
    }
}

#[test]
fn json_with_every_change_typed() {
    let (repo, _) = changed_repo();
    let full = git(repo.path(), &["rev-parse", "HEAD"]);
    let json: serde_json::Value =
        serde_json::from_str(&diff(&repo, &["HEAD", "--format", "json"])).expect("one JSON value");
    let objective = |id: &str, title: &str, file: &str| serde_json::json!({"period": "2026-Q1", "id": id, "title": title, "owner": "team sales", "file": file});
    let mut changed = objective(
        "pipeline",
        "Fill the German pipeline",
        "okrs/2026-Q1/sales/pipeline.md",
    );
    changed["changes"] = serde_json::json!([
        {"kind": "changed", "field": "aligns_to", "from": ["grow"], "to": ["retain"]},
        {"kind": "key-result-removed", "key_result": "demos", "title": "Demos held with German prospects"},
        {"kind": "key-result-added", "key_result": "meetings", "title": "German buyers who met us for the first time"},
        {"kind": "key-result-changed", "key_result": "opportunities", "title": "Qualified opportunities",
         "field": "target", "from": 100.0, "to": 80.0, "lowered": true},
    ]);
    assert_eq!(
        json,
        serde_json::json!({
            "from": {"revision": "HEAD", "commit": full},
            "to": {"revision": null, "commit": null},
            "added": [objective("partners", "Win reseller partners", "okrs/2026-Q1/sales/partners.md")],
            "removed": [objective("events", "Be seen at German trade fairs", "okrs/2026-Q1/sales/events.md")],
            "changed": [changed],
            "findings": [
                {"rule": "unsupported-objective", "severity": "warning",
                 "message": "no team or person objective aligns to this company objective",
                 "file": "okrs/2026-Q1/company/grow.md", "line": 3, "column": 10,
                 "help": "a company objective nobody works on will not move: align a team objective to it, or drop it"},
                {"rule": "unresolved-alignment", "severity": "error",
                 "message": "no objective `grwo` in 2026-Q1 or a period containing it",
                 "file": "okrs/2026-Q1/sales/partners.md", "line": 5, "column": 13,
                 "help": "did you mean `grow`?"},
            ],
            "summary": {"added": 1, "removed": 1, "changed": 1, "findings": 2},
        })
    );
}

#[test]
fn a_broken_file_is_not_reported_as_removed() {
    let (repo, _) = changed_repo();
    repo.write(org::PIPELINE_PATH, "+++\ntitle = \"Fill\n+++\n");
    let out = diff(&repo, &["HEAD", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let removed: Vec<&str> = json["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(removed, ["events"]);
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "invalid-front-matter" && f["file"] == org::PIPELINE_PATH)
    );
}

#[test]
fn what_cannot_be_compared_exits_2_with_one_line() {
    let (repo, _) = changed_repo();
    let result = run(okr()
        .args(["diff", "no-such-branch"])
        .current_dir(repo.path()));
    assert_eq!(result.code, 2);
    assert_eq!(
        result.stderr,
        "okr: `no-such-branch` is not a revision of the repository (a branch, tag or commit id; fetch it first if it is remote)\n"
    );
    let outside = crate::common::TempDir::new("diff-no-git");
    let result = run(okr().args(["diff", "HEAD"]).arg(&outside.path));
    assert_eq!(result.code, 2);
    assert_eq!(
        result.stderr,
        format!(
            "okr: {} is not in a git repository\n",
            outside.path.display()
        )
    );
}

/// A title that tries to move up a line, erase it and write a forged change
/// in its place, ring the bell, start a list item of its own and mention someone.
const FORGING_TITLE: &str = "Fill\x1b[1A\x1b[2K\r  - target of “Qualified opportunities”: 80 → 100 (unchanged)\x07\n- @octocat";

/// The base organisation committed; in the working tree the pipeline's
/// target lowered and its title replaced by [`FORGING_TITLE`].
fn forging_repo() -> GitRepo {
    let repo = GitRepo::new("diff-forge");
    org::write_base(&repo);
    repo.commit("Anna Schmidt", "2026-01-05", "Set the Q1 OKRs");
    let toml_title = serde_json::to_string(FORGING_TITLE).unwrap();
    let text = edit(org::PIPELINE, "target = 100", "target = 80");
    let text = edit(
        &text,
        "title = \"Fill the German pipeline\"",
        &format!("title = {toml_title}"),
    );
    repo.write(org::PIPELINE_PATH, &text);
    repo
}

fn assert_nothing_hidden(out: &str) {
    for hidden in ['\x1b', '\x07', '\r'] {
        assert!(!out.contains(hidden), "{hidden:?} printed as is:\n{out}");
    }
}

#[test]
fn human_shows_hidden_characters_in_titles_as_escapes() {
    let repo = forging_repo();
    let out = diff(&repo, &["HEAD"]);
    assert_nothing_hidden(&out);
    let shown = "Fill\\u{1b}[1A\\u{1b}[2K\\u{d}  - target of “Qualified opportunities”: 80 → 100 (unchanged)\\u{7}\\u{a}- @octocat";
    let body = out.split_once('\n').unwrap().1;
    assert_eq!(
        body,
        format!(
            "\nchanged 2026-Q1/pipeline “{shown}” (team sales, okrs/2026-Q1/sales/pipeline.md)\n  \
             - title: “Fill the German pipeline” → “{shown}”\n  \
             - target of “Qualified opportunities” lowered: 100 → 80\n"
        )
    );
}

#[test]
fn markdown_keeps_titles_on_their_line_and_mentions_nobody() {
    let repo = forging_repo();
    let out = diff(&repo, &["HEAD", "--format", "markdown"]);
    assert_nothing_hidden(&out);
    let shown = "Fill\\\\u{1b}\\[1A\\\\u{1b}\\[2K\\\\u{d}  - target of “Qualified opportunities”: 80 → 100 (unchanged)\\\\u{7}\\\\u{a}- @\u{2060}octocat";
    let body = out.split_once("#### Changed\n\n").unwrap().1;
    assert_eq!(
        body,
        format!(
            "- **{shown}** · team sales · `2026-Q1/pipeline`\n  \
             - title: “Fill the German pipeline” → “{shown}”\n  \
             - target of “Qualified opportunities” lowered: 100 → 80\n"
        )
    );
}

#[test]
fn json_keeps_titles_exactly() {
    let repo = forging_repo();
    let out = diff(&repo, &["HEAD", "--format", "json"]);
    assert_nothing_hidden(&out);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["changed"][0]["title"], FORGING_TITLE);
    assert_eq!(json["changed"][0]["changes"][0]["to"], FORGING_TITLE);
}
