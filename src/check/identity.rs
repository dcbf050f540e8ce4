//! Rules about names: `invalid-id`, `duplicate-id`, `unknown-period`.

use super::{Context, place};
use crate::model::Spanned;
use crate::model::diagnostic::{Diagnostic, Rule, Vocabulary};
use crate::model::period::Period;
use crate::model::source::FileId;
use chrono::Datelike;
use std::collections::BTreeMap;

/// Ids become folder names of the site (`objectives/<period>/<id>/`), kept
/// well within the 255 bytes a file name may have.
pub const MAX_ID_LEN: usize = crate::model::MAX_NAME_LEN;

/// Lowercase ASCII letters, digits, `-` and `_`, starting with a letter or
/// digit, at most [`MAX_ID_LEN`] of them.
pub fn is_valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    id.len() <= MAX_ID_LEN
        && bytes
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The nearest valid id: lowercase, other characters turned into `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

fn check_id(file: FileId, id: &Spanned<String>, what: &str, out: &mut Vec<Diagnostic>) {
    if is_valid_id(&id.value) {
        return;
    }
    let length = id.value.chars().count();
    if length > MAX_ID_LEN {
        let (message, help) = match place(id) {
            Some(_) => (
                format!("this {what} id is {length} characters long"),
                format!(
                    "ids become file names of the site: shorten it to at most {MAX_ID_LEN} characters"
                ),
            ),
            None => (
                format!(
                    "the file name of this {what} is {length} characters long, too long for an id"
                ),
                format!(
                    "rename the file, or set `id = \"…\"` in its front matter, to at most {MAX_ID_LEN} characters"
                ),
            ),
        };
        out.push(Diagnostic::new(Rule::InvalidId, file, place(id), message).with_help(help));
        return;
    }
    let slug = slugify(&id.value);
    let d = match place(id) {
        Some(span) => Diagnostic::new(
            Rule::InvalidId,
            file,
            Some(span),
            format!("`{}` is not a valid {what} id", id.value),
        ),
        None => Diagnostic::new(
            Rule::InvalidId,
            file,
            None,
            format!("the file name `{}` is not a valid {what} id", id.value),
        ),
    };
    let help = match (place(id), slug.is_empty()) {
        (_, true) => {
            "ids use lowercase letters, digits, `-` and `_`, starting with a letter or digit"
                .to_string()
        }
        (Some(_), false) => format!("ids use lowercase letters, digits, `-` and `_`: try `{slug}`"),
        (None, false) => {
            format!("rename the file to `{slug}.md`, or set `id = \"{slug}\"` in its front matter")
        }
    };
    out.push(d.with_help(help));
}

pub fn invalid_id(cx: &Context, out: &mut Vec<Diagnostic>) {
    for team in &cx.org.teams {
        check_id(team.file, &team.id, "team", out);
        for member in &team.members {
            check_id(team.file, member, "person", out);
        }
    }
    for person in &cx.org.people {
        if let Some(file) = person.file {
            check_id(file, &person.id, "person", out);
        }
    }
    for objective in &cx.org.objectives {
        check_id(objective.file, &objective.id, "objective", out);
        for kr in objective.key_results.iter().filter(|kr| kr.id_explicit) {
            check_id(objective.file, &kr.id, "key result", out);
        }
    }
}

/// Reports every entry of a group after the first as a duplicate of the first.
fn report_duplicates<'a>(
    groups: impl IntoIterator<Item = Vec<(FileId, &'a Spanned<String>)>>,
    cx: &Context,
    describe: impl Fn(&str) -> String,
    out: &mut Vec<Diagnostic>,
) {
    for group in groups.into_iter().filter(|g| g.len() > 1) {
        let (first_file, _) = group[0];
        for &(file, id) in &group[1..] {
            let where_first = if first_file == file {
                "earlier in this file".to_string()
            } else {
                format!("in {}", cx.org.file(first_file).path)
            };
            out.push(
                Diagnostic::new(
                    Rule::DuplicateId,
                    file,
                    place(id),
                    format!(
                        "{} is defined twice: first {where_first}",
                        describe(&id.value)
                    ),
                )
                .with_help("ids must be unique; rename one (set `id = \"…\"` or rename the file)"),
            );
        }
    }
}

pub fn duplicate_id(cx: &Context, out: &mut Vec<Diagnostic>) {
    let org = cx.org;
    let mut teams: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for t in &org.teams {
        teams.entry(&t.id.value).or_default().push((t.file, &t.id));
    }
    report_duplicates(teams.into_values(), cx, |id| format!("team `{id}`"), out);

    let mut people: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for p in &org.people {
        if let Some(file) = p.file {
            people.entry(&p.id.value).or_default().push((file, &p.id));
        }
    }
    report_duplicates(people.into_values(), cx, |id| format!("person `{id}`"), out);

    let mut objectives: BTreeMap<(&str, &str), Vec<_>> = BTreeMap::new();
    for o in &org.objectives {
        objectives
            .entry((&o.period.value, &o.id.value))
            .or_default()
            .push((o.file, &o.id));
    }
    for ((period, _), group) in objectives {
        report_duplicates(
            [group],
            cx,
            |id| format!("objective `{id}` of {period}"),
            out,
        );
    }

    for o in &org.objectives {
        let mut krs: BTreeMap<&str, Vec<_>> = BTreeMap::new();
        for kr in &o.key_results {
            krs.entry(&kr.id.value).or_default().push((o.file, &kr.id));
        }
        report_duplicates(
            krs.into_values(),
            cx,
            |id| format!("key result `{id}`"),
            out,
        );
    }
}

