//! Exports (pinned shape): `okrs.json` at the site root and `okr export
//! --format json|csv`, for scripts and spreadsheets.
//!
//! ```text
//! {"generated_at","as_of","current_period",
//!  "objectives":[{"id","period","title","owner":{"kind","id","name"},"aligns_to","score","status","url",
//!    "key_results":[{"id","title","start","target","current","unit","progress","status","confidence",
//!      "checkins":[{"date","value","confidence","note"}],"keep","owner","owner_name"}],
//!    "contributors":[{"id","name"}],"tags","initiatives":[{"title","status","key_result"}],
//!    "retrospective":{"score","reason","notes"},"kind","goal"}],
//!  "teams":[{"id","name","score"}],"people":[{"id","name","score"}]}
//! ```
//!
//! Fields are written in that order; dates are `YYYY-MM-DD`; scores and
//! progress are numbers in 0..=1 (or `null` when there is nothing to measure).
//! `generated_at` is the as-of date, so that a build is reproducible. Fields
//! are only ever added after the existing ones of their object, so that
//! scripts written against an older export keep working.

use crate::check::Checked;
use crate::model::{
    Initiative, InitiativeStatus, KeyResult, Measure, Objective, Org, Owner, Retrospective,
};
use crate::score::{KeyResultScore, ObjectiveScore, OwnerKey};
use crate::site::views::{self, Urls};
use crate::text::IsoDate;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

/// The columns of the CSV export, one row per key result.
pub const CSV_COLUMNS: &[&str] = &[
    "objective_id",
    "period",
    "objective_title",
    "owner_kind",
    "owner_id",
    "aligns_to",
    "objective_score",
    "objective_status",
    "url",
    "key_result_id",
    "key_result_title",
    "start",
    "target",
    "current",
    "unit",
    "progress",
    "key_result_status",
    "confidence",
    "checkins",
    "last_checkin",
    // Added after the pinned columns above, which never move.
    "owner_name",
    "key_result_owner",
    "key_result_owner_name",
    "key_result_keep",
    "objective_kind",
];

/// The JSON Schema of the JSON export, as `docs/okrs.schema.json` holds it
/// and `okr schema --export` prints it.
pub const JSON_SCHEMA: &str = include_str!("../../docs/okrs.schema.json");

/// The UTF-8 byte-order mark: Excel reads a CSV file as UTF-8 only when it
/// starts with one, and as the system's legacy code page otherwise.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Serialize)]
struct OwnerRef<'a> {
    /// `company`, `team` or `person`.
    kind: &'static str,
    /// The team's or person's id; `null` for the company.
    id: Option<&'a str>,
    /// The team's or person's name, or the company's (`company` in `okr.toml`).
    name: &'a str,
}

#[derive(Serialize)]
struct ContributorOut<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct InitiativeOut<'a> {
    title: &'a str,
    /// `planned`, `in-progress`, `done` or `dropped`; `null` when none is written.
    status: Option<&'a str>,
    /// The id of the key result it serves.
    key_result: Option<&'a str>,
}

#[derive(Serialize)]
struct RetrospectiveOut<'a> {
    /// The score that replaces the computed one, when one is set.
    score: Option<f64>,
    reason: Option<&'a str>,
    /// Markdown, as written.
    notes: Option<&'a str>,
}

#[derive(Serialize)]
struct CheckinOut<'a> {
    date: IsoDate,
    value: f64,
    confidence: Option<f64>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct KeyResultOut<'a> {
    id: &'a str,
    title: &'a str,
    start: f64,
    target: Option<f64>,
    current: f64,
    unit: Option<&'a str>,
    progress: Option<f64>,
    status: Option<&'static str>,
    confidence: Option<f64>,
    checkins: Vec<CheckinOut<'a>>,
    /// A metric to keep's bound, `at-least` or `at-most`; `null` otherwise.
    keep: Option<&'a str>,
    /// The id of the person who answers for it, as written.
    owner: Option<&'a str>,
    owner_name: Option<&'a str>,
}

#[derive(Serialize)]
struct ObjectiveOut<'a> {
    id: &'a str,
    period: &'a str,
    title: &'a str,
    owner: OwnerRef<'a>,
    aligns_to: Option<String>,
    score: Option<f64>,
    status: Option<&'static str>,
    url: String,
    key_results: Vec<KeyResultOut<'a>>,
    contributors: Vec<ContributorOut<'a>>,
    tags: &'a [String],
    initiatives: Vec<InitiativeOut<'a>>,
    retrospective: Option<RetrospectiveOut<'a>>,
    /// `committed` or `aspirational`.
    kind: &'static str,
    /// The score it is achieved from, by its kind.
    goal: f64,
}

