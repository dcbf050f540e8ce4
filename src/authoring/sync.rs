//! `okr sync`: reads every key result's `[key_results.source]` and adds the
//! values that are new as check-ins, each through [`checkin::Writer`]
//! (checked, under the repository's lock, the file changed only by the new
//! entry).
//! One source that fails never stops the others.

use crate::authoring::checkin;
use crate::authoring::fetch;
use crate::model::period::Period;
use crate::model::{KeyResult, Objective, Org, Source};
use crate::read::data::{self, Values};
use crate::read::load::{self, LoadError};
use crate::read::resolve::{self, Reference};
use chrono::NaiveDate;
use std::fmt;
use std::path::Path;

/// What to sync, and how.
pub struct Options<'a> {
    /// The date a single value is checked in on; no dated value after it is added.
    pub as_of: NaiveDate,
    /// Say what would be added, and write nothing.
    pub dry_run: bool,
    /// `[PERIOD/]objective[#key-result]`: only these key results; empty: all.
    pub only: &'a [String],
    /// The environment `${NAME}` in headers is taken from.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub limits: fetch::Limits,
}

/// What happened to one key result with a source.
#[derive(Clone, Debug, PartialEq)]
pub struct Synced {
    /// `PERIOD/objective#key-result`.
    pub key_result: String,
    /// Where the values came from, e.g. `data/wau.csv, column wau`.
    pub source: String,
    /// The check-ins added (or, in a dry run, that would be), in order.
    pub added: Vec<(NaiveDate, f64)>,
    /// Why the rest could not be added.
    pub failure: Option<String>,
}

/// Why nothing could be synced (exit 2).
#[derive(Debug)]
pub enum SyncError {
    Load(LoadError),
    /// An `--only` reference that names no key result with a source.
    NoSuchSource(String),
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncError::Load(e) => e.fmt(f),
            SyncError::NoSuchSource(reference) => write!(
                f,
                "`{reference}` names no key result with a `[key_results.source]`"
            ),
        }
    }
}

impl std::error::Error for SyncError {}

/// Syncs the repository at `root`: one [`Synced`] per key result with a
/// source, in file order. Every source is read first; the values that are new
/// are then added under one lock, on one reading of the repository.
pub fn sync(root: &Path, options: &Options) -> Result<Vec<Synced>, SyncError> {
    let (org, _) = resolve::build(load::load(root).map_err(SyncError::Load)?);
    let targets = targets(&org, options.only)?;
    let planned: Vec<(Synced, Vec<(NaiveDate, f64)>)> = targets
        .into_iter()
        .map(|(objective, kr, source)| plan(root, &org, objective, kr, source, options))
        .collect();
    if options.dry_run {
        return Ok(planned
            .into_iter()
            .map(|(synced, values)| Synced {
                added: values,
                ..synced
            })
            .collect());
    }
    // A sync that adds nothing takes no lock.
    let mut writer = (planned.iter().any(|(_, values)| !values.is_empty()))
        .then(|| checkin::Writer::open(root).map_err(|e| e.to_string()));
    Ok(planned
        .into_iter()
        .map(|(mut synced, values)| {
            if let Some(writer) = &mut writer {
                add(writer, &mut synced, values);
            }
            synced
        })
        .collect())
}

/// Adds `values` to `synced`'s key result in order, up to the first that
/// cannot be added (all of them when the writer could not be opened).
fn add(
    writer: &mut Result<checkin::Writer, String>,
    synced: &mut Synced,
    values: Vec<(NaiveDate, f64)>,
) {
    let note = format!("from {}", synced.source);
    for (date, value) in values {
        let value_text = value.to_string();
        let request = checkin::Request {
            reference: &synced.key_result,
            value: &value_text,
            date,
            confidence: None,
            note: Some(&note),
            force: false,
        };
        let added = match writer {
            Ok(writer) => writer.add(&request).map_err(|e| e.to_string()),
            Err(why) => Err(why.clone()),
        };
        if let Err(why) = added {
            synced.failure = Some(why);
            return;
        }
        synced.added.push((date, value));
    }
}

type Target<'a> = (&'a Objective, &'a KeyResult, &'a Source);

/// The key results with a source that `only` names (all when it is empty).
fn targets<'a>(org: &'a Org, only: &[String]) -> Result<Vec<Target<'a>>, SyncError> {
    let all: Vec<Target> = org
        .objectives
        .iter()
        .flat_map(|o| o.key_results.iter().map(move |kr| (o, kr)))
        .filter_map(|(o, kr)| kr.source.as_deref().map(|s| (o, kr, s)))
        .collect();
    if only.is_empty() {
        return Ok(all);
    }
    let references: Vec<Reference> = only.iter().map(|r| Reference::parse(r.trim())).collect();
    let named = |(o, kr, _): &Target, r: &Reference| {
        o.id.value == r.objective
            && r.period.is_none_or(|p| o.period.value == p)
            && r.key_result.is_none_or(|k| kr.id.value == k)
    };
    if let Some(i) = references
        .iter()
        .position(|r| !all.iter().any(|t| named(t, r)))
    {
        return Err(SyncError::NoSuchSource(only[i].clone()));
    }
    Ok(all
        .into_iter()
        .filter(|t| references.iter().any(|r| named(t, r)))
        .collect())
}

