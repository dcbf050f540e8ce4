//! The history cache: what one build read from git (the history up to a
//! commit, and which version of each objective file it had reached), kept in
//! a file so that the next build reads only the commits made since.
//!
//! Everything in it is named by commit and blob ids, which are hashes of what
//! they name, so it holds in any clone that has those commits. It is used
//! only when the mainline of `HEAD` passes through the commit it was made at,
//! and only as written by this version of okr for the same folder of the
//! repository; anything else (a rewritten history, another repository, a
//! damaged or foreign file) reads the history afresh, and the next cache
//! replaces it. Deleting it only costs time.

use super::history::{History, Missing, Replayed};
use super::repo::{Cut, Repo, mainline, shallow_commits, short_id};
use super::stored::{Commits, ReadCommit, ReadRecord, Records};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The cache's folder in the OKR repository, unless `--cache` names another.
pub const CACHE_DIR: &str = ".okr-cache";
/// The file in that folder.
pub const CACHE_FILE: &str = "history.json";
/// Changes whenever what the file holds, or what it means, changes.
const FORMAT: u32 = 2;

/// A history cache as read back from its file (the history made from its
/// stored form as it is read: see [`super::stored`]).
#[derive(Deserialize)]
pub struct Cache {
    format: u32,
    okr: String,
    prefix: String,
    head: String,
    root: String,
    cut: StoredCut,
    commits: Vec<ReadCommit>,
    objectives: Vec<ReadRecord>,
    missing: Vec<Missing>,
    files: Vec<(String, Option<String>)>,
}

/// The file as written, from the history without copying it.
#[derive(Serialize)]
struct Writing<'a> {
    format: u32,
    okr: &'a str,
    prefix: &'a str,
    head: String,
    root: String,
    cut: StoredCut,
    commits: Commits<'a>,
    objectives: Records<'a>,
    missing: &'a [Missing],
    files: Vec<(&'a str, Option<String>)>,
}

/// Where the mainline ended when the cache was made: what must still hold.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum StoredCut {
    /// At its first commit: nothing can change that.
    Complete,
    /// At a shallow clone's boundary: still a boundary.
    Shallow,
    /// Before a commit the repository lacked: still lacks.
    Missing { parent: String },
}

/// Whether a build read the history with a cache.
#[derive(Clone, Debug, PartialEq)]
pub enum CacheUse {
    /// From the cache, and the commits made since.
    Warm { new_commits: usize },
    /// All of it from git; why the cache could not serve, when there was one.
    Cold(Option<String>),
}

impl fmt::Display for CacheUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheUse::Warm { new_commits: 1 } => {
                f.write_str("history from the cache and 1 new commit")
            }
            CacheUse::Warm { new_commits } => {
                write!(f, "history from the cache and {new_commits} new commits")
            }
            CacheUse::Cold(None) => f.write_str("history read from git (no cache yet)"),
            CacheUse::Cold(Some(why)) => {
                write!(f, "history read from git: the cache was not used ({why})")
            }
        }
    }
}

/// A cache that matches the repository: the replay up to its commit, and
/// the mainline from there to `HEAD`.
pub(super) struct Resumed {
    pub(super) chain: Vec<gix::ObjectId>,
    pub(super) cut: Cut,
    pub(super) root: gix::ObjectId,
    pub(super) replayed: Replayed,
}

/// What a build keeps for the next one, besides the history it read: to be
/// written with [`CacheState::write`] once the history is in use (rendering
/// need not wait for it).
pub struct CacheState {
    prefix: String,
    head: gix::ObjectId,
    root: gix::ObjectId,
    cut: Cut,
    files: BTreeMap<String, Option<gix::ObjectId>>,
}

impl CacheState {
    pub(super) fn new(
        prefix: &str,
        head: gix::ObjectId,
        root: gix::ObjectId,
        cut: Cut,
        files: BTreeMap<String, Option<gix::ObjectId>>,
    ) -> CacheState {
        CacheState {
            prefix: prefix.to_string(),
            head,
            root,
            cut,
            files,
        }
    }

