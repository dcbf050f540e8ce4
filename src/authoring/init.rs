//! `okr init`: a working OKR repository in an empty or new folder, with a
//! GitHub workflow that checks pull requests and publishes to GitHub Pages.

use crate::model::period::Period;
use crate::read::config::CONFIG_FILE;
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
    /// `git init` failed.
    Git(PathBuf, String),
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
            InitError::Git(dir, e) => write!(
                f,
                "cannot make {} a git repository ({e}): run `git init` there yourself, or pass --no-git",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for InitError {}

/// What `init` starts a repository with.
#[derive(Clone, Debug)]
pub struct Options {
    /// The company's display name.
    pub company: String,
    /// The period of the first objectives, and `current_period`.
    pub period: String,
    /// The day the first check-ins are dated.
    pub today: NaiveDate,
    /// A sample team, person and two objectives; without them only the
    /// settings and the GitHub files.
    pub sample: bool,
    /// Make the folder a git repository when it is not inside one.
    pub git: bool,
    /// Add the files to a folder that holds others (never over one).
    pub force: bool,
    /// Also the weekly check-in reminder workflow ([`REMINDERS_PATH`]).
    pub reminders: bool,
}

impl Options {
    /// The current quarter of `today`, e.g. `2026-Q1`, with the sample
    /// organisation, in a new git repository.
    pub fn new(company: &str, today: NaiveDate) -> Options {
        Options {
            company: company.to_string(),
            period: quarter_of(today),
            today,
            sample: true,
            git: true,
            force: false,
            reminders: false,
        }
    }
}

/// What `init` did.
#[derive(Debug)]
pub struct Initialised {
    /// The files written, relative to the folder.
    pub written: Vec<String>,
    /// Whether it ran `git init`.
    pub git_created: bool,
}

pub fn quarter_of(day: NaiveDate) -> String {
    format!("{}-Q{}", day.year(), day.month0() / 3 + 1)
}

/// The GitHub Actions workflow `init` writes, relative to the repository.
pub const WORKFLOW_PATH: &str = ".github/workflows/okrs.yml";

/// Dependabot's settings, which keep the workflow's pinned actions current.
pub const DEPENDABOT_PATH: &str = ".github/dependabot.yml";

/// The branch the workflow publishes from when the folder's git repository
/// names none (GitHub's default for new repositories).
const DEFAULT_BRANCH: &str = "main";

/// The workflow. Pull requests: findings as annotations, the site built into
/// a scratch folder, and what the change does to the OKRs in the job summary.
/// The default branch: check, build under the repository's Pages path,
/// deploy with GitHub's Pages actions, on every push, every day (statuses,
/// staleness and the "as of" date move with the calendar), and by hand.
///
/// `{PACKAGE}`, `{VERSION}` and `{BRANCH}` are filled in by [`workflow`].
/// Actions are pinned to full commit ids (tags can be moved), with the
/// version beside each for people and Dependabot; `run:` steps expand no
/// `${{ }}` expression, so nothing from an event can become a command.
const WORKFLOW: &str = r#"# Checks the OKRs on every pull request and publishes them with GitHub Pages
# from the default branch: on every push, once a day (progress against the
# expected pace and staleness change with the calendar), and when run by hand
# from the Actions tab. Written by okr init ({PACKAGE} {VERSION}).
#
# Once per repository: Settings → Pages → Build and deployment → Source:
# "GitHub Actions".
name: OKRs

on:
  pull_request:
  push:
    branches: [{BRANCH}]
  schedule:
    # Every day at 05:17 UTC; any minute off the hour starts more reliably.
    - cron: "17 5 * * *"
  workflow_dispatch:

permissions: {}

# Pull requests: a newer push cancels the run it makes obsolete. The default
# branch: one run at a time, in order, so two deploys never race.
concurrency:
  group: okrs-${{ github.event.pull_request.number || 'pages' }}
  cancel-in-progress: ${{ github.event_name == 'pull_request' }}

jobs:
  check:
    name: Check the pull request
    # Findings as annotations on the pull request's files; the site built into
    # a scratch folder, so a broken template or link fails before merge; what
    # the pull request changes in the OKRs in the job's summary.
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read # to check out the repository
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          # The whole history: okr diff compares with the base branch, and the
          # site shows each objective's history.
          fetch-depth: 0
          persist-credentials: false
      {INSTALL_OKR}
      - run: okr check --format github
      # The history cache the default branch's last build kept (see below).
      - uses: actions/cache/restore@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5
        with:
          path: .okr-cache
          key: okr-history-${{ github.sha }}
          restore-keys: okr-history-
      - run: okr build --out "$RUNNER_TEMP/site"
      # HEAD is the pull request merged into its base; HEAD^1 is the base.
      - if: ${{ !cancelled() }}
        run: okr diff HEAD^1 HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"

  build:
    name: Build the site
    # The default branch only (scheduled runs always start there).
    if: github.event_name == 'schedule' || (github.event_name != 'pull_request' && github.ref_name == github.event.repository.default_branch)
    runs-on: ubuntu-latest
    permissions:
      contents: read # to check out the repository
      pages: read # for configure-pages to read the Pages settings (the site's path)
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          fetch-depth: 0
          persist-credentials: false
      {INSTALL_OKR}
      - run: okr check --format github
      # What the last build read from git, so this one reads only the commits
      # made since (okr checks that it matches, and reads all when it does not).
      - uses: actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5
        with:
          path: .okr-cache
          key: okr-history-${{ github.sha }}
          restore-keys: okr-history-
      - id: pages
        uses: actions/configure-pages@983d7736d9b0ae728b81ab479565c72886d7745b # v5.0.0
      # The site is served under the repository's Pages path, e.g. /acme-okrs/.
      - env:
          BASE_PATH: ${{ steps.pages.outputs.base_path }}
        run: okr build --base-url "$BASE_PATH/"
      # What moved this week, with links into the site, in the run's summary;
      # the deploy goes ahead even if this step fails.
      - continue-on-error: true
        env:
          SITE_URL: ${{ steps.pages.outputs.base_url }}
        run: okr digest --base-url "$SITE_URL/" >> "$GITHUB_STEP_SUMMARY"
      - uses: actions/upload-pages-artifact@fc324d3547104276b827a68afc52ff2a11cc49c9 # v5.0.0
        with:
          path: public

  deploy:
    name: Publish on GitHub Pages
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write # to deploy the site built above
      id-token: write # to prove to Pages that this workflow made it
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128 # v5.0.0
"#;

/// Dependabot proposes a pull request when a pinned action has a new
/// release, a week after it appeared (a bad release is usually pulled by then).
const DEPENDABOT: &str = r#"# Keeps the actions of .github/workflows/ current: Dependabot opens a pull
# request with the new commit id and version. Written by okr init.
version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
    cooldown:
      default-days: 7
    groups:
      actions:
        patterns: ["*"]
"#;

/// The steps of every workflow okr writes that get the okr command: the
/// crates.io package at the version that wrote the file, cached per runner.
const INSTALL_OKR: &str = "      - id: okr-cache
        uses: actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5
        with:
          path: ~/.cargo/bin/okr
          key: {PACKAGE}-{VERSION}-${{ runner.os }}-${{ runner.arch }}
      # The okr command, from the crates.io package {PACKAGE} at the version
      # that wrote this file; change both here and in the key above to upgrade.
      - if: steps.okr-cache.outputs.cache-hit != 'true'
        run: cargo install {PACKAGE} --locked --version {VERSION}
";

/// A workflow's text with okr's install steps (`{INSTALL_OKR}`), this
/// package and this version filled in.
pub(crate) fn fill_workflow(template: &str) -> String {
    template
        .replace("      {INSTALL_OKR}\n", INSTALL_OKR)
        .replace("{PACKAGE}", env!("CARGO_PKG_NAME"))
        .replace("{VERSION}", env!("CARGO_PKG_VERSION"))
}

/// The workflow for a repository whose default branch is `branch`.
pub fn workflow(branch: &str) -> String {
    fill_workflow(WORKFLOW).replace("{BRANCH}", &yaml_plain(branch))
}

/// A branch name as a YAML flow scalar: plain when it is safely so, else quoted.
fn yaml_plain(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric());
    if plain {
        name.to_string()
    } else {
        serde_json::Value::String(name.to_string()).to_string()
    }
}

