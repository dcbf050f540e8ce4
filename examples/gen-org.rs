//! Generates a synthetic organisation in okr's input format, for benchmarks.
//!
//! ```sh
//! cargo run --release --example gen-org -- OUT --teams 500 --people-per-team 4 \
//!     [--shape lean|default|heavy] [--seed N] [--history COMMITS]
//! ```
//!
//! 5 company objectives, 4 per team, 3 per person; every team and person
//! objective is aligned, and every key result has a title of its own. What
//! an objective holds depends on `--shape`:
//!
//! - `default`: 2–5 key results of 6 check-ins and a Markdown body of about
//!   1.5 KB, in 2026-Q1; clean under `okr check --as-of 2026-02-15`. The
//!   benchmark's organisation since the first figures, kept byte for byte.
//! - `lean`: 1–3 key results of 0–3 check-ins, bodies empty or a sentence or
//!   two, in 2026-Q1, two weeks in; clean under `okr check --as-of
//!   2026-01-14`. An organisation that has just started.
//! - `heavy`: what real organisations write: 1–7 key results of 0–26 weekly
//!   check-ins (some with notes) over the half-year 2026-H1, bodies from empty
//!   to ~8 KB of varied Markdown (paragraphs, headings, lists, quotes, a table
//!   now and then); clean under `okr check --as-of 2026-06-30`. Its `okr.toml`
//!   allows 1–7 key results and check-ins up to 180 days apart: a key result
//!   nobody checked in on belongs to the shape, and as of the half-year's last
//!   day it would be reported stale.
//!
//! The output depends only on the arguments (`--seed` defaults to 1).
//!
//! With `--history N`, OUT is also a git repository: one commit adding the
//! organisation, then N commits that each change one to three objectives
//! (a check-in added to a key result, dated by the as-of day, or a target
//! moved by 5%), by people of the organisation, the commits spread evenly
//! from 2026-01-05 to the as-of day, however many: a build as of that day
//! shows the whole history. The files in OUT are the last commit's. It needs the `git` command (`git fast-import`).
//!
//! `benches/stages.rs` includes this file to generate its organisation too.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// How much an objective holds: key results, check-ins, Markdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Lean,
    Default,
    Heavy,
}

impl Shape {
    pub const ALL: [Shape; 3] = [Shape::Lean, Shape::Default, Shape::Heavy];

    pub fn parse(name: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Shape::Lean => "lean",
            Shape::Default => "default",
            Shape::Heavy => "heavy",
        }
    }

    pub fn period(self) -> &'static str {
        match self {
            Shape::Lean | Shape::Default => "2026-Q1",
            Shape::Heavy => "2026-H1",
        }
    }

    /// The day the organisation is clean on: after every check-in it holds
    /// (the history's too), while its period runs.
    pub fn as_of(self) -> &'static str {
        match self {
            Shape::Lean => "2026-01-14",
            Shape::Default => "2026-02-15",
            Shape::Heavy => "2026-06-30",
        }
    }

    /// `okr.toml`'s `[checks]` for what the shape holds, if the defaults do not fit.
    fn checks(self) -> &'static str {
        match self {
            Shape::Default => "",
            Shape::Lean => "\n[checks]\nmin_key_results = 1\n",
            Shape::Heavy => {
                "\n[checks]\nmin_key_results = 1\nmax_key_results = 7\n\
                 # Some key results have no check-in at all; as of the half-year's last day\n\
                 # they would be stale. The benchmark organisation checks clean.\n\
                 stale_after_days = 180\n"
            }
        }
    }

    /// The date of a check-in the history adds at `step`: by the as-of day,
    /// after the check-ins the shape writes.
    fn history_date(self, step: usize) -> String {
        let (month, first_day) = match self {
            Shape::Lean => ("2026-01", 10),
            Shape::Default => ("2026-02", 10),
            Shape::Heavy => ("2026-06", 26),
        };
        format!("{month}-{:02}", first_day + step % 5)
    }
}

