//! `okr diff`: the semantic difference of the OKRs between two revisions, for
//! a pull-request comment: objectives added and removed, what changed in each
//! (per key result, old → new), and the check findings the change introduces.
//!
//! Both sides are loaded, parsed and checked exactly as `okr check` does (a
//! revision's files come from git, the working tree's from disk), then
//! compared with [`history::compare_sets`], so reformatting is no change.

use crate::check::{self, Checked};
use crate::git::history::{self, Change, HistoryError, Repo, Snapshot};
use crate::model::diagnostic::Diagnostic;
use crate::read::load::{self, LoadError};
use crate::report::{self, Placed};
use crate::text::printable;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Why `okr diff` could not run (exit 2).
#[derive(Debug)]
pub enum DiffError {
    Git(HistoryError),
    /// A side could not be loaded, e.g. an invalid `okr.toml` at that revision.
    Load {
        side: String,
        error: LoadError,
    },
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffError::Git(e) => e.fmt(f),
            DiffError::Load { side, error } => write!(f, "at {side}: {error}"),
        }
    }
}

impl std::error::Error for DiffError {}

impl From<HistoryError> for DiffError {
    fn from(e: HistoryError) -> Self {
        DiffError::Git(e)
    }
}

/// What `okr diff REV [REV2] [DIR]` compares: its positional arguments read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sides {
    pub from: String,
    /// `None`: the working tree.
    pub to: Option<String>,
    pub dir: PathBuf,
}

impl Sides {
    /// `REV`, `REV DIR`, `REV REV2` or `REV REV2 DIR`: with two arguments the
    /// second is DIR when it is an existing folder, else a revision.
    pub fn from_args(args: &[String]) -> Result<Sides, String> {
        let sides = |from: &str, to: Option<&str>, dir: &str| Sides {
            from: from.to_string(),
            to: to.map(String::from),
            dir: PathBuf::from(dir),
        };
        match args {
            [from] => Ok(sides(from, None, ".")),
            [from, second] if Path::new(second).is_dir() => Ok(sides(from, None, second)),
            [from, to] => Ok(sides(from, Some(to), ".")),
            [from, to, dir] => Ok(sides(from, Some(to), dir)),
            _ => Err("okr diff takes REV [REV2] [DIR]".to_string()),
        }
    }
}

/// One side of the comparison, as given and as resolved.
#[derive(Clone, Debug, Serialize)]
pub struct Revision {
    /// As given, e.g. `main`; `null` for the working tree.
    pub revision: Option<String>,
    /// The full commit id; `null` for the working tree.
    pub commit: Option<String>,
}

impl Revision {
    fn name(&self) -> String {
        match (&self.revision, &self.commit) {
            (Some(rev), Some(commit)) if commit.starts_with(rev.as_str()) => {
                history::short_hex(commit).to_string()
            }
            (Some(rev), Some(commit)) => format!("{rev} ({})", history::short_hex(commit)),
            _ => "the working tree".to_string(),
        }
    }
}

/// One objective added, removed or changed.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectiveDiff {
    pub period: String,
    pub id: String,
    pub title: String,
    /// `company`, `team <id>` or `person <id>`.
    pub owner: String,
    /// Its file on the newer side (the older for a removed objective).
    pub file: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
}

/// The difference between two revisions.
pub struct Diff {
    pub from: Revision,
    pub to: Revision,
    pub added: Vec<ObjectiveDiff>,
    pub removed: Vec<ObjectiveDiff>,
    pub changed: Vec<ObjectiveDiff>,
    /// The newer side, checked: the findings below point into it.
    pub checked: Checked,
    /// Indices into `checked.diagnostics` of findings the older side does not have.
    pub new_findings: Vec<usize>,
}

fn load_commit(repo: &Repo, rev: &str) -> Result<(Revision, load::Loaded), DiffError> {
    let id = repo.resolve(rev)?;
    let loaded = load::from_bytes(repo.files_at(id)?).map_err(|error| DiffError::Load {
        side: rev.to_string(),
        error,
    })?;
    let revision = Revision {
        revision: Some(rev.to_string()),
        commit: Some(id.to_string()),
    };
    Ok((revision, loaded))
}

