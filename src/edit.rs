//! Changing the files of a repository without disturbing them: front matter
//! is edited with `toml_edit` (comments, key order and formatting kept), the
//! result is checked to be the old text with something inserted, and files
//! are replaced atomically or created only where nothing exists yet.

use crate::frontmatter;
use std::io::Write;
use std::path::{Path, PathBuf};
use toml_edit::DocumentMut;

/// A Markdown file cut around its TOML front matter.
pub struct FrontMatter<'a> {
    /// Everything before the TOML: a byte order mark and the opening fence.
    pub before: &'a str,
    pub toml: &'a str,
    /// The closing fence and the Markdown body.
    pub after: &'a str,
}

impl<'a> FrontMatter<'a> {
    /// `None` when the file has no front matter between `+++` lines.
    pub fn split(text: &'a str) -> Option<FrontMatter<'a>> {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let split = frontmatter::split(&text[bom..]).ok()?;
        let start = bom + split.toml_offset;
        let end = start + split.toml.len();
        Some(FrontMatter {
            before: &text[..start],
            toml: split.toml,
            after: &text[end..],
        })
    }

    pub fn parse(&self) -> Option<DocumentMut> {
        self.toml.parse::<DocumentMut>().ok()
    }

    /// The whole file with `toml` in place of the front matter.
    pub fn with_toml(&self, toml: &str) -> String {
        let mut out = String::with_capacity(self.before.len() + toml.len() + self.after.len());
        out.push_str(self.before);
        out.push_str(toml);
        out.push_str(self.after);
        out
    }
}

/// A number as a person would write it in TOML: whole numbers without a
/// decimal point.
pub fn toml_number(value: f64) -> toml_edit::Value {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        toml_edit::Value::from(value as i64)
    } else {
        toml_edit::Value::from(value)
    }
}

/// Where `new` is `old` with one piece of text inserted: that piece's place
/// in `old` and the piece. `None` when anything else changed. When repeated
/// text makes several places possible, whole lines are preferred, then the
/// first place.
pub fn insertion<'n>(old: &str, new: &'n str) -> Option<(usize, &'n str)> {
    let added = new.len().checked_sub(old.len())?;
    let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
    let prefix = old_bytes
        .iter()
        .zip(new_bytes)
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old_bytes
        .iter()
        .rev()
        .zip(new_bytes.iter().rev())
        .take_while(|(a, b)| a == b)
        .count()
        .min(old.len());
    // Every place between these explains the change.
    let mut places =
        (old.len() - suffix..=prefix).filter_map(|p| Some((p, new.get(p..p + added)?)));
    let whole_lines = |&(p, piece): &(usize, &str)| {
        (p == 0 || new_bytes[p - 1] == b'\n') && piece.ends_with('\n')
    };
    let first = places.clone().next();
    places.find(whole_lines).or(first)
}

/// `text` with `\r\n` line breaks as `\n`, and a map from offsets in the
/// result back to offsets in `text`: `toml_edit` writes `\n` only.
pub fn unix_lines(text: &str) -> (String, impl Fn(usize) -> usize + '_) {
    let unix = text.replace("\r\n", "\n");
    let original = move |offset: usize| {
        // Each `\r\n` before the offset is one byte longer in `text`.
        let mut seen = 0;
        let mut at = 0;
        for (i, b) in text.bytes().enumerate() {
            if seen == offset {
                return i;
            }
            if !(b == b'\r' && text.as_bytes().get(i + 1) == Some(&b'\n')) {
                seen += 1;
            }
            at = i + 1;
        }
        at
    };
    (unix, original)
}

/// `piece` with its line breaks written as `\r\n` when `old` uses them, so an
/// insertion into a Windows file matches the lines around it.
pub fn match_line_breaks(old: &str, piece: &str) -> String {
    if !old.contains("\r\n") {
        return piece.to_string();
    }
    let mut out = String::with_capacity(piece.len() + 16);
    let mut previous = '\0';
    for c in piece.chars() {
        if c == '\n' && previous != '\r' {
            out.push('\r');
        }
        out.push(c);
        previous = c;
    }
    out
}

/// Replaces `path` with `bytes` by writing a file beside it and renaming it
/// over, so a crash leaves the old file or the new one, never half of one.
/// A link is followed: the file it leads to is replaced, the link stays.
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let resolved = std::fs::canonicalize(path)?;
    let path = resolved.as_path();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.okr-{}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Writes a new file, creating its folder; fails if the file exists, so
/// nothing is ever overwritten, even by a file that appeared meanwhile.
pub fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insertion_is_found_where_it_was_made() {
        assert_eq!(insertion("ab\ncd\n", "ab\nXY\ncd\n"), Some((3, "XY\n")));
        assert_eq!(insertion("abc", "abc!"), Some((3, "!")));
        assert_eq!(insertion("abc", "abc"), Some((0, "")));
        // Repeated text: the first place that explains the change.
        assert_eq!(insertion("aa", "aaa"), Some((0, "a")));
        assert_eq!(insertion("x\n[a]\n", "x\n[b]\n[a]\n"), Some((2, "[b]\n")));
        // Anything else changed: not an insertion.
        assert_eq!(insertion("abc", "xbc!"), None);
        assert_eq!(insertion("abc", "ab"), None);
        assert_eq!(insertion("a = 1\n", "a = 2\nb = 3\n"), None);
        assert_eq!(insertion("éé", "ééé"), Some((0, "é")));
    }

    #[test]
    fn offsets_map_back_across_windows_line_breaks() {
        let text = "a\r\nbc\r\n\r\nd";
        let (unix, original) = unix_lines(text);
        assert_eq!(unix, "a\nbc\n\nd");
        for (offset, expected) in [(0, 0), (1, 1), (2, 3), (5, 7), (6, 9), (7, 10)] {
            assert_eq!(original(offset), expected, "{offset}");
        }
    }

    #[test]
    fn inserted_lines_follow_the_file_s_line_breaks() {
        assert_eq!(match_line_breaks("a\r\nb\r\n", "x\ny\r\n"), "x\r\ny\r\n");
        assert_eq!(match_line_breaks("a\nb\n", "x\ny\n"), "x\ny\n");
    }

    #[test]
    fn front_matter_keeps_the_byte_order_mark_and_the_body() {
        let text = "\u{feff}+++\ntitle = \"x\"\n+++\nBody\n";
        let fm = FrontMatter::split(text).unwrap();
        assert_eq!(fm.before, "\u{feff}+++\n");
        assert_eq!(fm.toml, "title = \"x\"\n");
        assert_eq!(fm.after, "+++\nBody\n");
        assert_eq!(fm.with_toml(fm.toml), text);
        assert!(FrontMatter::split("no fences").is_none());
    }
}
