//! Inline SVG charts: progress bars, status distributions and sparklines.
//!
//! Charts are plain strings built ahead of time, so pages need no script and
//! print as they show. Colours come only from classes (`chart-*`,
//! `status-*`) that the stylesheet maps to CSS variables; every chart carries
//! a text alternative, so nothing is said by colour alone. It is the chart's
//! `<title>`, which names an `<svg role="img">` for assistive tools and shows
//! as a tooltip: written once, not again as an `aria-label`, since pages
//! repeat charts by the thousand.

pub mod timeline;

use crate::text::{decimal, escape_html, push_decimal, push_escaped};
use std::fmt::Write;

/// ViewBox size of bars; with `preserveAspectRatio="none"` they stretch to
/// any width, so a width of 100 makes fills read as percentages.
const BAR_WIDTH: f64 = 100.0;
const BAR_HEIGHT: f64 = 8.0;
const SPARK_WIDTH: f64 = 100.0;
const SPARK_HEIGHT: f64 = 20.0;
/// Room around the sparkline so the dot and round caps are not clipped.
const SPARK_MARGIN: f64 = 2.0;
const DOT_RADIUS: f64 = 1.5;

/// A key result's or objective's progress bar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar<'a> {
    /// Raw progress: may be below 0 (moved the wrong way) or above 1 (over-achieved); None = not measurable.
    pub progress: Option<f64>,
    /// Expected progress at the as-of date (0..=1), drawn as a vertical marker; None when the period has ended or not started.
    pub expected: Option<f64>,
    /// Status name used as CSS class suffix (e.g. "on-track"); None = neutral.
    pub status: Option<&'a str>,
    /// Text alternative, e.g. "42% of target, on track (expected 50%)".
    pub label: &'a str,
}

