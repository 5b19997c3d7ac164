#!/usr/bin/env bash
# Build the benchmark database `bench` (2,050,000 rows, see make-dataset.sql) in a MariaDB server.
#
# Usage:
#   MYSQL_PWD=... bench/make-dataset.sh [MARIADB-CLIENT-OPTIONS...]
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

start=$(date +%s.%N)
mariadb --no-defaults "${conn[@]}" --default-character-set=utf8mb4 --table < "$here/make-dataset.sql"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "dataset built in %.1f s\n", b - a }'
