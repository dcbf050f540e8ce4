//! Rules about focus and rhythm: `too-many-objectives`, `due-outside-period`,
//! `checkin-outside-period` (also after the as-of date), `stale-key-result`.

use super::Context;
use crate::model::diagnostic::{Diagnostic, Rule};
use crate::model::{KeyResult, Objective, Owner, Spanned};
use crate::score::Stale;
use crate::text::plural;
use chrono::NaiveDate;
use std::collections::BTreeMap;

fn owner_name(cx: &Context, owner: Owner) -> String {
    match owner {
        Owner::Company => format!("the company ({})", cx.org.config.company),
        Owner::Team(i) => format!("team `{}`", cx.org.teams[i].id.value),
        Owner::Person(i) => format!("`{}`", cx.org.people[i].id.value),
        Owner::Unknown => "the owner".to_string(),
    }
}

pub fn too_many_objectives(cx: &Context, out: &mut Vec<Diagnostic>) {
    let max = cx.org.config.checks.max_objectives;
    let mut by_owner: BTreeMap<(String, &str), Vec<usize>> = BTreeMap::new();
    for (i, o) in cx.org.objectives.iter().enumerate() {
        if o.owner != Owner::Unknown {
            by_owner
                .entry((owner_name(cx, o.owner), &o.period.value))
                .or_default()
                .push(i);
        }
    }
    for ((owner, period), objectives) in by_owner {
        if objectives.len() <= max {
            continue;
        }
        // Once per owner and period, at the first objective over the limit (files are in path order).
        let o = &cx.org.objectives[objectives[max]];
        out.push(
            Diagnostic::new(
                Rule::TooManyObjectives,
                o.file,
                Some(o.title.span),
                format!(
                    "{owner} has {} objectives in {period}; more than {max} dilute focus",
                    objectives.len()
                ),
            )
            .with_help("pick the few that matter most this period and drop or postpone the rest"),
        );
    }
}

pub fn due_outside_period(cx: &Context, out: &mut Vec<Diagnostic>) {
    dates_outside_period(
        cx,
        out,
        Rule::DueOutsidePeriod,
        |kr| kr.due.iter(),
        |kr, date| format!("key result `{}` is due {date}", kr.id.value),
        "move the date into the period, or the key result into the period it belongs to",
    );
}

/// `okr checkin` refuses such dates; one written by hand counts from the
/// period's first day (before it) or not at all (after it). A check-in
/// inside the period but after the as-of date does not count yet either.
pub fn checkin_outside_period(cx: &Context, out: &mut Vec<Diagnostic>) {
    dates_outside_period(
        cx,
        out,
        Rule::CheckinOutsidePeriod,
        |kr| kr.checkins.iter().map(|c| &c.date),
        |kr, date| format!("a check-in of key result `{}` is dated {date}", kr.id.value),
        "date it within the period, or check it in on the objective of the period it belongs to",
    );
    checkins_after_as_of(cx, out);
}

/// Check-ins within their period dated after the as-of date: a value cannot
/// be measured before its day, so the date is most likely a typo. Only for
/// periods begun by the as-of date, and once per key result (at its earliest
/// such check-in): checked as of a day in the past, a repository holds the
/// check-ins of what came after, and they are no mistake.
fn checkins_after_as_of(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (o, period) in cx.org.objectives.iter().zip(cx.periods) {
        let Some(period) = period else {
            continue;
        };
        if period.start > cx.as_of {
            continue;
        }
        for kr in &o.key_results {
            // Those outside the period are reported above.
            let later = || {
                (kr.checkins.iter().map(|c| &c.date))
                    .filter(|d| d.value > cx.as_of && period.contains_date(d.value))
            };
            let Some(first) = later().min_by_key(|d| d.value) else {
                continue;
            };
            let more = match later().count() - 1 {
                0 => String::new(),
                1 => " (and 1 later check-in)".to_string(),
                n => format!(" (and {n} later check-ins)"),
            };
            out.push(
                Diagnostic::new(
                    Rule::CheckinOutsidePeriod,
                    o.file,
                    Some(first.span),
                    format!(
                        "a check-in of key result `{}` is dated {}, after the as-of date {}{more}",
                        kr.id.value, first.value, cx.as_of
                    ),
                )
                .with_help("date a check-in the day its value was measured: one dated later counts only from that day \
                            (checked as of a past day with `--as-of`, later check-ins are expected)"),
            );
        }
    }
}

