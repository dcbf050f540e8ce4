//! The declared fields of every file `okr` reads, and `okr schema`: a JSON
//! Schema generated from them for editors with TOML schema support.
//!
//! The parsers ([`crate::read::parse`], [`crate::read::config`]) check each table's keys
//! against these declarations, so the schema cannot list a key the parser
//! rejects or miss one it accepts; unit tests below check that each declared
//! type is the one the parser reads.

use crate::model::diagnostic::Rule;
use crate::model::{Bound, InitiativeStatus, ObjectiveKind};
use serde_json::{Map, Value, json};

/// What a field holds.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    String,
    /// An id: lowercase ASCII letters, digits, `-` and `_`.
    Id,
    Number,
    /// A number in 0..=1.
    Fraction,
    /// A number above 0.
    Positive,
    /// A whole number ≥ 0.
    Count,
    Boolean,
    /// A TOML date, `2026-01-15`.
    Date,
    /// An array of strings.
    Strings,
    /// A string or an array of strings.
    StringOrStrings,
    /// One of a fixed set of strings.
    OneOf(&'static [&'static str]),
    /// An array of tables, `[[name]]`.
    Tables(&'static [Field]),
    /// A table of these fields.
    Table(&'static [Field]),
    /// A table whose keys are names of the caller's choosing, each holding this.
    Named(&'static Kind),
    /// `[checks.rules]`: rule names to severities.
    RuleSeverities,
}

/// One key of a table.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub doc: &'static str,
}

const fn field(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field {
        name,
        kind,
        required: false,
        doc,
    }
}

const fn required(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field {
        name,
        kind,
        required: true,
        doc,
    }
}

pub const CHECKIN: &[Field] = &[
    required("date", Kind::Date, "The day of the check-in."),
    required("value", Kind::Number, "The key result's value on that day."),
    field(
        "confidence",
        Kind::Fraction,
        "How likely the target is reached, from 0 to 1.",
    ),
    field("note", Kind::String, "What happened, in a sentence."),
];

pub const KEY_RESULT: &[Field] = &[
    field(
        "id",
        Kind::Id,
        "Default `kr1`, `kr2`, … by position; set it to align to the key result as `objective#id`.",
    ),
    required(
        "title",
        Kind::String,
        "A measurable outcome, e.g. \"100k organic views on LinkedIn\".",
    ),
    field("start", Kind::Number, "Where the metric starts; default 0."),
    field(
        "target",
        Kind::Number,
        "Where the metric should get to. Required unless the key result is a milestone (`done`).",
    ),
    field(
        "keep",
        Kind::OneOf(Bound::NAMES),
        "A metric to keep rather than move: \"at-least\" or \"at-most\" the `target`, scored by the share of the period it held.",
    ),
    field(
        "done",
        Kind::Boolean,
        "A milestone instead of a metric: done or not. Not together with `target`.",
    ),
    field(
        "current",
        Kind::Number,
        "The value now; default the latest check-in's value, else `start`.",
    ),
    field("unit", Kind::String, "e.g. \"%\", \"EUR\", \"customers\"."),
    field("due", Kind::Date, "When the target should be reached."),
    field(
        "weight",
        Kind::Positive,
        "Weight in the objective's score; default 1.",
    ),
    field(
        "confidence",
        Kind::Fraction,
        "How likely the target is reached, from 0 to 1.",
    ),
    field(
        "owner",
        Kind::Id,
        "The id of the person who answers for this key result, e.g. a member of the owning team.",
    ),
    field(
        "checkins",
        Kind::Tables(CHECKIN),
        "Progress over time: `[[key_results.checkins]]` with `date` and `value`.",
    ),
    field(
        "source",
        Kind::Table(SOURCE),
        "Where `okr sync` reads the values: `[key_results.source]` with a `file` (CSV or JSON) or a `url` (JSON).",
    ),
];

pub const SOURCE: &[Field] = &[
    field(
        "file",
        Kind::String,
        "A CSV or JSON file in the repository, e.g. \"data/product-metrics.csv\". Not together with `url`.",
    ),
    field(
        "url",
        Kind::String,
        "A JSON document over HTTPS (plain http only to 127.0.0.1 or localhost), read with `pointer`.",
    ),
    field(
        "column",
        Kind::String,
        "CSV: the header of the value column.",
    ),
    field(
        "date_column",
        Kind::String,
        "CSV: the header of the date column (YYYY-MM-DD): a time series, one check-in per new dated row.",
    ),
    field(
        "pointer",
        Kind::String,
        "JSON: a JSON Pointer (RFC 6901), e.g. \"/metrics/wau\", to a number or to an array of `{date, value}`.",
    ),
    field(
        "headers",
        Kind::Named(&Kind::String),
        "HTTP headers for `url`; `${NAME}` is taken from the environment, e.g. `{ Authorization = \"Bearer ${METRICS_TOKEN}\" }`.",
    ),
];

pub const INITIATIVE: &[Field] = &[
    required(
        "title",
        Kind::String,
        "What we do to move a key result, e.g. a campaign.",
    ),
    field("key_result", Kind::Id, "The id of the key result it moves."),
    field(
        "status",
        Kind::OneOf(InitiativeStatus::NAMES),
        "planned, in-progress, done or dropped.",
    ),
];

pub const RETROSPECTIVE: &[Field] = &[
    field(
        "score",
        Kind::Fraction,
        "A score that replaces the computed one, 0 to 1; needs a `reason`. Both are shown.",
    ),
    field(
        "reason",
        Kind::String,
        "Why the computed score does not tell the whole story.",
    ),
    field(
        "notes",
        Kind::String,
        "What the owners learned this period, in Markdown.",
    ),
];

pub const OBJECTIVE: &[Field] = &[
    field(
        "id",
        Kind::Id,
        "The objective's id; default the file name without `.md`.",
    ),
    required(
        "title",
        Kind::String,
        "Where we want to go: qualitative and ambitious.",
    ),
    required(
        "period",
        Kind::String,
        "e.g. \"2026-Q1\", \"2026-H2\", \"2026\", or a period from okr.toml's [periods].",
    ),
    field(
        "team",
        Kind::Id,
        "The owning team's id. Neither `team` nor `person`: a company objective.",
    ),
    field(
        "person",
        Kind::Id,
        "The owning person's id. Neither `team` nor `person`: a company objective.",
    ),
    field(
        "aligns_to",
        Kind::StringOrStrings,
        "What this supports: \"objective-id\", \"objective-id#kr-id\", \"PERIOD/objective-id\", or an array of them.",
    ),
    field(
        "contributors",
        Kind::Strings,
        "Ids of people who contribute.",
    ),
    field("tags", Kind::Strings, "Free-form tags."),
    field(
        "kind",
        Kind::OneOf(ObjectiveKind::NAMES),
        "\"aspirational\" (the default: a stretch, achieved from 0.7) or \"committed\" (must happen: achieved at 1.0).",
    ),
    field(
        "key_results",
        Kind::Tables(KEY_RESULT),
        "How we know we got there: `[[key_results]]`, two to five.",
    ),
    field(
        "initiatives",
        Kind::Tables(INITIATIVE),
        "What we do to move the key results: `[[initiatives]]`.",
    ),
    field(
        "carried_from",
        Kind::String,
        "\"PERIOD/objective-id\": the objective of an earlier period this one continues (`okr rollover` writes it).",
    ),
    field(
        "retrospective",
        Kind::Table(RETROSPECTIVE),
        "End-of-period notes, and a score that replaces the computed one with its reason: `[retrospective]`.",
    ),
];

pub const TEAM: &[Field] = &[
    field("id", Kind::Id, "The team's id; default the file name."),
    field("name", Kind::String, "The team's display name."),
    field(
        "parent",
        Kind::Id,
        "The id of the team this one belongs to.",
    ),
    field("lead", Kind::Id, "The id of the person leading the team."),
    field("members", Kind::Strings, "Ids of the team's people."),
];

pub const PERSON: &[Field] = &[
    field("id", Kind::Id, "The person's id; default the file name."),
    field("name", Kind::String, "The person's display name."),
    field("role", Kind::String, "e.g. \"Engineering manager\"."),
    field(
        "github",
        Kind::String,
        "Their GitHub login, e.g. \"anna-schmidt\": who may check in from an issue, and whom reminders mention.",
    ),
];

pub const PERIOD: &[Field] = &[
    required("start", Kind::Date, "First day of the period."),
    required("end", Kind::Date, "Last day of the period."),
];

pub const CHECKS: &[Field] = &[
    field(
        "max_objectives",
        Kind::Count,
        "Objectives per owner per period before `too-many-objectives`; default 5.",
    ),
    field(
        "min_key_results",
        Kind::Count,
        "Fewest key results per objective; default 2.",
    ),
    field(
        "max_key_results",
        Kind::Count,
        "Most key results per objective; default 5.",
    ),
    field(
        "stale_after_days",
        Kind::Count,
        "Days without a check-in before `stale-key-result`; default 14.",
    ),
    field(
        "activity_verbs",
        Kind::Strings,
        "Verbs of doing added to the built-in ones that make a key result title read as a task (`activity-key-result`), e.g. [\"ship\"].",
    ),
    field(
        "not_activities",
        Kind::Strings,
        "Words `activity-key-result` never reads as an activity: verbs (\"ship\") or outputs (\"webinars\") that are results for this organisation.",
    ),
    field(
        "on_track_tolerance",
        Kind::Fraction,
        "On track while progress ≥ expected − this; default 0.10.",
    ),
    field(
        "at_risk_tolerance",
        Kind::Fraction,
        "At risk while progress ≥ expected − this, else off track; default 0.25.",
    ),
    field(
        "achieved",
        Kind::Fraction,
        "Final grade achieved from this score on; default 0.7.",
    ),
    field(
        "partial",
        Kind::Fraction,
        "Final grade partial from this score on, else missed; default 0.4.",
    ),
    field(
        "committed_achieved",
        Kind::Fraction,
        "A committed objective's final grade achieved from this score on; default 1.0.",
    ),
    field(
        "rules",
        Kind::RuleSeverities,
        "Per-rule severity: \"error\", \"warning\" or \"off\".",
    ),
];

pub const CONFIG: &[Field] = &[
    field("title", Kind::String, "The site's title; default \"OKRs\"."),
    field(
        "company",
        Kind::String,
        "Display name of the company level; default \"Company\".",
    ),
    field(
        "base_url",
        Kind::String,
        "Path prefix the site is served under, e.g. \"/acme-okrs/\"; default \"/\".",
    ),
    field(
        "current_period",
        Kind::String,
        "The period the site opens on; default the shortest period containing today.",
    ),
    field(
        "past_periods",
        Kind::Count,
        "How many ended periods keep their pages, those that ended last, e.g. 4; older periods are still checked, but get no pages and are left out of okrs.json and exports. Default: all.",
    ),
    field(
        "theme",
        Kind::String,
        "A theme folder replacing the built-in one.",
    ),
    field(
        "periods",
        Kind::Named(&Kind::Table(PERIOD)),
        "Custom periods, e.g. \"FY27-Q1\" = { start = 2026-07-01, end = 2026-09-30 }.",
    ),
    field("checks", Kind::Table(CHECKS), "Settings of `okr check`."),
    field(
        "repository",
        Kind::String,
        "The repository's web address, e.g. \"https://github.com/acme/okrs\": pages link to their files, commits and a check-in form. Default in GitHub Actions: the repository the workflow runs in.",
    ),
    field(
        "branch",
        Kind::String,
        "The branch edit links open, e.g. \"main\". Default in GitHub Actions: the branch built; else the repository's default branch.",
    ),
];

/// Which file a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    Objective,
    Team,
    Person,
    Config,
}

