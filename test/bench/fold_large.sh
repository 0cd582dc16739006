#!/bin/bash
# What a fold costs at 100,000 members with 256 pending batch acks: the
# watermark vector brought up to date from what moved (0.6 storage and
# later, library 0.7.1) against rebuilt from a scan of the whole roster
# (what the same library still does on 0.5 storage, and did everywhere
# before 0.7.1).  Two databases on one throwaway cluster, one created at
# extension version 0.5 and one at the current version, each a group of
# 100,000 members and 2,000 messages, every member acked once and folded,
# then VACUUM ANALYZE; then [rounds] alternating rounds: 256 members ack
# further, then fold(1) is timed (one transaction each).  Prints the median
# fold time of each and their ratio; writes nothing to the repository.
#   test/bench/fold_large.sh [rounds]   (default 15)
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/fold_large.sh" -o "shared_buffers=512MB" -- "$@"
ROUNDS=${1:-15}
PSQL="psql -X -q -At -v ON_ERROR_STOP=1"
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

for v in 0.5 current; do
  db=fold_${v/./_}
  createdb "$db"
  if [ "$v" = current ]; then $PSQL -d "$db" -c "CREATE EXTENSION groupreceipt"
  else $PSQL -d "$db" -c "CREATE EXTENSION groupreceipt VERSION '$v'"; fi
  $PSQL -d "$db" > /dev/null <<'SQL'
SELECT groupreceipt.add_members(1, ARRAY(SELECT generate_series(1, 100000)::bigint));
SELECT count(groupreceipt.post(1, m, 1)) FROM generate_series(1, 2000) m;
SELECT count(*) FROM generate_series(2, 100000) u, groupreceipt.ack(1, u, 1);
SELECT groupreceipt.fold(1);
VACUUM ANALYZE;
SQL
done

for r in $(seq 1 "$ROUNDS"); do
  for v in 0.5 current; do
    ms=$($PSQL -d "fold_${v/./_}" <<SQL
SELECT count(*) FROM generate_series($((r * 256)), $((r * 256 + 255))) u, groupreceipt.ack(1, u, $((r + 1))) \gset
SELECT clock_timestamp() AS t0 \gset
SELECT groupreceipt.fold(1) >= 0 AS folded \gset
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric * 1000, 2);
SQL
)
    echo "$v $ms" >> "$RESULTS"
    echo "  round $r $v: $ms ms"
  done
done
old=$(awk '$1 == "0.5" {print $2}' "$RESULTS" | gr_median)
new=$(awk '$1 == "current" {print $2}' "$RESULTS" | gr_median)
echo "fold at 100,000 members, 256 pending acks, median of $ROUNDS: rebuilt from the roster (0.5 storage) $old ms, updated from what moved (current) $new ms; ratio $(awk -v a="$old" -v b="$new" 'BEGIN {printf "%.2f", a / b}')"
