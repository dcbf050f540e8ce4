//! Bad input never panics. Every folder under `tests/fixtures/bad/` is a small
//! repository with one kind of broken input. What git cannot hold or what is
//! too big to commit (a symbolic link loop, a named pipe, an unreadable file,
//! a 10 MB body, 100,000 key results, a table of 400,000 keys, 80,000 raw
//! HTML tags, a 10,000-deep alignment chain) is made at run time from the
//! folder's `recipe.toml`.
//!
//! Each case is checked with `okr check` and `okr build`, each run killed if it
//! takes longer than [`LIMIT`]: the exit code is 1 or 2, the findings name the
//! broken file (and line where there is one), and nothing panics or hangs.

use crate::common::*;
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Generous for a debug build on a busy machine; a hang runs into it.
const LIMIT: Duration = Duration::from_secs(300);

/// What a case must give.
struct Case {
    name: &'static str,
    expect: Expect,
}

enum Expect {
    /// Exit 1 with exactly these findings (rule, file, line), in report
    /// order, and this many objectives still read from the other files.
    Findings(&'static [(&'static str, &'static str, Option<u64>)], u64),
    /// Exit 2: the check cannot run, and the one-line reason names this file.
    CannotRun(&'static str),
}

use Expect::*;

const IFM: &str = "invalid-front-matter";

/// Every folder under `tests/fixtures/bad/`, with what it must give.
const CASES: &[Case] = &[
    Case {
        name: "bom",
        // A byte order mark before the fence and in okr.toml; `period = 2026` is on line 3.
        expect: Findings(&[(IFM, "okrs/2026-Q1/bom.md", Some(3))], 1),
    },
    Case {
        name: "config-folder",
        expect: CannotRun("okr.toml"),
    },
    Case {
        name: "config-link-outside",
        expect: CannotRun("okr.toml"),
    },
    Case {
        name: "config-multiline-key",
        expect: CannotRun("okr.toml"),
    },
    Case {
        name: "config-not-utf8",
        expect: CannotRun("okr.toml"),
    },
    Case {
        name: "config-pipe",
        expect: CannotRun("okr.toml"),
    },
    Case {
        name: "crlf",
        // CRLF line endings: the `taget` typo is still on line 8, and the rest
        // of the file is still checked, at its lines (one key result, no check-in).
        expect: Findings(
            &[
                ("key-result-count", "okrs/2026-Q1/crlf.md", Some(2)),
                ("stale-key-result", "okrs/2026-Q1/crlf.md", Some(6)),
                (IFM, "okrs/2026-Q1/crlf.md", Some(8)),
            ],
            2,
        ),
    },
    Case {
        name: "dangling-symlink",
        expect: Findings(&[(IFM, "okrs/2026-Q1/gone.md", None)], 1),
    },
    Case {
        name: "deep-alignment-chain",
        // Only the objective closing the circle is reported, once.
        expect: Findings(
            &[("alignment-cycle", "okrs/2026-Q1/o0.md", Some(5))],
            10_001,
        ),
    },
    Case {
        name: "deeply-nested",
        expect: Findings(
            &[
                // Past 80 levels the TOML parser stops: at the bracket where it did,
                // or for a table header (which it gives no place) at the fence.
                (IFM, "okrs/2026-Q1/arrays.md", Some(4)),
                (IFM, "okrs/2026-Q1/inline-tables.md", Some(4)),
                (IFM, "okrs/2026-Q1/tables.md", Some(1)),
            ],
            1,
        ),
    },
    Case {
        name: "duplicate-ids",
        expect: Findings(
            &[
                // The first in path order keeps the id; a file name has no line, an `id` key has.
                ("duplicate-id", "okrs/2026-Q1/stores/grow.md", None),
                ("duplicate-id", "okrs/2026-Q1/stores/more.md", Some(3)),
            ],
            4,
        ),
    },
    Case {
        name: "empty-file",
        expect: Findings(&[(IFM, "okrs/2026-Q1/empty.md", Some(1))], 1),
    },
    Case {
        name: "folder-named-md",
        expect: Findings(
            &[
                (IFM, "okrs/2026-Q1/x.md", None),
                (IFM, "teams/sales.md", None),
            ],
            1,
        ),
    },
    Case {
        name: "huge-body",
        // The `taget` typo in the front matter of a 10 MB file, whose
        // objective is still read.
        expect: Findings(&[(IFM, "okrs/2026-Q1/long-body.md", Some(8))], 2),
    },
    Case {
        name: "impossible-dates",
        // 2026-02-30, 2026-04-31, 2026-13-01: each reported where it is written.
        expect: Findings(
            &[
                (IFM, "okrs/2026-Q1/dates.md", Some(9)),
                (IFM, "okrs/2026-Q1/dates.md", Some(12)),
                (IFM, "okrs/2026-Q1/dates.md", Some(19)),
            ],
            1,
        ),
    },
    Case {
        name: "invalid-utf8",
        expect: Findings(&[(IFM, "okrs/2026-Q1/latin1.md", Some(2))], 1),
    },
    Case {
        name: "known-mistakes",
        // A period written as `Q1 2026`, `owner`, `baseline`, `goal`, `due_date`:
        // each reported where it is written (helps pinned below); the
        // misspelt `aligns_to` is looked up in the period meant, in the same run.
        expect: Findings(
            &[
                ("unknown-period", "okrs/2026-Q1/support.md", Some(3)),
                (IFM, "okrs/2026-Q1/support.md", Some(4)),
                ("unresolved-alignment", "okrs/2026-Q1/support.md", Some(5)),
                (IFM, "okrs/2026-Q1/support.md", Some(9)),
                (IFM, "okrs/2026-Q1/support.md", Some(10)),
                (IFM, "okrs/2026-Q1/support.md", Some(12)),
            ],
            2,
        ),
    },
    Case {
        name: "many-key-results",
        expect: Findings(
            &[
                ("key-result-count", "okrs/2026-Q1/many.md", Some(2)),
                // The last of 100,000 key results has no target and no check-in.
                ("missing-target", "okrs/2026-Q1/many.md", Some(599_999)),
                ("stale-key-result", "okrs/2026-Q1/many.md", Some(599_999)),
            ],
            2,
        ),
    },
    Case {
        name: "many-keys",
        // A table of 400,000 keys, unknown to okr: reported once, at its
        // header; the rest of the objective is still checked.
        expect: Findings(
            &[
                ("key-result-count", "okrs/2026-Q1/keys.md", Some(2)),
                (IFM, "okrs/2026-Q1/keys.md", Some(15)),
            ],
            2,
        ),
    },
    Case {
        name: "named-pipe",
        expect: Findings(&[(IFM, "okrs/2026-Q1/pipe.md", None)], 1),
    },
    Case {
        name: "nul-bytes",
        // NUL is not allowed in a TOML string; in the body it is harmless.
        expect: Findings(&[(IFM, "okrs/2026-Q1/nul.md", Some(2))], 1),
    },
    Case {
        name: "numbers-in-prose",
        // `20%`, `"9%"`, `€2000000`, `400,000`, `1.5k`, `"5000"`, `2k`, `2M`,
        // `$5k`: each reported on its value, the objective still read.
        expect: Findings(
            &[
                (IFM, "okrs/2026-Q1/german-market.md", Some(8)),
                (IFM, "okrs/2026-Q1/german-market.md", Some(13)),
                (IFM, "okrs/2026-Q1/german-market.md", Some(17)),
                (IFM, "okrs/2026-Q1/german-market.md", Some(21)),
                (IFM, "okrs/2026-Q1/german-market.md", Some(25)),
                (IFM, "okrs/2026-Q1/german-market.md", Some(26)),
                (IFM, "okrs/2026-Q1/german-market.md", Some(30)),
                (IFM, "okrs/2026-Q1/german-market.md", Some(34)),
                (IFM, "okrs/2026-Q1/german-market.md", Some(39)),
            ],
            2,
        ),
    },
    Case {
        name: "only-fences",
        expect: Findings(
            &[
                (IFM, "okrs/2026-Q1/one-fence.md", Some(1)),
                // No title, no period: both at the opening fence.
                (IFM, "okrs/2026-Q1/two-fences.md", Some(1)),
                (IFM, "okrs/2026-Q1/two-fences.md", Some(1)),
            ],
            1,
        ),
    },
    Case {
        name: "partial-front-matter",
        // A misspelt `target` does not hide the misspelt `aligns_to` of the
        // same file, and is not reported again as a missing target.
        expect: Findings(
            &[
                (
                    "unresolved-alignment",
                    "okrs/2026-Q1/sales/munich.md",
                    Some(5),
                ),
                (IFM, "okrs/2026-Q1/sales/munich.md", Some(9)),
            ],
            2,
        ),
    },
    Case {
        name: "raw-html",
        // Past 512 raw HTML tags a body would cost too much to sanitise: at the 513th.
        expect: Findings(
            &[
                (IFM, "okrs/2026-Q1/bold.md", Some(529)),
                (IFM, "okrs/2026-Q1/nested.md", Some(17)),
            ],
            1,
        ),
    },
    Case {
        name: "symlink-loop",
        expect: Findings(&[(IFM, "okrs/2026-Q1/loop", None)], 1),
    },
    Case {
        name: "unreadable-file",
        expect: Findings(&[(IFM, "okrs/2026-Q1/secret.md", None)], 1),
    },
    Case {
        name: "unreadable-folder",
        expect: Findings(&[(IFM, "okrs/2026-Q1/locked", None)], 1),
    },
    Case {
        name: "unterminated",
        expect: Findings(&[(IFM, "okrs/2026-Q1/open.md", Some(1))], 1),
    },
];

/// `recipe.toml`: what a case adds at run time.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Recipe {
    /// Text appended to a file, in order; `{i}` counts from 1 to `times`.
    #[serde(default)]
    append: Vec<Append>,
    /// Files `path` for i = 1..=count; `{i}` and `{i-1}` in path and text.
    #[serde(default)]
    series: Vec<Series>,
    #[serde(default)]
    symlink: Vec<Symlink>,
    #[serde(default)]
    folders: Vec<String>,
    /// Named pipes.
    #[serde(default)]
    fifos: Vec<String>,
    /// Files whose read permission is taken away.
    #[serde(default)]
    unreadable: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Append {
    path: String,
    text: String,
    #[serde(default = "once")]
    times: usize,
}

fn once() -> usize {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Series {
    path: String,
    text: String,
    count: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Symlink {
    path: String,
    target: String,
}

/// A case as the binary will see it: a copy of its folder with the recipe applied.
struct Prepared {
    dir: TempDir,
    /// The recipe took a read permission away, but this process can still
    /// read the file (it runs as root): `okr` must run as another user.
    as_other_user: bool,
}

fn prepare(name: &str) -> Prepared {
    let dir = TempDir::copy_of(&format!("bad/{name}"));
    let recipe_path = dir.path.join("recipe.toml");
    let recipe: Recipe = match std::fs::read_to_string(&recipe_path) {
        Ok(text) => toml::from_str(&text).unwrap_or_else(|e| panic!("{name}/recipe.toml: {e}")),
        Err(_) => Recipe::default(),
    };
    let _ = std::fs::remove_file(&recipe_path);
    let path = |rel: &str| dir.path.join(rel);
    for append in &recipe.append {
        let mut text = std::fs::read(path(&append.path)).unwrap_or_default();
        for i in 1..=append.times {
            text.extend_from_slice(append.text.replace("{i}", &i.to_string()).as_bytes());
        }
        std::fs::write(path(&append.path), text).expect("append to a file");
    }
    for series in &recipe.series {
        for i in 1..=series.count {
            let fill = |s: &str| {
                s.replace("{i}", &i.to_string())
                    .replace("{i-1}", &(i - 1).to_string())
            };
            dir.write(&fill(&series.path), fill(&series.text));
        }
    }
    for folder in &recipe.folders {
        std::fs::create_dir_all(path(folder)).expect("create a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for link in &recipe.symlink {
            std::os::unix::fs::symlink(&link.target, path(&link.path)).expect("symlink");
        }
        for fifo in &recipe.fifos {
            let made = Command::new("mkfifo").arg(path(fifo)).status();
            assert!(made.is_ok_and(|s| s.success()), "mkfifo {fifo}");
        }
        for file in &recipe.unreadable {
            std::fs::set_permissions(path(file), std::fs::Permissions::from_mode(0o000))
                .expect("take the read permission");
        }
    }
    // Root reads what has no read permission: the case then runs as nobody.
    let as_other_user = recipe
        .unreadable
        .iter()
        .any(|file| std::fs::read(path(file)).is_ok() || std::fs::read_dir(path(file)).is_ok());
    Prepared { dir, as_other_user }
}

/// `okr` with `args`, as nobody when the case needs an unprivileged user
/// (`setpriv` from util-linux); `None` if that is not possible here.
fn okr_command(prepared: &Prepared, args: &[&std::ffi::OsStr]) -> Option<Command> {
    let mut command = okr();
    if prepared.as_other_user {
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
            .into_iter()
            .find(|p| Path::new(p).exists())?;
        command = Command::new(setpriv);
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_okr"))
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("NO_COLOR");
    }
    command.args(args);
    Some(command)
}

/// Runs `command` to its end, killing it after [`LIMIT`]; fails on a hang,
/// a signal (a stack overflow aborts) or a panic.
fn run_bounded(what: &str, mut command: Command) -> Run {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start okr");
    // Read both pipes while waiting, so that a big report cannot block the child.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for okr") {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {LIMIT:?}, killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&stdout.join().expect("stdout")).into_owned();
    let stderr = String::from_utf8_lossy(&stderr.join().expect("stderr")).into_owned();
    assert!(!stderr.contains("panicked"), "{what} panicked:\n{stderr}");
    let Some(code) = status.code() else {
        panic!("{what} was ended by a signal ({status}):\n{stderr}");
    };
    assert_ne!(code, 101, "{what} panicked:\n{stderr}");
    Run {
        code,
        stdout,
        stderr,
    }
}

fn run_case(case: &Case) {
    let name = case.name;
    let prepared = prepare(name);
    let dir = prepared.dir.path.as_os_str();
    let check_args = [
        "check".as_ref(),
        dir,
        "--format".as_ref(),
        "json".as_ref(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ];
    let Some(command) = okr_command(&prepared, &check_args) else {
        eprintln!("{name}: not run: it needs `setpriv` to drop root's right to read any file");
        return;
    };
    let check = run_bounded(&format!("{name}: okr check"), command);

    // What `okr build` must name on stderr: `file:line:` or, without a line, the file.
    let places: Vec<String> = match case.expect {
        Findings(expected, objectives) => {
            let report = parse_report(check.code, &check.stdout);
            let expected: Vec<Place> = expected
                .iter()
                .map(|&(rule, file, line)| (rule.to_string(), file.to_string(), line))
                .collect();
            assert_eq!(report.places(), expected, "{name}: findings");
            assert_eq!(check.code, 1, "{name}: exit code");
            assert_eq!(report.summary.objectives, objectives, "{name}: objectives");
            expected
                .iter()
                .map(|(_, file, line)| match line {
                    Some(line) => format!("{file}:{line}:"),
                    None => file.clone(),
                })
                .collect()
        }
        CannotRun(file) => {
            assert_eq!(
                check.code, 2,
                "{name}: exit code; stderr:\n{}",
                check.stderr
            );
            assert!(check.stdout.is_empty(), "{name}: {}", check.stdout);
            assert_eq!(check.stderr.lines().count(), 1, "{name}: {}", check.stderr);
            assert!(check.stderr.contains(file), "{name}: {}", check.stderr);
            vec![file.to_string()]
        }
    };

    let out = prepared.dir.path.join("site");
    let build_args = [
        "build".as_ref(),
        dir,
        "--out".as_ref(),
        out.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ];
    let command = okr_command(&prepared, &build_args).expect("as for the check");
    let build = run_bounded(&format!("{name}: okr build"), command);
    assert_eq!(build.code, check.code, "{name}: build exit code");
    for place in &places {
        assert!(
            build.stderr.contains(place.as_str()),
            "{name}: okr build does not name {place}:\n{}",
            build.stderr
        );
    }
    assert!(
        !out.exists(),
        "{name}: a failed build wrote {}",
        out.display()
    );
}

fn bad_fixtures() -> PathBuf {
    fixtures().join("bad")
}

#[test]
fn every_bad_input_gets_a_finding_naming_the_file_never_a_panic_or_a_hang() {
    let mut folders: Vec<String> = std::fs::read_dir(bad_fixtures())
        .expect("tests/fixtures/bad")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    folders.sort();
    let named: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    assert_eq!(
        folders, named,
        "each folder under tests/fixtures/bad has one case, in name order"
    );

    // Cases run side by side; each failure is collected so that all are shown.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let failed: Vec<&str> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut failed = Vec::new();
                    while let Some(case) =
                        CASES.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        let run = std::panic::catch_unwind(|| run_case(case));
                        if run.is_err() {
                            failed.push(case.name);
                        }
                    }
                    failed
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker"))
            .collect()
    });
    assert!(
        failed.is_empty(),
        "failed cases (messages above): {failed:?}"
    );
}

/// Builds a prepared case after `fix` made it clean, which must succeed; the
/// site is in the returned folder's `site/`.
fn build_fixed(name: &str, fix: impl FnOnce(&Path)) -> TempDir {
    let prepared = prepare(name);
    fix(&prepared.dir.path);
    let mut command = okr();
    command
        .arg("build")
        .arg(&prepared.dir.path)
        .arg("--out")
        .arg(prepared.dir.path.join("site"))
        .args(["--as-of", AS_OF]);
    let build = run_bounded(&format!("{name}, fixed: okr build"), command);
    assert_eq!(build.code, 0, "{}", build.stderr);
    prepared.dir
}

fn replace_in(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).expect("read");
    assert!(text.contains(from), "{} holds no {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn a_ten_megabyte_body_is_rendered() {
    let dir = build_fixed("huge-body", |dir| {
        replace_in(&dir.join("okrs/2026-Q1/long-body.md"), "taget", "target")
    });
    let page = dir
        .path
        .join("site/objectives/2026-Q1/long-body/index.html");
    let html = std::fs::read_to_string(&page).expect("the objective's page");
    assert!(html.len() > 10_000_000, "{} bytes", html.len());
    assert!(html.contains("<p>Every repair gets a short report"));
}

#[test]
fn a_ten_thousand_deep_alignment_chain_is_built() {
    let dir = build_fixed("deep-alignment-chain", |dir| {
        replace_in(
            &dir.join("okrs/2026-Q1/o0.md"),
            "aligns_to = \"o9999\"\n",
            "",
        )
    });
    let page = dir.path.join("site/objectives/2026-Q1/o9999/index.html");
    let html = std::fs::read_to_string(&page).expect("the deepest objective's page");
    // The breadcrumbs start at the top of the chain.
    assert!(html.contains("Step 0"), "no link to the top of the chain");
}

/// An `okr.toml` that cannot be read as settings is named for what it is, in
/// one line: not "no okr.toml", and never read where a link leads outside.
#[test]
fn an_okr_toml_that_is_not_a_file_is_named_for_what_it_is() {
    for (name, words) in [
        ("config-folder", "okr.toml is a folder"),
        ("config-pipe", "okr.toml is not a regular file"),
        (
            "config-link-outside",
            "okr.toml is a symbolic link to a place outside the repository",
        ),
        ("config-multiline-key", "unknown key `tit\\nle`"),
    ] {
        let prepared = prepare(name);
        let mut command = okr();
        command
            .arg("check")
            .arg(&prepared.dir.path)
            .args(["--as-of", AS_OF]);
        let check = run_bounded(&format!("{name}: okr check"), command);
        assert_eq!(check.code, 2, "{name}: {}", check.stderr);
        assert_eq!(check.stderr.lines().count(), 1, "{name}: {}", check.stderr);
        assert!(check.stderr.contains(words), "{name}: {}", check.stderr);
    }
}

/// Files named like Markdown files but not `*.md` are reported, not read in
/// silence: `x.MD`, `x.markdown`, in `okrs/` and in `teams/`.
#[test]
fn files_named_like_markdown_are_reported_as_not_read() {
    let report = report("rules/ignored-file");
    assert_eq!(
        report.places(),
        [
            nowhere("ignored-file", "okrs/2026-Q1/anna/notes.markdown"),
            nowhere("ignored-file", "okrs/2026-Q1/online/draft.MD"),
            nowhere("ignored-file", "teams/ops.Md"),
        ]
    );
    assert_eq!(
        report.diagnostics[1].help.as_deref(),
        Some("rename it to `draft.md`")
    );
    assert_eq!(report.summary.objectives, 4, "the .md files are read");
}

/// Two file names that are not UTF-8 are two findings under two names, not
/// one objective file `�.md` read twice.
#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_are_each_reported() {
    use std::os::unix::ffi::OsStrExt;
    let dir = TempDir::copy_of("clean");
    let folder = dir.path.join("okrs/2026-Q1/online");
    let text = std::fs::read(folder.join("easier-checkout.md")).expect("read");
    for name in [&b"caf\xE9.md"[..], b"caf\xFC.md", b"\xFF%"] {
        let path = folder.join(std::ffi::OsStr::from_bytes(name));
        if name.ends_with(b".md") {
            std::fs::write(path, &text).expect("write");
        } else {
            std::fs::create_dir(&path).expect("create");
            std::fs::write(path.join("x.md"), &text).expect("write");
        }
    }
    let run = check_dir(&dir.path, &["--format", "json"]);
    let report = parse_report(run.code, &run.stdout);
    assert_eq!(
        report.places(),
        [
            nowhere("ignored-file", "okrs/2026-Q1/online/%FF%25"),
            nowhere("ignored-file", "okrs/2026-Q1/online/caf%E9.md"),
            nowhere("ignored-file", "okrs/2026-Q1/online/caf%FC.md"),
        ]
    );
    assert_eq!(report.summary.objectives, 4);
}

/// `(line, column, message, help)` of every finding in `file` of `bad/NAME`.
fn helps(name: &str, file: &str) -> Vec<(u64, u64, String, String)> {
    let report = report(&format!("bad/{name}"));
    (report.diagnostics.iter())
        .filter(|d| d.file == file)
        .map(|d| {
            (
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
                d.message.clone(),
                d.help.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn owned(pinned: &[(u64, u64, &str, &str)]) -> Vec<(u64, u64, String, String)> {
    (pinned.iter())
        .map(|&(line, column, message, help)| (line, column, message.into(), help.into()))
        .collect()
}

/// Never "quote it" for a number, then "it must be a number" for the quoted
/// one: both say what to write, with the caret on the value.
#[test]
fn numbers_written_in_prose_get_a_help_that_says_what_to_write() {
    let not_a_string = "`value` must be a number, not a string";
    assert_eq!(
        helps("numbers-in-prose", "okrs/2026-Q1/german-market.md"),
        owned(&[
            (
                8,
                10,
                "`target` must be a number, not `20%`",
                "write `target = 20` with `unit = \"%\"`"
            ),
            (13, 9, not_a_string, "write `value = 9` with `unit = \"%\"`"),
            (
                17,
                10,
                "`target` must be a number, not `€2000000`",
                "write `target = 2_000_000` with `unit = \"€\"`",
            ),
            (
                21,
                9,
                "`value` must be a number, not `400,000`",
                "write `value = 400_000`"
            ),
            (
                25,
                9,
                "`start` must be a number, not `1.5k`",
                "write `start = 1500` (or `start = 1.5` with `unit = \"k\"`)",
            ),
            (
                26,
                10,
                "`target` must be a number, not a string",
                "write the number without quotes: `target = 5000`",
            ),
            (
                30,
                9,
                "`value` must be a number, not `2k`",
                "write `value = 2000` (or `value = 2` with `unit = \"k\"`)",
            ),
            (
                34,
                10,
                "`target` must be a number, not `2M`",
                "write `target = 2_000_000` (or `target = 2` with `unit = \"M\"`)",
            ),
            (
                39,
                9,
                "`value` must be a number, not `$5k`",
                "write `value = 5000` with `unit = \"$\"`"
            ),
        ])
    );
}

#[test]
fn a_misspelt_key_does_not_hide_the_rest_of_the_file() {
    assert_eq!(
        helps("partial-front-matter", "okrs/2026-Q1/sales/munich.md"),
        owned(&[
            (
                5,
                13,
                "no objective `expand-germny` in 2026-Q1 or a period containing it",
                "did you mean `expand-germany` (2026)?",
            ),
            (
                9,
                1,
                "unknown key `taget` in key result",
                "did you mean `target`?"
            ),
        ])
    );
}

#[test]
fn keys_and_periods_written_as_elsewhere_say_what_okr_calls_them() {
    assert_eq!(
        helps("known-mistakes", "okrs/2026-Q1/support.md"),
        owned(&[
            (3, 10, "unknown period `Q1 2026`", "did you mean `2026-Q1`?"),
            (
                4,
                1,
                "unknown key `owner` in objective",
                "use `team = \"<id>\"` or `person = \"<id>\"`",
            ),
            (
                5,
                13,
                "no objective `helthy` in 2026-Q1 or a period containing it",
                "did you mean `healthy`?"
            ),
            (
                9,
                1,
                "unknown key `baseline` in key result",
                "write `start = <number>`"
            ),
            (
                10,
                1,
                "unknown key `goal` in key result",
                "write `target = <number>`"
            ),
            (
                12,
                1,
                "unknown key `due_date` in key result",
                "write `due = YYYY-MM-DD`"
            ),
        ])
    );
}
