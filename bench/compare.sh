#!/usr/bin/env bash
# Compares `okr build` with Hugo on the same synthetic organisation, in one run
# on one machine, and prints the table the README's Performance section shows.
#
#   bench/compare.sh [--teams N] [--runs N] [--no-scaling] [--no-history-block] [--history-commits "N ..."]
#
# Generates ~8,000 objectives (500 teams of 4 people), writes the same
# objective files as a Hugo site with a minimal template, builds both several
# times alternately from a clean output folder, and prints median wall time
# and peak memory (GNU time) with the ratios okr/Hugo; then `okr check` alone,
# okr serve showing one changed objective against a full build, and okr at
# 1x, 2x and 4x the organisation to show linear growth. A separate block times
# what reading the change history from git adds to `okr build`: the same
# organisation as a git repository with 1,000 and with 10,000 commits touching
# it, each cloned as CI's checkout gets it (`git clone --no-local`).
#
# Everything is written under $BENCH_DIR (default: a folder on /dev/shm, a RAM
# disk, so that disk noise does not decide the comparison).
set -euo pipefail
cd "$(dirname "$0")/.."

teams=500
runs=5
scaling=1
history=1
history_commits="1000 10000"
while [ $# -gt 0 ]; do
  case "$1" in
    --teams) teams=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --no-scaling) scaling=0; shift ;;
    --no-history-block) history=0; shift ;;
    --history-commits) history_commits=$2; shift 2 ;;
    *) echo "usage: bench/compare.sh [--teams N] [--runs N] [--no-scaling] [--no-history-block] [--history-commits \"N ...\"]" >&2; exit 2 ;;
  esac
done

need() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
if ! need hugo || ! need /usr/bin/time || ! need git; then
  echo "installing hugo, time and git (Debian packages)..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo time git >/dev/null
fi

cargo build --release --locked --quiet --bin okr --example gen-org --example serve-latency
okr=$PWD/target/release/okr
gen=$PWD/target/release/examples/gen-org
latency=$PWD/target/release/examples/serve-latency

