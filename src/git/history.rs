//! Every objective's change history, read from git: who created it, changed a
//! target, added or dropped a key result, re-aligned it, and when.
//!
//! The history is the mainline's: the first-parent chain of `HEAD`, each
//! commit compared with its first parent, so every entry is a change that
//! landed. What a merge commit brought in is credited to the commit on the
//! merged branch that last changed that file, not to the merge. Only commits
//! that touched `okrs/` are looked at. Each version of a changed objective
//! file is parsed with the same parser as the working tree, once per blob id,
//! and the parsed models are compared, not the text: reformatting a file, or
//! moving it to another folder, is no change. An objective is known by its
//! period and id, so a moved file keeps its history. Dates come from the
//! commits (the author's date), never from the clock.

use crate::load::{Stored, StoredKind};
use crate::model::{Measure, Objective, Org};
use crate::parse;
use crate::source::{FileId, FileKind, SourceFile};
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

// ---------------------------------------------------------------------------
// What an objective is, for comparing versions
// ---------------------------------------------------------------------------

/// Who owns an objective, as written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum OwnerRef {
    Company,
    Team(String),
    Person(String),
}

impl fmt::Display for OwnerRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OwnerRef::Company => f.write_str("company"),
            OwnerRef::Team(id) => write!(f, "team {id}"),
            OwnerRef::Person(id) => write!(f, "person {id}"),
        }
    }
}

/// One version of an objective without places in the file: what two versions
/// are compared by. The Markdown body is kept as a hash of its normalised text.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The `id` key when written; otherwise the file stem is the id.
    pub explicit_id: Option<String>,
    pub title: String,
    pub period: String,
    pub owner: OwnerRef,
    /// Sorted: the order of `aligns_to` entries means nothing.
    pub aligns_to: Vec<String>,
    pub contributors: Vec<String>,
    pub tags: Vec<String>,
    pub body: u64,
    pub key_results: Vec<KeyResultSnapshot>,
    pub initiatives: Vec<InitiativeSnapshot>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyResultSnapshot {
    pub id: String,
    pub id_explicit: bool,
    pub title: String,
    pub start: Option<f64>,
    pub target: Option<f64>,
    pub done: Option<bool>,
    pub current: Option<f64>,
    pub unit: Option<String>,
    pub due: Option<NaiveDate>,
    pub weight: Option<f64>,
    pub confidence: Option<f64>,
    pub checkins: Vec<CheckinSnapshot>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckinSnapshot {
    pub date: NaiveDate,
    pub value: f64,
    pub confidence: Option<f64>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InitiativeSnapshot {
    pub title: String,
    pub key_result: Option<String>,
    pub status: Option<String>,
}

fn sorted(values: impl Iterator<Item = String>) -> Vec<String> {
    let set: BTreeSet<String> = values.collect();
    set.into_iter().collect()
}

/// A hash of the body that ignores line endings and trailing blanks, which
/// editors change without anyone meaning to.
fn body_hash(body: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // Fixed keys: the same text hashes the same in every run.
    let mut hasher = std::hash::DefaultHasher::new();
    for line in body.trim().lines() {
        line.trim_end().hash(&mut hasher);
    }
    hasher.finish()
}

impl Snapshot {
    pub fn of(o: &Objective) -> Snapshot {
        let owner = match (&o.team, &o.person) {
            (Some(team), None) => OwnerRef::Team(team.value.clone()),
            (None, Some(person)) => OwnerRef::Person(person.value.clone()),
            (None, None) => OwnerRef::Company,
            // Both given is an error the checker reports; the team is shown.
            (Some(team), Some(_)) => OwnerRef::Team(team.value.clone()),
        };
        Snapshot {
            explicit_id: o.id_explicit.then(|| o.id.value.clone()),
            title: o.title.value.clone(),
            period: o.period.value.clone(),
            owner,
            aligns_to: sorted(o.aligns_to.iter().map(|a| a.value.clone())),
            contributors: sorted(o.contributors.iter().map(|c| c.value.clone())),
            tags: sorted(o.tags.iter().cloned()),
            body: body_hash(&o.body),
            key_results: o
                .key_results
                .iter()
                .map(|kr| {
                    let (start, target, done) = match &kr.measure {
                        Measure::Metric { start, target } => {
                            (Some(start.value), Some(target.value), None)
                        }
                        Measure::Milestone { done } => (None, None, Some(done.value)),
                        Measure::Missing { start } => (start.as_ref().map(|s| s.value), None, None),
                    };
                    KeyResultSnapshot {
                        id: kr.id.value.clone(),
                        id_explicit: kr.id_explicit,
                        title: kr.title.value.clone(),
                        start,
                        target,
                        done,
                        current: kr.current.as_ref().map(|c| c.value),
                        unit: kr.unit.clone(),
                        due: kr.due.as_ref().map(|d| d.value),
                        weight: kr.weight.as_ref().map(|w| w.value),
                        confidence: kr.confidence.as_ref().map(|c| c.value),
                        checkins: kr
                            .checkins
                            .iter()
                            .map(|c| CheckinSnapshot {
                                date: c.date.value,
                                value: c.value.value,
                                confidence: c.confidence.as_ref().map(|c| c.value),
                                note: c.note.clone(),
                            })
                            .collect(),
                    }
                })
                .collect(),
            initiatives: o
                .initiatives
                .iter()
                .map(|i| InitiativeSnapshot {
                    title: i.title.value.clone(),
                    key_result: i.key_result.as_ref().map(|k| k.value.clone()),
                    status: i.status.as_ref().map(|s| s.value.clone()),
                })
                .collect(),
        }
    }

    /// Parses one version of an objective file; `None` when its front matter is broken.
    pub fn parse(path: &str, bytes: &[u8]) -> Option<Snapshot> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).ok()?;
        let file = SourceFile::new(path, FileKind::Objective, text.to_string());
        parse::parse_objective(&file, FileId(0))
            .entity
            .map(|o| Snapshot::of(&o))
    }

    /// The objective's id in a file at `path`: the `id` key, else the file stem.
    pub fn id_at<'a>(&'a self, path: &'a str) -> &'a str {
        self.explicit_id.as_deref().unwrap_or_else(|| stem(path))
    }
}

fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name)
}

// ---------------------------------------------------------------------------
// Changes between two versions
// ---------------------------------------------------------------------------

/// A value before or after a change.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

impl Value {
    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

/// One semantic change to an objective. Serialised (for `okr diff --format
/// json`) with a `kind` naming the variant.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    Created,
    Removed,
    /// `title`, `period`, `owner`, `aligns_to`, `contributors` or `tags`.
    Changed {
        field: &'static str,
        from: Option<Value>,
        to: Option<Value>,
    },
    DescriptionEdited,
    KeyResultAdded {
        key_result: String,
        title: String,
    },
    KeyResultRemoved {
        key_result: String,
        title: String,
    },
    /// `title`, `start`, `target`, `done`, `current`, `unit`, `due`, `weight` or `confidence`.
    KeyResultChanged {
        key_result: String,
        title: String,
        field: &'static str,
        from: Option<Value>,
        to: Option<Value>,
        /// For `target`: whether it moved towards the start, asking for less.
        #[serde(skip_serializing_if = "Option::is_none")]
        lowered: Option<bool>,
    },
    CheckIns {
        key_result: String,
        title: String,
        added: usize,
        removed: usize,
        edited: usize,
    },
    InitiativeAdded {
        title: String,
    },
    InitiativeRemoved {
        title: String,
    },
    /// `key_result` or `status`.
    InitiativeChanged {
        title: String,
        field: &'static str,
        from: Option<Value>,
        to: Option<Value>,
    },
}