/// Compares the OKRs at `sides.from` with `sides.to` (or the working tree),
/// both checked as of `as_of`.
pub fn diff(sides: &Sides, as_of: NaiveDate) -> Result<Diff, DiffError> {
    let repo = Repo::open(&sides.dir)?;
    let (from, old) = load_commit(&repo, &sides.from)?;
    let old = check::check_loaded(old, as_of);
    let (to, new) = match &sides.to {
        Some(rev) => {
            let (to, loaded) = load_commit(&repo, rev)?;
            (to, check::check_loaded(loaded, as_of))
        }
        None => {
            let checked = check::check(&sides.dir, as_of).map_err(|error| DiffError::Load {
                side: "the working tree".to_string(),
                error,
            })?;
            let to = Revision {
                revision: None,
                commit: None,
            };
            (to, checked)
        }
    };
    Ok(compare(from, &old, to, new))
}

/// Each objective of a checked side as `(path, snapshot)`.
fn snapshots(checked: &Checked) -> Vec<(&str, Snapshot)> {
    checked
        .org
        .objectives
        .iter()
        .map(|o| (checked.org.file(o.file).path.as_str(), Snapshot::of(o)))
        .collect()
}

/// Objective files that did not parse: their objectives are not gone, only broken.
fn broken_files(checked: &Checked) -> BTreeSet<&str> {
    let parsed: BTreeSet<usize> = checked.org.objectives.iter().map(|o| o.file.0).collect();
    checked
        .org
        .files
        .iter()
        .enumerate()
        .filter(|(i, f)| f.kind == crate::model::source::FileKind::Objective && !parsed.contains(i))
        .map(|(_, f)| f.path.as_str())
        .collect()
}

/// What a finding is about, independent of lines that moved: its rule, its
/// message and its objective (or file).
fn finding_keys(checked: &Checked) -> Vec<(&'static str, &str, String)> {
    let by_file: BTreeMap<usize, String> = checked
        .org
        .objectives
        .iter()
        .map(|o| (o.file.0, format!("{}/{}", o.period.value, o.id.value)))
        .collect();
    checked
        .diagnostics
        .iter()
        .map(|d| {
            let subject = by_file
                .get(&d.file.0)
                .cloned()
                .unwrap_or_else(|| checked.org.file(d.file).path.clone());
            (d.rule.name(), d.message.as_str(), subject)
        })
        .collect()
}

fn compare(from: Revision, old: &Checked, to: Revision, new: Checked) -> Diff {
    let (added, removed, changed) = compare_objectives(old, &new);
    let mut seen: BTreeMap<(&str, &str, String), usize> = BTreeMap::new();
    for key in finding_keys(old) {
        *seen.entry(key).or_default() += 1;
    }
    let new_findings = finding_keys(&new)
        .into_iter()
        .enumerate()
        .filter_map(|(i, key)| match seen.get_mut(&key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                None
            }
            _ => Some(i),
        })
        .collect();
    Diff {
        from,
        to,
        added,
        removed,
        changed,
        checked: new,
        new_findings,
    }
}

type Objectives = Vec<ObjectiveDiff>;