impl Document {
    fn fields(self) -> &'static [Field] {
        match self {
            Document::Objective => OBJECTIVE,
            Document::Team => TEAM,
            Document::Person => PERSON,
            Document::Config => CONFIG,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Document::Objective => "okr objective front matter (okrs/**/*.md)",
            Document::Team => "okr team front matter (teams/*.md)",
            Document::Person => "okr person front matter (people/*.md)",
            Document::Config => "okr.toml",
        }
    }
}

/// The pattern ids must match (the `invalid-id` rule).
const ID_PATTERN: &str = "^[a-z0-9][a-z0-9_-]*$";

fn kind_schema(kind: Kind) -> Value {
    match kind {
        Kind::String => json!({"type": "string"}),
        Kind::Id => json!({"type": "string", "pattern": ID_PATTERN}),
        Kind::Number => json!({"type": "number"}),
        Kind::Fraction => json!({"type": "number", "minimum": 0, "maximum": 1}),
        Kind::Positive => json!({"type": "number", "exclusiveMinimum": 0}),
        Kind::Count => json!({"type": "integer", "minimum": 0}),
        Kind::Boolean => json!({"type": "boolean"}),
        // TOML tools hand dates to JSON Schema as strings.
        Kind::Date => json!({"type": "string", "format": "date"}),
        Kind::Strings => json!({"type": "array", "items": {"type": "string"}}),
        Kind::StringOrStrings => json!({
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
        }),
        Kind::OneOf(names) => json!({"type": "string", "enum": names}),
        Kind::Tables(fields) => json!({"type": "array", "items": table_schema(fields)}),
        Kind::Table(fields) => table_schema(fields),
        Kind::Named(kind) => json!({
            "type": "object",
            "propertyNames": {"pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$"},
            "additionalProperties": kind_schema(*kind),
        }),
        Kind::RuleSeverities => {
            let mut rules = Map::new();
            for rule in Rule::ALL.iter().filter(|r| r.is_configurable()) {
                rules.insert(
                    rule.name().to_string(),
                    json!({
                        "description": rule.summary(),
                        "enum": ["error", "warning", "off"],
                    }),
                );
            }
            json!({"type": "object", "properties": rules, "additionalProperties": false})
        }
    }
}

