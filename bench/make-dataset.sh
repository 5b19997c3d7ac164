#!/usr/bin/env bash
# Build the benchmark database `bench` (see make-dataset.sql) in a MariaDB server: 2,050,000 rows times
# BENCH_SCALE (default 5: 10,250,000 rows; 1 is the size of the GOLD issue's reference runs; a small
# scale such as 0.02 checks the scripts in seconds). Each table's rows are its scale-1 count times the
# scale, rounded (audit_log to an even number: its rows come in identical pairs).
#
# Usage:
#   MYSQL_PWD=... [BENCH_SCALE=N] bench/make-dataset.sh [MARIADB-CLIENT-OPTIONS...]
#
# Without options it connects over TCP to 127.0.0.1:${BENCH_MARIADB_PORT:-3399} as
# ${BENCH_MARIADB_USER:-bench}, with the password from MYSQL_PWD (never on the command line).
# Any options given replace those, e.g. `bench/make-dataset.sh --socket=/path/mariadb.sock --user=root`.
# The user needs CREATE/DROP/INSERT on `bench`. The database is dropped and rebuilt; the content is
# deterministic. bench/run.sh calls this once and reuses the result.
#
# Needs the `mariadb` client (Debian package mariadb-client) and a server with the Sequence engine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

if [ "$#" -gt 0 ]; then
  conn=("$@")
else
  conn=(--host=127.0.0.1 --port="${BENCH_MARIADB_PORT:-3399}" --protocol=TCP
        --user="${BENCH_MARIADB_USER:-bench}")
fi

scale=${BENCH_SCALE:-5}
[[ $scale =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v s="$scale" 'BEGIN { exit !(s > 0) }' \
  || { echo "make-dataset.sh: BENCH_SCALE must be a positive number such as 5 or 0.02, not '$scale'" >&2; exit 2; }
rows() { awk -v n="$1" -v s="$scale" -v even="${2:-1}" \
  'BEGIN { r = int(n * s / even + 0.5) * even; if (r < even) r = even; printf "%d", r }'; }
customers=$(rows 200000) orders=$(rows 1200000) events=$(rows 600000) audit_log=$(rows 50000 2)
echo "scale $scale: customers $customers, orders $orders, events $events, audit_log $audit_log rows"

start=$(date +%s.%N)
sed -e "s/{{CUSTOMERS}}/$customers/g" -e "s/{{ORDERS}}/$orders/g" -e "s/{{EVENTS}}/$events/g" \
    -e "s/{{AUDIT_LOG}}/$audit_log/g" "$here/make-dataset.sql" \
  | mariadb --no-defaults "${conn[@]}" --default-character-set=utf8mb4 --table
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "dataset built in %.1f s\n", b - a }'
