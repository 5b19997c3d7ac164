#!/usr/bin/env bash
# Bascule benchmark: MariaDB -> PostgreSQL with pgloader, a raw COPY baseline and Bascule's migrate.
#
# Usage:
#   bench/run.sh [STEP...]        STEP is pgloader, baseline, bascule (migrate), noverify (migrate
#                                 --no-verify), dataset or hold; default: all four measurements
#                                 (dataset alone only starts the servers and builds it;
#                                 hold keeps them up for BENCH_HOLD_CMD, for profiling).
#   bench/run.sh --help
#
# What it does (see docs/benchmarks.md):
#   - starts a private MariaDB (127.0.0.1:3399) and PostgreSQL 15 (127.0.0.1:5499) on data directories
#     under $BENCH_DIR (default /work/bench-run), as background processes, stopped again on exit;
#   - builds the `bench` dataset (bench/make-dataset.sql: 2,050,000 rows times BENCH_SCALE, by default
#     10,250,000) once, reused while the dataset version and the scale are unchanged;
#   - for each step: drops and recreates the empty target database `bench`, runs the tool, takes wall
#     time and peak RSS (/usr/bin/time -v), checks row counts and a few sums against the source;
#   - prints a results table and appends it to bench/results/<date>-<host>.md.
#
# Environment (all optional):
#   BENCH_DIR               work folder (servers' data, logs, exports)        default /work/bench-run
#   BENCH_SCALE             dataset size: 2,050,000 rows times this number    default 5
#                           (large enough that Bascule's start-up is a few % of its migrate, see
#                           docs/benchmarks.md; 1 = the GOLD issue's reference size; 0.02 checks the
#                           script end to end in a minute)
#   BENCH_MARIADB_BUFFER_POOL  InnoDB buffer pool, holding the whole dataset  default 1G + 1G per scale unit, at least 2G
#   BENCH_MARIADB_PORT      default 3399           BENCH_PG_PORT   default 5499
#   PG_BIN                  default /usr/lib/postgresql/15/bin
#   BASCULE_JAR             default <repo>/target/bascule.jar
#   BASCULE_XMX             default 512m
#   BASCULE_JAVA_OPTS       more JVM options for Bascule (e.g. a JFR recording); default none
#   PGLOADER_WORKERS        default 2
#   PGLOADER_PREFETCH_ROWS  pgloader's `prefetch rows`; default 10000, empty for pgloader's 100000
#                           (which exhausted pgloader's heap in 5 of 8 runs on this dataset)
#   PGLOADER_BATCH_ROWS     pgloader's `batch rows`; default empty = pgloader's 25000
#   BENCH_TIMEOUT           seconds one tool may run (then TERM, KILL 30 s later) default 900
#   BENCH_REPEAT            runs of each step; the table shows the median time    default 1
#   BENCH_RESULTS_DIR       default <repo>/bench/results
#
# Needs (Debian 12): mariadb-server mariadb-client postgresql-15 pgloader time jq, Java 17, run as root.
# Passwords are generated per run and only passed through environment variables; none is printed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

BENCH_DIR=${BENCH_DIR:-/work/bench-run}
BENCH_SCALE=${BENCH_SCALE:-5}
[[ $BENCH_SCALE =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v s="$BENCH_SCALE" 'BEGIN { exit !(s > 0) }' \
  || { echo "bench/run.sh: BENCH_SCALE must be a positive number such as 5 or 0.02, not '$BENCH_SCALE'" >&2; exit 2; }
export BENCH_SCALE             # read by make-dataset.sh
MDB_BUFFER_POOL=${BENCH_MARIADB_BUFFER_POOL:-$(awk -v s="$BENCH_SCALE" 'BEGIN { g = 1 + int(s + 0.999); if (g < 2) g = 2; print g "G" }')}
MARIADB_PORT=${BENCH_MARIADB_PORT:-3399}
PG_PORT=${BENCH_PG_PORT:-5499}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
BASCULE_JAR=${BASCULE_JAR:-$REPO/target/bascule.jar}
BASCULE_XMX=${BASCULE_XMX:-512m}
BASCULE_JAVA_OPTS=${BASCULE_JAVA_OPTS:-}
PGLOADER_WORKERS=${PGLOADER_WORKERS:-2}
# pgloader 3.6.7 (Debian, SBCL) often dies with "Heap exhausted" on this dataset with its default
# prefetch rows = 100000 (5 runs of 8); 10000 loads everything at a third of the memory. Set PGLOADER_PREFETCH_ROWS= (empty) for the default.
PGLOADER_PREFETCH_ROWS=${PGLOADER_PREFETCH_ROWS-10000}
PGLOADER_BATCH_ROWS=${PGLOADER_BATCH_ROWS-}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
BENCH_REPEAT=${BENCH_REPEAT:-1}
RESULTS_DIR=${BENCH_RESULTS_DIR:-$REPO/bench/results}

DB_USER=bench                  # the login on both servers
DB_NAME=bench                  # source and target database
TABLES=(customers orders events audit_log)

MDB_DIR=$BENCH_DIR/mariadb
MDB_SOCK=$MDB_DIR/mariadb.sock
MDB_EXPORT=$MDB_DIR/export     # secure_file_priv: SELECT ... INTO OUTFILE writes here
PG_DIR=$BENCH_DIR/postgres
PG_DATA=$PG_DIR/data
PG_SOCK=$PG_DIR/sock
LOGS=$BENCH_DIR/logs
LAST=$BENCH_DIR/last           # last figures of each step, for the summary of a partial run

# ---------------------------------------------------------------------------------------------------
# helpers

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }'; }
peak_rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
new_password() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

# admin connections over the private sockets (root via unix_socket auth, postgres via peer auth)
mdb_admin() { mariadb --no-defaults --socket="$MDB_SOCK" --user=root --default-character-set=utf8mb4; }
pg_admin() { runuser -u postgres -- "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres "$@"; }
# the benchmark user's connections over TCP on 127.0.0.1, password from the environment
mdb() { MYSQL_PWD=$BENCH_SRC_PASSWORD mariadb --no-defaults --host=127.0.0.1 --port="$MARIADB_PORT" \
          --protocol=TCP --user="$DB_USER" --default-character-set=utf8mb4 "$DB_NAME" "$@"; }
pg() { PGPASSWORD=$BENCH_TGT_PASSWORD "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
         -U "$DB_USER" -d "$DB_NAME" "$@"; }

# keep a figure for the summary (this run) and for later partial runs ($LAST/<step>.env)
declare -A R=()
put() { R[$1]=$2; }
save_step() {  # save_step STEP KEY...
  local step=$1; shift
  mkdir -p "$LAST"
  { printf 'measured_at=%q\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    local k; for k in "$@"; do printf '%s=%q\n' "$k" "${R[$k]:-}"; done; } > "$LAST/$step.env"
}
load_step() {  # load_step STEP: take the figures of an earlier run when this run did not measure STEP
  local step=$1 f=$LAST/$1.env line k v
  [ -f "$f" ] || return 0
  while IFS= read -r line; do
    k=${line%%=*}; eval "v=${line#*=}"
    if [ "$k" = measured_at ]; then R[$step.from]="earlier run, $v"; else R[$k]=$v; fi
  done < "$f"
}

# ---------------------------------------------------------------------------------------------------
# arguments

STEPS=()
for a in "$@"; do
  case $a in
    -h|--help) usage; exit 0 ;;
    pgloader|baseline|bascule|noverify|dataset|hold) STEPS+=("$a") ;;
    all) STEPS+=(pgloader baseline bascule noverify) ;;
    *) usage >&2; die "unknown step '$a'" ;;
  esac
