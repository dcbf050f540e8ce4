//! Where `okr build` may write: never over the repository, a folder of its
//! sources, the file system root or a home folder, and over an existing
//! folder only when an earlier build left its marker there (or with `--force`).

use std::fmt;
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
    /// The output exists but is a file.
    NotAFolder(PathBuf),
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
            OutputError::NotAFolder(out) => {
                write!(f, "refusing to replace {}: it is a file", out.display())
            }
        }
    }
}

impl std::error::Error for OutputError {}

/// `path` made absolute and free of `.`, `..` and symbolic links, as far as it
/// exists; the rest is appended as written (it cannot hold links yet).
fn resolve(path: &Path) -> PathBuf {
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
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty())
        && resolve(Path::new(&home)) == target
    {
        return forbidden("it is the home folder");
    }
    if target == root {
        return forbidden("it is the OKR repository itself");
    }
    if root.starts_with(&target) {
        return forbidden("it contains the OKR repository");
    }
    if SOURCE_FOLDERS
        .iter()
        .any(|folder| target.starts_with(root.join(folder)))
    {
        return forbidden("it is inside a folder of the repository's sources");
    }
    if target.is_file() {
        return Err(OutputError::NotAFolder(out.to_path_buf()));
    }
    let empty = std::fs::read_dir(&target)
        .map(|mut entries| entries.next().is_none())
        .unwrap_or(true);
    if target.is_dir() && !empty && !target.join(MARKER).is_file() && !force {
        return Err(OutputError::NotASite(out.to_path_buf()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("okr-output-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("repo/okrs")).unwrap();
        dir
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
            Err(OutputError::NotAFolder(dir.join("file")))
        );
    }
}
