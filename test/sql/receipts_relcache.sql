-- The direct paths' relation lookups (library 0.4.1, src/receipts_relcache.c)
-- and index-only reads of the logs.
--
-- A backend keeps the OIDs of the extension's relations and the numbers of
-- their columns until an invalidation says they may have changed: every
-- function answers after DROP EXTENSION / CREATE EXTENSION and after
-- ALTER EXTENSION ... UPDATE in the same session (a cache kept past them
-- would open relations that are gone: "could not open relation with OID").
-- Another session's DROP / CREATE EXTENSION is the isolation test
-- relcache_invalidation.  Runs in a database of its own, so that dropping
-- the extension leaves the other tests' database alone.  Groups 9401-9405.
\set regress_db :DBNAME
CREATE DATABASE receipts_relcache;
\c receipts_relcache
SET client_min_messages = warning;
CREATE EXTENSION groupreceipt;
SET search_path = groupreceipt, public;

-- 1. the cache filled by every kind of call
SELECT add_members(9401, ARRAY[1, 2, 3]);
SELECT post(9401, 1, 1), post(9401, 2, 2);
SELECT * FROM ack(9401, 2, 1);
SELECT * FROM ack_msgs(9401, 3, ARRAY[2]::bigint[]);
SELECT * FROM unread_counts(9401, ARRAY[1, 2]::bigint[]);
SELECT array_agg(r) AS readers FROM readers(9401, 1) r;
SELECT fold(9401) >= 0 AS folded;

-- 2. the extension dropped and created again in the same session: new
-- relations, new OIDs, the same names
DROP EXTENSION groupreceipt;
CREATE EXTENSION groupreceipt;
SELECT add_members(9402, ARRAY[1, 2, 3, 4]);
SELECT post(9402, 5, 1);
SELECT * FROM ack(9402, 2, 5);
SELECT * FROM ack_msgs(9402, 3, ARRAY[5]::bigint[]);
SELECT * FROM unread_counts(9402, ARRAY[5]::bigint[]);
SELECT array_agg(r) AS readers FROM readers(9402, 5) r;
SELECT array_agg(r) AS non_readers FROM non_readers(9402, 5) r;
SELECT fold(9402) >= 0 AS folded;
SELECT * FROM unread_counts(9402, ARRAY[5]::bigint[]);

-- 3. 0.3 storage, then ALTER EXTENSION ... UPDATE in the same session: the
-- storage checks see watermarks.uids appear (the lists read it after a
-- fold) and every function answers as before the update
DROP EXTENSION groupreceipt;
CREATE EXTENSION groupreceipt VERSION '0.3';
SELECT add_members(9403, ARRAY[1, 2, 3]);
SELECT post(9403, 1, 1), post(9403, 2, 1);
SELECT * FROM ack(9403, 2, 2);
SELECT * FROM unread_counts(9403, ARRAY[1, 2]::bigint[]);
SELECT array_agg(r) AS readers FROM readers(9403, 1) r;
ALTER EXTENSION groupreceipt UPDATE TO '0.4';
SELECT extversion FROM pg_extension WHERE extname = 'groupreceipt';
SELECT * FROM ack(9403, 3, 1);
SELECT fold(9403) >= 0 AS folded;
SELECT uids FROM watermarks WHERE gid = 9403;
SELECT * FROM unread_counts(9403, ARRAY[1, 2]::bigint[]);
SELECT array_agg(r) AS readers FROM readers(9403, 1) r;
SELECT array_agg(r) AS non_readers FROM non_readers(9403, 2) r;
-- message 1 archived (a row of archived_messages until 0.7)
SELECT _archive_group(9403, now() + interval '1 hour', 1) AS archived;
SELECT msgid, recipients, read, unread FROM archived_messages WHERE gid = 9403;
-- pending acks of both kinds, left in the log tables
SELECT post(9403, 3, 2);
SELECT * FROM ack(9403, 3, 3);
SELECT * FROM ack_msgs(9403, 1, ARRAY[3]::bigint[]);
SELECT (SELECT count(*) FROM ack_log WHERE gid = 9403) AS acks_pending,
       (SELECT count(*) FROM read_log WHERE gid = 9403) AS reads_pending;
