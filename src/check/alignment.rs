//! Rules about how objectives align: `unaligned`, `unsupported-objective`,
//! `alignment-cycle` (objectives and team parents), `alignment-inversion`,
//! `period-mismatch`.

use super::Context;
use crate::model::diagnostic::{Diagnostic, Rule};
use crate::model::period::Period;
use crate::model::{Level, Objective, Org};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

pub fn unaligned(cx: &Context, out: &mut Vec<Diagnostic>) {
    let org = cx.org;
    let covered = Coverage::of(cx);
    // Objectives with nothing above them to align to, by period and level.
    let mut stranded: BTreeMap<(&str, Level), Vec<usize>> = BTreeMap::new();
    for (i, o) in org.objectives.iter().enumerate() {
        if o.level() == Level::Company || !o.aligns_to.is_empty() {
            continue;
        }
        let period = &cx.periods[i];
        let could_align = [Level::Team, Level::Company]
            .into_iter()
            .any(|l| l > o.level() && covered.overlaps(l, period.as_ref()));
        if could_align || period.is_none() {
            out.push(unaligned_one(o));
        } else {
            stranded
                .entry((&o.period.value, o.level()))
                .or_default()
                .push(i);
        }
    }
    for ((period, level), objectives) in stranded {
        let first = &org.objectives[objectives[0]];
        if let [_] = objectives[..] {
            out.push(unaligned_one(first));
            continue;
        }
        let (level, n) = (level.name(), objectives.len());
        let above = if level == "person" {
            "team or company"
        } else {
            "company"
        };
        out.push(
            Diagnostic::new(
                Rule::Unaligned,
                first.file,
                Some(first.title.span),
                format!("none of the {n} {level} objectives of {period} aligns to anything: there are no {above} objectives in {period} to align to"),
            )
            .with_help(format!(
                "write the {above} objectives of {period} and align these to them; \
                 where this level has no objectives on purpose, set `unaligned = \"off\"` under `[checks.rules]`"
            )),
        );
    }
}

fn unaligned_one(o: &Objective) -> Diagnostic {
    let parent = if o.level() == Level::Person {
        "team or company"
    } else {
        "company"
    };
    Diagnostic::new(
        Rule::Unaligned,
        o.file,
        Some(o.title.span),
        format!("this {} objective aligns to nothing", o.level().name()),
    )
    .with_help(format!(
        "add `aligns_to = \"…\"` with the {parent} objective (or `objective#key-result`) it supports"
    ))
}

pub fn unsupported_objective(cx: &Context, out: &mut Vec<Diagnostic>) {
    let org = cx.org;
    let covered = Coverage::of(cx);
    // Company objectives of periods with no team or person objectives at all.
    let mut alone: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, o) in org.objectives.iter().enumerate() {
        if o.level() != Level::Company || !o.children.is_empty() {
            continue;
        }
        let period = &cx.periods[i];
        let supportable = [Level::Person, Level::Team]
            .into_iter()
            .any(|l| covered.overlaps(l, period.as_ref()));
        if supportable || period.is_none() {
            out.push(unsupported_one(o));
        } else {
            alone.entry(&o.period.value).or_default().push(i);
        }
    }
    for (period, objectives) in alone {
        let first = &org.objectives[objectives[0]];
        if let [_] = objectives[..] {
            out.push(unsupported_one(first));
            continue;
        }
        let n = objectives.len();
        out.push(
            Diagnostic::new(
                Rule::UnsupportedObjective,
                first.file,
                Some(first.title.span),
                format!("no objective aligns to any of the {n} company objectives of {period}: there are no team or person objectives in {period}"),
            )
            .with_help(format!(
                "teams write their objectives for {period} with `aligns_to` one of these; \
                 a company that sets only company objectives can set `unsupported-objective = \"off\"` under `[checks.rules]`"
            )),
        );
    }
}

fn unsupported_one(o: &Objective) -> Diagnostic {
    Diagnostic::new(
        Rule::UnsupportedObjective,
        o.file,
        Some(o.title.span),
        "no team or person objective aligns to this company objective",
    )
    .with_help("a company objective nobody works on will not move: align a team objective to it, or drop it")
}

