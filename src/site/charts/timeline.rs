//! Charts over the days of a period: a key result's burn-up, an objective's or
//! the company's score over time, and its small versions for lists (trend
//! sparklines) and small multiples.
//!
//! Geometry is pure, dates and values in, coordinates out
//! ([`burnup_geometry`], [`score_geometry`]), and tested on known series. The
//! SVG text is written from it in one pass into one `String`, numbers appended
//! without allocating: a large organisation has tens of thousands of these.
//! As everywhere in [`crate::site::charts`], colours come from classes only and every
//! chart has a `<title>` (its text alternative). Lines are written in
//! relative steps between whole units, which keeps a page's charts short.
//!
//! One file of about 600 lines (and 300 of tests): burn-ups and score charts
//! share the scales, plot areas, axis labels and SVG writers below; apart,
//! each would import nearly all of the other.

use crate::text::{
    escape_html, push_decimal, push_digits, push_escaped, push_short_date, score, with_unit,
};
use chrono::NaiveDate;

/// A point in viewBox units, y growing downwards.
pub type Point = (f64, f64);

/// The rectangle of the viewBox that data is drawn in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl Area {
    pub fn right(&self) -> f64 {
        self.left + self.width
    }

    pub fn bottom(&self) -> f64 {
        self.top + self.height
    }
}

/// Maps days and values into an [`Area`]: the period's first day at the left
/// edge and its last at the right, `low` at the bottom and `high` at the top.
/// Whatever falls outside is pinned to the edge, so nothing is drawn outside.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub low: f64,
    pub high: f64,
    pub area: Area,
}

impl Scale {
    pub fn x(&self, day: NaiveDate) -> f64 {
        let span = (self.last - self.first).num_days();
        let f = if span > 0 {
            ((day - self.first).num_days() as f64 / span as f64).clamp(0.0, 1.0)
        } else {
            1.0
        };
        self.area.left + f * self.area.width
    }

    pub fn y(&self, value: f64) -> f64 {
        let range = self.high - self.low;
        let f = if range > 0.0 && value.is_finite() {
            ((value - self.low) / range).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.area.top + (1.0 - f) * self.area.height
    }

    pub fn point(&self, (day, value): (NaiveDate, f64)) -> Point {
        (self.x(day), self.y(value))
    }

    /// Where the as-of day is, while the period runs.
    fn as_of_x(&self, as_of: NaiveDate) -> Option<f64> {
        (self.first <= as_of && as_of <= self.last).then(|| self.x(as_of))
    }
}

/// What a key result moves towards.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Goal {
    /// A number from `start` to `target`, up or down.
    Metric { start: f64, target: f64 },
    /// Done (1) or not (0).
    Milestone,
    /// A level to stay at or above (or at or below, `at_most`): drawn as a
    /// threshold line, with the values that breach it marked.
    Keep { target: f64, at_most: bool },
}

impl Goal {
    /// Whether `value` breaches a level to keep; nothing else has one.
    pub fn breached_by(self, value: f64) -> bool {
        match self {
            Goal::Keep { target, at_most } => {
                if at_most {
                    value > target
                } else {
                    value < target
                }
            }
            _ => false,
        }
    }
}

/// A key result's burn-up: its values over the period against the straight
/// line from start on the first day to target on the last.
#[derive(Clone, Copy, Debug)]
pub struct Burnup<'a> {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub as_of: NaiveDate,
    pub goal: Goal,
    /// The share of the way from start to target the pace line runs to on
    /// the last day: the goal of the key result's objective (0.7 for an
    /// aspirational one, 1 for a committed one).
    pub pace: f64,
    /// Values by day, oldest first (see [`crate::score::key_result_history`]).
    pub values: &'a [(NaiveDate, f64)],
    /// Whether the first value is the start on the period's first day rather
    /// than a check-in: the line begins there, but no dot marks it.
    pub from_start: bool,
    /// Confidence (0..=1) at each check-in that gives one, oldest first.
    pub confidence: &'a [(NaiveDate, f64)],
    /// Text alternative; written escaped.
    pub label: &'a str,
    /// The values' unit, beside the start and target levels' numbers.
    pub unit: Option<&'a str>,
    /// How the period's dates under the plot are written.
    pub dates: Dates,
    /// How its frame is written.
    pub frame: Frame<'a>,
}

/// A burn-up's frame: its start and target levels, its pace and as-of lines
/// and its confidence strip. Key results of one objective whose values stay
/// between start and target have the same one, so a page's burn-up names its
/// frame, and each after it with the same frame shows it from there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// Written in the chart.
    Own,
    /// Shown from the page's burn-up that named the same frame, if one did
    /// (of these, the frames the page's burn-ups named so far, in order:
    /// the first is [`FRAME_ID`]`-1`); else written and named.
    Shared(&'a [String]),
}

/// The start of the ids of the frames a page's burn-ups name: no other id of
/// an objective's page starts with `burnup-` (key results' are `kr-<id>`).
pub const FRAME_ID: &str = "burnup-frame";

/// The period's dates under a burn-up's plot: the same in every burn-up of an
/// objective's page (one period, one plot width), so the page's first burn-up
/// names them and the others reuse them, rather than each repeating them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dates {
    /// Written in the chart, for a chart alone.
    Own,
    /// Written in the chart, named [`DATES_ID`] for the charts after it.
    Named,
    /// Shown from the page's chart named [`DATES_ID`] (`<use>`).
    Reused,
}

/// The id of the dates under the first burn-up of a page: no other id of an
/// objective's page starts with `burnup-` (key results' are `kr-<id>`).
pub const DATES_ID: &str = "burnup-dates";

