//! The `okr` command line: parses arguments, runs the library, maps results to exit codes.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use okr::check;
use okr::history::{self, History};
use okr::report;
use okr::serve::Verbosity;
use okr::site;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Building a site allocates many small strings and template values; mimalloc
/// does that markedly faster than the system allocator, and its version 2
/// (the `v2` feature) with less memory than version 3 (see the README's
/// performance section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes, a contract with CI scripts.
const EXIT_FINDINGS: u8 = 1;
const EXIT_CANNOT_RUN: u8 = 2;

#[derive(Parser)]
#[command(
    name = "okr",
    version,
    about = "Check OKRs written as Markdown files with TOML front matter, and publish them as a website",
    after_help = "Examples:\n  okr init my-okrs && cd my-okrs\n  okr new objective --period 2026-Q1 --team sales \"Grow revenue in Germany\"\n  okr serve --open\n  okr checkin grow-revenue-in-germany#kr1 42\n  okr check\n  okr build --base-url /acme-okrs/"
)]
struct Cli {
    /// Print only findings and errors: no summary or progress lines
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more: how long each stage took; every request okr serve answers
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Run as if okr was started in DIR (okr.toml is looked for there and in the folders above it)
    #[arg(
        short = 'C',
        long = "dir",
        global = true,
        value_name = "DIR",
        value_hint = clap::ValueHint::DirPath
    )]
    dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
        after_help = "Examples:\n  okr export > okrs.json\n  okr export --format csv > okrs.csv"
    )]
    Export(ExportArgs),
    /// Print the JSON Schema of objective front matter (or of okr.toml), for editors.
    #[command(
        after_help = "Examples:\n  okr schema > .okr/objective.schema.json\n  okr schema --config > .okr/okr.schema.json   # then `#:schema .okr/okr.schema.json` atop okr.toml"
    )]
    Schema(SchemaArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  okr completions bash > ~/.local/share/bash-completion/completions/okr\n  okr completions zsh > ~/.zfunc/_okr\n  okr completions fish > ~/.config/fish/completions/okr.fish"
    )]
    Completions(CompletionsArgs),
    /// Append a check-in to a key result's file, changing nothing else in it.
    #[command(
        after_help = "Examples:\n  okr checkin cut-churn#logo-churn 1.9 --confidence 0.5 --note \"Save desk live\"\n  okr checkin 2026-Q4/enterprise-ready#soc2-report done --date 2026-11-12"
    )]
    Checkin(CheckinArgs),
    /// Start period TO with a copy of each objective of FROM that was not achieved.
    #[command(
        after_help = "Examples:\n  okr rollover 2026-Q3 2026-Q4\n  okr rollover 2026-Q3 2026-Q4 -C path/to/okrs"
    )]
    Rollover(RolloverArgs),
    /// Show what changed in the OKRs between two revisions, e.g. for a pull-request comment.
    Diff(DiffArgs),
}

#[derive(clap::Args)]
struct DiffArgs {
    /// Compare REV with REV2 [default: the working tree] in the repository at DIR [default: the one around the current folder]
    #[arg(required = true, num_args = 1..=3, value_name = "REV [REV2] [DIR]")]
    args: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// The day to judge findings such as staleness at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    /// For a terminal
    Human,
    /// For a pull-request comment
    Markdown,
    /// One JSON object (see the README)
    Json,
}

#[derive(clap::Args)]
struct CheckinArgs {
    /// The key result: OBJECTIVE#KEY-RESULT, or PERIOD/OBJECTIVE#KEY-RESULT
    reference: String,
    /// Its value now: a number, or `done` / `not-done` for a milestone
    #[arg(allow_hyphen_values = true)]
    value: String,
    /// The day of the check-in [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,
    /// How sure the team is to reach the target, 0 to 1 (0.7 = 70%)
    #[arg(long, value_name = "X")]
    confidence: Option<f64>,
    /// What changed, in a sentence
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Add it even if it is dated before the latest check-in
    #[arg(long)]
    force: bool,
}