if [ -z "${BENCH_DIR:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; else base=${TMPDIR:-/tmp}; fi
  BENCH_DIR=$(mktemp -d "$base/okr-bench.XXXXXX")
  trap 'rm -rf "$BENCH_DIR"' EXIT
fi
mkdir -p "$BENCH_DIR"
as_of=2026-02-15

# time_run OUT_DIR CMD...: runs CMD from a clean OUT_DIR; prints "seconds kilobytes".
time_run() {
  local out=$1; shift
  rm -rf "$out"
  /usr/bin/time -f "%e %M" -o "$BENCH_DIR/time.txt" "$@" >/dev/null 2>"$BENCH_DIR/stderr.txt" || {
    cat "$BENCH_DIR/stderr.txt" >&2; echo "failed: $*" >&2; exit 1; }
  cat "$BENCH_DIR/time.txt"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

org=$BENCH_DIR/org
"$gen" "$org" --teams "$teams" --people-per-team 4 >/dev/null
objectives=$(find "$org/okrs" -name '*.md' | wc -l)

# Correctness first: the organisation is clean.
"$okr" check "$org" --as-of "$as_of" --format json >"$BENCH_DIR/check.json" || {
  echo "the benchmark organisation does not pass okr check" >&2; exit 1; }

# The same objective files as a Hugo site: front matter kept as page params,
# one minimal template printing the title, the key results and the content.
hugo_site=$BENCH_DIR/hugo
mkdir -p "$hugo_site/layouts/_default"
cp -r "$org/okrs" "$hugo_site/content"
cat >"$hugo_site/hugo.toml" <<'TOML'
baseURL = "http://localhost/"
title = "OKRs"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
TOML
cat >"$hugo_site/layouts/_default/single.html" <<'HTML'
<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>
<ul>{{ range .Params.key_results }}<li>{{ .title }}: {{ .start }} → {{ .target }} {{ .unit }}</li>{{ end }}</ul>
{{ .Content }}</body></html>
HTML
cat >"$hugo_site/layouts/_default/list.html" <<'HTML'
<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1></body></html>
HTML

: >"$BENCH_DIR/okr.txt"; : >"$BENCH_DIR/hugo.txt"; : >"$BENCH_DIR/check.txt"
for _ in $(seq "$runs"); do
  time_run "$BENCH_DIR/out-hugo" hugo --quiet -s "$hugo_site" -d "$BENCH_DIR/out-hugo" >>"$BENCH_DIR/hugo.txt"
  time_run "$BENCH_DIR/out-okr" "$okr" build "$org" --as-of "$as_of" --out "$BENCH_DIR/out-okr" >>"$BENCH_DIR/okr.txt"
  time_run "$BENCH_DIR/none" "$okr" check "$org" --as-of "$as_of" >>"$BENCH_DIR/check.txt"
done
pages=$(find "$BENCH_DIR/out-okr" -name '*.html' | wc -l)

col() { awk -v c="$1" '{ print $c }' "$2" | median; }
okr_s=$(col 1 "$BENCH_DIR/okr.txt"); okr_kb=$(col 2 "$BENCH_DIR/okr.txt")
hugo_s=$(col 1 "$BENCH_DIR/hugo.txt"); hugo_kb=$(col 2 "$BENCH_DIR/hugo.txt")
check_s=$(col 1 "$BENCH_DIR/check.txt"); check_kb=$(col 2 "$BENCH_DIR/check.txt")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(hugo version | cut -d' ' -f1-2); okr $("$okr" --version | cut -d' ' -f2)"
echo "Organisation: $objectives objectives, $teams teams, $((teams * 4)) people; okr wrote $pages pages. Median of $runs runs each, alternating, from a clean output folder."
echo
echo "| | wall time | peak memory | okr / Hugo (time) | okr / Hugo (memory) |"
echo "|---|---:|---:|---:|---:|"
echo "| Hugo (minimal template) | ${hugo_s} s | $(mb "$hugo_kb") | | |"
echo "| \`okr build\` (all pages and charts) | ${okr_s} s | $(mb "$okr_kb") | $(ratio "$okr_s" "$hugo_s") | $(ratio "$okr_kb" "$hugo_kb") |"
echo "| \`okr check\` | ${check_s} s | $(mb "$check_kb") | $(ratio "$check_s" "$hugo_s") | |"

# ---- okr serve: one objective file changed, against a full build ----
# The server keeps the organisation in memory; serve-latency rewrites one
# objective's title and asks for its page until the new title shows, timing
# from the write to the answer (noticing, rebuilding, rendering). A team's
# objective is the usual edit; a company objective's page also lists the
# hundreds of objectives aligned to it.
"$okr" serve "$org" --port 0 --as-of "$as_of" >"$BENCH_DIR/serve-url.txt" 2>"$BENCH_DIR/serve.log" &
serve_pid=$!
for _ in $(seq 600); do [ -s "$BENCH_DIR/serve-url.txt" ] && break; sleep 0.1; done
serve_url=$(head -1 "$BENCH_DIR/serve-url.txt")
[ -n "$serve_url" ] || { kill "$serve_pid"; cat "$BENCH_DIR/serve.log" >&2; echo "okr serve did not start" >&2; exit 1; }
team_file=okrs/2026-Q1/team-0000/team-0000-o1.md
company_file=okrs/2026-Q1/company/company-1.md
rebuild_s=$(RUNS="$runs" "$latency" "$serve_url" "$org" "$team_file") || { kill "$serve_pid"; exit 1; }
company_s=$(RUNS="$runs" "$latency" "$serve_url" "$org" "$company_file") || { kill "$serve_pid"; exit 1; }
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
echo
echo "serve: full build ${okr_s} s, one-file rebuild ${rebuild_s} s ($(ratio "$rebuild_s" "$okr_s") of a full build; a team objective, median of $runs edits)"
echo "serve: a company objective with its aligned objectives listed: ${company_s} s ($(ratio "$company_s" "$okr_s") of a full build)"
# ---- end of okr serve ----

if [ "$scaling" = 1 ]; then
  echo
  echo "Growth: median of $runs builds at each size, after one not counted."
  echo
  echo "| organisation | objectives | \`okr build\` | per objective | vs 1x |"
  echo "|---|---:|---:|---:|---:|"
  base_s=""
  for factor in 1 2 4; do
    dir=$BENCH_DIR/org-$factor
    [ "$factor" = 1 ] && dir=$org || "$gen" "$dir" --teams $((teams * factor)) --people-per-team 4 >/dev/null
    n=$(find "$dir/okrs" -name '*.md' | wc -l)
    # One build first, not counted, at every size: the first build after the
    # generator wrote a bigger organisation touches memory the machine (a VM)
    # has not handed out for a while, which costs it several times as much
    # system time as the builds after it, and more the bigger it is.
    time_run "$BENCH_DIR/out-scale" "$okr" build "$dir" --as-of "$as_of" --out "$BENCH_DIR/out-scale" >/dev/null
    : >"$BENCH_DIR/scale.txt"
    for _ in $(seq "$runs"); do
      time_run "$BENCH_DIR/out-scale" "$okr" build "$dir" --as-of "$as_of" --out "$BENCH_DIR/out-scale" >>"$BENCH_DIR/scale.txt"
    done
    s=$(col 1 "$BENCH_DIR/scale.txt")
    [ -z "$base_s" ] && base_s=$s
    per=$(awk -v s="$s" -v n="$n" 'BEGIN { printf "%.0f µs", s / n * 1e6 }')
    echo "| ${factor}x | $n | ${s} s | $per | $(ratio "$s" "$base_s")x |"
    [ "$factor" = 1 ] || rm -rf "$dir"
  done
fi

# ---------------------------------------------------------------------------
# Change history: what reading it from git adds to `okr build`.
# ---------------------------------------------------------------------------
if [ "$history" = 1 ]; then
  echo
  echo "Change history: the same $objectives objectives as a git repository (gen-org --history N), cloned with git clone --no-local as CI's checkout gets it. Median of $runs runs each, alternating."
  echo
  echo "| commits touching okrs/ | \`--no-history\` | with history | time added | peak memory, \`--no-history\` | with history | memory added |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  for commits in $history_commits; do
    repo=$BENCH_DIR/org-history
    clone=$BENCH_DIR/org-history-clone
    rm -rf "$repo" "$clone"
    "$gen" "$repo" --teams "$teams" --people-per-team 4 --history "$commits" >/dev/null
    git clone --quiet --no-local "$repo" "$clone"
    rm -rf "$repo"
    touched=$(git -C "$clone" rev-list --count HEAD -- okrs)
    # `--out` outside the repository: the build reads git, it must not be part of it.
    : >"$BENCH_DIR/with.txt"; : >"$BENCH_DIR/without.txt"
    for _ in $(seq "$runs"); do
      time_run "$BENCH_DIR/out-history" "$okr" build "$clone" --as-of "$as_of" --out "$BENCH_DIR/out-history" --no-history >>"$BENCH_DIR/without.txt"
      time_run "$BENCH_DIR/out-history" "$okr" build "$clone" --as-of "$as_of" --out "$BENCH_DIR/out-history" >>"$BENCH_DIR/with.txt"
    done
    without_s=$(col 1 "$BENCH_DIR/without.txt"); without_kb=$(col 2 "$BENCH_DIR/without.txt")
    with_s=$(col 1 "$BENCH_DIR/with.txt"); with_kb=$(col 2 "$BENCH_DIR/with.txt")
    added=$(awk -v a="$with_s" -v b="$without_s" 'BEGIN { printf "%+.0f%%", (a / b - 1) * 100 }')
    added_kb=$(awk -v a="$with_kb" -v b="$without_kb" 'BEGIN { printf "%+.0f%%", (a / b - 1) * 100 }')
    echo "| $touched | ${without_s} s | ${with_s} s | $added | $(mb "$without_kb") | $(mb "$with_kb") | $added_kb |"
    rm -rf "$clone"
  done
fi