#[derive(Serialize)]
struct Head<'a> {
    generated_at: IsoDate,
    as_of: IsoDate,
    current_period: &'a str,
}

#[derive(Serialize)]
struct OwnerOut<'a> {
    id: &'a str,
    name: &'a str,
    score: Option<f64>,
}

/// What every export is made from: the checked organisation, where its pages
/// live, and the day it is judged at.
pub struct Export<'a> {
    checked: &'a Checked,
    urls: Urls,
    as_of: NaiveDate,
    current_period: String,
    /// The objectives exported, in file order: those whose period has pages.
    objectives: Vec<usize>,
}

impl<'a> Export<'a> {
    /// The export of a checked organisation, its `url`s under `urls`
    /// ([`Urls::for_site`]), as of the day it was checked on.
    pub fn new(checked: &'a Checked, urls: Urls) -> Export<'a> {
        let org = &checked.org;
        let current_period = views::current_period(org, checked.as_of);
        let periods = views::published_periods(org, &current_period, checked.as_of);
        let with_pages = views::with_pages(org, &periods);
        Export::with_pages(checked, urls, current_period, &with_pages)
    }

    /// The export of a site whose views already found its current period
    /// and, per objective, whether its period has pages.
    pub fn with_pages(
        checked: &'a Checked,
        urls: Urls,
        current_period: String,
        with_pages: &[bool],
    ) -> Export<'a> {
        Export {
            checked,
            urls,
            as_of: checked.as_of,
            current_period,
            objectives: (0..with_pages.len()).filter(|&i| with_pages[i]).collect(),
        }
    }

    fn owner(&self, o: &'a Objective) -> OwnerRef<'a> {
        let org = &self.checked.org;
        match o.owner {
            Owner::Team(i) => OwnerRef {
                kind: "team",
                id: Some(&org.teams[i].id.value),
                name: org.teams[i].display_name(),
            },
            Owner::Person(i) => OwnerRef {
                kind: "person",
                id: Some(&org.people[i].id.value),
                name: org.people[i].display_name(),
            },
            // An unknown owner is an error, so it never reaches a build; the
            // level written in the file is the best that can be said.
            Owner::Unknown => {
                let id = o
                    .team
                    .as_ref()
                    .or(o.person.as_ref())
                    .map(|s| s.value.as_str());
                OwnerRef {
                    kind: o.level().name(),
                    id,
                    name: id.unwrap_or(&org.config.company),
                }
            }
            Owner::Company => OwnerRef {
                kind: "company",
                id: None,
                name: &org.config.company,
            },
        }
    }

    /// The first parent as an unambiguous reference, `PERIOD/id` or `PERIOD/id#kr`.
    fn aligns_to(&self, o: &Objective) -> Option<String> {
        let link = o.parents.first()?;
        let parent = &self.checked.org.objectives[link.objective];
        let mut reference = format!("{}/{}", parent.period.value, parent.id.value);
        if let Some(k) = link.key_result {
            reference.push('#');
            reference.push_str(&parent.key_results[k].id.value);
        }
        Some(reference)
    }

    fn objective(&self, index: usize) -> ObjectiveOut<'a> {
        let o = &self.checked.org.objectives[index];
        let s: &ObjectiveScore = &self.checked.scores.objectives[index];
        ObjectiveOut {
            id: &o.id.value,
            period: &o.period.value,
            title: &o.title.value,
            owner: self.owner(o),
            aligns_to: self.aligns_to(o),
            score: s.score,
            status: s.status.map(|s| s.name()),
            url: self.urls.objective(&o.period.value, &o.id.value),
            key_results: o
                .key_results
                .iter()
                .zip(&s.key_results)
                .map(|(kr, s)| key_result(&self.checked.org, kr, s, self.as_of))
                .collect(),
            contributors: o
                .contributors
                .iter()
                .map(|c| contributor(&self.checked.org, &c.value))
                .collect(),
            tags: &o.tags,
            initiatives: o.initiatives.iter().map(initiative).collect(),
            retrospective: o.retrospective.as_deref().map(retrospective),
            kind: o.kind().name(),
            goal: s.goal,
        }
    }

