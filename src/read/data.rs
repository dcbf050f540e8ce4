//! The data a key result's values come from (`[key_results.source]`): what a
//! source may name, where a data file may be, and the numbers a CSV column or
//! a JSON pointer holds. `okr check` reads each file to judge its source and
//! `okr sync` to add check-ins; a file is read once, at most
//! [`MAX_FILE_BYTES`] of it, in linear time.

use crate::model::Source;
use crate::model::diagnostic::did_you_mean;
use crate::read::fields::quoted_date;
use chrono::NaiveDate;
use std::io::Read as _;
use std::path::Path;

/// The largest data file read: more is a finding, never a slow check.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The key of `[key_results.source]` a problem is about: findings point at its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Table,
    File,
    Url,
    Column,
    DateColumn,
    Pointer,
    /// The value of the header at this index of [`Source::headers`].
    Header(usize),
    /// The name of the header at this index.
    HeaderName(usize),
}

/// What is wrong with a source, and what to write instead.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub key: Key,
    pub message: String,
    pub help: Option<String>,
}

fn problem(key: Key, message: impl Into<String>, help: impl Into<String>) -> Problem {
    Problem {
        key,
        message: message.into(),
        help: Some(help.into()),
    }
}

/// What a source holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// One value, the newest (`None`: none yet); its date is the day it is read.
    Latest(Option<f64>),
    /// Dated values in date order, one a day (the last written of a day).
    Series(Vec<(NaiveDate, f64)>),
}

/// Everything wrong with the form of `source`, judged without reading
/// anything: which keys go together, the path, the URL and the headers.
pub fn form(source: &Source) -> Vec<Problem> {
    let mut problems = Vec::new();
    match (&source.file, &source.url) {
        (Some(_), Some(_)) => problems.push(problem(
            Key::Url,
            "a source has a `file` or a `url`, not both",
            "remove `url` to read the file in the repository, or `file` to read the URL",
        )),
        (None, None) => problems.push(problem(
            Key::Table,
            "the source names no `file` or `url`",
            "add `file = \"data/metrics.csv\"` (a CSV or JSON file in the repository) or `url = \"https://…\"` (JSON)",
        )),
        _ => {}
    }
    if let Some(file) = &source.file
        && let Some(why) = outside_path(&file.value)
    {
        problems.push(problem(
            Key::File,
            format!("`file` must be a path inside the repository: {why}"),
            "write the path from the repository's root (the folder of okr.toml) with `/`, e.g. `file = \"data/metrics.csv\"`",
        ));
    }
    if let Some(url) = &source.url
        && let Some((why, help)) = url_problem(&url.value)
    {
        problems.push(problem(Key::Url, why, help));
    }
    problems.extend(value_keys(source));
    problems.extend(header_problems(source));
    problems
}

/// Which value is read: `column` for CSV, `pointer` for JSON.
fn value_keys(source: &Source) -> Vec<Problem> {
    let mut problems = Vec::new();
    let json_file = source.url.is_some()
        || source
            .file
            .as_ref()
            .is_some_and(|f| f.value.to_ascii_lowercase().ends_with(".json"));
    match (&source.column, &source.pointer) {
        (Some(_), Some(_)) => problems.push(problem(
            Key::Pointer,
            "`column` reads a CSV file and `pointer` a JSON document: a source has one",
            "keep `column` for a CSV file, `pointer` for JSON",
        )),
        (None, None) => problems.push(problem(
            Key::Table,
            "the source does not say which value to read",
            if json_file {
                "add `pointer = \"/path/to/value\"`, a JSON Pointer to a number or to an array of {date, value}"
            } else {
                "add `column = \"<header>\"`, the CSV column that holds the values"
            },
        )),
        (Some(_), None) if json_file => problems.push(problem(
            Key::Column,
            "`column` reads a CSV file, and this source is JSON",
            "write `pointer = \"/path/to/value\"` instead, a JSON Pointer to a number or to an array of {date, value}",
        )),
        (None, Some(pointer)) => {
            if let Some(why) = pointer_problem(&pointer.value) {
                problems.push(problem(
                    Key::Pointer,
                    format!("`pointer` is not a JSON Pointer: {why}"),
                    "write `/` and each key or array index in turn, e.g. `pointer = \"/metrics/wau\"` (`~1` for a `/` in a key, `~0` for `~`)",
                ));
            }
        }
        _ => {}
    }
    if source.date_column.is_some() && source.column.is_none() {
        problems.push(problem(
            Key::DateColumn,
            "`date_column` goes with `column`: it names a CSV file's date column",
            "add `column = \"<header>\"` for the values, or remove `date_column`",
        ));
    }
    problems
}