/// Reports each date `dates` picks from a key result that falls outside its
/// objective's period: `what` says whose date it is, `help` what to do.
fn dates_outside_period<'o, D: Iterator<Item = &'o Spanned<NaiveDate>>>(
    cx: &Context<'o>,
    out: &mut Vec<Diagnostic>,
    rule: Rule,
    dates: impl Fn(&'o KeyResult) -> D,
    what: impl Fn(&KeyResult, NaiveDate) -> String,
    help: &str,
) {
    for (o, period) in cx.org.objectives.iter().zip(cx.periods) {
        let Some(period) = period else {
            continue;
        };
        for kr in &o.key_results {
            for date in dates(kr) {
                if period.contains_date(date.value) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        rule,
                        o.file,
                        Some(date.span),
                        format!(
                            "{}, outside {} ({} to {})",
                            what(kr, date.value),
                            period.name,
                            period.start,
                            period.end
                        ),
                    )
                    .with_help(help.to_string()),
                );
            }
        }
    }
}

pub fn stale_key_result(cx: &Context, out: &mut Vec<Diagnostic>) {
    let limit = cx.org.config.checks.stale_after_days;
    // Periods where some key result has a check-in up to the as-of date: the
    // organisation records check-ins there, and each one missing is news.
    let mut recorded: BTreeMap<&str, bool> = BTreeMap::new();
    for o in &cx.org.objectives {
        let any = o
            .key_results
            .iter()
            .any(|kr| kr.latest_checkin(cx.as_of).is_some());
        *recorded.entry(&o.period.value).or_default() |= any;
    }
    // Stale key results of periods without any check-in, said once per period.
    let mut unrecorded: BTreeMap<&str, Vec<(&Objective, &KeyResult)>> = BTreeMap::new();
    for (o, scores) in cx.org.objectives.iter().zip(&cx.scores.objectives) {
        for (kr, score) in o.key_results.iter().zip(&scores.key_results) {
            // Scoring decided whether it is stale; the rule says where.
            let Some(Stale { since, days, .. }) = score.stale else {
                continue;
            };
            if !recorded
                .get(o.period.value.as_str())
                .copied()
                .unwrap_or(false)
            {
                unrecorded.entry(&o.period.value).or_default().push((o, kr));
                continue;
            }
            let (span, what) = match kr.latest_checkin(cx.as_of) {
                Some(c) => (c.date.span, "the last check-in was"),
                None => (kr.title.span, "no check-in since the period began"),
            };
            out.push(
                Diagnostic::new(
                    Rule::StaleKeyResult,
                    o.file,
                    Some(span),
                    format!(
                        "key result `{}` is stale: {what} {} ago, on {since}",
                        kr.id.value,
                        days_text(days)
                    ),
                )
                .with_help(format!(
                    "add a `[[key_results.checkins]]` with today's value (every {} at most)",
                    days_text(limit)
                )),
            );
        }
    }
    for (period, stale) in unrecorded {
        let (o, kr) = stale[0];
        let n = stale.len();
        let many = if n == 1 {
            "key result has"
        } else {
            "key results have"
        };
        out.push(
            Diagnostic::new(
                Rule::StaleKeyResult,
                o.file,
                Some(kr.title.span),
                format!(
                    "no key result of {period} has a check-in yet: {n} {many} gone more than {} without one, this one first",
                    days_text(limit)
                ),
            )
            .with_help(
                "record progress as `[[key_results.checkins]]` with a `date` and a `value` \
                 (`okr checkin` writes one), so that pages show it over time",
            ),
        );
    }
}

