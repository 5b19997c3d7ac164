#!/usr/bin/env bash
# Reverse channel benchmark (docs/benchmarks.md, "Reverse channel"): on embedded MariaDB and PostgreSQL with the demo's
# tables migrated,
#   lag       the continuous apply's lag under a steady application load at fixed rates (p50/p99/max of the oldest
#             unapplied change's age and of a probe row's commit-to-visible-in-MariaDB time),
#   overhead  the capture triggers' cost on PostgreSQL write throughput (insert-heavy and update-heavy mixes, unthrottled),
#   tail      the rollback's drain of changes captured while the loop was stopped.
#
# Usage: bench/reverse-channel.sh [option=value ...]
#   seconds=60 rates=200,1000 threads=4 overheadSeconds=20 rounds=3 tail=10000 parts=lag,tail,overhead durable=true
#   (durable=false: PostgreSQL with fsync and synchronous_commit off, as the tests run it)
# Takes about 12 minutes with the defaults. Not part of `mvn test` (ReverseApplyLoopBench is a main, not a *Test/*IT).
# Servers' data in target/reverse-loop-bench; the full log in target/reverse-channel-bench.log; the results are
# appended to bench/results/<date>-<host>.md.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
mvn -B -ntp -o -q test-compile
mvn -B -ntp -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
log=target/reverse-channel-bench.log
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
set +e
java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  io.bascule.rollback.ReverseApplyLoopBench "$@" 2>&1 | tee "$log" \
  | grep -E '^(machine|postgres|mariadb|options|lag at|overhead|tail|verified|== results)'
status=${PIPESTATUS[0]}
set -e
[[ $status -eq 0 ]] || { echo "bench/reverse-channel.sh: the benchmark failed (exit $status); see $log" >&2; exit "$status"; }
results="bench/results/$(date -u +%F)-$(hostname -s).md"
{
  echo
  echo "## Reverse channel run of $started (bench/reverse-channel.sh $*)"
  echo
  echo "- repo at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  grep -E '^(machine|postgres|mariadb|options)' "$log" | sed 's/^/- /'
  sed -n '/^== results ==$/,$p' "$log" | tail -n +2 | sed 's/^/- /'
} >> "$results"
echo "results appended to $results"