const CHECKIN_DATES: [&str; 6] = [
    "2026-01-05",
    "2026-01-12",
    "2026-01-19",
    "2026-01-26",
    "2026-02-02",
    "2026-02-09",
];

/// The lean shape's check-ins, in its first two weeks.
const LEAN_DATES: [&str; 3] = ["2026-01-02", "2026-01-06", "2026-01-09"];

/// The heavy shape's weekly check-ins: Mondays from 2026-01-05 to 2026-06-29.
const HEAVY_WEEKS: u64 = 26;

fn heavy_week(week: u64) -> String {
    // 2026 is no leap year; the days before each month's first.
    const MONTH_STARTS: [u64; 7] = [0, 31, 59, 90, 120, 151, 181];
    let day_of_year = 4 + 7 * week; // 0-based: 2026-01-05 is day 4
    let month = MONTH_STARTS
        .iter()
        .rposition(|&s| s <= day_of_year)
        .unwrap_or(0);
    let day = day_of_year - MONTH_STARTS[month] + 1;
    format!("2026-{:02}-{day:02}", month + 1)
}

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

/// The lean shape's body: nothing, a sentence, or a short paragraph.
fn lean_body(rng: &mut Rng, title: &str) -> String {
    match rng.below(3) {
        0 => String::new(),
        1 => format!("{title} is our focus this quarter.\n"),
        _ => format!(
            "{title} is our focus this quarter. We check in on Mondays \
             and talk about what blocks us in the retrospective.\n"
        ),
    }
}

const SENTENCES: &[&str] = &[
    "Customers told us in interviews what slows them down on a Monday morning.",
    "The numbers below are how we will know that we changed it.",
    "We tried a smaller version of this last half-year and learned more from what failed than from what worked.",
    "Two teams depend on this, so we agreed on the order of work with them in the planning week.",
    "Support sees the effect first: fewer tickets, shorter answers, calmer customers.",
    "We will not reach every number, and that is fine: a bold target teaches us where the limit is.",
    "The first weeks go to measuring where we stand, since half of our numbers were guesses.",
    "Sales asked for this in every quarterly review of the last year.",
    "Nothing here needs a new tool; it needs the habit of looking at the numbers every week.",
    "If the trend has not turned by the mid-period review, we change the initiatives, not the target.",
    "Our on-call rotation records each incident with its cause, which is where the ideas below come from.",
    "Most of the work is small: a better default, a clearer message, one step fewer.",
];

const ITEMS: &[&str] = &[
    "Ship small improvements every week rather than one big release",
    "Pair an engineer with support for a day each sprint",
    "Review the dashboard in the Monday stand-up",
    "Ask five customers a month what they would remove",
    "Write down every decision with its reason in the team's log",
    "Retire one report nobody reads each month",
    "Keep the error budget visible on the team page",
    "Invite another team to the demo every second Friday",
    "Measure before and after each change, and keep the numbers",
    "Say no to work that moves none of our key results",
];

const HEADINGS: &[&str] = &[
    "Why this matters",
    "What we learned",
    "How we work on it",
    "Risks",
    "Dependencies",
    "What we will not do",
    "Notes from the mid-period review",
];

const NOTES: &[&str] = &[
    "Moving as planned.",
    "Slower than hoped; the experiment of this week should tell us why.",
    "Blocked on the data export; raised in the team leads' meeting.",
    "Good week: the new onboarding flow went out on Tuesday.",
    "Flat. We are changing the initiative, not the target.",
    "Measured again by hand after the dashboard was fixed.",
];

