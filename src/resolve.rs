//! Parses every loaded file and links the entities: objective owners, team
//! parents and leads, contributors, and `aligns_to` references.

use crate::diagnostic::{Diagnostic, Rule, did_you_mean};
use crate::load::Loaded;
use crate::model::{Link, Objective, Org, Owner, Person, Spanned, Team};
use crate::parse;
use crate::source::{FileId, FileKind};
use std::collections::{BTreeMap, BTreeSet};

/// Ids of files whose front matter is broken: references to them are not
/// reported again, since the broken file already is.
#[derive(Default)]
struct Broken {
    teams: BTreeSet<String>,
    people: BTreeSet<String>,
    objectives: BTreeSet<String>,
}

/// Parses the loaded files into an organisation and resolves its references.
pub fn build(loaded: Loaded) -> (Org, Vec<Diagnostic>) {
    let mut diagnostics = loaded.diagnostics;
    let mut broken = Broken::default();
    let (mut teams, mut people, mut objectives) = (Vec::new(), Vec::new(), Vec::new());
    for (index, file) in loaded.files.iter().enumerate() {
        let id = FileId(index);
        if loaded.unreadable.contains(&id) {
            let set = match file.kind {
                FileKind::Team => &mut broken.teams,
                FileKind::Person => &mut broken.people,
                _ => &mut broken.objectives,
            };
            set.insert(file.stem().to_string());
            continue;
        }
        match file.kind {
            FileKind::Config => {}
            FileKind::Team => collect(
                parse::parse_team(file, id),
                &mut teams,
                &mut broken.teams,
                &mut diagnostics,
            ),
            FileKind::Person => collect(
                parse::parse_person(file, id),
                &mut people,
                &mut broken.people,
                &mut diagnostics,
            ),
            FileKind::Objective => collect(
                parse::parse_objective(file, id),
                &mut objectives,
                &mut broken.objectives,
                &mut diagnostics,
            ),
        }
    }
    teams.sort_by(|a: &Team, b| a.id.value.cmp(&b.id.value).then(a.file.cmp(&b.file)));
    people.sort_by(|a: &Person, b| a.id.value.cmp(&b.id.value).then(a.file.cmp(&b.file)));
    add_members_as_people(&teams, &mut people);

    let mut org = Org {
        root: loaded.root,
        config: loaded.config,
        files: loaded.files,
        teams,
        people,
        objectives,
    };
    resolve_team_references(&org, &broken, &mut diagnostics);
    resolve_owners(&mut org, &broken, &mut diagnostics);
    resolve_contributors(&org, &broken, &mut diagnostics);
    resolve_alignments(&mut org, &broken, &mut diagnostics);
    (org, diagnostics)
}

fn collect<T>(
    parsed: parse::Parsed<T>,
    into: &mut Vec<T>,
    broken: &mut BTreeSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    into.extend(parsed.entity);
    broken.extend(parsed.broken_id);
    diagnostics.extend(parsed.diagnostics);
}

/// People named in a team's `members` exist even without a file of their own.
fn add_members_as_people(teams: &[Team], people: &mut Vec<Person>) {
    let known: BTreeSet<String> = people.iter().map(|p| p.id.value.clone()).collect();
    let mut implied: BTreeMap<&str, &Spanned<String>> = BTreeMap::new();
    for member in teams.iter().flat_map(|t| &t.members) {
        if !known.contains(&member.value) {
            implied.entry(&member.value).or_insert(member);
        }
    }
    people.extend(implied.into_values().map(|id| Person {
        file: None,
        id: id.clone(),
        name: None,
        role: None,
        body: String::new(),
    }));
    people.sort_by(|a, b| a.id.value.cmp(&b.id.value).then(a.file.cmp(&b.file)));
}

fn unknown(
    rule: Rule,
    file: FileId,
    reference: &Spanned<String>,
    message: String,
    candidates: Vec<&str>,
) -> Diagnostic {
    Diagnostic::new(rule, file, Some(reference.span.clone()), message)
        .with_suggestion(did_you_mean(&reference.value, candidates))
}

fn team_ids(org: &Org) -> Vec<&str> {
    org.teams.iter().map(|t| t.id.value.as_str()).collect()
}

fn person_ids(org: &Org) -> Vec<&str> {
    org.people.iter().map(|p| p.id.value.as_str()).collect()
}

