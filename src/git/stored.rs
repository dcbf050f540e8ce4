//! The history as the cache's file holds it: compact JSON. A long history is
//! hundreds of thousands of changes, and every build with the cache reads
//! and writes all of them, so each is said briefly: a commit is an array
//! without its short id (the first digits of its id), a change an array
//! named by its kind, and each objective names its key results' titles once,
//! its changes giving their place in that list.

use super::compare::{Change, FieldName, Key, SharedStrings, Value, field_name};
use super::history::{Entry, Record};
use super::repo::{Commit, SHORT_ID_LEN};
use super::snapshot::OwnerRef;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Commits, as `[id, author, date, summary]` each.
pub(super) struct Commits<'a>(pub(super) &'a [Commit]);

impl Serialize for Commits<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|c| {
            StoredCommit(
                Cow::Borrowed(&c.id),
                Cow::Borrowed(&c.author),
                c.date,
                Cow::Borrowed(&c.summary),
            )
        }))
    }
}

#[derive(Serialize, Deserialize)]
struct StoredCommit<'a>(
    Cow<'a, str>,
    Cow<'a, str>,
    #[serde(with = "date")] NaiveDate,
    Cow<'a, str>,
);

/// A commit read back: made as it is read, so that the stored form of only
/// one is held at a time.
#[derive(Deserialize)]
#[serde(try_from = "StoredCommit")]
pub(super) struct ReadCommit(pub(super) Commit);

impl TryFrom<StoredCommit<'_>> for ReadCommit {
    type Error = Damaged;

    fn try_from(StoredCommit(id, author, date, summary): StoredCommit) -> Result<Self, Damaged> {
        // Its short id is its first digits.
        if id.len() < SHORT_ID_LEN || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Damaged);
        }
        Ok(ReadCommit(Commit {
            id: id.into_owned(),
            author: author.into_owned(),
            date,
            summary: summary.into_owned(),
        }))
    }
}

/// Objectives' histories, each a [`StoredRecord`].
pub(super) struct Records<'a>(pub(super) &'a BTreeMap<Key, Record>);

impl Serialize for Records<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .iter()
                .map(|(key, record)| StoredRecord::of(key, record)),
        )
    }
}

/// One objective's history.
#[derive(Serialize, Deserialize)]
struct StoredRecord<'a> {
    period: Cow<'a, str>,
    id: Cow<'a, str>,
    title: Cow<'a, str>,
    owner: Cow<'a, OwnerRef>,
    /// The titles of key results its changes name, each once.
    titles: Vec<Cow<'a, str>>,
    /// `[commit, [change, …]]` each.
    entries: Vec<(usize, Vec<StoredChange<'a>>)>,
}

