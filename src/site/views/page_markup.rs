//! Whole pages okr writes itself: objective, person and team pages, the
//! pages a site has most of, are the compiled forms of the default theme's
//! `objective.html`, `person.html` and `team.html` in its `base.html`
//! layout, as [`super::markup`] holds the partials'. Tera interpreting them,
//! and copying each page's view into a context first, was a tenth of a
//! build. The markup is the templates', byte for byte
//! (`tests/testsuite/build.rs` builds sites both ways and compares them);
//! while a theme has its own version of any template a page uses
//! ([`WrittenPage::templates`]), Tera renders that kind of page from the
//! theme's templates instead.

use super::markup::{STATUS_BADGE, push_badge};
use super::{
    CardItem, Html, Link, Multiple, ObjectivePage, PersonPage, RecentCheckin, RetrospectiveView,
    SiteView, TeamPage,
};
use crate::text::{push_digits, push_escaped, push_plural};

/// The kinds of page okr writes itself while their templates are built in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WrittenPage {
    Objective,
    Person,
    Team,
}

impl WrittenPage {
    /// In the order declared, so that `page as usize` indexes it.
    pub const ALL: [WrittenPage; 3] = [
        WrittenPage::Objective,
        WrittenPage::Person,
        WrittenPage::Team,
    ];

    /// Every template the page is rendered from: the page, its layout, the
    /// components and the partials it includes.
    pub fn templates(self) -> &'static [&'static str] {
        match self {
            WrittenPage::Objective => &[
                "objective.html",
                "base.html",
                "macros.html",
                "partials/key_result_details.html",
                "partials/objective_line.html",
                "partials/history.html",
                STATUS_BADGE,
            ],
            WrittenPage::Person => &[
                "person.html",
                "base.html",
                "macros.html",
                "partials/key_result_list.html",
                "partials/objective_line.html",
                STATUS_BADGE,
            ],
            WrittenPage::Team => &[
                "team.html",
                "base.html",
                "macros.html",
                "partials/key_result_list.html",
                "partials/objective_line.html",
                STATUS_BADGE,
            ],
        }
    }
}

fn push_html(out: &mut String, html: &Html) {
    out.push_str(html.as_str().unwrap_or_default());
}

/// `base.html` up to its `content` block, with `title` in its `title` block
/// (escaped, as `{{ }}` would) and `active_period` marked in the switcher.
fn push_layout_head(out: &mut String, site: &SiteView, title: &[&str], active_period: &str) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    for part in title {
        push_escaped(out, part);
    }
    out.push_str("</title>\n<link rel=\"stylesheet\" href=\"");
    push_escaped(out, &site.stylesheet);
    out.push_str("\">\n<link rel=\"icon\" href=\"");
    push_escaped(out, &site.favicon);
    out.push_str("\" type=\"image/svg+xml\">\n</head>\n<body>\n<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n<header class=\"site-header\">\n<div class=\"wrap header-row\">\n<a class=\"brand\" href=\"");
    push_escaped(out, &site.index_url);
    out.push_str("\">");
    push_escaped(out, &site.title);
    out.push_str("</a>\n<nav class=\"period-switcher\" aria-label=\"Periods\">\n<ul>");
    for p in &site.periods {
        out.push_str("\n<li><a href=\"");
        push_escaped(out, &p.url);
        out.push_str("\" class=\"period-");
        push_escaped(out, p.state);
        if p.current {
            out.push_str(" is-current");
        }
        out.push('"');
        if p.name == active_period {
            out.push_str(" aria-current=\"page\"");
        }
        out.push_str(" title=\"");
        push_escaped(out, &p.start);
        out.push_str(" to ");
        push_escaped(out, &p.end);
        if p.current {
            out.push_str(" (current period)");
        }
        out.push_str("\">");
        push_escaped(out, &p.name);
        out.push_str("</a></li>");
    }
    out.push_str("\n</ul>\n</nav>\n<a class=\"changes-link\" href=\"");
    push_escaped(out, &site.changes_url);
    out.push_str("\">Changes</a>\n<a class=\"health-link\" href=\"");
    push_escaped(out, &site.health_url);
    out.push_str("\">Health");
    for (count, kind) in [(site.errors, "error"), (site.warnings, "warning")] {
        if count > 0 {
            out.push_str(" <span class=\"count count-");
            out.push_str(kind);
            out.push_str("\">");
            push_plural(out, count, kind, true);
            out.push_str("</span>");
        }
    }
    out.push_str("</a>\n</div>\n</header>\n<main id=\"main\" class=\"wrap\">\n");
}

