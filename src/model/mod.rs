//! The data structures of an organisation's OKRs, from settings to check-ins.
//!
//! Parsing fills in what the files say (with the place each value came from);
//! resolving fills in the links between entities ([`Objective::owner`],
//! [`Objective::parents`], [`Objective::children`], [`KeyResult::owner_person`]).

pub mod base_url;
pub mod diagnostic;
pub mod period;
pub mod repository;
pub mod source;

/// The longest id or period name: each becomes a folder name of the site,
/// and a path component may hold at most 255 bytes.
pub const MAX_NAME_LEN: usize = 100;

use crate::model::diagnostic::{Rule, Severity};
use crate::model::period::{Period, Periods};
use crate::model::source::{FileId, SourceFile, Span};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A value together with the place in its file it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// Settings from `okr.toml`.
#[derive(Clone, Debug)]
pub struct Config {
    pub title: String,
    pub company: String,
    pub base_url: base_url::BaseUrl,
    pub current_period: Option<String>,
    /// How many of the periods that have ended keep their pages, those that
    /// ended last (`past_periods`); `None`: every period.
    pub past_periods: Option<usize>,
    /// A theme folder (relative to the root) replacing the built-in one.
    pub theme: Option<String>,
    pub periods: Periods,
    pub checks: CheckSettings,
    /// The repository's web address the site links to (`repository`),
    /// checked and normalised; see [`Config::fill_in_from`].
    pub repository: Option<String>,
    /// The branch those links open (`branch`); `None`: the default branch.
    pub branch: Option<String>,
}

impl Config {
    /// Takes `repository` and `branch`, where `okr.toml` leaves them out,
    /// from the GitHub Actions run building the site.
    pub fn fill_in_from(&mut self, env: &repository::GithubEnv) {
        if let Some(found) = self.linked_repository(env) {
            self.repository = Some(found.url);
            self.branch = found.branch;
        }
    }

    /// Where the site's links into the repository point, if anywhere.
    pub fn linked_repository(&self, env: &repository::GithubEnv) -> Option<repository::Repository> {
        repository::Repository::resolve(self.repository.as_deref(), self.branch.as_deref(), env)
    }
}

/// The `[checks]` table.
#[derive(Clone, Debug)]
pub struct CheckSettings {
    pub max_objectives: usize,
    pub min_key_results: usize,
    pub max_key_results: usize,
    pub stale_after_days: i64,
    /// Verbs of doing added to the built-in ones of `activity-key-result`.
    pub activity_verbs: Vec<String>,
    /// Words `activity-key-result` never reads as an activity, verb or output.
    pub not_activities: Vec<String>,
    pub thresholds: Thresholds,
    /// Severity overrides; `None` turns a rule off.
    pub rules: BTreeMap<Rule, Option<Severity>>,
}

/// Where statuses and grades change; see [`crate::score::status`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// `on-track` while progress ≥ expected − this.
    pub on_track_tolerance: f64,
    /// `at-risk` while progress ≥ expected − this; below, `off-track`.
    pub at_risk_tolerance: f64,
    /// Final grade `achieved` from this score on.
    pub achieved: f64,
    /// Final grade `partial` from this score on; below, `missed`.
    pub partial: f64,
    /// A committed objective's final grade `achieved` from this score on.
    pub committed_achieved: f64,
}

impl Thresholds {
    /// The score an objective of this kind aims at: `achieved` on its last
    /// day is what its pace runs to.
    pub fn goal(&self, kind: ObjectiveKind) -> f64 {
        match kind {
            ObjectiveKind::Aspirational => self.achieved,
            ObjectiveKind::Committed => self.committed_achieved,
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            on_track_tolerance: 0.10,
            at_risk_tolerance: 0.25,
            achieved: 0.7,
            partial: 0.4,
            committed_achieved: 1.0,
        }
    }
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings {
            max_objectives: 5,
            min_key_results: 2,
            max_key_results: 5,
            stale_after_days: 14,
            activity_verbs: Vec::new(),
            not_activities: Vec::new(),
            thresholds: Thresholds::default(),
            rules: BTreeMap::new(),
        }
    }
}

impl CheckSettings {
    /// The severity a rule's findings get, or `None` when it is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        match self.rules.get(&rule) {
            Some(configured) => *configured,
            None => Some(rule.default_severity()),
        }
    }
}

/// A team, from `teams/<id>.md`.
#[derive(Clone, Debug)]
pub struct Team {
    pub file: FileId,
    pub id: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub parent: Option<Spanned<String>>,
    pub lead: Option<Spanned<String>>,
    pub members: Vec<Spanned<String>>,
    /// The team's mission, in Markdown.
    pub body: String,
}

