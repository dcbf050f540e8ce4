//! Commands that write the repository's files: `okr init`, `okr new`,
//! `okr checkin` and `okr rollover`, all through `edit` (a lock, temporary
//! files, atomic replacement).

pub mod checkin;
pub mod edit;
pub mod fetch;
pub mod git_write;
pub mod init;
pub mod issue_checkin;
pub mod issue_form;
pub mod new;
pub mod rollover;
pub mod sync;
