#!/bin/bash
# fold in C (0.4) against 0.3's plpgsql fold, in one run: two databases on
# one throwaway cluster, one created at extension version 0.3 and one at the
# current version, each with a group of N members (640, 10,000, 100,000) and
# 64 messages; alternating pgbench rounds (1 client, -M prepared, 3 s) of
#   idle  fold(1) with nothing to fold
#   acks  a post, 64 batch acks of it, fold(1)
# Both databases run the same library: only the SQL fold differs (the acks'
# own automatic fold is C in both).  Prints tps per round and the median
# ratio current / 0.3; writes nothing to the repository.
#   test/bench/fold.sh [rounds]   (default 3)
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/fold.sh" -o "shared_buffers=512MB" -- "$@"
ROUNDS=${1:-3}
PSQL="psql -X -q -At -v ON_ERROR_STOP=1"

for n in 640 10000 100000; do
  for v in 0.3 current; do
    db=fold_${v/./_}_$n
    createdb "$db"
    if [ "$v" = current ]; then $PSQL -d "$db" -c "CREATE EXTENSION groupreceipt"
    else $PSQL -d "$db" -c "CREATE EXTENSION groupreceipt VERSION '$v'"; fi
    $PSQL -d "$db" >/dev/null <<SQL
SELECT groupreceipt.add_members(1, ARRAY(SELECT generate_series(1, $n)::bigint));
SELECT count(groupreceipt.post(1, m, 1)) FROM generate_series(1, 64) m;
SELECT groupreceipt.fold(1);
VACUUM ANALYZE;
SQL
  done
  echo "== $n members ($($PSQL -d "fold_current_$n" -c "SELECT extversion FROM pg_extension WHERE extname = 'groupreceipt'") vs 0.3)"
  for w in idle acks; do
    declare -A tps=()
    for r in $(seq 1 "$ROUNDS"); do
      for v in 0.3 current; do
        db=fold_${v/./_}_$n
        # msgids keep rising over the rounds: round r posts from r * 10^6 + 65
        t=$(pgbench -n -M prepared -c 1 -T 3 -D upto=$(( r * 1000000 + 64 )) -f "pgbench/fold_$w.sql" "$db" 2>&1 \
            | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
        tps[$v]="${tps[$v]:-} $t"
        echo "  $w $v round $r: $t tps"
      done
    done
    a=$(echo ${tps[0.3]} | tr ' ' '\n' | gr_median)
    b=$(echo ${tps[current]} | tr ' ' '\n' | gr_median)
    echo "  $w: median $b vs $a tps, current / 0.3 = $(echo "$b $a" | awk '{printf "%.2f", $1 / $2}')"
    unset tps
  done
done
