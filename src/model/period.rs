//! Periods: the built-in years, halves and quarters, and custom ones from `okr.toml`.

use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// A named, inclusive range of days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// Parses a built-in period name: `2026`, `2026-H1`/`H2`, `2026-Q1`..`Q4`.
    pub fn builtin(name: &str) -> Option<Period> {
        let (year, part) = match name.split_once('-') {
            Some((year, part)) => (year, Some(part)),
            None => (name, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let (first_month, months) = match part {
            None => (1, 12),
            Some("H1") => (1, 6),
            Some("H2") => (7, 6),
            Some("Q1") => (1, 3),
            Some("Q2") => (4, 3),
            Some("Q3") => (7, 3),
            Some("Q4") => (10, 3),
            Some(_) => return None,
        };
        let start = NaiveDate::from_ymd_opt(year, first_month, 1)?;
        let end = start
            .checked_add_months(chrono::Months::new(months))?
            .pred_opt()?;
        Some(Period {
            name: name.to_string(),
            start,
            end,
        })
    }

    /// The built-in name of a period written as people write it elsewhere:
    /// `Q1 2027`, `q1-2027`, `2027 Q1`, `Q1/2027`, `H1 2027`, `FY2027`;
    /// `None` when `text` is already a built-in name or no period at all.
    pub fn builtin_spelling(text: &str) -> Option<String> {
        let separator = |c: char| c.is_ascii_alphanumeric() || " -/_.".contains(c);
        if text.len() > 32 || !text.chars().all(separator) {
            return None;
        }
        let mut year = None;
        let mut rest = String::new();
        for token in tokens(&text.to_ascii_uppercase()) {
            match token {
                "FY" | "CY" => {}
                t if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) && year.is_none() => {
                    year = Some(t.to_string());
                }
                t => rest.push_str(t),
            }
        }
        let year = year?;
        let name = match rest.as_str() {
            "" => year,
            "Q1" | "Q2" | "Q3" | "Q4" | "H1" | "H2" => format!("{year}-{rest}"),
            _ => return None,
        };
        (name != text && Period::builtin(&name).is_some()).then_some(name)
    }

    /// The built-in quarter, half and year that `date` falls in.
    pub fn builtin_around(date: NaiveDate) -> Vec<Period> {
        let year = date.year();
        let quarter = (date.month0() / 3) + 1;
        let half = if date.month() <= 6 { 1 } else { 2 };
        [
            format!("{year}-Q{quarter}"),
            format!("{year}-H{half}"),
            year.to_string(),
        ]
        .iter()
        .filter_map(|n| Period::builtin(n))
        .collect()
    }

    pub fn contains_date(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Whether `other` lies wholly inside this period.
    pub fn contains(&self, other: &Period) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn overlaps(&self, other: &Period) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// Length in days, counting both ends.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// Runs of letters and runs of digits: `Q1/2027` is `Q`, `1`, `2027`.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut from = 0;
    let bytes = text.as_bytes();
    (1..=bytes.len()).filter_map(move |i| {
        let kind = |b: u8| (b.is_ascii_alphabetic(), b.is_ascii_digit());
        let boundary = i == bytes.len() || kind(bytes[i]) != kind(bytes[i - 1]);
        if !boundary {
            return None;
        }
        let token = &text[from..i];
        from = i;
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
            .then_some(token)
    })
}

/// Every period an organisation can use: custom ones by name, built-in ones on demand.
#[derive(Clone, Debug, Default)]
pub struct Periods {
    custom: BTreeMap<String, Period>,
}

impl Periods {
    pub fn new(custom: impl IntoIterator<Item = Period>) -> Self {
        Periods {
            custom: custom.into_iter().map(|p| (p.name.clone(), p)).collect(),
        }
    }

    /// A custom period of that name, else a built-in one.
    pub fn get(&self, name: &str) -> Option<Period> {
        self.custom
            .get(name)
            .cloned()
            .or_else(|| Period::builtin(name))
    }

    /// The periods `okr.toml` defines, by name.
    pub fn custom(&self) -> impl Iterator<Item = &Period> {
        self.custom.values()
    }

    /// Names worth suggesting for a misspelt period: the custom ones and the
    /// built-in ones of the years in play.
    pub fn candidates(&self, years: impl IntoIterator<Item = i32>) -> Vec<String> {
        let mut names: Vec<String> = self.custom.keys().cloned().collect();
        for year in years {
            names.push(year.to_string());
            names.extend(["H1", "H2", "Q1", "Q2", "Q3", "Q4"].map(|p| format!("{year}-{p}")));
        }
        names
    }

    /// The shortest period containing `date`: custom ones compete with the
    /// built-in quarter, half and year (ties go to the name that sorts first).
    pub fn containing(&self, date: NaiveDate) -> Option<Period> {
        let builtin = Period::builtin_around(date);
        self.custom
            .values()
            .filter(|p| p.contains_date(date))
            .cloned()
            .chain(builtin)
            .min_by(|a, b| a.days().cmp(&b.days()).then_with(|| a.name.cmp(&b.name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_written_as_elsewhere_have_their_builtin_name() {
        for (written, name) in [
            ("Q1 2027", "2027-Q1"),
            ("q1-2027", "2027-Q1"),
            ("2027 Q1", "2027-Q1"),
            ("Q1/2027", "2027-Q1"),
            ("2027-q1", "2027-Q1"),
            ("2027Q4", "2027-Q4"),
            ("H1 2027", "2027-H1"),
            ("FY2027", "2027"),
            ("FY 2027", "2027"),
            ("Q2 FY2027", "2027-Q2"),
        ] {
            assert_eq!(
                Period::builtin_spelling(written).as_deref(),
                Some(name),
                "{written}"
            );
        }
        for nothing in [
            "2027-Q1",
            "2027",
            "Q5 2027",
            "Q1",
            "spring",
            "2027 2028",
            "Q1 27",
            "ä2027",
        ] {
            assert_eq!(Period::builtin_spelling(nothing), None, "{nothing}");
        }
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn builtin_periods_cover_the_right_days() {
        let q1 = Period::builtin("2026-Q1").unwrap();
        assert_eq!((q1.start, q1.end), (date("2026-01-01"), date("2026-03-31")));
        let q4 = Period::builtin("2026-Q4").unwrap();
        assert_eq!(q4.end, date("2026-12-31"));
        let h2 = Period::builtin("2026-H2").unwrap();
        assert_eq!((h2.start, h2.end), (date("2026-07-01"), date("2026-12-31")));
        let year = Period::builtin("2024").unwrap();
        assert_eq!(year.days(), 366);
    }

    #[test]
    fn malformed_names_are_not_periods() {
        for name in ["26", "2026-Q5", "2026-q1", "2026-", "FY27", "20266", "+202"] {
            assert_eq!(Period::builtin(name), None, "{name}");
        }
    }

    #[test]
    fn containment_and_overlap() {
        let year = Period::builtin("2026").unwrap();
        let q1 = Period::builtin("2026-Q1").unwrap();
        let q2 = Period::builtin("2026-Q2").unwrap();
        assert!(year.contains(&q1));
        assert!(!q1.contains(&year));
        assert!(year.overlaps(&q1));
        assert!(!q1.overlaps(&q2));
    }

    #[test]
    fn shortest_containing_period_prefers_custom_when_shorter() {
        let sprint = Period {
            name: "S1".into(),
            start: date("2026-02-01"),
            end: date("2026-02-14"),
        };
        let periods = Periods::new([sprint]);
        assert_eq!(periods.containing(date("2026-02-10")).unwrap().name, "S1");
        assert_eq!(
            periods.containing(date("2026-05-10")).unwrap().name,
            "2026-Q2"
        );
    }
}
