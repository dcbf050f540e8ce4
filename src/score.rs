//! Scoring: pure functions from numbers and dates to progress, scores and statuses.

use crate::model::period::Period;
use crate::model::{Bound, KeyResult, Measure, Objective, Org, Owner, Thresholds};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// How a key result or objective stands: while its period runs, against the
/// expected pace; once it has ended, the final grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    OnTrack,
    AtRisk,
    OffTrack,
    Achieved,
    Partial,
    Missed,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::OnTrack => "on-track",
            Status::AtRisk => "at-risk",
            Status::OffTrack => "off-track",
            Status::Achieved => "achieved",
            Status::Partial => "partial",
            Status::Missed => "missed",
        }
    }
}

/// Raw progress from `start` towards `target`: below 0 when it went the wrong
/// way, above 1 when it overshot. Works for decreasing metrics (start 5, target 2).
/// `None` when start equals target: there is no distance to cover.
pub fn progress(start: f64, target: f64, current: f64) -> Option<f64> {
    let (covered, distance) = (current - start, target - start);
    if covered.is_finite() && distance.is_finite() {
        return (distance != 0.0).then(|| covered / distance);
    }
    // Wider than the largest float (from -1e308 to 1e308): in halves, which
    // cannot overflow, and which halving does not change the ratio of.
    let (covered, distance) = (current / 2.0 - start / 2.0, target / 2.0 - start / 2.0);
    (distance != 0.0).then(|| covered / distance)
}

/// Progress as it counts towards a score: clamped to 0..=1.
pub fn clamp(raw: f64) -> f64 {
    raw.clamp(0.0, 1.0)
}

/// A key result's raw progress on `as_of` in its objective's `period`. A
/// milestone is 1 when `done`, else what its latest check-in says (1 done,
/// 0 not done); a metric to keep, the share of the period it has held (see
/// [`held_progress`]), which needs the period.
pub fn key_result_progress(
    kr: &KeyResult,
    period: Option<&Period>,
    as_of: NaiveDate,
) -> Option<f64> {
    match &kr.measure {
        Measure::Milestone { done } if done.value => Some(1.0),
        Measure::Kept { .. } => held_progress(kr, period?, as_of),
        _ => value_progress(kr, kr.current(as_of)),
    }
}

/// The raw progress a value of this key result stands for; a milestone's
/// value is 1 for done and 0 for not done. A metric to keep is scored over
/// days, not by one value: `None` here.
pub fn value_progress(kr: &KeyResult, value: f64) -> Option<f64> {
    match &kr.measure {
        Measure::Metric { start, target } => progress(start.value, target.value, value),
        Measure::Milestone { .. } => Some(clamp(value)),
        Measure::Missing { .. } | Measure::Kept { .. } => None,
    }
}

/// A metric to keep's progress on `as_of`: the days of its period it has
/// held its bound so far, as a share of all the period's days. Each value
/// counts from its day until the next one's; days before its first known
/// value (its `start`, else its first check-in) count as not held. It grows
/// like any progress while the metric holds, and after the last day it is
/// the share of the period the metric held. `None` for an unknown bound.
pub fn held_progress(kr: &KeyResult, period: &Period, as_of: NaiveDate) -> Option<f64> {
    let (bound, target) = kr.kept()?;
    let Some(until) = drawn_until(period, as_of) else {
        return Some(0.0);
    };
    let mut tally = Tally::new(period, bound, target);
    for (day, value) in key_result_history(kr, period, as_of) {
        tally.record(day, value);
    }
    Some(tally.progress_on(until))
}

/// How many days a metric to keep has held its bound, value by value.
#[derive(Clone, Copy, Debug)]
struct Tally {
    bound: Bound,
    target: f64,
    /// Days in the period, its first and last included.
    days: f64,
    /// Days held before the latest value's day.
    held: i64,
    /// The latest value's day, and whether that value holds.
    since: Option<(NaiveDate, bool)>,
}

impl Tally {
    fn new(period: &Period, bound: Bound, target: f64) -> Tally {
        Tally {
            bound,
            target,
            days: ((period.end - period.start).num_days() + 1).max(1) as f64,
            held: 0,
            since: None,
        }
    }

    /// A value from `day` on; days come in order, and the last of a day wins.
    fn record(&mut self, day: NaiveDate, value: f64) {
        if let Some((from, true)) = self.since {
            self.held += (day - from).num_days();
        }
        self.since = Some((day, self.bound.holds(value, self.target)));
    }

    /// The share of the period held up to `day`, that day included.
    fn progress_on(&self, day: NaiveDate) -> f64 {
        let open = match self.since {
            Some((from, true)) if day >= from => (day - from).num_days() + 1,
            _ => 0,
        };
        (self.held + open) as f64 / self.days
    }
}

/// Σ wᵢvᵢ / Σ wᵢ over (value, weight) pairs; `None` without positive weight.
/// Values are scores or progress (finite, near 0..=1); weights may be as
/// large as a float goes: two of 1e308 weigh as two of 1.
pub fn weighted_mean(items: impl IntoIterator<Item = (f64, f64)>) -> Option<f64> {
    // 2⁻⁵¹²: scaling by a power of two changes no digit of the mean.
    const SHRINK: f64 = f64::from_bits((1023 - 512) << 52);
    let (mut sum, mut weights, mut scale) = (0.0, 0.0, 1.0);
    let counted = |&(value, weight): &(f64, f64)| weight > 0.0 && f64::is_finite(value);
    for (value, weight) in items.into_iter().filter(counted) {
        let mut weight = weight * scale;
        // Only sums that would overflow are scaled, so ordinary weights add
        // up exactly as written.
        while !(weights + weight).is_finite() || !(sum + value * weight).is_finite() {
            (sum, weights, weight, scale) = (
                sum * SHRINK,
                weights * SHRINK,
                weight * SHRINK,
                scale * SHRINK,
            );
        }
        sum += value * weight;
        weights += weight;
    }
    (weights > 0.0).then(|| sum / weights)
}

