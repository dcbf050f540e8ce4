//! `okr digest` and `okr remind`: what a week brought, written for people.
//!
//! [`Digest`] gathers it once from the checked organisation (scores now and
//! at the window's start, both from [`score::score_org`]) and the change
//! history when there is one; `render.rs` writes it as Markdown, JSON or a
//! Slack/Teams webhook payload. `remind.rs` lists, per person, the key
//! results waiting for them. Every text taken from the files is made
//! printable here, so that no format can carry a control character.

use crate::check::Checked;
use crate::git::history::{Change, Entry, Extent, History};
use crate::model::period::Period;
use crate::model::{KeyResult, Measure, Objective, Org, Owner};
use crate::score::{self, OwnerKey, Scores};
use crate::site::views::{self, Urls, current_period};
use crate::text::{printable, with_unit};
use chrono::{Duration, NaiveDate};
use serde::Serialize;

mod remind;
mod render;

pub use remind::{PersonRef, REMIND_DUE_WITHIN_DAYS, Reminder, Reminders, Task, reminders};
pub use render::LIST_CAP;

/// How far ahead "due soon" looks in the digest.
pub const DUE_WITHIN_DAYS: i64 = 14;

/// What a window of days brought, as of its last day. Serialised as the
/// JSON of `okr digest --format json`, a documented shape: fields are only
/// ever added.
#[derive(Clone, Debug, Serialize)]
pub struct Digest {
    pub title: String,
    pub company: String,
    /// The last day of the window.
    pub as_of: String,
    /// The day before the window's first: scores "before" are taken on it.
    pub since: String,
    pub days: i64,
    pub site_url: String,
    pub health_url: String,
    /// The period the site opens on, and the company's pace in it.
    pub period: PeriodPace,
    /// Check-ins dated in the window, newest first.
    pub checkins: Vec<CheckinItem>,
    /// Objective scores that changed, the largest change first.
    pub objectives_moved: Vec<Move>,
    /// Key-result progress that changed, the largest change first.
    pub key_results_moved: Vec<Move>,
    pub targets: Targets,
    /// Key results waiting for a check-in, the longest waiting first.
    pub stale: Vec<StaleItem>,
    /// Unfinished key results due from `as_of` to `due_until`, soonest first.
    pub due: Vec<DueItem>,
    /// `as_of` and [`DUE_WITHIN_DAYS`] more.
    pub due_until: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PeriodPace {
    pub name: String,
    pub start: Option<String>,
    pub end: Option<String>,
    /// `running`, `ended` or `upcoming` on the as-of date (as the site says).
    pub state: Option<&'static str>,
    pub url: String,
    /// The mean score of the company's objectives of the period, now.
    pub score: Option<f64>,
    /// The same at the window's start.
    pub before: Option<f64>,
    /// What the pace to the goal asks for by now.
    pub expected: Option<f64>,
    pub goal: Option<f64>,
    /// `on-track`, `at-risk`, `off-track`, or a final grade once ended.
    pub status: Option<&'static str>,
}

/// An objective, as the digest names and links it.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectiveRef {
    pub period: String,
    pub id: String,
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct KeyResultRef {
    pub id: String,
    pub title: String,
    /// The key result on its objective's page.
    pub url: String,
}

/// Who answers for something: a person, a team, or the company.
#[derive(Clone, Debug, Serialize)]
pub struct OwnerRef {
    /// `person`, `team` or `company`.
    pub kind: &'static str,
    pub id: Option<String>,
    pub name: String,
    pub url: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckinItem {
    pub date: String,
    pub objective: ObjectiveRef,
    pub key_result: KeyResultRef,
    /// The value with its unit, as the site shows it.
    pub value: String,
    pub confidence: Option<f64>,
    pub note: Option<String>,
}

/// A score or progress at the window's start and now (0 to 1).
#[derive(Clone, Debug, Serialize)]
pub struct Move {
    pub objective: ObjectiveRef,
    /// `None` for an objective's own score.
    pub key_result: Option<KeyResultRef>,
    pub before: f64,
    pub now: f64,
    pub change: f64,
}

/// Targets changed by commits dated in the window.
#[derive(Clone, Debug, Serialize)]
pub struct Targets {
    /// Whether the change history was read.
    pub available: bool,
    /// Why it is missing or partial.
    pub note: Option<String>,
    /// Newest first.
    pub changes: Vec<TargetChange>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TargetChange {
    pub date: String,
    pub commit: String,
    pub author: String,
    pub objective: ObjectiveRef,
    pub key_result: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Moved towards the start: asking for less.
    pub lowered: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct StaleItem {
    pub objective: ObjectiveRef,
    pub key_result: KeyResultRef,
    pub owner: OwnerRef,
    /// The latest check-in's date, or the period's first day without one.
    pub since: String,
    pub checked_in: bool,
    pub days: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct DueItem {
    pub objective: ObjectiveRef,
    pub key_result: KeyResultRef,
    pub owner: OwnerRef,
    pub due: String,
    pub days_left: i64,
    pub milestone: bool,
    /// Progress now (0 to 1); a milestone not done is 0.
    pub progress: Option<f64>,
}

/// Whether a key result scored `score` needs nothing more: a milestone
/// done, a metric at its target.
pub(crate) fn finished(kr: &KeyResult, score: Option<f64>) -> bool {
    let done = matches!(&kr.measure, Measure::Milestone { done } if done.value);
    done || score.is_some_and(|s| s >= 1.0)
}

/// `day` moved by `days`, stopping at the calendar's ends rather than
/// overflowing (`--as-of` takes any date chrono can hold).
pub(crate) fn shifted(day: NaiveDate, days: i64) -> NaiveDate {
    day.checked_add_signed(Duration::days(days))
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// User text as every format may carry it: hidden characters escaped.
pub(crate) fn clean(text: &str) -> String {
    printable(text).into_owned()
}

/// Builds the digest of the `days` days up to `checked.as_of`. `history`
/// is `None` when it was not read (`--no-history`).
pub fn digest(checked: &Checked, history: Option<&History>, urls: &Urls, days: i64) -> Digest {
    let org = &checked.org;
    let as_of = checked.as_of;
    let since = shifted(as_of, -days);
    let before = score::score_org(org, since);
    let periods = org.objective_periods();
    let names = Names::new(org, urls, as_of);
    // Objectives whose period overlaps the window: the others cannot move.
    let in_window: Vec<usize> = (0..org.objectives.len())
        .filter(|&i| {
            periods[i]
                .as_ref()
                .is_some_and(|p| p.start <= as_of && p.end > since)
        })
        .collect();
    let current = current_period(org, as_of);
    Digest {
        title: clean(&org.config.title),
        company: clean(&org.config.company),
        as_of: as_of.to_string(),
        since: since.to_string(),
        days,
        site_url: urls.index(),
        health_url: urls.health(),
        period: pace(checked, &before, &current, urls, since),
        checkins: checkins(&names, since, as_of),
        objectives_moved: objective_moves(&names, &in_window, &before, &checked.scores),
        key_results_moved: key_result_moves(&names, &in_window, &before, &checked.scores),
        targets: targets(&names, history, since, as_of),
        stale: stale(&names, &checked.scores),
        due: due(&names, &periods, &checked.scores, as_of),
        due_until: shifted(as_of, DUE_WITHIN_DAYS).to_string(),
    }
}

/// Names and links of the organisation's entities.
struct Names<'a> {
    org: &'a Org,
    urls: &'a Urls,
    /// Per objective, whether its period has pages on the site.
    with_pages: Vec<bool>,
}

impl<'a> Names<'a> {
    fn new(org: &'a Org, urls: &'a Urls, as_of: NaiveDate) -> Names<'a> {
        let current = current_period(org, as_of);
        let periods = views::published_periods(org, &current, as_of);
        Names {
            org,
            urls,
            with_pages: views::with_pages(org, &periods),
        }
    }

    /// Objective `i`'s page; for one of a period without pages (`past_periods`),
    /// its file in the repository if the site knows it, else the site.
    fn objective_url(&self, i: usize) -> String {
        let o = &self.org.objectives[i];
        if self.with_pages[i] {
            return self.urls.objective(&o.period.value, &o.id.value);
        }
        match self.urls.repo() {
            Some(repo) => repo.blob(&self.org.file(o.file).path, None),
            None => self.urls.index(),
        }
    }

    fn objective(&self, i: usize) -> ObjectiveRef {
        let o = &self.org.objectives[i];
        ObjectiveRef {
            period: clean(&o.period.value),
            id: clean(&o.id.value),
            title: clean(&o.title.value),
            url: self.objective_url(i),
        }
    }

    fn key_result(&self, i: usize, k: usize) -> KeyResultRef {
        let o = &self.org.objectives[i];
        let kr = &o.key_results[k];
        let url = self.objective_url(i);
        KeyResultRef {
            id: clean(&kr.id.value),
            title: clean(&kr.title.value),
            url: if self.with_pages[i] {
                format!("{url}#kr-{}", kr.id.value)
            } else {
                url
            },
        }
    }

    fn person(&self, p: usize) -> OwnerRef {
        let person = &self.org.people[p];
        OwnerRef {
            kind: "person",
            id: Some(clean(&person.id.value)),
            name: clean(person.display_name()),
            url: Some(self.urls.person(&person.id.value)),
        }
    }

    /// Who answers for a key result: its `owner`, else its objective's.
    fn owner(&self, objective: &Objective, kr: &KeyResult) -> OwnerRef {
        if let Some(p) = kr.owner_person {
            return self.person(p);
        }
        match objective.owner {
            Owner::Person(p) => self.person(p),
            Owner::Team(t) => {
                let team = &self.org.teams[t];
                OwnerRef {
                    kind: "team",
                    id: Some(clean(&team.id.value)),
                    name: clean(team.display_name()),
                    url: Some(self.urls.team(&team.id.value)),
                }
            }
            Owner::Company | Owner::Unknown => OwnerRef {
                kind: "company",
                id: None,
                name: clean(&self.org.config.company),
                url: None,
            },
        }
    }
}

fn pace(
    checked: &Checked,
    before: &Scores,
    current: &str,
    urls: &Urls,
    since: NaiveDate,
) -> PeriodPace {
    let org = &checked.org;
    let as_of = checked.as_of;
    let period: Option<Period> = org.period(current);
    let now = checked.scores.owner_score(OwnerKey::Company, current);
    let thresholds = &org.config.checks.thresholds;
    let stand =
        |p: &Period, score: f64, goal: f64| score::status(score, p, as_of, goal, thresholds).name();
    PeriodPace {
        name: clean(current),
        start: period.as_ref().map(|p| p.start.to_string()),
        end: period.as_ref().map(|p| p.end.to_string()),
        state: period.as_ref().map(|p| {
            if as_of > p.end {
                "ended"
            } else if as_of < p.start {
                "upcoming"
            } else {
                "running"
            }
        }),
        url: urls.period(current),
        score: now.map(|o| o.score),
        // Before the period began its score was no score at all.
        before: before
            .owner(OwnerKey::Company, current)
            .filter(|_| period.as_ref().is_some_and(|p| p.start <= since)),
        expected: now
            .zip(period.as_ref())
            .map(|(o, p)| score::expected(p, as_of, o.goal)),
        goal: now.map(|o| o.goal),
        status: now
            .zip(period.as_ref())
            .map(|(o, p)| stand(p, o.score, o.goal)),
    }
}

fn checkins(names: &Names, since: NaiveDate, as_of: NaiveDate) -> Vec<CheckinItem> {
    let mut out = Vec::new();
    for (i, o) in names.org.objectives.iter().enumerate() {
        for (k, kr) in o.key_results.iter().enumerate() {
            for c in kr
                .checkins
                .iter()
                .filter(|c| since < c.date.value && c.date.value <= as_of)
            {
                out.push(CheckinItem {
                    date: c.date.value.to_string(),
                    objective: names.objective(i),
                    key_result: names.key_result(i, k),
                    value: clean(&checkin_value(kr, c.value.value)),
                    confidence: c.confidence.as_ref().map(|c| c.value),
                    note: c.note.as_deref().map(clean),
                });
            }
        }
    }
    // Newest first; a stable sort keeps file order among a day's check-ins.
    out.sort_by(|a, b| b.date.cmp(&a.date));
    out
}

/// A check-in's value as people read it: `done` for a milestone.
fn checkin_value(kr: &KeyResult, value: f64) -> String {
    if kr.is_milestone() {
        return if value >= 1.0 { "done" } else { "not done" }.to_string();
    }
    with_unit(value, kr.unit())
}

/// Whether a change is big enough to show: at least half a percent, what
/// two decimals or a whole percentage can tell apart from nothing.
fn moved(before: f64, now: f64) -> bool {
    (now - before).abs() >= 0.005
}

/// Largest change first; among equals, in the order they were found.
fn by_size(mut moves: Vec<Move>) -> Vec<Move> {
    moves.sort_by(|a, b| b.change.abs().total_cmp(&a.change.abs()));
    moves
}

fn objective_moves(names: &Names, in_window: &[usize], before: &Scores, now: &Scores) -> Vec<Move> {
    let moves = in_window
        .iter()
        .filter_map(|&i| {
            let (b, n) = (before.objectives[i].score?, now.objectives[i].score?);
            moved(b, n).then(|| Move {
                objective: names.objective(i),
                key_result: None,
                before: b,
                now: n,
                change: n - b,
            })
        })
        .collect();
    by_size(moves)
}

fn key_result_moves(
    names: &Names,
    in_window: &[usize],
    before: &Scores,
    now: &Scores,
) -> Vec<Move> {
    let mut moves = Vec::new();
    for &i in in_window {
        let pairs = before.objectives[i]
            .key_results
            .iter()
            .zip(&now.objectives[i].key_results);
        for (k, (b, n)) in pairs.enumerate() {
            if let (Some(b), Some(n)) = (b.score, n.score)
                && moved(b, n)
            {
                moves.push(Move {
                    objective: names.objective(i),
                    key_result: Some(names.key_result(i, k)),
                    before: b,
                    now: n,
                    change: n - b,
                });
            }
        }
    }
    by_size(moves)
}

fn targets(
    names: &Names,
    history: Option<&History>,
    since: NaiveDate,
    as_of: NaiveDate,
) -> Targets {
    let Some(history) = history else {
        return Targets {
            available: false,
            note: Some("the change history was not read".to_string()),
            changes: Vec::new(),
        };
    };
    let mut changes = Vec::new();
    let within = |e: &Entry| {
        let date = history.commits[e.commit].date;
        since < date && date <= as_of
    };
    for joined in history.joined(names.org).newest_first(within) {
        // Objectives that no longer exist have no page to link to.
        let (Some(i), entry) = (joined.index, joined.entry) else {
            continue;
        };
        let commit = &history.commits[entry.commit];
        for change in &entry.changes {
            if let Change::KeyResultChanged {
                title,
                field: "target",
                from,
                to,
                lowered,
                ..
            } = change
            {
                changes.push(TargetChange {
                    date: commit.date.to_string(),
                    commit: clean(commit.short()),
                    author: clean(&commit.author),
                    objective: names.objective(i),
                    key_result: clean(title),
                    from: from.as_ref().map(|v| clean(&v.to_string())),
                    to: to.as_ref().map(|v| clean(&v.to_string())),
                    lowered: *lowered == Some(true),
                });
            }
        }
    }
    Targets {
        available: matches!(history.extent, Extent::Complete | Extent::Shallow { .. }),
        note: history.note().map(|n| clean(&n)),
        changes,
    }
}

fn stale(names: &Names, scores: &Scores) -> Vec<StaleItem> {
    let mut out = Vec::new();
    for (i, o) in names.org.objectives.iter().enumerate() {
        for (k, kr) in o.key_results.iter().enumerate() {
            if let Some(stale) = scores.objectives[i].key_results[k].stale {
                out.push(StaleItem {
                    objective: names.objective(i),
                    key_result: names.key_result(i, k),
                    owner: names.owner(o, kr),
                    since: stale.since.to_string(),
                    checked_in: stale.checked_in,
                    days: stale.days,
                });
            }
        }
    }
    // The longest waiting first; a stable sort keeps file order among equals.
    out.sort_by_key(|item| std::cmp::Reverse(item.days));
    out
}

fn due(
    names: &Names,
    periods: &[Option<Period>],
    scores: &Scores,
    as_of: NaiveDate,
) -> Vec<DueItem> {
    let until = shifted(as_of, DUE_WITHIN_DAYS);
    let mut out = Vec::new();
    for (i, o) in names.org.objectives.iter().enumerate() {
        // An ended period's key results are graded, not due.
        if periods[i].as_ref().is_some_and(|p| p.end < as_of) {
            continue;
        }
        for (k, kr) in o.key_results.iter().enumerate() {
            let Some(due) = kr.due.as_ref().map(|d| d.value) else {
                continue;
            };
            let progress = scores.objectives[i].key_results[k].score;
            if finished(kr, progress) || due < as_of || due > until {
                continue;
            }
            out.push(DueItem {
                objective: names.objective(i),
                key_result: names.key_result(i, k),
                owner: names.owner(o, kr),
                due: due.to_string(),
                days_left: (due - as_of).num_days(),
                milestone: kr.is_milestone(),
                progress,
            });
        }
    }
    out.sort_by(|a, b| a.due.cmp(&b.due));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::*;
    use crate::model::base_url::BaseUrl;

    const GROW: (&str, &str) = (
        "okrs/2026-Q1/grow.md",
        "+++\ntitle = \"Grow <fast> & far\"\nperiod = \"2026-Q1\"\n\
         [[key_results]]\nid = \"signups\"\ntitle = \"Signups from 0 to 10\"\ntarget = 10\n\
         [[key_results.checkins]]\ndate = 2026-01-20\nvalue = 2\n\
         [[key_results.checkins]]\ndate = 2026-02-12\nvalue = 6\n\
         [[key_results]]\nid = \"launch\"\ntitle = \"Launch the shop\"\ndone = false\ndue = 2026-02-20\n+++\n",
    );
    const SELL: (&str, &str) = (
        "okrs/2026-Q1/sales/sell.md",
        "+++\ntitle = \"Sell more\"\nperiod = \"2026-Q1\"\nteam = \"sales\"\naligns_to = \"grow\"\n\
         [[key_results]]\nid = \"deals\"\ntitle = \"Deals from 0 to 20\"\ntarget = 20\nowner = \"bo\"\n\
         [[key_results.checkins]]\ndate = 2026-01-10\nvalue = 4\n\
         [[key_results]]\nid = \"calls\"\ntitle = \"Calls from 0 to 100\"\ntarget = 100\n\
         [[key_results.checkins]]\ndate = 2026-01-11\nvalue = 30\n+++\n",
    );
    const BO: (&str, &str) = (
        "people/bo.md",
        "+++\nname = \"Bo \\u001b[2J Berg\"\ngithub = \"bo-gh\"\n+++\n",
    );

    fn org() -> Checked {
        run(&[CONFIG, TEAM, GROW, SELL, BO])
    }

    fn digest_of(checked: &Checked, base: &str) -> Digest {
        let urls = Urls::under(BaseUrl::parse(base).unwrap());
        digest(checked, None, &urls, 7)
    }

    #[test]
    fn the_window_counts_its_check_ins_and_what_they_moved() {
        let d = digest_of(&org(), "/");
        assert_eq!(
            (d.since.as_str(), d.as_of.as_str()),
            ("2026-02-08", "2026-02-15")
        );
        let dates: Vec<&str> = d.checkins.iter().map(|c| c.date.as_str()).collect();
        assert_eq!(dates, ["2026-02-12"]);
        assert_eq!(d.checkins[0].value, "6");
        let moved: Vec<(&str, f64, f64)> = d
            .key_results_moved
            .iter()
            .map(|m| (m.key_result.as_ref().unwrap().id.as_str(), m.before, m.now))
            .collect();
        assert_eq!(moved, [("signups", 0.2, 0.6)]);
        let objective = &d.objectives_moved[0];
        assert_eq!(objective.objective.id, "grow");
        assert!((objective.change - 0.2).abs() < 1e-9, "{objective:?}");
    }

    #[test]
    fn the_company_is_measured_against_its_pace() {
        let checked = org();
        let d = digest_of(&checked, "/");
        let period = checked.org.period("2026-Q1").unwrap();
        let as_of = checked.as_of;
        assert_eq!(d.period.name, "2026-Q1");
        assert_eq!(d.period.score, Some(0.3));
        assert_eq!(d.period.before, Some(0.1));
        assert_eq!(
            d.period.expected,
            Some(score::expected(&period, as_of, 0.7))
        );
        assert_eq!(d.period.status, Some("at-risk"));
    }

    #[test]
    fn an_ended_period_is_told_by_its_grade() {
        let config = (
            "okr.toml",
            "title = \"Test\"\ncurrent_period = \"2026-Q1\"\n",
        );
        let checked = run_on(&[config, TEAM, GROW, SELL, BO], "2026-04-10");
        let d = digest_of(&checked, "/");
        assert_eq!(d.period.state, Some("ended"));
        assert_eq!(d.period.status, Some("missed"));
        let text = d.markdown();
        assert!(
            text.contains("2026-Q1](</periods/2026-Q1/>) has ended: company objectives scored **0.30** against a goal of 0.70: **missed**."),
            "{text}"
        );
        assert!(d.stale.is_empty() && d.due.is_empty());
    }

    #[test]
    fn stale_and_due_key_results_name_who_answers_for_them() {
        let d = digest_of(&org(), "/");
        let stale: Vec<(&str, &str, &str, i64)> = d
            .stale
            .iter()
            .map(|s| {
                (
                    s.key_result.id.as_str(),
                    s.owner.kind,
                    s.since.as_str(),
                    s.days,
                )
            })
            .collect();
        assert_eq!(
            stale,
            [
                // Past half its period, a milestone owes news.
                ("launch", "company", "2026-01-01", 45),
                ("deals", "person", "2026-01-10", 36),
                ("calls", "team", "2026-01-11", 35)
            ]
        );
        // A name from a file never carries a control character out.
        assert_eq!(d.stale[1].owner.name, "Bo \\u{1b}[2J Berg");
        let due: Vec<(&str, i64, bool)> = d
            .due
            .iter()
            .map(|d| (d.key_result.id.as_str(), d.days_left, d.milestone))
            .collect();
        assert_eq!(due, [("launch", 5, true)]);
    }

    #[test]
    fn a_done_milestone_is_not_due() {
        let done = GROW.1.replace("done = false", "done = true");
        let d = digest_of(&run(&[CONFIG, TEAM, (GROW.0, &done), SELL, BO]), "/");
        assert!(d.due.is_empty(), "{:?}", d.due);
    }

    #[test]
    fn markdown_links_into_the_site_and_escapes_what_files_say() {
        let d = digest_of(&org(), "https://okrs.example.com/acme/");
        let text = d.markdown();
        for heading in [
            "### What moved",
            "### Targets changed",
            "### Waiting for a check-in",
            "### Due in the next two weeks",
        ] {
            assert!(text.contains(heading), "{heading} in\n{text}");
        }
        assert!(
            text.contains("](<https://okrs.example.com/acme/objectives/2026-Q1/grow/#kr-signups>)"),
            "{text}"
        );
        assert!(text.contains("Grow \\<fast\\> \\& far"), "{text}");
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
        assert!(
            text.contains("Not known: the change history was not read."),
            "{text}"
        );
    }

    #[test]
    fn long_lists_stop_at_five_and_say_how_many_more() {
        let mut owned = vec![];
        for i in 0..8 {
            owned.push((
                format!("okrs/2026-Q1/sales/o{i}.md"),
                format!(
                    "+++\ntitle = \"Objective {i}\"\nperiod = \"2026-Q1\"\nteam = \"sales\"\naligns_to = \"grow\"\n\
                     [[key_results]]\ntitle = \"Result {i} from 0 to 10\"\ntarget = 10\n\
                     [[key_results.checkins]]\ndate = 2026-01-02\nvalue = 1\n+++\n"
                ),
            ));
        }
        let mut all = files(&owned);
        all.push(GROW);
        let d = digest_of(&run(&all), "/");
        assert_eq!(d.stale.len(), 9);
        let text = d.markdown();
        let section = text
            .split("### Waiting")
            .nth(1)
            .unwrap()
            .split("###")
            .next()
            .unwrap();
        assert_eq!(section.matches("\n- ").count(), 6, "{section}");
        assert!(section.contains("- and 4 more"), "{section}");
    }

    #[test]
    fn the_slack_payload_escapes_as_slack_asks_and_keeps_a_whole_fallback() {
        let d = digest_of(&org(), "https://okrs.example.com/");
        let payload: serde_json::Value = serde_json::from_str(&d.slack()).unwrap();
        let text = payload["text"].as_str().unwrap();
        assert!(text.contains("Grow &lt;fast&gt; &amp; far"), "{text}");
        assert!(
            text.contains("<https://okrs.example.com/objectives/2026-Q1/grow/|"),
            "{text}"
        );
        let blocks = payload["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["type"], "header");
        for block in &blocks[1..blocks.len() - 1] {
            assert_eq!(block["type"], "section");
            assert_eq!(block["text"]["type"], "mrkdwn");
            // Everything a block says is in the fallback too.
            assert!(text.contains(block["text"]["text"].as_str().unwrap()));
        }
        assert_eq!(blocks.last().unwrap()["type"], "context");
    }

    #[test]
    fn reminders_go_to_the_owner_else_the_team_with_mentions() {
        let checked = org();
        let urls = Urls::under(BaseUrl::parse("/").unwrap());
        let r = reminders(&checked, &urls);
        let people: Vec<(Option<&str>, Vec<&str>)> = r
            .people
            .iter()
            .map(|p| {
                (
                    p.person.as_ref().map(|p| p.id.as_str()),
                    p.key_results
                        .iter()
                        .map(|t| t.key_result.id.as_str())
                        .collect(),
                )
            })
            .collect();
        // calls: the sales team's lead and members (anna); deals: its
        // owner; launch, stale and due in 5 days: a company objective's,
        // nobody named.
        assert_eq!(
            people,
            [
                (Some("anna"), vec!["calls"]),
                (Some("bo"), vec!["deals"]),
                (None, vec!["launch"])
            ]
        );
        let text = r.markdown();
        assert!(
            text.contains("- [ ] @bo-gh: [Deals from 0 to 20](</objectives/2026-Q1/sell/#kr-deals>) (Sell more) — stale since 2026-01-10\n"),
            "{text}"
        );
        assert!(text.contains("- [ ] anna: "), "{text}");
        assert!(
            text.contains("— stale since 2026-01-01 / due 2026-02-20\n"),
            "{text}"
        );
        assert!(text.contains("### Nobody named"), "{text}");
    }

    #[test]
    fn nothing_to_remind_says_so() {
        let owned = [company("grow")];
        let checked = run(&files(&owned));
        let r = reminders(&checked, &Urls::under(BaseUrl::parse("/").unwrap()));
        assert!(r.is_empty());
        assert!(r.markdown().starts_with("Nothing to remind"));
    }
}
