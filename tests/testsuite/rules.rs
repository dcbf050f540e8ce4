//! One test per rule: each `tests/fixtures/rules/<rule>/` repository triggers
//! that rule, and the test pins every finding's rule, file and line (and the
//! column where the caret must sit on a value).

use crate::common::*;

fn help(d: &Finding) -> &str {
    d.help
        .as_deref()
        .unwrap_or_else(|| panic!("no help for {d:#?}"))
}

/// Each pinned rule has a fixture that triggers it and nothing else.
#[test]
fn every_rule_has_a_fixture_that_triggers_only_it() {
    for (rule, severity) in RULES {
        let report = report(&format!("rules/{rule}"));
        assert!(
            !report.diagnostics.is_empty() && report.diagnostics.iter().all(|d| d.rule == *rule),
            "rules/{rule} should report {rule} only: {:#?}",
            report.diagnostics
        );
        let expected_code = if *severity == "error" { 1 } else { 0 };
        assert_eq!(report.code, expected_code, "rules/{rule}");
    }
}

#[test]
fn invalid_front_matter() {
    let report = report("rules/invalid-front-matter");
    let dir = "okrs/2026-Q1/online";
    let rule = "invalid-front-matter";
    assert_eq!(
        report.places(),
        [
            at(rule, &format!("{dir}/delivery-slots.md"), 1),
            at(rule, &format!("{dir}/live-chat.md"), 2),
            at(rule, &format!("{dir}/no-period.md"), 1),
            at(rule, &format!("{dir}/returns.md"), 11),
            at(rule, &format!("{dir}/trade-in.md"), 10),
            at(rule, &format!("{dir}/trade-in.md"), 11),
            at(rule, "teams/workshop.md", 4),
        ]
    );
    assert_eq!(report.code, 1);

    // Missing fences: the file is Markdown only.
    let d = report.find(rule, &format!("{dir}/delivery-slots.md"), 1);
    assert_eq!(d.column, Some(1));
    assert!(d.message.contains("front matter"), "{}", d.message);

    // A TOML syntax error (an unclosed string) points where the string should end.
    let d = report.find(rule, &format!("{dir}/live-chat.md"), 2);
    assert_eq!(d.column, Some(47));
    assert!(d.message.contains("TOML"), "{}", d.message);

    // A required key that is missing.
    let d = report.find(rule, &format!("{dir}/no-period.md"), 1);
    assert!(d.message.contains("`period`"), "{}", d.message);

    // An unknown key, with a did-you-mean.
    let d = report.find(rule, &format!("{dir}/returns.md"), 11);
    assert_eq!(d.column, Some(1));
    assert!(d.message.contains("`taget`"), "{}", d.message);
    assert!(help(d).contains("`target`"), "{}", help(d));

    // Wrong types: the caret is on the value, after `key = `; both problems of the file are reported.
    let d = report.find(rule, &format!("{dir}/trade-in.md"), 10);
    assert_eq!(d.column, Some("target = ".len() as u64 + 1));
    assert!(d.message.contains("`target`"), "{}", d.message);
    assert!(help(d).contains("target = 40"), "{}", help(d));
    let d = report.find(rule, &format!("{dir}/trade-in.md"), 11);
    assert_eq!(d.column, Some("confidence = ".len() as u64 + 1));

    // A team file is front matter too; the one member meant is still read,
    // so its lead is not reported again as no member.
    let d = report.find(rule, "teams/workshop.md", 4);
    assert_eq!(d.column, Some("members = ".len() as u64 + 1));
    assert!(d.message.contains("`members`"), "{}", d.message);
    assert_eq!(help(d), "write a list: `members = [\"carla\"]`");

    // Files that cannot be read (no fences, a TOML error, no period) are not
    // objectives; those with a misspelt key or a wrong value are, and checked.
    assert_eq!(report.summary.objectives, 5);
}