/// `base.html` after its `content` block.
fn push_layout_foot(out: &mut String, site: &SiteView) {
    out.push_str("\n</main>\n<footer class=\"site-footer wrap\">\n<p>");
    push_escaped(out, &site.company);
    out.push_str(" · progress as of ");
    push_escaped(out, &site.as_of);
    out.push_str(" · <a href=\"");
    push_escaped(out, &site.health_url);
    out.push_str("\">check findings</a></p>\n</footer>\n</body>\n</html>\n");
}

/// `<a href="{{ l.url }}">{{ l.name }}</a>`.
fn push_link(out: &mut String, l: &Link) {
    out.push_str("<a href=\"");
    push_escaped(out, &l.url);
    out.push_str("\">");
    push_escaped(out, &l.name);
    out.push_str("</a>");
}

/// The `link_list` component of `macros.html`.
fn push_links(out: &mut String, links: &[Link]) {
    for (i, l) in links.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_link(out, l);
    }
}

/// The `retrospective` component of `macros.html`.
fn push_retrospective(out: &mut String, r: &RetrospectiveView) {
    out.push_str("\n<p class=\"card-meta retrospective\">");
    if let Some(grade) = r.grade {
        out.push_str("<span>Final grade ");
        push_badge(out, Some(grade));
        out.push_str("</span>");
    }
    out.push_str("\n  <span class=\"score\">");
    match &r.computed {
        Some(computed) => push_escaped(out, computed),
        None => out.push('—'),
    }
    out.push_str(" computed from the key results</span>");
    if let Some(overridden) = &r.overridden {
        out.push_str("<span class=\"score\"><strong>");
        push_escaped(out, overridden);
        out.push_str("</strong> set in the retrospective</span>");
    }
    out.push_str("\n</p>");
    if let Some(reason) = r.reason {
        out.push_str("\n<p class=\"reason\"><span class=\"label\">Why the score was set</span> ");
        push_escaped(out, reason);
        out.push_str("</p>");
    }
    if let Some(notes) = &r.notes {
        out.push_str("\n<div class=\"prose retrospective-notes\">");
        push_html(out, notes);
        out.push_str("</div>");
    }
    out.push('\n');
}

