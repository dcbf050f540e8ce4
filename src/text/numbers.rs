//! Numbers as pages, charts and messages show them: rounded to hundredths
//! ([`decimal`], [`number`]), as whole percentages ([`percent`]), or with
//! every digit ([`exact_number`]); thousands grouped with `,` where people
//! read them, not in chart coordinates.

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
    fn exact_numbers_keep_every_digit() {
        assert_eq!(exact_number(100_000.0), "100,000");
        assert_eq!(exact_number(2.345), "2.345");
        assert_eq!(exact_number(-1234.5), "-1,234.5");
        assert_eq!(exact_number(-0.25), "-0.25");
    }
}
