//! What each command does with its arguments: find the repository, call the
//! library, print, and say which exit code follows.

use super::args::*;
use super::{
    EXIT_FINDINGS, Global, as_of, base_url, color_for, github_env, print_lines, print_stdout,
};
use okr::check;
use okr::history::{self, History, HistoryError};
use okr::report;
use okr::serve::Verbosity;
use okr::site;
use okr::text::printable;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

pub fn run_check(args: CheckArgs, global: &Global) -> Result<ExitCode, String> {
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
    print_stdout(output.as_bytes())?;
    let failed = checked.errors() > 0 || (args.deny_warnings && checked.warnings() > 0);
    // As in `run_build`: no point freeing the model at the very end.
    std::mem::forget(checked);
    Ok(if failed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn run_build(args: BuildArgs, global: &Global) -> Result<ExitCode, String> {
    let verbosity = global.verbosity;
    let started = Instant::now();
    let as_of = as_of(args.as_of)?;
    let root = global.repository(args.path.as_deref())?;
    let base_url = base_url(args.base_url.as_deref())?;
    let out = match &args.out {
        Some(out) => global.start(Some(out)),
        None => root.join("public"),
    };
    okr::output::check(&root, &out, args.force).map_err(|e| e.to_string())?;
    let cache = cache_dir(&args.cache, &root, global);
    // Which files each commit changed needs no parsing: found while checking.
    let (checked, walk) = rayon::join(
        || check::check(&root, as_of),
        || (!args.no_history).then(|| walk_history(&root, cache.as_deref())),
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
    // The history reuses the working tree's objectives, parsed by the check,
    // found by their files' texts; which are then let go before the replay
    // of the history, rather than held through it.
    let reuse = walk
        .as_ref()
        .and_then(|walk| walk.as_ref().ok()?.reuse(&checked.org));
    checked.release_unreported_sources();
    let (history, keep) = match walk {
        None => (History::disabled(), None),
        Some(walk) => finish_history(walk, &checked.org, reuse, verbosity),
    };
    if let Some(note) = history.note()
        && verbosity > Verbosity::Quiet
    {
        eprintln!("okr: {}", printable(&note.to_string()));
    }
    // Links into the repository: okr.toml's, else the Actions run's.
    checked.org.config.fill_in_from(&github_env());
    // The cache is written while the site is: both only read the history.
    let (built, ()) = rayon::join(
        || site::build(&checked, &history, base_url.as_ref(), &out),
        || keep_cache(cache.as_deref(), keep.as_ref(), &history, verbosity),
    );
    let built = built.map_err(|e| {
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
    if built.near_pages_limit() {
        eprintln!(
            "warning: the site is {}, past 80% of the {} GitHub Pages publishes; heaviest: {}",
            okr::text::size(built.bytes),
            okr::text::size(site::PAGES_LIMIT),
            weights(&built.weights[..built.weights.len().min(3)])
        );
        if built.periods > 1 {
            eprintln!(
                "  = help: each of the site's {} periods has pages of its own: `past_periods = 1` in okr.toml keeps pages only for the period that ended last (and those not ended yet); older ones are still checked",
                built.periods
            );
        }
    } else if verbosity == Verbosity::Verbose {
        eprintln!(
            "okr: the site is {}: {}",
            okr::text::size(built.bytes),
            weights(&built.weights)
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

/// `objective pages 210 MB (8,005 files, 26 KB each), …`
fn weights(weights: &[site::Weight]) -> String {
    let each = |w: &site::Weight| {
        let average = w.bytes / w.files.max(1) as u64;
        match w.files {
            1 => format!("{} {}", w.kind, okr::text::size(w.bytes)),
            n => format!(
                "{} {} ({} files, {} each)",
                w.kind,
                okr::text::size(w.bytes),
                okr::text::number(n as f64),
                okr::text::size(average)
            ),
        }
    };
    weights.iter().map(each).collect::<Vec<_>>().join(", ")
}

pub fn run_init(args: InitArgs, global: &Global) -> Result<ExitCode, String> {
    let dir = global.start(Some(&args.path));
    let options = okr::init::Options {
        sample: !args.empty,
        git: !args.no_git,
        force: args.force,
        reminders: args.reminders,
        ..okr::init::Options::new(&args.company, as_of(args.as_of)?)
    };
    let done = okr::init::init(&dir, &options).map_err(|e| e.to_string())?;
    if global.verbosity > Verbosity::Quiet {
        for path in &done.written {
            println!("{}", printable(&dir.join(path).display().to_string()));
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

pub fn run_new(args: NewArgs, global: &Global) -> Result<ExitCode, String> {
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
            committed,
        } => {
            let spec = new::ObjectiveSpec {
                title,
                period,
                team,
                person,
                aligns_to,
                id,
                committed,
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
    println!(
        "{}",
        printable(&root.join(&written.path).display().to_string())
    );
    if global.verbosity > Verbosity::Quiet {
        for warning in &written.warnings {
            eprintln!("okr: note: {}", printable(&warning.to_string()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_serve(args: ServeArgs, global: &Global) -> Result<ExitCode, String> {
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

pub fn run_export(args: ExportArgs, global: &Global) -> Result<ExitCode, String> {
    // RFC 8259: JSON text must not start with a byte-order mark.
    if args.bom && matches!(args.format, ExportFormat::Json) {
        return Err("--bom is for --format csv: JSON never starts with a byte-order mark".into());
    }
    let as_of = as_of(args.as_of)?;
    let root = global.repository(args.path.as_deref())?;
    let checked = check::check(&root, as_of).map_err(|e| e.to_string())?;
    if checked.errors() > 0 {
        eprint!("{}", report::human(&checked, color_for(&std::io::stderr())));
        eprintln!("okr: not exporting: fix the findings above");
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    let base_url = base_url(args.base_url.as_deref())?;
    let urls = okr::views::Urls::for_site(base_url.as_ref(), &checked.org.config);
    let export = okr::export::Export::new(&checked, urls);
    if args.bom {
        print_stdout(okr::export::UTF8_BOM)?;
    }
    print_stdout(&match args.format {
        ExportFormat::Json => export.json(),
        ExportFormat::Csv => export.csv(),
    })?;
    std::mem::forget(checked);
    Ok(ExitCode::SUCCESS)
}

pub fn run_schema(args: SchemaArgs) -> Result<ExitCode, String> {
    use okr::schema::Document;
    if args.export {
        // Written by hand with the export, and printed as it is.
        print_stdout(okr::export::JSON_SCHEMA.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let document = match (args.config, args.team, args.person) {
        (true, _, _) => Document::Config,
        (_, true, _) => Document::Team,
        (_, _, true) => Document::Person,
        _ => Document::Objective,
    };
    let schema = okr::schema::schema(document);
    let text = serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?;
    print_stdout(format!("{text}\n").as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_completions(args: CompletionsArgs) -> Result<ExitCode, String> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "okr", &mut out);
    print_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_checkin(args: CheckinArgs, global: &Global) -> Result<ExitCode, String> {
    if let Some(event) = &args.github.github_event {
        return run_github_checkin(event, &args.github, global);
    }
    // clap requires both unless --github-event is given.
    let (Some(reference), Some(value)) = (&args.reference, &args.value) else {
        return Err("give the key result and its value, or --github-event".into());
    };
    let request = okr::checkin::Request {
        reference,
        value,
        date: as_of(args.date)?,
        confidence: args.confidence,
        note: args.note.as_deref(),
        force: args.force,
    };
    let root = global.repository(None)?;
    let added = okr::checkin::add(&root, &request).map_err(|e| e.to_string())?;
    if global.verbosity > Verbosity::Quiet {
        print_lines(&added.to_string());
    }
    Ok(ExitCode::SUCCESS)
}

/// `okr checkin --github-event`: exit 0 recorded, 1 refused (the comment
/// says why), 2 could not run; nothing is changed unless it exits 0.
fn run_github_checkin(
    event: &std::path::Path,
    args: &GithubCheckinArgs,
    global: &Global,
) -> Result<ExitCode, String> {
    use okr::authoring::issue_checkin::{self, Push};
    let write_comment = |text: &str| match &args.comment_file {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => Ok(()),
    };
    let event = issue_checkin::read_event(event)?;
    let root = global.repository(None)?;
    let push = match (args.pull_request, args.no_push) {
        (true, _) => Push::PullRequest,
        (_, true) => Push::No,
        _ => Push::DefaultBranch,
    };
    match issue_checkin::check_in(&root, &event, push) {
        Ok(Ok(recorded)) => {
            write_comment(&recorded.comment)?;
            let lines: String = recorded
                .outputs
                .iter()
                .map(|(name, value)| format!("{name}={value}\n"))
                .collect();
            print_stdout(lines.as_bytes())?;
            if global.verbosity > Verbosity::Quiet {
                eprintln!("okr: {}", printable(&recorded.added.to_string()));
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(Err(refused)) => {
            write_comment(&refused.comment)?;
            for line in refused.message.lines() {
                eprintln!("okr: {}", printable(line));
            }
            Ok(ExitCode::from(EXIT_FINDINGS))
        }
        Err(failure) => {
            if let Some(comment) = &failure.comment {
                write_comment(comment)?;
            }
            Err(failure.message)
        }
    }
}

pub fn run_rollover(args: RolloverArgs, global: &Global) -> Result<ExitCode, String> {
    let day = as_of(args.as_of)?;
    let root = global.repository(None)?;
    let report =
        okr::rollover::rollover(&root, &args.from, &args.to, day).map_err(|e| e.to_string())?;
    // Quiet: only what was created, one path a line.
    if global.verbosity > Verbosity::Quiet {
        print_lines(&report.to_string());
    } else {
        for created in &report.created {
            println!("{}", printable(&created.file));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_diff(args: DiffArgs, global: &Global) -> Result<ExitCode, String> {
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
    print_stdout(output.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Checks the repository for `okr digest` and `okr remind`: like `okr
/// export`, they speak only of a repository without errors.
fn checked_clean(
    path: Option<&std::path::Path>,
    as_of: Option<chrono::NaiveDate>,
    global: &Global,
) -> Result<Result<(std::path::PathBuf, check::Checked), ExitCode>, String> {
    let as_of = super::as_of(as_of)?;
    let root = global.repository(path)?;
    let checked = check::check(&root, as_of).map_err(|e| e.to_string())?;
    if checked.errors() > 0 {
        eprint!("{}", report::human(&checked, color_for(&std::io::stderr())));
        eprintln!("okr: fix the findings above first");
        return Ok(Err(ExitCode::from(EXIT_FINDINGS)));
    }
    Ok(Ok((root, checked)))
}

pub fn run_digest(args: DigestArgs, global: &Global) -> Result<ExitCode, String> {
    let base_url = base_url(args.base_url.as_deref())?;
    let (root, checked) = match checked_clean(args.path.as_deref(), args.as_of, global)? {
        Ok(found) => found,
        Err(code) => return Ok(code),
    };
    let cache = cache_dir(&args.cache, &root, global);
    let history = (!args.no_history).then(|| {
        let walk = walk_history(&root, cache.as_deref());
        let reuse = walk.as_ref().ok().and_then(|walk| walk.reuse(&checked.org));
        let (history, keep) = finish_history(walk, &checked.org, reuse, global.verbosity);
        keep_cache(cache.as_deref(), keep.as_ref(), &history, global.verbosity);
        history
    });
    let urls = okr::views::Urls::for_site(base_url.as_ref(), &checked.org.config);
    let digest = okr::digest::digest(&checked, history.as_ref(), &urls, args.since);
    print_stdout(
        match args.format {
            DigestFormat::Markdown => digest.markdown(),
            DigestFormat::Json => digest.json(),
            DigestFormat::Slack => digest.slack(),
        }
        .as_bytes(),
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_remind(args: RemindArgs, global: &Global) -> Result<ExitCode, String> {
    let base_url = base_url(args.base_url.as_deref())?;
    let (_, checked) = match checked_clean(args.path.as_deref(), args.as_of, global)? {
        Ok(found) => found,
        Err(code) => return Ok(code),
    };
    let urls = okr::views::Urls::for_site(base_url.as_ref(), &checked.org.config);
    let reminders = okr::digest::reminders(&checked, &urls);
    print_stdout(
        match args.format {
            RemindFormat::Markdown => reminders.markdown(),
            RemindFormat::Json => reminders.json(),
        }
        .as_bytes(),
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_sync(args: SyncArgs, global: &Global) -> Result<ExitCode, String> {
    let as_of = as_of(args.as_of)?;
    let root = global.repository(args.path.as_deref())?;
    // The environment is read here only: the library is given it as data.
    let env = |name: &str| std::env::var(name).ok();
    let options = okr::sync::Options {
        as_of,
        dry_run: args.dry_run,
        only: &args.only,
        env: &env,
        limits: okr::authoring::fetch::Limits::default(),
    };
    let synced = okr::sync::sync(&root, &options).map_err(|e| e.to_string())?;
    let quiet = global.verbosity == Verbosity::Quiet;
    print_lines(&okr::sync::report(&synced, args.dry_run, quiet));
    let failed = synced.iter().any(|s| s.failure.is_some());
    Ok(if failed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where the history cache is kept: `--cache DIR`, else `.okr-cache/` in
/// the repository; `None` with `--no-cache`.
fn cache_dir(args: &CacheArgs, root: &Path, global: &Global) -> Option<PathBuf> {
    if args.no_cache {
        return None;
    }
    if let Some(dir) = &args.cache {
        return Some(global.start(Some(dir)));
    }
    let dir = root.join(history::CACHE_DIR);
    // A link the repository brings would have the cache read from, and
    // written to, wherever it leads.
    if dir
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        if global.verbosity > Verbosity::Quiet {
            eprintln!(
                "warning: {} is a link, so no history cache is kept (remove it, or name a folder with --cache)",
                printable(&dir.display().to_string())
            );
        }
        return None;
    }
    Some(dir)
}

/// Starts reading the history, from the cache in `cache` where it serves.
fn walk_history(root: &Path, cache: Option<&Path>) -> Result<history::Walk, HistoryError> {
    let bytes = cache.and_then(|dir| std::fs::read(dir.join(history::CACHE_FILE)).ok());
    let (cached, damaged) = match bytes.map(|bytes| history::Cache::decode(&bytes)) {
        Some(Ok(cache)) => (Some(cache), None),
        Some(Err(why)) => (None, Some(why)),
        None => (None, None),
    };
    let mut walk = history::walk(root, cached)?;
    if damaged.is_some() {
        walk.cache = history::CacheUse::Cold(damaged);
    } else if cache.is_none() {
        walk.cache = history::CacheUse::Cold(Some("none is kept".into()));
    }
    Ok(walk)
}

/// Finishes reading the history; with what to keep of it for the next run
/// ([`keep_cache`]). A history that cannot be read is one the pages say is
/// unavailable.
fn finish_history(
    walk: Result<history::Walk, HistoryError>,
    org: &okr::model::Org,
    reuse: Option<history::Reuse>,
    verbosity: Verbosity,
) -> (History, Option<history::CacheState>) {
    let finished = walk.and_then(|walk| {
        let used = walk.cache.clone();
        Ok((walk.finish(reuse.map(|reuse| (org, reuse)))?, used))
    });
    let (finished, used) = match finished {
        Ok(finished) => finished,
        Err(e) => return (History::unavailable(e.to_string()), None),
    };
    if verbosity == Verbosity::Verbose {
        eprintln!("okr: {}", printable(&used.to_string()));
    }
    (finished.history, finished.cache)
}

/// Writes the history cache into `dir`, whole or not at all, with a
/// `.gitignore` that keeps it out of commits; a failure is only said.
fn keep_cache(
    dir: Option<&Path>,
    state: Option<&history::CacheState>,
    history: &History,
    verbosity: Verbosity,
) {
    let (Some(dir), Some(state)) = (dir, state) else {
        return;
    };
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let lock = okr::edit::WriteLock::acquire(dir);
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            lock.put(
                &ignore,
                b"# okr's history cache: safe to delete, never committed.\n*\n",
            )?;
        }
        lock.put_with(&dir.join(history::CACHE_FILE), |out| {
            state.write(history, out)
        })
    };
    if let Err(e) = write()
        && verbosity > Verbosity::Quiet
    {
        eprintln!(
            "warning: could not keep the history cache in {}: {e} (the next run reads the whole history again)",
            printable(&dir.display().to_string())
        );
    }
}
