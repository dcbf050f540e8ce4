//! `okr new objective|team|person`: files at the conventional path that check
//! clean but for the sample key results left to fill in, references validated
//! with did-you-mean, and no file overwritten.

use crate::common::*;
use std::path::Path;

fn new(repo: &Path, args: &[&str]) -> Run {
    run(okr()
        .arg("new")
        .args(args)
        .arg("--dir")
        .arg(repo)
        .args(["--as-of", AS_OF]))
}

#[test]
fn a_new_team_objective_is_written_and_only_its_sample_key_results_are_reported() {
    let repo = initialised("new");
    let written = new(
        &repo.path,
        &[
            "objective",
            "--period",
            "2026-Q1",
            "--team",
            "product",
            "--aligns-to",
            "win-customer-loyalty#nps",
            "Delight customers in their first month",
        ],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    let rel = "okrs/2026-Q1/product/delight-customers-in-their-first-month.md";
    assert_eq!(
        written.stdout.trim(),
        repo.path.join(rel).display().to_string()
    );
    let text = std::fs::read_to_string(repo.path.join(rel)).unwrap();
    assert!(text.contains("title = \"Delight customers in their first month\""));
    assert!(text.contains("aligns_to = \"win-customer-loyalty#nps\""));
    assert_eq!(text.matches("[[key_results]]").count(), 2);
    // The key results are samples to replace: said when written, and by
    // `okr check` until they are. Six weeks into the quarter they have no
    // reading yet: stale until their first check-in is written.
    let report = report_of(&repo.path);
    assert_eq!(
        report.places(),
        [
            at("placeholder-text", rel, 12),
            at("stale-key-result", rel, 12),
            at("placeholder-text", rel, 36),
            at("stale-key-result", rel, 36)
        ]
    );
    assert!(
        report.diagnostics[0]
            .message
            .contains("sample text `okr new` wrote"),
        "{}",
        report.diagnostics[0].message
    );
    assert!(
        written
            .stderr
            .contains("okr: note: placeholder-text: the title of key result `kr1`"),
        "{}",
        written.stderr
    );
    assert_eq!(report.summary.objectives, 3);
}

/// Nobody has measured anything yet: a check-in dated today with value 0
/// would lie outside a future period, and below a non-zero start would read
/// as a setback. The stub only shows, commented out, how to write one.
#[test]
fn a_new_objective_records_no_check_in_even_for_a_future_period() {
    let repo = initialised("new-no-checkin");
    let written = new(
        &repo.path,
        &["objective", "--period", "2026-Q2", "Plan the next quarter"],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    let rel = "okrs/2026-Q2/company/plan-the-next-quarter.md";
    let text = std::fs::read_to_string(repo.path.join(rel)).unwrap();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    assert!(!lines.contains(&"[[key_results.checkins]]"), "{text}");
    assert_eq!(
        (lines.iter())
            .filter(|l| l.starts_with("# [[key_results.checkins]]"))
            .count(),
        2,
        "{text}"
    );
    // No `checkin-outside-period` (nor anything else about check-ins): only
    // the samples to replace and a company objective nobody supports yet.
    let report = report_of(&repo.path);
    let others: Vec<Place> = (report.places().into_iter())
        .filter(|p| p.0 != "placeholder-text")
        .collect();
    assert_eq!(
        others,
        [nowhere_or_at(&report, "unsupported-objective")],
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn company_and_person_objectives_go_to_their_folders() {
    let repo = initialised("new");
    let company = new(
        &repo.path,
        &["objective", "--period", "2026-Q1", "Über-zufriedene Kunden"],
    );
    assert_eq!(company.code, 0, "{}", company.stderr);
    assert!(
        repo.path
            .join("okrs/2026-Q1/company/ueber-zufriedene-kunden.md")
            .is_file()
    );
    let person = new(
        &repo.path,
        &[
            "objective",
            "--period",
            "2026-Q1",
            "--person",
            "alex",
            "--aligns-to",
            "effortless-first-week",
            "--id",
            "alex-learning",
            "Learn how customers onboard",
        ],
    );
    assert_eq!(person.code, 0, "{}", person.stderr);
    assert!(
        repo.path
            .join("okrs/2026-Q1/alex/alex-learning.md")
            .is_file()
    );
    // The company objective supports nothing yet: a warning, not an error;
    // beside it only the sample key results to replace, without a reading
    // yet (stale six weeks into the quarter).
    let report = report_of(&repo.path);
    assert_eq!(report.summary.errors, 0, "{:#?}", report.diagnostics);
    let places: Vec<Place> = (report.places().into_iter())
        .filter(|p| p.0 != "placeholder-text" && p.0 != "stale-key-result")
        .collect();
    assert_eq!(places, [nowhere_or_at(&report, "unsupported-objective")]);
}

fn nowhere_or_at(report: &Report, rule: &str) -> Place {
    report
        .places()
        .into_iter()
        .find(|p| p.0 == rule)
        .unwrap_or_else(|| panic!("no {rule} finding"))
}

#[test]
fn misspelt_references_are_refused_with_did_you_mean() {
    let repo = initialised("new");
    let before = files_below(&repo.path);
    for (args, expected) in [
        (
            vec!["--team", "prodcut"],
            "team `prodcut` is not defined in teams/ (did you mean `product`?)",
        ),
        (
            vec!["--team", "product", "--aligns-to", "win-customer-loyality"],
            "did you mean `win-customer-loyalty`?",
        ),
        (
            vec![
                "--team",
                "product",
                "--aligns-to",
                "win-customer-loyalty#npss",
            ],
            "did you mean `nps`?",
        ),
        (vec!["--person", "alx"], "did you mean `alex`?"),
    ] {
        let mut all = vec!["objective", "--period", "2026-Q1"];
        all.extend(args);
        all.push("Grow");
        let refused = new(&repo.path, &all);
        assert_eq!(refused.code, 2, "{all:?}");
        assert!(
            refused.stderr.contains(expected),
            "{all:?}: {}",
            refused.stderr
        );
        assert!(refused.stderr.starts_with("okr: "), "{}", refused.stderr);
    }
    let period = new(&repo.path, &["objective", "--period", "2026-q1", "Grow"]);
    assert_eq!(period.code, 2);
    assert!(
        period.stderr.contains("unknown-period"),
        "{}",
        period.stderr
    );
    assert_eq!(files_below(&repo.path), before, "nothing was written");
}

#[test]
fn never_overwrites() {
    let repo = initialised("new");
    let args = [
        "objective",
        "--period",
        "2026-Q1",
        "Win the loyalty of our first customers",
    ];
    // The id made from this title differs from init's objective: no clash yet.
    assert_eq!(new(&repo.path, &args).code, 0);
    let again = new(&repo.path, &args);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("exists already"), "{}", again.stderr);
    // Another folder, the same id in the same period: a duplicate, refused.
    let duplicate = new(
        &repo.path,
        &[
            "objective",
            "--period",
            "2026-Q1",
            "--team",
            "product",
            "--aligns-to",
            "win-customer-loyalty",
            "--id",
            "win-customer-loyalty",
            "Another",
        ],
    );
    assert_eq!(duplicate.code, 2);
    assert!(
        duplicate.stderr.contains("duplicate-id"),
        "{}",
        duplicate.stderr
    );
    assert_eq!(new(&repo.path, &["team", "product"]).code, 2);
    assert_eq!(new(&repo.path, &["person", "alex"]).code, 2);
}

#[test]
fn new_teams_and_people_check_clean() {
    let repo = initialised("new");
    let person = new(
        &repo.path,
        &[
            "person",
            "sam",
            "--name",
            "Sam Rivera",
            "--role",
            "Designer",
        ],
    );
    assert_eq!(person.code, 0, "{}", person.stderr);
    let team = new(
        &repo.path,
        &[
            "team", "design", "--name", "Design", "--parent", "product", "--lead", "sam",
        ],
    );
    assert_eq!(team.code, 0, "{}", team.stderr);
    assert!(repo.path.join("teams/design.md").is_file());
    assert!(repo.path.join("people/sam.md").is_file());
    assert_eq!(report_of(&repo.path).diagnostics, []);

    let unknown_lead = new(&repo.path, &["team", "ops", "--lead", "samm"]);
    assert_eq!(unknown_lead.code, 2);
    assert!(
        unknown_lead.stderr.contains("did you mean `sam`?"),
        "{}",
        unknown_lead.stderr
    );
    let bad_id = new(&repo.path, &["person", "Sam Smith"]);
    assert_eq!(bad_id.code, 2);
    assert!(bad_id.stderr.contains("`sam-smith`"), "{}", bad_id.stderr);
}

#[test]
fn outside_a_repository_it_says_where_to_run() {
    let tmp = TempDir::new("new-norepo");
    let refused = new(&tmp.path, &["team", "x"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("no okr.toml"), "{}", refused.stderr);
}

/// `okr new` run at the same moment for one id in different folders: the
/// first writes it, and every later one sees it and refuses a duplicate,
/// so the repository never holds the id twice.
#[test]
fn concurrent_new_objectives_never_duplicate_an_id() {
    let repo = initialised("new-concurrent");
    let teams: Vec<String> = (1..=8).map(|i| format!("team-{i}")).collect();
    for team in &teams {
        assert_eq!(new(&repo.path, &["team", team]).code, 0);
    }
    for round in 0..2 {
        let id = format!("shared-goal-{round}");
        let runs = run_at_once(teams.iter().map(|team| {
            let mut command = okr();
            command
                .args(["new", "objective", "--period", "2026-Q1", "--team", team])
                .args(["--id", &id, "A shared goal", "--as-of", AS_OF, "--dir"])
                .arg(&repo.path);
            command
        }));
        let written = runs.iter().filter(|run| run.code == 0).count();
        assert_eq!(written, 1, "{runs:#?}");
        for run in runs.iter().filter(|run| run.code != 0) {
            assert!(run.stderr.contains("duplicate-id"), "{}", run.stderr);
        }
        assert_eq!(report_of(&repo.path).summary.errors, 0);
    }
}

#[test]
fn a_committed_objective_is_written_with_its_kind_and_checks_as_one() {
    let repo = initialised("new-committed");
    let written = new(
        &repo.path,
        &[
            "objective",
            "--period",
            "2026-Q1",
            "--committed",
            "Keep every customer's data safe",
        ],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    let text = std::fs::read_to_string(written.stdout.trim()).unwrap();
    assert!(text.contains("\nkind = \"committed\" "), "{text}");
    // Without --committed, the kind is left to its default and shown as a comment.
    let aspirational = new(
        &repo.path,
        &[
            "objective",
            "--period",
            "2026-Q1",
            "Be the easiest to start with",
        ],
    );
    let text = std::fs::read_to_string(aspirational.stdout.trim()).unwrap();
    assert!(text.contains("\n# kind = \"committed\" "), "{text}");
    // Neither adds a finding of its own: only the samples left to fill in.
    let report = report_of(&repo.path);
    assert!(
        report.diagnostics.iter().all(|d| [
            "placeholder-text",
            "stale-key-result",
            "unsupported-objective",
            "unaligned"
        ]
        .contains(&d.rule.as_str())),
        "{:?}",
        report.places()
    );
}