    fn owner_score(&self, key: OwnerKey) -> Option<f64> {
        let key = (key, self.current_period.clone());
        self.checked.scores.owners.get(&key).map(|o| o.score)
    }

    /// The whole export as JSON.
    pub fn json(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing to memory cannot fail.
        let _ = self.write_json(&mut out);
        out
    }

    /// Writes the export as JSON to `out`: objectives are serialised on all
    /// cores a batch at a time and written in order, so a large organisation
    /// (megabytes of check-ins, at every `okr build`) is never held whole.
    pub fn write_json(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        const BATCH: usize = 512;
        let org = &self.checked.org;
        let as_of = IsoDate(self.as_of);
        let head = Head {
            generated_at: as_of,
            as_of,
            current_period: &self.current_period,
        };
        let head = serde_json::to_vec(&head)?;
        // `head` is an object: leave out its closing brace and continue it.
        out.write_all(&head[..head.len() - 1])?;
        out.write_all(b",\"objectives\":[")?;
        for (n, batch) in self.objectives.chunks(BATCH).enumerate() {
            let chunks: Vec<Vec<u8>> = batch
                .par_iter()
                .enumerate()
                .map(|(k, &i)| {
                    let mut chunk = Vec::with_capacity(4096);
                    if n > 0 || k > 0 {
                        chunk.push(b',');
                    }
                    // Serialising plain data into memory cannot fail.
                    let _ = serde_json::to_writer(&mut chunk, &self.objective(i));
                    chunk
                })
                .collect();
            for chunk in chunks {
                out.write_all(&chunk)?;
            }
        }
        let owners = |scores: Vec<OwnerOut>| serde_json::to_vec(&scores);
        out.write_all(b"],\"teams\":")?;
        out.write_all(&owners(
            org.teams
                .iter()
                .map(|t| OwnerOut {
                    id: &t.id.value,
                    name: t.display_name(),
                    score: self.owner_score(OwnerKey::Team(t.id.value.clone())),
                })
                .collect(),
        )?)?;
        out.write_all(b",\"people\":")?;
        out.write_all(&owners(
            org.people
                .iter()
                .map(|p| OwnerOut {
                    id: &p.id.value,
                    name: p.display_name(),
                    score: self.owner_score(OwnerKey::Person(p.id.value.clone())),
                })
                .collect(),
        )?)?;
        out.write_all(b"}\n")
    }

    /// One row per key result with its objective's columns ([`CSV_COLUMNS`]),
    /// RFC 4180 quoting; an objective without key results still gets one row.
    /// Numbers are written as numbers ([`cell`]), text as text that no
    /// spreadsheet runs as a formula ([`text_cell`]).
    pub fn csv(&self) -> Vec<u8> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let mut rows: Vec<Vec<String>> = Vec::new();
        for &i in &self.objectives {
            let o = self.objective(i);
            let objective_columns = [
                text_cell(o.id),
                text_cell(o.period),
                text_cell(o.title),
                text_cell(o.owner.kind),
                text_cell(o.owner.id.unwrap_or_default()),
                text_cell(o.aligns_to.as_deref().unwrap_or_default()),
                cell(o.score),
                text_cell(o.status.unwrap_or_default()),
                text_cell(&o.url),
            ];
            // The objective's column added after the pinned ones.
            let trailing_columns = [text_cell(o.owner.name)];
            let mut row_of = |(pinned, added): KeyResultCells| {
                let mut row = objective_columns.to_vec();
                row.extend(pinned);
                row.extend(trailing_columns.iter().cloned());
                row.extend(added);
                row.push(text_cell(o.kind));
                rows.push(row);
            };
            if o.key_results.is_empty() {
                row_of(KeyResultCells::default());
            }
            for kr in &o.key_results {
                row_of(key_result_cells(kr));
            }
        }
        // Writing to memory cannot fail; a failure would only lose rows, never panic.
        let _ = writer.write_record(CSV_COLUMNS);
        for row in rows {
            let _ = writer.write_record(&row);
        }
        writer.into_inner().unwrap_or_default()
    }
}

/// A key result's columns: the pinned ones, and those added after the
/// objective's `owner_name`.
type KeyResultCells = ([String; 11], [String; 3]);

