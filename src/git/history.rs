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

use super::packs;
use super::repo::*;
use crate::model::Org;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

pub use super::cache::{CACHE_DIR, CACHE_FILE, Cache, CacheState, CacheUse};
pub use super::compare::{
    Change, Compared, Key, SharedStrings, Value, compare, compare_sets, describe,
};
pub use super::repo::{Commit, HistoryError, Repo, short_hex};
pub use super::snapshot::{OwnerRef, Snapshot};

/// What one commit changed in one objective.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Index into [`History::commits`].
    pub commit: usize,
    /// Exactly as many as there are: a `Vec` keeps room for four, and a long
    /// history holds hundreds of thousands of entries, most with one change.
    pub changes: Box<[Change]>,
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Missing {
    /// A commit of the mainline (short ids): the history starts after it.
    Commit {
        id: String,
        child: String,
        #[serde(with = "super::stored::date")]
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

    pub(super) fn empty(extent: Extent) -> History {
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
        (!notes.is_empty()).then(|| crate::read::load::one_line(&notes.join("; ")))
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

    /// The history as known on `as_of`: without the commits dated after it,
    /// as a build as of a past day shows the values known then. `None` when
    /// no commit is dated after it, as on every build as of today, so that
    /// only a look back pays for a copy.
    pub fn until(&self, as_of: NaiveDate) -> Option<History> {
        if self.commits.iter().all(|c| c.date <= as_of) {
            return None;
        }
        let mut moved = vec![None; self.commits.len()];
        let mut commits = Vec::new();
        for (i, commit) in self.commits.iter().enumerate() {
            if commit.date <= as_of {
                moved[i] = Some(commits.len());
                commits.push(commit.clone());
            }
        }
        let objectives = (self.objectives.iter())
            .filter_map(|(key, record)| {
                let entries: Vec<Entry> = (record.entries.iter())
                    .filter_map(|e| {
                        Some(Entry {
                            commit: moved[e.commit]?,
                            changes: e.changes.clone(),
                        })
                    })
                    .collect();
                let record = Record {
                    title: record.title.clone(),
                    owner: record.owner.clone(),
                    entries,
                };
                (!record.entries.is_empty()).then(|| (key.clone(), record))
            })
            .collect();
        Some(History {
            commits,
            objectives,
            extent: self.extent.clone(),
            missing: self.missing.clone(),
        })
    }
}

/// Reads the history of the objectives of the OKR repository at `dir`.
pub fn read(dir: &Path) -> Result<History, HistoryError> {
    read_with(dir, None)
}

/// Like [`read`], reusing the objectives of the working tree, already parsed
/// (see [`Reuse`]).
pub fn read_with(dir: &Path, parsed: Option<&Org>) -> Result<History, HistoryError> {
    let walk = walk(dir, None)?;
    let reuse = parsed.and_then(|org| Some((org, walk.reuse(org)?)));
    Ok(walk.finish(reuse)?.history)
}

/// The first half of reading the history, which needs no parsed objectives
/// (so `okr build` runs it while it checks): which files each commit changed.
pub struct Walk {
    repo: Repo,
    /// The mainline's commits to replay, oldest first; with a cache, the
    /// first is the commit the cache was made at, already replayed.
    chain: Vec<gix::ObjectId>,
    /// Where the whole mainline ends, and its oldest commit.
    cut: Cut,
    root: Option<gix::ObjectId>,
    /// `(index into chain, files changed)` of each commit that changed any.
    steps: Vec<(usize, Vec<BlobChange>)>,
    /// Versions parsed already: those `HEAD` no longer has (the working
    /// tree's are the check's to parse).
    parsed: Versions,
    /// The replay up to `chain[0]`, from the cache.
    resumed: Option<Replayed>,
    /// Whether a cache was used, and if not, why.
    pub cache: CacheUse,
    /// Why there is no history to read, e.g. no commits yet.
    empty: Option<&'static str>,
    /// Steps replayed at a time.
    window: usize,
}

/// A history read, and what to keep of it for the next build (`None`: the
/// cache read is up to date).
pub struct Finished {
    pub history: History,
    pub cache: Option<CacheState>,
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
    let ids: Vec<gix::ObjectId> = wanted.iter().map(|(id, _)| *id).collect();
    let versions = packs::read_blobs(repo, &ids, |i, blob| {
        let Some(blob) = blob else {
            return Version::Missing;
        };
        match Snapshot::parse(&format!("okrs/{}", wanted[i].1), blob) {
            Some(snapshot) => Version::Parsed(Arc::new(snapshot)),
            None => Version::Broken,
        }
    });
    ids.into_iter().zip(versions).collect()
}

/// Walks the mainline of the repository holding `dir` and diffs its trees:
/// all of it, or with a `cache` of an earlier build, only the commits made
/// since (when the cache matches the repository; else all of it).
pub fn walk(dir: &Path, cache: Option<Cache>) -> Result<Walk, HistoryError> {
    walk_in_parts_of(dir, cache, WINDOW)
}

/// [`walk`], reading and replaying `commits` commits at a time rather than
/// [`WINDOW`], each part with its own opening of the repository once there
/// are several: for tests that the history does not depend on it.
#[doc(hidden)]
pub fn walk_in_parts_of(
    dir: &Path,
    cache: Option<Cache>,
    commits: usize,
) -> Result<Walk, HistoryError> {
    let window = commits.max(1);
    let repo = Repo::open(dir)?;
    if repo.repo.head_id().is_err() {
        return Ok(Walk {
            repo,
            chain: Vec::new(),
            cut: Cut::None,
            root: None,
            steps: Vec::new(),
            parsed: Versions::new(),
            resumed: None,
            cache: CacheUse::Cold(None),
            empty: Some("the repository has no commits yet"),
            window,
        });
    }
    let (resumed, chain, cut, root, used) = match cache.map(|c| c.resume(&repo)) {
        Some(Ok(resumed)) => {
            let used = CacheUse::Warm {
                new_commits: resumed.chain.len() - 1,
            };
            let root = Some(resumed.root);
            (
                Some(resumed.replayed),
                resumed.chain,
                resumed.cut,
                root,
                used,
            )
        }
        cold => {
            let (chain, cut) = mainline(&repo, None)?;
            let why = cold.and_then(Result::err);
            let root = chain.first().copied();
            (
                None,
                chain,
                cut.unwrap_or(Cut::None),
                root,
                CacheUse::Cold(why),
            )
        }
    };
    let first = usize::from(resumed.is_some());
    let long = chain.len() > window;
    // Following a long chain of parents mapped the index and every commit:
    // let them go before the parts map their own (see [`Repo::reopen`]).
    let repo = repo.opened_for_part(long)?.unwrap_or(repo);
    // Each commit's okrs/ tree, and the file changes of each commit that
    // touched okrs/, oldest first, on all cores. The oldest commit of a cut
    // chain (a shallow clone's) is where the history starts: its files are
    // the base, not changes. A long chain is read a part at a time, each
    // with its own opening of the repository (see [`Repo::reopen`]).
    let mut trees: Vec<Option<gix::ObjectId>> = Vec::with_capacity(chain.len());
    let mut steps: Vec<(usize, Vec<BlobChange>)> = Vec::new();
    for start in (0..chain.len()).step_by(window) {
        let end = (start + window).min(chain.len());
        let opened = repo.opened_for_part(long)?;
        let shared = opened.as_ref().unwrap_or(&repo).repo.clone().into_sync();
        let part = in_parallel(&shared, &repo.prefix, 0, &chain[start..end], |local, &c| {
            local.subtree(c, "okrs")
        });
        for tree in part {
            trees.push(tree?);
        }
        let touched: Vec<usize> = (start.max(first)..end)
            .filter(|&i| i == 0 || trees[i - 1] != trees[i])
            .collect();
        // No cache of decoded objects: the trees a diff reads again are the
        // last diff's, which it keeps (see `tree_diff::Trees`). In the order
        // git's pack stores this part's versions in, which costs a few times
        // less than the other order.
        let backwards = newer_are_bases(opened.as_ref().unwrap_or(&repo), &trees[start..]);
        let diffs = in_parallel_backwards(
            &shared,
            &repo.prefix,
            0,
            &touched,
            backwards,
            |local, &i| {
                let before = if i == 0 { None } else { trees[i - 1] };
                local.changed_blobs(before, trees[i])
            },
        );
        for (&i, changed) in touched.iter().zip(diffs) {
            let mut changed = changed?;
            if !changed.is_empty() {
                // Held until the replay: most commits change a file or two,
                // and a `Vec` keeps room for four.
                changed.shrink_to_fit();
                steps.push((i, changed));
            }
        }
    }
    // Versions the last commit no longer has are parsed now, while the check
    // parses the working tree (which holds the last commit's, mostly); a
    // history longer than one window of the replay parses them window by
    // window instead, holding fewer at a time.
    let parsed = if steps.len() > window {
        Versions::new()
    } else {
        early_versions(&repo, &steps)
    };
    // What reading the early versions had git map: let it go too.
    let repo = repo.opened_for_part(long)?.unwrap_or(repo);
    Ok(Walk {
        repo,
        chain,
        cut,
        root,
        steps,
        parsed,
        resumed,
        cache: used,
        empty: None,
        window,
    })
}

/// The versions of a walk's steps that the last commit no longer has.
fn early_versions(repo: &Repo, steps: &[(usize, Vec<BlobChange>)]) -> Versions {
    let mut last: HashMap<&str, gix::ObjectId> = HashMap::new();
    for (_, changed) in steps {
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
    parse_versions(repo, &gone)
}

/// The working tree's objectives by the blob id of their files' texts (equal
/// ids, equal text): versions in the history with the same content (most
/// objectives of a large organisation never change again once added) are
/// taken from the check's parse, not parsed a second time.
pub struct Reuse(HashMap<gix::ObjectId, usize>);

impl Walk {
    /// The working tree's objectives, for [`Walk::finish`] to reuse, when the
    /// walk found enough versions for that to pay: hashing the working
    /// tree's files costs about a tenth of parsing them, worth it to spare
    /// parsing many versions, not a few. Called while `org` still holds its
    /// files' texts; the replay needs only the objectives, so the texts can
    /// be let go before it (a long history's replay is when a build holds
    /// the most).
    pub fn reuse(&self, org: &Org) -> Option<Reuse> {
        let versions: usize = self.steps.iter().map(|(_, changed)| changed.len()).sum();
        (versions * 8 > org.objectives.len())
            .then(|| Reuse(blob_ids(org, self.repo.repo.object_hash())))
    }

    /// Parses the versions the walk found and compares them, commit by
    /// commit, taking those the working tree has from `parsed` (with its
    /// [`Walk::reuse`]); with what a cache would keep of it.
    pub fn finish(self, parsed: Option<(&Org, Reuse)>) -> Result<Finished, HistoryError> {
        let Walk {
            repo,
            chain,
            cut,
            root,
            steps,
            parsed: early,
            resumed,
            empty,
            cache: used,
            window,
        } = self;
        let (Some(root), None) = (root, empty) else {
            let reason = empty.unwrap_or("the repository has no commits yet");
            return Ok(Finished {
                history: History::unavailable(reason),
                cache: None,
            });
        };
        let replayed = replay(&repo, &chain, cut, (steps, window), early, parsed, resumed)?;
        let head = chain.last().copied().unwrap_or(root);
        let Replayed { mut history, files } = replayed;
        // A cache that had every commit stays as it is.
        let cache = (used != CacheUse::Warm { new_commits: 0 })
            .then(|| CacheState::new(&repo.prefix, head, root, cut, files));
        if cut != Cut::None {
            let since = repo.commit_info(root)?.date;
            match cut {
                Cut::Missing(parent) => history.missing.insert(
                    0,
                    Missing::Commit {
                        id: short_id(parent),
                        child: short_id(root),
                        since,
                    },
                ),
                _ => history.extent = Extent::Shallow { since },
            }
        }
        Ok(Finished { history, cache })
    }
}

/// What the replay knows after a commit: the history so far (without what
/// the mainline's end says of it) and, for each objective file, the blob of
/// its last version that parsed (`None`: since then came a version git
/// lacks, so what it holds is unknown). The cache keeps it.
pub(super) struct Replayed {
    pub(super) history: History,
    pub(super) files: BTreeMap<String, Option<gix::ObjectId>>,
}

fn replay(
    repo: &Repo,
    chain: &[gix::ObjectId],
    cut: Cut,
    (steps, window): (Vec<(usize, Vec<BlobChange>)>, usize),
    early: Versions,
    parsed: Option<(&Org, Reuse)>,
    resumed: Option<Replayed>,
) -> Result<Replayed, HistoryError> {
    let Replayed {
        mut history,
        files: mut current,
    } = resumed.unwrap_or_else(|| Replayed {
        history: History::empty(Extent::Complete),
        files: BTreeMap::new(),
    });
    let reuse = parsed.as_ref().map(|(org, Reuse(ids))| (*org, ids));
    let mut cache = early;
    let start = usize::from(cut != Cut::None);
    let many = steps.len() > window;
    let mut steps = steps.into_iter().peekable();
    while steps.peek().is_some() {
        // A window of steps at a time: the versions it compares are parsed
        // together (on all cores), and those no file holds after it are let
        // go, so memory follows the organisation's size, not the history's.
        let window: Vec<(usize, Vec<BlobChange>)> = steps.by_ref().take(window).collect();
        // Each window of a long history with its own opening of the
        // repository, as the walk's parts.
        let opened = repo.opened_for_part(many)?;
        let repo = opened.as_ref().unwrap_or(repo);
        let wanted = wanted_versions(&window, &current, &cache);
        if !wanted.is_empty() {
            cache.extend(parse_or_reuse(repo, wanted, reuse));
        }
        replay_window(
            repo,
            chain,
            start,
            window,
            &cache,
            &mut current,
            &mut history,
        )?;
        let live: BTreeSet<gix::ObjectId> = current.values().flatten().copied().collect();
        cache.retain(|id, _| live.contains(id));
    }
    Ok(Replayed {
        history,
        files: current,
    })
}

/// The entries of a record, latest first, whose key results' ids and titles
/// a new entry's changes take when they are the same.
const SHARE_FROM: usize = 8;

/// Steps walked and replayed at a time (see [`walk`] and [`replay`]): at
/// 100,000 commits a window of 1,024 holds ~20 MB less of git's pack than
/// one of 4,096, in the same time; smaller ones gain nothing more.
pub(super) const WINDOW: usize = 1024;

/// The versions a window of steps compares that `cache` lacks: each step's
/// new ones, and the last versions of the files they change (which a resumed
/// replay has not parsed), with a path each came from.
fn wanted_versions<'s>(
    window: &'s [(usize, Vec<BlobChange>)],
    current: &BTreeMap<String, Option<gix::ObjectId>>,
    cache: &Versions,
) -> Vec<(gix::ObjectId, &'s str)> {
    // In the order of the commits: versions of a file next to each other are
    // deltas of each other in git's packs, which its cache then serves.
    let mut seen = BTreeSet::new();
    let mut wanted = Vec::new();
    for (path, _, new) in window.iter().flat_map(|(_, changed)| changed.iter()) {
        let was = current.get(&format!("okrs/{path}")).copied().flatten();
        for id in [*new, was].into_iter().flatten() {
            if !cache.contains_key(&id) && seen.insert(id) {
                wanted.push((id, path.as_str()));
            }
        }
    }
    wanted
}

/// Each objective of the working tree by the blob id of its file's text.
fn blob_ids(org: &Org, kind: gix::hash::Kind) -> HashMap<gix::ObjectId, usize> {
    (org.objectives.par_iter().enumerate())
        .filter_map(|(i, o)| {
            let text = org.file(o.file).text.as_bytes();
            let id = gix::objs::compute_hash(kind, gix::objs::Kind::Blob, text).ok()?;
            Some((id, i))
        })
        .collect()
}

/// The versions `wanted`: those the working tree has from the check's parse
/// (a blob's id is the hash of its content: equal ids, equal text), the
/// others parsed from git.
fn parse_or_reuse(
    repo: &Repo,
    mut wanted: Vec<(gix::ObjectId, &str)>,
    tree: Option<(&Org, &HashMap<gix::ObjectId, usize>)>,
) -> Versions {
    let mut versions = Versions::new();
    if let Some((org, in_tree)) = tree {
        wanted.retain(|(id, _)| match in_tree.get(id) {
            Some(&i) => {
                let snapshot = Snapshot::of(&org.objectives[i]);
                versions.insert(*id, Version::Parsed(Arc::new(snapshot)));
                false
            }
            None => true,
        });
    }
    versions.extend(parse_versions(repo, &wanted));
    versions
}

/// Replays a window of steps in order, adding what each changed to `history`:
/// which versions each step compares follows from the steps before it, so
/// that is found in order; what they changed, and who changed it, on all
/// cores.
fn replay_window(
    repo: &Repo,
    chain: &[gix::ObjectId],
    start: usize,
    window: Vec<(usize, Vec<BlobChange>)>,
    cache: &Versions,
    current: &mut BTreeMap<String, Option<gix::ObjectId>>,
    history: &mut History,
) -> Result<(), HistoryError> {
    let mut compares: Vec<(gix::ObjectId, Sides)> = Vec::with_capacity(window.len());
    for (i, changed) in window {
        let sides = apply(current, changed, cache, chain[i], &mut history.missing);
        // The base of a cut chain is known, not changed.
        if i >= start {
            compares.push((chain[i], sides));
        }
    }
    let shared = repo.repo.clone().into_sync();
    let found = in_parallel(
        &shared,
        &repo.prefix,
        OBJECT_CACHE,
        &compares,
        |local, (commit, sides)| changes_in(local, *commit, sides),
    );
    for found in found {
        let Found { changes, commits } = found?;
        let first = history.commits.len();
        history.commits.extend(commits);
        for (compared, by, latest) in changes {
            history.add(
                compared.key,
                first + by,
                compared.changes,
                latest.as_deref(),
            );
        }
    }
    Ok(())
}

/// What one commit changed: each objective's changes, with the commit that
/// made them (an index into `commits`) and the objective's newer version;
/// and those commits, each once, in the order first named.
struct Found {
    changes: Vec<(Compared, usize, Option<Arc<Snapshot>>)>,
    commits: Vec<Commit>,
}

/// Compares the versions before and after `commit`; a change a merge
/// brought in is credited to the commit on its branch that made it.
fn changes_in(repo: &Repo, commit: gix::ObjectId, sides: &Sides) -> Result<Found, HistoryError> {
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
    let mut found = Found {
        changes: Vec::with_capacity(compared.len()),
        commits: Vec::new(),
    };
    if compared.is_empty() {
        return Ok(found);
    }
    // Where each objective's file is, the newer side first.
    let path = |c: &Compared| {
        c.new
            .map_or_else(|| c.old.map(|o| old[o].0), |n| Some(new[n].0))
    };
    let paths: Vec<&str> = compared.iter().filter_map(path).collect();
    let authors = side_authors(repo, commit, &paths);
    let mut indices: BTreeMap<gix::ObjectId, usize> = BTreeMap::new();
    for c in compared {
        let by = path(&c)
            .and_then(|p| authors.get(p))
            .copied()
            .unwrap_or(commit);
        let index = match indices.get(&by) {
            Some(&index) => index,
            None => {
                found.commits.push(repo.commit_info(by)?);
                indices.insert(by, found.commits.len() - 1);
                found.commits.len() - 1
            }
        };
        let latest = (c.new.map(|n| &sides.new[n].1))
            .or_else(|| c.old.map(|o| &sides.old[o].1))
            .cloned();
        found.changes.push((c, index, latest));
    }
    Ok(found)
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
    current: &mut BTreeMap<String, Option<gix::ObjectId>>,
    changed: Vec<BlobChange>,
    cache: &Versions,
    commit: gix::ObjectId,
    missing: &mut Vec<Missing>,
) -> Sides {
    let parsed = |id: gix::ObjectId| match cache.get(&id) {
        Some(Version::Parsed(snapshot)) => Some(snapshot.clone()),
        _ => None,
    };
    let mut sides = Sides::default();
    for (path, _, blob) in changed {
        let path = format!("okrs/{path}");
        let now = match blob.map(|id| (id, cache.get(&id).cloned().unwrap_or(Version::Missing))) {
            Some((_, Version::Broken)) => continue,
            Some((_, Version::Missing)) => {
                missing.push(Missing::Version {
                    path: path.clone(),
                    commit: short_id(commit),
                });
                sides.unsure = true;
                current.insert(path, None);
                continue;
            }
            Some((id, Version::Parsed(now))) => Some((id, now)),
            None => None,
        };
        let was = match &now {
            Some((id, _)) => current.insert(path.clone(), Some(*id)),
            None => current.remove(&path),
        };
        match was.map(|was| was.and_then(parsed)) {
            // Compared with a version git lacks, what changed is unknown.
            Some(None) => {
                sides.unsure = true;
                continue;
            }
            Some(Some(was)) => sides.old.push((path.clone(), was)),
            None => {}
        }
        if let Some((_, now)) = now {
            sides.new.push((path, now));
        }
    }
    sides
}

impl History {
    /// Adds one commit's changes to an objective, moving its record when its period changed.
    fn add(
        &mut self,
        key: Key,
        commit: usize,
        mut changes: Vec<Change>,
        latest: Option<&Snapshot>,
    ) {
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
        // Each version is parsed on its own, so its key results' ids and
        // titles are new strings: take those the record's latest entries
        // hold (a long history has hundreds of thousands of such changes,
        // most about a key result an entry just before was about).
        let mut shared = SharedStrings::default();
        let earlier =
            (record.entries.iter().rev().take(SHARE_FROM)).flat_map(|entry| entry.changes.iter());
        for (id, title) in earlier.filter_map(Change::key_result) {
            shared.keep(id);
            shared.keep(title);
        }
        for change in &mut changes {
            shared.share(change);
        }
        record.entries.push(Entry {
            commit,
            changes: changes.into_boxed_slice(),
        });
    }

    /// Its records joined to the objectives of `org` they are about.
    pub fn joined<'a>(&'a self, org: &'a Org) -> Joined<'a> {
        Joined::new(self, org)
    }
}

/// A history's records joined to the objectives of an organisation: made
/// once, so that no page or digest looks an objective up by its key.
#[derive(Default)]
pub struct Joined<'a> {
    /// Every record in key order, with its objective while it exists.
    records: Vec<(&'a Key, &'a Record, Option<usize>)>,
    /// Per objective, its record (empty without a history).
    of_objective: Vec<Option<&'a Record>>,
}

/// An entry of the history, the record it belongs to, and the objective it
/// is about while that exists.
pub struct JoinedEntry<'a> {
    pub key: &'a Key,
    pub record: &'a Record,
    pub entry: &'a Entry,
    /// The objective's index in the organisation.
    pub index: Option<usize>,
}

