#!/bin/bash
# Peak backend memory of the query path on a 100,000-member group (issue 5/6):
# each call runs in a fresh backend that first read every page of the
# extension's tables, btree indexes and TOAST (pgstattuple), so
# the growth of the backend's peak resident size (VmHWM) during the call is
# its private memory peak (palloc, the result tuplestore, catalog caches),
# not shared pages it touched for the first time.  Writes test/bench/results/memory.md.
#   test/bench/memory.sh [members]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/memory.sh" -o "shared_buffers=256MB" -- "$@"
N=${1:-100000}
OUT=$BENCH_DIR/results/memory.md
PSQL="psql -X -q -At -v ON_ERROR_STOP=1"
$PSQL -c "CREATE EXTENSION groupreceipt" -c "CREATE EXTENSION pgstattuple"
echo "== group of $N members, 20 messages, half of the members read everything"
$PSQL <<SQL
SELECT groupreceipt.add_members(1, ARRAY(SELECT generate_series(1, $N)::bigint));
SELECT count(groupreceipt.post(1, m, 1)) FROM generate_series(1, 20) m;
SELECT count(*) FROM generate_series(2, $N, 2) u, groupreceipt.ack(1, u, 20);
SELECT count(*) FROM generate_series(3, $N, 1000) u, groupreceipt.ack_msgs(1, u, ARRAY[5, 7]);
SQL

# measure LABEL SQL: peak RSS growth of a fresh backend while running SQL
measure() {
  local label=$1 sql=$2 pid before after

  {
    # this backend first reads every page of the extension's tables, btree
    # indexes and TOAST (pgstattuple reads each page's contents), so the
    # shared-buffer pages the call touches are already in its resident
    # size: the growth is private memory, whatever access path it takes
    echo "SELECT count(*) FROM pg_class c, LATERAL pgstattuple(c.oid)"
    echo " WHERE c.oid IN (SELECT r.oid FROM pg_class r WHERE r.relnamespace = 'groupreceipt'::regnamespace AND r.relkind = 'r'"
    echo "                 UNION ALL SELECT r.reltoastrelid FROM pg_class r WHERE r.relnamespace = 'groupreceipt'::regnamespace AND r.reltoastrelid <> 0"
    echo "                 UNION ALL SELECT i.indexrelid FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid OR r.reltoastrelid = i.indrelid"
    echo "                           JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam"
    echo "                           WHERE r.relnamespace = 'groupreceipt'::regnamespace AND am.amname = 'btree');"
    echo "SELECT format('COPY (SELECT 1) TO PROGRAM %L', 'grep VmHWM /proc/' || pg_backend_pid() || '/status | tr -s \" \" | cut -d\" \" -f2 > /tmp/gr_mem_before') \\gexec"
    echo "$sql"
    echo "SELECT format('COPY (SELECT 1) TO PROGRAM %L', 'grep VmHWM /proc/' || pg_backend_pid() || '/status | tr -s \" \" | cut -d\" \" -f2 > /tmp/gr_mem_after') \\gexec"
  } | $PSQL >/dev/null
  before=$(cat /tmp/gr_mem_before); after=$(cat /tmp/gr_mem_after)
  printf '| %s | %s | %s | %s |\n' "$label" "$before" "$after" "$((after - before))" | tee -a "$OUT"
}

{
  echo "Peak backend memory on a $N-member group (VmHWM growth during the call, kB; fresh backend that first read every page of the extension's tables, btree indexes and TOAST with pgstattuple). Command: \`test/bench/memory.sh\`."
  echo
  echo "| call | VmHWM before (kB) | after (kB) | growth (kB) |"
  echo "|---|---|---|---|"
} > "$OUT"
measure "unread_counts, 20 messages" "SELECT count(*) FROM groupreceipt.unread_counts(1, ARRAY(SELECT generate_series(1, 20)::bigint));"
# the same backend's first three calls: the vector kept from the first
# (0.4.1), the snapshot's sorted watermarks built by the second, used by
# the third -- what the backend holds after them, not one call's peak
measure "unread_counts, 20 messages, three calls in one backend (kept vector, sorted watermarks)" "SELECT count(*) FROM groupreceipt.unread_counts(1, ARRAY(SELECT generate_series(1, 20)::bigint)); SELECT count(*) FROM groupreceipt.unread_counts(1, ARRAY(SELECT generate_series(1, 20)::bigint)); SELECT count(*) FROM groupreceipt.unread_counts(1, ARRAY(SELECT generate_series(1, 20)::bigint));"
measure "readers of one message" "SELECT count(*) FROM groupreceipt.readers(1, 10);"
measure "non_readers of one message" "SELECT count(*) FROM groupreceipt.non_readers(1, 10);"
measure "member_unread" "SELECT groupreceipt.member_unread(1, 3);"
measure "baseline: count(*) of the roster in SQL" "SELECT count(*) FROM groupreceipt.members WHERE gid = 1 AND active;"
rm -f /tmp/gr_mem_before /tmp/gr_mem_after
cat "$OUT"
