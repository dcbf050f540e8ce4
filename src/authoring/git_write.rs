//! Commits and pushes with the `git` command, for `okr checkin
//! --github-event`: reading history goes through `gix` (`git/`), but a
//! commit that a push must carry with the runner's credentials is git's own
//! job. Every call names its arguments one by one (no shell) and runs in a
//! known environment: no variable of the caller can point git at another
//! repository, index or work tree, or make it wait for a password.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Variables that would make git act on something else than the repository
/// around `root`, or write another author than the one given.
const UNSET: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
];

/// The git repository around a folder.
pub struct Git {
    dir: PathBuf,
}

impl Git {
    pub fn new(dir: &Path) -> Git {
        Git {
            dir: dir.to_path_buf(),
        }
    }

    /// Runs `git ARGS` in the folder; its standard output, trimmed, or what
    /// went wrong.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<String, String> {
        let mut command = Command::new("git");
        command.arg("-C").arg(&self.dir).args(args);
        for name in UNSET {
            command.env_remove(name);
        }
        // A push without credentials fails rather than asking for them.
        command
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .stdin(std::process::Stdio::null());
        let shown = || {
            let args: Vec<String> = args
                .iter()
                .map(|a| a.as_ref().to_string_lossy().into_owned())
                .collect();
            format!("git {}", args.join(" "))
        };
        let output = command
            .output()
            .map_err(|e| format!("cannot run {}: {e}", shown()))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Err(format!("{} failed: {}", shown(), stderr.trim()))
        }
    }

    /// The commit `HEAD` is at.
    pub fn head(&self) -> Result<String, String> {
        self.run(&["rev-parse", "--verify", "HEAD^{commit}"])
    }

    /// Whether tracked files differ from `HEAD` (staged or not): a commit
    /// made now must carry the check-in and nothing else.
    pub fn is_clean(&self) -> Result<bool, String> {
        self.run(&["status", "--porcelain", "--untracked-files=no"])
            .map(|changes| changes.is_empty())
    }

    /// Commits `file` alone (relative to the folder), whatever else is
    /// staged; returns the new commit.
    pub fn commit_file(&self, file: &str, author: &str, message: &str) -> Result<String, String> {
        self.run(&[
            "commit",
            "--quiet",
            "--no-verify",
            "--only",
            "--author",
            author,
            "--message",
            message,
            "--",
            file,
        ])?;
        self.head()
    }

    /// Pushes `HEAD` to `branch` of `origin`: a fast-forward, or nothing.
    pub fn push(&self, branch: &str) -> Result<(), String> {
        let refspec = format!("HEAD:refs/heads/{branch}");
        self.run(&["push", "--quiet", "--no-verify", "origin", refspec.as_str()])
            .map(drop)
    }

    /// The latest commit of `HEAD`'s history whose message holds `text`.
    pub fn recorded(&self, text: &str) -> Result<Option<String>, String> {
        let grep = format!("--grep={text}");
        let found = self.run(&[
            "log",
            "--fixed-strings",
            grep.as_str(),
            "--format=%H",
            "-n",
            "1",
            "HEAD",
        ])?;
        Ok((!found.is_empty()).then_some(found))
    }

    /// Takes back a commit of `file` made on `before` (if it was made) and
    /// the change to the file: the branch, index and file are as they were.
    pub fn undo(&self, before: &str, file: &str, committed: bool) -> Result<(), String> {
        if committed {
            self.run(&["reset", "--quiet", "--soft", before])?;
        }
        self.run(&["checkout", before, "--", file]).map(drop)
    }
}