fn key_result_cells(kr: &KeyResultOut) -> KeyResultCells {
    let last_checkin = (kr.checkins.last()).map(|c| crate::text::iso_date(c.date.0));
    let pinned = [
        text_cell(kr.id),
        text_cell(kr.title),
        cell(Some(kr.start)),
        cell(kr.target),
        cell(Some(kr.current)),
        text_cell(kr.unit.unwrap_or_default()),
        cell(kr.progress),
        text_cell(kr.status.unwrap_or_default()),
        cell(kr.confidence),
        kr.checkins.len().to_string(),
        text_cell(&last_checkin.unwrap_or_default()),
    ];
    let added = [
        text_cell(kr.owner.unwrap_or_default()),
        text_cell(kr.owner_name.unwrap_or_default()),
        text_cell(kr.keep.unwrap_or_default()),
    ];
    (pinned, added)
}

/// A number as Rust writes it (the shortest text that reads back as the same
/// number, `-5` for minus five), or an empty cell.
fn cell(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// A text cell that a spreadsheet shows and never runs: text starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return, which Excel, LibreOffice
/// and Google Sheets would read as a formula (`=HYPERLINK(…)` in a title
/// sends the sheet's data elsewhere), gets a `'` in front, as OWASP's advice
/// on CSV injection says. Anything else is written as it is.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A contributor by id and name; every contributor of a checked organisation
/// is a known person, and an unknown one would be named by its id.
fn contributor<'a>(org: &'a Org, id: &'a str) -> ContributorOut<'a> {
    let name = org
        .person_index(id)
        .map_or(id, |i| org.people[i].display_name());
    ContributorOut { id, name }
}

fn initiative(i: &Initiative) -> InitiativeOut<'_> {
    InitiativeOut {
        title: &i.title.value,
        // Only the names the schema lists, even where `invalid-value` is turned off.
        status: i
            .status
            .as_ref()
            .map(|s| s.value.as_str())
            .filter(|s| InitiativeStatus::NAMES.contains(s)),
        key_result: i.key_result.as_ref().map(|k| k.value.as_str()),
    }
}

fn retrospective(r: &Retrospective) -> RetrospectiveOut<'_> {
    RetrospectiveOut {
        score: r.score.as_ref().map(|s| s.value),
        reason: r.reason.as_ref().map(|s| s.value.as_str()),
        notes: r.notes.as_deref(),
    }
}

