//! The command line as a whole: an example in every command's help, shell
//! completions, and `--quiet`.

mod common;

use common::*;

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
        for command in ["check", "build", "init", "serve", "export", "schema"] {
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
        .args(["--as-of", AS_OF, "-q"]));
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(build.stdout, "");
    let verbose =
        run(okr()
            .arg("check")
            .arg(fixture("clean"))
            .args(["--as-of", AS_OF, "--verbose"]));
    assert!(verbose.stderr.contains("checked in"), "{}", verbose.stderr);
}
