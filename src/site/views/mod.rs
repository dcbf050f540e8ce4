//! Page views: what each page of the site shows, computed from the checked
//! organisation and handed to the templates.
//!
//! Views borrow from the model where they can. Each objective's card (with its
//! key results and charts) is built once and shared by every page that lists it.
//! The blocks pages repeat by the thousand come as the HTML okr writes for the
//! default theme's partials, and as fields for a theme's own templates ([`Blocks`]).

use crate::charts::timeline::{self, Burnup, Goal, ScoreTrend, Size};
use crate::charts::{self, Bar};
use crate::check::Checked;
use crate::diagnostic::{Rule, Severity};
use crate::history::{self, Extent, History, OwnerRef};
use crate::markdown;
use crate::model::base_url::BaseUrl;
use crate::model::{Checkin, Config, KeyResult, Level, Measure, Objective, Org, Owner};
use crate::period::Period;
use crate::report;
use crate::score::{self, Series, Status};
use crate::site::routes::Route;
use crate::text::{
    iso_date, number, percent, push_decimal, push_escaped, push_iso_date, push_percent,
    push_short_date,
};
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

mod markup;

pub use markup::{Block, Blocks, STATUS_BADGE};

/// Addresses of the site's pages, all starting with the base URL so they
/// work under a sub-path; what each address is, is [`Route`]'s to say.
#[derive(Clone, Debug)]
pub struct Urls {
    base: BaseUrl,
}

impl Urls {
    /// The site's addresses under `given` (`--base-url`), else under the
    /// base URL of `okr.toml`.
    pub fn for_site(given: Option<&BaseUrl>, config: &Config) -> Urls {
        Urls::under(given.unwrap_or(&config.base_url).clone())
    }

    pub fn under(base: BaseUrl) -> Urls {
        Urls { base }
    }

    pub fn base(&self) -> &str {
        self.base.as_str()
    }

    pub fn index(&self) -> String {
        Route::Index.url(&self.base)
    }

    pub fn period(&self, period: &str) -> String {
        Route::Period(period).url(&self.base)
    }

    pub fn objective(&self, period: &str, id: &str) -> String {
        Route::Objective { period, id }.url(&self.base)
    }

    pub fn team(&self, id: &str) -> String {
        Route::Team(id).url(&self.base)
    }

    pub fn person(&self, id: &str) -> String {
        Route::Person(id).url(&self.base)
    }

    pub fn health(&self) -> String {
        Route::Health.url(&self.base)
    }

    pub fn changes(&self) -> String {
        Route::Changes.url(&self.base)
    }

    pub fn asset(&self, path: &str) -> String {
        Route::Asset(path).url(&self.base)
    }
}

/// HTML that okr built itself (charts, Markdown rendered and sanitised),
/// handed to templates as a safe string: it is not escaped, and passes into
/// each page's context without being copied again.
pub type Html = tera::Value;

/// `text` as [`Html`].
pub fn html(text: &str) -> Html {
    tera::Value::safe_string(text)
}

#[derive(Clone, Debug, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct StatusView {
    /// The stable name, also the CSS class suffix: `on-track`, `achieved`, …
    pub key: &'static str,
    pub label: &'static str,
}

impl StatusView {
    pub fn of(status: Status) -> StatusView {
        let label = match status {
            Status::OnTrack => "On track",
            Status::AtRisk => "At risk",
            Status::OffTrack => "Off track",
            Status::Achieved => "Achieved",
            Status::Partial => "Partial",
            Status::Missed => "Missed",
        };
        StatusView {
            key: status.name(),
            label,
        }
    }
}

/// Statuses in the order the site lists them.
const STATUS_ORDER: [Status; 6] = [
    Status::OnTrack,
    Status::AtRisk,
    Status::OffTrack,
    Status::Achieved,
    Status::Partial,
    Status::Missed,
];

#[derive(Debug, Serialize)]
pub struct KeyResultView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub unit: Option<&'a str>,
    pub milestone: bool,
    pub done: bool,
    pub start: String,
    pub target: String,
    pub current: String,
    /// Raw progress as a percentage (may exceed 100%).
    pub progress: Option<String>,
    pub status: Option<StatusView>,
    pub confidence: Option<String>,
    pub weight: Option<String>,
    pub due: Option<String>,
    pub stale: bool,
    pub bar: Html,
    /// Every check-in, oldest first.
    pub checkins: Checkins<'a>,
}

/// A key result's check-ins, oldest first, read from the model when a
/// template gets them: only the templates of a theme's own do.
#[derive(Clone, Copy, Debug)]
pub struct Checkins<'a>(pub &'a KeyResult);

impl Serialize for Checkins<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let kr = self.0;
        let mut checkins: Vec<&Checkin> = kr.checkins.iter().collect();
        checkins.sort_by_key(|c| c.date.value);
        serializer.collect_seq(checkins.into_iter().map(|c| CheckinView {
            date: iso_date(c.date.value),
            value: checkin_value(kr, c.value.value),
            confidence: c.confidence.as_ref().map(|c| percent(c.value)),
            note: c.note.as_deref(),
        }))
    }
}

/// One check-in of a key result, as its objective's table shows it.
#[derive(Debug, Serialize)]
struct CheckinView<'a> {
    date: String,
    /// A number as the site writes numbers, or `done` / `not done` for a milestone.
    value: String,
    confidence: Option<String>,
    note: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct OwnerView {
    /// `company`, `team` or `person`.
    pub level: &'static str,
    pub name: String,
    pub url: String,
}

/// An objective as every list and page shows it; templates get it as a
/// [`CardItem`], [`Line`] or [`TreeLine`].
#[derive(Debug)]
pub struct ObjectiveCard<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: String,
    pub period: &'a str,
    pub owner: OwnerView,
    /// The score that counts: the retrospective's override, else the computed one.
    pub score: Option<String>,
    /// The computed score, given when an override replaces it.
    pub computed: Option<String>,
    /// Whether `score` is a retrospective's override.
    pub overridden: bool,
    pub status: Option<StatusView>,
    pub bar: Html,
    /// The score over the period so far, as a small line.
    pub trend: Html,
    pub aligned_progress: Option<String>,
    /// Given to templates by [`CardItem`], when they may read them.
    pub key_results: Vec<KeyResultView<'a>>,
    pub tags: &'a [String],
    /// How many key results have a stale finding.
    pub stale: usize,
    /// The computed score by day, for the charts of the pages that show it.
    pub history: Series,
}

/// An objective in one line (title, owner, status, score, trend, stale key
/// results), for lists that may hold hundreds: it serialises only those
/// fields of the card.
#[derive(Clone, Copy, Debug)]
pub struct Line<'a>(pub &'a ObjectiveCard<'a>);

impl Serialize for Line<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut line = serializer.serialize_struct("Line", 8)?;
        serialize_line(&mut line, self.0)?;
        line.end()
    }
}

/// The fields of a [`Line`].
fn serialize_line<S: serde::ser::SerializeStruct>(
    line: &mut S,
    card: &ObjectiveCard,
) -> Result<(), S::Error> {
    serialize_brief(line, card)?;
    line.serialize_field("trend", &card.trend)?;
    line.serialize_field("stale", &card.stale)
}

/// An objective as an item of a list of lines (`partials/objective_line.html`):
/// the fields of a [`Line`] when templates may read them, and the line as okr
/// writes it in `html` when it does. Lists of lines hold hundreds.
#[derive(Debug)]
pub struct LineItem<'a> {
    line: Option<Line<'a>>,
    html: Option<Html>,
}

impl<'a> LineItem<'a> {
    pub fn new(card: &'a ObjectiveCard<'a>, blocks: Blocks) -> LineItem<'a> {
        LineItem {
            line: blocks.fields.then_some(Line(card)),
            html: blocks
                .writes(Block::ObjectiveLine)
                .then(|| markup::objective_line(card)),
        }
    }
}

impl Serialize for LineItem<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut item = serializer.serialize_struct("LineItem", 9)?;
        if let Some(Line(card)) = self.line {
            serialize_line(&mut item, card)?;
        }
        if let Some(html) = &self.html {
            item.serialize_field("html", html)?;
        }
        item.end()
    }
}

/// An objective's card as templates get it: the card's fields; its key
/// results when templates may read them; in lists of cards (overview, team and
/// person pages), the key results as okr writes them
/// (`partials/key_result_list.html`) in `key_results_html` when it does.
#[derive(Debug)]
pub struct CardItem<'a> {
    pub card: &'a ObjectiveCard<'a>,
    pub key_results: Option<&'a [KeyResultView<'a>]>,
    pub key_results_html: Option<Html>,
}

