//! Reads `okr.toml`, whose presence marks the root of an OKR repository.

use crate::model::MAX_NAME_LEN;
use crate::model::base_url::BaseUrl;
use crate::model::diagnostic::{Diagnostic, Rule, Severity, did_you_mean};
use crate::model::period::{Period, Periods};
use crate::model::repository::{self, RepositoryError};
use crate::model::source::{FileId, SourceFile};
use crate::model::{CheckSettings, Config, Thresholds};
use crate::read::fields::Reader;
use crate::read::schema;
use crate::read::toml_doc::{self, Table};
use std::collections::BTreeMap;

pub const CONFIG_FILE: &str = "okr.toml";

/// Parses `okr.toml`; the file's problems come back as diagnostics, all of them.
pub fn parse(file: &SourceFile, id: FileId) -> Result<Config, Vec<Diagnostic>> {
    let mut r = Reader::new(id, 0);
    let root = match toml_doc::parse(&file.text) {
        Ok(root) => root,
        Err((errors, _)) => {
            for e in errors {
                // Without a place, the start of the file.
                let span = e.span.unwrap_or(0..0);
                r.report(span, format!("invalid TOML: {}", e.message), None);
            }
            return Err(r.diagnostics);
        }
    };
    r.check_keys(&root, schema::CONFIG, "okr.toml");
    let title = r
        .string(&root, "title")
        .map_or_else(|| "OKRs".to_string(), |s| s.value);
    let company = r
        .string(&root, "company")
        .map_or_else(|| "Company".to_string(), |s| s.value);
    let base_url = match r.string(&root, "base_url") {
        None => BaseUrl::default(),
        Some(url) => match BaseUrl::parse(&url.value) {
            Ok(url) => url,
            Err(e) => {
                r.report_at(url.span, e.to_string(), Some(BaseUrl::HELP.into()));
                BaseUrl::default()
            }
        },
    };
    let theme = r.string(&root, "theme").map(|t| t.value);
    let periods = Periods::new(custom_periods(&mut r, &root));
    let current_period = r.string(&root, "current_period");
    if let Some(name) = &current_period
        && periods.get(&name.value).is_none()
    {
        r.report_at(
            name.span,
            format!("`current_period` names an unknown period `{}`", name.value),
            Some("use a built-in period such as `2026-Q1`, `2026-H2` or `2026`, or define it under [periods]".into()),
        );
    }
    let past_periods = r.number(&root, "past_periods").and_then(|n| {
        if n.value >= 0.0 && n.value.fract() == 0.0 && n.value <= u32::MAX as f64 {
            return Some(n.value as usize);
        }
        r.report_at(
            n.span,
            "`past_periods` must be a whole number ≥ 0".to_string(),
            Some("the number of ended periods whose pages the site keeps, e.g. `past_periods = 4`; leave it out to keep them all".into()),
        );
        None
    });
    let repository = checked_string(
        &mut r,
        &root,
        "repository",
        repository::parse_url,
        repository::REPOSITORY_HELP,
    );
    let branch = checked_string(
        &mut r,
        &root,
        "branch",
        repository::parse_branch,
        repository::BRANCH_HELP,
    );
    let checks = match table(&mut r, &root, "checks") {
        Some(t) => check_settings(&mut r, t),
        None => CheckSettings::default(),
    };
    if !r.diagnostics.is_empty() {
        return Err(r.diagnostics);
    }
    Ok(Config {
        title,
        company,
        base_url,
        current_period: current_period.map(|p| p.value),
        past_periods,
        theme,
        periods,
        checks,
        repository,
        branch,
    })
}

/// The string at `key` as `parse` reads it; a finding with `help` when it cannot.
fn checked_string(
    r: &mut Reader,
    root: &Table<'_>,
    key: &str,
    parse: fn(&str) -> Result<String, RepositoryError>,
    help: &str,
) -> Option<String> {
    let value = r.string(root, key)?;
    match parse(&value.value) {
        Ok(parsed) => Some(parsed),
        Err(e) => {
            r.report_at(value.span, format!("`{key}`: {e}"), Some(help.into()));
            None
        }
    }
}

fn table<'t, 'i>(r: &mut Reader, root: &'t Table<'i>, key: &str) -> Option<&'t Table<'i>> {
    let value = root.get(key)?;
    match value.as_table() {
        Some(t) => Some(t),
        None => {
            r.wrong_type(key, value, "a table");
            None
        }
    }
}

