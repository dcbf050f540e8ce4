//! `okr new objective|team|person`: writes a well-formed file at the
//! conventional path, after checking it together with the repository, so a
//! misspelt team, person, period or `aligns_to` is refused with the same
//! did-you-mean `okr check` gives.

use crate::authoring::edit;
use crate::check::{self, Checked, SAMPLE_INITIATIVE, SAMPLE_KEY_RESULT, slugify};
use crate::model::diagnostic::Severity;
use crate::model::source::{FileKind, SourceFile};
use crate::read::load::{self, LoadError};
use crate::report;
use chrono::NaiveDate;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why `okr new` wrote nothing (`okr` exits 2).
#[derive(Debug)]
pub enum NewError {
    Load(LoadError),
    /// The file exists already; `new` never overwrites one.
    Exists(PathBuf),
    /// No id can be made from the title.
    NoId(String),
    /// The new file would not pass `okr check`: one line per finding.
    Invalid(Vec<String>),
    Write(PathBuf, std::io::Error),
}

impl fmt::Display for NewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NewError::Load(e) => e.fmt(f),
            NewError::Exists(path) => write!(
                f,
                "{} exists already: edit it, or choose another id (--id)",
                path.display()
            ),
            NewError::NoId(title) => write!(
                f,
                "cannot make an id from `{title}`: pass one with --id, e.g. --id grow-revenue"
            ),
            NewError::Invalid(lines) => {
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    f.write_str(line)?;
                }
                Ok(())
            }
            NewError::Write(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for NewError {}

impl From<LoadError> for NewError {
    fn from(e: LoadError) -> Self {
        NewError::Load(e)
    }
}

/// `okr new objective`'s arguments.
#[derive(Clone, Debug, Default)]
pub struct ObjectiveSpec {
    pub title: String,
    pub period: String,
    pub team: Option<String>,
    pub person: Option<String>,
    pub aligns_to: Vec<String>,
    /// Default: from the title.
    pub id: Option<String>,
    /// `kind = "committed"`: it must happen, so it is achieved only at 1.0.
    pub committed: bool,
}

/// `okr new team`'s arguments.
#[derive(Clone, Debug, Default)]
pub struct TeamSpec {
    pub id: String,
    pub name: Option<String>,
    pub parent: Option<String>,
    pub lead: Option<String>,
}

/// `okr new person`'s arguments.
#[derive(Clone, Debug, Default)]
pub struct PersonSpec {
    pub id: String,
    pub name: Option<String>,
    pub role: Option<String>,
}

/// What `new` wrote.
#[derive(Debug)]
pub struct Written {
    /// Relative to the repository, with `/`.
    pub path: String,
    /// Warnings the new file has (e.g. `unaligned`): written anyway, but worth saying.
    pub warnings: Vec<String>,
}

/// A TOML string literal.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// An id from a title: common accented letters spelt in ASCII, then
/// [`slugify`], cut at a word boundary to keep paths short.
pub fn id_from_title(title: &str) -> String {
    let mut ascii = String::new();
    for c in title.chars() {
        match c {
            'ä' | 'Ä' => ascii.push_str("ae"),
            'ö' | 'Ö' => ascii.push_str("oe"),
            'ü' | 'Ü' => ascii.push_str("ue"),
            'ß' => ascii.push_str("ss"),
            'à' | 'á' | 'â' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Å' => ascii.push('a'),
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => ascii.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => ascii.push('i'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' => ascii.push('o'),
            'ù' | 'ú' | 'û' | 'Ù' | 'Ú' | 'Û' => ascii.push('u'),
            'ç' | 'Ç' => ascii.push('c'),
            'ñ' | 'Ñ' => ascii.push('n'),
            // An apostrophe joins a word ("customers'"), it does not split it.
            '\'' | '’' => {}
            c => ascii.push(c),
        }
    }
    let slug = slugify(&ascii);
    const MAX: usize = 50;
    if slug.len() <= MAX {
        return slug;
    }
    let cut = slug[..=MAX].rfind('-').unwrap_or(MAX);
    slug[..cut].to_string()
}

/// The text of a new objective: the given fields, then two key result stubs
/// with every field present or commented out, each explained. The check-in
/// is commented out too: a value written before anyone measured would count
/// as progress (below a non-zero start, or dated outside a future period).
pub fn objective_text(spec: &ObjectiveSpec, today: NaiveDate) -> String {
    let mut text = format!(
        "+++\ntitle = {}\nperiod = {}\n",
        quoted(&spec.title),
        quoted(&spec.period)
    );
    if let Some(team) = &spec.team {
        text.push_str(&format!("team = {}\n", quoted(team)));
    }
    if let Some(person) = &spec.person {
        text.push_str(&format!("person = {}\n", quoted(person)));
    }
    if spec.team.is_none() && spec.person.is_none() {
        text.push_str(
            "# team = \"team-id\"                 # the owner: a `team` or a `person`; neither makes it a company objective\n\
             # person = \"person-id\"\n",
        );
    }
    match spec.aligns_to.as_slice() {
        [] => text.push_str(
            "# aligns_to = \"objective-id\"      # what this supports: \"objective-id\", \"objective-id#kr-id\", \"PERIOD/objective-id\" or a list\n",
        ),
        [one] => text.push_str(&format!("aligns_to = {}\n", quoted(one))),
        many => {
            let items: Vec<String> = many.iter().map(|r| quoted(r)).collect();
            text.push_str(&format!("aligns_to = [{}]\n", items.join(", ")));
        }
    }
    text.push_str(if spec.committed {
        "kind = \"committed\"                  # must happen: achieved at 1.0, and its pace runs to 1.0\n"
    } else {
        "# kind = \"committed\"                # must happen (achieved at 1.0); default \"aspirational\": a stretch, achieved from 0.7\n"
    });
    text.push_str(
        "# contributors = [\"person-id\"]     # people who help, by id\n\
         # tags = [\"tag\"]\n\
         # carried_from = \"PERIOD/objective-id\"  # the objective of an earlier period this one continues\n",
    );
    for n in 1..=2 {
        text.push_str(&format!(
            r#"
[[key_results]]
title = "Key result {n}: {SAMPLE_KEY_RESULT}"
start = 0                           # where the metric stands at the start
target = 100                        # where it should get to
# done = false                      # a milestone instead of a metric: write this, not start and target
# keep = "at-least"                 # a metric to keep (a KPI) instead: "at-least" or "at-most" the target, all period
unit = "%"                          # e.g. "%", "EUR", "customers"
# id = "kr{n}"                         # default kr1, kr2, … by position; set it to align to this key result
# current = 0                       # default: the latest check-in's value, else start
# due = {today}                  # when the target should be reached
# weight = 1.0                      # weight in the objective's score, default 1
# confidence = 0.5                  # how likely the target is reached, 0 to 1
# owner = "person-id"               # the person who answers for it, e.g. a member of the team

# [key_results.source]              # values from data, added as check-ins by `okr sync`
# file = "data/metrics.csv"         # a CSV or JSON file in the repository (or url = "https://…", JSON)
# column = "value"                  # CSV: the value column (JSON: pointer = "/path/to/value")

# [[key_results.checkins]]          # one per check-in, every week or two: uncomment when you have a value
# date = {today}
# value = 0                         # the metric's value that day
# confidence = 0.5                  # how likely the target is reached, 0 to 1
# note = "What happened"
"#
        ));
    }
    text.push_str(&format!(
        "\n# [[initiatives]]                   # what we do to move the key results\n\
         # title = \"{SAMPLE_INITIATIVE}\"\n\
         # key_result = \"kr1\"\n\
         # status = \"planned\"               # planned | in-progress | done | dropped\n\
         \n# [retrospective]                   # when the period ends\n\
         # notes = \"What we learned, in Markdown\"\n\
         # score = 0.6                       # replaces the computed score (0 to 1), which stays shown; needs a reason\n\
         # reason = \"Why the computed score does not tell the whole story\"\n\
         +++\nWhy this objective matters, in Markdown: what is different when we get there.\n",
    ));
    text
}

pub fn team_text(spec: &TeamSpec) -> String {
    let mut text = format!(
        "+++\nname = {}\n",
        quoted(spec.name.as_deref().unwrap_or(&spec.id))
    );
    match &spec.parent {
        Some(parent) => text.push_str(&format!("parent = {}\n", quoted(parent))),
        None => {
            text.push_str("# parent = \"team-id\"               # the team this one belongs to\n")
        }
    }
    match &spec.lead {
        Some(lead) => text.push_str(&format!("lead = {}\n", quoted(lead))),
        None => {
            text.push_str("# lead = \"person-id\"               # the person leading the team\n")
        }
    }
    text.push_str("members = []                        # ids of the team's people\n");
    text.push_str("+++\nWhat this team is for, in a sentence or two of Markdown.\n");
    text
}

pub fn person_text(spec: &PersonSpec) -> String {
    let mut text = format!(
        "+++\nname = {}\n",
        quoted(spec.name.as_deref().unwrap_or(&spec.id))
    );
    match &spec.role {
        Some(role) => text.push_str(&format!("role = {}\n", quoted(role))),
        None => text.push_str("# role = \"Engineering manager\"\n"),
    }
    text.push_str("+++\nA few words about this person, in Markdown.\n");
    text
}

/// Checks the repository at `root` with the new file added, and keeps the
/// new file's findings as lines `file:line:column: message (help)`.
fn check_with(
    root: &Path,
    path: &str,
    kind: FileKind,
    text: &str,
    as_of: NaiveDate,
) -> Result<(Vec<String>, Vec<String>), NewError> {
    let mut loaded = load::load(root)?;
    let id = load::insert(&mut loaded, SourceFile::new(path, kind, text.to_string()));
    let checked: Checked = check::check_loaded(loaded, as_of);
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    // The new file's findings, and those it causes elsewhere (a duplicate id
    // is reported on whichever file sorts later).
    let concerns_new =
        |d: &&crate::model::diagnostic::Diagnostic| d.file == id || d.message.contains(path);
    for d in checked.diagnostics.iter().filter(concerns_new) {
        let placed = report::place(&checked, d);
        let mut line = format!("{}: {}", placed.rule, placed.message);
        if let Some(help) = placed.help {
            line.push_str(&format!(" ({help})"));
        }
        match d.severity {
            Severity::Error => errors.push(line),
            Severity::Warning => warnings.push(line),
        }
    }
    std::mem::forget(checked);
    Ok((errors, warnings))
}

/// Writes `text` at `path` in `root` if, checked with the repository, it has
/// no errors; never over an existing file.
fn write_checked(
    root: &Path,
    path: String,
    kind: FileKind,
    text: &str,
    as_of: NaiveDate,
) -> Result<Written, NewError> {
    // Held until the file is written: another `okr new` waits, then checks
    // with this file in the repository (a duplicate id is refused).
    let lock = edit::WriteLock::acquire(root);
    let full = root.join(&path);
    if full.exists() {
        return Err(NewError::Exists(full));
    }
    let (errors, warnings) = check_with(root, &path, kind, text, as_of)?;
    if !errors.is_empty() {
        return Err(NewError::Invalid(errors));
    }
    lock.create_new(&full, text.as_bytes())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => NewError::Exists(full.clone()),
            _ => NewError::Write(full.clone(), e),
        })?;
    Ok(Written { path, warnings })
}

