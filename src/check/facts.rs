//! What several rules want to know about each title, worked out once per
//! check and on all cores: whether it holds placeholder text, whether it
//! reads as a task, and how it reads when compared with others.
//!
//! `okr serve` checks the whole organisation again on every save, while one
//! file changed: it keeps a [`TitleMemo`] between checks, so that only new
//! titles are read.

use super::activity::{Detector, Reason};
use super::wording::{is_metric_title, normalised, placeholder};
use crate::model::Org;
use foldhash::fast::FixedState;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// What is known of one title.
#[derive(Debug)]
pub struct TitleFacts {
    /// Whether it holds placeholder text (`placeholder-text` says which).
    pub placeholder: bool,
    /// Why it reads as a task, if it does; only asked of key results.
    pub activity: Option<Reason>,
    /// Whether it is a number rather than words; only asked of other titles.
    pub metric: bool,
    /// As compared with others: lowercase, spaces collapsed.
    pub normalised: String,
}

/// Parallel to [`Org::objectives`].
pub struct Facts {
    pub objectives: Vec<ObjectiveFacts>,
}

pub struct ObjectiveFacts {
    pub title: Arc<TitleFacts>,
    /// Parallel to the objective's key results.
    pub key_results: Vec<KeyResultFacts>,
    /// Parallel to the objective's initiatives.
    pub initiatives: Vec<Arc<TitleFacts>>,
}

pub struct KeyResultFacts {
    pub title: Arc<TitleFacts>,
    /// Whether the unit holds placeholder text.
    pub unit_placeholder: bool,
}

/// A title's facts, and whether to remember them: read now rather than
/// known, by a memo that keeps what it learns.
type Looked = (Arc<TitleFacts>, bool);

/// A title read now, to remember: whether of a key result, the title, its facts.
type Fresh<'o> = (bool, &'o str, Arc<TitleFacts>);

/// The facts of `looked`, noted in `fresh` when they are to be remembered.
fn note<'o>(
    fresh: &mut Vec<Fresh<'o>>,
    kr: bool,
    title: &'o str,
    looked: Looked,
) -> Arc<TitleFacts> {
    let (facts, remember) = looked;
    if remember {
        fresh.push((kr, title, facts.clone()));
    }
    facts
}

type Known = HashMap<String, Arc<TitleFacts>, FixedState>;

/// Title facts kept from one check to the next, for the settings they were
/// found with.
#[derive(Default)]
pub struct TitleMemo {
    /// A memo for one check only (`okr check`, `okr build`): it learns
    /// nothing, since nothing would ask it again.
    once: bool,
    words: (Vec<String>, Vec<String>),
    /// Titles of objectives and initiatives, read alike.
    titles: Known,
    key_results: Known,
}

impl Facts {
    /// The facts of every title of `org`, taken from `memo` where it has
    /// them; `memo` then knows every title of `org`.
    pub fn of(org: &Org, memo: &mut TitleMemo) -> Facts {
        let checks = &org.config.checks;
        let words = (checks.activity_verbs.clone(), checks.not_activities.clone());
        if memo.words != words {
            *memo = TitleMemo {
                once: memo.once,
                words,
                ..TitleMemo::default()
            };
        }
        let detector = Detector::new(&checks.activity_verbs, &checks.not_activities);
        let known = &*memo;
        let key_result = |title: &str| match known.key_results.get(title) {
            Some(facts) => (facts.clone(), false),
            None => (Arc::new(read(title, Some(&detector))), !known.once),
        };
        // Each objective's facts, with the titles read now (to remember).
        let looked: Vec<(ObjectiveFacts, Vec<Fresh>)> = org
            .objectives
            .par_iter()
            .map(|o| {
                let mut fresh = Vec::new();
                let f = &mut fresh;
                let title = note(f, false, &o.title.value, known.title(&o.title.value));
                let key_results = (o.key_results.iter())
                    .map(|kr| KeyResultFacts {
                        title: note(f, true, &kr.title.value, key_result(&kr.title.value)),
                        unit_placeholder: (kr.unit.as_ref()).is_some_and(|u| {
                            note(f, false, &u.value, known.title(&u.value)).placeholder
                        }),
                    })
                    .collect();
                let initiatives = (o.initiatives.iter())
                    .map(|i| note(f, false, &i.title.value, known.title(&i.title.value)))
                    .collect();
                let facts = ObjectiveFacts {
                    title,
                    key_results,
                    initiatives,
                };
                (facts, fresh)
            })
            .collect();
        memo.prune(org);
        let mut objectives = Vec::with_capacity(looked.len());
        for (facts, fresh) in looked {
            for (kr, title, facts) in fresh {
                let known = if kr {
                    &mut memo.key_results
                } else {
                    &mut memo.titles
                };
                known.insert(title.to_string(), facts);
            }
            objectives.push(facts);
        }
        Facts { objectives }
    }

