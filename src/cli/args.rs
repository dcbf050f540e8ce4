//! The command line as clap reads it: one `Args` struct per command, the
//! options every command shares on `Cli`. A new flag is a field here, passed
//! on by its command in `commands.rs`.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "okr",
    version,
    about = "Check OKRs written as Markdown files with TOML front matter, and publish them as a website",
    after_help = "Examples:\n  okr init my-okrs && cd my-okrs\n  okr new objective --period 2026-Q1 --team sales \"Grow revenue in Germany\"\n  okr serve --open\n  okr checkin grow-revenue-in-germany#kr1 42\n  okr check\n  okr build --base-url /acme-okrs/"
)]
pub struct Cli {
    /// Print only findings and errors: no summary or progress lines
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: how long each stage took; every request okr serve answers
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Run as if okr was started in DIR (okr.toml is looked for there and in the folders above it)
    #[arg(
        short = 'C',
        long = "dir",
        global = true,
        value_name = "DIR",
        value_hint = clap::ValueHint::DirPath
    )]
    pub dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check every objective: alignment, measurability, ids, dates. Exit 1 on errors.
    #[command(
        after_help = "Examples:\n  okr check\n  okr check path/to/okrs --format github --deny-warnings\n  okr check --format json --as-of 2026-03-31"
    )]
    Check(CheckArgs),
    /// Check, then render the OKR website (and okrs.json) into an output folder.
    #[command(
        after_help = "Examples:\n  okr build\n  okr build path/to/okrs --out site --base-url /acme-okrs/"
    )]
    Build(BuildArgs),
    /// Start a new OKR repository: settings, a team, a person, two objectives, a GitHub workflow.
    #[command(
        after_help = "Examples:\n  okr init acme-okrs --company Acme\n  okr init . --force    # beside a README and LICENSE already there"
    )]
    Init(InitArgs),
    /// Write a new objective, team or person file, checked against the repository.
    #[command(
        after_help = "Examples:\n  okr new objective --period 2026-Q1 --team sales --aligns-to expand-germany \"Grow revenue in Germany\"\n  okr new team marketing --name Marketing --lead anna\n  okr new person anna --name \"Anna Schmidt\""
    )]
    New(NewArgs),
    /// Serve the site on 127.0.0.1, rebuilt and reloaded in the browser on every change.
    #[command(after_help = "Examples:\n  okr serve --open\n  okr serve path/to/okrs --port 8080")]
    Serve(ServeArgs),
    /// Print every objective and key result with scores, as JSON or CSV.
    #[command(
        after_help = "Examples:\n  okr export > okrs.json\n  okr export --format csv > okrs.csv\n  okr export --format csv --bom > okrs.csv   # for Excel"
    )]
    Export(ExportArgs),
    /// Print the JSON Schema of objective front matter (or of okr.toml, or of the JSON export), for editors.
    #[command(
        after_help = "Examples:\n  okr schema > .okr/objective.schema.json\n  okr schema --config > .okr/okr.schema.json   # then `#:schema .okr/okr.schema.json` atop okr.toml\n  okr schema --export > okrs.schema.json"
    )]
    Schema(SchemaArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  okr completions bash > ~/.local/share/bash-completion/completions/okr\n  okr completions zsh > ~/.zfunc/_okr\n  okr completions fish > ~/.config/fish/completions/okr.fish"
    )]
    Completions(CompletionsArgs),
    /// Append a check-in to a key result's file, changing nothing else in it.
    #[command(
        after_help = "Examples:\n  okr checkin cut-churn#logo-churn 1.9 --confidence 0.5 --note \"Save desk live\"\n  okr checkin 2026-Q4/enterprise-ready#soc2-report done --date 2026-11-12\n  okr checkin --github-event \"$GITHUB_EVENT_PATH\" --comment-file comment.md   # in .github/workflows/okr-check-in.yml\n\nFrom an issue (--github-event), the issue's author may check in when their GitHub login is the\n`github` of a person in people/ who owns the objective, contributes to it, owns the key result, or\nleads or belongs to the owning team; else only the repository's owners, members and collaborators."
    )]
    Checkin(CheckinArgs),
    /// Start period TO with a copy of each objective of FROM that was not achieved.
    #[command(
        after_help = "Examples:\n  okr rollover 2026-Q3 2026-Q4\n  okr rollover 2026-Q3 2026-Q4 -C path/to/okrs"
    )]
    Rollover(RolloverArgs),
    /// Show what changed in the OKRs between two revisions, e.g. for a pull-request comment.
    Diff(DiffArgs),
    /// Print what moved in the last days: check-ins, scores against the pace, stale and due key results.
    #[command(
        after_help = "Examples:\n  okr digest\n  okr digest --since 14 --format json\n  okr digest --format slack --base-url https://acme.github.io/acme-okrs/ > payload.json"
    )]
    Digest(DigestArgs),
    /// List who owes a check-in: stale key results and those due within 7 days, per person.
    #[command(
        after_help = "Examples:\n  okr remind\n  okr remind --format markdown > reminder.md && gh issue create --title \"OKR check-in reminder\" --body-file reminder.md"
    )]
    Remind(RemindArgs),
    /// Add check-ins from each key result's data source (`[key_results.source]`): new values only.
    #[command(
        after_help = "Examples:\n  okr sync\n  okr sync --dry-run\n  okr sync --only grow-usage#wau --as-of 2026-11-23"
    )]
    Sync(SyncArgs),
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The repository, or a folder inside it [default: the current folder]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub path: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The day to judge progress and staleness at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Compiler-style, with the source line and a caret under the value
    Human,
    /// One JSON object with `diagnostics` and `summary`
    Json,
    /// GitHub Actions workflow commands, shown as annotations on pull requests
    Github,
}

