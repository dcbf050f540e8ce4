//! Spanned TOML documents, read by a small reader of okr's own.
//!
//! Every build parses the front matter of thousands of files. `toml`'s own
//! spanned tree (`toml::de::DeTable`: ordered maps of boxed values, built from
//! a token list and then a list of events) was a quarter of a build's time.
//! Here one pass over the bytes builds the tree: tables are small vectors
//! searched in order, values borrow from the text. It takes only the forms
//! front matter is made of, and only when they are plainly valid: on any
//! error, and for the rarer forms (dotted keys before `=`, hexadecimal or
//! exponent numbers, times), the text is handed to `toml` itself, so users see
//! its messages and its reading of the specification, and its tree is
//! converted to this one. Unit tests and the fuzz targets compare both readings
//! (`disagreement_with_toml`).
//!
//! One file of about 970 lines (and 470 of tests): the reader, the tree it
//! builds and the fallback to `toml` are one grammar read two ways, and the
//! tests and fuzz targets hold them side by side.

use std::borrow::Cow;
use std::collections::HashMap;
use toml::de::{DeTable, DeValue};
use toml::value::Datetime;

/// Byte range in the parsed text.
pub type Span = std::ops::Range<usize>;

/// Nesting deeper than this is refused, as `toml` refuses it.
const MAX_DEPTH: u32 = 80;

/// A table: keys in the order they were written.
#[derive(Debug, Clone, Default)]
pub struct Table<'i> {
    entries: Vec<Entry<'i>>,
    kind: TableKind,
    /// Where each key is in `entries`, once there are too many to search in
    /// order: a search per new key would make a big table cost quadratic time.
    index: Option<HashMap<Cow<'i, str>, usize>>,
}

/// Tables up to this many keys (nearly all) are searched in order.
const INDEXED_FROM: usize = 16;

/// Equal when the entries and kind are: the index only follows them.
impl PartialEq for Table<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.entries == other.entries
    }
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
    fn new(kind: TableKind, capacity: usize) -> Self {
        Table {
            entries: Vec::with_capacity(capacity),
            kind,
            index: None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Item<'i>> {
        self.entries.get(self.position(key)?).map(|e| &e.item)
    }

    /// Where `key` is in `entries`.
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|e| e.key == key),
        }
    }

    /// Adds an entry (its key is not there yet) and returns where it is.
    fn push(&mut self, entry: Entry<'i>) -> usize {
        let at = self.entries.len();
        match &mut self.index {
            Some(index) => {
                index.insert(entry.key.clone(), at);
            }
            None if at + 1 >= INDEXED_FROM => {
                let keys = self.entries.iter().map(|e| e.key.clone());
                let mut index: HashMap<_, _> = keys.zip(0..).collect();
                index.insert(entry.key.clone(), at);
                self.index = Some(index);
            }
            None => {}
        }
        self.entries.push(entry);
        at
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
///
/// One pass over the bytes, building the tree as it goes. It takes only what
/// it reads exactly as `toml` does; everything else (dotted keys before `=`,
/// numbers other than plain decimals, datetimes other than dates, and every
/// error) returns `None`, so that `toml` reads it instead.
fn fast(text: &str) -> Option<Table<'_>> {
    let mut r = Reader { text, pos: 0 };
    let mut root = Table::new(TableKind::Header, 8);
    r.key_values(&mut root)?;
    let mut keys = Vec::new();
    // The table a header names: entry indices from the root (an array of
    // tables stands for its last table).
    let mut path = Vec::new();
    while r.peek().is_some() {
        let (is_array, span) = r.header(&mut keys)?;
        open_header(&mut root, &mut keys, is_array, span, &mut path)?;
        r.skip_ws();
        r.end_of_line()?;
        r.key_values(table_at(&mut root, &path)?)?;
    }
    Some(root)
}

/// A position in the text being read.
struct Reader<'i> {
    text: &'i str,
    pos: usize,
}

/// Classes of bytes, for the scanning loops: one lookup per byte.
const BARE: u8 = 1;
/// Not a delimiter: part of an unquoted scalar as `toml` cuts it out.
const SCALAR: u8 = 4;
/// Unescaped in `"…"`: tab, printable ASCII but `"` and `\`, anything not ASCII.
const BASIC: u8 = 8;
/// In `'…'`: tab, printable ASCII but `'`, anything not ASCII.
const LITERAL: u8 = 16;
/// After `#`: tab, printable ASCII, anything not ASCII.
const COMMENT: u8 = 32;

static CLASSES: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut table = [0; 256];
    let mut i = 0;
    while i < table.len() {
        let b = i as u8;
        let mut class = 0;
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            class |= BARE;
        }
        if !matches!(
            b,
            b',' | b'=' | b'[' | b']' | b'{' | b'}' | b' ' | b'\t' | b'#' | b'\r' | b'\n'
        ) {
            class |= SCALAR;
        }
        if b == b'\t' || (b >= 0x20 && b != 0x7F) {
            class |= COMMENT;
            if b != b'"' && b != b'\\' {
                class |= BASIC;
            }
            if b != b'\'' {
                class |= LITERAL;
            }
        }
        table[i] = class;
        i += 1;
    }
    table
}

