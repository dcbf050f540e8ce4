//! Parses every loaded file and links the entities: objective owners, team
//! parents and leads, contributors, and `aligns_to` references.
//!
//! One file of about 640 lines (and 210 of tests): every reference is resolved
//! the same way (`Names`, `resolve_reference`), and `unlink` for `okr serve`
//! must undo exactly what `link` does, so both sit beside it.

use crate::model::diagnostic::{Diagnostic, Rule, Vocabulary};
use crate::model::period::Period;
use crate::model::source::{FileId, FileKind};
use crate::model::{Link, Objective, Org, Owner, Person, Spanned, Team};
use crate::read::load::Loaded;
use crate::read::parse;
use rayon::prelude::*;
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Ids of files whose front matter is broken: references to them are not
/// reported again, since the broken file already is.
#[derive(Default)]
struct Broken {
    teams: BTreeSet<String>,
    people: BTreeSet<String>,
    objectives: BTreeSet<String>,
}

/// One file's parse, before it joins the organisation. `okr serve` keeps
/// these, so that a change to one file re-parses only that file.
#[derive(Clone)]
pub enum ParsedFile {
    Config,
    Unreadable,
    Team(parse::Parsed<Team>),
    Person(parse::Parsed<Person>),
    Objective(Box<parse::Parsed<Objective>>),
}

impl ParsedFile {
    /// Whether the file gave a team, person or objective and no findings:
    /// all of it is then in the organisation.
    pub fn is_clean(&self) -> bool {
        fn clean<T>(p: &parse::Parsed<T>) -> bool {
            p.entity.is_some() && p.diagnostics.is_empty()
        }
        match self {
            ParsedFile::Config | ParsedFile::Unreadable => false,
            ParsedFile::Team(p) => clean(p),
            ParsedFile::Person(p) => clean(p),
            ParsedFile::Objective(p) => clean(p),
        }
    }
}

/// An organisation taken apart again by [`unlink`].
pub struct Unlinked {
    pub root: std::path::PathBuf,
    pub config: crate::model::Config,
    pub files: Vec<crate::model::source::SourceFile>,
    /// Per file, the entity it gave, links undone; `None` for files that gave none.
    pub entities: Vec<Option<ParsedFile>>,
}

/// Takes a linked organisation apart into its files and the entity each gave,
/// as parsing left them, so that `okr serve` can link again after a change
/// without parsing or copying the files that did not change.
pub fn unlink(org: Org) -> Unlinked {
    let mut entities: Vec<Option<ParsedFile>> = (0..org.files.len()).map(|_| None).collect();
    for team in org.teams {
        let file = team.file.0;
        entities[file] = Some(ParsedFile::Team(whole(team)));
    }
    // People known only from a team's `members` have no file: linking adds them again.
    for person in org.people {
        if let Some(file) = person.file {
            entities[file.0] = Some(ParsedFile::Person(whole(person)));
        }
    }
    for mut objective in org.objectives {
        objective.owner = Owner::Unknown;
        for kr in &mut objective.key_results {
            kr.owner_person = None;
        }
        objective.parents.clear();
        objective.children.clear();
        let file = objective.file.0;
        entities[file] = Some(ParsedFile::Objective(Box::new(whole(objective))));
    }
    Unlinked {
        root: org.root,
        config: org.config,
        files: org.files,
        entities,
    }
}

/// The parse of a file that gave `entity` and no findings.
fn whole<T>(entity: T) -> parse::Parsed<T> {
    parse::Parsed {
        entity: Some(entity),
        broken_id: None,
        diagnostics: Vec::new(),
    }
}

/// Parses the loaded files into an organisation and resolves its references.
pub fn build(loaded: Loaded) -> (Org, Vec<Diagnostic>) {
    let parsed = parse_all(&loaded);
    link(loaded, parsed)
}

/// Parses every loaded file; independent per file, so on all cores, in file order.
pub fn parse_all(loaded: &Loaded) -> Vec<ParsedFile> {
    loaded
        .files
        .par_iter()
        .enumerate()
        .map(|(index, _)| parse_one(loaded, FileId(index)))
        .collect()
}