const BURNUP_WIDTH: f64 = 480.0;
const BURNUP_PLOT: Area = Area {
    left: 66.0,
    top: 10.0,
    width: 402.0,
    height: 104.0,
};
const CONFIDENCE_STRIP: Area = Area {
    left: 66.0,
    top: 144.0,
    width: 402.0,
    height: 22.0,
};
/// Height of the axis labels' line below a plot.
const AXIS_LINE: f64 = 16.0;
/// The least distance between two labels on the left that keeps them apart.
const LABEL_HEIGHT: f64 = 12.0;
/// The most characters a label on the left holds within the margin, as
/// many as `confidence`.
const LABEL_CHARS: usize = 10;

/// Where everything of a burn-up goes.
#[derive(Clone, Debug, PartialEq)]
pub struct BurnupGeometry {
    pub width: f64,
    pub height: f64,
    pub scale: Scale,
    /// The values, one point per day.
    pub actual: Vec<Point>,
    /// Milestones move in steps (not done, done) rather than lines.
    pub steps: bool,
    /// From start on the first day to where the pace ends on the last; none
    /// for milestones.
    pub expected: Option<(Point, Point)>,
    pub start_y: f64,
    pub target_y: f64,
    /// The values of a metric to keep that breach its level.
    pub breaches: Vec<Point>,
    /// `(y, value)` of the lowest value when it falls below both start and
    /// target (a metric that went backwards): a labelled line there keeps
    /// the chart's axis beneath everything drawn, rather than the line
    /// dropping under the lowest level the axis names.
    pub floor: Option<(f64, f64)>,
    pub as_of_x: Option<f64>,
    /// The strip below the plot confidence is drawn in (0 at its bottom,
    /// 1 at its top); none when no check-in gives a confidence.
    pub confidence_area: Option<Area>,
    pub confidence: Vec<Point>,
}

pub fn burnup_geometry(b: &Burnup) -> BurnupGeometry {
    let (start, target) = match b.goal {
        Goal::Metric { start, target } => (start, target),
        Goal::Milestone => (0.0, 1.0),
        Goal::Keep { target, .. } => (target, target),
    };
    let (mut low, mut high) = (start.min(target), start.max(target));
    let lowest_level = low;
    for &(_, v) in b.values.iter().filter(|(_, v)| v.is_finite()) {
        low = low.min(v);
        high = high.max(v);
    }
    // A level to keep is a line, not a floor to mark.
    let floor_value = (low < lowest_level && !matches!(b.goal, Goal::Keep { .. })).then_some(low);
    if high <= low {
        // One level only (a metric to keep, or start equal to target, which
        // is reported elsewhere): room around the line it draws.
        let room = (high.abs() * 0.1).max(1.0);
        low -= room;
        high += room;
    }
    // Room above and below so lines at the extremes stay visible.
    let pad = (high - low) * 0.06;
    let scale = Scale {
        first: b.first,
        last: b.last,
        low: low - pad,
        high: high + pad,
        area: BURNUP_PLOT,
    };
    let expected = match b.goal {
        Goal::Metric { start, target } => {
            let end = start + (target - start) * b.pace;
            Some((scale.point((b.first, start)), scale.point((b.last, end))))
        }
        Goal::Milestone | Goal::Keep { .. } => None,
    };
    let confidence_area = (!b.confidence.is_empty()).then_some(CONFIDENCE_STRIP);
    let confidence = confidence_area.map_or_else(Vec::new, |area| {
        let strip = Scale {
            low: 0.0,
            high: 1.0,
            area,
            ..scale
        };
        b.confidence.iter().map(|&p| strip.point(p)).collect()
    });
    let height = match confidence_area {
        Some(area) => area.bottom() + 4.0,
        None => BURNUP_PLOT.bottom() + AXIS_LINE + 6.0,
    };
    BurnupGeometry {
        width: BURNUP_WIDTH,
        height,
        actual: b.values.iter().map(|&p| scale.point(p)).collect(),
        breaches: (b.values.iter())
            .filter(|&&(_, v)| b.goal.breached_by(v))
            .map(|&p| scale.point(p))
            .collect(),
        steps: b.goal == Goal::Milestone,
        expected,
        start_y: scale.y(start),
        target_y: scale.y(target),
        floor: floor_value.map(|v| (scale.y(v), v)),
        as_of_x: scale.as_of_x(b.as_of),
        confidence_area,
        confidence,
        scale,
    }
}

/// A key result's burn-up as inline SVG.
pub fn burnup(b: &Burnup) -> String {
    burnup_and_frame(b).0
}