done
[ "${#STEPS[@]}" -gt 0 ] || STEPS=(pgloader baseline bascule noverify)
[[ $BENCH_REPEAT =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPEAT must be a positive integer"
want() { local s; for s in "${STEPS[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

[ "$(id -u)" = 0 ] || die "run as root (mariadbd runs with --user=root, PostgreSQL as the postgres OS user)"
for cmd in mariadbd mariadb mariadb-install-db mariadb-admin runuser jq /usr/bin/time "$PG_BIN/postgres"; do
  command -v "$cmd" >/dev/null || die "missing $cmd: apt-get install -y mariadb-server mariadb-client postgresql-15 time jq"
done
want pgloader && { command -v pgloader >/dev/null || die "missing pgloader: apt-get install -y pgloader"; }
id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (it comes with Debian's postgresql package)"

BENCH_SRC_PASSWORD=$(new_password)
BENCH_TGT_PASSWORD=$(new_password)
export BENCH_SRC_PASSWORD BENCH_TGT_PASSWORD   # pgloader reads them through {{...}} in its command file

START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${START_LOAD%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
  log "WARNING: load average is $START_LOAD on $(nproc) cores: something else is running, figures will be slow"
fi

umask 022
mkdir -p "$BENCH_DIR" "$LOGS" "$RESULTS_DIR"
chmod 755 "$BENCH_DIR"

# ---------------------------------------------------------------------------------------------------
# servers

MDB_PID=
PG_STARTED=
stop_servers() {
  if [ -n "$PG_STARTED" ]; then
    log "stopping PostgreSQL"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "$MDB_PID" ] && kill -0 "$MDB_PID" 2>/dev/null; then
    log "stopping MariaDB"
    mariadb-admin --no-defaults --socket="$MDB_SOCK" --user=root shutdown >/dev/null 2>&1 || kill "$MDB_PID" 2>/dev/null || true
    local i; for i in $(seq 1 60); do kill -0 "$MDB_PID" 2>/dev/null || break; sleep 1; done
  fi
}
scrub_logs() {  # belt and braces: no generated password stays in a log
  local f
  for f in "$LOGS"/* "$BENCH_DIR"/pgloader/* "$BENCH_DIR"/bascule-work/*.log; do
    [ -f "$f" ] || continue
    if grep -qF -e "$BENCH_SRC_PASSWORD" -e "$BENCH_TGT_PASSWORD" "$f" 2>/dev/null; then
      sed -i -e "s/$BENCH_SRC_PASSWORD/*****/g" -e "s/$BENCH_TGT_PASSWORD/*****/g" "$f"
    fi
  done
}
on_exit() { local rc=$?; set +e; stop_servers; scrub_logs; exit "$rc"; }
trap on_exit EXIT
trap 'exit 130' INT TERM

stop_leftovers() {  # a server of an earlier, killed run of this script, on our own data directories
  if [ -f "$PG_DATA/postmaster.pid" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "stopping a PostgreSQL left running on $PG_DATA by an earlier run"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  fi
  local pid
  if [ -f "$MDB_DIR/mariadbd.pid" ]; then
    pid=$(cat "$MDB_DIR/mariadbd.pid")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qF -- "$MDB_DIR/data" "/proc/$pid/cmdline" 2>/dev/null; then
      log "stopping a MariaDB left running on $MDB_DIR/data by an earlier run (pid $pid)"
      kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 1; done
    fi
  fi
}

start_mariadb() {
  mkdir -p "$MDB_DIR/data" "$MDB_DIR/tmp" "$MDB_EXPORT"
  if [ ! -d "$MDB_DIR/data/mysql" ]; then
    log "initialising MariaDB data directory $MDB_DIR/data"
    mariadb-install-db --no-defaults --user=root --datadir="$MDB_DIR/data" --skip-test-db \
      --auth-root-authentication-method=socket > "$LOGS/mariadb-install-db.log" 2>&1
  fi
  port_in_use "$MARIADB_PORT" && die "port $MARIADB_PORT is in use (set BENCH_MARIADB_PORT)"
  log "starting MariaDB on 127.0.0.1:$MARIADB_PORT"
  mariadbd --no-defaults --user=root --datadir="$MDB_DIR/data" --tmpdir="$MDB_DIR/tmp" \
    --socket="$MDB_SOCK" --pid-file="$MDB_DIR/mariadbd.pid" --log-error="$LOGS/mariadbd.err" \
    --port="$MARIADB_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --default-time-zone=+00:00 \
    --innodb-buffer-pool-size="$MDB_BUFFER_POOL" --innodb-log-file-size=512M --innodb-flush-log-at-trx-commit=2 \
    --max-allowed-packet=256M --secure-file-priv="$MDB_EXPORT" --skip-log-bin \
    > "$LOGS/mariadbd.out" 2>&1 &
  MDB_PID=$!
  local i
  for i in $(seq 1 60); do
    mariadb-admin --no-defaults --socket="$MDB_SOCK" --user=root ping >/dev/null 2>&1 && break
    kill -0 "$MDB_PID" 2>/dev/null || die "mariadbd exited, see $LOGS/mariadbd.err"
    sleep 1
  done
  mariadb-admin --no-defaults --socket="$MDB_SOCK" --user=root ping >/dev/null 2>&1 || die "MariaDB not ready after 60 s"
  # the password goes through stdin, not the command line
  mdb_admin <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$BENCH_SRC_PASSWORD';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$BENCH_SRC_PASSWORD';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1';
GRANT FILE, PROCESS, RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '$DB_USER'@'127.0.0.1';
SQL
}

start_postgres() {
  install -d -o postgres -g postgres -m 700 "$PG_DIR" "$PG_SOCK"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "initialising PostgreSQL data directory $PG_DATA"
    install -d -o postgres -g postgres -m 700 "$PG_DATA"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 > "$LOGS/initdb.log" 2>&1
  fi
  port_in_use "$PG_PORT" && die "port $PG_PORT is in use (set BENCH_PG_PORT)"
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  touch "$LOGS/postgres.log"; chown postgres "$LOGS/postgres.log"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOGS/postgres.log" -w -t 60 start -o "\
    -c port=$PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_SOCK \
    -c shared_buffers=1GB -c max_wal_size=8GB -c min_wal_size=2GB -c checkpoint_timeout=30min \
    -c maintenance_work_mem=512MB -c work_mem=64MB -c timezone=UTC -c log_timezone=UTC \
    -c password_encryption=scram-sha-256" > "$LOGS/pg_ctl.log" 2>&1 \
    || die "PostgreSQL did not start, see $LOGS/postgres.log"
  PG_STARTED=1
  pg_admin -d postgres <<SQL
SELECT 'CREATE ROLE $DB_USER LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') \gexec
ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$BENCH_TGT_PASSWORD';
SQL
}

warm_postgres() {
  # Untimed, at every start, so that the first measured step is not penalised:
  # - a new cluster has to create its WAL segment files; ~2 GB of WAL written once leaves segments
  #   that every later step recycles (min_wal_size=2GB keeps them);
  # - a just-started server has never touched its 1 GB of shared buffers; the first step after a
  #   start was about 1 s (20 %) slower on the COPY baseline until pg_prewarm filled them here.
  log "PostgreSQL: warm-up (WAL segments, shared buffers), not timed"
  pg_admin -d postgres <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
DROP TABLE IF EXISTS bench_warmup;
CREATE TABLE bench_warmup AS SELECT g, repeat('w', 300) AS filler FROM generate_series(1, 5000000) g;
SELECT pg_prewarm('bench_warmup') \g /dev/null
DROP TABLE bench_warmup;
CHECKPOINT;
SQL
}

reset_target() {  # an empty target database, a checkpoint and the OS's dirty pages written, so no step pays for the previous one
  pg_admin -d postgres <<SQL
SET client_min_messages = warning;
DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE);
CREATE DATABASE $DB_NAME OWNER $DB_USER;
CHECKPOINT;
SQL
  sync
}

# ---------------------------------------------------------------------------------------------------
# dataset

DATASET_VERSION=$(sha256sum "$HERE/make-dataset.sql" | cut -c1-16)-scale$BENCH_SCALE
TOTAL_ROWS=0

source_counts() {  # "table count" lines
  local q="" t
  for t in "${TABLES[@]}"; do q+="${q:+ UNION ALL }SELECT '$t', COUNT(*) FROM \`$t\`"; done
  mdb -N -B -e "$q"
}

ensure_dataset() {
  local stamp=$BENCH_DIR/dataset.env
  if [ -f "$stamp" ] && grep -qx "dataset_version=$DATASET_VERSION" "$stamp" \
     && mdb -N -B -e 'SELECT 1' >/dev/null 2>&1; then
    log "reusing dataset (version $DATASET_VERSION)"
  else
    log "building dataset (bench/make-dataset.sql, scale $BENCH_SCALE)"
    local t0 t1
    t0=$(now)
    MYSQL_PWD=$BENCH_SRC_PASSWORD "$HERE/make-dataset.sh" --host=127.0.0.1 --port="$MARIADB_PORT" \
      --protocol=TCP --user="$DB_USER" > "$LOGS/make-dataset.log" 2>&1 \
      || { cat "$LOGS/make-dataset.log" >&2; die "dataset build failed"; }
    t1=$(now)
    printf 'dataset_version=%s\ndataset_build_seconds=%s\ndataset_built_at=%q\n' \
      "$DATASET_VERSION" "$(secs "$t0" "$t1")" "$(date -u '+%Y-%m-%d %H:%M UTC')" > "$stamp"
    log "dataset built in $(secs "$t0" "$t1") s"
  fi
  put dataset_build_seconds "$(sed -n 's/^dataset_build_seconds=//p' "$stamp")"
  local t n counts=""
  while read -r t n; do
    TOTAL_ROWS=$((TOTAL_ROWS + n)); counts+="${counts:+, }$t $n"
  done < <(source_counts)
  put dataset_counts "$counts"
  log "dataset: $TOTAL_ROWS rows ($counts)"
  # warm the source buffer pool so the first tool measured does not pay for cold pages
  mdb -N -B -e "SELECT SUM(CHAR_LENGTH(message)) FROM events; SELECT SUM(amount), COUNT(payload) FROM orders;
                SELECT SUM(balance), COUNT(last_name) FROM customers; SELECT COUNT(detail) FROM audit_log;" >/dev/null
}

# ---------------------------------------------------------------------------------------------------
# checks of a loaded target: row counts, and a few sums that catch truncation or shifted values

# name | MariaDB query | PostgreSQL query (types may differ per tool: the queries cast where needed)
CHECKS=(
  "customers.balance_sum|SELECT SUM(balance) FROM customers|SELECT sum(balance) FROM customers"
  "customers.active|SELECT SUM(active) FROM customers|SELECT count(*) FILTER (WHERE active::int = 1) FROM customers"
  "customers.name_chars|SELECT SUM(CHAR_LENGTH(first_name) + CHAR_LENGTH(last_name)) FROM customers|SELECT sum(char_length(first_name) + char_length(last_name)) FROM customers"
  "customers.birth_nulls|SELECT SUM(birth_date IS NULL) FROM customers|SELECT count(*) FILTER (WHERE birth_date IS NULL) FROM customers"
  "customers.created_epoch|SELECT SUM(UNIX_TIMESTAMP(created_at)) FROM customers|SELECT sum(extract(epoch FROM created_at)) FROM customers"
  "customers.updated_epoch|SELECT SUM(UNIX_TIMESTAMP(updated_at)) FROM customers|SELECT sum(extract(epoch FROM updated_at))::bigint FROM customers"
  "orders.amount_sum|SELECT SUM(amount) FROM orders|SELECT sum(amount) FROM orders"
  "orders.note_chars|SELECT SUM(CHAR_LENGTH(note)) FROM orders|SELECT sum(char_length(note)) FROM orders"
  "orders.note_nulls|SELECT SUM(note IS NULL) FROM orders|SELECT count(*) FILTER (WHERE note IS NULL) FROM orders"
  "orders.payload_nonnull|SELECT COUNT(payload) FROM orders|SELECT count(payload) FROM orders"
  "orders.ordered_epoch|SELECT SUM(UNIX_TIMESTAMP(ordered_at)) FROM orders|SELECT sum(extract(epoch FROM ordered_at))::bigint FROM orders"
  "events.message_chars|SELECT SUM(CHAR_LENGTH(message)) FROM events|SELECT sum(char_length(message)) FROM events"
  "events.uuid_bytes|SELECT SUM(LENGTH(uuid)) FROM events|SELECT sum(octet_length(uuid)) FROM events"
  "events.code_sum|SELECT SUM(code) FROM events|SELECT sum(code) FROM events"
  "events.time_secs|SELECT SUM(TIME_TO_SEC(at_time)) FROM events|SELECT sum(extract(epoch FROM at_time))::bigint FROM events"
  "audit_log.detail_nulls|SELECT SUM(detail IS NULL) FROM audit_log|SELECT count(*) FILTER (WHERE detail IS NULL) FROM audit_log"
)
declare -A SOURCE_CHECK=()

check_target() {  # check_target STEP: sets R[STEP.rows], R[STEP.check]; details in $LOGS/STEP-check.log
  local step=$1 out=$LOGS/$1-check.log t n m loaded=0 bad=()
  : > "$out"
  while read -r t n; do
    m=$(pg -At -c "SELECT count(*) FROM public.$t" 2>>"$out") || m=missing
    printf '%-10s source %9s target %9s\n' "$t" "$n" "$m" >> "$out"
    [ "$m" = missing ] || loaded=$((loaded + m))
    [ "$m" = "$n" ] || bad+=("$t: $m of $n rows")
  done < <(source_counts)
  local c name mq pq sv tv
  for c in "${CHECKS[@]}"; do
    IFS='|' read -r name mq pq <<< "$c"
    [ -n "${SOURCE_CHECK[$name]:-}" ] || SOURCE_CHECK[$name]=$(mdb -N -B -e "$mq")
    sv=${SOURCE_CHECK[$name]}
    tv=$(pg -At -c "$pq" 2>>"$out") || tv=error
    printf '%-24s source %-24s target %s\n' "$name" "$sv" "$tv" >> "$out"
    [ "$sv" = "$tv" ] || bad+=("$name differs")
  done
  put "$step.rows" "$loaded"
  if [ "${#bad[@]}" -eq 0 ]; then
    put "$step.check" "all $TOTAL_ROWS rows, sums match"
  elif [ "${#bad[@]}" -le 4 ]; then
    local IFS=';'; put "$step.check" "MISMATCH ($loaded of $TOTAL_ROWS rows): ${bad[*]}"
  else
    put "$step.check" "MISMATCH ($loaded of $TOTAL_ROWS rows): ${bad[0]}, ${bad[1]} and $(( ${#bad[@]} - 2 )) more"
  fi
  log "$step check: ${R[$step.check]} (details $out)"
}

# ---------------------------------------------------------------------------------------------------
# a. pgloader

run_pgloader() {
  local dir=$BENCH_DIR/pgloader cmd=$BENCH_DIR/pgloader/bench.load
  rm -rf "$dir" "$LOGS"/pgloader*; mkdir -p "$dir"
  local with="include drop, create tables, create indexes, reset sequences, foreign keys,
     downcase identifiers, uniquify index names,
     workers = $PGLOADER_WORKERS, concurrency = 1"
  [ -z "$PGLOADER_PREFETCH_ROWS" ] || with+=", prefetch rows = $PGLOADER_PREFETCH_ROWS"
  [ -z "$PGLOADER_BATCH_ROWS" ] || with+=", batch rows = $PGLOADER_BATCH_ROWS"
  # pgloader fills {{...}} from the environment: the file itself holds no password
  cat > "$cmd" <<EOF
-- written by bench/run.sh; pgloader's default casting rules
LOAD DATABASE
  FROM mysql://$DB_USER:{{BENCH_SRC_PASSWORD}}@127.0.0.1:$MARIADB_PORT/$DB_NAME
  INTO postgresql://$DB_USER:{{BENCH_TGT_PASSWORD}}@127.0.0.1:$PG_PORT/$DB_NAME
WITH $with
ALTER SCHEMA '$DB_NAME' RENAME TO 'public';
EOF
  reset_target
  log "pgloader: running ($PGLOADER_WORKERS workers${PGLOADER_PREFETCH_ROWS:+, prefetch rows $PGLOADER_PREFETCH_ROWS}${PGLOADER_BATCH_ROWS:+, batch rows $PGLOADER_BATCH_ROWS})"
  local t0 t1 rc=0
  t0=$(now)
  /usr/bin/time -v -o "$LOGS/pgloader.time" timeout -k 30 "$BENCH_TIMEOUT" \
    pgloader --root-dir "$dir" --logfile "$dir/pgloader.log" --summary "$dir/summary.txt" "$cmd" < /dev/null > "$LOGS/pgloader.out" 2>&1 || rc=$?
  t1=$(now)
  put pgloader.wall "$(secs "$t0" "$t1")"
  put pgloader.rss "$(peak_rss_mb "$LOGS/pgloader.time" 2>/dev/null || true)"
  put pgloader.rc "$rc"
  grep -qi 'heap exhausted' "$LOGS/pgloader.out" "$dir/pgloader.log" 2>/dev/null \
    && log "pgloader: SBCL heap exhausted; try a smaller PGLOADER_PREFETCH_ROWS (now ${PGLOADER_PREFETCH_ROWS:-pgloader default 100000}) and PGLOADER_BATCH_ROWS=5000"
  # pgloader's own summary: "Total import time  <errors or ✓>  <rows>  <bytes>  <time>"
  local errs
  errs=$(awk '/Total import time/ { print ($4 == "✓") ? 0 : $4 }' "$dir/summary.txt" 2>/dev/null | tail -1) || true
  [ ! -f "$dir/summary.txt" ] || cp "$dir/summary.txt" "$LOGS/pgloader-summary.txt"
  put pgloader.errors "${errs:-?}"
  log "pgloader: exit $rc in ${R[pgloader.wall]} s, peak RSS ${R[pgloader.rss]:-?} MB, pgloader-reported errors ${errs:-?} (log $LOGS/pgloader.out)"
  check_target pgloader
  pg -At -c "SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
             WHERE table_schema = 'public' ORDER BY table_name, ordinal_position" > "$LOGS/pgloader-types.txt" || true
}

# ---------------------------------------------------------------------------------------------------
# b. raw COPY baseline

export_sql() {  # SELECT list per table in the column order of baseline-schema.sql
  case $1 in
    customers) echo "id, first_name, last_name, email, country, birth_date, status, active, balance, created_at, updated_at" ;;
    orders)    echo "id, customer_id, amount, discount_rate, ordered_at, note, payload" ;;
    events)    echo "id, message, CONCAT('\\\\x', LOWER(HEX(uuid))), code, severity, at_time" ;;
    audit_log) echo "logged_at, actor, action, detail, score, client_ip" ;;
  esac
}

