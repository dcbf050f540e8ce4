//! `okr rollover FROM TO` on a copy of `tests/fixtures/progress/`: unfinished
//! objectives are copied into the new period, achieved ones stay, nothing is
//! overwritten, and a second run creates nothing.

use crate::common::*;
use std::path::Path;

fn rollover(dir: &Path, args: &[&str]) -> Run {
    run(okr()
        .arg("rollover")
        .args(args)
        .arg("--dir")
        .arg(dir)
        .args(["--as-of", "2026-10-05"]))
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).expect("read")
}

const FASTER: &str = "okrs/2026-Q4/support/faster-answers.md";
const HELP: &str = "okrs/2026-Q4/support/help-center.md";

#[test]
fn unfinished_objectives_start_the_new_period_where_they_ended() {
    let repo = TempDir::copy_of("progress");
    let run = rollover(&repo.path, &["2026-Q3", "2026-Q4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "created okrs/2026-Q4/support/faster-answers.md from 2026-Q3/faster-answers\n\
         \x20 left out key results that reached their target: one-touch\n\
         created okrs/2026-Q4/support/help-center.md from 2026-Q3/help-center\n\
         \x20 left out key results that reached their target: kr1\n\
         left 2 achieved objectives in 2026-Q3\n\
         review each copy: its key results now start where they ended, so titles and targets may need updating\n"
    );
    // Achieved (0.87), and achieved by a retrospective's override (0.8): not carried.
    assert!(!repo.path.join("okrs/2026-Q4/ana").exists());
    // The company's own Q4 objective of the same id is untouched.
    let q4 = "okrs/2026-Q4/company/happy-customers.md";
    assert_eq!(read(&repo.path, q4), read(&fixture("progress"), q4));

    // The copy: new period, `carried_from` after it, `start` = the last
    // value, no check-ins, due dates or old confidence; comments kept; the
    // finished key result and its initiative left out.
    assert_eq!(
        read(&repo.path, FASTER),
        "+++\n\
         title = \"Answer customers before they have to ask twice\"\n\
         period = \"2026-Q4\"   # the quarter we started\n\
         carried_from = \"2026-Q3/faster-answers\"\n\
         team = \"support\"\n\
         aligns_to = \"happy-customers#csat\"\n\
         \n\
         # Business hours, measured by the help desk.\n\
         [[key_results]]\n\
         id = \"first-reply\"\n\
         title = \"Median first reply from 8 h to 2 h\"\n\
         start   = 4\n\
         target  = 2\n\
         unit = \"h\"\n\
         \n\
         [[key_results]]\n\
         id = \"chat\"\n\
         title = \"Chat support available to every customer\"\n\
         done = false\n\
         \n\
         [[initiatives]]\n\
         title = \"A second support shift\"\n\
         key_result = \"first-reply\"\n\
         status = \"in-progress\"\n\
         +++\n\
         Customers who wait write again, and every second message costs us twice.\n"
    );
    // Positional ids are written out when a key result before them is left
    // out, so `help-center#kr2` still means the same; the retrospective stays behind.
    let help = read(&repo.path, HELP);
    assert!(help.contains("[[key_results]]\nid = \"kr2\"\ntitle = \"Tickets answered by an article from 5 % to 20 %\"\nstart = 8\n"), "{help}");
    assert!(
        !help.contains("retrospective") && !help.contains("checkins"),
        "{help}"
    );

    // The new period checks without errors; the copies link to their originals.
    let check = crate::common::run(okr().arg("check").arg(&repo.path).args([
        "--as-of",
        "2026-10-05",
        "--format",
        "json",
    ]));
    let report = parse_report(check.code, &check.stdout);
    assert_eq!(report.summary.errors, 0, "{:#?}", report.diagnostics);
}

#[test]
fn a_second_run_creates_nothing_and_changes_nothing() {
    let repo = TempDir::copy_of("progress");
    assert_eq!(rollover(&repo.path, &["2026-Q3", "2026-Q4"]).code, 0);
    let (faster, help) = (read(&repo.path, FASTER), read(&repo.path, HELP));
    let again = rollover(&repo.path, &["2026-Q3", "2026-Q4"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.stdout,
        "left 2 achieved objectives in 2026-Q3\n\
         2026-Q3/faster-answers is already in 2026-Q4: okrs/2026-Q4/support/faster-answers.md\n\
         2026-Q3/help-center is already in 2026-Q4: okrs/2026-Q4/support/help-center.md\n\
         nothing new to create: no unfinished objective of 2026-Q3 is missing from 2026-Q4\n"
    );
    assert_eq!(read(&repo.path, FASTER), faster);
    assert_eq!(read(&repo.path, HELP), help);
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let repo = TempDir::copy_of("progress");
    // Not even one okr cannot read.
    repo.write(HELP, "my notes, not an objective");
    let run = rollover(&repo.path, &["2026-Q3", "2026-Q4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(&format!(
        "2026-Q3/help-center is already in 2026-Q4: {HELP}"
    )));
    assert_eq!(read(&repo.path, HELP), "my notes, not an objective");
    assert!(repo.path.join(FASTER).is_file());
}

#[test]
fn unknown_or_backward_periods_cannot_run() {
    let repo = TempDir::copy_of("progress");
    let run = rollover(&repo.path, &["2026-Q3", "2026-q4"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("okr: unknown period `2026-q4`")
            && run.stderr.contains("did you mean `2026-Q4`?"),
        "{}",
        run.stderr
    );
    let run = rollover(&repo.path, &["2026-Q4", "2026-Q3"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("does not start after 2026-Q4"),
        "{}",
        run.stderr
    );
    assert!(!repo.path.join(FASTER).exists());
}

/// Rollovers started at the same moment create each copy once and all
/// succeed: each reads the repository only once the one before has written,
/// so the later ones find the copies already there.
#[test]
fn concurrent_rollovers_create_each_copy_once() {
    let repo = TempDir::copy_of("progress");
    let runs = run_at_once((0..8).map(|_| {
        let mut command = okr();
        command
            .args([
                "rollover",
                "2026-Q3",
                "2026-Q4",
                "--as-of",
                "2026-10-05",
                "--dir",
            ])
            .arg(&repo.path);
        command
    }));
    for run in &runs {
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let created = runs
        .iter()
        .filter(|run| {
            run.stdout
                .contains("created okrs/2026-Q4/support/faster-answers.md")
        })
        .count();
    assert_eq!(created, 1, "{runs:#?}");
    let once = TempDir::copy_of("progress");
    assert_eq!(rollover(&once.path, &["2026-Q3", "2026-Q4"]).code, 0);
    assert_eq!(read(&repo.path, FASTER), read(&once.path, FASTER));
    assert_eq!(read(&repo.path, HELP), read(&once.path, HELP));
}

/// A folder of the new period that is a link leading outside the repository
/// is not written through.
#[cfg(unix)]
#[test]
fn a_linked_folder_leading_outside_is_not_written_through() {
    let dir = TempDir::new("rollover-link");
    let repo = dir.path.join("repo");
    copy_tree(&fixture("progress"), &repo);
    let outside = dir.path.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("okrs/2026-Q4/support")).unwrap();
    let run = rollover(&repo, &["2026-Q3", "2026-Q4"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("leads outside the repository"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
}