/// The days covered by the periods of each level's objectives, so that
/// "is there any company objective during this quarter" costs a binary
/// search rather than a walk over every objective.
struct Coverage {
    /// Per level (indexed by `Level as usize`): disjoint, sorted day ranges.
    days: [Vec<(NaiveDate, NaiveDate)>; 3],
}

impl Coverage {
    fn of(cx: &Context) -> Coverage {
        let mut days: [Vec<(NaiveDate, NaiveDate)>; 3] = Default::default();
        let mut seen: BTreeSet<(Level, &str)> = BTreeSet::new();
        for (o, period) in cx.org.objectives.iter().zip(cx.periods) {
            if seen.insert((o.level(), &o.period.value))
                && let Some(p) = period
            {
                days[o.level() as usize].push((p.start, p.end));
            }
        }
        for ranges in &mut days {
            ranges.sort_unstable();
            let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(ranges.len());
            for &(start, end) in ranges.iter() {
                match merged.last_mut() {
                    Some(last) if start <= last.1 => last.1 = last.1.max(end),
                    _ => merged.push((start, end)),
                }
            }
            *ranges = merged;
        }
        Coverage { days }
    }

    /// Whether objectives of `level` exist in a period overlapping `period`.
    fn overlaps(&self, level: Level, period: Option<&Period>) -> bool {
        let Some(p) = period else { return false };
        let ranges = &self.days[level as usize];
        let i = ranges.partition_point(|&(_, end)| end < p.start);
        ranges.get(i).is_some_and(|&(start, _)| start <= p.end)
    }
}

/// Finds every cycle in a graph given as adjacency lists, without recursion
/// (chains may be thousands deep). Each cycle is returned once, as its nodes
/// in order, starting from its smallest node.
pub fn find_cycles(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut mark = vec![Mark::New; edges.len()];
    let mut seen: BTreeSet<Vec<usize>> = BTreeSet::new();
    for root in 0..edges.len() {
        if mark[root] != Mark::New {
            continue;
        }
        // (node, next edge to follow); `path` mirrors the active nodes.
        let mut stack = vec![(root, 0)];
        mark[root] = Mark::Active;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&to) = edges[node].get(*next) {
                *next += 1;
                match mark[to] {
                    Mark::New => {
                        mark[to] = Mark::Active;
                        stack.push((to, 0));
                    }
                    Mark::Active => {
                        let start = stack.iter().position(|&(n, _)| n == to).unwrap_or(0);
                        let mut cycle: Vec<usize> =
                            stack[start..].iter().map(|&(n, _)| n).collect();
                        let min = cycle
                            .iter()
                            .enumerate()
                            .min_by_key(|&(_, n)| *n)
                            .map_or(0, |(i, _)| i);
                        cycle.rotate_left(min);
                        seen.insert(cycle);
                    }
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                stack.pop();
            }
        }
    }
    seen.into_iter().collect()
}

pub fn alignment_cycle(cx: &Context, out: &mut Vec<Diagnostic>) {
    let org = cx.org;
    let edges: Vec<Vec<usize>> = org
        .objectives
        .iter()
        .map(|o| o.parents.iter().map(|l| l.objective).collect())
        .collect();
    for cycle in find_cycles(&edges) {
        let first = &org.objectives[cycle[0]];
        let next = cycle.get(1).copied().unwrap_or(cycle[0]);
        let span = first
            .parents
            .iter()
            .find(|l| l.objective == next)
            .map(|l| l.span);
        let names: Vec<&str> = cycle
            .iter()
            .chain(std::iter::once(&cycle[0]))
            .map(|&i| org.objectives[i].id.value.as_str())
            .collect();
        out.push(
            Diagnostic::new(
                Rule::AlignmentCycle,
                first.file,
                span,
                format!(
                    "objectives align to each other in a circle: {}",
                    names.join(" → ")
                ),
            )
            .with_help(
                "alignment runs up from person to team to company; remove one of these `aligns_to`",
            ),
        );
    }
    team_cycles(org, out);
}

