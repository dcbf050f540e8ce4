//! The change history as pages show it: the Changes page of the current
//! period, and the entries and notes objective and health pages reuse.

use super::markup::{self, Block, Blocks};
use super::{Html, PeriodView, SiteData, html};
use crate::git::history::{self, Extent, History, OwnerRef};
use crate::model::Owner;
use crate::site::repo_links::RepoLinks;
use crate::text::iso_date;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// An entry of the history dated within the current period, and the
/// objective it is about.
pub(super) type CurrentEntry<'a> = history::JoinedEntry<'a>;

/// Who a history record is about, as the Changes page groups it.
struct HistoryOwner<'a> {
    name: &'a str,
    company: bool,
    /// The owning team.
    team: Option<usize>,
    /// The teams of the owning person.
    person_teams: &'a [usize],
}

impl HistoryOwner<'_> {
    /// The teams whose sections list the record.
    fn teams(&self) -> impl Iterator<Item = usize> + '_ {
        self.team
            .into_iter()
            .chain(self.person_teams.iter().copied())
    }
}

/// One line of the Changes page: an entry and the objective it is about.
#[derive(Debug, Serialize)]
pub struct ChangeRow<'a> {
    pub entry: HistoryEntryView<'a>,
    pub title: &'a str,
    pub period: &'a str,
    /// `None` when the objective no longer exists.
    pub url: Option<String>,
    pub owner: &'a str,
}

/// A part of the Changes page: all changes, the company's, or one team's
/// (its objectives and its members'). `rows` index [`ChangesPage::rows`]:
/// the newest of the section's `total` changes.
#[derive(Debug, Serialize)]
pub struct ChangeSection {
    pub anchor: String,
    pub name: String,
    pub url: Option<String>,
    pub rows: Vec<usize>,
    pub total: usize,
    /// The rows as `<tr>`s, when okr writes them (`partials/change_rows.html`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<Html>,
}

/// How many of the newest changes the Changes page lists in all, and for
/// the company and each team: a page for people to read, the same size after
/// years of weekly check-ins. Every objective's page lists all of its own.
const ALL_SHOWN: usize = 200;
const SECTION_SHOWN: usize = 10;

/// The newest entries of a section (indices, newest first) and how many it has.
#[derive(Default)]
struct Picked {
    entries: Vec<usize>,
    total: usize,
}

impl Picked {
    /// Counts entry `n` (offered newest first), keeping the first `shown`.
    fn offer(&mut self, n: usize, shown: usize) {
        if self.entries.len() < shown {
            self.entries.push(n);
        }
        self.total += 1;
    }
}

/// Changes dated within the current period, newest first (`changes/index.html`).
#[derive(Debug, Serialize)]
pub struct ChangesPage<'a> {
    pub period: Option<&'a PeriodView>,
    pub enabled: bool,
    pub note: Option<String>,
    /// How many changes the period has.
    pub count: usize,
    /// The rows the sections show, when templates may read them (see
    /// [`super::Blocks`]).
    pub rows: Vec<ChangeRow<'a>>,
    pub sections: Vec<ChangeSection>,
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
    /// The commit in the repository, when the site knows it.
    pub commit_url: Option<String>,
    pub summary: &'a str,
    pub changes: Vec<ChangeView>,
}

/// An objective's history, newest first, and why it may be missing or partial.
#[derive(Debug, Serialize)]
pub struct HistoryView<'a> {
    /// How many entries there are.
    pub count: usize,
    /// The entries, when templates may read them (see [`super::Blocks`]).
    pub entries: Vec<HistoryEntryView<'a>>,
    /// The entries as an `<ol>`, when okr writes them (`partials/history.html`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<Html>,
    pub note: Option<String>,
}

