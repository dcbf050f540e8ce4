//! Findings: the rules (names pinned), their severities and one finding's data.

use crate::model::source::{FileId, Span};
use serde::Serialize;

/// How serious a finding is. `Off` only appears in configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! rules {
    ($($variant:ident => $name:literal, $severity:ident, $summary:literal;)*) => {
        /// Every check `okr check` performs. The names are a public contract.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable name used in output and in `[checks.rules]`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name,)*
                }
            }

            pub fn default_severity(self) -> Severity {
                match self {
                    $(Rule::$variant => Severity::$severity,)*
                }
            }

            /// One line on what the rule looks for.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Rule::$variant => $summary,)*
                }
            }
        }
    };
}

rules! {
    InvalidFrontMatter => "invalid-front-matter", Error, "a file cannot be read as front matter and Markdown: missing fences, TOML syntax, a wrong type, an unknown or missing key, invalid UTF-8";
    InvalidId => "invalid-id", Error, "an id is not lowercase ASCII letters, digits, `-` and `_` starting with a letter or digit, or is longer than 100 characters";
    DuplicateId => "duplicate-id", Error, "two objectives of a period, two key results of an objective, two teams or two people share an id";
    UnknownPeriod => "unknown-period", Error, "an objective names a period that is neither built in nor defined in okr.toml";
    UnknownOwner => "unknown-owner", Error, "an objective names an undefined team or person, or both a team and a person; a key result's `owner` is no known person";
    UnknownReference => "unknown-reference", Error, "a team's parent or lead, an objective's contributor or its `carried_from`, names nobody defined";
    UnresolvedAlignment => "unresolved-alignment", Error, "`aligns_to` names no objective or key result, or more than one";
    AlignmentCycle => "alignment-cycle", Error, "objectives align to each other in a circle, or teams are their own parents";
    AlignmentInversion => "alignment-inversion", Error, "an objective aligns to one of a lower level (person < team < company)";
    PeriodMismatch => "period-mismatch", Error, "an objective aligns to one whose period does not overlap its own";
    MissingKeyResults => "missing-key-results", Error, "an objective has no key results, so nothing measures it";
    MissingTarget => "missing-target", Error, "a key result has neither a numeric `target` nor a milestone `done`";
    EmptyRange => "empty-range", Error, "a key result's start equals its target, so progress cannot be measured";
    InvalidValue => "invalid-value", Error, "a value is out of range: confidence outside 0..=1, weight <= 0, a number beyond 1e15 in size, an unknown initiative status, objective kind or key result";
    InvalidSource => "invalid-source", Error, "a key result's `[key_results.source]` names a data file, column, date or JSON pointer that is not there or holds no numbers, a URL that is not HTTPS, or a header with a credential written in it";
    Unaligned => "unaligned", Warning, "a team or person objective aligns to nothing";
    UnsupportedObjective => "unsupported-objective", Warning, "a company objective that no objective aligns to";
    BinaryKeyResult => "binary-key-result", Warning, "a done/not-done milestone instead of a measured metric";
    ActivityKeyResult => "activity-key-result", Warning, "a key result that reads as a task or an output (a verb of doing, a count of the team's own output, work stated as done), not an outcome";
    TooManyObjectives => "too-many-objectives", Warning, "an owner has more objectives in a period than `max_objectives`";
    KeyResultCount => "key-result-count", Warning, "an objective has fewer key results than `min_key_results` or more than `max_key_results`";
    DueOutsidePeriod => "due-outside-period", Warning, "a key result is due outside its objective's period";
    CheckinOutsidePeriod => "checkin-outside-period", Warning, "a check-in is dated outside its objective's period, or after the as-of date";
    StaleKeyResult => "stale-key-result", Warning, "a key result of a running period has had no check-in for more than `stale_after_days`";
    IgnoredFile => "ignored-file", Warning, "a file in okrs/, teams/ or people/ that okr does not read: a Markdown extension other than `.md` (`.MD`, `.markdown`), or a name that is not UTF-8";
    PlaceholderText => "placeholder-text", Warning, "placeholder text left in a title or unit: `TBD`, `XXX`, `N%`, `$X`, `<metric>`, or the sample text `okr new` writes";
    MetricObjective => "metric-objective", Warning, "an objective whose title is a number (\"€2M ARR\") or repeats its only key result, instead of saying where to go";
    UnmeasuredKeyResult => "unmeasured-key-result", Warning, "a key result whose title names no measure and whose numbers (0 to 1 or 100, no unit) do not say what is counted";
    TargetAlreadyMet => "target-already-met", Warning, "a key result at or past its target at its first check-in, early in the period: a target set too low";
    DuplicateKeyResult => "duplicate-key-result", Warning, "the same key result text in several objectives of a period, where `aligns_to` would link them";
}

impl Rule {
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.name() == name)
    }

    /// Whether `[checks.rules]` may change this rule's severity.
    pub fn is_configurable(self) -> bool {
        self != Rule::InvalidFrontMatter
    }
}

/// One finding, before it is placed on a line: spans are byte ranges of the file's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub file: FileId,
    /// `None` where the problem has no place in the file (e.g. its name).
    pub span: Option<Span>,
    /// A label under the caret, e.g. "expected a number".
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: Rule, file: FileId, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            file,
            span,
            label: None,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets `help` from a did-you-mean suggestion, if there is one.
    pub fn with_suggestion(self, suggestion: Option<&str>) -> Self {
        match suggestion {
            Some(s) => self.with_help(format!("did you mean `{s}`?")),
            None => self,
        }
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
/// To ask about many words, prepare the candidates once with [`Vocabulary`].
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    Vocabulary::new(candidates).closest(word)
}

