//! The first mistakes everyone makes in front matter, and exactly what to
//! write instead: numbers written as people write them in prose (`20%`,
//! `2M`, `2,000,000`, `€2000000`), and keys named as other OKR tools name
//! them (`owner`, `goal`, `due_date`).

/// The keys whose values are a key result's measured numbers: where people
/// write `20%` or `2M` and mean a number.
pub const MEASURED: [&str; 4] = ["start", "target", "current", "value"];

/// A number written the way people write it, read for what it means.
#[derive(Debug, PartialEq)]
pub struct NumberFix {
    pub number: f64,
    /// The number as TOML takes it, digits grouped by underscores: `2_000_000`.
    pub literal: String,
    /// What was written beside the number and belongs in `unit`.
    pub unit: Option<String>,
    /// A multiplier written as a letter (`2M`): the number as written, to
    /// offer keeping the letter as the unit instead.
    pub scaled: Option<(String, String)>,
}

/// Currency signs people put before or after an amount.
const CURRENCIES: [char; 6] = ['€', '$', '£', '¥', '₹', '₽'];

/// Reads `text` (a value without its quotes) as a number written in prose,
/// when it plainly is one; `None` for anything else (`high`, `soon`, `x`).
///
/// Linear in the text; a value longer than any number is not looked at.
pub fn number_fix(text: &str) -> Option<NumberFix> {
    let text = text.trim();
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (prefix, text) = match text.chars().next().filter(|c| CURRENCIES.contains(c)) {
        Some(sign) => (Some(sign), text[sign.len_utf8()..].trim_start()),
        None => (None, text),
    };
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, ',' | '.' | '_' | '\'')))
        .unwrap_or(text.len());
    let (digits, suffix) = text.split_at(end);
    let (whole, fraction) = split_digits(digits)?;
    let suffix = suffix.trim();
    let (scale, letter, unit) = match suffix {
        "k" | "K" => (3, Some(suffix), None),
        // Alone, `50m` is more likely metres or minutes than millions.
        "m" if prefix.is_some() => (6, Some(suffix), None),
        "M" | "mn" | "Mio" | "mio" => (6, Some(suffix), None),
        "B" | "bn" | "Bn" => (9, Some(suffix), None),
        _ => (0, None, unit_word(suffix)?),
    };
    let unit = match (prefix, unit) {
        (Some(sign), None) => Some(sign.to_string()),
        (Some(_), Some(_)) => return None,
        (None, unit) => unit,
    };
    // Nothing to fix in a plain number outside quotes: TOML took it already.
    let sign = if negative { "-" } else { "" };
    let literal = format!("{sign}{}", shifted(&whole, &fraction, scale));
    let number = literal.replace('_', "").parse::<f64>().ok()?;
    let scaled = letter.map(|letter| {
        let written = format!("{sign}{}", shifted(&whole, &fraction, 0));
        (written, letter.to_string())
    });
    Some(NumberFix {
        number,
        literal,
        unit,
        scaled,
    })
}

/// The unit written after a number: `%`, a currency sign, or a short word
/// (`kg`, `ms`, `days`); `Some(None)` for nothing, `None` for anything else.
fn unit_word(suffix: &str) -> Option<Option<String>> {
    if suffix.is_empty() {
        return Some(None);
    }
    let one_sign = suffix == "%" || suffix.chars().count() == 1 && suffix.starts_with(CURRENCIES);
    let word = suffix.len() <= 12 && suffix.chars().all(|c| c.is_alphabetic());
    (one_sign || word).then(|| Some(suffix.to_string()))
}

