//! Source files as read from disk, and byte offsets turned into line and column.

use std::ops::Range;

/// A byte range inside one [`SourceFile`]'s text: half the size of a
/// `Range<usize>`, as a model holds hundreds of thousands of them (every
/// value of every check-in has one). An offset past 4 GiB, which no OKR
/// file reaches, is held as the largest one, and a span that is not in a
/// text slices it as empty rather than panicking.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    pub fn range(self) -> Range<usize> {
        self.start()..self.end()
    }

    pub fn len(self) -> usize {
        self.end().saturating_sub(self.start())
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }
}

impl From<Range<usize>> for Span {
    /// Offsets past 32 bits (which no file okr reads has) become the end.
    fn from(range: Range<usize>) -> Span {
        let at = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Span {
            start: at(range.start),
            end: at(range.end),
        }
    }
}

impl std::fmt::Debug for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl std::ops::Index<Span> for str {
    type Output = str;

    fn index(&self, span: Span) -> &str {
        self.get(span.range()).unwrap_or_default()
    }
}

impl std::ops::Index<Span> for String {
    type Output = str;

    fn index(&self, span: Span) -> &str {
        &self.as_str()[span]
    }
}

/// Index of a file in [`crate::model::Org::files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

/// What kind of entity a Markdown file describes, decided by its folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    Config,
    Team,
    Person,
    Objective,
}

/// One file of the repository. `text` is the file as read, with a UTF-8 byte
/// order mark removed; spans index into it.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the repository root, with `/` separators.
    pub path: String,
    pub kind: FileKind,
    pub text: String,
    /// Byte offset at which each line starts; computed when first needed, as
    /// most files are never reported on.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// A 1-based line and column (counted in characters, as editors do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, kind: FileKind, text: String) -> Self {
        SourceFile {
            path: path.into(),
            kind,
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The file name without its extension, e.g. `visibility` for `okrs/q1/visibility.md`.
    pub fn stem(&self) -> &str {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        name.strip_suffix(".md").unwrap_or(name)
    }

    /// Line and column of a byte offset; offsets past the end map to the end.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&start| start <= offset) - 1;
        let start = line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("okrs/a.md", FileKind::Objective, text.to_string())
    }

    #[test]
    fn line_col_counts_from_one() {
        let f = file("ab\ncd\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(1), LineCol { line: 1, column: 2 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(6), LineCol { line: 3, column: 1 });
        assert_eq!(f.line_col(600), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = file("é = \"ü\"\r\nx");
        assert_eq!(f.line_col(5), LineCol { line: 1, column: 5 });
        assert_eq!(f.line_col(11), LineCol { line: 2, column: 1 });
    }

    #[test]
    fn a_span_is_a_range_in_half_the_room() {
        assert_eq!(std::mem::size_of::<Span>(), 8);
        let span = Span::from(4..9);
        assert_eq!((span.start(), span.end(), span.len()), (4, 9, 5));
        assert_eq!(span.range(), 4..9);
        assert_eq!(format!("{span:?}"), "4..9");
        assert_eq!(&"title = \"Grow\""[Span::from(8..14)], "\"Grow\"");
        assert!(Span::default().is_empty() && !span.is_empty());
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_span_past_four_gibibytes_or_its_text_slices_nothing() {
        let far = Span::from(usize::MAX - 1..usize::MAX);
        assert_eq!(far.range(), u32::MAX as usize..u32::MAX as usize);
        assert_eq!(&"short"[far], "");
        // Not on a character boundary: empty, where a range would panic.
        assert_eq!(&"é"[Span::from(1..2)], "");
    }

    #[test]
    fn stem_drops_folders_and_extension() {
        assert_eq!(file("").stem(), "a");
    }
}
