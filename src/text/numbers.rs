//! Numbers as pages, charts and messages show them: rounded to hundredths
//! ([`decimal`], [`number`]), as whole percentages ([`percent`]), or with
//! every digit ([`exact_number`]); thousands grouped with `,` where people
//! read them, not in chart coordinates. A score always has two decimals
//! ([`score`]), a value its unit ([`with_unit`]) and a count its noun in
//! the right number ([`plural`]).

use std::fmt::Write;

/// `v` rounded to hundredths, without trailing zeros, thousands grouped with `,`
/// when asked. Integer arithmetic: float formatting is slow, and the site
/// prints hundreds of thousands of numbers. Non-finite values print as `0`.
pub fn decimal(v: f64, thousands: bool) -> String {
    let mut out = String::with_capacity(16);
    push_decimal(&mut out, v, thousands);
    out
}

/// The digits of `n`, thousands grouped with `,` when asked, appended
/// without a temporary string (`write!` goes through the formatter, which
/// is slow at this volume).
pub fn push_digits(out: &mut String, n: u64, thousands: bool) {
    // Most numbers on a page are chart coordinates of one to three digits.
    if n < 1000 {
        let digit = |d: u64| char::from(b'0' + d as u8);
        if n >= 100 {
            out.push(digit(n / 100));
        }
        if n >= 10 {
            out.push(digit(n / 10 % 10));
        }
        out.push(digit(n % 10));
        return;
    }
    // Filled from the right: 20 digits and 6 separators at most.
    let mut buf = [0u8; 26];
    let mut at = buf.len();
    let mut rest = n;
    let mut count = 0;
    loop {
        if thousands && count > 0 && count % 3 == 0 {
            at -= 1;
            buf[at] = b',';
        }
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        count += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    // Only ASCII digits and commas were written.
    out.push_str(std::str::from_utf8(&buf[at..]).unwrap_or_default());
}

/// Appends `v` formatted as by [`decimal`].
pub fn push_decimal(out: &mut String, v: f64, thousands: bool) {
    let cents = if v.is_finite() {
        (v * 100.0).round()
    } else {
        0.0
    };
    // Beyond what an i64 holds exactly, fall back to the formatter.
    if cents.abs() >= 9e15 {
        let _ = write!(out, "{:.0}", cents / 100.0);
        return;
    }
    let cents = cents as i64;
    let (whole, frac) = ((cents / 100).unsigned_abs(), (cents % 100).unsigned_abs());
    if cents < 0 {
        out.push('-');
    }
    push_digits(out, whole, thousands);
    match frac {
        0 => {}
        f if f % 10 == 0 => {
            out.push('.');
            out.push(char::from(b'0' + (f / 10) as u8));
        }
        f => {
            out.push('.');
            out.push(char::from(b'0' + (f / 10) as u8));
            out.push(char::from(b'0' + (f % 10) as u8));
        }
    }
}

/// A number for reading: thousands grouped, at most two decimals.
pub fn number(value: f64) -> String {
    decimal(value, true)
}

/// A fraction as a whole percentage, e.g. `0.425` → `43%`.
pub fn percent(fraction: f64) -> String {
    let mut out = String::with_capacity(4);
    push_percent(&mut out, fraction);
    out
}

/// Appends `fraction` formatted as by [`percent`].
pub fn push_percent(out: &mut String, fraction: f64) {
    let whole = (fraction * 100.0).round();
    if whole.is_finite() && whole.abs() < 1e15 {
        if whole < 0.0 {
            out.push('-');
        }
        push_digits(out, whole.abs() as u64, false);
        out.push('%');
    } else {
        out.push('—');
    }
}

/// A score (0 to 1) with two decimals, the way OKR grades are written
/// everywhere: `0.70`, `1.00`, `0.05`.
pub fn score(value: f64) -> String {
    let cents = if value.is_finite() {
        (value * 100.0).round()
    } else {
        0.0
    };
    // Scores lie in 0..=1; anything else is shown as it is, rounded.
    if cents.abs() >= 1e15 {
        return decimal(value, true);
    }
    let cents = cents as i64;
    let mut out = String::with_capacity(5);
    if cents < 0 {
        out.push('-');
    }
    let cents = cents.unsigned_abs();
    push_digits(&mut out, cents / 100, true);
    out.push('.');
    out.push(char::from(b'0' + (cents % 100 / 10) as u8));
    out.push(char::from(b'0' + (cents % 10) as u8));
    out
}

/// `value` as [`number`] writes it, followed by its unit: a sign such as
/// `%` or `/5` right after the number (`45%`, `4.2/5`), a word after a space
/// (`12 accounts`), in the singular for exactly one (`1 account`).
pub fn with_unit(value: f64, unit: Option<&str>) -> String {
    let mut out = number(value);
    push_unit(&mut out, value, unit);
    out
}

/// Appends `unit` after a number already written, as [`with_unit`] does.
pub fn push_unit(out: &mut String, value: f64, unit: Option<&str>) {
    let Some(unit) = unit.map(str::trim).filter(|u| !u.is_empty()) else {
        return;
    };
    if !unit.starts_with(['%', '‰', '/']) {
        out.push(' ');
    }
    // Exactly one, as shown: 1.004 is written `1` too.
    if decimal(value, false) == "1" {
        out.push_str(singular(unit));
    } else {
        out.push_str(unit);
    }
}

/// Plural nouns that a trailing `s` does not make plural, or whose
/// singular is not the word without it.
const NOT_PLURAL: [&str; 12] = [
    "news",
    "series",
    "species",
    "means",
    "lens",
    "physics",
    "analytics",
    "sales",
    "savings",
    "earnings",
    "kudos",
    "basis",
];

/// The singular of a unit written as the plural of a simple noun
/// (`accounts`, `days`), else the unit as written: symbols and
/// abbreviations (`ms`, `NPS`, `k€`, `/5`), words in `-ss`, `-us`, `-is`
/// or `-es` (whose singular may or may not keep the `e`) and a few nouns
/// that only look plural. Conservative: a wrong singular reads worse than
/// a plural.
pub fn singular(unit: &str) -> &str {
    let simple_noun = unit.len() >= 4 && unit.bytes().all(|b| b.is_ascii_lowercase());
    let Some(stem) = unit.strip_suffix('s').filter(|_| simple_noun) else {
        return unit;
    };
    if stem.ends_with(['s', 'u', 'i', 'e']) || NOT_PLURAL.contains(&unit) {
        return unit;
    }
    stem
}

/// A whole count as pages write it, grouped in thousands: `8,005`.
pub fn thousands(n: u64) -> String {
    let mut out = String::with_capacity(8);
    push_digits(&mut out, n, true);
    out
}

/// `1 error`, `2 errors`: a count and a regular noun, in the singular for
/// exactly one.
pub fn plural(n: usize, word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 8);
    push_plural(&mut out, n, word, false);
    out
}

