//! Where `okr build` may write: never over the repository, a folder of its
//! sources, the file system root, the home folder or one containing it, nor
//! over anything that is not a folder (a file, a link, a pipe, a device);
//! and over an existing folder only when an earlier build left its marker
//! there (or with `--force`).
//! And how it writes there: into a [`Staging`] folder beside the output,
//! swapped in whole when the site is complete.

use rayon::prelude::*;
use std::fmt;
use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file every built site carries, so a later build knows the folder is its own.
pub const MARKER: &str = ".okr-site";

/// Folders of a repository that hold its sources.
const SOURCE_FOLDERS: &[&str] = &["teams", "people", "okrs", "templates", "static"];

#[derive(Debug, PartialEq, Eq)]
pub enum OutputError {
    /// The output is a place no build may replace; the reason says which.
    Forbidden { out: PathBuf, reason: &'static str },
    /// A non-empty folder without the marker: perhaps someone's work.
    NotASite(PathBuf),
    /// The output exists but is not a folder: `what` it is instead.
    NotAFolder { out: PathBuf, what: &'static str },
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::Forbidden { out, reason } => {
                write!(
                    f,
                    "refusing to build into {}: {reason}; pass another --out",
                    out.display()
                )
            }
            OutputError::NotASite(out) => write!(
                f,
                "refusing to replace {}: it is not empty and no okr build made it (no {MARKER}); \
                 pass another --out, or --force to replace it",
                out.display()
            ),
            OutputError::NotAFolder { out, what } => write!(
                f,
                "refusing to replace {}: it is {what}, not a folder (links are not followed); \
                 pass --out a folder, or a path where nothing exists yet",
                out.display()
            ),
        }
    }
}

impl std::error::Error for OutputError {}

/// `path` made absolute and free of `.`, `..` and symbolic links, as far as it
/// exists; the rest is appended as written (it cannot hold links yet).
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                // Step up from where a link really leads, as the system would.
                if let Ok(real) = std::fs::canonicalize(&resolved) {
                    resolved = real;
                }
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other),
        }
    }
    let mut existing = resolved.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
    resolved.extend(rest.into_iter().rev());
    resolved
}

/// Whether a build may write its site to `out` for the repository at `root`.
pub fn check(root: &Path, out: &Path, force: bool) -> Result<(), OutputError> {
    let root = resolve(root);
    let target = resolve(out);
    let forbidden = |reason| {
        Err(OutputError::Forbidden {
            out: out.to_path_buf(),
            reason,
        })
    };
    if target.parent().is_none() {
        return forbidden("it is the root of the file system");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        let home = resolve(Path::new(&home));
        if home == target {
            return forbidden("it is the home folder");
        }
        // Replacing it would delete the home folder with it.
        if home.starts_with(&target) {
            return forbidden("it contains the home folder");
        }
    }
    if target == root {
        return forbidden("it is the OKR repository itself");
    }
    if root.starts_with(&target) {
        return forbidden("it contains the OKR repository");
    }
    // A source folder may itself be a link: compare where it leads too.
    if SOURCE_FOLDERS.iter().any(|folder| {
        let folder = root.join(folder);
        target.starts_with(&folder) || target.starts_with(resolve(&folder))
    }) {
        return forbidden("it is inside a folder of the repository's sources");
    }
    if let Some(what) = not_a_folder(out) {
        return Err(OutputError::NotAFolder {
            out: out.to_path_buf(),
            what,
        });
    }
    let empty = std::fs::read_dir(&target)
        .map(|mut entries| entries.next().is_none())
        .unwrap_or(true);
    if target.is_dir() && !empty && !target.join(MARKER).is_file() && !force {
        return Err(OutputError::NotASite(out.to_path_buf()));
    }
    Ok(())
}

