//! Reading a repository into a model: find and read the files (`load`,
//! `config`), cut each into front matter and body (`frontmatter`), parse the
//! TOML with spans (`toml_doc`), read it field by field against the declared
//! keys (`fields`, `schema`, with help for common `mistakes`) into entities
//! (`parse`), and link them into one organisation (`resolve`).

pub mod body;
pub mod config;
pub mod data;
pub mod fields;
pub mod frontmatter;
pub mod load;
pub mod mistakes;
pub mod parse;
pub mod resolve;
pub mod schema;
pub mod toml_doc;
