//! Generates a synthetic organisation in okr's input format, for benchmarks.
//!
//! ```sh
//! cargo run --release --example gen-org -- OUT --teams 500 --people-per-team 4 [--history 1000]
//! ```
//!
//! 5 company objectives, 4 per team, 3 per person, each with 2–5 key results
//! of 6 check-ins and a Markdown body of about 1.5 KB; every team and person
//! objective is aligned, and the organisation is clean under `okr check
//! --as-of 2026-02-15`. The output depends only on the arguments.
//!
//! With `--history N`, OUT is also a git repository: one commit adding the
//! organisation, then N commits that each change one to three objectives
//! (a check-in added to a key result, or a target moved by 5%), by people of
//! the organisation at fixed dates through the quarter. The files in OUT are
//! the last commit's. It needs the `git` command (`git fast-import`).
//!
//! `benches/stages.rs` includes this file to generate its organisation too.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const PERIOD: &str = "2026-Q1";
const CHECKIN_DATES: [&str; 6] = [
    "2026-01-05",
    "2026-01-12",
    "2026-01-19",
    "2026-01-26",
    "2026-02-02",
    "2026-02-09",
];

/// A small deterministic generator (SplitMix64): the same arguments give the same files.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const METRICS: &[(&str, &str, f64, f64)] = &[
    ("Weekly active customers", "customers", 1_200.0, 2_000.0),
    ("Net revenue retention", "%", 104.0, 112.0),
    ("Monthly churn", "%", 3.2, 2.0),
    ("p95 page load", "ms", 1_800.0, 900.0),
    ("Qualified opportunities", "opportunities", 40.0, 90.0),
    ("Net promoter score", "points", 28.0, 45.0),
    ("Support tickets answered within 4 hours", "%", 62.0, 90.0),
    ("Deploys per week", "deploys", 12.0, 30.0),
    ("Trial-to-paid conversion", "%", 8.0, 14.0),
    ("Onboarding completion in the first week", "%", 55.0, 80.0),
];

const THEMES: &[&str] = &[
    "Delight customers with a product that feels fast",
    "Grow revenue from the mid-market",
    "Make our platform boringly reliable",
    "Become the easiest tool to start with",
    "Turn customers into references",
    "Win the German-speaking market",
    "Build a team people want to join",
];

fn body(rng: &mut Rng, title: &str) -> String {
    let quote = rng.pick(&[
        "What gets measured gets managed, but only if someone looks at it.",
        "We would rather reach 70% of something bold than 100% of something safe.",
        "Customers do not care about our roadmap; they care about their Monday morning.",
    ]);
    format!(
        "## Why this matters\n\n{title} is where we expect the largest effect this quarter. \
         Our customers told us in interviews and in support tickets what slows them down, \
         and the numbers below are how we will know that we changed it.\n\n\
         ## What we learned last quarter\n\n\
         - Small improvements shipped every week beat big releases.\n\
         - The teams closest to customers spot problems first.\n\
         - A key result nobody checks in on is a key result nobody works on.\n\n\
         | Signal | Last quarter | Trend |\n|---|---:|---|\n\
         | Customer interviews | {} | rising |\n| Tickets about this | {} | falling |\n| Experiments run | {} | steady |\n\n\
         > {quote}\n\n\
         ## How we work on it\n\n\
         1. Check in every week with the current value, our confidence and a note.\n\
         2. Review at mid-quarter and adjust the initiatives, not the targets.\n\
         3. Grade honestly at the end and carry over what still matters.\n\n\
         We share progress in the all-hands every second Friday and keep the *why* visible, \
         so that everyone can see how their work contributes to the company's goals.\n",
        10 + rng.below(40),
        50 + rng.below(200),
        2 + rng.below(10),
    )
}

