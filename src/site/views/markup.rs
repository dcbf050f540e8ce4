//! HTML for the blocks that pages repeat by the thousand: key results on
//! cards and on objective pages, objective lines in lists, the entries of an
//! objective's history and the rows of the Changes page. Each is the
//! compiled form of a partial template of the default theme
//! (`themes/default/templates/partials/`), written here, like the charts and
//! check-in tables, rather than interpreted by Tera for each of them: together
//! they were a third of rendering a site. The markup is the partial's, byte for
//! byte (`tests/build.rs` builds sites both ways and compares them); a theme
//! that overrides a partial, or the status badge they all contain, gets its own
//! template rendered instead (see [`Blocks`] and `render::Theme::load`).

use super::{ChangeRow, Html, KeyResultView, Link, ObjectiveCard, StatusView, html};
use crate::git::history::{self, Entry, History};
use crate::site::repo_links::RepoLinks;
use crate::text::{push_digits, push_escaped, push_iso_date};

/// The partial defining the `status_badge` component, which every block below
/// calls: [`push_badge`] is its compiled form.
pub const STATUS_BADGE: &str = "partials/status_badge.html";

/// A block okr can write itself, as the default theme's partial would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// A card's key results ([`card_key_results`]).
    KeyResultList,
    /// An objective page's key results ([`key_result_details`]).
    KeyResultDetails,
    /// An objective as a line of a list ([`objective_line`]).
    ObjectiveLine,
    /// An objective's history ([`history`]).
    History,
    /// The rows of a section of the Changes page ([`change_row`]).
    ChangeRows,
}

impl Block {
    /// In the order declared, so that `block as usize` indexes it.
    pub const ALL: [Block; 5] = [
        Block::KeyResultList,
        Block::KeyResultDetails,
        Block::ObjectiveLine,
        Block::History,
        Block::ChangeRows,
    ];

    /// The partial of the default theme this block is the compiled form of.
    pub fn partial(self) -> &'static str {
        match self {
            Block::KeyResultList => "partials/key_result_list.html",
            Block::KeyResultDetails => "partials/key_result_details.html",
            Block::ObjectiveLine => "partials/objective_line.html",
            Block::History => "partials/history.html",
            Block::ChangeRows => "partials/change_rows.html",
        }
    }

    /// Whether the block shows a status badge: it is then written only while
    /// the badge's partial is the built-in one too.
    pub fn shows_badge(self) -> bool {
        !matches!(self, Block::History | Block::ChangeRows)
    }

    /// The template registered under [`Block::partial`]'s name while okr
    /// writes the block: it prints the HTML the view carries, in the
    /// variables the partial receives.
    pub fn stand_in(self) -> &'static str {
        match self {
            Block::KeyResultList => "{{ card.key_results_html }}",
            Block::KeyResultDetails => "{{ page.key_results_html }}",
            Block::ObjectiveLine => "{{ card.html }}",
            Block::History => "{{ page.history.html }}",
            Block::ChangeRows => "{{ s.html }}",
        }
    }
}

/// How a page's view hands the blocks to its templates: as HTML okr wrote
/// (`key_results_html`, `html`) for each block whose partial is the built-in
/// one, and as fields (key results of cards and objectives, an objective
/// line's title, owner, …) when a template of the theme's own may read them.
/// Fields are many, and every one a template gets is copied into the page's
/// context: the built-in templates need none of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocks {
    written: [bool; Block::ALL.len()],
    /// Whether templates get the blocks' fields.
    pub fields: bool,
}

impl Blocks {
    /// The built-in theme's: okr writes every block, templates need no fields.
    pub const BUILT_IN: Blocks = Blocks {
        written: [true; Block::ALL.len()],
        fields: false,
    };

    /// `written` says which blocks okr writes; `fields`, whether the page's
    /// templates may read fields, which the blocks okr does not write need too.
    pub fn new(written: impl Fn(Block) -> bool, fields: bool) -> Blocks {
        let written = Block::ALL.map(written);
        Blocks {
            written,
            fields: fields || written.contains(&false),
        }
    }

