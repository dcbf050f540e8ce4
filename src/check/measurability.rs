//! Rules about whether key results measure anything: `missing-key-results`,
//! `missing-target`, `empty-range`, `invalid-value`, `binary-key-result`,
//! `key-result-count`; `activity-key-result` has its own module.

use super::{Context, activity};
use crate::model::diagnostic::{Diagnostic, Rule, Vocabulary, did_you_mean};
use crate::model::source::FileId;
use crate::model::{Bound, InitiativeStatus, KeyResult, Measure, ObjectiveKind, Spanned};
use std::cell::OnceCell;
use std::collections::HashSet;

pub fn missing_key_results(cx: &Context, out: &mut Vec<Diagnostic>) {
    // An objective that others align to is measured through them (its
    // score is their mean): some companies measure parents only that way.
    for o in cx
        .org
        .objectives
        .iter()
        .filter(|o| o.key_results.is_empty() && o.children.is_empty())
    {
        out.push(
            Diagnostic::new(
                Rule::MissingKeyResults,
                o.file,
                Some(o.title.span),
                "this objective has no key results, so nothing measures it",
            )
            .with_help(
                "add two to five `[[key_results]]`, each with a `title`, `start` and `target` \
                 (or align objectives to it: it is then measured by theirs)",
            ),
        );
    }
}

pub fn missing_target(cx: &Context, out: &mut Vec<Diagnostic>) {
    for o in &cx.org.objectives {
        for kr in &o.key_results {
            if let Measure::Missing { .. } = kr.measure {
                out.push(
                    Diagnostic::new(
                        Rule::MissingTarget,
                        o.file,
                        Some(kr.title.span),
                        format!("key result `{}` has no `target`", kr.id.value),
                    )
                    .with_help("add `target = <number>` (and `start` if it is not 0), or `done = false` for a milestone"),
                );
            }
        }
    }
}

pub fn empty_range(cx: &Context, out: &mut Vec<Diagnostic>) {
    for o in &cx.org.objectives {
        for kr in &o.key_results {
            if let Measure::Metric { start, target } = &kr.measure
                && start.value == target.value
            {
                out.push(
                    Diagnostic::new(
                        Rule::EmptyRange,
                        o.file,
                        Some(target.span),
                        format!(
                            "key result `{}` starts where it ends ({}), so its progress cannot be measured",
                            kr.id.value, target.value
                        ),
                    )
                    .with_help("set `start` to the value before the period and `target` to where it should get"),
                );
            }
        }
    }
}

fn fraction(file: FileId, value: &Option<Spanned<f64>>, what: &str, out: &mut Vec<Diagnostic>) {
    if let Some(v) = value
        && !(0.0..=1.0).contains(&v.value)
    {
        out.push(
            Diagnostic::new(
                Rule::InvalidValue,
                file,
                Some(v.span),
                format!("{what} must be between 0 and 1, not {}", v.value),
            )
            .with_help("write confidence as a probability: 0.7 means 70% sure"),
        );
    }
}

/// Numbers beyond this size are refused: no key result needs them, and
/// charts, sums and differences of numbers near the float limits overflow.
const LARGEST: f64 = 1e15;

fn too_large(file: FileId, value: Option<&Spanned<f64>>, key: &str, out: &mut Vec<Diagnostic>) {
    if let Some(v) = value
        && v.value.abs() > LARGEST
    {
        out.push(
            Diagnostic::new(
                Rule::InvalidValue,
                file,
                Some(v.span),
                format!(
                    "`{key}` must be at most {LARGEST:e} in size, not {:e}",
                    v.value
                ),
            )
            .with_help(match key {
                "weight" => "weights are relative: 2 counts twice as much as 1",
                _ => "count in a larger unit: millions, with `unit = \"M€\"`, or thousands",
            }),
        );
    }
}