/// The files of a new repository, `(relative path, text)`, for a repository
/// whose default branch is `branch`.
pub fn files(options: &Options, branch: &str) -> Vec<(String, String)> {
    let Options {
        company,
        period,
        today,
        sample,
        ..
    } = options;
    let toml_string = |s: &str| toml::Value::String(s.to_string()).to_string();
    let config = format!(
        "# Settings of this OKR repository; every key is optional (see `okr schema --config`).\n\
         title = {}\n\
         company = {}\n\
         # The period the home page shows. Change it when the next one starts\n\
         # (`okr rollover {period} NEXT` copies what is unfinished); without it,\n\
         # the home page shows the shortest period that contains the day.\n\
         current_period = {}\n\
         # The GitHub workflow passes the Pages path with --base-url; set this\n\
         # only to build for another sub-path yourself.\n\
         # base_url = \"/\"\n\
         # Each period has pages of its own, and GitHub Pages publishes at most\n\
         # 1 GB: keep pages for only the periods that ended last (and those not\n\
         # ended yet); older ones are still checked.\n\
         # past_periods = 4\n\
         \n\
         [checks]\n\
         stale_after_days = 14\n",
        toml_string(&format!("{company} OKRs")),
        toml_string(company),
        toml_string(period),
    );
    let mut files = vec![(CONFIG_FILE.to_string(), config)];
    if *sample {
        files.extend(sample_files(period, *today));
    }
    // Off by default: an issue a week is for teams that asked for one.
    if options.reminders {
        files.push((REMINDERS_PATH.to_string(), reminders_workflow()));
    }
    files.extend([
        // The site, the history cache, and what a killed `okr checkin` may
        // leave beside a file.
        (
            ".gitignore".to_string(),
            "/public/\n/.okr-cache/\n.*.okr-tmp-*\n".to_string(),
        ),
        (WORKFLOW_PATH.to_string(), workflow(branch)),
        (DEPENDABOT_PATH.to_string(), DEPENDABOT.to_string()),
        (SYNC_WORKFLOW_PATH.to_string(), sync_workflow()),
    ]);
    files.extend(crate::authoring::issue_checkin::init_files());
    files
}