impl Serialize for CardItem<'_> {
    /// Every field of the card but its history, as one struct: templates
    /// get thousands of cards, and a flattened struct builds its map growing.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let card = self.card;
        let mut item = serializer.serialize_struct("CardItem", 16)?;
        serialize_brief(&mut item, card)?;
        item.serialize_field("id", card.id)?;
        item.serialize_field("computed", &card.computed)?;
        item.serialize_field("overridden", &card.overridden)?;
        item.serialize_field("bar", &card.bar)?;
        item.serialize_field("trend", &card.trend)?;
        item.serialize_field("aligned_progress", &card.aligned_progress)?;
        item.serialize_field("tags", card.tags)?;
        item.serialize_field("stale", &card.stale)?;
        if let Some(key_results) = self.key_results {
            item.serialize_field("key_results", key_results)?;
        }
        if let Some(html) = &self.key_results_html {
            item.serialize_field("key_results_html", html)?;
        }
        item.end()
    }
}

impl<'a> CardItem<'a> {
    /// The card in a list of cards.
    pub fn new(card: &'a ObjectiveCard<'a>, blocks: Blocks) -> CardItem<'a> {
        CardItem {
            key_results_html: blocks
                .writes(Block::KeyResultList)
                .then(|| markup::card_key_results(&card.key_results)),
            ..CardItem::alone(card, blocks)
        }
    }

    /// The card at the head of its objective's page, which shows its key results apart.
    fn alone(card: &'a ObjectiveCard<'a>, blocks: Blocks) -> CardItem<'a> {
        CardItem {
            card,
            key_results: blocks.fields.then_some(card.key_results.as_slice()),
            key_results_html: None,
        }
    }
}

/// An objective in the alignment tree, which holds every objective of a
/// period: title, owner, status and score only.
#[derive(Clone, Copy, Debug)]
pub struct TreeLine<'a>(pub &'a ObjectiveCard<'a>);

impl Serialize for TreeLine<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut line = serializer.serialize_struct("TreeLine", 6)?;
        serialize_brief(&mut line, self.0)?;
        line.end()
    }
}

fn serialize_brief<S: serde::ser::SerializeStruct>(
    line: &mut S,
    card: &ObjectiveCard,
) -> Result<(), S::Error> {
    line.serialize_field("title", card.title)?;
    line.serialize_field("url", &card.url)?;
    line.serialize_field("period", card.period)?;
    line.serialize_field("owner", &card.owner)?;
    line.serialize_field("score", &card.score)?;
    line.serialize_field("status", &card.status)
}

/// The `<details>` alignment tree, flattened so templates need no recursion
/// (chains can be deep): after each item, close `closes` levels.
#[derive(Debug, Serialize)]
pub struct TreeItem<'a> {
    pub card: TreeLine<'a>,
    pub depth: usize,
    pub has_children: bool,
    pub closes: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct PeriodView {
    pub name: String,
    pub start: String,
    pub end: String,
    pub url: String,
    pub current: bool,
    /// `running`, `ended` or `upcoming` at the as-of date.
    pub state: &'static str,
}

/// Shared by every page: the site's title, the period switcher, the as-of date.
#[derive(Debug, Serialize)]
pub struct SiteView {
    pub title: String,
    pub company: String,
    pub base_url: String,
    pub as_of: String,
    pub current_period: String,
    pub periods: Vec<PeriodView>,
    pub errors: usize,
    pub warnings: usize,
    pub stylesheet: String,
    pub health_url: String,
    pub index_url: String,
    pub changes_url: String,
}

#[derive(Debug, Serialize)]
pub struct StatusCount {
    pub status: StatusView,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct TeamScore {
    pub name: String,
    pub url: String,
    pub score: Option<String>,
    pub bar: Html,
    /// The team's score in every period of the site.
    pub sparkline: Html,
    pub objectives: usize,
}

/// A check-in in a list of the latest ones.
#[derive(Debug, Serialize)]
pub struct RecentCheckin<'a> {
    pub date: String,
    pub objective: Line<'a>,
    pub key_result: &'a str,
    /// The key result on its objective's page.
    pub url: String,
    pub value: String,
    pub unit: Option<&'a str>,
    pub confidence: Option<String>,
    pub note: Option<&'a str>,
}

/// One objective's score over time in a small multiple: every chart of a
/// group has the same scales, so they compare at a glance.
#[derive(Debug, Serialize)]
pub struct Multiple<'a> {
    pub card: Line<'a>,
    pub chart: Html,
}

/// What an objective's `[retrospective]` says, with the grade it led to.
#[derive(Debug, Serialize)]
pub struct RetrospectiveView<'a> {
    /// The final grade, once the period has ended.
    pub grade: Option<StatusView>,
    pub computed: Option<String>,
    pub overridden: Option<String>,
    pub reason: Option<&'a str>,
    /// The notes as HTML.
    pub notes: Option<Html>,
}

/// An objective's retrospective as its period's overview lists it.
#[derive(Debug, Serialize)]
pub struct PeriodRetrospective<'a> {
    pub card: Line<'a>,
    pub retrospective: RetrospectiveView<'a>,
}

/// The company overview of one period (`index.html` and `periods/<p>/index.html`).
#[derive(Debug, Serialize)]
pub struct OverviewPage<'a> {
    pub period: &'a PeriodView,
    pub company_score: Option<String>,
    /// The company score computed from key results alone, given when
    /// retrospective overrides make the score above differ from it.
    pub company_computed: Option<String>,
    pub company_bar: Html,
    /// The company score over the period so far.
    pub company_chart: Html,
    /// The latest check-ins of the period, newest first.
    pub recent: Vec<RecentCheckin<'a>>,
    /// Objectives of the period with a `[retrospective]`.
    pub retrospectives: Vec<PeriodRetrospective<'a>>,
    pub company_objectives: Vec<CardItem<'a>>,
    pub tree: Vec<TreeItem<'a>>,
    pub teams: Vec<TeamScore>,
    pub statuses: Vec<StatusCount>,
    pub distribution: Html,
    pub objectives: usize,
    pub stale: usize,
}

#[derive(Debug, Serialize)]
pub struct InitiativeView<'a> {
    pub title: &'a str,
    pub key_result: Option<&'a str>,
    /// As written; `planned` when not given.
    pub status: &'a str,
}

#[derive(Debug, Serialize)]
pub struct ParentView<'a> {
    pub card: LineItem<'a>,
    /// The title of the key result aligned to, for `objective#kr` references.
    pub key_result: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct ObjectivePage<'a> {
    /// The objective's card, with its key results when templates may read them.
    pub objective: CardItem<'a>,
    /// Each key result's check-ins as a table, newest first, in the order
    /// of `objective.key_results`; none without check-ins.
    pub checkins: Vec<Option<Html>>,
    /// Each key result's burn-up, in the same order; none without a target.
    pub burnups: Vec<Option<Html>>,
    /// Each key result as an `<article>` with its burn-up and check-ins,
    /// when okr writes them (`partials/key_result_details.html`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_results_html: Option<Html>,
    /// The score over the period so far.
    pub score_chart: Html,
    pub retrospective: Option<RetrospectiveView<'a>>,
    /// The objective of an earlier period this one continues.
    pub carried_from: Option<Link>,
    /// Objectives of later periods that continue this one.
    pub carried_into: Vec<Link>,
    /// From the top of the alignment chain down to the parent; long chains
    /// keep their top and the nearest steps.
    pub breadcrumbs: Vec<Link>,
    /// Steps left out after the first breadcrumb.
    pub breadcrumbs_gap: bool,
    pub body: Html,
    pub initiatives: Vec<InitiativeView<'a>>,
    pub parents: Vec<ParentView<'a>>,
    pub children: Vec<LineItem<'a>>,
    pub contributors: Vec<Link>,
    /// `None` when the build was told not to read the history.
    pub history: Option<HistoryView<'a>>,
}

/// One change, as a sentence; `kind` is its stable name (see [`history::Change::kind`]).
#[derive(Debug, Serialize)]
pub struct ChangeView {
    pub kind: &'static str,
    pub text: String,
}

/// What one commit changed in one objective.
#[derive(Debug, Serialize)]
pub struct HistoryEntryView<'a> {
    pub date: String,
    pub author: &'a str,
    /// The short commit id; `commit_id` is the full one.
    pub commit: &'a str,
    pub commit_id: &'a str,
    pub summary: &'a str,
    pub changes: Vec<ChangeView>,
}

/// An objective's history, newest first, and why it may be missing or partial.
#[derive(Debug, Serialize)]
pub struct HistoryView<'a> {
    pub entries: Vec<HistoryEntryView<'a>>,
    pub note: Option<String>,
}

/// One line of the Changes page: an entry and the objective it is about.
#[derive(Debug, Serialize)]
pub struct ChangeRow<'a> {
    pub entry: HistoryEntryView<'a>,
    pub title: &'a str,
    pub period: &'a str,
    /// `None` when the objective no longer exists.
    pub url: Option<String>,
    pub owner: String,
}

/// A part of the Changes page: all changes, the company's, or one team's
/// (its objectives and its members'). `rows` index [`ChangesPage::rows`].
#[derive(Debug, Serialize)]
pub struct ChangeSection {
    pub anchor: String,
    pub name: String,
    pub url: Option<String>,
    pub rows: Vec<usize>,
}

