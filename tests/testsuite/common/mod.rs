//! Helpers shared by the integration tests: running the built `okr` binary on
//! a fixture repository and reading its JSON report, checking its shape on the way.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

pub mod org;

#[path = "../../../examples/gen-org.rs"]
pub mod gen_org;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Every fixture is checked as of this day, so that results never depend on today.
pub const AS_OF: &str = "2026-02-15";

/// Every rule with its default severity: the names are a public contract.
pub const RULES: &[(&str, &str)] = &[
    ("invalid-front-matter", "error"),
    ("invalid-id", "error"),
    ("duplicate-id", "error"),
    ("unknown-period", "error"),
    ("unknown-owner", "error"),
    ("unknown-reference", "error"),
    ("unresolved-alignment", "error"),
    ("alignment-cycle", "error"),
    ("alignment-inversion", "error"),
    ("period-mismatch", "error"),
    ("missing-key-results", "error"),
    ("missing-target", "error"),
    ("empty-range", "error"),
    ("invalid-value", "error"),
    ("invalid-source", "error"),
    ("unaligned", "warning"),
    ("unsupported-objective", "warning"),
    ("binary-key-result", "warning"),
    ("activity-key-result", "warning"),
    ("too-many-objectives", "warning"),
    ("key-result-count", "warning"),
    ("due-outside-period", "warning"),
    ("checkin-outside-period", "warning"),
    ("stale-key-result", "warning"),
    ("ignored-file", "warning"),
    ("placeholder-text", "warning"),
    ("metric-objective", "warning"),
    ("unmeasured-key-result", "warning"),
    ("target-already-met", "warning"),
    ("duplicate-key-result", "warning"),
];

pub fn default_severity(rule: &str) -> &'static str {
    RULES
        .iter()
        .find(|(name, _)| *name == rule)
        .map(|(_, severity)| *severity)
        .unwrap_or_else(|| panic!("`{rule}` is not one of the pinned rule names"))
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fixture repository by name, e.g. `clean` or `rules/unaligned`.
pub fn fixture(name: &str) -> PathBuf {
    let path = fixtures().join(name);
    assert!(path.is_dir(), "no fixture {}", path.display());
    path
}

/// The `okr` binary with an environment that cannot change the result:
/// no `SOURCE_DATE_EPOCH` or `NO_COLOR` inherited from whoever runs the tests.
pub fn okr() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_okr"));
    command
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        // Sites link to the repository when built in GitHub Actions.
        .env_remove("GITHUB_ACTIONS");
    command
}

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output
                .status
                .code()
                .expect("okr was ended by a signal, not an exit code"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

pub fn run(command: &mut Command) -> Run {
    command.output().expect("the okr binary runs").into()
}

/// Starts every command before waiting for any, so that they run at once,
/// and returns their runs in the order given.
pub fn run_at_once(commands: impl IntoIterator<Item = Command>) -> Vec<Run> {
    let children: Vec<std::process::Child> = commands
        .into_iter()
        .map(|mut command| {
            command
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("the okr binary starts")
        })
        .collect();
    children
        .into_iter()
        .map(|child| Run::from(child.wait_with_output().expect("wait for okr")))
        .collect()
}

/// `okr check DIR --as-of 2026-02-15` with more arguments.
pub fn check_dir(dir: &Path, args: &[&str]) -> Run {
    run(okr()
        .arg("check")
        .arg(dir)
        .args(["--as-of", AS_OF])
        .args(args))
}

/// One finding of the JSON report.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub severity: String,
    pub message: String,
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub help: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub errors: u64,
    pub warnings: u64,
    pub files: u64,
    pub objectives: u64,
    pub key_results: u64,
}

/// A JSON report, checked against the pinned shape.
#[derive(Clone, Debug)]
pub struct Report {
    pub code: i32,
    pub diagnostics: Vec<Finding>,
    pub summary: Summary,
}

/// `(rule, file, line)`, the way most tests name a finding.
pub type Place = (String, String, Option<u64>);

pub fn at(rule: &str, file: &str, line: u64) -> Place {
    (rule.to_string(), file.to_string(), Some(line))
}

/// A finding with no place in the file (e.g. about its name).
pub fn nowhere(rule: &str, file: &str) -> Place {
    (rule.to_string(), file.to_string(), None)
}

impl Report {
    /// `(rule, file, line)` of every finding, in report order.
    pub fn places(&self) -> Vec<Place> {
        self.diagnostics
            .iter()
            .map(|d| (d.rule.clone(), d.file.clone(), d.line))
            .collect()
    }

    /// The one finding of `rule` in `file` at `line`.
    pub fn find(&self, rule: &str, file: &str, line: u64) -> &Finding {
        let found: Vec<&Finding> = self
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule && d.file == file && d.line == Some(line))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one {rule} finding at {file}:{line}, got {:#?}",
            self.diagnostics
        );
        found[0]
    }
}

fn object_keys(value: &Value, what: &str) -> Vec<String> {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not a JSON object: {value}"));
    let mut keys: Vec<String> = object.keys().cloned().collect();
    keys.sort();
    keys
}

