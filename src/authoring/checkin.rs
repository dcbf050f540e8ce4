//! `okr checkin`: appends a check-in to a key result's file and changes
//! nothing else in it. The entry is added with `toml_edit`, so comments, key
//! order and formatting stay as they were, byte for byte; the result is
//! checked to be the old file with only the new entry inserted before it is
//! written, and every refusal leaves the file untouched.

use crate::authoring::edit::{self, FrontMatter};
use crate::model::diagnostic::{Rule, did_you_mean};
use crate::model::period::Period;
use crate::model::source::{FileId, FileKind, SourceFile};
use crate::model::{Objective, Org};
use crate::read::load::{self, LoadError};
use crate::read::parse;
use crate::read::resolve::{self, Reference};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml_edit::{ArrayOfTables, InlineTable, Item, Table, Value};

/// What to add, as given on the command line.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// `[PERIOD/]objective#key-result`.
    pub reference: &'a str,
    /// A number for a metric; `done` or `not-done` (or 1 and 0) for a milestone.
    pub value: &'a str,
    pub date: NaiveDate,
    pub confidence: Option<f64>,
    pub note: Option<&'a str>,
    /// Allow a date before the key result's latest check-in.
    pub force: bool,
}

/// The check-in that was added, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Added {
    /// Relative to the repository root, with `/`.
    pub file: String,
    /// `PERIOD/objective#key-result`.
    pub key_result: String,
    pub date: NaiveDate,
    pub value: f64,
    pub milestone: bool,
}

impl Added {
    /// The value for reading: a number, or a milestone's `done` / `not done`.
    pub fn value_text(&self) -> String {
        match (self.milestone, self.value >= 1.0) {
            (true, true) => "done".to_string(),
            (true, false) => "not done".to_string(),
            (false, _) => crate::text::number(self.value),
        }
    }
}

impl fmt::Display for Added {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "added a check-in to {}: {} = {} on {}",
            self.file,
            self.key_result,
            self.value_text(),
            self.date
        )
    }
}

/// Why no check-in was added; the files are as they were.
#[derive(Debug)]
pub enum CheckinError {
    Load(LoadError),
    /// The reference does not name a key result, e.g. no `#`.
    Reference(String),
    UnknownObjective {
        reference: String,
        suggestion: Option<String>,
    },
    /// One id in several periods: the period has to be named.
    AmbiguousObjective {
        id: String,
        candidates: Vec<String>,
    },
    /// The objective's file has errors, so it cannot be edited safely.
    BrokenObjective {
        file: String,
    },
    UnknownKeyResult {
        objective: String,
        key_result: String,
        known: Vec<String>,
        suggestion: Option<String>,
    },
    NotANumber {
        value: String,
        key_result: String,
    },
    NotAMilestoneValue {
        value: String,
        key_result: String,
    },
    /// More digits than a float keeps: it would be written as `nearest`.
    Inexact {
        value: String,
        nearest: String,
    },
    Confidence(f64),
    /// The objective's period is not one okr knows.
    UnknownPeriod {
        period: String,
    },
    OutsidePeriod {
        date: NaiveDate,
        period: Period,
    },
    BeforeLatest {
        date: NaiveDate,
        latest: NaiveDate,
    },
    /// The front matter is written in a way this command cannot extend.
    CannotEdit {
        file: String,
        why: String,
    },
    Io(PathBuf, std::io::Error),
    /// Whoever asks may not check in on this key result (`okr checkin
    /// --github-event`): `allowed` says who may.
    NotAllowed {
        who: String,
        key_result: String,
        allowed: String,
    },
}

