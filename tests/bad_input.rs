//! Bad input never panics: each repository below is written at run time into a
//! temporary folder (some are large), checked with the `okr` binary, and must
//! end with exit 1 or 2 and a finding that names the broken file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CLEAN_KEY_RESULTS: &str = "[[key_results]]\ntitle = \"Signups from 0 to 10\"\ntarget = 10\n\
                                 [[key_results]]\ntitle = \"Churn from 5 to 2\"\nstart = 5\ntarget = 2\n";

fn repo(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("okr-bad-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("okrs")).expect("create");
    std::fs::write(dir.join("okr.toml"), "title = \"Bad input\"\n").expect("write");
    dir
}

fn write(repo: &Path, path: &str, bytes: impl AsRef<[u8]>) {
    let path = repo.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create");
    std::fs::write(path, bytes).expect("write");
}

fn objective(title: &str, extra: &str) -> String {
    format!("+++\ntitle = \"{title}\"\nperiod = \"2026-Q1\"\n{extra}{CLEAN_KEY_RESULTS}+++\nWhy.\n")
}

/// Runs `okr check --format json` and returns (exit code, findings as (rule, file, line)).
fn check(repo: &Path) -> (i32, Vec<(String, String, Option<u64>)>) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_okr"))
        .args(["check", "--format", "json", "--as-of", "2026-02-15"])
        .arg(repo)
        .output()
        .expect("run okr");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let code = output.status.code().expect("exit code, not a signal");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
    let findings = json["diagnostics"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|f| {
                    (
                        f["rule"].as_str().unwrap_or_default().to_string(),
                        f["file"].as_str().unwrap_or_default().to_string(),
                        f["line"].as_u64(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (code, findings)
}

/// The check fails (exit 1) with a `rule` finding on `file` (at `line`, if given).
fn assert_reported(name: &str, repo: &Path, rule: &str, file: &str, line: Option<u64>) {
    let (code, findings) = check(repo);
    assert_eq!(code, 1, "{name}: {findings:?}");
    assert!(
        findings
            .iter()
            .any(|(r, f, l)| r == rule && f == file && (line.is_none() || *l == line)),
        "{name}: no {rule} on {file}:{line:?} in {findings:?}"
    );
}

#[test]
fn small_broken_files_are_reported_with_their_place() {
    let cases: &[(&str, &[u8], Option<u64>)] = &[
        ("empty", b"", None),
        ("only-fences-opened", b"+++", Some(1)),
        ("unterminated", b"+++\ntitle = \"x\"\nperiod = \"2026-Q1\"\n", Some(1)),
        ("invalid-utf8", b"+++\ntitle = \"caf\xe9\"\nperiod = \"2026-Q1\"\n+++\n", Some(2)),
        ("nul-byte", b"+++\ntitle = \"a\0b\"\nperiod = \"2026-Q1\"\n+++\n", Some(2)),
        ("impossible-date", b"+++\ntitle = \"x\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"k\"\ntarget = 1\ndue = 2026-02-30\n+++\n", Some(7)),
    ];
    for (name, bytes, line) in cases {
        let repo = repo(name);
        write(&repo, "okrs/broken.md", bytes);
        write(&repo, "okrs/fine.md", objective("Fine", ""));
        assert_reported(name, &repo, "invalid-front-matter", "okrs/broken.md", *line);
    }
}

#[test]
fn a_bom_and_crlf_are_read_like_plain_files() {
    let repo = repo("bom-crlf");
    let text = objective("Grow", "").replace('\n', "\r\n");
    write(
        &repo,
        "okrs/grow.md",
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    );
    // Only warnings (nothing aligns to it, no check-ins yet), on the lines they would have with LF.
    let (code, findings) = check(&repo);
    assert_eq!(code, 0, "{findings:?}");
    let places: Vec<(&str, Option<u64>)> =
        findings.iter().map(|(r, _, l)| (r.as_str(), *l)).collect();
    assert_eq!(
        places,
        [
            ("unsupported-objective", Some(2)),
            ("stale-key-result", Some(5)),
            ("stale-key-result", Some(8))
        ]
    );
}

#[test]
fn duplicate_ids_across_folders_are_reported() {
    let repo = repo("duplicates");
    write(&repo, "okrs/a/grow.md", objective("Grow", ""));
    write(&repo, "okrs/b/grow.md", objective("Grow again", ""));
    assert_reported("duplicates", &repo, "duplicate-id", "okrs/b/grow.md", None);
}

#[test]
fn a_folder_named_like_a_file_and_a_symlink_loop_are_handled() {
    let repo = repo("folders");
    std::fs::create_dir_all(repo.join("okrs/x.md")).expect("create");
    write(&repo, "okrs/x.md/inner.md", objective("Inner", ""));
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", repo.join("okrs/x.md/loop")).expect("symlink");
    let (code, findings) = check(&repo);
    assert_eq!(code, 1, "{findings:?}");
    assert!(
        findings
            .iter()
            .any(|(r, f, _)| r == "invalid-front-matter" && f == "okrs/x.md/loop"),
        "{findings:?}"
    );
}

#[test]
fn huge_inputs_end_in_findings_not_crashes() {
    let repo = repo("huge");
    let body = "A long body paragraph about why this matters. ".repeat(220_000); // ~10 MB
    write(
        &repo,
        "okrs/long-body.md",
        objective("Long body", "") + &body,
    );
    let many: String = (0..100_000)
        .map(|i| format!("[[key_results]]\ntitle = \"Metric {i} from 0 to 1\"\ntarget = 1\n"))
        .collect();
    write(
        &repo,
        "okrs/many.md",
        format!("+++\ntitle = \"Many\"\nperiod = \"2026-Q1\"\n{many}+++\n"),
    );
    let nested = format!("x = {}{}\n", "[".repeat(50_000), "]".repeat(50_000));
    write(
        &repo,
        "okrs/nested.md",
        format!("+++\ntitle = \"Nested\"\nperiod = \"2026-Q1\"\n{nested}+++\n"),
    );
    let (code, findings) = check(&repo);
    assert_eq!(code, 1);
    assert!(
        findings
            .iter()
            .any(|(r, f, _)| r == "invalid-front-matter" && f == "okrs/nested.md")
    );
    assert!(
        findings
            .iter()
            .any(|(r, f, _)| r == "key-result-count" && f == "okrs/many.md")
    );
}

#[test]
fn a_ten_thousand_deep_alignment_chain_does_not_overflow_the_stack() {
    let repo = repo("deep-chain");
    write(&repo, "teams/core.md", "+++\nname = \"Core\"\n+++\n");
    for i in 0..10_000 {
        let extra = if i == 0 {
            String::new()
        } else {
            format!("team = \"core\"\naligns_to = \"o{}\"\n", i - 1)
        };
        write(
            &repo,
            &format!("okrs/o{i}.md"),
            objective(&format!("Objective {i}"), &extra),
        );
    }
    // Close the chain into a circle at the end: the cycle is found, not followed forever.
    write(
        &repo,
        "okrs/o0.md",
        objective("Objective 0", "team = \"core\"\naligns_to = \"o9999\"\n"),
    );
    let (code, findings) = check(&repo);
    assert_eq!(code, 1);
    assert!(
        findings.iter().any(|(r, _, _)| r == "alignment-cycle"),
        "{:?}",
        &findings[..findings.len().min(5)]
    );
}
