//! The digest as people read it: Markdown (a job summary, an issue, an
//! e-mail), JSON for scripts, and a Slack or Teams incoming-webhook payload.
//!
//! Markdown and Slack's mrkdwn say the same thing in two syntaxes: the
//! sentences are written once ([`sections`]) against a [`Syntax`].

use super::{Digest, DueItem, Move, OwnerRef, StaleItem};
use crate::git::diff::escape_markdown;
use crate::text::{percent, plural, prefix, score};
use serde_json::json;

/// Items a list shows before "and N more": the digest stays one screen long.
pub const LIST_CAP: usize = 5;

/// How the two text formats write what the digest says.
pub(super) trait Syntax {
    /// Text from the files, shown as written.
    fn text(&self, text: &str) -> String;
    fn bold(&self, text: &str) -> String;
    fn link(&self, text: &str, url: &str) -> String;
}

pub(super) struct Markdown;

impl Syntax for Markdown {
    fn text(&self, text: &str) -> String {
        escape_markdown(text)
    }

    fn bold(&self, text: &str) -> String {
        format!("**{}**", self.text(text))
    }

    fn link(&self, text: &str, url: &str) -> String {
        format!("[{}](<{}>)", self.text(text), url.replace(['<', '>'], ""))
    }
}

/// Slack's mrkdwn: `&`, `<` and `>` escaped as Slack requires, links as
/// `<url|text>`.
pub(super) struct Mrkdwn;

