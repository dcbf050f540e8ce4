//! The `okr` command line: parses arguments (`args.rs`), runs the command
//! (`commands.rs`), maps the result to an exit code.

mod args;
mod commands;

use args::{Cli, Command};
use chrono::NaiveDate;
use clap::Parser;
use okr::model::base_url::BaseUrl;
use okr::serve::Verbosity;
use okr::text::printable;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit codes, a contract with CI scripts.
const EXIT_FINDINGS: u8 = 1;
const EXIT_CANNOT_RUN: u8 = 2;

/// Runs the command the arguments name.
pub fn run() -> ExitCode {
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
        Command::Check(args) => commands::run_check(args, &global),
        Command::Build(args) => commands::run_build(args, &global),
        Command::Init(args) => commands::run_init(args, &global),
        Command::New(args) => commands::run_new(args, &global),
        Command::Serve(args) => commands::run_serve(args, &global),
        Command::Export(args) => commands::run_export(args, &global),
        Command::Schema(args) => commands::run_schema(args),
        Command::Completions(args) => commands::run_completions(args),
        Command::Checkin(args) => commands::run_checkin(args, &global),
        Command::Rollover(args) => commands::run_rollover(args, &global),
        Command::Diff(args) => commands::run_diff(args, &global),
        Command::Digest(args) => commands::run_digest(args, &global),
        Command::Remind(args) => commands::run_remind(args, &global),
        Command::Sync(args) => commands::run_sync(args, &global),
    };
    match result {
        Ok(code) => code,
        Err(reason) => {
            // One line per reason (an invalid okr.toml may have several).
            for line in reason.lines() {
                eprintln!("okr: {}", printable(line));
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

/// What GitHub Actions says about the run, if okr runs in one: the one
/// place the repository's environment is read (see `okr::model::repository`).
fn github_env() -> okr::model::repository::GithubEnv {
    okr::model::repository::GithubEnv::from_vars(|name| std::env::var(name).ok())
}

/// `--base-url`, checked as `base_url` in `okr.toml` is.
fn base_url(given: Option<&str>) -> Result<Option<BaseUrl>, String> {
    given
        .map(|url| BaseUrl::parse(url).map_err(|e| format!("--base-url: {e} ({})", BaseUrl::HELP)))
        .transpose()
}

/// Prints `text` line by line with what the repository wrote in it (titles,
/// paths) made printable: no escape sequence or carriage return from a file
/// acts on the terminal or CI log.
fn print_lines(text: &str) {
    for line in text.lines() {
        println!("{}", printable(line));
    }
}

fn color_for(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes a command's output. A closed pipe (`okr export | head`) is not a
/// failure; any other write error is (`okr export > /dev/full`), since the
/// output would be incomplete.
fn print_stdout(bytes: &[u8]) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}
