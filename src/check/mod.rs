//! `okr check`: runs every rule over a resolved organisation.
//!
//! Findings about broken files (`invalid-front-matter`) and unresolvable
//! references come from [`crate::read::parse`] and [`crate::read::resolve`]; every other
//! rule is a small function in one of the modules below, run from [`RULES`].

mod activity;
mod alignment;
mod cadence;
mod identity;
pub use identity::{MAX_ID_LEN, is_valid_id, slugify};
mod facts;
mod measurability;
mod sources;
mod wording;
pub use wording::{SAMPLE_INITIATIVE, SAMPLE_KEY_RESULT};
mod ambition;

use crate::model::diagnostic::Diagnostic;
use crate::model::period::Period;
use crate::model::{Org, Spanned};
use crate::read::load::{self, LoadError, Loaded};
use crate::read::resolve;
use crate::score::{self, Scores};
use chrono::NaiveDate;
use facts::Facts;
pub use facts::TitleMemo;
use rayon::prelude::*;
use std::path::Path;

/// What a rule sees.
pub struct Context<'a> {
    pub org: &'a Org,
    pub as_of: NaiveDate,
    pub scores: &'a Scores,
    /// What several rules ask about each title, found once.
    pub facts: &'a Facts,
    /// Each objective's period, parallel to the objectives (`None`: unknown).
    pub periods: &'a [Option<Period>],
}

type RuleFn = fn(&Context, &mut Vec<Diagnostic>);

/// Every rule that runs on the resolved model, in no particular order: findings are sorted afterwards.
const RULES: &[RuleFn] = &[
    identity::invalid_id,
    identity::duplicate_id,
    identity::unknown_period,
    alignment::unaligned,
    alignment::unsupported_objective,
    alignment::alignment_cycle,
    alignment::alignment_inversion,
    alignment::period_mismatch,
    measurability::missing_key_results,
    measurability::missing_target,
    measurability::empty_range,
    measurability::invalid_value,
    sources::invalid_source,
    measurability::binary_key_result,
    activity::activity_key_result,
    measurability::key_result_count,
    cadence::too_many_objectives,
    cadence::due_outside_period,
    cadence::checkin_outside_period,
    cadence::stale_key_result,
    wording::placeholder_text,
    wording::metric_objective,
    wording::unmeasured_key_result,
    ambition::target_already_met,
    wording::duplicate_key_result,
];