fn custom_periods(r: &mut Reader, root: &Table<'_>) -> Vec<Period> {
    let Some(periods) = table(r, root, "periods") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in periods.iter() {
        let (name, value) = (&*entry.key, &entry.item);
        if !is_period_name(name) {
            r.report(
                entry.key_span.clone(),
                format!("`{}` cannot name a period", name),
                Some(format!("period names are used in page addresses: at most {MAX_NAME_LEN} letters, digits, `.`, `-` and `_`, starting with a letter or digit")),
            );
            continue;
        }
        let Some(spec) = value.as_table() else {
            r.wrong_type(
                name,
                value,
                "a table like `{ start = 2026-07-01, end = 2026-09-30 }`",
            );
            continue;
        };
        r.check_keys(spec, schema::PERIOD, "period");
        let (start, end) = (r.date(spec, "start"), r.date(spec, "end"));
        match (start, end) {
            (Some(start), Some(end)) if start.value <= end.value => out.push(Period {
                name: name.to_string(),
                start: start.value,
                end: end.value,
            }),
            (Some(_), Some(end)) => r.report_at(
                end.span,
                format!("period `{}` ends before it starts", name),
                None,
            ),
            _ => r.report(
                value.span.clone(),
                format!("period `{}` needs both `start` and `end` dates", name),
                None,
            ),
        }
    }
    out
}