/// The whole and fractional digits of `2,000,000`, `2.5`, `2,5`, `1'000`,
/// `2.000.000` or `2_000`; `None` when separators make it ambiguous or wrong.
fn split_digits(text: &str) -> Option<(String, String)> {
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let commas = text.matches(',').count();
    let dots = text.matches('.').count();
    let grouped = |sep: char| {
        let mut groups = text.split(sep);
        let first = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
        first && groups.all(|g| g.len() == 3)
    };
    // A decimal mark is the only one of its kind, and not followed by
    // exactly three digits (`2,500` groups thousands, `2,5` is two and a half).
    let decimal = match (commas, dots) {
        (0, 0) => None,
        (0, 1) => Some('.'),
        (1, 0) if !grouped(',') => Some(','),
        (_, 0) if grouped(',') => None,
        (0, _) if grouped('.') => None,
        (_, 1) => Some('.'),
        (1, _) => Some(','),
        _ => return None,
    };
    let (whole, fraction) = match decimal {
        Some(mark) => text.split_once(mark)?,
        None => (text, ""),
    };
    let digits = |part: &str| -> String { part.chars().filter(char::is_ascii_digit).collect() };
    let well_formed = |part: &str, seps: &[char]| {
        part.chars()
            .all(|c| c.is_ascii_digit() || seps.contains(&c))
    };
    let separators: &[char] = match decimal {
        Some(',') => &['.', '_', '\''],
        Some(_) => &[',', '_', '\''],
        None => &[',', '.', '_', '\''],
    };
    if !well_formed(whole, separators) || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole = digits(whole);
    (!whole.is_empty()).then(|| (whole, fraction.to_string()))
}

/// `whole.fraction × 10^scale`, written as TOML takes it, digits grouped by
/// thousands with underscores.
fn shifted(whole: &str, fraction: &str, scale: usize) -> String {
    let moved = fraction.len().min(scale);
    let mut integer = format!("{whole}{}{}", &fraction[..moved], "0".repeat(scale - moved));
    let rest = fraction[moved..].trim_end_matches('0');
    let trimmed = integer.trim_start_matches('0');
    integer = if trimmed.is_empty() {
        "0".into()
    } else {
        trimmed.into()
    };
    let grouped = group_thousands(&integer);
    if rest.is_empty() {
        grouped
    } else {
        format!("{grouped}.{rest}")
    }
}

