//! Markdown bodies to sanitised HTML.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};
use std::ops::Range;
use std::sync::LazyLock;

use ammonia::Builder;
use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html,
};

/// URL schemes a link or image may use; anything else (javascript:, data:, …) is dropped.
const URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Built once: building the sanitiser means filling a dozen hash sets.
static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        // The page's title is the only <h1>; headings in raw HTML must not add another.
        .rm_tags(["h1"])
        .add_tags(["input"])
        // Dropped with their content, not unwrapped into visible text.
        .add_clean_content_tags(["iframe", "noscript", "object", "embed", "template"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        // Listed as well as forced below so they keep their place: the forced ones are
        // added in hash-map order, which would make the output differ between runs.
        .add_tag_attributes("input", ["checked", "disabled", "type"])
        // Task list markers: whatever raw HTML asks for, an <input> stays a read-only checkbox.
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
        .add_allowed_classes("div", ["footnote-definition"])
        // Table column alignment is the only style Markdown produces.
        .filter_style_properties(HashSet::from(["text-align"]))
        .url_schemes(HashSet::from(URL_SCHEMES))
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(filter_attribute);
    builder
});

/// Raw HTML goes through an HTML parser (html5ever, through ammonia) whose
/// work per tag grows with the elements left open: the stack of open
/// elements it searches, the formatting it rebuilds. A body of 20,000
/// unclosed `<b id=N>` took 25 seconds. Bounding the raw tags of a body, and
/// how deep Markdown nests around them, keeps that work linear in the body's
/// length; a body beyond is reported ([`too_much_raw_html`]) and, should it
/// be rendered anyway, shows its raw HTML as text.
pub const MAX_RAW_TAGS: usize = 512;

/// How deep Markdown may nest (quotes, lists, emphasis) around raw HTML.
pub const MAX_NESTING: usize = 64;

/// Raw HTML a body has too much of, and where: a byte offset into the body.
#[derive(Clone, Debug, PartialEq)]
pub enum TooMuchRawHtml {
    /// The first tag beyond [`MAX_RAW_TAGS`].
    Tags(usize),
    /// Raw HTML inside Markdown nested deeper than [`MAX_NESTING`].
    Nesting(usize),
}

impl TooMuchRawHtml {
    pub fn at(&self) -> usize {
        match *self {
            TooMuchRawHtml::Tags(at) | TooMuchRawHtml::Nesting(at) => at,
        }
    }

    pub fn message(&self) -> String {
        match self {
            TooMuchRawHtml::Tags(_) => {
                format!("this body has more than {MAX_RAW_TAGS} raw HTML tags")
            }
            TooMuchRawHtml::Nesting(_) => {
                format!("raw HTML inside Markdown nested more than {MAX_NESTING} levels deep")
            }
        }
    }

    pub fn help(&self) -> String {
        match self {
            TooMuchRawHtml::Tags(_) => format!(
                "write the rest in Markdown (tables, lists, emphasis and links need no HTML): \
                 raw HTML is sanitised, which more than {MAX_RAW_TAGS} tags in one body would make slow"
            ),
            TooMuchRawHtml::Nesting(_) => {
                "nest the lists and quotes around it less deeply, or write it in Markdown".into()
            }
        }
    }
}

/// Whether a body has more raw HTML than may be sanitised, and where.
/// `okr check` reports it; [`to_html`] shows such raw HTML as text.
pub fn too_much_raw_html(markdown: &str) -> Option<TooMuchRawHtml> {
    // Raw HTML starts with `<`: most bodies have none and need no parse.
    if !markdown.contains('<') {
        return None;
    }
    let mut raw = Tally::default();
    for (event, range) in Parser::new_ext(markdown, OPTIONS).into_offset_iter() {
        raw.count(&event, range.start);
    }
    raw.too_much
}

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// A tally of the raw HTML of a body, event by event.
#[derive(Default)]
struct Tally {
    any: bool,
    tags: usize,
    /// How deep Markdown nests here.
    depth: usize,
    /// The first limit passed, and where.
    too_much: Option<TooMuchRawHtml>,
}

impl Tally {
    fn count(&mut self, event: &Event<'_>, at: usize) {
        let html = match event {
            Event::Start(_) => return self.depth += 1,
            Event::End(_) => return self.depth = self.depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => html,
            _ => return,
        };
        self.any = true;
        if self.depth > MAX_NESTING {
            self.too_much.get_or_insert(TooMuchRawHtml::Nesting(at));
        }
        // Every `<` before a letter, `/`, `!` or `?`: each start or end tag,
        // comment or declaration the parser may read, and more.
        let bytes = html.as_bytes();
        for (i, _) in html.match_indices('<') {
            let next = bytes.get(i + 1).copied().unwrap_or_default();
            if next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?') {
                self.tags += 1;
                if self.tags == MAX_RAW_TAGS + 1 {
                    self.too_much.get_or_insert(TooMuchRawHtml::Tags(at + i));
                }
            }
        }
    }
}

/// Renders a Markdown body (an objective's "why", a team's mission, a person's bio) to HTML that is safe to insert unescaped into a page.
pub fn to_html(markdown: &str) -> String {
    // NUL is not allowed in HTML; shown as the replacement character.
    let markdown = match markdown.contains('\0') {
        true => Cow::Owned(markdown.replace('\0', "\u{FFFD}")),
        false => Cow::Borrowed(markdown),
    };
    let mut raw = Tally::default();
    let html = render(&markdown, RawHtml::Kept, &mut raw);
    if !raw.any {
        return html;
    }
    if raw.too_much.is_some() {
        return render(&markdown, RawHtml::AsText, &mut Tally::default());
    }
    let written = render_for_sanitiser(&markdown, &around_raw_html(&markdown));
    sanitise(written)
}