impl Syntax for Mrkdwn {
    fn text(&self, text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    fn bold(&self, text: &str) -> String {
        format!("*{}*", self.text(text))
    }

    fn link(&self, text: &str, url: &str) -> String {
        // `|` ends the address; okr's addresses never hold one, nor `<>`.
        let url = url.replace(['<', '>', '|'], "");
        format!("<{url}|{}>", self.text(text).replace('|', "¦"))
    }
}

/// A heading, what it opens with, and its list.
pub(super) struct Section {
    pub heading: String,
    pub lead: Option<String>,
    pub items: Vec<Item>,
}

/// A line of a section's list.
pub(super) enum Item {
    /// Opens the items after it, e.g. "Key results up:".
    Label(String),
    Entry(String),
}

/// Titles in lists are cut here: a line stays a line.
const TITLE_CHARS: usize = 90;

fn title(text: &str) -> String {
    let cut = prefix(text, TITLE_CHARS);
    if cut.len() < text.len() {
        format!("{}…", cut.trim_end())
    } else {
        text.to_string()
    }
}

/// The first [`LIST_CAP`] of `items`, then "and N more" when there are.
fn capped<T>(items: &[T], mut line: impl FnMut(&T) -> String) -> Vec<Item> {
    let mut out: Vec<Item> = items
        .iter()
        .take(LIST_CAP)
        .map(|i| Item::Entry(line(i)))
        .collect();
    if items.len() > LIST_CAP {
        out.push(Item::Entry(format!("and {} more", items.len() - LIST_CAP)));
    }
    out
}

/// `+0.12` / `−0.05`: a change of score.
fn signed_score(change: f64) -> String {
    let sign = if change < 0.0 { "−" } else { "+" };
    format!("{sign}{}", score(change.abs()))
}

/// `+15 points` / `−5 points`: a change of progress, in percentage points.
fn signed_points(change: f64) -> String {
    let sign = if change < 0.0 { "−" } else { "+" };
    let points = percent(change.abs());
    format!("{sign}{} points", points.trim_end_matches('%'))
}

/// The sentence on the company's pace, e.g. "2026-Q4: company objectives
/// score 0.56, against 0.41 expected by now on the pace to 0.70: on track,
/// up 0.03 this week."; once the period has ended, its grade.
fn pace_line(d: &Digest, s: &dyn Syntax) -> String {
    let p = &d.period;
    let period = s.link(&p.name, &p.url);
    let (Some(now), Some(expected), Some(status)) = (p.score, p.expected, p.status) else {
        return format!("{period}: no company objective of the period has a score yet.");
    };
    if p.state == Some("ended") {
        return format!(
            "{period} has ended: company objectives scored {} against a goal of {}: {}.",
            s.bold(&score(now)),
            score(p.goal.unwrap_or(expected)),
            s.bold(status),
        );
    }
    let mut line = format!(
        "{period}: company objectives score {}, against {} expected by now on the pace to {}: {}",
        s.bold(&score(now)),
        score(expected),
        score(p.goal.unwrap_or(expected)),
        s.bold(&status.replace('-', " ")),
    );
    if let Some(before) = p.before {
        let change = now - before;
        let week = window_words(d.days);
        if change.abs() >= 0.005 {
            let way = if change > 0.0 { "up" } else { "down" };
            line.push_str(&format!(", {way} {} {week}", score(change.abs())));
        } else {
            line.push_str(&format!(", unchanged {week}"));
        }
    }
    line.push('.');
    line
}

/// "this week", "in 10 days": the window in words.
fn window_words(n: i64) -> String {
    match n {
        7 => "this week".to_string(),
        1 => "in a day".to_string(),
        n => format!("in {n} days"),
    }
}

/// A key result by its title alone (its link leads to its objective): a
/// line of the list stays short.
fn of(m: &Move, s: &dyn Syntax) -> String {
    match &m.key_result {
        Some(kr) => s.link(&title(&kr.title), &kr.url),
        None => s.link(&title(&m.objective.title), &m.objective.url),
    }
}

fn score_move(m: &Move, s: &dyn Syntax) -> String {
    format!(
        "{}: {} → {} ({})",
        of(m, s),
        score(m.before),
        score(m.now),
        signed_score(m.change)
    )
}

fn progress_move(m: &Move, s: &dyn Syntax) -> String {
    format!(
        "{}: {} → {} ({})",
        of(m, s),
        percent(m.before),
        percent(m.now),
        signed_points(m.change)
    )
}

fn owner(o: &OwnerRef, s: &dyn Syntax) -> String {
    match &o.url {
        Some(url) => s.link(&o.name, url),
        None => s.text(&o.name),
    }
}

fn stale_line(item: &StaleItem, s: &dyn Syntax) -> String {
    let last = if item.checked_in {
        format!("last check-in {}", item.since)
    } else {
        "no check-in yet".to_string()
    };
    format!(
        "{} ({}): {}, {last}, {} ago",
        s.link(&title(&item.key_result.title), &item.key_result.url),
        s.text(&title(&item.objective.title)),
        owner(&item.owner, s),
        plural(item.days as usize, "day"),
    )
}

fn due_line(item: &DueItem, s: &dyn Syntax) -> String {
    let when = match item.days_left {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n => format!("in {n} days"),
    };
    let stands = match (item.milestone, item.progress) {
        (true, _) => "not done yet".to_string(),
        (false, Some(p)) => format!("{} of the way", percent(p)),
        (false, None) => "no progress known".to_string(),
    };
    format!(
        "{} {when}: {} ({}), {}, {stands}",
        s.bold(&item.due),
        s.link(&title(&item.key_result.title), &item.key_result.url),
        s.text(&title(&item.objective.title)),
        owner(&item.owner, s),
    )
}

/// What the digest says, section by section.
pub(super) fn sections(d: &Digest, s: &dyn Syntax) -> Vec<Section> {
    let mut out = Vec::new();

    let updated = {
        let mut krs: Vec<&str> = d
            .checkins
            .iter()
            .map(|c| c.key_result.url.as_str())
            .collect();
        krs.sort_unstable();
        krs.dedup();
        krs.len()
    };
    let lead = if d.checkins.is_empty() {
        format!("No check-in since {}.", d.since)
    } else {
        format!(
            "{} on {} since {}.",
            plural(d.checkins.len(), "check-in"),
            plural(updated, "key result"),
            d.since
        )
    };
    let mut items = Vec::new();
    type Show = fn(&Move, &dyn Syntax) -> String;
    let lists: [(&str, &[Move], bool, Show); 4] = [
        ("Objectives up", &d.objectives_moved, true, score_move),
        ("Objectives down", &d.objectives_moved, false, score_move),
        ("Key results up", &d.key_results_moved, true, progress_move),
        (
            "Key results down",
            &d.key_results_moved,
            false,
            progress_move,
        ),
    ];
    for (label, moves, up, show) in lists {
        let list: Vec<&Move> = moves.iter().filter(|m| (m.change > 0.0) == up).collect();
        if !list.is_empty() {
            items.push(Item::Label(label.to_string()));
            items.extend(capped(&list, |m| show(m, s)));
        }
    }
    out.push(Section {
        heading: "What moved".to_string(),
        lead: Some(lead),
        items,
    });

    let t = &d.targets;
    let lead = match (&t.note, t.changes.is_empty()) {
        (Some(note), true) => Some(format!("Not known: {}.", s.text(note))),
        (None, true) => Some("No target changed.".to_string()),
        (Some(note), false) => Some(format!("Partly known: {}.", s.text(note))),
        (None, false) => None,
    };
    out.push(Section {
        heading: "Targets changed".to_string(),
        lead,
        items: capped(&t.changes, |c| {
            let verb = if c.lowered { "lowered" } else { "changed" };
            let show = |v: &Option<String>| s.text(v.as_deref().unwrap_or("none"));
            format!(
                "{} {}: target of “{}” ({}) {verb} from {} to {}, by {}",
                s.bold(&c.date),
                s.text(&c.commit),
                s.text(&title(&c.key_result)),
                s.link(&title(&c.objective.title), &c.objective.url),
                show(&c.from),
                show(&c.to),
                s.text(&c.author),
            )
        }),
    });

    out.push(Section {
        heading: "Waiting for a check-in".to_string(),
        lead: d
            .stale
            .is_empty()
            .then(|| "Every running key result has a recent check-in.".to_string()),
        items: capped(&d.stale, |item| stale_line(item, s)),
    });

    out.push(Section {
        heading: "Due in the next two weeks".to_string(),
        lead: d
            .due
            .is_empty()
            .then(|| format!("Nothing unfinished is due by {}.", d.due_until)),
        items: capped(&d.due, |item| due_line(item, s)),
    });
    out
}

/// The heading of the whole digest.
fn heading(d: &Digest) -> String {
    format!("{}: the {} to {}", d.title, days_noun(d.days), d.as_of)
}

fn days_noun(n: i64) -> String {
    match n {
        7 => "week".to_string(),
        1 => "day".to_string(),
        n => format!("{n} days"),
    }
}

fn footer(d: &Digest, s: &dyn Syntax) -> String {
    format!(
        "As of {}. {} · {}",
        d.as_of,
        s.link("The OKR site", &d.site_url),
        s.link("Health", &d.health_url)
    )
}

impl Digest {
    /// GitHub-flavoured Markdown, e.g. for a job summary.
    pub fn markdown(&self) -> String {
        let s = Markdown;
        let mut out = format!("## {}\n\n{}\n", s.text(&heading(self)), pace_line(self, &s));
        for section in sections(self, &s) {
            // Paragraphs: the lead, then each label with its list.
            let mut blocks: Vec<String> = section.lead.into_iter().collect();
            let mut in_list = false;
            for item in section.items {
                match item {
                    Item::Label(label) => {
                        blocks.push(format!("{}\n", s.bold(&format!("{label}:"))));
                        in_list = true;
                    }
                    Item::Entry(entry) => match blocks.last_mut() {
                        Some(list) if in_list => list.push_str(&format!("\n- {entry}")),
                        _ => {
                            blocks.push(format!("- {entry}"));
                            in_list = true;
                        }
                    },
                }
            }
            out.push_str(&format!(
                "\n### {}\n\n{}\n",
                section.heading,
                blocks.join("\n\n")
            ));
        }
        out.push_str(&format!("\n{}\n", footer(self, &s)));
        out
    }