/// The bar's track, its fill (class `chart-over` when over-achieved) and the
/// expected-pace marker.
pub fn progress_bar(bar: &Bar) -> String {
    // Written piece by piece rather than with `write!`: every key result has
    // a bar, and formatting machinery was most of their cost.
    let mut out = open_bar("chart-bar", bar.label);
    let (track, height) = (BAR_WIDTH, BAR_HEIGHT);
    out.push_str(r#"<rect class="chart-track" width=""#);
    push_num(&mut out, track);
    out.push_str(r#"" height=""#);
    push_num(&mut out, height);
    out.push_str(r#""/>"#);
    if let Some(progress) = bar.progress.and_then(finite) {
        let width = fill_width(progress, BAR_WIDTH);
        // A zero-width rect draws nothing; leave it out to keep pages small.
        if width > 0.0 {
            out.push_str(r#"<rect class="chart-fill"#);
            if progress > 1.0 {
                out.push_str(" chart-over");
            }
            out.push_str(&status_class(bar.status));
            out.push_str(r#"" width=""#);
            push_num(&mut out, width);
            out.push_str(r#"" height=""#);
            push_num(&mut out, height);
            out.push_str(r#""/>"#);
        }
    }
    if let Some(expected) = bar.expected.and_then(finite) {
        let x = fill_width(expected, BAR_WIDTH);
        // Its colour and width come from the stylesheet; `vector-effect` keeps it
        // thin however far the bar stretches. It is an attribute, not CSS,
        // because CSS validators do not know the property.
        out.push_str(r#"<line class="chart-expected" x1=""#);
        push_num(&mut out, x);
        out.push_str(r#"" x2=""#);
        push_num(&mut out, x);
        out.push_str(r#"" y2=""#);
        push_num(&mut out, height);
        out.push_str(r#"" vector-effect="non-scaling-stroke"/>"#);
    }
    out.push_str("</svg>");
    out
}

/// A stacked horizontal bar of how many objectives have each status, in the order given; zero counts are skipped.
pub fn status_distribution(counts: &[(&str, usize)], label: &str) -> String {
    let mut out = open_bar("chart-distribution", label);
    // Summed as floats: counts cannot overflow and widths are fractions anyway.
    let total: f64 = counts.iter().map(|&(_, n)| n as f64).sum();
    if total <= 0.0 {
        let _ = write!(
            out,
            r#"<rect class="chart-track" width="{}" height="{}"/>"#,
            num(BAR_WIDTH),
            num(BAR_HEIGHT)
        );
    } else {
        let mut done = 0.0;
        for &(status, n) in counts.iter().filter(|&&(_, n)| n > 0) {
            // Edges from running totals, rounded once, so segments meet without seams.
            let start = round2(done / total * BAR_WIDTH);
            done += n as f64;
            let end = round2(done / total * BAR_WIDTH);
            let _ = write!(
                out,
                r#"<rect class="chart-segment{}" x="{}" width="{}" height="{}"><title>{}: {n}</title></rect>"#,
                status_class(Some(status)),
                num(start),
                num(end - start),
                num(BAR_HEIGHT),
                escape_html(&status.replace('-', " "))
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// A sparkline of scores over periods (values 0..=1, None = no score in that period: a gap, not zero); with a dot on the last point.
///
/// The dot marks the last period that has a score, even when later periods
/// have none yet.
pub fn sparkline(points: &[Option<f64>], label: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="chart chart-sparkline" viewBox="{m} {m} {w} {h}" width="{w}" height="{h}" role="img"><title>{label}</title>"#,
        m = num(-SPARK_MARGIN),
        w = num(SPARK_WIDTH + 2.0 * SPARK_MARGIN),
        h = num(SPARK_HEIGHT + 2.0 * SPARK_MARGIN),
        label = escape_html(label)
    );
    let d = sparkline_path(points, SPARK_WIDTH, SPARK_HEIGHT);
    if !d.is_empty() {
        let _ = write!(out, r#"<path class="chart-line" d="{d}"/>"#);
    }
    let last = points
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, p)| Some((i, score(*p)?)));
    if let Some((i, v)) = last {
        let (x, y) = spark_point(i, points.len(), v, SPARK_WIDTH, SPARK_HEIGHT);
        let _ = write!(
            out,
            r#"<circle class="chart-dot" cx="{}" cy="{}" r="{}"/>"#,
            num(x),
            num(y),
            num(DOT_RADIUS)
        );
    }
    out.push_str("</svg>");
    out
}

/// Width of a bar's fill: `progress` of `width`, clamped to 0..=width, so
/// moving the wrong way shows empty and overshooting shows full.
pub fn fill_width(progress: f64, width: f64) -> f64 {
    // `f64::clamp` panics on a NaN bound, so the width is checked first.
    let width = if width.is_finite() && width > 0.0 {
        width
    } else {
        0.0
    };
    match finite(progress) {
        Some(p) => (p * width).clamp(0.0, width),
        None => 0.0,
    }
}

/// Path data of a sparkline in a `width` × `height` box, 1 at the top.
///
/// Points are spread evenly with the last at the right edge; a gap starts a
/// new `M` segment, and a point with no neighbour becomes `h0`, which round
/// caps draw as a dot. Empty when no point has a value.
pub fn sparkline_path(points: &[Option<f64>], width: f64, height: f64) -> String {
    let mut d = String::new();
    // Points in the current segment.
    let mut run = 0usize;
    for (i, p) in points.iter().enumerate() {
        match score(*p) {
            Some(v) => {
                let (x, y) = spark_point(i, points.len(), v, width, height);
                let command = if run == 0 { 'M' } else { 'L' };
                let _ = write!(d, "{command}{},{}", num(x), num(y));
                run += 1;
            }
            None => {
                if run == 1 {
                    d.push_str("h0");
                }
                run = 0;
            }
        }
    }
    if run == 1 {
        d.push_str("h0");
    }
    d
}

/// Where point `i` of `n` with value `v` sits; a lone point sits at the right
/// edge, where the latest value always is.
fn spark_point(i: usize, n: usize, v: f64, width: f64, height: f64) -> (f64, f64) {
    let x = if n > 1 {
        i as f64 * width / (n - 1) as f64
    } else {
        width
    };
    (x, height * (1.0 - v))
}

/// A score to plot: finite and clamped to 0..=1, else none.
fn score(p: Option<f64>) -> Option<f64> {
    p.and_then(finite).map(|v| v.clamp(0.0, 1.0))
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// The opening of a horizontal bar chart up to and including its `<title>`.
fn open_bar(class: &str, label: &str) -> String {
    let mut out = String::with_capacity(256 + 2 * label.len());
    out.push_str(r#"<svg class="chart "#);
    out.push_str(class);
    out.push_str(r#"" viewBox="0 0 "#);
    push_num(&mut out, BAR_WIDTH);
    out.push(' ');
    push_num(&mut out, BAR_HEIGHT);
    out.push_str(r#"" preserveAspectRatio="none" role="img"><title>"#);
    push_escaped(&mut out, label);
    out.push_str("</title>");
    out
}

/// ` status-<name>`, keeping only characters that are safe in a class name so
/// an odd status cannot add classes or break out of the attribute.
fn status_class(status: Option<&str>) -> String {
    let name: String = status
        .unwrap_or("")
        .trim()
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect();
    if name.is_empty() {
        String::new()
    } else {
        format!(" status-{name}")
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// A number with at most 2 decimals and no trailing zeros, the same on every
/// platform; non-finite values print as 0 so the SVG stays valid.
fn num(v: f64) -> String {
    decimal(v, false)
}

fn push_num(out: &mut String, v: f64) {
    push_decimal(out, v, false);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(progress: Option<f64>) -> Bar<'static> {
        Bar {
            progress,
            expected: None,
            status: Some("on-track"),
            label: "label",
        }
    }

    #[test]
    fn fill_width_is_clamped_to_the_track() {
        assert_eq!(fill_width(0.0, 100.0), 0.0);
        assert_eq!(fill_width(0.5, 100.0), 50.0);
        assert_eq!(fill_width(1.0, 100.0), 100.0);
        assert_eq!(fill_width(-0.2, 100.0), 0.0);
        assert_eq!(fill_width(1.4, 100.0), 100.0);
        assert_eq!(fill_width(f64::NAN, 100.0), 0.0);
        assert_eq!(fill_width(f64::INFINITY, 100.0), 0.0);
        assert_eq!(fill_width(0.5, f64::NAN), 0.0);
        assert_eq!(fill_width(0.5, -10.0), 0.0);
    }

    #[test]
    fn bars_fill_to_their_progress() {
        let half = progress_bar(&bar(Some(0.5)));
        assert!(half.contains(r#"<rect class="chart-fill status-on-track" width="50""#));
        assert!(!half.contains("chart-over"));
        let over = progress_bar(&bar(Some(1.4)));
        assert!(over.contains(r#"class="chart-fill chart-over status-on-track" width="100""#));
        for empty in [Some(0.0), Some(-0.2), Some(f64::NAN), None] {
            let svg = progress_bar(&bar(empty));
            assert!(!svg.contains("chart-fill"), "{svg}");
            assert!(svg.contains("chart-track"));
            assert!(!svg.contains("NaN"));
        }
    }

    #[test]
    fn bars_mark_the_expected_pace() {
        let svg = progress_bar(&Bar {
            progress: Some(0.42),
            expected: Some(0.5),
            status: None,
            label: "42% of target, on track (expected 50%)",
        });
        assert!(svg.contains(r#"<rect class="chart-fill" width="42""#));
        assert!(svg.contains(r#"class="chart-expected" x1="50" x2="50""#));
        // However far the bar stretches, the marker stays a thin line.
        assert!(svg.contains(r#"vector-effect="non-scaling-stroke""#));
        let none = progress_bar(&Bar {
            expected: Some(f64::NAN),
            ..bar(Some(0.1))
        });
        assert!(!none.contains("chart-expected"));
    }

    #[test]
    fn charts_have_a_text_alternative() {
        let label = "42% of target, on track";
        for svg in [
            progress_bar(&Bar { label, ..bar(None) }),
            status_distribution(&[("on-track", 1)], label),
            sparkline(&[Some(0.5)], label),
        ] {
            assert!(svg.starts_with("<svg "), "{svg}");
            assert!(svg.ends_with("</svg>"));
            assert!(svg.contains(r#"role="img""#));
            // The title names the chart; an `aria-label` would repeat it.
            assert!(!svg.contains("aria-label"), "{svg}");
            // The title comes first so assistive tools find it.
            let after_open = &svg[svg.find('>').map_or(0, |i| i + 1)..];
            assert!(after_open.starts_with(&format!("<title>{label}</title>")));
            assert!(!svg.contains('#'), "no hard-coded colours: {svg}");
        }
    }

    #[test]
    fn labels_and_statuses_are_escaped() {
        let label = r#"<script>alert("x")</script> & 'y'"#;
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;";
        for svg in [
            progress_bar(&Bar {
                status: Some(r#"x" onload="y"#),
                label,
                ..bar(Some(0.5))
            }),
            status_distribution(&[(r#"<script>"#, 2)], label),
            sparkline(&[Some(0.1), None], label),
        ] {
            assert!(!svg.contains("<script"), "{svg}");
            assert!(!svg.contains("onload=\""), "{svg}");
            assert!(svg.contains(escaped));
        }
    }

    /// The text between the first `open` and the `close` after it.
    fn between<'s>(svg: &'s str, open: &str, close: &str) -> &'s str {
        let start = svg.find(open).unwrap_or_default() + open.len();
        let end = svg[start..].find(close).map_or(svg.len(), |e| start + e);
        &svg[start..end]
    }

    #[test]
    fn labels_from_user_strings_stay_text_inside_the_svg() {
        // A team name or title as an author might write it: markup, an
        // ampersand, a quote that would end the attribute, a CDATA end.
        let label = r#"R&D <b>"growth"</b> ]]> <![CDATA[x]]>"#;
        let escaped = "R&amp;D &lt;b&gt;&quot;growth&quot;&lt;/b&gt; ]]&gt; &lt;![CDATA[x]]&gt;";
        for svg in [
            progress_bar(&Bar {
                label,
                ..bar(Some(0.5))
            }),
            status_distribution(&[("on-track", 1), ("off-track", 2)], label),
            sparkline(&[Some(0.1), Some(0.9)], label),
        ] {
            assert_eq!(between(&svg, "<title>", "</title>"), escaped, "{svg}");
            assert_eq!(
                svg.matches("<title>").count(),
                1 + svg.matches("<rect class=\"chart-segment").count(),
                "{svg}"
            );
            assert!(!svg.contains("]]>") && !svg.contains("<b>"), "{svg}");
            // Every `<` left opens one of the chart's own elements, and every
            // `&` starts one of the entities `escape` writes.
            for (i, _) in svg.match_indices('<') {
                let tag = &svg[i + 1..];
                assert!(
                    [
                        "svg", "/svg", "title", "/title", "rect", "/rect", "line", "path", "circle"
                    ]
                    .iter()
                    .any(|t| tag.starts_with(t)),
                    "{svg}"
                );
            }
            for (i, _) in svg.match_indices('&') {
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                        .iter()
                        .any(|e| svg[i..].starts_with(e)),
                    "{svg}"
                );
            }
        }
    }

    #[test]
    fn distributions_stack_in_order_and_skip_zeros() {
        let svg = status_distribution(
            &[("on-track", 1), ("at-risk", 0), ("off-track", 2)],
            "1 on track, 2 off track",
        );
        assert!(svg.contains(
            r#"<rect class="chart-segment status-on-track" x="0" width="33.33" height="8"><title>on track: 1</title></rect>"#
        ));
        assert!(svg.contains(
            r#"<rect class="chart-segment status-off-track" x="33.33" width="66.67" height="8"><title>off track: 2</title></rect>"#
        ));
        assert!(!svg.contains("at-risk"));
    }

    #[test]
    fn an_empty_distribution_shows_only_the_track() {
        for counts in [&[][..], &[("on-track", 0)][..]] {
            let svg = status_distribution(counts, "no objectives");
            assert!(svg.contains("chart-track"));
            assert!(!svg.contains("chart-segment"));
            assert!(!svg.contains("NaN"));
        }
    }

    #[test]
    fn sparkline_paths_break_at_gaps() {
        let points = [Some(0.0), Some(0.5), None, Some(1.0), Some(0.25)];
        assert_eq!(
            sparkline_path(&points, 100.0, 20.0),
            "M0,20L25,10M75,0L100,15"
        );
        // A point between gaps still shows.
        let lone = [Some(0.5), None, Some(1.0), None, Some(0.0)];
        assert_eq!(
            sparkline_path(&lone, 100.0, 20.0),
            "M0,10h0M50,0h0M100,20h0"
        );
    }

    #[test]
    fn sparkline_paths_handle_single_empty_and_odd_points() {
        assert_eq!(sparkline_path(&[Some(0.5)], 100.0, 20.0), "M100,10h0");
        assert_eq!(sparkline_path(&[], 100.0, 20.0), "");
        assert_eq!(sparkline_path(&[None, None], 100.0, 20.0), "");
        assert_eq!(
            sparkline_path(&[Some(f64::NAN), Some(1.5), Some(-1.0)], 100.0, 20.0),
            "M50,0L100,20"
        );
    }

    #[test]
    fn sparklines_dot_the_last_score() {
        let svg = sparkline(&[Some(0.2), Some(0.8), None], "scores");
        assert!(svg.contains(r#"d="M0,16L50,4""#));
        assert!(svg.contains(r#"<circle class="chart-dot" cx="50" cy="4""#));
        let empty = sparkline(&[None, None], "no scores");
        assert!(!empty.contains("<path"));
        assert!(!empty.contains("<circle"));
        assert!(empty.contains("<title>no scores</title>"));
    }
}