/// What [`render`] does with raw HTML.
#[derive(Clone, Copy, PartialEq)]
enum RawHtml {
    /// Written as it is, for the sanitiser.
    Kept,
    /// Shown as text: no sanitiser needed.
    AsText,
}

/// Markdown to HTML, counting its raw HTML into `raw`. Everything but raw
/// HTML comes out safe (see [`Rewrite`]).
fn render(markdown: &str, raw_html: RawHtml, raw: &mut Tally) -> String {
    let mut rewrite = Rewrite::new(markdown);
    let events = Parser::new_ext(markdown, OPTIONS)
        .into_offset_iter()
        .filter_map(|(event, range)| {
            raw.count(&event, range.start);
            match event {
                Event::Html(html) | Event::InlineHtml(html) if raw_html == RawHtml::AsText => {
                    Some(Event::Text(html))
                }
                event => rewrite.event(event),
            }
        });
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    html::push_html(&mut html, events);
    html
}

/// What `render` changes in pulldown-cmark's events so that everything but
/// raw HTML comes out safe, and placed under the page's title: links and
/// images of other schemes lose their URL, code block languages that are not
/// plain words their class, headings and footnotes get levels and ids of
/// their own.
struct Rewrite<'m> {
    footnotes: Footnotes<'m>,
    outline: Outline,
    /// Whether each open image is dropped (its URL has another scheme).
    dropped_images: Vec<bool>,
}

impl<'m> Rewrite<'m> {
    fn new(markdown: &'m str) -> Self {
        Rewrite {
            footnotes: Footnotes::new(markdown),
            outline: Outline::default(),
            dropped_images: Vec::new(),
        }
    }

    /// Inside a kept image everything is written, escaped, into its `alt`.
    fn in_image(&self) -> bool {
        self.dropped_images.contains(&false)
    }

    fn event<'e>(&mut self, event: Event<'e>) -> Option<Event<'e>> {
        Some(match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: self.outline.open(level),
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(_)) => Event::End(TagEnd::Heading(self.outline.current)),
            Event::FootnoteReference(label) => Event::InlineHtml(self.footnotes.reference(&label)),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                Event::Html(self.footnotes.definition(&label))
            }
            Event::End(TagEnd::FootnoteDefinition) => Event::Html(CowStr::Borrowed("</div>\n")),
            Event::Start(Tag::Link {
                link_type: LinkType::Email,
                dest_url,
                title,
                ..
            }) => Event::InlineHtml(link_open(Some(&format!("mailto:{dest_url}")), &title)),
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => {
                let url = Some(&*dest_url).filter(|url| has_safe_scheme(url));
                Event::InlineHtml(link_open(url, &title))
            }
            Event::End(TagEnd::Link) => Event::InlineHtml(CowStr::Borrowed("</a>")),
            // An image of another scheme shows its description as text.
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                let dropped = !has_safe_scheme(dest_url);
                self.dropped_images.push(dropped);
                return (!dropped).then_some(event);
            }
            Event::End(TagEnd::Image) => {
                return (!self.dropped_images.pop().unwrap_or(false)).then_some(event);
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if !is_language(info.split(' ').next().unwrap_or_default()) =>
            {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::Borrowed(""))))
            }
            other => other,
        })
    }
}

/// Whether a table cell or an element of a table's frame: text there would
/// be moved before the table, so a table stays whole, and each of its cells
/// with raw HTML is sanitised on its own.
fn in_table_frame(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell
    )
}

