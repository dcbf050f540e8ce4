//! A period's company overview (`index.html` and `periods/<p>/index.html`):
//! the company score, the teams', the alignment tree, the latest check-ins.

use super::chart::{ScoreChart, TeamTrend, score_bar};
use super::{
    Blocks, CardItem, Html, Line, PeriodView, RecentCheckin, RetrospectiveView, SiteData,
    StatusCount, TreeLine, html,
};
use crate::model::Level;
use crate::score::{self, OwnerKey};
use crate::site::charts::timeline::Size;
use crate::text;
use chrono::NaiveDate;
use serde::Serialize;

/// How many of the latest check-ins the overview and a team page list.
const RECENT_ON_OVERVIEW: usize = 12;

#[derive(Debug, Serialize)]
pub struct TeamScore {
    pub name: String,
    pub url: String,
    pub score: Option<String>,
    pub bar: Html,
    /// The team's score in the periods as long as this one, each at the
    /// same share of its period: drawn, and as `trend.points`.
    pub sparkline: Html,
    pub trend: TeamTrend,
    pub objectives: usize,
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
    /// The period the company score is of: this one, or, when it has no
    /// company objectives of its own, the shortest longer one containing it
    /// that has (the year, for a quarter of a company that sets annual ones).
    pub company_period: String,
    /// The longer periods whose company objectives this page shows too.
    pub longer_periods: Vec<&'a str>,
    pub company_score: Option<String>,
    /// The company score computed from key results alone, given when
    /// retrospective overrides make the score above differ from it.
    pub company_computed: Option<String>,
    pub company_bar: Html,
    /// The score the company's pace runs to: the mean goal of its
    /// objectives (0.70 when all are aspirational).
    pub company_goal: String,
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

/// The `<details>` alignment tree, flattened so templates need no recursion
/// (chains can be deep): after each item, close `closes` levels.
#[derive(Debug, Serialize)]
pub struct TreeItem<'a> {
    pub card: TreeLine<'a>,
    pub depth: usize,
    pub has_children: bool,
    pub closes: usize,
}

