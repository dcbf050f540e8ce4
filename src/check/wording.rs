//! Rules about what titles say: `placeholder-text`, `metric-objective`,
//! `unmeasured-key-result`, `duplicate-key-result`.
//!
//! Each reads at most [`READ_AT_MOST`] bytes of a title, so a pathological
//! title costs no more than an ordinary one.

use super::Context;
use crate::model::diagnostic::{Diagnostic, Rule};
use crate::model::{KeyResult, Measure, Objective, Spanned};
use foldhash::fast::FixedState;
use std::collections::HashMap;

/// The fill-in `okr new` writes after "Key result N: " for the author to replace.
pub const SAMPLE_KEY_RESULT: &str =
    "a measurable outcome, from where it is now to where it should be";
/// The fill-in title of the initiative `okr new` writes commented out.
pub const SAMPLE_INITIATIVE: &str = "A campaign, a project, a training";

/// Titles are read up to here (cut at a character boundary): no real title
/// is longer, and it bounds the work each one costs.
const READ_AT_MOST: usize = 1000;

fn head(text: &str) -> &str {
    crate::text::prefix(text, READ_AT_MOST)
}

/// The words of a title, without the punctuation around them.
fn words(text: &str) -> impl Iterator<Item = &str> {
    head(text)
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| {
                matches!(
                    c,
                    '(' | ')'
                        | '['
                        | ']'
                        | '{'
                        | '}'
                        | '"'
                        | '\''
                        | '“'
                        | '”'
                        | '‘'
                        | '’'
                        | ','
                        | '.'
                        | ';'
                        | ':'
                        | '!'
                )
            })
        })
        .filter(|w| !w.is_empty())
}

/// A title lowercased, its spaces collapsed and its trailing punctuation
/// dropped: two titles that read the same are equal.
pub fn normalised(title: &str) -> String {
    // One string, built once: every title of a check comes through here.
    let text = head(title);
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_ascii() {
        out.make_ascii_lowercase();
    } else {
        // Lowercasing never adds or removes whitespace, so it may follow the joining.
        out = out.to_lowercase();
    }
    let end = out
        .trim_end_matches(|c: char| {
            matches!(c, '.' | '!' | ';' | ':' | ',' | '…') || c.is_whitespace()
        })
        .len();
    out.truncate(end);
    out
}

// --- placeholder-text ---------------------------------------------------

/// Placeholder text found in a title or unit.
#[derive(Debug, PartialEq)]
pub enum Placeholder<'a> {
    /// A sample text `okr new` writes for the author to replace.
    Sample,
    /// A fill-in such as `TBD`, `N%` or `<metric>`, as written.
    FillIn(&'a str),
}

/// Words that stand in for a value or a text still to be written.
fn is_filler_word(word: &str) -> bool {
    let repeated = |c: char| word.len() >= 3 && word.chars().all(|w| w.eq_ignore_ascii_case(&c));
    ["tbd", "tbc", "tba", "lorem"]
        .iter()
        .any(|filler| word.eq_ignore_ascii_case(filler))
        || matches!(word, "TODO" | "FIXME")
        || repeated('x')
        || repeated('z')
}

/// Letters that stand in for a number: `X`, `XX`, `N`, `Y`.
fn is_number_letter(word: &str) -> bool {
    ["X", "XX", "N", "NN", "Y"]
        .iter()
        .any(|letters| word.eq_ignore_ascii_case(letters))
}

const CURRENCY: &[char] = &['$', '€', '£', '¥'];

/// `X%`, `N%`, `$X`, `€XM`, `X€`, `$XXk`: a number letter with a percent or
/// currency sign, and perhaps a magnitude.
fn is_filler_amount(word: &str) -> bool {
    if let Some(letters) = word.strip_suffix('%') {
        return is_number_letter(letters);
    }
    let unsigned = word.trim_start_matches(CURRENCY).trim_end_matches(CURRENCY);
    if unsigned.len() == word.len() {
        return false;
    }
    let letters = ["k", "K", "M", "m", "B", "bn"]
        .iter()
        .find_map(|m| {
            unsigned
                .strip_suffix(m)
                .filter(|rest| is_number_letter(rest))
        })
        .unwrap_or(unsigned);
    is_number_letter(letters)
}

