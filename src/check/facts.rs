//! What several rules want to know about each title, worked out once per
//! check and on all cores: whether it holds placeholder text, whether it
//! reads as a task, and how it reads when compared with others. `okr serve` checks the whole organisation on every edit,
//! so a title read three times is time a writer waits.

use super::activity::{Detector, Reason};
use super::wording::{Placeholder, normalised, placeholder};
use crate::model::Org;
use rayon::prelude::*;

/// Parallel to [`Org::objectives`].
pub struct Facts<'a> {
    pub objectives: Vec<ObjectiveFacts<'a>>,
}

pub struct ObjectiveFacts<'a> {
    /// Placeholder text in the objective's title.
    pub placeholder: Option<Placeholder<'a>>,
    /// Parallel to the objective's key results.
    pub key_results: Vec<KeyResultFacts<'a>>,
}

pub struct KeyResultFacts<'a> {
    /// Placeholder text in the title.
    pub placeholder: Option<Placeholder<'a>>,
    /// Placeholder text in the unit.
    pub unit_placeholder: Option<Placeholder<'a>>,
    /// Why the title reads as a task, if it does.
    pub activity: Option<Reason>,
    /// The title as compared with others: lowercase, spaces collapsed.
    pub normalised: String,
}

impl<'a> Facts<'a> {
    pub fn of(org: &'a Org) -> Facts<'a> {
        let checks = &org.config.checks;
        let detector = Detector::new(&checks.activity_verbs, &checks.not_activities);
        let objectives = org
            .objectives
            .par_iter()
            .map(|o| ObjectiveFacts {
                placeholder: placeholder(&o.title.value),
                key_results: o
                    .key_results
                    .iter()
                    .map(|kr| KeyResultFacts {
                        placeholder: placeholder(&kr.title.value),
                        unit_placeholder: kr.unit.as_ref().and_then(|u| placeholder(&u.value)),
                        activity: detector.classify(&kr.title.value),
                        normalised: normalised(&kr.title.value),
                    })
                    .collect(),
            })
            .collect();
        Facts { objectives }
    }

    pub fn key_result(&self, objective: usize, key_result: usize) -> &KeyResultFacts<'a> {
        &self.objectives[objective].key_results[key_result]
    }
}