impl Team {
    pub fn display_name(&self) -> &str {
        self.name.as_ref().map_or(&self.id.value, |n| &n.value)
    }
}

/// A person, from `people/<id>.md`, or only named in a team's `members`/`lead`.
#[derive(Clone, Debug)]
pub struct Person {
    /// `None` for people known only from a team file.
    pub file: Option<FileId>,
    pub id: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub role: Option<Spanned<String>>,
    /// `github = "login"`: their GitHub login, for check-ins from issues and
    /// mentions in reminders.
    pub github: Option<Spanned<String>>,
    pub body: String,
}

impl Person {
    pub fn display_name(&self) -> &str {
        self.name.as_ref().map_or(&self.id.value, |n| &n.value)
    }
}

/// The level an objective belongs to; alignment runs from lower to higher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Person,
    Team,
    Company,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Person => "person",
            Level::Team => "team",
            Level::Company => "company",
        }
    }
}

/// Who owns an objective, once resolved. Indices point into [`Org::teams`] and [`Org::people`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Company,
    Team(usize),
    Person(usize),
    /// The named team or person does not exist (reported as `unknown-owner`).
    Unknown,
}

/// A resolved `aligns_to` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Index into [`Org::objectives`].
    pub objective: usize,
    /// Index into that objective's key results, for `objective#kr` references.
    pub key_result: Option<usize>,
    /// Where the reference is written in the child's file.
    pub span: Span,
}

/// One objective, from `okrs/**/<id>.md`.
#[derive(Clone, Debug)]
pub struct Objective {
    pub file: FileId,
    /// The explicit `id`, else the file stem (then the span is empty).
    pub id: Spanned<String>,
    pub id_explicit: bool,
    pub title: Spanned<String>,
    pub period: Spanned<String>,
    pub team: Option<Spanned<String>>,
    pub person: Option<Spanned<String>>,
    pub aligns_to: Vec<Spanned<String>>,
    pub contributors: Vec<Spanned<String>>,
    pub tags: Vec<String>,
    /// `kind = "committed"` or `"aspirational"` as written; see [`Objective::kind`].
    pub kind: Option<Spanned<String>>,
    pub key_results: Vec<KeyResult>,
    pub initiatives: Vec<Initiative>,
    /// `carried_from = "PERIOD/id"`: the objective of an earlier period this one continues.
    pub carried_from: Option<Spanned<String>>,
    /// `[retrospective]`: the end-of-period grade's override and notes.
    pub retrospective: Option<Box<Retrospective>>,
    /// Why the objective matters, in Markdown.
    pub body: String,
    /// Where the front matter's TOML starts, for diagnostics about the whole objective.
    pub header: Span,
    // Filled in by `resolve`.
    pub owner: Owner,
    pub parents: Vec<Link>,
    /// Indices of objectives aligned to this one, in file order.
    pub children: Vec<usize>,
    /// The objective `carried_from` names, when it exists.
    pub predecessor: Option<usize>,
}

/// The `[retrospective]` table, written when the period ends.
#[derive(Clone, Debug)]
pub struct Retrospective {
    /// A score that replaces the computed one (0..=1), e.g. when a metric was
    /// measured wrongly; parsing guarantees a `reason` comes with it.
    pub score: Option<Spanned<f64>>,
    pub reason: Option<Spanned<String>>,
    /// What the owners learned, in Markdown.
    pub notes: Option<String>,
}

/// What an objective is expected to reach, as OKR practice distinguishes:
/// a committed objective must happen (1.0), an aspirational one is a
/// stretch where 0.7 is a success.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectiveKind {
    #[default]
    Aspirational,
    Committed,
}

impl ObjectiveKind {
    pub const NAMES: &'static [&'static str] = &["aspirational", "committed"];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "aspirational" => Some(Self::Aspirational),
            "committed" => Some(Self::Committed),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Aspirational => "aspirational",
            Self::Committed => "committed",
        }
    }
}

impl Objective {
    /// Its kind; aspirational unless `kind = "committed"` (an unknown name
    /// is reported by `invalid-value` and counts as the default).
    pub fn kind(&self) -> ObjectiveKind {
        self.kind
            .as_ref()
            .and_then(|k| ObjectiveKind::from_name(&k.value))
            .unwrap_or_default()
    }

    /// The level implied by the owner keys, whether or not the owner exists.
    pub fn level(&self) -> Level {
        if self.person.is_some() {
            Level::Person
        } else if self.team.is_some() {
            Level::Team
        } else {
            Level::Company
        }
    }
}