/// Words after which a lone `X` or `N` is a number to fill in ("hire X
/// engineers", "from X to Y"), not a name ("Series X", "product X").
const BEFORE_A_NUMBER: &[&str] = &[
    "from", "to", "by", "of", "at", "least", "most", "than", "over", "under", "about", "around",
    "reach", "hire", "get", "gain", "win", "sign", "close", "add", "achieve", "increase", "reduce",
    "grow", "raise", "cut", "hit", "onboard", "recruit", "acquire", "convert", "generate",
    "deliver", "ship", "publish", "run", "hold",
];

/// A lone `X` or `N` used as a number: first or after a word that asks for
/// one, and followed by a lowercase word ("X positions filled").
fn is_lone_number_letter(previous: Option<&str>, word: &str, next: Option<&str>) -> bool {
    let asks_for_number =
        || previous.is_none_or(|p| BEFORE_A_NUMBER.iter().any(|b| p.eq_ignore_ascii_case(b)));
    matches!(word, "X" | "N")
        && next.is_some_and(|n| n.starts_with(|c: char| c.is_lowercase()))
        && asks_for_number()
}

/// HTML elements a title may hold as markup (`<b>fast</b>`), not to fill in.
const HTML_TAGS: &[&str] = &[
    "a", "abbr", "b", "br", "code", "del", "em", "i", "img", "ins", "kbd", "mark", "q", "s",
    "script", "small", "span", "strong", "style", "sub", "sup", "u",
];

/// `<metric>`, `<team name>`: a fill-in between angle brackets, starting
/// with a letter, closed within a few words; not HTML markup.
fn angle_fill_in(text: &str) -> Option<&str> {
    const LONGEST: usize = 60;
    if text.contains("</") {
        return None;
    }
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices('<') {
        let inside = &bytes[at + 1..bytes.len().min(at + 1 + LONGEST)];
        let Some(close) = inside.iter().position(|&b| b == b'>' || b == b'<') else {
            continue;
        };
        let fill = &text[at + 1..at + 1 + close];
        let tag = fill.split_whitespace().next().unwrap_or_default();
        if inside[close] == b'>'
            && fill.starts_with(|c: char| c.is_alphabetic())
            && !fill.ends_with(char::is_whitespace)
            && !HTML_TAGS.contains(&tag.to_ascii_lowercase().as_str())
        {
            return Some(&text[at..at + close + 2]);
        }
    }
    None
}

/// The first placeholder in a title or unit, if any.
pub fn placeholder(text: &str) -> Option<Placeholder<'_>> {
    let text = head(text);
    // Each search only where its first character is there: tens of
    // thousands of titles go through here on every check.
    let has = |c: char| text.contains(c);
    if has(',') && (text.contains(SAMPLE_KEY_RESULT) || text.contains(SAMPLE_INITIATIVE)) {
        return Some(Placeholder::Sample);
    }
    if has('?')
        && let Some(at) = text.find("??")
    {
        let run = text[at..].len() - text[at..].trim_start_matches('?').len();
        return Some(Placeholder::FillIn(&text[at..at + run]));
    }
    if has('<')
        && let Some(fill) = angle_fill_in(text)
    {
        return Some(Placeholder::FillIn(fill));
    }
    const LOREM: &[u8] = b"lorem ipsum";
    let lorem = || {
        let bytes = text.as_bytes();
        (0..bytes.len().saturating_sub(LOREM.len() - 1))
            .filter(|&at| bytes[at] | 0x20 == b'l')
            .find(|&at| bytes[at..at + LOREM.len()].eq_ignore_ascii_case(LOREM))
    };
    if let Some(at) = lorem() {
        return Some(Placeholder::FillIn(&text[at..at + LOREM.len()]));
    }
    let mut previous = None;
    let mut words = words(text).peekable();
    while let Some(word) = words.next() {
        let next = words.peek().copied();
        let with_percent = next == Some("%") && is_number_letter(word);
        let unsigned = word.trim_matches(|c| c == '%' || CURRENCY.contains(&c));
        if is_filler_word(unsigned)
            || is_filler_amount(word)
            || with_percent
            || is_lone_number_letter(previous, word, next)
        {
            return Some(Placeholder::FillIn(word));
        }
        previous = Some(word);
    }
    None
}