    pub fn key_result(&self, objective: usize, key_result: usize) -> &TitleFacts {
        &self.objectives[objective].key_results[key_result].title
    }
}

impl TitleMemo {
    /// A memo for a single check, which keeps nothing.
    pub fn once() -> TitleMemo {
        TitleMemo {
            once: true,
            ..TitleMemo::default()
        }
    }

    /// An objective's or initiative's title (or a unit), as known or read now.
    fn title(&self, title: &str) -> Looked {
        match self.titles.get(title) {
            Some(facts) => (facts.clone(), false),
            None => (Arc::new(read(title, None)), !self.once),
        }
    }

    /// Forgets every title once those no longer used outnumber the ones in
    /// use, so that a long session does not keep every title ever saved;
    /// the next check reads them again.
    fn prune(&mut self, org: &Org) {
        let titles: usize = (org.objectives.iter())
            .map(|o| 1 + o.initiatives.len() + o.key_results.len())
            .sum();
        if self.titles.len() > 2 * titles + 64
            || self.key_results.len() > 2 * org.key_result_count() + 64
        {
            self.titles.clear();
            self.key_results.clear();
        }
    }
}

/// A key result's title with the detector, any other title without.
fn read(title: &str, detector: Option<&Detector>) -> TitleFacts {
    TitleFacts {
        placeholder: placeholder(title).is_some(),
        activity: detector.and_then(|d| d.classify(title)),
        metric: detector.is_none() && is_metric_title(title),
        normalised: normalised(title),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::{TitleMemo, check_remembering};
    use crate::read::load;

    fn activities(config: &str, title: &str, memo: &mut TitleMemo) -> usize {
        let file = format!(
            "+++\ntitle = \"Sell\"\nperiod = \"2026-Q1\"\n\
             [[key_results]]\ntitle = \"{title}\"\ntarget = 3\n\
             [[key_results]]\ntitle = \"Signed contracts from 2 to 9\"\ntarget = 9\n+++\n"
        );
        let files = [
            ("okr.toml", config),
            ("okrs/2026-Q1/sell.md", file.as_str()),
        ];
        let loaded = load::from_memory(&files).expect("valid");
        let (org, diagnostics) = crate::read::resolve::build(loaded);
        let checked = check_remembering(org, diagnostics, AS_OF.parse().expect("date"), memo);
        (checked.diagnostics.iter())
            .filter(|d| d.rule.name() == "activity-key-result")
            .count()
    }

    #[test]
    fn a_memo_serves_known_titles_and_follows_new_ones_and_new_settings() {
        let config = "title = \"Test\"\n";
        let mut memo = TitleMemo::default();
        assert_eq!(activities(config, "Attend 3 trade shows", &mut memo), 1);
        assert_eq!(activities(config, "Attend 3 trade shows", &mut memo), 1);
        // A changed title is read anew.
        assert_eq!(
            activities(config, "Leads from trade shows from 0 to 3", &mut memo),
            0
        );
        assert_eq!(memo.key_results.len(), 3);
        // Titles no longer used do not pile up.
        for n in 0..200 {
            activities(
                config,
                &format!("Leads from {n} shows from 0 to 3"),
                &mut memo,
            );
        }
        assert!(
            memo.key_results.len() <= 2 * 2 + 64 + 1,
            "{}",
            memo.key_results.len()
        );
        // New settings: nothing found under the old ones is reused.
        let silenced = "title = \"Test\"\n[checks]\nnot_activities = [\"translate\"]\n";
        assert_eq!(activities(config, "Translate the app", &mut memo), 1);
        assert_eq!(activities(silenced, "Translate the app", &mut memo), 0);
    }

    #[test]
    fn a_memo_for_one_check_finds_the_same_and_keeps_nothing() {
        let config = "title = \"Test\"\n";
        let silenced = "title = \"Test\"\n[checks]\nnot_activities = [\"translate\"]\n";
        let mut memo = TitleMemo::once();
        assert_eq!(activities(config, "Attend 3 trade shows", &mut memo), 1);
        assert_eq!(activities(config, "Translate the app", &mut memo), 1);
        assert_eq!(activities(silenced, "Translate the app", &mut memo), 0);
        assert!(memo.once, "new settings keep it a memo for one check");
        assert_eq!((memo.titles.len(), memo.key_results.len()), (0, 0));
    }
}
