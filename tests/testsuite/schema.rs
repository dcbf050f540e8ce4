//! `okr schema`: JSON Schemas that accept every file of the example
//! organisation and reject what `okr check` rejects as a broken file.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn schema(args: &[&str]) -> jsonschema::Validator {
    let r = run(okr().arg("schema").args(args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let schema: Value = serde_json::from_str(&r.stdout).expect("the schema is JSON");
    jsonschema::draft7::new(&schema).expect("the schema is a valid draft 7 schema")
}

/// TOML as a TOML editor hands it to JSON Schema: dates become strings.
fn to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::from(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::from(b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}

fn front_matter(text: &str) -> Value {
    let body = text.strip_prefix("+++\n").expect("front matter");
    let end = body.find("\n+++").expect("closing fence");
    to_json(toml::Value::Table(
        toml::from_str(&body[..=end]).expect("valid TOML"),
    ))
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    files_below(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect()
}

fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn the_schemas_accept_the_example_organisation() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs");
    for (folder, args) in [
        ("okrs", &[][..]),
        ("teams", &["--team"][..]),
        ("people", &["--person"][..]),
    ] {
        let validator = schema(args);
        let files = markdown_files(&example.join(folder));
        assert!(!files.is_empty());
        for file in files {
            let value = front_matter(&std::fs::read_to_string(&file).unwrap());
            let found = errors(&validator, &value);
            assert!(found.is_empty(), "{}: {found:?}", file.display());
        }
    }
    let config = schema(&["--config"]);
    let text = std::fs::read_to_string(example.join("okr.toml")).unwrap();
    let value = to_json(toml::Value::Table(toml::from_str(&text).unwrap()));
    assert_eq!(errors(&config, &value), Vec::<String>::new());
    // Every setting the README shows.
    let full = r#"
title = "Acme OKRs"
company = "Acme"
base_url = "/acme-okrs/"
current_period = "2026-Q1"
theme = "themes/brand"
repository = "https://github.com/acme/okrs"
branch = "main"
[periods]
"FY27-Q1" = { start = 2026-07-01, end = 2026-09-30 }
[checks]
max_objectives = 5
min_key_results = 2
max_key_results = 5
stale_after_days = 14
activity_verbs = ["launch"]
not_activities = ["ship"]
on_track_tolerance = 0.10
at_risk_tolerance = 0.25
achieved = 0.7
partial = 0.4
[checks.rules]
unaligned = "off"
"#;
    let value = to_json(toml::Value::Table(toml::from_str(full).unwrap()));
    assert_eq!(errors(&config, &value), Vec::<String>::new());
}

#[test]
fn the_schema_rejects_what_the_check_rejects() {
    let validator = schema(&[]);
    let good = "+++\ntitle = \"t\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"k\"\ntarget = 3\n+++\n";
    assert_eq!(
        errors(&validator, &front_matter(good)),
        Vec::<String>::new()
    );
    for bad in [
        good.replace("target = 3", "taget = 3"),
        good.replace("period = \"2026-Q1\"\n", ""),
        good.replace("target = 3", "target = \"3\""),
        good.replace("title = \"t\"", "title = \"t\"\nowner = \"x\""),
        good.replace("target = 3", "target = 3\nconfidence = 1.5"),
        good.replace("+++\n", "+++\nid = \"Bad Id\"\n"),
    ] {
        assert!(
            !errors(&validator, &front_matter(&bad)).is_empty(),
            "the schema accepts:\n{bad}"
        );
        // `okr check` rejects the same file.
        let tmp = TempDir::new("schema");
        tmp.write("okr.toml", "");
        tmp.write("okrs/2026-Q1/a.md", &bad);
        let report = report_of(&tmp.path);
        assert!(report.summary.errors > 0, "okr check accepts:\n{bad}");
    }
    let config = schema(&["--config"]);
    let value = to_json(toml::Value::Table(
        toml::from_str("[checks.rules]\nunalgned = \"off\"\n").unwrap(),
    ));
    assert!(!errors(&config, &value).is_empty());
}

/// `okr schema --export` prints `docs/okrs.schema.json` byte for byte, and it
/// describes what `okr export` prints: every field written is declared
/// (`additionalProperties` is false throughout) and every declared one written.
#[test]
fn the_export_schema_is_the_documented_one_and_fits_the_export() {
    let printed = run(okr().args(["schema", "--export"]));
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let documented = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/okrs.schema.json"),
    )
    .unwrap();
    assert_eq!(printed.stdout, documented);
    let schema: Value = serde_json::from_str(&printed.stdout).expect("the schema is JSON");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs");
    let export = run(okr()
        .arg("export")
        .arg(&example)
        .args(["--as-of", "2026-11-23"]));
    assert_eq!(export.code, 0, "{}", export.stderr);
    let json: Value = serde_json::from_str(&export.stdout).unwrap();
    crate::export::validate_against(&schema, &json);
    // The fields the schema requires of an objective are exactly those the
    // export writes: a field added to one and not the other fails here.
    let required = &schema["properties"]["objectives"]["items"]["required"];
    let written: Vec<&String> = json["objectives"][0].as_object().unwrap().keys().collect();
    let required: Vec<&str> = required
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(written.len(), required.len());
    for key in required {
        assert!(json["objectives"][0].get(key).is_some(), "{key}");
    }
}

#[test]
fn only_one_schema_is_printed_at_a_time() {
    let both = run(okr().args(["schema", "--export", "--config"]));
    assert_eq!(both.code, 2);
    assert!(both.stdout.is_empty());
}
