//! `okr checkin --github-event`: a check-in from an issue opened with the
//! check-in form, as the workflow `okr init` writes runs it. Reads the
//! `issues` event GitHub stores for the run, reads the form's fields from the
//! issue's body, asks whether its author may check in on that key result,
//! adds the check-in as `okr checkin` does, commits it in the author's name
//! and pushes it (or pushes a branch for a pull request), and says what
//! happened in Markdown for the workflow to post on the issue.
//!
//! The issue is anyone's text: it reaches git only as arguments of a
//! command (never a shell), and the comment only inside code blocks or as
//! numbers and ids okr has checked, so it cannot mention people, link or
//! hold HTML.

use crate::authoring::checkin::{self, Added, CheckinError, Request};
use crate::authoring::git_write::Git;
use crate::authoring::issue_form::{self, FormError};
use crate::model::base_url::BaseUrl;
use crate::model::{Org, Owner};
use crate::site::routes::Route;
use crate::site::views;
use chrono::NaiveDate;
use serde::Deserialize;
use std::fmt;
use std::path::Path;

/// Where `okr init` writes the workflow that runs this.
pub const WORKFLOW_PATH: &str = ".github/workflows/okr-check-in.yml";

/// The branch a check-in is pushed to for a pull request, before the number.
pub const BRANCH_PREFIX: &str = "okr-check-in/";

/// Where the commit goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Push {
    /// To the repository's default branch.
    DefaultBranch,
    /// To a new branch `okr-check-in/<issue number>`, for a pull request.
    PullRequest,
    /// Nowhere: the commit stays in the local repository.
    No,
}

/// A check-in recorded: the comment to post, and `name=value` lines for the
/// workflow (`$GITHUB_OUTPUT`).
#[derive(Debug)]
pub struct Recorded {
    pub added: Added,
    pub comment: String,
    pub outputs: Vec<(&'static str, String)>,
}

/// What the issue asked that was not done; nothing was changed.
#[derive(Debug)]
pub struct Refused {
    /// What `okr checkin` prints for the same mistake.
    pub message: String,
    pub comment: String,
}

/// Why okr could not run at all (`okr` exits 2): a file that is not an
/// `issues` event, or git failing. Nothing was changed; `comment`, when
/// there is one, tells the issue's author.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub comment: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The parts of GitHub's `issues` event that a check-in needs.
#[derive(Debug, Deserialize)]
pub struct Event {
    pub issue: Issue,
    pub repository: Repository,
}

#[derive(Debug, Deserialize)]
pub struct Issue {
    pub number: u64,
    pub html_url: String,
    /// `null` when the issue has no text.
    pub body: Option<String>,
    pub user: User,
    /// `OWNER`, `MEMBER`, `COLLABORATOR`, `CONTRIBUTOR`, `NONE`...
    pub author_association: String,
    /// `2027-02-01T09:30:00Z`.
    pub created_at: String,
}

#[derive(Debug, Deserialize)]
pub struct User {
    pub login: String,
}

#[derive(Debug, Deserialize)]
pub struct Repository {
    pub full_name: String,
    pub html_url: String,
    pub default_branch: String,
}

/// Reads and checks the event file.
pub fn read_event(path: &Path) -> Result<Event, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the event {}: {e}", path.display()))?;
    let event: Event = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} is not a GitHub `issues` event ({e}); run this from a workflow started by `on: issues`",
            path.display()
        )
    })?;
    event.checked().map_err(|why| {
        format!(
            "{} is not a GitHub `issues` event as GitHub writes it: {why}",
            path.display()
        )
    })
}

impl Event {
    /// The event, if its values are what GitHub writes: anything else would
    /// end up in a commit, a URL or a branch name.
    fn checked(self) -> Result<Event, String> {
        let login = &self.issue.user.login;
        if !is_login(login) {
            return Err(format!("`{}` is not a GitHub login", login.escape_debug()));
        }
        for url in [&self.issue.html_url, &self.repository.html_url] {
            if !is_plain_url(url) {
                return Err(format!("`{}` is not a plain https URL", url.escape_debug()));
            }
        }
        if !is_branch(&self.repository.default_branch) {
            return Err(format!(
                "`{}` is not a branch name",
                self.repository.default_branch.escape_debug()
            ));
        }
        if self.opened_on().is_none() {
            return Err(format!(
                "`{}` is not a time",
                self.issue.created_at.escape_debug()
            ));
        }
        Ok(self)
    }