/// Objectives added, removed and changed, each sorted by period and id.
fn compare_objectives(old: &Checked, new: &Checked) -> (Objectives, Objectives, Objectives) {
    let old_snaps = snapshots(old);
    let new_snaps = snapshots(new);
    let old_refs: Vec<(&str, &Snapshot)> = old_snaps.iter().map(|(p, s)| (*p, s)).collect();
    let new_refs: Vec<(&str, &Snapshot)> = new_snaps.iter().map(|(p, s)| (*p, s)).collect();
    let broken = broken_files(new);
    let (mut added, mut removed, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    for c in history::compare_sets(&old_refs, &new_refs) {
        let list = match (c.old, c.new) {
            (None, _) => &mut added,
            (_, None) => &mut removed,
            _ => &mut changed,
        };
        let Some((file, snapshot)) = c
            .new
            .map(|n| new_refs[n])
            .or_else(|| c.old.map(|o| old_refs[o]))
        else {
            continue;
        };
        if c.new.is_none() && broken.contains(file) {
            continue; // broken, not removed: its finding says so
        }
        let changes = c
            .changes
            .into_iter()
            .filter(|c| !matches!(c, Change::Created | Change::Removed))
            .collect();
        list.push(ObjectiveDiff {
            period: c.key.0,
            id: c.key.1,
            title: snapshot.title.clone(),
            owner: snapshot.owner.to_string(),
            file: file.to_string(),
            changes,
        });
    }
    (added, removed, changed)
}

impl Diff {
    fn findings(&self) -> Vec<&Diagnostic> {
        self.new_findings
            .iter()
            .map(|&i| &self.checked.diagnostics[i])
            .collect()
    }

    /// One line: what changed, in counts.
    pub fn summary(&self) -> String {
        let objectives = self.added.len() + self.removed.len() + self.changed.len();
        let findings = report::plural(self.new_findings.len(), "new finding");
        if objectives == 0 {
            return format!("no objective changed; {findings}");
        }
        format!(
            "{} added, {} removed, {} changed; {findings}",
            report::plural(self.added.len(), "objective"),
            self.removed.len(),
            self.changed.len(),
        )
    }

    /// Revision names are the user's arguments, not the repository's, but a
    /// branch name passed on by CI is shown [`printable`] all the same.
    fn title(&self) -> String {
        let title = format!(
            "OKR changes from {} to {}",
            self.from.name(),
            self.to.name()
        );
        printable(&title).into_owned()
    }

    /// For a terminal: each objective with its changes, then the new findings
    /// compiler-style (coloured when `color`). Every string from the
    /// repository is [`printable`], so that none can move the cursor, erase
    /// or forge a line.
    pub fn human(&self, color: bool) -> String {
        let mut out = format!("{}: {}\n", self.title(), self.summary());
        for (label, list) in [
            ("added", &self.added),
            ("removed", &self.removed),
            ("changed", &self.changed),
        ] {
            for o in list {
                let _ = writeln!(
                    out,
                    "\n{label:<8}{}/{} “{}” ({}, {})",
                    printable(&o.period),
                    printable(&o.id),
                    printable(&o.title),
                    printable(&o.owner),
                    printable(&o.file)
                );
                for change in &o.changes {
                    let _ = writeln!(out, "  - {}", printable(&history::describe(change)));
                }
            }
        }
        let findings = self.findings();
        if !findings.is_empty() {
            out.push_str("\nnew findings:\n\n");
            out.push_str(&report::human_findings(&self.checked, &findings, color));
        }
        out
    }

    /// For a pull-request comment: every string from the repository is
    /// written as plain text ([`escape_markdown`], [`code_span`]) on its own
    /// line, so none can start a list item, a heading or a link, or mention anyone.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "### {}\n\n{}.\n",
            escape_markdown(&self.title()),
            capitalise(&self.summary())
        );
        for (heading, list) in [
            ("Added", &self.added),
            ("Removed", &self.removed),
            ("Changed", &self.changed),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n#### {heading}\n");
            for o in list {
                let _ = writeln!(
                    out,
                    "- **{}** · {} · {}",
                    escape_markdown(&o.title),
                    escape_markdown(&o.owner),
                    code_span(&format!("{}/{}", o.period, o.id))
                );
                for change in &o.changes {
                    let _ = writeln!(out, "  - {}", escape_markdown(&history::describe(change)));
                }
            }
        }
        let findings = self.findings();
        if !findings.is_empty() {
            out.push_str("\n#### New findings\n\n");
            for d in findings {
                let p = report::place(&self.checked, d);
                let at = match (p.line, p.column) {
                    (Some(line), Some(column)) => format!("{}:{line}:{column}", p.file),
                    _ => p.file.to_string(),
                };
                let _ = write!(
                    out,
                    "- **{}** `{}` in {}: {}",
                    p.severity.as_str(),
                    p.rule,
                    code_span(&at),
                    markdown_with_code(p.message)
                );
                if let Some(help) = p.help {
                    let _ = write!(out, " (help: {})", markdown_with_code(help));
                }
                out.push('\n');
            }
        }
        out
    }

    /// One JSON object; its shape is documented in the README.
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct Summary {
            added: usize,
            removed: usize,
            changed: usize,
            findings: usize,
        }
        #[derive(Serialize)]
        struct Json<'a> {
            from: &'a Revision,
            to: &'a Revision,
            added: &'a [ObjectiveDiff],
            removed: &'a [ObjectiveDiff],
            changed: &'a [ObjectiveDiff],
            findings: Vec<Placed<'a>>,
            summary: Summary,
        }
        let json = Json {
            from: &self.from,
            to: &self.to,
            added: &self.added,
            removed: &self.removed,
            changed: &self.changed,
            findings: self
                .findings()
                .into_iter()
                .map(|d| report::place(&self.checked, d))
                .collect(),
            summary: Summary {
                added: self.added.len(),
                removed: self.removed.len(),
                changed: self.changed.len(),
                findings: self.new_findings.len(),
            },
        };
        let mut out = serde_json::to_string_pretty(&json).unwrap_or_default();
        out.push('\n');
        out
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Put after every `@` in Markdown: WORD JOINER (U+2060), invisible, so that
/// `@name` reads as written but mentions (and notifies) nobody on GitHub,
/// whose mentions need a letter or digit right after the `@`.
const MENTION_BREAK: char = '\u{2060}';

