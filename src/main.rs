//! The `okr` command line: parses arguments, runs the library, maps results to exit codes.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use okr::check;
use okr::report;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes, a contract with CI scripts.
const EXIT_FINDINGS: u8 = 1;
const EXIT_CANNOT_RUN: u8 = 2;

#[derive(Parser)]
#[command(
    name = "okr",
    version,
    about = "Check OKRs written as Markdown files with TOML front matter"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every objective: alignment, measurability, ids, dates. Exit 1 on errors.
    Check(CheckArgs),
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
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(args),
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

fn run_check(args: CheckArgs) -> Result<ExitCode, String> {
    let as_of = as_of(args.as_of)?;
    let checked = check::check(&args.dir, as_of).map_err(|e| e.to_string())?;
    let output = match args.format {
        Format::Human => {
            let color = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            report::human(&checked, color)
        }
        Format::Json => report::json(&checked),
        Format::Github => report::github(&checked),
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (e.g. `okr check | head`) is not a failure of the check.
    let _ = stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush());
    let failed = checked.errors() > 0 || (args.deny_warnings && checked.warnings() > 0);
    Ok(if failed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}
