//! `okr checkin` on a copy of `tests/fixtures/progress/`: the file gains
//! exactly the new entry, byte for byte, and every refusal leaves every file
//! as it was.

use crate::common::*;
use std::path::Path;

const LOYAL: &str = "okrs/2026-Q4/company/loyal-customers.md";

fn checkin(dir: &Path, args: &[&str]) -> Run {
    run(okr().arg("checkin").args(args).arg("--dir").arg(dir))
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).expect("read")
}

/// Asserts that `new` is `old` with exactly `entry` inserted at the start of
/// a line, and nothing else changed, byte for byte; returns where.
fn assert_inserted(old: &str, new: &str, entry: &str) -> usize {
    let found = new.match_indices(entry).map(|(at, _)| at).find(|&at| {
        new[..at] == old[..at.min(old.len())]
            && new[at + entry.len()..] == old[at.min(old.len())..]
            && (at == 0 || new[..at].ends_with('\n'))
    });
    found.unwrap_or_else(|| panic!("not `old` with {entry:?} inserted:\n{new}"))
}

#[test]
fn a_check_in_is_appended_and_nothing_else_changes() {
    let repo = TempDir::copy_of("progress");
    let before = snapshot(&repo.path);
    let old = read(&repo.path, LOYAL);
    let run = checkin(
        &repo.path,
        &[
            "loyal-customers#churn",
            "2.6",
            "--date",
            "2026-11-16",
            "--confidence",
            "0.6",
            "--note",
            "Annual plans \"help\"",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!("added a check-in to {LOYAL}: 2026-Q4/loyal-customers#churn = 2.6 on 2026-11-16\n")
    );
    let new = read(&repo.path, LOYAL);
    let at = assert_inserted(
        &old,
        &new,
        "\n[[key_results.checkins]]\ndate = 2026-11-16\nvalue = 2.6\nconfidence = 0.6\nnote = 'Annual plans \"help\"'\n",
    );
    // Right after the key result's last check-in, before the next key result.
    assert!(at > new.find("Exit interviews started.").unwrap());
    assert!(at < new.find("id = \"program\"").unwrap());
    // Every other file is as it was.
    let mut after = snapshot(&repo.path);
    after.remove(LOYAL);
    let mut unchanged = before;
    unchanged.remove(LOYAL);
    assert_eq!(after, unchanged);
    // And the repository still checks clean.
    let check = run_check(&repo.path);
    assert_eq!(check.summary.errors, 0, "{:#?}", check.diagnostics);
}

/// What `okr sync` adds goes through one writer: one lock and one reading of
/// the repository for many check-ins, each built on the file as the one
/// before left it, and judged against the check-ins added since the reading.
#[test]
fn one_writer_adds_many_check_ins_on_one_reading() {
    let repo = TempDir::copy_of("progress");
    let request = |reference, value, date: &str| okr::checkin::Request {
        reference,
        value,
        date: date.parse().unwrap(),
        confidence: None,
        note: None,
        force: false,
    };
    let mut writer = okr::checkin::Writer::open(&repo.path).unwrap();
    for (reference, value, date) in [
        ("loyal-customers#churn", "2.7", "2026-11-09"),
        ("loyal-customers#churn", "2.6", "2026-11-16"),
        ("loyal-customers#program", "done", "2026-11-16"),
    ] {
        let added = writer.add(&request(reference, value, date)).unwrap();
        assert_eq!(added.file, LOYAL);
    }
    // Before the check-in of 2026-11-16 this writer added, which the files it
    // read did not have yet.
    let refused = writer.add(&request("loyal-customers#churn", "2.65", "2026-11-10"));
    assert!(
        matches!(
            refused,
            Err(okr::checkin::CheckinError::BeforeLatest { .. })
        ),
        "{refused:?}"
    );
    drop(writer);
    let text = read(&repo.path, LOYAL);
    let first = text.find("date = 2026-11-09\nvalue = 2.7\n").unwrap();
    let second = text.find("date = 2026-11-16\nvalue = 2.6\n").unwrap();
    assert!(first < second && second < text.find("id = \"program\"").unwrap());
    assert!(!text.contains("2.65"));
    let check = run_check(&repo.path);
    assert_eq!(check.summary.errors, 0, "{:#?}", check.diagnostics);
}

fn run_check(dir: &Path) -> Report {
    let run = run(okr()
        .arg("check")
        .arg(dir)
        .args(["--as-of", "2026-11-20", "--format", "json"]));
    parse_report(run.code, &run.stdout)
}

#[test]
fn milestones_first_check_ins_and_whole_numbers() {
    let repo = TempDir::copy_of("progress");
    let old = read(&repo.path, LOYAL);
    // A milestone: `done` is written as 1, in a key result without check-ins yet.
    let run = checkin(
        &repo.path,
        &["loyal-customers#program", "done", "--date", "2026-11-20"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.ends_with("#program = done on 2026-11-20\n"),
        "{}",
        run.stdout
    );
    let new = read(&repo.path, LOYAL);
    assert_inserted(
        &old,
        &new,
        "\n[[key_results.checkins]]\ndate = 2026-11-20\nvalue = 1\n",
    );
    // A positional id (`kr3`), and a value with `_`.
    let run = checkin(
        &repo.path,
        &["loyal-customers#kr3", "3_2", "--date", "2026-11-20"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let newer = read(&repo.path, LOYAL);
    assert_inserted(
        &new,
        &newer,
        "\n[[key_results.checkins]]\ndate = 2026-11-20\nvalue = 32\n",
    );
    assert_eq!(run_check(&repo.path).summary.errors, 0);
}

#[test]
fn windows_line_breaks_stay_windows_line_breaks() {
    let repo = TempDir::copy_of("progress");
    let crlf = read(&repo.path, LOYAL).replace('\n', "\r\n");
    repo.write(LOYAL, &crlf);
    let run = checkin(
        &repo.path,
        &["loyal-customers#churn", "2.5", "--date", "2026-11-20"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let new = read(&repo.path, LOYAL);
    assert_inserted(
        &crlf,
        &new,
        "\r\n[[key_results.checkins]]\r\ndate = 2026-11-20\r\nvalue = 2.5\r\n",
    );
}

#[test]
fn the_date_defaults_to_today_or_source_date_epoch() {
    let repo = TempDir::copy_of("progress");
    let run = run(okr()
        .args(["checkin", "loyal-customers#churn", "2.5", "--dir"])
        .arg(&repo.path)
        .env("SOURCE_DATE_EPOCH", "1795608000")); // 2026-11-25T12:00:00Z
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(&repo.path, LOYAL).contains("date = 2026-11-25\nvalue = 2.5\n"));
}

#[test]
fn a_period_in_front_picks_between_periods() {
    let repo = TempDir::copy_of("progress");
    // `happy-customers` is in 2026-Q3 and 2026-Q4: the date decides ...
    let run = checkin(
        &repo.path,
        &["happy-customers#nps", "45", "--date", "2026-11-20"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("okrs/2026-Q4/company/happy-customers.md")
    );
    // ... or the period written in front.
    let run = checkin(
        &repo.path,
        &["2026-Q3/happy-customers#csat", "89", "--date", "2026-09-30"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("okrs/2026-Q3/company/happy-customers.md")
    );
}

/// Each refusal: exit 2, one line naming the problem, and no file changed.
#[test]
fn refusals_change_no_file() {
    let repo = TempDir::copy_of("progress");
    let before = snapshot(&repo.path);
    let cases: &[(&[&str], &str)] = &[
        (
            &["loyal-customer#churn", "2.6", "--date", "2026-11-20"],
            "no objective `loyal-customer`; did you mean `loyal-customers`?",
        ),
        (
            &["loyal-customers#chrun", "2.6", "--date", "2026-11-20"],
            "objective `loyal-customers` has no key result `chrun`; did you mean `churn`?",
        ),
        (
            &["loyal-customers", "2.6", "--date", "2026-11-20"],
            "name the key result after `#`, e.g. `loyal-customers#churn`; its key results are: churn, program, kr3",
        ),
        (
            &["loyal-customers#churn", "2,6", "--date", "2026-11-20"],
            "`2,6` is not a number; key result `churn` is measured in numbers",
        ),
        (
            &["loyal-customers#program", "almost", "--date", "2026-11-20"],
            "key result `program` is a milestone: give `done` or `not-done`, not `almost`",
        ),
        (
            &["loyal-customers#churn", "2.6", "--date", "2027-01-04"],
            "2027-01-04 is outside the objective's period 2026-Q4 (2026-10-01 to 2026-12-31)",
        ),
        (
            &["loyal-customers#churn", "2.6", "--date", "2026-10-20"],
            "2026-10-20 is before the key result's latest check-in (2026-11-02); give a later --date, or --force",
        ),
        (
            &[
                "loyal-customers#churn",
                "2.6",
                "--date",
                "2026-11-20",
                "--confidence",
                "70",
            ],
            "confidence must be between 0 and 1, not 70",
        ),
        (
            &["happy-customers#nps", "45", "--date", "2027-01-04"],
            "`happy-customers` is an objective of several periods: write `2026-Q3/happy-customers#nps` or `2026-Q4/happy-customers#nps`",
        ),
        (
            &[
                "2026-Q2/loyal-customers#churn",
                "2.6",
                "--date",
                "2026-11-20",
            ],
            "no objective `loyal-customers` in period `2026-Q2`",
        ),
    ];
    for (args, message) in cases {
        let run = checkin(&repo.path, args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.starts_with(&format!("okr: {message}")),
            "{args:?}:\n{}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(snapshot(&repo.path) == before, "{args:?} changed a file");
    }
    // `--force` allows an earlier date.
    let run = checkin(
        &repo.path,
        &[
            "loyal-customers#churn",
            "2.8",
            "--date",
            "2026-10-20",
            "--force",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_broken_file_is_not_edited() {
    let repo = TempDir::copy_of("progress");
    let broken = read(&repo.path, LOYAL).replace("target = 2\n", "target = \"two\"\n");
    repo.write(LOYAL, &broken);
    let run = checkin(
        &repo.path,
        &["loyal-customers#churn", "2.6", "--date", "2026-11-20"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(&format!("{LOYAL} has errors in its front matter")),
        "{}",
        run.stderr
    );
    assert_eq!(read(&repo.path, LOYAL), broken);
}

/// An objective reached through a link is refused, as `okr check` refuses
/// it: nothing is written, where the link leads or anywhere else.
#[cfg(unix)]
#[test]
fn a_linked_objective_is_refused_and_left_as_it_was() {
    let repo = TempDir::copy_of("progress");
    let target = repo.path.join("shared/loyal-customers.md");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::rename(repo.path.join(LOYAL), &target).unwrap();
    std::os::unix::fs::symlink("../../../shared/loyal-customers.md", repo.path.join(LOYAL))
        .unwrap();
    let before = std::fs::read(&target).unwrap();
    let run = checkin(
        &repo.path,
        &["loyal-customers#churn", "2.5", "--date", "2026-11-20"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(LOYAL), "{}", run.stderr);
    assert!(
        std::fs::symlink_metadata(repo.path.join(LOYAL))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&target).unwrap(), before);
}

/// Check-ins started at the same moment on one key result all end up in the
/// file: each reads the file only once the one before has written it.
#[test]
fn concurrent_check_ins_are_all_kept() {
    let repo = TempDir::copy_of("progress");
    for round in 0..3 {
        let notes: Vec<String> = (1..=20).map(|i| format!("round {round} run {i}")).collect();
        let runs = run_at_once(notes.iter().map(|note| {
            let mut command = okr();
            command
                .args([
                    "checkin",
                    "loyal-customers#churn",
                    "2.5",
                    "--date",
                    "2026-11-20",
                ])
                .args(["--note", note, "--dir"])
                .arg(&repo.path);
            command
        }));
        for run in runs {
            assert_eq!(run.code, 0, "{}", run.stderr);
            assert!(run.stdout.starts_with("added a check-in"), "{}", run.stdout);
        }
        let text = read(&repo.path, LOYAL);
        for note in &notes {
            assert_eq!(
                text.matches(&format!("note = \"{note}\"\n")).count(),
                1,
                "`{note}` reported added but is not in the file once:\n{text}"
            );
        }
    }
    assert_eq!(run_check(&repo.path).summary.errors, 0);
}

/// The pid the system handed out last, where it says (Linux), else ours.
fn last_pid() -> u32 {
    std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .ok()
        .and_then(|pid| pid.trim().parse().ok())
        .unwrap_or_else(std::process::id)
}

/// A repository that ships links at the names a check-in's temporary file
/// could have (the predictable `.<name>.okr-<pid>` of earlier versions for
/// the next few hundred pids, and names of the current form) cannot make
/// the check-in write outside it, nor turn the objective into a link.
#[cfg(unix)]
#[test]
fn links_planted_at_temporary_names_are_never_followed() {
    let dir = TempDir::new("planted-links");
    let repo = dir.path.join("repo");
    copy_tree(&fixture("progress"), &repo);
    let victim = dir.path.join("victim.txt");
    std::fs::write(&victim, "not okr's to write").unwrap();
    let folder = repo.join(LOYAL).parent().unwrap().to_path_buf();
    let next = last_pid();
    let mut names: Vec<String> = (next..next + 300)
        .map(|pid| format!(".loyal-customers.md.okr-{pid}"))
        .collect();
    names.extend(
        [
            ".loyal-customers.md.okr-tmp",
            ".loyal-customers.md.okr-tmp-0000000000000000",
            ".loyal-customers.md.okr-tmp-ffffffffffffffff",
        ]
        .map(String::from),
    );
    for name in &names {
        std::os::unix::fs::symlink(&victim, folder.join(name)).unwrap();
    }
    let run = checkin(
        &repo,
        &["loyal-customers#churn", "2.5", "--date", "2026-11-20"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "not okr's to write"
    );
    let objective = std::fs::symlink_metadata(repo.join(LOYAL)).unwrap();
    assert!(objective.is_file(), "the objective is no longer a file");
    assert!(read(&repo, LOYAL).contains("date = 2026-11-20\nvalue = 2.5\n"));
}

/// What a killed check-in left (its temporary file) is removed by the next
/// one in that folder; names of another form are left alone.
#[cfg(unix)]
#[test]
fn leftovers_of_killed_check_ins_are_removed() {
    let repo = TempDir::copy_of("progress");
    let folder = repo.path.join(LOYAL).parent().unwrap().to_path_buf();
    let leftovers = [
        ".loyal-customers.md.okr-tmp-0123456789abcdef",
        ".happy-customers.md.okr-tmp-fedcba9876543210",
    ];
    let others = [
        ".loyal-customers.md.okr-tmp-notours",
        "notes.okr-tmp-0123456789abcdef",
        ".notes.txt",
    ];
    for name in leftovers.iter().chain(&others) {
        std::fs::write(folder.join(name), "half a file").unwrap();
    }
    let outside = repo.path.join("outside.txt");
    std::fs::write(&outside, "kept").unwrap();
    let link = ".happy-customers.md.okr-tmp-00000000000000aa";
    std::os::unix::fs::symlink(&outside, folder.join(link)).unwrap();
    let run = checkin(
        &repo.path,
        &["loyal-customers#churn", "2.5", "--date", "2026-11-20"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in leftovers.iter().chain(&[link]) {
        assert!(
            std::fs::symlink_metadata(folder.join(name)).is_err(),
            "{name} is left"
        );
    }
    for name in others {
        assert!(folder.join(name).is_file(), "{name} was removed");
    }
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "kept");
}

/// A number with more digits than a 64-bit float keeps would be written as
/// another number: refused, naming the one it would become.
#[test]
fn a_value_a_float_cannot_hold_is_refused() {
    let repo = TempDir::copy_of("progress");
    let before = snapshot(&repo.path);
    for (value, nearest) in [
        ("9007199254740993", "9007199254740992"),
        ("-9007199254740993", "-9007199254740992"),
        ("1_000_000_000_000_000_001", "1000000000000000000"),
        ("0.30000000000000001", "0.3"),
        ("1.0000000000000000001e300", "1e300"),
        ("1e-400", "0"),
    ] {
        let run = checkin(
            &repo.path,
            &["loyal-customers#churn", value, "--date", "2026-11-20"],
        );
        assert_eq!(run.code, 2, "{value}: {}", run.stdout);
        assert!(
            run.stderr.starts_with(&format!(
                "okr: `{value}` cannot be stored exactly: okr keeps numbers as 64-bit floats, \
                 and the nearest one is {nearest}; "
            )),
            "{value}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(snapshot(&repo.path) == before, "{value} changed a file");
    }
    // Numbers with few enough digits are kept as written, even those a float
    // holds only approximately in binary (0.1).
    for (value, written) in [
        ("0.1", "0.1"),
        ("9007199254740992", "9007199254740992.0"),
        ("1.50", "1.5"),
        ("1e3", "1000"),
        ("-0.000_1", "-0.0001"),
        ("0.0", "0"),
    ] {
        let run = checkin(
            &repo.path,
            &["loyal-customers#churn", value, "--date", "2026-11-20"],
        );
        assert_eq!(run.code, 0, "{value}: {}", run.stderr);
        assert!(
            read(&repo.path, LOYAL).contains(&format!("date = 2026-11-20\nvalue = {written}\n")),
            "{value}"
        );
    }
}