/// Appends one block of Markdown to a heavy body.
fn heavy_block(rng: &mut Rng, out: &mut String) {
    match rng.below(10) {
        0..=3 => {
            for _ in 0..2 + rng.below(4) {
                out.push_str(rng.pick(SENTENCES));
                out.push(' ');
            }
            out.pop();
            out.push('\n');
        }
        4 => {
            for _ in 0..3 + rng.below(4) {
                let _ = writeln!(out, "- {}.", rng.pick(ITEMS));
            }
        }
        5 => {
            for n in 1..=2 + rng.below(4) {
                let _ = writeln!(out, "{n}. {}.", rng.pick(ITEMS));
            }
        }
        6 => {
            let _ = writeln!(out, "## {}", rng.pick(HEADINGS));
        }
        7 => {
            let _ = writeln!(out, "> {}", rng.pick(SENTENCES));
        }
        8 => {
            out.push_str("| Week | Signal | Value | Trend |\n|---:|---|---:|---|\n");
            for week in 1..=2 + rng.below(6) {
                let _ = writeln!(
                    out,
                    "| {week} | {} | {} | {} |",
                    rng.pick(&["Tickets", "Sign-ups", "Interviews", "Incidents", "Demos"]),
                    rng.below(500),
                    rng.pick(&["rising", "falling", "steady"]),
                );
            }
        }
        _ => {
            let _ = writeln!(
                out,
                "We keep the *why* visible: **{}%** of our customers named this in the last survey, \
                 and `{}` tickets mention it.",
                10 + rng.below(80),
                rng.below(900),
            );
        }
    }
    out.push('\n');
}

/// The heavy shape's body: empty for one in eight, else up to ~8 KB, more
/// often short than long (the size's square root is uniform).
fn heavy_body(rng: &mut Rng, title: &str) -> String {
    if rng.below(8) == 0 {
        return String::new();
    }
    let size = rng.below(91).pow(2) as usize;
    let mut out = format!("{title}: what we want to change this half-year, and why.\n\n");
    while out.len() < size {
        heavy_block(rng, &mut out);
    }
    out
}

/// The check-ins of one key result: its dates with the share of the way from
/// start to target reached at each, for a key result moving at `pace`.
fn schedule(rng: &mut Rng, shape: Shape, pace: f64) -> Vec<(String, f64)> {
    let dated = |dates: &[&str], weeks: f64| -> Vec<(String, f64)> {
        (dates.iter().enumerate())
            .map(|(i, d)| (d.to_string(), pace * (i + 1) as f64 / weeks))
            .collect()
    };
    match shape {
        Shape::Default => dated(&CHECKIN_DATES, 12.0),
        Shape::Lean => dated(&LEAN_DATES[..rng.below(4) as usize], 13.0),
        Shape::Heavy => {
            // Consecutive weeks somewhere in the half-year: started late, or stopped early.
            let count = rng.below(HEAVY_WEEKS + 1);
            let first = rng.below(HEAVY_WEEKS + 1 - count);
            (first..first + count)
                .map(|w| (heavy_week(w), pace * (w + 1) as f64 / HEAVY_WEEKS as f64))
                .collect()
        }
    }
}

/// The note of check-in `i` of `count`, if it has one.
fn note(rng: &mut Rng, shape: Shape, i: usize, count: usize) -> Option<&'static str> {
    match shape {
        Shape::Default => (i + 1 == count)
            .then_some("Moving as planned; next step agreed in the weekly check-in."),
        Shape::Lean => None,
        Shape::Heavy => (rng.below(3) == 0).then(|| rng.pick(NOTES)),
    }
}

/// Key results each with a title of its own, as in a real organisation:
/// the metric's name, and the objective `id` it belongs to.
fn key_results(rng: &mut Rng, shape: Shape, id: &str, out: &mut String) {
    let count = match shape {
        Shape::Lean => 1 + rng.below(3) as usize,    // 1–3
        Shape::Default => 2 + rng.below(4) as usize, // 2–5
        Shape::Heavy => 1 + rng.below(7) as usize,   // 1–7
    };
    for k in 0..count {
        let (name, unit, start, target) = METRICS[rng.below(METRICS.len() as u64) as usize];
        let _ = write!(
            out,
            "\n[[key_results]]\nid = \"kr{}\"\ntitle = \"{name} from {start} to {target} ({id})\"\n\
             start = {start:?}\ntarget = {target:?}\nunit = \"{unit}\"\n",
            k + 1
        );
        let pace = 0.4 + rng.below(60) as f64 / 100.0;
        let checkins = schedule(rng, shape, pace);
        for (i, (date, share)) in checkins.iter().enumerate() {
            let value = ((start + (target - start) * share) * 100.0).round() / 100.0;
            let confidence = 50 + rng.below(40);
            let _ = write!(
                out,
                "\n[[key_results.checkins]]\ndate = {date}\nvalue = {value:?}\nconfidence = 0.{confidence}\n"
            );
            if let Some(note) = note(rng, shape, i, checkins.len()) {
                let _ = writeln!(out, "note = \"{note}\"");
            }
        }
    }
}