/// A [`Change`], its key result's title given by its place in
/// [`StoredRecord::titles`].
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum StoredChange<'a> {
    Created,
    Removed,
    Changed(
        #[serde(deserialize_with = "field_name")] FieldName,
        Option<Cow<'a, Value>>,
        Option<Cow<'a, Value>>,
    ),
    DescriptionEdited,
    KeyResultAdded(Cow<'a, str>, usize),
    KeyResultRemoved(Cow<'a, str>, usize),
    KeyResultChanged(
        Cow<'a, str>,
        usize,
        #[serde(deserialize_with = "field_name")] FieldName,
        Option<Cow<'a, Value>>,
        Option<Cow<'a, Value>>,
        Option<bool>,
    ),
    CheckIns(Cow<'a, str>, usize, usize, usize, usize),
    InitiativeAdded(Cow<'a, str>),
    InitiativeRemoved(Cow<'a, str>),
    InitiativeChanged(
        Cow<'a, str>,
        #[serde(deserialize_with = "field_name")] FieldName,
        Option<Cow<'a, Value>>,
        Option<Cow<'a, Value>>,
    ),
}

/// An objective's history read back, as it is read (see [`ReadCommit`]).
#[derive(Deserialize)]
#[serde(try_from = "StoredRecord")]
pub(super) struct ReadRecord(pub(super) Key, pub(super) Record);

impl ReadRecord {
    /// Whether every entry names one of the first `commits` commits.
    pub(super) fn names_commits_below(&self, commits: usize) -> bool {
        self.1.entries.iter().all(|e| e.commit < commits)
    }
}

impl TryFrom<StoredRecord<'_>> for ReadRecord {
    type Error = Damaged;

    fn try_from(stored: StoredRecord) -> Result<Self, Damaged> {
        let (key, record) = stored.into_record()?;
        Ok(ReadRecord(key, record))
    }
}

/// The file does not hold what it should, e.g. a title's place past the list.
#[derive(Debug)]
pub(super) struct Damaged;

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("damaged")
    }
}

impl<'a> StoredRecord<'a> {
    fn of(key: &'a Key, record: &'a Record) -> StoredRecord<'a> {
        let mut places: BTreeMap<&str, usize> = BTreeMap::new();
        let mut titles = Vec::new();
        let mut place = |title: &'a str| {
            *places.entry(title).or_insert_with(|| {
                titles.push(Cow::Borrowed(title));
                titles.len() - 1
            })
        };
        let value = |v: &'a Option<Value>| v.as_ref().map(Cow::Borrowed);
        let text = |t: &'a str| Cow::Borrowed(t);
        let entries = (record.entries.iter())
            .map(|entry| {
                let changes = (entry.changes.iter())
                    .map(|change| match change {
                        Change::Created => StoredChange::Created,
                        Change::Removed => StoredChange::Removed,
                        Change::Changed { field, from, to } => {
                            StoredChange::Changed(field, value(from), value(to))
                        }
                        Change::DescriptionEdited => StoredChange::DescriptionEdited,
                        Change::KeyResultAdded { key_result, title } => {
                            StoredChange::KeyResultAdded(text(key_result), place(title))
                        }
                        Change::KeyResultRemoved { key_result, title } => {
                            StoredChange::KeyResultRemoved(text(key_result), place(title))
                        }
                        Change::KeyResultChanged {
                            key_result,
                            title,
                            field,
                            from,
                            to,
                            lowered,
                        } => StoredChange::KeyResultChanged(
                            text(key_result),
                            place(title),
                            field,
                            value(from),
                            value(to),
                            *lowered,
                        ),
                        Change::CheckIns {
                            key_result,
                            title,
                            added,
                            removed,
                            edited,
                        } => StoredChange::CheckIns(
                            text(key_result),
                            place(title),
                            *added,
                            *removed,
                            *edited,
                        ),
                        Change::InitiativeAdded { title } => {
                            StoredChange::InitiativeAdded(text(title))
                        }
                        Change::InitiativeRemoved { title } => {
                            StoredChange::InitiativeRemoved(text(title))
                        }
                        Change::InitiativeChanged {
                            title,
                            field,
                            from,
                            to,
                        } => StoredChange::InitiativeChanged(
                            text(title),
                            field,
                            value(from),
                            value(to),
                        ),
                    })
                    .collect();
                (entry.commit, changes)
            })
            .collect();
        StoredRecord {
            period: text(&key.0),
            id: text(&key.1),
            title: text(&record.title),
            owner: Cow::Borrowed(&record.owner),
            titles,
            entries,
        }
    }

    fn into_record(self) -> Result<(Key, Record), Damaged> {
        // Each title and key result id once, however many changes name it.
        let mut shared = SharedStrings::default();
        let titles: Vec<Arc<str>> = (self.titles.iter()).map(|t| shared.get(t)).collect();
        let title = |place: usize| titles.get(place).cloned().ok_or(Damaged);
        let mut id = |key_result: Cow<str>| shared.get(&key_result);
        let value = |v: Option<Cow<Value>>| v.map(Cow::into_owned);
        let mut entries = Vec::with_capacity(self.entries.len());
        for (commit, changes) in self.entries {
            let changes = (changes.into_iter())
                .map(|change| {
                    Ok(match change {
                        StoredChange::Created => Change::Created,
                        StoredChange::Removed => Change::Removed,
                        StoredChange::Changed(field, from, to) => Change::Changed {
                            field,
                            from: value(from),
                            to: value(to),
                        },
                        StoredChange::DescriptionEdited => Change::DescriptionEdited,
                        StoredChange::KeyResultAdded(key_result, place) => Change::KeyResultAdded {
                            key_result: id(key_result),
                            title: title(place)?,
                        },
                        StoredChange::KeyResultRemoved(key_result, place) => {
                            Change::KeyResultRemoved {
                                key_result: id(key_result),
                                title: title(place)?,
                            }
                        }
                        StoredChange::KeyResultChanged(
                            key_result,
                            place,
                            field,
                            from,
                            to,
                            lowered,
                        ) => Change::KeyResultChanged {
                            key_result: id(key_result),
                            title: title(place)?,
                            field,
                            from: value(from),
                            to: value(to),
                            lowered,
                        },
                        StoredChange::CheckIns(key_result, place, added, removed, edited) => {
                            Change::CheckIns {
                                key_result: id(key_result),
                                title: title(place)?,
                                added,
                                removed,
                                edited,
                            }
                        }
                        StoredChange::InitiativeAdded(title) => Change::InitiativeAdded {
                            title: title.into_owned(),
                        },
                        StoredChange::InitiativeRemoved(title) => Change::InitiativeRemoved {
                            title: title.into_owned(),
                        },
                        StoredChange::InitiativeChanged(title, field, from, to) => {
                            Change::InitiativeChanged {
                                title: title.into_owned(),
                                field,
                                from: value(from),
                                to: value(to),
                            }
                        }
                    })
                })
                .collect::<Result<Box<[Change]>, Damaged>>()?;
            entries.push(Entry { commit, changes });
        }
        let key = (self.period.into_owned(), self.id.into_owned());
        let record = Record {
            title: self.title.into_owned(),
            owner: self.owner.into_owned(),
            entries,
        };
        Ok((key, record))
    }
}