/// A finding when `text` holds placeholder text: `what` names the text,
/// `instead` says what to write there.
fn placeholder_finding(
    o: &Objective,
    found: Option<&Placeholder>,
    text: &Spanned<String>,
    what: impl FnOnce() -> String,
    instead: &str,
) -> Option<Diagnostic> {
    let (message, help) = match found? {
        Placeholder::Sample => (
            format!("{} is still the sample text `okr new` wrote", what()),
            format!("write {instead}"),
        ),
        Placeholder::FillIn(fill) => (
            format!("{} holds the placeholder `{fill}`", what()),
            format!("replace `{fill}` with the real value or words: {instead}"),
        ),
    };
    let span = Some(text.span);
    Some(Diagnostic::new(Rule::PlaceholderText, o.file, span, message).with_help(help))
}

/// The placeholder in `text` when the title facts say there is one: the
/// details are read again only for the few that hold one.
fn found(flagged: bool, text: &str) -> Option<Placeholder<'_>> {
    flagged.then(|| placeholder(text)).flatten()
}

pub fn placeholder_text(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (o, facts) in cx.org.objectives.iter().zip(&cx.facts.objectives) {
        out.extend(placeholder_finding(
            o,
            found(facts.title.placeholder, &o.title.value).as_ref(),
            &o.title,
            || "this objective's title".to_string(),
            "where to go and why, in words",
        ));
        for (kr, kr_facts) in o.key_results.iter().zip(&facts.key_results) {
            let what = |part: &str| format!("the {part} of key result `{}`", kr.id.value);
            out.extend(placeholder_finding(
                o,
                found(kr_facts.title.placeholder, &kr.title.value).as_ref(),
                &kr.title,
                || what("title"),
                "what moves from where to where, e.g. \"Weekly active customers from 40 to 100\"",
            ));
            if let Some(unit) = &kr.unit {
                out.extend(placeholder_finding(
                    o,
                    found(kr_facts.unit_placeholder, &unit.value).as_ref(),
                    unit,
                    || what("unit"),
                    "what is counted, e.g. \"customers\" or \"%\"",
                ));
            }
        }
        for (initiative, i_facts) in o.initiatives.iter().zip(&facts.initiatives) {
            out.extend(placeholder_finding(
                o,
                found(i_facts.placeholder, &initiative.title.value).as_ref(),
                &initiative.title,
                || "this initiative's title".to_string(),
                "the work that moves a key result, e.g. \"Guided setup for new accounts\"",
            ));
        }
    }
}

// --- metric-objective ---------------------------------------------------

/// Words that carry no content of their own in a short title.
const FILLER: &[&str] = &[
    "a", "an", "the", "to", "of", "in", "on", "at", "by", "for", "from", "with", "and", "or",
    "per", "our", "we", "be", "is", "into", "than", "over", "under", "least", "most", "more",
    "less", "up", "all", "end",
];

const MONTHS: &[&str] = &[
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
];

/// Words that name a period ("by Q4", "in H2", "FY27"), not content.
fn is_period_word(word: &str) -> bool {
    let upper = word.to_ascii_uppercase();
    let rest = upper
        .strip_prefix("FY")
        .or_else(|| upper.strip_prefix('Q'))
        .or_else(|| upper.strip_prefix('H'));
    rest.is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
        || MONTHS.contains(&word.to_lowercase().as_str())
}

/// What a word is as a number.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Number {
    /// Not a number, or a year (`2027`) or a version (`2.0`).
    Not,
    /// A bare number: `50`, `10,000`; it may also name or date something.
    Plain,
    /// With a currency sign, a percent sign or a magnitude: `€2M`, `50%`,
    /// `1.5k`, `10x`.
    Amount,
}

fn number(word: &str) -> Number {
    let word = word.trim_start_matches(['>', '<', '≥', '≤', '~', '+', '≈']);
    let unsigned = word.trim_start_matches(CURRENCY).trim_end_matches(CURRENCY);
    let currency = unsigned.len() != word.len();
    let (unsigned, percent) = match unsigned.strip_suffix('%') {
        Some(rest) => (rest, true),
        None => (unsigned, false),
    };
    let magnitude = ["bn", "k", "K", "m", "M", "B", "x"]
        .iter()
        .find_map(|m| unsigned.strip_suffix(m));
    let digits = magnitude.unwrap_or(unsigned);
    let numeric = digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.ends_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '_'));
    let year = digits.len() == 4 && (1900..=2100).contains(&digits.parse::<u32>().unwrap_or(0));
    let version = digits.contains('.') && !digits.contains(',');
    match () {
        _ if !numeric => Number::Not,
        _ if currency || percent || magnitude.is_some() => Number::Amount,
        _ if year || version => Number::Not,
        _ => Number::Plain,
    }
}

