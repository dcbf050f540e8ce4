//! `okr`: OKRs written as Markdown files with TOML front matter, checked and scored.
//!
//! The pipeline runs one way: [`load`] reads the files, [`parse`] and
//! [`resolve`] build the [`model`], [`score`] and [`check`] judge it, and
//! [`report`] prints the findings. [`checkin`] and [`rollover`] change the
//! files themselves, through [`edit`].

pub mod charts;
pub mod check;
pub mod checkin;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod edit;
pub mod export;
pub mod fields;
pub mod frontmatter;
pub mod history;
pub mod init;
pub mod load;
pub mod markdown;
pub mod model;
pub mod new;
pub mod output;
pub mod parse;
pub mod period;
pub mod render;
pub mod report;
pub mod resolve;
pub mod rollover;
pub mod schema;
pub mod score;
pub mod serve;
pub mod site;
pub mod source;
pub mod text;
pub mod toml_doc;
pub mod views;