    /// Whether okr writes `block` (else a template renders it from its fields).
    pub fn writes(self, block: Block) -> bool {
        self.written[block as usize]
    }
}

/// A status as a badge, or "No score" without one: `partials/status_badge.html`.
pub(super) fn push_badge(out: &mut String, status: Option<StatusView>) {
    match status {
        Some(status) => {
            out.push_str("<span class=\"badge status-");
            out.push_str(status.key);
            out.push_str("\">");
            out.push_str(status.label);
            out.push_str("</span>");
        }
        None => out.push_str("<span class=\"badge badge-none\">No score</span>"),
    }
}

/// A key result's owner, linked to their page.
fn push_owner(out: &mut String, owner: &Link) {
    out.push_str("<a class=\"kr-owner\" href=\"");
    push_escaped(out, &owner.url);
    out.push_str("\">");
    push_escaped(out, &owner.name);
    out.push_str("</a>");
}

/// The link to the issue form that checks in on the key result, when there is one.
fn push_check_in(out: &mut String, kr: &KeyResultView) {
    if let Some(url) = &kr.check_in {
        out.push_str(" <a class=\"kr-check-in\" href=\"");
        push_escaped(out, url);
        out.push_str("\">Check in<span class=\"visually-hidden\">: ");
        push_escaped(out, kr.title);
        out.push_str("</span></a>");
    }
}

/// `start`, `now` and `target` (each with its unit), or the milestone's
/// state, a space between each.
fn push_figures(out: &mut String, kr: &KeyResultView) {
    if kr.milestone {
        out.push_str("<span>Milestone: ");
        push_escaped(out, &kr.current);
        out.push_str("</span>");
        return;
    }
    // A metric to keep has a level where others have a start and a target.
    match kr.keep {
        Some(keep) => {
            out.push_str("<span><span class=\"label\">keep</span> ");
            out.push_str(keep);
            out.push(' ');
            push_escaped(out, &kr.target_with_unit);
        }
        None => {
            out.push_str("<span><span class=\"label\">start</span> ");
            push_escaped(out, &kr.start_with_unit);
        }
    }
    out.push_str("</span> <span><span class=\"label\">now</span> <strong>");
    push_escaped(out, &kr.current_with_unit);
    out.push_str("</strong></span>");
    if kr.keep.is_none() {
        out.push_str(" <span><span class=\"label\">target</span> ");
        push_escaped(out, &kr.target_with_unit);
        out.push_str("</span>");
    }
}

/// Plain text with its `backquoted` parts as code, the way findings and
/// rule summaries quote what to write.
pub fn code_spans(text: &str) -> Html {
    let mut out = String::with_capacity(text.len() + 16);
    let mut parts = text.split('`');
    if let Some(first) = parts.next() {
        push_escaped(&mut out, first);
    }
    let rest: Vec<&str> = parts.collect();
    // Pairs of backquotes enclose code; an unpaired last one stays as written.
    let mut chunks = rest.chunks_exact(2);
    for pair in &mut chunks {
        out.push_str("<code>");
        push_escaped(&mut out, pair[0]);
        out.push_str("</code>");
        push_escaped(&mut out, pair[1]);
    }
    if let [unpaired] = chunks.remainder() {
        out.push('`');
        push_escaped(&mut out, unpaired);
    }
    html(&out)
}

