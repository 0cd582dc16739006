#!/bin/bash
# Where a write workload's time goes: groupreceipt against the floor in a few
# alternating pgbench rounds (16 clients, -M prepared), the server's time per
# SQL function (track_functions = all; until 0.4 it showed the automatic
# fold, which since 0.4 is C called by the acks directly, not an SQL call:
# see receipts_fold in --perf), and with --perf the server's CPU by function
# (perf record -a -g).
# The ad hoc profiles of issue 13's note, as a script.  Prints; writes nothing
# to the repository.
#
#   test/bench/profile.sh ack   [--perf]   batch acks of 10 messages, 640 members,
#                                          against the floor update and floors of
#                                          the call's shape (a C function declared
#                                          as ack is that returns nothing, alone
#                                          and with the floor update in one
#                                          statement)
#   test/bench/profile.sh counts [--perf]  unread_counts of 20 consecutive messages,
#                                          100,000 members (run.sh's large group),
#                                          one connection, against bitmap_rows
#   test/bench/profile.sh counts640 [--perf]  unread_counts of 20 consecutive
#                                          messages, run.sh's 640-member group
#                                          and its pending acks, 16 clients,
#                                          against bitmap_rows and floors of the
#                                          call's shape that read nothing: an SQL
#                                          function and a C one (the server's
#                                          jsonb_array_elements, called once as
#                                          unread_counts is) returning the 20
#                                          msgids, each declared as unread_counts
#                                          is (SECURITY DEFINER, SET search_path)
#                                          and plain
#   test/bench/profile.sh burst [--perf]   explicit acks of 64 hot messages,
#                                          10,000 members, against msg_acks and
#                                          the floor update
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/profile.sh" -o "shared_buffers=512MB" -o "max_connections=100" \
  -o "track_functions=all" -- "$@"

WORKLOAD=${1:-}
PERF=${2:-}
case "$WORKLOAD" in ack|burst|counts|counts640) ;; *) echo "usage: $0 ack|burst|counts|counts640 [--perf]" >&2; exit 2 ;; esac
ROUNDS=3
PSQL="psql -X -q -v ON_ERROR_STOP=1"
createdb bench
$PSQL -d bench -c "CREATE EXTENSION groupreceipt"
$PSQL -d bench -f schemes.sql

if [ "$WORKLOAD" = ack ]; then
  $PSQL -d bench >/dev/null <<'SQL'
SELECT groupreceipt.add_members(200, ARRAY(SELECT generate_series(1, 640)::bigint));
SELECT count(groupreceipt.post(200, m, 640)) FROM generate_series(1, 20000) m;
-- floors of the call's shape: a C set-returning function declared as ack
-- is (VOLATILE STRICT SECURITY DEFINER, SET search_path) that returns no
-- row -- the server's jsonb_array_elements over an empty array --, called
-- alone (api_floor_c) and in one statement with the floor update
-- (api_floor_write: a call plus a one-row write, what an ack is at least)
CREATE SCHEMA bench_api;
CREATE FUNCTION bench_api.floor_ack(elements jsonb, gid bigint, uid bigint, upto bigint)
RETURNS SETOF jsonb
LANGUAGE internal VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'jsonb_array_elements';
SQL
  # one round: the same fixed transactions per client as run.sh's batch ack
  round() {
    local s=$1 r=$2
    pgbench -n -M prepared -c 16 -j 2 -t 150 -D upto=$(( (r - 1) * 1500 )) \
      -f "pgbench/ack_$s.sql" bench 2>&1 | sed -n "s/^tps = \([0-9.]*\) .*/  $s round $r: \1 tps/p"
  }
  SCHEMES="groupreceipt floor_update api_floor_c api_floor_write"
  PERF_RUN=(-t 300 -D upto=6000 -f pgbench/ack_groupreceipt.sql)
elif [ "$WORKLOAD" = counts ]; then
  # run.sh's large group (setup.sql): 40 messages, each member has read up
  # to a random point (batch acks); bitmap_rows with the same reads
  $PSQL -d bench >/dev/null <<'SQL'
SELECT setseed(0.5);
SELECT groupreceipt.add_members(500, ARRAY(SELECT generate_series(1, 100000)::bigint));
SELECT count(groupreceipt.post(500, m, (m % 100000) + 1)) FROM generate_series(1, 40) m;
CREATE TABLE bench_wm_big AS SELECT u, floor(random() * 41)::bigint AS wm FROM generate_series(1, 100000) u;
SELECT count(*) FROM bench_wm_big, LATERAL groupreceipt.ack(500, u, wm);
SELECT groupreceipt.fold(500);
INSERT INTO bitmap_rows.member_lists VALUES (500, 1, ARRAY(SELECT generate_series(1, 100000)::bigint));
INSERT INTO bitmap_rows.msgs (gid, msgid, sender_uid, list_id, read)
SELECT 500, m, (m % 100000) + 1, 1,
       (SELECT string_agg(CASE WHEN w.wm >= m AND w.u <> (m % 100000) + 1 THEN '1' ELSE '0' END, '' ORDER BY w.u)
        FROM bench_wm_big w)::varbit
FROM generate_series(1, 40) m;
VACUUM ANALYZE;
SQL
  round() {
    local s=$1 r=$2
    pgbench -n -M prepared -c 1 -T 3 -D gid=500 -D cmsgs=40 \
      -f "pgbench/counts_$s.sql" bench 2>&1 | sed -n "s/^tps = \([0-9.]*\) .*/  $s round $r: \1 tps/p"
  }
  SCHEMES="groupreceipt bitmap_rows"
  PERF_RUN=(-T 5 -D gid=500 -D cmsgs=40 -f pgbench/counts_groupreceipt.sql)
