//! The charts pages show, with the text alternative each one needs: score
//! bars, scores over time, burn-ups, sparklines and status distributions.

use super::{Html, Line, PeriodView, SiteData, StatusCount, StatusView, html};
use crate::model::period::Period;
use crate::model::{Bound, KeyResult, Measure};
use crate::score::{self, Status};
use crate::site::charts::timeline::{self, Burnup, Dates, Frame, Goal, ScoreTrend, Size};
use crate::site::charts::{self, Bar};
use crate::text::{percent, push_decimal, push_short_date, push_unit, score as score_text};
use chrono::NaiveDate;
use serde::Serialize;

/// How many periods a team's trend goes back, this one included.
const TREND_PERIODS: usize = 6;

/// A team's scores over comparable periods (see [`SiteData::team_trend`]).
#[derive(Debug, Default, Serialize)]
pub struct TeamTrend {
    /// How far into each period the scores are taken, e.g. "52%".
    pub at: String,
    pub points: Vec<TrendPoint>,
}

#[derive(Debug, Serialize)]
pub struct TrendPoint {
    pub period: String,
    pub score: Option<String>,
}

/// The value of a dated series on `day`: its last point up to that day.
fn score_on(series: &[(NaiveDate, f64)], day: NaiveDate) -> Option<f64> {
    let upto = series.partition_point(|&(d, _)| d <= day);
    upto.checked_sub(1).map(|i| series[i].1)
}

/// A score as a bar. Its text alternative leaves out whose score it is: the
/// bar always stands next to that name, and pages repeat bars by the thousand.
pub(super) fn score_bar(score: Option<f64>, status: Option<Status>, expected: Option<f64>) -> Html {
    let mut label = match score {
        Some(s) => format!("Score {}", score_text(s)),
        None => "No score".to_string(),
    };
    if let Some(status) = status {
        label.push_str(", ");
        label.push_str(&StatusView::of(status).label.to_lowercase());
    }
    if let Some(e) = expected {
        label.push_str(&format!(" (expected {})", score_text(e)));
    }
    html(&charts::progress_bar(&Bar {
        progress: score,
        expected,
        status: status.map(|s| s.name()),
        label: &label,
    }))
}

/// A score's history over a period, with its override, to draw.
pub(super) struct ScoreChart<'h> {
    /// Whose score, for the text alternative: "Score", "Company score".
    pub(super) what: &'h str,
    pub(super) history: &'h [(NaiveDate, f64)],
    pub(super) overridden: Option<f64>,
    /// The score aimed at, drawn as the pace's end and a guide line.
    pub(super) goal: f64,
}

impl ScoreChart<'_> {
    pub(super) fn draw(&self, period: &Period, as_of: NaiveDate, size: Size) -> Html {
        html(&timeline::score_chart(
            &ScoreTrend {
                first: period.start,
                last: period.end,
                as_of,
                scores: self.history,
                overridden: self.overridden,
                goal: self.goal,
                label: &self.label(),
            },
            size,
        ))
    }

    /// The text alternative: where the score went, from when.
    fn label(&self) -> String {
        let mut label = Label::new(self.what);
        label.text(" over time: ");
        match (self.history.first(), self.history.last()) {
            (Some(&(d0, v0)), Some(&(d1, v1))) if d0 != d1 => {
                label.score_on(v0, d0);
                label.text(", ");
                label.score_on(v1, d1);
            }
            (Some(&(d, v)), _) => label.score_on(v, d),
            _ => label.text("nothing to show before the period starts"),
        }
        if let Some(o) = self.overridden {
            label.text("; set to ");
            label.text(&score_text(o));
            label.text(" in the retrospective");
        }
        label.0
    }
}

/// A chart's text alternative, written into one string: there is one per
/// chart, and charts are many.
struct Label(String);

impl Label {
    fn new(start: &str) -> Label {
        let mut text = String::with_capacity(120);
        text.push_str(start);
        Label(text)
    }

    fn text(&mut self, text: &str) {
        self.0.push_str(text);
    }

