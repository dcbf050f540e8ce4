//! Text helpers every stage shares, in one place so that the same thing is
//! written the same way wherever it appears: a title escaped for a page, a
//! number or a date as people read it, user text made safe for a terminal.
//!
//! - `escape.rs`: text in HTML (and SVG inside it), text nodes and attribute
//!   values alike ([`escape_html`]);
//! - `numbers.rs`: numbers as pages, charts and messages show them
//!   ([`number`], [`decimal`], [`percent`], [`exact_number`]), scores
//!   ([`score`]), values with their unit ([`with_unit`]) and counts
//!   ([`plural`]);
//! - `dates.rs`: days as `2026-11-23` ([`iso_date`]) or `Nov 23`
//!   ([`push_short_date`]);
//! - `printable.rs`: hidden characters escaped for terminals, CI logs and
//!   Markdown comments ([`printable`]);
//! - `cut.rs`: the start of a text, cut at a character boundary ([`prefix`]).
//!
//! Numbers and dates are written digit by digit, not through the formatter:
//! a site prints hundreds of thousands of them.

mod cut;
mod dates;
mod escape;
mod numbers;
mod printable;

pub use cut::prefix;
pub use dates::{IsoDate, iso_date, push_iso_date, push_short_date};
pub use escape::{escape_html, push_escaped};
pub use numbers::{
    decimal, exact_number, number, percent, plural, push_decimal, push_digits, push_percent,
    push_plural, push_unit, score, singular, size, thousands, with_unit,
};
pub use printable::{is_hidden, printable, push_printable};