export_tables() {  # not timed: MariaDB writes tab-separated files with \N for NULL = COPY text format
  log "baseline: exporting tables to $MDB_EXPORT (not timed)"
  local t
  for t in "${TABLES[@]}"; do
    rm -f "$MDB_EXPORT/$t.tsv"
    mdb -e "SELECT $(export_sql "$t") INTO OUTFILE '$MDB_EXPORT/$t.tsv' CHARACTER SET utf8mb4
            FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' FROM \`$t\`"
  done
  du -ch "$MDB_EXPORT"/*.tsv | tail -1 | awk '{ print "[bench] export size " $1 }' >&2
}

copy_table() {  # copy_table TABLE: prints its seconds
  local t0 t1
  t0=$(now)
  pg -c "\\copy public.$1 FROM '$MDB_EXPORT/$1.tsv'" >> "$LOGS/baseline-copy.log" 2>&1 \
    || { log "baseline: COPY $1 failed, see $LOGS/baseline-copy.log"; return 1; }
  t1=$(now)
  echo "$1 $(secs "$t0" "$t1") s"
}

baseline_target() {
  reset_target
  pg -f "$HERE/baseline-schema.sql" >> "$LOGS/baseline-copy.log"
  pg_admin -d postgres -c 'CHECKPOINT' >/dev/null
}

run_baseline() {
  : > "$LOGS/baseline-copy.log"
  export_tables
  local t0 t1 t s per=""

  baseline_target
  log "baseline: COPY of the 4 tables one after the other"
  t0=$(now)
  for t in "${TABLES[@]}"; do s=$(copy_table "$t"); per+="${per:+, }$s"; done
  t1=$(now)
  put baseline_seq.wall "$(secs "$t0" "$t1")"
  put baseline_seq.detail "$per"
  log "baseline sequential: ${R[baseline_seq.wall]} s ($per)"
  check_target baseline_seq

  baseline_target
  log "baseline: COPY in 2 parallel lanes (orders | events, customers, audit_log)"
  local la lb
  t0=$(now)
  ( copy_table orders > "$LOGS/lane-a.txt" ) & la=$!
  ( for t in events customers audit_log; do copy_table "$t"; done > "$LOGS/lane-b.txt" ) & lb=$!
  wait "$la" && wait "$lb" || die "baseline parallel COPY failed"
  t1=$(now)
  put baseline_par.wall "$(secs "$t0" "$t1")"
  put baseline_par.detail "lane 1: $(paste -sd, "$LOGS/lane-a.txt"); lane 2: $(paste -sd, "$LOGS/lane-b.txt" | sed 's/,/, /g')"
  log "baseline 2 parallel: ${R[baseline_par.wall]} s (${R[baseline_par.detail]})"
  check_target baseline_par
}

# ---------------------------------------------------------------------------------------------------
# c. Bascule migrate

run_bascule() { run_migrate bascule; }
# d. Bascule migrate --no-verify: the same without the checksums, the verification and the certificate
run_noverify() { run_migrate noverify --no-verify; }

run_migrate() {  # run_migrate STEP [migrate option...]: figures under STEP.*
  local step=$1; shift
  local work=$BENCH_DIR/$step-work
  put $step.status ""; put $step.rc ""; put $step.check ""
  put $step.copy ""; put $step.constraints ""; put $step.verify ""; put $step.total ""
  if [ ! -f "$BASCULE_JAR" ]; then
    put $step.status "not run: no $BASCULE_JAR (mvn -B -ntp package -DskipTests)"
    log "$step: ${R[$step.status]}"; return 0
  fi
  rm -rf "$work" "$LOGS/$step".*; mkdir -p "$work"
  reset_target
  # the launcher's one-time preparation after a build (unpacked jar, class-data-sharing archive) is
  # not part of a migration: done here, untimed, if the jar changed since the last run
  BASCULE_JAR=$BASCULE_JAR "$REPO/bin/bascule" --version > "$LOGS/bascule-prepare.log" 2>&1 \
    || die "bin/bascule --version failed, see $LOGS/bascule-prepare.log"
  log "$step: JAVA_OPTS='-Xmx$BASCULE_XMX $BASCULE_JAVA_OPTS' bin/bascule migrate ... $*"
  local t0 t1 rc=0
  t0=$(now)
  BASCULE_SOURCE_PASSWORD=$BENCH_SRC_PASSWORD BASCULE_TARGET_PASSWORD=$BENCH_TGT_PASSWORD \
  BASCULE_JAR=$BASCULE_JAR JAVA_OPTS="-Xmx$BASCULE_XMX $BASCULE_JAVA_OPTS" \
  /usr/bin/time -v -o "$LOGS/$step.time" timeout -k 30 "$BENCH_TIMEOUT" \
    "$REPO/bin/bascule" migrate \
      --source-url "jdbc:mysql://127.0.0.1:$MARIADB_PORT/$DB_NAME" --source-user "$DB_USER" \
      --target-url "jdbc:postgresql://127.0.0.1:$PG_PORT/$DB_NAME" --target-user "$DB_USER" \
      --target-schema public --work-dir "$work" --yes "$@" \
    > "$LOGS/$step.out" 2>&1 || rc=$?
  t1=$(now)
  put $step.rc "$rc"
  put $step.wall "$(secs "$t0" "$t1")"
  put $step.rss "$(peak_rss_mb "$LOGS/$step.time" 2>/dev/null || true)"
  case $rc in
    0) put $step.status "exit 0" ;;
    3) put $step.status "migrate not built yet (exit 3, see $LOGS/$step.out)" ;;
    124) put $step.status "timed out after $BENCH_TIMEOUT s" ;;
    *) put $step.status "failed, exit $rc (see $LOGS/$step.out)" ;;
  esac
  log "$step: ${R[$step.status]}, ${R[$step.wall]} s, peak RSS ${R[$step.rss]:-?} MB"
  local cert=$work/gold-certificate.json
  if [ -f "$cert" ]; then
    cp "$cert" "$LOGS/$step-gold-certificate.json"
    put $step.copy "$(jq -r '.timings.copySeconds // empty' "$cert")"
    put $step.constraints "$(jq -r '.timings.constraintsSeconds // empty' "$cert")"
    put $step.verify "$(jq -r '.timings.verifySeconds // empty' "$cert")"
    put $step.total "$(jq -r '.timings.totalSeconds // empty' "$cert")"
    log "$step certificate: copy ${R[$step.copy]:-?} s, verify ${R[$step.verify]:-?} s, total ${R[$step.total]:-?} s"
  else
    # no certificate (--no-verify): the phases' times from the log (one decimal)
    put $step.copy "$(sed -n 's/.*Copy finished: [0-9]* rows in \([0-9.]*\) s.*/\1/p' "$LOGS/$step.out" | tail -1)"
    put $step.constraints "$(sed -n 's/.*triggers built: [0-9]* statements in \([0-9.]*\) s.*/\1/p' "$LOGS/$step.out" | tail -1)"
    log "$step: no certificate; from the log: copy ${R[$step.copy]:-?} s, keys ${R[$step.constraints]:-?} s"
  fi
  if [ "$rc" = 0 ]; then check_target "$step"; fi
}

