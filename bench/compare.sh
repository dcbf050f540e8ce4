#!/usr/bin/env bash
# Compares `okr build` with Hugo on synthetic organisations of three shapes,
# in one run on one machine, and prints the tables the README's Performance
# section shows, each figure with its target met (✓) or not (✗).
#
#   bench/compare.sh [--quick] [--teams N] [--runs N] [--shapes "lean default heavy"]
#                    [--no-scaling] [--no-history-block] [--history-commits "N ..."]
#                    [--long-history N] [--no-size-block]
#
# For each shape of `gen-org --shape` (lean, default, heavy: see
# examples/gen-org.rs), it generates ~8,000 objectives (500 teams of 4
# people), writes the same objective files as a Hugo site with a minimal
# template, builds both alternately from a clean output folder, then `okr
# check` alone, and prints median wall time (to the millisecond) and peak memory (GNU time) with
# the ratios okr/Hugo (each the median of the ratios run by run: a pair
# timed one after the other shares the machine's speed); then okr at 1x and
# 4x the organisation to show linear growth; on the heavy shape, okr serve
# showing one changed objective against a full build. Each shape is checked
# as of the day its organisation is clean on (gen-org prints it).
#
# A separate block times what reading the change history from git adds to
# `okr build`: the default shape as a git repository with 1,000 and with
# 10,000 commits touching it, all dated by the as-of day so that the pages
# show every one, each cloned as CI's checkout gets it (`git
# clone --no-local`), and, where `okr build` has `--cache`, a build with a
# warm history cache after one new commit, and the longest of them again
# repacked as a hosting server stores it; then one build each way at
# 100,000 commits, whose memory must stay that of the organisation rather
# than grow with the history, and one with a warm cache after one new
# commit there, as CI builds years of history (`--long-history 0` skips
# them). The last block builds the
# 32,000-objective organisation (2,000 teams) once and prints the site's size
# with the weight of each kind of page.
#
# --quick: 100 teams, one run each, the history at 1,000 commits only, no
# 100,000-commit or 32,000-objective block: for iterating, a minute or two
# after the build.
#
# Everything is written under $BENCH_DIR (default: a folder on /dev/shm, a RAM
# disk, so that disk noise does not decide the comparison).
set -euo pipefail
cd "$(dirname "$0")/.."

teams=500
runs=5
shapes="lean default heavy"
scaling=1
history=1
history_commits="1000 10000"
long_history=100000
size_block=1
size_teams=2000
usage="usage: bench/compare.sh [--quick] [--teams N] [--runs N] [--shapes \"lean default heavy\"] [--no-scaling] [--no-history-block] [--history-commits \"N ...\"] [--long-history N] [--no-size-block]"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) teams=100; runs=1; history_commits=1000; long_history=0; size_block=0; shift ;;
    --teams) teams=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --shapes) shapes=$2; shift 2 ;;
    --no-scaling) scaling=0; shift ;;
    --no-history-block) history=0; shift ;;
    --history-commits) history_commits=$2; shift 2 ;;
    --long-history) long_history=$2; shift 2 ;;
    --no-size-block) size_block=0; shift ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
# Growth is timed at three sizes per shape: at most three runs each keep the
# whole run within ten minutes on a two-core machine.
scale_runs=$((runs < 3 ? runs : 3))

need() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
if ! need hugo || ! need /usr/bin/time || ! need git; then
  echo "installing hugo, time and git (Debian packages)..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo time git >/dev/null
fi

build_started=$SECONDS
cargo build --release --locked --quiet --bin okr --example gen-org --example serve-latency
build_s=$((SECONDS - build_started))
started=$SECONDS
okr=$PWD/target/release/okr
gen=$PWD/target/release/examples/gen-org
latency=$PWD/target/release/examples/serve-latency