/// A team, a person, a company objective and a team objective aligned to it.
fn sample_files(period: &str, today: NaiveDate) -> Vec<(String, String)> {
    // First check-ins on pace with the time already gone in the period, so the
    // new site shows what "on track" looks like.
    let elapsed = Period::builtin(period).map_or(0.0, |p| score::elapsed_fraction(&p, today));
    let key_result = |id: Option<&str>, title: &str, (start, target): (f64, f64), unit: &str| {
        let value = (start + (target - start) * elapsed).round();
        let id = id.map_or(String::new(), |id| format!("id = \"{id}\"\n"));
        format!(
            "\n[[key_results]]\n{id}title = \"{title}\"\nstart = {start}\ntarget = {target}\nunit = \"{unit}\"\n\
             \n[[key_results.checkins]]\ndate = {today}\nvalue = {value}\nconfidence = 0.6\n"
        )
    };
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
    ]
}

/// Whether `dir` holds anything but a `.git` folder (a new clone has one).
fn has_content(dir: &Path) -> Result<bool, InitError> {
    let entries = std::fs::read_dir(dir).map_err(|e| InitError::Write(dir.to_path_buf(), e))?;
    Ok(entries
        .filter_map(Result::ok)
        .any(|e| e.file_name() != ".git"))
}

/// The git repository `dir` is in, if any.
fn enclosing_repository(dir: &Path) -> Option<gix::Repository> {
    gix::discover(dir).ok()
}

/// The short name of the branch `HEAD` names (also before the first commit).
fn branch_of(repo: &gix::Repository) -> Option<String> {
    let name = repo.head_name().ok()??;
    Some(name.shorten().to_string())
}

/// Writes a new repository into `dir` (created if missing), first making it a
/// git repository when it is in none and `options.git` asks for it. Writes
/// nothing if it would overwrite a file.
pub fn init(dir: &Path, options: &Options) -> Result<Initialised, InitError> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InitError::NotAFolder(dir.to_path_buf()));
        }
        if !options.force && has_content(dir)? {
            return Err(InitError::NotEmpty(dir.to_path_buf()));
        }
    }
    // The paths do not depend on the branch: check them before touching anything.
    let existing: Vec<PathBuf> = files(options, DEFAULT_BRANCH)
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| p.symlink_metadata().is_ok())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::WouldOverwrite(existing));
    }
    std::fs::create_dir_all(dir).map_err(|e| InitError::Write(dir.to_path_buf(), e))?;
    let (repo, git_created) = match enclosing_repository(dir) {
        Some(repo) => (Some(repo), false),
        // A `.git` that gix cannot open is still git's: leave it to git.
        None if options.git && dir.join(".git").symlink_metadata().is_err() => {
            let repo =
                gix::init(dir).map_err(|e| InitError::Git(dir.to_path_buf(), e.to_string()))?;
            (Some(repo), true)
        }
        None => (None, false),
    };
    let branch = repo
        .as_ref()
        .and_then(branch_of)
        .unwrap_or_else(|| DEFAULT_BRANCH.to_string());
    let files = files(options, &branch);
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
    Ok(Initialised {
        written: files.into_iter().map(|(rel, _)| rel).collect(),
        git_created,
    })
}

/// The weekly reminder workflow `okr init --reminders` writes.
pub const REMINDERS_PATH: &str = ".github/workflows/okr-reminders.yml";

/// Every Monday (and by hand), `okr remind` as an issue with a checklist per
/// person, when anyone owes a check-in; one issue a week. Hardened as
/// [`WORKFLOW`]: pinned actions, least permissions per job, no credentials
/// kept by checkout, no `${{ }}` inside `run:`.
const REMINDERS_WORKFLOW: &str = r#"# Opens an issue every Monday listing the key results that wait for a
# check-in or are due within 7 days: a checklist per person, who is
# @mentioned when people/ID.md gives their `github` login. Nothing to remind,
# no issue; at most one issue a week. Written by okr init --reminders
# ({PACKAGE} {VERSION}).
name: OKR reminders

