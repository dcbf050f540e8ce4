//! Days as people and files read them: `2026-11-23` in pages, exports and
//! messages ([`iso_date`]), `Nov 23` on chart axes ([`push_short_date`]).
//! Both are written digit by digit, as chrono writes them but without its
//! formatter: a site and its export print hundreds of thousands of dates.

use super::numbers::push_digits;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A day as `2026-11-23`, as chrono writes it.
pub fn iso_date(day: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    push_iso_date(&mut out, day);
    out
}

/// Appends `day` written as by [`iso_date`].
pub fn push_iso_date(out: &mut String, day: NaiveDate) {
    match iso_digits(day) {
        // Only ASCII digits and dashes.
        Some(text) => out.push_str(std::str::from_utf8(&text).unwrap_or_default()),
        None => out.push_str(&day.to_string()),
    }
}

/// `day` as the ten bytes of `YYYY-MM-DD`; none for a year outside
/// 0..=9999, which chrono writes with a sign and more digits.
fn iso_digits(day: NaiveDate) -> Option<[u8; 10]> {
    let y = u32::try_from(day.year()).ok().filter(|y| *y <= 9999)?;
    let (m, d) = (day.month(), day.day());
    let digit = |n: u32| b'0' + (n % 10) as u8;
    Some([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(d / 10),
        digit(d),
    ])
}

/// A day serialised as [`iso_date`] writes it, without a `String` of its own.
#[derive(Clone, Copy, Debug)]
pub struct IsoDate(pub NaiveDate);

impl Serialize for IsoDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match iso_digits(self.0) {
            // Only ASCII digits and dashes.
            Some(text) => serializer.serialize_str(std::str::from_utf8(&text).unwrap_or_default()),
            None => serializer.serialize_str(&self.0.to_string()),
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Appends `day` as `Nov 23`.
pub fn push_short_date(out: &mut String, day: NaiveDate) {
    out.push_str(MONTHS[day.month0() as usize]);
    out.push(' ');
    push_digits(out, u64::from(day.day()), false);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn short_dates_read_like_chrono_s() {
        for text in ["2026-01-01", "2026-11-23", "2026-12-31", "2027-05-09"] {
            let mut out = String::new();
            push_short_date(&mut out, day(text));
            assert_eq!(out, day(text).format("%b %-d").to_string());
        }
    }

    #[test]
    fn iso_dates_read_like_chrono_s() {
        let far = NaiveDate::from_ymd_opt(12_345, 1, 2).unwrap();
        let before = NaiveDate::from_ymd_opt(-1, 12, 31).unwrap();
        for day in ["2026-01-01", "2026-11-23", "0999-12-31", "0000-01-01"]
            .map(day)
            .into_iter()
            .chain([far, before])
        {
            assert_eq!(iso_date(day), day.to_string());
            let json = serde_json::to_string(&IsoDate(day)).unwrap();
            assert_eq!(json, format!("\"{day}\""));
        }
    }
}