/// What `out` is, if it exists and is not a folder. Decided on the path as
/// written, without following a link at its end (a trailing `/` would), so a
/// link is refused whatever it leads to: a swap would replace the link, or
/// what it leads to, with the site.
fn not_a_folder(out: &Path) -> Option<&'static str> {
    // Components drop a trailing `/` and inner `.`.
    let literal: PathBuf = out.components().collect();
    let kind = std::fs::symlink_metadata(&literal).ok()?.file_type();
    if kind.is_dir() {
        return None;
    }
    Some(if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_file() {
        "a file"
    } else {
        special_kind(&kind)
    })
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "something else"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "something else"
}

/// A folder beside the output that a build writes the new site into, then
/// swaps in for the output in one step. Dropped without [`Staging::swap_in`]
/// (a failed build), it is removed and the output stays as it was.
///
/// It is named `.<output>.okr-new-<pid>` and locked while the build runs, so a
/// later build can tell a live build's folder from one a killed build left,
/// and removes the latter.
#[derive(Debug)]
pub struct Staging {
    /// The output folder, resolved (`check` refused a link at its end).
    out: PathBuf,
    dir: PathBuf,
    /// Holds the lock on `dir` for as long as the build runs.
    _lock: Option<File>,
}

/// Name parts of the folders a build keeps beside the output while it runs.
const STAGING: &str = ".okr-new-";
const RETIRED: &str = ".okr-old-";

/// A write that failed, with the path it was for.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub error: io::Error,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for WriteError {}

fn at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |error| WriteError {
        path: path.to_path_buf(),
        error,
    }
}

/// Like [`at`] for the output folder itself, which can be busy for a reason
/// worth naming: a folder something is mounted on cannot be renamed.
fn at_output(out: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |error| {
        let error = if error.kind() == io::ErrorKind::ResourceBusy {
            io::Error::new(
                error.kind(),
                format!("{error}; a mount point cannot be replaced, build into a folder inside it"),
            )
        } else {
            error
        };
        at(out)(error)
    }
}

/// An exclusive lock on `dir`, if it can be had now; `None` while another
/// process holds it (or the file system has no locks).
#[cfg(unix)]
fn try_lock(dir: &Path) -> Option<File> {
    let file = File::open(dir).ok()?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).ok()?;
    Some(file)
}

#[cfg(not(unix))]
fn try_lock(dir: &Path) -> Option<File> {
    File::open(dir).ok()
}

/// Swaps two paths in one step where the system can; `Ok(false)` where it cannot.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // An old kernel, or a file system without the exchange (some network ones).
        Err(e)
            if e == rustix::io::Errno::INVAL
                || e == rustix::io::Errno::NOSYS
                || e == rustix::io::Errno::NOTSUP =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

impl Staging {
    /// Creates a fresh staging folder beside `out`, after removing what
    /// killed builds left there.
    pub fn create(out: &Path) -> Result<Staging, WriteError> {
        let out = resolve(out);
        let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
            return Err(WriteError {
                path: out.clone(),
                error: io::ErrorKind::InvalidInput.into(),
            });
        };
        let name = name.to_string_lossy().into_owned();
        std::fs::create_dir_all(parent).map_err(at(parent))?;
        remove_leftovers(parent, &name, &out);
        let dir = parent.join(format!(".{name}{STAGING}{}", std::process::id()));
        std::fs::create_dir(&dir).map_err(at(&dir))?;
        let lock = try_lock(&dir);
        Ok(Staging {
            out,
            dir,
            _lock: lock,
        })
    }

    /// The folder to write the new site into.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Puts the new site in place of the output folder. Where the system can
    /// swap two folders in one step (Linux, macOS), readers and a kill at any
    /// moment see either the whole old site or the whole new one. Elsewhere it
    /// takes two renames, between which the output folder is missing; a build
    /// killed there leaves the old site beside it, and the next build puts it back.
    pub fn swap_in(self) -> Result<(), WriteError> {
        let out = &self.out;
        if std::fs::symlink_metadata(out).is_err() {
            return std::fs::rename(&self.dir, out).map_err(at(out));
        }
        if exchange(&self.dir, out).map_err(at_output(out))? {
            // `dir` now holds the previous site; dropping `self` removes it.
            return Ok(());
        }
        swap_by_renames(&self.dir, out, &self.sibling(RETIRED))
    }

    fn sibling(&self, kind: &str) -> PathBuf {
        let name = self.out.file_name().unwrap_or_default().to_string_lossy();
        self.dir
            .with_file_name(format!(".{name}{kind}{}", std::process::id()))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        remove_tree(&self.dir);
    }
}