#[test]
fn invalid_id() {
    let report = report("rules/invalid-id");
    let finder = "okrs/2026-Q1/online/bike-finder.md";
    assert_eq!(
        report.places(),
        [
            nowhere("invalid-id", "okrs/2026-Q1/online/Faster-Delivery.md"),
            at("invalid-id", finder, 2),
            at("invalid-id", finder, 9),
        ]
    );
    assert_eq!(report.code, 1);
    // An id from a file name has no place in the file: line and column are null.
    let d = &report.diagnostics[0];
    assert_eq!((d.line, d.column), (None, None));
    assert!(help(d).contains("faster-delivery"), "{}", help(d));
    // Explicit objective and key result ids: the caret is on the value.
    let d = report.find("invalid-id", finder, 2);
    assert_eq!(d.column, Some("id = ".len() as u64 + 1));
    assert!(help(d).contains("`bike-finder`"), "{}", help(d));
    let d = report.find("invalid-id", finder, 9);
    assert!(d.message.contains("Finder Completion"), "{}", d.message);
}

#[test]
fn duplicate_id() {
    let report = report("rules/duplicate-id");
    assert_eq!(
        report.places(),
        [
            // Two key results of one objective share `delivery-time`: the second is reported.
            at("duplicate-id", "okrs/2026-Q1/online/faster-delivery.md", 19),
            // Two objectives of 2026-Q1 named by their file: no place in the file.
            nowhere("duplicate-id", "okrs/2026-Q1/workshop/faster-delivery.md"),
            // An explicit `id` repeating another objective's.
            at("duplicate-id", "okrs/2026-Q1/workshop/spare-parts.md", 2),
        ]
    );
    let d = &report.diagnostics[1];
    assert!(
        d.message.contains("okrs/2026-Q1/online/faster-delivery.md"),
        "names the first definition: {}",
        d.message
    );
    let d = report.find("duplicate-id", "okrs/2026-Q1/workshop/spare-parts.md", 2);
    assert_eq!(d.column, Some(6));
}

#[test]
fn unknown_period() {
    let report = report("rules/unknown-period");
    let file = "okrs/2026-Q1/online/delivery.md";
    assert_eq!(report.places(), [at("unknown-period", file, 3)]);
    let d = report.find("unknown-period", file, 3);
    assert_eq!(d.column, Some("period = ".len() as u64 + 1));
    assert!(d.message.contains("2026 Q1"), "{}", d.message);
    assert!(help(d).contains("`2026-Q1`"), "{}", help(d));
}

#[test]
fn unknown_owner() {
    let report = report("rules/unknown-owner");
    assert_eq!(
        report.places(),
        [
            at("unknown-owner", "okrs/2026-Q1/erik/b2b-fleet.md", 4),
            at(
                "unknown-owner",
                "okrs/2026-Q1/marketing/spring-campaign.md",
                4
            ),
            // Key results' owners: a misspelt person, and a team.
            at(
                "unknown-owner",
                "okrs/2026-Q1/online/easier-checkout.md",
                10
            ),
            at(
                "unknown-owner",
                "okrs/2026-Q1/online/easier-checkout.md",
                29
            ),
            // Both a team and a person: reported at the person.
            at("unknown-owner", "okrs/2026-Q1/online/product-videos.md", 5),
        ]
    );
    let d = report.find(
        "unknown-owner",
        "okrs/2026-Q1/marketing/spring-campaign.md",
        4,
    );
    assert_eq!(d.column, Some("team = ".len() as u64 + 1));
    assert!(help(d).contains("`marketing`"), "{}", help(d));
    let d = report.find("unknown-owner", "okrs/2026-Q1/erik/b2b-fleet.md", 4);
    assert!(d.message.contains("`erik`"), "{}", d.message);

    let checkout = "okrs/2026-Q1/online/easier-checkout.md";
    let d = report.find("unknown-owner", checkout, 10);
    assert_eq!(d.column, Some("owner = ".len() as u64 + 1));
    assert_eq!(
        d.message,
        "key result owner `benn` is neither in people/ nor a member of a team"
    );
    assert_eq!(help(d), "did you mean `ben`?");
    let d = report.find("unknown-owner", checkout, 29);
    assert_eq!(d.column, Some("owner = ".len() as u64 + 1));
    assert_eq!(
        d.message,
        "key result owner `online` is a team; a key result is owned by one person"
    );
    assert_eq!(
        help(d),
        "name the person who answers for it, e.g. the team's lead: `owner = \"anna\"`"
    );
}

