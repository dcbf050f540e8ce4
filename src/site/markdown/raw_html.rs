//! Raw HTML in a body: its sanitising, which reads only the raw HTML and the
//! Markdown elements around it. How much raw HTML a body may hold (linear
//! time whatever an author writes) is `read::body`'s to say.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt::{self, Write as _};
use std::ops::Range;
use std::sync::LazyLock;

use ammonia::Builder;
use pulldown_cmark::{Event, Parser, Tag, TagEnd, html};

use super::{OPTIONS, Rewrite, URL_SCHEMES, has_safe_scheme, is_language};

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

/// A body with raw HTML as HTML, its raw HTML and the Markdown elements
/// around it sanitised.
pub(super) fn sanitised(markdown: &str) -> String {
    sanitise(render_for_sanitiser(markdown, &around_raw_html(markdown)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::body::{MAX_NESTING, MAX_RAW_TAGS, TooMuchRawHtml, too_much_raw_html};
    use crate::site::markdown::tests::assert_safe;
    use crate::site::markdown::to_html;

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
}