impl fmt::Display for CheckinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CheckinError::*;
        match self {
            Load(e) => e.fmt(f),
            Reference(why) => f.write_str(why),
            UnknownObjective {
                reference,
                suggestion,
            } => {
                write!(f, "no objective `{reference}`")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            AmbiguousObjective { id, candidates } => write!(
                f,
                "`{id}` is an objective of several periods: write `{}`",
                candidates.join("` or `")
            ),
            BrokenObjective { file } => write!(
                f,
                "{file} has errors in its front matter; fix what `okr check` reports first"
            ),
            UnknownKeyResult {
                objective,
                key_result,
                known,
                suggestion,
            } => {
                write!(
                    f,
                    "objective `{objective}` has no key result `{key_result}`"
                )?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => write!(f, "; its key results are: {}", known.join(", ")),
                }
            }
            NotANumber { value, key_result } => write!(
                f,
                "`{value}` is not a number; key result `{key_result}` is measured in numbers (e.g. 42, 2.5 or 1_200)"
            ),
            NotAMilestoneValue { value, key_result } => write!(
                f,
                "key result `{key_result}` is a milestone: give `done` or `not-done`, not `{value}`"
            ),
            Inexact { value, nearest } => write!(
                f,
                "`{value}` cannot be stored exactly: okr keeps numbers as 64-bit floats, and the \
                 nearest one is {nearest}; write {nearest}, or round it to 15 significant digits"
            ),
            Confidence(c) => write!(
                f,
                "confidence must be between 0 and 1, not {c} (0.7 means 70% sure)"
            ),
            UnknownPeriod { period } => write!(
                f,
                "the objective's period `{period}` is unknown; fix what `okr check` reports first"
            ),
            OutsidePeriod { date, period } => write!(
                f,
                "{date} is outside the objective's period {} ({} to {}); give --date within it",
                period.name, period.start, period.end
            ),
            BeforeLatest { date, latest } => write!(
                f,
                "{date} is before the key result's latest check-in ({latest}); give a later --date, or --force to add it anyway"
            ),
            CannotEdit { file, why } => write!(f, "cannot add the check-in to {file}: {why}"),
            Io(path, e) => write!(f, "cannot write {}: {e}", path.display()),
            NotAllowed {
                who,
                key_result,
                allowed,
            } => write!(f, "{who} may not check in on `{key_result}`: {allowed} may"),
        }
    }
}

impl std::error::Error for CheckinError {}

impl From<LoadError> for CheckinError {
    fn from(e: LoadError) -> Self {
        CheckinError::Load(e)
    }
}

/// Adds the check-in `request` describes to the repository at `root`.
pub fn add(root: &Path, request: &Request) -> Result<Added, CheckinError> {
    Writer::open(root)?.add(request)
}

/// [`add`], once `allow` has accepted the key result the request names
/// (objective and key result indices into `org`): asked under the same lock,
/// on the same reading of the files, before anything else is judged.
pub fn add_if(
    root: &Path,
    request: &Request,
    allow: impl FnOnce(&Org, usize, usize) -> Result<(), CheckinError>,
) -> Result<Added, CheckinError> {
    Writer::open(root)?.add_if(request, allow)
}

/// Adds check-ins one after another under one lock, on one reading of the
/// repository: `okr sync` adds many values, and loading the organisation again
/// for each would cost its whole size per value.
pub struct Writer {
    /// Held until the writer is dropped: another check-in waits, then reads
    /// the files as this one left them.
    lock: edit::WriteLock,
    root: PathBuf,
    org: Org,
    broken: Vec<(String, String)>,
    /// The latest date added to each key result (objective and key result
    /// indices) since the files were read, which `org` does not know.
    added: BTreeMap<(usize, usize), NaiveDate>,
}

impl Writer {
    /// Takes the repository's lock, then reads the organisation.
    pub fn open(root: &Path) -> Result<Writer, CheckinError> {
        let lock = edit::WriteLock::acquire(root);
        let (org, broken) = load_org(root)?;
        Ok(Writer {
            lock,
            root: root.to_path_buf(),
            org,
            broken,
            added: BTreeMap::new(),
        })
    }

