//! A person's page: their teams, the objectives they own or contribute to,
//! the key results they own, and the objectives of the teams they lead.

use super::{Blocks, CardItem, Html, Line, LineItem, Link, Multiple, SiteData, StatusView, html};
use crate::score::OwnerKey;
use crate::site::markdown;
use crate::text;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct PersonPeriod<'a> {
    pub period: Link,
    pub score: Option<String>,
    /// Each owned objective's score over the period, on the same scales.
    pub trends: Vec<Multiple<'a>>,
    pub owned: Vec<CardItem<'a>>,
    /// Key results they own, in objectives of this period.
    pub key_results: Vec<OwnedKeyResult<'a>>,
    /// Objectives of the teams they lead.
    pub leading: Vec<LineItem<'a>>,
    /// Objectives they contribute to, but for those listed in `leading`.
    pub contributing: Vec<LineItem<'a>>,
}

/// A key result its owner's page lists, with the objective it belongs to.
#[derive(Debug, Serialize)]
pub struct OwnedKeyResult<'a> {
    pub title: &'a str,
    /// The key result on its objective's page.
    pub url: String,
    pub status: Option<StatusView>,
    /// Progress as a percentage, as cards show it.
    pub progress: Option<&'a str>,
    pub stale: bool,
    pub objective: Line<'a>,
}

#[derive(Debug, Serialize)]
pub struct PersonPage<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub role: Option<&'a str>,
    pub about: Html,
    pub teams: Vec<Link>,
    pub periods: Vec<PersonPeriod<'a>>,
    /// GitHub's editor on the person's file, when the site knows the
    /// repository and the person has a file of their own.
    pub edit_url: Option<String>,
}

impl<'a> SiteData<'a> {
    pub fn person(&self, index: usize, blocks: Blocks) -> PersonPage<'_> {
        let org = self.org();
        let scores = &self.checked.scores;
        let person = &org.people[index];
        let led = self.led_objectives(index);
        let periods = self
            .periods_newest_first()
            .filter_map(|period| {
                let owned = self.of_period(&self.index.by_person[index], &period.name);
                let key_results = self.owned_key_results(index, &period.name);
                let leading = self.of_period(&led, &period.name);
                let mut contributing =
                    self.of_period(&self.index.contributions[index], &period.name);
                // `leading` is in file order: each look-up is a binary search.
                contributing.retain(|i| leading.binary_search(i).is_err());
                if owned.is_empty()
                    && key_results.is_empty()
                    && leading.is_empty()
                    && contributing.is_empty()
                {
                    return None;
                }
                let lines = |objectives: &[usize]| -> Vec<LineItem> {
                    (objectives.iter())
                        .map(|&i| LineItem::new(self.card(i), blocks))
                        .collect()
                };
                Some(PersonPeriod {
                    period: self.period_link(period),
                    score: scores
                        .owner(OwnerKey::Person(person.id.value.clone()), &period.name)
                        .map(text::score),
                    trends: self.multiples(&owned, period),
                    owned: owned
                        .iter()
                        .map(|&i| CardItem::new(self.card(i), blocks))
                        .collect(),
                    key_results,
                    leading: lines(&leading),
                    contributing: lines(&contributing),
                })
            })
            .collect();
        PersonPage {
            edit_url: person.file.and_then(|file| self.edit_url(file)),
            id: &person.id.value,
            name: person.display_name(),
            role: person.role.as_ref().map(|r| r.value.as_str()),
            about: html(&markdown::to_html(&person.body)),
            teams: self.index.teams_of_person[index]
                .iter()
                .map(|&t| self.team_link(t))
                .collect(),
            periods,
        }
    }

    /// The objectives of the teams `person` leads, in file order.
    fn led_objectives(&self, person: usize) -> Vec<usize> {
        let mut led: Vec<usize> = (self.index.teams_led[person].iter())
            .flat_map(|&t| self.index.by_team[t].iter().copied())
            .collect();
        led.sort_unstable();
        led
    }

    /// The key results `person` owns in objectives of `period`, in file order.
    fn owned_key_results(&self, person: usize, period: &str) -> Vec<OwnedKeyResult<'_>> {
        let org = self.org();
        (self.index.key_results_by_person[person].iter())
            .filter(|&&(i, _)| org.objectives[i].period.value == period)
            .map(|&(i, k)| {
                let card = self.card(i);
                let kr = &card.key_results[k];
                OwnedKeyResult {
                    title: kr.title,
                    url: format!("{}#kr-{}", card.url, kr.id),
                    status: kr.status,
                    progress: kr.progress.as_deref(),
                    stale: kr.stale,
                    objective: Line(card),
                }
            })
            .collect()
    }
}