/// An objective's page: `objective.html` in `base.html`, with the blocks
/// the view carries as HTML (it is built with [`super::Blocks::BUILT_IN`]),
/// appended to `out`.
pub fn objective_page(
    site: &SiteView,
    page: &ObjectivePage,
    active_period: &str,
    out: &mut String,
) {
    let o = page.objective.card;
    let body = page.body.as_str().unwrap_or_default();
    let details = page.key_results_html.as_ref().and_then(Html::as_str);
    push_layout_head(out, site, &[o.title, " · ", &site.title], active_period);

    out.push_str("\n\n<nav class=\"breadcrumbs\" aria-label=\"Alignment\">\n<ol>\n<li><a href=\"");
    push_escaped(out, &site.index_url);
    out.push_str("\">");
    push_escaped(out, &site.company);
    out.push_str("</a></li>");
    for (i, crumb) in page.breadcrumbs.iter().enumerate() {
        out.push_str("\n<li>");
        push_link(out, crumb);
        out.push_str("</li>");
        if i == 0 && page.breadcrumbs_gap {
            out.push_str("\n<li title=\"Steps of the alignment chain left out\">…</li>");
        }
    }
    out.push_str("\n<li aria-current=\"page\">");
    push_escaped(out, o.title);
    out.push_str("</li>\n</ol>\n</nav>\n<header class=\"page-head\">\n<h1>");
    push_escaped(out, o.title);
    out.push_str("</h1>\n<p class=\"card-meta\">\n<a class=\"owner owner-");
    push_escaped(out, o.owner.level);
    out.push_str("\" href=\"");
    push_escaped(out, &o.owner.url);
    out.push_str("\">");
    push_escaped(out, &o.owner.name);
    out.push_str("</a>\n<span class=\"period-tag\">");
    push_escaped(out, o.period);
    out.push_str("</span>\n<span class=\"kind-tag kind-");
    push_escaped(out, o.kind);
    out.push_str("\">");
    push_escaped(out, o.kind);
    out.push_str(if o.kind == "committed" {
        ": must happen, achieved from "
    } else {
        ": a stretch, achieved from "
    });
    push_escaped(out, &o.goal);
    out.push_str("</span>\n");
    push_badge(out, o.status);
    if let Some(score) = &o.score {
        out.push_str("<span class=\"score\">score ");
        push_escaped(out, score);
        out.push_str("</span>");
    }
    if o.overridden {
        out.push_str("<span class=\"score\">set in the retrospective; computed ");
        push_escaped(out, o.computed.as_deref().unwrap_or("—"));
        out.push_str("</span>");
    }
    if o.from_aligned {
        out.push_str("<span class=\"score\">from the objectives aligned to it</span>");
    } else if let Some(aligned) = &o.aligned_progress {
        out.push_str("<span class=\"score\">aligned progress ");
        push_escaped(out, aligned);
        out.push_str(" <span class=\"muted\">(the mean score of the objectives aligned to this one)</span></span>");
    }
    for tag in o.tags {
        out.push_str("<span class=\"tag\">#");
        push_escaped(out, tag);
        out.push_str("</span>");
    }
    out.push_str("\n</p>");
    let score_chart = page.score_chart.as_str().unwrap_or_default();
    let charted = !score_chart.is_empty() && !page.burnups.is_empty();
    if !charted {
        out.push_str("\n<div class=\"card-bar\">");
        push_html(out, &o.bar);
        out.push_str("</div>");
    }
    if let Some(from) = &page.carried_from {
        out.push_str("\n<p class=\"muted carried\">Continues ");
        push_link(out, from);
        out.push_str(".</p>");
    }
    if !page.carried_into.is_empty() {
        out.push_str("\n<p class=\"muted carried\">Continued in ");
        push_links(out, &page.carried_into);
        out.push_str(".</p>");
    }
    if let Some(edit) = &page.edit_url {
        out.push_str("\n<p class=\"edit-link\"><a href=\"");
        push_escaped(out, edit);
        out.push_str("\">Edit this objective</a></p>");
    }
    out.push_str("\n</header>");
    if !body.is_empty() {
        out.push_str("\n<section class=\"prose\">");
        out.push_str(body);
        out.push_str("</section>");
    }
    if let Some(r) = &page.retrospective {
        out.push_str("\n<section>\n<h2>Retrospective</h2>\n");
        push_retrospective(out, r);
        out.push_str("\n</section>");
    }
    if charted {
        out.push_str("\n<section>\n<h2>Score over time</h2>\n<figure class=\"chart-figure\">\n");
        out.push_str(score_chart);
        out.push_str("\n</figure>\n<p class=\"chart-legend muted\"><span>In the charts on this page:</span> <span class=\"key-actual\">score, or a key result's value</span> <span class=\"key-pace\">expected pace, to ");
        push_escaped(out, &o.goal);
        out.push_str(" of the way by the end</span> <span class=\"key-stretch\">");
        push_escaped(out, &o.goal);
        out.push_str(", the score it is achieved from</span> <span class=\"key-target\">target");
        if page.keeps {
            out.push_str(", or the level to keep</span> <span class=\"key-breach\">a value that breaches its level");
        }
        out.push_str("</span> <span class=\"key-confidence\">confidence</span>");
        if o.overridden {
            out.push_str(" <span class=\"key-override\">score set in the retrospective</span>");
        }
        out.push_str("</p>\n</section>");
    }
    out.push_str("\n\n<section>\n<h2>Key results</h2>");
    if o.from_aligned {
        out.push_str("\n<p class=\"muted\">None of its own: its score is the mean score of the objectives aligned to it, listed below.</p>");
    }
    out.push_str(details.unwrap_or_default());
    out.push_str("\n</section>");
    if !page.initiatives.is_empty() {
        out.push_str("\n<section>\n<h2>Initiatives</h2>\n<ul class=\"initiatives\">");
        for i in &page.initiatives {
            out.push_str("\n<li><span class=\"badge initiative-");
            push_escaped(out, i.status);
            out.push_str("\">");
            push_escaped(out, &i.status.replace('-', " "));
            out.push_str("</span> ");
            push_escaped(out, i.title);
            if let Some(kr) = i.key_result {
                out.push_str(" <span class=\"muted\">→ ");
                push_escaped(out, kr);
                out.push_str("</span>");
            }
            out.push_str("</li>");
        }
        out.push_str("\n</ul>\n</section>");
    }
    if !page.parents.is_empty() {
        out.push_str("\n<section>\n<h2>Supports</h2>\n<ul class=\"objective-lines\">");
        for p in &page.parents {
            out.push_str(p.card.html_str());
            if let Some(kr) = p.key_result {
                out.push_str("\n<li class=\"muted via\">through the key result “");
                push_escaped(out, kr);
                out.push_str("”</li>");
            }
        }
        out.push_str("\n</ul>\n</section>");
    }
    out.push_str("\n\n<section>\n<h2>Aligned to this objective</h2>");
    if page.children.is_empty() {
        out.push_str("\n<p class=\"empty\">Nothing aligns to this objective yet.</p>");
    } else {
        out.push_str("\n<ul class=\"objective-lines\">");
        for child in &page.children {
            out.push_str(child.html_str());
        }
        out.push_str("\n</ul>");
    }
    out.push_str("\n</section>");
    if !page.contributors.is_empty() {
        out.push_str("\n<section>\n<h2>Contributors</h2>\n<ul class=\"people\">");
        for p in &page.contributors {
            out.push_str("\n<li>");
            push_link(out, p);
            out.push_str("</li>");
        }
        out.push_str("\n</ul>\n</section>");
    }
    if let Some(history) = &page.history {
        out.push_str("\n<section id=\"history\">\n<h2>History</h2>");
        if let Some(note) = &history.note {
            out.push_str("\n<p class=\"history-note\">");
            push_escaped(out, note);
            out.push_str("</p>");
        }
        if history.count > 0 {
            if let Some(html) = &history.html {
                push_html(out, html);
            }
        } else if history.note.is_none() {
            out.push_str("\n<p class=\"empty\">No committed changes yet.</p>");
        }
        out.push_str("\n</section>");
    }
    out.push('\n');
    push_layout_foot(out, site);
}