    /// The day the issue was opened (UTC, as GitHub gives it).
    fn opened_on(&self) -> Option<NaiveDate> {
        let day = self.issue.created_at.get(..10)?;
        NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
    }
}

/// GitHub logins: letters, digits and single hyphens; apps end in `[bot]`.
fn is_login(login: &str) -> bool {
    let name = login.strip_suffix("[bot]").unwrap_or(login);
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

fn is_plain_url(url: &str) -> bool {
    url.starts_with("https://")
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'))
}

fn is_branch(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['-', '.', '/'])
        && !name.ends_with(['/', '.'])
        && !name.contains("..")
        && !name.contains("//")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
}

/// `author_association` values that may check in on any key result.
const TRUSTED_ASSOCIATIONS: [&str; 3] = ["OWNER", "MEMBER", "COLLABORATOR"];

/// Whether `login` (with `association` to the repository) may check in on
/// key result `key_result` of objective `objective`: the people who answer
/// for it by their `github` login in people/, or anyone the repository
/// trusts. `Err` says who may.
pub fn may_check_in(
    org: &Org,
    objective: usize,
    key_result: usize,
    login: &str,
    association: &str,
) -> Result<(), String> {
    let people = answerable(org, objective, key_result);
    let is_login = |p: &usize| {
        org.people[*p]
            .github
            .as_ref()
            .is_some_and(|g| g.value.trim_start_matches('@').eq_ignore_ascii_case(login))
    };
    if people.iter().any(is_login) || TRUSTED_ASSOCIATIONS.contains(&association) {
        return Ok(());
    }
    let named: Vec<String> = people
        .iter()
        .map(|&p| {
            let person = &org.people[p];
            match &person.github {
                Some(g) => format!("{} (GitHub {})", person.id.value, g.value),
                None => format!("{} (no `github` login in people/)", person.id.value),
            }
        })
        .collect();
    let trusted = "the repository's owners, members and collaborators";
    Err(if named.is_empty() {
        trusted.to_string()
    } else {
        format!("{}, or {trusted}", named.join(", "))
    })
}

/// The people who answer for a key result: the objective's owner (a person,
/// or the owning team's lead and members), its contributors, and the key
/// result's owner; indices into `org.people`, sorted, once each.
fn answerable(org: &Org, objective: usize, key_result: usize) -> Vec<usize> {
    let o = &org.objectives[objective];
    let kr = &o.key_results[key_result];
    let mut ids: Vec<&str> = o.contributors.iter().map(|c| c.value.as_str()).collect();
    ids.extend(kr.owner.iter().map(|k| k.value.as_str()));
    let mut people: Vec<usize> = ids.iter().filter_map(|id| org.person_index(id)).collect();
    people.extend(kr.owner_person);
    match o.owner {
        Owner::Person(p) => people.push(p),
        Owner::Team(t) => {
            let team = &org.teams[t];
            people.extend(
                team.lead
                    .iter()
                    .chain(&team.members)
                    .filter_map(|id| org.person_index(&id.value)),
            );
        }
        Owner::Company | Owner::Unknown => {}
    }
    people.sort_unstable();
    people.dedup();
    people
}