/// For each Markdown element, in the order they start: whether raw HTML is
/// inside it (not counting what is inside a table cell within it).
fn around_raw_html(markdown: &str) -> Vec<bool> {
    let mut around = Vec::new();
    // The open elements: their place in `around`, and whether a table cell.
    let mut open: Vec<(usize, bool)> = Vec::new();
    // Whether each open image is dropped, as `Rewrite` decides.
    let mut images: Vec<bool> = Vec::new();
    for event in Parser::new_ext(markdown, OPTIONS) {
        match event {
            Event::Start(tag) => {
                if let Tag::Image { dest_url, .. } = &tag {
                    images.push(!has_safe_scheme(dest_url));
                }
                open.push((around.len(), matches!(tag, Tag::TableCell)));
                around.push(false);
            }
            Event::End(end) => {
                if end == TagEnd::Image {
                    images.pop();
                }
                open.pop();
            }
            Event::Html(_) | Event::InlineHtml(_) if !images.contains(&false) => {
                // Outwards to the nearest cell or element already marked,
                // whose own outer elements are marked too.
                for &(i, cell) in open.iter().rev() {
                    if around[i] {
                        break;
                    }
                    around[i] = true;
                    if cell {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    around
}

/// Who wrote a stretch of a body's HTML.
#[derive(Clone, Copy, PartialEq)]
enum Writer {
    /// From Markdown, safe as written.
    Markdown,
    /// For the sanitiser: raw HTML, and the tags of the Markdown elements
    /// around it.
    Sanitiser,
}

/// A body's HTML (or a table cell's), and who wrote each stretch of it.
#[derive(Default)]
struct Written {
    html: String,
    /// Consecutive ranges of `html`, each written by one writer.
    stretches: Vec<(Writer, Range<usize>)>,
}

impl Written {
    fn push(&mut self, writer: Writer, s: &str) {
        let start = self.html.len();
        self.html.push_str(s);
        match self.stretches.last_mut() {
            Some((last, range)) if *last == writer => range.end = self.html.len(),
            _ => self.stretches.push((writer, start..self.html.len())),
        }
    }
}

/// What pulldown-cmark's writer writes into: the body, and above it each
/// table cell with raw HTML while it is written. The event iterator sets
/// who writes as it hands over each event; the writer writes an event before
/// it asks for the next.
struct Recording {
    now: Writer,
    levels: Vec<Written>,
}

struct Recorder<'r>(&'r RefCell<Recording>);

impl fmt::Write for Recorder<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut recording = self.0.borrow_mut();
        let now = recording.now;
        if let Some(level) = recording.levels.last_mut() {
            level.push(now, s);
        }
        Ok(())
    }
}

/// Renders as [`render`] does, marking what the sanitiser must see: raw
/// HTML and the tags of the elements around it (`around`, from
/// [`around_raw_html`]). The cells of a table with raw HTML are sanitised as
/// they end, and go in as Markdown.
fn render_for_sanitiser(markdown: &str, around: &[bool]) -> Written {
    let recording = RefCell::new(Recording {
        now: Writer::Markdown,
        levels: vec![Written::default()],
    });
    let mut rewrite = Rewrite::new(markdown);
    // Per open element: whether its tags go to the sanitiser, and whether it
    // is a cell sanitised on its own.
    let mut open: Vec<(bool, bool)> = Vec::new();
    let mut started = 0;
    let mut cell_opened = false;
    let events = Parser::new_ext(markdown, OPTIONS).filter_map(|event| {
        let mut recording = recording.borrow_mut();
        // The cell's own tag is written: what follows is its content.
        if std::mem::take(&mut cell_opened) {
            recording.levels.push(Written::default());
        }
        let sanitised = match &event {
            Event::Start(tag) => {
                let around = around.get(started).copied().unwrap_or(true);
                started += 1;
                let cell = around && matches!(tag, Tag::TableCell);
                cell_opened = cell;
                open.push((around && !in_table_frame(tag), cell));
                around && !in_table_frame(tag)
            }
            Event::End(_) => {
                let (sanitised, cell) = open.pop().unwrap_or((true, false));
                if cell && recording.levels.len() > 1 {
                    let content = recording.levels.pop().unwrap_or_default();
                    let clean = sanitise(content);
                    if let Some(level) = recording.levels.last_mut() {
                        level.push(Writer::Markdown, &clean);
                    }
                }
                sanitised
            }
            Event::Html(_) | Event::InlineHtml(_) => !rewrite.in_image(),
            _ => false,
        };
        recording.now = match sanitised {
            true => Writer::Sanitiser,
            false => Writer::Markdown,
        };
        drop(recording);
        rewrite.event(event)
    });
    // Writing to a String cannot fail.
    let _ = html::write_html_fmt(Recorder(&recording), events);
    let mut levels = recording.into_inner().levels;
    levels.swap_remove(0)
}

/// Where the Markdown around raw HTML stands while the sanitiser works:
/// `\u{FDD0}<number>\u{FDD1}`, noncharacters no text needs.
const MARK_OPEN: char = '\u{FDD0}';
const MARK_CLOSE: char = '\u{FDD1}';

/// Sanitises only raw HTML and the tags of the Markdown elements around it.
/// Each stretch of Markdown between them (whole elements, safe as written)
/// stands in as a numbered mark, put back afterwards in the clean tree: the
/// sanitiser's work grows with what it reads, and a megabyte of Markdown
/// paragraphs took it a second.
fn sanitise(written: Written) -> String {
    let (skeleton, markdown) = skeleton(&written);
    let document = SANITIZER.clean(&skeleton);
    let mut out = Vec::with_capacity(skeleton.len());
    if document.write_to(&mut out).is_err() {
        // Writing to a Vec cannot fail; if it somehow did, show nothing rather than half a tag.
        return String::new();
    }
    put_back(
        &String::from_utf8_lossy(&out),
        &markdown,
        written.html.len(),
    )
}

/// What the sanitiser reads: the stretches it must see, and a mark for each
/// stretch of Markdown, which comes with it.
fn skeleton(written: &Written) -> (String, Vec<&str>) {
    let mut skeleton = String::new();
    let mut markdown: Vec<&str> = Vec::new();
    for (writer, range) in &written.stretches {
        let text = written.html.get(range.clone()).unwrap_or_default();
        match writer {
            // A mark the author wrote would take the place of a real one.
            Writer::Sanitiser => skeleton.extend(text.chars().map(|c| match c {
                MARK_OPEN | MARK_CLOSE => '\u{FFFD}',
                c => c,
            })),
            Writer::Markdown => {
                let _ = write!(skeleton, "{MARK_OPEN}{}{MARK_CLOSE}", markdown.len());
                markdown.push(text);
            }
        }
    }
    (skeleton, markdown)
}

/// The sanitised HTML with each mark replaced by its Markdown, each at most
/// once (a mark the author wrote as a character reference cannot repeat it).
fn put_back(sanitised: &str, markdown: &[&str], size: usize) -> String {
    let mut out = String::with_capacity(size);
    let mut used = vec![false; markdown.len()];
    let mut rest = sanitised;
    while let Some(at) = rest.find(MARK_OPEN) {
        out.push_str(&rest[..at]);
        rest = &rest[at + MARK_OPEN.len_utf8()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let number = rest[..digits].parse::<usize>().ok();
        if rest[digits..].starts_with(MARK_CLOSE) {
            rest = &rest[digits + MARK_CLOSE.len_utf8()..];
            if let Some(n) = number.filter(|&n| used.get(n) == Some(&false)) {
                used[n] = true;
                out.push_str(markdown[n]);
            }
        }
    }
    out.push_str(rest);
    out
}

/// An `<a>` start tag as the sanitiser would leave it: escaped, with `rel`,
/// and without the URL if it has another scheme.
fn link_open(url: Option<&str>, title: &str) -> CowStr<'static> {
    let mut tag = String::from("<a");
    // Writing to a String cannot fail.
    if let Some(url) = url {
        tag.push_str(" href=\"");
        let _ = pulldown_cmark_escape::escape_href(&mut tag, url);
        tag.push('"');
    }
    if !title.is_empty() {
        tag.push_str(" title=\"");
        crate::text::push_escaped(&mut tag, title);
        tag.push('"');
    }
    tag.push_str(" rel=\"noopener noreferrer\">");
    tag.into()
}

/// Places a body's headings under the page's `<h1>` without skipping a level.
///
/// The page title is the only `<h1>`, so a body's top headings become `<h2>`,
/// whether the author wrote `#` or `##`; below them each heading is one level
/// deeper than the heading it sits under (`##` then `####` gives `<h2>`,
/// `<h3>`). Skipped levels break the outline screen readers navigate by, and
/// validators reject them. `<h6>` is as deep as HTML goes.
struct Outline {
    /// The open sections: the level written in the Markdown and the level given.
    sections: Vec<(HeadingLevel, HeadingLevel)>,
    /// The level given to the heading being written, for its end tag.
    current: HeadingLevel,
}

impl Default for Outline {
    fn default() -> Self {
        Self {
            sections: Vec::new(),
            current: HeadingLevel::H2,
        }
    }
}

impl Outline {
    fn open(&mut self, written: HeadingLevel) -> HeadingLevel {
        while self
            .sections
            .last()
            .is_some_and(|&(outer, _)| outer >= written)
        {
            self.sections.pop();
        }
        self.current = match self.sections.last() {
            None => HeadingLevel::H2,
            Some((_, HeadingLevel::H2)) => HeadingLevel::H3,
            Some((_, HeadingLevel::H3)) => HeadingLevel::H4,
            Some((_, HeadingLevel::H4)) => HeadingLevel::H5,
            Some(_) => HeadingLevel::H6,
        };
        self.sections.push((written, self.current));
        self.current
    }
}

/// Footnote markup with ids we control.
///
/// pulldown-cmark uses the raw label as the id: it can clash with the page's own
/// ids (`[^main]`), links `[^Note]` to a missing `#Note` when the definition is
/// `[^note]`, and repeats ids when several bodies share a page. Ids here are
/// `fn-<body hash>-<number>`, numbered by first appearance as pulldown-cmark does.
struct Footnotes<'a> {
    source: &'a str,
    namespace: Option<u32>,
    numbers: HashMap<String, usize>,
}

impl<'a> Footnotes<'a> {
    fn new(source: &'a str) -> Self {
        Self {
            source,
            namespace: None,
            numbers: HashMap::new(),
        }
    }

    /// The number and id of a footnote, hashing the body only once one is met.
    fn id(&mut self, label: &str) -> (usize, String) {
        let namespace = *self.namespace.get_or_insert_with(|| fnv1a(self.source));
        // Labels match case-insensitively and with whitespace collapsed, like link labels.
        let key = label
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let next = self.numbers.len() + 1;
        let number = *self.numbers.entry(key).or_insert(next);
        (number, format!("fn-{namespace:08x}-{number}"))
    }

    fn reference(&mut self, label: &str) -> CowStr<'static> {
        let (number, id) = self.id(label);
        format!("<sup class=\"footnote-reference\"><a href=\"#{id}\">{number}</a></sup>").into()
    }

    fn definition(&mut self, label: &str) -> CowStr<'static> {
        let (number, id) = self.id(label);
        format!(
            "\n<div class=\"footnote-definition\" id=\"{id}\">\
             <sup class=\"footnote-definition-label\">{number}</sup>"
        )
        .into()
    }
}

