//! Page views: what each page of the site shows, computed from the checked
//! organisation and handed to the templates.
//!
//! Views borrow from the model where they can. Each objective's card (with its
//! key results and charts) is built once and shared by every page that lists it.
//! The blocks pages repeat by the thousand come as the HTML okr writes for the
//! default theme's partials, and as fields for a theme's own templates ([`Blocks`]).
//!
//! One file a page (`overview.rs`, `objective.rs`, `team.rs`, `person.rs`,
//! `health.rs`, `changes.rs`); `card.rs` holds the objective cards they share,
//! `chart.rs` the charts, `markup.rs` the blocks written in Rust; this file
//! the state every page reads ([`SiteData`]), the addresses and small views
//! several pages use.

use crate::check::Checked;
use crate::git::history::{self, Extent, History};
use crate::model::base_url::BaseUrl;
use crate::model::diagnostic::Rule;
use crate::model::period::Period;
use crate::model::repository::GithubEnv;
use crate::model::source::FileId;
use crate::model::{Config, Level, Org, Owner};
use crate::score::Status;
use crate::site::repo_links::RepoLinks;
use crate::site::routes::Route;
use crate::text::{iso_date, percent};
use card::{checkin_value, checkin_value_with_unit};
use chrono::NaiveDate;
use objective::chain_tops;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

mod card;
mod changes;
mod chart;
mod health;
mod markup;
mod objective;
mod overview;
mod page_markup;
mod person;
mod team;

pub use card::{
    CardItem, Checkins, KeyResultView, Line, LineItem, ObjectiveCard, OwnerView, TreeLine,
};
pub use changes::{
    ChangeRow, ChangeSection, ChangeView, ChangesPage, HistoryEntryView, HistoryView,
};
pub use chart::Multiple;
pub use health::{Coverage, FindingGroup, FindingView, HealthPage, LoweredTarget};
pub use markup::{Block, Blocks, STATUS_BADGE};
pub use objective::{InitiativeView, ObjectivePage, ParentView, RetrospectiveView};
pub use overview::{OverviewPage, PeriodRetrospective, TeamScore, TreeItem};
pub use page_markup::{WrittenPage, objective_page, person_page, team_page};
pub use person::{OwnedKeyResult, PersonPage, PersonPeriod};
pub use team::{TeamPage, TeamPeriod};

/// Addresses of the site's pages, all starting with the base URL so they
/// work under a sub-path; what each address is, is [`Route`]'s to say.
#[derive(Clone, Debug)]
pub struct Urls {
    base: BaseUrl,
    /// Links into the repository, when the site knows it.
    repo: Option<RepoLinks>,
}

impl Urls {
    /// The site's addresses under `given` (`--base-url`), else under the
    /// base URL of `okr.toml`.
    pub fn for_site(given: Option<&BaseUrl>, config: &Config) -> Urls {
        Urls::under(given.unwrap_or(&config.base_url).clone())
    }

    pub fn under(base: BaseUrl) -> Urls {
        Urls { base, repo: None }
    }

    /// These addresses, and links into the repository by `repo`.
    pub fn with_repository(self, repo: Option<RepoLinks>) -> Urls {
        Urls { repo, ..self }
    }