/// Text that Markdown shows as written, on one line: hidden characters
/// escaped ([`printable`]), characters with a meaning in Markdown (or
/// GitHub's `$` maths) escaped with a backslash, and mentions broken.
pub(crate) fn escape_markdown(text: &str) -> String {
    let text = printable(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' | '&' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
        if c == '@' {
            out.push(MENTION_BREAK);
        }
    }
    out
}

/// `text` as a Markdown code span whatever backticks it holds: fenced by one
/// backtick more than its longest run of them, and padded with a space where
/// a backtick would touch the fence (CommonMark takes one off each side).
/// Inside, nothing is markup and nobody is mentioned; hidden characters are
/// escaped ([`printable`]).
fn code_span(text: &str) -> String {
    let text = printable(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A finding's message or help: the names it quotes in backticks as code
/// spans, the rest as text. Whatever backticks a quoted value adds, each
/// piece is either a closed code span or escaped text.
fn markdown_with_code(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let unpaired = parts.len().is_multiple_of(2);
    let mut out = String::with_capacity(text.len());
    for (i, part) in parts.iter().enumerate() {
        if i.is_multiple_of(2) {
            out.push_str(&escape_markdown(part));
        } else if unpaired && i == parts.len() - 1 {
            out.push_str(&escape_markdown(&format!("`{part}")));
        } else {
            out.push_str(&code_span(part));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_read_as_revisions_and_a_folder() {
        let args =
            |a: &[&str]| Sides::from_args(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let here = env!("CARGO_MANIFEST_DIR");
        assert_eq!(
            args(&["main"]).unwrap(),
            Sides {
                from: "main".into(),
                to: None,
                dir: ".".into()
            }
        );
        assert_eq!(args(&["main", here]).unwrap().to, None);
        assert_eq!(args(&["main", "HEAD"]).unwrap().to.as_deref(), Some("HEAD"));
        assert_eq!(args(&["a", "b", "c"]).unwrap().dir, PathBuf::from("c"));
        assert!(args(&["a", "b", "c", "d"]).is_err());
    }

    #[test]
    fn markdown_is_escaped() {
        assert_eq!(
            escape_markdown("a*b_c `x` <y> $1"),
            "a\\*b\\_c \\`x\\` \\<y\\> \\$1"
        );
        assert_eq!(
            escape_markdown("line\n- forged @octocat"),
            "line\\\\u{a}- forged @\u{2060}octocat"
        );
    }

    #[test]
    fn quoted_names_stay_code_spans() {
        assert_eq!(
            markdown_with_code("no key `key_results` in *x*"),
            "no key `key_results` in \\*x\\*"
        );
        // A quoted value's own backtick moves the pairing, but every piece
        // stays a closed code span or escaped text.
        assert_eq!(markdown_with_code("no team `a`b`"), "no team `a`b\\`");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(markdown_with_code("odd ` one"), "odd \\` one");
        assert_eq!(code_span("a\x1b"), "`a\\u{1b}`");
    }
}