/// Changes dated within the current period, newest first (`changes/index.html`).
#[derive(Debug, Serialize)]
pub struct ChangesPage<'a> {
    pub period: Option<&'a PeriodView>,
    pub enabled: bool,
    pub note: Option<String>,
    pub rows: Vec<ChangeRow<'a>>,
    pub sections: Vec<ChangeSection>,
}

/// A key result target moved towards its start during the current period.
#[derive(Debug, Serialize)]
pub struct LoweredTarget<'a> {
    pub date: String,
    pub author: &'a str,
    pub commit: &'a str,
    pub summary: &'a str,
    pub objective: &'a str,
    pub url: Option<String>,
    pub key_result: &'a str,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct TeamPeriod<'a> {
    pub period: Link,
    pub score: Option<String>,
    pub bar: Html,
    /// The team's objectives by status.
    pub distribution: Html,
    /// Each objective's score over the period, on the same scales.
    pub trends: Vec<Multiple<'a>>,
    pub objectives: Vec<CardItem<'a>>,
    /// People's objectives aligned to the team's.
    pub aligned: Vec<LineItem<'a>>,
}

#[derive(Debug, Serialize)]
pub struct TeamPage<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub mission: Html,
    pub lead: Option<Link>,
    pub members: Vec<Link>,
    pub parent: Option<Link>,
    pub children: Vec<Link>,
    pub sparkline: Html,
    /// The latest check-ins on the team's objectives, newest first.
    pub recent: Vec<RecentCheckin<'a>>,
    pub periods: Vec<TeamPeriod<'a>>,
}

#[derive(Debug, Serialize)]
pub struct PersonPeriod<'a> {
    pub period: Link,
    pub score: Option<String>,
    /// Each owned objective's score over the period, on the same scales.
    pub trends: Vec<Multiple<'a>>,
    pub owned: Vec<CardItem<'a>>,
    pub contributing: Vec<LineItem<'a>>,
}

#[derive(Debug, Serialize)]
pub struct PersonPage<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub role: Option<&'a str>,
    pub about: Html,
    pub teams: Vec<Link>,
    pub periods: Vec<PersonPeriod<'a>>,
}

#[derive(Debug, Serialize)]
pub struct FindingView<'a> {
    pub rule: &'static str,
    pub severity: &'static str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub file: &'a str,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The objective the finding is about, when it is about one.
    pub objective: Option<Link>,
}

#[derive(Debug, Serialize)]
pub struct FindingGroup<'a> {
    pub name: String,
    pub summary: Option<&'static str>,
    pub severity: Option<&'static str>,
    pub url: Option<String>,
    pub findings: Vec<FindingView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Coverage {
    pub part: usize,
    pub whole: usize,
    pub percent: Option<String>,
}

impl Coverage {
    fn new(part: usize, whole: usize) -> Coverage {
        let percent = (whole > 0).then(|| percent(part as f64 / whole as f64));
        Coverage {
            part,
            whole,
            percent,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct HealthPage<'a> {
    pub by_rule: Vec<FindingGroup<'a>>,
    pub by_owner: Vec<FindingGroup<'a>>,
    /// Team and person objectives with a resolved `aligns_to`.
    pub alignment: Coverage,
    /// Key results with a numeric target.
    pub measurability: Coverage,
    pub stale: Vec<Line<'a>>,
    /// Targets lowered during the current period, newest first.
    pub lowered_targets: Vec<LoweredTarget<'a>>,
    pub history_enabled: bool,
    pub history_note: Option<String>,
}

/// Everything the pages are made of, computed once.
pub struct SiteData<'a> {
    pub site: SiteView,
    /// Each objective's card, built when first needed (see [`SiteData::card`]).
    cards: Vec<OnceLock<ObjectiveCard<'a>>>,
    pub periods: Vec<PeriodView>,
    checked: &'a Checked,
    /// Whether pages mark the key results scoring found stale: not when
    /// `stale-key-result` is turned off.
    mark_stale: bool,
    urls: Urls,
    as_of: NaiveDate,
    index: Index,
    /// The top of each objective's chain of first parents (`None` in a cycle).
    chain_tops: Vec<Option<usize>>,
    /// `None` when the build does not show history.
    history: Option<&'a History>,
}

/// Breadcrumbs shown below the top of a chain.
const BREADCRUMBS_NEAR: usize = 3;
/// How many of the latest check-ins the overview and a team page list.
const RECENT_ON_OVERVIEW: usize = 12;
const RECENT_ON_TEAM: usize = 8;

/// The top of each objective's chain of first parents, in one pass over all
/// chains (walking each chain from each objective would be quadratic).
fn chain_tops(org: &Org) -> Vec<Option<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Top {
        Unknown,
        Walking,
        Known(Option<usize>),
    }
    let mut tops = vec![Top::Unknown; org.objectives.len()];
    for start in 0..org.objectives.len() {
        let mut path = Vec::new();
        let mut at = start;
        let top = loop {
            match tops[at] {
                Top::Known(top) => break top,
                Top::Walking => break None, // a cycle
                Top::Unknown => {}
            }
            tops[at] = Top::Walking;
            path.push(at);
            match org.objectives[at].parents.first() {
                Some(link) => at = link.objective,
                None => break Some(at),
            }
        };
        for i in path {
            tops[i] = Top::Known(top);
        }
    }
    tops.into_iter()
        .map(|t| match t {
            Top::Known(top) => top,
            _ => None,
        })
        .collect()
}

/// Who owns and contributes to what, so that a page finds its objectives
/// without scanning the organisation (pages are many: that would be quadratic).
/// Every list is in file order.
#[derive(Default)]
struct Index {
    by_period: BTreeMap<String, Vec<usize>>,
    by_team: Vec<Vec<usize>>,
    by_person: Vec<Vec<usize>>,
    contributions: Vec<Vec<usize>>,
    teams_of_person: Vec<Vec<usize>>,
    child_teams: Vec<Vec<usize>>,
    /// Objectives whose `carried_from` names each objective.
    successors: Vec<Vec<usize>>,
}

impl Index {
    fn new(org: &Org) -> Index {
        let mut index = Index {
            by_team: vec![Vec::new(); org.teams.len()],
            by_person: vec![Vec::new(); org.people.len()],
            contributions: vec![Vec::new(); org.people.len()],
            teams_of_person: vec![Vec::new(); org.people.len()],
            child_teams: vec![Vec::new(); org.teams.len()],
            successors: vec![Vec::new(); org.objectives.len()],
            ..Index::default()
        };
        for (i, o) in org.objectives.iter().enumerate() {
            index
                .by_period
                .entry(o.period.value.clone())
                .or_default()
                .push(i);
            match o.owner {
                Owner::Team(t) => index.by_team[t].push(i),
                Owner::Person(p) => index.by_person[p].push(i),
                Owner::Company | Owner::Unknown => {}
            }
            for p in o
                .contributors
                .iter()
                .filter_map(|c| org.person_index(&c.value))
            {
                index.contributions[p].push(i);
            }
            if let Some(from) = o.predecessor {
                index.successors[from].push(i);
            }
        }
        for (t, team) in org.teams.iter().enumerate() {
            let people: BTreeSet<usize> = team
                .members
                .iter()
                .chain(&team.lead)
                .filter_map(|m| org.person_index(&m.value))
                .collect();
            for p in people {
                index.teams_of_person[p].push(t);
            }
            if let Some(parent) = team.parent.as_ref().and_then(|p| org.team_index(&p.value)) {
                index.child_teams[parent].push(t);
            }
        }
        index
    }
}

fn owner_view(org: &Org, urls: &Urls, owner: Owner) -> OwnerView {
    match owner {
        Owner::Team(i) => OwnerView {
            level: "team",
            name: org.teams[i].display_name().to_string(),
            url: urls.team(&org.teams[i].id.value),
        },
        Owner::Person(i) => OwnerView {
            level: "person",
            name: org.people[i].display_name().to_string(),
            url: urls.person(&org.people[i].id.value),
        },
        Owner::Company | Owner::Unknown => OwnerView {
            level: "company",
            name: org.config.company.clone(),
            url: urls.index(),
        },
    }
}

/// The periods the site shows: every period an objective uses, and the current one, by start date.
fn site_periods(org: &Org, current: &str, urls: &Urls, as_of: NaiveDate) -> Vec<PeriodView> {
    let names: BTreeSet<&str> = org
        .objectives
        .iter()
        .map(|o| o.period.value.as_str())
        .chain(std::iter::once(current))
        .collect();
    let mut periods: Vec<Period> = names.into_iter().filter_map(|n| org.period(n)).collect();
    periods.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.name.cmp(&b.name))
    });
    periods
        .into_iter()
        .map(|p| PeriodView {
            url: urls.period(&p.name),
            current: p.name == current,
            state: if as_of > p.end {
                "ended"
            } else if as_of < p.start {
                "upcoming"
            } else {
                "running"
            },
            start: p.start.to_string(),
            end: p.end.to_string(),
            name: p.name,
        })
        .collect()
}

