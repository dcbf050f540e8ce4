//! Spanned TOML documents, built straight from `toml_parser`'s events.
//!
//! Every build parses the front matter of thousands of files. `toml`'s own
//! spanned tree (`toml::de::DeTable`: ordered maps of boxed values, built from
//! an intermediate list of events) was a quarter of a build's time; tables here
//! are small vectors searched in order, values borrow from the text, and the
//! tree is built while the parser runs. Only documents that are plainly valid
//! take this path: on any error, and for the rarer forms (dotted keys before
//! `=`), the text is handed to `toml` itself, so users see its messages and its
//! reading of the specification, and its tree is converted to this one.

use std::borrow::Cow;
use toml::de::{DeTable, DeValue};
use toml::value::Datetime;
use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::parser::{EventReceiver, RecursionGuard, ValidateWhitespace};
use toml_parser::{ErrorSink, ParseError, Source, Span as TokenSpan};

/// Byte range in the parsed text.
pub type Span = std::ops::Range<usize>;

/// Nesting deeper than this is refused, as `toml` refuses it.
const MAX_DEPTH: u32 = 80;

/// A table: keys in the order they were written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table<'i> {
    entries: Vec<Entry<'i>>,
    kind: TableKind,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum TableKind {
    /// The root, or a table named by a `[header]`.
    #[default]
    Header,
    /// Created as the parent of a header's table (`a` in `[a.b]`); a later `[a]` may define it.
    Implicit,
    /// `{ … }`: closed once written.
    Inline,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'i> {
    pub key: Cow<'i, str>,
    pub key_span: Span,
    pub item: Item<'i>,
}