-- ... and on to the current version in the same session: the checks see
-- the snapshots and watermarks tables go (0.6: S and W rows of store),
-- archived_messages (0.7: A rows of store) and the log tables (0.8: K and
-- L rows of store)
ALTER EXTENSION groupreceipt UPDATE;
SELECT kind, key, sub FROM store WHERE gid = 9403 AND kind IN ('K', 'L') ORDER BY kind, key, sub;
-- whatever the update did with them (0.5's packing folds the logs; 0.8
-- moves what is left into store: t/003), neither ack reports message 3
-- again
SELECT * FROM ack(9403, 3, 3);
SELECT * FROM ack_msgs(9403, 1, ARRAY[3]::bigint[]);
SELECT extversion FROM pg_extension WHERE extname = 'groupreceipt';
SELECT array_agg(uid ORDER BY slot) AS uids FROM _vector(9403);
SELECT msgid, recipients, read, unread FROM _archived(9403);
SELECT key, sub FROM store WHERE gid = 9403 AND kind = 'A';
SELECT * FROM unread_counts(9403, ARRAY[1, 2]::bigint[]);
SELECT array_agg(r) AS readers FROM readers(9403, 1) r;
SELECT array_agg(r) AS non_readers FROM non_readers(9403, 2) r;
SELECT * FROM unread_counts(9403, ARRAY[1, 2, 3]::bigint[]);
SELECT array_agg(r) AS readers FROM readers(9403, 3) r;

-- 4. the logs read from their indexes: after VACUUM has marked the ack
-- log's pages all-visible, counting fetches none of its heap rows for the
-- group's pending acks (one heap fetch per pending ack before 0.4.1:
-- idx_tup_fetch of ack_log_pkey; 0.8: the K rows of store, whose heap
-- rows fetched through store_pkey are then the group's snapshot and, when
-- a fold has written it, its watermark vector), and answers as before
SELECT add_members(9404, ARRAY(SELECT generate_series(1, 64)::bigint));
SELECT count(post(9404, m, 1)) FROM generate_series(1, 40) m;
SELECT count(*) FROM generate_series(2, 64) u, ack(9404, u, u / 2);
SELECT count(*) >= 20 AS many_pending FROM store WHERE gid = 9404 AND kind = 'K';
VACUUM store;
BEGIN;
SELECT pg_stat_get_xact_tuples_fetched('groupreceipt.store_pkey'::regclass) AS before \gset
SELECT sum(read) AS read, sum(unread) AS unread
  FROM unread_counts(9404, ARRAY(SELECT generate_series(1, 40)::bigint));
SELECT pg_stat_get_xact_tuples_fetched('groupreceipt.store_pkey'::regclass) - :before
       AS heap_rows_fetched,
       (SELECT count(*) FROM store WHERE gid = 9404 AND kind IN ('S', 'W')) AS snapshot_and_vector_rows;
COMMIT;
-- the same answer with the pending acks folded into the watermark vector
SELECT fold(9404) >= 0 AS folded;
SELECT count(*) AS pending FROM store WHERE gid = 9404 AND kind = 'K';
SELECT sum(read) AS read, sum(unread) AS unread
  FROM unread_counts(9404, ARRAY(SELECT generate_series(1, 40)::bigint));

-- 5. one table rebuilt under the same name, as an upgrade script may do
-- (rename, create anew, copy, drop the old): the rename invalidates the
-- cached relation, and the explicit reads go to the new table (0.8: store,
-- which holds them; read_log before)
SELECT add_members(9405, ARRAY[1, 2, 3]);
SELECT post(9405, 1, 1), post(9405, 2, 1);
SELECT * FROM ack_msgs(9405, 2, ARRAY[1]::bigint[]);
BEGIN;
ALTER TABLE store RENAME TO store_old;
ALTER INDEX store_pkey RENAME TO store_old_pkey;
CREATE TABLE store (LIKE store_old INCLUDING ALL);
INSERT INTO store SELECT * FROM store_old;
ALTER EXTENSION groupreceipt DROP TABLE store_old;
DROP TABLE store_old;
ALTER EXTENSION groupreceipt ADD TABLE store;
COMMIT;
SELECT * FROM ack_msgs(9405, 3, ARRAY[1, 2]::bigint[]);
SELECT * FROM ack_msgs(9405, 2, ARRAY[1, 2]::bigint[]);
SELECT * FROM unread_counts(9405, ARRAY[1, 2]::bigint[]);
SELECT count(*) AS pending FROM store WHERE gid = 9405 AND kind = 'L';

\c :regress_db
DROP DATABASE receipts_relcache;