impl Change {
    /// The stable name of the change's variant, as `kind` in JSON and a CSS class.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Created => "created",
            Change::Removed => "removed",
            Change::Changed { .. } => "changed",
            Change::DescriptionEdited => "description-edited",
            Change::KeyResultAdded { .. } => "key-result-added",
            Change::KeyResultRemoved { .. } => "key-result-removed",
            Change::KeyResultChanged { .. } => "key-result-changed",
            Change::CheckIns { .. } => "check-ins",
            Change::InitiativeAdded { .. } => "initiative-added",
            Change::InitiativeRemoved { .. } => "initiative-removed",
            Change::InitiativeChanged { .. } => "initiative-changed",
        }
    }

    /// The change is a target moved towards its start value.
    pub fn is_lowered_target(&self) -> bool {
        matches!(
            self,
            Change::KeyResultChanged {
                lowered: Some(true),
                ..
            }
        )
    }
}

/// How numbers are written in change descriptions: exact, thousands grouped.
pub fn exact_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return crate::charts::decimal(v, true);
    }
    let plain = format!("{v}");
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let grouped = match int.parse::<f64>() {
        Ok(i) if i.abs() < 1e15 => crate::charts::decimal(i, true),
        _ => int.to_string(),
    };
    // `-0.5` has an integer part of `-0`, which the grouping turns into `0`.
    let sign = if int.starts_with('-') && !grouped.starts_with('-') {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{frac}")
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => f.write_str(&exact_number(*n)),
            Value::Bool(b) => f.write_str(if *b { "yes" } else { "no" }),
            Value::Text(t) => f.write_str(t),
            Value::List(items) if items.is_empty() => f.write_str("none"),
            Value::List(items) => f.write_str(&items.join(", ")),
        }
    }
}

fn shown(value: &Option<Value>) -> String {
    match value {
        None => "none".to_string(),
        Some(Value::Text(t)) => format!("“{t}”"),
        Some(v) => v.to_string(),
    }
}

fn counted(n: usize, verb: &str) -> Option<String> {
    (n > 0).then(|| format!("{n} {verb}"))
}

/// One line of plain text saying what changed, e.g.
/// `target of “Revenue”: 100,000 → 80,000`.
pub fn describe(change: &Change) -> String {
    match change {
        Change::Created => "created".to_string(),
        Change::Removed => "removed".to_string(),
        Change::Changed {
            field: "aligns_to",
            from,
            to,
        } => format!("alignment: {} → {}", plain(from), plain(to)),
        Change::Changed {
            field: field @ ("owner" | "period" | "contributors" | "tags"),
            from,
            to,
        } => format!("{field}: {} → {}", plain(from), plain(to)),
        Change::Changed { field, from, to } => {
            format!("{field}: {} → {}", shown(from), shown(to))
        }
        Change::DescriptionEdited => "description edited".to_string(),
        Change::KeyResultAdded { title, .. } => format!("key result added: “{title}”"),
        Change::KeyResultRemoved { title, .. } => format!("key result removed: “{title}”"),
        Change::KeyResultChanged {
            field: "title",
            from,
            to,
            ..
        } => format!("key result renamed: {} → {}", shown(from), shown(to)),
        Change::KeyResultChanged {
            title,
            field,
            from,
            to,
            ..
        } => format!("{field} of “{title}”: {} → {}", plain(from), plain(to)),
        Change::CheckIns {
            title,
            added,
            removed,
            edited,
            ..
        } => {
            let total = added + removed + edited;
            let parts: Vec<String> = [
                counted(*added, "added"),
                counted(*edited, "edited"),
                counted(*removed, "removed"),
            ]
            .into_iter()
            .flatten()
            .collect();
            let noun = if total == 1 { "check-in" } else { "check-ins" };
            if parts.len() == 1 {
                // "2 check-ins added to “Revenue”"
                let (n, verb) = parts[0].split_once(' ').unwrap_or(("", ""));
                let preposition = match verb {
                    "added" => "to",
                    "removed" => "from",
                    _ => "of",
                };
                format!("{n} {noun} {verb} {preposition} “{title}”")
            } else {
                format!("check-ins of “{title}”: {}", parts.join(", "))
            }
        }
        Change::InitiativeAdded { title } => format!("initiative added: “{title}”"),
        Change::InitiativeRemoved { title } => format!("initiative removed: “{title}”"),
        Change::InitiativeChanged {
            title,
            field,
            from,
            to,
        } => format!(
            "{} of initiative “{title}”: {} → {}",
            field.replace('_', " "),
            plain(from),
            plain(to)
        ),
    }
}

fn plain(value: &Option<Value>) -> String {
    value.as_ref().map_or("none".to_string(), Value::to_string)
}

fn number(v: Option<f64>) -> Option<Value> {
    v.map(Value::Number)
}

fn text(v: Option<&str>) -> Option<Value> {
    v.map(Value::text)
}

fn list(v: &[String]) -> Option<Value> {
    Some(Value::List(v.to_vec()))
}

/// What changed from `old` to `new`, in a fixed order: the objective's own
/// fields, then each key result, then initiatives.
pub fn compare(old: &Snapshot, new: &Snapshot) -> Vec<Change> {
    let mut out = Vec::new();
    let mut field = |field: &'static str, from: Option<Value>, to: Option<Value>| {
        if from != to {
            out.push(Change::Changed { field, from, to });
        }
    };
    field(
        "title",
        Some(Value::text(&old.title)),
        Some(Value::text(&new.title)),
    );
    field(
        "period",
        Some(Value::text(&old.period)),
        Some(Value::text(&new.period)),
    );
    field(
        "owner",
        Some(Value::Text(old.owner.to_string())),
        Some(Value::Text(new.owner.to_string())),
    );
    field("aligns_to", list(&old.aligns_to), list(&new.aligns_to));
    field(
        "contributors",
        list(&old.contributors),
        list(&new.contributors),
    );
    field("tags", list(&old.tags), list(&new.tags));
    if old.body != new.body {
        out.push(Change::DescriptionEdited);
    }
    compare_key_results(&old.key_results, &new.key_results, &mut out);
    compare_initiatives(&old.initiatives, &new.initiatives, &mut out);
    out
}

/// Pairs old and new key results: by an id written in both, then by title,
/// then by position id (`kr1`, …), so that removing an unnamed key result from
/// the middle does not read as every later one being renamed.
fn pair_key_results(
    old: &[KeyResultSnapshot],
    new: &[KeyResultSnapshot],
) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let mut old_free = vec![true; old.len()];
    let mut new_free = vec![true; new.len()];
    let mut pairs = Vec::new();
    type Same = dyn Fn(&KeyResultSnapshot, &KeyResultSnapshot) -> bool;
    let passes: [&Same; 3] = [
        &|a, b| a.id_explicit && b.id_explicit && a.id == b.id,
        &|a, b| !a.id_explicit && !b.id_explicit && a.title == b.title,
        &|a, b| a.id == b.id,
    ];
    for matches in passes {
        for (n, new_kr) in new.iter().enumerate() {
            if !new_free[n] {
                continue;
            }
            if let Some(o) = (0..old.len()).find(|&o| old_free[o] && matches(&old[o], new_kr)) {
                old_free[o] = false;
                new_free[n] = false;
                pairs.push((o, n));
            }
        }
    }
    pairs.sort_by_key(|&(_, n)| n);
    let removed = (0..old.len()).filter(|&o| old_free[o]).collect();
    let added = (0..new.len()).filter(|&n| new_free[n]).collect();
    (pairs, removed, added)
}