# ---------------------------------------------------------------------------------------------------
# repeated measurements

# per step: figures reported as the median of the runs, as the maximum, and the others (last run's)
declare -A MEDIAN_KEYS=([pgloader]="pgloader.wall" [baseline]="baseline_seq.wall baseline_par.wall"
                        [bascule]="bascule.wall bascule.copy bascule.constraints bascule.verify bascule.total"
                        [noverify]="noverify.wall noverify.copy noverify.constraints")
declare -A MAX_KEYS=([pgloader]="pgloader.rss pgloader.errors" [baseline]="" [bascule]="bascule.rss" [noverify]="noverify.rss")
declare -A OTHER_KEYS=([pgloader]="pgloader.rc pgloader.rows pgloader.check"
                       [baseline]="baseline_seq.detail baseline_seq.check baseline_par.detail baseline_par.check"
                       [bascule]="bascule.status bascule.rc bascule.rows bascule.check"
                       [noverify]="noverify.status noverify.rc noverify.rows noverify.check")

numbers() { tr -s ' ' '\n' | { grep -E '^-?[0-9.]+$' || true; } | sort -g; }
median() { numbers | awk '{ v[NR] = $1 }
  END { if (NR % 2) print v[(NR + 1) / 2]; else if (NR) printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maximum() { numbers | tail -1; }

step_ok() {  # did the last run of STEP load every row correctly?
  case $1 in
    pgloader) [ "${R[pgloader.rc]:-}" = 0 ] && [[ ${R[pgloader.check]:-} == all* ]] ;;
    baseline) [[ ${R[baseline_seq.check]:-} == all* ]] && [[ ${R[baseline_par.check]:-} == all* ]] ;;
    bascule|noverify) [ "${R[$1.rc]:-}" = 0 ] && [[ ${R[$1.check]:-} == all* ]] ;;
  esac
}

