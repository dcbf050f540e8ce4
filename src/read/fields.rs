//! Typed reading of spanned TOML tables: every field that does not fit is
//! reported as `invalid-front-matter`, pointing at the key or value.

use crate::model::Spanned;
use crate::model::diagnostic::{Diagnostic, Rule, did_you_mean};
use crate::model::source::{FileId, SourceFile, Span};
use crate::read::mistakes::{self, number_fix, number_help};
use crate::read::schema::Field;
use crate::read::toml_doc::{Item, Table, Value};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::ops::Range;

/// A date in quotes, only as TOML writes one bare: `YYYY-MM-DD` with a
/// four-digit year (chrono alone would also take `2026-2-1` or `-200000-01-01`).
pub(crate) fn quoted_date(text: &str) -> Option<NaiveDate> {
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        let digits_only = part.bytes().all(|b| b.is_ascii_digit());
        digits_only.then(|| part.parse().ok())?
    };
    let dashes = text.len() == 10 && text.get(4..5) == Some("-") && text.get(7..8) == Some("-");
    if !dashes {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

/// Reads typed fields out of TOML tables, reporting what does not fit.
pub struct Reader {
    pub file: FileId,
    /// Where the TOML starts in the file: TOML spans are relative to it.
    pub offset: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether a problem leaves the file without an entity worth keeping:
    /// its TOML unread, or a required key (its title, its period) missing.
    /// Other problems are reported and the entity is built from the rest.
    pub fatal: bool,
    /// Numbers written in prose (`20%`) that TOML refused, already reported:
    /// the start of each value's TOML span, and the number it means.
    pub repaired: HashMap<usize, f64>,
    /// Misspelt or differently named keys to read in place of declared ones
    /// that are absent (`taget` for `target`), by the table's address: the
    /// declared key and the key as written. The misspelling is reported once,
    /// and nothing is reported again as missing.
    aliases: HashMap<usize, Vec<(&'static str, String)>>,
}

/// A table's identity while its document is read.
fn address(table: &Table<'_>) -> usize {
    std::ptr::from_ref(table) as usize
}

/// A TOML value's type, as a user would name it.
pub fn type_name(value: &Value<'_>) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(..) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(dt) => match (dt.date, dt.time) {
            (Some(_), Some(_)) => "a date-time",
            (None, Some(_)) => "a time",
            _ => "a date",
        },
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

impl Reader {
    pub fn new(file: FileId, offset: usize) -> Self {
        Reader {
            file,
            offset,
            diagnostics: Vec::new(),
            fatal: false,
            repaired: HashMap::new(),
            aliases: HashMap::new(),
        }
    }

    pub fn span(&self, toml_span: Range<usize>) -> Span {
        (toml_span.start + self.offset..toml_span.end + self.offset).into()
    }

    /// The opening fence: where findings about the whole file point.
    pub fn header(&self) -> Span {
        (0..3).into()
    }

    pub fn report(&mut self, toml_span: Range<usize>, message: String, help: Option<String>) {
        let span = self.span(toml_span);
        self.report_at(span, message, help);
    }

    pub fn report_at(&mut self, span: Span, message: String, help: Option<String>) {
        let mut d = Diagnostic::new(Rule::InvalidFrontMatter, self.file, Some(span), message);
        d.help = help;
        self.diagnostics.push(d);
    }

    pub fn report_fatal(&mut self, span: Span, message: String, help: Option<String>) {
        self.fatal = true;
        self.report_at(span, message, help);
    }

    pub fn wrong_type(&mut self, key: &str, value: &Item<'_>, expected: &str) {
        let found = type_name(&value.value);
        let help = match (expected, &value.value) {
            ("a number", Value::String(s)) if s.replace('_', "").parse::<f64>().is_ok() => {
                Some(format!("write the number without quotes: `{key} = {s}`"))
            }
            ("a number", Value::String(s)) if mistakes::MEASURED.contains(&key) => {
                number_fix(s).map(|fix| number_help(key, &fix))
            }
            ("a date", Value::Datetime(dt)) if dt.date.is_some() => dt
                .date
                .map(|date| format!("write only the date: `{key} = {date}`")),
            ("a date", _) => Some(format!("write a date like `{key} = 2026-01-15`")),
            ("an array of strings", Value::String(s)) => {
                Some(format!("write a list: `{key} = [\"{s}\"]`"))
            }
            _ => None,
        };
        self.report(
            value.span.clone(),
            format!("`{key}` must be {expected}, not {found}"),
            help,
        );
    }

    /// Reports every key of `table` that is not one of the declared `known`
    /// fields; a misspelt key stands in for the declared one it means, when
    /// that one is absent.
    pub fn check_keys(&mut self, table: &Table<'_>, known: &[Field], what: &str) {
        for entry in table.iter() {
            let name: &str = &entry.key;
            if known.iter().any(|f| f.name == name) {
                continue;
            }
            let mistake = mistakes::known_mistake(what, name);
            let meant = match &mistake {
                Some(m) => m.means,
                None => did_you_mean(name, known.iter().map(|f| f.name)),
            };
            let help = match (&mistake, meant) {
                (Some(m), _) => m.help.to_string(),
                (None, Some(s)) => format!("did you mean `{s}`?"),
                (None, None) => {
                    let names: Vec<&str> = known.iter().map(|f| f.name).collect();
                    format!("the keys allowed here are: {}", names.join(", "))
                }
            };
            if let Some(field) = meant.and_then(|m| known.iter().find(|f| f.name == m))
                && !table.contains_key(field.name)
            {
                let stand_ins = self.aliases.entry(address(table)).or_default();
                if !stand_ins
                    .iter()
                    .any(|(declared, _)| *declared == field.name)
                {
                    stand_ins.push((field.name, name.to_string()));
                }
            }
            self.report(
                entry.key_span.clone(),
                format!("unknown key `{name}` in {what}"),
                Some(help),
            );
        }
    }

    /// The value of `key`, or of the misspelt key written for it.
    fn value<'t, 'i>(&self, table: &'t Table<'i>, key: &str) -> Option<&'t Item<'i>> {
        let value = table.get(key);
        if value.is_some() || self.aliases.is_empty() {
            return value;
        }
        let stand_ins = self.aliases.get(&address(table))?;
        let (_, written) = stand_ins.iter().find(|(declared, _)| *declared == key)?;
        table.get(written)
    }

    pub fn string(&mut self, table: &Table<'_>, key: &str) -> Option<Spanned<String>> {
        let value = self.value(table, key)?;
        match &value.value {
            Value::String(s) => Some(Spanned::new(s.to_string(), self.span(value.span.clone()))),
            _ => {
                self.wrong_type(key, value, "a string");
                None
            }
        }
    }

    pub fn required_string(
        &mut self,
        table: &Table<'_>,
        key: &str,
        missing_at: Span,
        what: &str,
    ) -> Spanned<String> {
        if let Some(value) = self.string(table, key) {
            return value;
        }
        // Without its title or period an entity is not worth keeping.
        self.fatal = true;
        if !table.contains_key(key) {
            self.report_at(
                missing_at,
                format!("the {what} has no `{key}`"),
                Some(format!("add `{key} = \"…\"`")),
            );
        }
        Spanned::new(String::new(), missing_at)
    }

    /// A string, or an array of strings where `single_allowed`.
    pub fn strings(
        &mut self,
        table: &Table<'_>,
        key: &str,
        single_allowed: bool,
    ) -> Vec<Spanned<String>> {
        let Some(value) = self.value(table, key) else {
            return Vec::new();
        };
        match &value.value {
            Value::String(s) if single_allowed => {
                vec![Spanned::new(s.to_string(), self.span(value.span.clone()))]
            }
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match &item.value {
                        Value::String(s) => {
                            out.push(Spanned::new(s.to_string(), self.span(item.span.clone())))
                        }
                        other => self.report(
                            item.span.clone(),
                            format!("`{key}` must list strings, not {}", type_name(other)),
                            None,
                        ),
                    }
                }
                out
            }
            _ if single_allowed => {
                self.wrong_type(key, value, "a string or an array of strings");
                Vec::new()
            }
            Value::String(s) => {
                // Reported: the one string meant stands, so that nothing is
                // reported again for it (a team's lead not among its members).
                self.wrong_type(key, value, "an array of strings");
                vec![Spanned::new(s.to_string(), self.span(value.span.clone()))]
            }
            _ => {
                self.wrong_type(key, value, "an array of strings");
                Vec::new()
            }
        }
    }

    pub fn number(&mut self, table: &Table<'_>, key: &str) -> Option<Spanned<f64>> {
        let value = self.value(table, key)?;
        let number = match &value.value {
            Value::Integer(digits, radix) => {
                i64::from_str_radix(digits, *radix).ok().map(|n| n as f64)
            }
            Value::Float(text) => {
                // Underscores are rare: avoid an allocation unless there are some.
                if text.contains('_') {
                    text.replace('_', "").parse::<f64>().ok()
                } else {
                    text.parse::<f64>().ok()
                }
            }
            Value::String(_) if self.repaired.contains_key(&value.span.start) => {
                self.repaired.get(&value.span.start).copied()
            }
            Value::String(s) => {
                self.wrong_type(key, value, "a number");
                // Reported: the number meant stands, so that nothing else
                // is reported for a key result without a target.
                let fix = mistakes::MEASURED.contains(&key).then(|| number_fix(s));
                let number = fix.flatten()?.number;
                return Some(Spanned::new(number, self.span(value.span.clone())));
            }
            _ => {
                self.wrong_type(key, value, "a number");
                return None;
            }
        };
        match number {
            Some(n) if n.is_finite() => Some(Spanned::new(n, self.span(value.span.clone()))),
            _ => {
                self.report(
                    value.span.clone(),
                    format!("`{key}` must be a finite number"),
                    None,
                );
                None
            }
        }
    }

    pub fn boolean(&mut self, table: &Table<'_>, key: &str) -> Option<Spanned<bool>> {
        let value = self.value(table, key)?;
        match &value.value {
            Value::Boolean(b) => Some(Spanned::new(*b, self.span(value.span.clone()))),
            _ => {
                self.wrong_type(key, value, "true or false");
                None
            }
        }
    }

    /// A bare TOML date; a quoted `"2026-01-15"` is accepted too.
    pub fn date(&mut self, table: &Table<'_>, key: &str) -> Option<Spanned<NaiveDate>> {
        let value = self.value(table, key)?;
        let date = match &value.value {
            Value::Datetime(dt) if dt.time.is_none() => dt
                .date
                .and_then(|d| NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())),
            Value::String(s) => quoted_date(s),
            _ => None,
        };
        match date {
            Some(date) => Some(Spanned::new(date, self.span(value.span.clone()))),
            None => {
                self.wrong_type(key, value, "a date");
                None
            }
        }
    }

    /// A table such as `[retrospective]`, with its span.
    pub fn table<'t, 'i>(
        &mut self,
        table: &'t Table<'i>,
        key: &str,
    ) -> Option<(&'t Table<'i>, Span)> {
        let value = self.value(table, key)?;
        match &value.value {
            Value::Table(t) => Some((t, self.span(value.span.clone()))),
            _ => {
                self.wrong_type(key, value, &format!("a table (`[{key}]`)"));
                None
            }
        }
    }

    /// An array of tables such as `[[key_results]]`, with each table's span.
    pub fn tables<'t, 'i>(
        &mut self,
        table: &'t Table<'i>,
        key: &str,
    ) -> Vec<(&'t Table<'i>, Span)> {
        let Some(value) = self.value(table, key) else {
            return Vec::new();
        };
        let Value::Array(items) = &value.value else {
            self.wrong_type(key, value, &format!("an array of tables (`[[{key}]]`)"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match &item.value {
                Value::Table(t) => out.push((t, self.span(item.span.clone()))),
                other => self.report(
                    item.span.clone(),
                    format!(
                        "`{key}` must hold tables (`[[{key}]]`), not {}",
                        type_name(other)
                    ),
                    None,
                ),
            }
        }
        out
    }

    /// The explicit `id`, else the file stem (with an empty span: it has no place in the text).
    pub fn id(&mut self, table: &Table<'_>, file: &SourceFile) -> Spanned<String> {
        let id = self.string(table, "id");
        // An `id` that is not a string leaves the entity's name unknown.
        self.fatal |= id.is_none() && table.contains_key("id");
        id.unwrap_or_else(|| Spanned::new(file.stem().to_string(), Span::default()))
    }
}
