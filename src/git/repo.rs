//! The git repository as the history reads it (with `gix`): the mainline,
//! which files each commit changed, the blobs of their versions, and the
//! files of a revision for `okr diff`.

use crate::read::load::{Stored, StoredKind};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// A commit that changed objectives.
#[derive(Clone, Debug, PartialEq)]
pub struct Commit {
    /// The full id, in hex.
    pub id: String,
    pub author: String,
    /// The author's date, in the author's time zone.
    pub date: NaiveDate,
    /// The first line of the commit message.
    pub summary: String,
}

impl Commit {
    /// Its short id: a slice of the id, not a copy (a long history has a
    /// hundred thousand commits).
    pub fn short(&self) -> &str {
        short_hex(&self.id)
    }
}

/// How many hex digits of a commit id name it briefly, as `git log
/// --oneline` shows them.
pub(super) const SHORT_ID_LEN: usize = 7;

/// The short form of a commit id written in hex.
pub fn short_hex(id: &str) -> &str {
    id.get(..SHORT_ID_LEN).unwrap_or(id)
}

/// The short form of a commit id.
pub(super) fn short_id(id: gix::ObjectId) -> String {
    id.to_hex_with_len(SHORT_ID_LEN).to_string()
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

pub(super) fn git(e: impl fmt::Display) -> HistoryError {
    HistoryError::Git(e.to_string())
}

/// Whether [`Repo::files_at`] reads an entry's content: links, `okr.toml` and
/// the Markdown files; other files are judged by their names alone.
fn content_needed(path: &[u8], mode: gix::objs::tree::EntryMode) -> bool {
    mode.is_link() || (mode.is_blob() && (path == b"okr.toml" || path.ends_with(b".md")))
}

/// A file that differs between two trees: its path below them, the old blob
/// and the new one (`None`: not there).
pub(super) type BlobChange = (String, Option<gix::ObjectId>, Option<gix::ObjectId>);

/// Bytes of decoded objects a handle that reads commits keeps: a commit is
/// read for its parents, then again for its author and message.
pub(super) const OBJECT_CACHE: usize = 4 * 1024 * 1024;

/// A git repository and where the OKR repository sits in it.
pub struct Repo {
    pub(super) repo: gix::Repository,
    /// The OKR root relative to the work tree, `""` or ending in `/`.
    pub(super) prefix: String,
    /// Tree objects read by the last tree diffs, and buffers to reuse.
    pub(super) trees: std::cell::RefCell<super::tree_diff::Trees>,
}

impl Repo {
    /// The repository whose work tree holds `dir`.
    pub fn open(dir: &Path) -> Result<Repo, HistoryError> {
        let not_a_repository = || HistoryError::NotARepository(dir.to_path_buf());
        let absolute = dir.canonicalize().map_err(|_| not_a_repository())?;
        let repo = gix::discover(&absolute).map_err(|_| not_a_repository())?;
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
        Ok(Repo::opened(repo, prefix))
    }

    /// The same repository, opened afresh. What a handle maps of git's pack
    /// files stays mapped, and counted in the process's memory, until the
    /// last handle of its opening is gone: reading a long history a part at
    /// a time, each part with its own opening, holds one part's worth.
    pub(super) fn reopen(&self) -> Result<Repo, HistoryError> {
        let dir = self.repo.workdir().unwrap_or_else(|| self.repo.git_dir());
        let repo = gix::discover(dir).map_err(git)?;
        Ok(Repo::opened(repo, self.prefix.clone()))
    }

    /// The repository for one part of a history read in parts when it is
    /// `long` (see [`Repo::reopen`]): its own opening; else `None`, this one.
    pub(super) fn opened_for_part(&self, long: bool) -> Result<Option<Repo>, HistoryError> {
        long.then(|| self.reopen()).transpose()
    }

    /// A repository just opened, reading the folder `prefix` of it.
    fn opened(mut repo: gix::Repository, prefix: String) -> Repo {
        repo.object_cache_size_if_unset(OBJECT_CACHE);
        Repo {
            repo,
            prefix,
            trees: Default::default(),
        }
    }

    /// A handle of this thread on a repository opened by another.
    fn local(shared: &gix::ThreadSafeRepository, prefix: &str, object_cache: usize) -> Repo {
        let mut repo = shared.to_thread_local();
        repo.object_cache_size(object_cache);
        Repo {
            repo,
            prefix: prefix.to_string(),
            trees: Default::default(),
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
    pub(super) fn subtree(
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

    /// The entries of the OKR repository's layout in a commit: `okr.toml`,
    /// and everything in `teams/`, `people/` and `okrs/`, links and folders
    /// included, for [`crate::read::load::from_bytes`] to judge as it judges files on disk.
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
        // Submodules are left out.
        entries.retain(|(_, mode, _)| mode.is_tree() || mode.is_blob() || mode.is_link());
        // The contents needed, read at once as git's packs store them: a
        // revision of a large organisation has thousands.
        let ids: Vec<gix::ObjectId> = (entries.iter())
            .filter(|(path, mode, _)| content_needed(path, *mode))
            .map(|(_, _, id)| *id)
            .collect();
        let mut contents =
            super::packs::read_blobs(self, &ids, |_, blob| blob.map(<[u8]>::to_vec)).into_iter();
        for (path, mode, id) in entries {
            let content = if content_needed(&path, mode) {
                (contents.next().flatten())
                    .ok_or_else(|| git(format_args!("git cannot read the object {id}")))?
            } else {
                Vec::new()
            };
            let what = if mode.is_tree() {
                StoredKind::Folder
            } else if mode.is_link() {
                StoredKind::Link(content)
            } else {
                StoredKind::File(content)
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

    /// Whether the repository has, and can read, the commit `id`.
    pub(super) fn has_commit(&self, id: gix::ObjectId) -> bool {
        self.repo.find_commit(id).is_ok()
    }

    pub(super) fn commit_info(&self, id: gix::ObjectId) -> Result<Commit, HistoryError> {
        let commit = self.repo.find_commit(id).map_err(git)?;
        let decoded = commit.decode().map_err(git)?;
        let author = decoded.author().map_err(git)?;
        let time = author.time().map_err(git)?;
        let date = chrono::DateTime::from_timestamp(time.seconds + i64::from(time.offset), 0)
            .map_or(NaiveDate::MIN, |t| t.date_naive());
        let summary = decoded.message().summary().to_string();
        Ok(Commit {
            id: id.to_string(),
            author: author.name.to_string().trim().to_string(),
            date,
            summary,
        })
    }
}

/// Where the first-parent chain of `HEAD` ends, when not at the first commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cut {
    /// At the first commit: the whole history.
    None,
    /// At a shallow clone's boundary, as `.git/shallow` says.
    Shallow,
    /// Before a parent commit the repository lacks.
    Missing(gix::ObjectId),
}

/// The first-parent chain of `HEAD`, oldest first, and where it ends; or,
/// when it reaches `stop`, the chain from `stop` on (and `None`).
pub(super) fn mainline(
    repo: &Repo,
    stop: Option<gix::ObjectId>,
) -> Result<(Vec<gix::ObjectId>, Option<Cut>), HistoryError> {
    let shallow = shallow_commits(repo)?;
    let mut chain = Vec::new();
    let head = repo.repo.head_id().map_err(git)?.detach();
    // Each commit is read once: as the parent it is checked for, then walked on from.
    let mut commit = repo.repo.find_commit(head).map_err(git)?;
    let mut cut = Some(Cut::None);
    loop {
        let id = commit.id;
        chain.push(id);
        if Some(id) == stop {
            cut = None;
            break;
        }
        if shallow.contains(&id) {
            cut = Some(Cut::Shallow);
            break;
        }
        let Some(parent) = commit.parent_ids().next().map(|p| p.detach()) else {
            break;
        };
        match repo.repo.find_commit(parent) {
            Ok(found) => commit = found,
            Err(_) => {
                // Not a shallow clone's edge (that is in `.git/shallow`): a
                // commit lost or unreadable, which the history must name.
                cut = Some(Cut::Missing(parent));
                break;
            }
        }
    }
    chain.reverse();
    Ok((chain, cut))
}

/// The commits a shallow clone's history ends at (`.git/shallow`).
pub(super) fn shallow_commits(repo: &Repo) -> Result<BTreeSet<gix::ObjectId>, HistoryError> {
    Ok(repo
        .repo
        .shallow_commits()
        .map_err(git)?
        .map(|commits| commits.iter().copied().collect())
        .unwrap_or_default())
}

/// Runs `work` over `items` on all cores, in chunks: each chunk with its own
/// handle on the repository (opening one is not free).
pub(super) fn in_parallel<T: Sync, R: Send>(
    shared: &gix::ThreadSafeRepository,
    prefix: &str,
    object_cache: usize,
    items: &[T],
    work: impl Fn(&Repo, &T) -> R + Sync,
) -> Vec<R> {
    in_parallel_backwards(shared, prefix, object_cache, items, false, work)
}

/// [`in_parallel`], each chunk worked through from its end when `backwards`;
/// the results in the items' order either way.
pub(super) fn in_parallel_backwards<T: Sync, R: Send>(
    shared: &gix::ThreadSafeRepository,
    prefix: &str,
    object_cache: usize,
    items: &[T],
    backwards: bool,
    work: impl Fn(&Repo, &T) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(rayon::current_num_threads()).max(1);
    items
        .par_chunks(chunk)
        .flat_map_iter(|chunk| {
            let local = Repo::local(shared, prefix, object_cache);
            if !backwards {
                return chunk.iter().map(|item| work(&local, item)).collect();
            }
            let mut done: Vec<R> = chunk.iter().rev().map(|item| work(&local, item)).collect();
            done.reverse();
            done
        })
        .collect()
}

/// Whether versions of the same tree, oldest first, are read faster newest
/// first. Git's caches keep the objects read last, so a version is cheap
/// when the one it is stored as a delta of was read just before. Packs made
/// by `git repack` (a server's, hence a clone's) store the newest version
/// whole and older ones as deltas of newer ones; packs made by
/// `git fast-import` the other way round. Told from how many
/// deltas deep consecutive versions of `okrs/` and of its folders (the
/// periods: the large trees, where it matters) are stored, at up to 32
/// places.
pub(super) fn newer_are_bases(repo: &Repo, versions: &[Option<gix::ObjectId>]) -> bool {
    use gix::odb::Header as _;
    let depth = |id: gix::ObjectId| match repo.repo.objects.try_header(&id) {
        Ok(Some(gix::odb::find::Header::Packed(found))) => Some(found.num_deltas),
        _ => None,
    };
    let folders = |id: gix::ObjectId| -> BTreeMap<Vec<u8>, gix::ObjectId> {
        let Ok(tree) = repo.repo.find_tree(id) else {
            return BTreeMap::new();
        };
        let Ok(decoded) = tree.decode() else {
            return BTreeMap::new();
        };
        (decoded.entries.iter())
            .filter(|e| e.mode.is_tree())
            .map(|e| (e.filename.to_vec(), e.oid.to_owned()))
            .collect()
    };
    let pairs: Vec<(gix::ObjectId, gix::ObjectId)> = versions
        .windows(2)
        .filter_map(|pair| Some((pair[0]?, pair[1]?)))
        .filter(|(older, newer)| older != newer)
        .collect();
    let step = pairs.len().div_ceil(32).max(1);
    let (mut older_deeper, mut newer_deeper) = (0, 0);
    for &(older, newer) in pairs.iter().step_by(step) {
        let (inside_older, inside_newer) = (folders(older), folders(newer));
        let changed = (inside_older.iter())
            .filter_map(|(name, &id)| Some((id, *inside_newer.get(name)?)))
            .filter(|(a, b)| a != b);
        for (a, b) in std::iter::once((older, newer)).chain(changed) {
            match (depth(a), depth(b)) {
                (Some(a), Some(b)) if a > b => older_deeper += 1,
                (Some(a), Some(b)) if a < b => newer_deeper += 1,
                _ => {}
            }
        }
    }
    older_deeper > newer_deeper
}

/// For a merge commit, the commit on the merged side that last changed each
/// of `paths` (relative to the OKR root), so that a change is credited to who
/// made it rather than who merged it. Empty for other commits, and where the
/// side cannot be read (a shallow clone): the merge is credited then.
pub(super) fn side_authors(
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