fn compare_key_results(
    old: &[KeyResultSnapshot],
    new: &[KeyResultSnapshot],
    out: &mut Vec<Change>,
) {
    let (pairs, removed, added) = pair_key_results(old, new);
    for o in removed {
        out.push(Change::KeyResultRemoved {
            key_result: old[o].id.clone(),
            title: old[o].title.clone(),
        });
    }
    for n in added {
        out.push(Change::KeyResultAdded {
            key_result: new[n].id.clone(),
            title: new[n].title.clone(),
        });
    }
    for (o, n) in pairs {
        let (a, b) = (&old[o], &new[n]);
        let mut field = |field: &'static str, from: Option<Value>, to: Option<Value>| {
            if from != to {
                let lowered = (field == "target").then(|| {
                    let start = b.start.unwrap_or(0.0);
                    match (a.target, b.target) {
                        (Some(was), Some(now)) => (now - start).abs() < (was - start).abs(),
                        _ => false,
                    }
                });
                out.push(Change::KeyResultChanged {
                    key_result: b.id.clone(),
                    title: b.title.clone(),
                    field,
                    from,
                    to,
                    lowered,
                });
            }
        };
        field("title", text(Some(&a.title)), text(Some(&b.title)));
        field("start", number(a.start), number(b.start));
        field("target", number(a.target), number(b.target));
        field("done", a.done.map(Value::Bool), b.done.map(Value::Bool));
        field("current", number(a.current), number(b.current));
        field("unit", text(a.unit.as_deref()), text(b.unit.as_deref()));
        let date = |d: Option<NaiveDate>| d.map(|d| Value::Text(d.to_string()));
        field("due", date(a.due), date(b.due));
        field("weight", number(a.weight), number(b.weight));
        field("confidence", number(a.confidence), number(b.confidence));
        let (added, removed, edited) = compare_checkins(&a.checkins, &b.checkins);
        if added + removed + edited > 0 {
            out.push(Change::CheckIns {
                key_result: b.id.clone(),
                title: b.title.clone(),
                added,
                removed,
                edited,
            });
        }
    }
}

/// Check-ins are matched by date (the n-th of a date with the n-th): those
/// without a partner were added or removed, partners that differ were edited.
fn compare_checkins(old: &[CheckinSnapshot], new: &[CheckinSnapshot]) -> (usize, usize, usize) {
    let mut by_date: BTreeMap<NaiveDate, (Vec<&CheckinSnapshot>, Vec<&CheckinSnapshot>)> =
        BTreeMap::new();
    for c in old {
        by_date.entry(c.date).or_default().0.push(c);
    }
    for c in new {
        by_date.entry(c.date).or_default().1.push(c);
    }
    let (mut added, mut removed, mut edited) = (0, 0, 0);
    for (was, now) in by_date.values() {
        added += now.len().saturating_sub(was.len());
        removed += was.len().saturating_sub(now.len());
        edited += was.iter().zip(now).filter(|(a, b)| a != b).count();
    }
    (added, removed, edited)
}

fn compare_initiatives(
    old: &[InitiativeSnapshot],
    new: &[InitiativeSnapshot],
    out: &mut Vec<Change>,
) {
    let mut old_free = vec![true; old.len()];
    let mut pairs = Vec::new();
    let mut added = Vec::new();
    for n in new {
        match (0..old.len()).find(|&o| old_free[o] && old[o].title == n.title) {
            Some(o) => {
                old_free[o] = false;
                pairs.push((&old[o], n));
            }
            None => added.push(n),
        }
    }
    for (o, i) in old.iter().enumerate() {
        if old_free[o] {
            out.push(Change::InitiativeRemoved {
                title: i.title.clone(),
            });
        }
    }
    for i in added {
        out.push(Change::InitiativeAdded {
            title: i.title.clone(),
        });
    }
    for (a, b) in pairs {
        for (field, from, to) in [
            ("key_result", &a.key_result, &b.key_result),
            ("status", &a.status, &b.status),
        ] {
            if from != to {
                out.push(Change::InitiativeChanged {
                    title: b.title.clone(),
                    field,
                    from: text(from.as_deref()),
                    to: text(to.as_deref()),
                });
            }
        }
    }
}

/// An objective's identity across versions: its period and id.
pub type Key = (String, String);

/// One objective's changes between two sets of versions.
#[derive(Clone, Debug, PartialEq)]
pub struct Compared {
    /// The newer key, or the older one for a removal.
    pub key: Key,
    /// Indices into the older and the newer set: `None` for the side it is missing from.
    pub old: Option<usize>,
    pub new: Option<usize>,
    pub changes: Vec<Change>,
}

/// The changes between two sets of objectives, each `(path, snapshot)`:
/// objectives are paired by period and id (a moved file is the same
/// objective); an id whose period changed in the same file is the same
/// objective too. Unchanged objectives are left out; the rest are sorted by key.
pub fn compare_sets(old: &[(&str, &Snapshot)], new: &[(&str, &Snapshot)]) -> Vec<Compared> {
    let key = |(path, s): &(&str, &Snapshot)| (s.period.clone(), s.id_at(path).to_string());
    let index = |set: &[(&str, &Snapshot)]| {
        let mut by_key: BTreeMap<Key, usize> = BTreeMap::new();
        for (i, entry) in set.iter().enumerate() {
            by_key.entry(key(entry)).or_insert(i);
        }
        by_key
    };
    let (old_by_key, new_by_key) = (index(old), index(new));
    // The same file and id under another period: a period edit, not a new objective.
    let gone: BTreeMap<(&str, &str), &Key> = old_by_key
        .iter()
        .filter(|(k, _)| !new_by_key.contains_key(*k))
        .map(|(k, &i)| ((k.1.as_str(), old[i].0), k))
        .collect();
    let mut renamed: BTreeMap<&Key, &Key> = BTreeMap::new();
    for (new_key, &i) in &new_by_key {
        if !old_by_key.contains_key(new_key)
            && let Some(old_key) = gone.get(&(new_key.1.as_str(), new[i].0))
        {
            renamed.insert(new_key, old_key);
        }
    }
    let renamed_from: BTreeSet<&Key> = renamed.values().copied().collect();
    let mut out = Vec::new();
    for (k, &i) in &old_by_key {
        if !new_by_key.contains_key(k) && !renamed_from.contains(k) {
            out.push(Compared {
                key: k.clone(),
                old: Some(i),
                new: None,
                changes: vec![Change::Removed],
            });
        }
    }
    for (k, &n) in &new_by_key {
        let before = old_by_key
            .get(k)
            .or_else(|| renamed.get(k).and_then(|o| old_by_key.get(*o)));
        let changes = match before {
            Some(&o) => compare(old[o].1, new[n].1),
            None => vec![Change::Created],
        };
        if !changes.is_empty() {
            out.push(Compared {
                key: k.clone(),
                old: before.copied(),
                new: Some(n),
                changes,
            });
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

// ---------------------------------------------------------------------------
// The history read from git
// ---------------------------------------------------------------------------

/// A commit that changed objectives.
#[derive(Clone, Debug, PartialEq)]
pub struct Commit {
    pub id: String,
    /// The first 7 hex digits, as `git log --oneline` shows.
    pub short: String,
    pub author: String,
    /// The author's date, in the author's time zone.
    pub date: NaiveDate,
    /// The first line of the commit message.
    pub summary: String,
}

/// What one commit changed in one objective.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Index into [`History::commits`].
    pub commit: usize,
    pub changes: Vec<Change>,
}

/// One objective's history, oldest entry first.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The title and owner in the latest version seen (a removed objective keeps its last).
    pub title: String,
    pub owner: OwnerRef,
    pub entries: Vec<Entry>,
}

/// How much of the history could be read.
#[derive(Clone, Debug, PartialEq)]
pub enum Extent {
    /// From the first commit on.
    Complete,
    /// A shallow clone: changes before the oldest commit present are unknown.
    Shallow { since: NaiveDate },
    /// `okr build --no-history`.
    Disabled,
    /// Not read, and why (not a git repository, no commits, unreadable).
    Unavailable(String),
}

/// An object the history needed and the repository lacks or cannot read:
/// the history has a gap there, rather than a change credited to the wrong
/// commit.
#[derive(Clone, Debug, PartialEq)]
pub enum Missing {
    /// A commit of the mainline (short ids): the history starts after it.
    Commit {
        id: String,
        child: String,
        since: NaiveDate,
    },
    /// A version of an objective file, from the commit (short id) that made it.
    Version { path: String, commit: String },
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::Commit { id, child, since } => write!(
                f,
                "commit {id}, the parent of {child}, so the history starts at {since}"
            ),
            Missing::Version { path, commit } => {
                write!(f, "the version of {path} from commit {commit}")
            }
        }
    }
}