/// Why `path` could lead outside the repository, judged on its text alone.
fn outside_path(path: &str) -> Option<&'static str> {
    let drive = path.as_bytes().get(1) == Some(&b':');
    if path.is_empty() {
        Some("it is empty")
    } else if path.starts_with('/') || drive {
        Some("it is absolute")
    } else if path.contains('\\') {
        Some("it has a `\\`")
    } else if path.split('/').any(|part| part == "..") {
        Some("it has `..`")
    } else {
        None
    }
}

fn pointer_problem(pointer: &str) -> Option<&'static str> {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Some("it must start with `/`");
    }
    let mut chars = pointer.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return Some("`~` must be followed by 0 or 1");
        }
    }
    None
}

/// Whether `url` is fit to fetch: HTTPS, or plain HTTP to this machine only,
/// with no credentials in it. The problem and its help.
pub fn url_problem(url: &str) -> Option<(String, String)> {
    let https = "write the full address, e.g. `url = \"https://metrics.example.com/api/wau.json\"`";
    if url.chars().any(char::is_whitespace) || url.chars().any(char::is_control) {
        return Some((
            "the `url` has spaces or control characters in it".into(),
            https.into(),
        ));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Some((
            "the `url` is not an address with `https://`".into(),
            https.into(),
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Some((
            "the `url` has credentials in it, and would write them into the repository".into(),
            "remove `user:password@` and send a token from the environment instead: `headers = { Authorization = \"Bearer ${METRICS_TOKEN}\" }`".into(),
        ));
    }
    let host = host_of(authority);
    if host.is_empty() {
        return Some(("the `url` names no host".into(), https.into()));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => None,
        "http" if is_loopback(url) => None,
        "http" => Some((
            format!(
                "the `url` is plain http to `{host}`: anyone on the way could read or change the values"
            ),
            "write `https://`; plain http is for 127.0.0.1 and localhost only".into(),
        )),
        _ => Some((format!("the `url` is `{scheme}`, not https"), https.into())),
    }
}

fn host_of(authority: &str) -> &str {
    match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    }
}

/// Whether `url` is plain http to this machine: 127.0.0.1, localhost or [::1].
pub fn is_loopback(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    !authority.contains('@') && matches!(host_of(authority), "127.0.0.1" | "localhost" | "::1")
}

/// Header names whose values are credentials: only from the environment.
fn is_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie"
    ) || ["token", "key", "secret", "password"]
        .iter()
        .any(|word| name.contains(word))
}

fn header_problems(source: &Source) -> Vec<Problem> {
    let mut problems = Vec::new();
    if source.file.is_some() && !source.headers.is_empty() {
        problems.push(problem(
            Key::Header(0),
            "`headers` are sent with a `url`; a file in the repository has none",
            "remove `headers`",
        ));
    }
    for (i, (name, value)) in source.headers.iter().enumerate() {
        // As the JSON Schema's names of a table of names: an HTTP token.
        let token = name
            .value
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
            && name
                .value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !token {
            problems.push(problem(
                Key::HeaderName(i),
                format!("`{}` is not an HTTP header name", name.value),
                "write a header name of letters, digits and `-`, e.g. `Authorization`",
            ));
        }
        // The value is never shown: it may be a credential.
        match placeholders(&value.value) {
            Err(why) => problems.push(problem(
                Key::Header(i),
                format!("the value of header `{}` {why}", name.value),
                "take values from the environment as `${NAME}`, e.g. `\"Bearer ${METRICS_TOKEN}\"`",
            )),
            Ok(names) if names.is_empty() && is_credential(&name.value) => problems.push(problem(
                Key::Header(i),
                format!(
                    "header `{}` holds a credential written into the repository",
                    name.value
                ),
                "take it from the environment: `\"Bearer ${METRICS_TOKEN}\"`, with METRICS_TOKEN set where okr sync runs (a secret in the workflow), and revoke the one written here",
            )),
            Ok(_) => {}
        }
    }
    problems
}

