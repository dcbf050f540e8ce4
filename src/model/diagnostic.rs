//! Findings: the rules (names pinned), their severities and one finding's data.

use crate::source::{FileId, Span};
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
    InvalidId => "invalid-id", Error, "an id is not lowercase ASCII letters, digits, `-` and `_` starting with a letter or digit";
    DuplicateId => "duplicate-id", Error, "two objectives of a period, two key results of an objective, two teams or two people share an id";
    UnknownPeriod => "unknown-period", Error, "an objective names a period that is neither built in nor defined in okr.toml";
    UnknownOwner => "unknown-owner", Error, "an objective names an undefined team or person, or both a team and a person";
    UnknownReference => "unknown-reference", Error, "a team's parent or lead, an objective's contributor or its `carried_from`, names nobody defined";
    UnresolvedAlignment => "unresolved-alignment", Error, "`aligns_to` names no objective or key result, or more than one";
    AlignmentCycle => "alignment-cycle", Error, "objectives align to each other in a circle, or teams are their own parents";
    AlignmentInversion => "alignment-inversion", Error, "an objective aligns to one of a lower level (person < team < company)";
    PeriodMismatch => "period-mismatch", Error, "an objective aligns to one whose period does not overlap its own";
    MissingKeyResults => "missing-key-results", Error, "an objective has no key results, so nothing measures it";
    MissingTarget => "missing-target", Error, "a key result has neither a numeric `target` nor a milestone `done`";
    EmptyRange => "empty-range", Error, "a key result's start equals its target, so progress cannot be measured";
    InvalidValue => "invalid-value", Error, "a value is out of range: confidence outside 0..=1, weight <= 0, an unknown initiative status or key result";
    Unaligned => "unaligned", Warning, "a team or person objective aligns to nothing";
    UnsupportedObjective => "unsupported-objective", Warning, "a company objective that no objective aligns to";
    BinaryKeyResult => "binary-key-result", Warning, "a done/not-done milestone instead of a measured metric";
    ActivityKeyResult => "activity-key-result", Warning, "a key result that reads as a task (starts with an activity verb), not an outcome";
    TooManyObjectives => "too-many-objectives", Warning, "an owner has more objectives in a period than `max_objectives`";
    KeyResultCount => "key-result-count", Warning, "an objective has fewer key results than `min_key_results` or more than `max_key_results`";
    DueOutsidePeriod => "due-outside-period", Warning, "a key result is due outside its objective's period";
    StaleKeyResult => "stale-key-result", Warning, "a key result of a running period has had no check-in for more than `stale_after_days`";
    IgnoredFile => "ignored-file", Warning, "a file in okrs/, teams/ or people/ that okr does not read: a Markdown extension other than `.md` (`.MD`, `.markdown`), or a name that is not UTF-8";
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
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Case is ignored: `2026-q1` means `2026-Q1`, not `2026-H1`.
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
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