/// The period the site opens on: `current_period` from okr.toml, else the shortest containing the as-of date.
pub fn current_period(org: &Org, as_of: NaiveDate) -> String {
    org.config
        .current_period
        .clone()
        .or_else(|| org.config.periods.containing(as_of).map(|p| p.name))
        .unwrap_or_else(|| as_of.format("%Y").to_string())
}

/// A score as a bar. Its text alternative leaves out whose score it is: the
/// bar always stands next to that name, and pages repeat bars by the thousand.
fn score_bar(score: Option<f64>, status: Option<Status>, expected: Option<f64>) -> Html {
    let mut label = match score {
        Some(s) => format!("Score {}", number(s)),
        None => "No score".to_string(),
    };
    if let Some(status) = status {
        label.push_str(", ");
        label.push_str(&StatusView::of(status).label.to_lowercase());
    }
    if let Some(e) = expected {
        label.push_str(&format!(" (expected {})", number(e)));
    }
    html(&charts::progress_bar(&Bar {
        progress: score,
        expected,
        status: status.map(|s| s.name()),
        label: &label,
    }))
}

fn key_result_view<'a>(
    objective: &'a Objective,
    index: usize,
    scores: &score::KeyResultScore,
    expected: Option<f64>,
    stale: bool,
    as_of: NaiveDate,
) -> KeyResultView<'a> {
    let kr = &objective.key_results[index];
    let (milestone, done, target) = match &kr.measure {
        Measure::Metric { target, .. } => (false, false, number(target.value)),
        // Done when written so, or when a check-in says so.
        Measure::Milestone { .. } => (true, scores.progress == Some(1.0), "done".to_string()),
        Measure::Missing { .. } => (false, false, "—".to_string()),
    };
    let status = scores.status.map(StatusView::of);
    let progress = scores.progress.map(percent);
    // As for score bars, the key result's title stands next to the bar.
    let label = format!(
        "{} of target{}{}",
        progress.as_deref().unwrap_or("No progress"),
        status.map_or(String::new(), |s| format!(", {}", s.label.to_lowercase())),
        expected.map_or(String::new(), |e| format!(" (expected {})", percent(e)))
    );
    let bar = html(&charts::progress_bar(&Bar {
        progress: scores.progress,
        expected,
        status: status.map(|s| s.key),
        label: &label,
    }));
    KeyResultView {
        id: &kr.id.value,
        title: &kr.title.value,
        unit: kr.unit.as_deref(),
        milestone,
        done,
        start: number(kr.start()),
        target,
        current: if milestone {
            if done { "done" } else { "not done" }.to_string()
        } else {
            number(kr.current(as_of))
        },
        progress,
        status,
        confidence: kr
            .confidence
            .as_ref()
            .map(|c| c.value)
            .or_else(|| {
                kr.latest_checkin(as_of)
                    .and_then(|c| c.confidence.as_ref())
                    .map(|c| c.value)
            })
            .map(percent),
        weight: kr.weight.as_ref().map(|w| number(w.value)),
        due: kr.due.as_ref().map(|d| d.value.to_string()),
        stale,
        bar,
        checkins: Checkins(kr),
    }
}

/// A milestone's check-in value as words, a metric's as a number.
fn checkin_value(kr: &KeyResult, value: f64) -> String {
    match kr.measure {
        Measure::Milestone { .. } if value >= 1.0 => "done".to_string(),
        Measure::Milestone { .. } => "not done".to_string(),
        _ => number(value),
    }
}

fn entry_view<'h>(history: &'h History, entry: &'h history::Entry) -> HistoryEntryView<'h> {
    let commit = &history.commits[entry.commit];
    HistoryEntryView {
        date: iso_date(commit.date),
        author: &commit.author,
        commit: &commit.short,
        commit_id: &commit.id,
        summary: &commit.summary,
        changes: entry
            .changes
            .iter()
            .map(|c| ChangeView {
                kind: c.kind(),
                text: history::describe(c),
            })
            .collect(),
    }
}

/// Why a page's history is missing or partial, in the words of the site.
fn history_note(history: &History) -> Option<String> {
    match &history.extent {
        Extent::Complete | Extent::Disabled => None,
        Extent::Shallow { since } => Some(format!(
            "Changes before {since} are not shown: the site was built from a shallow clone of the repository."
        )),
        // The reason names folders of the machine that built the site: not for the page.
        Extent::Unavailable(_) => Some(
            "No change history: the site was built from files without a git history to read."
                .to_string(),
        ),
    }
    .or_else(|| {
        (!history.missing.is_empty()).then(|| {
            "Some changes are not shown: the git repository lacks objects they are in.".to_string()
        })
    })
}

/// A key result's check-ins as a table, newest first; `None` without any.
/// Written here, like the charts, rather than looped over in the template: an
/// objective page lists every check-in of every key result, and interpreting
/// that loop was a tenth of a build.
fn checkin_table(kr: &KeyResult) -> Option<Html> {
    if kr.checkins.is_empty() {
        return None;
    }
    let mut rows: Vec<&Checkin> = kr.checkins.iter().collect();
    rows.sort_by_key(|c| std::cmp::Reverse(c.date.value));
    let mut out = String::with_capacity(300 + 100 * rows.len());
    out.push_str(
        "<table class=\"table checkins\">\n      \
         <caption>Check-ins, newest first</caption>\n      \
         <thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Value</th>\
         <th scope=\"col\">Confidence</th><th scope=\"col\">Note</th></tr></thead>\n      \
         <tbody>",
    );
    for c in rows {
        out.push_str("\n        <tr><td>");
        push_iso_date(&mut out, c.date.value);
        out.push_str("</td><td>");
        out.push_str(&checkin_value(kr, c.value.value));
        out.push_str("</td><td>");
        if let Some(confidence) = &c.confidence {
            push_percent(&mut out, confidence.value);
        }
        out.push_str("</td><td>");
        if let Some(note) = &c.note {
            push_escaped(&mut out, note);
        }
        out.push_str("</td></tr>");
    }
    out.push_str("\n      </tbody>\n    </table>");
    Some(html(&out))
}

/// A score's history over a period, with its override, to draw.
struct ScoreChart<'h> {
    /// Whose score, for the text alternative: "Score", "Company score".
    what: &'h str,
    history: &'h [(NaiveDate, f64)],
    overridden: Option<f64>,
}

impl ScoreChart<'_> {
    fn draw(&self, period: &Period, as_of: NaiveDate, size: Size) -> Html {
        html(&timeline::score_chart(
            &ScoreTrend {
                first: period.start,
                last: period.end,
                as_of,
                scores: self.history,
                overridden: self.overridden,
                label: &self.label(),
            },
            size,
        ))
    }

    /// The text alternative: where the score went, from when.
    fn label(&self) -> String {
        let mut label = Label::new(self.what);
        label.text(" over time: ");
        match (self.history.first(), self.history.last()) {
            (Some(&(d0, v0)), Some(&(d1, v1))) if d0 != d1 => {
                label.value_on(v0, None, d0);
                label.text(", ");
                label.value_on(v1, None, d1);
            }
            (Some(&(d, v)), _) => label.value_on(v, None, d),
            _ => label.text("nothing to show before the period starts"),
        }
        if let Some(o) = self.overridden {
            label.text("; set to ");
            label.value(o, None);
            label.text(" in the retrospective");
        }
        label.0
    }
}

/// A chart's text alternative, written into one string: there is one per
/// chart, and charts are many.
struct Label(String);

impl Label {
    fn new(start: &str) -> Label {
        let mut text = String::with_capacity(120);
        text.push_str(start);
        Label(text)
    }

    fn text(&mut self, text: &str) {
        self.0.push_str(text);
    }

    /// A number with its unit, e.g. `2.4 %`.
    fn value(&mut self, value: f64, unit: Option<&str>) {
        push_decimal(&mut self.0, value, true);
        if let Some(unit) = unit {
            self.0.push(' ');
            self.0.push_str(unit);
        }
    }

    fn day(&mut self, day: NaiveDate) {
        push_short_date(&mut self.0, day);
    }

    /// `2.4 % on Nov 23`.
    fn value_on(&mut self, value: f64, unit: Option<&str>, day: NaiveDate) {
        self.value(value, unit);
        self.text(" on ");
        self.day(day);
    }
}

