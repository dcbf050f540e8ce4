//! What git knows: each objective's change history (`history`, replaying
//! what `repo` reads with `snapshot` and `compare`) and the difference
//! between two revisions (`diff`).

pub mod cache;
pub mod compare;
pub mod diff;
pub mod history;
mod packs;
pub mod repo;
pub mod snapshot;
mod stored;
mod tree_diff;