measure() {  # measure STEP: run it BENCH_REPEAT times; medians of the times, maxima of RSS
  local step=$1 i k runs=0
  declare -A all=()
  for i in $(seq 1 "$BENCH_REPEAT"); do
    [ "$BENCH_REPEAT" = 1 ] || log "$step: run $i of $BENCH_REPEAT"
    "run_$step"
    runs=$i
    for k in ${MEDIAN_KEYS[$step]} ${MAX_KEYS[$step]}; do all[$k]+="${R[$k]:-} "; done
    # a run that went wrong is the news: report it as it is, without repeating
    step_ok "$step" || { [ "$BENCH_REPEAT" = 1 ] || log "$step: run $i went wrong, not repeated"; break; }
  done
  if [ "$runs" -gt 1 ] && step_ok "$step"; then
    for k in ${MEDIAN_KEYS[$step]}; do
      R[$k]=$(median <<< "${all[$k]}"); R[$k.runs]=$(echo "${all[$k]}" | xargs | sed 's| | / |g')
    done
    for k in ${MAX_KEYS[$step]}; do R[$k]=$(maximum <<< "${all[$k]}"); done
  fi
  local keys=()
  for k in ${MEDIAN_KEYS[$step]}; do keys+=("$k" "$k.runs"); done
  for k in ${MAX_KEYS[$step]} ${OTHER_KEYS[$step]}; do keys+=("$k"); done
  save_step "$step" "${keys[@]}"
}