/// A checked organisation: the model, its scores and every finding, sorted.
#[derive(Debug)]
pub struct Checked {
    /// The day everything was judged on: progress, status, staleness.
    pub as_of: NaiveDate,
    pub org: Org,
    pub scores: Scores,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.count(crate::model::diagnostic::Severity::Error)
    }

    /// Drops the text of every file no finding points into. Only findings need
    /// the text (to be placed on a line and shown); releasing the rest early
    /// lets later stages reuse the memory instead of asking the system for more.
    pub fn release_unreported_sources(&mut self) {
        let reported: std::collections::BTreeSet<usize> =
            self.diagnostics.iter().map(|d| d.file.0).collect();
        for (i, file) in self.org.files.iter_mut().enumerate() {
            if !reported.contains(&i) {
                file.text = String::new();
            }
        }
    }

    pub fn warnings(&self) -> usize {
        self.count(crate::model::diagnostic::Severity::Warning)
    }

    fn count(&self, severity: crate::model::diagnostic::Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Loads, resolves, scores and checks the repository at `root`.
pub fn check(root: &Path, as_of: NaiveDate) -> Result<Checked, LoadError> {
    Ok(check_loaded(load::load(root)?, as_of))
}

pub fn check_loaded(loaded: Loaded, as_of: NaiveDate) -> Checked {
    let (org, diagnostics) = resolve::build(loaded);
    check_resolved(org, diagnostics, as_of)
}

/// Scores and checks a resolved organisation; `diagnostics` are those found
/// while loading, parsing and resolving it.
pub fn check_resolved(org: Org, diagnostics: Vec<Diagnostic>, as_of: NaiveDate) -> Checked {
    check_remembering(org, diagnostics, as_of, &mut TitleMemo::once())
}

/// [`check_resolved`], taking what is known of titles from `memo` and
/// leaving there what this check found: `okr serve` checks again on every
/// save, and most titles have not changed.
pub fn check_remembering(
    org: Org,
    mut diagnostics: Vec<Diagnostic>,
    as_of: NaiveDate,
    memo: &mut TitleMemo,
) -> Checked {
    let periods = org.objective_periods();
    // Scoring runs on one core; reading the titles, beside it, on the others.
    let (scores, facts) = rayon::join(
        || score::score_org_in(&org, &periods, as_of),
        || Facts::of(&org, memo),
    );
    let context = Context {
        org: &org,
        as_of,
        scores: &scores,
        facts: &facts,
        periods: &periods,
    };
    // Rules are independent; `finish` sorts what they find.
    let found: Vec<Vec<Diagnostic>> = RULES
        .par_iter()
        .map(|rule| {
            let mut out = Vec::new();
            rule(&context, &mut out);
            out
        })
        .collect();
    diagnostics.extend(found.into_iter().flatten());
    let diagnostics = finish(&org, diagnostics);
    Checked {
        as_of,
        org,
        scores,
        diagnostics,
    }
}

/// Applies the configured severities, drops rules that are off, sorts by
/// file, line, column and rule, and removes exact repeats.
fn finish(org: &Org, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let settings = &org.config.checks;
    let mut keyed: Vec<_> = diagnostics
        .into_iter()
        .filter_map(|mut d| {
            d.severity = settings.severity(d.rule)?;
            let file = org.file(d.file);
            let at = d.span.map(|s| file.line_col(s.start()));
            Some(((file.path.clone(), at, d.rule.name(), d.message.clone()), d))
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    keyed.into_iter().map(|(_, d)| d).collect()
}

/// A span that exists in the file: ids taken from file names have none.
fn place<T>(value: &Spanned<T>) -> Option<crate::model::source::Span> {
    (!value.span.is_empty()).then_some(value.span)
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builds organisations from in-memory files for the rules' unit tests.
    use super::*;

    pub const AS_OF: &str = "2026-02-15";

    /// Asserts that `run` costs linear time in the size of what `make` builds:
    /// on an input `4 * n` big it takes less than ten times as long as on one
    /// `n` big (linear is about 4, quadratic 16). Time is this thread's CPU
    /// time where the system keeps it, so that other work on the machine
    /// (or other tests) does not count; each size is timed at its fastest of
    /// three runs, taken in turns.
    pub fn assert_linear<T>(what: &str, n: usize, make: impl Fn(usize) -> T, run: impl Fn(&T)) {
        let inputs = [make(n), make(4 * n)];
        let mut fastest = [std::time::Duration::MAX; 2];
        for _ in 0..3 {
            for (input, fastest) in inputs.iter().zip(&mut fastest) {
                let started = cpu_time();
                run(input);
                *fastest = cpu_time().saturating_sub(started).min(*fastest);
            }
        }
        let [small, large] = fastest;
        assert!(
            large < small * 10,
            "{what}: {n} took {small:?} but {} took {large:?}",
            4 * n
        );
    }

    /// The CPU time this thread has used, or the wall clock elsewhere.
    fn cpu_time() -> std::time::Duration {
        #[cfg(unix)]
        {
            use rustix::time::{ClockId, clock_gettime};
            let t = clock_gettime(ClockId::ThreadCPUTime);
            std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
        }
        #[cfg(not(unix))]
        {
            static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
            START.get_or_init(std::time::Instant::now).elapsed()
        }
    }

    pub fn run(files: &[(&str, &str)]) -> Checked {
        run_on(files, AS_OF)
    }

    /// Checks `files` as of another day than [`AS_OF`].
    pub fn run_on(files: &[(&str, &str)], as_of: &str) -> Checked {
        let loaded = load::from_memory(files).expect("test config is valid");
        check_loaded(loaded, as_of.parse().expect("valid date"))
    }

    /// `(rule, file, line)` of every finding.
    pub fn findings(files: &[(&str, &str)]) -> Vec<(String, String, Option<usize>)> {
        findings_on(files, AS_OF)
    }

    /// [`findings`] as of another day than [`AS_OF`].
    pub fn findings_on(
        files: &[(&str, &str)],
        as_of: &str,
    ) -> Vec<(String, String, Option<usize>)> {
        let checked = run_on(files, as_of);
        checked
            .diagnostics
            .iter()
            .map(|d| {
                let file = checked.org.file(d.file);
                (
                    d.rule.name().to_string(),
                    file.path.clone(),
                    d.span.map(|s| file.line_col(s.start()).line),
                )
            })
            .collect()
    }

    /// Findings of one rule, as `(file, line)`.
    pub fn of_rule(rule: &str, files: &[(&str, &str)]) -> Vec<(String, Option<usize>)> {
        of_rule_on(rule, files, AS_OF)
    }

    /// [`of_rule`] as of another day than [`AS_OF`].
    pub fn of_rule_on(
        rule: &str,
        files: &[(&str, &str)],
        as_of: &str,
    ) -> Vec<(String, Option<usize>)> {
        findings_on(files, as_of)
            .into_iter()
            .filter(|(r, _, _)| r == rule)
            .map(|(_, f, l)| (f, l))
            .collect()
    }

    pub fn at(file: &str, line: usize) -> (String, Option<usize>) {
        (file.to_string(), Some(line))
    }

    pub const CONFIG: (&str, &str) = ("okr.toml", "title = \"Test\"\n");
    pub const TEAM: (&str, &str) = (
        "teams/sales.md",
        "+++\nname = \"Sales\"\nlead = \"anna\"\nmembers = [\"anna\"]\n+++\n",
    );

    /// A company objective with two healthy key results, checked in recently.
    pub fn company(id: &str) -> (String, String) {
        (
            format!("okrs/2026-Q1/{id}.md"),
            format!(
                "+++\ntitle = \"Company {id}\"\nperiod = \"2026-Q1\"\n{}+++\n",
                key_results_of(&format!(" of {id}"), 2)
            ),
        )
    }

    pub fn key_results(n: usize) -> String {
        key_results_of("", n)
    }

    /// Key results whose titles name `id`, so that two objectives' key
    /// results are not copies of each other (`duplicate-key-result`).
    pub fn key_results_of(id: &str, n: usize) -> String {
        (1..=n)
            .map(|i| {
                format!(
                    "[[key_results]]\ntitle = \"Metric {i}{id} from 0 to 10\"\ntarget = 10\n\
                     [[key_results.checkins]]\ndate = 2026-02-10\nvalue = 5\n"
                )
            })
            .collect()
    }

    /// A team objective of `sales` aligned to `parent`, with `extra` front matter lines.
    pub fn team_objective(id: &str, parent: &str, extra: &str) -> (String, String) {
        (
            format!("okrs/2026-Q1/sales/{id}.md"),
            format!(
                "+++\ntitle = \"Team {id}\"\nperiod = \"2026-Q1\"\nteam = \"sales\"\naligns_to = \"{parent}\"\n{extra}{}+++\n",
                key_results_of(&format!(" of {id}"), 2)
            ),
        )
    }

    /// Borrowing adapter: the helpers above build owned strings.
    pub fn files(owned: &[(String, String)]) -> Vec<(&str, &str)> {
        let mut files = vec![CONFIG, TEAM];
        files.extend(owned.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        files
    }

    #[test]
    fn a_clean_organisation_has_no_findings() {
        let owned = [company("grow"), team_objective("sell", "grow", "")];
        assert_eq!(findings(&files(&owned)), []);
    }
}