pub fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    weighted_mean(values.into_iter().map(|v| (v, 1.0)))
}

/// The share of the period elapsed at `as_of`: 0 on its first day, 1 on its last.
pub fn elapsed_fraction(period: &Period, as_of: NaiveDate) -> f64 {
    let span = (period.end - period.start).num_days();
    if span <= 0 {
        return if as_of >= period.start { 1.0 } else { 0.0 };
    }
    let elapsed = (as_of - period.start).num_days();
    (elapsed as f64 / span as f64).clamp(0.0, 1.0)
}

/// The final grade of a score aiming at `goal` (see [`Thresholds::goal`]):
/// achieved, partial or missed.
pub fn grade(score: f64, goal: f64, t: &Thresholds) -> Status {
    if score >= goal {
        Status::Achieved
    } else if score >= t.partial {
        Status::Partial
    } else {
        Status::Missed
    }
}

/// The score expected by `as_of` of an objective aiming at `goal`: the pace
/// runs from 0 on the period's first day to the goal on its last.
pub fn expected(period: &Period, as_of: NaiveDate, goal: f64) -> f64 {
    goal * elapsed_fraction(period, as_of)
}

/// Status of a (clamped) progress or score in a period at `as_of`, aiming
/// at `goal`: the objective's (see [`Thresholds::goal`]), also for its key
/// results.
///
/// Each band's edge runs in a straight line from its tolerance below 0 on
/// the first day to the grade it stands for on the last: `on-track` from
/// `−on_track_tolerance` to the kind's goal, `at-risk` from
/// `−at_risk_tolerance` to `partial`. So early on the bands are as forgiving
/// as a tolerance allows, and on the last day the status is the grade the
/// next day brings: on-track ⇒ achieved, at-risk ⇒ partial, off-track ⇒ missed.
pub fn status(
    progress: f64,
    period: &Period,
    as_of: NaiveDate,
    goal: f64,
    t: &Thresholds,
) -> Status {
    if as_of > period.end {
        return grade(progress, goal, t);
    }
    let elapsed = elapsed_fraction(period, as_of);
    let edge = |grade: f64, tolerance: f64| grade * elapsed - tolerance * (1.0 - elapsed);
    if progress >= edge(goal, t.on_track_tolerance) {
        Status::OnTrack
    } else if progress >= edge(t.partial, t.at_risk_tolerance) {
        Status::AtRisk
    } else {
        Status::OffTrack
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KeyResultScore {
    /// Unclamped, to show over-achievement.
    pub progress: Option<f64>,
    /// Clamped to 0..=1.
    pub score: Option<f64>,
    pub status: Option<Status>,
    /// Set when, in a running period, the key result is unfinished and has
    /// had no check-in for more than `stale_after_days`: the
    /// `stale-key-result` rule reports it, the pages mark it.
    #[serde(skip)]
    pub stale: Option<Stale>,
}

/// Since when a key result has gone without a check-in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stale {
    /// The latest check-in's date, or the period's first day without one.
    pub since: NaiveDate,
    /// Whether there was a check-in at all.
    pub checked_in: bool,
    /// Days from `since` to the as-of date.
    pub days: i64,
}

/// Whether `kr` (scored `score`) is stale on `as_of` in `period`, with
/// check-ins due every `limit` days.
fn staleness(
    kr: &KeyResult,
    score: Option<f64>,
    period: Option<&Period>,
    as_of: NaiveDate,
    limit: i64,
) -> Option<Stale> {
    let period = period.filter(|p| p.contains_date(as_of))?;
    let waiting = match &kr.measure {
        Measure::Milestone { done } => done.value || !milestone_expected(kr, period, as_of),
        _ => score.is_some_and(|s| s >= 1.0),
    };
    if waiting {
        return None;
    }
    let latest = kr.latest_checkin(as_of);
    let since = latest.map_or(period.start, |c| c.date.value);
    let days = (as_of - since).num_days();
    (days > limit).then_some(Stale {
        since,
        checked_in: latest.is_some(),
        days,
    })
}

/// Whether news of a milestone is expected by `as_of`: once it is due, or
/// once half its period has passed. Before that, a milestone has nothing to
/// report, and asking for check-ins from the period's first day is noise.
fn milestone_expected(kr: &KeyResult, period: &Period, as_of: NaiveDate) -> bool {
    kr.due.as_ref().is_some_and(|due| due.value <= as_of) || elapsed_fraction(period, as_of) > 0.5
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectiveScore {
    /// The score that counts: the retrospective's override if there is one,
    /// else the computed score. Statuses and owner scores use it.
    pub score: Option<f64>,
    /// Weighted mean of its key results' clamped progress.
    pub computed: Option<f64>,
    /// `[retrospective] score`, shown beside the computed one, never instead.
    pub overridden: Option<f64>,
    pub status: Option<Status>,
    /// The score it aims at, by its kind: what its pace runs to and its
    /// grade `achieved` starts from (see [`Thresholds::goal`]).
    pub goal: f64,
    pub key_results: Vec<KeyResultScore>,
    /// Mean score of the objectives aligned to it, kept beside its own score.
    pub aligned_progress: Option<f64>,
    /// It has no key results of its own and objectives align to it: some
    /// companies measure a parent only through its children. Its computed
    /// score is then its aligned progress.
    pub from_aligned: bool,
}

/// Who a score belongs to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "level", content = "id", rename_all = "lowercase")]
pub enum OwnerKey {
    Company,
    Team(String),
    Person(String),
}

/// Every score of an organisation at one as-of date.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    /// Parallel to [`Org::objectives`].
    pub objectives: Vec<ObjectiveScore>,
    /// An owner's objectives per period, taken together.
    pub owners: BTreeMap<(OwnerKey, String), OwnerScore>,
}

/// An owner's objectives of one period, taken together.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct OwnerScore {
    /// The mean of their scores.
    pub score: f64,
    /// The mean of their goals: what the owner's pace runs to.
    pub goal: f64,
}

