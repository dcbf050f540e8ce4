//! The health page: findings by rule and by owner, alignment and
//! measurability coverage, stale key results and lowered targets.

use super::changes::history_note;
use super::markup::code_spans;
use super::{Html, Line, Link, SiteData};
use crate::git::history;
use crate::model::diagnostic::{Rule, Severity};
use crate::model::{Level, Measure, Objective};
use crate::report;
use crate::text::{iso_date, percent};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many lowered targets the health page lists, newest first: a list for
/// people to read, the same size in a company of thousands whose history
/// lowers targets by the thousand. Each objective's page lists all of its own.
const LOWERED_SHOWN: usize = 200;

/// A key result target moved towards its start during the current period.
#[derive(Debug, Serialize)]
pub struct LoweredTarget<'a> {
    pub date: String,
    pub author: &'a str,
    pub commit: &'a str,
    /// The commit in the repository, when the site knows it.
    pub commit_url: Option<String>,
    pub summary: &'a str,
    pub objective: &'a str,
    pub url: Option<String>,
    pub key_result: &'a str,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct FindingView<'a> {
    pub rule: &'static str,
    pub severity: &'static str,
    /// The finding's text, its `quoted` parts as code.
    pub message: Html,
    pub help: Option<Html>,
    pub file: &'a str,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The file at the finding's line in the repository, when the site knows it.
    pub file_url: Option<String>,
    /// The objective the finding is about, when it is about one.
    pub objective: Option<Link>,
}

#[derive(Debug, Serialize)]
pub struct FindingGroup<'a> {
    pub name: String,
    pub summary: Option<Html>,
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
    /// Targets lowered during the current period, newest first: the newest
    /// [`LOWERED_SHOWN`] of `lowered_total`.
    pub lowered_targets: Vec<LoweredTarget<'a>>,
    pub lowered_total: usize,
    pub history_enabled: bool,
    pub history_note: Option<String>,
}

impl<'a> SiteData<'a> {
    pub fn health(&self) -> HealthPage<'_> {
        let org = self.org();
        let (lowered_targets, lowered_total) = self.lowered_targets();
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
                message: code_spans(placed.message),
                help: placed.help.map(code_spans),
                file: placed.file,
                line: placed.line,
                column: placed.column,
                file_url: self.urls.repo().map(|r| r.blob(placed.file, placed.line)),
                objective: objective.and_then(|i| {
                    Some(Link {
                        name: org.objectives[i].title.value.clone(),
                        url: self.page_url(i)?,
                    })
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
                summary: Some(code_spans(rule.summary())),
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
                    .filter(|m| matches!(m, Measure::Metric { .. } | Measure::Kept { .. }))
                    .count(),
                key_results.len(),
            ),
            stale: (0..self.cards.len())
                .map(|i| self.card(i))
                .filter(|c| c.stale > 0)
                .map(Line)
                .collect(),
            lowered_targets,
            lowered_total,
            history_enabled: self.history.is_some(),
            history_note: match self.history {
                Some(history) => history_note(history),
                None => self.left_out_note(),
            },
        }
    }

    /// The newest [`LOWERED_SHOWN`] targets moved towards their start by a
    /// commit dated within the current period, and how many were in all.
    fn lowered_targets(&self) -> (Vec<LoweredTarget<'_>>, usize) {
        let Some(history) = self.history else {
            return (Vec::new(), 0);
        };
        let org = self.org();
        let mut out = Vec::new();
        let mut total = 0;
        for current in self.current_entries() {
            let commit = &history.commits[current.entry.commit];
            for change in current
                .entry
                .changes
                .iter()
                .filter(|c| c.is_lowered_target())
            {
                total += 1;
                if out.len() == LOWERED_SHOWN {
                    continue;
                }
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
                        commit: commit.short(),
                        commit_url: self.urls.repo().map(|r| r.commit(&commit.id)),
                        summary: &commit.summary,
                        objective: current.title(org),
                        url: current.index.and_then(|i| self.page_url(i)),
                        key_result: title,
                        from: show(from),
                        to: show(to),
                    });
                }
            }
        }
        (out, total)
    }
}
