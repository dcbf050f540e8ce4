#!/bin/sh
# A short run of every fuzz target, for CI: each target starts from its
# committed seeds and regression inputs and runs for SMOKE_SECONDS (45 by
# default) with one worker. Needs a nightly toolchain (`cargo +nightly`) and
# cargo-fuzz, which it installs when missing; without either it says so and
# exits 0. Exits non-zero when a target fails; the failing input is left in
# fuzz/artifacts/TARGET/ (see the README's "Fuzzing" section).
set -eu

cd "$(dirname "$0")"
seconds="${SMOKE_SECONDS:-45}"

skip() {
    echo "fuzz smoke run skipped: $1"
    exit 0
}

cargo +nightly --version >/dev/null 2>&1 || skip "no nightly toolchain (cargo +nightly)"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install --locked cargo-fuzz || skip "cargo-fuzz could not be installed"
fi

targets=$(cargo +nightly fuzz list)
cargo +nightly fuzz build
# What the run finds goes to a scratch folder: the committed seeds/ and
# regressions/ are only read, and a big local corpus/ would take the whole run to load.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in $targets; do
    mkdir -p "$scratch/$target"
    set -- "$scratch/$target" "seeds/$target"
    if [ -d "regressions/$target" ]; then
        set -- "$@" "regressions/$target"
    fi
    echo "fuzzing $target for ${seconds}s"
    cargo +nightly fuzz run "$target" "$@" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1
done
echo "fuzz smoke run: no failure in" $targets