    /// Adds the check-in `request` describes and writes its file.
    pub fn add(&mut self, request: &Request) -> Result<Added, CheckinError> {
        self.add_if(request, |_, _, _| Ok(()))
    }

    /// [`Writer::add`], once `allow` has accepted the key result the request
    /// names, before anything else is judged.
    pub fn add_if(
        &mut self,
        request: &Request,
        allow: impl FnOnce(&Org, usize, usize) -> Result<(), CheckinError>,
    ) -> Result<Added, CheckinError> {
        let org = &self.org;
        let (index, kr_index) = find(org, &self.broken, request)?;
        allow(org, index, kr_index)?;
        let objective = &org.objectives[index];
        let kr = &objective.key_results[kr_index];
        let milestone = kr.is_milestone();
        let value = parse_value(request.value, milestone).ok_or_else(|| {
            let (value, key_result) = (request.value.to_string(), kr.id.value.clone());
            if milestone {
                CheckinError::NotAMilestoneValue { value, key_result }
            } else {
                CheckinError::NotANumber { value, key_result }
            }
        })?;
        if !milestone && !is_exact(request.value, value) {
            return Err(CheckinError::Inexact {
                value: request.value.trim().to_string(),
                nearest: shortest(value),
            });
        }
        if let Some(c) = request.confidence
            && !(0.0..=1.0).contains(&c)
        {
            return Err(CheckinError::Confidence(c));
        }
        let period =
            org.period(&objective.period.value)
                .ok_or_else(|| CheckinError::UnknownPeriod {
                    period: objective.period.value.clone(),
                })?;
        if !period.contains_date(request.date) {
            return Err(CheckinError::OutsidePeriod {
                date: request.date,
                period,
            });
        }
        let written = kr.checkins.iter().map(|c| c.date.value);
        let added = self.added.get(&(index, kr_index)).copied();
        if let Some(latest) = written.chain(added).max()
            && request.date < latest
            && !request.force
        {
            return Err(CheckinError::BeforeLatest {
                date: request.date,
                latest,
            });
        }
        let file = &org.file(objective.file).path;
        let path = self.root.join(file);
        let old = std::fs::read_to_string(&path).map_err(|e| CheckinError::Io(path.clone(), e))?;
        let new =
            append(&old, kr_index, value, request).map_err(|why| CheckinError::CannotEdit {
                file: file.clone(),
                why,
            })?;
        verify(&old, &new, kr_index, request.date, value).map_err(|why| {
            CheckinError::CannotEdit {
                file: file.clone(),
                why,
            }
        })?;
        self.lock
            .replace(&path, new.as_bytes())
            .map_err(|e| CheckinError::Io(path.clone(), e))?;
        let latest = self.added.entry((index, kr_index)).or_insert(request.date);
        *latest = (*latest).max(request.date);
        Ok(Added {
            file: file.clone(),
            key_result: format!(
                "{}/{}#{}",
                objective.period.value, objective.id.value, kr.id.value
            ),
            date: request.date,
            value,
            milestone,
        })
    }
}

/// The organisation, and the files whose front matter is broken (by stem).
fn load_org(root: &Path) -> Result<(Org, Vec<(String, String)>), CheckinError> {
    let (org, diagnostics) = resolve::build(load::load(root)?);
    let broken: Vec<(String, String)> = diagnostics
        .iter()
        .filter(|d| d.rule == Rule::InvalidFrontMatter)
        .map(|d| org.file(d.file))
        .filter(|f| f.kind == FileKind::Objective)
        .map(|f| (f.stem().to_string(), f.path.clone()))
        .collect();
    Ok((org, broken))
}