/// What syncing one key result starts from: its [`Synced`] with nothing added
/// yet (or why its source could not be read), and the check-ins to add.
fn plan(
    root: &Path,
    org: &Org,
    objective: &Objective,
    kr: &KeyResult,
    source: &Source,
    options: &Options,
) -> (Synced, Vec<(NaiveDate, f64)>) {
    let mut synced = Synced {
        key_result: format!(
            "{}/{}#{}",
            objective.period.value, objective.id.value, kr.id.value
        ),
        source: source.describe(),
        added: Vec::new(),
        failure: None,
    };
    let planned = read(root, source, options).and_then(|values| {
        let period = org
            .period(&objective.period.value)
            .ok_or_else(|| format!("the period `{}` is unknown", objective.period.value))?;
        Ok(new_checkins(kr, &values, &period, options.as_of))
    });
    match planned {
        Ok(planned) => (synced, planned),
        Err(why) => {
            synced.failure = Some(why);
            (synced, Vec::new())
        }
    }
}

/// The values the source holds now.
fn read(root: &Path, source: &Source, options: &Options) -> Result<Values, String> {
    if let Some(problem) = data::form(source).into_iter().next() {
        return Err(format!("{}; run okr check", problem.message));
    }
    let (bytes, name) = match (&source.file, &source.url) {
        (Some(file), _) => (
            data::read_file(root, &file.value).map_err(|p| p.message)?,
            file.value.as_str(),
        ),
        (None, Some(url)) => {
            let mut headers = Vec::with_capacity(source.headers.len());
            for (name, value) in &source.headers {
                headers.push((name.value.clone(), data::expand(&value.value, options.env)?));
            }
            (
                fetch::get(&url.value, &headers, options.limits)?,
                url.value.as_str(),
            )
        }
        (None, None) => return Err("the source names no `file` or `url`".into()),
    };
    // What the source names is shown, never a URL's query (it may hold a key).
    let shown = name.split(['?', '#']).next().unwrap_or(name);
    data::values(source, &bytes, shown).map_err(|p| p.message)
}

/// The check-ins `values` adds to `kr`: a series' rows dated after its
/// latest check-in (within its period, up to `as_of`); a single value on
/// `as_of`, when it differs from the latest check-in's.
fn new_checkins(
    kr: &KeyResult,
    values: &Values,
    period: &Period,
    as_of: NaiveDate,
) -> Vec<(NaiveDate, f64)> {
    let latest = kr
        .checkins
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (c.date.value, *i))
        .map(|(_, c)| (c.date.value, c.value.value));
    match values {
        Values::Series(series) => series
            .iter()
            .copied()
            .filter(|(date, _)| latest.is_none_or(|(latest, _)| *date > latest))
            .filter(|(date, _)| period.contains_date(*date) && *date <= as_of)
            .collect(),
        Values::Latest(Some(value)) => {
            let changed = latest.is_none_or(|(_, latest)| latest != *value);
            let in_time = latest.is_none_or(|(date, _)| date <= as_of);
            if changed && in_time && period.contains_date(as_of) {
                vec![(as_of, *value)]
            } else {
                Vec::new()
            }
        }
        Values::Latest(None) => Vec::new(),
    }
}

/// What `okr sync` prints: a line per check-in added (`would add` in a dry
/// run), per key result unchanged (unless `quiet`) or failed, and a summary.
pub fn report(synced: &[Synced], dry_run: bool, quiet: bool) -> String {
    use crate::text::{exact_number, plural};
    let verb = if dry_run { "would add" } else { "added" };
    let mut out = String::new();
    for s in synced {
        for (date, value) in &s.added {
            out.push_str(&format!(
                "{verb} {} = {} on {date} ({})\n",
                s.key_result,
                exact_number(*value),
                s.source
            ));
        }
        match &s.failure {
            Some(why) => out.push_str(&format!("failed {} ({}): {why}\n", s.key_result, s.source)),
            None if s.added.is_empty() && !quiet => {
                out.push_str(&format!("unchanged {} ({})\n", s.key_result, s.source));
            }
            None => {}
        }
    }
    let added: usize = synced.iter().map(|s| s.added.len()).sum();
    let failed = synced.iter().filter(|s| s.failure.is_some()).count();
    let unchanged = synced
        .iter()
        .filter(|s| s.added.is_empty() && s.failure.is_none())
        .count();
    if !quiet {
        out.push_str(&format!(
            "okr sync: {} {}, {} unchanged, {failed} failed\n",
            plural(added, "check-in"),
            if dry_run { "to add" } else { "added" },
            plural(unchanged, "key result"),
        ));
    }
    out
}
