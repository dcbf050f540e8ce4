//! The `okr` command: the command line (`cli/`) in front of the `okr` library.

#![forbid(unsafe_code)]

mod cli;

/// Building a site allocates many small strings and template values; mimalloc
/// does that markedly faster than the system allocator, and its version 2
/// (the `v2` feature) with less memory than version 3 (see the README's
/// performance section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
