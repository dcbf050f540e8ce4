//! Changes between two versions of an objective, field by field
//! ([`compare`]), and between two sets of objectives, pairing moved files
//! ([`compare_sets`]); with the words that describe each change.

use super::snapshot::*;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// A value before or after a change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    Created,
    Removed,
    /// `title`, `period`, `owner`, `aligns_to`, `contributors` or `tags`.
    Changed {
        #[serde(deserialize_with = "field_name")]
        field: FieldName,
        from: Option<Value>,
        to: Option<Value>,
    },
    DescriptionEdited,
    KeyResultAdded {
        key_result: Arc<str>,
        title: Arc<str>,
    },
    KeyResultRemoved {
        key_result: Arc<str>,
        title: Arc<str>,
    },
    /// `title`, `start`, `target`, `done`, `current`, `unit`, `due`, `weight` or `confidence`.
    KeyResultChanged {
        key_result: Arc<str>,
        title: Arc<str>,
        #[serde(deserialize_with = "field_name")]
        field: FieldName,
        from: Option<Value>,
        to: Option<Value>,
        /// For `target`: whether it moved towards the start, asking for less.
        #[serde(skip_serializing_if = "Option::is_none")]
        lowered: Option<bool>,
    },
    CheckIns {
        key_result: Arc<str>,
        title: Arc<str>,
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
        #[serde(deserialize_with = "field_name")]
        field: FieldName,
        from: Option<Value>,
        to: Option<Value>,
    },
}

/// A field's name, one of [`FIELDS`]. (Named, so that deriving
/// `Deserialize` does not take the `'static` for input to borrow from.)
pub type FieldName = &'static str;

/// The names a change's `field` may have: the history cache reads them back.
const FIELDS: [&str; 17] = [
    "title",
    "period",
    "owner",
    "aligns_to",
    "contributors",
    "tags",
    "start",
    "target",
    "done",
    "keep",
    "current",
    "unit",
    "due",
    "weight",
    "confidence",
    "key_result",
    "status",
];

pub(super) fn field_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let name = String::deserialize(d)?;
    FIELDS
        .into_iter()
        .find(|f| *f == name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown field `{name}`")))
}

/// Strings handed out once each: equal strings share one allocation. The
/// changes of an objective's history name the same few key results again
/// and again, and a long history has hundreds of thousands of changes.
#[derive(Default)]
pub struct SharedStrings(BTreeSet<Arc<str>>);

impl SharedStrings {
    /// `text`, shared with every equal string handed out before.
    pub fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = text.into();
        self.0.insert(Arc::clone(&shared));
        shared
    }

    /// Hands out `shared` for its text from now on, unless an equal string
    /// was handed out before.
    pub fn keep(&mut self, shared: &Arc<str>) {
        if !self.0.contains(&**shared) {
            self.0.insert(Arc::clone(shared));
        }
    }

    /// Makes `change` name its key result with the strings handed out.
    pub fn share(&mut self, change: &mut Change) {
        if let Some((id, title)) = change.key_result_mut() {
            *id = self.get(id);
            *title = self.get(title);
        }
    }
}

/// `Some((key_result, title))` of a change about a key result, borrowed as
/// the change is (shared or mutable).
macro_rules! key_result_of {
    ($change:expr) => {
        match $change {
            Change::KeyResultAdded { key_result, title }
            | Change::KeyResultRemoved { key_result, title }
            | Change::KeyResultChanged {
                key_result, title, ..
            }
            | Change::CheckIns {
                key_result, title, ..
            } => Some((key_result, title)),
            _ => None,
        }
    };
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

    /// The key result a change is about, and its title: `(id, title)`.
    pub fn key_result(&self) -> Option<(&Arc<str>, &Arc<str>)> {
        key_result_of!(self)
    }

    fn key_result_mut(&mut self) -> Option<(&mut Arc<str>, &mut Arc<str>)> {
        key_result_of!(self)
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

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => f.write_str(&crate::text::exact_number(*n)),
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
/// `target of “Revenue” lowered: 100,000 → 80,000`.
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
        // Said in words, not left to the reader to work out from the numbers:
        // asking for less is the change a reviewer most needs to see.
        Change::KeyResultChanged {
            title,
            field,
            from,
            to,
            lowered: Some(true),
            ..
        } => format!(
            "{field} of “{title}” lowered: {} → {}",
            plain(from),
            plain(to)
        ),
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
            key_result: old[o].id.as_str().into(),
            title: old[o].title.as_str().into(),
        });
    }
    for n in added {
        out.push(Change::KeyResultAdded {
            key_result: new[n].id.as_str().into(),
            title: new[n].title.as_str().into(),
        });
    }
    for (o, n) in pairs {
        let (a, b) = (&old[o], &new[n]);
        let mut field = |field: &'static str, from: Option<Value>, to: Option<Value>| {
            if from != to {
                // Lowered: made easier to reach, or for a metric to keep, to hold.
                let lowered = (field == "target").then(|| {
                    let start = b.start.unwrap_or(0.0);
                    match (a.target, b.target, b.keep.as_deref()) {
                        (Some(was), Some(now), Some("at-least")) => now < was,
                        (Some(was), Some(now), Some("at-most")) => now > was,
                        (Some(was), Some(now), _) => (now - start).abs() < (was - start).abs(),
                        _ => false,
                    }
                });
                out.push(Change::KeyResultChanged {
                    key_result: b.id.as_str().into(),
                    title: b.title.as_str().into(),
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
        field("keep", text(a.keep.as_deref()), text(b.keep.as_deref()));
        field("owner", text(a.owner.as_deref()), text(b.owner.as_deref()));
        field("current", number(a.current), number(b.current));
        field("unit", text(a.unit.as_deref()), text(b.unit.as_deref()));
        let date = |d: Option<NaiveDate>| d.map(|d| Value::Text(crate::text::iso_date(d)));
        field("due", date(a.due), date(b.due));
        field("weight", number(a.weight), number(b.weight));
        field("confidence", number(a.confidence), number(b.confidence));
        let (added, removed, edited) = compare_checkins(&a.checkins, &b.checkins);
        if added + removed + edited > 0 {
            out.push(Change::CheckIns {
                key_result: b.id.as_str().into(),
                title: b.title.as_str().into(),
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
