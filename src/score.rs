//! Scoring: pure functions from numbers and dates to progress, scores and statuses.

use crate::model::{KeyResult, Measure, Org, Owner, Thresholds};
use crate::period::Period;
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
    let distance = target - start;
    (distance != 0.0).then(|| (current - start) / distance)
}

/// Progress as it counts towards a score: clamped to 0..=1.
pub fn clamp(raw: f64) -> f64 {
    raw.clamp(0.0, 1.0)
}

/// A key result's raw progress; milestones are 1 when done, else 0.
pub fn key_result_progress(kr: &KeyResult) -> Option<f64> {
    match &kr.measure {
        Measure::Metric { start, target } => progress(start.value, target.value, kr.current()),
        Measure::Milestone { done } => Some(if done.value { 1.0 } else { 0.0 }),
        Measure::Missing { .. } => None,
    }
}

/// Σ wᵢvᵢ / Σ wᵢ over (value, weight) pairs; `None` without positive weight.
pub fn weighted_mean(items: impl IntoIterator<Item = (f64, f64)>) -> Option<f64> {
    let (sum, weights) = items
        .into_iter()
        .filter(|(_, w)| *w > 0.0)
        .fold((0.0, 0.0), |(s, ws), (v, w)| (s + v * w, ws + w));
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

/// Status of a (clamped) progress or score in a period at `as_of`.
pub fn status(progress: f64, period: &Period, as_of: NaiveDate, t: &Thresholds) -> Status {
    if as_of > period.end {
        return if progress >= t.achieved {
            Status::Achieved
        } else if progress >= t.partial {
            Status::Partial
        } else {
            Status::Missed
        };
    }
    let expected = elapsed_fraction(period, as_of);
    if progress >= expected - t.on_track_tolerance {
        Status::OnTrack
    } else if progress >= expected - t.at_risk_tolerance {
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
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectiveScore {
    /// Weighted mean of its key results' clamped progress.
    pub score: Option<f64>,
    pub status: Option<Status>,
    pub key_results: Vec<KeyResultScore>,
    /// Mean score of the objectives aligned to it, kept beside its own score.
    pub aligned_progress: Option<f64>,
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
    /// Mean of an owner's objective scores per period.
    pub owners: BTreeMap<(OwnerKey, String), f64>,
}

pub fn score_org(org: &Org, as_of: NaiveDate) -> Scores {
    let thresholds = &org.config.checks.thresholds;
    let mut objectives: Vec<ObjectiveScore> = org
        .objectives
        .iter()
        .map(|objective| {
            let period = org.period(&objective.period.value);
            let stand =
                |score: Option<f64>| Some(status(score?, period.as_ref()?, as_of, thresholds));
            let key_results: Vec<KeyResultScore> = objective
                .key_results
                .iter()
                .map(|kr| {
                    let progress = key_result_progress(kr);
                    let score = progress.map(clamp);
                    KeyResultScore {
                        progress,
                        score,
                        status: stand(score),
                    }
                })
                .collect();
            let score = weighted_mean(
                objective
                    .key_results
                    .iter()
                    .zip(&key_results)
                    .filter_map(|(kr, s)| Some((s.score?, kr.weight()))),
            );
            ObjectiveScore {
                score,
                status: stand(score),
                key_results,
                aligned_progress: None,
            }
        })
        .collect();
    for (i, objective) in org.objectives.iter().enumerate() {
        objectives[i].aligned_progress = mean(
            objective
                .children
                .iter()
                .filter_map(|&c| objectives[c].score),
        );
    }
    let mut by_owner: BTreeMap<(OwnerKey, String), Vec<f64>> = BTreeMap::new();
    for (objective, score) in org.objectives.iter().zip(&objectives) {
        let owner = match objective.owner {
            Owner::Company => OwnerKey::Company,
            Owner::Team(i) => OwnerKey::Team(org.teams[i].id.value.clone()),
            Owner::Person(i) => OwnerKey::Person(org.people[i].id.value.clone()),
            Owner::Unknown => continue,
        };
        if let Some(score) = score.score {
            by_owner
                .entry((owner, objective.period.value.clone()))
                .or_default()
                .push(score);
        }
    }
    let owners = by_owner
        .into_iter()
        .filter_map(|(key, scores)| Some((key, mean(scores)?)))
        .collect();
    Scores { objectives, owners }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn elapsed_fraction_is_zero_on_the_first_day_and_one_on_the_last() {
        let q = quarter();
        assert_eq!(elapsed_fraction(&q, date("2026-01-01")), 0.0);
        assert_eq!(elapsed_fraction(&q, date("2026-03-31")), 1.0);
        assert_eq!(elapsed_fraction(&q, date("2025-12-01")), 0.0);
        let mid = elapsed_fraction(&q, date("2026-02-15"));
        assert!((mid - 45.0 / 89.0).abs() < 1e-9);
    }

    #[test]
    fn status_compares_progress_with_the_pace() {
        let t = Thresholds::default();
        let q = quarter();
        let mid = date("2026-02-15"); // about half the quarter elapsed
        assert_eq!(status(0.45, &q, mid, &t), Status::OnTrack);
        assert_eq!(status(0.30, &q, mid, &t), Status::AtRisk);
        assert_eq!(status(0.20, &q, mid, &t), Status::OffTrack);
    }

    #[test]
    fn ended_periods_get_a_grade() {
        let t = Thresholds::default();
        let after = date("2026-04-01");
        assert_eq!(status(0.7, &quarter(), after, &t), Status::Achieved);
        assert_eq!(status(0.4, &quarter(), after, &t), Status::Partial);
        assert_eq!(status(0.39, &quarter(), after, &t), Status::Missed);
    }
}
