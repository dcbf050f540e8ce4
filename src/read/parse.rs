//! Turns one file's text into a team, person or objective, reporting every
//! problem of its front matter as `invalid-front-matter`.
//!
//! TOML is parsed into a spanned document first and read field by field, so
//! that every problem is reported (not only the first, as with serde) and each
//! points at the offending key or value.

use crate::model::diagnostic::{Diagnostic, Rule};
use crate::model::source::{FileId, SourceFile, Span};
use crate::model::{
    Checkin, Initiative, KeyResult, Measure, Objective, Owner, Person, Retrospective, Source,
    Spanned, Team,
};
use crate::read::body;
use crate::read::fields::Reader;
use crate::read::frontmatter;
use crate::read::mistakes::{self, NumberFix, number_fix, number_help};
use crate::read::schema;
use crate::read::toml_doc::{self, Item, Table, Value};
use std::collections::BTreeSet;

/// What parsing one file gave: the entity, unless its front matter is broken
/// beyond use, and every problem found.
#[derive(Clone)]
pub struct Parsed<T> {
    /// Also when problems were found that leave it usable (a misspelt key),
    /// so that the rest of the file is checked; see [`Parsed::clean`].
    pub entity: Option<T>,
    /// The id of a broken file, as far as it could be told, so that references
    /// to it are not reported again as unresolved.
    pub broken_id: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Parsed<T> {
    /// The entity of a file without any problem: what is written back or
    /// compared across versions must be read exactly as written.
    pub fn clean(self) -> Option<T> {
        self.entity.filter(|_| self.diagnostics.is_empty())
    }
}

pub fn parse_team(file: &SourceFile, id: FileId) -> Parsed<Team> {
    parse_file(file, id, |r, root, body| {
        r.check_keys(root, schema::TEAM, "team");
        Team {
            file: id,
            id: r.id(root, file),
            name: r.string(root, "name"),
            parent: r.string(root, "parent"),
            lead: r.string(root, "lead"),
            members: r.strings(root, "members", false),
            body: body.to_string(),
        }
    })
}

pub fn parse_person(file: &SourceFile, id: FileId) -> Parsed<Person> {
    parse_file(file, id, |r, root, body| {
        r.check_keys(root, schema::PERSON, "person");
        Person {
            file: Some(id),
            id: r.id(root, file),
            name: r.string(root, "name"),
            role: r.string(root, "role"),
            github: r.string(root, "github"),
            body: body.to_string(),
        }
    })
}

pub fn parse_objective(file: &SourceFile, id: FileId) -> Parsed<Objective> {
    parse_file(file, id, |r, root, body| {
        r.check_keys(root, schema::OBJECTIVE, "objective");
        let header = r.header();
        let key_results = r
            .tables(root, "key_results")
            .into_iter()
            .enumerate()
            .map(|(i, (table, span))| key_result(r, table, span, i))
            .collect();
        let initiatives = r
            .tables(root, "initiatives")
            .into_iter()
            .map(|(table, span)| initiative(r, table, span))
            .collect();
        Objective {
            file: id,
            id: r.id(root, file),
            id_explicit: root.contains_key("id"),
            title: r.required_string(root, "title", header, "objective"),
            period: r.required_string(root, "period", header, "objective"),
            team: r.string(root, "team"),
            person: r.string(root, "person"),
            aligns_to: r.strings(root, "aligns_to", true),
            contributors: r.strings(root, "contributors", false),
            tags: r
                .strings(root, "tags", false)
                .into_iter()
                .map(|t| t.value)
                .collect(),
            kind: r.string(root, "kind"),
            key_results,
            initiatives,
            carried_from: r.string(root, "carried_from"),
            retrospective: r
                .table(root, "retrospective")
                .map(|(table, span)| Box::new(retrospective(r, table, span))),
            body: body.to_string(),
            header,
            owner: Owner::Unknown,
            parents: Vec::new(),
            children: Vec::new(),
            predecessor: None,
        }
    })
}

/// Splits the file, parses its TOML and hands the root table to `build`. The
/// entity is kept unless a problem leaves it unusable (TOML that cannot be
/// read, a missing title or period): a file with a misspelt key still gets
/// every other finding the rest of its front matter allows.
fn parse_file<T>(
    file: &SourceFile,
    id: FileId,
    build: impl FnOnce(&mut Reader, &Table<'_>, &str) -> T,
) -> Parsed<T> {
    let split = match frontmatter::split(&file.text) {
        Ok(split) => split,
        Err(e) => {
            let diagnostic = Diagnostic::new(Rule::InvalidFrontMatter, id, Some(e.span), e.message)
                .with_help(e.help);
            return broken(file, None, vec![diagnostic]);
        }
    };
    let mut reader = Reader::new(id, split.toml_offset);
    let repaired: String;
    let mut parsed = toml_doc::parse(split.toml);
    if let Err((errors, _)) = &parsed
        && let Some(repair) = repair_numbers(split.toml, errors)
    {
        for fix in &repair.fixes {
            reader.report(
                fix.span.clone(),
                format!("`{}` must be a number, not `{}`", fix.key, fix.written),
                Some(number_help(fix.key, &fix.fix)),
            );
            reader.repaired.insert(fix.span.start, fix.fix.number);
        }
        repaired = repair.text;
        parsed = toml_doc::parse(&repaired);
    }
    let root = match parsed {
        Ok(root) => root,
        Err((errors, root)) => {
            for error in errors {
                let message = format!("invalid TOML: {}", error.message);
                match error.span {
                    Some(span) => reader.report(span, message, None),
                    // The first TOML line would be a wrong place; the opening
                    // fence stands for the whole front matter, as elsewhere.
                    None => reader.report_at(
                        reader.header(),
                        message,
                        Some("look for keys, tables or arrays nested very deeply".into()),
                    ),
                }
            }
            let broken_id = root.get("id").and_then(Item::as_str).map(String::from);
            return broken(file, broken_id, reader.diagnostics);
        }
    };
    let entity = build(&mut reader, &root, split.body);
    if let Some(excess) = body::too_much_raw_html(split.body) {
        let at = file.text.len() - split.body.len() + excess.at();
        reader.report_fatal((at..at + 1).into(), excess.message(), Some(excess.help()));
    }
    if reader.fatal {
        let explicit = root.get("id").and_then(Item::as_str).map(String::from);
        return broken(file, explicit, reader.diagnostics);
    }
    Parsed {
        entity: Some(entity),
        broken_id: None,
        diagnostics: reader.diagnostics,
    }
}

/// A number written in prose where TOML refused it, as `target = 20%`.
struct NumberRepair {
    key: &'static str,
    written: String,
    /// The value's place in the TOML text.
    span: std::ops::Range<usize>,
    fix: NumberFix,
}

/// The TOML text with every value TOML refused that is a number written in
/// prose replaced by a quoted placeholder of the same length (so that every
/// place in the text stays where it was, and the rest of the file is read),
/// and those values; `None` when no error is one of them.
struct Repaired {
    text: String,
    fixes: Vec<NumberRepair>,
}

fn repair_numbers(toml: &str, errors: &[toml_doc::Error]) -> Option<Repaired> {
    // The lines with errors, each once, in order (errors need not be).
    let lines: BTreeSet<(usize, usize)> = (errors.iter())
        .filter_map(|e| e.span.as_ref())
        .filter_map(|span| {
            let at = span.start.min(toml.len());
            let start = toml.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
            let end = toml.get(at..)?.find('\n').map_or(toml.len(), |i| at + i);
            Some((start, end))
        })
        .collect();
    let fixes: Vec<NumberRepair> = (lines.into_iter())
        .filter_map(|(start, end)| number_in_prose(&toml[start..end], start))
        .collect();
    if fixes.is_empty() {
        return None;
    }
    // One pass: the fixes are in order and on separate lines.
    let mut text = String::with_capacity(toml.len());
    let mut copied = 0;
    for fix in &fixes {
        text.push_str(&toml[copied..fix.span.start]);
        text.push('"');
        text.extend(std::iter::repeat_n(' ', fix.span.len() - 2));
        text.push('"');
        copied = fix.span.end;
    }
    text.push_str(&toml[copied..]);
    Some(Repaired { text, fixes })
}

/// `KEY = VALUE` on one line, where KEY holds a measured number and VALUE
/// is one written in prose (`20%`, `2M`, `€2000000`, `2,000,000`).
fn number_in_prose(line: &str, line_start: usize) -> Option<NumberRepair> {
    let (key, rest) = line.split_once('=')?;
    let key = *mistakes::MEASURED.iter().find(|k| **k == key.trim())?;
    let value_start = line.len() - rest.trim_start().len();
    let value = rest.split('#').next()?.trim();
    let fix = number_fix(value)?;
    // Two bytes at least hold the quotes of the placeholder; every number in
    // prose has a digit and a sign or a separator.
    (value.len() >= 2).then(|| NumberRepair {
        key,
        written: value.to_string(),
        span: line_start + value_start..line_start + value_start + value.len(),
        fix,
    })
}

fn broken<T>(
    file: &SourceFile,
    explicit_id: Option<String>,
    diagnostics: Vec<Diagnostic>,
) -> Parsed<T> {
    Parsed {
        entity: None,
        broken_id: Some(explicit_id.unwrap_or_else(|| file.stem().to_string())),
        diagnostics,
    }
}

fn key_result(r: &mut Reader, table: &Table<'_>, span: Span, index: usize) -> KeyResult {
    r.check_keys(table, schema::KEY_RESULT, "key result");
    let title = r.required_string(table, "title", span, "key result");
    let explicit_id = r.string(table, "id");
    let id_explicit = explicit_id.is_some();
    let id = explicit_id.unwrap_or_else(|| Spanned::new(format!("kr{}", index + 1), title.span));
    let start = r.number(table, "start");
    let target = r.number(table, "target");
    let done = r.boolean(table, "done");
    let keep = r.string(table, "keep");
    let keep_span = keep.as_ref().map(|k| k.span);
    let measure = match (target, done) {
        (Some(target), None) => match keep {
            Some(keep) => Measure::Kept {
                keep,
                target,
                start,
            },
            None => Measure::Metric {
                start: start.unwrap_or_else(|| Spanned::new(0.0, target.span)),
                target,
            },
        },
        (None, Some(done)) => Measure::Milestone { done },
        (None, None) => Measure::Missing { start },
        (Some(_), Some(done)) => {
            r.report_at(
                done.span,
                "a key result has either a `target` (a metric) or `done` (a milestone), not both"
                    .into(),
                Some("remove `done`, or remove `target` to make it a milestone".into()),
            );
            Measure::Milestone { done }
        }
    };
    if let (Some(span), Measure::Milestone { .. }) = (keep_span, &measure) {
        r.report_at(
            span,
            "a milestone has nothing to keep: `keep` goes with a `target`".into(),
            Some("remove `keep`, or write `target = <number>` instead of `done` to keep a metric at or beyond it".into()),
        );
    }
    // Sized up front: check-ins are the largest part of the model, and a
    // vector grown by doubling would leave a quarter of it unused.
    let tables = r.tables(table, "checkins");
    let mut checkins = Vec::with_capacity(tables.len());
    checkins.extend(tables.into_iter().filter_map(|(t, s)| checkin(r, t, s)));
    let source = r.table(table, "source").map(|(t, s)| source(r, t, s));
    KeyResult {
        id,
        id_explicit,
        title,
        measure,
        current: r.number(table, "current"),
        unit: r.string(table, "unit"),
        due: r.date(table, "due"),
        weight: r.number(table, "weight"),
        confidence: r.number(table, "confidence"),
        owner: r.string(table, "owner"),
        checkins,
        source: source.map(Box::new),
        span,
        owner_person: None,
    }
}

/// `[key_results.source]` as written; `okr check` judges what it names.
fn source(r: &mut Reader, table: &Table<'_>, span: Span) -> Source {
    r.check_keys(table, schema::SOURCE, "source");
    let mut headers = Vec::new();
    if let Some((t, _)) = r.table(table, "headers") {
        for entry in t.iter() {
            match &entry.item.value {
                Value::String(value) => headers.push((
                    Spanned::new(entry.key.to_string(), r.span(entry.key_span.clone())),
                    Spanned::new(value.to_string(), r.span(entry.item.span.clone())),
                )),
                _ => r.wrong_type(&entry.key, &entry.item, "a string"),
            }
        }
    }
    Source {
        file: r.string(table, "file"),
        url: r.string(table, "url"),
        column: r.string(table, "column"),
        date_column: r.string(table, "date_column"),
        pointer: r.string(table, "pointer"),
        headers,
        span,
    }
}

fn checkin(r: &mut Reader, table: &Table<'_>, span: Span) -> Option<Checkin> {
    r.check_keys(table, schema::CHECKIN, "check-in");
    let date = r.date(table, "date");
    let value = r.number(table, "value");
    for (key, present) in [("date", date.is_some()), ("value", value.is_some())] {
        if !present && !table.contains_key(key) {
            r.report_at(
                span,
                format!("the check-in has no `{key}`"),
                Some("a check-in needs `date = YYYY-MM-DD` and `value = <number>`".into()),
            );
        }
    }
    Some(Checkin {
        date: date?,
        value: value?,
        confidence: r.number(table, "confidence"),
        note: r.string(table, "note").map(|n| n.value),
    })
}

fn retrospective(r: &mut Reader, table: &Table<'_>, span: Span) -> Retrospective {
    r.check_keys(table, schema::RETROSPECTIVE, "retrospective");
    let score = r.number(table, "score");
    if let Some(score) = &score
        && !(0.0..=1.0).contains(&score.value)
    {
        r.report_at(
            score.span,
            format!(
                "the retrospective's `score` must be between 0 and 1, not {}",
                score.value
            ),
            Some("scores run from 0.0 to 1.0; 0.7 is a good result for a stretch goal".into()),
        );
    }
    let reason = r.string(table, "reason");
    match &reason {
        Some(reason) if reason.value.trim().is_empty() => r.report_at(
            reason.span,
            "the retrospective's `reason` is empty".into(),
            Some("say why the computed score does not tell the whole story".into()),
        ),
        None if score.is_some() && !table.contains_key("reason") => r.report_at(
            span,
            "the retrospective overrides the score but gives no `reason`".into(),
            Some(
                "add `reason = \"…\"`: why the computed score does not tell the whole story".into(),
            ),
        ),
        _ => {}
    }
    let notes = r.string(table, "notes");
    if let Some(notes) = &notes
        && let Some(excess) = body::too_much_raw_html(&notes.value)
    {
        // On the whole string: escapes make places inside it differ from the text.
        r.report_at(notes.span, excess.message(), Some(excess.help()));
    }
    Retrospective {
        score,
        reason,
        notes: notes.map(|n| n.value),
    }
}

fn initiative(r: &mut Reader, table: &Table<'_>, span: Span) -> Initiative {
    r.check_keys(table, schema::INITIATIVE, "initiative");
    Initiative {
        title: r.required_string(table, "title", span, "initiative"),
        key_result: r.string(table, "key_result"),
        status: r.string(table, "status"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::source::FileKind;

    fn objective(text: &str) -> (SourceFile, Parsed<Objective>) {
        let file = SourceFile::new(
            "okrs/2026-Q1/grow.md",
            FileKind::Objective,
            text.to_string(),
        );
        let parsed = parse_objective(&file, FileId(0));
        (file, parsed)
    }

    fn messages(parsed: &Parsed<Objective>) -> Vec<&str> {
        parsed
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect()
    }

    const GOOD: &str = r#"+++
title = "Grow"
period = "2026-Q1"
team = "sales"
aligns_to = "expand"

[[key_results]]
title = "Revenue"
start = 5
target = 2.5
unit = "%"

[[key_results.checkins]]
date = 2026-01-15
value = 4

[[key_results]]
id = "launch"
title = "Shop live"
done = false
owner = "anna"
+++
Body *here*.
"#;

    #[test]
    fn parses_a_full_objective() {
        let (file, parsed) = objective(GOOD);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let o = parsed.entity.unwrap();
        assert_eq!(o.id.value, "grow");
        assert!(!o.id_explicit);
        assert_eq!(o.title.value, "Grow");
        assert_eq!(&file.text[o.title.span], "\"Grow\"");
        assert_eq!(o.aligns_to[0].value, "expand");
        assert_eq!(o.key_results.len(), 2);
        let kr = &o.key_results[0];
        assert_eq!(kr.id.value, "kr1");
        assert_eq!(kr.start(), 5.0);
        assert_eq!(kr.current("2026-02-01".parse().unwrap()), 4.0);
        assert!(matches!(kr.measure, Measure::Metric { ref target, .. } if target.value == 2.5));
        assert_eq!(o.key_results[1].id.value, "launch");
        assert_eq!(kr.owner, None);
        let owner = o.key_results[1].owner.as_ref().unwrap();
        assert_eq!(owner.value, "anna");
        assert_eq!(&file.text[owner.span], "\"anna\"");
        assert_eq!(o.key_results[1].owner_person, None, "resolved later");
        assert!(matches!(
            o.key_results[1].measure,
            Measure::Milestone { .. }
        ));
        assert_eq!(o.body, "Body *here*.\n");
    }

    #[test]
    fn raw_html_too_costly_to_sanitise_is_reported_where_it_passes_the_limit() {
        let tags = "<b>\n".repeat(crate::read::body::MAX_RAW_TAGS + 1);
        let (file, parsed) = objective(&format!("{GOOD}\n{tags}"));
        let [d] = parsed.diagnostics.as_slice() else {
            panic!("{:?}", parsed.diagnostics)
        };
        assert!(d.message.contains("raw HTML"), "{}", d.message);
        let first_tag = GOOD.lines().count() + 2;
        let at = d.span.map(|s| file.line_col(s.start()).line);
        assert_eq!(at, Some(first_tag + crate::read::body::MAX_RAW_TAGS));

        let notes = format!("[retrospective]\nnotes = '''\n{tags}'''\n+++\nBody");
        let (file, parsed) = objective(&GOOD.replacen("+++\nBody", &notes, 1));
        let [d] = parsed.diagnostics.as_slice() else {
            panic!("{:?}", parsed.diagnostics)
        };
        let at = d.span.map(|s| &file.text[s.start()..s.start() + 3]);
        assert_eq!(at, Some("'''"), "on the notes");
    }

    /// The first finding of an objective whose first key result has `line`.
    fn key_result_finding(line: &str) -> (String, Option<String>) {
        let text = format!(
            "+++\ntitle = \"G\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"K\"\ntarget = 1\n{line}\n+++\n"
        );
        let (_, parsed) = objective(&text);
        let d = parsed
            .diagnostics
            .first()
            .unwrap_or_else(|| panic!("{line}: no finding"));
        (d.message.clone(), d.help.clone())
    }

    #[test]
    fn a_metric_to_keep_is_read_with_its_bound_and_a_milestone_cannot_keep() {
        let text = "+++\ntitle = \"G\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"NPS at 50 or more\"\nkeep = \"at-least\"\ntarget = 50\n+++\n";
        let (_, parsed) = objective(text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let kr = &parsed.entity.unwrap().key_results[0];
        assert_eq!(kr.kept(), Some((crate::model::Bound::AtLeast, 50.0)));
        // Without `start`, its first day has no known value.
        assert_eq!(kr.known_start(), None);
        let (_, parsed) = objective(&text.replace("target = 50", "done = false"));
        let messages: Vec<&str> = parsed
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            messages,
            ["a milestone has nothing to keep: `keep` goes with a `target`"]
        );
    }

    #[test]
    fn a_date_time_where_a_date_belongs_shows_the_date_to_write() {
        let (message, help) = key_result_finding("due = 2026-03-01T10:00:00+02:00");
        assert_eq!(message, "`due` must be a date, not a date-time");
        assert_eq!(
            help.as_deref(),
            Some("write only the date: `due = 2026-03-01`")
        );
        let (message, _) = key_result_finding("due = 10:00:00");
        assert_eq!(message, "`due` must be a date, not a time");
    }

    #[test]
    fn quoted_dates_are_read_as_toml_reads_dates() {
        let (_, parsed) = objective(&GOOD.replace("date = 2026-01-15", "date = \"2026-01-15\""));
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        for wrong in [
            "2026-2-1",
            "-200000-01-01",
            "+2026-01-01",
            "20260-01-01",
            "2026-01-15 ",
            "2026-02-30",
        ] {
            let (message, _) = key_result_finding(&format!("due = \"{wrong}\""));
            assert_eq!(message, "`due` must be a date, not a string", "{wrong}");
        }
    }

    #[test]
    fn reports_every_problem_with_its_place() {
        let text = "+++\ntitle = 3\nperiod = \"2026-Q1\"\n\n[[key_results]]\ntitle = \"x\"\ntaget = 5\nstart = \"10\"\n+++\n";
        let (file, parsed) = objective(text);
        assert!(parsed.entity.is_none());
        assert_eq!(parsed.broken_id.as_deref(), Some("grow"));
        let mut found: Vec<_> = parsed
            .diagnostics
            .iter()
            .map(|d| {
                (
                    file.line_col(d.span.unwrap().start()).line,
                    d.message.as_str(),
                    d.help.as_deref(),
                )
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                (2, "`title` must be a string, not an integer", None),
                (
                    7,
                    "unknown key `taget` in key result",
                    Some("did you mean `target`?")
                ),
                (
                    8,
                    "`start` must be a number, not a string",
                    Some("write the number without quotes: `start = 10`")
                ),
            ]
        );
    }

    #[test]
    fn reports_missing_required_keys_at_the_fence() {
        let (_, parsed) = objective("+++\nteam = \"x\"\n+++\n");
        assert_eq!(
            messages(&parsed),
            [
                "the objective has no `title`",
                "the objective has no `period`"
            ]
        );
        assert_eq!(parsed.diagnostics[0].span, Some((0..3).into()));
    }

    #[test]
    fn reports_toml_syntax_errors_in_file_coordinates() {
        let (file, parsed) = objective("+++\ntitle = \"x\"\nperiod = 2026-02-30\n+++\n");
        assert_eq!(parsed.diagnostics.len(), 1);
        let d = &parsed.diagnostics[0];
        assert!(d.message.starts_with("invalid TOML"), "{}", d.message);
        assert_eq!(file.line_col(d.span.unwrap().start()).line, 3);
    }

    #[test]
    fn toml_errors_without_a_place_point_at_the_opening_fence() {
        let deep = format!("a{} = 1", ".a".repeat(100));
        let (file, parsed) = objective(&format!(
            "+++\ntitle = \"x\"\nperiod = \"2026-Q1\"\n{deep}\n+++\n"
        ));
        let d = &parsed.diagnostics[0];
        assert_eq!(d.message, "invalid TOML: recursion limit");
        assert_eq!(file.line_col(d.span.unwrap().start()).line, 1);
        assert!(d.help.is_some());
    }

    #[test]
    fn rejects_target_and_done_together() {
        let (_, parsed) = objective(
            "+++\ntitle = \"x\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"k\"\ntarget = 1\ndone = true\n+++\n",
        );
        assert_eq!(parsed.diagnostics.len(), 1);
        assert!(parsed.diagnostics[0].message.contains("not both"));
    }

    #[test]
    fn rejects_non_finite_numbers() {
        let (_, parsed) = objective(
            "+++\ntitle = \"x\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"k\"\ntarget = nan\n+++\n",
        );
        assert_eq!(messages(&parsed), ["`target` must be a finite number"]);
    }

    const RETRO: &str = "+++\ntitle = \"x\"\nperiod = \"2026-Q1\"\ncarried_from = \"2025-Q4/x\"\n[[key_results]]\ntitle = \"k\"\ntarget = 1\n\n[retrospective]\n";

    #[test]
    fn parses_a_retrospective_and_where_an_objective_came_from() {
        let text = format!(
            "{RETRO}score = 0.6\nreason = \"Counted only Android\"\nnotes = \"We *learned*.\"\n+++\n"
        );
        let (_, parsed) = objective(&text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let o = parsed.entity.unwrap();
        assert_eq!(o.carried_from.unwrap().value, "2025-Q4/x");
        let retro = o.retrospective.unwrap();
        assert_eq!(retro.score.unwrap().value, 0.6);
        assert_eq!(retro.reason.unwrap().value, "Counted only Android");
        assert_eq!(retro.notes.as_deref(), Some("We *learned*."));
        // Notes alone need no reason.
        let (_, parsed) = objective(&format!("{RETRO}notes = \"Fine.\"\n+++\n"));
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    }

    #[test]
    fn a_retrospective_score_needs_a_reason_and_a_range() {
        let found = |tail: &str| {
            let (file, parsed) = objective(&format!("{RETRO}{tail}+++\n"));
            assert!(parsed.entity.is_some(), "the rest of the file is checked");
            parsed
                .diagnostics
                .iter()
                .map(|d| {
                    assert_eq!(d.rule, Rule::InvalidFrontMatter);
                    let span = d.span.unwrap();
                    (
                        file.line_col(span.start()).line,
                        d.message.clone(),
                        d.help.clone().unwrap_or_default(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let missing = found("score = 0.5\n");
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].0, 9, "at the [retrospective] table");
        assert_eq!(
            missing[0].1,
            "the retrospective overrides the score but gives no `reason`"
        );
        let out_of_range = found("score = 1.2\nreason = \"x\"\n");
        assert_eq!(
            out_of_range,
            [(
                10,
                "the retrospective's `score` must be between 0 and 1, not 1.2".to_string(),
                "scores run from 0.0 to 1.0; 0.7 is a good result for a stretch goal".to_string()
            )]
        );
        let typo = found("score = 0.5\nreasn = \"x\"\n");
        assert!(
            typo.iter().any(|(line, m, h)| *line == 11
                && m == "unknown key `reasn` in retrospective"
                && h == "did you mean `reason`?"),
            "{typo:?}"
        );
        let empty = found("score = 0.5\nreason = \" \"\n");
        assert_eq!(empty[0].1, "the retrospective's `reason` is empty");
        let (_, parsed) =
            objective("+++\ntitle = \"x\"\nperiod = \"2026-Q1\"\nretrospective = 0.5\n+++\n");
        assert_eq!(
            messages(&parsed),
            ["`retrospective` must be a table (`[retrospective]`), not a number"]
        );
    }

    #[test]
    fn missing_fences_are_reported() {
        let (_, parsed) = objective("title = \"x\"\n");
        assert_eq!(
            messages(&parsed),
            ["the file does not start with front matter"]
        );
    }

    #[test]
    fn parses_teams_and_people() {
        let file = SourceFile::new(
            "teams/sales.md",
            FileKind::Team,
            "+++\nname = \"Sales\"\nlead = \"anna\"\nmembers = [\"anna\", \"bob\"]\n+++\nWe sell.\n".into(),
        );
        let team = parse_team(&file, FileId(0)).entity.unwrap();
        assert_eq!(team.id.value, "sales");
        assert_eq!(team.members.len(), 2);
        assert_eq!(team.body, "We sell.\n");
        let person = |text: &str| {
            let file = SourceFile::new("people/anna.md", FileKind::Person, text.into());
            parse_person(&file, FileId(0))
        };
        let parsed = person("+++\nrole = 1\n+++\n");
        assert_eq!(parsed.diagnostics.len(), 1);
        assert!(parsed.clone().entity.is_some() && parsed.clean().is_none());
        // Without a usable id, nobody can tell who it is.
        let parsed = person("+++\nid = 1\n+++\n");
        assert!(parsed.entity.is_none());
        assert_eq!(parsed.broken_id.as_deref(), Some("anna"));
    }

    /// The findings of an objective with one key result holding `lines`:
    /// (line, message, help), and the target it was read with.
    fn key_result_findings(lines: &str) -> (Vec<(usize, String, String)>, Option<f64>) {
        let text = format!(
            "+++\ntitle = \"G\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"K\"\n{lines}\n[[key_results]]\ntitle = \"L\"\ntarget = 3\n+++\n"
        );
        let (file, parsed) = objective(&text);
        let found = (parsed.diagnostics.iter())
            .map(|d| {
                let span = d.span.unwrap_or_default();
                let at = file.line_col(span.start());
                let under = &file.text[span];
                assert_eq!(under.trim(), under, "under the value or key, not beside it");
                assert!(!under.is_empty() && !under.contains('\n'), "{under:?}");
                (
                    at.line,
                    d.message.clone(),
                    d.help.clone().unwrap_or_default(),
                )
            })
            .collect();
        let o = parsed
            .entity
            .expect("kept: the problem leaves the rest usable");
        assert_eq!(o.key_results.len(), 2, "read past the problem");
        let target = match &o.key_results[0].measure {
            Measure::Metric { target, .. } => Some(target.value),
            _ => None,
        };
        (found, target)
    }

    #[test]
    fn numbers_written_in_prose_say_what_to_write_and_mean_that_number() {
        for (line, message, help, target) in [
            (
                "target = 20%",
                "`target` must be a number, not `20%`",
                "write `target = 20` with `unit = \"%\"`",
                20.0,
            ),
            (
                "target = \"20%\"",
                "`target` must be a number, not a string",
                "write `target = 20` with `unit = \"%\"`",
                20.0,
            ),
            (
                "target = 2M # two million",
                "`target` must be a number, not `2M`",
                "write `target = 2_000_000` (or `target = 2` with `unit = \"M\"`)",
                2e6,
            ),
            (
                "target = 2,000,000",
                "`target` must be a number, not `2,000,000`",
                "write `target = 2_000_000`",
                2e6,
            ),
            (
                "target = €2000000",
                "`target` must be a number, not `€2000000`",
                "write `target = 2_000_000` with `unit = \"€\"`",
                2e6,
            ),
            (
                "target = $5k",
                "`target` must be a number, not `$5k`",
                "write `target = 5000` with `unit = \"$\"`",
                5e3,
            ),
            (
                "target = \"20\"",
                "`target` must be a number, not a string",
                "write the number without quotes: `target = 20`",
                20.0,
            ),
        ] {
            let (found, read) = key_result_findings(line);
            assert_eq!(
                found,
                [(6, message.to_string(), help.to_string())],
                "{line}"
            );
            assert_eq!(read, Some(target), "{line}");
        }
        // Every measured number, and a check-in's value, the same way.
        let (found, _) = key_result_findings(
            "start = 1.5k\ntarget = 3000\ncurrent = 5%\n[[key_results.checkins]]\ndate = 2026-01-05\nvalue = 2M",
        );
        let helps: Vec<&str> = found.iter().map(|(_, _, h)| h.as_str()).collect();
        assert_eq!(
            helps,
            [
                "write `start = 1500` (or `start = 1.5` with `unit = \"k\"`)",
                "write `current = 5` with `unit = \"%\"`",
                "write `value = 2_000_000` (or `value = 2` with `unit = \"M\"`)",
            ]
        );
    }

    /// Every key result's target written as `20%`: each is reported and
    /// read, in time linear in their number.
    #[test]
    fn numbers_in_prose_cost_linear_time() {
        let text = |n: usize| {
            let krs = "[[key_results]]\ntitle = \"K\"\ntarget = 20%\n".repeat(n);
            format!("+++\ntitle = \"G\"\nperiod = \"2026-Q1\"\n{krs}+++\n")
        };
        crate::check::testing::assert_linear("numbers in prose", 2_000, text, |text| {
            let (_, parsed) = objective(text);
            assert_eq!(parsed.diagnostics.len(), text.matches("20%").count());
            assert!(parsed.entity.is_some());
        });
    }

    #[test]
    fn other_toml_errors_still_leave_the_file_unread() {
        let (_, parsed) =
            objective("+++\ntitle = \"x\"\nperiod = \"2026-Q1\"\nteam = sales\n+++\n");
        assert!(parsed.entity.is_none());
        assert!(parsed.diagnostics[0].message.starts_with("invalid TOML"));
        // A confidence is no measured number: it is not guessed at.
        let (_, parsed) = objective(
            "+++\ntitle = \"x\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"k\"\ntarget = 1\nconfidence = 70%\n+++\n",
        );
        assert!(parsed.entity.is_none());
    }

    #[test]
    fn a_misspelt_key_is_reported_once_and_read_as_the_key_it_means() {
        let (found, target) = key_result_findings("taget = 500");
        assert_eq!(
            found,
            [(
                6,
                "unknown key `taget` in key result".to_string(),
                "did you mean `target`?".to_string()
            )]
        );
        assert_eq!(target, Some(500.0), "no missing target reported after it");
        let (found, target) = key_result_findings("goal = 40\ntarget = 50");
        assert_eq!(found[0].2, "write `target = <number>`");
        assert_eq!(target, Some(50.0), "the key as written wins");
    }

    #[test]
    fn keys_named_as_other_tools_name_them_say_what_okr_calls_them() {
        let help_for = |what: &str, line: &str| {
            let text = match what {
                "objective" => format!("+++\ntitle = \"G\"\nperiod = \"2026-Q1\"\n{line}\n+++\n"),
                _ => format!(
                    "+++\ntitle = \"G\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"K\"\ntarget = 1\n{line}\n+++\n"
                ),
            };
            let (_, parsed) = objective(&text);
            assert!(parsed.entity.is_some(), "{line}");
            let [d] = parsed.diagnostics.as_slice() else {
                panic!("{line}: {:?}", parsed.diagnostics)
            };
            d.help.clone().unwrap_or_default()
        };
        let owner = "use `team = \"<id>\"` or `person = \"<id>\"`";
        for (what, line, help) in [
            ("objective", "owner = \"sales\"", owner),
            ("objective", "owners = [\"sales\"]", owner),
            ("objective", "assignee = \"anna\"", owner),
            (
                "objective",
                "parent = \"grow\"",
                "write `aligns_to = \"<objective id>\"` (or `\"<objective id>#<key result id>\"`)",
            ),
            (
                "objective",
                "krs = []",
                "write each key result as a `[[key_results]]` table",
            ),
            (
                "objective",
                "description = \"x\"",
                "write the description in the Markdown body, after the closing `+++`",
            ),
            (
                "key result",
                "due_date = 2026-03-01",
                "write `due = YYYY-MM-DD`",
            ),
            (
                "key result",
                "deadline = 2026-03-01",
                "write `due = YYYY-MM-DD`",
            ),
            ("key result", "baseline = 0", "write `start = <number>`"),
            (
                "key result",
                "assignee = \"anna\"",
                "write `owner = \"<person id>\"`",
            ),
            (
                "key result",
                "owners = [\"anna\", \"ben\"]",
                "a key result has one owner: write `owner = \"<person id>\"` and name the others as the objective's `contributors`",
            ),
            (
                "key result",
                "value = 3",
                "write `current = <number>`, or add a `[[key_results.checkins]]` with `value`",
            ),
        ] {
            assert_eq!(help_for(what, line), help, "{line}");
        }
    }
}