/// The objects named in a note; the rest are counted.
const MISSING_NAMED: usize = 3;

#[derive(Clone, Debug, PartialEq)]
pub struct History {
    /// Commits with entries, oldest first.
    pub commits: Vec<Commit>,
    pub objectives: BTreeMap<Key, Record>,
    pub extent: Extent,
    /// Gaps within the extent, oldest first.
    pub missing: Vec<Missing>,
}

impl History {
    pub fn disabled() -> History {
        History::empty(Extent::Disabled)
    }

    pub fn unavailable(reason: impl Into<String>) -> History {
        History::empty(Extent::Unavailable(reason.into()))
    }

    fn empty(extent: Extent) -> History {
        History {
            commits: Vec::new(),
            objectives: BTreeMap::new(),
            extent,
            missing: Vec::new(),
        }
    }

    /// Why the history is missing, partial or incomplete, in one line for
    /// saying once; `None` when it is complete or was turned off.
    pub fn note(&self) -> Option<String> {
        let extent = match &self.extent {
            Extent::Complete | Extent::Disabled => None,
            Extent::Shallow { since } => Some(format!(
                "change history is partial: the clone is shallow, so it starts at {since} \
                 (fetch the whole history, e.g. `fetch-depth: 0` in actions/checkout)"
            )),
            Extent::Unavailable(reason) => Some(format!("no change history: {reason}")),
        };
        let notes: Vec<String> = extent.into_iter().chain(self.missing_note()).collect();
        (!notes.is_empty()).then(|| crate::load::one_line(&notes.join("; ")))
    }

    /// The gaps in the history, the first few named.
    fn missing_note(&self) -> Option<String> {
        let (named, more) = match self.missing.len() {
            0 => return None,
            n if n > MISSING_NAMED => (MISSING_NAMED, n - MISSING_NAMED),
            n => (n, 0),
        };
        let mut lacks: Vec<String> = self.missing[..named]
            .iter()
            .map(|m| m.to_string())
            .collect();
        if more > 0 {
            lacks.push(format!("{more} more"));
        }
        let what = if self.missing.len() == 1 {
            "that"
        } else {
            "those"
        };
        Some(format!(
            "change history is incomplete: the repository lacks {}; what {what} changed is not shown \
             (`git fsck` lists what is missing; a fresh clone restores it)",
            lacks.join("; ")
        ))
    }

    pub fn record(&self, period: &str, id: &str) -> Option<&Record> {
        self.objectives.get(&(period.to_string(), id.to_string()))
    }
}

/// The first 7 hex digits of a commit id, as `git log --oneline` shows.
fn short_id(id: gix::ObjectId) -> String {
    id.to_hex_with_len(7).to_string()
}

/// Why git could not be read.
#[derive(Debug)]
pub enum HistoryError {
    /// The folder is not inside a git work tree.
    NotARepository(PathBuf),
    /// A revision that names nothing, e.g. a typo in a branch name.
    UnknownRevision(String),
    /// Anything else the git library reported.
    Git(String),
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryError::NotARepository(dir) => {
                write!(f, "{} is not in a git repository", dir.display())
            }
            HistoryError::UnknownRevision(rev) => write!(
                f,
                "`{rev}` is not a revision of the repository (a branch, tag or commit id; fetch it first if it is remote)"
            ),
            HistoryError::Git(e) => write!(f, "cannot read the git repository: {e}"),
        }
    }
}

impl std::error::Error for HistoryError {}

fn git(e: impl fmt::Display) -> HistoryError {
    HistoryError::Git(e.to_string())
}

/// A file that differs between two trees: its path below them, the old blob
/// and the new one (`None`: not there).
type BlobChange = (String, Option<gix::ObjectId>, Option<gix::ObjectId>);

/// Bytes of decoded objects each handle keeps: a commit's new `okrs/` trees
/// are the next commit's old ones.
const OBJECT_CACHE: usize = 4 * 1024 * 1024;

/// A git repository and where the OKR repository sits in it.
pub struct Repo {
    repo: gix::Repository,
    /// The OKR root relative to the work tree, `""` or ending in `/`.
    prefix: String,
}

impl Repo {
    /// The repository whose work tree holds `dir`.
    pub fn open(dir: &Path) -> Result<Repo, HistoryError> {
        let not_a_repository = || HistoryError::NotARepository(dir.to_path_buf());
        let absolute = dir.canonicalize().map_err(|_| not_a_repository())?;
        let mut repo = gix::discover(&absolute).map_err(|_| not_a_repository())?;
        let workdir = repo
            .workdir()
            .ok_or_else(not_a_repository)?
            .canonicalize()
            .map_err(|_| not_a_repository())?;
        let relative = absolute
            .strip_prefix(&workdir)
            .map_err(|_| not_a_repository())?;
        let mut prefix = String::new();
        for part in relative.components() {
            prefix.push_str(&part.as_os_str().to_string_lossy());
            prefix.push('/');
        }
        repo.object_cache_size_if_unset(OBJECT_CACHE);
        Ok(Repo { repo, prefix })
    }

    /// A handle of this thread on a repository opened by another.
    fn local(shared: &gix::ThreadSafeRepository, prefix: &str, object_cache: usize) -> Repo {
        let mut repo = shared.to_thread_local();
        repo.object_cache_size(object_cache);
        Repo {
            repo,
            prefix: prefix.to_string(),
        }
    }

    /// The commit a revision (branch, tag, `HEAD~2`, commit id) names.
    pub fn resolve(&self, rev: &str) -> Result<gix::ObjectId, HistoryError> {
        let id = self
            .repo
            .rev_parse_single(rev)
            .map_err(|_| HistoryError::UnknownRevision(rev.to_string()))?;
        let object = id
            .object()
            .map_err(|_| HistoryError::UnknownRevision(rev.to_string()))?;
        let commit = object
            .peel_to_commit()
            .map_err(|_| HistoryError::UnknownRevision(rev.to_string()))?;
        Ok(commit.id)
    }

    /// The subtree at `folder` (relative to the OKR root) in a commit, if there is one.
    fn subtree(
        &self,
        commit: gix::ObjectId,
        folder: &str,
    ) -> Result<Option<gix::ObjectId>, HistoryError> {
        let commit = self.repo.find_commit(commit).map_err(git)?;
        let tree_id = commit.tree_id().map_err(git)?.detach();
        let path = format!("{}{folder}", self.prefix);
        let path = path.trim_end_matches('/');
        if path.is_empty() {
            return Ok(Some(tree_id));
        }
        let tree = self.repo.find_tree(tree_id).map_err(git)?;
        let entry = tree.lookup_entry_by_path(path).map_err(git)?;
        Ok(entry.filter(|e| e.mode().is_tree()).map(|e| e.object_id()))
    }