impl<'i> Reader<'i> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn rest_starts_with(&self, prefix: &[u8]) -> bool {
        self.text
            .as_bytes()
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(prefix))
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    /// Moves past the bytes of `class`.
    fn skip(&mut self, class: u8) {
        let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
        self.pos += rest
            .iter()
            .position(|&b| CLASSES[usize::from(b)] & class == 0)
            .unwrap_or(rest.len());
    }

    /// Spaces and tabs: mostly none or one, so a plain loop.
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn comment(&mut self) -> Option<()> {
        self.pos += 1;
        self.skip(COMMENT);
        match self.peek() {
            None | Some(b'\n' | b'\r') => Some(()),
            Some(_) => None,
        }
    }

    /// Lines of a table up to the next header or the end: blank lines,
    /// comments and `key = value`s.
    fn key_values(&mut self, table: &mut Table<'i>) -> Option<()> {
        loop {
            self.skip_ws();
            match self.peek() {
                None | Some(b'[') => return Some(()),
                Some(b'#' | b'\r' | b'\n') => {}
                Some(_) => self.key_value(table, 0)?,
            }
            self.skip_ws();
            self.end_of_line()?;
        }
    }

    /// `key = value`, added to `table` unless the key is there already.
    #[inline(always)]
    fn key_value(&mut self, table: &mut Table<'i>, depth: u32) -> Option<()> {
        let (key, key_span) = self.key()?;
        self.skip_ws();
        // Dotted keys before `=` create tables with rules of their own: left
        // to `toml`.
        if !self.eat(b'=') {
            return None;
        }
        self.skip_ws();
        let item = self.value(depth)?;
        if table.contains_key(&key) {
            return None;
        }
        table.push(Entry {
            key,
            key_span,
            item,
        });
        Some(())
    }

    /// `[a.b]` or `[[a.b]]`: its keys (into `keys`), whether it is `[[…]]`,
    /// and its span.
    fn header(&mut self, keys: &mut Vec<(Cow<'i, str>, Span)>) -> Option<(bool, Span)> {
        let start = self.pos;
        self.pos += 1;
        let is_array = self.eat(b'[');
        keys.clear();
        loop {
            self.skip_ws();
            keys.push(self.key()?);
            // A header nests a table per key: past `toml`'s depth, leave it
            // to `toml` to refuse, rather than build a tree too deep to drop.
            if keys.len() > MAX_DEPTH as usize {
                return None;
            }
            self.skip_ws();
            if !self.eat(b'.') {
                break;
            }
        }
        if !self.eat(b']') || (is_array && !self.eat(b']')) {
            return None;
        }
        Some((is_array, start..self.pos))
    }

    /// A line break (LF or CRLF); `false` if there is none here.
    fn newline(&mut self) -> Option<bool> {
        match self.peek() {
            Some(b'\n') => self.pos += 1,
            Some(b'\r') => {
                if !self.rest_starts_with(b"\r\n") {
                    return None;
                }
                self.pos += 2;
            }
            _ => return Some(false),
        }
        Some(true)
    }

    /// An optional comment, then a line break or the end of the text.
    fn end_of_line(&mut self) -> Option<()> {
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        match self.newline()? {
            true => Some(()),
            false => self.peek().is_none().then_some(()),
        }
    }

    /// Whitespace, comments and line breaks, as arrays and inline tables allow
    /// them between values.
    fn skip_blank(&mut self) -> Option<()> {
        loop {
            self.skip_ws();
            if self.peek() == Some(b'#') {
                self.comment()?;
            }
            if !self.newline()? {
                return Some(());
            }
        }
    }

    /// A bare or quoted key (not multi-line) and its span.
    #[inline(always)]
    fn key(&mut self) -> Option<(Cow<'i, str>, Span)> {
        let start = self.pos;
        let key = match self.peek()? {
            b'"' if !self.rest_starts_with(b"\"\"\"") => self.basic_string()?,
            b'\'' if !self.rest_starts_with(b"'''") => self.literal_string()?,
            _ => {
                self.skip(BARE);
                if self.pos == start {
                    return None;
                }
                Cow::Borrowed(self.text.get(start..self.pos)?)
            }
        };
        Some((key, start..self.pos))
    }

    /// A value inside `depth` arrays and inline tables.
    fn value(&mut self, depth: u32) -> Option<Item<'i>> {
        let start = self.pos;
        let value = match self.peek()? {
            b'"' if self.rest_starts_with(b"\"\"\"") => Value::String(self.ml_basic_string()?),
            b'"' => Value::String(self.basic_string()?),
            b'\'' if self.rest_starts_with(b"'''") => Value::String(self.ml_literal_string()?),
            b'\'' => Value::String(self.literal_string()?),
            b'[' => Value::Array(self.array(depth + 1)?),
            b'{' => Value::Table(self.inline_table(depth + 1)?),
            _ => {
                // What `toml` reads as one scalar: up to the next delimiter.
                self.skip(SCALAR);
                plain_scalar(self.text.get(start..self.pos)?)?
            }
        };
        Some(Item {
            value,
            span: start..self.pos,
        })
    }

    fn array(&mut self, depth: u32) -> Option<Array<'i>> {
        // Deeper than `toml` allows: it says so.
        if depth > MAX_DEPTH {
            return None;
        }
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_blank()?;
            if self.eat(b']') {
                break;
            }
            items.push(self.value(depth)?);
            self.skip_blank()?;
            if !self.eat(b',') {
                if self.eat(b']') {
                    break;
                }
                return None;
            }
        }
        Some(Array {
            items,
            of_tables: false,
        })
    }

    /// `{ key = value, … }`, over several lines and with a trailing comma as
    /// TOML 1.1 allows; dotted keys are left to `toml`.
    fn inline_table(&mut self, depth: u32) -> Option<Table<'i>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.pos += 1;
        let mut table = Table::new(TableKind::Inline, 0);
        loop {
            self.skip_blank()?;
            if self.eat(b'}') {
                break;
            }
            self.key_value(&mut table, depth)?;
            self.skip_blank()?;
            if !self.eat(b',') {
                if self.eat(b'}') {
                    break;
                }
                return None;
            }
        }
        Some(table)
    }

    /// `'…'`: the text between the quotes, as it is.
    fn literal_string(&mut self) -> Option<Cow<'i, str>> {
        self.pos += 1;
        let start = self.pos;
        self.skip(LITERAL);
        if self.peek() != Some(b'\'') {
            return None;
        }
        let content = self.text.get(start..self.pos)?;
        self.pos += 1;
        Some(Cow::Borrowed(content))
    }

    /// `'''…'''`: a line break right after the opening quotes is dropped; up
    /// to two quotes may end the text before the closing three.
    fn ml_literal_string(&mut self) -> Option<Cow<'i, str>> {
        self.pos += 3;
        self.newline()?;
        let start = self.pos;
        loop {
            self.skip(LITERAL);
            match self.peek()? {
                b'\'' => {
                    let run = self.quotes(b'\'')?;
                    if run >= 3 {
                        let content = self.text.get(start..self.pos - 3)?;
                        return Some(Cow::Borrowed(content));
                    }
                }
                b'\n' => self.pos += 1,
                b'\r' => {
                    self.newline()?;
                }
                _ => return None,
            }
        }
    }

    /// Skips a run of `quote`s and counts them: more than five cannot end a
    /// multi-line string (`toml` reads the sixth as something else).
    fn quotes(&mut self, quote: u8) -> Option<usize> {
        let start = self.pos;
        while self.peek() == Some(quote) {
            self.pos += 1;
        }
        let run = self.pos - start;
        (run <= 5).then_some(run)
    }

    /// `"…"`, escapes decoded.
    fn basic_string(&mut self) -> Option<Cow<'i, str>> {
        self.pos += 1;
        let mut text = Unescaped::new(self.pos);
        loop {
            self.skip(BASIC);
            match self.peek()? {
                b'"' => break,
                b'\\' => {
                    text.flush(self.text, self.pos)?;
                    self.pos += 1;
                    let c = self.escape()?;
                    text.push(c, self.pos);
                }
                _ => return None,
            }
        }
        let content = text.finish(self.text, self.pos)?;
        self.pos += 1;
        Some(content)
    }

    /// `"""…"""`: escapes decoded, a line break right after the opening quotes
    /// dropped, a backslash at the end of a line eats the line break and the
    /// whitespace after it.
    fn ml_basic_string(&mut self) -> Option<Cow<'i, str>> {
        self.pos += 3;
        self.newline()?;
        let mut text = Unescaped::new(self.pos);
        loop {
            self.skip(BASIC);
            match self.peek()? {
                b'"' => {
                    let run = self.quotes(b'"')?;
                    if run >= 3 {
                        return text.finish(self.text, self.pos - 3);
                    }
                }
                b'\\' => {
                    text.flush(self.text, self.pos)?;
                    self.pos += 1;
                    if let Some(b' ' | b'\t' | b'\r' | b'\n') = self.peek() {
                        self.skip_ws();
                        if !self.newline()? {
                            return None;
                        }
                        while self.skip_ws_newline()? {}
                        text.skip(self.pos);
                    } else {
                        let c = self.escape()?;
                        text.push(c, self.pos);
                    }
                }
                b'\n' => self.pos += 1,
                b'\r' => {
                    self.newline()?;
                }
                _ => return None,
            }
        }
    }

    /// Skips whitespace and at most one line break; `true` if it moved.
    fn skip_ws_newline(&mut self) -> Option<bool> {
        let start = self.pos;
        self.skip_ws();
        self.newline()?;
        Some(self.pos != start)
    }

    /// The character an escape (after its backslash) stands for.
    fn escape(&mut self) -> Option<char> {
        let b = self.peek()?;
        self.pos += 1;
        Some(match b {
            b'b' => '\u{8}',
            b'e' => '\u{1b}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'"' => '"',
            b'\\' => '\\',
            b'x' => self.hex(2)?,
            b'u' => self.hex(4)?,
            b'U' => self.hex(8)?,
            _ => return None,
        })
    }

    fn hex(&mut self, digits: usize) -> Option<char> {
        let end = self.pos.checked_add(digits)?;
        let hex = self.text.get(self.pos..end)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos = end;
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }
}

