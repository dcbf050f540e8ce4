//! The integration tests, one binary (as mdBook's `tests/testsuite/`): each
//! module runs the `okr` binary, or the library, on the repositories of one
//! behaviour, most of them under `tests/fixtures/`; `common` holds what they
//! share. `cargo test --test testsuite MODULE::` runs one module.

mod common;

mod bad_input;
mod build;
mod check;
mod checkin;
mod checkin_github;
mod cli;
mod diff;
mod digest;
mod export;
mod fuzz_corpus;
mod history;
mod history_cache;
mod init;
mod inputs;
mod new;
mod repo_links;
mod rollover;
mod rules;
mod safety;
mod schema;
mod serve;
mod snapshots;
mod statuses;
mod sync;