    /// The blobs that differ between two trees (`None`: empty), as
    /// `(path below the trees, old blob, new blob)`.
    fn changed_blobs(
        &self,
        old: Option<gix::ObjectId>,
        new: Option<gix::ObjectId>,
        state: &mut gix_diff::tree::State,
    ) -> Result<Vec<BlobChange>, HistoryError> {
        use gix_diff::tree::recorder::Change as Recorded;
        let kind = self.repo.object_hash();
        let data = |id: Option<gix::ObjectId>| -> Result<Vec<u8>, HistoryError> {
            match id {
                Some(id) => Ok(self.repo.find_tree(id).map_err(git)?.detach().data),
                None => Ok(Vec::new()),
            }
        };
        let (old_data, new_data) = (data(old)?, data(new)?);
        let mut recorder = gix_diff::tree::Recorder::default();
        gix_diff::tree(
            gix::objs::TreeRefIter::from_bytes(&old_data, kind),
            gix::objs::TreeRefIter::from_bytes(&new_data, kind),
            state,
            &self.repo.objects,
            &mut recorder,
        )
        .map_err(git)?;
        let blob =
            |mode: gix::objs::tree::EntryMode, id: gix::ObjectId| mode.is_blob().then_some(id);
        Ok(recorder
            .records
            .into_iter()
            .filter_map(|change| {
                let (path, old, new) = match change {
                    Recorded::Addition {
                        entry_mode,
                        oid,
                        path,
                        ..
                    } => (path, None, blob(entry_mode, oid)),
                    Recorded::Deletion {
                        entry_mode,
                        oid,
                        path,
                        ..
                    } => (path, blob(entry_mode, oid), None),
                    Recorded::Modification {
                        previous_entry_mode,
                        previous_oid,
                        entry_mode,
                        oid,
                        path,
                    } => (
                        path,
                        blob(previous_entry_mode, previous_oid),
                        blob(entry_mode, oid),
                    ),
                };
                let path = String::from_utf8(path.into()).ok()?;
                (path.ends_with(".md") && (old.is_some() || new.is_some()))
                    .then_some((path, old, new))
            })
            .collect())
    }

    /// The entries of the OKR repository's layout in a commit: `okr.toml`,
    /// and everything in `teams/`, `people/` and `okrs/`, links and folders
    /// included, for [`crate::load::from_bytes`] to judge as it judges files on disk.
    /// Only the Markdown files' contents are read.
    pub fn files_at(&self, commit: gix::ObjectId) -> Result<Vec<Stored>, HistoryError> {
        let mut files = Vec::new();
        let Some(root) = self.subtree(commit, "")? else {
            return Ok(files);
        };
        let tree = self.repo.find_tree(root).map_err(git)?;
        let mut entries: Vec<(Vec<u8>, gix::objs::tree::EntryMode, gix::ObjectId)> = Vec::new();
        for name in ["okr.toml", "teams", "people", "okrs"] {
            let Some(entry) = tree.find_entry(name) else {
                continue;
            };
            entries.push((name.into(), entry.mode(), entry.object_id()));
            if name == "okr.toml" || !entry.mode().is_tree() {
                continue;
            }
            let mut recorder = gix::traverse::tree::Recorder::default();
            let folder = self.repo.find_tree(entry.object_id()).map_err(git)?;
            folder.traverse().breadthfirst(&mut recorder).map_err(git)?;
            for e in recorder.records {
                entries.push(([name.as_bytes(), b"/", &e.filepath].concat(), e.mode, e.oid));
            }
        }
        for (path, mode, id) in entries {
            let what = if mode.is_tree() {
                StoredKind::Folder
            } else if mode.is_link() {
                StoredKind::Link(self.blob(id)?)
            } else if mode.is_blob() && (path == b"okr.toml" || path.ends_with(b".md")) {
                StoredKind::File(self.blob(id)?)
            } else if mode.is_blob() {
                StoredKind::File(Vec::new()) // judged by its name alone
            } else {
                continue; // a submodule
            };
            files.push(Stored { path, what });
        }
        Ok(files)
    }

    /// The blob at `path` (relative to the OKR root) in a commit.
    fn blob_at(
        &self,
        commit: gix::ObjectId,
        path: &str,
    ) -> Result<Option<gix::ObjectId>, HistoryError> {
        let commit = self.repo.find_commit(commit).map_err(git)?;
        let tree = commit.tree().map_err(git)?;
        let entry = tree
            .lookup_entry_by_path(format!("{}{path}", self.prefix))
            .map_err(git)?;
        Ok(entry.map(|e| e.object_id()))
    }

    fn blob(&self, id: gix::ObjectId) -> Result<Vec<u8>, HistoryError> {
        Ok(self.repo.find_blob(id).map_err(git)?.detach().data)
    }

    fn commit_info(&self, id: gix::ObjectId) -> Result<Commit, HistoryError> {
        let commit = self.repo.find_commit(id).map_err(git)?;
        let decoded = commit.decode().map_err(git)?;
        let author = decoded.author().map_err(git)?;
        let time = author.time().map_err(git)?;
        let date = chrono::DateTime::from_timestamp(time.seconds + i64::from(time.offset), 0)
            .map_or(NaiveDate::MIN, |t| t.date_naive());
        let summary = decoded.message().summary().to_string();
        Ok(Commit {
            id: id.to_string(),
            short: short_id(id),
            author: author.name.to_string().trim().to_string(),
            date,
            summary,
        })
    }
}

/// Where the first-parent chain of `HEAD` ends, when not at the first commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cut {
    /// At the first commit: the whole history.
    None,
    /// At a shallow clone's boundary, as `.git/shallow` says.
    Shallow,
    /// Before a parent commit the repository lacks.
    Missing(gix::ObjectId),
}

/// The first-parent chain of `HEAD`, oldest first, and where it ends.
fn mainline(repo: &Repo) -> Result<(Vec<gix::ObjectId>, Cut), HistoryError> {
    let shallow: BTreeSet<gix::ObjectId> = repo
        .repo
        .shallow_commits()
        .map_err(git)?
        .map(|commits| commits.iter().copied().collect())
        .unwrap_or_default();
    let mut chain = Vec::new();
    let mut at = Some(repo.repo.head_id().map_err(git)?.detach());
    let mut cut = Cut::None;
    while let Some(id) = at {
        chain.push(id);
        if shallow.contains(&id) {
            cut = Cut::Shallow;
            break;
        }
        let commit = repo.repo.find_commit(id).map_err(git)?;
        at = commit.parent_ids().next().map(|p| p.detach());
        if let Some(parent) = at
            && repo.repo.find_commit(parent).is_err()
        {
            // Not a shallow clone's edge (that is in `.git/shallow`): a
            // commit lost or unreadable, which the history must name.
            cut = Cut::Missing(parent);
            break;
        }
    }
    chain.reverse();
    Ok((chain, cut))
}

/// Runs `work` over `items` on all cores, in chunks: each chunk with its own
/// handle on the repository (opening one is not free) and tree-diff state.
fn in_parallel<T: Sync, R: Send>(
    shared: &gix::ThreadSafeRepository,
    prefix: &str,
    object_cache: usize,
    items: &[T],
    work: impl Fn(&Repo, &mut gix_diff::tree::State, &T) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(rayon::current_num_threads()).max(1);
    items
        .par_chunks(chunk)
        .flat_map_iter(|chunk| {
            let local = Repo::local(shared, prefix, object_cache);
            let mut state = gix_diff::tree::State::default();
            chunk
                .iter()
                .map(|item| work(&local, &mut state, item))
                .collect::<Vec<R>>()
        })
        .collect()
}

