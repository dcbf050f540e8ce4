//! Every address of the site that leads into the repository rather than to
//! one of its pages ([`crate::site::routes`] has those): a file to read or
//! edit, a commit, and the issue form a key result's check-in starts from.
//! Built from [`Repository`] and computed here and nowhere else.

use crate::model::repository::Repository;
use std::path::Path;

/// The issue form the "Check in" links open; its fields' ids are pinned:
/// `key_result`, `value`, `confidence`, `note`, `date`.
pub const CHECK_IN_FORM: &str = "okr-check-in.yml";

/// Addresses in one repository, on one branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoLinks {
    /// `https://github.com/acme/okrs`.
    url: String,
    /// The branch as a path segment; `HEAD`, the default branch, when none is named.
    branch: String,
    /// Where `okr.toml` is within the repository, `""` at its root, else
    /// ending in `/`: files' paths are relative to it.
    folder: String,
}

impl RepoLinks {
    /// Links into `repository` for the files of the OKR folder `root`.
    pub fn new(repository: &Repository, root: &Path) -> RepoLinks {
        RepoLinks::in_folder(repository, &folder_in_worktree(root))
    }

    /// `folder`: `okr.toml`'s folder within the repository (`""`, or ending in `/`).
    pub fn in_folder(repository: &Repository, folder: &str) -> RepoLinks {
        let mut branch = String::new();
        // GitHub reads `HEAD` as the default branch, whatever its name.
        push_path(&mut branch, repository.branch.as_deref().unwrap_or("HEAD"));
        let mut encoded = String::new();
        push_path(&mut encoded, folder);
        RepoLinks {
            url: repository.url.clone(),
            branch,
            folder: encoded,
        }
    }

    /// The repository's front page.
    pub fn home(&self) -> &str {
        &self.url
    }

    /// GitHub's editor on the file at `path` (relative to `okr.toml`'s folder).
    pub fn edit(&self, path: &str) -> String {
        self.file("edit", path)
    }

    /// The file at `path`, at `line` when given.
    pub fn blob(&self, path: &str, line: Option<usize>) -> String {
        let mut url = self.file("blob", path);
        if let Some(line) = line {
            url.push_str(&format!("#L{line}"));
        }
        url
    }

    fn file(&self, action: &str, path: &str) -> String {
        let mut url = format!("{}/{action}/{}/{}", self.url, self.branch, self.folder);
        push_path(&mut url, path);
        url
    }

    /// A commit, by its full or short id.
    pub fn commit(&self, id: &str) -> String {
        let mut url = format!("{}/commit/", self.url);
        push_component(&mut url, id);
        url
    }

    /// A new issue from [`CHECK_IN_FORM`] with its title and `key_result`
    /// field filled in: `PERIOD/objective-id#kr-id`, as `aligns_to` and
    /// `okr checkin` name a key result. The form itself sets the labels
    /// (the `labels` parameter needs the right to label issues).
    pub fn check_in(&self, period: &str, objective: &str, key_result: &str, title: &str) -> String {
        let mut url = format!("{}/issues/new?template={CHECK_IN_FORM}&title=", self.url);
        push_component(&mut url, &format!("Check-in: {title}"));
        url.push_str("&key_result=");
        push_component(&mut url, &format!("{period}/{objective}#{key_result}"));
        url
    }
}

/// `text` percent-encoded for any part of a URL: every byte of its UTF-8
/// but the unreserved `A–Z a–z 0–9 - . _ ~` as `%XX`.
fn push_component(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
        }
    }
}

/// A `/`-separated path with each part percent-encoded.
fn push_path(out: &mut String, path: &str) {
    for (i, part) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_component(out, part);
    }
}

/// Where `root` is within its git work tree: `""` at the top, `okrs/` in a
/// folder of it; `""` too outside any (nothing better to say).
fn folder_in_worktree(root: &Path) -> String {
    let Ok(root) = std::fs::canonicalize(root) else {
        return String::new();
    };
    // `.git` is a folder, or a file in a linked work tree or submodule.
    let Some(top) = root
        .ancestors()
        .find(|dir| std::fs::symlink_metadata(dir.join(".git")).is_ok())
    else {
        return String::new();
    };
    let mut folder = String::new();
    for part in root
        .strip_prefix(top)
        .into_iter()
        .flat_map(Path::components)
    {
        folder.push_str(&part.as_os_str().to_string_lossy());
        folder.push('/');
    }
    folder
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(branch: Option<&str>, folder: &str) -> RepoLinks {
        let repository = Repository {
            url: "https://github.com/acme/okrs".into(),
            branch: branch.map(str::to_string),
        };
        RepoLinks::in_folder(&repository, folder)
    }

    #[test]
    fn file_and_commit_links() {
        let main = links(Some("main"), "");
        assert_eq!(
            main.edit("okrs/2026-Q1/grow.md"),
            "https://github.com/acme/okrs/edit/main/okrs/2026-Q1/grow.md"
        );
        assert_eq!(
            main.blob("teams/sales.md", Some(12)),
            "https://github.com/acme/okrs/blob/main/teams/sales.md#L12"
        );
        assert_eq!(
            main.blob("okr.toml", None),
            "https://github.com/acme/okrs/blob/main/okr.toml"
        );
        assert_eq!(
            main.commit("0123abc"),
            "https://github.com/acme/okrs/commit/0123abc"
        );
        // The default branch without a name; a folder within the repository;
        // names that need encoding, each part apart.
        let nested = links(Some("release/Q1 #2"), "my okrs/");
        assert_eq!(
            nested.edit("okrs/ä b#c?.md"),
            "https://github.com/acme/okrs/edit/release/Q1%20%232/my%20okrs/okrs/%C3%A4%20b%23c%3F.md"
        );
        assert_eq!(
            links(None, "").edit("x.md"),
            "https://github.com/acme/okrs/edit/HEAD/x.md"
        );
    }

    #[test]
    fn check_in_links_fill_in_the_form() {
        assert_eq!(
            links(None, "").check_in("2026-Q1", "grow", "kr1", "Signups from 10 to 20"),
            "https://github.com/acme/okrs/issues/new?template=okr-check-in.yml\
             &title=Check-in%3A%20Signups%20from%2010%20to%2020&key_result=2026-Q1%2Fgrow%23kr1"
        );
        // Hostile titles stay inside their parameter.
        let url = links(None, "").check_in(
            "FY27.Q1",
            "a_b",
            "k-1",
            "Revenue & profit #1 \"up\" <b>\n€ 100%+x=y",
        );
        let query = url.split_once('?').unwrap().1;
        let params: Vec<&str> = query.split('&').collect();
        assert_eq!(
            params,
            [
                "template=okr-check-in.yml",
                "title=Check-in%3A%20Revenue%20%26%20profit%20%231%20%22up%22%20%3Cb%3E%0A%E2%82%AC%20100%25%2Bx%3Dy",
                "key_result=FY27.Q1%2Fa_b%23k-1",
            ]
        );
        assert!(!url.contains(['#', ' ', '"', '<', '\n']), "{url}");
    }

    #[test]
    fn the_folder_is_found_from_the_git_work_tree() {
        let dir = std::env::temp_dir().join(format!("okr-repo-links-{}", std::process::id()));
        let root = dir.join("okrs/acme");
        std::fs::create_dir_all(&root).unwrap();
        assert_eq!(folder_in_worktree(&dir.join("missing")), "");
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        assert_eq!(folder_in_worktree(&root), "okrs/acme/");
        assert_eq!(folder_in_worktree(&dir), "");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