/// The objective and key result a request names.
fn find(
    org: &Org,
    broken: &[(String, String)],
    request: &Request,
) -> Result<(usize, usize), CheckinError> {
    let reference = Reference::parse(request.reference.trim());
    let matches = |o: &Objective| {
        o.id.value == reference.objective && reference.period.is_none_or(|p| o.period.value == p)
    };
    let mut found: Vec<usize> = (0..org.objectives.len())
        .filter(|&i| matches(&org.objectives[i]))
        .collect();
    if found.len() > 1 {
        // The same id in several periods: the one the date falls in.
        let dated: Vec<usize> = found
            .iter()
            .copied()
            .filter(|&i| {
                org.period(&org.objectives[i].period.value)
                    .is_some_and(|p| p.contains_date(request.date))
            })
            .collect();
        if dated.len() == 1 {
            found = dated;
        }
    }
    let index = match found.as_slice() {
        // A file with front-matter findings gives an objective to check, not to write to.
        [index]
            if broken
                .iter()
                .any(|(_, f)| *f == org.file(org.objectives[*index].file).path) =>
        {
            let file = org.file(org.objectives[*index].file).path.clone();
            return Err(CheckinError::BrokenObjective { file });
        }
        [index] => *index,
        [] => {
            if let Some((_, file)) = broken.iter().find(|(stem, _)| stem == reference.objective) {
                return Err(CheckinError::BrokenObjective { file: file.clone() });
            }
            let ids = org
                .objectives
                .iter()
                .filter(|o| reference.period.is_none_or(|p| o.period.value == p))
                .map(|o| o.id.value.as_str());
            return Err(CheckinError::UnknownObjective {
                reference: match reference.period {
                    Some(p) => format!("{}` in period `{p}", reference.objective),
                    None => reference.objective.to_string(),
                },
                suggestion: did_you_mean(reference.objective, ids).map(String::from),
            });
        }
        several => {
            let mut candidates: Vec<String> = several
                .iter()
                .map(|&i| {
                    let o = &org.objectives[i];
                    format!(
                        "{}/{}#{}",
                        o.period.value,
                        o.id.value,
                        reference.key_result.unwrap_or("KEY-RESULT")
                    )
                })
                .collect();
            candidates.dedup();
            return Err(CheckinError::AmbiguousObjective {
                id: reference.objective.to_string(),
                candidates,
            });
        }
    };
    let objective = &org.objectives[index];
    let ids: Vec<String> = objective
        .key_results
        .iter()
        .map(|k| k.id.value.clone())
        .collect();
    let Some(wanted) = reference.key_result.filter(|k| !k.is_empty()) else {
        return Err(CheckinError::Reference(format!(
            "name the key result after `#`, e.g. `{}#{}`; its key results are: {}",
            objective.id.value,
            ids.first().map_or("kr1", String::as_str),
            ids.join(", ")
        )));
    };
    match ids.iter().position(|id| id == wanted) {
        Some(k) => Ok((index, k)),
        None => Err(CheckinError::UnknownKeyResult {
            objective: objective.id.value.clone(),
            key_result: wanted.to_string(),
            suggestion: did_you_mean(wanted, ids.iter().map(String::as_str)).map(String::from),
            known: ids,
        }),
    }
}

/// A metric's number (`_` between digits allowed, as in TOML), or a
/// milestone's done (1) or not done (0).
pub fn parse_value(text: &str, milestone: bool) -> Option<f64> {
    let text = text.trim();
    if milestone {
        return match text.to_ascii_lowercase().as_str() {
            "done" | "true" | "yes" | "1" => Some(1.0),
            "not-done" | "not done" | "false" | "no" | "0" => Some(0.0),
            _ => None,
        };
    }
    let digits = text.replace('_', "");
    // Only plain decimal numbers: no `inf`, `NaN` or hexadecimal.
    let plain = !digits.is_empty()
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    let value: f64 = digits.parse().ok().filter(|_| plain)?;
    value.is_finite().then_some(value)
}

/// Whether `value` is the number `text` writes, digit for digit: a float
/// keeps about 15 significant digits, and a number with more would be
/// written into the file as another one (9007199254740993 as ...992).
/// Numbers a float holds only approximately in binary, such as 0.1, are
/// exact here: they are written and read back as typed.
fn is_exact(text: &str, value: f64) -> bool {
    let typed = Decimal::parse(&text.trim().replace('_', ""));
    typed.is_some() && typed == Decimal::parse(&format!("{value:e}"))
}