#[test]
fn unknown_reference() {
    let report = report("rules/unknown-reference");
    assert_eq!(
        report.places(),
        [
            at(
                "unknown-reference",
                "okrs/2026-Q1/online/easier-checkout.md",
                6
            ),
            at(
                "unknown-reference",
                "okrs/2026-Q1/workshop/same-day-repairs.md",
                6
            ),
            at("unknown-reference", "teams/workshop.md", 3),
            at("unknown-reference", "teams/workshop.md", 4),
        ]
    );
    // `contributors = ["anna", "dora"]`: the caret is on the unknown one.
    let d = report.find(
        "unknown-reference",
        "okrs/2026-Q1/workshop/same-day-repairs.md",
        6,
    );
    assert_eq!(
        d.column,
        Some("contributors = [\"anna\", ".len() as u64 + 1)
    );
    assert!(d.message.contains("`dora`"), "{}", d.message);
    let d = report.find("unknown-reference", "teams/workshop.md", 3);
    assert!(d.message.contains("`stores`"), "{}", d.message);
    let d = report.find("unknown-reference", "teams/workshop.md", 4);
    assert!(help(d).contains("`carla`"), "{}", help(d));
    // `carried_from` names an objective of an earlier period.
    let d = report.find(
        "unknown-reference",
        "okrs/2026-Q1/online/easier-checkout.md",
        6,
    );
    assert_eq!(
        d.message,
        "`carried_from` names no objective `comuter-first` in period 2026-Q1"
    );
    assert_eq!(help(d), "did you mean `commuter-first`?");
}

#[test]
fn unresolved_alignment() {
    let report = report("rules/unresolved-alignment");
    let rule = "unresolved-alignment";
    assert_eq!(
        report.places(),
        [
            at(rule, "okrs/2026-Q1/online/bike-finder.md", 5),
            at(rule, "okrs/2026-Q1/online/delivery.md", 5),
            at(rule, "okrs/2026-Q1/workshop/repeat-visits.md", 5),
            at(rule, "okrs/2026-Q1/workshop/winter-service.md", 5),
        ]
    );
    for d in &report.diagnostics {
        assert_eq!(d.column, Some("aligns_to = ".len() as u64 + 1), "{d:#?}");
    }
    // A key result that does not exist.
    let d = report.find(rule, "okrs/2026-Q1/online/bike-finder.md", 5);
    assert!(d.message.contains("online-revenu"), "{}", d.message);
    assert!(help(d).contains("`online-revenue`"), "{}", help(d));
    // An objective that does not exist.
    let d = report.find(rule, "okrs/2026-Q1/online/delivery.md", 5);
    assert!(d.message.contains("commuter-frist"), "{}", d.message);
    assert!(help(d).contains("`commuter-first`"), "{}", help(d));
    // Both the year's and the half-year's objective could be meant.
    let d = report.find(rule, "okrs/2026-Q1/workshop/repeat-visits.md", 5);
    assert!(
        d.message.contains("2026/loyal-customers") && d.message.contains("2026-H1/loyal-customers"),
        "{}",
        d.message
    );
    // A period that does not exist.
    let d = report.find(rule, "okrs/2026-Q1/workshop/winter-service.md", 5);
    assert!(d.message.contains("2026-Q5"), "{}", d.message);
}

#[test]
fn alignment_cycle() {
    let report = report("rules/alignment-cycle");
    assert_eq!(
        report.places(),
        [
            at("alignment-cycle", "okrs/2026-Q1/online/bike-finder.md", 5),
            at("alignment-cycle", "teams/online.md", 5),
        ]
    );
    let d = report.find("alignment-cycle", "okrs/2026-Q1/online/bike-finder.md", 5);
    assert_eq!(d.column, Some("aligns_to = ".len() as u64 + 1));
    assert!(
        d.message.contains("bike-finder") && d.message.contains("size-advice"),
        "{}",
        d.message
    );
    let d = report.find("alignment-cycle", "teams/online.md", 5);
    assert!(
        d.message.contains("online") && d.message.contains("retail"),
        "{}",
        d.message
    );
}