    /// Links into the repository, if the site knows it.
    pub fn repo(&self) -> Option<&RepoLinks> {
        self.repo.as_ref()
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
    pub favicon: String,
    pub health_url: String,
    pub index_url: String,
    pub changes_url: String,
}

#[derive(Debug, Serialize)]
pub struct StatusCount {
    pub status: StatusView,
    pub count: usize,
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
    /// `value` with `unit`, as pages show values.
    pub value_with_unit: String,
    pub confidence: Option<String>,
    pub note: Option<&'a str>,
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
    /// Per objective, whether its period has pages (see [`published_periods`]).
    published: Vec<bool>,
    index: Index,
    /// The top of each objective's chain of first parents (`None` in a cycle).
    chain_tops: Vec<Option<usize>>,
    /// `None` when the build does not show history.
    history: Option<&'a History>,
    /// The history's records joined to the objectives they are about.
    records: history::Joined<'a>,
    /// The history's entries within the current period, sorted when first needed.
    current_entries: OnceLock<Vec<changes::CurrentEntry<'a>>>,
    /// The history was left out to keep `okr serve` quick: pages say so, and
    /// how to see it.
    history_left_out: bool,
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
    /// Per person, the key results they own, as (objective, key result).
    key_results_by_person: Vec<Vec<(usize, usize)>>,
    teams_of_person: Vec<Vec<usize>>,
    /// Per person, the teams whose `lead` they are.
    teams_led: Vec<Vec<usize>>,
    child_teams: Vec<Vec<usize>>,
    /// Objectives whose `carried_from` names each objective.
    successors: Vec<Vec<usize>>,
    /// The periods with company objectives, shortest first: a period's
    /// overview also shows those of the longer periods containing it.
    company_periods: Vec<Period>,
}

impl Index {
    fn new(org: &Org) -> Index {
        let mut index = Index {
            by_team: vec![Vec::new(); org.teams.len()],
            by_person: vec![Vec::new(); org.people.len()],
            contributions: vec![Vec::new(); org.people.len()],
            key_results_by_person: vec![Vec::new(); org.people.len()],
            teams_of_person: vec![Vec::new(); org.people.len()],
            teams_led: vec![Vec::new(); org.people.len()],
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
            for (k, kr) in o.key_results.iter().enumerate() {
                if let Some(p) = kr.owner_person {
                    index.key_results_by_person[p].push((i, k));
                }
            }
            if let Some(from) = o.predecessor {
                index.successors[from].push(i);
            }
        }
        let company: BTreeSet<&str> = org
            .objectives
            .iter()
            .filter(|o| o.level() == Level::Company)
            .map(|o| o.period.value.as_str())
            .collect();
        index.company_periods = company.into_iter().filter_map(|n| org.period(n)).collect();
        index
            .company_periods
            .sort_by(|a, b| (a.days(), &a.name).cmp(&(b.days(), &b.name)));
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
            if let Some(lead) = team.lead.as_ref().and_then(|l| org.person_index(&l.value)) {
                index.teams_led[lead].push(t);
            }
            if let Some(parent) = team.parent.as_ref().and_then(|p| org.team_index(&p.value)) {
                index.child_teams[parent].push(t);
            }
        }
        index
    }
}

/// The periods the site has pages for, by start date: every period an
/// objective uses, and the current one; with `past_periods = N` in
/// `okr.toml`, of the periods that ended before `as_of` only the N that ended
/// last (and any that ended with the last of them). Older periods are still
/// read and checked: a large organisation's site grows by a whole period's
/// pages every period, and GitHub Pages publishes at most 1 GB.
pub fn published_periods(org: &Org, current: &str, as_of: NaiveDate) -> Vec<Period> {
    let names: BTreeSet<&str> = org
        .objectives
        .iter()
        .map(|o| o.period.value.as_str())
        .chain(std::iter::once(current))
        .collect();
    let mut periods: Vec<Period> = names.into_iter().filter_map(|n| org.period(n)).collect();
    if let Some(kept) = org.config.past_periods {
        let ended = |p: &Period| as_of > p.end && p.name != current;
        let mut ends: Vec<NaiveDate> = periods.iter().filter(|p| ended(p)).map(|p| p.end).collect();
        ends.sort_unstable_by(|a, b| b.cmp(a));
        match kept.checked_sub(1).and_then(|last| ends.get(last)) {
            Some(&cutoff) => periods.retain(|p| !ended(p) || p.end >= cutoff),
            None if kept == 0 => periods.retain(|p| !ended(p)),
            None => {}
        }
    }
    periods.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.name.cmp(&b.name))
    });
    periods
}

/// Whether objective `index` has a page on a site built as of `as_of`.
pub fn has_page(org: &Org, index: usize, as_of: NaiveDate) -> bool {
    let period = &org.objectives[index].period.value;
    published_periods(org, &current_period(org, as_of), as_of)
        .iter()
        .any(|p| p.name == *period)
}

/// Per objective, whether its period has pages (see [`published_periods`]).
pub fn with_pages(org: &Org, periods: &[Period]) -> Vec<bool> {
    let names: BTreeSet<&str> = periods.iter().map(|p| p.name.as_str()).collect();
    (org.objectives.iter())
        .map(|o| names.contains(o.period.value.as_str()))
        .collect()
}

