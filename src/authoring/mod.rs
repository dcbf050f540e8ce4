//! Commands that write the repository's files: `okr init`, `okr new`,
//! `okr checkin` and `okr rollover`, all through `edit` (a lock, temporary
//! files, atomic replacement).

pub mod checkin;
pub mod edit;
pub mod fetch;
pub mod init;
pub mod new;
pub mod rollover;
pub mod sync;