#[test]
fn alignment_inversion() {
    let report = report("rules/alignment-inversion");
    let file = "okrs/2026-Q1/online/fewer-returns.md";
    assert_eq!(report.places(), [at("alignment-inversion", file, 5)]);
    let d = report.find("alignment-inversion", file, 5);
    assert_eq!(d.column, Some("aligns_to = ".len() as u64 + 1));
    assert!(d.message.contains("`size-guide`"), "{}", d.message);
}

#[test]
fn period_mismatch() {
    let report = report("rules/period-mismatch");
    let file = "okrs/2026-Q1/online/summer-preorders.md";
    assert_eq!(report.places(), [at("period-mismatch", file, 5)]);
    let d = report.find("period-mismatch", file, 5);
    assert!(
        d.message.contains("2026-Q2") && d.message.contains("2026-Q1"),
        "{}",
        d.message
    );
}

#[test]
fn missing_key_results() {
    let report = report("rules/missing-key-results");
    let file = "okrs/2026-Q1/online/great-photos.md";
    // Not also `key-result-count`: one finding says it.
    assert_eq!(report.places(), [at("missing-key-results", file, 2)]);
    assert_eq!(
        report.find("missing-key-results", file, 2).column,
        Some("title = ".len() as u64 + 1)
    );
}

#[test]
fn missing_target() {
    let report = report("rules/missing-target");
    let file = "okrs/2026-Q1/online/newsletter.md";
    assert_eq!(report.places(), [at("missing-target", file, 8)]);
    let d = report.find("missing-target", file, 8);
    assert!(d.message.contains("`kr1`"), "{}", d.message);
}

#[test]
fn empty_range() {
    let report = report("rules/empty-range");
    let file = "okrs/2026-Q1/online/delivery.md";
    // `start = 95`, `target = 95` is reported at the target; the decreasing
    // metric below it (`start = 5`, `target = 2`) is not.
    assert_eq!(report.places(), [at("empty-range", file, 10)]);
    let d = report.find("empty-range", file, 10);
    assert_eq!(d.column, Some("target = ".len() as u64 + 1));
    assert!(d.message.contains("`kr1`"), "{}", d.message);
}

#[test]
fn invalid_source() {
    let report = report("rules/invalid-source");
    let rule = "invalid-source";
    let (checkout, delivery, company) = (
        "okrs/2026-Q1/online/easier-checkout.md",
        "okrs/2026-Q1/online/delivery.md",
        "okrs/2026-Q1/company/commuter-first.md",
    );
    // The JSON source of `service-rating` is sound and not reported.
    assert_eq!(
        report.places(),
        [
            at(rule, company, 16),  // a token written into `headers`
            at(rule, delivery, 14), // file = "../delivery-times.csv"
            at(rule, delivery, 28), // plain http to another machine
            at(rule, checkout, 16), // no column `conversion_rate`
            at(rule, checkout, 39), // `n/a` in the value column
        ]
    );
    let token = report.find(rule, company, 16);
    assert!(token.message.contains("credential"), "{}", token.message);
    assert!(
        !token.message.contains("7f3a9c1e"),
        "a token is never shown"
    );
    let help = token.help.as_deref().unwrap_or("");
    assert!(help.contains("${METRICS_TOKEN}"), "{help}");
    let column = report.find(rule, checkout, 16);
    assert_eq!(column.column, Some("column = ".len() as u64 + 1));
    assert_eq!(
        column.message,
        "data/shop.csv has no column `conversion_rate`"
    );
    assert_eq!(column.help.as_deref(), Some("did you mean `conversion`?"));
    let cell = report.find(rule, checkout, 39);
    assert!(
        cell.message.starts_with("data/shop.csv:3: `n/a`"),
        "{}",
        cell.message
    );
    let outside = report.find(rule, delivery, 14);
    assert!(
        outside.message.contains("inside the repository"),
        "{}",
        outside.message
    );
    let http = report.find(rule, delivery, 28);
    assert!(http.help.as_deref().unwrap_or("").contains("https://"));
}