/// Whether an `Html` value is true in `{% if %}`: not empty.
fn has_html(html: &Html) -> bool {
    html.as_str().is_some_and(|s| !s.is_empty())
}

/// `<h2>` of a period's section on a person's or team's page.
fn push_period_heading(out: &mut String, period: &Link, score: &Option<String>, label: &str) {
    out.push_str("\n<section>\n  <h2>");
    push_link(out, period);
    if let Some(score) = score.as_ref().filter(|s| !s.is_empty()) {
        out.push_str(" <span class=\"score\">");
        out.push_str(label);
        push_escaped(out, score);
        out.push_str("</span>");
    }
    out.push_str("</h2>");
}

/// "Scores over the period" and the `small_multiples` component of `macros.html`.
fn push_small_multiples(out: &mut String, multiples: &[Multiple]) {
    out.push_str("\n  <h3>Scores over the period</h3>\n  \n<ul class=\"multiples\">");
    for m in multiples {
        let card = m.card.0;
        out.push_str("\n<li class=\"multiple\">\n<a class=\"multiple-title\" href=\"");
        push_escaped(out, &card.url);
        out.push_str("\">");
        push_escaped(out, card.title);
        out.push_str("</a>\n<div class=\"multiple-meta\">");
        push_badge(out, card.status);
        if let Some(score) = card.score.as_ref().filter(|s| !s.is_empty()) {
            out.push_str(" <span class=\"score\">");
            push_escaped(out, score);
            out.push_str("</span>");
        }
        push_stale(out, card.stale);
        out.push_str("</div>\n");
        push_html(out, &m.chart);
        out.push_str("\n</li>");
    }
    out.push_str("\n</ul>\n<p class=\"chart-legend muted\"><span class=\"key-actual\">score</span> <span class=\"key-pace\">expected pace</span> <span class=\"key-stretch\">the score each objective is achieved from (higher for a committed one)</span></p>\n");
}

