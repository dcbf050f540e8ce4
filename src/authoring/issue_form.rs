//! The check-in issue form: its YAML (written by `okr init` to
//! `.github/ISSUE_TEMPLATE/okr-check-in.yml`) and the Markdown GitHub makes of
//! it in the issue's body, read back as the fields a check-in needs.
//!
//! GitHub writes each field as a `### <label>` heading followed by what was
//! typed, or `_No response_` for an empty optional field, in the form's
//! order. The body is the issue author's to edit, so anything may be in it:
//! the reading is one pass over the lines, and a heading typed inside the
//! note cannot move the fields around it (see [`parse`]).

use std::fmt;

/// Where `okr init` writes the form; the site's "Check in" links name it.
pub const FORM_PATH: &str = ".github/ISSUE_TEMPLATE/okr-check-in.yml";

/// The label the form gives its issues, and the workflow waits for.
pub const LABEL: &str = "okr-check-in";

/// The form's fields in the order GitHub writes them: id (pinned, the site's
/// links fill `key_result` by it) and label (the body's headings).
const KEY_RESULT: &str = "Key result";
const VALUE: &str = "Value";
const CONFIDENCE: &str = "Confidence";
const NOTE: &str = "Note";
const DATE: &str = "Date";
const LABELS: [&str; 5] = [KEY_RESULT, VALUE, CONFIDENCE, NOTE, DATE];

/// What GitHub writes for an optional field left empty.
const NO_RESPONSE: &str = "_No response_";

/// GitHub keeps an issue's body under 65,536 characters; a longer one was
/// not written through the form.
pub const MAX_BODY_BYTES: usize = 4 * 65_536;

