//! Rules about how far targets reach: `target-already-met`.

use super::Context;
use crate::model::diagnostic::{Diagnostic, Rule};
use crate::model::{Checkin, KeyResult, Measure};
use crate::score;

/// A first check-in counts as early while at most this share of the period has passed.
const EARLY: f64 = 0.25;

/// The earliest check-in known on `as_of` (the first written among equals).
fn first_checkin(kr: &KeyResult, as_of: chrono::NaiveDate) -> Option<&Checkin> {
    kr.checkins
        .iter()
        .enumerate()
        .filter(|(_, c)| c.date.value <= as_of)
        .min_by_key(|(i, c)| (c.date.value, *i))
        .map(|(_, c)| c)
}

/// Sandbagging: a metric whose first check-in, in the first quarter of its
/// period, is already at or past the target (counting down for a decreasing
/// one). A target reached late in the period is a success, not this.
pub fn target_already_met(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (o, period) in cx.org.objectives.iter().zip(cx.periods) {
        let Some(period) = period else {
            continue;
        };
        for kr in &o.key_results {
            let Measure::Metric { target, .. } = &kr.measure else {
                continue;
            };
            let Some(first) = first_checkin(kr, cx.as_of) else {
                continue;
            };
            let early = score::elapsed_fraction(period, first.date.value) <= EARLY;
            let met = score::value_progress(kr, first.value.value).is_some_and(|p| p >= 1.0);
            if !(early && met) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Rule::TargetAlreadyMet,
                    o.file,
                    Some(first.value.span),
                    format!(
                        "key result `{}` already stands at {} (target {}) at its first check-in, on {}, early in {}",
                        kr.id.value, first.value.value, target.value, first.date.value, period.name
                    ),
                )
                .with_help("set a target the team is not sure to reach: reaching 0.7 of it counts as success"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn objective(key_result: &str) -> Vec<(String, String)> {
        vec![
            company("grow"),
            (
                "okrs/2026-Q1/sales/sell.md".to_string(),
                format!(
                    "+++\ntitle = \"Sell\"\nperiod = \"2026-Q1\"\nteam = \"sales\"\naligns_to = \"grow\"\n\
                     [[key_results]]\ntitle = \"Deals from 4 to 9\"\ntarget = 9\n\
                     [[key_results.checkins]]\ndate = 2026-02-10\nvalue = 5\n\
                     [[key_results]]\n{key_result}+++\n"
                ),
            ),
        ]
    }

    const FILE: &str = "okrs/2026-Q1/sales/sell.md";

    fn found(key_result: &str) -> Vec<(String, Option<usize>)> {
        of_rule("target-already-met", &files(&objective(key_result)))
    }

    #[test]
    fn a_target_met_at_an_early_first_check_in() {
        let kr = |start: u32, target: u32, date: &str, value: u32| {
            format!(
                "title = \"Churn\"\nstart = {start}\ntarget = {target}\n\
                 [[key_results.checkins]]\ndate = {date}\nvalue = {value}\n\
                 [[key_results.checkins]]\ndate = 2026-02-12\nvalue = {value}\n"
            )
        };
        // Increasing, met on 2026-01-20 (a fifth of the quarter gone).
        assert_eq!(found(&kr(10, 20, "2026-01-20", 20)), [at(FILE, 18)]);
        // Decreasing: from 8 down to 5, already at 4.
        assert_eq!(found(&kr(8, 5, "2026-01-05", 4)), [at(FILE, 18)]);
        // Not yet met.
        assert_eq!(found(&kr(10, 20, "2026-01-20", 19)), []);
        assert_eq!(found(&kr(8, 5, "2026-01-05", 6)), []);
        // Met, but first checked in after the first quarter of the period.
        assert_eq!(found(&kr(10, 20, "2026-02-10", 20)), []);
    }

    #[test]
    fn milestones_and_later_check_ins_do_not_count() {
        let milestone = "title = \"Shop live\"\ndone = true\n\
                         [[key_results.checkins]]\ndate = 2026-01-05\nvalue = 1\n";
        assert_eq!(found(milestone), []);
    }

    #[test]
    fn check_ins_after_the_as_of_date_are_not_known_yet() {
        // Early in 2026-Q2, after the as-of date 2026-02-15.
        let owned = [
            company("grow"),
            (
                "okrs/2026-Q2/sales/sell.md".to_string(),
                "+++\ntitle = \"Sell\"\nperiod = \"2026-Q2\"\nteam = \"sales\"\n\
                 [[key_results]]\ntitle = \"Deals from 4 to 9\"\nstart = 4\ntarget = 9\n\
                 [[key_results.checkins]]\ndate = 2026-04-03\nvalue = 9\n+++\n"
                    .to_string(),
            ),
        ];
        assert_eq!(of_rule("target-already-met", &files(&owned)), []);
    }
}
