//! The pinned status rule: on a period's last day, every objective's status
//! foretells the grade it gets the next day (on-track ⇒ achieved, at-risk ⇒
//! partial, off-track ⇒ missed), on the example organisation and the
//! benchmark's generated one. Generated single objectives are checked in
//! `score`'s unit tests.

use crate::common::{TempDir, gen_org};
use chrono::{Days, NaiveDate};
use okr::score::{Status, score_org};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The grade a running period's status foretells.
fn foretold(status: Status) -> Status {
    match status {
        Status::OnTrack => Status::Achieved,
        Status::AtRisk => Status::Partial,
        Status::OffTrack => Status::Missed,
        graded => panic!("a running period's status, not {graded:?}"),
    }
}

/// Checks the rule for every period of the repository at `root`; returns
/// how many objectives it held for, by grade.
fn last_day_foretells_next_day(root: &Path) -> BTreeMap<Status, usize> {
    let as_of: NaiveDate = "2026-11-23".parse().unwrap();
    let checked = okr::check::check(root, as_of).expect("load the repository");
    let org = &checked.org;
    let periods: BTreeSet<&str> = org
        .objectives
        .iter()
        .map(|o| o.period.value.as_str())
        .collect();
    let mut grades = BTreeMap::new();
    for name in periods {
        let period = org.period(name).expect("a known period");
        let (last, next) = (period.end, period.end + Days::new(1));
        let (on_last, on_next) = (score_org(org, last), score_org(org, next));
        for (i, o) in org.objectives.iter().enumerate() {
            // A check-in dated the day after is news the last day could not know.
            let news = o
                .key_results
                .iter()
                .flat_map(|kr| &kr.checkins)
                .any(|c| c.date.value == next);
            if o.period.value != name || news {
                continue;
            }
            let (before, after) = (&on_last.objectives[i], &on_next.objectives[i]);
            let Some(status) = before.status else {
                continue;
            };
            assert_eq!(
                Some(foretold(status)),
                after.status,
                "{}/{}: score {:?} on {last}, {:?} on {next}",
                name,
                o.id.value,
                before.score,
                after.score
            );
            *grades.entry(foretold(status)).or_default() += 1;
        }
    }
    grades
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-okrs")
}

#[test]
fn on_the_example_the_last_day_status_is_the_next_day_grade() {
    let grades = last_day_foretells_next_day(&example());
    // Every grade occurs, so the rule is tried on each band.
    assert_eq!(grades.len(), 3, "{grades:?}");
}

#[test]
fn on_the_benchmark_organisation_the_last_day_status_is_the_next_day_grade() {
    let dir = TempDir::new("statuses");
    let repo = dir.path.join("org");
    gen_org::write(&repo, &gen_org::generate(20, 4, 1)).expect("write the organisation");
    let grades = last_day_foretells_next_day(&repo);
    assert!(grades.values().sum::<usize>() > 100, "{grades:?}");
}