/// [`burnup`], and the frame it named, if it named one: for the page's
/// burn-ups after it ([`Frame::Shared`]).
pub fn burnup_and_frame(b: &Burnup) -> (String, Option<String>) {
    let g = burnup_geometry(b);
    let mut out = String::with_capacity(1024);
    open(&mut out, "chart-burnup", g.width, g.height, b.label);
    let plot = g.scale.area;
    let frame = burnup_frame(b, &g);
    let id = |out: &mut String, n: usize| {
        out.push_str(FRAME_ID);
        out.push('-');
        push_digits(out, n as u64, false);
    };
    let named = match b.frame {
        Frame::Own => {
            out.push_str(&frame);
            None
        }
        Frame::Shared(named) => match named.iter().position(|f| *f == frame) {
            Some(i) => {
                out.push_str(r##"<use href="#"##);
                id(&mut out, i + 1);
                out.push_str(r#""/>"#);
                None
            }
            None => {
                out.push_str(r#"<g id=""#);
                id(&mut out, named.len() + 1);
                out.push_str(r#"">"#);
                out.push_str(&frame);
                out.push_str("</g>");
                Some(frame)
            }
        },
    };
    // The start and target levels, labelled on the left.
    let mut labels = YLabels::open(&mut out, plot.left);
    match b.goal {
        Goal::Metric { start, target } => {
            let start_fits = labels.value(g.start_y, start, b.unit);
            let target_fits = labels.value(g.target_y, target, b.unit);
            let fits = start_fits && target_fits;
            // A unit too long for the margin is written once, under the upper level.
            if let Some(unit) = b.unit.filter(|_| !fits) {
                labels.text(g.start_y.min(g.target_y) + LABEL_HEIGHT, &escape_html(unit));
            }
        }
        Goal::Milestone => {
            labels.text(g.start_y, "not done");
            labels.text(g.target_y, "done");
        }
        Goal::Keep { target, at_most } => {
            let mut level = String::from(if at_most { "≤ " } else { "≥ " });
            push_decimal(&mut level, target, true);
            labels.text(g.target_y, &level);
        }
    }
    // Labelled unless it would overlap the level just above it.
    if let Some((y, value)) = g.floor
        && y - g.start_y.max(g.target_y) >= LABEL_HEIGHT
    {
        labels.number(y, value);
    }
    if let Some(area) = g.confidence_area {
        // The stylesheet hides it where it would not fit the margin (phones);
        // the legend names the strip too.
        labels.start_with_class(area.top + area.height / 2.0, "aside");
        labels.out.push_str("confidence</text>");
    }
    labels.close();
    match b.dates {
        Dates::Own => x_labels(&mut out, &g.scale, b.as_of, g.as_of_x, None),
        Dates::Named => x_labels(&mut out, &g.scale, b.as_of, g.as_of_x, Some(DATES_ID)),
        Dates::Reused => {
            // The class styles the `<use>`, and its copy inherits fill and font.
            out.push_str(r##"<use class="text" href="#"##);
            out.push_str(DATES_ID);
            out.push_str(r#""/>"#);
        }
    }
    if g.confidence_area.is_some() {
        // A line shows the trend; a lone value needs a dot to be seen.
        match g.confidence.len() {
            1 => dots(&mut out, "conf-dots", &g.confidence),
            _ => line(&mut out, "conf", &g.confidence, false),
        }
    }
    line(&mut out, "actual", &g.actual, g.steps);
    let checked_in = &g.actual[usize::from(b.from_start).min(g.actual.len())..];
    dots(&mut out, "dots", checked_in);
    if !g.breaches.is_empty() {
        dots(&mut out, "breach", &g.breaches);
    }
    out.push_str("</svg>");
    (out, named)
}

/// A burn-up's [`Frame`], drawn beneath everything else: nothing else of the
/// chart overlaps the strip, so it is drawn here too.
fn burnup_frame(b: &Burnup, g: &BurnupGeometry) -> String {
    let mut out = String::with_capacity(256);
    let plot = g.scale.area;
    if !matches!(b.goal, Goal::Keep { .. }) {
        hline(&mut out, "grid", plot, g.start_y);
    }
    hline(&mut out, "target", plot, g.target_y);
    if let Some((y, _)) = g.floor {
        hline(&mut out, "grid", plot, y);
    }
    if let Some((from, to)) = g.expected {
        out.push_str(r#"<path class="pace" d="M"#);
        pair(&mut out, from);
        out.push('L');
        pair(&mut out, to);
        out.push_str(r#""/>"#);
    }
    let bottom = g.confidence_area.map_or(plot.bottom(), |a| a.bottom());
    if let Some(x) = g.as_of_x {
        vline(&mut out, "asof", x, plot.top, bottom);
    }
    if let Some(area) = g.confidence_area {
        out.push_str(r#"<rect class="band" x=""#);
        coord(&mut out, area.left);
        out.push_str(r#"" y=""#);
        coord(&mut out, area.top);
        out.push_str(r#"" width=""#);
        coord(&mut out, area.width);
        out.push_str(r#"" height=""#);
        coord(&mut out, area.height);
        out.push_str(r#""/>"#);
    }
    out
}

/// An objective's (or an owner's) score over the period.
#[derive(Clone, Copy, Debug)]
pub struct ScoreTrend<'a> {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub as_of: NaiveDate,
    /// Scores (0..=1) by day, oldest first.
    pub scores: &'a [(NaiveDate, f64)],
    /// A retrospective's override, marked at the period's end.
    pub overridden: Option<f64>,
    /// The score aimed at: the pace runs to it and a guide line marks it
    /// (0.7 for an aspirational objective, 1 for a committed one).
    pub goal: f64,
    /// Text alternative; written escaped.
    pub label: &'a str,
}

/// How large a score chart is drawn, and with how much around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// With axis labels, the 0.7 line and the as-of day: an objective's page, the overview.
    Full,
    /// One of a small multiple: same scales, no labels.
    Small,
    /// A trend line for lists.
    Spark,
}

impl Size {
    fn frame(self) -> (f64, f64, Area) {
        match self {
            Size::Full => (
                480.0,
                150.0,
                Area {
                    left: 34.0,
                    top: 10.0,
                    width: 434.0,
                    height: 110.0,
                },
            ),
            Size::Small => (
                200.0,
                64.0,
                Area {
                    left: 3.0,
                    top: 4.0,
                    width: 194.0,
                    height: 56.0,
                },
            ),
            Size::Spark => (
                100.0,
                24.0,
                Area {
                    left: 2.0,
                    top: 2.0,
                    width: 96.0,
                    height: 20.0,
                },
            ),
        }
    }

    fn class(self) -> &'static str {
        match self {
            Size::Full => "chart-score",
            Size::Small => "chart-score chart-small",
            Size::Spark => "chart-trend",
        }
    }
}

/// Where everything of a score chart goes.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreGeometry {
    pub width: f64,
    pub height: f64,
    pub scale: Scale,
    pub line: Vec<Point>,
    /// The pace: 0 on the first day, the goal on the last.
    pub expected: (Point, Point),
    /// The goal's guide line.
    pub goal_y: f64,
    pub as_of_x: Option<f64>,
    /// The latest score, dotted.
    pub last: Option<Point>,
    /// The override, at the period's last day.
    pub overridden: Option<Point>,
}

pub fn score_geometry(t: &ScoreTrend, size: Size) -> ScoreGeometry {
    let (width, height, area) = size.frame();
    let scale = Scale {
        first: t.first,
        last: t.last,
        low: 0.0,
        high: 1.0,
        area,
    };
    let line: Vec<Point> = t.scores.iter().map(|&p| scale.point(p)).collect();
    ScoreGeometry {
        width,
        height,
        expected: (scale.point((t.first, 0.0)), scale.point((t.last, t.goal))),
        goal_y: scale.y(t.goal),
        as_of_x: scale.as_of_x(t.as_of),
        last: line.last().copied(),
        overridden: t.overridden.map(|v| scale.point((t.last, v))),
        line,
        scale,
    }
}

/// A score over time as inline SVG, in one of three sizes.
pub fn score_chart(t: &ScoreTrend, size: Size) -> String {
    let g = score_geometry(t, size);
    let mut out = String::with_capacity(match size {
        Size::Full => 1200,
        Size::Small => 600,
        Size::Spark => 400,
    });
    open(&mut out, size.class(), g.width, g.height, t.label);
    let plot = g.scale.area;
    if size != Size::Spark {
        hline(&mut out, "grid", plot, plot.bottom());
        hline(&mut out, "stretch", plot, g.goal_y);
    }
    if size == Size::Full {
        hline(&mut out, "grid", plot, plot.top);
        let mut labels = YLabels::open(&mut out, plot.left);
        let mut levels = vec![(plot.bottom(), 0.0), (plot.top, 1.0)];
        // The goal's label, unless it is 1 (or so near that the labels
        // would overlap): then the top label names it.
        if plot.top + LABEL_HEIGHT <= g.goal_y && g.goal_y + LABEL_HEIGHT <= plot.bottom() {
            levels.insert(1, (g.goal_y, t.goal));
        }
        for (y, value) in levels {
            labels.score(y, value);
        }
        labels.close();
    }
    out.push_str(r#"<path class="pace" d="M"#);
    pair(&mut out, g.expected.0);
    out.push('L');
    pair(&mut out, g.expected.1);
    out.push_str(r#""/>"#);
    if size != Size::Spark
        && let Some(x) = g.as_of_x
    {
        vline(&mut out, "asof", x, plot.top, plot.bottom());
    }
    if size == Size::Full {
        x_labels(&mut out, &g.scale, t.as_of, g.as_of_x, None);
    }
    line(&mut out, "actual", &g.line, false);
    if let Some(last) = g.last {
        dots(&mut out, "dots", &[last]);
    }
    if let Some((x, y)) = g.overridden {
        // A diamond: the override is a judgement, not a measurement.
        let r = if size == Size::Spark { 3.0 } else { 5.0 };
        out.push_str(r#"<path class="override" d="M"#);
        pair(&mut out, (x, y - r));
        out.push('L');
        pair(&mut out, (x + r, y));
        out.push('L');
        pair(&mut out, (x, y + r));
        out.push('L');
        pair(&mut out, (x - r, y));
        out.push_str(r#"Z"/>"#);
    }
    out.push_str("</svg>");
    out
}

/// The opening tag, sized by its viewBox, with the title first.
fn open(out: &mut String, class: &str, width: f64, height: f64, label: &str) {
    out.push_str(r#"<svg class="chart "#);
    out.push_str(class);
    out.push_str(r#"" viewBox="0 0 "#);
    coord(out, width);
    out.push(' ');
    coord(out, height);
    out.push_str(r#"" role="img"><title>"#);
    push_escaped(out, label);
    out.push_str("</title>");
}

/// `<path class="CLASS" d="` — the rest of the path is written by the caller.
fn open_path(out: &mut String, class: &str) {
    out.push_str(r#"<path class=""#);
    out.push_str(class);
    out.push_str(r#"" d=""#);
}

fn hline(out: &mut String, class: &str, area: Area, y: f64) {
    open_path(out, class);
    out.push('M');
    pair(out, (area.left, y));
    out.push('H');
    coord(out, area.right());
    out.push_str(r#""/>"#);
}

fn vline(out: &mut String, class: &str, x: f64, top: f64, bottom: f64) {
    open_path(out, class);
    out.push('M');
    pair(out, (x, top));
    out.push('V');
    coord(out, bottom);
    out.push_str(r#""/>"#);
}

/// A polyline through the points, or steps (across, then up or down).
fn line(out: &mut String, class: &str, points: &[Point], steps: bool) {
    if points.len() < 2 {
        return;
    }
    open_path(out, class);
    out.push('M');
    pair(out, points[0]);
    if !steps {
        out.push('l');
    }
    for window in points.windows(2) {
        let (from, to) = (window[0], window[1]);
        if steps {
            out.push('H');
            coord(out, to.0);
            if to.1 != from.1 {
                out.push('V');
                coord(out, to.1);
            }
        } else {
            // `l` repeats for every pair after it: each is a step from the last.
            step(out, from, to, window[0] == points[0]);
        }
    }
    out.push_str(r#""/>"#);
}

/// A dot on each point: zero-length segments that round caps (from the
/// stylesheet) draw as dots, all in one path.
fn dots(out: &mut String, class: &str, points: &[Point]) {
    if points.is_empty() {
        return;
    }
    open_path(out, class);
    out.push('M');
    pair(out, points[0]);
    out.push_str("h0");
    for window in points.windows(2) {
        out.push('m');
        step(out, window[0], window[1], true);
        out.push_str("h0");
    }
    out.push_str(r#""/>"#);
}

/// Labels right-aligned left of the plot, each centred on a line; grouped so
/// that their class and alignment are written once.
struct YLabels<'o> {
    out: &'o mut String,
    x: f64,
}

impl<'o> YLabels<'o> {
    fn open(out: &'o mut String, plot_left: f64) -> YLabels<'o> {
        out.push_str(r#"<g class="text end">"#);
        YLabels {
            out,
            x: plot_left - 6.0,
        }
    }

    fn start(&mut self, y: f64) {
        self.start_with_class(y, "");
    }

    fn start_with_class(&mut self, y: f64, class: &str) {
        self.out.push_str("<text ");
        if !class.is_empty() {
            self.out.push_str(r#"class=""#);
            self.out.push_str(class);
            self.out.push_str(r#"" "#);
        }
        self.out.push_str(r#"x=""#);
        coord(self.out, self.x);
        self.out.push_str(r#"" y=""#);
        // A third of the font size below the line centres the text on it.
        coord(self.out, y + 4.0);
        self.out.push_str(r#"">"#);
    }

    fn number(&mut self, y: f64, value: f64) {
        self.start(y);
        push_decimal(self.out, value, true);
        self.out.push_str("</text>");
    }

    /// A score, with two decimals like every score on the site.
    fn score(&mut self, y: f64, value: f64) {
        self.start(y);
        self.out.push_str(&score(value));
        self.out.push_str("</text>");
    }

    /// `value` with `unit` when both fit the margin, else the number alone;
    /// says whether the unit was written.
    fn value(&mut self, y: f64, value: f64, unit: Option<&str>) -> bool {
        let text = with_unit(value, unit);
        let fits = text.chars().count() <= LABEL_CHARS;
        self.start(y);
        if fits {
            push_escaped(self.out, &text);
        } else {
            push_decimal(self.out, value, true);
        }
        self.out.push_str("</text>");
        fits
    }

    fn text(&mut self, y: f64, text: &str) {
        self.start(y);
        self.out.push_str(text);
        self.out.push_str("</text>");
    }

    fn close(self) {
        self.out.push_str("</g>");
    }
}

/// The period's first and last days under the plot, and the as-of day where
/// it does not crowd them.
fn x_labels(
    out: &mut String,
    scale: &Scale,
    as_of: NaiveDate,
    as_of_x: Option<f64>,
    id: Option<&str>,
) {
    let area = scale.area;
    let y = area.bottom() + AXIS_LINE;
    out.push_str(r#"<g class="text""#);
    if let Some(id) = id {
        out.push_str(r#" id=""#);
        out.push_str(id);
        out.push('"');
    }
    out.push('>');
    // Aligned by attribute, not by a class: the charts that show these
    // labels through `<use>` get no rule of the stylesheet inside it.
    let mut label = |x: f64, anchor: &str, day: NaiveDate| {
        out.push_str(r#"<text x=""#);
        coord(out, x);
        out.push_str(r#"" y=""#);
        coord(out, y);
        // `start` is SVG's default.
        if anchor != "start" {
            out.push_str(r#"" text-anchor=""#);
            out.push_str(anchor);
        }
        out.push_str(r#"">"#);
        push_short_date(out, day);
        out.push_str("</text>");
    };
    label(area.left, "start", scale.first);
    label(area.right(), "end", scale.last);
    // About the width of a date at this size.
    const ROOM: f64 = 60.0;
    if let Some(x) = as_of_x
        && x - area.left > ROOM
        && area.right() - x > ROOM
    {
        label(x, "middle", as_of);
    }
    out.push_str("</g>");
}

/// The step from `from` to `to` in whole units, as the difference of their
/// rounded coordinates, so that steps add up to where each point is drawn;
/// `first` when nothing precedes it after the command letter. Numbers are
/// separated by a comma or a space only where a minus sign does not do it.
fn step(out: &mut String, from: Point, to: Point, first: bool) {
    let dx = whole(to.0) - whole(from.0);
    let dy = whole(to.1) - whole(from.1);
    if !first && dx >= 0 {
        out.push(' ');
    }
    push_signed(out, dx);
    if dy >= 0 {
        out.push(',');
    }
    push_signed(out, dy);
}

fn push_signed(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_digits(out, v.unsigned_abs(), false);
}

fn pair(out: &mut String, (x, y): Point) {
    coord(out, x);
    out.push(',');
    coord(out, y);
}

/// A coordinate in whole units, without allocating; non-finite as 0. A
/// unit is about a pixel or two on screen, so more precision would only make
/// pages larger.
fn coord(out: &mut String, v: f64) {
    push_signed(out, whole(v));
}

/// A coordinate rounded half away from zero, as `f64::round`, without its
/// library call; non-finite as 0. `as` saturates, so huge values cannot
/// overflow, and the saturated ends stay far enough from `i64`'s limits for
/// a difference of two of them to fit.
fn whole(v: f64) -> i64 {
    const LIMIT: f64 = (1u64 << 52) as f64;
    if !v.is_finite() {
        return 0;
    }
    match v.clamp(-LIMIT, LIMIT) {
        v if v >= 0.0 => (v + 0.5) as i64,
        v => (v - 0.5) as i64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A quarter of 90 days, so that ten days are a ninth of the width.
    const FIRST: &str = "2026-10-01";
    const LAST: &str = "2026-12-30";

    fn burnup_of<'a>(
        goal: Goal,
        values: &'a [(NaiveDate, f64)],
        confidence: &'a [(NaiveDate, f64)],
        as_of: &str,
    ) -> Burnup<'a> {
        Burnup {
            first: day(FIRST),
            last: day(LAST),
            as_of: day(as_of),
            goal,
            pace: 1.0,
            values,
            from_start: false,
            confidence,
            label: "burn-up",
            unit: None,
            dates: Dates::Own,
            frame: Frame::Own,
        }
    }

    #[test]
    fn start_and_target_carry_their_unit_within_the_margin() {
        let labels = |unit: &str| {
            let b = Burnup {
                unit: Some(unit),
                ..burnup_of(
                    Goal::Metric {
                        start: 1.0,
                        target: 1_500.0,
                    },
                    &[],
                    &[],
                    "2026-11-23",
                )
            };
            burnup(&b)
        };
        let percent = labels("%");
        assert!(percent.contains(">1%</text>") && percent.contains(">1,500%</text>"));
        let short = labels("days");
        assert!(short.contains(">1 day</text>") && short.contains(">1,500 days</text>"));
        // Too long for the margin: the numbers alone, the unit once, escaped.
        let long = labels("<technicians>");
        assert!(
            long.contains(">1</text>") && long.contains(">1,500</text>"),
            "{long}"
        );
        assert_eq!(
            long.matches("&lt;technicians&gt;</text>").count(),
            1,
            "{long}"
        );
    }

    fn round(p: Point) -> Point {
        ((p.0 * 10.0).round() / 10.0, (p.1 * 10.0).round() / 10.0)
    }

    #[test]
    fn scales_map_days_and_values_into_the_area() {
        let area = Area {
            left: 10.0,
            top: 20.0,
            width: 90.0,
            height: 100.0,
        };
        let scale = Scale {
            first: day(FIRST),
            last: day(LAST),
            low: 0.0,
            high: 50.0,
            area,
        };
        assert_eq!(scale.x(day(FIRST)), 10.0);
        assert_eq!(scale.x(day("2026-10-31")), 40.0);
        assert_eq!(scale.x(day(LAST)), 100.0);
        // Outside the period: pinned to the edges.
        assert_eq!(scale.x(day("2026-09-01")), 10.0);
        assert_eq!(scale.x(day("2027-02-01")), 100.0);
        assert_eq!(scale.y(0.0), 120.0);
        assert_eq!(scale.y(50.0), 20.0);
        assert_eq!(scale.y(10.0), 100.0);
        assert_eq!(scale.y(80.0), 20.0);
        assert_eq!(scale.y(f64::NAN), 120.0);
    }

    #[test]
    fn an_increasing_burn_up_puts_each_check_in_at_its_day_and_value() {
        // 0 → 100 over the quarter; the value range is padded by 6% each side.
        let values = [
            (day(FIRST), 0.0),
            (day("2026-10-31"), 20.0),
            (day("2026-11-30"), 50.0),
        ];
        let g = burnup_geometry(&burnup_of(
            Goal::Metric {
                start: 0.0,
                target: 100.0,
            },
            &values,
            &[],
            "2026-12-05",
        ));
        let (left, top, width, height) = (66.0, 10.0, 402.0, 104.0);
        let y = |v: f64| top + height * (1.0 - (v + 6.0) / 112.0);
        let expected: Vec<Point> = [(0.0, 0.0), (30.0, 20.0), (60.0, 50.0)]
            .iter()
            .map(|&(d, v)| round((left + width * d / 90.0, y(v))))
            .collect();
        let actual: Vec<Point> = g.actual.iter().copied().map(round).collect();
        assert_eq!(actual, expected);
        assert_eq!(
            g.expected.map(|(a, b)| (round(a), round(b))),
            Some((round((left, y(0.0))), round((left + width, y(100.0)))))
        );
        assert!(g.target_y < g.start_y, "the target is above the start");
        assert_eq!(
            g.as_of_x.map(|x| (x * 10.0).round() / 10.0),
            Some(((left + width * 65.0 / 90.0) * 10.0).round() / 10.0)
        );
        assert!(!g.steps);
        assert_eq!(g.confidence_area, None);
    }

    #[test]
    fn a_decreasing_burn_up_runs_down_towards_its_target() {
        // Churn from 5 % to 3 %: the target line is below the start line, the
        // expected line falls, and a value above the start widens the range.
        let values = [
            (day(FIRST), 5.0),
            (day("2026-11-15"), 5.5),
            (day(LAST), 3.5),
        ];
        let g = burnup_geometry(&burnup_of(
            Goal::Metric {
                start: 5.0,
                target: 3.0,
            },
            &values,
            &[],
            "2027-01-10",
        ));
        assert!(g.target_y > g.start_y, "the target is below the start");
        let (from, to) = g.expected.unwrap();
        assert!(to.1 > from.1, "the expected line falls");
        assert!((g.scale.low - 2.85).abs() < 1e-9 && (g.scale.high - 5.65).abs() < 1e-9);
        assert_eq!(g.actual[0], (66.0, g.scale.y(5.0)));
        assert_eq!(g.actual[1], (66.0 + 402.0 * 0.5, g.scale.y(5.5)));
        assert_eq!(g.actual[2].0, 468.0);
        // After the period, no as-of marker.
        assert_eq!(g.as_of_x, None);
    }

    #[test]
    fn a_milestone_burn_up_steps_from_not_done_to_done() {
        let values = [(day(FIRST), 0.0), (day("2026-11-20"), 1.0)];
        let confidence = [(day("2026-10-10"), 0.5), (day("2026-11-20"), 1.0)];
        let g = burnup_geometry(&burnup_of(
            Goal::Milestone,
            &values,
            &confidence,
            "2026-11-25",
        ));
        assert!(g.steps);
        assert_eq!(g.expected, None);
        assert_eq!(g.actual[0].1, g.start_y);
        assert_eq!(g.actual[1].1, g.target_y);
        let strip = g.confidence_area.unwrap();
        assert_eq!(
            g.confidence.iter().map(|p| p.1).collect::<Vec<_>>(),
            [strip.top + strip.height / 2.0, strip.top]
        );
        let svg = burnup(&burnup_of(
            Goal::Milestone,
            &values,
            &confidence,
            "2026-11-25",
        ));
        assert!(svg.contains(">not done</text>") && svg.contains(">done</text>"));
        // Across to the day it was done, then up.
        let x = g.actual[1].0.round();
        assert!(svg.contains(&format!("H{x}V")), "{svg}");
    }

    #[test]
    fn a_value_below_start_and_target_gets_a_labelled_axis_beneath_it() {
        // A check-in of 0 under a start of 40: the scale reaches down to it,
        // and a line labelled 0 under it is the axis nothing falls below.
        let values = [(day(FIRST), 40.0), (day("2026-10-31"), 0.0)];
        let goal = Goal::Metric {
            start: 40.0,
            target: 100.0,
        };
        let b = burnup_of(goal, &values, &[], "2026-11-05");
        let g = burnup_geometry(&b);
        let (floor_y, floor_value) = g.floor.expect("a floor under the start");
        assert_eq!(floor_value, 0.0);
        assert!(floor_y > g.start_y, "the floor is under the start line");
        assert!(floor_y <= g.scale.area.bottom());
        for &(_, y) in &g.actual {
            assert!(y <= floor_y, "{y} is drawn below the axis at {floor_y}");
        }
        let svg = burnup(&b);
        for label in [">0</text>", ">40</text>", ">100</text>"] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
        // Within the levels, no extra line.
        let within = [(day(FIRST), 40.0), (day("2026-10-31"), 55.0)];
        assert_eq!(
            burnup_geometry(&burnup_of(goal, &within, &[], "2026-11-05")).floor,
            None
        );
    }

    #[test]
    fn a_floor_just_under_the_start_is_drawn_but_not_labelled_over_it() {
        let values = [(day(FIRST), 40.0), (day("2026-10-31"), 39.0)];
        let b = burnup_of(
            Goal::Metric {
                start: 40.0,
                target: 100.0,
            },
            &values,
            &[],
            "2026-11-05",
        );
        assert!(burnup_geometry(&b).floor.is_some());
        let svg = burnup(&b);
        assert!(!svg.contains(">39</text>"), "{svg}");
        assert_eq!(svg.matches("grid").count(), 2, "{svg}");
    }

    #[test]
    fn burn_up_svg_has_its_parts_and_a_text_alternative() {
        let values = [(day(FIRST), 2.4), (day("2026-11-19"), 2.0)];
        let confidence = [(day("2026-11-19"), 0.4)];
        let svg = burnup(&Burnup {
            label: r#"Churn <b>"x"</b> & co"#,
            unit: None,
            ..burnup_of(
                Goal::Metric {
                    start: 2.4,
                    target: 1.5,
                },
                &values,
                &confidence,
                "2026-11-23",
            )
        });
        assert!(svg.starts_with(r#"<svg class="chart chart-burnup" viewBox="0 0 480 170" role="img"><title>Churn &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; co</title>"#));
        for part in [
            r#"class="target""#,
            r#"class="pace""#,
            r#"class="asof""#,
            r#"class="actual""#,
            r#"class="dots""#,
            r#"class="conf-dots""#,
            ">2.4</text>",
            ">1.5</text>",
            ">Oct 1</text>",
            ">Dec 30</text>",
            ">Nov 23</text>",
        ] {
            assert!(svg.contains(part), "{part} in {svg}");
        }
        assert!(!svg.contains("NaN") && !svg.contains('#'), "{svg}");
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn a_pages_burn_ups_name_the_dates_once_and_reuse_them() {
        let values = [(day(FIRST), 2.4), (day("2026-11-19"), 2.0)];
        let goal = Goal::Metric {
            start: 2.4,
            target: 1.5,
        };
        let drawn = |dates| {
            burnup(&Burnup {
                dates,
                ..burnup_of(goal, &values, &[], "2026-11-23")
            })
        };
        let own = drawn(Dates::Own);
        let dates = r#"<text x="66" y="130">Oct 1</text>"#;
        assert!(
            own.contains(&format!(r#"<g class="text">{dates}"#)),
            "{own}"
        );
        let named = drawn(Dates::Named);
        assert!(
            named.contains(&format!(r#"<g class="text" id="burnup-dates">{dates}"#)),
            "{named}"
        );
        let reused = drawn(Dates::Reused);
        assert!(
            reused.contains(r##"<use class="text" href="#burnup-dates"/>"##),
            "{reused}"
        );
        assert!(!reused.contains("Oct 1"), "{reused}");
        // The rest of the chart is the same.
        assert_eq!(
            own.replace(dates, ""),
            named
                .replace(dates, "")
                .replace(r#" id="burnup-dates""#, "")
        );
    }

    #[test]
    fn a_pages_burn_ups_name_each_frame_once_and_reuse_it() {
        let rising = Goal::Metric {
            start: 0.0,
            target: 10.0,
        };
        let falling = Goal::Metric {
            start: 10.0,
            target: 0.0,
        };
        let confidence = [(day("2026-10-20"), 0.6)];
        let drawn = |goal, values: &[(NaiveDate, f64)], frame| {
            burnup_and_frame(&Burnup {
                frame,
                ..burnup_of(goal, values, &confidence, "2026-11-23")
            })
        };
        let first_values = [(day("2026-10-20"), 2.0)];
        let (own, none) = drawn(rising, &first_values, Frame::Own);
        assert_eq!(none, None);
        let (first, named) = drawn(rising, &first_values, Frame::Shared(&[]));
        let frame = named.expect("the first burn-up names its frame");
        assert!(
            first.contains(&format!(r#"<g id="burnup-frame-1">{frame}</g>"#)),
            "{first}"
        );
        assert!(frame.contains(r#"class="pace""#) && frame.contains(r#"class="band""#));
        assert_eq!(
            own,
            first
                .replace(r#"<g id="burnup-frame-1">"#, "")
                .replace(&format!("{frame}</g>"), &frame)
        );
        // Another key result rising to its target within the same levels.
        let named = [frame];
        let (second, none) = drawn(rising, &[(day("2026-11-01"), 6.0)], Frame::Shared(&named));
        assert_eq!(none, None);
        assert!(
            second.contains(r##"<use href="#burnup-frame-1"/>"##),
            "{second}"
        );
        assert!(!second.contains(r#"class="pace""#), "{second}");
        // One falling to its target has a frame of its own, named next.
        let (third, also) = drawn(falling, &first_values, Frame::Shared(&named));
        assert!(third.contains(r#"<g id="burnup-frame-2">"#), "{third}");
        assert!(also.is_some());
    }

    #[test]
    fn the_start_of_the_line_is_not_dotted_as_a_check_in() {
        let values = [(day(FIRST), 0.0), (day("2026-10-31"), 4.0)];
        let b = Burnup {
            from_start: true,
            ..burnup_of(
                Goal::Metric {
                    start: 0.0,
                    target: 10.0,
                },
                &values,
                &[],
                "2026-11-02",
            )
        };
        let g = burnup_geometry(&b);
        let svg = burnup(&b);
        let dots = svg.split(r#"class="dots" d=""#).nth(1).unwrap();
        let dot = |p: Point| format!("M{},{}h0", p.0.round(), p.1.round());
        assert!(dots.starts_with(&dot(g.actual[1])), "{svg}");
        assert!(!dots.contains(&dot(g.actual[0])), "{svg}");
    }

    #[test]
    fn a_single_value_is_a_dot_without_a_line() {
        let values = [(day(FIRST), 0.0)];
        let svg = burnup(&burnup_of(
            Goal::Metric {
                start: 0.0,
                target: 10.0,
            },
            &values,
            &[],
            "2026-10-02",
        ));
        assert!(!svg.contains("actual"));
        assert!(svg.contains(r#"class="dots""#));
    }

    #[test]
    fn scores_outside_0_to_1_stay_on_the_axes() {
        // Progress below the start is a negative score: drawn on the 0 axis,
        // never under it; past the target, on the 1 line.
        let scores = [
            (day(FIRST), -0.4),
            (day("2026-11-15"), 1.3),
            (day("2026-11-20"), f64::NAN),
        ];
        for size in [Size::Full, Size::Small, Size::Spark] {
            let g = score_geometry(
                &ScoreTrend {
                    first: day(FIRST),
                    last: day(LAST),
                    as_of: day("2026-11-20"),
                    scores: &scores,
                    overridden: Some(-1.0),
                    goal: 0.7,
                    label: "score",
                },
                size,
            );
            let area = g.scale.area;
            assert_eq!(g.line[0].1, area.bottom(), "{size:?}");
            assert_eq!(g.line[1].1, area.top, "{size:?}");
            assert_eq!(g.line[2].1, area.bottom(), "{size:?}");
            assert_eq!(g.overridden.map(|p| p.1), Some(area.bottom()), "{size:?}");
        }
    }

    #[test]
    fn score_geometry_follows_the_pace_diagonal() {
        let scores = [(day(FIRST), 0.0), (day("2026-11-15"), 0.25)];
        let trend = ScoreTrend {
            first: day(FIRST),
            last: day(LAST),
            as_of: day("2026-11-15"),
            scores: &scores,
            overridden: None,
            goal: 0.7,
            label: "score",
        };
        let g = score_geometry(&trend, Size::Small);
        // 200 × 64 with the plot at (3, 4) sized 194 × 56; the pace runs to 0.7.
        assert_eq!(g.expected.0, (3.0, 60.0));
        assert_eq!(g.expected.1.0, 197.0);
        assert!((g.expected.1.1 - (60.0 - 56.0 * 0.7)).abs() < 1e-9);
        assert_eq!(g.line[0], (3.0, 60.0));
        assert_eq!(g.line[1], (3.0 + 194.0 * 0.5, 60.0 - 56.0 * 0.25));
        assert_eq!(g.last, Some(g.line[1]));
        assert!((g.goal_y - (60.0 - 56.0 * 0.7)).abs() < 1e-9);
        assert_eq!(g.as_of_x, Some(100.0));
        let full = score_chart(&trend, Size::Full);
        assert!(full.contains(">0.70</text>") && full.contains(">Nov 15</text>"));
        let spark = score_chart(&trend, Size::Spark);
        assert!(spark.starts_with(r#"<svg class="chart chart-trend" viewBox="0 0 100 24""#));
        assert!(!spark.contains("<text") && !spark.contains("asof"));
    }

    #[test]
    fn an_override_is_marked_at_the_end_of_the_period() {
        let scores = [(day(FIRST), 0.0), (day(LAST), 0.5)];
        let trend = ScoreTrend {
            first: day(FIRST),
            last: day(LAST),
            as_of: day("2027-01-05"),
            scores: &scores,
            overridden: Some(0.75),
            goal: 0.7,
            label: "score",
        };
        let g = score_geometry(&trend, Size::Small);
        assert_eq!(g.overridden, Some((197.0, 60.0 - 56.0 * 0.75)));
        assert_eq!(g.as_of_x, None);
        assert!(score_chart(&trend, Size::Small).contains("override"));
        let empty = score_chart(
            &ScoreTrend {
                scores: &[],
                overridden: None,
                ..trend
            },
            Size::Spark,
        );
        assert!(!empty.contains("actual") && !empty.contains("dots"));
        assert!(empty.contains("<title>score</title>"));
    }

    #[test]
    fn coordinates_are_written_in_whole_units() {
        let mut out = String::new();
        for v in [0.0, 12.34, -0.46, -0.6, 100.5, f64::NAN, -3.0] {
            coord(&mut out, v);
            out.push(' ');
        }
        assert_eq!(out, "0 12 0 -1 101 0 -3 ");
        let mut huge = String::new();
        coord(&mut huge, 1e300);
        assert_eq!(huge, (1u64 << 52).to_string());
    }

    #[test]
    fn lines_are_relative_steps_that_add_up_to_each_point() {
        let mut out = String::new();
        let points = [(10.4, 20.0), (12.6, 18.2), (30.0, 25.0), (29.0, 25.0)];
        line(&mut out, "a", &points, false);
        assert_eq!(out, r#"<path class="a" d="M10,20l3-2 17,7-1,0"/>"#);
        let mut out = String::new();
        dots(&mut out, "b", &points[..3]);
        assert_eq!(out, r#"<path class="b" d="M10,20h0m3-2h0m17,7h0"/>"#);
        // Huge coordinates saturate without overflowing the difference.
        let mut out = String::new();
        line(&mut out, "c", &[(-1e300, 0.0), (1e300, f64::NAN)], false);
        assert!(
            out.starts_with(r#"<path class="c" d="M-4503599627370496,0l9007199254740992,0"#),
            "{out}"
        );
    }
}
