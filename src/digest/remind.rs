//! `okr remind`: who owes a check-in. Each key result that is stale or due
//! soon goes to the people who answer for it: its `owner`, else its
//! objective's owner, else the owning team's lead and members. A GitHub
//! login from `people/*.md` becomes an @mention.

use super::{KeyResultRef, Names, ObjectiveRef, clean, finished, shifted};
use crate::check::Checked;
use crate::git::diff::escape_markdown;
use crate::model::{Objective, Owner};
use crate::site::views::Urls;
use serde::Serialize;
use std::collections::BTreeMap;

/// How far ahead a due date calls for a reminder.
pub const REMIND_DUE_WITHIN_DAYS: i64 = 7;

/// Serialised as the JSON of `okr remind --format json`.
#[derive(Clone, Debug, Serialize)]
pub struct Reminders {
    pub as_of: String,
    pub due_within_days: i64,
    /// One entry per person, by id; last, key results nobody answers for
    /// (`person` is `null`).
    pub people: Vec<Reminder>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Reminder {
    pub person: Option<PersonRef>,
    pub key_results: Vec<Task>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PersonRef {
    pub id: String,
    pub name: String,
    /// Their GitHub login, when `github` in their file is a valid one.
    pub github: Option<String>,
    pub url: String,
}

/// A key result waiting for someone.
#[derive(Clone, Debug, Serialize)]
pub struct Task {
    pub objective: ObjectiveRef,
    pub key_result: KeyResultRef,
    /// Since when it has waited for a check-in, when it is stale.
    pub stale_since: Option<String>,
    pub due: Option<String>,
}

/// Whether `login` can be a GitHub login (letters, digits and single inner
/// hyphens, at most 39): only then is it written after an `@`.
fn is_login(login: &str) -> bool {
    (1..=39).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !login.starts_with('-')
        && !login.ends_with('-')
        && !login.contains("--")
}

/// The people who answer for key result `k` of `objective` (indices into
/// `Org::people`, by id); empty when nobody is named.
fn answerable(org: &crate::model::Org, objective: &Objective, k: usize) -> Vec<usize> {
    if let Some(p) = objective.key_results[k].owner_person {
        return vec![p];
    }
    match objective.owner {
        Owner::Person(p) => vec![p],
        Owner::Team(t) => {
            let team = &org.teams[t];
            let mut people: Vec<usize> = team
                .lead
                .iter()
                .chain(&team.members)
                .filter_map(|m| org.person_index(&m.value))
                .collect();
            people.sort_unstable();
            people.dedup();
            people
        }
        Owner::Company | Owner::Unknown => Vec::new(),
    }
}

/// Everyone's reminders on `checked.as_of`.
pub fn reminders(checked: &Checked, urls: &Urls) -> Reminders {
    let org = &checked.org;
    let as_of = checked.as_of;
    let until = shifted(as_of, REMIND_DUE_WITHIN_DAYS);
    let names = Names::new(org, urls, as_of);
    let periods = org.objective_periods();
    // `None` (nobody) sorts first in a map; it is moved last below.
    let mut by_person: BTreeMap<Option<usize>, Vec<Task>> = BTreeMap::new();
    for (i, o) in org.objectives.iter().enumerate() {
        // Only a running period's key results wait for anyone.
        if !periods[i].as_ref().is_some_and(|p| p.contains_date(as_of)) {
            continue;
        }
        for (k, kr) in o.key_results.iter().enumerate() {
            let score = &checked.scores.objectives[i].key_results[k];
            let stale = score.stale.map(|s| s.since.to_string());
            let due = kr
                .due
                .as_ref()
                .map(|d| d.value)
                .filter(|&d| as_of <= d && d <= until && !finished(kr, score.score));
            if stale.is_none() && due.is_none() {
                continue;
            }
            let task = Task {
                objective: names.objective(i),
                key_result: names.key_result(i, k),
                stale_since: stale,
                due: due.map(|d| d.to_string()),
            };
            let people = answerable(org, o, k);
            if people.is_empty() {
                by_person.entry(None).or_default().push(task);
            } else {
                for p in people {
                    by_person.entry(Some(p)).or_default().push(task.clone());
                }
            }
        }
    }
    let nobody = by_person.remove(&None);
    let mut people: Vec<Reminder> = by_person
        .into_iter()
        .filter_map(|(p, key_results)| {
            let person = &org.people[p?];
            let github = person
                .github
                .as_ref()
                .map(|g| g.value.as_str())
                .filter(|g| is_login(g))
                .map(String::from);
            Some(Reminder {
                person: Some(PersonRef {
                    id: clean(&person.id.value),
                    name: clean(person.display_name()),
                    github,
                    url: urls.person(&person.id.value),
                }),
                key_results,
            })
        })
        .collect();
    if let Some(key_results) = nobody {
        people.push(Reminder {
            person: None,
            key_results,
        });
    }
    Reminders {
        as_of: as_of.to_string(),
        due_within_days: REMIND_DUE_WITHIN_DAYS,
        people,
    }
}

impl Reminders {
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// A GitHub issue body: a checklist per person, each line mentioning them.
    pub fn markdown(&self) -> String {
        if self.is_empty() {
            return format!(
                "Nothing to remind: on {}, every running key result has a recent check-in \
                 and none is due within {} days.\n",
                self.as_of, self.due_within_days
            );
        }
        let mut out = format!(
            "These key results wait for a check-in or are due within {} days (as of {}). \
             Check in with `okr checkin` or on the site, then tick the box.\n",
            self.due_within_days, self.as_of
        );
        for reminder in &self.people {
            // Each line names whom it asks, so that GitHub notifies them.
            let who = match &reminder.person {
                Some(p) => {
                    out.push_str(&format!(
                        "\n### [{}](<{}>)\n\n",
                        escape_markdown(&p.name),
                        p.url
                    ));
                    match &p.github {
                        Some(login) => format!("@{login}: "),
                        None => format!("{}: ", escape_markdown(&p.name)),
                    }
                }
                None => {
                    out.push_str(
                        "\n### Nobody named\n\nName who answers for each with `owner = \"person-id\"` on the key result.\n\n",
                    );
                    String::new()
                }
            };
            for task in &reminder.key_results {
                let mut why = Vec::new();
                if let Some(since) = &task.stale_since {
                    why.push(format!("stale since {since}"));
                }
                if let Some(due) = &task.due {
                    why.push(format!("due {due}"));
                }
                out.push_str(&format!(
                    "- [ ] {who}[{}](<{}>) ({}) — {}\n",
                    escape_markdown(&task.key_result.title),
                    task.key_result.url,
                    escape_markdown(&task.objective.title),
                    why.join(" / ")
                ));
            }
        }
        out
    }

    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_logins_are_mentioned() {
        for login in ["octocat", "a-b", "x1", &"a".repeat(39)] {
            assert!(is_login(login), "{login}");
        }
        for login in [
            "",
            "-a",
            "a-",
            "a--b",
            "a b",
            "a@b",
            "a\u{1b}",
            &"a".repeat(40),
        ] {
            assert!(!is_login(login), "{login}");
        }
    }
}
