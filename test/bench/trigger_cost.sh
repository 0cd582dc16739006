#!/bin/bash
# What the archiving trigger costs a post when it does no archiving
# (groupreceipt.retention = 0): posts into 16 groups of 640 with
#   enabled  the trigger as installed (C, BEFORE INSERT, returns at once),
#   disabled ALTER TABLE ... DISABLE TRIGGER archive_by_retention,
#   when     the former design instead: an AFTER INSERT trigger whose WHEN
#            clause picks one post in 64 (hashint8(msgid) & 63 = 0),
#            calling a plpgsql function that does nothing.
# Two measures, configurations alternating within each round, one run on a
# throwaway cluster:
#   tps  16 clients, -M prepared, 5 s (noisy on a shared 2-core machine);
#   cpu  server CPU time per post (postmaster and backends, from /proc),
#        one client, 8000 posts, synchronous_commit off.
#   test/bench/trigger_cost.sh [rounds]   (default 4); prints medians
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/trigger_cost.sh" -o "shared_buffers=512MB" -- "$@"
ROUNDS=${1:-4}
PSQL="psql -X -q -v ON_ERROR_STOP=1"
$PSQL -c "CREATE EXTENSION groupreceipt" -c "CREATE SEQUENCE bench_msgid START 1000" \
  -c "SELECT count(groupreceipt.add_members(100 + g, ARRAY(SELECT generate_series(1, 640)::bigint))) FROM generate_series(1, 16) g" \
  -c "CREATE FUNCTION public.when_stub() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'" \
  -c "CREATE TRIGGER former_when AFTER INSERT ON groupreceipt.messages FOR EACH ROW
        WHEN ((pg_catalog.hashint8(NEW.msgid) & 63) = 0) EXECUTE FUNCTION public.when_stub()" >/dev/null
PM=$(head -1 "$($PSQL -At -c 'SHOW data_directory')/postmaster.pid")

configure() {
  case $1 in
    enabled)  $PSQL -c "ALTER TABLE groupreceipt.messages ENABLE TRIGGER archive_by_retention, DISABLE TRIGGER former_when" ;;
    disabled) $PSQL -c "ALTER TABLE groupreceipt.messages DISABLE TRIGGER archive_by_retention, DISABLE TRIGGER former_when" ;;
    when)     $PSQL -c "ALTER TABLE groupreceipt.messages DISABLE TRIGGER archive_by_retention, ENABLE TRIGGER former_when" ;;
  esac
}
# server CPU ticks: the postmaster with its reaped children, and the live ones
server_ticks() {
  local t p a
  read -r -a a < "/proc/$PM/stat"; t=$((a[13] + a[14] + a[15] + a[16]))
  for p in $(pgrep -P "$PM"); do
    if read -r -a a < "/proc/$p/stat" 2>/dev/null; then t=$((t + a[13] + a[14])); fi
  done
  echo "$t"
}
tps() {
  pgbench -n -M prepared -c 16 -j 2 -T 5 -f pgbench/post_groupreceipt.sql postgres 2>&1 \
    | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | head -1
}
cpu_us() {
  local b e n=8000
  b=$(server_ticks)
  PGOPTIONS="-c synchronous_commit=off" pgbench -n -M prepared -c 1 -t $n \
    -f pgbench/post_groupreceipt.sql postgres >/dev/null 2>&1
  sleep 0.2
  e=$(server_ticks)
  echo $(( (e - b) * 1000000 / $(getconf CLK_TCK) / n ))
}

OUT=$(mktemp)
for r in $(seq 1 "$ROUNDS"); do
  for c in enabled disabled when; do
    configure $c
    t=$(tps); u=$(cpu_us)
    printf 'round %d: %-8s %10.1f tps  %4d us server CPU per post\n' "$r" "$c" "$t" "$u"
    echo "$c $t $u" >> "$OUT"
  done
done
echo "medians over $ROUNDS rounds:"
for c in enabled disabled when; do
  printf '  %-8s %10.1f tps  %6.1f us per post\n' "$c" \
    "$(awk -v c=$c '$1 == c {print $2}' "$OUT" | gr_median)" "$(awk -v c=$c '$1 == c {print $3}' "$OUT" | gr_median)"
done
rm -f "$OUT"