/// Parses one loaded file.
pub fn parse_one(loaded: &Loaded, id: FileId) -> ParsedFile {
    if loaded.unreadable.binary_search(&id).is_ok() {
        return ParsedFile::Unreadable;
    }
    let file = &loaded.files[id.0];
    match file.kind {
        FileKind::Config => ParsedFile::Config,
        FileKind::Team => ParsedFile::Team(parse::parse_team(file, id)),
        FileKind::Person => ParsedFile::Person(parse::parse_person(file, id)),
        FileKind::Objective => ParsedFile::Objective(Box::new(parse::parse_objective(file, id))),
    }
}

/// Builds the organisation from the loaded files and their parses (one per
/// file, in file order) and resolves its references.
pub fn link(loaded: Loaded, parsed: Vec<ParsedFile>) -> (Org, Vec<Diagnostic>) {
    let mut diagnostics = loaded.diagnostics;
    let mut broken = Broken::default();
    let (mut teams, mut people) = (Vec::new(), Vec::new());
    // Objectives are the bulk: sized once rather than copied as the vector grows.
    let count = (parsed.iter())
        .filter(|p| matches!(p, ParsedFile::Objective(_)))
        .count();
    let mut objectives = Vec::with_capacity(count);
    for (file, parsed) in loaded.files.iter().zip(parsed) {
        match parsed {
            ParsedFile::Config => {}
            ParsedFile::Unreadable => {
                let set = match file.kind {
                    FileKind::Team => &mut broken.teams,
                    FileKind::Person => &mut broken.people,
                    _ => &mut broken.objectives,
                };
                set.insert(file.stem().to_string());
            }
            ParsedFile::Team(p) => collect(p, &mut teams, &mut broken.teams, &mut diagnostics),
            ParsedFile::Person(p) => collect(p, &mut people, &mut broken.people, &mut diagnostics),
            ParsedFile::Objective(p) => collect(
                *p,
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
    resolve_key_result_owners(&mut org, &broken, &mut diagnostics);
    resolve_contributors(&org, &broken, &mut diagnostics);
    resolve_alignments(&mut org, &broken, &mut diagnostics);
    resolve_carried_from(&mut org, &broken, &mut diagnostics);
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
        github: None,
        body: String::new(),
    }));
    people.sort_by(|a, b| a.id.value.cmp(&b.id.value).then(a.file.cmp(&b.file)));
}

fn unknown(
    rule: Rule,
    file: FileId,
    reference: &Spanned<String>,
    message: String,
    candidates: &Vocabulary,
) -> Diagnostic {
    Diagnostic::new(rule, file, Some(reference.span), message)
        .with_suggestion(candidates.closest(&reference.value))
}

/// Team and person ids to suggest from, each prepared when first needed.
struct Names<'a> {
    org: &'a Org,
    teams: OnceCell<Vocabulary<'a>>,
    people: OnceCell<Vocabulary<'a>>,
}

impl<'a> Names<'a> {
    fn new(org: &'a Org) -> Self {
        Names {
            org,
            teams: OnceCell::new(),
            people: OnceCell::new(),
        }
    }

    fn teams(&self) -> &Vocabulary<'a> {
        let teams = &self.org.teams;
        (self.teams).get_or_init(|| Vocabulary::new(teams.iter().map(|t| t.id.value.as_str())))
    }

    fn people(&self) -> &Vocabulary<'a> {
        let people = &self.org.people;
        (self.people).get_or_init(|| Vocabulary::new(people.iter().map(|p| p.id.value.as_str())))
    }
}

/// A team's `parent` must be a team, its `lead` a person.
fn resolve_team_references(org: &Org, broken: &Broken, out: &mut Vec<Diagnostic>) {
    let names = Names::new(org);
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
                names.teams(),
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
                    names.people(),
                )
                .with_label("unknown person"),
            );
        }
    }
}

fn resolve_owners(org: &mut Org, broken: &Broken, out: &mut Vec<Diagnostic>) {
    let names = Names::new(org);
    let owners: Vec<Owner> = org
        .objectives
        .iter()
        .map(|o| owner_of(&names, o, broken, out))
        .collect();
    for (objective, owner) in org.objectives.iter_mut().zip(owners) {
        objective.owner = owner;
    }
}

fn owner_of(
    names: &Names,
    objective: &Objective,
    broken: &Broken,
    out: &mut Vec<Diagnostic>,
) -> Owner {
    let org = names.org;
    match (&objective.team, &objective.person) {
        (None, None) => Owner::Company,
        (Some(_), Some(person)) => {
            out.push(
                Diagnostic::new(
                    Rule::UnknownOwner,
                    objective.file,
                    Some(person.span),
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
                        names.teams(),
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
                        names.people(),
                    ));
                }
                Owner::Unknown
            }
        },
    }
}