/// For a merge commit, the commit on the merged side that last changed each
/// of `paths` (relative to the OKR root), so that a change is credited to who
/// made it rather than who merged it. Empty for other commits, and where the
/// side cannot be read (a shallow clone): the merge is credited then.
fn side_authors(
    repo: &Repo,
    merge: gix::ObjectId,
    paths: &[&str],
) -> BTreeMap<String, gix::ObjectId> {
    let walk = || -> Result<BTreeMap<String, gix::ObjectId>, HistoryError> {
        let commit = repo.repo.find_commit(merge).map_err(git)?;
        let parents: Vec<gix::ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
        let mut latest: BTreeMap<String, (i64, gix::ObjectId)> = BTreeMap::new();
        let Some((first, merged)) = parents.split_first() else {
            return Ok(BTreeMap::new());
        };
        if merged.is_empty() {
            return Ok(BTreeMap::new());
        }
        let side = repo
            .repo
            .rev_walk(merged.iter().copied())
            .with_hidden([*first])
            .all()
            .map_err(git)?;
        for info in side {
            let id = info.map_err(git)?.id;
            let commit = repo.repo.find_commit(id).map_err(git)?;
            let mut parents = commit.parent_ids();
            let (Some(parent), None) = (parents.next(), parents.next()) else {
                continue; // a merge within the branch: its sides are walked too
            };
            let time = commit.time().map_err(git)?.seconds;
            for path in paths {
                let changed = repo.blob_at(id, path)? != repo.blob_at(parent.detach(), path)?;
                if changed && latest.get(*path).is_none_or(|(t, _)| time > *t) {
                    latest.insert(path.to_string(), (time, id));
                }
            }
        }
        Ok(latest.into_iter().map(|(p, (_, id))| (p, id)).collect())
    };
    walk().unwrap_or_default()
}

/// Reads the history of the objectives of the OKR repository at `dir`.
pub fn read(dir: &Path) -> Result<History, HistoryError> {
    read_with(dir, None)
}

/// Like [`read`], reusing the objectives of the working tree, already parsed:
/// versions in the history with the same content (most objectives of a large
/// organisation never change again once added) are not parsed a second time.
pub fn read_with(dir: &Path, parsed: Option<&Org>) -> Result<History, HistoryError> {
    walk(dir)?.finish(parsed)
}

/// The first half of reading the history, which needs no parsed objectives
/// (so `okr build` runs it while it checks): which files each commit changed.
pub struct Walk {
    repo: Repo,
    chain: Vec<gix::ObjectId>,
    cut: Cut,
    /// `(index into chain, files changed)` of each commit that changed any.
    steps: Vec<(usize, Vec<BlobChange>)>,
    /// Versions parsed already: those `HEAD` no longer has (the working
    /// tree's are the check's to parse).
    parsed: Versions,
    /// Why there is no history to read, e.g. no commits yet.
    empty: Option<&'static str>,
}

/// One version of an objective file, as read from git.
#[derive(Clone)]
enum Version {
    Parsed(Arc<Snapshot>),
    /// Its front matter is broken: the last version that parsed stands.
    Broken,
    /// Git lacks it, or cannot read it: what it changed is unknown.
    Missing,
}

/// Versions of objective files by blob id.
type Versions = HashMap<gix::ObjectId, Version>;

/// Parses the blobs `wanted` (`(id, path below okrs/)`), on all cores.
fn parse_versions(repo: &Repo, wanted: &[(gix::ObjectId, &str)]) -> Versions {
    let shared = repo.repo.clone().into_sync();
    // Each blob is read once: caching decoded objects would only cost copies.
    let versions = in_parallel(&shared, &repo.prefix, 0, wanted, |local, _, (id, path)| {
        let Ok(blob) = local.repo.find_blob(*id) else {
            return Version::Missing;
        };
        match Snapshot::parse(&format!("okrs/{path}"), &blob.data) {
            Some(snapshot) => Version::Parsed(Arc::new(snapshot)),
            None => Version::Broken,
        }
    });
    wanted.iter().map(|(id, _)| *id).zip(versions).collect()
}

/// Walks the mainline of the repository holding `dir` and diffs its trees.
pub fn walk(dir: &Path) -> Result<Walk, HistoryError> {
    let repo = Repo::open(dir)?;
    if repo.repo.head_id().is_err() {
        return Ok(Walk {
            repo,
            chain: Vec::new(),
            cut: Cut::None,
            steps: Vec::new(),
            parsed: Versions::new(),
            empty: Some("the repository has no commits yet"),
        });
    }
    let (chain, cut) = mainline(&repo)?;
    let trees: Vec<Option<gix::ObjectId>> = chain
        .iter()
        .map(|&c| repo.subtree(c, "okrs"))
        .collect::<Result<_, _>>()?;

    // The file changes of each commit that touched okrs/, oldest first. The
    // oldest commit of a cut chain (a shallow clone's) is where the history
    // starts: its files are the base, not changes. Steps are independent: on
    // all cores.
    let touched: Vec<usize> = (0..chain.len())
        .filter(|&i| i == 0 || trees[i - 1] != trees[i])
        .collect();
    let shared = repo.repo.clone().into_sync();
    let diffs = in_parallel(
        &shared,
        &repo.prefix,
        OBJECT_CACHE,
        &touched,
        |local, state, &i| {
            let before = if i == 0 { None } else { trees[i - 1] };
            local.changed_blobs(before, trees[i], state)
        },
    );
    let mut steps: Vec<(usize, Vec<BlobChange>)> = Vec::new();
    for (&i, changed) in touched.iter().zip(diffs) {
        let changed = changed?;
        if !changed.is_empty() {
            steps.push((i, changed));
        }
    }
    // Versions the last commit no longer has are parsed now, while the check
    // parses the working tree (which holds the last commit's, mostly).
    let mut last: HashMap<&str, gix::ObjectId> = HashMap::new();
    for (_, changed) in &steps {
        for (path, _, new) in changed {
            match new {
                Some(id) => last.insert(path.as_str(), *id),
                None => last.remove(path.as_str()),
            };
        }
    }
    let kept: BTreeSet<gix::ObjectId> = last.into_values().collect();
    let mut seen: BTreeSet<gix::ObjectId> = BTreeSet::new();
    let gone: Vec<(gix::ObjectId, &str)> = steps
        .iter()
        .flat_map(|(_, changed)| changed.iter())
        .filter_map(|(path, _, new)| Some(((*new)?, path.as_str())))
        .filter(|(id, _)| !kept.contains(id) && seen.insert(*id))
        .collect();
    let parsed = parse_versions(&repo, &gone);
    Ok(Walk {
        repo,
        chain,
        cut,
        steps,
        parsed,
        empty: None,
    })
}

impl Walk {
    /// Parses the versions the walk found and compares them, commit by commit.
    pub fn finish(self, parsed: Option<&Org>) -> Result<History, HistoryError> {
        let Walk {
            repo,
            chain,
            cut,
            steps,
            parsed: early,
            empty,
        } = self;
        if let Some(reason) = empty {
            return Ok(History::unavailable(reason));
        }
        replay(&repo, &chain, cut, steps, early, parsed)
    }
}

