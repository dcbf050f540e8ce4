//! An objective's card, built once and shared by every page that lists it:
//! its key results with their bars and check-ins, its score and trend line,
//! and the ways pages show it (a card, a line, a line in the alignment tree).

use super::chart::{ScoreChart, score_bar};
use super::markup;
use super::{Block, Blocks, Html, Link, SiteData, StatusView, Urls, html};
use crate::model::{Checkin, KeyResult, Measure, Objective, Org, Owner};
use crate::score::{self, Series};
use crate::site::charts::timeline::Size;
use crate::site::charts::{self, Bar};
use crate::text::{iso_date, number, percent, score, with_unit};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct KeyResultView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub unit: Option<&'a str>,
    pub milestone: bool,
    pub done: bool,
    /// `at least` or `at most` for a metric to keep, whose progress is the
    /// share of the period it held.
    pub keep: Option<&'static str>,
    pub start: String,
    pub target: String,
    pub current: String,
    /// `start`, `target` and `current` as pages show them: with the unit
    /// (`45%`, `1 account`; see [`crate::text::with_unit`]).
    pub start_with_unit: String,
    pub target_with_unit: String,
    pub current_with_unit: String,
    /// Raw progress as a percentage (may exceed 100%).
    pub progress: Option<String>,
    pub status: Option<StatusView>,
    pub confidence: Option<String>,
    pub weight: Option<String>,
    pub due: Option<String>,
    /// The person who answers for it, linked to their page.
    pub owner: Option<Link>,
    /// Where `okr sync` reads its values: `data/wau.csv (column wau)`.
    pub source: Option<String>,
    pub stale: bool,
    pub bar: Html,
    /// Every check-in, oldest first.
    pub checkins: Checkins<'a>,
    /// The issue form that checks in on it, when the site knows its repository.
    pub check_in: Option<String>,
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
            value_with_unit: checkin_value_with_unit(kr, c.value.value),
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
    /// `value` with the key result's unit.
    value_with_unit: String,
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
    /// `committed` or `aspirational`.
    pub kind: &'static str,
    /// The score it aims at by its kind, e.g. `0.7`: its grade is achieved from it.
    pub goal: String,
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
    /// Whether `score` is `aligned_progress`: it has no key results of its own.
    pub from_aligned: bool,
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

impl LineItem<'_> {
    /// The line as okr wrote it, or nothing where a template renders it.
    pub fn html_str(&self) -> &str {
        self.html
            .as_ref()
            .and_then(Html::as_str)
            .unwrap_or_default()
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
    /// Whether okr writes the key results: written when the card is shown
    /// or handed to a template, since lists of cards often are not shown
    /// (person and team pages show small multiples instead).
    writes_key_results: bool,
}

impl Serialize for CardItem<'_> {
    /// Every field of the card but its history, as one struct: templates
    /// get thousands of cards, and a flattened struct builds its map growing.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let card = self.card;
        let mut item = serializer.serialize_struct("CardItem", 19)?;
        serialize_brief(&mut item, card)?;
        item.serialize_field("id", card.id)?;
        item.serialize_field("kind", card.kind)?;
        item.serialize_field("goal", &card.goal)?;
        item.serialize_field("computed", &card.computed)?;
        item.serialize_field("overridden", &card.overridden)?;
        item.serialize_field("bar", &card.bar)?;
        item.serialize_field("trend", &card.trend)?;
        item.serialize_field("aligned_progress", &card.aligned_progress)?;
        item.serialize_field("from_aligned", &card.from_aligned)?;
        item.serialize_field("tags", card.tags)?;
        item.serialize_field("stale", &card.stale)?;
        if let Some(key_results) = self.key_results {
            item.serialize_field("key_results", key_results)?;
        }
        if let Some(html) = self.key_results_html() {
            item.serialize_field("key_results_html", &html)?;
        }
        item.end()
    }
}

