//! What an objective is, for comparing its versions: a [`Snapshot`] parsed
//! from one version of its file, without spans, its body hashed.

use crate::model::source::{FileId, FileKind, SourceFile};
use crate::model::{Measure, Objective};
use crate::read::parse;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::fmt;

/// Who owns an objective, as written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
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
    /// A metric to keep's bound, `at-least` or `at-most`, as written.
    pub keep: Option<String>,
    /// The person who answers for it, as written.
    pub owner: Option<String>,
    pub current: Option<f64>,
    pub unit: Option<String>,
    pub due: Option<NaiveDate>,
    pub weight: Option<f64>,
    pub confidence: Option<f64>,
    pub checkins: Vec<CheckinSnapshot>,
}

/// A check-in, as far as telling versions apart needs: its date, and a hash
/// of what else it says. Versions of a long history hold many check-ins
/// each, and replaying it holds thousands of versions at a time.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckinSnapshot {
    pub date: NaiveDate,
    /// The value, the confidence and the note, hashed ([`checkin_hash`]).
    pub said: u64,
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

/// A hash of a check-in's value, confidence and note: equal when they are.
fn checkin_hash(value: f64, confidence: Option<f64>, note: Option<&str>) -> u64 {
    use std::hash::{Hash, Hasher};
    // Fixed keys, as for the body.
    let mut hasher = std::hash::DefaultHasher::new();
    value.to_bits().hash(&mut hasher);
    confidence.map(f64::to_bits).hash(&mut hasher);
    note.hash(&mut hasher);
    hasher.finish()
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
                        Measure::Kept { start, target, .. } => {
                            (start.as_ref().map(|s| s.value), Some(target.value), None)
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
                        keep: match &kr.measure {
                            Measure::Kept { keep, .. } => Some(keep.value.clone()),
                            _ => None,
                        },
                        owner: kr.owner.as_ref().map(|o| o.value.clone()),
                        current: kr.current.as_ref().map(|c| c.value),
                        unit: kr.unit().map(str::to_string),
                        due: kr.due.as_ref().map(|d| d.value),
                        weight: kr.weight.as_ref().map(|w| w.value),
                        confidence: kr.confidence.as_ref().map(|c| c.value),
                        checkins: kr
                            .checkins
                            .iter()
                            .map(|c| CheckinSnapshot {
                                date: c.date.value,
                                said: checkin_hash(
                                    c.value.value,
                                    c.confidence.as_ref().map(|c| c.value),
                                    c.note.as_deref(),
                                ),
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
            .clean()
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
