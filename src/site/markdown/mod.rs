//! Markdown bodies to sanitised HTML.

//!
//! Rendering is here: headings placed under the page's title, footnotes with
//! ids of their own, links and images of other schemes dropped. Raw HTML, its
//! limits and its sanitising are in [`raw_html`].

use std::borrow::Cow;
use std::collections::HashMap;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html,
};

mod raw_html;

use crate::read::body::Tally;

/// URL schemes a link or image may use; anything else (javascript:, data:, …) is dropped.
pub(super) const URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// The Markdown dialect, shared with `okr check`'s raw HTML tally.
pub(super) const OPTIONS: Options = crate::read::body::MARKDOWN;

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
    raw_html::sanitised(&markdown)
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
pub(super) struct Rewrite<'m> {
    footnotes: Footnotes<'m>,
    outline: Outline,
    /// Whether each open image is dropped (its URL has another scheme).
    dropped_images: Vec<bool>,
}

impl<'m> Rewrite<'m> {
    pub(super) fn new(markdown: &'m str) -> Self {
        Rewrite {
            footnotes: Footnotes::new(markdown),
            outline: Outline::default(),
            dropped_images: Vec::new(),
        }
    }

    /// Inside a kept image everything is written, escaped, into its `alt`.
    pub(super) fn in_image(&self) -> bool {
        self.dropped_images.contains(&false)
    }

    pub(super) fn event<'e>(&mut self, event: Event<'e>) -> Option<Event<'e>> {
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

/// A code block's language as a class may name it: `rust`, `c++`, `objective-c`.
pub(super) fn is_language(language: &str) -> bool {
    !language.is_empty()
        && language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.' | '#'))
}

/// A second check on URL schemes, after ammonia's own: it also rejects look-alikes
/// (fullwidth letters, percent-encoded or non-ASCII schemes) that a lenient
/// parser or a later rewrite could turn into `javascript:`.
pub(super) fn has_safe_scheme(url: &str) -> bool {
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

    pub(super) fn assert_safe(input: &str) {
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