/// `okr new objective`: `okrs/PERIOD/OWNER/ID.md`, OWNER being the team, the
/// person or `company`.
pub fn objective(root: &Path, spec: &ObjectiveSpec, as_of: NaiveDate) -> Result<Written, NewError> {
    let id = match &spec.id {
        Some(id) => id.clone(),
        None => id_from_title(&spec.title),
    };
    if id.is_empty() {
        return Err(NewError::NoId(spec.title.clone()));
    }
    let owner = spec
        .team
        .as_deref()
        .or(spec.person.as_deref())
        .unwrap_or("company");
    // A path that cannot leave `okrs/`, whatever was typed: misspellings are
    // reported by the check below, with the typed value.
    let folder = |s: &str| {
        let slug = slugify(s);
        if slug.is_empty() {
            "_".to_string()
        } else {
            slug
        }
    };
    let path = format!(
        "okrs/{}/{}/{}.md",
        safe_period(&spec.period),
        folder(owner),
        folder(&id)
    );
    let mut text = objective_text(spec, as_of);
    if spec.id.is_some() || slugify(&id) != id {
        text = text.replacen("+++\n", &format!("+++\nid = {}\n", quoted(&id)), 1);
    }
    write_checked(root, path, FileKind::Objective, &text, as_of)
}

