//! `okr rollover FROM TO`: starts period TO with a copy of every objective of
//! FROM that was not achieved. Each copy is a new file beside the original's
//! (the period's folder renamed), starting where the old one ended: `period`
//! is TO, each key result's `start` is its last value, check-ins are empty,
//! and `carried_from` names the original. Key results that reached their
//! target stay behind. Nothing is ever overwritten, so running it again
//! creates nothing new.

use crate::authoring::edit::{self, FrontMatter};
use crate::model::diagnostic::{Rule, did_you_mean};
use crate::model::period::Period;
use crate::model::source::{FileId, FileKind, SourceFile};
use crate::model::{Measure, Objective, Org};
use crate::read::load::{self, LoadError};
use crate::read::resolve::{self, Reference};
use crate::score::{self, Status};
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use toml_edit::{Item, Table, Value};

/// What a rollover did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub from: String,
    pub to: String,
    /// New files, in the order of the originals' paths.
    pub created: Vec<Created>,
    /// Objectives of FROM left where they are, and why.
    pub kept: Vec<Kept>,
    /// FROM had not ended on the as-of date: grades are as of then.
    pub from_running: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Created {
    /// The new file, relative to the repository root.
    pub file: String,
    /// `FROM/id` of the original.
    pub from: String,
    /// Key results left behind because they reached their target.
    pub finished: Vec<String>,
    /// `aligns_to` entries that name nothing in TO yet.
    pub unaligned: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Kept {
    /// `FROM/id`.
    pub objective: String,
    pub why: Why,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Why {
    Achieved(f64),
    /// TO already has it: a file at the new path, the same id, or an
    /// objective carried from it.
    AlreadyThere(String),
    /// Every key result reached its target, though the score says otherwise
    /// (an override): nothing is left to carry.
    NothingLeft,
    /// Its file could not be copied (e.g. the front matter is written in a
    /// form this command cannot change).
    CannotCopy(String),
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from_running {
            writeln!(
                f,
                "note: {} has not ended yet; objectives were judged on their scores so far",
                self.from
            )?;
        }
        for c in &self.created {
            writeln!(f, "created {} from {}", c.file, c.from)?;
            if !c.finished.is_empty() {
                writeln!(
                    f,
                    "  left out key results that reached their target: {}",
                    c.finished.join(", ")
                )?;
            }
            for a in &c.unaligned {
                writeln!(
                    f,
                    "  aligns_to `{a}` names no objective of {} yet: align it to one of this period's",
                    self.to
                )?;
            }
        }
        let achieved = self
            .kept
            .iter()
            .filter(|k| matches!(k.why, Why::Achieved(_)))
            .count();
        if achieved > 0 {
            writeln!(
                f,
                "left {achieved} achieved objective{} in {}",
                if achieved == 1 { "" } else { "s" },
                self.from
            )?;
        }
        for k in &self.kept {
            match &k.why {
                Why::Achieved(_) => {}
                Why::AlreadyThere(file) => {
                    writeln!(f, "{} is already in {}: {file}", k.objective, self.to)?
                }
                Why::NothingLeft => writeln!(
                    f,
                    "{}: every key result reached its target; nothing to carry",
                    k.objective
                )?,
                Why::CannotCopy(why) => writeln!(f, "{}: not copied: {why}", k.objective)?,
            }
        }
        if self.created.is_empty() {
            writeln!(
                f,
                "nothing new to create: no unfinished objective of {} is missing from {}",
                self.from, self.to
            )?;
        } else {
            writeln!(
                f,
                "review each copy: its key results now start where they ended, so titles and targets may need updating"
            )?;
        }
        Ok(())
    }
}

/// Why the rollover could not run; no file was created.
#[derive(Debug)]
pub enum RolloverError {
    Load(LoadError),
    UnknownPeriod {
        name: String,
        suggestion: Option<String>,
    },
    /// TO does not start after FROM.
    Order {
        from: Period,
        to: Period,
    },
    Io(std::path::PathBuf, std::io::Error),
}

impl fmt::Display for RolloverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RolloverError::Load(e) => e.fmt(f),
            RolloverError::UnknownPeriod { name, suggestion } => {
                write!(
                    f,
                    "unknown period `{name}`: neither built in (2026, 2026-H1, 2026-Q1) nor in [periods] of okr.toml"
                )?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            RolloverError::Order { from, to } => write!(
                f,
                "{} ({} to {}) does not start after {} ({} to {}): roll over into a later period",
                to.name, to.start, to.end, from.name, from.start, from.end
            ),
            RolloverError::Io(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for RolloverError {}

impl From<LoadError> for RolloverError {
    fn from(e: LoadError) -> Self {
        RolloverError::Load(e)
    }
}

/// Copies FROM's unfinished objectives into TO in the repository at `root`,
/// judging them on `as_of`.
pub fn rollover(
    root: &Path,
    from: &str,
    to: &str,
    as_of: NaiveDate,
) -> Result<Report, RolloverError> {
    // Held until the copies are written: another rollover waits, then finds them.
    let lock = edit::WriteLock::acquire(root);
    let (org, diagnostics) = resolve::build(load::load(root)?);
    // Objectives of files with front-matter findings are checked, never copied.
    let broken: BTreeSet<FileId> = (diagnostics.iter())
        .filter(|d| d.rule == Rule::InvalidFrontMatter)
        .map(|d| d.file)
        .collect();
    let period = |name: &str| {
        org.period(name).ok_or_else(|| {
            let used: BTreeSet<&str> = org
                .objectives
                .iter()
                .map(|o| o.period.value.as_str())
                .collect();
            RolloverError::UnknownPeriod {
                name: name.to_string(),
                suggestion: did_you_mean(name, used).map(String::from),
            }
        })
    };
    let (from_period, to_period) = (period(from)?, period(to)?);
    if to_period.start <= from_period.start {
        return Err(RolloverError::Order {
            from: from_period,
            to: to_period,
        });
    }
    let scores = score::score_org(&org, as_of);
    let thresholds = &org.config.checks.thresholds;
    let mut report = Report {
        from: from.to_string(),
        to: to.to_string(),
        from_running: as_of <= from_period.end,
        ..Report::default()
    };
    // Ids TO has or will have, for `aligns_to` that resolve in it.
    let mut ids_in_to: BTreeSet<String> = org
        .objectives
        .iter()
        .filter(|o| o.period.value == to)
        .map(|o| o.id.value.clone())
        .collect();
    let mut planned: Vec<(usize, String, String)> = Vec::new();
    for (i, o) in org.objectives.iter().enumerate() {
        if o.period.value != from || broken.contains(&o.file) {
            continue;
        }
        let name = format!("{from}/{}", o.id.value);
        let score = scores.objectives[i].score;
        if let Some(s) = score
            && score::grade(s, thresholds.goal(o.kind()), thresholds) == Status::Achieved
        {
            report.kept.push(Kept {
                objective: name,
                why: Why::Achieved(s),
            });
            continue;
        }
        let file = target_path(&org.file(o.file).path, from, to);
        if let Some(there) = already_there(&org, i, to, &file, root) {
            report.kept.push(Kept {
                objective: name,
                why: Why::AlreadyThere(there),
            });
            continue;
        }
        let text = match std::fs::read_to_string(root.join(&org.file(o.file).path)) {
            Ok(text) => text,
            Err(e) => return Err(RolloverError::Io(root.join(&org.file(o.file).path), e)),
        };
        match carry(&text, o, &name, to, as_of) {
            Ok((copy, finished)) => {
                ids_in_to.insert(o.id.value.clone());
                planned.push((i, file.clone(), copy));
                report.created.push(Created {
                    file,
                    from: name,
                    finished,
                    unaligned: Vec::new(),
                });
            }
            Err(why) => report.kept.push(Kept {
                objective: name,
                why,
            }),
        }
    }
    for ((i, file, copy), created) in planned.iter().zip(&mut report.created) {
        created.unaligned =
            unresolved_alignments(&org, &org.objectives[*i], &to_period, &ids_in_to);
        lock.create_new(&root.join(file), copy.as_bytes())
            .map_err(|e| RolloverError::Io(root.join(file), e))?;
    }
    Ok(report)
}

/// The copy's path: the original's, with a folder named FROM renamed TO, or
/// else under `okrs/TO/`.
pub fn target_path(path: &str, from: &str, to: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.contains(&from) {
        return parts
            .iter()
            .map(|p| if *p == from { to } else { p })
            .collect::<Vec<_>>()
            .join("/");
    }
    let rest = path.strip_prefix("okrs/").unwrap_or(path);
    format!("okrs/{to}/{rest}")
}

/// Where TO already holds objective `index`, if it does.
fn already_there(org: &Org, index: usize, to: &str, file: &str, root: &Path) -> Option<String> {
    let id = &org.objectives[index].id.value;
    let in_to = org
        .objectives
        .iter()
        .find(|o| o.period.value == to && (o.predecessor == Some(index) || &o.id.value == id));
    if let Some(o) = in_to {
        return Some(org.file(o.file).path.clone());
    }
    // A file there that okr could not read still must not be overwritten.
    root.join(file).exists().then(|| file.to_string())
}

/// The copy of an objective's file for period `to`, and the key results left out.
fn carry(
    text: &str,
    objective: &Objective,
    name: &str,
    to: &str,
    as_of: NaiveDate,
) -> Result<(String, Vec<String>), Why> {
    let cannot = |why: &str| Why::CannotCopy(why.to_string());
    let front = FrontMatter::split(text).ok_or_else(|| cannot("it has no front matter"))?;
    let mut doc = front
        .parse()
        .ok_or_else(|| cannot("its front matter is not valid TOML"))?;
    set_string(&mut doc, "period", to);
    set_string(&mut doc, "carried_from", name);
    place_after(&mut doc, "carried_from", "period");
    doc.remove("retrospective");
    let key_results = &objective.key_results;
    let finished: Vec<bool> = key_results
        .iter()
        // A metric to keep is held again next period, never finished.
        .map(|kr| {
            !matches!(kr.measure, Measure::Kept { .. })
                && score::key_result_progress(kr, None, as_of).is_some_and(|p| p >= 1.0)
        })
        .collect();
    if finished.iter().all(|f| *f) {
        return Err(Why::NothingLeft);
    }
    let Some(Item::ArrayOfTables(tables)) = doc.get_mut("key_results") else {
        return Err(cannot(
            "its key results are not written as `[[key_results]]` tables",
        ));
    };
    let any_left_out = finished.iter().any(|f| *f);
    for (k, table) in tables.iter_mut().enumerate() {
        let Some(kr) = key_results.get(k) else {
            continue;
        };
        // Positional ids (`kr2`) would shift when one before is left out.
        if any_left_out && !kr.id_explicit {
            table.insert("id", toml_edit::value(kr.id.value.as_str()));
            place_before(table, "id", "title");
        }
        if let Measure::Metric { .. } = kr.measure {
            let last = kr.current(as_of);
            set_number(table, "start", last);
            place_before(table, "start", "target");
        }
        for stale in ["current", "checkins", "confidence", "due"] {
            table.remove(stale);
        }
    }
    let mut k = 0;
    tables.retain(|_| {
        k += 1;
        !finished.get(k - 1).copied().unwrap_or(false)
    });
    let left_out: Vec<String> = key_results
        .iter()
        .zip(&finished)
        .filter(|(_, f)| **f)
        .map(|(kr, _)| kr.id.value.clone())
        .collect();
    // Initiatives for key results left behind would point at nothing.
    if let Some(Item::ArrayOfTables(initiatives)) = doc.get_mut("initiatives") {
        initiatives.retain(|t| {
            t.get("key_result")
                .and_then(Item::as_str)
                .is_none_or(|kr| !left_out.iter().any(|l| l == kr))
        });
        if initiatives.is_empty() {
            doc.remove("initiatives");
        }
    }
    let copy = front.with_toml(&doc.to_string());
    // The copy must read as a clean objective of TO.
    let file = SourceFile::new(
        "copy.md",
        FileKind::Objective,
        copy.trim_start_matches('\u{feff}').to_string(),
    );
    let parsed = crate::read::parse::parse_objective(&file, FileId(0));
    match parsed.clean() {
        Some(o) if o.period.value == to => Ok((copy, left_out)),
        _ => Err(cannot("the copy would not read as an objective")),
    }
}

/// Sets a string value, keeping the comment and spacing around the old one.
fn set_string(table: &mut Table, key: &str, text: &str) {
    set_value(table, key, Value::from(text));
}

fn set_number(table: &mut Table, key: &str, number: f64) {
    set_value(table, key, edit::toml_number(number));
}

fn set_value(table: &mut Table, key: &str, mut value: Value) {
    if let Some(old) = table.get_mut(key).and_then(Item::as_value_mut) {
        *value.decor_mut() = old.decor().clone();
        *old = value;
    } else {
        table.insert(key, Item::Value(value));
    }
}

/// Moves `key` right after `anchor` among the table's values.
fn place_after(table: &mut Table, key: &str, anchor: &str) {
    reorder(table, key, anchor, 1);
}

/// Moves `key` right before `anchor` among the table's values.
fn place_before(table: &mut Table, key: &str, anchor: &str) {
    reorder(table, key, anchor, -1);
}

fn reorder(table: &mut Table, key: &str, anchor: &str, side: i64) {
    let order: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    let Some(at) = order.iter().position(|k| k == anchor) else {
        return;
    };
    // Ranks twice the original position; the moved key sits one off its anchor.
    let rank = |k: &str| {
        if k == key {
            2 * at as i64 + side
        } else {
            2 * order.iter().position(|o| o == k).unwrap_or(order.len()) as i64
        }
    };
    table.sort_values_by(|a, _, b, _| rank(a.get()).cmp(&rank(b.get())));
}

/// `aligns_to` entries of `objective` that will name nothing once it is in TO.
fn unresolved_alignments(
    org: &Org,
    objective: &Objective,
    to: &Period,
    ids_in_to: &BTreeSet<String>,
) -> Vec<String> {
    objective
        .aligns_to
        .iter()
        .filter(|reference| {
            let parsed = Reference::parse(&reference.value);
            match parsed.period {
                Some(p) => org.period(p).is_none_or(|p| !p.overlaps(to)),
                None => {
                    let in_to = ids_in_to.contains(parsed.objective);
                    let containing = org.objectives.iter().any(|o| {
                        o.id.value == parsed.objective
                            && org.period(&o.period.value).is_some_and(|p| p.contains(to))
                    });
                    !in_to && !containing
                }
            }
        })
        .map(|r| r.value.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_go_beside_the_original_in_the_new_period_s_folder() {
        assert_eq!(
            target_path("okrs/2026-Q3/platform/fast-api.md", "2026-Q3", "2026-Q4"),
            "okrs/2026-Q4/platform/fast-api.md"
        );
        assert_eq!(
            target_path("okrs/platform/fast-api.md", "2026-Q3", "2026-Q4"),
            "okrs/2026-Q4/platform/fast-api.md"
        );
    }
}
