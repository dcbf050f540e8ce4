//! What git knows: the change history of every objective (`history`) and the
//! difference between two revisions (`diff`).

pub mod diff;
pub mod history;
