//! `activity-key-result`: a key result that reads as a task or an output
//! (what the team will do or produce) rather than an outcome (what should
//! change). The detector is in `detect.rs`, its words in `lexicon.rs`.

mod detect;
mod lexicon;

pub use detect::{Detector, Reason};

use super::Context;
use crate::model::diagnostic::{Diagnostic, Rule};
use crate::model::{KeyResult, Objective};

/// Whether `activity-key-result` reports key result `kr` of objective
/// `objective`: other rules leave it alone then, so that one problem gets
/// one finding. The detector ran once, in [`super::facts`].
pub fn reports(cx: &Context, objective: usize, kr: usize) -> bool {
    cx.org
        .config
        .checks
        .severity(Rule::ActivityKeyResult)
        .is_some()
        && cx.facts.key_result(objective, kr).activity.is_some()
}

pub fn activity_key_result(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (o, facts) in cx.org.objectives.iter().zip(&cx.facts.objectives) {
        for (kr, facts) in o.key_results.iter().zip(&facts.key_results) {
            if let Some(reason) = &facts.title.activity {
                out.push(finding(o, kr, reason));
            }
        }
    }
}

fn finding(o: &Objective, kr: &KeyResult, reason: &Reason) -> Diagnostic {
    Diagnostic::new(
        Rule::ActivityKeyResult,
        o.file,
        Some(kr.title.span),
        format!(
            "key result `{}` reads as a task, not an outcome: it {}",
            kr.id.value,
            why(reason)
        ),
    )
    .with_help(help(reason))
}

/// Why the title reads as a task, after "it".
fn why(reason: &Reason) -> String {
    match reason {
        Reason::TaskVerb(verb) => format!("starts with the task verb '{verb}'"),
        Reason::OwnOutput {
            noun,
            verb: Some(verb),
        } => {
            format!("starts with the task verb '{verb}' and counts the team's own output: '{noun}'")
        }
        Reason::OwnOutput { noun, verb: None } => format!("counts the team's own output: '{noun}'"),
        Reason::Finished(can) if can == "can" => {
            "says what people can do once the work is done ('can'), not whether they do it"
                .to_string()
        }
        Reason::Finished(state) => format!("states the team's own work as finished: '{state}'"),
        Reason::Vague(verb) => {
            format!("starts with '{verb}' and names only the team's own work, no result")
        }
    }
}

/// How to rewrite it, as specific to the reason as the words allow.
fn help(reason: &Reason) -> String {
    match reason {
        Reason::TaskVerb(verb) => format!(
            "state the change the work should bring, e.g. `{}`, and list the work ('{verb} …') under `[[initiatives]]`",
            verb_example(verb)
        ),
        Reason::OwnOutput { noun, .. } => {
            let (are, themselves) = if detect::singular(noun) == *noun {
                ("is", "itself")
            } else {
                ("are", "themselves")
            };
            format!(
                "measure what the {noun} {are} for: e.g. `{}`; list the {noun} {themselves} under `[[initiatives]]`",
                output_example(noun)
            )
        }
        Reason::Finished(_) => "say what changes once it is done: who uses it and how much, e.g. \
             `teams that use it every week from 0 to 8`; the milestone belongs under `[[initiatives]]`"
            .to_string(),
        Reason::Vague(_) => "say what gets better and by how much, e.g. `questions answered by the docs \
             without a ticket from 30% to 60%`"
            .to_string(),
    }
}

/// An outcome that typically follows from work of this kind.
fn verb_example(verb: &str) -> &'static str {
    const EXAMPLES: &[(&[&str], &str)] = &[
        (
            &["translate", "localise", "localize"],
            "sign-ups from German-speaking countries from 40 to 120 a month",
        ),
        (
            &["hire", "recruit", "staff", "appoint", "interview"],
            "time to fill engineering roles from 60 to 40 days",
        ),
        (
            &["train", "teach", "coach", "mentor", "educate"],
            "tickets solved without escalation from 60% to 80%",
        ),
        (
            &[
                "write", "publish", "document", "update", "draft", "post", "record", "produce",
            ],
            "questions answered by the docs without a ticket from 30% to 60%",
        ),
        (
            &[
                "migrate",
                "upgrade",
                "replace",
                "refactor",
                "rewrite",
                "automate",
                "decommission",
                "port",
                "move",
                "containerise",
                "containerize",
            ],
            "lead time from merge to production from 4 days to 1 day",
        ),
        (
            &[
                "attend", "host", "hold", "run", "organise", "organize", "sponsor", "exhibit",
                "speak",
            ],
            "qualified leads from events from 10 to 40",
        ),
        (
            &["redesign", "design", "prototype", "simplify", "revamp"],
            "checkout conversion from 2.1% to 3%",
        ),
        (
            &[
                "define",
                "establish",
                "plan",
                "prepare",
                "research",
                "identify",
                "analyse",
                "analyze",
                "evaluate",
                "explore",
                "investigate",
            ],
            "win rate in the target segment from 15% to 22%",
        ),
    ];
    EXAMPLES
        .iter()
        .find(|(verbs, _)| verbs.contains(&verb))
        .map_or(
            "weekly active accounts using it from 0% to 30%",
            |(_, example)| example,
        )
}

/// What a kind of output is usually for.
fn output_example(noun: &str) -> String {
    let one = &detect::singular(noun);
    const EVENTS: &[&str] = &[
        "webinar",
        "workshop",
        "meetup",
        "event",
        "conference",
        "talk",
        "show",
        "booth",
        "roadshow",
        "hackathon",
        "panel",
        "presentation",
        "lecture",
    ];
    const CONTENT: &[&str] = &[
        "post",
        "article",
        "blog",
        "video",
        "episode",
        "podcast",
        "newsletter",
        "ebook",
        "whitepaper",
        "guide",
        "tutorial",
        "testimonial",
        "study",
        "case study",
        "report",
        "tweet",
        "ad",
        "brochure",
        "flyer",
    ];
    const CONTACTS: &[&str] = &[
        "call",
        "demo",
        "meeting",
        "visit",
        "pitch",
        "proposal",
        "one-on-one",
        "outreach",
    ];
    const LEARNING: &[&str] = &["training", "course", "class", "lesson"];
    let one = one.as_str();
    if EVENTS.contains(&one) {
        format!("qualified leads from {one} attendees from 0 to 40")
    } else if CONTENT.contains(&one) {
        format!("trial sign-ups from people who found us through the {noun} from 50 to 200 a month")
    } else if CONTACTS.contains(&one) {
        format!("opportunities opened after a {one} from 5 to 15")
    } else if LEARNING.contains(&one) {
        "tickets solved without escalation from 60% to 80%".to_string()
    } else if one == "interview" {
        "task success in usability tests from 55% to 85%".to_string()
    } else {
        format!("accounts using a new {one} every week from 0% to 30%")
    }
}

#[cfg(test)]
mod tests;