    /// A number with its unit, e.g. `2.4%`, `3 accounts`.
    fn value(&mut self, value: f64, unit: Option<&str>) {
        push_decimal(&mut self.0, value, true);
        push_unit(&mut self.0, value, unit);
    }

    fn day(&mut self, day: NaiveDate) {
        push_short_date(&mut self.0, day);
    }

    /// `0.45 on Nov 23`.
    fn score_on(&mut self, score: f64, day: NaiveDate) {
        self.text(&score_text(score));
        self.text(" on ");
        self.day(day);
    }

    /// `2.4% on Nov 23`.
    fn value_on(&mut self, value: f64, unit: Option<&str>, day: NaiveDate) {
        self.value(value, unit);
        self.text(" on ");
        self.day(day);
    }
}

/// A key result's burn-up over `period`, its pace running to `goal` (its
/// objective's), and the frame it named, if it did; none for one without a
/// target. `dates` and `frame` say how it shows the period's dates and its
/// frame (see [`Dates`] and [`Frame`]).
pub(super) fn burnup_chart(
    kr: &KeyResult,
    period: &Period,
    as_of: NaiveDate,
    goal_score: f64,
    dates: Dates,
    frame: Frame,
) -> Option<(Html, Option<String>)> {
    let goal = match &kr.measure {
        Measure::Metric { start, target } => Goal::Metric {
            start: start.value,
            target: target.value,
        },
        Measure::Milestone { .. } => Goal::Milestone,
        Measure::Kept { .. } => {
            let (bound, target) = kr.kept()?;
            Goal::Keep {
                target,
                at_most: bound == Bound::AtMost,
            }
        }
        Measure::Missing { .. } => return None,
    };
    let values = score::key_result_history(kr, period, as_of);
    let mut confidence: Vec<(NaiveDate, f64)> = kr
        .checkins
        .iter()
        .filter(|c| c.date.value <= as_of)
        .filter_map(|c| Some((c.date.value, c.confidence.as_ref()?.value)))
        .collect();
    confidence.sort_by_key(|c| c.0);
    let unit = kr.unit();
    // What the chart shows that the figures beside it (start, now, target,
    // confidence) and its check-in table do not: the value now against the
    // pace, or against a level to keep. Said once on the page, not twice.
    let mut label = Label::new("");
    match (goal, values.last()) {
        (Goal::Milestone, Some(&(day, v))) if v >= 1.0 => {
            label.text("Done on ");
            label.day(day);
        }
        (Goal::Milestone, _) => label.text("Not done yet"),
        (Goal::Metric { .. } | Goal::Keep { .. }, Some(&(day, v))) => label.value_on(v, unit, day),
        (Goal::Keep { .. }, _) => label.text("No values yet"),
        (Goal::Metric { .. }, _) => label.text("No values before the period starts"),
    }
    if let (Goal::Keep { target, .. }, Some((bound, _))) = (goal, kr.kept()) {
        label.text("; to keep ");
        label.text(bound.words());
        label.text(" ");
        label.value(target, unit);
        let breaches = values.iter().filter(|v| goal.breached_by(v.1)).count();
        match breaches {
            0 => label.text("; no breach"),
            1 => label.text("; 1 value breaches it"),
            n => label.text(&format!("; {n} values breach it")),
        }
    }
    if let Goal::Metric { start, target } = goal
        && period.contains_date(as_of)
    {
        let pace = start + (target - start) * score::expected(period, as_of, goal_score);
        label.text("; expected ");
        label.value(pace, unit);
        label.text(" by ");
        label.day(as_of);
    }
    let (svg, drawn_frame) = timeline::burnup_and_frame(&Burnup {
        first: period.start,
        last: period.end,
        as_of,
        goal,
        pace: goal_score,
        from_start: kr.checkins.iter().all(|c| c.date.value > period.start),
        values: &values,
        confidence: &confidence,
        label: &label.0,
        unit,
        dates,
        frame,
    });
    Some((html(&svg), drawn_frame))
}

/// One objective's score over time in a small multiple: every chart of a
/// group has the same scales, so they compare at a glance.
#[derive(Debug, Serialize)]
pub struct Multiple<'a> {
    pub card: Line<'a>,
    pub chart: Html,
}