/// Records the check-in the event's issue asks for in the repository at
/// `root`, which must be a git repository with nothing uncommitted.
pub fn check_in(
    root: &Path,
    event: &Event,
    push: Push,
) -> Result<Result<Recorded, Refused>, Failure> {
    let git = Git::new(root);
    let cannot = |message: String| Failure {
        message,
        comment: None,
    };
    let before = git.head().map_err(cannot)?;
    if !git.is_clean().map_err(cannot)? {
        return Err(cannot(
            "the repository has uncommitted changes; a check-in is committed alone".into(),
        ));
    }
    if let Some(commit) = git.recorded(&recorded_mark(event)).map_err(cannot)? {
        return Ok(Err(refused(format!(
            "this issue's check-in is already recorded, in commit {commit}; open a new issue for the next one"
        ))));
    }
    let fields = match read_fields(event) {
        Ok(fields) => fields,
        Err(message) => return Ok(Err(refused(message))),
    };
    let request = Request {
        reference: &fields.key_result,
        value: &fields.value,
        date: fields.date,
        confidence: fields.confidence,
        note: fields.note.as_deref(),
        force: false,
    };
    let login = &event.issue.user.login;
    let mut author = None;
    let mut base_url = None;
    let added = checkin::add_if(root, &request, |org, o, k| {
        author = Some(author_of(org, login));
        // The site, rebuilt the day the issue was opened, may have no page
        // for an ended period's objective (`past_periods`).
        let built_on = event.opened_on().unwrap_or(fields.date);
        base_url = views::has_page(org, o, built_on).then(|| org.config.base_url.clone());
        may_check_in(org, o, k, login, &event.issue.author_association).map_err(|allowed| {
            CheckinError::NotAllowed {
                who: format!("@{login}"),
                key_result: format!(
                    "{}/{}#{}",
                    org.objectives[o].period.value,
                    org.objectives[o].id.value,
                    org.objectives[o].key_results[k].id.value
                ),
                allowed,
            }
        })
    });
    let added = match added {
        Ok(added) => added,
        Err(e) => return Ok(Err(refused(e.to_string()))),
    };
    let author = author.unwrap_or_else(|| login.clone());
    let message = commit_message(&added, event);
    let undo = |committed: bool, why: String| {
        let undone = git.undo(&before, &added.file, committed);
        Failure {
            comment: Some(format!(
                "The check-in was not recorded: it is valid, but it could not be {}.{}\n",
                if committed { "pushed" } else { "committed" },
                match push {
                    Push::DefaultBranch if committed => {
                        " If the default branch is protected, set `OKR_CHECKIN_VIA_PULL_REQUEST: \"true\"` in the workflow."
                    }
                    _ => "",
                }
            )),
            message: match undone {
                Ok(()) => why,
                Err(e) => format!("{why}; and undoing it failed: {e}"),
            },
        }
    };
    let commit = git
        .commit_file(&added.file, &author, &message)
        .map_err(|e| undo(false, e))?;
    let branch = match push {
        Push::DefaultBranch => Some(event.repository.default_branch.clone()),
        Push::PullRequest => Some(format!("{BRANCH_PREFIX}{}", event.issue.number)),
        Push::No => None,
    };
    if let Some(branch) = &branch {
        git.push(branch).map_err(|e| undo(true, e))?;
    }
    let site = base_url.and_then(|base| objective_page(&base, &added));
    let comment = recorded_comment(&added, &fields, event, &commit, push, site.as_deref());
    let mut outputs = vec![("commit", commit)];
    if let Some(branch) = branch {
        outputs.push(("branch", branch));
    }
    outputs.push((
        "title",
        message.lines().next().unwrap_or_default().to_string(),
    ));
    Ok(Ok(Recorded {
        added,
        comment,
        outputs,
    }))
}

/// The form's fields, converted.
struct Fields {
    key_result: String,
    value: String,
    confidence: Option<f64>,
    note: Option<String>,
    date: NaiveDate,
}

fn read_fields(event: &Event) -> Result<Fields, String> {
    let form = issue_form::parse(event.issue.body.as_deref().unwrap_or_default())
        .map_err(|e: FormError| e.to_string())?;
    let confidence = match &form.confidence {
        None => None,
        Some(text) => Some(checkin::parse_value(text, false).ok_or_else(|| {
            format!(
                "confidence must be a number between 0 and 1, not `{text}` (0.7 means 70% sure)"
            )
        })?),
    };
    let date = match &form.date {
        None => event.opened_on().unwrap_or_default(),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            format!("`{text}` is not a date: write YYYY-MM-DD, e.g. 2027-02-01, or nothing for the day the issue was opened")
        })?,
    };
    Ok(Fields {
        key_result: form.key_result,
        value: form.value,
        confidence,
        note: form.note,
        date,
    })
}

