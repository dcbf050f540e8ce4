//! The command line as a whole: an example in every command's help, shell
//! completions, and `--quiet`.

use crate::common::*;

#[test]
fn every_command_shows_an_example() {
    for command in [
        &[][..],
        &["check"],
        &["build"],
        &["init"],
        &["new"],
        &["new", "objective"],
        &["new", "team"],
        &["new", "person"],
        &["serve"],
        &["export"],
        &["schema"],
        &["completions"],
        &["checkin"],
        &["rollover"],
    ] {
        let help = run(okr().args(command).arg("--help"));
        assert_eq!(help.code, 0, "{command:?}");
        let examples = help
            .stdout
            .split_once("Examples:\n")
            .unwrap_or_else(|| panic!("no examples in `okr {} --help`", command.join(" ")))
            .1;
        let first = examples.lines().next().unwrap_or_default().trim_start();
        assert!(
            first.starts_with(&format!("okr {}", command.first().copied().unwrap_or(""))),
            "{command:?}: {first}"
        );
    }
}

#[test]
fn completions_name_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = run(okr().args(["completions", shell]));
        assert_eq!(script.code, 0, "{shell}: {}", script.stderr);
        for command in [
            "check", "build", "init", "serve", "export", "schema", "checkin", "rollover",
        ] {
            assert!(script.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    let unknown = run(okr().args(["completions", "tcsh"]));
    assert_eq!(unknown.code, 2);
}

#[test]
fn quiet_leaves_only_findings() {
    let clean = run(okr()
        .arg("check")
        .arg(fixture("clean"))
        .args(["--as-of", AS_OF, "--quiet"]));
    assert_eq!(clean.code, 0);
    assert_eq!(clean.stdout, "", "no summary line");
    let tmp = TempDir::new("cli-quiet");
    let build = run(okr()
        .arg("build")
        .arg(fixture("clean"))
        .arg("--out")
        .arg(tmp.path.join("site"))
        .args(["--as-of", AS_OF, "-q", "--no-cache"]));
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(build.stdout, "");
    let verbose =
        run(okr()
            .arg("check")
            .arg(fixture("clean"))
            .args(["--as-of", AS_OF, "--verbose"]));
    assert!(verbose.stderr.contains("checked in"), "{}", verbose.stderr);
}

#[test]
fn argument_errors_are_printed_whole() {
    let missing = run(okr().args(["new", "objective", "X"]));
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("--period <PERIOD>"),
        "{}",
        missing.stderr
    );
    assert!(
        missing.stderr.contains("Usage: okr new objective"),
        "{}",
        missing.stderr
    );
    let typo = run(okr().arg("bild"));
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("a similar subcommand exists: 'build'"),
        "{}",
        typo.stderr
    );
    assert_eq!(typo.stdout, "");
}

/// `okr check --format json` of a run, with the timing-free parts only.
fn findings(run: &Run) -> String {
    assert!(run.code == 0 || run.code == 1, "{run:#?}");
    let report = parse_report(run.code, &run.stdout);
    format!("{:?} {:?}", report.places(), report.summary.objectives)
}

#[test]
fn every_command_finds_the_repository_upward_or_with_c() {
    let repo = TempDir::copy_of("progress");
    let inside = repo.path.join("okrs/2026-Q4/company");
    let at_root = run(okr()
        .args(["check", "--format", "json", "--as-of", "2026-11-20"])
        .current_dir(&repo.path));
    let expected = findings(&at_root);
    // From a folder inside the repository, as git and cargo do.
    let below = run(okr()
        .args(["check", "--format", "json", "--as-of", "2026-11-20"])
        .current_dir(&inside));
    assert_eq!(findings(&below), expected);
    // `-C DIR`, before or after the command, and its long name `--dir`.
    for args in [
        &["-C", "okrs/2026-Q4", "check"][..],
        &["check", "-C", "okrs/2026-Q4"],
        &["check", "--dir", "okrs"],
    ] {
        let with_c = run(okr()
            .args(args)
            .args(["--format", "json", "--as-of", "2026-11-20"])
            .current_dir(&repo.path));
        assert_eq!(findings(&with_c), expected, "{args:?}");
    }
    // A DIR argument is relative to -C.
    let joined = run(okr()
        .args(["-C", "okrs", "check", "2026-Q4"])
        .args(["--format", "json", "--as-of", "2026-11-20"])
        .current_dir(&repo.path));
    assert_eq!(findings(&joined), expected);

    let export = run(okr()
        .args(["export", "--as-of", "2026-11-20"])
        .current_dir(&inside));
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert!(export.stdout.contains("loyal-customers"));

    let build = run(okr()
        .args(["build", "--as-of", "2026-11-20", "--no-history", "-q"])
        .current_dir(&inside));
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(
        repo.path.join("public/index.html").is_file(),
        "the site goes to public/ at the root"
    );

    let checkin = run(okr()
        .args([
            "checkin",
            "loyal-customers#churn",
            "2.4",
            "--date",
            "2026-11-20",
        ])
        .current_dir(&inside));
    assert_eq!(checkin.code, 0, "{}", checkin.stderr);
    let rollover = run(okr()
        .args([
            "-C",
            "okrs",
            "rollover",
            "2026-Q3",
            "2026-Q4",
            "--as-of",
            "2026-10-05",
        ])
        .current_dir(&repo.path));
    assert_eq!(rollover.code, 0, "{}", rollover.stderr);
    let new = run(okr()
        .args([
            "new",
            "person",
            "zoe",
            "--name",
            "Zoe",
            "--as-of",
            "2026-11-20",
        ])
        .current_dir(&inside));
    assert_eq!(new.code, 0, "{}", new.stderr);
    assert!(repo.path.join("people/zoe.md").is_file());
    assert_eq!(new.stdout.trim(), "../../../people/zoe.md");
}