impl<'a> SiteData<'a> {
    /// An objective's score over its period.
    pub(super) fn objective_chart(&self, index: usize, period: &Period, size: Size) -> Html {
        let chart = ScoreChart {
            what: "Score",
            history: &self.card(index).history,
            overridden: self.checked.scores.objectives[index].overridden,
            goal: self.checked.scores.objectives[index].goal,
        };
        chart.draw(period, self.as_of, size)
    }

    /// A small multiple of these objectives' scores over `period`.
    pub(super) fn multiples(&self, objectives: &[usize], period: &PeriodView) -> Vec<Multiple<'_>> {
        let Some(p) = self.org().period(&period.name) else {
            return Vec::new();
        };
        objectives
            .iter()
            .map(|&i| Multiple {
                card: Line(self.card(i)),
                chart: self.objective_chart(i, &p, Size::Small),
            })
            .collect()
    }

    /// A team's score over the periods as long as the current one, oldest
    /// first, each taken at the same share of its period as the current one
    /// has run: last quarter half way through beside this quarter half way
    /// through, not last quarter's final score beside this one's start.
    /// Returns the sparkline and the scores it draws.
    pub(super) fn team_trend(&self, index: usize) -> (Html, TeamTrend) {
        let org = self.org();
        let Some(current) = org.period(&self.site.current_period) else {
            return (html(""), TeamTrend::default());
        };
        let share = score::elapsed_fraction(&current, self.as_of);
        let alike = |p: &Period| (p.days() - current.days()).abs() * 10 <= current.days();
        let mut points = Vec::new();
        let mut values = Vec::new();
        for view in self.periods.iter().rev() {
            if points.len() == TREND_PERIODS {
                break;
            }
            let Some(period) = org
                .period(&view.name)
                .filter(|p| alike(p) && p.start <= self.as_of)
            else {
                continue;
            };
            let own = self.of_period(&self.index.by_team[index], &view.name);
            if own.is_empty() {
                continue;
            }
            let offset = (share * (period.days() - 1) as f64).round() as i64;
            let day = (period.start + chrono::Duration::days(offset)).min(self.as_of);
            let value = score::mean(
                own.iter()
                    .filter_map(|&i| score_on(&self.card(i).history, day)),
            );
            values.push(value);
            points.push(TrendPoint {
                period: view.name.clone(),
                score: value.map(score_text),
            });
        }
        points.reverse();
        values.reverse();
        let name = org.teams[index].display_name();
        let at = percent(share);
        let label = points
            .iter()
            .map(|p| format!("{} {}", p.period, p.score.as_deref().unwrap_or("none")))
            .collect::<Vec<_>>()
            .join(", ");
        let sparkline = charts::sparkline(
            &values,
            &format!("{name} score at {at} of each period: {label}"),
        );
        (html(&sparkline), TeamTrend { at, points })
    }

    /// A stacked bar of how many of `objectives` have each status.
    pub(super) fn distribution(
        &self,
        objectives: &[usize],
        what: &str,
    ) -> (Vec<StatusCount>, Html) {
        let statuses = self.status_counts(objectives);
        let counts: Vec<(&str, usize)> = statuses.iter().map(|c| (c.status.key, c.count)).collect();
        let label = statuses
            .iter()
            .map(|c| format!("{} {}", c.count, c.status.label.to_lowercase()))
            .collect::<Vec<_>>()
            .join(", ");
        let svg = charts::status_distribution(&counts, &format!("{what} by status: {label}"));
        (statuses, html(&svg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_on_a_day_is_its_last_point_up_to_that_day() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 1, d).unwrap_or_default();
        let series = [(day(1), 0.0), (day(10), 0.3), (day(20), 0.5)];
        assert_eq!(score_on(&series, day(1)), Some(0.0));
        assert_eq!(score_on(&series, day(15)), Some(0.3));
        assert_eq!(score_on(&series, day(31)), Some(0.5));
        assert_eq!(score_on(&series[1..], day(5)), None);
    }
}