pub(super) fn entry_view<'h>(
    history: &'h History,
    entry: &'h history::Entry,
    repo: Option<&RepoLinks>,
) -> HistoryEntryView<'h> {
    let commit = &history.commits[entry.commit];
    HistoryEntryView {
        date: iso_date(commit.date),
        author: &commit.author,
        commit: commit.short(),
        commit_id: &commit.id,
        commit_url: repo.map(|r| r.commit(&commit.id)),
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
pub(super) fn history_note(history: &History) -> Option<String> {
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

/// Said where the history would be, when `okr serve` left it out.
const LEFT_OUT: &str = "The change history is left out of this preview, so that it rebuilds quickly on every save: \
                        run okr build to see it.";

impl<'a> SiteData<'a> {
    /// Why a page shows no history although the site has one: `okr serve`
    /// left it out.
    pub(super) fn left_out_note(&self) -> Option<String> {
        self.history_left_out.then(|| LEFT_OUT.to_string())
    }

    pub fn changes(&self, blocks: Blocks) -> ChangesPage<'_> {
        let period = self
            .periods
            .iter()
            .find(|p| p.name == self.site.current_period);
        let Some(history) = self.history else {
            return ChangesPage {
                period,
                enabled: false,
                note: self.left_out_note(),
                count: 0,
                rows: Vec::new(),
                sections: Vec::new(),
            };
        };
        let org = self.org();
        let entries = self.current_entries();
        // The newest changes of each section; the rows of those, built once.
        let mut all = Picked::default();
        let mut company = Picked::default();
        let mut by_team: BTreeMap<usize, Picked> = BTreeMap::new();
        let mut owners = Vec::with_capacity(entries.len());
        for (n, current) in entries.iter().enumerate() {
            let owner = self.history_owner(current.record, current.index);
            all.offer(n, ALL_SHOWN);
            if owner.company {
                company.offer(n, SECTION_SHOWN);
            }
            for t in owner.teams() {
                by_team.entry(t).or_default().offer(n, SECTION_SHOWN);
            }
            owners.push(owner.name);
        }
        let mut shown = vec![false; entries.len()];
        let picked = [&all, &company].into_iter().chain(by_team.values());
        for n in picked.flat_map(|p| p.entries.iter()) {
            shown[*n] = true;
        }
        let mut rows = Vec::new();
        let mut row_of = vec![usize::MAX; entries.len()];
        for (n, (current, owner)) in entries.iter().zip(owners).enumerate() {
            if !shown[n] {
                continue;
            }
            row_of[n] = rows.len();
            rows.push(ChangeRow {
                entry: entry_view(history, current.entry, self.urls.repo()),
                title: current.title(org),
                period: &current.key.0,
                url: current.index.and_then(|i| self.page_url(i)),
                owner,
            });
        }
        // Each row written once, however many sections show it.
        let written: Vec<String> = if blocks.writes(Block::ChangeRows) {
            rows.iter()
                .map(|row| {
                    let mut out = String::with_capacity(400);
                    markup::change_row(&mut out, row);
                    out
                })
                .collect()
        } else {
            Vec::new()
        };
        let section = |anchor: String, name: String, url: Option<String>, picked: Picked| {
            let rows: Vec<usize> = picked.entries.iter().map(|n| row_of[*n]).collect();
            let html = (!written.is_empty()).then(|| {
                let mut out = String::with_capacity(rows.iter().map(|&r| written[r].len()).sum());
                for &r in &rows {
                    out.push_str(&written[r]);
                }
                html(&out)
            });
            ChangeSection {
                anchor,
                name,
                url,
                rows,
                total: picked.total,
                html,
            }
        };
        let count = all.total;
        let mut sections = vec![section("all".into(), "All changes".into(), None, all)];
        if company.total > 0 {
            sections.push(section(
                "company".into(),
                org.config.company.clone(),
                Some(self.urls.index()),
                company,
            ));
        }
        sections.extend(by_team.into_iter().map(|(t, picked)| {
            section(
                format!("team-{}", org.teams[t].id.value),
                org.teams[t].display_name().to_string(),
                Some(self.urls.team(&org.teams[t].id.value)),
                picked,
            )
        }));
        ChangesPage {
            period,
            enabled: true,
            note: history_note(history),
            count,
            rows: if blocks.fields { rows } else { Vec::new() },
            sections,
        }
    }

    /// The current period's dates, which bound the Changes page and the lowered targets.
    fn current_window(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.org()
            .period(&self.site.current_period)
            .map(|p| (p.start, p.end))
    }

    /// Entries dated within the current period, newest first: sorted once
    /// per build, for the Changes page and the health page.
    pub(super) fn current_entries(&self) -> &[CurrentEntry<'a>] {
        self.current_entries
            .get_or_init(|| self.sort_current_entries())
            .as_slice()
    }

    fn sort_current_entries(&self) -> Vec<CurrentEntry<'a>> {
        let Some(history) = self.history else {
            return Vec::new();
        };
        let window = self.current_window();
        self.records.newest_first(|e| {
            let date = history.commits[e.commit].date;
            window.is_none_or(|(start, end)| start <= date && date <= end)
        })
    }

    /// The owner of a history record: the objective's current owner while it
    /// exists, else the last one recorded.
    fn history_owner(&self, record: &'a history::Record, index: Option<usize>) -> HistoryOwner<'_> {
        let org = self.org();
        let team = |t: usize| HistoryOwner {
            name: org.teams[t].display_name(),
            company: false,
            team: Some(t),
            person_teams: &[],
        };
        let person = |p: usize| HistoryOwner {
            name: org.people[p].display_name(),
            company: false,
            team: None,
            person_teams: &self.index.teams_of_person[p],
        };
        let company = HistoryOwner {
            name: &org.config.company,
            company: true,
            team: None,
            person_teams: &[],
        };
        let unknown = |id: &'a str| HistoryOwner {
            name: id,
            company: false,
            team: None,
            person_teams: &[],
        };
        match index.map(|i| org.objectives[i].owner) {
            Some(Owner::Team(t)) => team(t),
            Some(Owner::Person(p)) => person(p),
            Some(Owner::Company) => company,
            Some(Owner::Unknown) | None => match &record.owner {
                OwnerRef::Company => company,
                OwnerRef::Team(id) => org.team_index(id).map_or(unknown(id), team),
                OwnerRef::Person(id) => org.person_index(id).map_or(unknown(id), person),
            },
        }
    }
}