on:
  schedule:
    # Mondays at 08:00 UTC.
    - cron: "0 8 * * 1"
  workflow_dispatch:

permissions: {}

concurrency:
  group: okr-reminders
  cancel-in-progress: false

jobs:
  remind:
    name: Remind owners to check in
    runs-on: ubuntu-latest
    permissions:
      contents: read # to check out the repository
      issues: write # to open the reminder issue
      pages: read # for configure-pages to read the site's address
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      {INSTALL_OKR}
      # The site's address, so that the issue links into it.
      - id: pages
        uses: actions/configure-pages@983d7736d9b0ae728b81ab479565c72886d7745b # v5.0.0
      - env:
          SITE_URL: ${{ steps.pages.outputs.base_url }}
        run: okr remind --format markdown --base-url "$SITE_URL/" > reminder.md
      - env:
          GH_TOKEN: ${{ github.token }}
          GH_REPO: ${{ github.repository }}
        run: |
          if ! grep -q -- '- \[ \]' reminder.md; then
            echo "Nothing to remind this week."
            exit 0
          fi
          monday=$(date -u -d "-$(( $(date -u +%u) - 1 )) days" +%F)
          title="OKR check-in reminder, week of $monday"
          if gh issue list --state all --label okr-reminder --search "\"$title\" in:title" \
              --json title --jq '.[].title' | grep -qxF "$title"; then
            echo "This week's reminder is open already: $title"
            exit 0
          fi
          gh label create okr-reminder --color 0e8a16 \
            --description "Weekly OKR check-in reminder" --force
          gh issue create --title "$title" --body-file reminder.md --label okr-reminder
"#;

/// The reminder workflow, with this package and version.
pub fn reminders_workflow() -> String {
    fill_workflow(REMINDERS_WORKFLOW)
}

/// The workflow that runs `okr sync` every day, relative to the repository.
pub const SYNC_WORKFLOW_PATH: &str = ".github/workflows/okr-sync.yml";

/// Every day and by hand: `okr sync`, then a commit of the new check-ins by
/// the Actions bot, listing them. The step that fetches gets the secrets it
/// needs through `env:` only, and the job may write contents and nothing
/// else; what failed to sync fails the run after what succeeded is pushed.
/// `{PACKAGE}` and `{VERSION}` are filled in by [`sync_workflow`].
const SYNC_WORKFLOW: &str = r#"# Adds check-ins from the data sources of key results ([key_results.source])
# every day and when run by hand from the Actions tab, and commits them.
# Written by okr init ({PACKAGE} {VERSION}).
#
# A source read over HTTPS with a token: store the token under Settings →
# Secrets and variables → Actions, and pass it to the sync step in `env:` by
# the name its `headers` use, e.g. `${METRICS_TOKEN}`.
name: OKR sync

on:
  schedule:
    # Every day at 04:43 UTC, before the site is rebuilt at 05:17.
    - cron: "43 4 * * *"
  workflow_dispatch:

permissions: {}

concurrency:
  group: okr-sync
  cancel-in-progress: false

jobs:
  sync:
    name: Add check-ins from data sources
    runs-on: ubuntu-latest
    permissions:
      contents: write # to push the commit with the new check-ins
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          # The commit is pushed with the job's token.
          persist-credentials: true
      {INSTALL_OKR}
      - id: sync
        # Tokens for sources read over HTTPS, by the names their headers use:
        # env:
        #   METRICS_TOKEN: ${{ secrets.METRICS_TOKEN }}
        run: |
          status=0
          okr sync > "$RUNNER_TEMP/okr-sync.txt" || status=$?
          cat "$RUNNER_TEMP/okr-sync.txt"
          echo "status=$status" >> "$GITHUB_OUTPUT"
      # What was added is committed even when another source failed.
      - run: |
          if git diff --quiet; then
            echo "No new values."
            exit 0
          fi
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          {
            echo "Check-ins from data sources"
            echo
            grep '^added ' "$RUNNER_TEMP/okr-sync.txt" || true
          } > "$RUNNER_TEMP/okr-sync-message.txt"
          git commit --all --quiet --file "$RUNNER_TEMP/okr-sync-message.txt"
          git push
      - if: steps.sync.outputs.status != '0'
        run: |
          echo "::error::okr sync could not read every source: see the sync step"
          exit 1
"#;

/// The `okr sync` workflow.
pub fn sync_workflow() -> String {
    fill_workflow(SYNC_WORKFLOW)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;
    use crate::read::load;

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
        let files = files(&Options::new("Acme \"Tools\"", today), "main");
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