/// A period name as a folder: the characters period names may hold.
fn safe_period(period: &str) -> String {
    let cleaned: String = period
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    match cleaned.trim_start_matches('.') {
        "" => "_".to_string(),
        rest => rest.to_string(),
    }
}

/// `okr new team`: `teams/ID.md`.
pub fn team(root: &Path, spec: &TeamSpec, as_of: NaiveDate) -> Result<Written, NewError> {
    let path = format!("teams/{}.md", entity_file(&spec.id)?);
    write_checked(root, path, FileKind::Team, &team_text(spec), as_of)
}

/// `okr new person`: `people/ID.md`.
pub fn person(root: &Path, spec: &PersonSpec, as_of: NaiveDate) -> Result<Written, NewError> {
    let path = format!("people/{}.md", entity_file(&spec.id)?);
    write_checked(root, path, FileKind::Person, &person_text(spec), as_of)
}

/// A team's or person's id is its file name, so it must be a valid id.
fn entity_file(id: &str) -> Result<&str, NewError> {
    if check::is_valid_id(id) {
        Ok(id)
    } else {
        let suggestion = slugify(id);
        let help = if suggestion.is_empty() {
            String::new()
        } else {
            format!(" (did you mean `{suggestion}`?)")
        };
        Err(NewError::Invalid(vec![format!(
            "invalid-id: `{id}` is not an id: use lowercase ASCII letters, digits, `-` and `_`{help}"
        )]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::schema;

    #[test]
    fn ids_come_from_titles() {
        assert_eq!(
            id_from_title("Grow revenue in Germany"),
            "grow-revenue-in-germany"
        );
        assert_eq!(
            id_from_title("Kundenzufriedenheit über 90% steigern!"),
            "kundenzufriedenheit-ueber-90-steigern"
        );
        assert_eq!(id_from_title("Customers' trust"), "customers-trust");
        assert_eq!(id_from_title("???"), "");
        let long = id_from_title(&"word ".repeat(30));
        assert!(long.len() <= 50 && !long.ends_with('-'), "{long}");
    }

    /// The file `okr new objective "Grow" --period 2026-Q1` writes on 2026-02-01.
    fn stub() -> String {
        objective_text(
            &ObjectiveSpec {
                title: "Grow".into(),
                period: "2026-Q1".into(),
                ..ObjectiveSpec::default()
            },
            "2026-02-01".parse().unwrap(),
        )
    }

    #[test]
    fn the_stub_records_no_check_in_but_shows_how_to_add_one() {
        let text = stub();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        assert!(!lines.contains(&"[[key_results.checkins]]"), "{text}");
        assert!(!lines.iter().any(|l| l.starts_with("value =")), "{text}");
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with("# [[key_results.checkins]]"))
                .count(),
            2
        );
        assert!(lines.contains(&"# date = 2026-02-01"), "{text}");
    }

    #[test]
    fn the_stub_names_every_key_result_field() {
        let text = stub();
        for field in schema::KEY_RESULT
            .iter()
            .chain(schema::CHECKIN)
            .chain(schema::INITIATIVE)
            .chain(schema::OBJECTIVE)
            .chain(schema::RETROSPECTIVE)
        {
            let name = match field.name {
                "checkins" => "[[key_results.checkins]]",
                "source" => "[key_results.source]",
                "key_results" => "[[key_results]]",
                "initiatives" => "[[initiatives]]",
                "retrospective" => "[retrospective]",
                name => name,
            };
            assert!(
                text.lines()
                    .any(|l| l.trim_start_matches("# ").split_whitespace().next() == Some(name)),
                "`{name}` is not in the stub"
            );
        }
    }
}