elif [ "$WORKLOAD" = counts640 ]; then
  # run.sh's full-mode setup of group 400 (setup.sql: 2,000 messages, 640
  # members acked to random points, the pending acks its folds leave)
  $PSQL -d bench -v ack_msgs=10 -v count_msgs=2000 -v burst_members=100 -v big_members=1000 \
    -f setup.sql >/dev/null
  $PSQL -d bench >/dev/null <<'SQL'
CREATE SCHEMA bench_api;
CREATE FUNCTION bench_api.floor_counts(gid bigint, msgids bigint[])
RETURNS TABLE (msgid bigint, recipients integer, read integer, unread integer)
LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT m, 0, 0, 0 FROM unnest(msgids) m $$;
CREATE FUNCTION bench_api.floor_counts_inline(gid bigint, msgids bigint[])
RETURNS TABLE (msgid bigint, recipients integer, read integer, unread integer)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT m, 0, 0, 0 FROM unnest(msgids) m $$;
-- a C function's floor, called once per query like unread_counts (which
-- fills a tuplestore): the server's jsonb_array_elements (C, materialize
-- mode) over the 20 msgids, declared as unread_counts is (SECURITY
-- DEFINER, SET search_path) and plain.  (The first SQL function above runs
-- its query through the SQL-function executor on every call: a floor for
-- an SQL function, not for a C one; the second is inlined: no call at all.)
CREATE FUNCTION bench_api.floor_c(msgids jsonb, gid bigint) RETURNS SETOF jsonb
LANGUAGE internal STABLE STRICT PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'jsonb_array_elements';
CREATE FUNCTION bench_api.floor_c_plain(msgids jsonb, gid bigint) RETURNS SETOF jsonb
LANGUAGE internal STABLE STRICT PARALLEL SAFE
AS 'jsonb_array_elements';
VACUUM ANALYZE;
SQL
  $PSQL -d bench -Atc "SELECT 'pending batch acks of group 400: ' || count(*) FROM groupreceipt.store WHERE gid = 400 AND kind = 'K'"
  round() {
    local s=$1 r=$2
    pgbench -n -M prepared -c 16 -j 2 -T 5 -D gid=400 -D cmsgs=2000 \
      -f "pgbench/counts_$s.sql" bench 2>&1 | sed -n "s/^tps = \([0-9.]*\) .*/  $s round $r: \1 tps/p"
  }
  SCHEMES="groupreceipt bitmap_rows api_floor api_floor_inline api_floor_c api_floor_c_plain"
  PERF_RUN=(-T 5 -D gid=400 -D cmsgs=2000 -f pgbench/counts_groupreceipt.sql)
else
  $PSQL -d bench >/dev/null <<'SQL'
SELECT groupreceipt.add_members(300, ARRAY(SELECT generate_series(1, 10000)::bigint));
SELECT count(groupreceipt.post(300, m, 1)) FROM generate_series(1, 64) m;
INSERT INTO msg_acks.group_users (gid, uid) SELECT 300, u FROM generate_series(1, 10000) u;
INSERT INTO msg_acks.group_msgs (gid, msgid, sender_uid) SELECT 300, m, 1 FROM generate_series(1, 64) m;
INSERT INTO msg_acks.msg_acks (sender_uid, msgid, recv_uid, gid)
SELECT 1, m, u, 300 FROM generate_series(1, 64) m, generate_series(2, 10000) u;
VACUUM ANALYZE;
SQL
  round() {
    local s=$1 r=$2 f=burst_$1
    [ "$s" = floor_update ] && f=ack_floor_update
    pgbench -n -M prepared -c 16 -j 2 -T 5 -D burst_members=10000 -D upto=0 \
      -f "pgbench/$f.sql" bench 2>&1 | sed -n "s/^tps = \([0-9.]*\) .*/  $s round $r: \1 tps/p"
  }
  SCHEMES="groupreceipt msg_acks floor_update"
  PERF_RUN=(-T 5 -D burst_members=10000 -f pgbench/burst_groupreceipt.sql)
fi

echo "== $WORKLOAD: $ROUNDS alternating rounds"
$PSQL -d bench -c "SELECT pg_stat_reset()" >/dev/null
for r in $(seq 1 "$ROUNDS"); do
  for s in $SCHEMES; do round "$s" "$r"; done
done
echo "== server time per SQL function over the rounds (ms)"
psql -X -d bench -c "SELECT funcname, calls, round(total_time::numeric, 1) AS total_ms,
                            round(self_time::numeric, 1) AS self_ms
                       FROM pg_stat_user_functions ORDER BY total_time DESC LIMIT 8"

if [ "$PERF" = --perf ]; then
  command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }
  data=$(mktemp)
  echo "== perf record -a -g over one more groupreceipt run"
  perf record -q -a -g -o "$data" -- pgbench -n -M prepared -c 16 -j 2 "${PERF_RUN[@]}" bench 2>&1 \
    | sed -n 's/^tps = \([0-9.]*\) .*/  groupreceipt: \1 tps/p'
  echo "== server CPU by function, children included (top 40)"
  perf report -i "$data" --children --sort symbol --stdio -g none --comm postgres 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | grep -v ' 0x0000' | sed -n '1,40p'
  echo "== server CPU by function, self (top 40)"
  perf report -i "$data" --no-children --sort symbol --stdio -g none --comm postgres 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | grep -v ' 0x0000' | sed -n '1,40p'
  if [ -n "${PROFILE_PERF_DATA:-}" ]; then cp "$data" "$PROFILE_PERF_DATA"; fi
  rm -f "$data"
fi