/// The issue form. Ids are pinned: the site's links prefill `key_result`.
pub const FORM: &str = r#"# The form behind the site's "Check in" links. An issue opened with it is
# read by .github/workflows/okr-check-in.yml, which adds the check-in to the
# key result's file, commits it, and answers on the issue. Written by okr init.
# Keep the ids, the labels and the order of the fields: okr reads them back.
name: OKR check-in
description: Record a key result's value now; the site shows it once rebuilt.
title: "Check-in: "
labels: ["okr-check-in"]
body:
  - type: markdown
    attributes:
      value: |
        Who may check in: the objective's owner, its contributors, the key
        result's owner, the owning team's lead and members (by the `github`
        login in people/*.md), and the repository's members and collaborators.
  - type: input
    id: key_result
    attributes:
      label: Key result
      description: PERIOD/OBJECTIVE#KEY-RESULT, as the site's "Check in" link fills it in.
      placeholder: 2027-Q1/visibility#linkedin-views
    validations:
      required: true
  - type: input
    id: value
    attributes:
      label: Value
      description: The value now, a number (e.g. 42 or 2.5); for a milestone, done or not-done.
    validations:
      required: true
  - type: input
    id: confidence
    attributes:
      label: Confidence
      description: How sure you are to reach the target, 0 to 1 (0.7 means 70% sure).
    validations:
      required: false
  - type: textarea
    id: note
    attributes:
      label: Note
      description: What changed, in a sentence or two (Markdown).
    validations:
      required: false
  - type: input
    id: date
    attributes:
      label: Date
      description: The day of the check-in, YYYY-MM-DD; empty for the day the issue is opened.
    validations:
      required: false
"#;

/// The form's fields as typed; `None` for an optional one left empty.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    pub key_result: String,
    pub value: String,
    pub confidence: Option<String>,
    /// Markdown, as written, with `\n` line breaks.
    pub note: Option<String>,
    pub date: Option<String>,
}

/// Why a body is not a filled-in check-in form.
#[derive(Clone, Debug, PartialEq)]
pub enum FormError {
    TooLong(usize),
    /// A required field's heading is missing, or it was left empty.
    Missing(&'static str),
    /// A one-line field holds several lines (a heading written twice, say).
    NotOneLine(&'static str),
    /// A control character, which no form field can hold.
    ControlCharacter(&'static str),
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormError::TooLong(bytes) => write!(
                f,
                "the issue's text is {bytes} bytes long, more than a check-in form can hold ({MAX_BODY_BYTES})"
            ),
            FormError::Missing(label) => write!(
                f,
                "the issue has no `{label}`: open it with the check-in form, or write `### {label}` and the value below it"
            ),
            FormError::NotOneLine(label) => write!(
                f,
                "`{label}` must be one line, with `### {label}` once in the issue"
            ),
            FormError::ControlCharacter(label) => {
                write!(f, "`{label}` holds a control character; type it again")
            }
        }
    }
}

impl std::error::Error for FormError {}

/// Reads the fields of a form's issue body, in linear time.
///
/// Each heading is a line `### <label>` (spaces around ignored). The one-line
/// fields before the note take the first of their headings that follows the
/// previous field's; the note, followed only by the date, ends at the *last*
/// `### Date`, so that headings typed in the note stay in the note. A field
/// whose heading is missing is empty.
pub fn parse(body: &str) -> Result<Fields, FormError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(FormError::TooLong(body.len()));
    }
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = body.split('\n').collect();
    let headings: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .filter_map(|(at, line)| heading(line).map(|field| (at, field)))
        .collect();
    // Each field's heading line, chosen in the form's order.
    let mut chosen: [Option<usize>; 5] = [None; 5];
    let mut after = 0;
    for field in 0..LABELS.len() {
        let mut candidates = headings
            .iter()
            .filter(|&&(at, f)| f == field && at >= after)
            .map(|&(at, _)| at);
        let found = if LABELS[field] == DATE {
            candidates.next_back()
        } else {
            candidates.next()
        };
        if let Some(at) = found {
            chosen[field] = Some(at);
            after = at + 1;
        }
    }
    let section = |field: usize| -> Option<String> {
        let start = chosen[field]? + 1;
        let end = chosen[field + 1..]
            .iter()
            .flatten()
            .next()
            .copied()
            .unwrap_or(lines.len());
        let text = lines[start..end].join("\n");
        let text = text.trim();
        (!text.is_empty() && text != NO_RESPONSE).then(|| text.to_string())
    };
    let one_line = |field: usize| -> Result<Option<String>, FormError> {
        let label = LABELS[field];
        match section(field) {
            Some(text) if text.contains('\n') => Err(FormError::NotOneLine(label)),
            Some(text) if text.chars().any(char::is_control) => {
                Err(FormError::ControlCharacter(label))
            }
            other => Ok(other),
        }
    };
    let required = |field: usize| one_line(field)?.ok_or(FormError::Missing(LABELS[field]));
    let note = section(3);
    if note
        .as_deref()
        .is_some_and(|n| n.chars().any(|c| c.is_control() && c != '\n' && c != '\t'))
    {
        return Err(FormError::ControlCharacter(NOTE));
    }
    Ok(Fields {
        key_result: required(0)?,
        value: required(1)?,
        confidence: one_line(2)?,
        note,
        date: one_line(4)?,
    })
}

/// The field a line is the heading of, if it is one.
fn heading(line: &str) -> Option<usize> {
    let label = line.trim().strip_prefix("###")?;
    // `### Note` and `###Note` are headings; `#### Note` is not.
    let label = label.strip_prefix(' ').unwrap_or(label).trim();
    LABELS.iter().position(|l| *l == label)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body as GitHub writes it for the form.
    const RENDERED: &str = "### Key result\n\n2027-Q1/visibility#linkedin-views\n\n\
        ### Value\n\n1200\n\n### Confidence\n\n0.7\n\n### Note\n\n\
        Two posts went **viral**.\n\n- one\n- two\n\n### Date\n\n2027-02-01";

    #[test]
    fn reads_a_body_as_github_renders_the_form() {
        let fields = parse(RENDERED).unwrap();
        assert_eq!(
            fields,
            Fields {
                key_result: "2027-Q1/visibility#linkedin-views".into(),
                value: "1200".into(),
                confidence: Some("0.7".into()),
                note: Some("Two posts went **viral**.\n\n- one\n- two".into()),
                date: Some("2027-02-01".into()),
            }
        );
    }

    #[test]
    fn empty_optional_fields_are_none() {
        let body = "### Key result\n\nlaunch#beta\n\n### Value\n\ndone\n\n### Confidence\n\n_No response_\n\n\
                    ### Note\n\n_No response_\n\n### Date\n\n_No response_";
        let fields = parse(body).unwrap();
        assert_eq!(fields.value, "done");
        assert_eq!(
            (fields.confidence, fields.note, fields.date),
            (None, None, None)
        );
        // Fields missing altogether (an issue written by hand) are empty too.
        let fields = parse("### Key result\nlaunch#beta\n### Value\n3\n").unwrap();
        assert_eq!(
            (fields.key_result.as_str(), fields.note),
            ("launch#beta", None)
        );
    }

    #[test]
    fn windows_line_breaks_and_spaces_are_read_alike() {
        let windows = RENDERED
            .replace('\n', "\r\n")
            .replace("### Value", "###   Value  ");
        assert_eq!(parse(&windows).unwrap(), parse(RENDERED).unwrap());
        let spaced = RENDERED.replace("1200", "   1200\t ");
        assert_eq!(parse(&spaced).unwrap().value, "1200");
    }

    #[test]
    fn headings_typed_in_the_note_stay_in_the_note() {
        let body = RENDERED.replace(
            "- two",
            "- two\n\n### Value\n\n999\n\n### Date\n\n2020-01-01\n\n#### Date\n### Elsewhere",
        );
        let fields = parse(&body).unwrap();
        assert_eq!(fields.value, "1200");
        assert_eq!(fields.date.as_deref(), Some("2027-02-01"));
        let note = fields.note.unwrap();
        assert!(
            note.contains("### Value\n\n999\n\n### Date\n\n2020-01-01"),
            "{note}"
        );
    }

    #[test]
    fn required_fields_missing_or_doubled_are_refused() {
        assert_eq!(parse(""), Err(FormError::Missing(KEY_RESULT)));
        assert_eq!(
            parse("### Key result\n\nlaunch#beta\n\n### Value\n\n_No response_"),
            Err(FormError::Missing(VALUE))
        );
        let doubled = RENDERED.replace("### Value", "### Key result\n\nother#kr\n\n### Value");
        assert_eq!(parse(&doubled), Err(FormError::NotOneLine(KEY_RESULT)));
        let bell = RENDERED.replace("1200", "12\u{7}00");
        assert_eq!(parse(&bell), Err(FormError::ControlCharacter(VALUE)));
        let escape = RENDERED.replace("viral", "vi\u{1b}[31mral");
        assert_eq!(parse(&escape), Err(FormError::ControlCharacter(NOTE)));
        let err = FormError::Missing(VALUE).to_string();
        assert!(err.contains("`### Value`"), "{err}");
    }

    #[test]
    fn a_huge_body_is_refused_and_a_large_one_read_in_linear_time() {
        let huge = "x".repeat(MAX_BODY_BYTES + 1);
        assert_eq!(parse(&huge), Err(FormError::TooLong(MAX_BODY_BYTES + 1)));
        // Every line a heading: still one pass.
        let many = "### Date\n".repeat(MAX_BODY_BYTES / 10);
        let started = std::time::Instant::now();
        assert_eq!(parse(&many), Err(FormError::Missing(KEY_RESULT)));
        let many = format!("### Key result\n\na#b\n\n### Value\n\n1\n\n### Note\n{many}");
        assert!(many.len() < MAX_BODY_BYTES && parse(&many).is_ok());
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn the_form_names_the_pinned_ids_and_labels_in_order() {
        let ids: Vec<&str> = FORM
            .lines()
            .filter_map(|l| l.trim().strip_prefix("id: "))
            .collect();
        assert_eq!(ids, ["key_result", "value", "confidence", "note", "date"]);
        let labels: Vec<&str> = FORM
            .lines()
            .filter_map(|l| l.trim().strip_prefix("label: "))
            .collect();
        assert_eq!(labels, LABELS);
        assert!(FORM.contains(&format!("labels: [\"{LABEL}\"]")));
    }
}