fn string(value: &Value, key: &str) -> String {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {value}"))
        .to_string()
}

fn optional_string(value: &Value, key: &str) -> Option<String> {
    match &value[key] {
        Value::Null => None,
        Value::String(s) => {
            assert!(!s.is_empty(), "`{key}` is an empty string in {value}");
            Some(s.clone())
        }
        other => panic!("`{key}` must be a string or null, not {other}"),
    }
}

fn optional_position(value: &Value, key: &str) -> Option<u64> {
    match &value[key] {
        Value::Null => None,
        Value::Number(n) => {
            let n = n
                .as_u64()
                .unwrap_or_else(|| panic!("`{key}` is not a whole number in {value}"));
            assert!(n >= 1, "`{key}` must count from 1 in {value}");
            Some(n)
        }
        other => panic!("`{key}` must be a number or null, not {other}"),
    }
}

/// Parses `okr check --format json` output and checks everything the contract
/// pins about its shape: the keys, their types, the sort order and the summary counts.
pub fn parse_report(code: i32, stdout: &str) -> Report {
    let json: Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}):\n{stdout}"));
    assert_eq!(object_keys(&json, "the report"), ["diagnostics", "summary"]);

    let items = json["diagnostics"]
        .as_array()
        .expect("`diagnostics` is an array");
    let mut diagnostics = Vec::new();
    for item in items {
        assert_eq!(
            object_keys(item, "a diagnostic"),
            [
                "column", "file", "help", "line", "message", "rule", "severity"
            ],
        );
        let finding = Finding {
            rule: string(item, "rule"),
            severity: string(item, "severity"),
            message: string(item, "message"),
            file: string(item, "file"),
            line: optional_position(item, "line"),
            column: optional_position(item, "column"),
            help: optional_string(item, "help"),
        };
        default_severity(&finding.rule); // a pinned rule name
        assert!(
            finding.severity == "error" || finding.severity == "warning",
            "severity {:?}",
            finding.severity
        );
        assert!(!finding.message.is_empty(), "empty message: {item}");
        assert_eq!(
            finding.line.is_none(),
            finding.column.is_none(),
            "line and column are null together: {item}"
        );
        let file = &finding.file;
        assert!(
            !file.is_empty()
                && !file.starts_with('/')
                && !file.starts_with("./")
                && !file.contains('\\')
                && !file.contains("//"),
            "`file` must be relative to DIR with `/` separators: {file:?}"
        );
        diagnostics.push(finding);
    }

    // Sorted by file, line, column, rule (a finding without a place comes first in its file).
    let key = |d: &Finding| (d.file.clone(), d.line, d.column, d.rule.clone());
    for pair in diagnostics.windows(2) {
        assert!(
            key(&pair[0]) <= key(&pair[1]),
            "diagnostics are not sorted by file, line, column, rule:\n{:#?}\nbefore\n{:#?}",
            pair[0],
            pair[1]
        );
    }

    let summary = &json["summary"];
    assert_eq!(
        object_keys(summary, "the summary"),
        ["errors", "files", "key_results", "objectives", "warnings"]
    );
    let count = |key: &str| {
        summary[key]
            .as_u64()
            .unwrap_or_else(|| panic!("summary `{key}` is not a count: {summary}"))
    };
    let summary = Summary {
        errors: count("errors"),
        warnings: count("warnings"),
        files: count("files"),
        objectives: count("objectives"),
        key_results: count("key_results"),
    };
    let of = |severity: &str| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count() as u64
    };
    assert_eq!(summary.errors, of("error"), "summary errors");
    assert_eq!(summary.warnings, of("warning"), "summary warnings");

    // The exit code follows from the findings (without --deny-warnings).
    let expected_code = if summary.errors > 0 { 1 } else { 0 };
    assert_eq!(code, expected_code, "exit code for {summary:?}");
    Report {
        code,
        diagnostics,
        summary,
    }
}

/// Checks a directory with `--format json` and returns its report, shape checked.
pub fn report_of(dir: &Path) -> Report {
    let run = check_dir(dir, &["--format", "json"]);
    assert!(
        run.stderr.is_empty(),
        "a check that runs prints nothing on stderr, got: {}",
        run.stderr
    );
    let report = parse_report(run.code, &run.stdout);
    for d in &report.diagnostics {
        assert!(
            dir.join(&d.file).is_file(),
            "`file` {} does not name a file of {}",
            d.file,
            dir.display()
        );
    }
    assert_eq!(
        report.summary.files,
        count_repository_files(dir),
        "summary `files` counts okr.toml and every Markdown file read"
    );
    report
}

/// Checks a fixture with `--format json`; its findings keep their default severities.
pub fn report(name: &str) -> Report {
    let report = report_of(&fixture(name));
    for d in &report.diagnostics {
        assert_eq!(
            d.severity,
            default_severity(&d.rule),
            "default severity of {}",
            d.rule
        );
    }
    report
}

