#!/bin/bash
# What the archiving trigger costs a post when it does no archiving: posts
# into 16 groups of 640 with the trigger enabled and disabled
# (ALTER TABLE ... DISABLE TRIGGER), 16 clients, -M prepared, alternating
# rounds of 5 s in one run on a throwaway cluster.
#   test/bench/trigger_cost.sh [rounds]   (default 4)
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
if [ -z "${GROUPRECEIPT_BENCH_INNER:-}" ]; then
  export GROUPRECEIPT_BENCH_INNER=1
  exec pg_virtualenv -t -o "shared_buffers=512MB" "$BENCH_DIR/trigger_cost.sh" "$@"
fi
ROUNDS=${1:-4}
PSQL="psql -X -q -v ON_ERROR_STOP=1"
$PSQL -c "CREATE EXTENSION groupreceipt" -c "CREATE SEQUENCE bench_msgid START 1000" \
  -c "SELECT count(groupreceipt.add_members(100 + g, ARRAY(SELECT generate_series(1, 640)::bigint))) FROM generate_series(1, 16) g" >/dev/null
tps() {
  pgbench -n -M prepared -c 16 -j 2 -T 5 -f pgbench/post_groupreceipt.sql postgres 2>&1 \
    | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | head -1
}
for r in $(seq 1 "$ROUNDS"); do
  on=$(tps)
  $PSQL -c "ALTER TABLE groupreceipt.messages DISABLE TRIGGER archive_by_retention"
  off=$(tps)
  $PSQL -c "ALTER TABLE groupreceipt.messages ENABLE TRIGGER archive_by_retention"
  printf 'round %d: trigger enabled %10.1f tps, disabled %10.1f tps\n' "$r" "$on" "$off"
done
