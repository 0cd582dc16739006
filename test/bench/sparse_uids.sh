#!/bin/bash
# unread_counts at 100,000 members with sequential uids (run.sh's large
# group) and with random 62-bit uids (as snowflake-style ids are), side by
# side in one cluster: the same 40 messages, the same random read
# watermarks by batch acks made in one transaction, then VACUUM ANALYZE.
# Prints per group the pending batch acks, the W row's size (raw, stored,
# compression), unread_counts tps (16 clients, three alternating rounds of
# run.sh's counts script) and three folds' time.  No assertion: the numbers
# are the result.
#   test/bench/sparse_uids.sh
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/sparse_uids.sh" -o "shared_buffers=512MB" -- "$@"
PSQL="psql -X -q -At -v ON_ERROR_STOP=1"
createdb sparse
$PSQL -d sparse -c "CREATE EXTENSION groupreceipt"
$PSQL -d sparse > /dev/null <<'SQL'
SELECT setseed(0.5);
-- member i: uid i in group 500, a random 62-bit uid in group 600
CREATE TABLE bench_uids AS
SELECT i, (random() * 4e18)::bigint AS rnd FROM generate_series(1, 100000) i;
SELECT groupreceipt.add_members(500, ARRAY(SELECT i::bigint FROM bench_uids));
SELECT groupreceipt.add_members(600, ARRAY(SELECT rnd FROM bench_uids));
SELECT count(groupreceipt.post(500, m, 1)) FROM generate_series(1, 40) m;
SELECT count(groupreceipt.post(600, m, (SELECT rnd FROM bench_uids WHERE i = 1))) FROM generate_series(1, 40) m;
CREATE TABLE bench_wm AS SELECT i, floor(random() * 41)::bigint AS wm FROM generate_series(1, 100000) i;
SELECT count(*) FROM bench_wm w, LATERAL groupreceipt.ack(500, w.i, w.wm);
SELECT count(*) FROM bench_wm w JOIN bench_uids u USING (i), LATERAL groupreceipt.ack(600, u.rnd, w.wm);
VACUUM ANALYZE;
SQL
echo "== group | pending batch acks | W row raw bytes | stored | compression"
$PSQL -d sparse -c "SELECT s.gid || ' | ' || (SELECT count(*) FROM groupreceipt.store a WHERE a.gid = s.gid AND a.kind = 'K')
       || ' | ' || octet_length(s.payload) || ' | ' || pg_column_size(s.payload)
       || ' | ' || coalesce(pg_column_compression(s.payload), 'none')
  FROM groupreceipt.store s WHERE s.kind = 'W' AND s.gid IN (500, 600) ORDER BY s.gid"
echo "== unread_counts of 20 messages, 16 clients, tps (sequential uids: 500, random: 600)"
for r in 1 2 3; do
  for g in 500 600; do
    tps=$(pgbench -n -M prepared -c 16 -j 2 -T 5 -D gid=$g -D cmsgs=40 \
          -f pgbench/counts_groupreceipt.sql sparse 2>&1 | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
    echo "  round $r group $g: $tps"
  done
done
echo "== three folds of each group (ms)"
for g in 500 600; do
  $PSQL -d sparse <<SQL
SELECT clock_timestamp() AS t0 \gset
SELECT count(groupreceipt.fold($g)) FROM generate_series(1, 3) \gset
SELECT '  group $g: ' || round(extract(epoch FROM clock_timestamp() - :'t0')::numeric * 1000, 1);
SQL
done
