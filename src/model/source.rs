//! Source files as read from disk, and byte offsets turned into line and column.

use std::ops::Range;

/// A byte range inside one [`SourceFile`]'s text.
pub type Span = Range<usize>;

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
    fn stem_drops_folders_and_extension() {
        assert_eq!(file("").stem(), "a");
    }
}