    /// Writes the cache of `history` (as [`super::history::Walk::finish`]
    /// returned it with this state) to `out`.
    pub fn write(&self, history: &History, out: impl std::io::Write) -> std::io::Result<()> {
        // The gap of a missing first commit is said anew by each build.
        let missing = match self.cut {
            Cut::Missing(_) => history.missing.get(1..).unwrap_or_default(),
            _ => &history.missing,
        };
        let writing = Writing {
            format: FORMAT,
            okr: env!("CARGO_PKG_VERSION"),
            prefix: &self.prefix,
            head: self.head.to_string(),
            root: self.root.to_string(),
            cut: match self.cut {
                Cut::None => StoredCut::Complete,
                Cut::Shallow => StoredCut::Shallow,
                Cut::Missing(parent) => StoredCut::Missing {
                    parent: parent.to_string(),
                },
            },
            commits: Commits(&history.commits),
            objectives: Records(&history.objectives),
            missing,
            files: (self.files.iter())
                .map(|(path, id)| (path.as_str(), id.map(|id| id.to_string())))
                .collect(),
        };
        serde_json::to_writer(out, &writing).map_err(std::io::Error::other)
    }
}

impl Cache {
    /// Reads a cache file's bytes; an error says why they cannot serve.
    pub fn decode(bytes: &[u8]) -> Result<Cache, String> {
        const DAMAGED: &str = "the file is damaged or not a cache of this version of okr";
        let cache: Cache = serde_json::from_slice(bytes).map_err(|_| DAMAGED.to_string())?;
        if cache.format != FORMAT || cache.okr != env!("CARGO_PKG_VERSION") {
            return Err(format!("written by okr {}", cache.okr));
        }
        let commits = cache.commits.len();
        if !(cache.objectives.iter()).all(|r| r.names_commits_below(commits)) {
            return Err(DAMAGED.into());
        }
        Ok(cache)
    }

    /// The replay the cache holds and the commits to replay after it, when
    /// the cache matches `repo`; else why not.
    pub(super) fn resume(self, repo: &Repo) -> Result<Resumed, String> {
        if self.prefix != repo.prefix {
            return Err("it was made for another folder of the repository".into());
        }
        let id = |hex: &str| {
            gix::ObjectId::from_hex(hex.as_bytes()).map_err(|_| "the file is damaged".to_string())
        };
        let (head, root) = (id(&self.head)?, id(&self.root)?);
        let (chain, end) = mainline(repo, Some(head)).map_err(|e| e.to_string())?;
        if end.is_some() {
            return Err(format!(
                "it was made at commit {}, which the history of HEAD does not pass through: \
                 a rewritten history, or another repository",
                short_id(head)
            ));
        }
        let cut = match &self.cut {
            StoredCut::Complete => Cut::None,
            StoredCut::Shallow if shallow_commits(repo).is_ok_and(|s| s.contains(&root)) => {
                Cut::Shallow
            }
            StoredCut::Shallow => return Err("the clone is no longer as shallow".into()),
            StoredCut::Missing { parent } => {
                let parent = id(parent)?;
                if repo.has_commit(parent) {
                    return Err("a commit missing then is there now".into());
                }
                Cut::Missing(parent)
            }
        };
        let mut files = BTreeMap::new();
        for (path, blob) in self.files {
            files.insert(path, blob.as_deref().map(id).transpose()?);
        }
        let mut history = History::empty(super::history::Extent::Complete);
        history.commits = self.commits.into_iter().map(|c| c.0).collect();
        history.objectives = self.objectives.into_iter().map(|r| (r.0, r.1)).collect();
        history.missing = self.missing;
        Ok(Resumed {
            chain,
            cut,
            root,
            replayed: Replayed { history, files },
        })
    }
}