/// How a key result is measured.
#[derive(Clone, Debug, PartialEq)]
pub enum Measure {
    /// A number moving from `start` towards `target`.
    Metric {
        start: Spanned<f64>,
        target: Spanned<f64>,
    },
    /// Done or not done.
    Milestone { done: Spanned<bool> },
    /// A metric to keep (a KPI, a health metric): `keep = "at-least"` or
    /// `"at-most"` the `target`, held over the period rather than moved.
    /// `start`, when given, is its value on the period's first day.
    Kept {
        keep: Spanned<String>,
        target: Spanned<f64>,
        start: Option<Spanned<f64>>,
    },
    /// Neither `target` nor `done` given (reported as `missing-target`).
    Missing { start: Option<Spanned<f64>> },
}

/// Which side of its target a metric to keep must stay on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    AtLeast,
    AtMost,
}

impl Bound {
    pub const NAMES: &'static [&'static str] = &["at-least", "at-most"];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "at-least" => Some(Self::AtLeast),
            "at-most" => Some(Self::AtMost),
            _ => None,
        }
    }

    /// Whether `value` is on the right side of `target`.
    pub fn holds(self, value: f64, target: f64) -> bool {
        match self {
            Bound::AtLeast => value >= target,
            Bound::AtMost => value <= target,
        }
    }

    /// `at least` or `at most`, for text before a value.
    pub fn words(self) -> &'static str {
        match self {
            Bound::AtLeast => "at least",
            Bound::AtMost => "at most",
        }
    }
}

#[derive(Clone, Debug)]
pub struct KeyResult {
    pub id: Spanned<String>,
    pub id_explicit: bool,
    pub title: Spanned<String>,
    pub measure: Measure,
    /// The `current` value as written; see [`KeyResult::current`] for the effective one.
    pub current: Option<Spanned<f64>>,
    pub unit: Option<Spanned<String>>,
    pub due: Option<Spanned<NaiveDate>>,
    pub weight: Option<Spanned<f64>>,
    pub confidence: Option<Spanned<f64>>,
    /// `owner = "person-id"`: the person who answers for this key result.
    pub owner: Option<Spanned<String>>,
    /// In the order written.
    pub checkins: Vec<Checkin>,
    /// `[key_results.source]`: where `okr sync` reads its values.
    pub source: Option<Box<Source>>,
    /// The key result's table, for findings about it as a whole.
    pub span: Span,
    // Filled in by `resolve`.
    /// Index into [`Org::people`] of `owner`, when it names a known person.
    pub owner_person: Option<usize>,
}

impl KeyResult {
    /// Where it starts: a milestone at 0 (not done), a metric at `start`
    /// (default 0), a metric to keep at `start` when given, else at its
    /// target, the level it keeps.
    pub fn start(&self) -> f64 {
        match &self.measure {
            Measure::Metric { start, .. } => start.value,
            Measure::Missing { start } => start.as_ref().map_or(0.0, |s| s.value),
            Measure::Milestone { .. } => 0.0,
            Measure::Kept { start, target, .. } => start.as_ref().unwrap_or(target).value,
        }
    }

    /// Its value on the period's first day, when it is known: a metric to
    /// keep without `start` has none until its first check-in.
    pub fn known_start(&self) -> Option<f64> {
        match &self.measure {
            Measure::Kept { start, .. } => start.as_ref().map(|s| s.value),
            _ => Some(self.start()),
        }
    }

    /// The bound and target of a metric to keep with a known `keep`.
    pub fn kept(&self) -> Option<(Bound, f64)> {
        match &self.measure {
            Measure::Kept { keep, target, .. } => {
                Some((Bound::from_name(&keep.value)?, target.value))
            }
            _ => None,
        }
    }

    pub fn weight(&self) -> f64 {
        self.weight.as_ref().map_or(1.0, |w| w.value)
    }

    /// The check-in with the latest date up to `as_of` (the last written
    /// among equals): later ones are not known yet on that day.
    pub fn latest_checkin(&self, as_of: NaiveDate) -> Option<&Checkin> {
        self.checkins
            .iter()
            .enumerate()
            .filter(|(_, c)| c.date.value <= as_of)
            .max_by_key(|(i, c)| (c.date.value, *i))
            .map(|(_, c)| c)
    }

    /// The value on `as_of`: `current` if written (it states the value now),
    /// else the latest check-in's value up to that day, else `start`.
    pub fn current(&self, as_of: NaiveDate) -> f64 {
        match (&self.current, self.latest_checkin(as_of)) {
            (Some(current), _) => current.value,
            (None, Some(checkin)) => checkin.value.value,
            (None, None) => self.start(),
        }
    }

