//! Typed reading of spanned TOML tables: every field that does not fit is
//! reported as `invalid-front-matter`, pointing at the key or value.

use crate::model::Spanned;
use crate::model::diagnostic::{Diagnostic, Rule, did_you_mean};
use crate::model::source::{FileId, SourceFile, Span};
use crate::read::schema::Field;
use crate::read::toml_doc::{Item, Table, Value};
use chrono::NaiveDate;

/// A date in quotes, only as TOML writes one bare: `YYYY-MM-DD` with a
/// four-digit year (chrono alone would also take `2026-2-1` or `-200000-01-01`).
fn quoted_date(text: &str) -> Option<NaiveDate> {
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
    pub fn span(&self, toml_span: Span) -> Span {
        toml_span.start + self.offset..toml_span.end + self.offset
    }

    /// The opening fence: where findings about the whole file point.
    pub fn header(&self) -> Span {
        0..3
    }

    pub fn report(&mut self, toml_span: Span, message: String, help: Option<String>) {
        let span = self.span(toml_span);
        self.report_at(span, message, help);
    }

    pub fn report_at(&mut self, span: Span, message: String, help: Option<String>) {
        let mut d = Diagnostic::new(Rule::InvalidFrontMatter, self.file, Some(span), message);
        d.help = help;
        self.diagnostics.push(d);
    }

    pub fn wrong_type(&mut self, key: &str, value: &Item<'_>, expected: &str) {
        let found = type_name(&value.value);
        let help = match (expected, &value.value) {
            ("a number", Value::String(s)) if s.replace('_', "").parse::<f64>().is_ok() => {
                Some(format!("write the number without quotes: `{key} = {s}`"))
            }
            ("a date", Value::Datetime(dt)) if dt.date.is_some() => dt
                .date
                .map(|date| format!("write only the date: `{key} = {date}`")),
            ("a date", _) => Some(format!("write a date like `{key} = 2026-01-15`")),
            _ => None,
        };
        self.report(
            value.span.clone(),
            format!("`{key}` must be {expected}, not {found}"),
            help,
        );
    }

    /// Reports every key of `table` that is not one of the declared `known` fields.
    pub fn check_keys(&mut self, table: &Table<'_>, known: &[Field], what: &str) {
        for entry in table.iter() {
            let name: &str = &entry.key;
            if known.iter().any(|f| f.name == name) {
                continue;
            }
            let help = match did_you_mean(name, known.iter().map(|f| f.name)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    let names: Vec<&str> = known.iter().map(|f| f.name).collect();
                    format!("the keys allowed here are: {}", names.join(", "))
                }
            };
            self.report(
                entry.key_span.clone(),
                format!("unknown key `{name}` in {what}"),
                Some(help),
            );
        }
    }

    fn value<'t, 'i>(table: &'t Table<'i>, key: &str) -> Option<&'t Item<'i>> {
        table.get(key)
    }

    pub fn string(&mut self, table: &Table<'_>, key: &str) -> Option<Spanned<String>> {
        let value = Self::value(table, key)?;
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
        if !table.contains_key(key) {
            self.report_at(
                missing_at.clone(),
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
        let Some(value) = Self::value(table, key) else {
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
            _ => {
                self.wrong_type(key, value, "an array of strings");
                Vec::new()
            }
        }
    }

    pub fn number(&mut self, table: &Table<'_>, key: &str) -> Option<Spanned<f64>> {
        let value = Self::value(table, key)?;
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
        let value = Self::value(table, key)?;
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
        let value = Self::value(table, key)?;
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
        let value = Self::value(table, key)?;
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
        let Some(value) = Self::value(table, key) else {
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
        self.string(table, "id")
            .unwrap_or_else(|| Spanned::new(file.stem().to_string(), 0..0))
    }
}