/// A string's content: borrowed from the text until an escape needs a copy.
struct Unescaped {
    owned: Option<String>,
    /// Where the text not yet copied starts.
    from: usize,
}

impl Unescaped {
    fn new(from: usize) -> Self {
        Unescaped { owned: None, from }
    }

    /// Copies the text up to `to` (where an escape starts).
    fn flush(&mut self, text: &str, to: usize) -> Option<()> {
        let part = text.get(self.from..to)?;
        match &mut self.owned {
            Some(s) => s.push_str(part),
            None => self.owned = Some(part.to_string()),
        }
        Some(())
    }

    /// Adds an escape's character; the text goes on at `from`.
    fn push(&mut self, c: char, from: usize) {
        if let Some(s) = &mut self.owned {
            s.push(c);
        }
        self.from = from;
    }

    /// Leaves out what was read up to `from` (a line-ending backslash and the
    /// whitespace after it).
    fn skip(&mut self, from: usize) {
        self.from = from;
    }

    #[inline]
    fn finish<'i>(self, text: &'i str, to: usize) -> Option<Cow<'i, str>> {
        let rest = text.get(self.from..to)?;
        Some(match self.owned {
            None => Cow::Borrowed(rest),
            Some(mut s) => {
                s.push_str(rest);
                Cow::Owned(s)
            }
        })
    }
}