#[derive(clap::Args)]
struct RolloverArgs {
    /// The period that ends, e.g. 2026-Q3
    from: String,
    /// The period that starts, e.g. 2026-Q4
    to: String,
    /// The day to judge the objectives at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
}

#[derive(clap::Args)]
struct BuildArgs {
    /// The repository, or a folder inside it [default: the current folder]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    path: Option<PathBuf>,
    /// Output folder [default: public/ in the repository]
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Path prefix the site is served under, e.g. /acme-okrs/ [default: base_url in okr.toml]
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The day to judge progress and staleness at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    deny_warnings: bool,
    /// Replace the output folder even if it is not empty and no okr build made it
    #[arg(long)]
    force: bool,
    /// Do not read the change history from git
    #[arg(long)]
    no_history: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The repository, or a folder inside it [default: the current folder]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    path: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The day to judge progress and staleness at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Compiler-style, with the source line and a caret under the value
    Human,
    /// One JSON object with `diagnostics` and `summary`
    Json,
    /// GitHub Actions workflow commands, shown as annotations on pull requests
    Github,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // Whole, as clap writes it: what is wrong, the usage line, and a
            // similar subcommand or flag when there is one.
            let _ = e.print();
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    let global = Global {
        verbosity: match (cli.quiet, cli.verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        },
        dir: cli.dir,
    };
    let result = match cli.command {
        Command::Check(args) => run_check(args, &global),
        Command::Build(args) => run_build(args, &global),
        Command::Init(args) => run_init(args, &global),
        Command::New(args) => run_new(args, &global),
        Command::Serve(args) => run_serve(args, &global),
        Command::Export(args) => run_export(args, &global),
        Command::Schema(args) => run_schema(args),
        Command::Completions(args) => run_completions(args),
        Command::Checkin(args) => run_checkin(args, &global),
        Command::Rollover(args) => run_rollover(args, &global),
        Command::Diff(args) => run_diff(args, &global),
    };
    match result {
        Ok(code) => code,
        Err(reason) => {
            // One line per reason (an invalid okr.toml may have several).
            for line in reason.lines() {
                eprintln!("okr: {line}");
            }
            ExitCode::from(EXIT_CANNOT_RUN)
        }
    }
}

/// The options every command shares.
struct Global {
    verbosity: Verbosity,
    /// `-C DIR`: where okr runs as if started there.
    dir: Option<PathBuf>,
}

impl Global {
    /// The folder a command starts from: `-C DIR`, joined with the command's
    /// own DIR argument when it has one (as `git -C A status B` does).
    fn start(&self, given: Option<&Path>) -> PathBuf {
        let base = self.dir.as_deref().unwrap_or(Path::new("."));
        match given {
            Some(path) if base == Path::new(".") => path.to_path_buf(),
            Some(path) => base.join(path),
            None => base.to_path_buf(),
        }
    }

    /// The repository's root: the nearest folder holding `okr.toml`, from the
    /// starting folder upwards, as git and cargo find theirs.
    fn repository(&self, given: Option<&Path>) -> Result<PathBuf, String> {
        okr::load::find_root(&self.start(given)).map_err(|e| e.to_string())
    }
}