/// The [`published_periods`] as pages show them.
fn period_views(
    periods: Vec<Period>,
    current: &str,
    urls: &Urls,
    as_of: NaiveDate,
) -> Vec<PeriodView> {
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

/// The period the site opens on: `current_period` from okr.toml; else the
/// shortest period with objectives that contains the as-of date; else the
/// next period with objectives (planning in December shows next quarter's
/// drafts); else the shortest period containing the as-of date.
pub fn current_period(org: &Org, as_of: NaiveDate) -> String {
    if let Some(name) = &org.config.current_period {
        return name.clone();
    }
    let named: BTreeSet<&str> = org
        .objectives
        .iter()
        .map(|o| o.period.value.as_str())
        .collect();
    let with_objectives: Vec<Period> = named.into_iter().filter_map(|n| org.period(n)).collect();
    let running = with_objectives
        .iter()
        .filter(|p| p.contains_date(as_of))
        .min_by(|a, b| a.days().cmp(&b.days()).then_with(|| a.name.cmp(&b.name)));
    let next = || {
        with_objectives
            .iter()
            .filter(|p| p.start > as_of)
            .min_by(|a, b| (a.start, a.days(), &a.name).cmp(&(b.start, b.days(), &b.name)))
    };
    running
        .or_else(next)
        .map(|p| p.name.clone())
        .or_else(|| org.config.periods.containing(as_of).map(|p| p.name))
        .unwrap_or_else(|| as_of.format("%Y").to_string())
}

impl<'a> SiteData<'a> {
    pub fn new(checked: &'a Checked, urls: Urls) -> SiteData<'a> {
        let org = &checked.org;
        // `okr.toml`'s repository, or the one the command line found in the
        // environment and filled in there.
        let repo = (org.config)
            .linked_repository(&GithubEnv::default())
            .map(|r| RepoLinks::new(&r, &org.root));
        let urls = urls.with_repository(repo);
        let as_of = checked.as_of;
        let current = current_period(org, as_of);
        let shown = published_periods(org, &current, as_of);
        let published = with_pages(org, &shown);
        let periods = period_views(shown, &current, &urls, as_of);
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
            favicon: urls.asset("favicon.svg"),
            health_url: urls.health(),
            index_url: urls.index(),
            changes_url: urls.changes(),
        };
        SiteData {
            site,
            cards: (0..org.objectives.len()).map(|_| OnceLock::new()).collect(),
            published,
            periods,
            checked,
            mark_stale,
            urls,
            as_of,
            index: Index::new(org),
            chain_tops: chain_tops(org),
            history: None,
            records: history::Joined::default(),
            current_entries: OnceLock::new(),
            history_left_out: false,
        }
    }

    /// Pages say where their history would be that it was left out of this
    /// preview, and how to see it.
    pub fn with_history_left_out(mut self) -> SiteData<'a> {
        self.history_left_out = true;
        self
    }

    /// Shows `history` on the objective, Changes and health pages.
    pub fn with_history(mut self, history: &'a History) -> SiteData<'a> {
        self.history = Some(history).filter(|h| h.extent != Extent::Disabled);
        self.records = (self.history.map(|h| h.joined(self.org()))).unwrap_or_default();
        self.current_entries = OnceLock::new();
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

    pub fn urls(&self) -> &Urls {
        &self.urls
    }

    pub fn org(&self) -> &'a Org {
        &self.checked.org
    }

    /// Whether objective `index` has a page: whether its period has.
    pub fn publishes(&self, index: usize) -> bool {
        self.published[index]
    }

    /// Per objective, whether it has a page.
    pub fn published(&self) -> &[bool] {
        &self.published
    }

    /// The address of objective `index`'s page, when it has one.
    pub fn page_url(&self, index: usize) -> Option<String> {
        self.publishes(index).then(|| self.card(index).url.clone())
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

    /// The newest `limit` check-ins up to the as-of date on these objectives,
    /// newest first; a day's check-ins in file order.
    fn recent(&self, objectives: &[usize], limit: usize) -> Vec<RecentCheckin<'_>> {
        let org = self.org();
        // (day, objective, key result, check-in), to pick and sort before building views.
        type Found = (NaiveDate, usize, usize, usize);
        let order = |a: &Found, b: &Found| {
            b.0.cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then(a.2.cmp(&b.2))
                .then(b.3.cmp(&a.3))
        };
        let keep_newest = |found: &mut Vec<Found>| {
            if found.len() > limit {
                found.select_nth_unstable_by(limit, order);
                found.truncate(limit);
            }
        };
        // The newest are kept as the check-ins are gone through, rather than
        // all of them collected: the overview goes through every check-in of
        // the organisation, hundreds of thousands in a large one.
        let bound = limit.saturating_mul(2).max(64);
        let mut found: Vec<Found> = Vec::with_capacity(bound);
        for &i in objectives {
            for (k, kr) in org.objectives[i].key_results.iter().enumerate() {
                for (c, checkin) in kr.checkins.iter().enumerate() {
                    if checkin.date.value <= self.as_of {
                        found.push((checkin.date.value, i, k, c));
                        if found.len() >= bound {
                            keep_newest(&mut found);
                        }
                    }
                }
            }
        }
        keep_newest(&mut found);
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
                    unit: kr.unit().filter(|_| !kr.is_milestone()),
                    value_with_unit: checkin_value_with_unit(kr, checkin.value.value),
                    confidence: checkin.confidence.as_ref().map(|c| percent(c.value)),
                    note: checkin.note.as_deref(),
                }
            })
            .collect()
    }

    /// GitHub's editor on `file`, when the site knows the repository.
    fn edit_url(&self, file: FileId) -> Option<String> {
        let repo = self.urls.repo()?;
        Some(repo.edit(&self.org().file(file).path))
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_periods_keeps_the_periods_that_ended_last_and_every_one_not_ended() {
        use crate::check::testing::*;
        let objective = |period: &str| {
            (
                format!("okrs/{period}/grow.md"),
                format!(
                    "+++\ntitle = \"Grow in {period}\"\nperiod = \"{period}\"\n{}+++\n",
                    key_results(2)
                ),
            )
        };
        let periods = ["2025", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"].map(objective);
        let published = |setting: &str| {
            let config = format!("title = \"Test\"\n{setting}");
            let mut files: Vec<(&str, &str)> = vec![("okr.toml", &config)];
            files.extend(periods.iter().map(|(p, t)| (p.as_str(), t.as_str())));
            let checked = run_on(&files, "2026-02-15");
            let current = current_period(&checked.org, checked.as_of);
            (published_periods(&checked.org, &current, checked.as_of).into_iter())
                .map(|p| p.name)
                .collect::<Vec<String>>()
        };
        let every = ["2025", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"];
        assert_eq!(published(""), every);
        assert_eq!(published("past_periods = 9\n"), every);
        // The year and its last quarter ended on the same day: both are kept.
        assert_eq!(
            published("past_periods = 1\n"),
            ["2025", "2025-Q4", "2026-Q1", "2026-Q2"]
        );
        assert_eq!(published("past_periods = 0\n"), ["2026-Q1", "2026-Q2"]);
        // The current period keeps its pages even when it has ended.
        assert_eq!(
            published("past_periods = 0\ncurrent_period = \"2025-Q3\"\n"),
            ["2025-Q3", "2026-Q1", "2026-Q2"]
        );
    }

    #[test]
    fn recent_check_ins_are_the_newest_up_to_the_as_of_date_whatever_their_number() {
        use crate::check::testing::*;
        // Three key results checked in on the same days (a day's in the
        // order of the key results), and twice after the as-of date: more
        // check-ins than are held at a time while picking.
        let checkins = |kr: usize| -> String {
            let days = (0..45)
                .map(|d| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(d));
            let after = ["2026-02-20", "2026-03-01"].map(|d| d.parse::<NaiveDate>().unwrap());
            (days.chain(after))
                .enumerate()
                .map(|(n, day)| {
                    format!(
                        "[[key_results.checkins]]\ndate = {day}\nvalue = {}\n",
                        kr * 100 + n
                    )
                })
                .collect()
        };
        let key_results: String = (1..=3)
            .map(|kr| {
                format!(
                    "[[key_results]]\ntitle = \"Metric {kr} from 0 to 1000\"\ntarget = 1000\n{}",
                    checkins(kr)
                )
            })
            .collect();
        let grow = (
            "okrs/2026-Q1/grow.md".to_string(),
            format!("+++\ntitle = \"Grow\"\nperiod = \"2026-Q1\"\n{key_results}+++\n"),
        );
        let checked = run(&files(&[grow]));
        let data = SiteData::new(&checked, Urls::under(BaseUrl::default()));
        let as_of = checked.as_of;
        // Every check-in up to the as-of date, sorted whole.
        let o = &checked.org.objectives[0];
        let mut every: Vec<(NaiveDate, usize, usize)> = (o.key_results.iter().enumerate())
            .flat_map(|(k, kr)| {
                (kr.checkins.iter().enumerate()).map(move |(c, ci)| (ci.date.value, k, c))
            })
            .filter(|(day, _, _)| *day <= as_of)
            .collect();
        every.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
        for limit in [0, 1, 12, 200] {
            let shown: Vec<(String, String)> = (data.recent(&[0], limit).into_iter())
                .map(|r| (r.date, r.key_result.to_string()))
                .collect();
            let expected: Vec<(String, String)> = (every.iter().take(limit))
                .map(|&(day, k, _)| (iso_date(day), o.key_results[k].title.value.clone()))
                .collect();
            assert_eq!(shown, expected, "limit {limit}");
        }
        assert_eq!(data.recent(&[0], 200).len(), every.len());
        assert_eq!(every.len(), 3 * 45);
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