/// `1 day`, `14 days`.
fn days_text(days: i64) -> String {
    plural(usize::try_from(days).unwrap_or_default(), "day")
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    const SELL: &str = "okrs/2026-Q1/sales/sell.md";

    /// A sales objective of 2026-Q1, aligned to `grow`, with these key results.
    fn sell(key_results: &str) -> (String, String) {
        (
            SELL.to_string(),
            format!(
                "+++\ntitle = \"Sell\"\nperiod = \"2026-Q1\"\nteam = \"sales\"\naligns_to = \"grow\"\n{key_results}+++\n"
            ),
        )
    }

    #[test]
    fn too_many_objectives_reported_once_at_the_first_over_the_limit() {
        let mut owned = vec![company("grow")];
        for i in 1..=7 {
            owned.push(team_objective(&format!("o{i}"), "grow", ""));
        }
        assert_eq!(
            of_rule("too-many-objectives", &files(&owned)),
            [at("okrs/2026-Q1/sales/o6.md", 2)]
        );
    }

    #[test]
    fn due_dates_outside_the_period() {
        let owned = [
            company("grow"),
            sell(
                "[[key_results]]\ntitle = \"A\"\ntarget = 1\ndue = 2026-04-01\n\
                 [[key_results.checkins]]\ndate = 2026-02-10\nvalue = 0.5\n\
                 [[key_results]]\ntitle = \"B\"\ntarget = 1\ndue = 2026-03-31\n\
                 [[key_results.checkins]]\ndate = 2026-02-10\nvalue = 0.5\n",
            ),
        ];
        assert_eq!(of_rule("due-outside-period", &files(&owned)), [at(SELL, 9)]);
    }

    #[test]
    fn check_ins_outside_the_period() {
        let owned = [
            company("grow"),
            sell(
                "[[key_results]]\ntitle = \"A\"\ntarget = 1\n\
                 [[key_results.checkins]]\ndate = 2025-12-31\nvalue = 0.1\n\
                 [[key_results.checkins]]\ndate = 2026-01-01\nvalue = 0.2\n\
                 [[key_results.checkins]]\ndate = 2026-03-31\nvalue = 0.3\n\
                 [[key_results.checkins]]\ndate = 2026-04-01\nvalue = 0.4\n",
            ),
        ];
        assert_eq!(
            of_rule("checkin-outside-period", &files(&owned)),
            [
                at(SELL, 10),
                // In the period, but after the as-of date 2026-02-15.
                at(SELL, 16),
                at(SELL, 19)
            ]
        );
    }

    #[test]
    fn a_milestone_is_stale_only_once_due_or_past_half_the_period() {
        // On 2026-02-12, before half the quarter, a milestone due later has
        // nothing to report yet; one due already does.
        let owned = [
            company("grow"),
            sell(
                "[[key_results]]\ntitle = \"Shop open\"\ndone = false\n\
                 [[key_results]]\ntitle = \"Price list agreed\"\ndone = false\ndue = 2026-01-25\n",
            ),
        ];
        let stale = |as_of| {
            let found = of_rule_on("stale-key-result", &files(&owned), as_of);
            let sell = found.into_iter().filter(|(file, _)| file == SELL);
            sell.filter_map(|(_, line)| line).collect::<Vec<_>>()
        };
        assert_eq!(stale("2026-02-12"), [10]);
        assert_eq!(
            stale("2026-02-20"),
            [7, 10],
            "past half the period both are stale"
        );
    }

    #[test]
    fn check_ins_after_the_as_of_date() {
        // As of 2026-02-15: 2026-02-15 is not after it, 2026-03-02 and 2026-02-16 are.
        let owned = [
            company("grow"),
            sell(
                "[[key_results]]\ntitle = \"A\"\ntarget = 1\n\
                 [[key_results.checkins]]\ndate = 2026-02-15\nvalue = 0.1\n\
                 [[key_results.checkins]]\ndate = 2026-03-02\nvalue = 0.3\n\
                 [[key_results.checkins]]\ndate = 2026-02-16\nvalue = 0.2\n",
            ),
            // A period not begun on the as-of date: checked as of a past day.
            (
                "okrs/2026-Q2/sales/later.md".to_string(),
                "+++\ntitle = \"Later\"\nperiod = \"2026-Q2\"\nteam = \"sales\"\naligns_to = \"grow\"\n\
                 [[key_results]]\ntitle = \"A\"\ntarget = 1\n\
                 [[key_results.checkins]]\ndate = 2026-04-16\nvalue = 0.2\n+++\n"
                    .to_string(),
            ),
        ];
        let checked = run(&files(&owned));
        let found: Vec<_> = (checked.diagnostics.iter())
            .filter(|d| d.rule == crate::model::diagnostic::Rule::CheckinOutsidePeriod)
            .collect();
        assert_eq!(found.len(), 1, "{found:#?}");
        // Once, at the earliest of the two later check-ins.
        let file = checked.org.file(found[0].file);
        let at = found[0].span.map(|s| file.line_col(s.start()).line);
        assert_eq!((file.path.as_str(), at), (SELL, Some(16)));
        assert!(
            found[0].message.contains(
                "dated 2026-02-16, after the as-of date 2026-02-15 (and 1 later check-in)"
            ),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_period_without_any_check_in_is_stale_once() {
        // Before 2026-02-10 no key result of the quarter has a check-in.
        let owned = [company("grow"), team_objective("sell", "grow", "")];
        let checked = run_on(&files(&owned), "2026-02-05");
        let stale: Vec<_> = (checked.diagnostics.iter())
            .filter(|d| d.rule.name() == "stale-key-result")
            .collect();
        assert_eq!(stale.len(), 1, "{stale:#?}");
        assert!(
            stale[0].message.starts_with(
                "no key result of 2026-Q1 has a check-in yet: 4 key results have gone more than 14 days"
            ),
            "{}",
            stale[0].message
        );
        // Once the organisation records check-ins, each one missing is named.
        let checked = run_on(&files(&owned), "2026-03-01");
        let stale = (checked.diagnostics.iter()).filter(|d| d.rule.name() == "stale-key-result");
        assert_eq!(stale.count(), 4);
    }

    #[test]
    fn a_limit_of_one_day_is_said_in_the_singular() {
        let owned = [
            company("grow"),
            sell(
                "[[key_results]]\ntitle = \"A\"\ntarget = 10\n[[key_results.checkins]]\ndate = 2026-02-10\nvalue = 5\n",
            ),
        ];
        let mut files = files(&owned);
        files[0] = (
            "okr.toml",
            "title = \"Test\"\n[checks]\nstale_after_days = 1\n",
        );
        let checked = run(&files);
        let stale: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.rule.name() == "stale-key-result")
            .filter_map(|d| d.help.as_deref())
            .collect();
        assert!(
            stale.iter().any(|h| h.contains("(every 1 day at most)")),
            "{stale:?}"
        );
    }

    #[test]
    fn stale_when_the_last_check_in_is_old_or_missing() {
        // As of 2026-02-15: a check-in on 2026-01-20 is 26 days old; none at all is 45 days.
        let owned = [
            company("grow"),
            sell(
                "[[key_results]]\ntitle = \"A\"\ntarget = 10\n\
                 [[key_results.checkins]]\ndate = 2026-01-20\nvalue = 5\n\
                 [[key_results]]\ntitle = \"B\"\ntarget = 10\n\
                 [[key_results]]\ntitle = \"C\"\ntarget = 10\ncurrent = 10\n",
            ),
        ];
        assert_eq!(
            of_rule("stale-key-result", &files(&owned)),
            [at(SELL, 10), at(SELL, 13)]
        );
    }
}
