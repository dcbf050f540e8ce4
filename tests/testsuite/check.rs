//! The `okr check` command line: output formats, exit codes, the as-of date,
//! the default directory and the reasons it gives when it cannot run.

use crate::common::*;
use std::path::Path;

/// Every fixture `okr check` can run on (all but `invalid-config` and `no-config`).
fn checkable_fixtures() -> Vec<String> {
    let mut names: Vec<String> = [
        "clean",
        "mixed",
        "bad-utf8",
        "empty-file",
        "no-front-matter",
        "crlf",
        "bom",
        "severity-config",
    ]
    .map(String::from)
    .to_vec();
    names.extend(RULES.iter().map(|(rule, _)| format!("rules/{rule}")));
    names
}

/// `tests/fixtures/rules/` holds one folder per pinned rule, named after it.
#[test]
fn rule_fixture_folders_match_the_pinned_rules() {
    let mut found: Vec<String> = std::fs::read_dir(fixtures().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut pinned: Vec<String> = RULES.iter().map(|(rule, _)| rule.to_string()).collect();
    pinned.sort();
    assert_eq!(found, pinned);
}

/// The realistic example repository passes (its period is judged at a fixed date).
#[test]
fn example_repository_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs");
    let run = run(okr()
        .arg("check")
        .arg(&dir)
        .args(["--as-of", "2026-11-23", "--format", "json"]));
    let report = parse_report(run.code, &run.stdout);
    assert_eq!(run.code, 0, "{:#?}", report.diagnostics);
    assert_eq!(report.summary.errors, 0);
    // Only the warnings left on purpose, each explained in its objective.
    let mut rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    rules.sort();
    assert_eq!(
        rules,
        ["activity-key-result", "stale-key-result", "unaligned"],
        "{:#?}",
        report.diagnostics
    );
    assert!(report.summary.objectives > 0 && report.summary.key_results > 0);
    assert_eq!(report.summary.files, count_repository_files(&dir));
}

// ------------------------------------------------------------------ formats

/// What a GitHub workflow command must escape in a message.
fn escape_message(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// What it must escape in a property value, such as a file name.
fn escape_property(text: &str) -> String {
    escape_message(text).replace(':', "%3A").replace(',', "%2C")
}

/// The start of the workflow command the JSON finding `d` must give.
fn github_prefix(d: &Finding) -> String {
    let mut properties = format!("file={}", escape_property(&d.file));
    if let (Some(line), Some(column)) = (d.line, d.column) {
        properties += &format!(",line={line},col={column}");
    }
    format!(
        "::{} {properties},title={}::{}",
        d.severity,
        d.rule,
        escape_message(&d.message)
    )
}

/// The `human` summary line's counts.
fn human_counts(s: &Summary) -> String {
    format!(
        "{}, {} in {} ({}, {})",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.files, "file"),
        plural(s.objectives, "objective"),
        plural(s.key_results, "key result")
    )
}

/// All three formats report the same findings with the same exit code.
#[test]
fn formats_agree_on_every_fixture() {
    for name in checkable_fixtures() {
        let dir = fixture(&name);
        let report = report_of(&dir);

        let github = check_dir(&dir, &["--format", "github"]);
        assert_eq!(github.code, report.code, "{name}: github exit code");
        let lines: Vec<&str> = github.stdout.lines().collect();
        assert_eq!(
            lines.len(),
            report.diagnostics.len(),
            "{name}: one workflow command per finding:\n{}",
            github.stdout
        );
        for (line, d) in lines.iter().zip(&report.diagnostics) {
            let prefix = github_prefix(d);
            assert!(
                line.starts_with(&prefix),
                "{name}: expected a line starting\n{prefix}\ngot\n{line}"
            );
        }

        let human = check_dir(&dir, &[]);
        assert_eq!(human.code, report.code, "{name}: human exit code");
        assert!(
            !human.stdout.contains("\x1b["),
            "{name}: colour into a pipe"
        );
        for d in &report.diagnostics {
            let location = match (d.line, d.column) {
                (Some(line), Some(column)) => format!("--> {}:{line}:{column}", d.file),
                _ => format!("--> {}", d.file),
            };
            assert!(
                human.stdout.contains(&location),
                "{name}: no `{location}` in\n{}",
                human.stdout
            );
            let title = format!("{}[{}]: {}", d.severity, d.rule, d.message);
            assert!(human.stdout.contains(&title), "{name}: no `{title}`");
        }
        let last = human.stdout.lines().last().unwrap_or_default();
        assert!(
            last.ends_with(&human_counts(&report.summary)),
            "{name}: summary line `{last}`"
        );
    }
}