#[test]
fn invalid_value() {
    let report = report("rules/invalid-value");
    let file = "okrs/2026-Q1/online/trade-in.md";
    let rule = "invalid-value";
    assert_eq!(
        report.places(),
        [
            at(rule, file, 11), // key result confidence = 70
            at(rule, file, 16), // check-in confidence = 1.2
            at(rule, file, 24), // weight = 0
            at(rule, file, 32), // initiative key_result = "trade-in"
            at(rule, file, 33), // initiative status = "ongoing"
        ]
    );
    let column = |line, key: &str| {
        assert_eq!(
            report.find(rule, file, line).column,
            Some(format!("{key} = ").len() as u64 + 1),
            "line {line}"
        );
    };
    column(11, "confidence");
    column(16, "confidence");
    column(24, "weight");
    column(32, "key_result");
    column(33, "status");
    assert!(help(report.find(rule, file, 32)).contains("`trade-ins`"));
}

#[test]
fn unaligned() {
    let report = report("rules/unaligned");
    assert_eq!(
        report.places(),
        [
            at("unaligned", "okrs/2026-Q1/anna/size-guide.md", 2),
            at("unaligned", "okrs/2026-Q1/workshop/same-day-repairs.md", 2),
        ]
    );
    // Warnings only: the check passes.
    assert_eq!(report.code, 0);
    assert_eq!((report.summary.errors, report.summary.warnings), (0, 2));
}

#[test]
fn unsupported_objective() {
    let report = report("rules/unsupported-objective");
    assert_eq!(
        report.places(),
        [at(
            "unsupported-objective",
            "okrs/2026-Q1/company/profitable-stores.md",
            2
        )]
    );
    assert_eq!(report.code, 0);
}

#[test]
fn binary_key_result() {
    let report = report("rules/binary-key-result");
    let file = "okrs/2026-Q1/workshop/online-booking.md";
    assert_eq!(report.places(), [at("binary-key-result", file, 9)]);
    assert_eq!(
        report.find("binary-key-result", file, 9).column,
        Some("done = ".len() as u64 + 1)
    );
    assert_eq!(report.code, 0);
}

#[test]
fn activity_key_result() {
    let report = report("rules/activity-key-result");
    let online = "okrs/2026-Q1/online/reach-commuters.md";
    let workshop = "okrs/2026-Q1/workshop/confident-riders.md";
    // Not reported: "Deliver 300 test-ride bookings" (a measured result after
    // a delivery verb) and "Calls about flat tyres from 120 to 60" (a falling
    // count is a result). The two milestones are not also `binary-key-result`.
    assert_eq!(
        report.places(),
        [
            at("activity-key-result", online, 8),
            at("activity-key-result", online, 17),
            at("activity-key-result", online, 27),
            at("activity-key-result", online, 36),
            at("activity-key-result", workshop, 8),
            at("activity-key-result", workshop, 17),
        ]
    );
    let says = |file: &str, line: u64, message: &str, help: &str| {
        let d = report.find("activity-key-result", file, line);
        assert!(d.message.contains(message), "{}", d.message);
        assert!(
            d.help.as_deref().unwrap_or_default().contains(help),
            "{:?}",
            d.help
        );
    };
    // A gerund, an adverb, a subject with a count of its own output, a count alone.
    says(
        online,
        8,
        "starts with the task verb 'launch'",
        "[[initiatives]]",
    );
    says(
        online,
        17,
        "starts with the task verb 'automate'",
        "from 4 days to 1 day",
    );
    says(
        online,
        27,
        "starts with the task verb 'write' and counts the team's own output: 'guides'",
        "measure what the guides are for",
    );
    says(
        online,
        36,
        "counts the team's own output: 'calls'",
        "opportunities opened after a call",
    );
    says(
        workshop,
        8,
        "'hold' and counts the team's own output: 'workshops'",
        "qualified leads from workshop attendees from 0 to 40",
    );
    says(
        workshop,
        17,
        "starts with the task verb 'set up'",
        "'set up …'",
    );
    assert_eq!(
        report.find("activity-key-result", online, 8).column,
        Some("title = ".len() as u64 + 1)
    );
    assert_eq!(report.code, 0);
}