/// Words to suggest from, prepared to be asked about many misspelt words.
///
/// Comparing a word with every candidate would make a thousand unknown ids
/// among a thousand known ones cost a million comparisons. Beyond a handful
/// of candidates a word is compared only with its neighbours in two sorted
/// lists, spelt forwards and backwards: a typo leaves either the start or the
/// end of a word in place, and Jaro-Winkler, which judges closeness here,
/// favours words that share their start.
pub struct Vocabulary<'a> {
    /// Lowercased (case is ignored: `2026-q1` means `2026-Q1`, not
    /// `2026-H1`) with the candidate as written, sorted.
    forwards: Vec<(String, &'a str)>,
    /// Each lowercased spelling reversed, with its place in `forwards`,
    /// sorted; empty while a word is compared with every candidate.
    backwards: Vec<(String, usize)>,
}

/// Up to this many candidates, a word is compared with each.
const COMPARED_WITH_ALL: usize = 32;
/// Otherwise with this many neighbours on each side, in each sorted list.
const NEIGHBOURS: usize = 4;
/// Words and candidates longer than this are not compared: no typo is that
/// long, and a comparison costs the product of the lengths.
const LONGEST: usize = 128;

impl<'a> Vocabulary<'a> {
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Self {
        let mut forwards: Vec<(String, &str)> = candidates
            .into_iter()
            .filter(|c| c.len() <= LONGEST)
            .map(|c| (c.to_lowercase(), c))
            .collect();
        forwards.sort_unstable();
        forwards.dedup();
        let mut backwards: Vec<(String, usize)> = Vec::new();
        if forwards.len() > COMPARED_WITH_ALL {
            backwards = (forwards.iter().enumerate())
                .map(|(i, (lower, _))| (lower.chars().rev().collect(), i))
                .collect();
            backwards.sort_unstable();
        }
        Vocabulary {
            forwards,
            backwards,
        }
    }

    /// The closest candidate to `word`, if it is close enough to be a likely typo.
    pub fn closest(&self, word: &str) -> Option<&'a str> {
        if word.len() > LONGEST {
            return None;
        }
        let word = word.to_lowercase();
        self.shortlist(&word)
            .into_iter()
            .filter_map(|i| {
                let (lower, candidate) = self.forwards.get(i)?;
                let score = strsim::jaro_winkler(&word, lower);
                (score >= 0.8).then_some((score, *candidate))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map(|(_, candidate)| candidate)
    }

    /// Places in `forwards` of the candidates worth comparing with `word` (lowercased).
    fn shortlist(&self, word: &str) -> Vec<usize> {
        if self.backwards.is_empty() {
            return (0..self.forwards.len()).collect();
        }
        let reversed: String = word.chars().rev().collect();
        let mut near: Vec<usize> = around(&self.forwards, word).collect();
        near.extend(around(&self.backwards, &reversed).map(|i| self.backwards[i].1));
        near
    }
}

/// Places in a sorted list within [`NEIGHBOURS`] of where `key` would be.
fn around<T>(sorted: &[(String, T)], key: &str) -> std::ops::Range<usize> {
    let at = sorted.partition_point(|(k, _)| k.as_str() < key);
    at.saturating_sub(NEIGHBOURS)..(at + NEIGHBOURS).min(sorted.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_round_trip() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_name(rule.name()), Some(*rule));
        }
        assert_eq!(Rule::from_name("nope"), None);
    }

    /// Every candidate compared, as for a handful.
    fn compared_with_all<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let word = word.to_lowercase();
        (candidates.iter())
            .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), *c))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map(|(_, c)| c)
    }

    /// Among thousands of ids, a word is compared with a few, and typos at
    /// its start, middle or end find what comparing it with all would.
    #[test]
    fn suggests_among_many_candidates_from_a_few() {
        let owned: Vec<String> = (0..10_000)
            .map(|i| format!("team-{i}-grow-revenue"))
            .collect();
        let ids: Vec<&str> = owned.iter().map(String::as_str).collect();
        let vocabulary = Vocabulary::new(ids.iter().copied());
        for typo in [
            "team-42-grow-revenu",
            "team-42-grow-revenuee",
            "taem-42-grow-revenue",
            "eam-42-grow-revenue",
            "team-42-gorw-revenue",
            "Team-42-Grow-Revenue",
            "team-9999-grow-revenue-x",
        ] {
            assert!(vocabulary.shortlist(&typo.to_lowercase()).len() <= 4 * NEIGHBOURS);
            assert_eq!(
                vocabulary.closest(typo),
                compared_with_all(typo, &ids),
                "{typo}"
            );
        }
        assert_eq!(vocabulary.closest("budget"), None);
        assert_eq!(vocabulary.closest(&"x".repeat(LONGEST + 1)), None);
    }

    #[test]
    fn suggests_close_words_only() {
        let keys = ["target", "title", "start"];
        assert_eq!(did_you_mean("taget", keys), Some("target"));
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("budget", keys), None);
        assert_eq!(
            did_you_mean("2026-q1", ["2026-H1", "2026-Q1"]),
            Some("2026-Q1")
        );
    }
}