fn group_thousands(digits: &str) -> String {
    if digits.len() < 5 {
        return digits.to_string();
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// What to write instead of a number written as `fix` reads it.
pub fn number_help(key: &str, fix: &NumberFix) -> String {
    let literal = &fix.literal;
    match (&fix.unit, &fix.scaled) {
        (Some(unit), _) => format!("write `{key} = {literal}` with `unit = \"{unit}\"`"),
        (None, Some((written, letter))) => {
            format!("write `{key} = {literal}` (or `{key} = {written}` with `unit = \"{letter}\"`)")
        }
        (None, None) => format!("write `{key} = {literal}`"),
    }
}

/// A key named as people name it elsewhere, and what okr calls it.
pub struct KnownMistake {
    /// The key to read the value as, where it means exactly that key.
    pub means: Option<&'static str>,
    pub help: &'static str,
}

const fn means(key: &'static str, help: &'static str) -> KnownMistake {
    KnownMistake {
        means: Some(key),
        help,
    }
}

const fn only(help: &'static str) -> KnownMistake {
    KnownMistake { means: None, help }
}

const OWNER: &str = "use `team = \"<id>\"` or `person = \"<id>\"`";

/// The key people write in a table of `what` ("objective", "key result",
/// "check-in") for what okr names otherwise.
pub fn known_mistake(what: &str, key: &str) -> Option<KnownMistake> {
    Some(match (what, key) {
        ("objective", "owner" | "owners" | "assignee" | "assigned_to" | "responsible") => {
            only(OWNER)
        }
        ("objective", "parent" | "parents" | "aligned_to" | "align_to" | "supports") => means(
            "aligns_to",
            "write `aligns_to = \"<objective id>\"` (or `\"<objective id>#<key result id>\"`)",
        ),
        ("objective", "krs" | "key_result" | "keyresults" | "key-results" | "results") => {
            only("write each key result as a `[[key_results]]` table")
        }
        ("objective", "quarter") => means(
            "period",
            "write `period = \"<period>\"`, e.g. `\"2026-Q1\"`",
        ),
        ("objective", "name" | "objective") => means("title", "write `title = \"…\"`"),
        ("objective", "description" | "summary") => {
            only("write the description in the Markdown body, after the closing `+++`")
        }
        ("key result", "goal" | "to") => means("target", "write `target = <number>`"),
        ("key result", "baseline" | "from" | "initial") => {
            means("start", "write `start = <number>`")
        }
        ("key result", "value" | "actual" | "progress") => means(
            "current",
            "write `current = <number>`, or add a `[[key_results.checkins]]` with `value`",
        ),
        ("key result", "due_date" | "deadline" | "due_by" | "end_date") => {
            means("due", "write `due = YYYY-MM-DD`")
        }
        ("key result", "assignee" | "assigned_to" | "responsible") => {
            means("owner", "write `owner = \"<person id>\"`")
        }
        ("key result", "owners") => only(
            "a key result has one owner: write `owner = \"<person id>\"` and name the others as the objective's `contributors`",
        ),
        ("key result", "checkin" | "check_ins" | "check-ins" | "updates") => {
            only("write each check-in as a `[[key_results.checkins]]` table")
        }
        ("check-in", "current" | "actual") => means("value", "write `value = <number>`"),
        ("check-in", "comment" | "notes" | "comments") => means("note", "write `note = \"…\"`"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(text: &str) -> Option<String> {
        number_fix(text).map(|fix| number_help("target", &fix))
    }

    #[test]
    fn numbers_written_in_prose_say_what_to_write() {
        for (written, expected) in [
            ("20%", "write `target = 20` with `unit = \"%\"`"),
            ("20 %", "write `target = 20` with `unit = \"%\"`"),
            ("-5%", "write `target = -5` with `unit = \"%\"`"),
            (
                "2M",
                "write `target = 2_000_000` (or `target = 2` with `unit = \"M\"`)",
            ),
            ("2,000,000", "write `target = 2_000_000`"),
            ("2.000.000", "write `target = 2_000_000`"),
            ("2,5", "write `target = 2.5`"),
            ("20", "write `target = 20`"),
            ("€2000000", "write `target = 2_000_000` with `unit = \"€\"`"),
            ("2000000€", "write `target = 2_000_000` with `unit = \"€\"`"),
            ("$5k", "write `target = 5000` with `unit = \"$\"`"),
            (
                "1.5k",
                "write `target = 1500` (or `target = 1.5` with `unit = \"k\"`)",
            ),
            (
                "2.25M",
                "write `target = 2_250_000` (or `target = 2.25` with `unit = \"M\"`)",
            ),
            ("50kg", "write `target = 50` with `unit = \"kg\"`"),
            ("3 days", "write `target = 3` with `unit = \"days\"`"),
            ("0.5", "write `target = 0.5`"),
        ] {
            assert_eq!(help(written).as_deref(), Some(expected), "{written}");
        }
    }

    #[test]
    fn leaves_what_is_no_number_alone() {
        for text in [
            "",
            "high",
            "%",
            "k",
            "soon",
            "1,2,3",
            "2,00,0",
            "1.2.3",
            "€",
            "€5$",
            "5 new users",
            "x5",
            "2026-01-01",
            "1e6",
        ] {
            assert_eq!(number_fix(text), None, "{text}");
        }
        assert_eq!(number_fix(&"9".repeat(65)), None);
    }

    #[test]
    fn fixed_numbers_are_the_numbers_meant() {
        let n = |t: &str| number_fix(t).map(|f| f.number);
        assert_eq!(n("2M"), Some(2_000_000.0));
        assert_eq!(n("$5k"), Some(5_000.0));
        assert_eq!(n("1.5k"), Some(1_500.0));
        assert_eq!(n("20%"), Some(20.0));
        assert_eq!(n("0.1k"), Some(100.0));
        assert_eq!(n("-2,5"), Some(-2.5));
    }

    #[test]
    fn keys_named_as_elsewhere_say_what_okr_calls_them() {
        let owner = known_mistake("objective", "owner").map(|m| (m.means, m.help));
        assert_eq!(
            owner,
            Some((None, "use `team = \"<id>\"` or `person = \"<id>\"`"))
        );
        assert_eq!(
            known_mistake("key result", "goal").and_then(|m| m.means),
            Some("target")
        );
        assert_eq!(
            known_mistake("check-in", "current").and_then(|m| m.means),
            Some("value")
        );
        assert!(known_mistake("objective", "goal").is_none());
    }
}