/// `Step`, `Windows`: a capital and then lowercase letters.
fn is_title_case(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.all(char::is_lowercase) && word.len() > 1
}

/// Whether the bare number `words[i]` ranks, names or dates something
/// rather than counting: "top 3", "number 1"; "Step 2", "Windows 11
/// rollout", "Phase 300" ("Reach 300 users" counts users); "25 May".
fn is_label(words: &[&str], i: usize) -> bool {
    let previous = i.checked_sub(1).map(|p| words[p]);
    let next = words.get(i + 1).copied();
    let small = words[i].len() <= 2;
    let rank =
        previous.is_some_and(|p| matches!(p.to_lowercase().as_str(), "top" | "number" | "no"));
    let name = previous.is_some_and(is_title_case)
        && (small || !next.is_some_and(|n| n.starts_with(char::is_lowercase)));
    let date = [previous, next]
        .into_iter()
        .flatten()
        .any(|w| MONTHS.contains(&w.to_lowercase().as_str()));
    rank || name || date
}

/// Whether `word`, lowercased, is one of the lowercase `words`: without a
/// lowercase copy of the ASCII words that titles are mostly made of.
fn is_one_of(word: &str, words: &[&str]) -> bool {
    if word.is_ascii() {
        words.iter().any(|w| w.eq_ignore_ascii_case(word))
    } else {
        words.contains(&word.to_lowercase().as_str())
    }
}

/// Whether a title is mostly a number: an amount and at most two words of
/// content beside it ("€2M ARR", "NPS 50", "Reach 10,000 users").
pub fn is_metric_title(title: &str) -> bool {
    let words: Vec<&str> = words(title).collect();
    let mut amounts = 0;
    let mut content = 0;
    for (i, word) in words.iter().enumerate() {
        let counts = match number(word) {
            Number::Amount => true,
            Number::Plain => !is_label(&words, i),
            Number::Not => false,
        };
        if counts {
            amounts += 1;
        } else if is_one_of(word, &["%", "million", "billion", "thousand"]) {
            // Part of the amount before it.
        } else if !is_one_of(word, FILLER) && !is_period_word(word) && number(word) == Number::Not {
            content += 1;
            if content > 2 {
                return false;
            }
        }
    }
    amounts > 0
}

pub fn metric_objective(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (o, facts) in cx.org.objectives.iter().zip(&cx.facts.objectives) {
        if facts.title.placeholder {
            continue; // `placeholder-text`
        }
        let (message, help) = if facts.title.metric {
            (
                "this objective's title is a number: it says how much, not where to go".to_string(),
                "say in words where to go and why (e.g. \"Become the shop commuters trust\"); put the number in a key result",
            )
        } else if let [kr] = facts.key_results.as_slice()
            && facts.title.normalised == kr.title.normalised
            && !facts.title.normalised.is_empty()
        {
            let kr = &o.key_results[0];
            (
                format!(
                    "this objective's title repeats its only key result, `{}`",
                    kr.id.value
                ),
                "say in words where to go and why: what the key result's number will change; the key result then measures it",
            )
        } else {
            continue;
        };
        let span = Some(o.title.span);
        out.push(Diagnostic::new(Rule::MetricObjective, o.file, span, message).with_help(help));
    }
}

// --- unmeasured-key-result ----------------------------------------------

/// Words that name a measure: a title holding one says what is counted.
#[rustfmt::skip]
const MEASURE_WORDS: &[&str] = &[
    "rate", "ratio", "percent", "percentage", "share", "number", "count", "amount", "total",
    "time", "duration", "revenue", "sale", "income", "profit", "margin", "cost", "spend", "budget",
    "price", "nps", "csat", "ces", "score", "rating", "satisfaction", "churn", "retention",
    "conversion", "latency", "uptime", "availability", "error", "incident", "bug", "ticket",
    "user", "customer", "client", "visitor", "visit", "view", "signup", "lead", "download",
    "install", "subscriber", "member", "account", "order", "deal", "arr", "mrr", "gmv", "coverage",
    "adoption", "usage", "engagement", "traffic", "speed", "level", "index", "average", "median",
    "mean", "p90", "p95", "p99", "per", "daily", "weekly", "monthly", "quarterly", "yearly",
    "annual", "dau", "wau", "mau", "kpi", "roi", "ltv", "cac", "aov", "growth", "volume",
    "frequency", "throughput", "pipeline", "booking",
];

