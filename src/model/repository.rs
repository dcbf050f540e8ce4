//! The repository the OKR files live in on GitHub (or a GitHub Enterprise
//! host), which the site links to: `repository` and `branch` in `okr.toml`,
//! else what GitHub Actions says about the build.
//!
//! Nothing here reads the environment: the command line reads it once and
//! hands it over as a [`GithubEnv`].

use std::fmt;

/// Why a `repository` or `branch` setting cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepositoryError(pub String);

impl fmt::Display for RepositoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RepositoryError {}

/// What to write for `repository`, for error messages.
pub const REPOSITORY_HELP: &str = "write the repository's address as a browser shows it, e.g. `repository = \"https://github.com/acme/okrs\"`";

/// What to write for `branch`, for error messages.
pub const BRANCH_HELP: &str =
    "write the name of the branch the OKR files are edited on, e.g. `branch = \"main\"`";

/// `text` as a repository's web address: `https://HOST/OWNER/NAME`, without
/// a trailing `/` or `.git` (both dropped), credentials, query or fragment;
/// `http` only for a server on this machine.
pub fn parse_url(text: &str) -> Result<String, RepositoryError> {
    let fail = |why: &str| Err(RepositoryError(format!("`{}` {why}", text.escape_debug())));
    let trimmed = text.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
    let (scheme, rest) = match trimmed.split_once("://") {
        Some(("https", rest)) => ("https", rest),
        Some(("http", rest)) if is_local(host_of(rest)) => ("http", rest),
        Some(("http", _)) => return fail("must use https (http only for localhost)"),
        _ => return fail("is not a web address starting with `https://`"),
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.contains('@') {
        return fail("must not hold a user name or password");
    }
    if !is_authority(authority) {
        return fail("does not name a host");
    }
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() != 2 || !parts.iter().all(|p| is_name(p)) {
        return fail("must name a repository as `https://HOST/OWNER/NAME`");
    }
    Ok(format!("{scheme}://{authority}/{path}"))
}

fn host_of(rest: &str) -> &str {
    let authority = rest.split('/').next().unwrap_or("");
    authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host)
}

fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// A host name (or `[::1]`) with an optional port.
fn is_authority(authority: &str) -> bool {
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') => (host, Some(port)),
        _ => (authority, None),
    };
    let host_ok = host == "[::1]"
        || (!host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-')));
    host_ok
        && port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// An owner's or repository's name as GitHub allows them.
fn is_name(part: &str) -> bool {
    !part.is_empty()
        && part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `text` as a branch name git accepts (`git check-ref-format --branch`, in
/// short): no spaces or control characters, none of `~^:?*[\`, no `..` or
/// `@{`, no `/` or `.` at either end or doubled `/`, no `.lock` at the end.
pub fn parse_branch(text: &str) -> Result<String, RepositoryError> {
    let bad_char = text.chars().any(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '~' | '^' | ':' | '?' | '*' | '[' | '\\')
    });
    let bad_shape = text.is_empty()
        || text == "@"
        || text.starts_with(['/', '.', '-'])
        || text.ends_with(['/', '.'])
        || text.ends_with(".lock")
        || text.contains("..")
        || text.contains("//")
        || text.contains("/.")
        || text.contains("@{");
    if bad_char || bad_shape {
        return Err(RepositoryError(format!(
            "`{}` is not a branch name git accepts",
            text.escape_debug()
        )));
    }
    Ok(text.to_string())
}

/// What GitHub Actions tells a build about itself, read by the command line
/// (`GITHUB_ACTIONS`, `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `GITHUB_REF`,
/// `GITHUB_BASE_REF`); empty outside Actions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GithubEnv {
    pub actions: bool,
    pub server_url: Option<String>,
    pub repository: Option<String>,
    /// The full ref that triggered the run, e.g. `refs/heads/main`.
    pub git_ref: Option<String>,
    /// A pull request's target branch.
    pub base_ref: Option<String>,
}

impl GithubEnv {
    /// The variables `lookup` gives (e.g. `|name| std::env::var(name).ok()`).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> GithubEnv {
        let set = |name: &str| lookup(name).filter(|v| !v.is_empty());
        GithubEnv {
            actions: lookup("GITHUB_ACTIONS").as_deref() == Some("true"),
            server_url: set("GITHUB_SERVER_URL"),
            repository: set("GITHUB_REPOSITORY"),
            git_ref: set("GITHUB_REF"),
            base_ref: set("GITHUB_BASE_REF"),
        }
    }

    /// The repository the workflow runs in, when in Actions.
    fn repository_url(&self) -> Option<String> {
        let (server, repository) = (self.server_url.as_ref()?, self.repository.as_ref()?);
        self.actions
            .then(|| parse_url(&format!("{server}/{repository}")).ok())
            .flatten()
    }

    /// The branch the run builds: the pushed branch, or a pull request's
    /// target (where edits belong); nothing for a tag.
    fn branch(&self) -> Option<String> {
        let name = match self
            .git_ref
            .as_deref()
            .and_then(|r| r.strip_prefix("refs/heads/"))
        {
            Some(branch) => branch,
            None => self.base_ref.as_deref()?,
        };
        parse_branch(name).ok()
    }
}

/// Where the site's links into the repository point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    /// `https://HOST/OWNER/NAME`, as [`parse_url`] gives it.
    pub url: String,
    /// `None`: the default branch, whatever its name.
    pub branch: Option<String>,
}

