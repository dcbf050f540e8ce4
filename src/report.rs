//! Prints findings: `human` (compiler-style), `json` and `github` (workflow commands).

use crate::check::Checked;
use crate::model::diagnostic::{Diagnostic, Severity};
use crate::model::source::SourceFile;
pub use crate::text::plural;
use crate::text::{self, printable};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;
use std::fmt::Write;

/// The counts at the end of every report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub files: usize,
    pub objectives: usize,
    pub key_results: usize,
}

impl Summary {
    pub fn of(checked: &Checked) -> Summary {
        Summary {
            errors: checked.errors(),
            warnings: checked.warnings(),
            files: checked.org.files.len(),
            objectives: checked.org.objectives.len(),
            key_results: checked.org.key_result_count(),
        }
    }
}

/// A finding placed on a line, as every format reports it.
#[derive(Debug, Serialize)]
pub struct Placed<'a> {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: &'a str,
    pub file: &'a str,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub help: Option<&'a str>,
}

pub fn place<'a>(checked: &'a Checked, d: &'a Diagnostic) -> Placed<'a> {
    let file = checked.org.file(d.file);
    let at = d.span.map(|s| file.line_col(s.start()));
    Placed {
        rule: d.rule.name(),
        severity: d.severity,
        message: &d.message,
        file: &file.path,
        line: at.map(|a| a.line),
        column: at.map(|a| a.column),
        help: d.help.as_deref(),
    }
}

/// `{"diagnostics": [...], "summary": {...}}`, the shape pinned for tools.
pub fn json(checked: &Checked) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        diagnostics: Vec<Placed<'a>>,
        summary: Summary,
    }
    let report = Report {
        diagnostics: checked
            .diagnostics
            .iter()
            .map(|d| place(checked, d))
            .collect(),
        summary: Summary::of(checked),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}

/// Escapes text for a GitHub workflow command; properties escape `:` and `,` too.
fn escape_github(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// One `::error` / `::warning` workflow command per finding, shown as annotations on pull requests.
/// File names, messages and help are made [`printable`] first: escape
/// sequences would be run by the log viewer, and the only line break is
/// the one before `help:`.
pub fn github(checked: &Checked) -> String {
    let mut out = String::new();
    for d in &checked.diagnostics {
        let p = place(checked, d);
        let file = printable(p.file);
        let mut properties = format!("file={}", escape_github(&file, true));
        if let (Some(line), Some(column)) = (p.line, p.column) {
            let _ = write!(properties, ",line={line},col={column}");
        }
        let _ = write!(properties, ",title={}", escape_github(p.rule, true));
        let mut message = printable(p.message).into_owned();
        if let Some(help) = p.help {
            let _ = write!(message, "\nhelp: {}", printable(help));
        }
        let _ = writeln!(
            out,
            "::{} {properties}::{}",
            p.severity.as_str(),
            escape_github(&message, false)
        );
    }
    out
}

/// Compiler-style findings with the source line and a caret under the value,
/// then a summary line.
pub fn human(checked: &Checked, color: bool) -> String {
    let mut out = human_findings(
        checked,
        &checked.diagnostics.iter().collect::<Vec<_>>(),
        color,
    );
    let summary = Summary::of(checked);
    let counts = format!(
        "{} in {} ({}, {})",
        [
            plural(summary.errors, "error"),
            plural(summary.warnings, "warning")
        ]
        .join(", "),
        plural(summary.files, "file"),
        plural(summary.objectives, "objective"),
        plural(summary.key_results, "key result")
    );
    let _ = writeln!(
        out,
        "{}",
        if summary.errors + summary.warnings == 0 {
            format!("ok: {counts}")
        } else {
            counts
        }
    );
    out
}

/// Some of a check's findings, compiler-style, without the summary line.
pub fn human_findings(checked: &Checked, diagnostics: &[&Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diagnostics {
        let file = checked.org.file(d.file);
        let _ = writeln!(out, "{}\n", renderer.render(&[group(file, d)]));
    }
    out
}

/// One finding for annotate-snippets. Everything taken from the repository
/// (message, label, help, path and source lines) is made [`printable`].
fn group<'a>(file: &'a SourceFile, d: &'a Diagnostic) -> Group<'a> {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = printable(&file.path);
    let title = level.primary_title(printable(&d.message)).id(d.rule.name());
    let mut group = match &d.span {
        Some(span) => {
            // Only the lines the span touches: files may be large.
            let start = floor_char_boundary(&file.text, span.start());
            let end = ceil_char_boundary(&file.text, span.end().max(start));
            let first = file.text[..start].rfind('\n').map_or(0, |i| i + 1);
            let last = file.text[end..]
                .find('\n')
                .map_or(file.text.len(), |i| end + i);
            let (excerpt, span) =
                printable_excerpt(&file.text[first..last], start - first..end - first);
            let line = file.line_col(first).line;
            let mut annotation = AnnotationKind::Primary.span(span);
            if let Some(label) = &d.label {
                annotation = annotation.label(printable(label));
            }
            title.element(
                Snippet::source(excerpt)
                    .line_start(line)
                    .path(path)
                    .annotation(annotation),
            )
        }
        None => title.element(Origin::path(path)),
    };
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(printable(help)));
    }
    group
}