/// The `${NAME}`s in a header's value, or why it is not one okr can expand.
fn placeholders(value: &str) -> Result<Vec<&str>, &'static str> {
    if value.chars().any(char::is_control) {
        return Err("has a line break or control character");
    }
    let mut names = Vec::new();
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        let after = &rest[at + 1..];
        let Some(inner) = after.strip_prefix('{') else {
            return Err("has a `$` that does not start `${NAME}`");
        };
        let Some((name, tail)) = inner.split_once('}') else {
            return Err("has a `${` without its `}`");
        };
        let valid = name.bytes().next().is_some_and(|b| !b.is_ascii_digit())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            return Err("has a `${…}` that is not a variable name (letters, digits, `_`)");
        }
        names.push(name);
        rest = tail;
    }
    Ok(names)
}

/// `value` with each `${NAME}` replaced from `env`; the error names the
/// variable that is not set (never a value).
pub fn expand(value: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let names = placeholders(value).map_err(|why| format!("the header value {why}"))?;
    let mut out = value.to_string();
    for name in names {
        let Some(set) = env(name) else {
            return Err(format!(
                "the environment variable {name} is not set (the source's headers use it)"
            ));
        };
        out = out.replacen(&format!("${{{name}}}"), &set, 1);
    }
    Ok(out)
}

/// Reads the data file `file` (a path relative to `root`), bounded; never
/// through a link that leads outside the repository, never a pipe.
pub fn read_file(root: &Path, file: &str) -> Result<Vec<u8>, Problem> {
    let at_file = |message: String, help: &str| problem(Key::File, message, help);
    let path = root.join(file);
    let real = std::fs::canonicalize(&path).map_err(|e| {
        at_file(
            format!("cannot read {file}: {}", crate::read::load::one_line(&e.to_string())),
            "write the path from the repository's root (the folder of okr.toml), e.g. `file = \"data/metrics.csv\"`",
        )
    })?;
    let inside = std::fs::canonicalize(root).is_ok_and(|root| real.starts_with(root));
    if !inside {
        return Err(at_file(
            format!("{file} leads outside the repository through a link"),
            "keep the data file itself in the repository",
        ));
    }
    let meta = std::fs::metadata(&real).map_err(|e| {
        at_file(
            format!("cannot read {file}: {e}"),
            "check the file's permissions",
        )
    })?;
    if !meta.is_file() {
        return Err(at_file(
            format!("{file} is not a file"),
            "name a CSV or JSON file",
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&real)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| {
            at_file(
                format!("cannot read {file}: {e}"),
                "check the file's permissions",
            )
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(at_file(
            format!("{file} is larger than {} MB", MAX_FILE_BYTES >> 20),
            "keep the values a key result needs in a smaller file, e.g. one row a week",
        ));
    }
    Ok(bytes)
}

/// The values `source` reads from `bytes`, the contents of `name` (a path or URL).
pub fn values(source: &Source, bytes: &[u8], name: &str) -> Result<Values, Problem> {
    match (&source.column, &source.pointer) {
        (Some(column), _) => csv_values(
            bytes,
            name,
            &column.value,
            source.date_column.as_ref().map(|d| d.value.as_str()),
        ),
        (None, Some(pointer)) => json_values(bytes, name, &pointer.value),
        (None, None) => Err(problem(
            Key::Table,
            "the source does not say which value to read",
            "add `column = \"<header>\"` (CSV) or `pointer = \"/path/to/value\"` (JSON)",
        )),
    }
}

const NUMBER_HELP: &str = "write plain numbers such as 1200 or 3.5 (no units, no thousands separators), or leave the cell empty where there is no value yet";

fn csv_values(
    bytes: &[u8],
    name: &str,
    column: &str,
    date_column: Option<&str>,
) -> Result<Values, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let unreadable = |e: csv::Error| {
        problem(
            Key::File,
            format!("cannot read {name} as CSV: {e}"),
            "save it as CSV in UTF-8, with a header row",
        )
    };
    let headers = reader.headers().map_err(unreadable)?.clone();
    let find = |wanted: &str, key: Key| {
        headers
            .iter()
            .position(|h| h.trim() == wanted)
            .ok_or_else(|| {
                let help = match did_you_mean(wanted, headers.iter().map(str::trim)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "its columns are: {}",
                        headers.iter().map(str::trim).collect::<Vec<_>>().join(", ")
                    ),
                };
                problem(key, format!("{name} has no column `{wanted}`"), help)
            })
    };
    let value_at = find(column, Key::Column)?;
    let date_at = date_column.map(|d| find(d, Key::DateColumn)).transpose()?;
    let mut latest = None;
    let mut series = Vec::new();
    for record in reader.records() {
        let record = record.map_err(unreadable)?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = record.get(value_at).unwrap_or("").trim();
        if cell.is_empty() {
            continue;
        }
        let value = cell
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                problem(
                    Key::Column,
                    format!(
                        "{name}:{line}: `{}` in column `{column}` is not a number",
                        cut(cell)
                    ),
                    NUMBER_HELP,
                )
            })?;
        match (date_at, date_column) {
            (Some(at), Some(date_column)) => {
                let cell = record.get(at).unwrap_or("").trim();
                let date = quoted_date(cell).ok_or_else(|| {
                    problem(
                        Key::DateColumn,
                        format!(
                            "{name}:{line}: `{}` in column `{date_column}` is not a date",
                            cut(cell)
                        ),
                        "write dates as YYYY-MM-DD, e.g. 2026-11-02",
                    )
                })?;
                series.push((date, value));
            }
            _ => latest = Some(value),
        }
    }
    Ok(match date_at {
        Some(_) => Values::Series(in_date_order(series)),
        None => Values::Latest(latest),
    })
}