/// Moves `out` aside to `retired`, `new` into its place, and removes the old
/// site; on failure the old site is put back.
fn swap_by_renames(new: &Path, out: &Path, retired: &Path) -> Result<(), WriteError> {
    std::fs::rename(out, retired).map_err(at_output(out))?;
    if let Err(error) = std::fs::rename(new, out) {
        let _ = std::fs::rename(retired, out);
        return Err(at(out)(error));
    }
    remove_tree(retired);
    Ok(())
}

/// Removes the staging and retired folders of builds that were killed: those
/// no live build holds locked. If a build was killed between the two renames
/// of a swap, the previous site is put back first.
fn remove_leftovers(parent: &Path, name: &str, out: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let mut leftovers: Vec<(PathBuf, bool)> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let file_name = entry.file_name();
            let rest = file_name.to_str()?.strip_prefix('.')?.strip_prefix(name)?;
            let (retired, pid) = match rest.strip_prefix(STAGING) {
                Some(pid) => (false, pid),
                None => (true, rest.strip_prefix(RETIRED)?),
            };
            (!pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
                .then(|| (entry.path(), retired))
        })
        .collect();
    leftovers.sort();
    for (path, retired) in leftovers {
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(_) => continue,
        };
        if !meta.is_dir() {
            // Not made by a build: a link is removed, never followed.
            let _ = std::fs::remove_file(&path);
            continue;
        }
        let Some(_lock) = try_lock(&path) else {
            continue; // a build is writing there right now
        };
        if retired && std::fs::symlink_metadata(out).is_err() && std::fs::rename(&path, out).is_ok()
        {
            continue;
        }
        remove_tree(&path);
    }
}

/// Removes a folder tree, on all cores: an old site is thousands of folders
/// of one page each, most of them in one folder per period, so removing
/// only the top-level entries in parallel left one core doing most of it.
/// Links are removed, never followed.
pub fn remove_tree(path: &Path) {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            let _ = std::fs::remove_file(path);
            return;
        }
        Err(_) => return,
    }
    remove_contents(path, 0);
    // Whatever could not go above goes here, or stays.
    let _ = std::fs::remove_dir_all(path);
}

/// Folders this deep below the removed one are removed on all cores; deeper
/// ones, which a site does not have, by `remove_dir_all` (no recursion
/// without bound).
const PARALLEL_DEPTH: usize = 4;