/// A key result's `owner` must be a person: one who answers for it.
fn resolve_key_result_owners(org: &mut Org, broken: &Broken, out: &mut Vec<Diagnostic>) {
    let names = Names::new(org);
    let mut found = Vec::new();
    for (i, objective) in org.objectives.iter().enumerate() {
        for (k, kr) in objective.key_results.iter().enumerate() {
            let Some(owner) = &kr.owner else { continue };
            match key_result_owner(&names, objective, owner, broken) {
                Ok(Some(person)) => found.push((i, k, person)),
                Ok(None) => {}
                Err(d) => out.push(d),
            }
        }
    }
    for (i, k, person) in found {
        org.objectives[i].key_results[k].owner_person = Some(person);
    }
}

/// The person a key result's `owner` names; `Ok(None)` when it names a
/// broken person file, whose own finding says it all.
fn key_result_owner(
    names: &Names,
    objective: &Objective,
    owner: &Spanned<String>,
    broken: &Broken,
) -> Result<Option<usize>, Diagnostic> {
    let org = names.org;
    if let Some(person) = org.person_index(&owner.value) {
        return Ok(Some(person));
    }
    if let Some(team) = org.team_index(&owner.value) {
        let lead =
            (org.teams[team].lead.as_ref()).filter(|lead| org.person_index(&lead.value).is_some());
        let help = match lead {
            Some(lead) => format!(
                "name the person who answers for it, e.g. the team's lead: `owner = \"{}\"`",
                lead.value
            ),
            None => "name the person who answers for it: `owner = \"<person id>\"`".to_string(),
        };
        let message = format!(
            "key result owner `{}` is a team; a key result is owned by one person",
            owner.value
        );
        let d = Diagnostic::new(
            Rule::UnknownOwner,
            objective.file,
            Some(owner.span),
            message,
        );
        return Err(d.with_label("a team, not a person").with_help(help));
    }
    if broken.people.contains(&owner.value) {
        return Ok(None);
    }
    let message = format!(
        "key result owner `{}` is neither in people/ nor a member of a team",
        owner.value
    );
    let d = unknown(
        Rule::UnknownOwner,
        objective.file,
        owner,
        message,
        names.people(),
    );
    Err(match d.help {
        Some(_) => d,
        None => d.with_help("write the id of a person in people/ or in a team's `members`"),
    }
    .with_label("unknown person"))
}

fn resolve_contributors(org: &Org, broken: &Broken, out: &mut Vec<Diagnostic>) {
    let names = Names::new(org);
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
                    names.people(),
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

/// Objectives by id; an id may repeat across periods.
struct ObjectiveIndex<'a> {
    org: &'a Org,
    by_id: BTreeMap<&'a str, Vec<usize>>,
    /// The ids of a period to suggest from, prepared when first needed.
    suggestions: HashMap<String, Vocabulary<'a>>,
    /// Every id, to suggest from when no period near the reference has one.
    all_ids: OnceCell<Vocabulary<'a>>,
    /// The ids of each period, grouped when first needed.
    by_period: OnceCell<BTreeMap<&'a str, Vec<&'a str>>>,
    /// For a period, the periods in use that contain it, shortest first.
    containing: HashMap<String, Vec<String>>,
    /// The key results of objectives with many, by id (the first, should an
    /// id repeat), and to suggest from: prepared when first needed, so that
    /// a reference costs the same however many there are.
    key_results: HashMap<usize, HashMap<&'a str, usize>>,
    key_result_suggestions: HashMap<usize, Vocabulary<'a>>,
}