/// Key results each with a title of its own, as in a real organisation:
/// the metric's name, and the objective `id` it belongs to.
fn key_results(rng: &mut Rng, id: &str, out: &mut String) {
    let count = 2 + rng.below(4) as usize; // 2–5
    for k in 0..count {
        let (name, unit, start, target) = METRICS[rng.below(METRICS.len() as u64) as usize];
        let _ = write!(
            out,
            "\n[[key_results]]\nid = \"kr{}\"\ntitle = \"{name} from {start} to {target} ({id})\"\n\
             start = {start:?}\ntarget = {target:?}\nunit = \"{unit}\"\n",
            k + 1
        );
        let pace = 0.4 + rng.below(60) as f64 / 100.0;
        for (i, date) in CHECKIN_DATES.iter().enumerate() {
            let share = pace * (i + 1) as f64 / 12.0;
            let value = ((start + (target - start) * share) * 100.0).round() / 100.0;
            let confidence = 50 + rng.below(40);
            let _ = write!(
                out,
                "\n[[key_results.checkins]]\ndate = {date}\nvalue = {value:?}\nconfidence = 0.{confidence}\n"
            );
            if i == CHECKIN_DATES.len() - 1 {
                out.push_str(
                    "note = \"Moving as planned; next step agreed in the weekly check-in.\"\n",
                );
            }
        }
    }
}

/// The files of a generated organisation, by path relative to its root.
#[derive(Clone)]
pub struct Org {
    pub files: Vec<(PathBuf, String)>,
}

impl Org {
    fn add(&mut self, path: impl Into<PathBuf>, text: String) {
        self.files.push((path.into(), text));
    }
}

fn objective(rng: &mut Rng, id: &str, owner: &str, aligns_to: Option<&str>) -> String {
    let title = format!("{} ({id})", rng.pick(THEMES));
    let mut text = format!("+++\ntitle = \"{title}\"\nperiod = \"{PERIOD}\"\n{owner}");
    if let Some(parent) = aligns_to {
        let _ = writeln!(text, "aligns_to = \"{parent}\"");
    }
    key_results(rng, id, &mut text);
    let _ = write!(
        text,
        "\n[[initiatives]]\ntitle = \"Weekly experiments on the biggest blocker\"\nkey_result = \"kr1\"\nstatus = \"in-progress\"\n+++\n{}",
        body(rng, &title)
    );
    text
}

