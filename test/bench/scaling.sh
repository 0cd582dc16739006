#!/bin/bash
# Scaling benchmark: per-call cost and bytes per message as the group grows
# (10 -> 100,000 members, 2,000 messages), and as one 640-member group grows
# to 10^6 messages.  Writes test/bench/results/scaling.csv, scaling_*.png.
#   test/bench/scaling.sh            (about 10 minutes)
#   test/bench/scaling.sh --smoke    (tiny; checks that it runs)
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/scaling.sh" -o "shared_buffers=512MB" -- "$@"
if [ "${1:-}" = "--smoke" ]; then
  SIZES="10 100"; MSGS=50; CALLS=5; GROWTH="100 200"; OUT=$(mktemp -d)
else
  SIZES="10 100 1000 10000 100000"; MSGS=2000; CALLS=200; GROWTH="10000 100000 1000000"
  OUT=$BENCH_DIR/results
fi
mkdir -p "$OUT"
PSQL="psql -X -q -At -v ON_ERROR_STOP=1"
$PSQL -c "CREATE EXTENSION groupreceipt"
echo "members,measure,value" > "$OUT/scaling.csv"
for n in $SIZES; do
  echo "== group of $n members"
  $PSQL -v n=$n -v m=$MSGS -v calls=$CALLS -f scaling_point.sql | grep -E '^[0-9]+,' >> "$OUT/scaling.csv"
done
echo "messages,measure,value" > "$OUT/growth.csv"
for m in $GROWTH; do
  echo "== one 640-member group with $m messages"
  $PSQL -v n=640 -v m=$m -v calls=$CALLS -f scaling_point.sql | grep -E '^[0-9]+,' \
    | sed "s/^640,/$m,/" >> "$OUT/growth.csv"
done
cat "$OUT/scaling.csv" "$OUT/growth.csv"
if [ "${1:-}" != "--smoke" ]; then
  gnuplot -e "datafile='$OUT/scaling.csv'; outfile='$OUT/scaling_members.png'; xlab='members in the group'" scaling.gp
  gnuplot -e "datafile='$OUT/growth.csv'; outfile='$OUT/scaling_messages.png'; xlab='messages in the group (640 members)'" scaling.gp
else
  rm -rf "$OUT"
fi
echo "== scaling done"