#[derive(clap::Args)]
pub struct BuildArgs {
    /// The repository, or a folder inside it [default: the current folder]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub path: Option<PathBuf>,
    /// Output folder [default: public/ in the repository]
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Path prefix the site is served under, e.g. /acme-okrs/ [default: base_url in okr.toml]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The day to judge progress and staleness at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Replace the output folder even if it is not empty and no okr build made it
    #[arg(long)]
    pub force: bool,
    /// Do not read the change history from git
    #[arg(long)]
    pub no_history: bool,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// Where the change history read from git is kept between runs.
#[derive(clap::Args)]
pub struct CacheArgs {
    /// Keep the history cache in DIR, so that the next run reads only the commits made since [default: .okr-cache/ in the repository]
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub cache: Option<PathBuf>,
    /// Read the whole history from git, and keep no cache
    #[arg(long, conflicts_with = "cache")]
    pub no_cache: bool,
}

#[derive(clap::Args)]
pub struct InitArgs {
    /// The folder to create the repository in; created if missing
    #[arg(default_value = ".", value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub path: PathBuf,
    /// The company's display name
    #[arg(long, default_value = "Acme")]
    pub company: String,
    /// Add the files to a folder that is not empty (existing files are never overwritten)
    #[arg(long)]
    pub force: bool,
    /// Write the settings and the GitHub files only, no sample team, person or objectives
    #[arg(long)]
    pub empty: bool,
    /// Do not make the folder a git repository when it is not inside one
    #[arg(long)]
    pub no_git: bool,
    /// The day the first check-ins are dated; their period is its quarter [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Also write a weekly workflow that opens a check-in reminder issue
    #[arg(long)]
    pub reminders: bool,
}

#[derive(clap::Args)]
pub struct NewArgs {
    #[command(subcommand)]
    pub what: NewCommand,
    /// The day the first check-in is dated [default: today]
    #[arg(long, global = true, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
}

#[derive(Subcommand)]
pub enum NewCommand {
    /// okrs/PERIOD/OWNER/ID.md, with two key result stubs and every field explained
    #[command(
        after_help = "Examples:\n  okr new objective --period 2026-Q1 \"Become the easiest tool to start with\"\n  okr new objective --period 2026-Q1 --team sales --aligns-to expand-germany \"Grow revenue in Germany\"\n  okr new objective --period 2026-Q1 --person anna --aligns-to grow-revenue-in-germany#pipeline \"Build my partner network\""
    )]
    Objective {
        /// The objective's title; its id is made from it unless --id is given
        title: String,
        /// The period, e.g. 2026-Q1, 2026-H2, 2026 or one from okr.toml's [periods]
        #[arg(long)]
        period: String,
        /// The owning team's id [default: none, a company objective]
        #[arg(long, conflicts_with = "person")]
        team: Option<String>,
        /// The owning person's id
        #[arg(long)]
        person: Option<String>,
        /// What it supports: objective-id, objective-id#kr-id or PERIOD/objective-id; repeatable
        #[arg(long, value_name = "REF")]
        aligns_to: Vec<String>,
        /// The id, instead of one made from the title
        #[arg(long)]
        id: Option<String>,
        /// A committed objective: it must happen, so it is achieved only at a score of 1.0
        /// [default: aspirational, a stretch achieved from 0.7]
        #[arg(long)]
        committed: bool,
    },
    /// teams/ID.md
    #[command(
        after_help = "Examples:\n  okr new team marketing --name Marketing --lead anna\n  okr new team field-marketing --parent marketing"
    )]
    Team {
        /// The team's id: lowercase letters, digits, - and _
        id: String,
        /// Display name [default: the id]
        #[arg(long)]
        name: Option<String>,
        /// The id of the team it belongs to
        #[arg(long)]
        parent: Option<String>,
        /// The id of the person leading it
        #[arg(long)]
        lead: Option<String>,
    },
    /// people/ID.md
    #[command(
        after_help = "Examples:\n  okr new person anna --name \"Anna Schmidt\" --role \"Marketing lead\""
    )]
    Person {
        /// The person's id: lowercase letters, digits, - and _
        id: String,
        /// Display name [default: the id]
        #[arg(long)]
        name: Option<String>,
        /// e.g. "Engineering manager"
        #[arg(long)]
        role: Option<String>,
    },
}

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The repository, or a folder inside it [default: the current folder]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub path: Option<PathBuf>,
    /// The port on 127.0.0.1; 0 picks a free one
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
    /// The day to judge progress and staleness at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The repository, or a folder inside it [default: the current folder]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub path: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Path prefix or full URL of the site the `url` fields point into; a full URL makes them absolute [default: base_url in okr.toml]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The day to judge progress at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Start the CSV with a UTF-8 byte-order mark, which Excel needs to read accents and emoji right
    #[arg(long)]
    pub bom: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// The shape of okrs.json: objectives with key results and check-ins, teams, people
    Json,
    /// One row per key result with its objective's columns, for spreadsheets
    Csv,
}