/// A card's key results as a list (`<ul class="kr-list">`), a line of
/// markup each; empty without any: `partials/key_result_list.html`.
pub fn card_key_results(key_results: &[KeyResultView]) -> Html {
    if key_results.is_empty() {
        return html("");
    }
    let mut out = String::with_capacity(900 * key_results.len());
    out.push_str("\n<ul class=\"kr-list\">");
    for kr in key_results {
        out.push_str("\n<li class=\"kr");
        if kr.stale {
            out.push_str(" kr-stale");
        }
        out.push_str("\"><div class=\"kr-head\"><span class=\"kr-title\">");
        push_escaped(&mut out, kr.title);
        out.push_str("</span>");
        if let Some(owner) = &kr.owner {
            out.push(' ');
            push_owner(&mut out, owner);
        }
        out.push(' ');
        push_badge(&mut out, kr.status);
        if kr.stale {
            out.push_str(" <span class=\"badge badge-stale\">Stale</span>");
        }
        push_check_in(&mut out, kr);
        out.push_str("</div><div class=\"kr-bar\">");
        out.push_str(kr.bar.as_str().unwrap_or_default());
        out.push_str("</div><div class=\"kr-figures\">");
        push_figures(&mut out, kr);
        if let Some(progress) = &kr.progress {
            out.push_str("<span class=\"progress-figure\">");
            if kr.keep.is_some() {
                out.push_str("held ");
            }
            push_escaped(&mut out, progress);
            out.push_str("</span>");
        }
        if let Some(confidence) = &kr.confidence {
            out.push_str("<span><span class=\"label\">confidence</span> ");
            push_escaped(&mut out, confidence);
            out.push_str("</span>");
        }
        out.push_str("</div></li>");
    }
    out.push_str("\n</ul>");
    html(&out)
}

/// Each key result of an objective's page as an `<article>`, with its
/// burn-up (or its bar, without one) and check-in table (in the order of
/// `key_results`):
/// `partials/key_result_details.html`.
pub fn key_result_details(
    key_results: &[KeyResultView],
    burnups: &[Option<Html>],
    checkins: &[Option<Html>],
) -> Html {
    fn text(values: &[Option<Html>], i: usize) -> Option<&str> {
        values
            .get(i)
            .and_then(Option::as_ref)
            .and_then(Html::as_str)
            .filter(|text| !text.is_empty())
    }
    let mut out = String::new();
    for (i, kr) in key_results.iter().enumerate() {
        let (burnup, table) = (text(burnups, i), text(checkins, i));
        out.reserve(1200 + burnup.map_or(0, str::len) + table.map_or(0, str::len));
        out.push_str("\n<article class=\"kr-detail");
        if kr.stale {
            out.push_str(" kr-stale");
        }
        out.push_str("\" id=\"kr-");
        push_escaped(&mut out, kr.id);
        out.push_str("\"><h3>");
        push_escaped(&mut out, kr.title);
        out.push_str("</h3>\n<p class=\"card-meta\">");
        push_badge(&mut out, kr.status);
        if kr.stale {
            out.push_str(" <span class=\"badge badge-stale\">Stale: no recent check-in</span>");
        }
        if let Some(owner) = &kr.owner {
            out.push_str(" <span>owner ");
            push_owner(&mut out, owner);
            out.push_str("</span>");
        }
        for (label, value) in [
            ("due ", &kr.due),
            ("weight ", &kr.weight),
            ("confidence ", &kr.confidence),
        ] {
            if let Some(value) = value {
                out.push_str(" <span>");
                out.push_str(label);
                push_escaped(&mut out, value);
                out.push_str("</span>");
            }
        }
        push_check_in(&mut out, kr);
        out.push_str("</p>");
        // The burn-up shows what the bar would, and more.
        if burnup.is_none() {
            out.push_str("\n<div class=\"kr-bar\">");
            out.push_str(kr.bar.as_str().unwrap_or_default());
            out.push_str("</div>");
        }
        out.push_str("\n<p class=\"kr-figures\">");
        push_figures(&mut out, kr);
        if let Some(progress) = &kr.progress {
            out.push_str("<span class=\"progress-figure\">");
            if kr.keep.is_some() {
                out.push_str("held ");
                push_escaped(&mut out, progress);
                out.push_str(" of the period</span>");
            } else {
                push_escaped(&mut out, progress);
                out.push_str(" of the way</span>");
            }
        }
        out.push_str("</p>");
        if let Some(source) = &kr.source {
            out.push_str("\n<p class=\"kr-source\">Values from ");
            push_escaped(&mut out, source);
            out.push_str("</p>");
        }
        if let Some(burnup) = burnup {
            out.push_str("\n<div class=\"chart-figure\">");
            out.push_str(burnup);
            out.push_str("</div>");
        }
        match table {
            Some(table) => {
                out.push('\n');
                out.push_str(table);
            }
            None => out.push_str("\n<p class=\"empty\">No check-ins yet.</p>"),
        }
        out.push_str("\n</article>");
    }
    html(&out)
}