/// ` <span class="badge badge-stale">N stale</span>` for an objective with stale key results.
fn push_stale(out: &mut String, stale: usize) {
    if stale > 0 {
        out.push_str(" <span class=\"badge badge-stale\">");
        push_digits(out, stale as u64, false);
        out.push_str(" stale</span>");
    }
}

/// `<div class="cards">` with the `objective_card` component of
/// `macros.html` for each card, as a period's section lists them where it
/// has no small multiples. The built-in views draw small multiples for every
/// objective they list, so the list is empty in practice (written like the
/// template all the same; checked against Tera with views that drew none),
/// and the cards' key results are written only here.
fn push_cards(out: &mut String, cards: &[CardItem]) {
    out.push_str("\n  <div class=\"cards\">");
    for item in cards {
        let card = item.card;
        out.push_str("\n    \n<article class=\"card\">\n  <header class=\"card-head\">\n    <h3 class=\"card-title\"><a href=\"");
        push_escaped(out, &card.url);
        out.push_str("\">");
        push_escaped(out, card.title);
        out.push_str("</a></h3>\n    <div class=\"card-meta\">\n      <a class=\"owner owner-");
        push_escaped(out, card.owner.level);
        out.push_str("\" href=\"");
        push_escaped(out, &card.owner.url);
        out.push_str("\">");
        push_escaped(out, &card.owner.name);
        out.push_str("</a>\n      <span class=\"period-tag\">");
        push_escaped(out, card.period);
        out.push_str("</span>\n      <span class=\"kind-tag kind-");
        push_escaped(out, card.kind);
        out.push_str("\" title=\"");
        out.push_str(if card.kind == "committed" {
            "Committed: must happen"
        } else {
            "Aspirational: a stretch"
        });
        out.push_str("; achieved from a score of ");
        push_escaped(out, &card.goal);
        out.push_str("\">");
        push_escaped(out, card.kind);
        out.push_str("</span>\n      ");
        push_badge(out, card.status);
        if let Some(score) = card.score.as_ref().filter(|s| !s.is_empty()) {
            out.push_str("<span class=\"score\">score ");
            push_escaped(out, score);
            if card.overridden {
                out.push_str(" <span class=\"muted\">(set in the retrospective; computed ");
                match &card.computed {
                    Some(computed) => push_escaped(out, computed),
                    None => out.push('—'),
                }
                out.push_str(")</span>");
            } else if card.from_aligned {
                out.push_str(" <span class=\"muted\">(from the objectives aligned to it)</span>");
            }
            out.push_str("</span>");
        }
        push_stale(out, card.stale);
        if has_html(&card.trend) {
            out.push_str(" <span class=\"trend\">");
            push_html(out, &card.trend);
            out.push_str("</span>");
        }
        out.push_str("\n    </div>\n  </header>\n  <div class=\"card-bar\">");
        push_html(out, &card.bar);
        out.push_str("</div>");
        if let Some(key_results) = item.key_results_html() {
            push_html(out, &key_results);
        }
        out.push_str("\n</article>\n");
    }
    out.push_str("\n  </div>");
}

/// A list of objective lines under a heading, as okr writes each line.
fn push_lines(out: &mut String, heading: &str, lines: &[super::LineItem]) {
    if lines.is_empty() {
        return;
    }
    out.push_str("\n  <h3>");
    out.push_str(heading);
    out.push_str("</h3>\n  <ul class=\"objective-lines\">");
    for line in lines {
        out.push_str(line.html_str());
    }
    out.push_str("\n  </ul>");
}