    /// The digest as JSON: the shape of [`Digest`], documented in the README.
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            // Only strings and numbers: serialising cannot fail.
            format!("{{\"error\": {}}}", json!(e.to_string()))
        });
        text.push('\n');
        text
    }

    /// A Slack incoming-webhook payload: Block Kit sections in mrkdwn, and
    /// the whole digest again in `text`, the notification and the fallback
    /// (Microsoft Teams' incoming webhooks read `text` only).
    pub fn slack(&self) -> String {
        let s = Mrkdwn;
        let mut blocks = vec![json!({
            "type": "header",
            // Slack takes at most 150 characters of plain text here.
            "text": {"type": "plain_text", "text": title_cut(&heading(self), 150), "emoji": false},
        })];
        let mut text = format!("*{}*\n{}\n", s.text(&heading(self)), pace_line(self, &s));
        blocks.push(section_block(&pace_line(self, &s)));
        for section in sections(self, &s) {
            let mut body = format!("*{}*\n", section.heading);
            if let Some(lead) = &section.lead {
                body.push_str(lead);
                body.push('\n');
            }
            for item in &section.items {
                match item {
                    Item::Label(label) => {
                        body.push_str(&format!("{}\n", s.bold(&format!("{label}:"))))
                    }
                    Item::Entry(entry) => body.push_str(&format!("• {entry}\n")),
                }
            }
            text.push('\n');
            text.push_str(&body);
            blocks.push(section_block(body.trim_end()));
        }
        let footer = footer(self, &s);
        text.push('\n');
        text.push_str(&footer);
        blocks.push(json!({
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": footer}],
        }));
        let payload = json!({"text": text, "blocks": blocks});
        format!("{payload:#}\n")
    }
}

/// Slack refuses a section's text beyond 3,000 characters.
const SECTION_CHARS: usize = 3000;

fn section_block(text: &str) -> serde_json::Value {
    json!({
        "type": "section",
        "text": {"type": "mrkdwn", "text": title_cut(text, SECTION_CHARS)},
    })
}

/// `text` in at most `max` characters, `…` marking a cut.
fn title_cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}