/// A value with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'i> {
    pub value: Value<'i>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'i> {
    String(Cow<'i, str>),
    /// Digits (without prefix or underscores) and their radix.
    Integer(Cow<'i, str>, u32),
    /// The float's text, as written but for underscores.
    Float(Cow<'i, str>),
    Boolean(bool),
    Datetime(Datetime),
    Array(Array<'i>),
    Table(Table<'i>),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Array<'i> {
    items: Vec<Item<'i>>,
    /// Made by `[[header]]`s, which may add to it; `[ … ]` arrays are closed.
    of_tables: bool,
}

impl<'i> Table<'i> {
    pub fn get(&self, key: &str) -> Option<&Item<'i>> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.item)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Entry<'i>> {
        self.entries.iter()
    }
}

impl<'i> Array<'i> {
    pub fn iter(&self) -> impl Iterator<Item = &Item<'i>> {
        self.items.iter()
    }
}

impl<'i> Item<'i> {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_table(&self) -> Option<&Table<'i>> {
        match &self.value {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }
}

/// A TOML error: the message `toml` gives and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub message: String,
    /// `None` where `toml` gives no place (a dotted key nested too deeply).
    pub span: Option<Span>,
}

/// Parses a document. On errors, also what could be read of it, to name a broken file by its id.
pub fn parse(text: &str) -> Result<Table<'_>, (Vec<Error>, Table<'_>)> {
    if let Some(table) = fast(text) {
        return Ok(table);
    }
    let (root, errors) = DeTable::parse_recoverable(text);
    let root = convert_table(root.into_inner(), TableKind::Header);
    if errors.is_empty() {
        return Ok(root);
    }
    let errors = errors
        .into_iter()
        .map(|e| Error {
            message: e.message().trim_end().to_string(),
            span: e.span(),
        })
        .collect();
    Err((errors, root))
}

/// The fast path: `None` when anything is wrong or unusual.
fn fast(text: &str) -> Option<Table<'_>> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut builder = Builder::new(source);
    let mut failed = Failed(false);
    {
        let mut validate = ValidateWhitespace::new(&mut builder, source);
        let mut guard = RecursionGuard::new(&mut validate, MAX_DEPTH);
        toml_parser::parser::parse_document(&tokens, &mut guard, &mut failed);
    }
    if failed.0 || builder.failed || !builder.frames.is_empty() {
        return None;
    }
    Some(builder.root)
}

/// Remembers only that something went wrong: the slow path says what.
struct Failed(bool);

impl ErrorSink for Failed {
    fn report_error(&mut self, _error: ParseError) {
        self.0 = true;
    }
}

/// A container whose closing bracket has not been reached yet.
enum Frame<'i> {
    Array(Array<'i>, usize),
    Inline(Table<'i>, usize, Option<(Cow<'i, str>, Span)>),
}

struct Builder<'i> {
    source: Source<'i>,
    root: Table<'i>,
    /// Where key/value lines go: entry indices from the root (an array of
    /// tables stands for its last table).
    current: Vec<usize>,
    /// Keys read since the last `=`, `[` or `[[`.
    keys: Vec<(Cow<'i, str>, Span)>,
    /// A header being read: is it `[[…]]`, and where it opened.
    header: Option<(bool, usize)>,
    /// The key of a top-level key/value whose value is being read.
    pending: Option<(Cow<'i, str>, Span)>,
    frames: Vec<Frame<'i>>,
    failed: bool,
}

fn range(span: TokenSpan) -> Span {
    span.start()..span.end()
}

impl<'i> Builder<'i> {
    fn new(source: Source<'i>) -> Self {
        Builder {
            source,
            root: Table::default(),
            current: Vec::new(),
            keys: Vec::new(),
            header: None,
            pending: None,
            frames: Vec::new(),
            failed: false,
        }
    }

    fn decode(&mut self, span: TokenSpan, encoding: Option<Encoding>) -> Option<Value<'i>> {
        let text = self.source.input().get(span.start()..span.end())?;
        if encoding.is_none()
            && let Some(value) = plain_scalar(text)
        {
            return Some(value);
        }
        let raw = toml_parser::Raw::new_unchecked(
            self.source.input().get(span.start()..span.end())?,
            encoding,
            span,
        );
        let mut decoded = Cow::Borrowed("");
        let mut failed = Failed(false);
        let kind = raw.decode_scalar(&mut decoded, &mut failed);
        if failed.0 {
            return None;
        }
        Some(match kind {
            ScalarKind::String => Value::String(decoded),
            ScalarKind::Boolean(b) => Value::Boolean(b),
            ScalarKind::Float => Value::Float(decoded),
            ScalarKind::Integer(radix) => Value::Integer(decoded, radix.value()),
            ScalarKind::DateTime => Value::Datetime(decoded.parse::<Datetime>().ok()?),
        })
    }

    /// Puts a finished value where it belongs: into the open array or inline
    /// table, else into the current table under the pending key.
    fn place(&mut self, item: Item<'i>) {
        match self.frames.last_mut() {
            Some(Frame::Array(array, _)) => array.items.push(item),
            Some(Frame::Inline(table, _, key)) => match key.take() {
                Some((key, key_span)) if !table.contains_key(&key) => table.entries.push(Entry {
                    key,
                    key_span,
                    item,
                }),
                _ => self.failed = true,
            },
            None => {
                let Some((key, key_span)) = self.pending.take() else {
                    self.failed = true;
                    return;
                };
                match table_at(&mut self.root, &self.current) {
                    Some(table) if !table.contains_key(&key) => table.entries.push(Entry {
                        key,
                        key_span,
                        item,
                    }),
                    _ => self.failed = true,
                }
            }
        }
    }

    /// Resolves `[a.b]` or `[[a.b]]` into the path of the table it names.
    fn open_header(&mut self, is_array: bool, span: Span) -> Option<Vec<usize>> {
        let keys = std::mem::take(&mut self.keys);
        let ((last, last_span), parents) = keys.split_last()?;
        let mut path = Vec::with_capacity(keys.len());
        let mut table = &mut self.root;
        for (key, key_span) in parents {
            let index = match table.entries.iter().position(|e| e.key == *key) {
                Some(index) => index,
                None => {
                    table.entries.push(Entry {
                        key: key.clone(),
                        key_span: key_span.clone(),
                        item: Item {
                            value: Value::Table(Table {
                                entries: Vec::new(),
                                kind: TableKind::Implicit,
                            }),
                            span: key_span.clone(),
                        },
                    });
                    table.entries.len() - 1
                }
            };
            path.push(index);
            table = match &mut table.entries[index].item.value {
                Value::Table(t) if t.kind != TableKind::Inline => t,
                Value::Array(a) if a.of_tables => match a.items.last_mut() {
                    Some(Item {
                        value: Value::Table(t),
                        ..
                    }) => t,
                    _ => return None,
                },
                _ => return None,
            };
        }
        let new_table = || Item {
            value: Value::Table(Table::default()),
            span: span.clone(),
        };
        let index = match table.entries.iter().position(|e| e.key == *last) {
            None if is_array => {
                let array = Array {
                    items: vec![new_table()],
                    of_tables: true,
                };
                table.entries.push(Entry {
                    key: last.clone(),
                    key_span: last_span.clone(),
                    item: Item {
                        value: Value::Array(array),
                        span: span.clone(),
                    },
                });
                table.entries.len() - 1
            }
            None => {
                table.entries.push(Entry {
                    key: last.clone(),
                    key_span: last_span.clone(),
                    item: new_table(),
                });
                table.entries.len() - 1
            }
            Some(index) => {
                let entry = &mut table.entries[index];
                match &mut entry.item.value {
                    Value::Array(a) if is_array && a.of_tables => a.items.push(new_table()),
                    // `[a]` after `[a.b]` defines `a`, once.
                    Value::Table(t) if !is_array && t.kind == TableKind::Implicit => {
                        t.kind = TableKind::Header;
                        entry.item.span = span.clone();
                        entry.key_span = last_span.clone();
                    }
                    _ => return None,
                }
                index
            }
        };
        path.push(index);
        Some(path)
    }
}

fn is_bare_key(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The unquoted scalars front matter is made of — `true`, `42`, `-3.25`,
/// `2026-01-15` — read without the general decoder; `None` for anything else,
/// which the decoder then reads or rejects.
fn plain_scalar(text: &str) -> Option<Value<'_>> {
    match text {
        "true" => return Some(Value::Boolean(true)),
        "false" => return Some(Value::Boolean(false)),
        _ => {}
    }
    let b = text.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let digits = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        // Only real calendar days: the decoder explains the others.
        chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        let date = toml::value::Date {
            year: u16::try_from(year).ok()?,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
        };
        return Some(Value::Datetime(Datetime {
            date: Some(date),
            time: None,
            offset: None,
        }));
    }
    // -?(0|[1-9][0-9]*)(\.[0-9]+)?
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match unsigned.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (unsigned, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if !all_digits(int) || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    match frac {
        None => Some(Value::Integer(Cow::Borrowed(text), 10)),
        Some(frac) if all_digits(frac) => Some(Value::Float(Cow::Borrowed(text))),
        Some(_) => None,
    }
}

/// The table a path of entry indices leads to (the path was made by
/// `open_header` on this same tree). A loop, not recursion: a header may be
/// thousands of keys long.
fn table_at<'t, 'i>(root: &'t mut Table<'i>, path: &[usize]) -> Option<&'t mut Table<'i>> {
    let mut table = root;
    for &index in path {
        table = match &mut table.entries.get_mut(index)?.item.value {
            Value::Table(t) => t,
            Value::Array(a) => match a.items.last_mut()? {
                Item {
                    value: Value::Table(t),
                    ..
                } => t,
                _ => return None,
            },
            _ => return None,
        };
    }
    Some(table)
}

impl<'i> EventReceiver for Builder<'i> {
    fn std_table_open(&mut self, span: TokenSpan, _error: &mut dyn ErrorSink) {
        self.keys.clear();
        self.header = Some((false, span.start()));
    }

    fn array_table_open(&mut self, span: TokenSpan, _error: &mut dyn ErrorSink) {
        self.keys.clear();
        self.header = Some((true, span.start()));
    }

    fn std_table_close(&mut self, span: TokenSpan, _error: &mut dyn ErrorSink) {
        self.close_header(span);
    }

    fn array_table_close(&mut self, span: TokenSpan, _error: &mut dyn ErrorSink) {
        self.close_header(span);
    }

    fn inline_table_open(&mut self, span: TokenSpan, _error: &mut dyn ErrorSink) -> bool {
        let table = Table {
            entries: Vec::new(),
            kind: TableKind::Inline,
        };
        self.frames.push(Frame::Inline(table, span.start(), None));
        true
    }

    fn inline_table_close(&mut self, span: TokenSpan, _error: &mut dyn ErrorSink) {
        match self.frames.pop() {
            Some(Frame::Inline(table, start, None)) => self.place(Item {
                value: Value::Table(table),
                span: start..span.end(),
            }),
            _ => self.failed = true,
        }
    }

    fn array_open(&mut self, span: TokenSpan, _error: &mut dyn ErrorSink) -> bool {
        self.frames
            .push(Frame::Array(Array::default(), span.start()));
        true
    }

    fn array_close(&mut self, span: TokenSpan, _error: &mut dyn ErrorSink) {
        match self.frames.pop() {
            Some(Frame::Array(array, start)) => self.place(Item {
                value: Value::Array(array),
                span: start..span.end(),
            }),
            _ => self.failed = true,
        }
    }

    fn simple_key(
        &mut self,
        span: TokenSpan,
        encoding: Option<Encoding>,
        _error: &mut dyn ErrorSink,
    ) {
        let Some(text) = self.source.input().get(span.start()..span.end()) else {
            self.failed = true;
            return;
        };
        let key = if encoding.is_none() && is_bare_key(text) {
            Cow::Borrowed(text)
        } else {
            let raw = toml_parser::Raw::new_unchecked(text, encoding, span);
            let mut key = Cow::Borrowed("");
            let mut failed = Failed(false);
            raw.decode_key(&mut key, &mut failed);
            self.failed |= failed.0;
            key
        };
        self.keys.push((key, range(span)));
    }

    fn key_val_sep(&mut self, _span: TokenSpan, _error: &mut dyn ErrorSink) {
        // Dotted keys before `=` create tables with rules of their own: left to `toml`.
        if self.keys.len() != 1 {
            self.failed = true;
            return;
        }
        let key = self.keys.pop();
        match self.frames.last_mut() {
            Some(Frame::Inline(_, _, pending)) => *pending = key,
            Some(Frame::Array(..)) => self.failed = true,
            None => self.pending = key,
        }
    }

    fn scalar(&mut self, span: TokenSpan, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        if self.failed {
            return;
        }
        let Some(value) = self.decode(span, encoding) else {
            self.failed = true;
            return;
        };
        self.place(Item {
            value,
            span: range(span),
        });
    }

    fn error(&mut self, _span: TokenSpan, _error: &mut dyn ErrorSink) {
        self.failed = true;
    }
}

impl Builder<'_> {
    fn close_header(&mut self, span: TokenSpan) {
        if self.failed {
            return;
        }
        let Some((is_array, start)) = self.header.take() else {
            self.failed = true;
            return;
        };
        // A header nests a table per key: past `toml`'s depth, leave it to
        // `toml` to refuse, rather than build a tree too deep to drop.
        if self.keys.len() > MAX_DEPTH as usize {
            self.failed = true;
            return;
        }
        match self.open_header(is_array, start..span.end()) {
            Some(path) => self.current = path,
            None => self.failed = true,
        }
    }
}