/// `<header class="page-head">` of a person's or team's page up to its
/// facts, which the caller writes.
fn push_page_head(out: &mut String, site: &SiteView, kind: &str, name: &str) {
    push_layout_head(out, site, &[name, " · ", &site.title], "");
    out.push_str("\n<header class=\"page-head\">\n  <p class=\"kicker\">");
    out.push_str(kind);
    out.push_str("</p>\n  <h1>");
    push_escaped(out, name);
    out.push_str("</h1>\n  <dl class=\"facts\">");
}

/// `<dt>term</dt><dd>links</dd>` in a page head's facts, where there are links.
fn push_fact(out: &mut String, term: &str, links: &[Link]) {
    if links.is_empty() {
        return;
    }
    out.push_str("<dt>");
    out.push_str(term);
    out.push_str("</dt><dd>");
    push_links(out, links);
    out.push_str("</dd>");
}

/// The end of the page head: the edit link, then the page's own text.
fn push_page_head_end(out: &mut String, edit_url: &Option<String>, what: &str, prose: &Html) {
    out.push_str("\n  </dl>");
    if let Some(url) = edit_url.as_ref().filter(|u| !u.is_empty()) {
        out.push_str("\n  <p class=\"edit-link\"><a href=\"");
        push_escaped(out, url);
        out.push_str("\">Edit this ");
        out.push_str(what);
        out.push_str("</a></p>");
    }
    out.push_str("\n</header>");
    if has_html(prose) {
        out.push_str("\n<section class=\"prose\">");
        push_html(out, prose);
        out.push_str("</section>");
    }
}

/// A person's page: `person.html` in `base.html`, with the blocks the view
/// carries as HTML (it is built with [`super::Blocks::BUILT_IN`]), appended
/// to `out`.
pub fn person_page(site: &SiteView, page: &PersonPage, out: &mut String) {
    push_page_head(out, site, "Person", page.name);
    if let Some(role) = page.role.filter(|r| !r.is_empty()) {
        out.push_str("<dt>Role</dt><dd>");
        push_escaped(out, role);
        out.push_str("</dd>");
    }
    push_fact(out, "Teams", &page.teams);
    push_page_head_end(out, &page.edit_url, "person", &page.about);
    for section in &page.periods {
        push_period_heading(out, &section.period, &section.score, "score ");
        if !section.trends.is_empty() {
            push_small_multiples(out, &section.trends);
        } else if !section.owned.is_empty() {
            push_cards(out, &section.owned);
        }
        if !section.key_results.is_empty() {
            out.push_str("\n  <h3>Key results owned</h3>\n  <ul class=\"objective-lines\">");
            for kr in &section.key_results {
                out.push_str("\n    <li class=\"objective-line\">\n      <a href=\"");
                push_escaped(out, &kr.url);
                out.push_str("\">");
                push_escaped(out, kr.title);
                out.push_str("</a>\n      <span class=\"owner\">in <a href=\"");
                push_escaped(out, &kr.objective.0.url);
                out.push_str("\">");
                push_escaped(out, kr.objective.0.title);
                out.push_str("</a></span>\n      ");
                push_badge(out, kr.status);
                if let Some(progress) = kr.progress.filter(|p| !p.is_empty()) {
                    out.push_str(" <span class=\"score\">");
                    push_escaped(out, progress);
                    out.push_str("</span>");
                }
                if kr.stale {
                    out.push_str(" <span class=\"badge badge-stale\">Stale</span>");
                }
                out.push_str("\n    </li>");
            }
            out.push_str("\n  </ul>");
        }
        push_lines(out, "Objectives of the teams they lead", &section.leading);
        push_lines(out, "Contributes to", &section.contributing);
        out.push_str("\n</section>");
    }
    if page.periods.is_empty() {
        out.push_str(
            "\n<p class=\"empty\">No objectives or key results owned, led or contributed to yet.</p>",
        );
    }
    out.push('\n');
    push_layout_foot(out, site);
}