/// A team's `parent` must be a team, its `lead` a person.
fn resolve_team_references(org: &Org, broken: &Broken, out: &mut Vec<Diagnostic>) {
    for team in &org.teams {
        if let Some(parent) = &team.parent
            && org.team_index(&parent.value).is_none()
            && !broken.teams.contains(&parent.value)
        {
            out.push(unknown(
                Rule::UnknownReference,
                team.file,
                parent,
                format!("parent team `{}` is not defined in teams/", parent.value),
                team_ids(org),
            ));
        }
        if let Some(lead) = &team.lead
            && org.person_index(&lead.value).is_none()
            && !broken.people.contains(&lead.value)
        {
            out.push(
                unknown(
                    Rule::UnknownReference,
                    team.file,
                    lead,
                    format!(
                        "lead `{}` is neither in people/ nor a member of the team",
                        lead.value
                    ),
                    person_ids(org),
                )
                .with_label("unknown person"),
            );
        }
    }
}

fn resolve_owners(org: &mut Org, broken: &Broken, out: &mut Vec<Diagnostic>) {
    let owners: Vec<Owner> = org
        .objectives
        .iter()
        .map(|o| owner_of(org, o, broken, out))
        .collect();
    for (objective, owner) in org.objectives.iter_mut().zip(owners) {
        objective.owner = owner;
    }
}

fn owner_of(org: &Org, objective: &Objective, broken: &Broken, out: &mut Vec<Diagnostic>) -> Owner {
    match (&objective.team, &objective.person) {
        (None, None) => Owner::Company,
        (Some(_), Some(person)) => {
            out.push(
                Diagnostic::new(
                    Rule::UnknownOwner,
                    objective.file,
                    Some(person.span.clone()),
                    "an objective has one owner: a `team` or a `person`, not both",
                )
                .with_help("keep the owner and name the others as `contributors`"),
            );
            Owner::Unknown
        }
        (Some(team), None) => match org.team_index(&team.value) {
            Some(i) => Owner::Team(i),
            None => {
                if !broken.teams.contains(&team.value) {
                    out.push(unknown(
                        Rule::UnknownOwner,
                        objective.file,
                        team,
                        format!("team `{}` is not defined in teams/", team.value),
                        team_ids(org),
                    ));
                }
                Owner::Unknown
            }
        },
        (None, Some(person)) => match org.person_index(&person.value) {
            Some(i) => Owner::Person(i),
            None => {
                if !broken.people.contains(&person.value) {
                    out.push(unknown(
                        Rule::UnknownOwner,
                        objective.file,
                        person,
                        format!(
                            "person `{}` is neither in people/ nor a member of a team",
                            person.value
                        ),
                        person_ids(org),
                    ));
                }
                Owner::Unknown
            }
        },
    }
}

fn resolve_contributors(org: &Org, broken: &Broken, out: &mut Vec<Diagnostic>) {
    for objective in &org.objectives {
        for contributor in &objective.contributors {
            if org.person_index(&contributor.value).is_none()
                && !broken.people.contains(&contributor.value)
            {
                out.push(unknown(
                    Rule::UnknownReference,
                    objective.file,
                    contributor,
                    format!(
                        "contributor `{}` is neither in people/ nor a member of a team",
                        contributor.value
                    ),
                    person_ids(org),
                ));
            }
        }
    }
}

/// An `aligns_to` entry taken apart: `[PERIOD/]objective[#key-result]`.
#[derive(Debug, PartialEq)]
pub struct Reference<'a> {
    pub period: Option<&'a str>,
    pub objective: &'a str,
    pub key_result: Option<&'a str>,
}

impl<'a> Reference<'a> {
    pub fn parse(text: &'a str) -> Reference<'a> {
        let (period, rest) = match text.rsplit_once('/') {
            Some((period, rest)) => (Some(period), rest),
            None => (None, text),
        };
        let (objective, key_result) = match rest.split_once('#') {
            Some((objective, kr)) => (objective, Some(kr)),
            None => (rest, None),
        };
        Reference {
            period,
            objective,
            key_result,
        }
    }
}

fn resolve_alignments(org: &mut Org, broken: &Broken, out: &mut Vec<Diagnostic>) {
    // (period, id) → objectives; several only where ids are duplicated.
    let mut index: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, o) in org.objectives.iter().enumerate() {
        index
            .entry((&o.period.value, &o.id.value))
            .or_default()
            .push(i);
    }
    let mut links: Vec<(usize, Link)> = Vec::new();
    for (child, objective) in org.objectives.iter().enumerate() {
        for reference in &objective.aligns_to {
            match resolve_reference(org, &index, objective, reference, broken) {
                Ok(Some(link)) => links.push((child, link)),
                Ok(None) => {}
                Err(d) => out.push(d),
            }
        }
    }
    for (child, link) in links {
        let parent = link.objective;
        org.objectives[child].parents.push(link);
        if !org.objectives[parent].children.contains(&child) {
            org.objectives[parent].children.push(child);
        }
    }
}