/// Stable across builds and toolchains (unlike `DefaultHasher`), so ids do not churn.
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// Last word on attributes ammonia has already allow-listed.
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    // Raw HTML cut off inside an attribute (an HTML block ends at a blank
    // line) took in the mark of the Markdown after it: put back there, its
    // quotes would end the attribute.
    if value.contains([MARK_OPEN, MARK_CLOSE]) {
        return None;
    }
    let keep = match (element, attribute) {
        // Only Markdown's `language-…` class, so raw HTML cannot borrow the site's classes.
        ("code", "class") => value.strip_prefix("language-").is_some_and(is_language),
        // Only footnote ids, so raw HTML cannot clobber the page's ids.
        ("div", "id") => value.starts_with("fn-"),
        (_, "href" | "src" | "cite") => has_safe_scheme(value),
        _ => true,
    };
    keep.then_some(Cow::Borrowed(value))
}

/// A code block's language as a class may name it: `rust`, `c++`, `objective-c`.
fn is_language(language: &str) -> bool {
    !language.is_empty()
        && language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.' | '#'))
}

/// A second check on URL schemes, after ammonia's own: it also rejects look-alikes
/// (fullwidth letters, percent-encoded or non-ASCII schemes) that a lenient
/// parser or a later rewrite could turn into `javascript:`.
fn has_safe_scheme(url: &str) -> bool {
    // Browsers ignore leading spaces and control characters.
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let folded = url.chars().map(fold_fullwidth);
    let scheme_len = folded
        .clone()
        .take_while(|c| !matches!(c, ':' | '/' | '?' | '#'))
        .count();
    if folded.clone().nth(scheme_len) != Some(':') {
        return true; // relative URL: no scheme at all
    }
    URL_SCHEMES.iter().any(|allowed| {
        folded
            .clone()
            .take(scheme_len)
            // Browsers also strip tabs and newlines inside a URL.
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .map(|c| c.to_ascii_lowercase())
            .eq(allowed.chars())
    })
}