impl<'a> CardItem<'a> {
    /// The card in a list of cards.
    pub fn new(card: &'a ObjectiveCard<'a>, blocks: Blocks) -> CardItem<'a> {
        CardItem {
            writes_key_results: blocks.writes(Block::KeyResultList),
            ..CardItem::alone(card, blocks)
        }
    }

    /// The card at the head of its objective's page, which shows its key results apart.
    pub(super) fn alone(card: &'a ObjectiveCard<'a>, blocks: Blocks) -> CardItem<'a> {
        CardItem {
            card,
            key_results: blocks.fields.then_some(card.key_results.as_slice()),
            writes_key_results: false,
        }
    }

    /// The card's key results as okr writes them, where it does.
    pub fn key_results_html(&self) -> Option<Html> {
        self.writes_key_results
            .then(|| markup::card_key_results(&self.card.key_results))
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

fn key_result_view<'a>(
    objective: &'a Objective,
    index: usize,
    scores: &score::KeyResultScore,
    expected: Option<f64>,
    stale: bool,
    owner: Option<Link>,
    as_of: NaiveDate,
) -> KeyResultView<'a> {
    let kr = &objective.key_results[index];
    let (milestone, done, target) = match &kr.measure {
        Measure::Metric { target, .. } => (false, false, Ok(target.value)),
        // Done when written so, or when a check-in says so.
        Measure::Milestone { .. } => (true, scores.progress == Some(1.0), Err("done")),
        Measure::Missing { .. } => (false, false, Err("—")),
        Measure::Kept { target, .. } => (false, false, Ok(target.value)),
    };
    let current = match (milestone, done) {
        (false, _) => Ok(kr.current(as_of)),
        (true, true) => Err("done"),
        (true, false) => Err("not done"),
    };
    // A number without and with its unit, or words for what is no number.
    let shown = |value: Result<f64, &str>| match value {
        Ok(v) => (number(v), with_unit(v, kr.unit())),
        Err(words) => (words.to_string(), words.to_string()),
    };
    let (start, start_with_unit) = shown(Ok(kr.start()));
    let (target, target_with_unit) = shown(target);
    let (current, current_with_unit) = shown(current);
    let keep = kr.kept().map(|(bound, _)| bound.words());
    let status = scores.status.map(StatusView::of);
    let progress = scores.progress.map(percent);
    // As for score bars, the key result's title stands next to the bar.
    let label = format!(
        "{}{}{}",
        match (&progress, keep) {
            (Some(p), Some(_)) => format!("Held {p} of the period"),
            (Some(p), None) => format!("{p} of target"),
            (None, _) => "No progress".to_string(),
        },
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
        unit: kr.unit(),
        milestone,
        done,
        keep,
        start,
        target,
        current,
        start_with_unit,
        target_with_unit,
        current_with_unit,
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
        owner,
        source: kr
            .source
            .as_ref()
            .map(|s| format!("{} ({})", s.origin(), s.value_name())),
        stale,
        bar,
        checkins: Checkins(kr),
        check_in: None,
    }
}

/// A milestone's check-in value as words, a metric's as a number.
pub(super) fn checkin_value(kr: &KeyResult, value: f64) -> String {
    milestone_state(kr, value).map_or_else(|| number(value), str::to_string)
}

/// [`checkin_value`] with the key result's unit, as pages show it.
pub(super) fn checkin_value_with_unit(kr: &KeyResult, value: f64) -> String {
    milestone_state(kr, value).map_or_else(|| with_unit(value, kr.unit()), str::to_string)
}

/// `done` or `not done` for a milestone's check-in value; none for a metric.
fn milestone_state(kr: &KeyResult, value: f64) -> Option<&'static str> {
    match kr.measure {
        Measure::Milestone { .. } if value >= 1.0 => Some("done"),
        Measure::Milestone { .. } => Some("not done"),
        _ => None,
    }
}

impl<'a> SiteData<'a> {
    pub(super) fn build_card(&self, index: usize) -> ObjectiveCard<'a> {
        let org: &'a Org = &self.checked.org;
        let o = &org.objectives[index];
        let s = &self.checked.scores.objectives[index];
        let urls = &self.urls;
        let as_of = self.as_of;
        let period = org.period(&o.period.value);
        let expected = period
            .as_ref()
            .filter(|p| p.contains_date(as_of))
            .map(|p| score::expected(p, as_of, s.goal));
        let key_results: Vec<KeyResultView> = (0..o.key_results.len())
            .map(|i| {
                let is_stale = self.mark_stale && s.key_results[i].stale.is_some();
                let owner = o.key_results[i].owner_person.map(|p| self.person_link(p));
                let mut view =
                    key_result_view(o, i, &s.key_results[i], expected, is_stale, owner, as_of);
                view.check_in = self.urls.repo().map(|repo| {
                    let kr = &o.key_results[i];
                    repo.check_in(&o.period.value, &o.id.value, &kr.id.value, &kr.title.value)
                });
                view
            })
            .collect();
        let history = period
            .as_ref()
            .map_or_else(Vec::new, |p| score::objective_history(o, p, as_of));
        let chart = ScoreChart {
            what: "Score",
            history: &history,
            overridden: s.overridden,
            goal: s.goal,
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
            kind: o.kind().name(),
            goal: score(s.goal),
            score: s.score.map(score),
            computed: s.overridden.and(s.computed).map(score),
            overridden: s.overridden.is_some(),
            status: s.status.map(StatusView::of),
            bar: score_bar(s.score, s.status, expected),
            trend,
            aligned_progress: s.aligned_progress.map(score),
            from_aligned: s.from_aligned,
            stale: key_results.iter().filter(|k| k.stale).count(),
            key_results,
            tags: &o.tags,
            history,
        }
    }
}