fn replay(
    repo: &Repo,
    chain: &[gix::ObjectId],
    cut: Cut,
    steps: Vec<(usize, Vec<BlobChange>)>,
    early: Versions,
    parsed: Option<&Org>,
) -> Result<History, HistoryError> {
    // Parse every version once, on all cores, keyed by blob id.
    let kind = repo.repo.object_hash();
    let known: Vec<(gix::ObjectId, Arc<Snapshot>)> = parsed.map_or_else(Vec::new, |org| {
        org.objectives
            .par_iter()
            .filter_map(|o| {
                // A blob's id is the hash of its content: equal ids, equal text.
                let text = &org.file(o.file).text;
                let id =
                    gix::objs::compute_hash(kind, gix::objs::Kind::Blob, text.as_bytes()).ok()?;
                Some((id, Arc::new(Snapshot::of(o))))
            })
            .collect()
    });
    let mut cache: Versions = (known.into_iter())
        .map(|(id, s)| (id, Version::Parsed(s)))
        .collect();
    cache.extend(early);
    let mut seen: BTreeSet<gix::ObjectId> = BTreeSet::new();
    let wanted: Vec<(gix::ObjectId, &str)> = steps
        .iter()
        .flat_map(|(_, changed)| changed.iter())
        .filter_map(|(path, _, new)| Some(((*new)?, path.as_str())))
        .filter(|(id, _)| !cache.contains_key(id) && seen.insert(*id))
        .collect();
    let versions = parse_versions(repo, &wanted);
    cache.extend(versions);

    // Replay the changes in order.
    let mut current: BTreeMap<String, Known> = BTreeMap::new();
    let mut history = History::empty(Extent::Complete);
    let start = usize::from(cut != Cut::None);
    for (i, changed) in steps {
        let sides = apply(
            &mut current,
            changed,
            &cache,
            chain[i],
            &mut history.missing,
        );
        if i < start {
            continue; // the base of a cut chain: known, not changed
        }
        let old: Vec<(&str, &Snapshot)> = (sides.old.iter())
            .map(|(p, s)| (p.as_str(), &**s))
            .collect();
        let new: Vec<(&str, &Snapshot)> = (sides.new.iter())
            .map(|(p, s)| (p.as_str(), &**s))
            .collect();
        let mut compared = compare_sets(&old, &new);
        if sides.unsure {
            // A file added or removed may be half of a move whose other
            // half is unknown: rather no entry than a wrong one.
            compared.retain(|c| !matches!(c.changes[..], [Change::Created] | [Change::Removed]));
        }
        if compared.is_empty() {
            continue;
        }
        // Where each objective's file is, the newer side first.
        let path = |c: &Compared| {
            c.new
                .map_or_else(|| c.old.map(|o| old[o].0), |n| Some(new[n].0))
        };
        let paths: Vec<&str> = compared.iter().filter_map(path).collect();
        let authors = side_authors(repo, chain[i], &paths);
        // Commits of this step by id, each added to the history once.
        let mut indices: BTreeMap<gix::ObjectId, usize> = BTreeMap::new();
        for c in compared {
            let by = path(&c)
                .and_then(|p| authors.get(p))
                .copied()
                .unwrap_or(chain[i]);
            let commit = match indices.get(&by) {
                Some(&index) => index,
                None => {
                    history.commits.push(repo.commit_info(by)?);
                    indices.insert(by, history.commits.len() - 1);
                    history.commits.len() - 1
                }
            };
            let latest = c.new.map(|n| new[n].1).or_else(|| c.old.map(|o| old[o].1));
            history.add(c.key, commit, c.changes, latest);
        }
    }
    if cut != Cut::None {
        let since = repo.commit_info(chain[0])?.date;
        match cut {
            Cut::Missing(parent) => history.missing.insert(
                0,
                Missing::Commit {
                    id: short_id(parent),
                    child: short_id(chain[0]),
                    since,
                },
            ),
            _ => history.extent = Extent::Shallow { since },
        }
    }
    Ok(history)
}

/// What the replay knows of a file: its last version that parsed, or that
/// since then came a version git lacks, so what it holds now is unknown.
enum Known {
    Version(Arc<Snapshot>),
    Unknown,
}

/// The versions one commit's changed files had before and after it, to
/// compare; `unsure` when a version of them is unknown.
#[derive(Default)]
struct Sides {
    old: Vec<(String, Arc<Snapshot>)>,
    new: Vec<(String, Arc<Snapshot>)>,
    unsure: bool,
}

/// Applies one commit's file changes to `current` and returns what to
/// compare. A file keeps its last version that parsed, so a broken commit in
/// between does not read as a removal and a re-creation; a version git lacks
/// makes the file unknown (and goes to `missing`) until its next version,
/// which is then the file's new start, compared with nothing.
fn apply(
    current: &mut BTreeMap<String, Known>,
    changed: Vec<BlobChange>,
    cache: &Versions,
    commit: gix::ObjectId,
    missing: &mut Vec<Missing>,
) -> Sides {
    let mut sides = Sides::default();
    for (path, _, blob) in changed {
        let path = format!("okrs/{path}");
        let now = match blob.map(|id| cache.get(&id).cloned().unwrap_or(Version::Missing)) {
            Some(Version::Broken) => continue,
            Some(Version::Missing) => {
                missing.push(Missing::Version {
                    path: path.clone(),
                    commit: short_id(commit),
                });
                sides.unsure = true;
                current.insert(path, Known::Unknown);
                continue;
            }
            Some(Version::Parsed(now)) => Some(now),
            None => None,
        };
        let was = match &now {
            Some(now) => current.insert(path.clone(), Known::Version(now.clone())),
            None => current.remove(&path),
        };
        match was {
            // Compared with a version git lacks, what changed is unknown.
            Some(Known::Unknown) => {
                sides.unsure = true;
                continue;
            }
            Some(Known::Version(was)) => sides.old.push((path.clone(), was)),
            None => {}
        }
        if let Some(now) = now {
            sides.new.push((path, now));
        }
    }
    sides
}

impl History {
    /// Adds one commit's changes to an objective, moving its record when its period changed.
    fn add(&mut self, key: Key, commit: usize, changes: Vec<Change>, latest: Option<&Snapshot>) {
        for change in &changes {
            if let Change::Changed {
                field: "period",
                from: Some(Value::Text(from)),
                ..
            } = change
                && let Some(record) = self.objectives.remove(&(from.clone(), key.1.clone()))
            {
                let target = self.objectives.entry(key.clone()).or_insert(Record {
                    title: record.title.clone(),
                    owner: record.owner.clone(),
                    entries: Vec::new(),
                });
                let mut entries = record.entries;
                entries.append(&mut target.entries);
                target.entries = entries;
            }
        }
        let record = self.objectives.entry(key).or_insert_with(|| Record {
            title: String::new(),
            owner: OwnerRef::Company,
            entries: Vec::new(),
        });
        if let Some(s) = latest {
            record.title = s.title.clone();
            record.owner = s.owner.clone();
        }
        record.entries.push(Entry { commit, changes });
    }

