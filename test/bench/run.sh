#!/bin/bash
# The benchmark: groupreceipt against the source articles' schemes and the
# floor, side by side in one run, on a throwaway cluster (pg_virtualenv).
#
#   test/bench/run.sh            full run (about 15 minutes): writes
#                                test/bench/results/latest.md, results.csv, *.png
#   test/bench/run.sh --smoke    tiny sizes and runs, checks every script works
#                                (used by the test suite; asserts no timing)
#
# Load: pgbench, 16 clients, -M prepared; competitors alternate within each
# round; every reported figure is a ratio of medians measured in this run.
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)

MODE=full
[ "${1:-}" = "--smoke" ] && MODE=smoke

. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/run.sh" -o "shared_buffers=512MB" -o "max_connections=100" \
  -o "synchronous_commit=on" -- "$@"

if [ "$MODE" = smoke ]; then
  CLIENTS=4; ROUNDS=1; SECONDS_PER_RUN=1; ACK_TX=5
  ACK_MSGS=$((ROUNDS * ACK_TX * 10 + 10)); COUNT_MSGS=100; BURST_MEMBERS=500
  STORAGE_MSGS=64; BIG_MEMBERS=1000; OUT=$(mktemp -d)
else
  CLIENTS=16; ROUNDS=5; SECONDS_PER_RUN=5; ACK_TX=150
  ACK_MSGS=$((ROUNDS * ACK_TX * 10 + 10)); COUNT_MSGS=2000; BURST_MEMBERS=10000
  STORAGE_MSGS=4096; BIG_MEMBERS=100000; OUT=$BENCH_DIR/results
fi
mkdir -p "$OUT"
CSV=$OUT/results.csv
echo "workload,scheme,round,tps" > "$CSV"

PSQL="psql -X -q -v ON_ERROR_STOP=1"
createdb bench
$PSQL -d bench -c "CREATE EXTENSION groupreceipt"
$PSQL -d bench -f schemes.sql
echo "== loading workload data ($MODE)"
$PSQL -d bench -v ack_msgs=$ACK_MSGS -v count_msgs=$COUNT_MSGS -v burst_members=$BURST_MEMBERS \
  -v big_members=$BIG_MEMBERS \
  -f setup.sql > /dev/null

# run_one WORKLOAD SCHEME ROUND [pgbench options...]: appends the tps
run_one() {
  local workload=$1 scheme=$2 round=$3; shift 3
  local log tps
  log=$(pgbench -n -M prepared -c "$CLIENTS" -j 2 "$@" \
        -D burst_members=$BURST_MEMBERS -D count_msgs=$COUNT_MSGS \
        -f "pgbench/${workload%%_*}_${scheme}.sql" bench 2>&1) || {
    echo "$log" >&2; echo "pgbench failed: $workload $scheme" >&2; exit 1; }
  if echo "$log" | grep -q "aborted"; then
    echo "$log" >&2; echo "pgbench clients aborted: $workload $scheme" >&2; exit 1
  fi
  tps=$(echo "$log" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | head -1)
  echo "$workload,$scheme,$round,$tps" >> "$CSV"
  printf '  %-14s %-14s round %d: %10.1f tps\n' "$workload" "$scheme" "$round" "$tps"
}

echo "== throughput ($CLIENTS clients, -M prepared, alternating)"
for r in $(seq 1 "$ROUNDS"); do
  for s in groupreceipt msg_acks floor_insert; do
    run_one post "$s" "$r" -T "$SECONDS_PER_RUN"
  done
  for s in groupreceipt msg_acks floor_update; do
    run_one ack "$s" "$r" -t "$ACK_TX" -D upto=$(( (r - 1) * ACK_TX * 10 ))
  done
  for s in groupreceipt bitmap_rows msg_acks; do
    run_one burst "$s" "$r" -T "$SECONDS_PER_RUN"
  done
  for s in groupreceipt bitmap_rows msg_acks; do
    run_one counts "$s" "$r" -T "$SECONDS_PER_RUN" -D gid=400 -D cmsgs=$COUNT_MSGS
  done
  for s in groupreceipt bitmap_rows; do
    run_one counts_big "$s" "$r" -T "$SECONDS_PER_RUN" -D gid=500 -D cmsgs=40
  done
  for s in groupreceipt bitmap_rows msg_acks; do
    run_one lists_640 "$s" "$r" -T "$SECONDS_PER_RUN" -D gid=400 -D list_msgs=$COUNT_MSGS
  done
  for s in groupreceipt bitmap_rows msg_acks; do
    run_one lists_10k "$s" "$r" -T "$SECONDS_PER_RUN" -D gid=300 -D list_msgs=64
  done
  for s in groupreceipt bitmap_rows; do
    run_one lists_big "$s" "$r" -T "$SECONDS_PER_RUN" -D gid=500 -D list_msgs=40
  done
done

echo "== storage (640 members x $STORAGE_MSGS messages)"
createdb bench_storage
$PSQL -d bench_storage -c "CREATE EXTENSION groupreceipt"
$PSQL -d bench_storage -f schemes.sql
for state in nobody half everybody; do
  $PSQL -d bench_storage -v state=$state -v nmembers=640 -v nmsgs=$STORAGE_MSGS \
    -f storage_compare.sql > /dev/null
done

echo "== report"
$PSQL -d bench -c "CREATE TABLE bench_tps (workload text, scheme text, round int, tps numeric)"
$PSQL -d bench -c "\\copy bench_tps FROM '$CSV' WITH (FORMAT csv, HEADER)"
$PSQL -d bench_storage -At -c "COPY bench_storage TO STDOUT WITH (FORMAT csv)" > "$OUT/storage.csv"
$PSQL -d bench -c "CREATE TABLE bench_storage (state text, scheme text, bytes bigint, per_msg numeric)"
$PSQL -d bench -c "\\copy bench_storage FROM '$OUT/storage.csv' WITH (FORMAT csv)"
# the source tree the installed library is meant to be built from (the
# SQL version alone does not say which library ran: 0.4.1 is SQL 0.4)
TREE_VERSION=$(sed -n 's/^   "version": "\(.*\)",$/\1/p' ../../META.json | head -1)
TREE_COMMIT=$(git -C ../.. rev-parse --short HEAD 2>/dev/null || echo "no git")
$PSQL -d bench -At -v mode=$MODE -v clients=$CLIENTS -v rounds=$ROUNDS -v secs=$SECONDS_PER_RUN \
  -v storage_msgs=$STORAGE_MSGS -v big_members=$BIG_MEMBERS \
  -v tree="$TREE_VERSION at $TREE_COMMIT" -f report.sql > "$OUT/latest.md"
cat "$OUT/latest.md"

if [ "$MODE" = full ] && command -v gnuplot >/dev/null; then
  $PSQL -d bench -At -F ' ' -f chart_data.sql > "$OUT/ratios.dat"
  gnuplot -e "datafile='$OUT/ratios.dat'; outfile='$OUT/ratios.png'" chart.gp
  echo "chart: $OUT/ratios.png"
fi
[ "$MODE" = smoke ] && rm -rf "$OUT"
echo "== benchmark done ($MODE)"