#[test]
fn too_many_objectives() {
    let report = report("rules/too-many-objectives");
    // Six objectives of team `online`: reported once, at the sixth in path order.
    assert_eq!(
        report.places(),
        [at(
            "too-many-objectives",
            "okrs/2026-Q1/online/trade-in.md",
            2
        )]
    );
    let d = &report.diagnostics[0];
    assert!(
        d.message.contains("online") && d.message.contains('6'),
        "{}",
        d.message
    );
    assert_eq!(report.summary.objectives, 7);
    assert_eq!(report.code, 0);
}

#[test]
fn key_result_count() {
    let report = report("rules/key-result-count");
    assert_eq!(
        report.places(),
        [
            // One key result: too few.
            at("key-result-count", "okrs/2026-Q1/online/delivery.md", 2),
            // Six key results: too many.
            at(
                "key-result-count",
                "okrs/2026-Q1/workshop/better-workshop.md",
                2
            ),
        ]
    );
    assert_eq!(report.code, 0);
}

#[test]
fn due_outside_period() {
    let report = report("rules/due-outside-period");
    let file = "okrs/2026-Q1/online/summer-preorders.md";
    // Due 2026-04-30 is reported; due 2026-03-31, the quarter's last day, is not.
    assert_eq!(report.places(), [at("due-outside-period", file, 11)]);
    assert_eq!(
        report.find("due-outside-period", file, 11).column,
        Some("due = ".len() as u64 + 1)
    );
    assert_eq!(report.code, 0);
}

#[test]
fn checkin_outside_period() {
    let report = report("rules/checkin-outside-period");
    let file = "okrs/2026-Q1/online/summer-preorders.md";
    assert_eq!(
        report.places(),
        [
            // A check-in of 2025-12-18, before the quarter began, at its date.
            at("checkin-outside-period", file, 14),
            // One of 2026-03-11, in the quarter but after the as-of date.
            at("checkin-outside-period", file, 33),
        ]
    );
    let d = report.find("checkin-outside-period", file, 14);
    assert_eq!(d.column, Some("date = ".len() as u64 + 1));
    assert!(d.message.contains("2025-12-18"), "{}", d.message);
    let d = report.find("checkin-outside-period", file, 33);
    assert_eq!(d.column, Some("date = ".len() as u64 + 1));
    assert!(
        d.message
            .contains("dated 2026-03-11, after the as-of date 2026-02-15"),
        "{}",
        d.message
    );
    assert!(
        help(d).contains("the day its value was measured"),
        "{}",
        help(d)
    );
    assert_eq!(report.code, 0);
}

#[test]
fn stale_key_result() {
    let report = report("rules/stale-key-result");
    let file = "okrs/2026-Q1/workshop/same-day-repairs.md";
    assert_eq!(
        report.places(),
        [
            // Last check-in on 2026-01-20, 26 days before 2026-02-15: at its date.
            at("stale-key-result", file, 19),
            // No check-in at all: at the key result's title.
            at("stale-key-result", file, 25),
            // The third key result has reached its target: not stale.
        ]
    );
    let d = report.find("stale-key-result", file, 19);
    assert_eq!(d.column, Some("date = ".len() as u64 + 1));
    assert!(d.message.contains("26 days"), "{}", d.message);
    assert_eq!(report.code, 0);
}

/// The column of a quoted title's opening quote, after `title = `.
const TITLE: u64 = "title = ".len() as u64 + 1;