/// The commit's author: the person's name in people/ whose `github` is the
/// login, else the login, with the login's no-reply address.
fn author_of(org: &Org, login: &str) -> String {
    let name = org
        .people
        .iter()
        .find(|p| {
            p.github
                .as_ref()
                .is_some_and(|g| g.value.trim_start_matches('@').eq_ignore_ascii_case(login))
        })
        .map(|p| plain_name(p.display_name()))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| login.to_string());
    format!("{name} <{login}@users.noreply.github.com>")
}

/// A name as git can write it in an author line: no angle brackets, control
/// characters or line breaks.
fn plain_name(name: &str) -> String {
    let kept: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>') {
                ' '
            } else {
                c
            }
        })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Check-in: <ref> = <value> on <date>`, then where it came from. Only
/// values okr has checked: the reference it resolved, the number it read.
fn commit_message(added: &Added, event: &Event) -> String {
    format!(
        "Check-in: {} = {} on {}\n\n{}@{}\n",
        added.key_result,
        added.value_text(),
        added.date,
        recorded_mark(event),
        event.issue.user.login
    )
}

/// The start of the line that ties a commit to its issue: an issue edited
/// after its check-in was recorded is not recorded twice.
fn recorded_mark(event: &Event) -> String {
    format!("From {} by ", event.issue.html_url)
}

/// The objective's page on the published site, when `base_url` in okr.toml
/// is a full URL.
fn objective_page(base: &BaseUrl, added: &Added) -> Option<String> {
    if !base.as_str().starts_with("http") {
        return None;
    }
    let (period, rest) = added.key_result.split_once('/')?;
    let (id, _) = rest.split_once('#')?;
    Some(Route::Objective { period, id }.url(base))
}

fn recorded_comment(
    added: &Added,
    fields: &Fields,
    event: &Event,
    commit: &str,
    push: Push,
    site: Option<&str>,
) -> String {
    let mut details = Vec::new();
    if let Some(c) = fields.confidence {
        details.push(format!("confidence {}", crate::text::number(c)));
    }
    if fields.note.is_some() {
        details.push("with the note".to_string());
    }
    let details = if details.is_empty() {
        String::new()
    } else {
        format!(" ({})", details.join(", "))
    };
    let short = commit.get(..7).unwrap_or(commit);
    let link = format!(
        "[{short}]({}/commit/{commit})",
        event.repository.html_url.trim_end_matches('/')
    );
    let what = format!(
        "{} = {} on {}{details}",
        code(&added.key_result),
        added.value_text(),
        added.date
    );
    let mut comment = match push {
        Push::DefaultBranch => {
            format!("Recorded {what} in {}, commit {link}.\n", code(&added.file))
        }
        Push::PullRequest => format!(
            "Proposed {what} in {}, commit {link} on branch {}: it is recorded once the pull request is merged.\n",
            code(&added.file),
            code(&format!("{BRANCH_PREFIX}{}", event.issue.number))
        ),
        Push::No => format!(
            "Committed {what} in {}, commit {short} (not pushed).\n",
            code(&added.file)
        ),
    };
    if let Some(url) = site {
        comment.push_str(&format!(
            "\nThe objective's page shows it once the site is rebuilt: {url}\n"
        ));
    }
    comment
}

/// A refusal: the message, and a comment that quotes it inside a code block
/// (nothing of the issue in it can mention, link or hold HTML there).
fn refused(message: String) -> Refused {
    // Bounded, and each line printable: a message may quote a long value.
    let shown: Vec<String> = crate::text::prefix(&message, 4000)
        .lines()
        .map(|line| crate::text::printable(line).into_owned())
        .collect();
    let shown = shown.join("\n");
    let comment = format!(
        "The check-in was not recorded:\n\n{}\n\nEdit the issue to correct it: the check-in is read again.\n",
        code_block(&shown)
    );
    Refused { message, comment }
}

/// `text` as inline code, its fence longer than any run of backquotes in it.
fn code(text: &str) -> String {
    match longest_backquote_run(text) {
        0 => format!("`{text}`"),
        run => {
            let fence = "`".repeat(run + 1);
            format!("{fence} {text} {fence}")
        }
    }
}