# ---------------------------------------------------------------------------------------------------
# summary

facts() {
  local mem cpu
  mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  echo "- machine: $(nproc) cores, $mem RAM, CPU \"$cpu\", $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "- load average when the run started: $START_LOAD (1, 5, 15 min)"
  echo "- MariaDB: $(mariadbd --version | sed 's/.*Ver \([^ ]*\).*/\1/'), InnoDB buffer pool $MDB_BUFFER_POOL, flush_log_at_trx_commit=2, no binlog"
  echo "- PostgreSQL: $("$PG_BIN/postgres" --version | awk '{ print $3 }'), shared_buffers 1GB, max_wal_size 8GB, min_wal_size 2GB, fsync on, synchronous_commit on"
  command -v pgloader >/dev/null && echo "- pgloader: $(pgloader --version 2>/dev/null | head -1 | sed 's/pgloader version //; s/"//g') ($(pgloader --version 2>/dev/null | sed -n 2p))"
  echo "- java: $(java -version 2>&1 | head -1)"
  echo "- bascule: $BASCULE_JAR, repo at $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' + uncommitted changes')"
  echo "- dataset: scale $BENCH_SCALE, $TOTAL_ROWS rows (${R[dataset_counts]}), version $DATASET_VERSION, built in ${R[dataset_build_seconds]:-?} s"
}