impl Scores {
    /// The mean score of `owner`'s objectives in `period`, if any has one.
    pub fn owner(&self, owner: OwnerKey, period: &str) -> Option<f64> {
        self.owner_score(owner, period).map(|o| o.score)
    }

    pub fn owner_score(&self, owner: OwnerKey, period: &str) -> Option<OwnerScore> {
        self.owners.get(&(owner, period.to_string())).copied()
    }
}

/// Scores every objective of `org`, and each team's and person's, as of `as_of`.
pub fn score_org(org: &Org, as_of: NaiveDate) -> Scores {
    score_org_in(org, &org.objective_periods(), as_of)
}

/// [`score_org`], given each objective's period ([`Org::objective_periods`])
/// by a caller that looked them up already, as the check does for its rules.
pub fn score_org_in(org: &Org, periods: &[Option<Period>], as_of: NaiveDate) -> Scores {
    let thresholds = &org.config.checks.thresholds;
    let stale_after = org.config.checks.stale_after_days;
    let mut objectives: Vec<ObjectiveScore> = org
        .objectives
        .iter()
        .zip(periods)
        .map(|(objective, period)| {
            let goal = thresholds.goal(objective.kind());
            let stand = |score: Option<f64>| {
                Some(status(score?, period.as_ref()?, as_of, goal, thresholds))
            };
            let key_results: Vec<KeyResultScore> = objective
                .key_results
                .iter()
                .map(|kr| {
                    let progress = key_result_progress(kr, period.as_ref(), as_of);
                    let score = progress.map(clamp);
                    KeyResultScore {
                        progress,
                        score,
                        status: stand(score),
                        stale: staleness(kr, score, period.as_ref(), as_of, stale_after),
                    }
                })
                .collect();
            let computed = weighted_mean(
                objective
                    .key_results
                    .iter()
                    .zip(&key_results)
                    .filter_map(|(kr, s)| Some((s.score?, kr.weight()))),
            );
            let overridden = objective
                .retrospective
                .as_ref()
                .and_then(|r| r.score.as_ref())
                .map(|s| clamp(s.value));
            let score = overridden.or(computed);
            ObjectiveScore {
                score,
                computed,
                overridden,
                status: stand(score),
                goal,
                key_results,
                aligned_progress: None,
                from_aligned: false,
            }
        })
        .collect();
    // Children first, so that a parent measured through its children sees
    // their final scores, however deep the chain.
    for i in children_first(org) {
        let objective = &org.objectives[i];
        let aligned = mean(
            objective
                .children
                .iter()
                .filter_map(|&c| objectives[c].score),
        );
        let s = &mut objectives[i];
        s.aligned_progress = aligned;
        if objective.key_results.is_empty() && !objective.children.is_empty() {
            s.from_aligned = true;
            s.computed = aligned;
            s.score = s.overridden.or(aligned);
            s.status = s
                .score
                .zip(periods[i].as_ref())
                .map(|(score, p)| status(score, p, as_of, s.goal, thresholds));
        }
    }
    let mut by_owner: BTreeMap<(OwnerKey, String), Vec<(f64, f64)>> = BTreeMap::new();
    for (objective, score_of) in org.objectives.iter().zip(&objectives) {
        let owner = match objective.owner {
            Owner::Company => OwnerKey::Company,
            Owner::Team(i) => OwnerKey::Team(org.teams[i].id.value.clone()),
            Owner::Person(i) => OwnerKey::Person(org.people[i].id.value.clone()),
            Owner::Unknown => continue,
        };
        if let Some(score) = score_of.score {
            by_owner
                .entry((owner, objective.period.value.clone()))
                .or_default()
                .push((score, score_of.goal));
        }
    }
    let owners = by_owner
        .into_iter()
        .filter_map(|(key, scores)| {
            let owner = OwnerScore {
                score: mean(scores.iter().map(|s| s.0))?,
                goal: mean(scores.iter().map(|s| s.1))?,
            };
            Some((key, owner))
        })
        .collect();
    Scores { objectives, owners }
}

/// Every objective once, each after all the objectives aligned to it. An
/// alignment cycle (reported by its own rule) is cut where it closes.
fn children_first(org: &Org) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let n = org.objectives.len();
    let mut mark = vec![Mark::New; n];
    let mut order = Vec::with_capacity(n);
    for root in 0..n {
        if mark[root] != Mark::New {
            continue;
        }
        // Without recursion: chains may be thousands deep.
        let mut stack = vec![(root, 0)];
        mark[root] = Mark::Open;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            match org.objectives[node].children.get(*next) {
                Some(&child) => {
                    *next += 1;
                    if mark[child] == Mark::New {
                        mark[child] = Mark::Open;
                        stack.push((child, 0));
                    }
                }
                None => {
                    mark[node] = Mark::Done;
                    order.push(node);
                    stack.pop();
                }
            }
        }
    }
    order
}

/// A dated series of numbers, oldest first.
pub type Series = Vec<(NaiveDate, f64)>;

