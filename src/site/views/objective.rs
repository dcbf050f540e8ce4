//! An objective's page: its card with every key result's burn-up and
//! check-ins, its place in the alignment chain, its retrospective and history.

use super::card::checkin_value_with_unit;
use super::changes::{entry_view, history_note};
use super::chart::burnup_chart;
use super::markup;
use super::{
    Block, Blocks, CardItem, HistoryView, Html, LineItem, Link, SiteData, StatusView, html,
};
use crate::model::{Checkin, KeyResult, Org};
use crate::site::charts::timeline::{Dates, Frame, Size};
use crate::site::markdown;
use crate::text::{number, push_escaped, push_iso_date, push_percent, score};
use serde::Serialize;

/// Breadcrumbs shown below the top of a chain.
const BREADCRUMBS_NEAR: usize = 3;

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
    /// Whether a key result is a metric to keep: its burn-up draws a level
    /// and marks breaches, which the legend then names.
    pub keeps: bool,
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
    /// `None` when the build was told not to read the history; only a note
    /// when `okr serve` left it out.
    pub history: Option<HistoryView<'a>>,
    /// GitHub's editor on the objective's file, when the site knows its repository.
    pub edit_url: Option<String>,
}

/// The top of each objective's chain of first parents, in one pass over all
/// chains (walking each chain from each objective would be quadratic).
pub(super) fn chain_tops(org: &Org) -> Vec<Option<usize>> {
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
    let mut out = String::with_capacity(300 + 60 * rows.len());
    // One row a line, unindented, and no `scope` on a header row that can
    // only head columns: tables of every key result add up. For the same
    // reason the unit is said once, in the header, and cells, rows and the
    // table's sections leave out the end tags HTML lets them omit.
    let unit = kr
        .unit()
        .map(str::trim)
        .filter(|u| !u.is_empty() && !kr.is_milestone());
    out.push_str(
        "<table class=\"table checkins\">\n<caption>Check-ins, newest first</caption>\n\
         <thead><tr><th>Date<th>Value",
    );
    if let Some(unit) = unit {
        out.push_str(" (");
        push_escaped(&mut out, unit);
        out.push(')');
    }
    out.push_str("<th>Confidence<th>Note\n<tbody>");
    for c in rows {
        out.push_str("\n<tr><td>");
        push_iso_date(&mut out, c.date.value);
        out.push_str("<td>");
        match unit {
            Some(_) => push_escaped(&mut out, &number(c.value.value)),
            None => push_escaped(&mut out, &checkin_value_with_unit(kr, c.value.value)),
        }
        out.push_str("<td>");
        if let Some(confidence) = &c.confidence {
            push_percent(&mut out, confidence.value);
        }
        out.push_str("<td>");
        if let Some(note) = &c.note {
            push_escaped(&mut out, note);
        }
    }
    out.push_str("\n</table>");
    Some(html(&out))
}