/// Period names end up in page addresses (`periods/<name>/`), so they are kept to safe characters.
fn is_period_name(name: &str) -> bool {
    name.len() <= MAX_NAME_LEN
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

fn check_settings(r: &mut Reader, t: &Table<'_>) -> CheckSettings {
    r.check_keys(t, schema::CHECKS, "[checks]");
    let defaults = CheckSettings::default();
    let count = |r: &mut Reader, key: &str, default: usize| match r.number(t, key) {
        Some(n) if n.value >= 0.0 && n.value.fract() == 0.0 && n.value <= u32::MAX as f64 => {
            n.value as usize
        }
        Some(n) => {
            r.report_at(n.span, format!("`{key}` must be a whole number ≥ 0"), None);
            default
        }
        None => default,
    };
    let max_objectives = count(r, "max_objectives", defaults.max_objectives);
    let min_key_results = count(r, "min_key_results", defaults.min_key_results);
    let max_key_results = count(r, "max_key_results", defaults.max_key_results);
    let stale_after_days = count(r, "stale_after_days", defaults.stale_after_days as usize) as i64;
    let mut words = |key: &str| -> Vec<String> {
        r.strings(t, key, false)
            .into_iter()
            .map(|v| v.value.trim().to_lowercase())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let activity_verbs = words("activity_verbs");
    let not_activities = words("not_activities");
    let fraction = |r: &mut Reader, key: &str, default: f64| match r.number(t, key) {
        Some(n) if (0.0..=1.0).contains(&n.value) => n.value,
        Some(n) => {
            r.report_at(n.span, format!("`{key}` must be between 0 and 1"), None);
            default
        }
        None => default,
    };
    let d = Thresholds::default();
    let thresholds = Thresholds {
        on_track_tolerance: fraction(r, "on_track_tolerance", d.on_track_tolerance),
        at_risk_tolerance: fraction(r, "at_risk_tolerance", d.at_risk_tolerance),
        achieved: fraction(r, "achieved", d.achieved),
        partial: fraction(r, "partial", d.partial),
        committed_achieved: fraction(r, "committed_achieved", d.committed_achieved),
    };
    CheckSettings {
        max_objectives,
        min_key_results,
        max_key_results,
        stale_after_days,
        activity_verbs,
        not_activities,
        thresholds,
        rules: rule_severities(r, t),
    }
}

fn rule_severities(r: &mut Reader, checks: &Table<'_>) -> BTreeMap<Rule, Option<Severity>> {
    let mut out = BTreeMap::new();
    let Some(rules) = table(r, checks, "rules") else {
        return out;
    };
    for entry in rules.iter() {
        let (name, value) = (&*entry.key, &entry.item);
        let Some(rule) = Rule::from_name(name) else {
            let help = did_you_mean(name, Rule::ALL.iter().map(|r| r.name()))
                .map(|s| format!("did you mean `{s}`?"));
            r.report(
                entry.key_span.clone(),
                format!("unknown rule `{}`", name),
                help,
            );
            continue;
        };
        let severity = match value.as_str() {
            Some("error") => Some(Severity::Error),
            Some("warning") => Some(Severity::Warning),
            Some("off") => None,
            _ => {
                r.report(
                    value.span.clone(),
                    format!(
                        "the severity of `{}` must be \"error\", \"warning\" or \"off\"",
                        rule.name()
                    ),
                    None,
                );
                continue;
            }
        };
        if !rule.is_configurable() {
            r.report(
                value.span.clone(),
                format!(
                    "`{}` cannot be configured: broken files are always errors",
                    rule.name()
                ),
                None,
            );
            continue;
        }
        out.insert(rule, severity);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::source::FileKind;

    fn parse_text(text: &str) -> Result<Config, Vec<Diagnostic>> {
        parse(
            &SourceFile::new(CONFIG_FILE, FileKind::Config, text.into()),
            FileId(0),
        )
    }

    #[test]
    fn empty_config_takes_defaults() {
        let config = parse_text("").unwrap();
        assert_eq!(config.base_url.as_str(), "/");
        assert_eq!(config.checks.max_objectives, 5);
        assert_eq!(
            config.checks.severity(Rule::Unaligned),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn reads_every_setting() {
        let config = parse_text(
            r#"title = "Acme OKRs"
company = "Acme"
base_url = "/acme-okrs"
current_period = "FY27-Q1"
past_periods = 4
[periods]
"FY27-Q1" = { start = 2026-07-01, end = 2026-09-30 }
[checks]
max_objectives = 3
activity_verbs = ["Ship"]
not_activities = [" Webinars "]
achieved = 0.8
[checks.rules]
unaligned = "error"
stale-key-result = "off"
"#,
        )
        .unwrap();
        assert_eq!(config.base_url.as_str(), "/acme-okrs/");
        assert_eq!(config.past_periods, Some(4));
        assert_eq!(
            config.periods.get("FY27-Q1").unwrap().end.to_string(),
            "2026-09-30"
        );
        assert_eq!(config.checks.max_objectives, 3);
        assert_eq!(config.checks.activity_verbs, ["ship"]);
        assert_eq!(config.checks.not_activities, ["webinars"]);
        assert_eq!(config.checks.thresholds.achieved, 0.8);
        assert_eq!(
            config.checks.severity(Rule::Unaligned),
            Some(Severity::Error)
        );
        assert_eq!(config.checks.severity(Rule::StaleKeyResult), None);
    }

    #[test]
    fn reads_the_repository_and_its_branch() {
        let config = parse_text(
            "repository = \"https://github.com/acme/okrs.git/\"\nbranch = \"release/okrs\"\n",
        )
        .unwrap();
        assert_eq!(
            config.repository.as_deref(),
            Some("https://github.com/acme/okrs")
        );
        assert_eq!(config.branch.as_deref(), Some("release/okrs"));
        let empty = parse_text("").unwrap();
        assert_eq!((empty.repository, empty.branch), (None, None));
        let text = "repository = \"https://token@github.com/acme/okrs\"\nbranch = \"a b\"\n";
        let errors = parse_text(text).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(
            errors[0].message,
            "`repository`: `https://token@github.com/acme/okrs` must not hold a user name or password"
        );
        let span = errors[0].span.unwrap();
        assert!(text[span].contains("token@"), "the span is the value's");
        assert!(
            errors[0]
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("repository = \"https://github.com/acme/okrs\"")
        );
        assert_eq!(
            errors[1].message,
            "`branch`: `a b` is not a branch name git accepts"
        );
        assert!(
            errors[1]
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("branch = \"main\"")
        );
    }

    #[test]
    fn period_names_must_be_safe_in_addresses() {
        let errors =
            parse_text("[periods]\n\"../up\" = { start = 2026-01-01, end = 2026-01-31 }\n")
                .unwrap_err();
        assert_eq!(errors[0].message, "`../up` cannot name a period");
        assert!(is_period_name("FY27-Q1") && is_period_name("2026.S1") && !is_period_name("a b"));
        assert!(is_period_name(&"a".repeat(100)) && !is_period_name(&"a".repeat(101)));
    }

    #[test]
    fn reports_every_mistake() {
        let errors = parse_text(
            "titel = \"x\"\ncurrent_period = \"2026-Q9\"\npast_periods = 1.5\n[checks]\nmax_objectives = -1\n[checks.rules]\nunalgned = \"off\"\ninvalid-front-matter = \"off\"\n",
        )
        .unwrap_err();
        let messages: Vec<_> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown key `titel` in okr.toml",
                "`current_period` names an unknown period `2026-Q9`",
                "`past_periods` must be a whole number ≥ 0",
                "`max_objectives` must be a whole number ≥ 0",
                "unknown rule `unalgned`",
                "`invalid-front-matter` cannot be configured: broken files are always errors",
            ]
        );
    }
}
