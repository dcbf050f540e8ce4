//! Snapshots of the example site: one page of each kind and `okrs.json`, as
//! `okr build` writes them, kept under `tests/testsuite/snapshots/` so that any
//! change to what a reader sees shows up as a diff to review.
//!
//! The site is `example-okrs` built as of 2026-11-23 under `/acme-okrs/` with
//! `--no-history`: the example lives inside this project's own git repository,
//! so its change history (commit ids, authors, messages) would change with every
//! commit of the project. The Changes page is therefore the one that says the
//! history was not read; pages built from a history are pinned in `history.rs`.
//!
//! Pages are kept whole and as written: the markup okr writes is already one
//! element a line (a chart is one line), so a change shows as the few lines it
//! touches, header, navigation and links included. `okrs.json` is written on
//! one line; it is spread over lines here, keys in the order okr writes them
//! and one check-in a line, for the same reason.
//!
//! When a change to the pages is intended, the tests fail with a diff. To
//! review and accept the new pages:
//!
//! - with cargo-insta (`cargo install cargo-insta`): a failing
//!   `cargo test --test testsuite snapshots::` leaves each new page beside its
//!   snapshot (`*.snap.new`, not committed); `cargo insta review` shows the
//!   diffs one by one to accept or reject (`cargo insta test --review` runs
//!   the tests and reviews in one go, every failing page at once);
//! - without it: `INSTA_UPDATE=always cargo test --test testsuite snapshots::`
//!   writes the new snapshots in place; review them with `git diff
//!   tests/testsuite/snapshots/` and commit them with the change.
//!
//! In CI (`CI` set, `INSTA_UPDATE` unset) nothing is written: a page that
//! differs from its snapshot, or a snapshot that is missing, fails the test.

use crate::common::{TempDir, files_below, okr, run};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The example's pages, by their path in the site, built once for every test here.
fn site() -> &'static BTreeMap<String, String> {
    static SITE: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    SITE.get_or_init(|| {
        let tmp = TempDir::new("snapshots");
        let out = tmp.path.join("public");
        let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs");
        let build = run(okr()
            .arg("build")
            .arg(&example)
            .arg("--out")
            .arg(&out)
            .args(["--as-of", "2026-11-23", "--base-url", "/acme-okrs/"])
            .args(["--no-history", "--quiet"]));
        assert_eq!(build.code, 0, "{}", build.stderr);
        files_below(&out)
            .into_iter()
            .filter(|path| path.extension().is_some_and(|e| e == "html" || e == "json"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).expect("a page is UTF-8");
                let relative = path.strip_prefix(&out).expect("a file of the site");
                (relative.to_string_lossy().replace('\\', "/"), text)
            })
            .collect()
    })
}

/// Compares `text`, the file at `path` in the site, with the snapshot `name`.
fn assert_matches(name: &str, path: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    // `snapshots/objective.snap`, not `snapshots/testsuite__snapshots__objective.snap`.
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(path);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

fn page(path: &str) -> &'static str {
    site()
        .get(path)
        .unwrap_or_else(|| panic!("the example site has no {path}"))
}

fn assert_page(name: &str, path: &str) {
    assert_matches(name, path, page(path));
}

/// `okrs.json` (compact, as serde_json writes it) spread over lines, two
/// spaces a level, keys and values left as they are. A container of scalars
/// only, such as a check-in, stays on one line.
fn spread_json(compact: &str) -> String {
    fn new_line(out: &mut String, depth: usize) {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    }
    // Every byte outside strings is ASCII, so the text can be walked by bytes.
    let bytes = compact.trim_end().as_bytes();
    let mut out = String::with_capacity(bytes.len() * 2);
    let (mut depth, mut inline) = (0, false);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        i += 1;
        match c {
            b'"' => {
                let end = i + string_len(&bytes[i..]);
                out.push_str(&compact[i - 1..end]);
                i = end;
            }
            b'{' | b'[' if holds_only_scalars(&bytes[i..]) => {
                inline = true;
                out.push(char::from(c));
            }
            b'{' | b'[' => {
                depth += 1;
                out.push(char::from(c));
                new_line(&mut out, depth);
            }
            b'}' | b']' if inline => {
                inline = false;
                out.push(char::from(c));
            }
            b'}' | b']' => {
                depth -= 1;
                new_line(&mut out, depth);
                out.push(char::from(c));
            }
            b',' if inline => out.push_str(", "),
            b',' => {
                out.push(',');
                new_line(&mut out, depth);
            }
            b':' => out.push_str(": "),
            _ => out.push(char::from(c)),
        }
    }
    out.push('\n');
    out
}

/// The length of a JSON string whose opening quote comes just before `rest`,
/// its closing quote included.
fn string_len(rest: &[u8]) -> usize {
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    rest.len()
}

/// Whether the container opened just before `rest` closes before another one
/// opens. Looking ahead stops at the first bracket, so the whole walk stays linear.
fn holds_only_scalars(rest: &[u8]) -> bool {
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            b'"' => i += 1 + string_len(&rest[i + 1..]),
            b'{' | b'[' => return false,
            b'}' | b']' => return true,
            _ => i += 1,
        }
    }
    false
}

#[test]
fn the_overview() {
    assert_page("index", "index.html");
}

/// A running quarter's objective: score over time, burn-ups, a continued objective.
#[test]
fn an_objective_page() {
    assert_page("objective", "objectives/2026-Q4/cut-churn/index.html");
}

#[test]
fn a_team_page() {
    assert_page("team", "teams/customer-success/index.html");
}

/// A person with a stale key result.
#[test]
fn a_person_page() {
    assert_page("person", "people/diego/index.html");
}

#[test]
fn the_health_page() {
    assert_page("health", "health/index.html");
}

#[test]
fn the_changes_page() {
    assert_page("changes", "changes/index.html");
}

#[test]
fn the_not_found_page() {
    assert_page("404", "404.html");
}

#[test]
fn the_json_export() {
    let compact = page("okrs.json");
    let spread = spread_json(compact);
    let value = |text: &str| -> serde_json::Value {
        serde_json::from_str(text).expect("okrs.json is JSON")
    };
    assert_eq!(value(&spread), value(compact), "spreading lost nothing");
    assert_matches("okrs.json", "okrs.json", &spread);
}

/// Brackets, commas, colons and escaped quotes inside strings are left alone.
#[test]
fn spreading_json_keeps_strings_whole() {
    assert_eq!(
        spread_json(r#"{"a":"x\"}],:{","b":[],"c":[{"d":1,"e":"\\"}]}"#),
        "{\n  \"a\": \"x\\\"}],:{\",\n  \"b\": [],\n  \"c\": [\n    {\"d\": 1, \"e\": \"\\\\\"}\n  ]\n}\n"
    );
}