impl<'a> JoinedEntry<'a> {
    /// The objective's title: its current one while it exists, else the
    /// last one recorded.
    pub fn title(&self, org: &'a Org) -> &'a str {
        self.index.map_or(self.record.title.as_str(), |i| {
            org.objectives[i].title.value.as_str()
        })
    }
}

impl<'a> Joined<'a> {
    /// Walks the records (kept in key order) beside the objectives sorted the
    /// same way: one pass, whatever the history's length. Of objectives
    /// sharing a key (an error the check reports), the last in file order is
    /// the record's.
    fn new(history: &'a History, org: &'a Org) -> Joined<'a> {
        let key = |i: usize| {
            let o = &org.objectives[i];
            (o.period.value.as_str(), o.id.value.as_str())
        };
        let mut order: Vec<usize> = (0..org.objectives.len()).collect();
        order.sort_by(|&a, &b| key(a).cmp(&key(b)));
        let mut order = order.into_iter().peekable();
        let mut of_objective = vec![None; org.objectives.len()];
        let mut records = Vec::with_capacity(history.objectives.len());
        for (k, record) in &history.objectives {
            let wanted = (k.0.as_str(), k.1.as_str());
            while order.next_if(|&i| key(i) < wanted).is_some() {}
            let mut index = None;
            while let Some(i) = order.next_if(|&i| key(i) == wanted) {
                of_objective[i] = Some(record);
                index = Some(i);
            }
            records.push((k, record, index));
        }
        Joined {
            records,
            of_objective,
        }
    }