#[test]
fn github_format() {
    let run = check_dir(&fixture("rules/invalid-value"), &["--format", "github"]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(
        lines[0].starts_with(
            "::error file=okrs/2026-Q1/online/trade-in.md,line=11,col=14,title=invalid-value::"
        ),
        "{}",
        lines[0]
    );
    // The help "… 0.7 means 70% sure" rides along, escaped.
    assert!(lines[0].contains("70%25 sure"), "{}", lines[0]);
    assert!(!lines[0].contains("70% "), "{}", lines[0]);

    // Warnings are `::warning`.
    let run = check_dir(&fixture("rules/unaligned"), &["--format", "github"]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with(
        "::warning file=okrs/2026-Q1/anna/size-guide.md,line=2,col=9,title=unaligned::"
    ));

    // A finding with no place has neither `line` nor `col`.
    let run = check_dir(&fixture("rules/invalid-id"), &["--format", "github"]);
    assert!(
        run.stdout
            .starts_with("::error file=okrs/2026-Q1/online/Faster-Delivery.md,title=invalid-id::"),
        "{}",
        run.stdout
    );
}

#[test]
fn github_format_escapes_file_names() {
    let dir = TempDir::copy_of("clean");
    let text =
        std::fs::read_to_string(dir.path.join("okrs/2026-Q1/online/easier-checkout.md")).unwrap();
    dir.write("okrs/2026-Q1/online/old,checkout.md", retitled(&text));
    let report = report_of(&dir.path);
    assert_eq!(
        report.places(),
        [nowhere("invalid-id", "okrs/2026-Q1/online/old,checkout.md")]
    );
    let run = check_dir(&dir.path, &["--format", "github"]);
    assert!(
        run.stdout
            .starts_with("::error file=okrs/2026-Q1/online/old%2Ccheckout.md,title=invalid-id::"),
        "{}",
        run.stdout
    );
}

/// An objective's text with every title changed, so that a copy of it
/// repeats no key result (`duplicate-key-result`).
fn retitled(text: &str) -> String {
    text.replace("title = \"", "title = \"Old: ")
}

/// A repository whose file names, source lines and values hold terminal
/// escapes, a bell, a carriage return and a bidi override: one file named
/// with them (an `invalid-id` finding with no line), one with a raw escape in
/// its TOML (a syntax error on that line), one whose owner holds them (quoted
/// in the message).
fn repository_with_hidden_characters() -> TempDir {
    let dir = TempDir::copy_of("clean");
    let path = "okrs/2026-Q1/online/easier-checkout.md";
    let text = std::fs::read_to_string(dir.path.join(path)).unwrap();
    dir.write(
        "okrs/2026-Q1/online/old\x1b[2K\x07checkout.md",
        retitled(&text),
    );
    dir.write(
        "okrs/2026-Q1/online/raw.md",
        "+++\ntitle = \"Win\x1b[2K\u{202e} back\"\nperiod = \"2026-Q1\"\n+++\n",
    );
    std::fs::remove_file(dir.path.join(path)).unwrap();
    dir.write(
        path,
        text.replace(
            "team = \"online\"",
            "team = \"on\\u001b]0;x\\u0007\\rline\"",
        ),
    );
    dir
}

/// What the report shows for each of them.
const ESCAPED_FILE: &str = "okrs/2026-Q1/online/old\\u{1b}[2K\\u{7}checkout.md";
const ESCAPED_OWNER: &str = "on\\u{1b}]0;x\\u{7}\\u{d}line";

#[test]
fn human_format_escapes_hidden_characters() {
    let dir = repository_with_hidden_characters();
    let report = report_of(&dir.path);
    assert_eq!(
        report.places(),
        [
            at("unknown-owner", "okrs/2026-Q1/online/easier-checkout.md", 4),
            nowhere(
                "invalid-id",
                "okrs/2026-Q1/online/old\x1b[2K\x07checkout.md"
            ),
            at("invalid-front-matter", "okrs/2026-Q1/online/raw.md", 2),
        ]
    );
    let out = check_dir(&dir.path, &[]).stdout;
    for hidden in ['\x1b', '\x07', '\r', '\u{202e}'] {
        assert!(!out.contains(hidden), "{hidden:?} printed as is:\n{out}");
    }
    assert!(out.contains(&format!("--> {ESCAPED_FILE}\n")), "{out}");
    assert!(out.contains(&format!("`{ESCAPED_OWNER}`")), "{out}");
    // The source line is shown escaped, the caret still under the escape.
    let source = "title = \"Win\\u{1b}[2K\\u{202e} back\"";
    assert!(out.contains(&format!("2 | {source}\n")), "{out}");
    assert_eq!(caret_column(&out, 2, source), 13);
}

#[test]
fn github_format_escapes_hidden_characters() {
    let dir = repository_with_hidden_characters();
    let out = check_dir(&dir.path, &["--format", "github"]).stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    for hidden in ['\x1b', '\x07', '\r', '\u{202e}'] {
        assert!(!out.contains(hidden), "{hidden:?} printed as is:\n{out}");
    }
    assert!(
        lines[0].contains(&format!("`{ESCAPED_OWNER}`")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(&format!("::error file={ESCAPED_FILE},title=invalid-id::")),
        "{}",
        lines[1]
    );
}

/// The column of the first `^` under the source line that ends with `source`,
/// counted like the JSON column.
fn caret_column(output: &str, line_number: u64, source: &str) -> u64 {
    let lines: Vec<&str> = output.lines().collect();
    let i = lines
        .iter()
        .position(|l| {
            l.trim_start().starts_with(&format!("{line_number} |")) && l.ends_with(source)
        })
        .unwrap_or_else(|| panic!("no source line `{line_number} | …{source}` in\n{output}"));
    let text_start = lines[i].find('|').unwrap() + 2;
    let carets = lines[i + 1];
    assert_eq!(
        carets.find('|'),
        lines[i].find('|'),
        "caret line `{carets}`"
    );
    let caret = carets
        .find('^')
        .unwrap_or_else(|| panic!("no caret under `{}`", lines[i]));
    (caret - text_start + 1) as u64
}

#[test]
fn human_format() {
    let dir = fixture("rules/invalid-value");
    let run = check_dir(&dir, &[]);
    assert_eq!(run.code, 1);
    let out = &run.stdout;
    assert!(!out.contains("\x1b["), "no colour into a pipe:\n{out}");
    assert!(out.contains("error[invalid-value]"), "{out}");
    assert!(
        out.contains("--> okrs/2026-Q1/online/trade-in.md:11:14"),
        "{out}"
    );
    assert!(
        out.contains("help: write confidence as a probability"),
        "{out}"
    );
    // The caret sits under the value, where the JSON column says.
    assert_eq!(caret_column(out, 11, "confidence = 70"), 14);
    assert_eq!(caret_column(out, 24, "weight = 0"), 10);
    assert_eq!(caret_column(out, 33, "status = \"ongoing\""), 10);
    assert_eq!(
        out.lines().last(),
        Some("5 errors, 0 warnings in 6 files (3 objectives, 6 key results)")
    );

    // NO_COLOR changes nothing into a pipe: still plain.
    let plain = run_with_env(&dir, "NO_COLOR", "1");
    assert_eq!(plain.stdout, run.stdout);

    // A clean run still prints its summary.
    let clean = check_dir(&fixture("clean"), &[]);
    assert_eq!(clean.code, 0);
    assert_eq!(
        clean.stdout.trim_end().lines().last().unwrap(),
        "ok: 0 errors, 0 warnings in 10 files (4 objectives, 8 key results)"
    );
}

fn run_with_env(dir: &Path, key: &str, value: &str) -> Run {
    run(okr()
        .arg("check")
        .arg(dir)
        .args(["--as-of", AS_OF])
        .env(key, value))
}

/// Colour only on a terminal, and never with NO_COLOR set.
#[cfg(target_os = "linux")]
#[test]
fn colour_on_a_terminal_unless_no_color() {
    let dir = fixture("rules/invalid-value");
    let Some(coloured) =
        pty::run_on_terminal(okr().arg("check").arg(&dir).args(["--as-of", AS_OF]))
    else {
        eprintln!("skipped: no pseudo-terminal available");
        return;
    };
    assert!(
        coloured.contains("\x1b["),
        "colour on a terminal:\n{coloured}"
    );
    assert!(coloured.contains("invalid-value"), "{coloured}");
    let plain = pty::run_on_terminal(
        okr()
            .arg("check")
            .arg(&dir)
            .args(["--as-of", AS_OF])
            .env("NO_COLOR", "1"),
    )
    .unwrap();
    assert!(!plain.contains("\x1b["), "NO_COLOR set:\n{plain}");
    assert!(plain.contains("error[invalid-value]"), "{plain}");
}

/// Runs a command with its stdout on a pseudo-terminal, without any crate:
/// the C library that std links already has the calls.
#[cfg(target_os = "linux")]
mod pty {
    use std::ffi::{CStr, c_char, c_int};
    use std::fs::{File, OpenOptions};
    use std::io::Read;
    use std::os::fd::FromRawFd;
    use std::process::{Command, Stdio};

    unsafe extern "C" {
        fn posix_openpt(flags: c_int) -> c_int;
        fn grantpt(fd: c_int) -> c_int;
        fn unlockpt(fd: c_int) -> c_int;
        fn ptsname_r(fd: c_int, buf: *mut c_char, len: usize) -> c_int;
    }

    const O_RDWR: c_int = 0o2;
    const O_NOCTTY: c_int = 0o400;

    /// The command's stdout as read from the terminal, or `None` without a pseudo-terminal.
    pub fn run_on_terminal(command: &mut Command) -> Option<String> {
        // SAFETY: plain calls on a descriptor we own; the name buffer is large and NUL-terminated.
        let (mut master, name) = unsafe {
            let fd = posix_openpt(O_RDWR | O_NOCTTY);
            if fd < 0 {
                return None;
            }
            let master = File::from_raw_fd(fd);
            let mut buf = [0 as c_char; 256];
            if grantpt(fd) != 0
                || unlockpt(fd) != 0
                || ptsname_r(fd, buf.as_mut_ptr(), buf.len()) != 0
            {
                return None;
            }
            let name = CStr::from_ptr(buf.as_ptr()).to_string_lossy().into_owned();
            (master, name)
        };
        let slave = OpenOptions::new().read(true).write(true).open(name).ok()?;
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::from(slave))
            .stderr(Stdio::null())
            .spawn()
            .expect("the okr binary runs");
        // Let go of our copy of the terminal's other end (the command keeps it
        // until told otherwise): reading then stops (EIO) once the child exits.
        command.stdout(Stdio::null());
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match master.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
        child.wait().expect("okr exits");
        Some(String::from_utf8_lossy(&out).into_owned())
    }
}

// ------------------------------------------------------------------ exit codes

#[test]
fn deny_warnings_fails_on_warnings() {
    let warnings_only = fixture("rules/unaligned");
    assert_eq!(check_dir(&warnings_only, &[]).code, 0);
    let denied = check_dir(&warnings_only, &["--deny-warnings", "--format", "json"]);
    assert_eq!(denied.code, 1);
    // The findings stay warnings; only the exit code changes.
    let plain = check_dir(&warnings_only, &["--format", "json"]);
    assert_eq!(denied.stdout, plain.stdout);

    // Nothing to deny: still 0. Errors: 1 either way.
    assert_eq!(check_dir(&fixture("clean"), &["--deny-warnings"]).code, 0);
    let errors = fixture("rules/empty-range");
    assert_eq!(check_dir(&errors, &["--deny-warnings"]).code, 1);
    assert_eq!(check_dir(&errors, &[]).code, 1);
}

/// Exit 2 with nothing on stdout and one `okr: ` line per reason on stderr.
fn assert_cannot_run(run: &Run, lines: usize, mentions: &str) {
    assert_eq!(run.code, 2, "{run:#?}");
    assert_eq!(
        run.stdout, "",
        "nothing on stdout when the check cannot run"
    );
    let reasons: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(reasons.len(), lines, "stderr: {}", run.stderr);
    for reason in &reasons {
        assert!(reason.starts_with("okr: "), "stderr line `{reason}`");
    }
    assert!(
        run.stderr.contains(mentions),
        "stderr should mention `{mentions}`: {}",
        run.stderr
    );
}

#[test]
fn no_config_cannot_run() {
    let run = check_dir(&fixture("no-config"), &["--format", "json"]);
    assert_cannot_run(&run, 1, "okr.toml");
}

#[test]
fn invalid_config_cannot_run() {
    let run = check_dir(&fixture("invalid-config"), &["--format", "json"]);
    assert_cannot_run(&run, 1, "`titel`");
    assert!(run.stderr.contains("okr.toml:1:1"), "{}", run.stderr);

    // Several mistakes: each on its own `okr: ` line.
    let dir = TempDir::copy_of("invalid-config");
    dir.write(
        "okr.toml",
        "titel = \"Northwind Bikes OKRs\"\n\n[checks.rules]\nunaligned = \"fatal\"\n",
    );
    let run = check_dir(&dir.path, &[]);
    assert_cannot_run(&run, 2, "`titel`");
    assert!(run.stderr.contains("okr.toml:4:"), "{}", run.stderr);
}

#[test]
fn missing_directory_cannot_run() {
    let dir = TempDir::new("missing");
    let missing = dir.path.join("nowhere");
    assert_cannot_run(&check_dir(&missing, &[]), 1, "nowhere");
}

#[test]
fn file_instead_of_directory_cannot_run() {
    let dir = fixture("clean").join("okr.toml");
    assert_cannot_run(&check_dir(&dir, &[]), 1, "okr.toml");
}

#[cfg(unix)]
#[test]
fn unreadable_directory_cannot_run() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::copy_of("clean");
    std::fs::set_permissions(&dir.path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&dir.path).is_ok() {
        eprintln!("skipped: running with the right to read any folder (root)");
        return;
    }
    let run = check_dir(&dir.path, &[]);
    std::fs::set_permissions(&dir.path, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_cannot_run(&run, 1, "okr: ");
}

#[test]
fn bad_arguments_cannot_run() {
    let clean = fixture("clean");
    for (args, mentions) in [
        (&["--as-of", "2026-13-01"][..], "2026-13-01"),
        (&["--as-of", "15.02.2026"][..], "15.02.2026"),
        (&["--format", "xml"][..], "xml"),
        (&["--colour"][..], "--colour"),
    ] {
        let run = run(okr().arg("check").arg(&clean).args(args));
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(run.stderr.contains(mentions), "{args:?}: {}", run.stderr);
    }
}

// ------------------------------------------------------------------ the as-of date

/// Seconds since 1970 of a UTC time.
const JAN_25_NOON: &str = "1769342400"; // 2026-01-25T12:00:00Z
const FEB_15_MORNING: &str = "1771144200"; // 2026-02-15T08:30:00Z

/// Lines of the stale findings in the workshop's objective (the other files'
/// first check-ins come later, so early dates find those stale too).
fn stale_lines(run: &Run) -> Vec<Option<u64>> {
    parse_report(run.code, &run.stdout)
        .diagnostics
        .iter()
        .filter(|d| d.rule == "stale-key-result")
        .filter(|d| d.file == "okrs/2026-Q1/workshop/same-day-repairs.md")
        .map(|d| d.line)
        .collect()
}

#[test]
fn source_date_epoch_sets_the_as_of_date() {
    let dir = fixture("rules/stale-key-result");
    let with_epoch = |epoch: &str, args: &[&str]| {
        run(okr()
            .arg("check")
            .arg(&dir)
            .args(["--format", "json"])
            .args(args)
            .env("SOURCE_DATE_EPOCH", epoch))
    };
    // On 2026-01-25 the check-in of 2026-01-20 is recent; no check-in since
    // 2026-01-01 is already more than 14 days.
    assert_eq!(stale_lines(&with_epoch(JAN_25_NOON, &[])), [Some(25)]);
    // On 2026-02-15 both are stale, as with `--as-of 2026-02-15`.
    let feb = with_epoch(FEB_15_MORNING, &[]);
    assert_eq!(stale_lines(&feb), [Some(19), Some(25)]);
    assert_eq!(
        feb.stdout,
        check_dir(&dir, &["--format", "json"]).stdout,
        "SOURCE_DATE_EPOCH of 2026-02-15 is --as-of 2026-02-15"
    );
    // `--as-of` wins over SOURCE_DATE_EPOCH.
    assert_eq!(
        stale_lines(&with_epoch(JAN_25_NOON, &["--as-of", AS_OF])),
        [Some(19), Some(25)]
    );
}

#[test]
fn invalid_source_date_epoch_cannot_run() {
    let run = run(okr()
        .arg("check")
        .arg(fixture("clean"))
        .env("SOURCE_DATE_EPOCH", "yesterday"));
    assert_cannot_run(&run, 1, "SOURCE_DATE_EPOCH");
}

// ------------------------------------------------------------------ the directory

#[test]
fn directory_defaults_to_the_current_one() {
    let name = "rules/invalid-id";
    let given = check_dir(&fixture(name), &["--format", "json"]);
    let default = run(okr()
        .current_dir(fixture(name))
        .args(["check", "--as-of", AS_OF, "--format", "json"]));
    assert_eq!(default.code, 1);
    assert_eq!(default.stdout, given.stdout);
    // A relative DIR, with a trailing slash: files are still relative to DIR.
    let relative = run(okr().current_dir(fixtures()).args([
        "check",
        "rules/invalid-id/",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]));
    assert_eq!(relative.stdout, given.stdout);
    assert!(
        parse_report(relative.code, &relative.stdout)
            .diagnostics
            .iter()
            .all(|d| d.file.starts_with("okrs/"))
    );
}