/// An objective as one `<li class="objective-line">` on a line of its own:
/// title, owner, status, score and stale key results, as lists show
/// objectives by the thousand (the card, with its trend, is on the
/// objective's page): `partials/objective_line.html`.
pub fn objective_line(card: &ObjectiveCard) -> Html {
    let mut out = String::with_capacity(250 + card.title.len());
    out.push_str("\n<li class=\"objective-line\"><a href=\"");
    push_escaped(&mut out, &card.url);
    out.push_str("\">");
    push_escaped(&mut out, card.title);
    out.push_str("</a> <span class=\"owner owner-");
    out.push_str(card.owner.level);
    out.push_str("\">");
    push_escaped(&mut out, &card.owner.name);
    out.push_str("</span> ");
    push_badge(&mut out, card.status);
    if let Some(score) = &card.score {
        out.push_str(" <span class=\"score\">");
        push_escaped(&mut out, score);
        out.push_str("</span>");
    }
    if card.stale > 0 {
        out.push_str(" <span class=\"badge badge-stale\">");
        push_digits(&mut out, card.stale as u64, false);
        out.push_str(" stale</span>");
    }
    out.push_str("</li>");
    html(&out)
}

/// An objective's history, newest entry first, as an `<ol class="history">`:
/// `partials/history.html`. Commits link into the repository when the site
/// knows it.
pub fn history(history: &History, entries: &[Entry], repo: Option<&RepoLinks>) -> Html {
    let mut out = String::with_capacity(60 + entries.len() * 300);
    out.push_str("\n<ol class=\"history\">");
    for entry in entries.iter().rev() {
        let commit = &history.commits[entry.commit];
        out.push_str("\n<li>\n<p class=\"history-meta\"><time>");
        push_iso_date(&mut out, commit.date);
        out.push_str("</time> · ");
        push_escaped(&mut out, &commit.author);
        out.push_str(" · ");
        let url = repo.map(|r| r.commit(&commit.id));
        push_commit(&mut out, url.as_deref(), &commit.summary, commit.short());
        out.push_str("</p>\n<ul class=\"change-list\">");
        for change in &entry.changes {
            out.push('\n');
            push_change(&mut out, change.kind(), &history::describe(change));
        }
        out.push_str("\n</ul>\n</li>");
    }
    out.push_str("\n</ol>");
    html(&out)
}

/// A row of the Changes page, as `partials/change_rows.html` writes it for
/// each row of a section.
pub fn change_row(out: &mut String, row: &ChangeRow) {
    let entry = &row.entry;
    out.push_str("\n      <tr><td><time>");
    push_escaped(out, &entry.date);
    out.push_str("</time></td><td>");
    match &row.url {
        Some(url) => {
            out.push_str("<a href=\"");
            push_escaped(out, url);
            out.push_str("\">");
            push_escaped(out, row.title);
            out.push_str("</a>");
        }
        None => push_escaped(out, row.title),
    }
    out.push_str(" <span class=\"muted\">");
    push_escaped(out, row.owner);
    out.push_str(" · ");
    push_escaped(out, row.period);
    out.push_str("</span></td><td><ul class=\"change-list\">");
    for change in &entry.changes {
        push_change(out, change.kind, &change.text);
    }
    out.push_str("</ul></td><td>");
    push_escaped(out, entry.author);
    out.push_str("</td><td class=\"wide-only\">");
    push_commit(
        out,
        entry.commit_url.as_deref(),
        entry.summary,
        entry.commit,
    );
    out.push_str("</td></tr>");
}