/// An id like a misspelt one, and where it was found.
enum Suggestion<'a> {
    /// In the period of the objective that names it.
    Own(&'a str),
    /// In a period containing that one (as `aligns_to` finds it unqualified).
    Containing(&'a str, String),
    /// In another period: it needs the period in front.
    Elsewhere(&'a str, String),
}

/// Objectives with up to this many key results are searched in order.
const FEW_KEY_RESULTS: usize = 16;

impl<'a> ObjectiveIndex<'a> {
    fn new(org: &'a Org) -> Self {
        let mut by_id: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, o) in org.objectives.iter().enumerate() {
            by_id.entry(&o.id.value).or_default().push(i);
        }
        ObjectiveIndex {
            org,
            by_id,
            suggestions: HashMap::new(),
            all_ids: OnceCell::new(),
            by_period: OnceCell::new(),
            containing: HashMap::new(),
            key_results: HashMap::new(),
            key_result_suggestions: HashMap::new(),
        }
    }

    /// The objective `id` of `period` (the first in file order, should the id be duplicated).
    fn find(&self, period: &str, id: &str) -> Option<usize> {
        let candidates = self.by_id.get(id)?;
        candidates
            .iter()
            .copied()
            .find(|&i| self.org.objectives[i].period.value == period)
    }

    /// Objectives `id` in periods that wholly contain `period` (one per period).
    fn in_containing_periods(&self, period: &str, id: &str) -> Vec<(&'a str, usize)> {
        let (Some(own), Some(candidates)) = (self.org.period(period), self.by_id.get(id)) else {
            return Vec::new();
        };
        let mut found: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in candidates {
            let name = self.org.objectives[i].period.value.as_str();
            if name != period && self.org.period(name).is_some_and(|p| p.contains(&own)) {
                found.entry(name).or_insert(i);
            }
        }
        found.into_iter().collect()
    }

    /// The id of `period` closest to `id`, for did-you-mean.
    fn suggest(&mut self, period: &str, id: &str) -> Option<&'a str> {
        if !self.suggestions.contains_key(period) {
            let ids = self.by_period().get(period).into_iter().flatten();
            let vocabulary = Vocabulary::new(ids.copied());
            self.suggestions.insert(period.to_string(), vocabulary);
        }
        self.suggestions.get(period)?.closest(id)
    }

    /// The id closest to `id` among the objectives of `own`, else of the
    /// periods containing it (the shortest first), else of any period.
    fn suggest_near(&mut self, own: &str, id: &str) -> Option<Suggestion<'a>> {
        if let Some(s) = self.suggest(own, id) {
            return Some(Suggestion::Own(s));
        }
        for period in self.containing(own) {
            if let Some(s) = self.suggest(&period, id) {
                return Some(Suggestion::Containing(s, period));
            }
        }
        let by_id = &self.by_id;
        let all = (self.all_ids).get_or_init(|| Vocabulary::new(by_id.keys().copied()));
        let s = all.closest(id)?;
        let first = *self.by_id.get(s)?.first()?;
        let period = self.org.objectives[first].period.value.clone();
        Some(Suggestion::Elsewhere(s, period))
    }

    /// The periods in use that contain `own` (not `own` itself), shortest
    /// first: the built-in quarter, half and year of its first day, and the
    /// custom periods, so that the cost does not grow with the periods in use.
    fn containing(&mut self, own: &str) -> Vec<String> {
        if let Some(found) = self.containing.get(own) {
            return found.clone();
        }
        let org = self.org;
        let mut found: Vec<Period> = Vec::new();
        if let Some(own_period) = org.period(own) {
            let used = self.by_period();
            let candidates = (Period::builtin_around(own_period.start).into_iter())
                .chain(org.config.periods.custom().cloned());
            found = candidates
                .filter(|p| p.name != own && used.contains_key(p.name.as_str()))
                .filter_map(|p| org.period(&p.name))
                .filter(|p| p.contains(&own_period))
                .collect();
        }
        found.sort_by(|a, b| a.days().cmp(&b.days()).then_with(|| a.name.cmp(&b.name)));
        found.dedup();
        let names: Vec<String> = found.into_iter().map(|p| p.name).collect();
        self.containing.insert(own.to_string(), names.clone());
        names
    }

    /// The objective ids of each period, grouped once.
    fn by_period(&self) -> &BTreeMap<&'a str, Vec<&'a str>> {
        let objectives = &self.org.objectives;
        self.by_period.get_or_init(|| {
            let mut grouped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for o in objectives {
                grouped
                    .entry(&o.period.value)
                    .or_default()
                    .push(&o.id.value);
            }
            grouped
        })
    }

    /// The key result `id` of `objective` (the first, should the id repeat).
    fn key_result(&mut self, objective: usize, id: &str) -> Option<usize> {
        let krs = &self.org.objectives[objective].key_results;
        if krs.len() <= FEW_KEY_RESULTS {
            return krs.iter().position(|k| k.id.value == id);
        }
        let by_id = self.key_results.entry(objective).or_insert_with(|| {
            let mut by_id = HashMap::new();
            for (i, kr) in krs.iter().enumerate() {
                by_id.entry(kr.id.value.as_str()).or_insert(i);
            }
            by_id
        });
        by_id.get(id).copied()
    }

    /// The key result id of `objective` closest to `id`, for did-you-mean.
    fn suggest_key_result(&mut self, objective: usize, id: &str) -> Option<&'a str> {
        let krs = &self.org.objectives[objective].key_results;
        (self.key_result_suggestions.entry(objective))
            .or_insert_with(|| Vocabulary::new(krs.iter().map(|k| k.id.value.as_str())))
            .closest(id)
    }
}

