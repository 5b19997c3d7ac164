#!/usr/bin/env bash
# Records the classes a migration loads after the start-up (JDBC drivers, Bascule's migration code, the engine's
# job execution, JSON, ...) into src/main/resources/cds/classes-after-start.txt. `bascule warm-up` loads them, so
# that the class-data-sharing archive bin/bascule records after a build holds them and a migration does not read,
# parse and verify them from the jars (measured: `migrate --no-verify` 7.53 -> 7.27 s, JVM CPU -0.2 s).
#
# Run it after a dependency upgrade or a larger change to the migration code (a stale list costs speed, never
# correctness). It starts the benchmark's servers (bench/run.sh hold; Debian packages as for bench/run.sh), runs
# `migrate`, `migrate --no-verify` and `verify` on the benchmark data with -Xlog:class+load, and keeps the classes
# that came from a jar or the JDK's modules, not from the archive, leaving out what CDS cannot archive (picocli's
# Java 5 class files) and classes generated at run time.
#
# Usage: mvn -B -ntp package -DskipTests && bench/record-warm-up-classes.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
OUT=$REPO/src/main/resources/cds/classes-after-start.txt
REC_DIR=$(mktemp -d)
trap 'rm -rf "$REC_DIR"' EXIT   # on failure, the tools' output is printed first (below)
export REPO REC_DIR
BENCH_HOLD_CMD='
  set -e
  run() { BASCULE_SOURCE_PASSWORD=$BENCH_SRC_PASSWORD BASCULE_TARGET_PASSWORD=$BENCH_TGT_PASSWORD \
    JAVA_OPTS="-Xmx512m -Xlog:class+load=info:file=$REC_DIR/$1.log" "$REPO/bin/bascule" "$2" \
    --source-url "jdbc:mysql://127.0.0.1:$BENCH_MARIADB_PORT/bench" --source-user bench \
    --target-url "jdbc:postgresql://127.0.0.1:$BENCH_PG_PORT/bench" --target-user bench \
    --work-dir "$REC_DIR/work-$1" "${@:3}" > "$REC_DIR/$1.out" 2>&1; }
  run noverify migrate --yes --no-verify --drop-existing
  run migrate migrate --yes --drop-existing
  run verify verify
' "$HERE/run.sh" hold || { tail -n 5 "$REC_DIR"/*.out >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
{
  echo "# Classes a migration loads after the start-up, loaded by \`bascule warm-up\` so that bin/bascule's"
  echo "# class-data-sharing archive holds them. Written by bench/record-warm-up-classes.sh; do not edit by hand."
  cat "$REC_DIR"/*.log | grep -v "shared objects file" | grep -E "source: (jrt:/|file:)" \
    | awk '{ print $2 }' | grep -v -E '^picocli\.|\$\$|\$Proxy|Lambda|/0x' | sort -u
} > "$OUT"
echo "$(grep -vc '^#' "$OUT") classes written to $OUT"