/// Dates as `YYYY-MM-DD`.
pub(super) mod date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&crate::text::iso_date(*day))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        // Borrowed: a date has nothing to unescape.
        let text = <&str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_change() -> Vec<Change> {
        let number = |n: f64| Some(Value::Number(n));
        vec![
            Change::Created,
            Change::Changed {
                field: "tags",
                from: Some(Value::List(vec!["a".into()])),
                to: None,
            },
            Change::DescriptionEdited,
            Change::KeyResultAdded {
                key_result: "kr2".into(),
                title: "Demos held".into(),
            },
            Change::KeyResultChanged {
                key_result: "kr1".into(),
                title: "Qualified \"opportunities\"".into(),
                field: "target",
                from: number(100.0),
                to: number(80.5),
                lowered: Some(true),
            },
            Change::KeyResultChanged {
                key_result: "kr1".into(),
                title: "Qualified \"opportunities\"".into(),
                field: "done",
                from: Some(Value::Bool(false)),
                to: Some(Value::Bool(true)),
                lowered: None,
            },
            Change::CheckIns {
                key_result: "kr1".into(),
                title: "Qualified \"opportunities\"".into(),
                added: 2,
                removed: 1,
                edited: 3,
            },
            Change::KeyResultRemoved {
                key_result: "kr2".into(),
                title: "Demos held".into(),
            },
            Change::InitiativeAdded {
                title: "Fairs".into(),
            },
            Change::InitiativeChanged {
                title: "Fairs".into(),
                field: "status",
                from: Some(Value::Text("planned".into())),
                to: Some(Value::Text("done".into())),
            },
            Change::InitiativeRemoved {
                title: "Fairs".into(),
            },
            Change::Removed,
        ]
    }

    fn history() -> BTreeMap<Key, Record> {
        let changes = every_change();
        let entries = (0..changes.len())
            .map(|i| Entry {
                commit: i % 3,
                changes: changes[i..=i]
                    .iter()
                    .chain(&changes[..i % 2])
                    .cloned()
                    .collect(),
            })
            .collect();
        let record = Record {
            title: "Fill the pipeline".into(),
            owner: OwnerRef::Team("sales".into()),
            entries,
        };
        let other = Record {
            title: "Grow".into(),
            owner: OwnerRef::Company,
            entries: vec![Entry {
                commit: 2,
                changes: Box::new([Change::Created]),
            }],
        };
        BTreeMap::from([
            (("2026-Q1".into(), "pipeline".into()), record),
            (("2026-Q1".into(), "grow".into()), other),
        ])
    }

    fn read_back(json: &[u8], commits: usize) -> Result<Vec<(Key, Record)>, Damaged> {
        let read: Vec<ReadRecord> = serde_json::from_slice(json).map_err(|_| Damaged)?;
        (read.into_iter())
            .map(|r| match r.names_commits_below(commits) {
                true => Ok((r.0, r.1)),
                false => Err(Damaged),
            })
            .collect()
    }

    #[test]
    fn every_change_reads_back_as_written_and_each_title_is_written_once() {
        let history = history();
        let json = serde_json::to_vec(&Records(&history)).expect("written");
        let read = read_back(&json, 3).expect("read back");
        assert_eq!(read, history.into_iter().collect::<Vec<_>>());
        let text = String::from_utf8(json).expect("UTF-8");
        assert_eq!(text.matches("opportunities").count(), 1, "{text}");
        assert_eq!(text.matches("Demos held").count(), 1, "{text}");
    }

    #[test]
    fn a_key_results_id_and_title_are_read_back_once_for_all_its_changes() {
        let json = serde_json::to_vec(&Records(&history())).expect("written");
        let read = read_back(&json, 3).expect("read back");
        let named: Vec<(&Arc<str>, &Arc<str>)> = (read.iter())
            .flat_map(|(_, record)| record.entries.iter())
            .flat_map(|entry| entry.changes.iter())
            .filter_map(Change::key_result)
            .filter(|(_, title)| &***title == "Demos held")
            .collect();
        assert!(named.len() >= 2, "{named:?}");
        for (id, title) in &named {
            assert!(Arc::ptr_eq(id, named[0].0) && Arc::ptr_eq(title, named[0].1));
        }
    }

    #[test]
    fn commits_read_back_with_their_short_ids() {
        let commit = Commit {
            id: "0123456789abcdef0123456789abcdef01234567".into(),
            author: "Anna \"A\" Schmidt".into(),
            date: NaiveDate::from_ymd_opt(2026, 1, 5).expect("a date"),
            summary: "Q1 objectives".into(),
        };
        let json = serde_json::to_string(&Commits(std::slice::from_ref(&commit))).expect("written");
        assert_eq!(
            json,
            r#"[["0123456789abcdef0123456789abcdef01234567","Anna \"A\" Schmidt","2026-01-05","Q1 objectives"]]"#
        );
        let read: Vec<ReadCommit> = serde_json::from_str(&json).expect("read");
        assert_eq!(read.into_iter().map(|c| c.0).collect::<Vec<_>>(), [commit]);
        let short = serde_json::from_str::<Vec<ReadCommit>>(r#"[["0123","a","2026-01-05","s"]]"#);
        assert!(short.is_err(), "an id too short for its short id");
        let read: Vec<ReadCommit> = serde_json::from_str(&json).expect("read");
        assert_eq!(read[0].0.short(), "0123456");
        let not_hex =
            serde_json::from_str::<Vec<ReadCommit>>(r#"[["0123zz6789","a","2026-01-05","s"]]"#);
        assert!(not_hex.is_err(), "an id that is not hex");
    }

    #[test]
    fn a_title_or_commit_out_of_range_is_damage_not_a_panic() {
        let json = serde_json::to_string(&Records(&history())).expect("written");
        assert!(read_back(json.as_bytes(), 2).is_err(), "commit 2 of 2");
        let far = json.replacen(r#"{"check-ins":["kr1","#, r#"{"check-ins":["kr1",9"#, 1);
        assert_ne!(far, json);
        assert!(read_back(far.as_bytes(), 3).is_err(), "title 90 of 2");
        let field = json.replacen(r#""target""#, r#""colour""#, 1);
        assert!(read_back(field.as_bytes(), 3).is_err(), "no such field");
    }
}