impl<'a> SiteData<'a> {
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
        // Only objectives with pages: an ended period's may have none.
        let breadcrumbs: Vec<Link> = (top.into_iter().chain(near.iter().rev().copied()))
            .filter(|&i| self.publishes(i))
            .map(crumb)
            .collect();
        let period = org.period(&o.period.value);
        let card = self.card(index);
        // Another period's objective: its period is part of the name. One of
        // a period without pages links to its file in the repository, if the
        // site knows the repository.
        let across = |i: usize| {
            let url = self.page_url(i).or_else(|| {
                let file = &org.file(org.objectives[i].file).path;
                self.urls.repo().map(|repo| repo.blob(file, None))
            })?;
            Some(Link {
                name: format!(
                    "{} ({})",
                    org.objectives[i].title.value, org.objectives[i].period.value
                ),
                url,
            })
        };
        let checkins: Vec<Option<Html>> = o.key_results.iter().map(checkin_table).collect();
        let goal = self.checked.scores.objectives[index].goal;
        // The first burn-up names the period's dates, the others show them
        // from it; each names its frame unless one before it named the same.
        let mut frames: Vec<String> = Vec::new();
        let mut burnups: Vec<Option<Html>> = Vec::with_capacity(o.key_results.len());
        for kr in &o.key_results {
            let dates = if burnups.iter().any(Option::is_some) {
                Dates::Reused
            } else {
                Dates::Named
            };
            let chart = (period.as_ref())
                .and_then(|p| burnup_chart(kr, p, self.as_of, goal, dates, Frame::Shared(&frames)));
            burnups.push(chart.map(|(svg, named)| {
                frames.extend(named);
                svg
            }));
        }
        ObjectivePage {
            edit_url: self.edit_url(o.file),
            breadcrumbs_gap,
            objective: CardItem::alone(card, blocks),
            key_results_html: blocks
                .writes(Block::KeyResultDetails)
                .then(|| markup::key_result_details(&card.key_results, &burnups, &checkins)),
            checkins,
            keeps: o.key_results.iter().any(|kr| kr.kept().is_some()),
            burnups,
            score_chart: period
                .as_ref()
                .map_or_else(|| html(""), |p| self.objective_chart(index, p, Size::Full)),
            retrospective: self.retrospective(index),
            carried_from: o.predecessor.and_then(across),
            carried_into: self.index.successors[index]
                .iter()
                .filter_map(|&i| across(i))
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
                .filter(|l| self.publishes(l.objective))
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
                .filter(|&&c| self.publishes(c))
                .map(|&c| LineItem::new(self.card(c), blocks))
                .collect(),
            contributors: o
                .contributors
                .iter()
                .filter_map(|c| org.person_index(&c.value))
                .map(|p| self.person_link(p))
                .collect(),
            history: match self.history {
                Some(h) => {
                    let record = self.records.of(index);
                    let repo = self.urls.repo();
                    let written = blocks.writes(Block::History);
                    Some(HistoryView {
                        count: record.map_or(0, |r| r.entries.len()),
                        entries: match record {
                            Some(r) if blocks.fields => r
                                .entries
                                .iter()
                                .rev()
                                .map(|e| entry_view(h, e, repo))
                                .collect(),
                            _ => Vec::new(),
                        },
                        // Always there while okr writes the block, so that a
                        // theme's own page may include the partial unguarded.
                        html: written
                            .then(|| markup::history(h, record.map_or(&[], |r| &r.entries), repo)),
                        note: history_note(h),
                    })
                }
                None => self.left_out_note().map(|note| HistoryView {
                    count: 0,
                    entries: Vec::new(),
                    html: None,
                    note: Some(note),
                }),
            },
        }
    }

    /// An objective's `[retrospective]`, with its final grade once the period has ended.
    pub(super) fn retrospective(&self, index: usize) -> Option<RetrospectiveView<'a>> {
        let org = self.org();
        let o = &org.objectives[index];
        let s = &self.checked.scores.objectives[index];
        let ended = org
            .period(&o.period.value)
            .is_some_and(|p| self.as_of > p.end);
        let retro = o.retrospective.as_ref()?;
        Some(RetrospectiveView {
            grade: s.status.filter(|_| ended).map(StatusView::of),
            computed: s.computed.map(score),
            overridden: s.overridden.map(score),
            reason: retro.reason.as_ref().map(|r| r.value.as_str()),
            notes: retro
                .notes
                .as_deref()
                .map(|notes| html(&markdown::to_html(notes))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::history::History;
    use crate::model::base_url::BaseUrl;
    use crate::site::views::Urls;

    #[test]
    fn checkin_tables_list_newest_first_and_escape_notes() {
        use crate::check::testing::*;
        let text = "+++\ntitle = \"Grow\"\nperiod = \"2026-Q1\"\n\
            [[key_results]]\ntitle = \"Signups from 0 to 2000\"\ntarget = 2000\nunit = \"sign<ups>\"\n\
            [[key_results.checkins]]\ndate = 2026-01-10\nvalue = 1500\nconfidence = 0.425\n\
            [[key_results.checkins]]\ndate = 2026-02-10\nvalue = 1750.5\nnote = \"<b>A & B</b>\"\n\
            [[key_results]]\ntitle = \"Launch the shop\"\ndone = false\n\
            [[key_results.checkins]]\ndate = 2026-02-01\nvalue = 1\n\
            [[key_results]]\ntitle = \"Churn from 5 to 2\"\nstart = 5\ntarget = 2\n+++\n";
        let checked = run(&[CONFIG, TEAM, ("okrs/2026-Q1/grow.md", text)]);
        let krs = &checked.org.objectives[0].key_results;
        let table = |i: usize| checkin_table(&krs[i]).map(|t| t.to_string());
        let signups = table(0).unwrap_or_default();
        // The unit once, in the header; cells and rows without end tags.
        assert!(
            signups.contains(
                "<thead><tr><th>Date<th>Value (sign&lt;ups&gt;)<th>Confidence<th>Note\n<tbody>"
            ),
            "{signups}"
        );
        let newer =
            signups.find("\n<tr><td>2026-02-10<td>1,750.5<td><td>&lt;b&gt;A &amp; B&lt;/b&gt;\n");
        let older = signups.find("\n<tr><td>2026-01-10<td>1,500<td>43%<td>\n</table>");
        assert!(
            newer.is_some() && older.is_some() && newer < older,
            "{signups}"
        );
        let launch = table(1).unwrap_or_default();
        assert!(launch.contains("<th>Value<th>"), "{launch}");
        assert!(launch.contains("<td>2026-02-01<td>done<td>"), "{launch}");
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
}
