#!/bin/bash
# Where groupreceipt's bytes go: run.sh's storage measurement
# (storage_compare.sql: 640 members x 4096 messages, nobody / half /
# everybody read, all tables after VACUUM FULL), then per read state the
# total size of every table of the extension and the rows of store by kind
# (count, payload bytes as stored), what a second group of the same shape
# adds per message (storage_marginal.sql: the relations' fixed costs are the
# first group's alone), and the W row of a 100,000-member group (raw and
# stored size, compression).  No assertion: the numbers are the result.
#   test/bench/storage_breakdown.sh
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/storage_breakdown.sh" -- "$@"
PSQL="psql -X -q -At -v ON_ERROR_STOP=1"
createdb breakdown
$PSQL -d breakdown -c "CREATE EXTENSION groupreceipt" -f schemes.sql > /dev/null
for state in nobody half everybody; do
  $PSQL -d breakdown -v nmembers=640 -v nmsgs=4096 -v state=$state -f storage_compare.sql > /dev/null
  echo "== $state read: relation | bytes"
  $PSQL -d breakdown -c "SELECT c.relname || ' | ' || pg_total_relation_size(c.oid)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'groupreceipt' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC, 1"
  echo "   store rows: kind | rows | payload bytes stored"
  $PSQL -d breakdown -c "SELECT kind::text || ' | ' || count(*) || ' | ' || sum(pg_column_size(payload))
    FROM groupreceipt.store GROUP BY kind ORDER BY kind"
done
$PSQL -d breakdown -c "SELECT 'bytes per message: ' || string_agg(state || ' ' || per_msg, ', ' ORDER BY state)
  FROM bench_storage WHERE scheme = 'groupreceipt'"
echo "== a second group of the same shape (storage_marginal.sql): bytes it adds per message, groupreceipt | bitmap_rows"
for state in nobody half everybody; do
  $PSQL -d breakdown -v nmembers=640 -v nmsgs=4096 -v state=$state -f storage_compare.sql > /dev/null
  one=$($PSQL -d breakdown -c "SELECT string_agg(bytes::text, ' ' ORDER BY scheme) FROM bench_storage
        WHERE state = '$state' AND scheme IN ('bitmap_rows', 'groupreceipt')
          AND ctid = (SELECT max(ctid) FROM bench_storage b WHERE b.state = '$state' AND b.scheme = bench_storage.scheme)")
  two=$($PSQL -d breakdown -v nmembers=640 -v nmsgs=4096 -v state=$state -v gid=2 -f storage_marginal.sql | grep ' | ' | awk -F' [|] ' '{print $2}' | paste -sd' ')
  set -- $one; b1=$1; g1=$2; set -- $two; b2=$1; g2=$2
  echo "   $state: $(( (g2 - g1) / 4096 )) | $(( (b2 - b1) / 4096 ))   (one group: $(( g1 / 4096 )) | $(( b1 / 4096 )))"
done
echo "== the W row of a 100,000-member group (half acked message 1): raw bytes | stored | compression"
$PSQL -d breakdown <<'SQL'
SELECT groupreceipt.add_members(7, ARRAY(SELECT generate_series(1, 100000)::bigint)) > 0 AS added \gset
SELECT groupreceipt.post(7, 1, 1) > 0 AS posted \gset
SELECT count(*) > 0 AS acked FROM generate_series(2, 100000, 2) u, groupreceipt.ack(7, u, 1) \gset
SELECT groupreceipt.fold(7) >= 0 AS folded \gset
SELECT octet_length(payload) || ' | ' || pg_column_size(payload) || ' | ' || coalesce(pg_column_compression(payload), 'none')
  FROM groupreceipt.store WHERE gid = 7 AND kind = 'W';
SQL