    /// The unit as written, e.g. `%` or `customers`.
    pub fn unit(&self) -> Option<&str> {
        self.unit.as_ref().map(|u| u.value.as_str())
    }

    /// Whether this key result is a done/not-done milestone.
    pub fn is_milestone(&self) -> bool {
        matches!(self.measure, Measure::Milestone { .. })
    }
}

/// `[key_results.source]`: a data file in the repository (CSV or JSON) or a
/// JSON document over HTTPS that holds a key result's values.
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// A path relative to the repository root.
    pub file: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    /// CSV: the header of the value column.
    pub column: Option<Spanned<String>>,
    /// CSV: the header of the date column, for a time series.
    pub date_column: Option<Spanned<String>>,
    /// JSON: an RFC 6901 pointer to a number or to an array of `{date, value}`.
    pub pointer: Option<Spanned<String>>,
    /// HTTP headers for `url` as written, `${NAME}` unexpanded, in the order written.
    pub headers: Vec<(Spanned<String>, Spanned<String>)>,
    /// The `[key_results.source]` table.
    pub span: Span,
}

impl Source {
    /// The file or URL the values come from; a URL without its query, which
    /// may carry a key.
    pub fn origin(&self) -> &str {
        match (&self.file, &self.url) {
            (Some(file), _) => &file.value,
            (None, Some(url)) => url.value.split(['?', '#']).next().unwrap_or(""),
            (None, None) => "",
        }
    }

    /// Which value of it is read: `column wau`, `pointer /metrics/wau`.
    pub fn value_name(&self) -> String {
        match (&self.column, &self.pointer) {
            (Some(column), _) => format!("column {}", column.value),
            (None, Some(pointer)) => format!("pointer {}", pointer.value),
            (None, None) => String::new(),
        }
    }

    /// Where the values come from, for people: `data/wau.csv, column wau`.
    pub fn describe(&self) -> String {
        format!("{}, {}", self.origin(), self.value_name())
    }
}

#[derive(Clone, Debug)]
pub struct Checkin {
    pub date: Spanned<NaiveDate>,
    pub value: Spanned<f64>,
    pub confidence: Option<Spanned<f64>>,
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum InitiativeStatus {
    Planned,
    InProgress,
    Done,
    Dropped,
}

impl InitiativeStatus {
    pub const NAMES: &'static [&'static str] = &["planned", "in-progress", "done", "dropped"];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "planned" => Some(Self::Planned),
            "in-progress" => Some(Self::InProgress),
            "done" => Some(Self::Done),
            "dropped" => Some(Self::Dropped),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Initiative {
    pub title: Spanned<String>,
    pub key_result: Option<Spanned<String>>,
    /// As written; an unknown name is kept for the `invalid-value` rule.
    pub status: Option<Spanned<String>>,
}

/// A whole organisation: settings, files and every entity parsed from them.
#[derive(Debug)]
pub struct Org {
    pub root: std::path::PathBuf,
    pub config: Config,
    pub files: Vec<SourceFile>,
    /// Sorted by id.
    pub teams: Vec<Team>,
    /// Sorted by id; includes people known only from team files.
    pub people: Vec<Person>,
    /// Sorted by file path.
    pub objectives: Vec<Objective>,
}

impl Org {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    pub fn period(&self, name: &str) -> Option<Period> {
        self.config.periods.get(name)
    }

    pub fn team_index(&self, id: &str) -> Option<usize> {
        self.teams
            .binary_search_by(|t| t.id.value.as_str().cmp(id))
            .ok()
    }

    pub fn person_index(&self, id: &str) -> Option<usize> {
        self.people
            .binary_search_by(|p| p.id.value.as_str().cmp(id))
            .ok()
    }

    pub fn key_result_count(&self) -> usize {
        self.objectives.iter().map(|o| o.key_results.len()).sum()
    }

    /// The period of each objective, parallel to [`Org::objectives`]:
    /// objectives come in file order, so grouped by period, and each period
    /// is looked up once per group rather than once per objective.
    pub fn objective_periods(&self) -> Vec<Option<Period>> {
        let mut last: Option<(&str, Option<Period>)> = None;
        self.objectives
            .iter()
            .map(|o| {
                let name = o.period.value.as_str();
                match &last {
                    Some((seen, period)) if *seen == name => period.clone(),
                    _ => {
                        let period = self.period(name);
                        last = Some((name, period.clone()));
                        period
                    }
                }
            })
            .collect()
    }
}