    /// Objective `index`'s record, when the history has one.
    pub fn of(&self, index: usize) -> Option<&'a Record> {
        self.of_objective.get(index).copied().flatten()
    }

    /// The entries `keep` keeps, newest commit first; one commit's in key order.
    pub fn newest_first(&self, keep: impl Fn(&Entry) -> bool) -> Vec<JoinedEntry<'a>> {
        let keep = &keep;
        let mut entries: Vec<JoinedEntry<'a>> = (self.records.iter())
            .flat_map(|&(key, record, index)| {
                (record.entries.iter())
                    .filter(move |e| keep(e))
                    .map(move |entry| JoinedEntry {
                        key,
                        record,
                        entry,
                        index,
                    })
            })
            .collect();
        // Stable: the records were in key order.
        entries.sort_by_key(|e| std::cmp::Reverse(e.entry.commit));
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{CONFIG, run};

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
            "target of “Revenue” lowered: 100,000 → 80,000"
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
        // A note or a confidence given later edits the check-in.
        for later in [
            "value = 5\nnote = \"Late\"\n",
            "value = 5\nconfidence = 0.5\n",
        ] {
            let edited = BASE.replace("value = 5\n", later);
            let changes = compare(&snapshot(BASE), &snapshot(&edited));
            assert!(
                matches!(
                    changes[..],
                    [Change::CheckIns {
                        added: 0,
                        removed: 0,
                        edited: 1,
                        ..
                    }]
                ),
                "{changes:?}"
            );
        }
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

    fn bare_record(title: &str) -> Record {
        Record {
            title: title.into(),
            owner: OwnerRef::Company,
            entries: Vec::new(),
        }
    }

    #[test]
    fn changes_about_a_key_result_share_its_id_and_title() {
        let key: Key = ("2026-Q1".into(), "grow".into());
        let mut history = History::disabled();
        let mut version = BASE.to_string();
        let mut before = snapshot(&version);
        for (commit, day) in (11..=14).enumerate() {
            version = version.replace(
                "+++\nWhy.",
                &format!(
                    "[[key_results.checkins]]\ndate = 2026-01-{day}\nvalue = {day}\n+++\nWhy."
                ),
            );
            let after = snapshot(&version);
            history.add(key.clone(), commit, compare(&before, &after), Some(&after));
            before = after;
        }
        let record = &history.objectives[&key];
        let named: Vec<(&Arc<str>, &Arc<str>)> = (record.entries.iter())
            .flat_map(|entry| entry.changes.iter())
            .filter_map(Change::key_result)
            .collect();
        assert_eq!(named.len(), 4, "{record:?}");
        assert_eq!((&**named[0].0, &**named[0].1), ("kr1", "Revenue"));
        for (id, title) in &named {
            assert!(Arc::ptr_eq(id, named[0].0) && Arc::ptr_eq(title, named[0].1));
        }
    }

    #[test]
    fn records_join_the_objectives_they_are_about_in_any_file_order() {
        let objective = |id: &str| {
            format!(
                "+++\ntitle = \"{id}\"\nperiod = \"2026-Q1\"\n\
                 [[key_results]]\ntitle = \"Signups from 0 to 2000\"\ntarget = 2000\n+++\n"
            )
        };
        let (zeta, alpha, beta) = (objective("zeta"), objective("alpha"), objective("beta"));
        let checked = run(&[
            CONFIG,
            ("okrs/2026-Q1/zeta.md", &zeta),
            ("okrs/2026-Q1/alpha.md", &alpha),
            ("okrs/2026-Q1/beta.md", &beta),
        ]);
        let org = &checked.org;
        let id = |i: usize| org.objectives[i].id.value.as_str();
        let mut history = History::disabled();
        for key in ["alpha", "gone", "zeta"] {
            history
                .objectives
                .insert(("2026-Q1".into(), key.into()), bare_record(key));
        }
        history
            .objectives
            .insert(("2025-Q4".into(), "zeta".into()), bare_record("old zeta"));
        let records = history.joined(org);
        let title_of = |i: usize| records.of(i).map(|r| r.title.as_str());
        let of = |name: &str| (0..3).find(|&i| id(i) == name).map(title_of);
        assert_eq!(of("zeta"), Some(Some("zeta")));
        assert_eq!(of("alpha"), Some(Some("alpha")));
        assert_eq!(of("beta"), Some(None));
        let joined: Vec<(&str, &str, Option<&str>)> = (records.records.iter())
            .map(|(k, _, i)| (k.0.as_str(), k.1.as_str(), i.map(id)))
            .collect();
        assert_eq!(
            joined,
            [
                ("2025-Q4", "zeta", None),
                ("2026-Q1", "alpha", Some("alpha")),
                ("2026-Q1", "gone", None),
                ("2026-Q1", "zeta", Some("zeta")),
            ]
        );
        assert!(Joined::default().of(0).is_none());
    }
}