#[derive(clap::Args)]
#[group(multiple = false)]
pub struct SchemaArgs {
    /// The schema of okr.toml instead
    #[arg(long)]
    pub config: bool,
    /// The schema of team files (teams/*.md) instead
    #[arg(long)]
    pub team: bool,
    /// The schema of person files (people/*.md) instead
    #[arg(long)]
    pub person: bool,
    /// The schema of okrs.json and `okr export --format json` instead
    #[arg(long)]
    pub export: bool,
}

#[derive(clap::Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

#[derive(clap::Args)]
pub struct CheckinArgs {
    /// The key result: OBJECTIVE#KEY-RESULT, or PERIOD/OBJECTIVE#KEY-RESULT
    #[arg(required_unless_present = "github_event")]
    pub reference: Option<String>,
    /// Its value now: a number, or `done` / `not-done` for a milestone
    #[arg(allow_hyphen_values = true, required_unless_present = "github_event")]
    pub value: Option<String>,
    /// The day of the check-in [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<NaiveDate>,
    /// How sure the team is to reach the target, 0 to 1 (0.7 = 70%)
    #[arg(long, value_name = "X")]
    pub confidence: Option<f64>,
    /// What changed, in a sentence
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Add it even if it is dated before the latest check-in
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub github: GithubCheckinArgs,
}