    /// Every entry, newest first, with its objective's key.
    pub fn newest_first(&self) -> Vec<(&Key, &Record, &Entry)> {
        let mut all: Vec<(&Key, &Record, &Entry)> = self
            .objectives
            .iter()
            .flat_map(|(k, r)| r.entries.iter().map(move |e| (k, r, e)))
            .collect();
        all.sort_by(|a, b| b.2.commit.cmp(&a.2.commit).then(a.0.cmp(b.0)));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(text: &str) -> Snapshot {
        Snapshot::parse("okrs/2026-Q1/grow.md", text.as_bytes()).expect("parses")
    }

    const BASE: &str = "+++\ntitle = \"Grow\"\nperiod = \"2026-Q1\"\nteam = \"sales\"\naligns_to = \"expand\"\n\n[[key_results]]\ntitle = \"Revenue\"\ntarget = 100_000\n\n[[key_results.checkins]]\ndate = 2026-01-10\nvalue = 5\n+++\nWhy.\n";

    #[test]
    fn reformatting_is_no_change() {
        let reformatted = "+++\nperiod = '2026-Q1'\ntitle = 'Grow'\nteam = 'sales'\naligns_to = ['expand']\n[[key_results]]\ntarget = 100000.0\ntitle = 'Revenue'\nstart = 0\n  [[key_results.checkins]]\n  value = 5\n  date = 2026-01-10\n+++\nWhy.   \r\n\n";
        assert_eq!(compare(&snapshot(BASE), &snapshot(reformatted)), []);
    }

    #[test]
    fn a_lowered_target_is_marked_and_described() {
        let lowered = BASE.replace("target = 100_000", "target = 80_000");
        let changes = compare(&snapshot(BASE), &snapshot(&lowered));
        assert_eq!(changes.len(), 1);
        assert!(changes[0].is_lowered_target());
        assert_eq!(
            describe(&changes[0]),
            "target of “Revenue”: 100,000 → 80,000"
        );
        // A decreasing metric asks for less when its target rises towards the start.
        let churn = |t: &str| BASE.replace("target = 100_000", &format!("start = 5\ntarget = {t}"));
        let changes = compare(&snapshot(&churn("2")), &snapshot(&churn("3")));
        assert!(changes[0].is_lowered_target());
        let changes = compare(&snapshot(&churn("3")), &snapshot(&churn("2")));
        assert!(!changes[0].is_lowered_target());
    }

    #[test]
    fn removing_an_unnamed_key_result_is_one_removal() {
        let two = BASE.replace(
            "+++\nWhy.",
            "[[key_results]]\ntitle = \"Margin\"\ntarget = 3\n+++\nWhy.",
        );
        let three = two.replace(
            "[[key_results]]\ntitle = \"Revenue\"",
            "[[key_results]]\ntitle = \"Leads\"\ntarget = 9\n[[key_results]]\ntitle = \"Revenue\"",
        );
        let changes = compare(&snapshot(&three), &snapshot(&two));
        assert_eq!(
            changes,
            [Change::KeyResultRemoved {
                key_result: "kr1".into(),
                title: "Leads".into()
            }]
        );
    }

    #[test]
    fn check_ins_are_counted() {
        let more = BASE.replace(
            "value = 5\n",
            "value = 6\n[[key_results.checkins]]\ndate = 2026-01-17\nvalue = 9\n[[key_results.checkins]]\ndate = 2026-01-24\nvalue = 12\n",
        );
        let changes = compare(&snapshot(BASE), &snapshot(&more));
        assert_eq!(
            changes.iter().map(describe).collect::<Vec<_>>(),
            ["check-ins of “Revenue”: 2 added, 1 edited"]
        );
        let one = BASE.replace(
            "value = 5\n",
            "value = 5\n[[key_results.checkins]]\ndate = 2026-01-17\nvalue = 9\n",
        );
        let changes = compare(&snapshot(BASE), &snapshot(&one));
        assert_eq!(describe(&changes[0]), "1 check-in added to “Revenue”");
    }

    #[test]
    fn fields_of_the_objective_are_described() {
        let moved = BASE
            .replace(
                "aligns_to = \"expand\"",
                "aligns_to = [\"expand\", \"retain\"]",
            )
            .replace("team = \"sales\"", "person = \"anna\"")
            .replace("title = \"Grow\"", "title = \"Grow more\"");
        let described: Vec<String> = compare(&snapshot(BASE), &snapshot(&moved))
            .iter()
            .map(describe)
            .collect();
        assert_eq!(
            described,
            [
                "title: “Grow” → “Grow more”",
                "owner: team sales → person anna",
                "alignment: expand → expand, retain",
            ]
        );
    }

    #[test]
    fn sets_pair_moved_files_and_period_edits() {
        let a = snapshot(BASE);
        let q2 = snapshot(&BASE.replace("2026-Q1", "2026-Q2"));
        // Moved to another folder: no change.
        assert_eq!(
            compare_sets(&[("okrs/a/grow.md", &a)], &[("okrs/b/grow.md", &a)]),
            []
        );
        let keyed = |compared: Vec<Compared>| -> Vec<(Key, Vec<Change>)> {
            compared.into_iter().map(|c| (c.key, c.changes)).collect()
        };
        // Period edited in place: one objective, its period changed.
        let changes = keyed(compare_sets(
            &[("okrs/grow.md", &a)],
            &[("okrs/grow.md", &q2)],
        ));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].0, ("2026-Q2".to_string(), "grow".to_string()));
        assert_eq!(describe(&changes[0].1[0]), "period: 2026-Q1 → 2026-Q2");
        // Another id: one removed, one created.
        let changes = keyed(compare_sets(
            &[("okrs/grow.md", &a)],
            &[("okrs/other.md", &a)],
        ));
        assert_eq!(
            changes,
            [
                (("2026-Q1".into(), "grow".into()), vec![Change::Removed]),
                (("2026-Q1".into(), "other".into()), vec![Change::Created]),
            ]
        );
    }

    #[test]
    fn a_version_git_lacks_makes_its_file_unknown_until_the_next() {
        let id = |n: u8| gix::ObjectId::from_bytes_or_panic(&[n; 20]);
        let grow = Arc::new(snapshot(BASE));
        let cache: Versions = [
            (id(1), Version::Parsed(grow.clone())),
            (id(3), Version::Parsed(grow)),
        ]
        .into_iter()
        .collect();
        let (mut current, mut missing) = (BTreeMap::new(), Vec::new());
        let mut step = |changed: Vec<BlobChange>| {
            let sides = apply(&mut current, changed, &cache, id(9), &mut missing);
            (sides.old.len(), sides.new.len(), sides.unsure)
        };
        assert_eq!(
            step(vec![("a.md".into(), None, Some(id(1)))]),
            (0, 1, false)
        );
        // Moved to b.md in a version git lacks: neither side is compared.
        assert_eq!(
            step(vec![
                ("a.md".into(), Some(id(1)), None),
                ("b.md".into(), None, Some(id(2)))
            ]),
            (1, 0, true)
        );
        // The next version starts afresh, compared with nothing.
        assert_eq!(
            step(vec![("b.md".into(), Some(id(2)), Some(id(3)))]),
            (0, 0, true)
        );
        assert_eq!(
            step(vec![("b.md".into(), Some(id(3)), Some(id(1)))]),
            (1, 1, false)
        );
        assert_eq!(
            missing,
            [Missing::Version {
                path: "okrs/b.md".into(),
                commit: "0909090".into()
            }]
        );
    }

    #[test]
    fn a_note_names_the_first_gaps_and_counts_the_rest() {
        let mut history = History::empty(Extent::Complete);
        history.missing = (1..=5)
            .map(|n| Missing::Version {
                path: format!("okrs/{n}.md"),
                commit: "abcdef0".into(),
            })
            .collect();
        assert_eq!(
            history.note().unwrap(),
            "change history is incomplete: the repository lacks the version of okrs/1.md from commit abcdef0; \
             the version of okrs/2.md from commit abcdef0; the version of okrs/3.md from commit abcdef0; 2 more; \
             what those changed is not shown (`git fsck` lists what is missing; a fresh clone restores it)"
        );
    }

    #[test]
    fn exact_numbers_keep_every_digit() {
        assert_eq!(exact_number(100_000.0), "100,000");
        assert_eq!(exact_number(2.345), "2.345");
        assert_eq!(exact_number(-1234.5), "-1,234.5");
        assert_eq!(exact_number(-0.25), "-0.25");
    }
}
