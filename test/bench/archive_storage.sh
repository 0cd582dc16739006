#!/bin/bash
# What archived receipts cost: storage_compare.sql's group (640 members x
# 4096 messages; nobody / half at random / everybody read), then every
# message archived, all tables of the extension after VACUUM FULL, in bytes
# per message -- for 0.6 (the archived_messages table) and the current
# version (A rows of store, 0.7), the same workload in one cluster.  No
# assertion: the numbers are the result.
#   test/bench/archive_storage.sh
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
. ../../scripts/pg_env.sh
gr_virtualenv_reexec "$BENCH_DIR/archive_storage.sh" -- "$@"
PSQL="psql -X -q -At -v ON_ERROR_STOP=1"
current=$($PSQL -d postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'groupreceipt'")
echo "version | read state | bytes per message live | archived | relations after archive (bytes)"
for version in 0.6 "$current"; do
  for state in nobody half everybody; do
    db="arc_${version//./_}_$state"    # a database each: storage_compare.sql truncates the live tables only
    createdb "$db"
    $PSQL -d "$db" -c "CREATE EXTENSION groupreceipt VERSION '$version'" -f schemes.sql > /dev/null
    $PSQL -d "$db" -v nmembers=640 -v nmsgs=4096 -v state=$state -f storage_compare.sql > /dev/null
    live=$($PSQL -d "$db" -c "SELECT per_msg FROM bench_storage WHERE scheme = 'groupreceipt' ORDER BY ctid DESC LIMIT 1")
    $PSQL -d "$db" -c "SELECT groupreceipt.archive('0')" > /dev/null
    $PSQL -d "$db" -c "VACUUM FULL" > /dev/null
    arc=$($PSQL -d "$db" -c "SELECT round(sum(pg_total_relation_size(c.oid))::numeric / 4096, 1)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'groupreceipt' AND c.relkind = 'r'")
    rels=$($PSQL -d "$db" -c "SELECT string_agg(c.relname || ' ' || pg_total_relation_size(c.oid), ', '
        ORDER BY pg_total_relation_size(c.oid) DESC)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'groupreceipt' AND c.relkind = 'r'")
    echo "$version | $state | $live | $arc | $rels"
  done
done