/// A commit's short id, its message's first line as the title, linked to
/// the commit where the site knows the repository: in histories and rows.
fn push_commit(out: &mut String, url: Option<&str>, summary: &str, short: &str) {
    if let Some(url) = url {
        out.push_str("<a href=\"");
        push_escaped(out, url);
        out.push_str("\">");
    }
    out.push_str("<code class=\"commit\" title=\"");
    push_escaped(out, summary);
    out.push_str("\">");
    push_escaped(out, short);
    out.push_str("</code>");
    if url.is_some() {
        out.push_str("</a>");
    }
}

/// One change of a commit, as an item of a `change-list`.
fn push_change(out: &mut String, kind: &str, text: &str) {
    out.push_str("<li class=\"change-");
    push_escaped(out, kind);
    out.push_str("\">");
    push_escaped(out, text);
    out.push_str("</li>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::source::Span;
    use crate::model::{KeyResult, Measure, Spanned};
    use crate::score::Status;
    use crate::site::views::Checkins;

    /// The model behind every view below: only its check-ins are read.
    static MODEL: std::sync::LazyLock<KeyResult> = std::sync::LazyLock::new(|| KeyResult {
        id: Spanned::new("signups".into(), Span::default()),
        id_explicit: true,
        title: Spanned::new("Signups".into(), Span::default()),
        measure: Measure::Missing { start: None },
        current: None,
        unit: None,
        due: None,
        weight: None,
        confidence: None,
        owner: None,
        checkins: Vec::new(),
        source: None,
        span: Span::default(),
        owner_person: None,
    });

    fn key_result<'a>(title: &'a str, milestone: bool) -> KeyResultView<'a> {
        KeyResultView {
            id: "signups",
            title,
            unit: Some("k"),
            milestone,
            done: false,
            keep: None,
            start: "0".into(),
            target: "2,000".into(),
            current: if milestone { "not done" } else { "1,500" }.into(),
            start_with_unit: "0 k".into(),
            target_with_unit: "2,000 k".into(),
            current_with_unit: if milestone { "not done" } else { "1,500 k" }.into(),
            progress: Some("75%".into()),
            status: Some(StatusView::of(Status::OnTrack)),
            confidence: None,
            weight: Some("2".into()),
            due: None,
            owner: Some(Link {
                name: "Anna <A>".into(),
                url: "/people/anna/".into(),
            }),
            source: Some("data/<m>.csv (column wau)".into()),
            stale: true,
            bar: html("<svg/>"),
            checkins: Checkins(&MODEL),
            check_in: None,
        }
    }

    fn text(value: &Html) -> &str {
        value.as_str().unwrap_or_default()
    }

    #[test]
    fn card_key_results_escape_titles_and_show_figures() {
        let krs = [key_result("Signups <b>&</b> \"more\"", false)];
        let list = card_key_results(&krs);
        let list = text(&list);
        assert!(list.starts_with("\n<ul class=\"kr-list\">"), "{list}");
        assert!(list.contains("<li class=\"kr kr-stale\">"), "{list}");
        assert!(
            list.contains("Signups &lt;b&gt;&amp;&lt;/b&gt; &quot;more&quot;"),
            "{list}"
        );
        assert!(list.contains("<span class=\"badge status-on-track\">On track</span> <span class=\"badge badge-stale\">Stale</span>"), "{list}");
        assert!(list.contains("<strong>1,500 k</strong>"), "{list}");
        assert!(
            list.contains(
                "</span> <a class=\"kr-owner\" href=\"/people/anna/\">Anna &lt;A&gt;</a> <span class=\"badge"
            ),
            "owner beside the title: {list}"
        );
        assert!(list.contains("target</span> 2,000 k</span>"), "{list}");
        assert!(
            list.contains("<div class=\"kr-bar\"><svg/></div>"),
            "{list}"
        );
        assert_eq!(text(&card_key_results(&[])), "", "no key results, no list");
        assert_eq!(
            text(&code_spans("add `target = <n>` or `done` to <b> `x")),
            "add <code>target = &lt;n&gt;</code> or <code>done</code> to &lt;b&gt; `x"
        );
    }

    #[test]
    fn key_results_link_to_their_check_in_form_when_there_is_one() {
        let mut kr = key_result("Sign<ups>", false);
        assert!(!text(&card_key_results(std::slice::from_ref(&kr))).contains("Check in"));
        kr.check_in = Some("https://github.com/a/b/issues/new?template=x&title=y".into());
        let link = " <a class=\"kr-check-in\" href=\"https://github.com/a/b/issues/new?template=x&amp;title=y\">Check in<span class=\"visually-hidden\">: Sign&lt;ups&gt;</span></a>";
        let list = card_key_results(std::slice::from_ref(&kr));
        assert!(
            text(&list).contains(&format!("Stale</span>{link}</div>")),
            "{}",
            text(&list)
        );
        let details = key_result_details(std::slice::from_ref(&kr), &[], &[]);
        assert!(
            text(&details).contains(&format!("weight 2</span>{link}</p>")),
            "{}",
            text(&details)
        );
    }

    #[test]
    fn a_milestone_shows_its_state_instead_of_figures() {
        let krs = [key_result("Launch", true)];
        let list = card_key_results(&krs);
        assert!(text(&list).contains("<span>Milestone: not done</span>"));
        assert!(!text(&list).contains("start"));
    }

    #[test]
    fn key_result_details_carry_charts_tables_and_the_empty_case() {
        let mut second = key_result("Churn", false);
        second.owner = None;
        second.source = None;
        second.status = None;
        second.stale = false;
        let krs = [key_result("Signups", false), second];
        let burnups = [Some(html("<svg id=\"b\"/>")), None];
        let checkins = [Some(html("<table/>")), None];
        let details = key_result_details(&krs, &burnups, &checkins);
        let (first, second) = text(&details).split_once("</article>").unwrap_or_default();
        assert!(first.contains("id=\"kr-signups\""), "{first}");
        assert!(first.contains(" <span>weight 2</span>"), "{first}");
        assert!(
            first.contains(" <span>owner <a class=\"kr-owner\" href=\"/people/anna/\">Anna &lt;A&gt;</a></span>"),
            "{first}"
        );
        assert!(first.contains("75% of the way"), "{first}");
        assert!(
            first
                .contains("<p class=\"kr-source\">Values from data/&lt;m&gt;.csv (column wau)</p>"),
            "{first}"
        );
        assert!(
            first.contains("<div class=\"chart-figure\"><svg id=\"b\"/></div>\n<table/>"),
            "{first}"
        );
        assert!(
            second.contains("<span class=\"badge badge-none\">No score</span>"),
            "{second}"
        );
        assert!(
            second.contains("<p class=\"empty\">No check-ins yet.</p>"),
            "{second}"
        );
        assert!(!second.contains("chart-figure"), "{second}");
        assert!(!second.contains("owner"), "{second}");
        assert!(!second.contains("kr-source"), "{second}");
        // The burn-up stands for the bar; without one, the bar shows.
        assert!(!first.contains("kr-bar"), "{first}");
        assert!(
            second.contains("<div class=\"kr-bar\"><svg/></div>"),
            "{second}"
        );
    }

    #[test]
    fn objective_lines_escape_their_text() {
        use crate::check::testing::*;
        let (path, text_) = company("grow");
        let text_ = text_.replace("Company grow", "Grow <fast> & far");
        let checked = run(&files(&[(path, text_)]));
        let urls = super::super::Urls::under(crate::model::base_url::BaseUrl::default());
        let data = super::super::SiteData::new(&checked, urls);
        let line = objective_line(data.card(0));
        let line = text(&line);
        assert!(line.starts_with("\n<li class=\"objective-line\"><a href=\"/objectives/2026-Q1/grow/\">Grow &lt;fast&gt; &amp; far</a>"), "{line}");
        assert!(
            line.contains("<span class=\"owner owner-company\">"),
            "{line}"
        );
        assert!(line.ends_with("</span></li>"), "{line}");
        assert!(!line.contains("<svg"), "no trend chart in a line: {line}");
    }
}