/// `Ok(None)` when the reference names a broken file: that file's error says it all.
fn resolve_reference(
    org: &Org,
    index: &BTreeMap<(&str, &str), Vec<usize>>,
    child: &Objective,
    reference: &Spanned<String>,
    broken: &Broken,
) -> Result<Option<Link>, Diagnostic> {
    let parsed = Reference::parse(&reference.value);
    let error = |message: String| {
        Diagnostic::new(
            Rule::UnresolvedAlignment,
            child.file,
            Some(reference.span.clone()),
            message,
        )
    };
    let ids_in = |period: &str| -> Vec<&str> {
        index
            .keys()
            .filter(|(p, _)| *p == period)
            .map(|(_, id)| *id)
            .collect()
    };
    let target = match parsed.period {
        Some(period) => match index.get(&(period, parsed.objective)) {
            Some(found) => found[0],
            None if broken.objectives.contains(parsed.objective) => return Ok(None),
            None if org.period(period).is_none() => {
                return Err(error(format!(
                    "`{}` names an unknown period `{period}`",
                    reference.value
                )));
            }
            None => {
                let d = error(format!(
                    "no objective `{}` in period {period}",
                    parsed.objective
                ));
                return Err(d.with_suggestion(did_you_mean(parsed.objective, ids_in(period))));
            }
        },
        None => {
            let own = child.period.value.as_str();
            if let Some(found) = index.get(&(own, parsed.objective)) {
                found[0]
            } else {
                // Then any period that contains the child's, e.g. the year of a quarter.
                let own_period = org.period(own);
                let containing: Vec<(&str, usize)> = index
                    .iter()
                    .filter(|((p, id), _)| *id == parsed.objective && *p != own)
                    .filter(|((p, _), _)| match (org.period(p), &own_period) {
                        (Some(period), Some(own)) => period.contains(own),
                        _ => false,
                    })
                    .map(|((p, _), found)| (*p, found[0]))
                    .collect();
                match containing.as_slice() {
                    [(_, found)] => *found,
                    [] if broken.objectives.contains(parsed.objective) => return Ok(None),
                    [] => {
                        let d = error(format!(
                            "no objective `{}` in {own} or a period containing it",
                            parsed.objective
                        ));
                        let d = match did_you_mean(parsed.objective, ids_in(own)) {
                            Some(s) => d.with_help(format!("did you mean `{s}`?")),
                            None => d.with_help(format!(
                                "to align to an objective of another period, write `PERIOD/{}`",
                                parsed.objective
                            )),
                        };
                        return Err(d);
                    }
                    several => {
                        let names: Vec<String> = several
                            .iter()
                            .map(|(p, _)| format!("{p}/{}", parsed.objective))
                            .collect();
                        let d = error(format!(
                            "`{}` is ambiguous: it matches `{}`",
                            parsed.objective,
                            names.join("` and `")
                        ));
                        return Err(
                            d.with_help(format!("write the period in front, e.g. `{}`", names[0]))
                        );
                    }
                }
            }
        }
    };
    let key_result = match parsed.key_result {
        None => None,
        Some(kr) => {
            let krs = &org.objectives[target].key_results;
            match krs.iter().position(|k| k.id.value == kr) {
                Some(i) => Some(i),
                None => {
                    let d = error(format!(
                        "objective `{}` has no key result `{kr}`",
                        parsed.objective
                    ));
                    return Err(d.with_suggestion(did_you_mean(
                        kr,
                        krs.iter().map(|k| k.id.value.as_str()),
                    )));
                }
            }
        }
    };
    Ok(Some(Link {
        objective: target,
        key_result,
        span: reference.span.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_into_period_objective_and_key_result() {
        assert_eq!(
            Reference::parse("2026/grow#revenue"),
            Reference {
                period: Some("2026"),
                objective: "grow",
                key_result: Some("revenue")
            }
        );
        assert_eq!(
            Reference::parse("grow"),
            Reference {
                period: None,
                objective: "grow",
                key_result: None
            }
        );
    }
}