impl<'a> SiteData<'a> {
    pub fn overview<'s>(&'s self, period: &'s PeriodView, blocks: Blocks) -> OverviewPage<'s> {
        let org = self.org();
        let scores = &self.checked.scores;
        let objectives: Vec<usize> = self.in_period(&period.name).to_vec();
        let company = self.company_objectives(&period.name);
        // The company score is one period's: this one's, or the nearest
        // containing period's when this one has no company objectives.
        let company_period = company.first().map_or(period.name.as_str(), |&i| {
            org.objectives[i].period.value.as_str()
        });
        let scored: Vec<usize> = company
            .iter()
            .copied()
            .filter(|&i| org.objectives[i].period.value == company_period)
            .collect();
        let company_owner = scores.owner_score(OwnerKey::Company, company_period);
        let company_score = company_owner.map(|c| c.score);
        let thresholds = &org.config.checks.thresholds;
        // Without a score, the pace runs to an aspirational objective's goal.
        let company_goal = company_owner.map_or(thresholds.achieved, |c| c.goal);
        let company_computed =
            score::mean(scored.iter().filter_map(|&i| scores.objectives[i].computed));
        let histories: Vec<&[(NaiveDate, f64)]> = scored
            .iter()
            .map(|&i| self.card(i).history.as_slice())
            .collect();
        let company_history = score::mean_history(&histories);
        let running = |name: &str| org.period(name).filter(|p| p.contains_date(self.as_of));
        let company_expected =
            running(company_period).map(|p| score::expected(&p, self.as_of, company_goal));
        let company_status = org
            .period(company_period)
            .zip(company_score)
            .map(|(p, s)| score::status(s, &p, self.as_of, company_goal, thresholds));
        let teams = org
            .teams
            .iter()
            .enumerate()
            .map(|(t, team)| {
                let own = self.of_period(&self.index.by_team[t], &period.name);
                let owner = scores.owner_score(OwnerKey::Team(team.id.value.clone()), &period.name);
                let score = owner.map(|o| o.score);
                let expected = running(&period.name)
                    .zip(owner)
                    .map(|(p, o)| score::expected(&p, self.as_of, o.goal));
                let (sparkline, trend) = self.team_trend(t);
                TeamScore {
                    name: team.display_name().to_string(),
                    url: self.urls.team(&team.id.value),
                    score: score.map(text::score),
                    bar: score_bar(score, None, expected),
                    sparkline,
                    trend,
                    objectives: own.len(),
                }
            })
            .filter(|t| t.objectives > 0)
            .collect();
        let (statuses, distribution) = self.distribution(&objectives, "Objectives");
        let company_chart = org.period(company_period).map_or_else(
            || html(""),
            |p| {
                let chart = ScoreChart {
                    what: "Company score",
                    history: &company_history,
                    overridden: None,
                    goal: company_goal,
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
        let this = org.period(&period.name);
        let in_view = |i: usize| {
            let other = org.period(&org.objectives[i].period.value);
            match (&this, other) {
                (Some(this), Some(other)) => this.overlaps(&other),
                _ => org.objectives[i].period.value == period.name,
            }
        };
        // The tree starts from the longest periods: a quarter's company
        // objectives usually align to the year's, and nest under them.
        let mut longest_first = company.clone();
        longest_first.sort_by_key(|&i| {
            let days = org
                .period(&org.objectives[i].period.value)
                .map(|p| p.days());
            std::cmp::Reverse(days)
        });
        let mut longer_periods: Vec<&str> = Vec::new();
        for &i in &company {
            let name = org.objectives[i].period.value.as_str();
            if name != period.name && !longer_periods.contains(&name) {
                longer_periods.push(name); // few: one per containing period
            }
        }
        OverviewPage {
            period,
            company_period: company_period.to_string(),
            longer_periods,
            company_score: company_score.map(text::score),
            company_computed: company_computed
                .filter(|c| Some(*c) != company_score)
                .map(text::score),
            company_bar: score_bar(company_score, company_status, company_expected),
            company_goal: text::score(company_goal),
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
            tree: self.tree(&longest_first, in_view),
            teams,
            distribution,
            statuses,
            objectives: objectives.len(),
            stale: objectives.iter().map(|&i| self.card(i).stale).sum(),
        }
    }

    /// The company objectives a period's overview shows: its own, then those
    /// of each longer period containing it that has pages, nearest first,
    /// files in order.
    fn company_objectives(&self, period: &str) -> Vec<usize> {
        let org = self.org();
        let Some(this) = org.period(period) else {
            return self.of_level(self.in_period(period), Level::Company);
        };
        self.index
            .company_periods
            .iter()
            .filter(|p| p.contains(&this))
            .flat_map(|p| self.of_level(self.in_period(&p.name), Level::Company))
            .filter(|&i| self.publishes(i))
            .collect()
    }

    fn of_level(&self, objectives: &[usize], level: Level) -> Vec<usize> {
        let org = self.org();
        objectives
            .iter()
            .copied()
            .filter(|&i| org.objectives[i].level() == level)
            .collect()
    }

    /// The alignment tree of a period: company objectives, then the team
    /// objectives that align to them and are `in_view` (of a period
    /// overlapping this one), depth first. Personal objectives, most of an
    /// organisation's, are on the pages of the objectives they align to and
    /// of their owners: every overview listing all of them would weigh
    /// megabytes.
    fn tree<'s>(&'s self, roots: &[usize], in_view: impl Fn(usize) -> bool) -> Vec<TreeItem<'s>> {
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
                .filter(|&c| !visited[c] && in_view(c) && self.publishes(c))
                .filter(|&c| org.objectives[c].level() != Level::Person)
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
}
