//! What a Markdown body may hold: the dialect bodies are written in, and how
//! much raw HTML is allowed in one. Read here, where files are read, so that
//! `okr check` reports a body beyond the limits; the site's renderer
//! (`site::markdown`) uses the same dialect and the same tally.

use pulldown_cmark::{Event, Options, Parser};

/// The Markdown of bodies: CommonMark with tables, footnotes,
/// strikethrough and task lists.
pub const MARKDOWN: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

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
/// `okr check` reports it; the site shows such raw HTML as text.
pub fn too_much_raw_html(markdown: &str) -> Option<TooMuchRawHtml> {
    // Raw HTML starts with `<`: most bodies have none and need no parse.
    if !markdown.contains('<') {
        return None;
    }
    let mut raw = Tally::default();
    for (event, range) in Parser::new_ext(markdown, MARKDOWN).into_offset_iter() {
        raw.count(&event, range.start);
    }
    raw.too_much
}

/// A tally of the raw HTML of a body, event by event.
#[derive(Default)]
pub struct Tally {
    pub any: bool,
    tags: usize,
    /// How deep Markdown nests here.
    depth: usize,
    /// The first limit passed, and where.
    pub too_much: Option<TooMuchRawHtml>,
}

impl Tally {
    pub fn count(&mut self, event: &Event<'_>, at: usize) {
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