#[test]
fn placeholder_text() {
    let report = report("rules/placeholder-text");
    let file = "okrs/2026-Q1/online/gift-cards.md";
    let rule = "placeholder-text";
    assert_eq!(
        report.places(),
        [
            at(rule, file, 8),  // "… to TBD"
            at(rule, file, 18), // "… to N%"
            at(rule, file, 31), // unit = "<unit>"
            at(rule, file, 38), // the initiative `okr new` writes
        ]
    );
    let d = report.find(rule, file, 8);
    assert_eq!(d.column, Some(TITLE));
    assert!(
        d.message.contains("`kr1`") && d.message.contains("`TBD`"),
        "{}",
        d.message
    );
    assert!(help(d).contains("replace `TBD`"), "{}", help(d));
    assert!(report.find(rule, file, 18).message.contains("`N%`"));
    let d = report.find(rule, file, 31);
    assert_eq!(d.column, Some("unit = ".len() as u64 + 1));
    assert!(
        d.message.contains("unit") && d.message.contains("`<unit>`"),
        "{}",
        d.message
    );
    let d = report.find(rule, file, 38);
    assert!(
        d.message.contains("sample text `okr new` wrote"),
        "{}",
        d.message
    );
    assert_eq!(report.code, 0);
}

#[test]
fn metric_objective() {
    let report = report("rules/metric-objective");
    let rule = "metric-objective";
    let revenue = "okrs/2026-Q1/online/online-revenue.md";
    let same_day = "okrs/2026-Q1/workshop/same-day.md";
    // "€120k online revenue" is a number; the workshop's objective repeats
    // its only key result (but for case and a full stop).
    assert_eq!(
        report.places(),
        [at(rule, revenue, 2), at(rule, same_day, 2)]
    );
    let d = report.find(rule, revenue, 2);
    assert_eq!(d.column, Some(TITLE));
    assert!(d.message.contains("is a number"), "{}", d.message);
    assert!(
        help(d).contains("put the number in a key result"),
        "{}",
        help(d)
    );
    let d = report.find(rule, same_day, 2);
    assert!(
        d.message.contains("repeats its only key result"),
        "{}",
        d.message
    );
    assert!(help(d).contains("where to go and why"), "{}", help(d));
    assert_eq!(report.code, 0);
}

#[test]
fn unmeasured_key_result() {
    let report = report("rules/unmeasured-key-result");
    let rule = "unmeasured-key-result";
    let file = "okrs/2026-Q1/online/choose-online.md";
    // "Better product photos" (0 to 100) and "Size advice riders trust" (0 to 1),
    // neither with a unit; "Customer satisfaction with product pages" names
    // its measure.
    assert_eq!(report.places(), [at(rule, file, 18), at(rule, file, 27)]);
    let d = report.find(rule, file, 18);
    assert_eq!(d.column, Some(TITLE));
    assert!(d.message.contains("0 to 100, no unit"), "{}", d.message);
    assert!(help(d).contains("unit = \"%\""), "{}", help(d));
    assert!(
        report
            .find(rule, file, 27)
            .message
            .contains("0 to 1, no unit")
    );
    assert_eq!(report.code, 0);
}

#[test]
fn target_already_met() {
    let report = report("rules/target-already-met");
    let rule = "target-already-met";
    let file = "okrs/2026-Q1/online/faster-delivery.md";
    // Delivery time (counting down from 5 to 3) is at 3 on 2026-01-12; the
    // promised-day rate reaches its target only on 2026-02-09: a success.
    assert_eq!(report.places(), [at(rule, file, 15)]);
    let d = report.find(rule, file, 15);
    assert_eq!(d.column, Some("value = ".len() as u64 + 1));
    assert!(
        d.message.contains("at 3 (target 3)") && d.message.contains("2026-01-12"),
        "{}",
        d.message
    );
    assert!(help(d).contains("not sure to reach"), "{}", help(d));
    assert_eq!(report.code, 0);
}

#[test]
fn duplicate_key_result() {
    let report = report("rules/duplicate-key-result");
    let rule = "duplicate-key-result";
    let file = "okrs/2026-Q1/workshop/bikes-in-store.md";
    // The workshop copies the online team's conversion key result (with a
    // full stop): reported at the copy, naming the first.
    assert_eq!(report.places(), [at(rule, file, 8)]);
    let d = report.find(rule, file, 8);
    assert_eq!(d.column, Some(TITLE));
    assert!(
        d.message
            .contains("`conversion` of 2026-Q1/easier-checkout"),
        "{}",
        d.message
    );
    assert!(
        help(d).contains("aligns_to = \"easier-checkout#conversion\""),
        "{}",
        help(d)
    );
    assert_eq!(report.code, 0);
}