/// `text` as a fenced code block that nothing in it can close.
fn code_block(text: &str) -> String {
    let fence = "`".repeat((longest_backquote_run(text) + 1).max(3));
    format!("{fence}text\n{text}\n{fence}")
}

fn longest_backquote_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// The workflow `okr init` writes: on every issue opened or edited with the
/// check-in label, record the check-in and answer on the issue.
///
/// `{PACKAGE}` and `{VERSION}` are filled in by [`workflow`]; actions are
/// pinned as in the Pages workflow. The issue's text reaches okr only through
/// the event file; every `${{ }}` a `run:` needs goes through `env:`.
const WORKFLOW: &str = r#"# Records the check-ins people send with the "OKR check-in" issue form
# (.github/ISSUE_TEMPLATE/okr-check-in.yml, the site's "Check in" links):
# okr adds the check-in to the key result's file, commits it in the name of
# the issue's author, pushes it, answers on the issue and closes it. A
# check-in it refuses (not allowed, not a number, an unknown key result...)
# gets a comment saying why; editing the issue tries again. Written by okr
# init ({PACKAGE} {VERSION}).
#
# Once per repository: Settings → Actions → General → Workflow permissions:
# "Read and write permissions". Who may check in: see `okr checkin --help`.
name: OKR check-in

on:
  issues:
    types: [opened, edited]

permissions: {}

env:
  # "true": push each check-in to a branch okr-check-in/<issue number> and
  # open a pull request for it, for a protected default branch. Then also
  # uncomment `pull-requests: write` below, and allow "GitHub Actions to create
  # and approve pull requests" under Settings → Actions → General.
  OKR_CHECKIN_VIA_PULL_REQUEST: "false"

# One check-in at a time, in order: each one is pushed on top of the last.
concurrency:
  group: okr-check-in
  cancel-in-progress: false

