//! User text made safe to print where it is read by people: terminals, CI
//! logs and Markdown comments.
//!
//! A title, a file name or any other string from a repository may hold
//! characters that are not shown but act: an escape sequence that erases a
//! line or recolours a terminal, a bell, a carriage return or line break
//! that starts a line of its own (forging a line of the report), or a bidi
//! control that shows text in another order than it is read (`100 → 80` seen
//! as `80 → 100`). [`printable`] replaces each with its Rust escape, such as
//! `\u{1b}`: plain ASCII that survives every terminal, log viewer and
//! Markdown renderer, and names exactly the character that was there, where
//! a replacement character (`�`) would hide which one it was.
//!
//! Replaced (see [`is_hidden`]):
//! - C0 controls (U+0000–U+001F, tab and line breaks included), DEL (U+007F)
//!   and C1 controls (U+0080–U+009F; U+009B is a terminal's CSI);
//! - bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
//!   the Trojan Source characters;
//! - the invisible direction marks LRM, RLM and ALM (U+200E, U+200F, U+061C):
//!   unlike letters of right-to-left scripts, which are left as written, they
//!   change the order of what follows without being seen;
//! - the line and paragraph separators (U+2028, U+2029), which some viewers
//!   break lines at.
//!
//! Line breaks that okr itself writes between lines are never part of a user
//! string, so they are never replaced: callers sanitise each string before
//! putting it into their output.

use std::borrow::Cow;

/// Whether `c` acts on the output instead of being shown (the characters
/// listed in the module's documentation).
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `text` with every hidden character written as its escape (`\u{1b}`);
/// borrowed as it is when there is none, as nearly always.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_printable(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` to `out`, escaped if it is hidden.
pub fn push_printable(out: &mut String, c: char) {
    if is_hidden(c) {
        out.extend(c.escape_unicode());
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_characters_are_escaped() {
        assert_eq!(
            printable("a\x1b[2Kb\x07\r\n\tc\u{7f}\u{9b}"),
            "a\\u{1b}[2Kb\\u{7}\\u{d}\\u{a}\\u{9}c\\u{7f}\\u{9b}"
        );
        assert_eq!(
            printable("x\u{202e}y\u{2066}z\u{200f}\u{61c}\u{2028}"),
            "x\\u{202e}y\\u{2066}z\\u{200f}\\u{61c}\\u{2028}"
        );
    }

    #[test]
    fn visible_text_is_borrowed_unchanged() {
        for text in ["Grow revenue", "Umsatz ↑ 20 %", "שלום", "👩‍💻 @team", ""] {
            assert!(matches!(printable(text), Cow::Borrowed(t) if t == text));
        }
    }
}