fn key_result<'a>(
    org: &'a Org,
    kr: &'a KeyResult,
    s: &KeyResultScore,
    as_of: NaiveDate,
) -> KeyResultOut<'a> {
    // A milestone is measured as 0 → 1, done (or checked in as done) or not.
    let (start, target, current) = match &kr.measure {
        Measure::Metric { start, target } => (start.value, Some(target.value), kr.current(as_of)),
        Measure::Milestone { .. } => (0.0, Some(1.0), s.progress.unwrap_or(0.0)),
        Measure::Missing { .. } => (kr.start(), None, kr.current(as_of)),
        Measure::Kept { target, .. } => (kr.start(), Some(target.value), kr.current(as_of)),
    };
    let mut checkins: Vec<CheckinOut> = kr
        .checkins
        .iter()
        .map(|c| CheckinOut {
            date: IsoDate(c.date.value),
            value: c.value.value,
            confidence: c.confidence.as_ref().map(|c| c.value),
            note: c.note.as_deref(),
        })
        .collect();
    // Oldest first; the sort is stable, so same-day check-ins keep file order.
    checkins.sort_by_key(|c| c.date.0);
    KeyResultOut {
        id: &kr.id.value,
        title: &kr.title.value,
        start,
        target,
        current,
        unit: kr.unit(),
        progress: s.score,
        status: s.status.map(|s| s.name()),
        confidence: kr
            .confidence
            .as_ref()
            .or_else(|| kr.latest_checkin(as_of).and_then(|c| c.confidence.as_ref()))
            .map(|c| c.value),
        checkins,
        keep: match &kr.measure {
            Measure::Kept { keep, .. } => Some(keep.value.as_str()),
            _ => None,
        },
        owner: kr.owner.as_ref().map(|o| o.value.as_str()),
        // An unknown owner is an error, so it never reaches a build: named by its id.
        owner_name: kr.owner.as_ref().map(|o| match kr.owner_person {
            Some(p) => org.people[p].display_name(),
            None => o.value.as_str(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::*;

    fn urls(base: &str) -> Urls {
        Urls::under(crate::model::base_url::BaseUrl::parse(base).unwrap())
    }

    #[test]
    fn json_keeps_the_pinned_field_order() {
        let owned = [company("grow"), team_objective("sell", "grow#kr2", "")];
        let checked = run(&files(&owned));
        let json = Export::new(&checked, urls("/acme/")).json();
        let text = String::from_utf8(json).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(text.starts_with(
            "{\"generated_at\":\"2026-02-15\",\"as_of\":\"2026-02-15\",\"current_period\":\"2026-Q1\",\"objectives\":[{\"id\":\"grow\",\"period\":\"2026-Q1\",\"title\":"
        ));
        let sell = &value["objectives"][1];
        assert_eq!(
            sell["owner"],
            serde_json::json!({"kind": "team", "id": "sales", "name": "Sales"})
        );
        assert_eq!(value["objectives"][0]["owner"]["name"], "Company");
        assert_eq!(sell["aligns_to"], "2026-Q1/grow#kr2");
        assert_eq!(sell["url"], "/acme/objectives/2026-Q1/sell/");
        assert_eq!(sell["key_results"][0]["progress"], 0.5);
        assert_eq!(
            value["objectives"][0]["owner"]["id"],
            serde_json::Value::Null
        );
        assert_eq!(value["teams"][0]["id"], "sales");
        assert_eq!(value["teams"][0]["score"], 0.5);
    }

    #[test]
    fn csv_has_a_row_per_key_result() {
        let owned = [company("grow")];
        let checked = run(&files(&owned));
        let csv = Export::new(&checked, urls("/")).csv();
        let text = String::from_utf8(csv).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], CSV_COLUMNS.join(","));
        assert_eq!(lines.len(), 4, "header, two key results, final line end");
        assert!(lines[1].starts_with("grow,2026-Q1,Company grow,company,,,0.5,"));
        assert!(
            lines[1].ends_with(",Company,,,,aspirational"),
            "owner_name, then no key result owner, no bound to keep, the kind: {}",
            lines[1]
        );
    }

    #[test]
    fn key_results_carry_their_owner_in_json_and_csv() {
        let (path, text) = company("grow");
        let text = text.replacen("target = 10\n", "target = 10\nowner = \"anna\"\n", 1);
        let people = ("people/anna.md", "+++\nname = \"Anna Berg\"\n+++\n");
        let owned = [(path, text)];
        let mut files = files(&owned);
        files.push(people);
        let checked = run(&files);
        let export = Export::new(&checked, urls("/"));
        let json: serde_json::Value = serde_json::from_slice(&export.json()).unwrap();
        let krs = &json["objectives"][0]["key_results"];
        assert_eq!(krs[0]["owner"], "anna");
        assert_eq!(krs[0]["owner_name"], "Anna Berg");
        assert_eq!(krs[1]["owner"], serde_json::Value::Null);
        assert_eq!(krs[1]["owner_name"], serde_json::Value::Null);
        let text = String::from_utf8(export.csv()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(
            lines[0].ends_with(
                ",owner_name,key_result_owner,key_result_owner_name,key_result_keep,objective_kind"
            ),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].ends_with(",Company,anna,Anna Berg,,aspirational"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].ends_with(",Company,,,,aspirational"),
            "{}",
            lines[2]
        );
    }

    #[test]
    fn an_objective_without_key_results_keeps_its_owner_name_in_its_column() {
        let empty = (
            "okrs/2026-Q1/sales/plan.md".to_string(),
            "+++\ntitle = \"Plan\"\nperiod = \"2026-Q1\"\nteam = \"sales\"\n+++\n".to_string(),
        );
        let checked = run(&files(&[empty]));
        let text = String::from_utf8(Export::new(&checked, urls("/")).csv()).unwrap();
        let row: Vec<&str> = text.split("\r\n").nth(1).unwrap().split(',').collect();
        assert_eq!(row.len(), CSV_COLUMNS.len());
        let owner_name = CSV_COLUMNS.iter().position(|&c| c == "owner_name").unwrap();
        assert_eq!(row[owner_name], "Sales");
        assert_eq!(row[owner_name - 1], "", "no last check-in");
        assert_eq!(
            row[owner_name + 1..],
            ["", "", "", "aspirational"],
            "no key result: no owner, no bound; the objective's kind"
        );
    }

    #[test]
    fn text_that_a_spreadsheet_would_run_is_quoted() {
        for (text, shown) in [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1 day", "'-1 day"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=1", "a=1"),
            ("", ""),
            (" =1", " =1"),
        ] {
            assert_eq!(text_cell(text), shown);
        }
        assert_eq!(cell(Some(-5.0)), "-5");
    }
}