/// The source lines of a finding as the report shows them, and the span moved
/// to match: the `\r` of CRLF line ends removed (they would be drawn as `␍`),
/// every other hidden character escaped ([`text::push_printable`]), line
/// breaks and tabs kept as the file's layout.
fn printable_excerpt(
    excerpt: &str,
    span: std::ops::Range<usize>,
) -> (String, std::ops::Range<usize>) {
    let mut shown = String::with_capacity(excerpt.len());
    let (mut start, mut end) = (None, None);
    for (i, c) in excerpt.char_indices() {
        if i == span.start {
            start = Some(shown.len());
        }
        if i == span.end {
            end = Some(shown.len());
        }
        let line_end = c == '\r' && matches!(excerpt[i + 1..].chars().next(), Some('\n') | None);
        if matches!(c, '\n' | '\t') {
            shown.push(c);
        } else if !line_end {
            text::push_printable(&mut shown, c);
        }
    }
    // A span reaching the end of the excerpt was not met in the loop.
    let start = start.unwrap_or(shown.len());
    let end = end.unwrap_or(shown.len());
    (shown, start..end)
}

fn floor_char_boundary(text: &str, i: usize) -> usize {
    crate::text::prefix(text, i).len()
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriage_returns_are_dropped_from_excerpts() {
        assert_eq!(
            printable_excerpt("a = 1\r", 4..5),
            ("a = 1".to_string(), 4..5)
        );
        assert_eq!(
            printable_excerpt("a = [\r\n  1]\r", 4..12),
            ("a = [\n  1]".to_string(), 4..10)
        );
    }

    #[test]
    fn hidden_characters_in_excerpts_are_escaped_under_the_span() {
        // A carriage return that ends no line is shown, not obeyed.
        assert_eq!(
            printable_excerpt("a = \"x\ry\"", 4..9),
            ("a = \"x\\u{d}y\"".to_string(), 4..13)
        );
        // The span keeps covering the same characters, before and after it.
        assert_eq!(
            printable_excerpt("t = \"\x1b[2K\"\t# \u{202e}x", 4..10),
            ("t = \"\\u{1b}[2K\"\t# \\u{202e}x".to_string(), 4..15)
        );
        assert_eq!(
            printable_excerpt("\x07", 0..0),
            ("\\u{7}".to_string(), 0..0)
        );
        assert_eq!(
            printable_excerpt("\x07", 1..1),
            ("\\u{7}".to_string(), 5..5)
        );
    }

    #[test]
    fn github_escapes_workflow_command_syntax() {
        assert_eq!(escape_github("a:b,c%\nd", true), "a%3Ab%2Cc%25%0Ad");
        assert_eq!(escape_github("a:b,c", false), "a:b,c");
    }
}
