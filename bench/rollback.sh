#!/usr/bin/env bash
# Rollback benchmark (docs/benchmarks.md, "Rollback"): the `rollback` command on the demo's data (the AKIG sample,
# 105,711 rows) in the state a cutover leaves (GOLD migration, MySQL frozen, reverse channel armed, the app's .env
# switched), with 10,000 changes captured on PostgreSQL as the application and no apply loop running:
#   inprocess  `rollback --reason bench` through the CLI's entry point in the benchmark's JVM
#   cli        `bin/bascule rollback --reason bench` as a subprocess (launch to exit)
#   dryrun     `bin/bascule rollback --dry-run` as a subprocess
# each on a fresh world (a migrate of the sample, not timed), 3 rounds: median and range.
#
# Usage: bench/rollback.sh [option=value ...]
#   rounds=3 changes=10000 perTx=10 parts=inprocess,cli,dryrun durable=true
#   (durable=false: PostgreSQL with fsync and synchronous_commit off, as the tests run it)
# Takes about 5 minutes. Not part of `mvn test` (RollbackBench is a main, not a *Test/*IT).
# Builds target/bascule.jar when it is missing or older than the sources; then calls bin/bascule --version once
# before anything is timed: the first run after a build unpacks the jar and records the class-data-sharing archive
# (about 7 s, once per build, an installation step). Servers' data in target/rollback-bench; each run's output and
# work directory in target/rollback-work-*; the full log in target/rollback-bench.log; the results are appended to
# bench/results/<date>-<host>.md.
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
log=target/rollback-bench.log
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
set +e
java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  io.bascule.cli.RollbackBench "$@" 2>&1 | tee "$log" \
  | grep -E '^(machine|postgres|mariadb|options|warm-up|in-process round|cli round|dry-run round|  steps|== results|in-process `|bin/bascule|steps of)'
status=${PIPESTATUS[0]}
set -e
[[ $status -eq 0 ]] || { echo "bench/rollback.sh: the benchmark failed (exit $status); see $log" >&2; exit "$status"; }
results="bench/results/$(date -u +%F)-$(hostname -s).md"
{
  echo
  echo "## Rollback run of $started (bench/rollback.sh${*:+ $*})"
  echo
  echo "- repo at $(git rev-parse --short HEAD 2>/dev/null || echo '?'), target/bascule.jar of $(date -u -r target/bascule.jar '+%Y-%m-%d %H:%M UTC')"
  echo "- $warm"
  grep -E '^(machine|postgres|mariadb|options|warm-up)' "$log" | sed 's/^/- /'
  sed -n '/^== results ==$/,$p' "$log" | tail -n +2 | sed 's/^/- /'
} >> "$results"
echo "results appended to $results"
