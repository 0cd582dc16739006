#!/bin/bash
# Sharding benchmark: the API called on one node vs through the PL/Proxy
# front to four partition databases, same server, same data, same pgbench
# scripts, alternating in one run.  Reports the ratio proxied / one node.
#
#   test/bench/proxy_bench.sh          full run (about 2 minutes): writes
#                                      test/bench/results/proxy.md and proxy.csv
#   test/bench/proxy_bench.sh --smoke  tiny run, checks the scripts work
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
MODE=full
[ "${1:-}" = "--smoke" ] && MODE=smoke

. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/proxy_bench.sh" -o "max_connections=200" -o "shared_buffers=256MB" -- "$@"

if [ "$MODE" = smoke ]; then
  CLIENTS=4; ROUNDS=1; SECS=1; NMSGS=40; OUT=$(mktemp -d)
else
  CLIENTS=16; ROUNDS=3; SECS=8; NMSGS=200; OUT=$BENCH_DIR/results
fi
mkdir -p "$OUT"
CSV=$OUT/proxy.csv
echo "workload,topology,round,tps" > "$CSV"
PSQL="psql -X -q -v ON_ERROR_STOP=1"

createdb single
$PSQL -d single -c "CREATE EXTENSION groupreceipt"
for p in 0 1 2 3; do
  createdb gr_part$p
  $PSQL -d gr_part$p -c "CREATE EXTENSION groupreceipt"
done
createdb gr_proxy
$PSQL -d gr_proxy -v port="$PGPORT" -v user="$PGUSER" -v password="$PGPASSWORD" -f proxy/cluster.sql >/dev/null
echo "== loading 64 groups x 64 members x $NMSGS messages, on one node and through the proxy"
for db in single gr_proxy; do
  $PSQL -d $db -v nmsgs=$NMSGS -f proxy/load.sql >/dev/null
done

run_one() {
  local workload=$1 topo=$2 db=$3 round=$4 log tps
  log=$(pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$SECS" -D nmsgs=$NMSGS \
        -f "proxy/$workload.sql" "$db" 2>&1) || { echo "$log" >&2; exit 1; }
  if echo "$log" | grep -q "aborted"; then echo "$log" >&2; exit 1; fi
  tps=$(echo "$log" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | head -1)
  echo "$workload,$topo,$round,$tps" >> "$CSV"
  printf '  %-8s %-8s round %d: %10.1f tps\n' "$workload" "$topo" "$round" "$tps"
}

echo "== throughput ($CLIENTS clients, -M prepared, ${SECS}s per run, alternating)"
for r in $(seq 1 "$ROUNDS"); do
  for w in post ack counts; do
    run_one $w single single "$r"
    run_one $w proxied gr_proxy "$r"
  done
done

$PSQL -d single -c "CREATE TABLE t (workload text, topology text, round int, tps numeric)"
$PSQL -d single -c "\\copy t FROM '$CSV' WITH (FORMAT csv, HEADER)"
$PSQL -d single -At > "$OUT/proxy.md" <<SQL
SELECT '| workload | one node (tps, median) | proxied, 4 partitions (tps, median) | proxied / one node |';
SELECT '|---|---|---|---|';
WITH m AS (
  SELECT workload, topology, percentile_cont(0.5) WITHIN GROUP (ORDER BY tps) AS tps
    FROM t GROUP BY 1, 2)
SELECT format('| %s | %s | %s | %s |', s.workload, round(s.tps::numeric), round(p.tps::numeric),
              round((p.tps / s.tps)::numeric, 2))
  FROM m s JOIN m p ON p.workload = s.workload AND p.topology = 'proxied'
 WHERE s.topology = 'single'
 ORDER BY array_position(ARRAY['post', 'ack', 'counts'], s.workload);
SQL
echo "post: one message per call into 64 groups of 64; ack: ack_msgs of one random message; counts: unread_counts of 20 messages. $CLIENTS clients, $ROUNDS rounds of ${SECS}s, $MODE mode." >> "$OUT/proxy.md"
cat "$OUT/proxy.md"
[ "$MODE" = smoke ] && rm -rf "$OUT"
echo "== proxy benchmark done ($MODE)"