/// A cell as shown in a message: its start only, so that a long one costs nothing.
fn cut(cell: &str) -> &str {
    crate::text::prefix(cell, 40)
}

/// Sorted by date, keeping the last value written for a day.
fn in_date_order(mut series: Vec<(NaiveDate, f64)>) -> Vec<(NaiveDate, f64)> {
    // Stable: values of one day stay in the order written.
    series.sort_by_key(|(date, _)| *date);
    let mut out: Vec<(NaiveDate, f64)> = Vec::with_capacity(series.len());
    for (date, value) in series {
        match out.last_mut() {
            Some(last) if last.0 == date => last.1 = value,
            _ => out.push((date, value)),
        }
    }
    out
}

const SERIES_HELP: &str = "point at a number, or at an array of objects such as {\"date\": \"2026-11-02\", \"value\": 1200}";

fn json_values(bytes: &[u8], name: &str, pointer: &str) -> Result<Values, Problem> {
    use serde_json::Value;
    let document: Value = serde_json::from_slice(bytes).map_err(|e| {
        problem(
            Key::File,
            format!("{name} is not JSON: {e}"),
            "the source must be a JSON document (or use `column` for a CSV file)",
        )
    })?;
    let Some(found) = document.pointer(pointer) else {
        return Err(problem(
            Key::Pointer,
            format!("{name} has nothing at `{pointer}`"),
            pointer_help(&document, pointer),
        ));
    };
    match found {
        Value::Null => Ok(Values::Latest(None)),
        Value::Number(n) => Ok(Values::Latest(n.as_f64().filter(|v| v.is_finite()))),
        Value::Array(items) => {
            let mut series = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let date = item
                    .get("date")
                    .and_then(Value::as_str)
                    .and_then(quoted_date);
                let value = item.get("value").and_then(Value::as_f64);
                match (date, value) {
                    (Some(date), Some(value)) => series.push((date, value)),
                    _ => {
                        return Err(problem(
                            Key::Pointer,
                            format!(
                                "`{pointer}/{i}` in {name} is not {{\"date\": \"YYYY-MM-DD\", \"value\": <number>}}"
                            ),
                            SERIES_HELP,
                        ));
                    }
                }
            }
            Ok(Values::Series(in_date_order(series)))
        }
        other => Err(problem(
            Key::Pointer,
            format!(
                "`{pointer}` in {name} is {}, not a number or an array of {{date, value}}",
                json_kind(other)
            ),
            SERIES_HELP,
        )),
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The keys where the pointer stops finding anything, with a did-you-mean.
fn pointer_help(document: &serde_json::Value, pointer: &str) -> String {
    let mut at = document;
    let mut prefix = String::new();
    for part in pointer.split('/').skip(1) {
        let key = part.replace("~1", "/").replace("~0", "~");
        match at
            .get(&key)
            .or_else(|| key.parse::<usize>().ok().and_then(|i| at.get(i)))
        {
            Some(next) => {
                at = next;
                prefix.push('/');
                prefix.push_str(part);
            }
            None => {
                let keys: Vec<&str> = at
                    .as_object()
                    .map(|o| o.keys().map(String::as_str).take(20).collect())
                    .unwrap_or_default();
                return match did_you_mean(&key, keys.iter().copied()) {
                    Some(s) => format!("did you mean `{prefix}/{s}`?"),
                    None if keys.is_empty() => format!(
                        "`{}` is {}",
                        if prefix.is_empty() { "/" } else { &prefix },
                        json_kind(at)
                    ),
                    None => format!(
                        "the keys at `{}` are: {}",
                        if prefix.is_empty() { "/" } else { &prefix },
                        keys.join(", ")
                    ),
                };
            }
        }
    }
    SERIES_HELP.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Spanned;
    use crate::model::source::Span;

    fn spanned(text: &str) -> Option<Spanned<String>> {
        Some(Spanned::new(text.to_string(), Span::default()))
    }

    fn csv_source(column: &str, date_column: Option<&str>) -> Source {
        Source {
            file: spanned("data/m.csv"),
            column: spanned(column),
            date_column: date_column.and_then(spanned),
            ..Source::default()
        }
    }

    fn json_source(pointer: &str) -> Source {
        Source {
            file: spanned("data/m.json"),
            pointer: spanned(pointer),
            ..Source::default()
        }
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_csv_column_gives_its_last_value_and_a_date_column_a_series() {
        let csv = "\u{feff}week,wau,note\n2026-10-05,1200,\n2026-10-19, 1500 ,x\n2026-10-12,1350\n2026-10-26,,not measured\n";
        let one = values(&csv_source("wau", None), csv.as_bytes(), "data/m.csv");
        assert_eq!(one, Ok(Values::Latest(Some(1350.0))));
        let series = values(
            &csv_source("wau", Some("week")),
            csv.as_bytes(),
            "data/m.csv",
        );
        assert_eq!(
            series,
            Ok(Values::Series(vec![
                (date("2026-10-05"), 1200.0),
                (date("2026-10-12"), 1350.0),
                (date("2026-10-19"), 1500.0),
            ]))
        );
    }

    #[test]
    fn a_missing_column_or_a_bad_cell_says_where_and_what_to_write() {
        let csv = b"week,wau\n2026-10-05,1200\n2026-10-12,1.3k\n";
        let missing = values(&csv_source("waus", None), csv, "data/m.csv").unwrap_err();
        assert_eq!(missing.key, Key::Column);
        assert_eq!(missing.message, "data/m.csv has no column `waus`");
        assert_eq!(missing.help.as_deref(), Some("did you mean `wau`?"));
        let bad = values(&csv_source("wau", None), csv, "data/m.csv").unwrap_err();
        assert_eq!(
            bad.message,
            "data/m.csv:3: `1.3k` in column `wau` is not a number"
        );
        let csv = b"week,wau\n05/10/2026,1200\n";
        let bad = values(&csv_source("wau", Some("week")), csv, "data/m.csv").unwrap_err();
        assert_eq!(bad.key, Key::DateColumn);
        assert!(
            bad.message
                .contains("`05/10/2026` in column `week` is not a date")
        );
    }

    #[test]
    fn a_json_pointer_reads_a_number_or_an_array_of_dated_values() {
        let json = br#"{"metrics": {"wau": 4200, "history": [
            {"date": "2026-10-12", "value": 1350}, {"date": "2026-10-05", "value": 1200.5}]}}"#;
        let one = values(&json_source("/metrics/wau"), json, "data/m.json");
        assert_eq!(one, Ok(Values::Latest(Some(4200.0))));
        let series = values(&json_source("/metrics/history"), json, "data/m.json");
        assert_eq!(
            series,
            Ok(Values::Series(vec![
                (date("2026-10-05"), 1200.5),
                (date("2026-10-12"), 1350.0)
            ]))
        );
        let missing = values(&json_source("/metrics/waus"), json, "data/m.json").unwrap_err();
        assert_eq!(
            missing.message,
            "data/m.json has nothing at `/metrics/waus`"
        );
        assert_eq!(
            missing.help.as_deref(),
            Some("did you mean `/metrics/wau`?")
        );
        let object = values(&json_source("/metrics"), json, "data/m.json").unwrap_err();
        assert!(
            object.message.contains("is an object, not a number"),
            "{object:?}"
        );
    }

    #[test]
    fn form_judges_paths_urls_and_headers_without_reading_anything() {
        let messages = |source: &Source| -> Vec<String> {
            form(source).into_iter().map(|p| p.message).collect()
        };
        for path in [
            "../secrets.csv",
            "/etc/passwd",
            "data/../../x.csv",
            "C:/x.csv",
            "",
        ] {
            let source = Source {
                file: spanned(path),
                ..csv_source("wau", None)
            };
            assert_eq!(messages(&source).len(), 1, "{path}");
        }
        let url = |u: &str| Source {
            url: spanned(u),
            pointer: spanned("/wau"),
            ..Source::default()
        };
        assert!(messages(&url("https://metrics.example.com/wau.json")).is_empty());
        assert!(messages(&url("http://127.0.0.1:8080/wau.json")).is_empty());
        assert!(messages(&url("http://localhost/wau.json")).is_empty());
        assert!(messages(&url("http://metrics.example.com/wau.json"))[0].contains("plain http"));
        assert!(messages(&url("https://me:pw@example.com/x"))[0].contains("credentials"));
        assert!(messages(&url("ftp://example.com/x"))[0].contains("not https"));
        let with_header = |name: &str, value: &str| Source {
            headers: vec![(
                Spanned::new(name.to_string(), Span::default()),
                Spanned::new(value.to_string(), Span::default()),
            )],
            ..url("https://metrics.example.com/wau.json")
        };
        assert!(messages(&with_header("Authorization", "Bearer ${METRICS_TOKEN}")).is_empty());
        assert!(messages(&with_header("Accept", "application/json")).is_empty());
        let written = messages(&with_header("Authorization", "Bearer abc123"));
        assert!(written[0].contains("credential written into the repository"));
        assert!(
            !written[0].contains("abc123"),
            "a credential is never shown"
        );
        assert!(messages(&with_header("X-Api-Key", "$TOKEN"))[0].contains("`$`"));
    }

    #[test]
    fn expansion_takes_names_from_the_environment_given_and_never_shows_values() {
        let env = |name: &str| (name == "METRICS_TOKEN").then(|| "s3cret".to_string());
        assert_eq!(
            expand("Bearer ${METRICS_TOKEN}", &env),
            Ok("Bearer s3cret".to_string())
        );
        let missing = expand("Bearer ${OTHER}", &env).unwrap_err();
        assert!(missing.contains("OTHER is not set"), "{missing}");
    }

    #[test]
    fn reading_is_bounded_and_stays_inside_the_repository() {
        let dir = std::env::temp_dir().join(format!("okr-data-{}", std::process::id()));
        let root = dir.join("repo");
        std::fs::create_dir_all(root.join("data")).unwrap();
        std::fs::write(dir.join("outside.csv"), "a\n1\n").unwrap();
        std::fs::write(root.join("data/ok.csv"), "a\n1\n").unwrap();
        assert_eq!(read_file(&root, "data/ok.csv").unwrap(), b"a\n1\n");
        assert!(
            read_file(&root, "data/none.csv")
                .unwrap_err()
                .message
                .contains("cannot read data/none.csv")
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("outside.csv"), root.join("data/link.csv"))
                .unwrap();
            let escape = read_file(&root, "data/link.csv").unwrap_err();
            assert!(
                escape.message.contains("leads outside the repository"),
                "{escape:?}"
            );
        }
        let big = std::fs::File::create(root.join("data/big.csv")).unwrap();
        big.set_len(MAX_FILE_BYTES + 1).unwrap();
        let big = read_file(&root, "data/big.csv").unwrap_err();
        assert!(big.message.contains("larger than 16 MB"), "{big:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
