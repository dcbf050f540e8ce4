//! A person's page: their teams, and the objectives they own or contribute to.

use super::{Blocks, CardItem, Html, LineItem, Link, Multiple, SiteData, html};
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
    pub contributing: Vec<LineItem<'a>>,
}

#[derive(Debug, Serialize)]
pub struct PersonPage<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub role: Option<&'a str>,
    pub about: Html,
    pub teams: Vec<Link>,
    pub periods: Vec<PersonPeriod<'a>>,
}

impl<'a> SiteData<'a> {
    pub fn person(&self, index: usize, blocks: Blocks) -> PersonPage<'_> {
        let org = self.org();
        let scores = &self.checked.scores;
        let person = &org.people[index];
        let periods = self
            .periods_newest_first()
            .filter_map(|period| {
                let owned = self.of_period(&self.index.by_person[index], &period.name);
                let contributing = self.of_period(&self.index.contributions[index], &period.name);
                if owned.is_empty() && contributing.is_empty() {
                    return None;
                }
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
                    contributing: contributing
                        .iter()
                        .map(|&i| LineItem::new(self.card(i), blocks))
                        .collect(),
                })
            })
            .collect();
        PersonPage {
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
}