/// Resolves `[a.b]` or `[[a.b]]` (its keys taken out of `keys`) into `path`,
/// the entry indices of the table it names, creating the tables on the way as
/// `toml` does and refusing what `toml` refuses.
fn open_header<'i>(
    root: &mut Table<'i>,
    keys: &mut Vec<(Cow<'i, str>, Span)>,
    is_array: bool,
    span: Span,
    path: &mut Vec<usize>,
) -> Option<()> {
    let (last, last_span) = keys.pop()?;
    path.clear();
    let mut table = root;
    for (key, key_span) in keys.drain(..) {
        let index = match table.position(&key) {
            Some(index) => index,
            None => table.push(Entry {
                key,
                key_span: key_span.clone(),
                item: Item {
                    value: Value::Table(Table::new(TableKind::Implicit, 0)),
                    span: key_span,
                },
            }),
        };
        path.push(index);
        table = match &mut table.entries.get_mut(index)?.item.value {
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
    let new_table = |span: Span| Item {
        // As many as the first push would make room for, without the growth
        // path.
        value: Value::Table(Table::new(TableKind::Header, 4)),
        span,
    };
    let index = match table.position(&last) {
        None => {
            let item = if is_array {
                // `[[…]]` usually comes back: room for a few more.
                let mut items = Vec::with_capacity(4);
                items.push(new_table(span.clone()));
                Item {
                    value: Value::Array(Array {
                        items,
                        of_tables: true,
                    }),
                    span,
                }
            } else {
                new_table(span)
            };
            table.push(Entry {
                key: last,
                key_span: last_span,
                item,
            })
        }
        Some(index) => {
            let entry = table.entries.get_mut(index)?;
            match &mut entry.item.value {
                Value::Array(a) if is_array && a.of_tables => a.items.push(new_table(span)),
                // `[a]` after `[a.b]` defines `a`, once.
                Value::Table(t) if !is_array && t.kind == TableKind::Implicit => {
                    t.kind = TableKind::Header;
                    entry.item.span = span;
                    entry.key_span = last_span;
                }
                _ => return None,
            }
            index
        }
    };
    path.push(index);
    Some(())
}

/// The unquoted scalars front matter is made of — `true`, `42`, `-3.25`,
/// `2026-01-15` — and `None` for anything else, which `toml` then reads or
/// rejects.
fn plain_scalar(text: &str) -> Option<Value<'_>> {
    let b = text.as_bytes();
    match *b {
        [b't', b'r', b'u', b'e'] => return Some(Value::Boolean(true)),
        [b'f', b'a', b'l', b's', b'e'] => return Some(Value::Boolean(false)),
        [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] => {
            return date([y1, y2, y3, y4], [m1, m2], [d1, d2]);
        }
        _ => {}
    }
    // -?(0|[1-9][0-9]*)(\.[0-9]+)?
    let unsigned = b.strip_prefix(b"-").unwrap_or(b);
    let int = unsigned
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(unsigned.len());
    if int == 0 || (int > 1 && unsigned.first() == Some(&b'0')) {
        return None;
    }
    match unsigned.get(int..)? {
        [] => Some(Value::Integer(Cow::Borrowed(text), 10)),
        [b'.', frac @ ..] if !frac.is_empty() && frac.iter().all(u8::is_ascii_digit) => {
            Some(Value::Float(Cow::Borrowed(text)))
        }
        _ => None,
    }
}

/// `YYYY-MM-DD`, only real calendar days: `toml` explains the others.
fn date(year: [u8; 4], month: [u8; 2], day: [u8; 2]) -> Option<Value<'static>> {
    fn number(digits: &[u8]) -> Option<u16> {
        digits.iter().try_fold(0u16, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u16::from(c - b'0'))
        })
    }
    let year = number(&year)?;
    let month = u8::try_from(number(&month)?).ok()?;
    let day = u8::try_from(number(&day)?).ok()?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    (1..=days)
        .contains(&day)
        .then_some(Value::Datetime(Datetime {
            date: Some(toml::value::Date { year, month, day }),
            time: None,
            offset: None,
        }))
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