/// A key result's burn-up over `period`; none for one without a target.
fn burnup_chart(kr: &KeyResult, period: &Period, as_of: NaiveDate) -> Option<Html> {
    let goal = match &kr.measure {
        Measure::Metric { start, target } => Goal::Metric {
            start: start.value,
            target: target.value,
        },
        Measure::Milestone { .. } => Goal::Milestone,
        Measure::Missing { .. } => return None,
    };
    let values = score::key_result_history(kr, period, as_of);
    let mut confidence: Vec<(NaiveDate, f64)> = kr
        .checkins
        .iter()
        .filter(|c| c.date.value <= as_of)
        .filter_map(|c| Some((c.date.value, c.confidence.as_ref()?.value)))
        .collect();
    confidence.sort_by_key(|c| c.0);
    let unit = kr.unit.as_deref();
    // The value now first, then where it started, where it should be by now
    // and where it should end; the unit once, with the value now.
    let mut label = Label::new("");
    match (goal, values.first(), values.last()) {
        (Goal::Milestone, _, Some(&(day, v))) if v >= 1.0 => {
            label.text("Done on ");
            label.day(day);
        }
        (Goal::Milestone, _, _) => label.text("Not done yet"),
        (Goal::Metric { .. }, Some(&(d0, v0)), Some(&(d1, v1))) => {
            label.value_on(v1, unit, d1);
            if d0 != d1 {
                label.text(", from ");
                label.value_on(v0, None, d0);
            }
        }
        (Goal::Metric { .. }, _, _) => label.text("No values before the period starts"),
    }
    if let Goal::Metric { start, target } = goal {
        if period.contains_date(as_of) {
            let pace = start + (target - start) * score::elapsed_fraction(period, as_of);
            label.text("; expected ");
            label.value(pace, None);
            label.text(" by ");
            label.day(as_of);
        }
        label.text("; target ");
        label.value_on(target, None, period.end);
    }
    if let Some(&(_, c)) = confidence.last() {
        label.text("; confidence ");
        label.text(&percent(c));
    }
    Some(html(&timeline::burnup(&Burnup {
        first: period.start,
        last: period.end,
        as_of,
        goal,
        from_start: kr.checkins.iter().all(|c| c.date.value > period.start),
        values: &values,
        confidence: &confidence,
        label: &label.0,
    })))
}

impl<'a> SiteData<'a> {
    pub fn new(checked: &'a Checked, urls: Urls) -> SiteData<'a> {
        let org = &checked.org;
        let as_of = checked.as_of;
        let current = current_period(org, as_of);
        let periods = site_periods(org, &current, &urls, as_of);
        let mark_stale = (org.config.checks).severity(Rule::StaleKeyResult).is_some();
        let site = SiteView {
            title: org.config.title.clone(),
            company: org.config.company.clone(),
            base_url: urls.base().to_string(),
            as_of: as_of.to_string(),
            current_period: current,
            periods: periods.clone(),
            errors: checked.errors(),
            warnings: checked.warnings(),
            stylesheet: urls.asset("style.css"),
            health_url: urls.health(),
            index_url: urls.index(),
            changes_url: urls.changes(),
        };
        SiteData {
            site,
            cards: (0..org.objectives.len()).map(|_| OnceLock::new()).collect(),
            periods,
            checked,
            mark_stale,
            urls,
            as_of,
            index: Index::new(org),
            chain_tops: chain_tops(org),
            history: None,
        }
    }

    /// Shows `history` on the objective, Changes and health pages.
    pub fn with_history(mut self, history: &'a History) -> SiteData<'a> {
        self.history = Some(history).filter(|h| h.extent != Extent::Disabled);
        self
    }

    /// Whether `periods[index]` is the one the site opens on: the current
    /// period, or the latest when the current one has no page.
    pub fn is_front_period(&self, index: usize) -> bool {
        let front = self
            .periods
            .iter()
            .position(|p| p.current)
            .or(self.periods.len().checked_sub(1));
        front == Some(index)
    }

    /// Objective `index`'s card, built on first use: `okr serve` renders a
    /// page on request and needs only the cards that page shows.
    pub fn card(&self, index: usize) -> &ObjectiveCard<'a> {
        self.cards[index].get_or_init(|| self.build_card(index))
    }

    /// Builds every card on all cores, for a build that renders every page.
    pub fn build_all_cards(&self) {
        (0..self.cards.len()).into_par_iter().for_each(|i| {
            self.card(i);
        });
    }

    fn build_card(&self, index: usize) -> ObjectiveCard<'a> {
        let org: &'a Org = &self.checked.org;
        let o = &org.objectives[index];
        let s = &self.checked.scores.objectives[index];
        let urls = &self.urls;
        let as_of = self.as_of;
        let period = org.period(&o.period.value);
        let expected = period
            .as_ref()
            .filter(|p| p.contains_date(as_of))
            .map(|p| score::elapsed_fraction(p, as_of));
        let key_results: Vec<KeyResultView> = (0..o.key_results.len())
            .map(|i| {
                let is_stale = self.mark_stale && s.key_results[i].stale.is_some();
                key_result_view(o, i, &s.key_results[i], expected, is_stale, as_of)
            })
            .collect();
        let history = period
            .as_ref()
            .map_or_else(Vec::new, |p| score::objective_history(o, p, as_of));
        let chart = ScoreChart {
            what: "Score",
            history: &history,
            overridden: s.overridden,
        };
        let trend = period
            .as_ref()
            .map_or_else(|| html(""), |p| chart.draw(p, as_of, Size::Spark));
        ObjectiveCard {
            id: &o.id.value,
            title: &o.title.value,
            url: urls.objective(&o.period.value, &o.id.value),
            period: &o.period.value,
            owner: owner_view(org, urls, o.owner),
            score: s.score.map(number),
            computed: s.overridden.and(s.computed).map(number),
            overridden: s.overridden.is_some(),
            status: s.status.map(StatusView::of),
            bar: score_bar(s.score, s.status, expected),
            trend,
            aligned_progress: s.aligned_progress.map(number),
            stale: key_results.iter().filter(|k| k.stale).count(),
            key_results,
            tags: &o.tags,
            history,
        }
    }

    pub fn urls(&self) -> &Urls {
        &self.urls
    }