fn resolve_alignments(org: &mut Org, broken: &Broken, out: &mut Vec<Diagnostic>) {
    let mut index = ObjectiveIndex::new(org);
    let mut links: Vec<(usize, Link)> = Vec::new();
    for (child, objective) in org.objectives.iter().enumerate() {
        for reference in &objective.aligns_to {
            match resolve_reference(&mut index, objective, reference, broken) {
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

/// Links each objective to the one its `carried_from = "PERIOD/id"` names.
fn resolve_carried_from(org: &mut Org, broken: &Broken, out: &mut Vec<Diagnostic>) {
    let mut index = ObjectiveIndex::new(org);
    let mut found = Vec::new();
    for (i, objective) in org.objectives.iter().enumerate() {
        let Some(reference) = &objective.carried_from else {
            continue;
        };
        let parsed = Reference::parse(&reference.value);
        let error = |message: String| {
            Diagnostic::new(
                Rule::UnknownReference,
                objective.file,
                Some(reference.span),
                message,
            )
        };
        let (Some(period), None) = (parsed.period, parsed.key_result) else {
            out.push(
                error(format!(
                    "`carried_from` names an objective as `PERIOD/id`, not `{}`",
                    reference.value
                ))
                .with_help("e.g. `carried_from = \"2026-Q3/faster-onboarding\"`"),
            );
            continue;
        };
        match index.find(period, parsed.objective) {
            Some(from) if from != i => found.push((i, from)),
            Some(_) => out.push(error("an objective cannot be carried from itself".into())),
            None if broken.objectives.contains(parsed.objective) => {}
            None => out.push(
                error(format!(
                    "`carried_from` names no objective `{}` in period {period}",
                    parsed.objective
                ))
                .with_suggestion(index.suggest(period, parsed.objective)),
            ),
        }
    }
    for (i, from) in found {
        org.objectives[i].predecessor = Some(from);
    }
}

/// `Ok(None)` when the reference names a broken file: that file's error says it all.
fn resolve_reference(
    index: &mut ObjectiveIndex,
    child: &Objective,
    reference: &Spanned<String>,
    broken: &Broken,
) -> Result<Option<Link>, Diagnostic> {
    let org = index.org;
    let parsed = Reference::parse(&reference.value);
    let id = parsed.objective;
    let error = |message: String| {
        Diagnostic::new(
            Rule::UnresolvedAlignment,
            child.file,
            Some(reference.span),
            message,
        )
    };
    // A period written as elsewhere (`Q1 2027`) is reported as unknown; its
    // alignment is still resolved in the period meant, so that a misspelt
    // `aligns_to` in the same file shows in the same run.
    let meant = (org.period(&child.period.value).is_none())
        .then(|| Period::builtin_spelling(&child.period.value))
        .flatten();
    let own = meant.as_deref().unwrap_or(&child.period.value);
    let found = match parsed.period {
        Some(period) => index.find(period, id),
        None => index.find(own, id).or_else(|| {
            // Then any period that contains the child's, e.g. the year of a quarter.
            match index.in_containing_periods(own, id).as_slice() {
                [(_, found)] => Some(*found),
                _ => None,
            }
        }),
    };
    let Some(target) = found else {
        // A child whose own period is unknown (already reported) cannot say where to look.
        let lost = parsed.period.is_none() && org.period(own).is_none();
        if broken.objectives.contains(id) || lost {
            return Ok(None);
        }
        return Err(match parsed.period {
            Some(period) if org.period(period).is_none() => error(format!(
                "`{}` names an unknown period `{period}`",
                reference.value
            )),
            Some(period) => error(format!("no objective `{id}` in period {period}"))
                .with_suggestion(index.suggest(period, id)),
            None => {
                let containing = index.in_containing_periods(own, id);
                if containing.len() > 1 {
                    let names: Vec<String> = containing
                        .iter()
                        .map(|(p, _)| format!("{p}/{id}"))
                        .collect();
                    error(format!(
                        "`{id}` is ambiguous: it matches `{}`",
                        names.join("` and `")
                    ))
                    .with_help(format!("write the period in front, e.g. `{}`", names[0]))
                } else {
                    let d = error(format!(
                        "no objective `{id}` in {own} or a period containing it"
                    ));
                    d.with_help(match index.suggest_near(own, id) {
                        Some(Suggestion::Own(s)) => format!("did you mean `{s}`?"),
                        Some(Suggestion::Containing(s, period)) => {
                            format!("did you mean `{s}` ({period})?")
                        }
                        Some(Suggestion::Elsewhere(s, period)) => {
                            format!("did you mean `{period}/{s}`?")
                        }
                        None => format!(
                            "to align to an objective of another period, write `PERIOD/{id}`"
                        ),
                    })
                }
            }
        });
    };
    let key_result = match parsed.key_result {
        None => None,
        Some(kr) => match index.key_result(target, kr) {
            Some(i) => Some(i),
            None => {
                let d = error(format!("objective `{id}` has no key result `{kr}`"));
                return Err(d.with_suggestion(index.suggest_key_result(target, kr)));
            }
        },
    };
    Ok(Some(Link {
        objective: target,
        key_result,
        span: reference.span,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlinking_and_linking_again_gives_the_same_organisation() {
        use crate::check::testing::{company, files, team_objective};
        let owned = [
            company("grow"),
            team_objective("a", "grow", ""),
            team_objective("b", "missing", ""),
            (
                "okrs/2026-Q1/broken.md".to_string(),
                "+++\ntitle = 1\n+++\n".to_string(),
            ),
        ];
        let mut owned = owned.to_vec();
        // A misspelt key: an objective with a finding, kept and checked.
        owned.push(team_objective("c", "grow", "dead_line = 2026-03-01\n"));
        let files = files(&owned);
        let loaded = crate::read::load::from_memory(&files).unwrap();
        let parsed = parse_all(&loaded);
        // As `okr serve` keeps them: the parses of files with findings.
        let kept: Vec<Option<ParsedFile>> = (parsed.iter())
            .map(|p| (!p.is_clean()).then(|| p.clone()))
            .collect();
        let (org, diagnostics) = link(loaded, parsed);
        assert_eq!(org.objectives.len(), 4, "{diagnostics:?}");
        let shown = |org: &Org| format!("{:?}\n{:?}\n{:?}", org.objectives, org.teams, org.people);
        let before = shown(&org);
        let unlinked = unlink(org);
        let loaded = Loaded {
            root: unlinked.root,
            config: unlinked.config,
            files: unlinked.files,
            unreadable: Vec::new(),
            diagnostics: Vec::new(),
        };
        let parses: Vec<ParsedFile> = (unlinked.entities.into_iter().zip(kept))
            .enumerate()
            .map(|(i, (e, k))| k.or(e).unwrap_or_else(|| parse_one(&loaded, FileId(i))))
            .collect();
        let (again, diagnostics_again) = link(loaded, parses);
        assert_eq!(shown(&again), before);
        assert_eq!(diagnostics_again, diagnostics);
    }

    /// 32,000 objectives each aligned to an id no objective has, four times
    /// the 8,000 that once took 22 seconds to check: each reference is
    /// compared with a few ids for did-you-mean, not with all of them.
    #[test]
    fn unresolvable_alignments_cost_linear_time() {
        use crate::check::testing::{CONFIG, assert_linear};
        let org = |n: usize| -> Vec<(String, String)> {
            (0..n)
                .map(|i| {
                    let text = format!(
                        "+++\ntitle = \"O {i}\"\nperiod = \"2026-Q1\"\naligns_to = \"o{i}-x\"\n+++\n"
                    );
                    (format!("okrs/2026-Q1/o{i}.md"), text)
                })
                .collect()
        };
        assert_linear("unresolved aligns_to", 8_000, org, |owned| {
            let mut files = vec![CONFIG];
            files.extend(owned.iter().map(|(p, t)| (p.as_str(), t.as_str())));
            let (_, diagnostics) = build(crate::read::load::from_memory(&files).unwrap());
            assert_eq!(diagnostics.len(), owned.len());
        });
    }

    /// As above, each objective in a year of its own: did-you-mean looks in
    /// a few periods around each, not in every period in use.
    #[test]
    fn unresolvable_alignments_across_many_periods_cost_linear_time() {
        use crate::check::testing::{CONFIG, assert_linear};
        let org = |n: usize| -> Vec<(String, String)> {
            (0..n)
                .map(|i| {
                    let year = 1000 + i;
                    let text = format!(
                        "+++\ntitle = \"O {i}\"\nperiod = \"{year}\"\naligns_to = \"o{i}-x\"\n+++\n"
                    );
                    (format!("okrs/{year}/o{i}.md"), text)
                })
                .collect()
        };
        assert_linear(
            "unresolved aligns_to in many periods",
            2_000,
            org,
            |owned| {
                let mut files = vec![CONFIG];
                files.extend(owned.iter().map(|(p, t)| (p.as_str(), t.as_str())));
                let (_, diagnostics) = build(crate::read::load::from_memory(&files).unwrap());
                assert_eq!(diagnostics.len(), owned.len());
            },
        );
    }

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

    use crate::check::testing::*;

    fn annual(id: &str, period: &str) -> (String, String) {
        (
            format!("okrs/{period}/{id}.md"),
            company(id).1.replace("2026-Q1", period),
        )
    }

    fn messages(owned: &[(String, String)]) -> Vec<String> {
        let checked = run(&files(owned));
        checked
            .diagnostics
            .iter()
            .filter(|d| d.rule == Rule::UnresolvedAlignment)
            .map(|d| format!("{} | {}", d.message, d.help.as_deref().unwrap_or("")))
            .collect()
    }

    #[test]
    fn resolves_in_own_period_then_in_containing_ones() {
        let owned = [
            annual("grow", "2026"),
            team_objective("sell", "grow#kr2", ""),
        ];
        let checked = run(&files(&owned));
        let sell = checked
            .org
            .objectives
            .iter()
            .find(|o| o.id.value == "sell")
            .unwrap();
        let grow = checked
            .org
            .objectives
            .iter()
            .position(|o| o.id.value == "grow")
            .unwrap();
        assert_eq!(sell.parents[0].objective, grow);
        assert_eq!(sell.parents[0].key_result, Some(1));
        assert_eq!(checked.org.objectives[grow].children.len(), 1);
        assert_eq!(messages(&owned), Vec::<String>::new());
    }

    #[test]
    fn ambiguous_and_missing_references_are_reported_not_guessed() {
        let owned = [
            annual("grow", "2026"),
            annual("grow", "2026-H1"),
            team_objective("sell", "grow", ""),
        ];
        assert_eq!(
            messages(&owned),
            [
                "`grow` is ambiguous: it matches `2026/grow` and `2026-H1/grow` | write the period in front, e.g. `2026/grow`"
            ]
        );
        let owned = [company("grow"), team_objective("sell", "grwo", "")];
        assert_eq!(
            messages(&owned),
            ["no objective `grwo` in 2026-Q1 or a period containing it | did you mean `grow`?"]
        );
        let owned = [company("grow"), team_objective("sell", "grow#kr9", "")];
        assert_eq!(
            messages(&owned),
            ["objective `grow` has no key result `kr9` | did you mean `kr1`?"]
        );
        let owned = [company("grow"), team_objective("sell", "2026-Q7/grow", "")];
        assert_eq!(
            messages(&owned),
            ["`2026-Q7/grow` names an unknown period `2026-Q7` | "]
        );
    }

    #[test]
    fn did_you_mean_looks_in_containing_periods_then_in_all_and_names_the_period() {
        let expand = |period: &str| annual("expand-germany", period);
        // The own period first, even with a like id in the year.
        let owned = [
            expand("2026"),
            company("expand-germani"),
            team_objective("sell", "expand-germny", ""),
        ];
        assert_eq!(
            messages(&owned),
            [
                "no objective `expand-germny` in 2026-Q1 or a period containing it | did you mean `expand-germani`?"
            ]
        );
        // Then the periods containing it, shortest first: as written, it resolves there.
        let owned = [
            expand("2026"),
            annual("expand-germanyy", "2026-H1"),
            team_objective("sell", "expand-germny", ""),
        ];
        assert_eq!(
            messages(&owned),
            [
                "no objective `expand-germny` in 2026-Q1 or a period containing it | did you mean `expand-germanyy` (2026-H1)?"
            ]
        );
        let owned = [expand("2026"), team_objective("sell", "expand-germny", "")];
        assert_eq!(
            messages(&owned),
            [
                "no objective `expand-germny` in 2026-Q1 or a period containing it | did you mean `expand-germany` (2026)?"
            ]
        );
        // Then every period: one that does not contain it needs its name in front.
        let owned = [
            expand("2025-Q4"),
            team_objective("sell", "expand-germny", ""),
        ];
        assert_eq!(
            messages(&owned),
            [
                "no objective `expand-germny` in 2026-Q1 or a period containing it | did you mean `2025-Q4/expand-germany`?"
            ]
        );
    }

    #[test]
    fn references_to_broken_files_are_not_reported_twice() {
        let owned = [
            (
                "okrs/2026-Q1/grow.md".to_string(),
                "+++\ntitle = 1\nperiod = \"2026-Q1\"\n+++\n".to_string(),
            ),
            team_objective("sell", "grow", ""),
        ];
        let found = findings(&files(&owned));
        assert_eq!(
            found,
            [(
                "invalid-front-matter".to_string(),
                "okrs/2026-Q1/grow.md".to_string(),
                Some(2)
            )]
        );
    }

    /// A company objective whose key results name `owners`, one each.
    fn with_key_result_owners(owners: &[&str]) -> (String, String) {
        let (path, mut text) = company("grow");
        for (i, owner) in owners.iter().enumerate() {
            let title = format!("title = \"Metric {} of grow from 0 to 10\"\n", i + 1);
            text = text.replace(&title, &format!("{title}owner = \"{owner}\"\n"));
        }
        (path, text)
    }

    #[test]
    fn key_result_owners_resolve_to_people() {
        let owned = [
            with_key_result_owners(&["anna"]),
            team_objective("sell", "grow", ""),
        ];
        let checked = run(&files(&owned));
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
        let krs = &checked.org.objectives[0].key_results;
        let anna = checked.org.person_index("anna");
        assert!(anna.is_some());
        assert_eq!(krs[0].owner_person, anna);
        assert_eq!(krs[1].owner_person, None, "no owner written");
    }

    #[test]
    fn key_result_owners_that_are_no_person_say_whom_to_name() {
        let owned = [with_key_result_owners(&["anan", "sales"])];
        let checked = run(&files(&owned));
        let file = checked.org.file(checked.org.objectives[0].file);
        let found: Vec<String> = (checked.diagnostics.iter())
            .filter(|d| d.rule == Rule::UnknownOwner)
            .map(|d| {
                let span = d.span.unwrap_or_default();
                format!(
                    "{} {} | {} | {}",
                    d.rule.name(),
                    &file.text[span],
                    d.message,
                    d.help.as_deref().unwrap_or("")
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                "unknown-owner \"anan\" | key result owner `anan` is neither in people/ nor a member of a team | did you mean `anna`?",
                "unknown-owner \"sales\" | key result owner `sales` is a team; a key result is owned by one person | name the person who answers for it, e.g. the team's lead: `owner = \"anna\"`",
            ]
        );
        let krs = &checked.org.objectives[0].key_results;
        assert_eq!((krs[0].owner_person, krs[1].owner_person), (None, None));
    }

    #[test]
    fn owners_contributors_and_team_references() {
        let owned = [
            company("grow"),
            team_objective("sell", "grow", "contributors = [\"anne\"]\n"),
            (
                "teams/east.md".to_string(),
                "+++\nparent = \"sale\"\nlead = \"nobody\"\n+++\n".to_string(),
            ),
            (
                "okrs/2026-Q1/x.md".to_string(),
                company("x").1.replace(
                    "+++\ntitle",
                    "+++\nteam = \"sales\"\nperson = \"anna\"\naligns_to = \"grow\"\ntitle",
                ),
            ),
        ];
        let found: Vec<_> = findings(&files(&owned))
            .into_iter()
            .map(|(rule, file, line)| format!("{rule} {file}:{}", line.unwrap_or(0)))
            .collect();
        assert_eq!(
            found,
            [
                "unknown-reference okrs/2026-Q1/sales/sell.md:6",
                "unknown-owner okrs/2026-Q1/x.md:3",
                "unknown-reference teams/east.md:2",
                "unknown-reference teams/east.md:3",
            ]
        );
    }
}