/// `value` as a person would write it: plain unless that is long.
fn shortest(value: f64) -> String {
    let plain = value.to_string();
    if plain.len() <= 21 {
        plain
    } else {
        format!("{value:e}")
    }
}

/// A decimal number as its sign, its significant digits and the power of
/// ten of the last one, so that equal numbers compare equal however written.
#[derive(Debug, PartialEq)]
struct Decimal {
    negative: bool,
    digits: String,
    exponent: i64,
}

impl Decimal {
    /// Reads `[+-]digits[.digits][e[+-]digits]`; `None` for anything else.
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match text.split_once(['e', 'E']) {
            Some((mantissa, exponent)) => (mantissa, exponent.parse::<i64>().ok()?),
            None => (text, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let digits = format!("{whole}{fraction}");
        let significant = digits.trim_start_matches('0').trim_end_matches('0');
        if significant.is_empty() {
            return Some(Decimal {
                negative: false,
                digits: String::new(),
                exponent: 0,
            });
        }
        let trailing_zeros = digits.len() - digits.trim_end_matches('0').len();
        let exponent = exponent
            .checked_sub(i64::try_from(fraction.len()).ok()?)?
            .checked_add(i64::try_from(trailing_zeros).ok()?)?;
        Some(Decimal {
            negative,
            digits: significant.to_string(),
            exponent,
        })
    }
}

fn toml_date(date: NaiveDate) -> Value {
    let day = toml_edit::Date {
        year: u16::try_from(date.year()).unwrap_or_default(),
        month: date.month() as u8,
        day: date.day() as u8,
    };
    Value::from(toml_edit::Datetime {
        date: Some(day),
        time: None,
        offset: None,
    })
}

/// The file's text with the check-in appended to key result `kr_index`.
fn append(old: &str, kr_index: usize, value: f64, request: &Request) -> Result<String, String> {
    let front = FrontMatter::split(old).ok_or("it has no front matter")?;
    let mut doc = front.parse().ok_or("its front matter is not valid TOML")?;
    let mut fields: Vec<(&str, Value)> = vec![
        ("date", toml_date(request.date)),
        ("value", edit::toml_number(value)),
    ];
    if let Some(c) = request.confidence {
        fields.push(("confidence", edit::toml_number(c)));
    }
    if let Some(note) = request.note {
        fields.push(("note", Value::from(note)));
    }
    let key_result: &mut dyn KeyResultTable = match doc.get_mut("key_results") {
        Some(Item::ArrayOfTables(tables)) => tables.get_mut(kr_index).map(|t| t as _),
        Some(Item::Value(Value::Array(items))) => match items.get_mut(kr_index) {
            Some(Value::InlineTable(t)) => Some(t as _),
            _ => None,
        },
        _ => None,
    }
    .ok_or("its key results are not written as `[[key_results]]` tables")?;
    key_result.append_checkin(fields)?;
    let toml = doc.to_string();
    // `toml_edit` writes `\n` line breaks; compare in those, insert in the file's.
    let (unix, original) = edit::unix_lines(front.toml);
    let (at, piece) = edit::insertion(&unix, &toml)
        .ok_or("adding the entry would change more of the file than the entry itself")?;
    let at = original(at);
    let piece = edit::match_line_breaks(front.toml, piece);
    let mut new_toml = String::with_capacity(front.toml.len() + piece.len());
    new_toml.push_str(&front.toml[..at]);
    new_toml.push_str(&piece);
    new_toml.push_str(&front.toml[at..]);
    Ok(front.with_toml(&new_toml))
}

/// A key result written as `[[key_results]]` or as an inline table.
trait KeyResultTable {
    fn append_checkin(&mut self, fields: Vec<(&str, Value)>) -> Result<(), String>;
}

impl KeyResultTable for Table {
    fn append_checkin(&mut self, fields: Vec<(&str, Value)>) -> Result<(), String> {
        match self.get_mut("checkins") {
            None => {
                let mut tables = ArrayOfTables::new();
                tables.push(table_of(fields));
                self.insert("checkins", Item::ArrayOfTables(tables));
            }
            Some(Item::ArrayOfTables(tables)) => tables.push(table_of(fields)),
            Some(Item::Value(Value::Array(items))) => items.push(inline_of(fields)),
            Some(_) => return Err("its `checkins` is not a list of check-ins".into()),
        }
        Ok(())
    }
}

impl KeyResultTable for InlineTable {
    fn append_checkin(&mut self, fields: Vec<(&str, Value)>) -> Result<(), String> {
        match self.get_mut("checkins") {
            None => {
                let mut items = toml_edit::Array::new();
                items.push(inline_of(fields));
                self.insert("checkins", Value::Array(items));
            }
            Some(Value::Array(items)) => items.push(inline_of(fields)),
            Some(_) => return Err("its `checkins` is not a list of check-ins".into()),
        }
        Ok(())
    }
}

fn table_of(fields: Vec<(&str, Value)>) -> Table {
    let mut table = Table::new();
    for (key, value) in fields {
        table.insert(key, Item::Value(value));
    }
    table
}

fn inline_of(fields: Vec<(&str, Value)>) -> InlineTable {
    let mut table = InlineTable::new();
    for (key, value) in fields {
        table.insert(key, value);
    }
    table
}

/// Reads the new text back as okr does: it must parse without findings and
/// give the key result exactly one more check-in, the one added.
fn verify(
    old: &str,
    new: &str,
    kr_index: usize,
    date: NaiveDate,
    value: f64,
) -> Result<(), String> {
    let read = |text: &str| {
        let file = SourceFile::new(
            "objective.md",
            FileKind::Objective,
            text.trim_start_matches('\u{feff}').to_string(),
        );
        parse::parse_objective(&file, FileId(0)).clean()
    };
    let (Some(before), Some(after)) = (read(old), read(new)) else {
        return Err("the file would no longer read as an objective".into());
    };
    let count = |o: &Objective| o.key_results.get(kr_index).map(|k| k.checkins.len());
    let added = after
        .key_results
        .get(kr_index)
        .and_then(|k| k.checkins.last());
    let counts_match = count(&before).map(|n| n + 1) == count(&after)
        && before.key_results.len() == after.key_results.len();
    match added {
        Some(c) if counts_match && c.date.value == date && c.value.value == value => Ok(()),
        _ => Err("the entry would not land in the key result's check-ins".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_numbers_or_done() {
        assert_eq!(parse_value("42", false), Some(42.0));
        assert_eq!(parse_value(" 1_200.5 ", false), Some(1200.5));
        assert_eq!(parse_value("-3", false), Some(-3.0));
        for bad in ["", "abc", "NaN", "inf", "1,5", "0x10", "12 %"] {
            assert_eq!(parse_value(bad, false), None, "{bad}");
        }
        assert_eq!(parse_value("done", true), Some(1.0));
        assert_eq!(parse_value("Not-Done", true), Some(0.0));
        assert_eq!(parse_value("0.5", true), None);
    }

    #[test]
    fn only_numbers_a_float_writes_back_digit_for_digit_are_exact() {
        let exact = |text: &str| is_exact(text, parse_value(text, false).unwrap());
        for text in [
            "0.1",
            "2.6",
            "-3",
            "1_200.50",
            "9007199254740992",
            "1e300",
            "0.0",
            "-0",
        ] {
            assert!(exact(text), "{text}");
        }
        for text in [
            "9007199254740993",
            "0.30000000000000001",
            "1e-400",
            "123456789012345678",
        ] {
            assert!(!exact(text), "{text}");
        }
        assert_eq!(Decimal::parse("1.50e2"), Decimal::parse("150"));
        assert_eq!(Decimal::parse("0012.3400"), Decimal::parse("1.234e1"));
        assert_eq!(Decimal::parse("1e99999999999999999999"), None);
        assert_eq!(shortest(9007199254740992.0), "9007199254740992");
        assert_eq!(shortest(1e300), "1e300");
    }

    fn request(date: &str) -> Request<'static> {
        Request {
            reference: "grow#kr1",
            value: "7",
            date: date.parse().unwrap(),
            confidence: Some(0.6),
            note: Some("Quote \" and\nnew line"),
            force: false,
        }
    }

    /// The new text is the old with one entry inserted after the key result's last check-in.
    fn inserted(old: &str, new: &str) -> String {
        let (_, piece) = edit::insertion(old, new).expect("only an insertion");
        piece.to_string()
    }

    #[test]
    fn appends_after_the_key_result_s_last_check_in_and_nowhere_else() {
        let old = "+++\n# A comment that stays\ntitle = \"Grow\"  # and this one\nperiod = \"2026-Q1\"\n\n\
                   [[key_results]]\ntitle = \"A\"\ntarget =   10\n\n\
                   [[key_results.checkins]]\ndate = 2026-01-05\nvalue = 2\n\n\
                   [[key_results]]\nid = \"b\"\ntitle = \"B\"\ntarget = 5\n\n\
                   [[initiatives]]\ntitle = \"Do it\"\n+++\nBody stays.\n";
        let new = append(old, 0, 7.0, &request("2026-02-01")).unwrap();
        assert_eq!(
            inserted(old, &new),
            "\n[[key_results.checkins]]\ndate = 2026-02-01\nvalue = 7\nconfidence = 0.6\nnote = \"\"\"\nQuote \" and\nnew line\"\"\"\n"
        );
        assert!(new.find("value = 7").unwrap() < new.find("id = \"b\"").unwrap());
        verify(old, &new, 0, "2026-02-01".parse().unwrap(), 7.0).unwrap();
        // A key result without check-ins gets its first.
        let new = append(old, 1, 7.0, &request("2026-02-01")).unwrap();
        let piece = inserted(old, &new);
        assert!(piece.starts_with("\n[[key_results.checkins]]\n"), "{piece}");
        assert!(new.find("value = 7").unwrap() < new.find("[[initiatives]]").unwrap());
        verify(old, &new, 1, "2026-02-01".parse().unwrap(), 7.0).unwrap();
    }

    #[test]
    fn windows_line_breaks_and_inline_tables_are_kept() {
        let old = "+++\r\ntitle = \"Grow\"\r\nperiod = \"2026-Q1\"\r\n\r\n[[key_results]]\r\ntitle = \"A\"\r\ntarget = 10\r\n+++\r\n";
        let new = append(
            old,
            0,
            7.0,
            &Request {
                note: None,
                ..request("2026-02-01")
            },
        )
        .unwrap();
        let piece = inserted(old, &new);
        assert!(!piece.replace("\r\n", "").contains('\n'), "{piece:?}");
        verify(old, &new, 0, "2026-02-01".parse().unwrap(), 7.0).unwrap();
        let old = "+++\ntitle = \"Grow\"\nperiod = \"2026-Q1\"\nkey_results = [{ title = \"A\", target = 10, checkins = [{ date = 2026-01-05, value = 2 }] }]\n+++\n";
        let new = append(
            old,
            0,
            7.0,
            &Request {
                note: None,
                confidence: None,
                ..request("2026-02-01")
            },
        )
        .unwrap();
        assert_eq!(
            new,
            old.replace(
                "value = 2 }]",
                "value = 2 }, { date = 2026-02-01, value = 7 }]"
            )
        );
        verify(old, &new, 0, "2026-02-01".parse().unwrap(), 7.0).unwrap();
    }
}
