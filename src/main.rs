//! The `okr` command line: parses arguments, runs the library, maps results to exit codes.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use okr::check;
use okr::history::{self, History};
use okr::report;
use okr::site;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Building a site allocates many small strings and template values; mimalloc
/// does that markedly faster than the system allocator (see the README's
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
    about = "Check OKRs written as Markdown files with TOML front matter, and publish them as a website"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every objective: alignment, measurability, ids, dates. Exit 1 on errors.
    Check(CheckArgs),
    /// Check, then render the OKR website into an output folder.
    Build(BuildArgs),
    /// Show what changed in the OKRs between two revisions, e.g. for a pull-request comment.
    Diff(DiffArgs),
}

#[derive(clap::Args)]
struct DiffArgs {
    /// Compare REV with REV2 [default: the working tree] in the repository at DIR [default: .]
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
struct BuildArgs {
    /// The repository root, holding okr.toml
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Output folder [default: DIR/public]
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
    /// The repository root, holding okr.toml
    #[arg(default_value = ".")]
    dir: PathBuf,
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
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{}", e.render());
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
        Err(e) => {
            // A one-line reason like every other exit 2, e.g. a bad `--as-of`.
            let rendered = e.render().to_string();
            let reason = rendered.lines().next().unwrap_or_default();
            eprintln!("okr: {}", reason.strip_prefix("error: ").unwrap_or(reason));
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Build(args) => run_build(args),
        Command::Diff(args) => run_diff(args),
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

fn run_build(args: BuildArgs) -> Result<ExitCode, String> {
    let started = Instant::now();
    let as_of = as_of(args.as_of)?;
    let out = args.out.clone().unwrap_or_else(|| args.dir.join("public"));
    okr::output::check(&args.dir, &out, args.force).map_err(|e| e.to_string())?;
    // Which files each commit changed needs no parsing: found while checking.
    let (checked, walk) = rayon::join(
        || check::check(&args.dir, as_of),
        || (!args.no_history).then(|| history::walk(&args.dir)),
    );
    let mut checked = checked.map_err(|e| e.to_string())?;
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
    if let Some(note) = history.note() {
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
    println!(
        "wrote {} to {} ({}, {}, {}) in {} ms",
        report::plural(built.pages, "page"),
        out.display(),
        report::plural(checked.org.objectives.len(), "objective"),
        report::plural(checked.errors(), "error"),
        report::plural(checked.warnings(), "warning"),
        started.elapsed().as_millis()
    );
    // The process ends here: freeing millions of small allocations one by one
    // would only make everyone wait longer.
    std::mem::forget((checked, history));
    Ok(ExitCode::SUCCESS)
}

fn run_diff(args: DiffArgs) -> Result<ExitCode, String> {
    let as_of = as_of(args.as_of)?;
    let sides = okr::diff::Sides::from_args(&args.args)?;
    let diff = okr::diff::diff(&sides, as_of).map_err(|e| e.to_string())?;
    print(&match args.format {
        DiffFormat::Human => diff.human(color_for(&std::io::stdout())),
        DiffFormat::Markdown => diff.markdown(),
        DiffFormat::Json => diff.json(),
    });
    Ok(ExitCode::SUCCESS)
}

/// Writes a command's output; a closed pipe (e.g. `okr check | head`) is not a failure.
fn print(output: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush());
}

fn run_check(args: CheckArgs) -> Result<ExitCode, String> {
    let as_of = as_of(args.as_of)?;
    let checked = check::check(&args.dir, as_of).map_err(|e| e.to_string())?;
    let output = match args.format {
        Format::Human => report::human(&checked, color_for(&std::io::stdout())),
        Format::Json => report::json(&checked),
        Format::Github => report::github(&checked),
    };
    print(&output);
    let failed = checked.errors() > 0 || (args.deny_warnings && checked.warnings() > 0);
    // As in `run_build`: no point freeing the model at the very end.
    std::mem::forget(checked);
    Ok(if failed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}