/// `okr.toml` and the Markdown files the layout names: `teams/*.md`,
/// `people/*.md`, `okrs/**/*.md` (hidden ones left out), and those named
/// like Markdown files that okr reports as not read (`x.MD`, `x.markdown`).
pub fn count_repository_files(dir: &Path) -> u64 {
    fn markdown(dir: &Path, recursive: bool) -> u64 {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        let mut n = 0;
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                if recursive {
                    n += markdown(&path, true);
                }
            } else if named_markdown(&name) {
                n += 1;
            }
        }
        n
    }
    u64::from(dir.join("okr.toml").is_file())
        + markdown(&dir.join("teams"), false)
        + markdown(&dir.join("people"), false)
        + markdown(&dir.join("okrs"), true)
}

/// `x.md`, or a name okr reports with `ignored-file`: another case or
/// another Markdown extension.
fn named_markdown(name: &str) -> bool {
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    ["md", "markdown", "mdown", "mkd", "mkdn", "mdwn"]
        .iter()
        .any(|e| extension.eq_ignore_ascii_case(e))
}

/// A directory of its own under the system's temporary folder, removed when dropped.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "okr-test-{label}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        TempDir { path }
    }

    /// A fresh copy of a fixture.
    pub fn copy_of(name: &str) -> TempDir {
        let dir = TempDir::new(&name.replace('/', "-"));
        copy_tree(&fixture(name), &dir.path);
        dir
    }

    pub fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).expect("create parent folders");
        std::fs::write(&path, bytes).expect("write a file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        #[cfg(unix)]
        restore_permissions(&self.path);
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Gives back read/write permissions a test took away, so that the folder can be removed.
#[cfg(unix)]
fn restore_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    if meta.file_type().is_symlink() {
        return;
    }
    let mode = if meta.is_dir() { 0o755 } else { 0o644 };
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    if meta.is_dir()
        && let Ok(entries) = std::fs::read_dir(path)
    {
        for entry in entries.flatten() {
            restore_permissions(&entry.path());
        }
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a fixture folder") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a fixture file");
        }
    }
}

/// `n word` or `n words`, as the human summary line writes counts.
pub fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A git repository made by scripted commits. Names and dates are fixed and
/// no user or system git configuration is read, so commit ids are the same
/// in every run.
pub struct GitRepo {
    pub dir: TempDir,
}

/// `git` in `dir`, isolated from whoever runs the tests.
pub fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        // Some commands want an identity even when they commit nothing.
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    command
}

/// Runs git and returns its trimmed stdout; a failing git fails the test.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir).args(args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("git prints UTF-8")
        .trim()
        .to_string()
}

impl GitRepo {
    pub fn new(label: &str) -> GitRepo {
        let dir = TempDir::new(label);
        git(&dir.path, &["init", "-q", "-b", "main"]);
        GitRepo { dir }
    }

    pub fn path(&self) -> &Path {
        &self.dir.path
    }

    pub fn write(&self, relative: &str, text: &str) {
        self.dir.write(relative, text);
    }

    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path().join(relative)).expect("remove a file");
    }

    /// Moves a file, creating the folders it goes into.
    pub fn rename(&self, from: &str, to: &str) {
        let target = self.path().join(to);
        std::fs::create_dir_all(target.parent().unwrap()).expect("create folders");
        std::fs::rename(self.path().join(from), target).expect("move a file");
    }

    /// Commits everything as `author` on `date` (`YYYY-MM-DD`, noon UTC);
    /// returns the short commit id.
    pub fn commit(&self, author: &str, date: &str, message: &str) -> String {
        git(self.path(), &["add", "-A"]);
        let email = format!(
            "{}@example.com",
            author.split(' ').next().unwrap().to_lowercase()
        );
        let when = format!("{date}T12:00:00+00:00");
        let output = git_command(self.path())
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .env("GIT_AUTHOR_NAME", author)
            .env("GIT_AUTHOR_EMAIL", &email)
            .env("GIT_AUTHOR_DATE", &when)
            .env("GIT_COMMITTER_NAME", author)
            .env("GIT_COMMITTER_EMAIL", &email)
            .env("GIT_COMMITTER_DATE", &when)
            .output()
            .expect("git commit runs");
        assert!(
            output.status.success(),
            "git commit failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        git(self.path(), &["rev-parse", "--short=7", "HEAD"])
    }
}

/// Every file below `dir`, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read a folder") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            out.extend(files_below(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// A new repository from `okr init`, as of [`AS_OF`] (its period is 2026-Q1).
pub fn initialised(label: &str) -> TempDir {
    let tmp = TempDir::new(label);
    let init = run(okr()
        .arg("init")
        .arg(&tmp.path)
        .args(["--as-of", AS_OF, "--quiet"]));
    assert_eq!(init.code, 0, "{}", init.stderr);
    tmp
}

/// Every file of a repository with its bytes (not git's own, under `.git`).
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read a folder") {
            let path = entry.expect("an entry").path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("inside").to_string_lossy();
                out.insert(rel.replace('\\', "/"), std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}
