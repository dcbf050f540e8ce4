#!/usr/bin/env bash
# Builds the example site under the sub-path /acme-okrs/ and checks it with the
# W3C Nu HTML Checker and in headless Chromium with axe-core (see check.mjs).
# Screenshots go to target/web-check/screenshots/.
#
# Needs Java, Node.js 20 or newer with npm, and Debian's Chromium
# (`apt-get install default-jre-headless chromium`); the npm packages are
# installed here from package-lock.json when missing or out of date.
# Exit code 0 when every check passed, 1 when one failed, 2 when it could not run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/target/web-check"
chromium="${CHROMIUM:-/usr/bin/chromium}"

missing=()
command -v java >/dev/null || missing+=("java (Debian: default-jre-headless)")
command -v node >/dev/null || missing+=("node (Node.js 20 or newer)")
command -v npm >/dev/null || missing+=("npm")
[ -x "$chromium" ] || missing+=("$chromium (Debian: chromium)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'web check: missing %s\n' "${missing[@]}" >&2
  exit 2
fi

# npm ci only when the installed packages do not match the lock file. Install
# scripts stay off: vnu-jar's would download a Java runtime, and the machine's is used.
if [ ! -f "$here/node_modules/.package-lock.json" ] ||
  [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund)
fi

# A fixed as-of date, so the pages and screenshots are the same on every run.
# Its intended warnings are not repeated here; on failure everything is shown.
# Built as GitHub Actions would build it, so that pages link to the repository.
if ! build_log=$(cd "$root" && GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com \
  GITHUB_REPOSITORY=acme/okrs GITHUB_REF=refs/heads/main \
  cargo run --locked --quiet -- build example-okrs \
  --out "$out/site" --base-url /acme-okrs/ --as-of 2026-11-23 2>&1); then
  printf '%s\nweb check: okr build of example-okrs failed\n' "$build_log" >&2
  exit 2
fi
printf '%s\n' "$build_log" | tail -n 1

exec node "$here/check.mjs" --site "$out/site" --base /acme-okrs/ \
  --screenshots "$out/screenshots" --chromium "$chromium"