pub fn generate(teams: usize, people_per_team: usize, seed: u64) -> Org {
    let mut rng = Rng(seed);
    let mut org = Org { files: Vec::new() };
    org.add(
        "okr.toml",
        format!("title = \"Synthetic OKRs\"\ncompany = \"Synthetic Corp\"\nbase_url = \"/\"\ncurrent_period = \"{PERIOD}\"\n"),
    );
    let company: Vec<String> = (1..=5).map(|c| format!("company-{c}")).collect();
    for id in &company {
        let text = objective(&mut rng, id, "", None);
        org.add(format!("okrs/{PERIOD}/company/{id}.md"), text);
    }
    for t in 0..teams {
        let team = format!("team-{t:04}");
        let people: Vec<String> = (0..people_per_team)
            .map(|p| format!("{team}-p{p}"))
            .collect();
        // Teams form a tree ten wide, as departments and their teams do.
        let parent = if t == 0 {
            String::new()
        } else {
            format!("parent = \"team-{:04}\"\n", (t - 1) / 10)
        };
        let members = people
            .iter()
            .map(|p| format!("\"{p}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let lead = people
            .first()
            .map_or(String::new(), |p| format!("lead = \"{p}\"\n"));
        org.add(
            format!("teams/{team}.md"),
            format!("+++\nname = \"Team {t}\"\n{parent}{lead}members = [{members}]\n+++\nWe own a part of the product end to end.\n"),
        );
        for person in &people {
            org.add(
                format!("people/{person}.md"),
                format!("+++\nname = \"Person {person}\"\nrole = \"Engineer\"\n+++\nWorks in team {t}.\n"),
            );
        }
        let team_objectives: Vec<String> = (1..=4).map(|o| format!("{team}-o{o}")).collect();
        for (o, id) in team_objectives.iter().enumerate() {
            let parent = &company[(t + o) % company.len()];
            let kr = format!("{parent}#kr{}", 1 + rng.below(2));
            let text = objective(&mut rng, id, &format!("team = \"{team}\"\n"), Some(&kr));
            org.add(format!("okrs/{PERIOD}/{team}/{id}.md"), text);
        }
        for person in &people {
            for o in 1..=3 {
                let id = format!("{person}-o{o}");
                let parent = &team_objectives[(o - 1) % team_objectives.len()];
                let text = objective(
                    &mut rng,
                    &id,
                    &format!("person = \"{person}\"\n"),
                    Some(parent),
                );
                org.add(format!("okrs/{PERIOD}/{person}/{id}.md"), text);
            }
        }
    }
    org
}

pub fn write(out: &Path, org: &Org) -> std::io::Result<()> {
    for (path, text) in &org.files {
        let path = out.join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// One step of the scripted history: who changed which files when.
struct Step {
    author: String,
    /// Seconds since the epoch.
    time: i64,
    message: String,
    /// Indices into [`Org::files`] with their text after the step.
    changed: Vec<(usize, String)>,
}

/// The `n`-th occurrence of `needle` in `text` (counting from 0), as a byte offset.
fn nth(text: &str, needle: &str, n: usize) -> Option<usize> {
    text.match_indices(needle).nth(n).map(|(i, _)| i)
}

/// Changes one objective's text: a check-in added to its last key result, or
/// one key result's target moved by 5% (away from its start, so the range
/// never closes). Returns what was done, for the commit message.
fn change_objective(rng: &mut Rng, text: &mut String, step: usize) -> String {
    let key_results = text.matches("\n[[key_results]]\n").count();
    if rng.below(3) > 0 {
        let Some(at) = text.find("\n[[initiatives]]") else {
            return String::new();
        };
        let date = format!("2026-02-{:02}", 10 + step % 5);
        let value = 10 + rng.below(1000);
        text.insert_str(
            at,
            &format!(
                "\n[[key_results.checkins]]\ndate = {date}\nvalue = {value}.0\nconfidence = 0.6\n"
            ),
        );
        return "Weekly check-in".to_string();
    }
    let k = rng.below(key_results as u64) as usize;
    let (Some(start_at), Some(target_at)) =
        (nth(text, "\nstart = ", k), nth(text, "\ntarget = ", k))
    else {
        return String::new();
    };
    let number = |at: usize, key: &str| -> (usize, usize, f64) {
        let from = at + key.len();
        let end = text[from..].find('\n').map_or(text.len(), |e| from + e);
        (from, end, text[from..end].parse().unwrap_or(0.0))
    };
    let (_, _, start) = number(start_at, "\nstart = ");
    let (from, end, target) = number(target_at, "\ntarget = ");
    let factor = if rng.below(2) == 0 { 0.95 } else { 1.05 };
    // Moving away from the start keeps start and target apart.
    let moved = start + (target - start) * factor;
    let moved = (moved * 100.0).round() / 100.0;
    text.replace_range(from..end, &format!("{moved:?}"));
    if factor < 1.0 {
        "Lower a target after the mid-quarter review".to_string()
    } else {
        "Raise a target".to_string()
    }
}

/// Changes the organisation `commits` times, recording each step.
fn scripted_history(org: &mut Org, commits: usize, seed: u64) -> Vec<Step> {
    let mut rng = Rng(seed ^ 0x4849_5354);
    let objectives: Vec<usize> = (0..org.files.len())
        .filter(|&i| org.files[i].0.starts_with("okrs"))
        .collect();
    let people: Vec<String> = org
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("people"))
        .filter_map(|(p, _)| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    // 2026-01-05 09:00 UTC, then every 75 minutes: 1,000 commits end mid-February.
    let first = 1_767_603_600;
    (0..commits)
        .map(|step| {
            let mut changed: Vec<usize> = (0..1 + rng.below(3))
                .map(|_| objectives[rng.below(objectives.len() as u64) as usize])
                .collect();
            changed.sort_unstable();
            changed.dedup();
            let mut messages: Vec<String> = changed
                .iter()
                .map(|&i| change_objective(&mut rng, &mut org.files[i].1, step))
                .collect();
            messages.dedup();
            let message = messages.join("; ");
            let changed = changed
                .into_iter()
                .map(|i| (i, org.files[i].1.clone()))
                .collect();
            Step {
                author: people
                    .get(rng.below(people.len() as u64) as usize)
                    .cloned()
                    .unwrap_or_else(|| "someone".into()),
                time: first + step as i64 * 75 * 60,
                message,
                changed,
            }
        })
        .collect()
}

/// Appends one commit to a `git fast-import` stream.
fn fast_import_commit<'a>(
    out: &mut Vec<u8>,
    author: &str,
    time: i64,
    message: &str,
    files: impl Iterator<Item = (&'a Path, &'a str)>,
) {
    let who = format!("{author} <{author}@example.com> {time} +0000");
    let _ = write!(
        out,
        "commit refs/heads/main\nauthor {who}\ncommitter {who}\ndata {}\n{message}\n",
        message.len()
    );
    for (path, text) in files {
        let path = path.to_string_lossy().replace('\\', "/");
        let _ = write!(out, "M 100644 inline {path}\ndata {}\n", text.len());
        out.extend_from_slice(text.as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
}

/// Makes `out` a git repository whose history adds `base` and then takes the steps.
fn write_history(out: &Path, base: &Org, steps: &[Step]) -> std::io::Result<()> {
    let git = |args: &[&str], input: Option<&[u8]>| -> std::io::Result<()> {
        let mut child = Command::new("git")
            .args(args)
            .current_dir(out)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::null())
            .spawn()?;
        if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
            stdin.write_all(input)?;
        }
        let status = child.wait()?;
        if status.success() {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "git {} failed",
                args.join(" ")
            )))
        }
    };
    git(&["init", "-q", "-b", "main"], None)?;
    let mut stream = Vec::new();
    let all = base.files.iter().map(|(p, t)| (p.as_path(), t.as_str()));
    // 2026-01-02 09:00 UTC.
    fast_import_commit(&mut stream, "admin", 1_767_344_400, "Set the Q1 OKRs", all);
    for step in steps {
        let files = step
            .changed
            .iter()
            .map(|(i, text)| (base.files[*i].0.as_path(), text.as_str()));
        fast_import_commit(&mut stream, &step.author, step.time, &step.message, files);
    }
    git(&["fast-import", "--quiet"], Some(&stream))?;
    // The index as the last commit has it, so that `git status` is clean.
    git(&["reset", "-q"], None)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut out = None;
    let (mut teams, mut people, mut seed, mut history) = (500usize, 4usize, 1u64, None);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Option<u64> {
            let value = args.next().and_then(|v| v.parse().ok());
            if value.is_none() {
                eprintln!("gen-org: {name} needs a whole number");
            }
            value
        };
        match arg.as_str() {
            "--teams" => match number("--teams") {
                Some(n) => teams = n as usize,
                None => return ExitCode::from(2),
            },
            "--people-per-team" => match number("--people-per-team") {
                Some(n) => people = n as usize,
                None => return ExitCode::from(2),
            },
            "--seed" => match number("--seed") {
                Some(n) => seed = n,
                None => return ExitCode::from(2),
            },
            "--history" => match number("--history") {
                Some(n) => history = Some(n as usize),
                None => return ExitCode::from(2),
            },
            _ if out.is_none() && !arg.starts_with("--") => out = Some(PathBuf::from(arg)),
            _ => {
                eprintln!(
                    "usage: gen-org OUT [--teams N] [--people-per-team N] [--seed N] [--history COMMITS]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!(
            "usage: gen-org OUT [--teams N] [--people-per-team N] [--seed N] [--history COMMITS]"
        );
        return ExitCode::from(2);
    };
    if out.exists()
        && std::fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!("gen-org: {} exists and is not empty", out.display());
        return ExitCode::from(2);
    }
    let mut org = generate(teams, people, seed);
    if let Some(commits) = history {
        let base = org.clone();
        let steps = scripted_history(&mut org, commits, seed);
        if let Err(e) =
            std::fs::create_dir_all(&out).and_then(|()| write_history(&out, &base, &steps))
        {
            eprintln!(
                "gen-org: cannot make the git history in {}: {e}",
                out.display()
            );
            return ExitCode::from(1);
        }
    }
    let objectives = org
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("okrs"))
        .count();
    if let Err(e) = write(&out, &org) {
        eprintln!("gen-org: cannot write {}: {e}", out.display());
        return ExitCode::from(1);
    }
    println!(
        "wrote {} files ({objectives} objectives) to {}",
        org.files.len(),
        out.display()
    );
    ExitCode::SUCCESS
}