/// Every number of a key result, with its key.
fn numbers(kr: &KeyResult) -> impl Iterator<Item = (Option<&Spanned<f64>>, &'static str)> {
    let (start, target) = match &kr.measure {
        Measure::Metric { start, target } => (Some(start), Some(target)),
        Measure::Kept { start, target, .. } => (start.as_ref(), Some(target)),
        Measure::Missing { start } => (start.as_ref(), None),
        Measure::Milestone { .. } => (None, None),
    };
    let checkins = kr.checkins.iter().map(|c| (Some(&c.value), "value"));
    [
        (start, "start"),
        (target, "target"),
        (kr.current.as_ref(), "current"),
        (kr.weight.as_ref(), "weight"),
    ]
    .into_iter()
    .chain(checkins)
}

/// A value that must be one of a few names and is none of them.
fn unknown_name(file: FileId, value: &Spanned<String>, what: &str, names: &[&str]) -> Diagnostic {
    let help = match did_you_mean(&value.value, names.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("use one of: {}", names.join(", ")),
    };
    Diagnostic::new(
        Rule::InvalidValue,
        file,
        Some(value.span),
        format!("unknown {what} `{}`", value.value),
    )
    .with_help(help)
}

pub fn invalid_value(cx: &Context, out: &mut Vec<Diagnostic>) {
    for o in &cx.org.objectives {
        for kr in &o.key_results {
            for (value, key) in numbers(kr) {
                too_large(o.file, value, key, out);
            }
            if let Measure::Kept { keep, .. } = &kr.measure
                && Bound::from_name(&keep.value).is_none()
            {
                out.push(unknown_name(o.file, keep, "`keep` bound", Bound::NAMES));
            }
            fraction(o.file, &kr.confidence, "`confidence`", out);
            for checkin in &kr.checkins {
                fraction(
                    o.file,
                    &checkin.confidence,
                    "a check-in's `confidence`",
                    out,
                );
            }
            if let Some(w) = &kr.weight
                && w.value <= 0.0
            {
                out.push(
                    Diagnostic::new(Rule::InvalidValue, o.file, Some(w.span), format!("`weight` must be above 0, not {}", w.value))
                        .with_help("weights are relative: 2 counts twice as much as 1; remove a key result that should not count"),
                );
            }
        }
        if let Some(kind) = &o.kind
            && ObjectiveKind::from_name(&kind.value).is_none()
        {
            out.push(unknown_name(
                o.file,
                kind,
                "objective kind",
                ObjectiveKind::NAMES,
            ));
        }
        // Prepared once per objective, when an initiative names a key result.
        let kr_ids = || o.key_results.iter().map(|k| k.id.value.as_str());
        let known: OnceCell<HashSet<&str>> = OnceCell::new();
        let names = OnceCell::new();
        for initiative in &o.initiatives {
            if let Some(status) = &initiative.status
                && InitiativeStatus::from_name(&status.value).is_none()
            {
                out.push(unknown_name(
                    o.file,
                    status,
                    "initiative status",
                    InitiativeStatus::NAMES,
                ));
            }
            if let Some(kr) = &initiative.key_result
                && !known
                    .get_or_init(|| kr_ids().collect())
                    .contains(kr.value.as_str())
            {
                let d = Diagnostic::new(
                    Rule::InvalidValue,
                    o.file,
                    Some(kr.span),
                    format!("this objective has no key result `{}`", kr.value),
                );
                let names = names.get_or_init(|| Vocabulary::new(kr_ids()));
                out.push(d.with_suggestion(names.closest(&kr.value)));
            }
        }
    }
}

/// A milestone that already reads as a task is reported once, by
/// `activity-key-result`.
pub fn binary_key_result(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (oi, o) in cx.org.objectives.iter().enumerate() {
        for (ki, kr) in o.key_results.iter().enumerate() {
            if let Measure::Milestone { done } = &kr.measure
                && !activity::reports(cx, oi, ki)
            {
                out.push(
                    Diagnostic::new(
                        Rule::BinaryKeyResult,
                        o.file,
                        Some(done.span),
                        format!("key result `{}` is a done/not-done milestone, not a measure of progress", kr.id.value),
                    )
                    .with_help("measure the outcome the milestone is for, with a `start` and a `target`"),
                );
            }
        }
    }
}