/// The files of a generated organisation, by path relative to its root.
#[derive(Clone)]
pub struct Org {
    pub shape: Shape,
    pub files: Vec<(PathBuf, String)>,
}

impl Org {
    fn add(&mut self, path: impl Into<PathBuf>, text: String) {
        self.files.push((path.into(), text));
    }
}

fn objective(
    rng: &mut Rng,
    shape: Shape,
    id: &str,
    owner: &str,
    aligns_to: Option<&str>,
) -> String {
    let period = shape.period();
    let title = format!("{} ({id})", rng.pick(THEMES));
    let mut text = format!("+++\ntitle = \"{title}\"\nperiod = \"{period}\"\n{owner}");
    if let Some(parent) = aligns_to {
        let _ = writeln!(text, "aligns_to = \"{parent}\"");
    }
    key_results(rng, shape, id, &mut text);
    let body = match shape {
        Shape::Lean => lean_body(rng, &title),
        Shape::Default => body(rng, &title),
        Shape::Heavy => heavy_body(rng, &title),
    };
    let _ = write!(
        text,
        "\n[[initiatives]]\ntitle = \"Weekly experiments on the biggest blocker\"\nkey_result = \"kr1\"\nstatus = \"in-progress\"\n+++\n{body}",
    );
    text
}

/// The default shape's organisation.
#[allow(dead_code)] // for the tests and benchmarks that include this file
pub fn generate(teams: usize, people_per_team: usize, seed: u64) -> Org {
    generate_shape(Shape::Default, teams, people_per_team, seed)
}