/// The `recent_checkins` component of `macros.html`.
fn push_recent_checkins(out: &mut String, checkins: &[RecentCheckin]) {
    if !checkins.is_empty() {
        out.push_str("\n<section>\n<h2>Recent check-ins</h2>\n<ol class=\"recent\">");
        for c in checkins {
            let objective = c.objective.0;
            out.push_str("\n<li>\n<time>");
            push_escaped(out, &c.date);
            out.push_str("</time>\n<div class=\"recent-body\">\n<a href=\"");
            push_escaped(out, &c.url);
            out.push_str("\">");
            push_escaped(out, c.key_result);
            out.push_str("</a>: <strong>");
            push_escaped(out, &c.value_with_unit);
            out.push_str("</strong>");
            if let Some(confidence) = c.confidence.as_ref().filter(|s| !s.is_empty()) {
                out.push_str(" <span class=\"muted\">· confidence ");
                push_escaped(out, confidence);
                out.push_str("</span>");
            }
            out.push_str("\n<div class=\"recent-context\"><a href=\"");
            push_escaped(out, &objective.url);
            out.push_str("\">");
            push_escaped(out, objective.title);
            out.push_str("</a> · ");
            push_escaped(out, &objective.owner.name);
            push_stale(out, objective.stale);
            out.push_str("</div>");
            if let Some(note) = c.note.filter(|n| !n.is_empty()) {
                out.push_str("\n<p class=\"note\">");
                push_escaped(out, note);
                out.push_str("</p>");
            }
            out.push_str("\n</div>\n</li>");
        }
        out.push_str("\n</ol>\n</section>");
    }
    out.push('\n');
}

/// A team's page: `team.html` in `base.html`, with the blocks the view
/// carries as HTML (it is built with [`super::Blocks::BUILT_IN`]), appended
/// to `out`.
pub fn team_page(site: &SiteView, page: &TeamPage, out: &mut String) {
    push_page_head(out, site, "Team", page.name);
    push_fact(out, "Lead", page.lead.as_slice());
    push_fact(out, "Members", &page.members);
    push_fact(out, "Part of", page.parent.as_slice());
    push_fact(out, "Teams within", &page.children);
    if !page.trend.points.is_empty() {
        out.push_str("\n    <dt>Score at ");
        push_escaped(out, &page.trend.at);
        out.push_str(" of each period</dt><dd class=\"sparkline\">");
        push_html(out, &page.sparkline);
        out.push_str(" <span class=\"trend-values\">");
        for (i, p) in page.trend.points.iter().enumerate() {
            if i > 0 {
                out.push_str(" · ");
            }
            push_escaped(out, &p.period);
            out.push(' ');
            match &p.score {
                Some(score) => push_escaped(out, score),
                None => out.push('—'),
            }
        }
        out.push_str("</span></dd>");
    }
    push_page_head_end(out, &page.edit_url, "team", &page.mission);
    out.push_str("\n\n");
    push_recent_checkins(out, &page.recent);
    for section in &page.periods {
        push_period_heading(out, &section.period, &section.score, "team score ");
        let count = section.objectives.len();
        if count > 0 {
            out.push_str(
                "\n  <div class=\"team-distribution\">\n    <div class=\"summary-label\">",
            );
            push_plural(out, count, "objective", true);
            out.push_str(" by status</div>\n    <div class=\"summary-bar\">");
            push_html(out, &section.distribution);
            out.push_str("</div>\n    <ul class=\"legend\">");
            for s in &section.statuses {
                out.push_str("\n      <li><span class=\"swatch status-");
                push_escaped(out, s.status.key);
                out.push_str("\"></span>");
                push_digits(out, s.count as u64, true);
                out.push(' ');
                push_escaped(out, &s.status.label.to_lowercase());
                out.push_str("</li>");
            }
            out.push_str("\n    </ul>\n  </div>");
        }
        if section.trends.is_empty() {
            push_cards(out, &section.objectives);
        } else {
            push_small_multiples(out, &section.trends);
        }
        push_lines(
            out,
            "People's objectives aligned to the team's",
            &section.aligned,
        );
        out.push_str("\n</section>");
    }
    if page.periods.is_empty() {
        out.push_str("\n<p class=\"empty\">This team has no objectives yet.</p>");
    }
    out.push('\n');
    push_layout_foot(out, site);
}