/// The days a series is drawn over: the period, up to `as_of` while it runs.
/// `None` before the period starts: there is nothing to draw yet.
pub fn drawn_until(period: &Period, as_of: NaiveDate) -> Option<NaiveDate> {
    (as_of >= period.start).then(|| as_of.min(period.end))
}

/// A key result's values over its period: its `start` on the first day
/// (unless a check-in is dated then), each check-in up to `as_of` (those
/// before the period count from its first day), and a written `current` on
/// the last day drawn. A milestone's values are 1 (done) and 0.
pub fn key_result_history(kr: &KeyResult, period: &Period, as_of: NaiveDate) -> Series {
    let Some(until) = drawn_until(period, as_of) else {
        return Vec::new();
    };
    let mut checkins: Vec<(NaiveDate, usize, f64)> = kr
        .checkins
        .iter()
        .enumerate()
        .filter(|(_, c)| c.date.value <= until)
        .map(|(i, c)| (c.date.value.max(period.start), i, c.value.value))
        .collect();
    checkins.sort_by_key(|&(date, i, _)| (date, i));
    let mut series: Series = Vec::with_capacity(checkins.len() + 2);
    if let Some(start) = kr.known_start()
        && checkins
            .first()
            .is_none_or(|&(date, _, _)| date > period.start)
    {
        series.push((period.start, start));
    }
    for (date, _, value) in checkins {
        // One point a day: the last written of a day wins, as for scores.
        match series.last_mut() {
            Some(last) if last.0 == date => last.1 = value,
            _ => series.push((date, value)),
        }
    }
    let now = match &kr.measure {
        Measure::Milestone { done } if done.value => Some(1.0),
        _ => kr.current.as_ref().map(|c| c.value),
    };
    if let Some(now) = now
        && series.last().is_none_or(|&(_, v)| v != now)
    {
        match series.last_mut() {
            Some(last) if last.0 == until => last.1 = now,
            _ => series.push((until, now)),
        }
    }
    series
}

/// An objective's computed score over its period: on its first day, on each
/// day one of its key results was checked in, and on the last day drawn,
/// where it equals the computed score on `as_of`.
pub fn objective_history(objective: &Objective, period: &Period, as_of: NaiveDate) -> Series {
    let Some(until) = drawn_until(period, as_of) else {
        return Vec::new();
    };
    let key_results = &objective.key_results;
    // Every check-in that moves a value, as (day, key result, written order, value).
    let mut moves: Vec<(NaiveDate, usize, usize, f64)> = key_results
        .iter()
        .enumerate()
        .flat_map(|(k, kr)| {
            kr.checkins
                .iter()
                .enumerate()
                .filter(move |(_, c)| c.date.value <= until)
                .map(move |(i, c)| (c.date.value.max(period.start), k, i, c.value.value))
        })
        .collect();
    moves.sort_by_key(|&(date, k, i, _)| (date, k, i));
    // Each key result's progress as the days pass: a value's, or a metric
    // to keep's tally of the days it held.
    enum Track {
        Value(Option<f64>),
        Held(Tally),
    }
    let mut tracks: Vec<Track> = key_results
        .iter()
        .map(|kr| match kr.kept() {
            Some((bound, target)) => {
                let mut tally = Tally::new(period, bound, target);
                if let Some(start) = kr.known_start() {
                    tally.record(period.start, start);
                }
                Track::Held(tally)
            }
            None => Track::Value(value_progress(kr, kr.start())),
        })
        .collect();
    let score = |tracks: &[Track], day: NaiveDate| {
        weighted_mean(key_results.iter().zip(tracks).filter_map(|(kr, track)| {
            let progress = match track {
                Track::Value(progress) => (*progress)?,
                Track::Held(tally) => tally.progress_on(day),
            };
            Some((clamp(progress), kr.weight()))
        }))
    };
    let mut series: Series = Vec::new();
    let mut at = 0;
    let mut day = period.start;
    loop {
        while let Some(&(_, k, _, value)) = moves.get(at).filter(|m| m.0 == day) {
            match &mut tracks[k] {
                Track::Value(progress) => *progress = value_progress(&key_results[k], value),
                Track::Held(tally) => tally.record(day, value),
            }
            at += 1;
        }
        if let Some(s) = score(&tracks, day) {
            series.push((day, s));
        }
        match moves.get(at) {
            Some(&(next, ..)) => day = next,
            None => break,
        }
    }
    // The last day drawn holds the score as computed on `as_of` (a written
    // `current`, a milestone marked done).
    let now = weighted_mean(key_results.iter().filter_map(|kr| {
        let progress = key_result_progress(kr, Some(period), as_of)?;
        Some((clamp(progress), kr.weight()))
    }));
    if let Some(now) = now {
        match series.last_mut() {
            Some(last) if last.0 == until => last.1 = now,
            Some(&mut (_, v)) if v == now => {}
            _ => series.push((until, now)),
        }
    }
    series
}