/// Removes what folder `dir`, `depth` below the removed one, holds.
fn remove_contents(dir: &Path, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // The entry's own type: a link is a link, not what it leads to.
    let entries: Vec<(PathBuf, bool)> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            Some((e.path(), e.file_type().ok()?.is_dir()))
        })
        .collect();
    entries.par_iter().for_each(|(path, is_dir)| {
        let _ = match (is_dir, depth < PARALLEL_DEPTH) {
            (true, true) => {
                remove_contents(path, depth + 1);
                std::fs::remove_dir(path)
            }
            // `remove_dir_all` does not follow links either.
            (true, false) => std::fs::remove_dir_all(path),
            (false, _) => std::fs::remove_file(path),
        };
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder holding `repo/okrs/`, removed when the test is done with it.
    struct Scratch(PathBuf);

    impl std::ops::Deref for Scratch {
        type Target = Path;

        fn deref(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn scratch(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("okr-output-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("repo/okrs")).unwrap();
        Scratch(dir)
    }

    fn reason(result: Result<(), OutputError>) -> &'static str {
        match result {
            Err(OutputError::Forbidden { reason, .. }) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn refuses_the_repository_its_ancestors_and_its_sources() {
        let dir = scratch("sources");
        let repo = dir.join("repo");
        assert_eq!(
            reason(check(&repo, &repo, true)),
            "it is the OKR repository itself"
        );
        assert_eq!(
            reason(check(&repo, &repo.join("public/.."), true)),
            "it is the OKR repository itself"
        );
        assert_eq!(
            reason(check(&repo, &dir, true)),
            "it contains the OKR repository"
        );
        assert_eq!(
            reason(check(&repo, &repo.join("okrs/site"), true)),
            "it is inside a folder of the repository's sources"
        );
        assert_eq!(
            reason(check(&repo, Path::new("/"), true)),
            "it is the root of the file system"
        );
        assert_eq!(check(&repo, &repo.join("public"), false), Ok(()));
    }

    #[test]
    fn refuses_a_link_that_leads_into_the_sources() {
        let dir = scratch("link");
        let repo = dir.join("repo");
        std::os::unix::fs::symlink(repo.join("okrs"), dir.join("sneaky")).unwrap();
        assert_eq!(
            reason(check(&repo, &dir.join("sneaky"), true)),
            "it is inside a folder of the repository's sources"
        );
    }

    #[test]
    fn refuses_where_a_linked_source_folder_leads() {
        let dir = scratch("linked-source");
        let repo = dir.join("repo");
        std::fs::create_dir_all(dir.join("shared")).unwrap();
        std::os::unix::fs::symlink(dir.join("shared"), repo.join("templates")).unwrap();
        assert_eq!(
            reason(check(&repo, &dir.join("shared/site"), true)),
            "it is inside a folder of the repository's sources"
        );
    }

    /// Every name in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn site(dir: &Path, page: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("index.html"), page).unwrap();
    }

    fn page(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("index.html")).unwrap()
    }

    #[test]
    fn a_staging_folder_is_swapped_in_whole_or_removed() {
        let dir = scratch("swap");
        let out = dir.join("site");
        site(&out, "old");
        let staging = Staging::create(&out).unwrap();
        site(staging.path(), "half");
        drop(staging); // a failed build
        assert_eq!(page(&out), "old");
        assert_eq!(names(&dir), ["repo", "site"]);

        let staging = Staging::create(&out).unwrap();
        site(staging.path(), "new");
        staging.swap_in().unwrap();
        assert_eq!(page(&out), "new");
        assert_eq!(names(&dir), ["repo", "site"]);

        // Where the system cannot exchange two folders: two renames.
        let new = dir.join("new");
        site(&new, "newer");
        swap_by_renames(&new, &out, &dir.join("retired")).unwrap();
        assert_eq!(page(&out), "newer");
        assert_eq!(names(&dir), ["repo", "site"]);
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed_but_not_those_of_live_ones() {
        let dir = scratch("leftovers");
        let out = dir.join("site");
        site(&out, "old");
        site(&dir.join(".site.okr-new-1"), "killed");
        site(&dir.join(".site.okr-old-2"), "killed");
        site(&dir.join(".site.okr-new-3"), "live");
        site(&dir.join(".site.okr-new-x"), "not a build's");
        let live = try_lock(&dir.join(".site.okr-new-3")).unwrap();
        let staging = Staging::create(&out).unwrap();
        let mine = staging.path().file_name().unwrap().to_string_lossy();
        let mut expected = vec![".site.okr-new-3", ".site.okr-new-x", &mine, "repo", "site"];
        expected.sort();
        assert_eq!(names(&dir), expected);
        assert!(
            try_lock(staging.path()).is_none(),
            "the build holds its folder"
        );
        drop((live, staging));
    }

    #[test]
    fn a_site_moved_aside_by_a_killed_swap_is_put_back() {
        let dir = scratch("put-back");
        let out = dir.join("site");
        site(&dir.join(".site.okr-old-9"), "old");
        site(&dir.join(".site.okr-new-9"), "new, complete");
        let staging = Staging::create(&out).unwrap();
        assert_eq!(page(&out), "old");
        drop(staging);
        assert_eq!(names(&dir), ["repo", "site"]);
    }

    #[test]
    fn replaces_only_its_own_sites_unless_forced() {
        let dir = scratch("marker");
        let repo = dir.join("repo");
        let out = dir.join("docs");
        std::fs::create_dir_all(&out).unwrap();
        assert_eq!(check(&repo, &out, false), Ok(()), "an empty folder is fine");
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        assert_eq!(
            check(&repo, &out, false),
            Err(OutputError::NotASite(out.clone()))
        );
        assert_eq!(check(&repo, &out, true), Ok(()));
        std::fs::write(out.join(MARKER), "").unwrap();
        assert_eq!(check(&repo, &out, false), Ok(()));
        std::fs::write(dir.join("file"), "").unwrap();
        assert_eq!(
            check(&repo, &dir.join("file"), true),
            Err(OutputError::NotAFolder {
                out: dir.join("file"),
                what: "a file"
            })
        );
    }

    #[test]
    fn a_tree_is_removed_to_any_depth_and_links_in_it_are_not_followed() {
        let dir = scratch("remove-tree");
        let tree = dir.join("site");
        let deep =
            (0..PARALLEL_DEPTH + 3).fold(tree.join("objectives"), |p, i| p.join(format!("d{i}")));
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("index.html"), "deep").unwrap();
        for i in 0..50 {
            let page = tree.join(format!("objectives/2026-Q1/o{i}"));
            std::fs::create_dir_all(&page).unwrap();
            std::fs::write(page.join("index.html"), "page").unwrap();
        }
        std::fs::write(tree.join("okrs.json"), "{}").unwrap();
        let kept = dir.join("kept");
        std::fs::create_dir_all(&kept).unwrap();
        std::fs::write(kept.join("file"), "kept").unwrap();
        std::os::unix::fs::symlink(&kept, tree.join("objectives/to-kept")).unwrap();
        std::os::unix::fs::symlink(kept.join("file"), tree.join("to-file")).unwrap();
        remove_tree(&tree);
        assert!(std::fs::symlink_metadata(&tree).is_err());
        assert_eq!(std::fs::read_to_string(kept.join("file")).unwrap(), "kept");
        // A link in place of the tree is removed as itself.
        std::os::unix::fs::symlink(&kept, dir.join("as-link")).unwrap();
        remove_tree(&dir.join("as-link"));
        assert!(std::fs::symlink_metadata(dir.join("as-link")).is_err());
        assert_eq!(std::fs::read_to_string(kept.join("file")).unwrap(), "kept");
    }

    #[test]
    fn links_are_refused_whatever_they_lead_to() {
        let dir = scratch("out-links");
        let repo = dir.join("repo");
        std::fs::create_dir_all(dir.join("www")).unwrap();
        std::os::unix::fs::symlink(dir.join("www"), dir.join("to-folder")).unwrap();
        std::os::unix::fs::symlink(dir.join("none"), dir.join("dangling")).unwrap();
        for link in ["to-folder", "to-folder/", "to-folder/.", "dangling"] {
            assert_eq!(
                check(&repo, &dir.join(link), true),
                Err(OutputError::NotAFolder {
                    out: dir.join(link),
                    what: "a symbolic link"
                }),
                "{link}"
            );
        }
        // Links on the way to the output are followed as usual.
        assert_eq!(check(&repo, &dir.join("to-folder/site"), false), Ok(()));
    }
}