/// `okr checkin --github-event`: the check-in an issue asks for.
#[derive(clap::Args)]
pub struct GithubCheckinArgs {
    /// Take the check-in from the issue of this GitHub `issues` event (the
    /// check-in form's fields; in a workflow, "$GITHUB_EVENT_PATH"), if the
    /// issue's author may check in on the key result; commit it in their
    /// name and push it to the default branch. Prints `commit=`, `branch=`
    /// and `title=` lines for "$GITHUB_OUTPUT". Exit 0: recorded; 1: refused,
    /// nothing changed; 2: could not run
    #[arg(
        long,
        value_name = "PATH",
        conflicts_with_all = ["reference", "value", "date", "confidence", "note", "force"]
    )]
    pub github_event: Option<PathBuf>,
    /// Write what to answer on the issue here, in Markdown: what was recorded
    /// and the commit, or why not
    #[arg(long, value_name = "PATH", requires = "github_event")]
    pub comment_file: Option<PathBuf>,
    /// Push to a new branch okr-check-in/<issue number> instead, for a pull request
    #[arg(long, requires = "github_event", conflicts_with = "no_push")]
    pub pull_request: bool,
    /// Commit, but push nothing
    #[arg(long, requires = "github_event")]
    pub no_push: bool,
}

#[derive(clap::Args)]
pub struct RolloverArgs {
    /// The period that ends, e.g. 2026-Q3
    pub from: String,
    /// The period that starts, e.g. 2026-Q4
    pub to: String,
    /// The day to judge the objectives at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// Compare REV with REV2 [default: the working tree] in the repository at DIR [default: the one around the current folder]
    #[arg(required = true, num_args = 1..=3, value_name = "REV [REV2] [DIR]")]
    pub args: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// The day to judge findings such as staleness at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    /// For a terminal
    Human,
    /// For a pull-request comment
    Markdown,
    /// One JSON object (see the README)
    Json,
}

#[derive(clap::Args)]
pub struct DigestArgs {
    /// The repository, or a folder inside it [default: the current folder]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub path: Option<PathBuf>,
    /// How many days back the digest looks
    #[arg(long, value_name = "DAYS", default_value_t = 7,
          value_parser = clap::value_parser!(i64).range(1..=366))]
    pub since: i64,
    /// Output format
    #[arg(long, value_enum, default_value_t = DigestFormat::Markdown)]
    pub format: DigestFormat,
    /// The last day of the window [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Path prefix or full URL of the site the links point into; a full URL makes them absolute [default: base_url in okr.toml]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Do not read the change history from git (no "Targets changed")
    #[arg(long)]
    pub no_history: bool,
    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DigestFormat {
    /// For people: a job summary, an issue, an e-mail
    Markdown,
    /// One JSON object (see the README)
    Json,
    /// A Slack (or Microsoft Teams) incoming-webhook payload
    Slack,
}

#[derive(clap::Args)]
pub struct RemindArgs {
    /// The repository, or a folder inside it [default: the current folder]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub path: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = RemindFormat::Markdown)]
    pub format: RemindFormat,
    /// The day to judge staleness and due dates at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Path prefix or full URL of the site the links point into [default: base_url in okr.toml]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RemindFormat {
    /// A GitHub issue body: a checklist per person, with @mentions
    Markdown,
    /// One JSON object, for webhooks (see the README)
    Json,
}

#[derive(clap::Args)]
pub struct SyncArgs {
    /// The repository, or a folder inside it [default: the current folder]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub path: Option<PathBuf>,
    /// Say what would be added, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Only these key results: OBJECTIVE#KEY-RESULT, PERIOD/OBJECTIVE#KEY-RESULT, or an objective for all of its key results
    #[arg(long, num_args = 1.., value_name = "REF")]
    pub only: Vec<String>,
    /// The day a single value is checked in on; no dated value after it is added [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
}