/// Whether a title names something counted: a digit, a `%`, or a measure word
/// (singular or plural).
fn names_a_measure(title: &str) -> bool {
    let title = head(title);
    if title.contains(|c: char| c.is_ascii_digit() || c == '%') {
        return true;
    }
    title
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .any(|w| {
            let singular = w.strip_suffix('s').unwrap_or(&w);
            MEASURE_WORDS.contains(&w.as_str()) || MEASURE_WORDS.contains(&singular)
        })
}

/// A metric's start and target when they say nothing of what is counted: no
/// unit, and from 0 to 1 or 0 to 100 (either way), the scale of "done" or of
/// "percent of something".
fn bare_scale(kr: &KeyResult) -> Option<(f64, f64)> {
    let Measure::Metric { start, target } = &kr.measure else {
        return None;
    };
    let unitless = kr.unit.as_ref().is_none_or(|u| u.value.trim().is_empty());
    let (low, high) = (start.value.min(target.value), start.value.max(target.value));
    (unitless && low == 0.0 && (high == 1.0 || high == 100.0))
        .then_some((start.value, target.value))
}

pub fn unmeasured_key_result(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (oi, o) in cx.org.objectives.iter().enumerate() {
        for (ki, kr) in o.key_results.iter().enumerate() {
            let title = &kr.title.value;
            let Some((start, target)) = bare_scale(kr) else {
                continue;
            };
            if names_a_measure(title)
                || cx.facts.key_result(oi, ki).placeholder
                // A task is reported as such by `activity-key-result`.
                || super::activity::reports(cx, oi, ki)
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Rule::UnmeasuredKeyResult,
                    o.file,
                    Some(kr.title.span),
                    format!("key result `{}` names nothing to measure, and its numbers ({start} to {target}, no unit) do not say what is counted", kr.id.value),
                )
                .with_help("name the measure and where it should move, e.g. \"Setup finished within a day by 60% of new accounts, from 35%\", with `unit = \"%\"`"),
            );
        }
    }
}

// --- duplicate-key-result -----------------------------------------------

