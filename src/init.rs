//! `okr init`: a working OKR repository in an empty or new folder, with a
//! GitHub workflow that checks pull requests and publishes to GitHub Pages.

use crate::config::CONFIG_FILE;
use crate::period::Period;
use crate::score;
use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::path::{Path, PathBuf};

/// Why `okr init` wrote nothing (`okr` exits 2).
#[derive(Debug)]
pub enum InitError {
    NotAFolder(PathBuf),
    /// The folder holds files and `--force` was not given.
    NotEmpty(PathBuf),
    /// Files `init` would write exist already; it never overwrites one.
    WouldOverwrite(Vec<PathBuf>),
    Write(PathBuf, std::io::Error),
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::NotAFolder(dir) => write!(f, "{} is a file, not a folder", dir.display()),
            InitError::NotEmpty(dir) => write!(
                f,
                "{} is not empty: run okr init in an empty or new folder, or pass --force to add the files beside what is there",
                dir.display()
            ),
            InitError::WouldOverwrite(paths) => {
                let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "not overwriting {}: move it away first, nothing was written",
                    names.join(", ")
                )
            }
            InitError::Write(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for InitError {}

/// What `init` starts a repository with.
#[derive(Clone, Debug)]
pub struct Options {
    /// The company's display name.
    pub company: String,
    /// The period of the first objectives.
    pub period: String,
    /// The day the first check-ins are dated.
    pub today: NaiveDate,
}

impl Options {
    /// The current quarter of `today`, e.g. `2026-Q1`.
    pub fn new(company: &str, today: NaiveDate) -> Options {
        Options {
            company: company.to_string(),
            period: quarter_of(today),
            today,
        }
    }
}

pub fn quarter_of(day: NaiveDate) -> String {
    format!("{}-Q{}", day.year(), day.month0() / 3 + 1)
}

/// The GitHub Actions workflow `init` writes, relative to the repository.
pub const WORKFLOW_PATH: &str = ".github/workflows/okrs.yml";

/// The workflow: `okr check --format github` on pull requests (findings as
/// annotations), and on the default branch a build under the repository's
/// Pages path, deployed with GitHub's own Pages actions.
const WORKFLOW: &str = r#"# Checks the OKRs on every pull request and publishes them with GitHub Pages
# from the default branch. Written by `okr init`.
#
# Once per repository: Settings → Pages → Build and deployment → Source:
# "GitHub Actions".
name: OKRs

on:
  pull_request:
  push:
  workflow_dispatch:

permissions:
  contents: read

jobs:
  check:
    # Findings show up as annotations on the pull request's files.
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/okr
          key: okr-${{ runner.os }}-{VERSION}
      # okr from crates.io, the version that wrote this file; to use a build
      # of your own, replace this step, e.g. with `cargo install --locked --git <URL> okr`.
      - run: command -v okr || cargo install okr --locked --version {VERSION}
      - run: okr check --format github

  build:
    if: github.event_name != 'pull_request' && github.ref_name == github.event.repository.default_branch
    runs-on: ubuntu-latest
    permissions:
      contents: read
      # configure-pages reads the repository's Pages settings.
      pages: read
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/okr
          key: okr-${{ runner.os }}-{VERSION}
      - run: command -v okr || cargo install okr --locked --version {VERSION}
      - id: pages
        uses: actions/configure-pages@v5
      # The site is served under the repository's Pages path, e.g. /acme-okrs/.
      - run: okr build --base-url "${{ steps.pages.outputs.base_path }}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    concurrency:
      group: pages
      cancel-in-progress: false
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"#;

/// The files of a new repository, `(relative path, text)`.
pub fn files(options: &Options) -> Vec<(String, String)> {
    let Options {
        company,
        period,
        today,
    } = options;
    let toml_string = |s: &str| toml::Value::String(s.to_string()).to_string();
    // First check-ins on pace with the time already gone in the period, so the
    // new site shows what "on track" looks like.
    let elapsed = Period::builtin(period).map_or(0.0, |p| score::elapsed_fraction(&p, *today));
    let key_result = |id: Option<&str>, title: &str, (start, target): (f64, f64), unit: &str| {
        let value = (start + (target - start) * elapsed).round();
        let id = id.map_or(String::new(), |id| format!("id = \"{id}\"\n"));
        format!(
            "\n[[key_results]]\n{id}title = \"{title}\"\nstart = {start}\ntarget = {target}\nunit = \"{unit}\"\n\
             \n[[key_results.checkins]]\ndate = {today}\nvalue = {value}\nconfidence = 0.6\n"
        )
    };
    let config = format!(
        "# Settings of this OKR repository; every key is optional (see `okr schema --config`).\n\
         title = {}\n\
         company = {}\n\
         # The GitHub workflow passes the Pages path with --base-url; set this\n\
         # only to build for another sub-path yourself.\n\
         # base_url = \"/\"\n\
         \n\
         [checks]\n\
         stale_after_days = 14\n",
        toml_string(&format!("{company} OKRs")),
        toml_string(company),
    );
    let team = "+++\nname = \"Product\"\nlead = \"alex\"\nmembers = [\"alex\"]\n+++\n\
        We build what our customers use every day. This file is the team's page:\n\
        write its mission here, in Markdown.\n"
        .to_string();
    let person = "+++\nname = \"Alex Example\"\nrole = \"Product lead\"\n+++\n\
        A few words about Alex, in Markdown.\n"
        .to_string();
    let company_objective = format!(
        "+++\ntitle = \"Win the loyalty of our first customers\"\nperiod = \"{period}\"\n{}{}+++\n\
         Why this objective matters, in Markdown: what changes for the company when we\n\
         get there. Teams align their objectives to it with `aligns_to`.\n",
        key_result(
            Some("weekly-active"),
            "Weekly active customers from 40 to 100",
            (40.0, 100.0),
            "customers"
        ),
        key_result(
            Some("nps"),
            "Net promoter score from 20 to 40",
            (20.0, 40.0),
            "points"
        ),
    );
    let team_objective = format!(
        "+++\ntitle = \"Make the first week with our product effortless\"\nperiod = \"{period}\"\n\
         team = \"product\"\naligns_to = \"win-customer-loyalty#weekly-active\"\n{}{}\n\
         [[initiatives]]\ntitle = \"Guided setup for new accounts\"\nkey_result = \"kr1\"\nstatus = \"planned\"\n\
         +++\nThe product team's part of the company objective. `okr new objective` writes\n\
         a file like this one with every field explained.\n",
        key_result(
            None,
            "Onboarding completion in the first week from 45% to 75%",
            (45.0, 75.0),
            "%"
        ),
        key_result(
            None,
            "Median days to first finished project from 6 to 2",
            (6.0, 2.0),
            "days"
        ),
    );
    vec![
        (CONFIG_FILE.to_string(), config),
        ("teams/product.md".to_string(), team),
        ("people/alex.md".to_string(), person),
        (
            format!("okrs/{period}/company/win-customer-loyalty.md"),
            company_objective,
        ),
        (
            format!("okrs/{period}/product/effortless-first-week.md"),
            team_objective,
        ),
        (".gitignore".to_string(), "/public/\n".to_string()),
        (
            WORKFLOW_PATH.to_string(),
            WORKFLOW.replace("{VERSION}", env!("CARGO_PKG_VERSION")),
        ),
    ]
}

/// Whether `dir` holds anything but a `.git` folder (a new clone has one).
fn has_content(dir: &Path) -> Result<bool, InitError> {
    let entries = std::fs::read_dir(dir).map_err(|e| InitError::Write(dir.to_path_buf(), e))?;
    Ok(entries
        .filter_map(Result::ok)
        .any(|e| e.file_name() != ".git"))
}

/// Writes a new repository into `dir` (created if missing) and returns the
/// paths written, relative to it. Writes nothing if it would overwrite a file.
pub fn init(dir: &Path, options: &Options, force: bool) -> Result<Vec<String>, InitError> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InitError::NotAFolder(dir.to_path_buf()));
        }
        if !force && has_content(dir)? {
            return Err(InitError::NotEmpty(dir.to_path_buf()));
        }
    }
    let files = files(options);
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| p.exists())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::WouldOverwrite(existing));
    }
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| InitError::Write(parent.into(), e))?;
        }
        // `create_new`: a file that appeared since the check above is still not overwritten.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| InitError::Write(path.clone(), e))?;
        std::io::Write::write_all(&mut file, text.as_bytes())
            .map_err(|e| InitError::Write(path.clone(), e))?;
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;
    use crate::load;

    #[test]
    fn quarters_follow_the_calendar() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(quarter_of(day("2026-01-01")), "2026-Q1");
        assert_eq!(quarter_of(day("2026-06-30")), "2026-Q2");
        assert_eq!(quarter_of(day("2026-12-31")), "2026-Q4");
    }

    #[test]
    fn the_new_repository_is_clean() {
        let today: NaiveDate = "2026-05-20".parse().unwrap();
        let files = files(&Options::new("Acme \"Tools\"", today));
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let checked = check::check_loaded(load::from_memory(&borrowed).unwrap(), today);
        assert_eq!(checked.diagnostics, []);
        assert_eq!(checked.org.objectives.len(), 2);
        assert_eq!(checked.org.config.company, "Acme \"Tools\"");
        assert_eq!(checked.org.objectives[1].parents.len(), 1);
    }
}
