//! Whole repositories and awkward inputs: a clean organisation, broken bytes,
//! empty files, line endings, byte order marks and severity settings.

use crate::common::*;

#[test]
fn clean_organisation_has_no_findings() {
    let report = report("clean");
    assert_eq!(report.diagnostics, []);
    assert_eq!(report.code, 0);
    assert_eq!(
        report.summary,
        Summary {
            errors: 0,
            warnings: 0,
            files: 10,
            objectives: 4,
            key_results: 8,
        }
    );
}

#[test]
fn every_problem_in_every_file_is_reported_in_one_run() {
    let report = report("mixed");
    let repairs = "okrs/2026-Q1/workshop/same-day-repairs.md";
    assert_eq!(
        report.places(),
        [
            at(
                "unknown-owner",
                "okrs/2026-Q1/marketing/spring-campaign.md",
                4
            ),
            at("invalid-front-matter", "okrs/2026-Q1/online/draft.md", 1),
            at(
                "invalid-front-matter",
                "okrs/2026-Q1/online/live-chat.md",
                2
            ),
            at("missing-target", "okrs/2026-Q1/online/newsletter.md", 8),
            at("unaligned", repairs, 2),
            at("stale-key-result", repairs, 18),
            at("stale-key-result", repairs, 24),
            at("invalid-front-matter", "people/bjorn.md", 2),
        ]
    );
    assert_eq!((report.summary.errors, report.summary.warnings), (5, 3));
}

#[test]
fn invalid_utf8_is_reported_at_the_bad_byte_and_hides_nothing_else() {
    let dir = fixture("bad-utf8");
    let file = "okrs/2026-Q1/workshop/same-day-repairs.md";
    let bytes = std::fs::read(dir.join(file)).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must hold invalid UTF-8"
    );
    let report = report("bad-utf8");
    // `note = "Parts from the Malm\xF6 supplier…"`: the Latin-1 byte is the 28th character.
    assert_eq!(report.places(), [at("invalid-front-matter", file, 18)]);
    let d = &report.diagnostics[0];
    assert_eq!(d.column, Some(28));
    assert!(d.message.contains("UTF-8"), "{}", d.message);
    // Carla's objective aligns to the unreadable one: that is not reported
    // again as an unresolved alignment, and her objective is still checked.
    assert_eq!(report.summary.objectives, 3);
}

#[test]
fn empty_file() {
    let report = report("empty-file");
    assert_eq!(
        report.places(),
        [at(
            "invalid-front-matter",
            "okrs/2026-Q1/online/draft.md",
            1
        )]
    );
    assert_eq!(report.diagnostics[0].column, Some(1));
    assert!(report.diagnostics[0].message.contains("empty"));
}

#[test]
fn no_front_matter_and_unclosed_front_matter() {
    let report = report("no-front-matter");
    assert_eq!(
        report.places(),
        [
            at("invalid-front-matter", "okrs/2026-Q1/online/delivery.md", 1),
            at("invalid-front-matter", "okrs/2026-Q1/online/ideas.md", 1),
        ]
    );
    assert!(report.diagnostics[0].message.contains("not closed"));
    assert!(report.diagnostics[1].message.contains("front matter"));
}

/// `fixtures/crlf` with every `\r\n` turned into `\n`, in a temporary folder.
fn crlf_as_lf() -> TempDir {
    let dir = TempDir::copy_of("crlf");
    let mut converted = 0;
    let mut stack = vec![dir.path.clone()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'),
                "{} must use CRLF line endings only (see tests/fixtures/.gitattributes)",
                path.display()
            );
            std::fs::write(&path, text.replace("\r\n", "\n")).unwrap();
            converted += 1;
        }
    }
    assert_eq!(converted, 12);
    dir
}

#[test]
fn crlf_line_endings_give_the_same_findings_as_lf() {
    let crlf = report("crlf");
    let delivery = "okrs/2026-Q1/online/delivery.md";
    assert_eq!(
        crlf.places(),
        [
            at("due-outside-period", delivery, 12),
            at("stale-key-result", delivery, 15),
            at(
                "invalid-front-matter",
                "okrs/2026-Q1/online/trade-in.md",
                11
            ),
        ]
    );
    let columns: Vec<_> = crlf.diagnostics.iter().map(|d| d.column).collect();
    assert_eq!(columns, [Some(7), Some(8), Some(14)]);

    let lf = crlf_as_lf();
    let lf = report_of(&lf.path);
    assert_eq!(crlf.diagnostics, lf.diagnostics);
    assert_eq!(crlf.summary, lf.summary);
}

#[test]
fn crlf_source_lines_are_shown_like_lf_ones() {
    let crlf = check_dir(&fixture("crlf"), &[]);
    let lf = crlf_as_lf();
    let lf = check_dir(&lf.path, &[]);
    assert!(!crlf.stdout.contains('\r') && !crlf.stdout.contains('\u{240D}'));
    assert_eq!(crlf.stdout, lf.stdout);
}

#[test]
fn byte_order_marks_are_ignored() {
    let dir = fixture("bom");
    let config = std::fs::read(dir.join("okr.toml")).unwrap();
    assert!(
        config.starts_with(b"\xEF\xBB\xBF"),
        "the fixture must start with a BOM"
    );
    let report = report("bom");
    assert_eq!(report.diagnostics, []);
    assert_eq!(report.summary, report_of(&fixture("clean")).summary);
}

/// Each finding as (rule, line, severity).
fn rule_line_severity(report: &Report) -> Vec<(&str, Option<u64>, &str)> {
    report
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.line, d.severity.as_str()))
        .collect()
}

#[test]
fn configured_severities_apply() {
    // okr.toml: unaligned = "error", stale-key-result = "off", missing-target = "warning".
    let report = report_of(&fixture("severity-config"));
    let file = "okrs/2026-Q1/workshop/same-day-repairs.md";
    let found = rule_line_severity(&report);
    assert_eq!(
        found,
        [
            ("unaligned", Some(2), "error"),
            ("missing-target", Some(13), "warning"),
            // Not configured: keeps its default.
            ("activity-key-result", Some(18), "warning"),
        ]
    );
    assert!(report.diagnostics.iter().all(|d| d.file == file));
    // The first key result has no check-in at all, yet `stale-key-result` is off.
    assert_eq!(report.code, 1, "a warning made an error fails the check");

    // Without the settings the same files give the default severities.
    let dir = TempDir::copy_of("severity-config");
    dir.write(
        "okr.toml",
        "title = \"Northwind Bikes OKRs\"\ncompany = \"Northwind Bikes\"\n",
    );
    let defaults = report_of(&dir.path);
    let found = rule_line_severity(&defaults);
    assert_eq!(
        found,
        [
            ("unaligned", Some(2), "warning"),
            ("stale-key-result", Some(7), "warning"),
            ("missing-target", Some(13), "error"),
            ("stale-key-result", Some(13), "warning"),
            ("activity-key-result", Some(18), "warning"),
        ]
    );
}