runs_note() {  # runs_note KEY: "median of 3 runs (a / b / c); " when the step was repeated
  local r=${R[$1.runs]:-}
  [ -z "$r" ] || echo "median of $(( $(grep -o ' / ' <<< "$r" | wc -l) + 1 )) runs ($r); "
}

row() {  # row TOOL WALL RSS NOTE [norate]
  local wall=${2:-} rss=${3:-} r=-
  if [ -n "$wall" ] && [ "${5:-}" != norate ]; then r=$(rate "$TOTAL_ROWS" "$wall"); fi
  printf '| %s | %s | %s | %s | %s |\n' "$1" "${wall:--}" "$r" "${rss:--}" "$4"
}

target_line() {  # target_line TEXT VALUE LIMIT: "met" when VALUE <= LIMIT
  if [ -z "$2" ] || [ -z "$3" ]; then echo "- $1: not measured"; return; fi
  local verdict; verdict=$(awk -v v="$2" -v l="$3" 'BEGIN { print (v <= l) ? "met" : "NOT met" }')
  echo "- $1: $2 vs limit $3 -> $verdict"
}

summary() {
  want pgloader || load_step pgloader
  want baseline || load_step baseline
  want bascule || load_step bascule
  want noverify || load_step noverify
  local from_pgl=${R[pgloader.from]:+ (${R[pgloader.from]})} from_bl=${R[baseline.from]:+ (${R[baseline.from]})}
  local from_bc=${R[bascule.from]:+ (${R[bascule.from]})}
  echo "| tool | wall s | rows/s | peak RSS MB | notes |"
  echo "|---|---:|---:|---:|---|"
  [ -z "${R[pgloader.wall]:-}" ] || row "pgloader ($PGLOADER_WORKERS workers)" "${R[pgloader.wall]}" "${R[pgloader.rss]:-}" \
    "$(runs_note pgloader.wall)exit ${R[pgloader.rc]}, pgloader errors ${R[pgloader.errors]}; ${R[pgloader.check]}$from_pgl"
  [ -z "${R[baseline_seq.wall]:-}" ] || row "COPY baseline, sequential" "${R[baseline_seq.wall]}" "" \
    "$(runs_note baseline_seq.wall)psql \\copy over TCP, PKs in place; ${R[baseline_seq.detail]}; ${R[baseline_seq.check]}$from_bl"
  [ -z "${R[baseline_par.wall]:-}" ] || row "COPY baseline, 2 parallel" "${R[baseline_par.wall]}" "" \
    "$(runs_note baseline_par.wall)${R[baseline_par.detail]}; ${R[baseline_par.check]}$from_bl"
  if [ -n "${R[bascule.status]:-}" ]; then
    if [ "${R[bascule.rc]:-}" = 0 ]; then
      row "Bascule migrate (-Xmx$BASCULE_XMX)" "${R[bascule.wall]}" "${R[bascule.rss]:-}" "$(runs_note bascule.wall)${R[bascule.check]:-}$from_bc"
      [ -z "${R[bascule.copy]:-}" ] || row "Bascule copy phase" "${R[bascule.copy]}" "" "$(runs_note bascule.copy)from gold-certificate.json"
      [ -z "${R[bascule.constraints]:-}" ] || row "Bascule indexes/constraints phase" "${R[bascule.constraints]}" "" "$(runs_note bascule.constraints)from gold-certificate.json" norate
      [ -z "${R[bascule.verify]:-}" ] || row "Bascule verify phase" "${R[bascule.verify]}" "" "$(runs_note bascule.verify)from gold-certificate.json"
      [ -z "${R[bascule.total]:-}" ] || row "Bascule start-up and the rest" \
        "$(awk -v w="${R[bascule.wall]}" -v t="${R[bascule.total]}" 'BEGIN { printf "%.1f", w - t }')" "" \
        "wall minus totalSeconds: JVM, Spring, engine, exit; $(awk -v w="${R[bascule.wall]}" -v t="${R[bascule.total]}" \
        'BEGIN { if (w > 0) printf "%.0f", 100 * (w - t) / w; else printf "?" }') % of the migrate's wall time" norate
      [ -z "${R[bascule.verify]:-}" ] || row "Bascule migrate minus its verify phase" \
        "$(awk -v w="${R[bascule.wall]}" -v v="${R[bascule.verify]}" 'BEGIN { printf "%.1f", w - v }')" "" "wall minus verify phase (the copy still takes the source checksums)"
    else
      row "Bascule migrate" "" "" "${R[bascule.status]}$from_bc"
    fi
  fi
  local from_nv=${R[noverify.from]:+ (${R[noverify.from]})}
  if [ -n "${R[noverify.status]:-}" ]; then
    if [ "${R[noverify.rc]:-}" = 0 ]; then
      row "Bascule migrate --no-verify (-Xmx$BASCULE_XMX)" "${R[noverify.wall]}" "${R[noverify.rss]:-}" "$(runs_note noverify.wall)no checksums, no verification, no certificate; ${R[noverify.check]:-}$from_nv"
      [ -z "${R[noverify.copy]:-}" ] || row "its copy phase" "${R[noverify.copy]}" "" "$(runs_note noverify.copy)from its log"
      [ -z "${R[noverify.constraints]:-}" ] || row "its indexes/constraints phase" "${R[noverify.constraints]}" "" "$(runs_note noverify.constraints)from its log" norate
    else
      row "Bascule migrate --no-verify" "" "" "${R[noverify.status]}$from_nv"
    fi
  fi
  echo
  echo "Targets:"
  local pgl=${R[pgloader.wall]:-} base=${R[baseline_seq.wall]:-} bw="" bnv="" bc="" brss=""
  if [ "${R[bascule.rc]:-}" = 0 ]; then
    bw=${R[bascule.wall]}; bc=${R[bascule.copy]:-}; brss=${R[bascule.rss]:-}
    [ -z "${R[bascule.verify]:-}" ] || bnv=$(awk -v w="$bw" -v v="${R[bascule.verify]}" 'BEGIN { printf "%.1f", w - v }')
  fi
  target_line "Bascule whole migrate <= 2/3 of pgloader (s)" "$bw" "$( [ -n "$pgl" ] && awk -v p="$pgl" 'BEGIN { printf "%.1f", p * 2 / 3 }')"
  local half; half=$( [ -n "$pgl" ] && awk -v p="$pgl" 'BEGIN { printf "%.1f", p / 2 }')
  target_line "Bascule without verification (migrate --no-verify) <= 1/2 of pgloader (s)" \
    "$( [ "${R[noverify.rc]:-}" = 0 ] && [[ ${R[noverify.check]:-} == all* ]] && echo "${R[noverify.wall]}")" "$half"
  target_line "Bascule migrate minus its verify phase <= 1/2 of pgloader (s)" "$bnv" "$half"
  target_line "Bascule copy phase <= 1.5x sequential COPY baseline (s)" "$bc" "$( [ -n "$base" ] && awk -v b="$base" 'BEGIN { printf "%.1f", b * 1.5 }')"
  target_line "Bascule peak RSS < 1024 MB with -Xmx$BASCULE_XMX (MB)" "$brss" "1023"
  local st
  for st in bascule noverify; do
    case ${R[$st.check]:-} in
      ""|all*) ;;
      *) echo "- WARNING: Bascule's target ($st) does not match the source (${R[$st.check]}): its timings do not count" ;;
    esac
  done
}