pub fn duplicate_key_result(cx: &Context, out: &mut Vec<Diagnostic>) {
    // The first key result with each text, per period: (objective, key result).
    let mut first: HashMap<(&str, &str), (usize, usize), FixedState> =
        HashMap::with_capacity_and_hasher(cx.org.key_result_count(), FixedState::default());
    for (oi, o) in cx.org.objectives.iter().enumerate() {
        for (ki, kr) in o.key_results.iter().enumerate() {
            if cx.facts.key_result(oi, ki).placeholder {
                continue;
            }
            let text = cx.facts.key_result(oi, ki).normalised.as_str();
            if text.is_empty() {
                continue;
            }
            let &mut (fo, fk) = first
                .entry((o.period.value.as_str(), text))
                .or_insert((oi, ki));
            // The first; a repeat within one objective; or one whose
            // objective aligns to the one it repeats: a visible choice.
            if fo == oi || o.parents.iter().any(|link| link.objective == fo) {
                continue;
            }
            let original = &cx.org.objectives[fo];
            let target = format!(
                "{}#{}",
                original.id.value, original.key_results[fk].id.value
            );
            out.push(
                Diagnostic::new(
                    Rule::DuplicateKeyResult,
                    o.file,
                    Some(kr.title.span),
                    format!(
                        "key result `{}` repeats key result `{}` of {}/{} word for word",
                        kr.id.value, original.key_results[fk].id.value, original.period.value, original.id.value
                    ),
                )
                .with_help(format!(
                    "to support it, write `aligns_to = \"{target}\"` and measure what this objective adds to it, rather than copying it"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::*;

    fn fill_in(text: &str) -> Option<&str> {
        match placeholder(text)? {
            Placeholder::FillIn(fill) => Some(fill),
            Placeholder::Sample => Some("<sample>"),
        }
    }

    #[test]
    fn placeholders_are_found() {
        for (title, found) in [
            ("Revenue from TBD to TBD", "TBD"),
            ("Churn (tbc) down", "tbc"),
            ("Margin from 20% to TBD%", "TBD%"),
            ("Revenue of €tbd", "€tbd"),
            ("XXX signups", "XXX"),
            ("zzz", "zzz"),
            ("NPS from ??? to 50", "???"),
            ("Conversion from N% to 5%", "N%"),
            ("Conversion from 2 % to X %", "X"),
            ("Hire X positions", "X"),
            ("X positions filled", "X"),
            ("Reach N users", "N"),
            ("Pipeline of $X", "$X"),
            ("Raise €XM", "€XM"),
            ("Increase <metric> by 10%", "<metric>"),
            ("Lorem ipsum dolor", "Lorem ipsum"),
            ("TODO: write it", "TODO"),
        ] {
            assert_eq!(fill_in(title), Some(found), "{title}");
        }
        assert_eq!(
            placeholder(&format!("Key result 1: {SAMPLE_KEY_RESULT}")),
            Some(Placeholder::Sample)
        );
        assert_eq!(placeholder(SAMPLE_INITIATIVE), Some(Placeholder::Sample));
    }

    #[test]
    fn words_that_look_like_placeholders_are_not() {
        for title in [
            "Sell 400 XXL jerseys",
            "N95 masks in every store",
            "Xbox players from 2k to 5k",
            "X-ray wait under 2 days",
            "Ship Series X to 10 dealers",
            "Make product X the market leader",
            "Plan X and Plan Y compared",
            "Mailbox from 300 to 50 unread",
            "Stabilise the TBDX pipeline",
            "Latency < 200 ms for 95% of requests",
            "p95 < 200ms and > 10 rps",
            "Is it ready?",
            "Grow <b>fast</b>",
            "Guard against <script> in titles",
            "Speed up the build 2x",
            "Todo app weekly users from 10 to 40",
            "A/B tests per month from 2 to 6",
        ] {
            assert_eq!(placeholder(title), None, "{title}");
        }
    }

    #[test]
    fn metric_titles() {
        for title in [
            "€2M ARR",
            "NPS 50",
            "Reach 10,000 users",
            "Grow revenue to €2M by Q4",
            "99.9% uptime",
            "Raise $5M Series A",
            "1 million riders",
            "10x revenue",
        ] {
            assert!(is_metric_title(title), "{title}");
        }
        for title in [
            "Win the 2027 German market",
            "Become a top 3 bike shop",
            "Ship 2.0",
            "GDPR compliant by 25 May",
            "Expand into 3 new markets in Europe",
            "Become the shop commuters trust",
            "Support 24/7",
            "Make 2026 our best year yet",
            "Zero downtime",
            "Step 0",
            "Step 100",
            "Windows 11 migration",
        ] {
            assert!(!is_metric_title(title), "{title}");
        }
    }

    fn objective(title: &str, key_results: &str) -> Vec<(String, String)> {
        vec![
            company("grow"),
            (
                "okrs/2026-Q1/sales/sell.md".to_string(),
                format!(
                    "+++\ntitle = \"{title}\"\nperiod = \"2026-Q1\"\nteam = \"sales\"\naligns_to = \"grow\"\n{key_results}+++\n"
                ),
            ),
        ]
    }

    const FILE: &str = "okrs/2026-Q1/sales/sell.md";
    const TWO: &str = "[[key_results]]\ntitle = \"Deals from 4 to 9\"\ntarget = 9\n\
                       [[key_results]]\ntitle = \"Win rate from 20% to 30%\"\nstart = 20\ntarget = 30\nunit = \"%\"\n";

    #[test]
    fn the_sample_texts_hold_the_comma_their_search_starts_from() {
        assert!(SAMPLE_KEY_RESULT.contains(',') && SAMPLE_INITIATIVE.contains(','));
    }

    #[test]
    fn placeholders_in_titles_units_and_initiatives() {
        let krs = "[[key_results]]\ntitle = \"Deals from 4 to TBD\"\ntarget = 9\nunit = \"???\"\n\
                   [[key_results]]\ntitle = \"Win rate\"\ntarget = 30\n\
                   [[initiatives]]\ntitle = \"A campaign, a project, a training\"\n";
        assert_eq!(
            of_rule("placeholder-text", &files(&objective("Sell XXX", krs))),
            [at(FILE, 2), at(FILE, 7), at(FILE, 9), at(FILE, 14)]
        );
    }

    #[test]
    fn metric_objectives() {
        let found =
            |title: &str, krs: &str| of_rule("metric-objective", &files(&objective(title, krs)));
        assert_eq!(found("€2M ARR", TWO), [at(FILE, 2)]);
        assert_eq!(found("Win the 2027 German market", TWO), []);
        let one = "[[key_results]]\ntitle = \"Win the German market.\"\ntarget = 9\n";
        assert_eq!(found("Win the  german market", one), [at(FILE, 2)]);
        assert_eq!(found("Win the German market", TWO), []);
    }

    #[test]
    fn unmeasured_key_results() {
        let kr = |title: &str, numbers: &str| {
            format!("{TWO}[[key_results]]\ntitle = \"{title}\"\n{numbers}\n")
        };
        let found =
            |krs: String| of_rule("unmeasured-key-result", &files(&objective("Sell", &krs)));
        assert_eq!(
            found(kr("Smoother onboarding", "target = 1")),
            [at(FILE, 15)]
        );
        // Read as a task: reported by `activity-key-result` alone.
        assert_eq!(found(kr("Improve onboarding", "target = 1")), []);
        assert_eq!(
            found(kr("Better documentation", "start = 0\ntarget = 100")),
            [at(FILE, 15)]
        );
        assert_eq!(
            found(kr("Better documentation", "start = 100\ntarget = 0")),
            [at(FILE, 15)]
        );
        assert_eq!(
            found(kr(
                "Customer satisfaction",
                "target = 100\nunit = \"points\""
            )),
            []
        );
        assert_eq!(found(kr("Customer satisfaction", "target = 100")), []);
        assert_eq!(found(kr("Weekly active teams", "target = 400")), []);
        assert_eq!(
            found(kr("Better documentation", "target = 100\nunit = \"pages\"")),
            []
        );
        assert_eq!(found(kr("Better documentation", "target = 40")), []);
        assert_eq!(found(kr("Better documentation", "done = false")), []);
        // A task: `activity-key-result` says so.
        assert_eq!(found(kr("Launch the new website", "target = 1")), []);
    }

    #[test]
    fn duplicate_key_results_across_objectives_of_a_period() {
        let copy = |period: &str| {
            (
                format!("okrs/{period}/sales/copy.md"),
                format!(
                    "+++\ntitle = \"Sell more\"\nperiod = \"{period}\"\nteam = \"sales\"\n\
                     [[key_results]]\ntitle = \"metric 2 of grow  from 0 to 10.\"\ntarget = 10\n\
                     [[key_results]]\ntitle = \"Own metric\"\ntarget = 10\nunit = \"deals\"\n+++\n"
                ),
            )
        };
        let mut aligned = copy("2026-Q1");
        aligned.0 = "okrs/2026-Q1/sales/aligned.md".to_string();
        aligned.1 = aligned
            .1
            .replace(
                "team = \"sales\"\n",
                "team = \"sales\"\naligns_to = \"grow#kr2\"\n",
            )
            .replace("Own metric", "Aligned metric");
        let owned = [company("grow"), copy("2026-Q1"), copy("2026-Q2"), aligned];
        let checked = run(&files(&owned));
        let found: Vec<_> = (checked.diagnostics.iter())
            .filter(|d| d.rule == Rule::DuplicateKeyResult)
            .collect();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            checked.org.file(found[0].file).path,
            "okrs/2026-Q1/sales/copy.md"
        );
        assert!(
            found[0].message.contains("`kr2` of 2026-Q1/grow"),
            "{}",
            found[0].message
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .is_some_and(|h| h.contains("aligns_to = \"grow#kr2\"")),
            "{:?}",
            found[0].help
        );
    }

    #[test]
    fn titles_that_read_the_same_normalise_alike() {
        assert_eq!(normalised("  Grow ARR\tto  5M.  "), "grow arr to 5m");
        assert_eq!(normalised("Grow ARR to 5M!…"), "grow arr to 5m");
        assert_eq!(normalised("Ship\u{a0}Ünïcode"), "ship ünïcode");
        // Greek keeps its final sigma, as `str::to_lowercase` writes it.
        assert_eq!(normalised("ΟΔΟΣ  ΣΟΦΙΑΣ"), "οδος σοφιας");
        assert_eq!(normalised(" .,; "), "");
    }

    #[test]
    fn title_rules_are_linear() {
        let make = |n: usize| "TBX Xbox <a <b N% ?x ".repeat(n);
        assert_linear("title rules", 20_000, make, |title| {
            placeholder(title);
            is_metric_title(title);
            names_a_measure(title);
            normalised(title);
        });
    }
}