fn team_cycles(org: &Org, out: &mut Vec<Diagnostic>) {
    let edges: Vec<Vec<usize>> = org
        .teams
        .iter()
        .map(|t| {
            t.parent
                .iter()
                .filter_map(|p| org.team_index(&p.value))
                .collect()
        })
        .collect();
    for cycle in find_cycles(&edges) {
        let first = &org.teams[cycle[0]];
        let names: Vec<&str> = cycle
            .iter()
            .chain(std::iter::once(&cycle[0]))
            .map(|&i| org.teams[i].id.value.as_str())
            .collect();
        out.push(Diagnostic::new(
            Rule::AlignmentCycle,
            first.file,
            first.parent.as_ref().map(|p| p.span),
            format!("teams are their own parents: {}", names.join(" → ")),
        ));
    }
}

pub fn alignment_inversion(cx: &Context, out: &mut Vec<Diagnostic>) {
    for o in &cx.org.objectives {
        for link in &o.parents {
            let parent = &cx.org.objectives[link.objective];
            if parent.level() < o.level() {
                out.push(
                    Diagnostic::new(
                        Rule::AlignmentInversion,
                        o.file,
                        Some(link.span),
                        format!(
                            "a {} objective cannot align to a {} objective (`{}`)",
                            o.level().name(),
                            parent.level().name(),
                            parent.id.value
                        ),
                    )
                    .with_help("alignment runs upwards: person → team → company; align the other way round"),
                );
            }
        }
    }
}