pub fn key_result_count(cx: &Context, out: &mut Vec<Diagnostic>) {
    let checks = &cx.org.config.checks;
    for o in &cx.org.objectives {
        let n = o.key_results.len();
        let message = if n == 0 {
            continue; // `missing-key-results`
        } else if n < checks.min_key_results {
            format!(
                "this objective has {n} key result(s); at least {} show it from more than one side",
                checks.min_key_results
            )
        } else if n > checks.max_key_results {
            format!(
                "this objective has {n} key results; more than {} dilute focus",
                checks.max_key_results
            )
        } else {
            continue;
        };
        out.push(Diagnostic::new(
            Rule::KeyResultCount,
            o.file,
            Some(o.title.span),
            message,
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn objective(key_results: &str) -> Vec<(String, String)> {
        vec![
            company("grow"),
            (
                "okrs/2026-Q1/sales/sell.md".to_string(),
                format!(
                    "+++\ntitle = \"Sell\"\nperiod = \"2026-Q1\"\nteam = \"sales\"\naligns_to = \"grow\"\n{key_results}+++\n"
                ),
            ),
        ]
    }

    const FILE: &str = "okrs/2026-Q1/sales/sell.md";

    #[test]
    fn an_unknown_objective_kind_is_named_with_the_closest_one() {
        let owned = [
            company("grow"),
            team_objective("sell", "grow", "kind = \"comitted\"\n"),
        ];
        let found = findings(&files(&owned));
        let invalid: Vec<_> = found.iter().filter(|f| f.0 == "invalid-value").collect();
        assert_eq!(invalid.len(), 1, "{found:?}");
        let checked = run(&files(&owned));
        let d = (checked.diagnostics.iter())
            .find(|d| d.rule.name() == "invalid-value")
            .expect("the finding");
        assert_eq!(d.message, "unknown objective kind `comitted`");
        assert_eq!(d.help.as_deref(), Some("did you mean `committed`?"));
        // Counted as the default until it is fixed.
        assert_eq!(checked.scores.objectives[1].goal, 0.7);
    }

    #[test]
    fn no_key_results() {
        assert_eq!(
            of_rule("missing-key-results", &files(&objective(""))),
            [at(FILE, 2)]
        );
    }

    #[test]
    fn an_objective_measured_through_its_aligned_objectives_needs_no_key_results() {
        let owned = [
            (
                "okrs/2026-Q1/grow.md".to_string(),
                "+++\ntitle = \"Grow\"\nperiod = \"2026-Q1\"\n+++\n".to_string(),
            ),
            team_objective("sell", "grow", ""),
        ];
        let checked = run(&files(&owned));
        assert_eq!(of_rule("missing-key-results", &files(&owned)), []);
        let (grow, sell) = (&checked.scores.objectives[0], &checked.scores.objectives[1]);
        assert!(grow.from_aligned && !sell.from_aligned);
        assert_eq!(grow.score, sell.score);
        assert_eq!(grow.computed, grow.aligned_progress);
        assert!(grow.status.is_some());

        // Through a chain: the company through a team objective without key
        // results of its own, measured through a person's.
        let owned = [
            (
                "okrs/2026-Q1/grow.md".to_string(),
                "+++\ntitle = \"Grow\"\nperiod = \"2026-Q1\"\n+++\n".to_string(),
            ),
            (
                "okrs/2026-Q1/sales/sell.md".to_string(),
                "+++\ntitle = \"Sell\"\nperiod = \"2026-Q1\"\nteam = \"sales\"\naligns_to = \"grow\"\n+++\n"
                    .to_string(),
            ),
            (
                "okrs/2026-Q1/anna/call.md".to_string(),
                format!(
                    "+++\ntitle = \"Call\"\nperiod = \"2026-Q1\"\nperson = \"anna\"\naligns_to = \"sell\"\n{}+++\n",
                    key_results(2)
                ),
            ),
        ];
        let checked = run(&files(&owned));
        let scores: Vec<_> = checked.scores.objectives.iter().map(|s| s.score).collect();
        assert!(
            scores[0].is_some() && scores.iter().all(|s| *s == scores[0]),
            "{scores:?}"
        );
    }

    #[test]
    fn missing_target_and_empty_range() {
        let krs = "[[key_results]]\ntitle = \"A\"\nstart = 3\n[[key_results]]\ntitle = \"B\"\nstart = 3\ntarget = 3\n";
        let owned = objective(krs);
        assert_eq!(of_rule("missing-target", &files(&owned)), [at(FILE, 7)]);
        assert_eq!(of_rule("empty-range", &files(&owned)), [at(FILE, 12)]);
    }

    #[test]
    fn invalid_values() {
        let krs = "[[key_results]]\ntitle = \"A\"\ntarget = 3\nconfidence = 1.5\nweight = 0\n\
                   [[key_results]]\ntitle = \"B\"\ntarget = 3\n\
                   [[initiatives]]\ntitle = \"Do\"\nstatus = \"doing\"\nkey_result = \"kr3\"\n";
        let owned = objective(krs);
        assert_eq!(
            of_rule("invalid-value", &files(&owned)),
            [at(FILE, 9), at(FILE, 10), at(FILE, 16), at(FILE, 17)]
        );
    }

    #[test]
    fn numbers_too_large_to_score() {
        let krs = "[[key_results]]\ntitle = \"A\"\nstart = -1e308\ntarget = 1e15\ncurrent = -1e15\nweight = 1e308\n\
                   [[key_results.checkins]]\ndate = 2026-02-10\nvalue = 2e15\n\
                   [[key_results]]\ntitle = \"B\"\ntarget = 1e16\nweight = 1e15\n";
        let owned = objective(krs);
        assert_eq!(
            of_rule("invalid-value", &files(&owned)),
            [at(FILE, 8), at(FILE, 11), at(FILE, 14), at(FILE, 17)]
        );
    }

    #[test]
    fn milestones_warn_unless_they_read_as_tasks() {
        let krs = "[[key_results]]\ntitle = \"Set up the new CRM\"\ndone = false\n\
                   [[key_results]]\ntitle = \"Every store takes bookings online\"\ndone = false\n";
        let owned = objective(krs);
        // One finding per problem: the task is reported as an activity, not also as a milestone.
        assert_eq!(
            of_rule("activity-key-result", &files(&owned)),
            [at(FILE, 7)]
        );
        assert_eq!(of_rule("binary-key-result", &files(&owned)), [at(FILE, 11)]);
        // With `activity-key-result` off, the milestone is still reported.
        let config = "title = \"Test\"\n[checks.rules]\nactivity-key-result = \"off\"\n";
        let mut off = files(&owned);
        off[0] = ("okr.toml", config);
        assert_eq!(
            of_rule("binary-key-result", &off),
            [at(FILE, 8), at(FILE, 11)]
        );
    }

    #[test]
    fn too_few_and_too_many_key_results() {
        let one = "[[key_results]]\ntitle = \"A\"\ntarget = 3\n";
        assert_eq!(
            of_rule("key-result-count", &files(&objective(one))),
            [at(FILE, 2)]
        );
        assert_eq!(
            of_rule("key-result-count", &files(&objective(&one.repeat(6)))),
            [at(FILE, 2)]
        );
        assert_eq!(
            of_rule("key-result-count", &files(&objective(&one.repeat(5)))),
            []
        );
    }
}
