//! `okr`: OKRs written as Markdown files with TOML front matter, checked,
//! scored and published as a static website.
//!
//! The pipeline runs one way, one folder a stage: [`read`] turns the files
//! into the [`model`], [`score`] and [`check`] judge it, [`report`] prints
//! the findings, and [`site`] renders the pages and writes them. [`git`]
//! reads the change history beside it; [`authoring`] holds the commands
//! that write files; [`serve`] rebuilds the site in memory as files change.

#![forbid(unsafe_code)]

pub mod authoring;
pub mod check;
pub mod digest;
pub mod git;
pub mod model;
pub mod read;
pub mod report;
pub mod score;
pub mod serve;
pub mod site;
pub mod text;

// Each stage's modules under their own names too, as before the stages had
// folders: `okr::load`, `okr::history`, `okr::init`, …
pub use authoring::{checkin, edit, init, new, rollover, sync};
pub use git::{diff, history};
pub use model::{diagnostic, period, source};
pub use read::{config, fields, frontmatter, load, parse, resolve, schema, toml_doc};
pub use site::{charts, export, markdown, output, render, views};