jobs:
  check-in:
    name: Record the check-in
    # Closed issues are done: editing one records nothing twice.
    if: contains(github.event.issue.labels.*.name, 'okr-check-in') && github.event.issue.state == 'open'
    runs-on: ubuntu-latest
    permissions:
      contents: write # to push the check-in's commit
      issues: write # to answer on the issue and close it
      # pull-requests: write # with OKR_CHECKIN_VIA_PULL_REQUEST: "true"
    outputs:
      branch: ${{ steps.okr.outputs.branch }}
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          # The branch as it is now, not as it was when the issue was opened.
          ref: ${{ github.event.repository.default_branch }}
          # okr pushes the commit with the workflow's token.
          persist-credentials: true # zizmor: ignore[artipacked] no artifact is uploaded; okr pushes with it
      {INSTALL_OKR}
      # okr reads the issue from the event file; nothing of it is expanded here.
      # Exit 0: recorded; 1: refused, and the comment says why; 2: failed.
      - id: okr
        run: |
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          mode=()
          if [ "$OKR_CHECKIN_VIA_PULL_REQUEST" = "true" ]; then mode=(--pull-request); fi
          okr checkin --github-event "$GITHUB_EVENT_PATH" --comment-file "$RUNNER_TEMP/okr-check-in.md" "${mode[@]}" >> "$GITHUB_OUTPUT"
      - if: steps.okr.outcome == 'success' && env.OKR_CHECKIN_VIA_PULL_REQUEST == 'true'
        env:
          GH_TOKEN: ${{ github.token }}
          GH_REPO: ${{ github.repository }}
          NUMBER: ${{ github.event.issue.number }}
          BASE: ${{ github.event.repository.default_branch }}
          BRANCH: ${{ steps.okr.outputs.branch }}
          TITLE: ${{ steps.okr.outputs.title }}
        run: |
          url="$(gh pr create --base "$BASE" --head "$BRANCH" --title "$TITLE" --body "Closes #$NUMBER")"
          printf '\nPull request: %s\n' "$url" >> "$RUNNER_TEMP/okr-check-in.md"
      - if: ${{ !cancelled() }}
        env:
          GH_TOKEN: ${{ github.token }}
          GH_REPO: ${{ github.repository }}
          NUMBER: ${{ github.event.issue.number }}
          RUN: ${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}
        run: |
          if [ ! -s "$RUNNER_TEMP/okr-check-in.md" ]; then
            printf 'The check-in could not be recorded: see %s\n' "$RUN" > "$RUNNER_TEMP/okr-check-in.md"
          fi
          gh issue comment "$NUMBER" --body-file "$RUNNER_TEMP/okr-check-in.md"
      - if: steps.okr.outcome == 'success' && env.OKR_CHECKIN_VIA_PULL_REQUEST != 'true'
        env:
          GH_TOKEN: ${{ github.token }}
          GH_REPO: ${{ github.repository }}
          NUMBER: ${{ github.event.issue.number }}
        run: |
          gh issue edit "$NUMBER" --remove-label okr-check-in-refused || true
          gh issue close "$NUMBER" --reason completed
      # A refusal marks the issue, so that waiting ones are easy to find;
      # editing the issue tries again.
      - if: failure() && steps.okr.outcome == 'failure'
        env:
          GH_TOKEN: ${{ github.token }}
          GH_REPO: ${{ github.repository }}
          NUMBER: ${{ github.event.issue.number }}
        run: |
          gh label create okr-check-in-refused --force --color D93F0B \
            --description "okr could not record this check-in: see its comment"
          gh issue edit "$NUMBER" --add-label okr-check-in-refused

  publish:
    name: Rebuild the site
    # A push made with the workflow's token starts no workflow: start the
    # OKRs workflow (okrs.yml) on the default branch by hand.
    needs: check-in
    if: needs.check-in.outputs.branch == github.event.repository.default_branch
    runs-on: ubuntu-latest
    permissions:
      actions: write # to start the OKRs workflow
    steps:
      - env:
          GH_TOKEN: ${{ github.token }}
          GH_REPO: ${{ github.repository }}
          BRANCH: ${{ github.event.repository.default_branch }}
        run: gh workflow run okrs.yml --ref "$BRANCH"
"#;

/// The check-in workflow.
pub fn workflow() -> String {
    crate::authoring::init::fill_workflow(WORKFLOW)
}