    pub fn org(&self) -> &'a Org {
        &self.checked.org
    }

    /// Indices of a period's objectives, in file order.
    fn in_period(&self, period: &str) -> &[usize] {
        self.index.by_period.get(period).map_or(&[], Vec::as_slice)
    }

    /// Those of `objectives` that belong to `period`.
    fn of_period(&self, objectives: &[usize], period: &str) -> Vec<usize> {
        let org = self.org();
        objectives
            .iter()
            .copied()
            .filter(|&i| org.objectives[i].period.value == period)
            .collect()
    }

    fn status_counts(&self, objectives: &[usize]) -> Vec<StatusCount> {
        STATUS_ORDER
            .iter()
            .map(|&status| StatusCount {
                status: StatusView::of(status),
                count: objectives
                    .iter()
                    .filter(|&&i| self.checked.scores.objectives[i].status == Some(status))
                    .count(),
            })
            .filter(|c| c.count > 0)
            .collect()
    }

    /// The alignment tree of a period: company objectives, then what aligns to them, depth first.
    fn tree<'s>(&'s self, roots: &[usize]) -> Vec<TreeItem<'s>> {
        let org = self.org();
        let mut items: Vec<TreeItem> = Vec::new();
        let mut visited = vec![false; org.objectives.len()];
        // (objective, depth); children pushed in reverse so they come out in file order.
        let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&i| (i, 0)).collect();
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut visited[i], true) {
                continue; // a cycle or a second parent: shown once
            }
            let children: Vec<usize> = org.objectives[i]
                .children
                .iter()
                .copied()
                .filter(|&c| !visited[c])
                .collect();
            if let Some(last) = items.last_mut() {
                last.closes = last.depth.saturating_sub(depth)
                    + usize::from(last.has_children && last.depth >= depth);
            }
            items.push(TreeItem {
                card: TreeLine(self.card(i)),
                depth,
                has_children: !children.is_empty(),
                closes: 0,
            });
            stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
        }
        if let Some(last) = items.last_mut() {
            last.closes = last.depth + usize::from(last.has_children);
        }
        items
    }

    pub fn overview<'s>(&'s self, period: &'s PeriodView, blocks: Blocks) -> OverviewPage<'s> {
        let org = self.org();
        let scores = &self.checked.scores;
        let objectives: Vec<usize> = self.in_period(&period.name).to_vec();
        let company: Vec<usize> = objectives
            .iter()
            .copied()
            .filter(|&i| org.objectives[i].level() == Level::Company)
            .collect();
        let company_score = score::mean(company.iter().filter_map(|&i| scores.objectives[i].score));
        let company_computed = score::mean(
            company
                .iter()
                .filter_map(|&i| scores.objectives[i].computed),
        );
        let histories: Vec<&[(NaiveDate, f64)]> = company
            .iter()
            .map(|&i| self.card(i).history.as_slice())
            .collect();
        let company_history = score::mean_history(&histories);
        let expected = org
            .period(&period.name)
            .filter(|p| p.contains_date(self.as_of))
            .map(|p| score::elapsed_fraction(&p, self.as_of));
        let company_status = org
            .period(&period.name)
            .zip(company_score)
            .map(|(p, s)| score::status(s, &p, self.as_of, &org.config.checks.thresholds));
        let teams = org
            .teams
            .iter()
            .enumerate()
            .map(|(t, team)| {
                let own = self.of_period(&self.index.by_team[t], &period.name);
                let score = score::mean(own.iter().filter_map(|&i| scores.objectives[i].score));
                TeamScore {
                    name: team.display_name().to_string(),
                    url: self.urls.team(&team.id.value),
                    score: score.map(number),
                    bar: score_bar(score, None, expected),
                    sparkline: self.team_sparkline(t),
                    objectives: own.len(),
                }
            })
            .filter(|t| t.objectives > 0)
            .collect();
        let (statuses, distribution) = self.distribution(&objectives, "Objectives");
        let company_chart = org.period(&period.name).map_or_else(
            || html(""),
            |p| {
                let chart = ScoreChart {
                    what: "Company score",
                    history: &company_history,
                    overridden: None,
                };
                chart.draw(&p, self.as_of, Size::Full)
            },
        );
        let mut retrospectives: Vec<usize> = objectives
            .iter()
            .copied()
            .filter(|&i| org.objectives[i].retrospective.is_some())
            .collect();
        // Company objectives first, then teams', then people's; files in order within.
        retrospectives.sort_by_key(|&i| std::cmp::Reverse(org.objectives[i].level()));
        OverviewPage {
            period,
            company_score: company_score.map(number),
            company_computed: company_computed
                .filter(|c| Some(*c) != company_score)
                .map(number),
            company_bar: score_bar(company_score, company_status, expected),
            company_chart,
            recent: self.recent(&objectives, RECENT_ON_OVERVIEW),
            retrospectives: retrospectives
                .into_iter()
                .filter_map(|i| {
                    Some(PeriodRetrospective {
                        card: Line(self.card(i)),
                        retrospective: self.retrospective(i)?,
                    })
                })
                .collect(),
            company_objectives: company
                .iter()
                .map(|&i| CardItem::new(self.card(i), blocks))
                .collect(),
            tree: self.tree(&company),
            teams,
            distribution,
            statuses,
            objectives: objectives.len(),
            stale: objectives.iter().map(|&i| self.card(i).stale).sum(),
        }
    }

    pub fn objective(&self, index: usize, blocks: Blocks) -> ObjectivePage<'_> {
        let org = self.org();
        let o = &org.objectives[index];
        // The nearest few steps up the first parents, and the top of the chain:
        // chains can be thousands deep, and every page of one would repeat it.
        let crumb = |i: usize| Link {
            name: org.objectives[i].title.value.clone(),
            url: self.card(i).url.clone(),
        };
        let mut near = Vec::new();
        let mut at = index;
        while near.len() < BREADCRUMBS_NEAR {
            match org.objectives[at].parents.first() {
                Some(link) if link.objective != index && !near.contains(&link.objective) => {
                    at = link.objective;
                    near.push(at);
                }
                _ => break,
            }
        }
        let top = self.chain_tops[index].filter(|top| *top != index && !near.contains(top));
        let breadcrumbs_gap = top.is_some_and(|top| {
            org.objectives[at]
                .parents
                .first()
                .is_some_and(|l| l.objective != top)
        });
        let mut breadcrumbs: Vec<Link> = top.into_iter().map(crumb).collect();
        breadcrumbs.extend(near.iter().rev().map(|&i| crumb(i)));
        let period = org.period(&o.period.value);
        let card = self.card(index);
        // Another period's objective: its period is part of the name.
        let across = |i: usize| Link {
            name: format!(
                "{} ({})",
                org.objectives[i].title.value, org.objectives[i].period.value
            ),
            url: self.card(i).url.clone(),
        };
        let checkins: Vec<Option<Html>> = o.key_results.iter().map(checkin_table).collect();
        let burnups: Vec<Option<Html>> = o
            .key_results
            .iter()
            .map(|kr| burnup_chart(kr, period.as_ref()?, self.as_of))
            .collect();
        ObjectivePage {
            breadcrumbs_gap,
            objective: CardItem::alone(card, blocks),
            key_results_html: blocks
                .writes(Block::KeyResultDetails)
                .then(|| markup::key_result_details(&card.key_results, &burnups, &checkins)),
            checkins,
            burnups,
            score_chart: period
                .as_ref()
                .map_or_else(|| html(""), |p| self.objective_chart(index, p, Size::Full)),
            retrospective: self.retrospective(index),
            carried_from: o.predecessor.map(across),
            carried_into: self.index.successors[index]
                .iter()
                .map(|&i| across(i))
                .collect(),
            breadcrumbs,
            body: html(&markdown::to_html(&o.body)),
            initiatives: o
                .initiatives
                .iter()
                .map(|i| InitiativeView {
                    title: &i.title.value,
                    key_result: i.key_result.as_ref().and_then(|k| {
                        o.key_results
                            .iter()
                            .find(|kr| kr.id.value == k.value)
                            .map(|kr| kr.title.value.as_str())
                    }),
                    // Templates get a name to show and style, never nothing.
                    status: i.status.as_ref().map_or("planned", |s| s.value.as_str()),
                })
                .collect(),
            parents: o
                .parents
                .iter()
                .map(|l| ParentView {
                    card: LineItem::new(self.card(l.objective), blocks),
                    key_result: l.key_result.map(|k| {
                        org.objectives[l.objective].key_results[k]
                            .title
                            .value
                            .as_str()
                    }),
                })
                .collect(),
            children: o
                .children
                .iter()
                .map(|&c| LineItem::new(self.card(c), blocks))
                .collect(),
            contributors: o
                .contributors
                .iter()
                .filter_map(|c| org.person_index(&c.value))
                .map(|p| self.person_link(p))
                .collect(),
            history: self.history.map(|h| HistoryView {
                entries: h
                    .record(&o.period.value, &o.id.value)
                    .map_or_else(Vec::new, |r| {
                        r.entries.iter().rev().map(|e| entry_view(h, e)).collect()
                    }),
                note: history_note(h),
            }),
        }
    }

    /// An objective's `[retrospective]`, with its final grade once the period has ended.
    fn retrospective(&self, index: usize) -> Option<RetrospectiveView<'a>> {
        let org = self.org();
        let o = &org.objectives[index];
        let s = &self.checked.scores.objectives[index];
        let ended = org
            .period(&o.period.value)
            .is_some_and(|p| self.as_of > p.end);
        let retro = o.retrospective.as_ref()?;
        Some(RetrospectiveView {
            grade: s.status.filter(|_| ended).map(StatusView::of),
            computed: s.computed.map(number),
            overridden: s.overridden.map(number),
            reason: retro.reason.as_ref().map(|r| r.value.as_str()),
            notes: retro
                .notes
                .as_deref()
                .map(|notes| html(&markdown::to_html(notes))),
        })
    }

    /// The newest `limit` check-ins up to the as-of date on these objectives,
    /// newest first; a day's check-ins in file order.
    fn recent(&self, objectives: &[usize], limit: usize) -> Vec<RecentCheckin<'_>> {
        let org = self.org();
        // (day, objective, key result, check-in), to pick and sort before building views.
        let mut found: Vec<(NaiveDate, usize, usize, usize)> = Vec::new();
        for &i in objectives {
            for (k, kr) in org.objectives[i].key_results.iter().enumerate() {
                for (c, checkin) in kr.checkins.iter().enumerate() {
                    if checkin.date.value <= self.as_of {
                        found.push((checkin.date.value, i, k, c));
                    }
                }
            }
        }
        let order = |a: &(NaiveDate, usize, usize, usize), b: &(NaiveDate, usize, usize, usize)| {
            b.0.cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then(a.2.cmp(&b.2))
                .then(b.3.cmp(&a.3))
        };
        if found.len() > limit {
            found.select_nth_unstable_by(limit, order);
            found.truncate(limit);
        }
        found.sort_by(order);
        found
            .into_iter()
            .map(|(day, i, k, c)| {
                let kr = &org.objectives[i].key_results[k];
                let checkin = &kr.checkins[c];
                RecentCheckin {
                    date: iso_date(day),
                    objective: Line(self.card(i)),
                    key_result: &kr.title.value,
                    url: format!("{}#kr-{}", self.card(i).url, kr.id.value),
                    value: checkin_value(kr, checkin.value.value),
                    unit: kr.unit.as_deref().filter(|_| !kr.is_milestone()),
                    confidence: checkin.confidence.as_ref().map(|c| percent(c.value)),
                    note: checkin.note.as_deref(),
                }
            })
            .collect()
    }

    /// An objective's score over its period.
    fn objective_chart(&self, index: usize, period: &Period, size: Size) -> Html {
        let chart = ScoreChart {
            what: "Score",
            history: &self.card(index).history,
            overridden: self.checked.scores.objectives[index].overridden,
        };
        chart.draw(period, self.as_of, size)
    }

    /// A small multiple of these objectives' scores over `period`.
    fn multiples(&self, objectives: &[usize], period: &PeriodView) -> Vec<Multiple<'_>> {
        let Some(p) = self.org().period(&period.name) else {
            return Vec::new();
        };
        objectives
            .iter()
            .map(|&i| Multiple {
                card: Line(self.card(i)),
                chart: self.objective_chart(i, &p, Size::Small),
            })
            .collect()
    }

    /// The current period's dates, which bound the Changes page and the lowered targets.
    fn current_window(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.org()
            .period(&self.site.current_period)
            .map(|p| (p.start, p.end))
    }

    /// Entries dated within the current period, newest first, with the index
    /// of their objective in the organisation where it still exists.
    fn current_entries(
        &self,
    ) -> Vec<(
        &'a history::Record,
        &'a history::Entry,
        Option<usize>,
        &'a history::Key,
    )> {
        let Some(history) = self.history else {
            return Vec::new();
        };
        let org = self.org();
        let by_key: BTreeMap<(&str, &str), usize> = org
            .objectives
            .iter()
            .enumerate()
            .map(|(i, o)| ((o.period.value.as_str(), o.id.value.as_str()), i))
            .collect();
        let window = self.current_window();
        history
            .newest_first()
            .into_iter()
            .filter(|(_, _, e)| {
                let date = history.commits[e.commit].date;
                window.is_none_or(|(start, end)| start <= date && date <= end)
            })
            .map(|(key, record, entry)| {
                let index = by_key.get(&(key.0.as_str(), key.1.as_str())).copied();
                (record, entry, index, key)
            })
            .collect()
    }

    /// The owner's display name for a history record: the objective's current
    /// owner while it exists, else the last one recorded.
    fn history_owner(
        &self,
        record: &history::Record,
        index: Option<usize>,
    ) -> (String, Vec<usize>, bool) {
        let org = self.org();
        let owner = match index.map(|i| org.objectives[i].owner) {
            Some(Owner::Team(t)) => OwnerRef::Team(org.teams[t].id.value.clone()),
            Some(Owner::Person(p)) => OwnerRef::Person(org.people[p].id.value.clone()),
            Some(Owner::Company) => OwnerRef::Company,
            Some(Owner::Unknown) | None => record.owner.clone(),
        };
        match owner {
            OwnerRef::Company => (org.config.company.clone(), Vec::new(), true),
            OwnerRef::Team(id) => match org.team_index(&id) {
                Some(t) => (org.teams[t].display_name().to_string(), vec![t], false),
                None => (id, Vec::new(), false),
            },
            OwnerRef::Person(id) => match org.person_index(&id) {
                Some(p) => (
                    org.people[p].display_name().to_string(),
                    self.index.teams_of_person[p].clone(),
                    false,
                ),
                None => (id, Vec::new(), false),
            },
        }
    }

    pub fn changes(&self) -> ChangesPage<'_> {
        let period = self
            .periods
            .iter()
            .find(|p| p.name == self.site.current_period);
        let Some(history) = self.history else {
            return ChangesPage {
                period,
                enabled: false,
                note: None,
                rows: Vec::new(),
                sections: Vec::new(),
            };
        };
        let org = self.org();
        let mut rows = Vec::new();
        let mut company = Vec::new();
        let mut by_team: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (record, entry, index, key) in self.current_entries() {
            let (owner, teams, is_company) = self.history_owner(record, index);
            let row = rows.len();
            if is_company {
                company.push(row);
            }
            for t in teams {
                by_team.entry(t).or_default().push(row);
            }
            rows.push(ChangeRow {
                entry: entry_view(history, entry),
                title: index.map_or(record.title.as_str(), |i| {
                    org.objectives[i].title.value.as_str()
                }),
                period: &key.0,
                url: index.map(|i| self.card(i).url.clone()),
                owner,
            });
        }
        let mut sections = vec![ChangeSection {
            anchor: "all".into(),
            name: "All changes".into(),
            url: None,
            rows: (0..rows.len()).collect(),
        }];
        if !company.is_empty() {
            sections.push(ChangeSection {
                anchor: "company".into(),
                name: org.config.company.clone(),
                url: Some(self.urls.index()),
                rows: company,
            });
        }
        sections.extend(by_team.into_iter().map(|(t, rows)| ChangeSection {
            anchor: format!("team-{}", org.teams[t].id.value),
            name: org.teams[t].display_name().to_string(),
            url: Some(self.urls.team(&org.teams[t].id.value)),
            rows,
        }));
        ChangesPage {
            period,
            enabled: true,
            note: history_note(history),
            rows,
            sections,
        }
    }

    /// Targets moved towards their start by a commit dated within the current period.
    fn lowered_targets(&self) -> Vec<LoweredTarget<'_>> {
        let Some(history) = self.history else {
            return Vec::new();
        };
        let org = self.org();
        let mut out = Vec::new();
        for (record, entry, index, _) in self.current_entries() {
            let commit = &history.commits[entry.commit];
            for change in entry.changes.iter().filter(|c| c.is_lowered_target()) {
                if let history::Change::KeyResultChanged {
                    title, from, to, ..
                } = change
                {
                    let show = |v: &Option<history::Value>| {
                        v.as_ref().map_or("none".to_string(), |v| v.to_string())
                    };
                    out.push(LoweredTarget {
                        date: iso_date(commit.date),
                        author: &commit.author,
                        commit: &commit.short,
                        summary: &commit.summary,
                        objective: index.map_or(record.title.as_str(), |i| {
                            org.objectives[i].title.value.as_str()
                        }),
                        url: index.map(|i| self.card(i).url.clone()),
                        key_result: title,
                        from: show(from),
                        to: show(to),
                    });
                }
            }
        }
        out
    }

    fn person_link(&self, index: usize) -> Link {
        let person = &self.org().people[index];
        Link {
            name: person.display_name().to_string(),
            url: self.urls.person(&person.id.value),
        }
    }

    fn team_link(&self, index: usize) -> Link {
        let team = &self.org().teams[index];
        Link {
            name: team.display_name().to_string(),
            url: self.urls.team(&team.id.value),
        }
    }

    fn period_link(&self, period: &PeriodView) -> Link {
        Link {
            name: period.name.clone(),
            url: period.url.clone(),
        }
    }

    /// Periods newest first: what a team or person page lists.
    fn periods_newest_first(&self) -> impl Iterator<Item = &PeriodView> {
        self.periods.iter().rev()
    }

    pub fn team(&self, index: usize, blocks: Blocks) -> TeamPage<'_> {
        let org = self.org();
        let scores = &self.checked.scores;
        let team = &org.teams[index];
        let mut periods = Vec::new();
        for period in self.periods_newest_first() {
            let own = self.of_period(&self.index.by_team[index], &period.name);
            let aligned: BTreeSet<usize> = own
                .iter()
                .flat_map(|&i| org.objectives[i].children.iter().copied())
                .filter(|&c| matches!(org.objectives[c].owner, Owner::Person(_)))
                .collect();
            if own.is_empty() && aligned.is_empty() {
                continue;
            }
            let score = score::mean(own.iter().filter_map(|&i| scores.objectives[i].score));
            periods.push(TeamPeriod {
                period: self.period_link(period),
                score: score.map(number),
                bar: score_bar(score, None, None),
                distribution: self.distribution(&own, "Objectives").1,
                trends: self.multiples(&own, period),
                objectives: own
                    .iter()
                    .map(|&i| CardItem::new(self.card(i), blocks))
                    .collect(),
                aligned: aligned
                    .into_iter()
                    .map(|i| LineItem::new(self.card(i), blocks))
                    .collect(),
            });
        }
        let members: Vec<Link> = team
            .members
            .iter()
            .filter_map(|m| org.person_index(&m.value))
            .map(|p| self.person_link(p))
            .collect();
        TeamPage {
            id: &team.id.value,
            name: team.display_name(),
            mission: html(&markdown::to_html(&team.body)),
            lead: team
                .lead
                .as_ref()
                .and_then(|l| org.person_index(&l.value))
                .map(|p| self.person_link(p)),
            members,
            parent: team
                .parent
                .as_ref()
                .and_then(|p| org.team_index(&p.value))
                .map(|t| self.team_link(t)),
            children: self.index.child_teams[index]
                .iter()
                .map(|&t| self.team_link(t))
                .collect(),
            sparkline: self.team_sparkline(index),
            recent: self.recent(&self.index.by_team[index], RECENT_ON_TEAM),
            periods,
        }
    }

    /// A team's score in each of the site's periods, oldest first, drawn as a sparkline.
    fn team_sparkline(&self, index: usize) -> Html {
        let org = self.org();
        let points: Vec<Option<f64>> = self
            .periods
            .iter()
            .map(|period| {
                let own = self.of_period(&self.index.by_team[index], &period.name);
                score::mean(
                    own.iter()
                        .filter_map(|&i| self.checked.scores.objectives[i].score),
                )
            })
            .collect();
        let name = org.teams[index].display_name();
        html(&charts::sparkline(
            &points,
            &format!("{name} score by period: {}", self.sparkline_label(&points)),
        ))
    }

    /// A stacked bar of how many of `objectives` have each status.
    fn distribution(&self, objectives: &[usize], what: &str) -> (Vec<StatusCount>, Html) {
        let statuses = self.status_counts(objectives);
        let counts: Vec<(&str, usize)> = statuses.iter().map(|c| (c.status.key, c.count)).collect();
        let label = statuses
            .iter()
            .map(|c| format!("{} {}", c.count, c.status.label.to_lowercase()))
            .collect::<Vec<_>>()
            .join(", ");
        let svg = charts::status_distribution(&counts, &format!("{what} by status: {label}"));
        (statuses, html(&svg))
    }

    fn sparkline_label(&self, points: &[Option<f64>]) -> String {
        self.periods
            .iter()
            .zip(points)
            .map(|(p, s)| format!("{} {}", p.name, s.map_or("none".to_string(), number)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn person(&self, index: usize, blocks: Blocks) -> PersonPage<'_> {
        let org = self.org();
        let scores = &self.checked.scores;
        let person = &org.people[index];
        let periods = self
            .periods_newest_first()
            .filter_map(|period| {
                let owned = self.of_period(&self.index.by_person[index], &period.name);
                let contributing = self.of_period(&self.index.contributions[index], &period.name);
                if owned.is_empty() && contributing.is_empty() {
                    return None;
                }
                Some(PersonPeriod {
                    period: self.period_link(period),
                    score: score::mean(owned.iter().filter_map(|&i| scores.objectives[i].score))
                        .map(number),
                    trends: self.multiples(&owned, period),
                    owned: owned
                        .iter()
                        .map(|&i| CardItem::new(self.card(i), blocks))
                        .collect(),
                    contributing: contributing
                        .iter()
                        .map(|&i| LineItem::new(self.card(i), blocks))
                        .collect(),
                })
            })
            .collect();
        PersonPage {
            id: &person.id.value,
            name: person.display_name(),
            role: person.role.as_ref().map(|r| r.value.as_str()),
            about: html(&markdown::to_html(&person.body)),
            teams: self.index.teams_of_person[index]
                .iter()
                .map(|&t| self.team_link(t))
                .collect(),
            periods,
        }
    }

    pub fn health(&self) -> HealthPage<'_> {
        let org = self.org();
        let checked = self.checked;
        // Which objective each file holds, to link findings to pages and owners.
        let by_file: BTreeMap<usize, usize> = org
            .objectives
            .iter()
            .enumerate()
            .map(|(i, o)| (o.file.0, i))
            .collect();
        let mut by_rule: BTreeMap<(Severity, Rule), Vec<FindingView>> = BTreeMap::new();
        let mut by_owner: BTreeMap<(u8, String), (Option<String>, Vec<FindingView>)> =
            BTreeMap::new();
        for d in &checked.diagnostics {
            let placed = report::place(checked, d);
            let objective = by_file.get(&d.file.0).copied();
            let view = || FindingView {
                rule: placed.rule,
                severity: placed.severity.as_str(),
                message: placed.message,
                help: placed.help,
                file: placed.file,
                line: placed.line,
                column: placed.column,
                objective: objective.map(|i| Link {
                    name: org.objectives[i].title.value.clone(),
                    url: self.card(i).url.clone(),
                }),
            };
            // Errors first, then warnings.
            by_rule
                .entry((std::cmp::Reverse(d.severity).0, d.rule))
                .or_default()
                .push(view());
            let (rank, name, url) = match objective.map(|i| &self.card(i).owner) {
                Some(owner) => (
                    match owner.level {
                        "company" => 0,
                        "team" => 1,
                        _ => 2,
                    },
                    owner.name.clone(),
                    Some(owner.url.clone()),
                ),
                None => (3, "Teams, people and settings".to_string(), None),
            };
            by_owner
                .entry((rank, name))
                .or_insert_with(|| (url, Vec::new()))
                .1
                .push(view());
        }
        let mut by_rule: Vec<FindingGroup> = by_rule
            .into_iter()
            .map(|((severity, rule), findings)| FindingGroup {
                name: rule.name().to_string(),
                summary: Some(rule.summary()),
                severity: Some(severity.as_str()),
                url: None,
                findings,
            })
            .collect();
        by_rule.sort_by_key(|g| g.severity != Some("error"));
        let aligned_levels: Vec<&Objective> = org
            .objectives
            .iter()
            .filter(|o| o.level() != Level::Company)
            .collect();
        let key_results: Vec<&Measure> = org
            .objectives
            .iter()
            .flat_map(|o| o.key_results.iter().map(|k| &k.measure))
            .collect();
        HealthPage {
            by_rule,
            by_owner: by_owner
                .into_iter()
                .map(|((_, name), (url, findings))| FindingGroup {
                    name,
                    summary: None,
                    severity: None,
                    url,
                    findings,
                })
                .collect(),
            alignment: Coverage::new(
                aligned_levels
                    .iter()
                    .filter(|o| !o.parents.is_empty())
                    .count(),
                aligned_levels.len(),
            ),
            measurability: Coverage::new(
                key_results
                    .iter()
                    .filter(|m| matches!(m, Measure::Metric { .. }))
                    .count(),
                key_results.len(),
            ),
            stale: (0..self.cards.len())
                .map(|i| self.card(i))
                .filter(|c| c.stale > 0)
                .map(Line)
                .collect(),
            lowered_targets: self.lowered_targets(),
            history_enabled: self.history.is_some(),
            history_note: self.history.and_then(history_note),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkin_tables_list_newest_first_and_escape_notes() {
        use crate::check::testing::*;
        let text = "+++\ntitle = \"Grow\"\nperiod = \"2026-Q1\"\n\
            [[key_results]]\ntitle = \"Signups from 0 to 2000\"\ntarget = 2000\n\
            [[key_results.checkins]]\ndate = 2026-01-10\nvalue = 1500\nconfidence = 0.425\n\
            [[key_results.checkins]]\ndate = 2026-02-10\nvalue = 1750.5\nnote = \"<b>A & B</b>\"\n\
            [[key_results]]\ntitle = \"Launch the shop\"\ndone = false\n\
            [[key_results.checkins]]\ndate = 2026-02-01\nvalue = 1\n\
            [[key_results]]\ntitle = \"Churn from 5 to 2\"\nstart = 5\ntarget = 2\n+++\n";
        let checked = run(&[CONFIG, TEAM, ("okrs/2026-Q1/grow.md", text)]);
        let krs = &checked.org.objectives[0].key_results;
        let table = |i: usize| checkin_table(&krs[i]).map(|t| t.to_string());
        let signups = table(0).unwrap_or_default();
        let newer = signups.find(
            "<td>2026-02-10</td><td>1,750.5</td><td></td><td>&lt;b&gt;A &amp; B&lt;/b&gt;</td>",
        );
        let older = signups.find("<td>2026-01-10</td><td>1,500</td><td>43%</td><td></td>");
        assert!(
            newer.is_some() && older.is_some() && newer < older,
            "{signups}"
        );
        assert!(
            table(1)
                .unwrap_or_default()
                .contains("<td>2026-02-01</td><td>done</td>")
        );
        assert_eq!(table(2), None, "no check-ins, no table");
    }

    #[test]
    fn chain_tops_follow_first_parents_and_stop_in_cycles() {
        use crate::check::testing::*;
        let owned = [
            company("grow"),
            team_objective("a", "grow", ""),
            team_objective("b", "a", ""),
            team_objective("x", "y", ""),
            team_objective("y", "x", ""),
        ];
        let checked = run(&files(&owned));
        let org = &checked.org;
        let id = |i: Option<usize>| i.map(|i| org.objectives[i].id.value.as_str());
        let tops: Vec<(&str, Option<&str>)> = chain_tops(org)
            .into_iter()
            .enumerate()
            .map(|(i, top)| (org.objectives[i].id.value.as_str(), id(top)))
            .collect();
        assert_eq!(
            tops,
            [
                ("grow", Some("grow")),
                ("a", Some("grow")),
                ("b", Some("grow")),
                ("x", None),
                ("y", None)
            ]
        );
    }

    #[test]
    fn an_initiative_without_a_status_is_shown_as_planned() {
        use crate::check::testing::*;
        let initiative = "[[initiatives]]\ntitle = \"Weekly posts\"\n";
        let owned = [company("grow"), team_objective("sell", "grow", initiative)];
        let checked = run(&files(&owned));
        assert_eq!(checked.errors(), 0, "{:?}", checked.diagnostics);
        let data = SiteData::new(&checked, Urls::under(BaseUrl::default()));
        let sell = (checked.org.objectives.iter())
            .position(|o| o.id.value == "sell")
            .expect("the objective");
        assert_eq!(
            data.objective(sell, Blocks::BUILT_IN).initiatives[0].status,
            "planned"
        );
        // The built-in theme used to stop on it with a template error.
        let pages =
            crate::site::render(&checked, &History::disabled(), None).expect("the site renders");
        let (_, html) = (pages.iter())
            .find(|(path, _)| path == "objectives/2026-Q1/sell/index.html")
            .expect("the objective's page");
        assert!(html.contains("initiative-planned"), "{html}");
    }

    #[test]
    fn urls_start_with_the_base() {
        let under = |base: &str| Urls::under(BaseUrl::parse(base).unwrap());
        let urls = under("/acme-okrs");
        assert_eq!(
            urls.objective("2026-Q1", "grow"),
            "/acme-okrs/objectives/2026-Q1/grow/"
        );
        assert_eq!(urls.index(), "/acme-okrs/");
        assert_eq!(under("/").team("sales"), "/teams/sales/");
    }
}