pub fn period_mismatch(cx: &Context, out: &mut Vec<Diagnostic>) {
    let org = cx.org;
    for o in &org.objectives {
        let Some(own) = org.period(&o.period.value) else {
            continue;
        };
        for link in &o.parents {
            let parent = &org.objectives[link.objective];
            let Some(theirs) = org.period(&parent.period.value) else {
                continue;
            };
            if !own.overlaps(&theirs) {
                out.push(
                    Diagnostic::new(
                        Rule::PeriodMismatch,
                        o.file,
                        Some(link.span),
                        format!(
                            "`{}` belongs to {} ({} to {}), which does not overlap {}",
                            parent.id.value, theirs.name, theirs.start, theirs.end, own.name
                        ),
                    )
                    .with_help("align to an objective of this period or of one that contains it"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::*;

    fn person_objective(id: &str, aligns: &str) -> (String, String) {
        (
            format!("okrs/2026-Q1/anna/{id}.md"),
            format!(
                "+++\ntitle = \"Mine\"\nperiod = \"2026-Q1\"\nperson = \"anna\"\n{aligns}{}+++\n",
                key_results(2)
            ),
        )
    }

    #[test]
    fn cycles_are_found_once_each() {
        assert_eq!(find_cycles(&[vec![1], vec![2], vec![0]]), [vec![0, 1, 2]]);
        assert_eq!(find_cycles(&[vec![0]]), [vec![0]]);
        assert_eq!(
            find_cycles(&[vec![1], vec![], vec![1]]),
            Vec::<Vec<usize>>::new()
        );
        // A chain far deeper than any call stack could follow.
        let chain: Vec<Vec<usize>> = (0..200_000).map(|i| vec![i + 1]).chain([vec![0]]).collect();
        assert_eq!(find_cycles(&chain)[0].len(), 200_001);
    }

    #[test]
    fn unaligned_and_unsupported() {
        let owned = [company("grow"), person_objective("learn", "")];
        let found = findings(&files(&owned));
        assert!(found.contains(&(
            "unaligned".into(),
            "okrs/2026-Q1/anna/learn.md".into(),
            Some(2)
        )));
        assert!(found.contains(&(
            "unsupported-objective".into(),
            "okrs/2026-Q1/grow.md".into(),
            Some(2)
        )));
    }

    /// A team objective of `sales` in `period` that aligns to nothing.
    fn team_alone(id: &str, period: &str) -> (String, String) {
        (
            format!("okrs/{period}/sales/{id}.md"),
            format!(
                "+++\ntitle = \"Team {id}\"\nperiod = \"{period}\"\nteam = \"sales\"\n{}+++\n",
                key_results(2)
            ),
        )
    }

    #[test]
    fn without_company_objectives_unaligned_is_said_once_per_period() {
        let owned = [
            team_alone("a", "2026-Q1"),
            team_alone("b", "2026-Q1"),
            team_alone("c", "2026-Q1"),
            // A company objective of the year: every quarter's team objectives could align.
            (
                "okrs/2026/grow.md".to_string(),
                format!(
                    "+++\ntitle = \"Grow\"\nperiod = \"2026\"\n{}+++\n",
                    key_results(2)
                ),
            ),
            team_alone("d", "2026-Q2"),
            team_alone("e", "2026-Q2"),
        ];
        let checked = run(&files(&owned));
        let unaligned: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.rule.name() == "unaligned")
            .map(|d| (checked.org.file(d.file).path.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(unaligned.len(), 5, "{unaligned:#?}");
        assert!(
            unaligned
                .iter()
                .all(|(_, m)| *m == "this team objective aligns to nothing")
        );

        let owned = [team_alone("a", "2025-Q3"), team_alone("b", "2025-Q3")];
        let checked = run(&files(&owned));
        let unaligned: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.rule.name() == "unaligned")
            .collect();
        assert_eq!(unaligned.len(), 1, "{unaligned:#?}");
        assert_eq!(
            unaligned[0].message,
            "none of the 2 team objectives of 2025-Q3 aligns to anything: there are no company objectives in 2025-Q3 to align to"
        );
        assert!(
            unaligned[0]
                .help
                .as_deref()
                .is_some_and(|h| h.contains("`unaligned = \"off\"`"))
        );
    }

    #[test]
    fn without_team_or_person_objectives_unsupported_is_said_once_per_period() {
        let owned = [company("grow"), company("hire"), company("save")];
        assert_eq!(
            of_rule("unsupported-objective", &files(&owned)),
            [at("okrs/2026-Q1/grow.md", 2)]
        );
        // With one team objective in the period, each unsupported one is named.
        let owned = [
            company("grow"),
            company("hire"),
            team_objective("sell", "grow", ""),
        ];
        assert_eq!(
            of_rule("unsupported-objective", &files(&owned)),
            [at("okrs/2026-Q1/hire.md", 2)]
        );
    }

    #[test]
    fn cycle_is_reported_at_an_aligns_to() {
        let owned = [
            company("grow"),
            team_objective("a", "b", ""),
            team_objective("b", "a", ""),
        ];
        assert_eq!(
            of_rule("alignment-cycle", &files(&owned)),
            [at("okrs/2026-Q1/sales/a.md", 5)]
        );
    }

    #[test]
    fn team_parent_cycle() {
        let owned = [
            (
                "teams/a.md".to_string(),
                "+++\nparent = \"b\"\n+++\n".to_string(),
            ),
            (
                "teams/b.md".to_string(),
                "+++\nparent = \"a\"\n+++\n".to_string(),
            ),
        ];
        assert_eq!(
            of_rule("alignment-cycle", &files(&owned)),
            [at("teams/a.md", 2)]
        );
    }

    #[test]
    fn team_aligning_to_a_person_is_inverted() {
        let owned = [
            company("grow"),
            person_objective("mine", "aligns_to = \"grow\"\n"),
            team_objective("sell", "mine", ""),
        ];
        assert_eq!(
            of_rule("alignment-inversion", &files(&owned)),
            [at("okrs/2026-Q1/sales/sell.md", 5)]
        );
    }

    #[test]
    fn aligning_across_non_overlapping_periods() {
        let owned = [
            company("grow"),
            team_objective("sell", "2026-Q2/later", ""),
            (
                "okrs/2026-Q2/later.md".to_string(),
                company("later").1.replace("2026-Q1", "2026-Q2"),
            ),
        ];
        assert_eq!(
            of_rule("period-mismatch", &files(&owned)),
            [at("okrs/2026-Q1/sales/sell.md", 5)]
        );
    }
}