/// `--as-of`, else `SOURCE_DATE_EPOCH` (for reproducible runs), else today.
fn as_of(given: Option<NaiveDate>) -> Result<NaiveDate, String> {
    if let Some(date) = given {
        return Ok(date);
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) => epoch
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
            .map(|t| t.date_naive())
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH must be a number of seconds, not `{epoch}`")),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

fn color_for(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn run_build(args: BuildArgs, global: &Global) -> Result<ExitCode, String> {
    let verbosity = global.verbosity;
    let started = Instant::now();
    let as_of = as_of(args.as_of)?;
    let root = global.repository(args.path.as_deref())?;
    let out = match &args.out {
        Some(out) => global.start(Some(out)),
        None => root.join("public"),
    };
    okr::output::check(&root, &out, args.force).map_err(|e| e.to_string())?;
    // Which files each commit changed needs no parsing: found while checking.
    let (checked, walk) = rayon::join(
        || check::check(&root, as_of),
        || (!args.no_history).then(|| history::walk(&root)),
    );
    let mut checked = checked.map_err(|e| e.to_string())?;
    let checked_at = started.elapsed();
    // Findings go to stderr: stdout is left for the closing line.
    if !checked.diagnostics.is_empty() {
        eprint!("{}", report::human(&checked, color_for(&std::io::stderr())));
    }
    let failed = checked.errors() > 0 || (args.deny_warnings && checked.warnings() > 0);
    if failed {
        eprintln!(
            "okr: not building: fix the findings above (the output folder was left as it was)"
        );
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    // The history reuses the working tree's objectives, parsed by the check.
    let history = match walk {
        None => History::disabled(),
        Some(walk) => walk
            .and_then(|w| w.finish(Some(&checked.org)))
            .unwrap_or_else(|e| History::unavailable(e.to_string())),
    };
    if let Some(note) = history.note()
        && verbosity > Verbosity::Quiet
    {
        eprintln!("okr: {note}");
    }
    checked.release_unreported_sources();
    let built =
        site::build(&checked, &history, args.base_url.as_deref(), as_of, &out).map_err(|e| {
            // A failed build removes what it wrote; say so, since the reason names a path.
            let kept = if out.exists() {
                format!("{} was left as it was", out.display())
            } else {
                format!("nothing was written to {}", out.display())
            };
            format!("{e}\n{kept}")
        })?;
    if verbosity == Verbosity::Verbose {
        eprintln!(
            "okr: loaded and checked in {} ms, rendered and wrote the site in {} ms",
            checked_at.as_millis(),
            (started.elapsed() - checked_at).as_millis()
        );
    }
    if verbosity > Verbosity::Quiet {
        println!(
            "wrote {} to {} ({}, {}, {}) in {} ms",
            report::plural(built.pages, "page"),
            out.display(),
            report::plural(checked.org.objectives.len(), "objective"),
            report::plural(checked.errors(), "error"),
            report::plural(checked.warnings(), "warning"),
            started.elapsed().as_millis()
        );
    }
    // The process ends here: freeing millions of small allocations one by one
    // would only make everyone wait longer.
    std::mem::forget((checked, history));
    Ok(ExitCode::SUCCESS)
}

fn run_diff(args: DiffArgs, global: &Global) -> Result<ExitCode, String> {
    let as_of = as_of(args.as_of)?;
    let mut sides = okr::diff::Sides::from_args(&args.args)?;
    // Two revisions need no okr.toml in the working tree: without one, the
    // folder itself, and git says whether it is a repository.
    let start = global.start(Some(&sides.dir));
    sides.dir = okr::load::find_root(&start).unwrap_or(start);
    let diff = okr::diff::diff(&sides, as_of).map_err(|e| e.to_string())?;
    let output = match args.format {
        DiffFormat::Human => diff.human(color_for(&std::io::stdout())),
        DiffFormat::Markdown => diff.markdown(),
        DiffFormat::Json => diff.json(),
    };
    print_stdout(output.as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn run_checkin(args: CheckinArgs, global: &Global) -> Result<ExitCode, String> {
    let request = okr::checkin::Request {
        reference: &args.reference,
        value: &args.value,
        date: as_of(args.date)?,
        confidence: args.confidence,
        note: args.note.as_deref(),
        force: args.force,
    };
    let root = global.repository(None)?;
    let added = okr::checkin::add(&root, &request).map_err(|e| e.to_string())?;
    if global.verbosity > Verbosity::Quiet {
        println!("{added}");
    }
    Ok(ExitCode::SUCCESS)
}

fn run_rollover(args: RolloverArgs, global: &Global) -> Result<ExitCode, String> {
    let day = as_of(args.as_of)?;
    let root = global.repository(None)?;
    let report =
        okr::rollover::rollover(&root, &args.from, &args.to, day).map_err(|e| e.to_string())?;
    // Quiet: only what was created, one path a line.
    if global.verbosity > Verbosity::Quiet {
        print!("{report}");
    } else {
        for created in &report.created {
            println!("{}", created.file);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_check(args: CheckArgs, global: &Global) -> Result<ExitCode, String> {
    let verbosity = global.verbosity;
    let started = Instant::now();
    let as_of = as_of(args.as_of)?;
    let root = global.repository(args.path.as_deref())?;
    let checked = check::check(&root, as_of).map_err(|e| e.to_string())?;
    if verbosity == Verbosity::Verbose {
        eprintln!(
            "okr: loaded and checked in {} ms",
            started.elapsed().as_millis()
        );
    }
    let output = match args.format {
        // Quiet: the findings without the closing summary line.
        Format::Human if verbosity == Verbosity::Quiet => {
            let all = report::human(&checked, color_for(&std::io::stdout()));
            let trimmed = all.trim_end_matches('\n');
            trimmed
                .rsplit_once('\n')
                .map_or(String::new(), |(findings, _)| format!("{findings}\n"))
        }
        Format::Human => report::human(&checked, color_for(&std::io::stdout())),
        Format::Json => report::json(&checked),
        Format::Github => report::github(&checked),
    };
    print_stdout(output.as_bytes());
    let failed = checked.errors() > 0 || (args.deny_warnings && checked.warnings() > 0);
    // As in `run_build`: no point freeing the model at the very end.
    std::mem::forget(checked);
    Ok(if failed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

// ---- Authoring commands: init, new, serve, export, schema, completions ----

#[derive(clap::Args)]
struct InitArgs {
    /// The folder to create the repository in; created if missing
    #[arg(default_value = ".", value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    path: PathBuf,
    /// The company's display name
    #[arg(long, default_value = "Acme")]
    company: String,
    /// Add the files to a folder that is not empty (existing files are never overwritten)
    #[arg(long)]
    force: bool,
    /// Write the settings and the GitHub files only, no sample team, person or objectives
    #[arg(long)]
    empty: bool,
    /// Do not make the folder a git repository when it is not inside one
    #[arg(long)]
    no_git: bool,
    /// The day the first check-ins are dated; their period is its quarter [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
}

#[derive(clap::Args)]
struct NewArgs {
    #[command(subcommand)]
    what: NewCommand,
    /// The day the first check-in is dated [default: today]
    #[arg(long, global = true, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
}

#[derive(Subcommand)]
enum NewCommand {
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
struct ServeArgs {
    /// The repository, or a folder inside it [default: the current folder]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    path: Option<PathBuf>,
    /// The port on 127.0.0.1; 0 picks a free one
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Open the site in the default browser
    #[arg(long)]
    open: bool,
    /// The day to judge progress and staleness at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// The shape of okrs.json: objectives with key results and check-ins, teams, people
    Json,
    /// One row per key result with its objective's columns, for spreadsheets
    Csv,
}

#[derive(clap::Args)]
struct ExportArgs {
    /// The repository, or a folder inside it [default: the current folder]
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    path: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    format: ExportFormat,
    /// Path prefix of the site the `url` fields point into [default: base_url in okr.toml]
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The day to judge progress at [default: today, or SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
}

#[derive(clap::Args)]
#[group(multiple = false)]
struct SchemaArgs {
    /// The schema of okr.toml instead
    #[arg(long)]
    config: bool,
    /// The schema of team files (teams/*.md) instead
    #[arg(long)]
    team: bool,
    /// The schema of person files (people/*.md) instead
    #[arg(long)]
    person: bool,
}

#[derive(clap::Args)]
struct CompletionsArgs {
    shell: clap_complete::Shell,
}

fn print_stdout(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (e.g. `okr export | head`) is not a failure.
    let _ = stdout.write_all(bytes).and_then(|()| stdout.flush());
}

fn run_init(args: InitArgs, global: &Global) -> Result<ExitCode, String> {
    let dir = global.start(Some(&args.path));
    let options = okr::init::Options {
        sample: !args.empty,
        git: !args.no_git,
        force: args.force,
        ..okr::init::Options::new(&args.company, as_of(args.as_of)?)
    };
    let done = okr::init::init(&dir, &options).map_err(|e| e.to_string())?;
    if global.verbosity > Verbosity::Quiet {
        for path in &done.written {
            println!("{}", dir.join(path).display());
        }
        if done.git_created {
            eprintln!("okr: made {} a git repository", dir.display());
        }
        let next = if options.sample {
            format!("`okr serve {}` to see the site", dir.display())
        } else {
            format!(
                "`okr new objective -C {} --period {} \"…\"` to write the first objective",
                dir.display(),
                options.period
            )
        };
        eprintln!(
            "okr: next, {next}; the README's \"Publish on GitHub Pages\" says how to put it online"
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_new(args: NewArgs, global: &Global) -> Result<ExitCode, String> {
    use okr::new;
    let today = as_of(args.as_of)?;
    let root = global.repository(None)?;
    let written = match args.what {
        NewCommand::Objective {
            title,
            period,
            team,
            person,
            aligns_to,
            id,
        } => {
            let spec = new::ObjectiveSpec {
                title,
                period,
                team,
                person,
                aligns_to,
                id,
            };
            new::objective(&root, &spec, today)
        }
        NewCommand::Team {
            id,
            name,
            parent,
            lead,
        } => new::team(
            &root,
            &new::TeamSpec {
                id,
                name,
                parent,
                lead,
            },
            today,
        ),
        NewCommand::Person { id, name, role } => {
            new::person(&root, &new::PersonSpec { id, name, role }, today)
        }
    }
    .map_err(|e| e.to_string())?;
    println!("{}", root.join(&written.path).display());
    if global.verbosity > Verbosity::Quiet {
        for warning in &written.warnings {
            eprintln!("okr: note: {warning}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_serve(args: ServeArgs, global: &Global) -> Result<ExitCode, String> {
    let verbosity = global.verbosity;
    let as_of = as_of(args.as_of)?;
    let root = global.repository(args.path.as_deref())?;
    let server =
        okr::serve::Server::new(&root, args.port, as_of, verbosity).map_err(|e| e.to_string())?;
    let url = server.url();
    // The address on stdout, first and alone, for scripts; the rest on stderr.
    println!("{url}");
    if verbosity > Verbosity::Quiet {
        eprintln!("okr: serving {} on {url} (Ctrl-C stops)", root.display());
    }
    if args.open
        && let Err(e) = okr::serve::open_browser(&url)
    {
        eprintln!("okr: cannot open a browser ({e}): open {url} yourself");
    }
    server.run().map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

fn run_export(args: ExportArgs, global: &Global) -> Result<ExitCode, String> {
    let as_of = as_of(args.as_of)?;
    let root = global.repository(args.path.as_deref())?;
    let checked = check::check(&root, as_of).map_err(|e| e.to_string())?;
    if checked.errors() > 0 {
        eprint!("{}", report::human(&checked, color_for(&std::io::stderr())));
        eprintln!("okr: not exporting: fix the findings above");
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    let export = okr::export::Export::new(&checked, args.base_url.as_deref(), as_of);
    print_stdout(&match args.format {
        ExportFormat::Json => export.json(),
        ExportFormat::Csv => export.csv(),
    });
    std::mem::forget(checked);
    Ok(ExitCode::SUCCESS)
}

fn run_schema(args: SchemaArgs) -> Result<ExitCode, String> {
    use okr::schema::Document;
    let document = match (args.config, args.team, args.person) {
        (true, _, _) => Document::Config,
        (_, true, _) => Document::Team,
        (_, _, true) => Document::Person,
        _ => Document::Objective,
    };
    let schema = okr::schema::schema(document);
    let text = serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?;
    print_stdout(format!("{text}\n").as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn run_completions(args: CompletionsArgs) -> Result<ExitCode, String> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "okr", &mut out);
    print_stdout(&out);
    Ok(ExitCode::SUCCESS)
}