pub fn generate_shape(shape: Shape, teams: usize, people_per_team: usize, seed: u64) -> Org {
    let mut rng = Rng(seed);
    let mut org = Org {
        shape,
        files: Vec::new(),
    };
    let period = shape.period();
    org.add(
        "okr.toml",
        format!(
            "title = \"Synthetic OKRs\"\ncompany = \"Synthetic Corp\"\nbase_url = \"/\"\ncurrent_period = \"{period}\"\n{}",
            shape.checks()
        ),
    );
    let company: Vec<String> = (1..=5).map(|c| format!("company-{c}")).collect();
    for id in &company {
        let text = objective(&mut rng, shape, id, "", None);
        org.add(format!("okrs/{period}/company/{id}.md"), text);
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
            // Half to the company's kr1 or kr2 (every default objective has
            // both), else, where an objective may have one key result, half
            // to its kr1 and half to the objective itself.
            let kr = match (shape, rng.below(2)) {
                (Shape::Default, n) => format!("{parent}#kr{}", 1 + n),
                (_, 0) => format!("{parent}#kr1"),
                _ => parent.clone(),
            };
            let text = objective(
                &mut rng,
                shape,
                id,
                &format!("team = \"{team}\"\n"),
                Some(&kr),
            );
            org.add(format!("okrs/{period}/{team}/{id}.md"), text);
        }
        for person in &people {
            for o in 1..=3 {
                let id = format!("{person}-o{o}");
                let parent = &team_objectives[(o - 1) % team_objectives.len()];
                let text = objective(
                    &mut rng,
                    shape,
                    &id,
                    &format!("person = \"{person}\"\n"),
                    Some(parent),
                );
                org.add(format!("okrs/{period}/{person}/{id}.md"), text);
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
fn change_objective(rng: &mut Rng, shape: Shape, text: &mut String, step: usize) -> String {
    let key_results = text.matches("\n[[key_results]]\n").count();
    if rng.below(3) > 0 {
        let Some(at) = text.find("\n[[initiatives]]") else {
            return String::new();
        };
        let date = shape.history_date(step);
        let value = format!("{}.0", 10 + rng.below(1000));
        // Where a key result may have no check-in yet, this one can be its
        // first, early in the period: at its start value, never a target
        // already met. The default shape keeps its random values.
        let value = match shape {
            Shape::Default => value,
            _ => (text[..at].rfind("\nstart = "))
                .and_then(|s| text[s + 9..at].lines().next())
                .map_or(value, str::to_string),
        };
        text.insert_str(
            at,
            &format!(
                "\n[[key_results.checkins]]\ndate = {date}\nvalue = {value}\nconfidence = 0.6\n"
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

/// When the scripted history starts: 2026-01-05 09:00 UTC.
const FIRST_COMMIT: i64 = 1_767_603_600;

/// Seconds from [`FIRST_COMMIT`] to noon on the shape's as-of day, over
/// which the history's commits are spread evenly: a build as of that day
/// shows every one of them, as a build of the newest commit as of the day
/// it was made does, however long the history.
fn commit_span(shape: Shape) -> i64 {
    let noon = (shape.as_of().parse::<chrono::NaiveDate>().ok())
        .and_then(|day| day.and_hms_opt(12, 0, 0))
        .map_or(FIRST_COMMIT, |noon| noon.and_utc().timestamp());
    noon - FIRST_COMMIT
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
    let span = commit_span(org.shape);
    (0..commits)
        .map(|step| {
            let mut changed: Vec<usize> = (0..1 + rng.below(3))
                .map(|_| objectives[rng.below(objectives.len() as u64) as usize])
                .collect();
            changed.sort_unstable();
            changed.dedup();
            let mut messages: Vec<String> = changed
                .iter()
                .map(|&i| change_objective(&mut rng, org.shape, &mut org.files[i].1, step))
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
                time: FIRST_COMMIT + (span as u128 * step as u128 / commits as u128) as i64,
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
    let message = format!("Set the {} OKRs", &base.shape.period()[5..]);
    // 2026-01-02 09:00 UTC.
    fast_import_commit(&mut stream, "admin", 1_767_344_400, &message, all);
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

const USAGE: &str = "usage: gen-org OUT [--teams N] [--people-per-team N] [--shape lean|default|heavy] [--seed N] [--history COMMITS]";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut out = None;
    let (mut teams, mut people, mut seed, mut history) = (500usize, 4usize, 1u64, None);
    let mut shape = Shape::Default;
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
            "--shape" => match args.next().as_deref().and_then(Shape::parse) {
                Some(s) => shape = s,
                None => {
                    eprintln!("gen-org: --shape needs one of lean, default, heavy");
                    return ExitCode::from(2);
                }
            },
            _ if out.is_none() && !arg.starts_with("--") => out = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("{USAGE}");
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
    let mut org = generate_shape(shape, teams, people, seed);
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
        "wrote {} files ({objectives} objectives, {} shape, clean as of {}) to {}",
        org.files.len(),
        shape.name(),
        shape.as_of(),
        out.display()
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a over every path and text: a fingerprint of an organisation.
    fn fingerprint(org: &Org) -> u64 {
        let mut hash = 0xcbf2_9ce4_8422_2325_u64;
        for (path, text) in &org.files {
            for byte in path
                .to_string_lossy()
                .bytes()
                .chain([0])
                .chain(text.bytes())
            {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        hash
    }

    #[test]
    fn the_default_shape_writes_what_it_always_wrote() {
        // Pinned from the generator before it had shapes: the benchmark's
        // figures stay comparable from version to version only while it holds.
        let mut org = generate(3, 2, 1);
        assert_eq!(fingerprint(&org), 15_494_081_290_760_213_306);
        scripted_history(&mut org, 50, 1);
        assert_eq!(fingerprint(&org), 2_960_593_304_754_527_456);
    }

    /// Each objective of `org`: its key results' check-in counts and its body's length.
    fn objectives(org: &Org) -> Vec<(Vec<usize>, usize)> {
        (org.files.iter())
            .filter(|(path, _)| path.starts_with("okrs"))
            .map(|(_, text)| {
                let (front, body) = text[3..].split_once("+++\n").unwrap_or_default();
                let checkins = (front.split("\n[[key_results]]\n").skip(1))
                    .map(|kr| kr.matches("[[key_results.checkins]]").count())
                    .collect();
                (checkins, body.len())
            })
            .collect()
    }

    /// The smallest and the largest of `values`.
    fn span(values: impl Iterator<Item = usize>) -> (usize, usize) {
        values.fold((usize::MAX, 0), |(lo, hi), n| (lo.min(n), hi.max(n)))
    }

    #[test]
    fn each_shape_holds_what_its_documentation_says() {
        // Key results per objective and check-ins per key result: the
        // whole range occurs; bodies' lengths stay within theirs.
        let expected = [
            (Shape::Lean, (1, 3), (0, 3), 0..=200),
            (Shape::Default, (2, 5), (6, 6), 1_000..=2_000),
            (Shape::Heavy, (1, 7), (0, 26), 0..=9_000),
        ];
        for (shape, key_results, checkins, bodies) in expected {
            let found = objectives(&generate_shape(shape, 20, 4, 1));
            let all_checkins = found.iter().flat_map(|(krs, _)| krs.iter().copied());
            assert_eq!(
                span(found.iter().map(|(krs, _)| krs.len())),
                key_results,
                "{shape:?}"
            );
            assert_eq!(span(all_checkins), checkins, "{shape:?}");
            let (shortest, longest) = span(found.iter().map(|&(_, body)| body));
            assert!(
                bodies.contains(&shortest) && bodies.contains(&longest),
                "{shape:?}: bodies of {shortest} to {longest} bytes"
            );
        }
        let heavy = objectives(&generate_shape(Shape::Heavy, 20, 4, 1));
        assert!(
            heavy.iter().any(|&(_, body)| body == 0),
            "some heavy bodies are empty"
        );
        assert!(
            heavy.iter().any(|&(_, body)| body > 7_000),
            "some are ~8 KB"
        );
    }

    #[test]
    fn a_history_of_any_length_is_dated_by_the_as_of_day_in_order() {
        for shape in Shape::ALL {
            let as_of: chrono::NaiveDate = shape.as_of().parse().expect("a date");
            for commits in [1, 7, 1_000] {
                let mut org = generate_shape(shape, 2, 1, 1);
                let steps = scripted_history(&mut org, commits, 1);
                let days: Vec<chrono::NaiveDate> = (steps.iter())
                    .map(|s| chrono::DateTime::from_timestamp(s.time, 0).expect("a time"))
                    .map(|t| t.date_naive())
                    .collect();
                assert_eq!(days.len(), commits);
                assert!(days.is_sorted(), "{shape:?}, {commits}: in order");
                assert_eq!(days[0].to_string(), "2026-01-05");
                assert!(
                    days[commits - 1] <= as_of,
                    "{shape:?}, {commits}: the last is dated {}",
                    days[commits - 1]
                );
            }
        }
    }

    #[test]
    fn every_shape_checks_clean_as_of_its_day_after_its_history() {
        for shape in Shape::ALL {
            let mut org = generate_shape(shape, 5, 2, 1);
            scripted_history(&mut org, 300, 1);
            let dir = std::env::temp_dir().join(format!(
                "okr-gen-org-{}-{}",
                shape.name(),
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            write(&dir, &org).expect("write the organisation");
            let as_of = shape.as_of().parse().expect("a date");
            let checked = okr::check::check(&dir, as_of);
            let _ = std::fs::remove_dir_all(&dir);
            let checked = checked.expect("load the organisation");
            let found: Vec<_> = (checked.diagnostics.iter())
                .map(|d| format!("{}: {}", d.rule.name(), d.message))
                .collect();
            assert!(
                found.is_empty(),
                "{shape:?} as of {}: {found:#?}",
                shape.as_of()
            );
        }
    }
}