/// The mean of several series over the union of their days: each counts
/// with its latest value on or before a day, from its first day on.
pub fn mean_history(series: &[&[(NaiveDate, f64)]]) -> Series {
    let mut days: Vec<NaiveDate> = series.iter().flat_map(|s| s.iter().map(|p| p.0)).collect();
    days.sort_unstable();
    days.dedup();
    let mut cursors = vec![0usize; series.len()];
    days.into_iter()
        .filter_map(|day| {
            let values = series.iter().zip(&mut cursors).filter_map(|(s, at)| {
                while s.get(*at).is_some_and(|p| p.0 <= day) {
                    *at += 1;
                }
                s.get(at.checked_sub(1)?).map(|p| p.1)
            });
            Some((day, mean(values)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectiveKind;

    fn quarter() -> Period {
        Period::builtin("2026-Q1").unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn progress_runs_from_start_to_target() {
        assert_eq!(progress(0.0, 100_000.0, 42_000.0), Some(0.42));
        assert_eq!(progress(10.0, 20.0, 10.0), Some(0.0));
        assert_eq!(progress(10.0, 20.0, 25.0), Some(1.5));
        assert_eq!(progress(3.0, 3.0, 3.0), None);
    }

    #[test]
    fn decreasing_metrics_count_down() {
        assert_eq!(progress(5.0, 2.0, 3.5), Some(0.5));
        assert_eq!(progress(5.0, 2.0, 6.0), Some(-1.0 / 3.0));
        assert_eq!(clamp(-0.3), 0.0);
        assert_eq!(clamp(1.4), 1.0);
    }

    #[test]
    fn weighted_mean_respects_weights() {
        assert_eq!(weighted_mean([(1.0, 3.0), (0.0, 1.0)]), Some(0.75));
        assert_eq!(weighted_mean([]), None);
        assert_eq!(mean([0.2, 0.4]), Some(0.30000000000000004));
    }

    #[test]
    fn numbers_near_the_float_limits_score_as_small_ones_do() {
        // Two equal weights, however large or small: half of one done.
        assert_eq!(weighted_mean([(1.0, 1e308), (0.0, 1e308)]), Some(0.5));
        assert_eq!(weighted_mean([(1.0, 1e-320), (0.0, 1e-320)]), Some(0.5));
        assert_eq!(weighted_mean([(1.0, f64::MAX), (0.0, 1.0)]), Some(1.0));
        // A range wider than the largest float.
        assert_eq!(progress(-1e308, 1e308, 0.0), Some(0.5));
        assert_eq!(progress(-1e308, 1e308, 1e308), Some(1.0));
        assert_eq!(progress(1e308, -1e308, -1e308), Some(1.0));
        assert_eq!(progress(-f64::MAX, f64::MAX, f64::MAX), Some(1.0));
    }

    #[test]
    fn elapsed_fraction_is_zero_on_the_first_day_and_one_on_the_last() {
        let q = quarter();
        assert_eq!(elapsed_fraction(&q, date("2026-01-01")), 0.0);
        assert_eq!(elapsed_fraction(&q, date("2026-03-31")), 1.0);
        assert_eq!(elapsed_fraction(&q, date("2025-12-01")), 0.0);
        let mid = elapsed_fraction(&q, date("2026-02-15"));
        assert!((mid - 45.0 / 89.0).abs() < 1e-9);
    }

    #[test]
    fn status_compares_progress_with_the_pace_to_the_goal() {
        let t = Thresholds::default();
        let q = quarter();
        let mid = date("2026-02-15"); // about half the quarter elapsed
        let aspirational = t.goal(ObjectiveKind::Aspirational);
        // On track from about 0.30 (half of 0.7, less half the tolerance),
        // at risk from about 0.08 (half of 0.4, less half of 0.25).
        assert_eq!(status(0.31, &q, mid, aspirational, &t), Status::OnTrack);
        assert_eq!(status(0.29, &q, mid, aspirational, &t), Status::AtRisk);
        assert_eq!(status(0.07, &q, mid, aspirational, &t), Status::OffTrack);
        // A committed objective paces to 1: on track from about 0.46.
        let committed = t.goal(ObjectiveKind::Committed);
        assert_eq!(status(0.47, &q, mid, committed, &t), Status::OnTrack);
        assert_eq!(status(0.45, &q, mid, committed, &t), Status::AtRisk);
        // On the first day nothing is behind yet; the tolerances are the
        // only slack, as they always were.
        let first = q.start;
        assert_eq!(status(0.0, &q, first, committed, &t), Status::OnTrack);
        assert_eq!(expected(&q, mid, aspirational), 0.7 * 45.0 / 89.0);
    }

    #[test]
    fn ended_periods_get_a_grade_by_kind() {
        let t = Thresholds::default();
        let after = date("2026-04-01");
        let aspirational = t.goal(ObjectiveKind::Aspirational);
        assert_eq!(
            status(0.7, &quarter(), after, aspirational, &t),
            Status::Achieved
        );
        assert_eq!(
            status(0.4, &quarter(), after, aspirational, &t),
            Status::Partial
        );
        assert_eq!(
            status(0.39, &quarter(), after, aspirational, &t),
            Status::Missed
        );
        let committed = t.goal(ObjectiveKind::Committed);
        assert_eq!(
            status(0.9, &quarter(), after, committed, &t),
            Status::Partial
        );
        assert_eq!(
            status(1.0, &quarter(), after, committed, &t),
            Status::Achieved
        );
    }

    /// A small deterministic generator (xorshift64*): many cases, the same
    /// every run, no dependency.
    struct Cases(u64);

    impl Cases {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// A number in 0..=1 with a few exact edges among them.
        fn fraction(&mut self) -> f64 {
            match self.below(8) {
                0 => 0.0,
                1 => 1.0,
                _ => self.below(1001) as f64 / 1000.0,
            }
        }
    }

    #[test]
    fn on_the_last_day_every_status_is_the_grade_of_the_next_day() {
        let q = quarter();
        let (last, next) = (q.end, q.end.succ_opt().unwrap());
        let mut cases = Cases(0x0c0f_fee5);
        for _ in 0..20_000 {
            let mut t = Thresholds::default();
            if cases.below(2) == 0 {
                // Any settings a company may write, edges included.
                t.partial = cases.fraction();
                t.achieved = t.partial.max(cases.fraction());
                t.committed_achieved = t.partial.max(cases.fraction());
                t.on_track_tolerance = cases.fraction();
                t.at_risk_tolerance = cases.fraction();
            }
            let kind =
                [ObjectiveKind::Aspirational, ObjectiveKind::Committed][cases.below(2) as usize];
            let goal = t.goal(kind);
            let score = match cases.below(4) {
                0 => goal,
                1 => t.partial,
                _ => cases.fraction(),
            };
            let before = status(score, &q, last, goal, &t);
            assert!(matches!(
                before,
                Status::OnTrack | Status::AtRisk | Status::OffTrack
            ));
            let after = status(score, &q, next, goal, &t);
            assert_eq!(predict(before), after, "score {score}, {kind:?}, {t:?}");
        }
    }

    /// A generated objective file: a kind, two to four key results of every
    /// measure (rising, falling, milestone), weights, check-ins across the
    /// quarter, and some overrides; some parents have no key results.
    fn generated_objective(cases: &mut Cases, id: usize, aligns_to: Option<usize>) -> String {
        let mut text = format!("+++\ntitle = \"Objective {id}\"\nperiod = \"2026-Q1\"\n");
        if let Some(parent) = aligns_to {
            text.push_str(&format!("team = \"t\"\naligns_to = \"o{parent}\"\n"));
        }
        if cases.below(2) == 0 {
            text.push_str("kind = \"committed\"\n");
        }
        let key_results = match aligns_to {
            None if cases.below(3) == 0 => 0,
            _ => 2 + cases.below(3),
        };
        for k in 0..key_results {
            text.push_str(&format!("[[key_results]]\ntitle = \"Measure {k}\"\n"));
            let range = match cases.below(3) {
                0 => None,
                1 => Some((100.0, 40.0)),
                _ => Some((0.0, 200.0)),
            };
            match range {
                None => text.push_str("done = false\n"),
                Some((start, target)) => {
                    text.push_str(&format!("start = {start}\ntarget = {target}\n"))
                }
            }
            if cases.below(3) == 0 {
                text.push_str(&format!("weight = {}\n", 1 + cases.below(4)));
            }
            for _ in 0..cases.below(5) {
                let value = match range {
                    None => cases.below(2) as f64,
                    Some((start, target)) => {
                        start + (target - start) * (cases.below(1400) as f64 / 1000.0 - 0.2)
                    }
                };
                let date = q_day(cases.below(90));
                text.push_str(&format!(
                    "[[key_results.checkins]]\ndate = {date}\nvalue = {value}\n"
                ));
            }
        }
        if cases.below(8) == 0 {
            let score = cases.fraction();
            text.push_str(&format!(
                "[retrospective]\nscore = {score}\nreason = \"Measured wrongly\"\n"
            ));
        }
        text.push_str("+++\n");
        text
    }

    /// The `day`th day of 2026-Q1, counting from 0.
    fn q_day(day: u64) -> NaiveDate {
        quarter().start + chrono::Days::new(day)
    }

    #[test]
    fn generated_objectives_on_their_last_day_predict_the_grade_of_the_next() {
        use crate::check::testing::{CONFIG, run};
        let q = quarter();
        let (last, next) = (q.end, q.end.succ_opt().unwrap());
        let mut cases = Cases(0x5eed_0f0c);
        let mut seen = std::collections::BTreeSet::new();
        for round in 0..40 {
            let files: Vec<(String, String)> = (0..8)
                .map(|i| {
                    // The first three are company objectives; the others align to one.
                    let parent = (i >= 3).then(|| cases.below(3) as usize);
                    (
                        format!("okrs/2026-Q1/o{i}.md"),
                        generated_objective(&mut cases, i, parent),
                    )
                })
                .collect();
            let mut all = vec![CONFIG, ("teams/t.md", "+++\nname = \"T\"\n+++\n")];
            all.extend(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
            let checked = run(&all);
            let (before, after) = (score_org(&checked.org, last), score_org(&checked.org, next));
            assert_eq!(
                before.objectives.len(),
                8,
                "round {round}: {:#?}",
                checked.diagnostics
            );
            for (i, (b, a)) in before.objectives.iter().zip(&after.objectives).enumerate() {
                seen.extend(b.status);
                assert_eq!(
                    b.status.map(predict),
                    a.status,
                    "round {round}, objective {i}:\n{}",
                    files[i].1
                );
                for (kb, ka) in b.key_results.iter().zip(&a.key_results) {
                    assert_eq!(
                        kb.status.map(predict),
                        ka.status,
                        "round {round}, objective {i}"
                    );
                }
            }
        }
        // The cases reach every status a last day can have.
        let running = [Status::OnTrack, Status::AtRisk, Status::OffTrack];
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), running);
    }

    /// An organisation of one objective in 2026-Q1 with these key results.
    fn org_of(krs: &str, extra: &str) -> crate::check::Checked {
        use crate::check::testing::{CONFIG, run};
        run(&[
            CONFIG,
            (
                "okrs/2026-Q1/grow.md",
                &format!("+++\ntitle = \"Grow\"\nperiod = \"2026-Q1\"\n{krs}{extra}+++\n"),
            ),
        ])
    }

    const SIGNUPS: &str = "[[key_results]]\ntitle = \"Signups from 0 to 100\"\ntarget = 100\n\
        [[key_results.checkins]]\ndate = 2026-01-15\nvalue = 10\n\
        [[key_results.checkins]]\ndate = 2026-02-15\nvalue = 30\n\
        [[key_results.checkins]]\ndate = 2026-03-15\nvalue = 80\n";
    const CHURN: &str = "[[key_results]]\ntitle = \"Churn from 5 % to 3 %\"\nstart = 5\ntarget = 3\n\
        [[key_results.checkins]]\ndate = 2026-02-01\nvalue = 4.5\n\
        [[key_results.checkins]]\ndate = 2026-03-01\nvalue = 3.5\n";
    const LAUNCH: &str = "[[key_results]]\ntitle = \"Shop live\"\ndone = false\n\
        [[key_results.checkins]]\ndate = 2026-03-10\nvalue = 1\n";

    /// The grade a running period's status foretells.
    fn predict(status: Status) -> Status {
        match status {
            Status::OnTrack => Status::Achieved,
            Status::AtRisk => Status::Partial,
            Status::OffTrack => Status::Missed,
            graded => graded,
        }
    }

    #[test]
    fn status_follows_the_check_ins_known_on_each_as_of_date() {
        let checked = org_of(SIGNUPS, "");
        let objective = &checked.org.objectives[0];
        let q = quarter();
        let t = Thresholds::default();
        let at = |day: &str| {
            let day = date(day);
            let kr = &objective.key_results[0];
            let p = clamp(key_result_progress(kr, Some(&q), day).unwrap());
            (p, status(p, &q, day, t.achieved, &t))
        };
        // Later check-ins are not known yet on an earlier day.
        assert_eq!(at("2026-01-05"), (0.0, Status::OnTrack));
        assert_eq!(at("2026-01-20"), (0.1, Status::OnTrack));
        assert_eq!(at("2026-02-14"), (0.1, Status::AtRisk));
        assert_eq!(at("2026-02-15"), (0.3, Status::AtRisk));
        assert_eq!(at("2026-03-14"), (0.3, Status::AtRisk));
        assert_eq!(at("2026-03-20"), (0.8, Status::OnTrack));
        assert_eq!(at("2026-04-02"), (0.8, Status::Achieved));
        for (day, expected) in [
            ("2026-01-20", Status::OnTrack),
            ("2026-02-25", Status::AtRisk),
            ("2026-03-20", Status::OnTrack),
            ("2026-04-02", Status::Achieved),
        ] {
            let scored = score_org(&checked.org, date(day));
            assert_eq!(scored.objectives[0].status, Some(expected), "{day}");
        }
    }

    /// NPS to keep at 50 or more, 52 on the first day, 47 from 1 March
    /// (day 59 of 90), 55 again from 11 March (day 69).
    const NPS: &str = "[[key_results]]\ntitle = \"NPS at 50 or more\"\nkeep = \"at-least\"\ntarget = 50\nstart = 52\n\
        [[key_results.checkins]]\ndate = 2026-03-01\nvalue = 47\n\
        [[key_results.checkins]]\ndate = 2026-03-11\nvalue = 55\n";

    #[test]
    fn a_metric_to_keep_scores_the_share_of_the_period_it_held() {
        let checked = org_of(NPS, "");
        assert_eq!(checked.errors(), 0, "{:?}", checked.diagnostics);
        let kr = &checked.org.objectives[0].key_results[0];
        let q = quarter();
        let held = |day: &str| held_progress(kr, &q, date(day)).unwrap();
        // Held every day so far: progress grows with the days, like a metric on pace.
        assert_eq!(held("2026-01-01"), 1.0 / 90.0);
        assert_eq!(held("2026-02-28"), 59.0 / 90.0);
        // Breached from 1 March: the days stop counting.
        assert_eq!(held("2026-03-10"), 59.0 / 90.0);
        // Held again from 11 March to the end: 59 + 21 days of 90.
        assert_eq!(held("2026-03-31"), 80.0 / 90.0);
        assert_eq!(held("2026-06-01"), 80.0 / 90.0);
        assert_eq!(held_progress(kr, &q, date("2025-12-01")), Some(0.0));
        // Its score over time agrees with it on the days it is drawn.
        let history = objective_history(&checked.org.objectives[0], &q, date("2026-04-02"));
        assert_eq!(history.last(), Some(&(q.end, 80.0 / 90.0)));
        assert!(
            history.contains(&(date("2026-03-01"), 59.0 / 90.0)),
            "{history:?}"
        );
        // Graded by how much it held: 0.89 is achieved for an aspirational objective.
        let scored = score_org(&checked.org, date("2026-04-02"));
        assert_eq!(scored.objectives[0].status, Some(Status::Achieved));
    }

    #[test]
    fn a_metric_to_keep_counts_from_its_first_known_value_and_either_way() {
        // No start: the days before the first check-in count as not held.
        let latency = "[[key_results]]\ntitle = \"p95 latency at most 300 ms\"\nkeep = \"at-most\"\ntarget = 300\nunit = \"ms\"\n\
            [[key_results.checkins]]\ndate = 2026-01-11\nvalue = 280\n\
            [[key_results.checkins]]\ndate = 2026-01-21\nvalue = 320\n";
        let checked = org_of(latency, "");
        let kr = &checked.org.objectives[0].key_results[0];
        let q = quarter();
        assert_eq!(held_progress(kr, &q, date("2026-01-05")), Some(0.0));
        assert_eq!(held_progress(kr, &q, date("2026-03-31")), Some(10.0 / 90.0));
        // A written `current` is the value on the last day drawn: 40 on
        // 31 March breaches, so that day no longer counts.
        let checked = org_of(
            &NPS.replace("start = 52\n", "start = 52\ncurrent = 40\n"),
            "",
        );
        assert_eq!(checked.errors(), 0, "{:?}", checked.diagnostics);
        let kr = &checked.org.objectives[0].key_results[0];
        assert_eq!(held_progress(kr, &q, date("2026-03-31")), Some(79.0 / 90.0));
        // An unknown bound is not guessed.
        let unknown = org_of(&NPS.replace("at-least", "above"), "");
        let kr = &unknown.org.objectives[0].key_results[0];
        assert_eq!(held_progress(kr, &q, date("2026-03-31")), None);
        assert_eq!(unknown.scores.objectives[0].key_results[0].score, None);
    }

    #[test]
    fn milestones_count_when_done_or_checked_in_as_done() {
        let checked = org_of(LAUNCH, "");
        let kr = &checked.org.objectives[0].key_results[0];
        assert_eq!(
            key_result_progress(kr, Some(&quarter()), date("2026-03-01")),
            Some(0.0)
        );
        assert_eq!(
            key_result_progress(kr, Some(&quarter()), date("2026-03-10")),
            Some(1.0)
        );
        let done = org_of("[[key_results]]\ntitle = \"Shop live\"\ndone = true\n", "");
        let kr = &done.org.objectives[0].key_results[0];
        assert_eq!(
            key_result_progress(kr, Some(&quarter()), date("2026-01-01")),
            Some(1.0)
        );
    }

    #[test]
    fn a_retrospective_override_counts_and_the_computed_score_stays() {
        let checked = org_of(
            SIGNUPS,
            "[retrospective]\nscore = 0.9\nreason = \"Signups were undercounted\"\n",
        );
        let scored = score_org(&checked.org, date("2026-04-02"));
        let o = &scored.objectives[0];
        assert_eq!(o.computed, Some(0.8));
        assert_eq!(o.overridden, Some(0.9));
        assert_eq!(o.score, Some(0.9));
        assert_eq!(o.status, Some(Status::Achieved));
        assert_eq!(scored.owner(OwnerKey::Company, "2026-Q1"), Some(0.9));
    }

    #[test]
    fn key_result_history_starts_at_start_and_follows_check_ins() {
        let checked = org_of(&format!("{SIGNUPS}{CHURN}{LAUNCH}"), "");
        let krs = &checked.org.objectives[0].key_results;
        let q = quarter();
        let series = |k: usize, day: &str| -> Vec<(String, f64)> {
            key_result_history(&krs[k], &q, date(day))
                .into_iter()
                .map(|(d, v)| (d.to_string(), v))
                .collect()
        };
        let s = |d: &str, v: f64| (d.to_string(), v);
        assert_eq!(
            series(0, "2026-02-20"),
            [
                s("2026-01-01", 0.0),
                s("2026-01-15", 10.0),
                s("2026-02-15", 30.0)
            ]
        );
        // A decreasing metric keeps its values; the chart turns them around.
        assert_eq!(
            series(1, "2026-06-01"),
            [
                s("2026-01-01", 5.0),
                s("2026-02-01", 4.5),
                s("2026-03-01", 3.5)
            ]
        );
        assert_eq!(
            series(2, "2026-03-31"),
            [s("2026-01-01", 0.0), s("2026-03-10", 1.0)]
        );
        assert_eq!(series(0, "2025-12-31"), []);
    }

    #[test]
    fn a_written_current_and_a_done_milestone_end_the_history() {
        let checked = org_of(
            "[[key_results]]\ntitle = \"A\"\ntarget = 10\ncurrent = 7\n\
             [[key_results.checkins]]\ndate = 2026-01-10\nvalue = 2\n\
             [[key_results]]\ntitle = \"B\"\ndone = true\n",
            "",
        );
        let krs = &checked.org.objectives[0].key_results;
        let q = quarter();
        let as_of = date("2026-02-01");
        assert_eq!(
            key_result_history(&krs[0], &q, as_of),
            [(q.start, 0.0), (date("2026-01-10"), 2.0), (as_of, 7.0)]
        );
        assert_eq!(
            key_result_history(&krs[1], &q, as_of),
            [(q.start, 0.0), (as_of, 1.0)]
        );
    }

    #[test]
    fn objective_history_is_the_weighted_score_on_each_check_in_day() {
        let checked = org_of(&format!("{SIGNUPS}{CHURN}"), "");
        let objective = &checked.org.objectives[0];
        let q = quarter();
        let history = objective_history(objective, &q, date("2026-03-31"));
        let rounded: Vec<(String, f64)> = history
            .iter()
            .map(|(d, v)| (d.to_string(), (v * 1000.0).round() / 1000.0))
            .collect();
        let s = |d: &str, v: f64| (d.to_string(), v);
        assert_eq!(
            rounded,
            [
                s("2026-01-01", 0.0),
                s("2026-01-15", 0.05),  // (0.1 + 0) / 2
                s("2026-02-01", 0.175), // (0.1 + 0.25) / 2
                s("2026-02-15", 0.275),
                s("2026-03-01", 0.525),
                s("2026-03-15", 0.775)
            ]
        );
        // Its last point is the score the objective has on that day.
        let scored = score_org(&checked.org, date("2026-03-31"));
        assert_eq!(history.last().map(|p| p.1), scored.objectives[0].computed);
        // Cut at the as-of date while the period runs.
        let early = objective_history(objective, &q, date("2026-02-10"));
        assert_eq!(early.last().map(|p| p.0), Some(date("2026-02-01")));
    }

    #[test]
    fn mean_history_carries_each_series_forward() {
        let a = [(date("2026-01-01"), 0.0), (date("2026-01-10"), 0.4)];
        let b = [(date("2026-01-05"), 0.2), (date("2026-01-20"), 0.6)];
        assert_eq!(
            mean_history(&[&a, &b]),
            [
                (date("2026-01-01"), 0.0),
                (date("2026-01-05"), 0.1),
                (date("2026-01-10"), 0.30000000000000004),
                (date("2026-01-20"), 0.5)
            ]
        );
        assert_eq!(mean_history(&[]), []);
    }
}
