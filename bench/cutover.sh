#!/usr/bin/env bash
# Cutover benchmark (docs/benchmarks.md, "Cutover"): `bin/bascule cutover --confirm GO` as a subprocess on a fresh
# world each time (a grant-enabled embedded MariaDB with the application's own logins, a GOLD `migrate` by the CLI,
# not timed), after rows were changed on MySQL since GOLD (inserts, updates, deletes spread over the tables):
#   demo     the demo's data (the AKIG sample, 105,711 rows), ~1,000 rows changed: `cutover --dry-run --confirm GO`
#            then `cutover --confirm GO` on the same world, 3 rounds (median, range); backups outside the freeze
#   inside   the same (cutover only) with bascule.cutover.backup-inside-freeze: true, 3 rounds: what the backups add
#   growth   the benchmark dataset (bench/make-dataset.sql, 2,050,000 rows times the scale; audit_log given a primary
#            key, which the way back needs): the freeze per delta size (0, 1k, 10k, 100k rows) at scale 1 and per
#            database size (scale 0.25 and 1, 1,000 rows changed), and 1,000 rows changed on the newest rows only
# The write-freeze window is the process's own figure (MySQL read-only -> application healthy on PostgreSQL), read
# from the cutover report; the per-step durations from its timeline; wall times from launch to exit.
#
# Usage: bench/cutover.sh [option=value ...]
#   rounds=3 insideRounds=3 changes=1000 parts=demo,inside,growth deltas=0,1000,10000,100000 scales=0.25,1
#   deltaScale=1 recent=1000 durable=true   (durable=false: PostgreSQL with fsync and synchronous_commit off;
#   recent: one more cutover at deltaScale with that many rows changed on the newest rows only, 0 = none)
# Takes about 9-10 minutes with the defaults on 2 cores (more on a busy machine). Not part of `mvn test` (CutoverBench is a main).
# Builds target/bascule.jar when it is missing or older than the sources; calls bin/bascule --version once before
# anything is timed (the first run after a build unpacks the jar and records the class-data-sharing archive).
# Servers' data in target/cutover-bench; each run's output and work directory in target/rollback-work-*; the full
# log in target/cutover-bench.log; the results are appended to bench/results/<date>-<host>.md.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [[ ! -f target/bascule.jar ]] || [[ -n $(find src/main bpmn forms config pom.xml -newer target/bascule.jar -type f 2>/dev/null | head -1) ]]; then
  echo "building target/bascule.jar"
  mvn -B -ntp -o -q package -DskipTests
fi
mvn -B -ntp -o -q test-compile
mvn -B -ntp -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
t0=$(date +%s%N)
bin/bascule --version >/dev/null
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
warm="warm-up before timing: bin/bascule --version took $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s (the first run after a build unpacks the jar and records the CDS archive)"
echo "$warm"
log=target/cutover-bench.log
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
set +e
java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  io.bascule.cli.CutoverBench "$@" 2>&1 | tee "$log" \
  | awk '/^== results/ { r = 1 } r || /^(machine|postgres|mariadb|options|warm-up|benchmark dataset|demo round|inside round|growth-s[0-9._]+ round|  (dry run|cutover|freeze steps|final delta):)/'
status=${PIPESTATUS[0]}
set -e
[[ $status -eq 0 ]] || { echo "bench/cutover.sh: the benchmark failed (exit $status); see $log" >&2; exit "$status"; }
results="bench/results/$(date -u +%F)-$(hostname -s).md"
{
  echo
  echo "## Cutover run of $started (bench/cutover.sh${*:+ $*})"
  echo
  echo "- repo at $(git rev-parse --short HEAD 2>/dev/null || echo '?'), target/bascule.jar of $(date -u -r target/bascule.jar '+%Y-%m-%d %H:%M UTC')"
  echo "- $warm"
  grep -E '^(machine|postgres|mariadb|options|warm-up|benchmark dataset)' "$log" | sed 's/^/- /'
  sed -n 's/^== results == (\(.*\))$/- \1/p' "$log"
  sed -n '/^== results/,$p' "$log" | tail -n +2 | sed 's/^/- /'
} >> "$results"
echo "results appended to $results"