#[test]
fn no_repository_above_says_how_to_name_one() {
    let tmp = TempDir::new("cli-no-repo");
    let inside = tmp.path.join("a/b");
    std::fs::create_dir_all(&inside).unwrap();
    let run = run(okr().arg("check").current_dir(&inside));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no okr.toml in . or any folder above it")
            && run.stderr.contains("-C DIR"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_stdout_is_an_error_but_a_closed_pipe_is_not() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let export = run(okr()
        .arg("export")
        .arg(fixture("clean"))
        .args(["--as-of", AS_OF])
        .stdout(full));
    assert_eq!(export.code, 2, "{}", export.stderr);
    assert!(
        export.stderr.contains("cannot write to standard output"),
        "{}",
        export.stderr
    );

    let mut child = okr()
        .arg("export")
        .arg(fixture("clean"))
        .args(["--as-of", AS_OF])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before okr writes
    let closed: Run = child.wait_with_output().unwrap().into();
    assert_eq!(closed.code, 0, "{}", closed.stderr);
}

#[test]
fn a_base_url_flag_is_checked_as_okr_toml_checks_it() {
    let tmp = TempDir::new("cli-base-url");
    let flag = run(okr()
        .arg("build")
        .arg(fixture("clean"))
        .args(["--base-url", "acme", "--as-of", AS_OF, "--out"])
        .arg(tmp.path.join("site")));
    assert_eq!(flag.code, 2, "{}", flag.stderr);
    assert!(!tmp.path.join("site").exists(), "nothing is written");
    let repo = TempDir::copy_of("clean");
    let config = std::fs::read_to_string(repo.path.join("okr.toml")).unwrap();
    std::fs::write(
        repo.path.join("okr.toml"),
        format!("base_url = \"acme\"\n{config}"),
    )
    .unwrap();
    let setting = run(okr()
        .arg("build")
        .arg(&repo.path)
        .args(["--as-of", AS_OF, "--out"])
        .arg(tmp.path.join("site")));
    assert_eq!(setting.code, 2, "{}", setting.stderr);
    let reason = |stderr: &str| {
        stderr
            .split_once("the base URL")
            .map(|(_, r)| r.to_string())
    };
    assert_eq!(reason(&flag.stderr), reason(&setting.stderr));
    assert!(reason(&flag.stderr).is_some(), "{}", flag.stderr);
    let export = run(okr().arg("export").arg(fixture("clean")).args([
        "--base-url",
        "acme",
        "--as-of",
        AS_OF,
    ]));
    assert_eq!(export.code, 2, "{}", export.stderr);
}

#[test]
fn errors_show_hidden_characters_from_the_input_as_escapes() {
    let repo = TempDir::copy_of("progress");
    let refused = run(okr()
        .args([
            "checkin",
            "loyal\u{1b}[2K\rcustomers#churn",
            "2.4",
            "--date",
            "2026-11-20",
        ])
        .current_dir(&repo.path));
    assert_eq!(refused.code, 2);
    assert!(
        !refused.stderr.contains('\u{1b}') && !refused.stderr.contains('\r'),
        "{:?}",
        refused.stderr
    );
    assert!(refused.stderr.contains("\\u{1b}"), "{}", refused.stderr);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
}