impl Repository {
    /// `okr.toml`'s `repository` and `branch`, each else the one GitHub Actions
    /// names; a branch of the environment only for the repository the
    /// workflow runs in.
    pub fn resolve(url: Option<&str>, branch: Option<&str>, env: &GithubEnv) -> Option<Repository> {
        let from_env = env.repository_url();
        let url = url.map(str::to_string).or_else(|| from_env.clone())?;
        let branch = branch.map(str::to_string).or_else(|| {
            (from_env.as_ref() == Some(&url))
                .then(|| env.branch())
                .flatten()
        });
        Some(Repository { url, branch })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_urls_are_checked_and_normalised() {
        for (given, url) in [
            (
                "https://github.com/acme/okrs",
                "https://github.com/acme/okrs",
            ),
            (
                "https://github.com/acme/okrs/",
                "https://github.com/acme/okrs",
            ),
            (
                "https://github.com/acme/okrs.git",
                "https://github.com/acme/okrs",
            ),
            (
                "https://ghe.acme.example:8443/ops/okrs.site",
                "https://ghe.acme.example:8443/ops/okrs.site",
            ),
            (
                "http://localhost:3000/acme/okrs",
                "http://localhost:3000/acme/okrs",
            ),
        ] {
            assert_eq!(parse_url(given).as_deref(), Ok(url), "{given}");
        }
        for (bad, why) in [
            ("github.com/acme/okrs", "starting with `https://`"),
            (
                "http://github.com/acme/okrs",
                "https (http only for localhost)",
            ),
            (
                "https://user:token@github.com/acme/okrs",
                "user name or password",
            ),
            ("https://github.com/acme", "`https://HOST/OWNER/NAME`"),
            (
                "https://github.com/acme/okrs/blob/main/x.md",
                "`https://HOST/OWNER/NAME`",
            ),
            (
                "https://github.com/acme/okrs?x=1",
                "`https://HOST/OWNER/NAME`",
            ),
            ("https://github.com/acme/ok rs", "`https://HOST/OWNER/NAME`"),
            (
                "https://github.com/acme/\"><script>",
                "`https://HOST/OWNER/NAME`",
            ),
            ("https:///acme/okrs", "does not name a host"),
            ("https://git hub.com/acme/okrs", "does not name a host"),
            ("git@github.com:acme/okrs.git", "starting with `https://`"),
            ("", "starting with `https://`"),
        ] {
            let error = parse_url(bad).unwrap_err().0;
            assert!(error.contains(why), "{bad}: {error}");
        }
    }

    #[test]
    fn branch_names_follow_git() {
        for good in ["main", "release/2026", "okrs-q1", "v1.2", "a#b"] {
            assert_eq!(parse_branch(good).as_deref(), Ok(good));
        }
        for bad in [
            "", "a b", "a..b", "/main", "main/", "a//b", "x.lock", "a:b", "a\nb", "-x", "@",
            "a@{1}", ".hidden", "a/.b",
        ] {
            assert!(parse_branch(bad).is_err(), "{bad:?}");
        }
    }

    fn env(vars: &[(&str, &str)]) -> GithubEnv {
        GithubEnv::from_vars(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    const ACTIONS: [(&str, &str); 4] = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_REPOSITORY", "acme/okrs"),
        ("GITHUB_REF", "refs/heads/trunk"),
    ];

    #[test]
    fn github_actions_names_the_repository_and_branch() {
        let repo = |url: Option<&str>, branch: Option<&str>, vars: &[(&str, &str)]| {
            Repository::resolve(url, branch, &env(vars))
        };
        let trunk = Some(Repository {
            url: "https://github.com/acme/okrs".into(),
            branch: Some("trunk".into()),
        });
        assert_eq!(repo(None, None, &ACTIONS), trunk);
        // Outside Actions, nothing: the same variables set by hand do not count.
        assert_eq!(repo(None, None, &ACTIONS[1..]), None);
        assert_eq!(repo(None, None, &[]), None);
        // okr.toml wins; the environment's branch goes with its own repository only.
        assert_eq!(
            repo(Some("https://github.com/acme/other"), None, &ACTIONS),
            Some(Repository {
                url: "https://github.com/acme/other".into(),
                branch: None
            })
        );
        assert_eq!(
            repo(Some("https://github.com/acme/okrs"), None, &ACTIONS),
            trunk
        );
        assert_eq!(
            repo(None, Some("main"), &ACTIONS).and_then(|r| r.branch),
            Some("main".into())
        );
        // A tag builds no branch; a pull request's edits belong on its target.
        let mut tag = ACTIONS;
        tag[3] = ("GITHUB_REF", "refs/tags/v1");
        assert_eq!(repo(None, None, &tag).and_then(|r| r.branch), None);
        let mut pull = ACTIONS.to_vec();
        pull[3] = ("GITHUB_REF", "refs/pull/7/merge");
        pull.push(("GITHUB_BASE_REF", "main"));
        assert_eq!(
            repo(None, None, &pull).and_then(|r| r.branch),
            Some("main".into())
        );
        // GitHub Enterprise: any host; a broken variable gives no links.
        let mut enterprise = ACTIONS;
        enterprise[1] = ("GITHUB_SERVER_URL", "https://ghe.acme.example");
        assert_eq!(
            repo(None, None, &enterprise).map(|r| r.url),
            Some("https://ghe.acme.example/acme/okrs".into())
        );
        let mut broken = ACTIONS;
        broken[2] = ("GITHUB_REPOSITORY", "acme/okrs\" onclick=\"x");
        assert_eq!(repo(None, None, &broken), None);
    }
}