fn table_schema(fields: &[Field]) -> Value {
    let mut properties = Map::new();
    for f in fields {
        let mut schema = kind_schema(f.kind);
        if let Value::Object(map) = &mut schema {
            map.insert("description".into(), f.doc.into());
        }
        properties.insert(f.name.to_string(), schema);
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let mut table = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        table["required"] = json!(required);
    }
    table
}

/// The JSON Schema (draft 7, which TOML editors support) of one kind of file.
pub fn schema(document: Document) -> Value {
    let mut schema = table_schema(document.fields());
    if let Value::Object(map) = &mut schema {
        let mut head = Map::new();
        head.insert(
            "$schema".into(),
            "http://json-schema.org/draft-07/schema#".into(),
        );
        head.insert("title".into(), document.title().into());
        head.extend(std::mem::take(map));
        *map = head;
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Objective;
    use crate::model::source::{FileId, FileKind, SourceFile};
    use crate::read::parse::{self, Parsed};

    fn parse_objective(toml: &str) -> Parsed<Objective> {
        let text = format!("+++\n{toml}+++\n");
        parse::parse_objective(
            &SourceFile::new("okrs/2026-Q1/a.md", FileKind::Objective, text),
            FileId(0),
        )
    }

    /// A value of the declared kind, and one of another kind.
    fn samples(kind: Kind) -> Option<(&'static str, &'static str)> {
        Some(match kind {
            Kind::String | Kind::Id => ("\"x\"", "1"),
            Kind::Number | Kind::Fraction | Kind::Positive | Kind::Count => ("1", "\"x\""),
            Kind::Boolean => ("true", "1"),
            Kind::Date => ("2026-01-15", "1"),
            Kind::Strings => ("[\"x\"]", "1"),
            Kind::StringOrStrings => ("[\"x\"]", "1"),
            Kind::OneOf(names) => (
                match names.first() {
                    Some(&"planned") => "\"planned\"",
                    _ => return None,
                },
                "1",
            ),
            Kind::Tables(_) | Kind::Table(_) | Kind::Named(_) | Kind::RuleSeverities => {
                return None;
            }
        })
    }

    /// Every declared field of `fields`, written with a value of its kind, is
    /// read without complaint, and with a value of another kind is reported.
    fn parser_reads_declared_kinds(fields: &[Field], wrap: impl Fn(&str) -> String) {
        for f in fields {
            let Some((good, bad)) = samples(f.kind) else {
                continue;
            };
            let ok = parse_objective(&wrap(&format!("{} = {good}\n", f.name)));
            assert!(
                ok.diagnostics.is_empty(),
                "`{}` = {good}: {:?}",
                f.name,
                ok.diagnostics
            );
            let wrong = parse_objective(&wrap(&format!("{} = {bad}\n", f.name)));
            assert!(
                wrong
                    .diagnostics
                    .iter()
                    .any(|d| d.message.contains(&format!("`{}`", f.name))),
                "`{}` = {bad} was not reported: {:?}",
                f.name,
                wrong.diagnostics
            );
        }
    }

    #[test]
    fn objective_fields_have_the_declared_kinds() {
        // Required fields first, so that each test objective is whole.
        parser_reads_declared_kinds(OBJECTIVE, |line| {
            if line.starts_with("title =") {
                format!("{line}period = \"2026-Q1\"\n")
            } else if line.starts_with("period =") {
                format!("{line}title = \"t\"\n")
            } else {
                format!("title = \"t\"\nperiod = \"2026-Q1\"\n{line}")
            }
        });
        parser_reads_declared_kinds(KEY_RESULT, |line| {
            let title = if line.starts_with("title =") {
                ""
            } else {
                "title = \"k\"\n"
            };
            format!("title = \"t\"\nperiod = \"2026-Q1\"\n[[key_results]]\n{title}{line}")
        });
        parser_reads_declared_kinds(CHECKIN, |line| {
            let mut table = String::new();
            for (key, value) in [("date", "2026-01-15"), ("value", "1")] {
                if !line.starts_with(&format!("{key} =")) {
                    table.push_str(&format!("{key} = {value}\n"));
                }
            }
            format!(
                "title = \"t\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"k\"\n[[key_results.checkins]]\n{table}{line}"
            )
        });
        parser_reads_declared_kinds(INITIATIVE, |line| {
            let title = if line.starts_with("title =") {
                ""
            } else {
                "title = \"i\"\n"
            };
            format!("title = \"t\"\nperiod = \"2026-Q1\"\n[[initiatives]]\n{title}{line}")
        });
    }

    #[test]
    fn required_fields_are_the_ones_the_parser_misses() {
        let parsed = parse_objective("team = \"x\"\n");
        let missing: Vec<&str> = OBJECTIVE
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        assert_eq!(missing, ["title", "period"]);
        for name in missing {
            assert!(
                parsed
                    .diagnostics
                    .iter()
                    .any(|d| d.message == format!("the objective has no `{name}`"))
            );
        }
    }

    #[test]
    fn schemas_close_every_table_and_describe_every_key() {
        let s = schema(Document::Objective);
        assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(s["additionalProperties"], false);
        let kr = &s["properties"]["key_results"]["items"];
        assert_eq!(kr["additionalProperties"], false);
        assert_eq!(kr["required"], json!(["title"]));
        assert!(
            kr["properties"]["checkins"]["items"]["properties"]["note"]["description"].is_string()
        );
        let config = schema(Document::Config);
        let rules = &config["properties"]["checks"]["properties"]["rules"]["properties"];
        assert!(rules["unaligned"].is_object());
        assert!(rules["invalid-front-matter"].is_null(), "not configurable");
    }
}
