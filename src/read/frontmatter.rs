//! Splits a file into its TOML front matter (between two `+++` lines) and its Markdown body.

use crate::model::source::Span;

/// The two parts of a file, borrowed from its text.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    pub toml: &'a str,
    /// Byte offset of `toml` in the file, to turn TOML spans into file spans.
    pub toml_offset: usize,
    pub body: &'a str,
}

/// Why a file has no usable front matter.
#[derive(Debug, PartialEq)]
pub struct SplitError {
    pub message: &'static str,
    pub help: &'static str,
    pub span: Span,
}

const FENCE: &str = "+++";

/// A line (without its line break) that is a fence; trailing spaces are forgiven.
fn is_fence(line: &str) -> bool {
    line.trim_end_matches([' ', '\t', '\r']) == FENCE
}

pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError {
            message: "the file is empty",
            help: "start the file with a `+++` line, the TOML front matter, and another `+++` line",
            span: Span::default(),
        });
    }
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end]) {
        return Err(SplitError {
            message: "the file does not start with front matter",
            help: "put a line `+++` first, then the TOML front matter, then another `+++` line",
            span: (0..first_end).into(),
        });
    }
    let toml_offset = (first_end + 1).min(text.len());
    // Jump from one line starting with `+++` to the next (a substring search
    // is much faster than walking every line of a long front matter).
    let mut from = toml_offset;
    loop {
        let line_start = if text[from..].starts_with(FENCE) {
            from
        } else {
            match text[from..].find("\n+++") {
                Some(i) => from + i + 1,
                None => break,
            }
        };
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        if is_fence(&text[line_start..line_end]) {
            return Ok(Split {
                toml: &text[toml_offset..line_start],
                toml_offset,
                body: &text[(line_end + 1).min(text.len())..],
            });
        }
        if line_end >= text.len() {
            break;
        }
        from = line_end + 1;
    }
    Err(SplitError {
        message: "the front matter is not closed",
        help: "end the TOML front matter with a line `+++`",
        span: (0..FENCE.len()).into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_toml_and_body() {
        let text = "+++\ntitle = \"x\"\n+++\nBody\n";
        let split = split(text).unwrap();
        assert_eq!(split.toml, "title = \"x\"\n");
        assert_eq!(split.toml_offset, 4);
        assert_eq!(split.body, "Body\n");
    }

    #[test]
    fn accepts_crlf_and_no_body() {
        let split = split("+++\r\na = 1\r\n+++").unwrap();
        assert_eq!(split.toml, "a = 1\r\n");
        assert_eq!(split.body, "");
    }

    #[test]
    fn only_fences_give_empty_toml() {
        assert_eq!(split("+++\n+++\n").unwrap().toml, "");
    }

    #[test]
    fn reports_missing_and_unclosed_fences() {
        assert_eq!(split("").unwrap_err().message, "the file is empty");
        assert_eq!(split("\n \n").unwrap_err().message, "the file is empty");
        assert_eq!(
            split("# Title\n").unwrap_err().message,
            "the file does not start with front matter"
        );
        assert_eq!(
            split("+++").unwrap_err().message,
            "the front matter is not closed"
        );
        assert_eq!(
            split("+++\na = 1\n").unwrap_err().message,
            "the front matter is not closed"
        );
        // A fence must be the whole line.
        assert!(split("+++\na = 1\n++++\n").is_err());
        assert!(split("+++\na = 1\n +++\n").is_err());
    }

    #[test]
    fn finds_the_first_fence_after_false_starts() {
        let split = split("+++\n+++x = 1\n++++\n+++ \nBody\n+++\n").unwrap();
        assert_eq!(split.toml, "+++x = 1\n++++\n");
        assert_eq!(split.body, "Body\n+++\n");
        assert_eq!(super::split("+++\r\n+++\r\n").unwrap().toml, "");
    }
}
