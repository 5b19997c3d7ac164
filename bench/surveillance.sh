#!/usr/bin/env bash
# Surveillance sampling benchmark (docs/benchmarks.md, "Surveillance sampling"): what one sample of PostgreSQL costs
# (statements, client wall time, server execution time, JSON line size) and how fast a day of samples reads back:
#   demo   the demo's data (the AKIG sample, 105,711 rows) migrated by the CLI (not timed), pg_stat_statements on,
#          20 idle sessions and 4 sessions running ~50 statements/s each; 100 samples, one every 200 ms
#   wide   1,000 tables (primary key + one index each) and 150 idle sessions, no load; 100 samples
#   store  a day of samples at 5 s (17,280) appended to a store, its size, reading the day and one hour back
#   cli    `bin/bascule monitor --once --json` on the demo database as a subprocess: launch to exit, 5 rounds after a
#          warm-up (builds target/bascule.jar when it is missing or older than the sources)
# Usage: bench/surveillance.sh [option=value ...]
#   samples=100 every=200 idle=20 workers=4 rate=50 tables=1000 wideIdle=150 parts=demo,wide,store,cli cliRounds=5
# Takes about 2 minutes on 2 cores. Not part of `mvn test` (SamplingBench is a main). Servers' data in
# target/sampling-bench; the full log in target/sampling-bench.log; the results are appended to
# bench/results/<date>-<host>.md.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [[ ! -f target/bascule.jar ]] || [[ -n $(find src/main bpmn forms config pom.xml -newer target/bascule.jar -type f 2>/dev/null | head -1) ]]; then
  echo "building target/bascule.jar"
  mvn -B -ntp -o -q package -DskipTests
fi
mvn -B -ntp -o -q test-compile
bin/bascule --version >/dev/null   # the first run after a build unpacks the jar and records the CDS archive
mvn -B -ntp -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
log=target/sampling-bench.log
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
set +e
java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  io.bascule.surveillance.SamplingBench "$@" 2>&1 | tee "$log" | grep -E '^(machine|postgres|mariadb|options|== results|demo:|wide:|store:|cli)'
status=${PIPESTATUS[0]}
set -e
[[ $status -eq 0 ]] || { echo "bench/surveillance.sh: the benchmark failed (exit $status); see $log" >&2; exit "$status"; }
results="bench/results/$(date -u +%F)-$(hostname -s).md"
{
  echo
  echo "## Surveillance sampling run of $started (bench/surveillance.sh${*:+ $*})"
  echo
  echo "- repo at $(git rev-parse --short HEAD 2>/dev/null || echo '?'), target/bascule.jar of $(date -u -r target/bascule.jar '+%Y-%m-%d %H:%M UTC')"
  grep -E '^(machine|postgres|mariadb|options)' "$log" | sed 's/^/- /'
  sed -n '/^== results ==$/,$p' "$log" | tail -n +2 | sed 's/^/- /'
} >> "$results"
echo "results appended to $results"