/// Appends `n` and `word` as [`plural`] writes them, the count grouped in
/// thousands when `thousands` (`8,005 errors`, as pages write counts).
pub fn push_plural(out: &mut String, n: usize, word: &str, thousands: bool) {
    push_digits(out, n as u64, thousands);
    out.push(' ');
    out.push_str(word);
    if n != 1 {
        out.push('s');
    }
}

/// A size in decimal units, as GitHub states its limits: `512 bytes`,
/// `17 KB`, `2.4 MB`, `850 MB`, `1.2 GB`; one decimal below 10 of a unit.
pub fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB")];
    let Some(&(scale, unit)) = UNITS.iter().find(|(scale, _)| bytes >= *scale) else {
        return plural(bytes as usize, "byte");
    };
    let value = bytes as f64 / scale as f64;
    if value < 9.95 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// How numbers are written in change descriptions: exact, thousands grouped.
pub fn exact_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return number(v);
    }
    let plain = format!("{v}");
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let grouped = match int.parse::<f64>() {
        Ok(i) if i.abs() < 1e15 => number(i),
        _ => int.to_string(),
    };
    // `-0.5` has an integer part of `-0`, which the grouping turns into `0`.
    let sign = if int.starts_with('-') && !grouped.starts_with('-') {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(512), "512 bytes");
        assert_eq!(size(17_300), "17 KB");
        assert_eq!(size(2_449_000), "2.4 MB");
        assert_eq!(size(9_960_000), "10 MB");
        assert_eq!(size(850_000_000), "850 MB");
        assert_eq!(size(1_234_000_000), "1.2 GB");
    }

    #[test]
    fn decimals_group_thousands_when_asked() {
        assert_eq!(decimal(1_234_567.891, true), "1,234,567.89");
        assert_eq!(decimal(1_234_567.891, false), "1234567.89");
        assert_eq!(decimal(-1234.5, true), "-1,234.5");
        assert_eq!(decimal(0.05, true), "0.05");
        assert_eq!(decimal(-0.05, true), "-0.05");
        assert_eq!(decimal(999.999, true), "1,000");
        assert_eq!(decimal(1e300, false).len(), 301);
    }

    #[test]
    fn digits_are_written_like_the_formatter_s() {
        for n in [0, 7, 10, 99, 100, 999, 1000, 12_345, u64::MAX] {
            let mut plain = String::new();
            push_digits(&mut plain, n, false);
            assert_eq!(plain, n.to_string());
        }
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (100_000, "100,000"),
            (1_234_567, "1,234,567"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ] {
            let mut grouped = String::new();
            push_digits(&mut grouped, n, true);
            assert_eq!(grouped, text);
        }
    }

    #[test]
    fn numbers_have_at_most_two_decimals() {
        assert_eq!(decimal(0.0, false), "0");
        assert_eq!(decimal(-0.0, false), "0");
        assert_eq!(decimal(-0.001, false), "0");
        assert_eq!(decimal(50.0, false), "50");
        assert_eq!(decimal(42.5, false), "42.5");
        assert_eq!(decimal(1.0 / 3.0, false), "0.33");
        assert_eq!(decimal(2.0 / 3.0, false), "0.67");
        assert_eq!(decimal(-1.25, false), "-1.25");
        assert_eq!(decimal(99.999, false), "100");
        assert_eq!(decimal(f64::NAN, false), "0");
        assert_eq!(decimal(f64::INFINITY, false), "0");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(100_000.0), "100,000");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(0.125), "0.13");
        assert_eq!(number(-1234.5), "-1,234.5");
        assert_eq!(number(-0.001), "0");
        assert_eq!(number(0.0), "0");
        assert_eq!(percent(0.425), "43%");
        assert_eq!(percent(0.424), "42%");
        assert_eq!(percent(1.5), "150%");
    }

    #[test]
    fn scores_always_have_two_decimals() {
        assert_eq!(score(0.0), "0.00");
        assert_eq!(score(0.5), "0.50");
        assert_eq!(score(0.7), "0.70");
        assert_eq!(score(0.666), "0.67");
        assert_eq!(score(0.05), "0.05");
        assert_eq!(score(1.0), "1.00");
        assert_eq!(score(-0.001), "0.00");
        assert_eq!(score(f64::NAN), "0.00");
    }

    #[test]
    fn units_follow_their_value() {
        assert_eq!(with_unit(45.0, Some("%")), "45%");
        assert_eq!(with_unit(4.2, Some("/5")), "4.2/5");
        assert_eq!(with_unit(12.0, Some("accounts")), "12 accounts");
        assert_eq!(with_unit(1.0, Some("accounts")), "1 account");
        assert_eq!(with_unit(1.0, Some("days")), "1 day");
        assert_eq!(with_unit(1.001, Some("days")), "1 day");
        assert_eq!(with_unit(1.5, Some("days")), "1.5 days");
        assert_eq!(with_unit(0.0, Some("days")), "0 days");
        assert_eq!(with_unit(1_500.0, Some("€k")), "1,500 €k");
        assert_eq!(with_unit(1.0, Some("ms")), "1 ms");
        assert_eq!(with_unit(1.0, Some("NPS")), "1 NPS");
        assert_eq!(with_unit(7.0, None), "7");
        assert_eq!(with_unit(7.0, Some(" ")), "7");
    }

    #[test]
    fn only_simple_plural_nouns_lose_their_s() {
        for (unit, one) in [
            ("accounts", "account"),
            ("customers", "customer"),
            ("days", "day"),
            ("stars", "star"),
            ("tickets/month", "tickets/month"),
            ("queries", "queries"),
            ("classes", "classes"),
            ("status", "status"),
            ("news", "news"),
            ("ms", "ms"),
            ("mins", "min"),
            ("NPS", "NPS"),
            ("k€", "k€"),
            ("%", "%"),
            ("hours", "hour"),
        ] {
            assert_eq!(singular(unit), one, "{unit}");
        }
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(plural(0, "finding"), "0 findings");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(8005), "8,005");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(plural(8005, "error"), "8005 errors");
        let mut page = String::new();
        push_plural(&mut page, 8005, "error", true);
        assert_eq!(page, "8,005 errors");
        assert_eq!(plural(1, "key result"), "1 key result");
        assert_eq!(plural(2, "day"), "2 days");
    }

    #[test]
    fn exact_numbers_keep_every_digit() {
        assert_eq!(exact_number(100_000.0), "100,000");
        assert_eq!(exact_number(2.345), "2.345");
        assert_eq!(exact_number(-1234.5), "-1,234.5");
        assert_eq!(exact_number(-0.25), "-0.25");
    }
}