if [ -z "${BENCH_DIR:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; else base=${TMPDIR:-/tmp}; fi
  BENCH_DIR=$(mktemp -d "$base/okr-bench.XXXXXX")
  trap 'rm -rf "$BENCH_DIR"' EXIT
fi
mkdir -p "$BENCH_DIR"

# time_run OUT_DIR CMD...: runs CMD from a clean OUT_DIR; prints "seconds
# kilobytes": the wall time to the millisecond (GNU time's own is to the
# hundredth of a second, a tenth of what `okr check` takes on the lean shape,
# so a ratio near its bar would turn on one tick; the clock read around GNU
# time also counts its own start, about a millisecond, against every
# command alike), and the peak memory as GNU time reports it.
time_run() {
  local out=$1 started ended; shift
  rm -rf "$out"
  started=${EPOCHREALTIME/,/.}
  /usr/bin/time -f "%M" -o "$BENCH_DIR/time.txt" "$@" >/dev/null 2>"$BENCH_DIR/stderr.txt" || {
    cat "$BENCH_DIR/stderr.txt" >&2; echo "failed: $*" >&2; exit 1; }
  ended=${EPOCHREALTIME/,/.}
  awk -v s="$started" -v e="$ended" -v kb="$(cat "$BENCH_DIR/time.txt")" 'BEGIN { printf "%.3f %s\n", e - s, kb }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$1" '{ print $c }' "$2" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# paired COL FILE_A FILE_B: the median of A's figure over B's, run by run
# (line N of each file was timed one after the other), unrounded: pairing
# keeps a ratio steady when the machine's speed drifts during the run.
paired() { paste -d' ' "$2" "$3" | awk -v c="$1" '{ print $c / $(c + 2) }' | median; }
round2() { awk -v r="$1" 'BEGIN { printf "%.2f", r }'; }
percent_added() { awk -v r="$1" 'BEGIN { printf "%+.0f%%", (r - 1) * 100 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }
# The bytes of the files under a folder, and as okr prints them (decimal units).
bytes_of() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
size() {
  awk -v b="$1" 'BEGIN { u = b >= 1e9 ? "GB" : "MB"; v = b / (u == "GB" ? 1e9 : 1e6); printf (v < 9.95 ? "%.1f %s" : "%.0f %s"), v, u }'
}
size_of() { size "$(bytes_of "$1")"; }
# met VALUE LIMIT: ✓ if the value as printed is at most the limit, else ✗.
met() { awk -v v="$1" -v l="$2" 'BEGIN { print (v + 0 <= l + 0) ? "✓" : "✗" }'; }
thousands() { printf "%'d" "$1" 2>/dev/null || printf "%d" "$1"; }

# gen DIR ARGS...: generates an organisation; prints the day it checks clean on.
gen() {
  "$gen" "$@" | sed -n 's/.*clean as of \([0-9-]*\).*/\1/p'
}

# hugo_site ORG SITE: the same objective files as a Hugo site: front matter
# kept as page params, one minimal template printing the title, the key
# results and the content.
hugo_site() {
  local org=$1 site=$2
  rm -rf "$site"
  mkdir -p "$site/layouts/_default"
  cp -r "$org/okrs" "$site/content"
  cat >"$site/hugo.toml" <<'TOML'
baseURL = "http://localhost/"
title = "OKRs"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
TOML
  cat >"$site/layouts/_default/single.html" <<'HTML'
<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>
<ul>{{ range .Params.key_results }}<li>{{ .title }}: {{ .start }} → {{ .target }} {{ .unit }}</li>{{ end }}</ul>
{{ .Content }}</body></html>
HTML
  cat >"$site/layouts/_default/list.html" <<'HTML'
<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1></body></html>
HTML
}

# The figures of every shape, by "shape,name".
declare -A F

# ---------------------------------------------------------------------------
# Each shape: okr against Hugo, okr check, growth, okr serve.
# ---------------------------------------------------------------------------
for shape in $shapes; do
  org=$BENCH_DIR/org-$shape
  as_of=$(gen "$org" --teams "$teams" --people-per-team 4 --shape "$shape")
  [ -n "$as_of" ] || { echo "gen-org did not say which day $shape checks clean on" >&2; exit 1; }
  F[$shape,as_of]=$as_of
  F[$shape,objectives]=$(find "$org/okrs" -name '*.md' | wc -l)
  F[$shape,key_results]=$(cat "$org"/okrs/*/*/*.md | grep -c '^\[\[key_results\]\]$')
  F[$shape,checkins]=$(cat "$org"/okrs/*/*/*.md | grep -c '^\[\[key_results.checkins\]\]$' || true)
  F[$shape,input]=$(size_of "$org/okrs")

  # Correctness first: the organisation passes (warnings would be counted below).
  "$okr" check "$org" --as-of "$as_of" >"$BENCH_DIR/check.out" 2>&1 || {
    tail -20 "$BENCH_DIR/check.out" >&2; echo "the $shape organisation does not pass okr check" >&2; exit 1; }

  hugo_site "$org" "$BENCH_DIR/hugo"
  : >"$BENCH_DIR/okr.txt"; : >"$BENCH_DIR/hugo.txt"; : >"$BENCH_DIR/check.txt"
  for _ in $(seq "$runs"); do
    time_run "$BENCH_DIR/out-hugo" hugo --quiet -s "$BENCH_DIR/hugo" -d "$BENCH_DIR/out-hugo" >>"$BENCH_DIR/hugo.txt"
    time_run "$BENCH_DIR/out-okr" "$okr" build "$org" --as-of "$as_of" --out "$BENCH_DIR/out-okr" >>"$BENCH_DIR/okr.txt"
    time_run "$BENCH_DIR/none" "$okr" check "$org" --as-of "$as_of" >>"$BENCH_DIR/check.txt"
  done
  F[$shape,pages]=$(find "$BENCH_DIR/out-okr" -name '*.html' | wc -l)
  F[$shape,site]=$(size_of "$BENCH_DIR/out-okr")
  rm -rf "$BENCH_DIR/hugo" "$BENCH_DIR/out-hugo" "$BENCH_DIR/out-okr"
  F[$shape,okr_s]=$(col 1 "$BENCH_DIR/okr.txt"); F[$shape,okr_kb]=$(col 2 "$BENCH_DIR/okr.txt")
  F[$shape,hugo_s]=$(col 1 "$BENCH_DIR/hugo.txt"); F[$shape,hugo_kb]=$(col 2 "$BENCH_DIR/hugo.txt")
  F[$shape,check_s]=$(col 1 "$BENCH_DIR/check.txt"); F[$shape,check_kb]=$(col 2 "$BENCH_DIR/check.txt")
  F[$shape,okr_time]=$(paired 1 "$BENCH_DIR/okr.txt" "$BENCH_DIR/hugo.txt")
  F[$shape,okr_memory]=$(paired 2 "$BENCH_DIR/okr.txt" "$BENCH_DIR/hugo.txt")
  F[$shape,check_time]=$(paired 1 "$BENCH_DIR/check.txt" "$BENCH_DIR/hugo.txt")

  # ---- okr serve (heavy shape): one objective file changed, against a full build ----
  # The server keeps the organisation in memory; serve-latency rewrites one
  # objective's title and asks for its page until the new title shows, timing
  # from the write to the answer (noticing, rebuilding, rendering). A team's
  # objective is the usual edit; a company objective's page also lists the
  # hundreds of objectives aligned to it.
  if [ "$shape" = heavy ]; then
    "$okr" serve "$org" --port 0 --as-of "$as_of" >"$BENCH_DIR/serve-url.txt" 2>"$BENCH_DIR/serve.log" &
    serve_pid=$!
    for _ in $(seq 600); do [ -s "$BENCH_DIR/serve-url.txt" ] && break; sleep 0.1; done
    serve_url=$(head -1 "$BENCH_DIR/serve-url.txt")
    [ -n "$serve_url" ] || { kill "$serve_pid"; cat "$BENCH_DIR/serve.log" >&2; echo "okr serve did not start" >&2; exit 1; }
    period=$(basename "$(find "$org/okrs" -mindepth 1 -maxdepth 1 -type d | head -1)")
    F[$shape,serve_s]=$(RUNS="$runs" "$latency" "$serve_url" "$org" "okrs/$period/team-0000/team-0000-o1.md") || { kill "$serve_pid"; exit 1; }
    F[$shape,serve_company_s]=$(RUNS="$runs" "$latency" "$serve_url" "$org" "okrs/$period/company/company-1.md") || { kill "$serve_pid"; exit 1; }
    kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
  fi
  # ---- end of okr serve ----

  # ---- growth: 1x and 4x of the shape ----
  if [ "$scaling" = 1 ]; then
    for factor in 1 4; do
      dir=$BENCH_DIR/org-$shape-$factor
      [ "$factor" = 1 ] && dir=$org || gen "$dir" --teams $((teams * factor)) --people-per-team 4 --shape "$shape" >/dev/null
      # One build first, not counted, at every size: the first build after the
      # generator wrote a bigger organisation touches memory the machine (a VM)
      # has not handed out for a while, which costs it several times as much
      # system time as the builds after it, and more the bigger it is.
      time_run "$BENCH_DIR/out-scale" "$okr" build "$dir" --as-of "$as_of" --out "$BENCH_DIR/out-scale" >/dev/null
      : >"$BENCH_DIR/scale.txt"
      for _ in $(seq "$scale_runs"); do
        time_run "$BENCH_DIR/out-scale" "$okr" build "$dir" --as-of "$as_of" --out "$BENCH_DIR/out-scale" >>"$BENCH_DIR/scale.txt"
      done
      F[$shape,scale_${factor}x]=$(col 1 "$BENCH_DIR/scale.txt")
      F[$shape,objectives_${factor}x]=$(find "$dir/okrs" -name '*.md' | wc -l)
      rm -rf "$BENCH_DIR/out-scale"
      [ "$factor" = 1 ] || rm -rf "$dir"
    done
  fi
  rm -rf "$org"
done

# ---------------------------------------------------------------------------
# The shapes side by side.
# ---------------------------------------------------------------------------
# row LABEL TARGET CELL_FUNCTION: one line of the table, a cell per shape.
row() {
  local label=$1 target=$2 cell=$3 line
  line="| $label |"
  for shape in $shapes; do line="$line $($cell "$shape") |"; done
  echo "$line $target |"
}
have() { [ -n "${F[$1,$2]:-}" ]; }
cell_objectives() { thousands "${F[$1,objectives]}"; }
cell_content() { echo "$(thousands "${F[$1,key_results]}") / $(thousands "${F[$1,checkins]}") / ${F[$1,input]}"; }
cell_as_of() { echo "${F[$1,as_of]}"; }
cell_hugo() { echo "${F[$1,hugo_s]} s, $(mb "${F[$1,hugo_kb]}")"; }
cell_okr() { echo "${F[$1,okr_s]} s, $(mb "${F[$1,okr_kb]}")"; }
cell_okr_time() { local r; r=$(round2 "${F[$1,okr_time]}"); echo "$r $(met "$r" 0.2)"; }
cell_okr_memory() { local r; r=$(round2 "${F[$1,okr_memory]}"); echo "$r $(met "$r" 0.5)"; }
cell_site() { echo "${F[$1,site]}, $(thousands "${F[$1,pages]}") pages"; }
cell_check() { echo "${F[$1,check_s]} s, $(mb "${F[$1,check_kb]}")"; }
cell_check_time() { local r; r=$(round2 "${F[$1,check_time]}"); echo "$r $(met "$r" 0.1)"; }
cell_growth() { have "$1" scale_4x && echo "${F[$1,scale_1x]} / ${F[$1,scale_4x]} s" || echo "—"; }
cell_growth_ratio() {
  have "$1" scale_4x || { echo "—"; return; }
  local r; r=$(ratio "${F[$1,scale_4x]}" "${F[$1,scale_1x]}"); echo "$r $(met "$r" 4.4)"
}
cell_serve() {
  have "$1" serve_s || { echo "—"; return; }
  local r; r=$(ratio "${F[$1,serve_s]}" "${F[$1,okr_s]}"); echo "${F[$1,serve_s]} s: $r $(met "$r" 0.1)"
}
cell_serve_company() {
  have "$1" serve_company_s || { echo "—"; return; }
  echo "${F[$1,serve_company_s]} s: $(ratio "${F[$1,serve_company_s]}" "${F[$1,okr_s]}")"
}

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(hugo version | cut -d' ' -f1-2); okr $("$okr" --version | cut -d' ' -f2)"
echo "Organisations: $teams teams, $((teams * 4)) people, one per shape (gen-org --shape). Median of $runs runs each, okr and Hugo alternating, from a clean output folder; a ratio to Hugo is the median of the ratios run by run."
echo
header="| |"; rule="|---|"
for shape in $shapes; do header="$header $shape |"; rule="$rule---:|"; done
echo "$header target |"
echo "$rule---|"
row "objectives" "" cell_objectives
row "key results / check-ins / objective files" "" cell_content
row "checked clean as of" "" cell_as_of
row "Hugo (minimal template): time, peak memory" "" cell_hugo
row "\`okr build\` (all pages and charts): time, peak memory" "" cell_okr
row "\`okr build\` / Hugo, time" "≤ 0.2" cell_okr_time
row "\`okr build\` / Hugo, memory" "≤ 0.5" cell_okr_memory
row "site written by \`okr build\`" "" cell_site
row "\`okr check\`: time, peak memory" "" cell_check
row "\`okr check\` / Hugo's build, time" "≤ 0.1" cell_check_time
if [ "$scaling" = 1 ]; then
  row "\`okr build\` at 1x / 4x the organisation (median of $scale_runs after one not counted)" "" cell_growth
  row "4x / 1x, time" "≤ 4.4" cell_growth_ratio
fi
row "\`okr serve\`, one team objective edited: time, share of a full build" "≤ 0.1" cell_serve
row "\`okr serve\`, a company objective (its aligned objectives listed)" "" cell_serve_company

# size_build: generates the site-size block's organisation (2,000 teams of
# the default shape) and builds it once, untimed, `-v` into size.log.
size_build() {
  local as_of
  as_of=$(gen "$BENCH_DIR/org-size" --teams "$size_teams" --people-per-team 4)
  "$okr" build "$BENCH_DIR/org-size" --as-of "$as_of" --out "$BENCH_DIR/out-size" -v >/dev/null 2>"$BENCH_DIR/size.log"
}

# ---------------------------------------------------------------------------
# Change history: what reading it from git adds to `okr build`.
# ---------------------------------------------------------------------------
if [ "$history" = 1 ]; then
  # The history's cache between builds, where this okr has it: the rows
  # "with history" read all of it (`--no-cache`, where that exists); a row of
  # its own shows a build with a warm cache.
  build_help=$("$okr" build --help 2>/dev/null || true)
  cache=0; no_cache=()
  grep -qE -- '(^|[^-a-z])--cache[ =<]' <<<"$build_help" && cache=1
  grep -q -- '--no-cache' <<<"$build_help" && no_cache=(--no-cache)
  echo
  echo "Change history: $(thousands $((5 + teams * 16))) objectives of the default shape as a git repository (gen-org --history N), cloned with git clone --no-local as CI's checkout gets it. Median of $runs runs each, alternating; what the history adds is the median of what it added run by run. Target: at most +50% time and memory."
  echo
  echo "| commits touching okrs/ | \`--no-history\` | with history | time added | peak memory, \`--no-history\` | with history | memory added |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  # history_row LABEL WITHOUT_FILE WITH_FILE [TARGET_PERCENT]: a row of the
  # table, with its targets (time and memory added: 50% unless given; none
  # when given empty).
  history_row() {
    local target=${4-50}
    mark() { [ -z "$target" ] || met "$1" "$target"; }
    local without_s with_s without_kb with_kb added added_kb
    without_s=$(col 1 "$2"); without_kb=$(col 2 "$2")
    with_s=$(col 1 "$3"); with_kb=$(col 2 "$3")
    added=$(percent_added "$(paired 1 "$3" "$2")")
    added_kb=$(percent_added "$(paired 2 "$3" "$2")")
    echo "| $1 | ${without_s} s | ${with_s} s | $added $(mark "${added%\%}") | $(mb "$without_kb") | $(mb "$with_kb") | $added_kb $(mark "${added_kb%\%}") |"
    last_with_kb=$with_kb
  }
  # history_clone COMMITS: the organisation with COMMITS commits, cloned as
  # CI's checkout gets it, in $clone; sets $as_of and $touched.
  clone=$BENCH_DIR/org-history-clone
  history_clone() {
    local repo=$BENCH_DIR/org-history
    rm -rf "$repo" "$clone"
    as_of=$(gen "$repo" --teams "$teams" --people-per-team 4 --history "$1")
    git clone --quiet --no-local "$repo" "$clone"
    rm -rf "$repo"
    touched=$(git -C "$clone" rev-list --count HEAD -- okrs)
  }
  # history_runs: $runs builds of $clone each way, alternating, into
  # without.txt and with.txt (the history read whole, not from a cache).
  # `--out` outside the repository: the build reads git, it must not be part of it.
  history_runs() {
    : >"$BENCH_DIR/with.txt"; : >"$BENCH_DIR/without.txt"
    for _ in $(seq "$runs"); do
      time_run "$BENCH_DIR/out-history" "$okr" build "$clone" --as-of "$as_of" --out "$BENCH_DIR/out-history" --no-history >>"$BENCH_DIR/without.txt"
      time_run "$BENCH_DIR/out-history" "$okr" build "$clone" --as-of "$as_of" --out "$BENCH_DIR/out-history" "${no_cache[@]}" >>"$BENCH_DIR/with.txt"
    done
  }
  # ---- warm history cache: a build after one new commit, the cache filled by the build before ----
  # warm_row RUNS [NOTE]: one build of $clone fills a cache (cold, reported in
  # the row's label); then, each of RUNS runs, one new commit appends a
  # check-in to one objective and a build reads the cache and that commit,
  # against `--no-history` on the same tree. Only where `okr build --help`
  # lists `--cache DIR`.
  warm_row() {
    [ "$cache" = 1 ] || return 0
    local cache_dir=$BENCH_DIR/history-cache cold_s file run
    rm -rf "$cache_dir"
    cold_s=$(time_run "$BENCH_DIR/out-history" "$okr" build "$clone" --as-of "$as_of" --out "$BENCH_DIR/out-history" --cache "$cache_dir" | cut -d' ' -f1)
    file=$(cd "$clone" && find okrs -path '*team-0000-o1.md' | head -1)
    : >"$BENCH_DIR/warm.txt"; : >"$BENCH_DIR/without.txt"
    for run in $(seq "$1"); do
      # A check-in with the value of the objective's last one, before its initiatives.
      awk -v date="$as_of" '
        /^value = / { value = $3 }
        /^\[\[initiatives\]\]$/ && !done { printf "[[key_results.checkins]]\ndate = %s\nvalue = %s\nconfidence = 0.7\n\n", date, value; done = 1 }
        { print }' "$clone/$file" >"$BENCH_DIR/edited.md"
      mv "$BENCH_DIR/edited.md" "$clone/$file"
      # Made on the as-of day, as CI builds a commit as of the day it was made.
      GIT_AUTHOR_DATE="$as_of 18:00:00 +0000" GIT_COMMITTER_DATE="$as_of 18:00:00 +0000" \
        git -C "$clone" -c user.name=bench -c user.email=bench@example.com commit --quiet -am "Weekly check-in $run"
      time_run "$BENCH_DIR/out-history" "$okr" build "$clone" --as-of "$as_of" --out "$BENCH_DIR/out-history" --no-history >>"$BENCH_DIR/without.txt"
      time_run "$BENCH_DIR/out-history" "$okr" build "$clone" --as-of "$as_of" --out "$BENCH_DIR/out-history" --cache "$cache_dir" >>"$BENCH_DIR/warm.txt"
    done
    history_row "$touched + 1, warm cache (${2:+$2, }filling it: ${cold_s} s; target +10%)" "$BENCH_DIR/without.txt" "$BENCH_DIR/warm.txt" 10
    rm -rf "$cache_dir"
  }
  # ---- end of warm history cache ----
  for commits in $history_commits; do
    history_clone "$commits"
    history_runs
    history_row "$touched" "$BENCH_DIR/without.txt" "$BENCH_DIR/with.txt"
    history_kb=$last_with_kb; history_touched=$touched
    warm_row "$runs"
    # ---- the longest history as a server stores it ----
    # gen-org writes its repository with git fast-import, whose pack stores
    # each version as a delta of the one before; a hosting server repacks,
    # storing the newest whole and older versions as deltas of newer ones,
    # and a clone from it gets its deltas. The same history, repacked so.
    if [ "$commits" = "${history_commits##* }" ]; then
      git -C "$clone" repack -adfq
      touched=$(git -C "$clone" rev-list --count HEAD -- okrs)
      history_runs
      history_row "$touched, repacked as a server stores it (git repack -adf)" "$BENCH_DIR/without.txt" "$BENCH_DIR/with.txt"
    fi
    rm -rf "$clone" "$BENCH_DIR/out-history"
  done
  # ---- a long history: one build each way, for its memory ----
  # Years of weekly check-ins: the build must finish, and its memory follow
  # the organisation, not the history's length: at most a quarter more than
  # with the last history above, ten times shorter.
  if [ "$long_history" -gt 0 ]; then
    # The site-size block's organisation is generated and built meanwhile:
    # neither is timed, and generating and cloning this history takes minutes.
    if [ "$size_block" = 1 ]; then
      size_build &
      size_pid=$!
    fi
    history_clone "$long_history"
    if [ -n "${size_pid:-}" ]; then
      wait "$size_pid" || { cat "$BENCH_DIR/size.log" >&2; echo "the site-size build failed" >&2; exit 1; }
    fi
    time_run "$BENCH_DIR/out-history" "$okr" build "$clone" --as-of "$as_of" --out "$BENCH_DIR/out-history" --no-history >"$BENCH_DIR/without.txt"
    time_run "$BENCH_DIR/out-history" "$okr" build "$clone" --as-of "$as_of" --out "$BENCH_DIR/out-history" "${no_cache[@]}" >"$BENCH_DIR/with.txt"
    history_row "$touched (one run each)" "$BENCH_DIR/without.txt" "$BENCH_DIR/with.txt" ""
    long_kb=$last_with_kb
    # Years of history, built on every commit with the cache CI keeps.
    warm_row 1 "one run each"
    if [ -n "${history_kb:-}" ]; then
      grown=$(awk -v a="$long_kb" -v b="$history_kb" 'BEGIN { printf "%+.0f%%", (a / b - 1) * 100 }')
      echo
      echo "Peak memory with the history at $(thousands "$touched") commits: $(mb "$long_kb"), $grown against $(thousands "$history_touched") commits $(met "${grown%\%}" 25) (target: at most +25% for ten times the history: memory follows the organisation)."
    fi
    rm -rf "$clone" "$BENCH_DIR/out-history"
  fi
  # ---- end of a long history ----
fi

# ---------------------------------------------------------------------------
# Site size: the 32,000-objective organisation, built once.
# ---------------------------------------------------------------------------
if [ "$size_block" = 1 ]; then
  big=$BENCH_DIR/org-size
  # Built already when the long history was generated.
  if [ -z "${size_pid:-}" ]; then
    size_build || { cat "$BENCH_DIR/size.log" >&2; echo "the site-size build failed" >&2; exit 1; }
  fi
  objectives=$(find "$big/okrs" -name '*.md' | wc -l)
  bytes=$(bytes_of "$BENCH_DIR/out-size")
  echo
  echo "Site size: $(thousands "$objectives") objectives of the default shape ($size_teams teams, $((size_teams * 4)) people), built once. Target: at most 400 MB (GitHub Pages publishes at most 1 GB)."
  echo
    echo "total: $(size "$bytes") $(met "$bytes" 400000000), $(thousands "$(find "$BENCH_DIR/out-size" -type f | wc -l)") files"
  # Past 80% of the limit okr says so, naming the three heaviest kinds only.
  grep -E '^(okr|warning): the site is' "$BENCH_DIR/size.log" || echo "(okr build -v printed no weights)"
  rm -rf "$big" "$BENCH_DIR/out-size"
fi

elapsed=$((SECONDS - started))
echo
echo "Elapsed: $((elapsed / 60)) min $((elapsed % 60)) s (after $build_s s of cargo build)."