# ---------------------------------------------------------------------------------------------------
# main

stop_leftovers
start_mariadb
start_postgres
warm_postgres
ensure_dataset

want pgloader && measure pgloader
want baseline && measure baseline
want bascule && measure bascule
want noverify && measure noverify

if [ "${STEPS[*]}" = dataset ]; then log "dataset ready"; exit 0; fi
if [ "${STEPS[*]}" = hold ]; then
  # for profiling: run BENCH_HOLD_CMD (default: wait for Ctrl-C) with the servers up; the command sees
  # BENCH_SRC_PASSWORD, BENCH_TGT_PASSWORD, BENCH_MARIADB_PORT and BENCH_PG_PORT in its environment
  log "servers up: MariaDB 127.0.0.1:$MARIADB_PORT, PostgreSQL 127.0.0.1:$PG_PORT, user $DB_USER, database $DB_NAME"
  BENCH_MARIADB_PORT=$MARIADB_PORT BENCH_PG_PORT=$PG_PORT bash -c "${BENCH_HOLD_CMD:-sleep infinity}"
  exit $?
fi

host=$(hostname -s 2>/dev/null || cat /proc/sys/kernel/hostname)
results=$RESULTS_DIR/$(date +%Y-%m-%d)-$host.md
table=$(summary)
machine=$(facts)
{
  [ -s "$results" ] || printf '# Bascule benchmark results, %s on %s\n\nWritten by bench/run.sh; see docs/benchmarks.md.\n' "$(date +%Y-%m-%d)" "$host"
  printf '\n## Run of %s, steps: %s\n\n%s\n\n%s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "${STEPS[*]}" "$machine" "$table"
} >> "$results"

echo
echo "$machine"
echo
echo "$table"
echo
log "results appended to $results; logs in $LOGS"