/// `toml`'s tree, for documents the fast path leaves to it.
fn convert_table(table: DeTable<'_>, kind: TableKind) -> Table<'_> {
    let mut converted = Table::new(kind, table.len());
    for (key, value) in table {
        let key_span = key.span();
        converted.push(Entry {
            key: key.into_inner(),
            key_span,
            item: convert(value),
        });
    }
    converted
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

/// How the fast path and `toml` disagree on `text`, if they do: the fast path
/// took a document `toml` refuses, or read it into another tree (keys, values
/// and every span compared; entries in any order). For the unit tests and the
/// fuzz targets (`fuzz/src/lib.rs`), which ask it of every input they try.
#[doc(hidden)]
pub fn disagreement_with_toml(text: &str) -> Option<String> {
    let fast = fast(text)?;
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Some(format!(
            "the fast path took what toml refuses ({errors:?}):\n{text:?}"
        ));
    }
    let (ours, theirs) = (
        flatten(&fast),
        flatten(&convert_table(root.into_inner(), TableKind::Header)),
    );
    let differ = ours.iter().zip(&theirs).find(|(a, b)| a != b);
    match differ {
        None if ours.len() == theirs.len() => None,
        None => Some(format!(
            "{} entries read, toml has {}:\n{text:?}",
            ours.len(),
            theirs.len()
        )),
        Some((a, b)) => Some(format!("read {a:?}, toml has {b:?}:\n{text:?}")),
    }
}

/// Every key and value of a tree, one line each: its path, the key's span,
/// what it is and its value's span; sorted, since `toml` orders keys its way.
fn flatten(table: &Table<'_>) -> Vec<String> {
    fn table_lines(path: &str, table: &Table<'_>, out: &mut Vec<String>) {
        for e in table.iter() {
            let path = format!("{path}.{:?}", e.key);
            out.push(format!("{path} key {:?}", e.key_span));
            item_lines(&path, &e.item, out);
        }
    }
    fn item_lines(path: &str, item: &Item<'_>, out: &mut Vec<String>) {
        let shown = match &item.value {
            Value::Table(t) => {
                table_lines(path, t, out);
                "table".to_string()
            }
            Value::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    item_lines(&format!("{path}[{i}]"), item, out);
                }
                format!("array of {}", a.items.len())
            }
            Value::String(s) => format!("string {s:?}"),
            Value::Integer(s, radix) => format!("integer {s} radix {radix}"),
            Value::Float(s) => format!("float {s}"),
            Value::Boolean(b) => format!("bool {b}"),
            Value::Datetime(d) => format!("datetime {d}"),
        };
        out.push(format!("{path} {shown} at {:?}", item.span));
    }
    let mut out = Vec::new();
    table_lines("", table, &mut out);
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path takes `text` and reads it as `toml` does.
    fn same_as_toml(text: &str) {
        assert!(fast(text).is_some(), "fast path refused:\n{text:?}");
        if let Some(problem) = disagreement_with_toml(text) {
            panic!("{problem}");
        }
    }

    /// The fast path leaves `text` to `toml`, and `parse` gives `toml`'s result.
    fn left_to_toml(text: &str) {
        assert!(fast(text).is_none(), "fast path took:\n{text:?}");
        let (root, errors) = DeTable::parse_recoverable(text);
        match parse(text) {
            Ok(table) => {
                assert!(errors.is_empty(), "{text:?}");
                assert_eq!(table, convert_table(root.into_inner(), TableKind::Header));
            }
            Err((got, _)) => assert_eq!(got.len(), errors.len(), "{text:?}"),
        }
    }

    /// `toml` refuses `text`, and so does `parse`, with `toml`'s messages.
    fn refused(text: &str) {
        left_to_toml(text);
        assert!(parse(text).is_err(), "accepted:\n{text:?}");
    }

    /// Keys are looked up in an index once a table has many: a table of
    /// 400,000 keys (6 MB, four times the 1.5 MB that once took 14 seconds)
    /// costs four times one of 100,000. So do as many `[headers]`.
    #[test]
    fn many_keys_cost_linear_time() {
        let keys = |n: usize| {
            (0..n)
                .map(|i| format!("key{i} = {i}\n"))
                .collect::<String>()
        };
        crate::check::testing::assert_linear("keys", 100_000, keys, |text| {
            assert!(fast(text).is_some_and(|t| t.iter().count() > 1));
        });
        let headers = |n: usize| (0..n).map(|i| format!("[t{i}]\n")).collect::<String>();
        crate::check::testing::assert_linear("headers", 100_000, headers, |text| {
            assert!(fast(text).is_some_and(|t| t.iter().count() > 1));
        });
    }

    #[test]
    fn reads_front_matter_like_toml() {
        same_as_toml(
            r#"title = "Win \"Germany\" \u00e9"
period = '2026-Q1'
tags = ["a", "b"]   # comment
weights = [1, 2.5, -3, 0, -0, -0.0, 10.125]
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
        same_as_toml("[\t\"\\u0061\" . b ]\t# comment\n\"a\" = 1\n[[ x.y ]]\n[[x . y]]\n");
        same_as_toml("[[a.b]]\n[a]\nc = 1\n[a.d]\n");
        same_as_toml("[a.b.c]\n[a.b]\n[a]\n[x]\n[x.y]\n");
        same_as_toml("a = -0\nb = 0.5\nc = 10\nd = 2024-02-29\ne = -12.75\nf = true\n");
        same_as_toml("d = 2000-02-29\ne = 0000-01-01\nf = 9999-12-31\ng = 2026-04-30\n");
        same_as_toml("big = 123456789012345678901234567890\nf = 0.000000000000000000001\n");
        same_as_toml("");
        same_as_toml("# only a comment\n\n");
        same_as_toml("\n\n  \t\n# é ü \t\n");
        same_as_toml("a = []\nb = {}\nc = [[], [[]]]\n");
        same_as_toml("a = 1");
        same_as_toml("[a]");
        same_as_toml("a = 1 # no line break after this");
        same_as_toml("\"\" = 1\n[x]\n'' = 2\n");
        same_as_toml("A-b_9 = 1\n1 = 2\n-- = 3\n_ = 4\n");
    }

    #[test]
    fn reads_line_ends_whitespace_and_comments_like_toml() {
        same_as_toml("a = 1\r\nb = \"x\"\r\n[t]\r\n# c\r\nc = [\r\n  1,\r\n]\r\n");
        same_as_toml("  a\t=\t1  \t\n\t[t]   \n   b=2#c\n");
        same_as_toml("a = [ # open\n  1, # one\n\n  # alone\n  2 , 3,\n  # end\n] # closed\n");
        same_as_toml("a = [\n]\nb = [ ]\nc = [1,]\nd = [\n1\n,\n2\n]\n");
        same_as_toml("# plain comment with 'quotes' \"and\" [brackets] = {}\n");
    }

    #[test]
    fn reads_strings_like_toml() {
        same_as_toml(
            r##"a = "\b\t\n\f\r\"\\\e\x41\u00e9\U0001F600 end"
b = 'C:\path\no "escapes"'
c = ""
d = ''
e = "tab	inside and ünïcödé"
f = "\u0000"
g = "#not a comment"
"##,
        );
        same_as_toml("a = \"\"\"\nfirst line dropped\"\"\"\nb = '''\nsame'''\n");
        same_as_toml("a = \"\"\"\r\nCRLF kept\r\ninside\"\"\"\n");
        same_as_toml("a = \"\"\"no break\"\"\"\nb = '''no break'''\n");
        same_as_toml("a = \"\"\"one \\\n    two \\\n\n  \t\n   three\"\"\"\n");
        same_as_toml("a = \"\"\"trailing \\  \t\r\n  ws\"\"\"\n");
        same_as_toml("a = \"\"\"ends in quotes\"\"\"\"\"\nb = \"\"\"one\"\"\"\"\n");
        same_as_toml("a = '''ends in quotes'''''\nb = '''one''''\n");
        same_as_toml("a = \"\"\"\"\"\"\nb = ''''''\nc = \"\"\"\"\"\"\"\nd = \"\"\"\"\"\"\"\"\n");
        same_as_toml("a = \"\"\"in \"quotes\" and \"\"two\"\" \\\"\"\" escaped\"\"\"\n");
        same_as_toml("a = '''it's a ''quote'' \\ no escape'''\n");
        same_as_toml("a = \"\"\"\\u00e9\\ttab\\\\\"\"\"\n");
        same_as_toml("a = \"\"\"\n\n\"\"\"\nb = '''\n\n'''\n");
    }

    #[test]
    fn reads_inline_tables_like_toml() {
        same_as_toml("a = { x = 1, y = \"two\", z = [3] }\n");
        same_as_toml("a = {x=1,y={z={}}}\n");
        same_as_toml("a = {\n  x = 1, # one\n  'y' = 2,\n}\n");
        same_as_toml("a = [{ x = 1 }, { x = 2 },]\n");
        same_as_toml("[t]\na = { \"quoted\" = 1 }\n");
    }

    /// Arrays and inline tables nest as deep as `toml` allows; deeper ones are
    /// left to it (and must not overflow the stack).
    #[test]
    fn nesting_as_deep_as_toml_allows() {
        let nested = |depth: usize| format!("x = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
        same_as_toml(&nested(80));
        refused(&nested(81));
        refused(&nested(100_000));
        let inline = |depth: usize| format!("x = {}{}\n", "{a=".repeat(depth), "}".repeat(depth));
        refused(&inline(100_000));
        let mixed = format!("x = {}1{}\n", "[{a=".repeat(40), "}]".repeat(40));
        same_as_toml(&mixed);
        refused(&format!(
            "x = [{}1{}]\n",
            "[{a=".repeat(40),
            "}]".repeat(40)
        ));
    }

    /// What the fast path does not take, `toml` reads: the results are `toml`'s.
    #[test]
    fn leaves_the_unusual_to_toml() {
        for text in [
            "a.b = 1\n",
            "a . b = 1\n",
            "x = { a.b = 1 }\n",
            "x = { a\n= 1 }\n",
            "x = { a =\n1 }\n",
            "x = 0x1F\n",
            "x = 0o17\n",
            "x = 0b101\n",
            "x = 1_000\n",
            "x = 1.5_0\n",
            "x = 6e2\n",
            "x = 1.5E-3\n",
            "x = +1\n",
            "x = +1.5\n",
            "x = inf\n",
            "x = -nan\n",
            "x = 1979-05-27T07:32:00Z\n",
            "x = 1979-05-27 07:32:00\n",
            "x = 1979-05-27T00:32:00.999999-07:00\n",
            "x = 07:32:00\n",
            "x = 07:32\n",
            "\u{feff}x = 1\n",
        ] {
            left_to_toml(text);
            assert!(parse(text).is_ok(), "{text:?}");
        }
    }

    /// Every mistake is `toml`'s to report.
    #[test]
    fn leaves_the_wrong_to_toml() {
        for text in [
            // Keys and tables defined twice, or as two kinds.
            "a = 1\na = 2\n",
            "a = 1\n'a' = 2\n",
            "a = 1\n\"\\u0061\" = 2\n",
            "[a]\n[a]\n",
            "[a]\nb = 1\n[a.b]\n",
            "[a.b]\n[a]\n[a.b]\n",
            "[a.b]\n[a]\n[a]\n",
            "[a]\nb = 1\n[a]\n",
            "a = [1]\n[[a]]\n",
            "[[a]]\n[a]\n",
            "[a]\n[[a]]\n",
            "[a.b]\n[[a]]\n",
            "a = {}\n[a.b]\n",
            "a = {}\n[a]\n",
            "a = 1\n[a.b]\n",
            "a = 1\n[a]\n",
            "x = { a = 1, a = 2 }\n",
            // Keys and values missing or run together.
            "x = \n",
            "x =",
            "x\n",
            "x = 1 y = 2\n",
            "x = 1 2\n",
            "x = \"a\" \"b\"\n",
            "x = \"a\"b\n",
            "x = 1\"a\"\n",
            "x = = 1\n",
            "= 1\n",
            "a$ = 1\n",
            "é = 1\n",
            "[a\n",
            "[[a]\n",
            "[[a] ]\n",
            "[ [a]]\n",
            "[a]]\n",
            "[]\n",
            "[a.]\n",
            "[.a]\n",
            "[a] x = 1\n",
            "[a]\nx = 1 [b]\n",
            "]\n",
            "x = [1,2\n",
            "x = [1 2]\n",
            "x = [,]\n",
            "x = [1,,2]\n",
            "x = {a=1 b=2}\n",
            "x = {a=1,,}\n",
            "x = {,}\n",
            "x = {a}\n",
            "x = {a=}\n",
            "x = {\n",
            "x = }\n",
            // Numbers, dates and words `toml` does not know.
            "x = 1.\n",
            "x = .5\n",
            "x = 01\n",
            "x = -01\n",
            "x = 00.5\n",
            "x = 1.5.6\n",
            "x = -\n",
            "x = 1-\n",
            "x = tru\n",
            "x = True\n",
            "x = truee\n",
            "x = 2026-02-30\n",
            "x = 2023-02-29\n",
            "x = 1900-02-29\n",
            "x = 2026-13-01\n",
            "x = 2026-00-10\n",
            "x = 2026-01-00\n",
            "x = 2026-01-32\n",
            "x = 2026-1-01\n",
            "x = 2026-01-01-\n",
            // Strings.
            "x = \"\\q\"\n",
            "x = \"\\\"\n",
            "x = \"\\u00\"\n",
            "x = \"\\u00e\"\n",
            "x = \"\\uD800\"\n",
            "x = \"\\U00110000\"\n",
            "x = \"\\x4\"\n",
            "x = \"\\ \n\"\n",
            "x = \"a\n\"\n",
            "x = 'a\n'\n",
            "x = \"a\u{7f}\"\n",
            "x = 'a\u{1}'\n",
            "x = \"a\u{0}\"\n",
            "x = \"a\rb\"\n",
            "x = \"a\n",
            "x = 'a\n",
            "x = \"a",
            "x = \"\"\"a\n",
            "x = '''a\n",
            "x = \"\"\"a\"\"\"\"\"\"\n",
            "x = '''a''''''\n",
            "x = \"\"\"a\\  b\"\"\"\n",
            "x = \"\"\"a\\\rb\"\"\"\n",
            "x = \"\"\"a\rb\"\"\"\n",
            "x = '''a\rb'''\n",
            "x = \"\"\"\r\"\"\"\n",
            "x = \"\"\"\u{7f}\"\"\"\n",
            "x = '''\u{1}'''\n",
            "x = \"\"\"\\q\"\"\"\n",
            "\"\"\"a\"\"\" = 1\n",
            "'''a''' = 1\n",
            "[\"\"\"a\"\"\"]\n",
            // Control characters and line ends.
            "x = 1\0\n",
            "x = 1\r",
            "x = 1\ry = 2\n",
            "# c\ry = 2\n",
            "x = [1,\r2]\n",
            "x = 1 # \u{1}\n",
            "# \u{7f}\n",
            "# \0\n",
            "x = [1, # \u{8}\n]\n",
            "\r\n\r",
            "\u{c}x = 1\n",
            "x = 1\u{b}\n",
        ] {
            refused(text);
        }
    }

    /// Every front matter and `okr.toml` in the repository's examples and
    /// fixtures reads the same on both paths, and only documents `toml`
    /// refuses, or that use forms listed in `leaves_the_unusual_to_toml`, are
    /// left to it.
    #[test]
    fn reads_every_fixture_like_toml() {
        let mut checked = 0;
        for (path, toml) in fixture_documents() {
            if let Some(problem) = disagreement_with_toml(&toml) {
                panic!("{path}: {problem}");
            }
            if fast(&toml).is_some() {
                checked += 1;
            } else if parse(&toml).is_ok() {
                let underscore = toml
                    .as_bytes()
                    .windows(3)
                    .any(|w| w[0].is_ascii_digit() && w[1] == b'_' && w[2].is_ascii_digit());
                assert!(
                    underscore
                        || ["T0", "0x", "e6", "inf", "\u{feff}"]
                            .iter()
                            .any(|f| toml.contains(f)),
                    "{path} was left to toml"
                );
            }
        }
        assert!(checked > 50, "only {checked} files checked");
    }

    /// The TOML of every front matter and `okr.toml` under `example-okrs/`
    /// and `tests/fixtures/`, with its path.
    fn fixture_documents() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut documents = Vec::new();
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
                    match crate::read::frontmatter::split(&text) {
                        Ok(split) => split.toml,
                        Err(_) => continue,
                    }
                } else {
                    continue;
                };
                documents.push((entry.path().display().to_string(), toml.to_string()));
            }
        }
        documents
    }

    /// Fixtures changed a byte at a time — dropped, doubled, or replaced by
    /// one that means something to TOML — read the same on both paths: the
    /// fast path takes none that `toml` refuses, and reads the rest as it does.
    #[test]
    fn mutated_fixtures_read_like_toml() {
        const BYTES: &[u8] = b"\"'\\[]{},=.#\n\r\t -+_0159aeEtxuU:\x00\x7f";
        let documents = fixture_documents();
        // A fixed linear congruential sequence: the same inputs on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |below: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).unwrap_or(0) % below.max(1)
        };
        let (mut taken, mut tried) = (0, 0);
        for (path, toml) in &documents {
            let bytes = toml.as_bytes();
            for _ in 0..150 {
                let at = next(bytes.len());
                let mut mutated = bytes.to_vec();
                match next(3) {
                    0 => {
                        if at < mutated.len() {
                            mutated.remove(at);
                        }
                    }
                    1 => mutated.insert(at, bytes.get(at).copied().unwrap_or(b' ')),
                    _ => {
                        let byte = BYTES[next(BYTES.len())];
                        match mutated.get_mut(at) {
                            Some(b) => *b = byte,
                            None => mutated.push(byte),
                        }
                    }
                }
                let Ok(text) = String::from_utf8(mutated) else {
                    continue;
                };
                tried += 1;
                if let Some(problem) = disagreement_with_toml(&text) {
                    panic!("{path}, mutated: {problem}");
                }
                taken += usize::from(fast(&text).is_some());
            }
        }
        // Most changes keep the document valid, and most of those stay on the fast path.
        assert!(tried > 5_000 && taken > tried / 4, "{taken} of {tried}");
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

    /// Keys stay in the order they were written, in every table.
    #[test]
    fn keeps_keys_in_written_order() {
        let root = fast("b = 1\na = 2\n[z]\ny = 1\nx = { d = 1, c = 2 }\n[m]\n").unwrap();
        let keys = |t: &Table<'_>| t.iter().map(|e| e.key.to_string()).collect::<Vec<_>>();
        assert_eq!(keys(&root), ["b", "a", "z", "m"]);
        let z = root.get("z").and_then(Item::as_table).unwrap();
        assert_eq!(keys(z), ["y", "x"]);
        assert_eq!(
            keys(z.get("x").and_then(Item::as_table).unwrap()),
            ["d", "c"]
        );
    }
}
