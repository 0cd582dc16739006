#!/bin/bash
# The same library on 0.4 storage (every message a row) and on 0.5 storage
# (older messages sealed into blocks), side by side in one cluster: batch
# acks that walk up through a group's messages (run.sh's batch-ack script:
# 640 members, each transaction acks 10 more messages), three alternating
# rounds, tps.  On 0.5 the folds the acks run seal the group as they go, so
# most acks read sealed blocks.  No assertion: the numbers are the result.
#   test/bench/storage_versions.sh [messages] [transactions per client]   (default 12000 150)
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/storage_versions.sh" -- "$@"
MSGS=${1:-12000}
TX=${2:-150}
PSQL="psql -X -q -At -v ON_ERROR_STOP=1"
for v in 0.4 0.5; do
  db=ack_${v/./_}
  createdb "$db"
  $PSQL -d "$db" -c "CREATE EXTENSION groupreceipt VERSION '$v'"
  $PSQL -d "$db" -c "SELECT groupreceipt.add_members(200, ARRAY(SELECT generate_series(1, 640)::bigint))" > /dev/null
  $PSQL -d "$db" -c "SELECT count(groupreceipt.post(200, m, 640)) FROM generate_series(1, $MSGS) m" > /dev/null
done
echo "| round | 0.4 storage tps | 0.5 storage tps | 0.5 / 0.4 |"
echo "|---:|---:|---:|---:|"
for r in 1 2 3; do
  declare -A tps
  for v in 0.4 0.5; do
    db=ack_${v/./_}
    tps[$v]=$(pgbench -n -M prepared -c 16 -j 2 -t "$TX" -D upto=$(( (r - 1) * TX * 10 )) \
              -f pgbench/ack_groupreceipt.sql "$db" 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  done
  echo "| $r | ${tps[0.4]} | ${tps[0.5]} | $(awk -v a="${tps[0.5]}" -v b="${tps[0.4]}" 'BEGIN { printf "%.2f", a / b }') |"
done
echo
echo "0.5: $($PSQL -d ack_0_5 -c "SELECT count(*) || ' blocks holding ' || sum(messages) || ' messages' FROM groupreceipt._blocks(200)")," \
     "$($PSQL -d ack_0_5 -c "SELECT count(*) FROM groupreceipt.messages WHERE gid = 200") tail rows"
