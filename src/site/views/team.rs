//! A team's page: its people, its teams, and its objectives period by period.

use super::chart::{TeamTrend, score_bar};
use super::{
    Blocks, CardItem, Html, LineItem, Link, Multiple, RecentCheckin, SiteData, StatusCount, html,
};
use crate::model::Owner;
use crate::score::OwnerKey;
use crate::site::markdown;
use crate::text;
use serde::Serialize;
use std::collections::BTreeSet;

const RECENT_ON_TEAM: usize = 8;

#[derive(Debug, Serialize)]
pub struct TeamPeriod<'a> {
    pub period: Link,
    pub score: Option<String>,
    pub bar: Html,
    /// The team's objectives by status, drawn and counted.
    pub distribution: Html,
    pub statuses: Vec<StatusCount>,
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
    /// The scores `sparkline` draws, with their periods.
    pub trend: TeamTrend,
    /// The latest check-ins on the team's objectives, newest first.
    pub recent: Vec<RecentCheckin<'a>>,
    pub periods: Vec<TeamPeriod<'a>>,
    /// GitHub's editor on the team's file, when the site knows the repository.
    pub edit_url: Option<String>,
}

impl<'a> SiteData<'a> {
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
                .filter(|&c| self.publishes(c))
                .collect();
            if own.is_empty() && aligned.is_empty() {
                continue;
            }
            let score = scores.owner(OwnerKey::Team(team.id.value.clone()), &period.name);
            let (statuses, distribution) = self.distribution(&own, "Objectives");
            periods.push(TeamPeriod {
                period: self.period_link(period),
                score: score.map(text::score),
                bar: score_bar(score, None, None),
                distribution,
                statuses,
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
        let (sparkline, trend) = self.team_trend(index);
        let members: Vec<Link> = team
            .members
            .iter()
            .filter_map(|m| org.person_index(&m.value))
            .map(|p| self.person_link(p))
            .collect();
        TeamPage {
            edit_url: self.edit_url(team.file),
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
            sparkline,
            trend,
            recent: self.recent(&self.index.by_team[index], RECENT_ON_TEAM),
            periods,
        }
    }
}