/// `toml`'s tree, for documents the fast path leaves to it.
fn convert_table(table: DeTable<'_>, kind: TableKind) -> Table<'_> {
    let entries = table
        .into_iter()
        .map(|(key, value)| {
            let key_span = key.span();
            Entry {
                key: key.into_inner(),
                key_span,
                item: convert(value),
            }
        })
        .collect();
    Table { entries, kind }
}

fn convert(value: toml::Spanned<DeValue<'_>>) -> Item<'_> {
    let span = value.span();
    let value = match value.into_inner() {
        DeValue::String(s) => Value::String(s),
        DeValue::Integer(i) => {
            let radix = i.radix();
            Value::Integer(Cow::Owned(i.as_str().to_string()), radix)
        }
        DeValue::Float(f) => Value::Float(Cow::Owned(f.as_str().to_string())),
        DeValue::Boolean(b) => Value::Boolean(b),
        DeValue::Datetime(dt) => Value::Datetime(dt),
        DeValue::Array(items) => Value::Array(Array {
            items: items.into_iter().map(convert).collect(),
            of_tables: false,
        }),
        DeValue::Table(t) => Value::Table(convert_table(t, TableKind::Inline)),
    };
    Item { value, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both paths read a valid document into the same tree (the fast path keeps
    /// keys in written order; `toml` sorts them, so entries are compared sorted).
    fn same_as_toml(text: &str) {
        let fast = fast(text).unwrap_or_else(|| panic!("fast path refused:\n{text}"));
        let (root, errors) = DeTable::parse_recoverable(text);
        assert!(errors.is_empty(), "toml refused:\n{text}\n{errors:?}");
        let slow = convert_table(root.into_inner(), TableKind::Header);
        assert_eq!(normalise(fast), normalise(slow), "{text}");
    }

    /// A key or value flattened to its path, key span, what it is and value span.
    type Flat = (String, (usize, usize), String, (usize, usize));

    fn normalise(table: Table<'_>) -> Vec<Flat> {
        let mut out = Vec::new();
        flatten("", &table, &mut out);
        out.sort();
        out
    }

    fn flatten(prefix: &str, table: &Table<'_>, out: &mut Vec<Flat>) {
        for e in table.iter() {
            let path = format!("{prefix}.{}", e.key);
            flatten_item(&path, &e.item, out);
            out.push((
                path,
                (e.key_span.start, e.key_span.end),
                String::new(),
                (0, 0),
            ));
        }
    }

    fn flatten_item(path: &str, item: &Item<'_>, out: &mut Vec<Flat>) {
        let shown = match &item.value {
            Value::Table(t) => {
                flatten(path, t, out);
                "table".to_string()
            }
            Value::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    flatten_item(&format!("{path}[{i}]"), item, out);
                }
                format!("array of {}", a.items.len())
            }
            Value::String(s) => format!("string {s}"),
            Value::Integer(s, radix) => format!("integer {s} radix {radix}"),
            Value::Float(s) => format!("float {s}"),
            Value::Boolean(b) => format!("bool {b}"),
            Value::Datetime(d) => format!("datetime {d}"),
        };
        out.push((
            path.to_string(),
            (0, 0),
            shown,
            (item.span.start, item.span.end),
        ));
    }

    #[test]
    fn reads_front_matter_like_toml() {
        same_as_toml(
            r#"title = "Win \"Germany\" \u00e9"
period = '2026-Q1'
tags = ["a", "b"]   # comment
weights = [1, 2.5, -3, 0x1F, 1_000, 6e2, inf]
[[key_results]]
id = "kr1"
start = 62.0
target = 90
due = 2026-02-15
done = true
[[key_results.checkins]]
date = 2026-01-05
value = 63.45
note = """
two
lines"""
[[key_results.checkins]]
date = 2026-01-12
value = { a = 1, b = [1, { c = "d" }] }
[[key_results]]
id = "kr2"
[retro]
score = 0.5
"#,
        );
    }

    #[test]
    fn reads_headers_like_toml() {
        same_as_toml("[a.b]\nx = 1\n[a]\ny = 2\n[a.c]\nz = 3\n");
        same_as_toml("[[a]]\n[[a.b]]\nx = 1\n[[a.b]]\nx = 2\n[[a]]\n[a.c]\n");
        same_as_toml("[ \"quoted key\" . 'lit' ]\nk = 1\n");
        same_as_toml("a = -0\nb = 0.5\nc = 10\nd = 2024-02-29\ne = -12.75\nf = true\n");
        same_as_toml("");
        same_as_toml("# only a comment\n\n");
        same_as_toml("a = []\nb = {}\nc = [[], [[]]]\n");
        same_as_toml(
            "d = 1979-05-27T07:32:00Z\ne = 07:32:00\nf = 1979-05-27T00:32:00.999999-07:00\n",
        );
    }

    /// What the fast path does not take, `toml` reads or rejects: the results
    /// are `toml`'s.
    #[test]
    fn leaves_the_unusual_and_the_wrong_to_toml() {
        for text in [
            "a.b = 1\n",
            "a = 1\na = 2\n",
            "[a]\n[a]\n",
            "[a]\nb = 1\n[a.b]\n",
            "a = [1]\n[[a]]\n",
            "[[a]]\n[a]\n",
            "a = {}\n[a.b]\n",
            "x = \n",
            "x = 2026-02-30\n",
            "x = \"\\q\"\n",
            "= 1\n",
            "[a\n",
            "x = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
            "x = 1\0\n",
        ] {
            assert!(fast(text).is_none(), "fast path took:\n{text}");
            let (root, errors) = DeTable::parse_recoverable(text);
            match parse(text) {
                Ok(table) => {
                    assert!(errors.is_empty(), "{text}");
                    assert_eq!(table, convert_table(root.into_inner(), TableKind::Header));
                }
                Err((got, _)) => assert_eq!(got.len(), errors.len(), "{text}"),
            }
        }
    }

    /// Every front matter and `okr.toml` in the repository's examples and fixtures
    /// reads the same on both paths.
    #[test]
    fn reads_every_fixture_like_toml() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for dir in ["example-okrs", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let Ok(entry) = entry else { continue };
                let name = entry.file_name().to_string_lossy();
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                let toml = if name == "okr.toml" {
                    text.as_str()
                } else if name.ends_with(".md") {
                    match crate::frontmatter::split(&text) {
                        Ok(split) => split.toml,
                        Err(_) => continue,
                    }
                } else {
                    continue;
                };
                let (root, errors) = DeTable::parse_recoverable(toml);
                match fast(toml) {
                    Some(table) => {
                        assert!(errors.is_empty(), "{}", entry.path().display());
                        let slow = convert_table(root.into_inner(), TableKind::Header);
                        assert_eq!(
                            normalise(table),
                            normalise(slow),
                            "{}",
                            entry.path().display()
                        );
                        checked += 1;
                    }
                    None => assert!(
                        !errors.is_empty() || toml.contains('.'),
                        "{}",
                        entry.path().display()
                    ),
                }
            }
        }
        assert!(checked > 50, "only {checked} files checked");
    }

    /// A header nests a table per key; one longer than `toml` allows once built
    /// a tree so deep that dropping it overflowed the stack.
    #[test]
    fn headers_deeper_than_toml_allows_are_left_to_it() {
        for depth in [80, 50_000] {
            let text = format!("[a{}]\nb = 1\n", ".a".repeat(depth));
            assert!(fast(&text).is_none());
            let (errors, _) = parse(&text).unwrap_err();
            assert_eq!(errors[0].message, "recursion limit");
            assert_eq!(errors[0].span, None);
        }
        // At the limit, both paths still agree.
        same_as_toml(&format!("[a{}]\nb = 1\n", ".a".repeat(79)));
    }

    #[test]
    fn errors_keep_what_could_be_read() {
        let (errors, root) = parse("id = \"kr\"\ntitle = \n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(root.get("id").and_then(Item::as_str), Some("kr"));
    }
}