/// What `okr init` writes for check-ins from issues: the form and the workflow.
pub fn init_files() -> Vec<(String, String)> {
    vec![
        (
            issue_form::FORM_PATH.to_string(),
            issue_form::FORM.to_string(),
        ),
        (WORKFLOW_PATH.to_string(), workflow()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{load, resolve};

    fn person(name: &str, login: &str) -> String {
        format!("+++\nname = \"{name}\"\ngithub = \"{login}\"\n+++\n")
    }

    /// A person objective (owner, contributor, key-result owner) and a team
    /// objective (lead, member), and someone with a login who is in neither.
    fn org() -> Org {
        let people: Vec<(String, String)> = [
            ("owner", "Olga Owner", "olga"),
            ("contributor", "Carl Contributor", "carl"),
            ("kr-owner", "Kim Keeper", "Kim-K"),
            ("lead", "Lea Lead", "lea"),
            ("member", "Max Member", "max"),
            ("outsider", "Otto Outsider", "otto"),
        ]
        .iter()
        .map(|(id, name, login)| (format!("people/{id}.md"), person(name, login)))
        .collect();
        let kr = "[[key_results]]\nid = \"kr\"\ntitle = \"Replies from 1 to 2\"\nstart = 1\ntarget = 2\n";
        let mine = format!(
            "+++\ntitle = \"Mine\"\nperiod = \"2026-Q1\"\nperson = \"owner\"\ncontributors = [\"contributor\"]\n\n{kr}owner = \"kr-owner\"\n+++\n"
        );
        let theirs = format!(
            "+++\ntitle = \"Theirs\"\nperiod = \"2026-Q1\"\nteam = \"support\"\n\n{kr}+++\n"
        );
        let mut files: Vec<(&str, &str)> = vec![
            ("okr.toml", "title = \"T\"\n"),
            (
                "teams/support.md",
                "+++\nname = \"Support\"\nlead = \"lead\"\nmembers = [\"member\", \"nologin\"]\n+++\n",
            ),
            ("okrs/2026-Q1/owner/mine.md", &mine),
            ("okrs/2026-Q1/support/theirs.md", &theirs),
        ];
        files.extend(people.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        resolve::build(load::from_memory(&files).unwrap()).0
    }

    fn may(org: &Org, objective: &str, login: &str, association: &str) -> Result<(), String> {
        let index = org
            .objectives
            .iter()
            .position(|o| o.id.value == objective)
            .unwrap();
        may_check_in(org, index, 0, login, association)
    }

    #[test]
    fn the_people_who_answer_for_a_key_result_may_check_in() {
        let org = org();
        // Owner, contributor, key result owner (logins match in any case).
        for login in ["olga", "carl", "kim-k", "KIM-K"] {
            assert_eq!(may(&org, "mine", login, "NONE"), Ok(()), "{login}");
        }
        // The owning team's lead and members.
        for login in ["lea", "max"] {
            assert_eq!(may(&org, "theirs", login, "NONE"), Ok(()), "{login}");
            assert!(may(&org, "mine", login, "NONE").is_err(), "{login}");
        }
        assert!(may(&org, "theirs", "olga", "NONE").is_err());
    }

    #[test]
    fn others_only_when_the_repository_trusts_them() {
        let org = org();
        for association in ["OWNER", "MEMBER", "COLLABORATOR"] {
            assert_eq!(
                may(&org, "mine", "otto", association),
                Ok(()),
                "{association}"
            );
        }
        for association in [
            "CONTRIBUTOR",
            "FIRST_TIME_CONTRIBUTOR",
            "FIRST_TIMER",
            "MANNEQUIN",
            "NONE",
            "member",
        ] {
            assert!(
                may(&org, "mine", "otto", association).is_err(),
                "{association}"
            );
        }
        let who = may(&org, "theirs", "otto", "NONE").unwrap_err();
        assert_eq!(
            who,
            "lead (GitHub lea), member (GitHub max), nologin (no `github` login in people/), \
             or the repository's owners, members and collaborators"
        );
    }

    #[test]
    fn the_author_is_the_person_of_the_login_or_the_login() {
        let org = org();
        assert_eq!(
            author_of(&org, "KIM-K"),
            "Kim Keeper <KIM-K@users.noreply.github.com>"
        );
        assert_eq!(
            author_of(&org, "someone"),
            "someone <someone@users.noreply.github.com>"
        );
        assert_eq!(plain_name(" Ana <x>\n Lima\u{7} "), "Ana x Lima");
    }

    #[test]
    fn only_what_github_writes_is_an_event() {
        assert!(is_login("octo-cat") && is_login("dependabot[bot]"));
        for login in ["", "a b", "a\nb", "<x>", "a@b"] {
            assert!(!is_login(login), "{login:?}");
        }
        assert!(is_branch("main") && is_branch("release/2026.1"));
        for branch in ["", "-f", "a..b", "a b", "x:y", "a/", ".hidden"] {
            assert!(!is_branch(branch), "{branch:?}");
        }
        assert!(is_plain_url("https://github.com/acme/okrs/issues/3"));
        assert!(!is_plain_url("javascript:alert(1)"));
        assert!(!is_plain_url("https://x/ y"));
    }

    #[test]
    fn refusals_quote_the_issue_inside_a_code_block_nothing_can_close() {
        let message = "`` @octocat `` <img src=x> [link](https://evil) ```\n```".to_string();
        let comment = refused(message).comment;
        let fence = "````";
        assert!(comment.contains(&format!("{fence}text\n``")), "{comment}");
        assert!(
            comment.contains(&format!("```\n```\n{fence}\n")),
            "{comment}"
        );
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("a-b"), "`a-b`");
        assert_eq!(code_block("x"), "```text\nx\n```");
    }
}
