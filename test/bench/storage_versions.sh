#!/bin/bash
# The same library on two storage versions side by side in one cluster
# (default 0.4, every message a row, and 0.5, older messages sealed into
# blocks; GR_VERSIONS="0.7 0.8": the logs as tables and as rows of store):
# batch acks that walk up through a group's messages (run.sh's batch-ack
# script: 640 members, each transaction acks 10 more messages), then
# unread_counts of 20 messages (run.sh's counts script) with the acks'
# pending rows, three alternating rounds each, tps.  On 0.5 and later the
# folds the acks run seal the group as they go, so most acks read sealed
# blocks.  No assertion: the numbers are the result.
#   [GR_VERSIONS="a b"] test/bench/storage_versions.sh [messages] [transactions per client]   (default 12000 150)
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/storage_versions.sh" -- "$@"
read -r -a VERSIONS <<< "${GR_VERSIONS:-0.4 0.5}"
[ ${#VERSIONS[@]} -eq 2 ] || { echo "GR_VERSIONS: two versions" >&2; exit 2; }
A=${VERSIONS[0]}
B=${VERSIONS[1]}
MSGS=${1:-12000}
TX=${2:-150}
PSQL="psql -X -q -At -v ON_ERROR_STOP=1"
for v in "$A" "$B"; do
  db=ack_${v/./_}
  createdb "$db"
  $PSQL -d "$db" -c "CREATE EXTENSION groupreceipt VERSION '$v'"
  $PSQL -d "$db" -c "SELECT groupreceipt.add_members(200, ARRAY(SELECT generate_series(1, 640)::bigint))" > /dev/null
  $PSQL -d "$db" -c "SELECT count(groupreceipt.post(200, m, 640)) FROM generate_series(1, $MSGS) m" > /dev/null
done
declare -A tps
echo "| workload | round | $A storage tps | $B storage tps | $B / $A |"
echo "|---|---:|---:|---:|---:|"
for r in 1 2 3; do
  for v in "$A" "$B"; do
    tps[$v]=$(pgbench -n -M prepared -c 16 -j 2 -t "$TX" -D upto=$(( (r - 1) * TX * 10 )) \
              -f pgbench/ack_groupreceipt.sql "ack_${v/./_}" 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  done
  echo "| batch ack | $r | ${tps[$A]} | ${tps[$B]} | $(awk -v a="${tps[$B]}" -v b="${tps[$A]}" 'BEGIN { printf "%.2f", a / b }') |"
done
for r in 1 2 3; do
  for v in "$A" "$B"; do
    tps[$v]=$(pgbench -n -M prepared -c 16 -j 2 -T 8 -D gid=200 -D cmsgs="$MSGS" \
              -f pgbench/counts_groupreceipt.sql "ack_${v/./_}" 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  done
  echo "| unread_counts(20) | $r | ${tps[$A]} | ${tps[$B]} | $(awk -v a="${tps[$B]}" -v b="${tps[$A]}" 'BEGIN { printf "%.2f", a / b }') |"
done
echo
for v in "$A" "$B"; do
  db=ack_${v/./_}
  if [ "$($PSQL -d "$db" -c "SELECT to_regclass('groupreceipt.store') IS NOT NULL")" = t ]; then
    echo "$v: $($PSQL -d "$db" -c "SELECT count(*) || ' blocks holding ' || coalesce(sum(messages), 0) || ' messages' FROM groupreceipt._blocks(200)")," \
         "$($PSQL -d "$db" -c "SELECT count(*) FROM groupreceipt.messages WHERE gid = 200") tail rows"
  else
    echo "$v: $($PSQL -d "$db" -c "SELECT count(*) FROM groupreceipt.messages WHERE gid = 200") message rows"
  fi
done
