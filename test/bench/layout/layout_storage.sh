#!/bin/bash
# Bytes per message of engine v2's planned single table (docs/engine-v2.md)
# for 640 members x 4096 messages in the storage benchmark's three read
# states, measured as storage_compare.sql measures the schemes: the rows
# store_rows.c writes (real sealed blocks, the other payloads in their
# planned encodings) loaded into the planned table, VACUUM FULL,
# pg_total_relation_size / messages.  Prints; writes nothing to the
# repository.  Needs a C compiler; runs in a throwaway pg_virtualenv cluster.
#
#   test/bench/layout/layout_storage.sh [members] [messages]
set -euo pipefail
cd "$(dirname "$0")"
LAYOUT_DIR=$(pwd)
. ../../../scripts/pg_env.sh
gr_virtualenv_reexec "$LAYOUT_DIR/layout_storage.sh" -- "$@"

MEMBERS=${1:-640}
MSGS=${2:-4096}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cc -std=c99 -O2 -I../../../src -DGR_STANDALONE -o "$WORK/store_rows" store_rows.c \
  ../../../src/grblock_codec.c ../../../src/grbitmap_codec.c ../../../src/grbitmap_ops.c \
  ../../../test/unit/gr_alloc_libc.c
PSQL="psql -X -q -v ON_ERROR_STOP=1"
createdb layout
echo "| read state | rows | heap | index | TOAST | total | bytes/message |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for state in nobody half everybody; do
  "$WORK/store_rows" "$MEMBERS" "$MSGS" "$state" > "$WORK/rows.copy"
  $PSQL -d layout <<SQL
DROP TABLE IF EXISTS store;
CREATE TABLE store (gid int8, kind "char", key int8, sub int8, payload bytea,
                    PRIMARY KEY (gid, kind, key, sub)) WITH (fillfactor = 90, toast_tuple_target = 8160);
ALTER TABLE store ALTER COLUMN payload SET STORAGE MAIN;
\copy store FROM '$WORK/rows.copy'
VACUUM FULL store;
\pset format unaligned
\pset tuples_only on
\pset fieldsep ' | '
SELECT '| $state', count(*), pg_relation_size('store'), pg_indexes_size('store'),
       pg_total_relation_size('store') - pg_relation_size('store') - pg_indexes_size('store'),
       pg_total_relation_size('store'),
       round(pg_total_relation_size('store')::numeric / $MSGS, 1) || ' |'
FROM store;
SQL
done