pub fn unknown_period(cx: &Context, out: &mut Vec<Diagnostic>) {
    let periods = &cx.org.config.periods;
    let year = cx.as_of.year();
    let candidates = periods.candidates([year - 1, year, year + 1]);
    // Prepared when the first unknown period needs it.
    let names = std::cell::OnceCell::new();
    for objective in &cx.org.objectives {
        let period = &objective.period;
        if periods.get(&period.value).is_some() {
            continue;
        }
        let names = names.get_or_init(|| Vocabulary::new(candidates.iter().map(String::as_str)));
        let d = Diagnostic::new(
            Rule::UnknownPeriod,
            objective.file,
            Some(period.span),
            format!("unknown period `{}`", period.value),
        );
        // `Q1 2027` is a way of writing `2027-Q1`, whatever it is closest to.
        let builtin = Period::builtin_spelling(&period.value);
        let d = match builtin.as_deref().or_else(|| names.closest(&period.value)) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(
                "use a built-in period (`2026`, `2026-H1`, `2026-Q3`) or define it under [periods] in okr.toml",
            ),
        };
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::*;

    #[test]
    fn ids_are_lowercase_ascii() {
        for ok in ["a", "kr1", "9lives", "grow-revenue_2"] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "_a",
            "Grow",
            "grow revenue",
            "größe",
            "a/b",
            "a.b",
        ] {
            assert!(!is_valid_id(bad), "{bad}");
        }
        assert_eq!(slugify("Grow Revenue!"), "grow-revenue");
        assert_eq!(slugify("  Größe "), "gr-e");
    }

    /// Ids become folder names of the site: one too long to be a file name
    /// would pass the check and fail the build.
    #[test]
    fn ids_too_long_for_a_file_name_are_invalid() {
        let long = "a".repeat(MAX_ID_LEN + 1);
        assert!(is_valid_id(&"a".repeat(MAX_ID_LEN)) && !is_valid_id(&long));
        let explicit = company("x").1.replace(
            "+++\ntitle",
            &format!("+++\nid = \"{}\"\ntitle", "a".repeat(300)),
        );
        let owned = [
            (format!("okrs/2026-Q1/{long}.md"), company("x").1),
            ("okrs/2026-Q1/ok.md".to_string(), explicit),
        ];
        let checked = run(&files(&owned));
        let found: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.rule == Rule::InvalidId)
            .collect();
        let [by_name, by_id] = found.as_slice() else {
            panic!("{found:?}")
        };
        assert!(
            by_name.span.is_none() && by_name.message.contains("101 characters"),
            "{by_name:?}"
        );
        assert_eq!(
            by_id
                .span
                .map(|s| checked.org.file(by_id.file).line_col(s.start()).line),
            Some(2)
        );
        assert!(by_id.message.contains("300 characters"), "{by_id:?}");
    }

    #[test]
    fn invalid_id_points_at_explicit_ids_and_names_bad_file_names() {
        let owned = [
            ("okrs/2026-Q1/Grow Fast.md".to_string(), company("x").1),
            (
                "okrs/2026-Q1/ok.md".to_string(),
                company("x")
                    .1
                    .replace("+++\ntitle", "+++\nid = \"Not OK\"\ntitle"),
            ),
        ];
        assert_eq!(
            of_rule("invalid-id", &files(&owned)),
            [
                ("okrs/2026-Q1/Grow Fast.md".to_string(), None),
                at("okrs/2026-Q1/ok.md", 2)
            ]
        );
    }

    #[test]
    fn duplicate_objective_ids_within_a_period() {
        let owned = [
            ("okrs/2026-Q1/a/grow.md".to_string(), company("grow").1),
            ("okrs/2026-Q1/b/grow.md".to_string(), company("grow").1),
            (
                "okrs/2026-Q2/grow.md".to_string(),
                company("grow").1.replace("2026-Q1", "2026-Q2"),
            ),
        ];
        assert_eq!(
            of_rule("duplicate-id", &files(&owned)),
            [("okrs/2026-Q1/b/grow.md".to_string(), None)]
        );
    }

    #[test]
    fn duplicate_key_result_ids_and_team_ids() {
        let mut o = company("grow");
        o.1 =
            o.1.replace("[[key_results]]\n", "[[key_results]]\nid = \"same\"\n");
        let team_copy = (
            "teams/sales-copy.md".to_string(),
            "+++\nid = \"sales\"\n+++\n".to_string(),
        );
        assert_eq!(
            of_rule("duplicate-id", &files(&[o, team_copy])),
            [
                at("okrs/2026-Q1/grow.md", 12),
                ("teams/sales.md".to_string(), None)
            ]
        );
    }

    #[test]
    fn unknown_period_suggests_a_close_one() {
        let mut o = company("grow");
        o.1 = o.1.replace("period = \"2026-Q1\"", "period = \"2026-Q01\"");
        let checked = run(&files(&[o]));
        let d = checked
            .diagnostics
            .iter()
            .find(|d| d.rule == Rule::UnknownPeriod)
            .unwrap();
        assert_eq!(d.help.as_deref(), Some("did you mean `2026-Q1`?"));
    }
}