/// Maps fullwidth ASCII look-alikes (U+FF01–U+FF5E) to ASCII.
fn fold_fullwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value of `attribute="…"` in `html`.
    fn attribute_values<'h>(html: &'h str, attribute: &str) -> Vec<&'h str> {
        let needle = format!(" {attribute}=\"");
        html.match_indices(&needle)
            .filter_map(|(at, _)| {
                let rest = &html[at + needle.len()..];
                rest.find('"').map(|end| &rest[..end])
            })
            .collect()
    }

    fn assert_safe(input: &str) {
        let html = to_html(input);
        let lower = html.to_lowercase();
        for bad in [
            "<script", "<style", "<iframe", "onerror=", "onload=", "onclick=",
        ] {
            assert!(!lower.contains(bad), "{bad} in {html:?} from {input:?}");
        }
        for attribute in ["href", "src"] {
            for value in attribute_values(&lower, attribute) {
                let folded: String = value
                    .chars()
                    .map(fold_fullwidth)
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    assert!(
                        !folded.contains(scheme),
                        "{attribute}={value:?} in {html:?} from {input:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn headings_sit_under_the_page_title_without_skipping_a_level() {
        let html = to_html("# One\n\n## Two\n\n##### Five\n\n###### Six\n\n# Back");
        assert!(html.contains("<h2>One</h2>"), "{html}");
        assert!(html.contains("<h3>Two</h3>"), "{html}");
        assert!(html.contains("<h4>Five</h4>"), "{html}");
        assert!(html.contains("<h5>Six</h5>"), "{html}");
        assert!(html.contains("<h2>Back</h2>"), "{html}");
        assert!(!html.contains("<h1"), "{html}");

        // Authors who start at `##` get top-level sections too.
        let html = to_html("## Why\n\n#### Detail\n\n### More\n\n## Retrospective");
        assert!(html.contains("<h2>Why</h2>"), "{html}");
        assert!(html.contains("<h3>Detail</h3>"), "{html}");
        assert!(html.contains("<h3>More</h3>"), "{html}");
        assert!(html.contains("<h2>Retrospective</h2>"), "{html}");

        let deep: String = (1..=6)
            .map(|n| format!("{} H{n}\n\n", "#".repeat(n)))
            .collect();
        let html = to_html(&format!("{deep}{deep}"));
        assert_eq!(html.matches("<h6>").count(), 2 * 2, "{html}");
        assert_eq!(html.matches("</h6>").count(), 2 * 2, "{html}");
    }

    #[test]
    fn raw_h1_does_not_compete_with_the_title() {
        let html = to_html("<h1>Loud</h1>\n");
        assert!(!html.contains("<h1"), "{html}");
        assert!(html.contains("Loud"), "{html}");
    }

    #[test]
    fn tables_render_with_alignment() {
        let html = to_html("| Left | Middle | Right |\n|:-----|:------:|------:|\n| a | b | c |\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<thead>"), "{html}");
        assert!(html.contains("<th"), "{html}");
        assert!(html.contains(">b</td>"), "{html}");
        let compact = html.replace(' ', "");
        assert!(compact.contains("text-align:center"), "{html}");
        assert!(compact.contains("text-align:right"), "{html}");
    }

    #[test]
    fn style_is_limited_to_text_alignment() {
        let html = to_html(
            "<table><tr><td style=\"text-align: left; background: url(javascript:alert(1)); position: fixed\">x</td></tr></table>\n",
        );
        assert!(html.contains("text-align:left"), "{html}");
        assert!(!html.contains("background"), "{html}");
        assert!(!html.contains("position"), "{html}");
        assert!(!to_html("<p style=\"color:red\">x</p>").contains("style"));
    }

    #[test]
    fn footnote_references_link_to_their_definitions() {
        let html = to_html(
            "Revenue grew.[^src] Costs fell.[^Other]\n\n[^src]: Finance report.\n\n[^other]: Ops.\n",
        );
        let hrefs = attribute_values(&html, "href");
        assert_eq!(hrefs.len(), 2, "{html}");
        for href in hrefs {
            let id = href.strip_prefix('#').unwrap_or_default();
            assert!(!id.is_empty(), "{html}");
            assert!(html.contains(&format!("id=\"{id}\"")), "no #{id} in {html}");
        }
        assert!(html.contains("class=\"footnote-reference\""), "{html}");
        assert!(html.contains("class=\"footnote-definition\""), "{html}");
        assert!(
            html.contains("class=\"footnote-definition-label\""),
            "{html}"
        );
        assert!(html.contains("Finance report."), "{html}");
    }

    #[test]
    fn footnote_ids_differ_between_bodies() {
        let first = to_html("A[^1]\n\n[^1]: one\n");
        let second = to_html("B[^1]\n\n[^1]: two\n");
        assert_ne!(
            attribute_values(&first, "id"),
            attribute_values(&second, "id")
        );
        assert_eq!(
            first,
            to_html("A[^1]\n\n[^1]: one\n"),
            "output is deterministic"
        );
    }

    #[test]
    fn raw_html_cannot_take_page_ids_or_classes() {
        let html = to_html("<div id=\"main\" class=\"hero\">x</div>\n");
        assert!(!html.contains("main"), "{html}");
        assert!(!html.contains("hero"), "{html}");
        let html = to_html("<code class=\"btn danger\">x</code>");
        assert!(!html.contains("btn"), "{html}");
    }

    #[test]
    fn task_lists_render_read_only_checkboxes() {
        let html = to_html("- [x] ship it\n- [ ] celebrate\n");
        assert!(
            html.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>"),
            "{html}"
        );
        let inputs: Vec<&str> = html
            .match_indices("<input")
            .map(|(at, _)| &html[at..])
            .collect();
        assert_eq!(inputs.len(), 2, "{html}");
        for input in &inputs {
            let tag = &input[..input.find('>').unwrap_or(input.len())];
            assert!(tag.contains("type=\"checkbox\""), "{html}");
            assert!(tag.contains("disabled"), "{html}");
        }
        assert!(
            inputs[0][..inputs[0].find('>').unwrap_or(0)].contains("checked"),
            "{html}"
        );
        assert!(
            !inputs[1][..inputs[1].find('>').unwrap_or(0)].contains("checked"),
            "{html}"
        );
        let raw = to_html("<input type=\"password\" name=\"pw\" onfocus=\"x()\">");
        assert!(raw.contains("type=\"checkbox\""), "{raw}");
        assert!(raw.contains("disabled"), "{raw}");
        assert!(
            !raw.contains("password") && !raw.contains("onfocus"),
            "{raw}"
        );
    }

    #[test]
    fn strikethrough_renders_del() {
        assert!(to_html("~~dropped~~ kept").contains("<del>dropped</del>"));
    }

    #[test]
    fn code_blocks_keep_their_language_class() {
        let html = to_html("```rust\nfn main() {}\n```\n");
        assert!(
            html.contains("<pre><code class=\"language-rust\">"),
            "{html}"
        );
        let html = to_html("```c++\nx\n```\n");
        assert!(html.contains("class=\"language-c++\""), "{html}");
        let html = to_html("```\"><b>x\ny\n```\n");
        assert!(!html.contains("class"), "{html}");
        // The class is the info string up to its first space: a tab cannot add another.
        let html = to_html("```rust\tbtn-danger\ny\n```\n");
        assert!(html.starts_with("<pre><code>y"), "{html}");
    }

    #[test]
    fn links_and_images_of_other_schemes_need_no_sanitiser() {
        assert_eq!(
            to_html("[x](javascript:alert(1) \"t\")"),
            "<p><a title=\"t\" rel=\"noopener noreferrer\">x</a></p>\n"
        );
        assert_eq!(
            to_html("![a *chart*](data:image/png;base64,AAAA)"),
            "<p>a <em>chart</em></p>\n"
        );
        assert_eq!(to_html("a\0b"), "<p>a\u{FFFD}b</p>\n");
    }

    #[test]
    fn links_and_images_keep_safe_urls() {
        let html = to_html(
            "[a](https://example.com/x) [b](http://example.com) [c](mailto:ops@example.com) \
             [d](../team/ops.html) [e](#goal) ![Chart](img/c.png \"Q3 chart\")",
        );
        for url in [
            "https://example.com/x",
            "http://example.com",
            "mailto:ops@example.com",
            "../team/ops.html",
            "#goal",
            "img/c.png",
        ] {
            assert!(
                html.contains(&format!("=\"{url}\"")),
                "{url} missing from {html}"
            );
        }
        assert!(html.contains("alt=\"Chart\""), "{html}");
        assert!(html.contains("title=\"Q3 chart\""), "{html}");
        assert_eq!(
            html.matches("rel=\"noopener noreferrer\"").count(),
            5,
            "{html}"
        );
    }

    #[test]
    fn other_schemes_are_dropped() {
        for input in [
            "[x](ftp://example.com)",
            "[x](tel:123)",
            "<a href=\"vbscript:msgbox(1)\">x</a>",
            "<a href=\"VBScript:msgbox(1)\">x</a>",
            "<img src=\"data:image/png;base64,AAAA\">",
            "<a href=\"  javascript:alert(1)\">x</a>",
            "<a href=\"%6Aavascript:alert(1)\">x</a>",
        ] {
            let html = to_html(input);
            assert!(
                !html.contains("href=") && !html.contains("src="),
                "{html} from {input}"
            );
        }
    }

    #[test]
    fn xss_corpus_is_neutralised() {
        let corpus = [
            "<script>alert(1)</script>",
            "<SCRIPT SRC=//evil/x.js></SCRIPT>",
            "<img src=x onerror=alert(1)>",
            "<IMG SRC=x OnErRoR=alert(1)>",
            "<svg onload=alert(1)>",
            "<svg><script>alert(1)</script></svg>",
            "<body onload=alert(1)>",
            "<p onclick=\"alert(1)\">x</p>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](javascript&#58;alert(1))",
            "[x]: javascript:alert(1)\n\n[y][x]",
            "<a href=\"jav&#x61;script:alert(1)\">x</a>",
            "<a href=\"&#106;avascript:alert(1)\">",
            "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">x</a>",
            "<a href=\"java\tscript:alert(1)\">",
            "<a href=\"java&#9;script:alert(1)\">x</a>",
            "<a href=\"java\nscript:alert(1)\">x</a>",
            "![x](data:text/html;base64,PHNjcmlwdD4=)",
            "<img src=\"data:text/html;base64,PHNjcmlwdD4=\">",
            "<iframe src=//evil>",
            "<iframe src=\"javascript:alert(1)\"></iframe>",
            "<object data=\"javascript:alert(1)\"></object>",
            "<embed src=\"javascript:alert(1)\">",
            "<form action=\"javascript:alert(1)\"><button>x</button></form>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
            "<style>body{background:url(javascript:alert(1))}</style>",
            "<a href=\"ｊａｖａｓｃｒｉｐｔ:alert(1)\">x</a>",
            "[x](ｊａｖａｓｃｒｉｐｔ:alert(1))",
            "<a href=\"ｊａｖａｓｃｒｉｐｔ：alert(1)\">x</a>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<details open ontoggle=alert(1)>",
            "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
            "```\"><script>alert(1)</script>\nx\n```",
            "<!-- <script>alert(1)</script> -->",
            // Markdown between raw HTML cut off inside a tag or a raw-text element.
            "<div><a href=\"\n\njavascript:alert(1)\n\n\">x</a>",
            "<div title='\n\n*x* [y](https://a.example/\" onclick=\"alert(1))\n\n' onclick=alert(1)>z</div>",
            "<svg>\n\n*x*\n\n<script>alert(1)</script>",
            "<textarea>\n\n*x*\n\n</textarea><script>alert(1)</script>",
            "<noscript>\n\n*x*\n\n</noscript><img src=x onerror=alert(1)>",
            "- <style>\n- *x*\n- </style><img src=x onerror=alert(1)>",
            "| <script> | b |\n|---|---|\n| alert(1) | </script> |",
        ];
        for input in corpus {
            assert_safe(input);
        }
    }

    #[test]
    fn fullwidth_javascript_link_is_dropped() {
        for input in [
            "<a href=\"ｊａｖａｓｃｒｉｐｔ:alert(1)\">x</a>",
            "[x](ｊａｖａｓｃｒｉｐｔ:alert(1))",
        ] {
            let html = to_html(input);
            assert!(!html.contains("href="), "{html} from {input}");
        }
    }

    #[test]
    fn script_in_code_span_is_escaped_text() {
        let html = to_html("Use `</script><script>alert(1)</script>` carefully.");
        assert_safe("Use `</script><script>alert(1)</script>` carefully.");
        assert!(
            html.contains("<code>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code>"),
            "{html}"
        );
    }

    #[test]
    fn links_look_the_same_with_and_without_raw_html() {
        let plain = to_html(
            "See [the plan](https://example.com/a?b=1&c=\"2\" \"The plan\") or <team@example.com>.",
        );
        assert!(
            plain.contains("<a href=\"https://example.com/a?b=1&amp;c=%222%22\" title=\"The plan\" rel=\"noopener noreferrer\">the plan</a>"),
            "{plain}"
        );
        assert!(
            plain.contains("<a href=\"mailto:team@example.com\" rel=\"noopener noreferrer\">"),
            "{plain}"
        );
        let mixed = to_html("See [the plan](https://example.com/) <b>now</b>.");
        assert!(mixed.contains("href=\"https://example.com/\""), "{mixed}");
        assert!(mixed.contains("rel=\"noopener noreferrer\""), "{mixed}");
    }

    /// `n` unclosed `<b>` tags, each with its own attribute (identical ones
    /// the parser keeps only three of).
    fn unclosed_bold(n: usize) -> String {
        (0..n).map(|i| format!("<b id={i}>")).collect()
    }

    /// Four times the bodies that took 25 seconds (20,000 unclosed `<b>`) and
    /// 24 seconds (100,000 nested `<div>`) grow linearly: beyond the limit
    /// their raw HTML is shown as text.
    #[test]
    fn too_much_raw_html_costs_linear_time() {
        use crate::check::testing::assert_linear;
        let render = |body: &String| assert!(to_html(body).contains("&lt;"));
        assert_linear("unclosed <b>", 20_000, unclosed_bold, render);
        assert_linear("nested <div>", 100_000, |n| "<div>".repeat(n), render);
    }

    /// The costliest shapes of raw HTML within the limits, and any amount of
    /// Markdown around them, grow linearly with the Markdown: the sanitiser
    /// sees only raw HTML and the tags of the elements around it.
    #[test]
    fn raw_html_within_the_limits_costs_linear_time() {
        use crate::check::testing::assert_linear;
        let with =
            |raw: String, block: String| move |n: usize| format!("{raw}\n\n{}", block.repeat(n));
        let render = |body: &String| assert!(!to_html(body).contains("&lt;"));
        let paragraph = || "x *y*\n\n".to_string();
        let deepest = "<div>".repeat(MAX_RAW_TAGS);
        assert_linear("open <div>s", 20_000, with(deepest, paragraph()), render);
        let bold = unclosed_bold(MAX_RAW_TAGS);
        assert_linear("open <b>s", 20_000, with(bold, "> x\n\n".into()), render);
        // Each `<div>` rebuilds every open `<b>` inside it: at most the limit's square.
        let half = MAX_RAW_TAGS / 4;
        let rebuilt = format!(
            "<div>{}</div>{}",
            unclosed_bold(half - 1),
            "<div>x</div>".repeat(half)
        );
        assert_linear("rebuilt <b>s", 20_000, with(rebuilt, paragraph()), render);
        // Raw HTML deep inside one list, one paragraph, one table.
        let nested = format!("- a\n{}- <b>x</b>\n", "  ".repeat(MAX_NESTING / 3));
        let list = |n: usize| format!("{nested}{}", "- item *x*\n".repeat(n));
        assert_linear("one long list", 20_000, list, render);
        let sentence = |n: usize| format!("A <b>x</b>{}", " *y* z".repeat(n));
        assert_linear("one long paragraph", 20_000, sentence, render);
        let table = |n: usize| {
            format!(
                "| a | b |\n|---|---|\n| <b>x</b> | y |\n{}",
                "| c | *d* |\n".repeat(n)
            )
        };
        assert_linear("one long table", 10_000, table, render);
    }

    #[test]
    fn raw_html_beyond_the_limits_is_shown_as_text_and_reported() {
        let within = unclosed_bold(MAX_RAW_TAGS);
        assert_eq!(too_much_raw_html(&within), None);
        assert!(!to_html(&within).contains("&lt;b"));

        let beyond = format!("Intro\n\n{within}<i>");
        let at = beyond.find("<i>").unwrap_or_default();
        assert_eq!(too_much_raw_html(&beyond), Some(TooMuchRawHtml::Tags(at)));
        let html = to_html(&beyond);
        assert!(
            html.contains("&lt;b id=0&gt;") && !html.contains("<b"),
            "{html}"
        );

        // End tags and comments count too; `<` in text does not.
        let closed = format!("{}a < b", "</b>".repeat(MAX_RAW_TAGS));
        assert_eq!(too_much_raw_html(&closed), None);
        let comment = format!("{closed}<!-- x -->");
        assert!(matches!(
            too_much_raw_html(&comment),
            Some(TooMuchRawHtml::Tags(_))
        ));

        let deep = "> ".repeat(MAX_NESTING);
        assert_eq!(too_much_raw_html(&format!("{deep}x")), None, "no raw HTML");
        let html_too = format!("{deep}<b>x</b>");
        let at = html_too.find('<').unwrap_or_default();
        assert_eq!(
            too_much_raw_html(&html_too),
            Some(TooMuchRawHtml::Nesting(at))
        );
        assert!(to_html(&html_too).contains("&lt;b&gt;"));
    }

    /// A megabyte of Markdown around one raw tag gives the sanitiser a few
    /// bytes to read, where it once read the whole body (a second).
    #[test]
    fn the_sanitiser_reads_raw_html_and_the_elements_around_it_only() {
        let body = format!(
            "- a\n- <b>x</b> *y*\n\n{}",
            "Some *text*.\n\n".repeat(70_000)
        );
        let written = render_for_sanitiser(&body, &around_raw_html(&body));
        let (skeleton, _) = skeleton(&written);
        assert!(skeleton.len() < 100, "{skeleton:?}");
        assert!(skeleton.contains("<ul>"), "{skeleton:?}");
        assert!(skeleton.contains("<li><b>"), "{skeleton:?}");
    }

    /// Markdown around raw HTML comes out as it would were all of it
    /// sanitised together: in place, inside the raw elements around it.
    #[test]
    fn markdown_between_raw_html_is_put_back_in_place() {
        assert_eq!(
            to_html("<details>\n<summary>More</summary>\n\nSome *detail*.\n\n</details>\n"),
            "<details>\n<summary>More</summary>\n<p>Some <em>detail</em>.</p>\n</details>\n"
        );
        assert_eq!(
            to_html("A <b>bold [link](https://example.com)</b> here.<br>\n\n- [x] done\n"),
            "<p>A <b>bold <a href=\"https://example.com\" rel=\"noopener noreferrer\">link</a></b> here.<br></p>\n\
             <ul>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\ndone</li>\n</ul>\n"
        );
        assert_eq!(
            to_html("| a | b |\n|---|--:|\n| <b>x</b> *y* | z |\n"),
            "<table><thead><tr><th>a</th><th style=\"text-align: right\">b</th></tr></thead><tbody>\n\
             <tr><td><b>x</b> <em>y</em></td><td style=\"text-align: right\">z</td></tr>\n</tbody></table>\n"
        );
        // Inside a kept image's description, raw HTML is text of its `alt`.
        let html = to_html("![a <b>\"x\"</b>](c.png) <i>y</i>");
        assert!(
            html.contains("alt=\"a &lt;b&gt;&quot;x&quot;&lt;/b&gt;\""),
            "{html}"
        );
        assert!(html.contains("<i>y</i>"), "{html}");
    }

    /// Raw HTML left open inside a Markdown element closes with it: its end
    /// tag cannot end an element of the page the body sits in.
    #[test]
    fn raw_html_stays_inside_the_markdown_around_it() {
        for input in [
            "- <div>a\n- b\n\n</div></div></div>x",
            "> <div>quoted\n\n</div></div>after",
            "| <div>a | b |\n|---|---|\n| c </div></div> | d |\n\n</div>",
            "*a <div>b* c\n\n</div></div>",
        ] {
            let html = to_html(input);
            let opened = html.matches("<div").count();
            let closed = html.matches("</div>").count();
            assert_eq!(opened, closed, "{html:?} from {input:?}");
            let mut depth = 0i32;
            for (at, _) in html.match_indices("div") {
                depth += match &html[..at].ends_with('/') {
                    true => -1,
                    false => 1,
                };
                assert!(depth >= 0, "{html:?} from {input:?}");
            }
        }
    }

    /// Raw HTML cut off inside an attribute takes in the Markdown after it:
    /// that attribute goes. Marks the author writes stand for nothing.
    #[test]
    fn markdown_is_never_put_back_inside_an_attribute_or_twice() {
        let input = "<div title=\"a\n\n[x](https://example.com/?q=\" onmouseover=\"alert(1))\n\n\">z</div>\n";
        let html = to_html(input);
        assert_safe(input);
        assert!(!html.contains("title"), "{html}");
        let input = "<b>\u{FDD0}0\u{FDD1}</b> *a* <i>&#xFDD0;0&#xFDD1; &#xFDD0;1&#xFDD1;</i> *b*";
        let html = to_html(input);
        assert_eq!(html.matches("<em>a</em>").count(), 1, "{html}");
        assert_eq!(html.matches("<em>b</em>").count(), 1, "{html}");
    }

    #[test]
    fn odd_input_does_not_panic() {
        assert_eq!(to_html(""), "");
        let html = to_html("a\0b");
        assert!(
            !html.contains('\0') && html.contains('a') && html.contains('b'),
            "{html:?}"
        );
        let _ = to_html("<div><span><table><tr><td>unclosed");
        let _ = to_html("[^]\n\n[^ ]: x\n\n[^a\tb] [^A  B]\n\n[^a b]: y");
        let _ = to_html(&"> ".repeat(1_000));
        let _ = to_html(&"- ".repeat(5_000));
        let nested_list: String = (0..500)
            .map(|i| format!("{}- item\n", "  ".repeat(i)))
            .collect();
        let _ = to_html(&nested_list);
        let _ = to_html(&"<div>".repeat(2_000));
        let _ = to_html(&"[".repeat(20_000));
        let huge = "Some **bold** text with a [link](https://example.com).\n\n".repeat(5_000);
        assert!(to_html(&huge).len() > huge.len());
    }
}
