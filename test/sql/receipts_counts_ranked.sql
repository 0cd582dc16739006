-- unread_counts with the watermark vector kept across calls (library 0.4.1,
-- src/receipts_wmcache.c): a call that finds the vector row's version it
-- read before does not read the TOASTed vector again; from 4,096 member
-- slots, a group counted again at the same version is counted by search in
-- its snapshots' sorted watermarks, the pending batch acks and explicit
-- reads on top.  Every count must equal the lists' (readers / non_readers
-- read the roster and take another code path) whichever way it was
-- counted: the first call (a pass over the slots), the next ones (by
-- search), after a fold (a new version), after a membership change (a new
-- snapshot), for consecutive and scattered msgids.  Groups 9501-9502.
\i test/sql/include/store_views.sql
SET search_path = groupreceipt, public;
-- The W row stored EXTERNAL (uncompressed, out of line) for this test: 0.6
-- keeps it compressed in the heap (STORAGE MAIN), where no statistics
-- counter shows whether a call read it again; in TOAST the block reads do
-- (case 2).  Reset at the end.
ALTER TABLE store ALTER COLUMN payload SET STORAGE EXTERNAL;

-- 5,000 members; messages 1-30 from senders 1-30; batch acks to scattered
-- points (some folded into the vector, some pending), then explicit reads
SELECT add_members(9501, ARRAY(SELECT generate_series(1, 5000)::bigint));
SELECT count(post(9501, m, m)) FROM generate_series(1, 30) m;
SELECT count(*) >= 0 AS acked FROM generate_series(2, 5000) u, ack(9501, u, (u * 7) % 31);
SELECT fold(9501) >= 0 AS folded;
SELECT count(*) >= 0 AS acked FROM generate_series(4000, 4100) u, ack(9501, u, 30);
SELECT count(*) >= 0 AS acked FROM generate_series(1, 30) u, ack(9501, u, 29);
SELECT count(*) >= 0 AS read FROM generate_series(100, 300) u, ack_msgs(9501, u, ARRAY[3, 17, 25, 27]::bigint[]);
SELECT (SELECT count(*) FROM ack_log WHERE gid = 9501) > 0 AS pending_acks,
       (SELECT count(*) FROM read_log WHERE gid = 9501) > 0 AS pending_reads;

-- counts against the lists, for the messages of :msgs (a bigint[])
CREATE FUNCTION pg_temp.disagree(msgs bigint[]) RETURNS TABLE (msgid bigint, counted text, listed text)
LANGUAGE sql AS $$
	SELECT c.msgid, format('%s/%s/%s', c.recipients, c.read, c.unread),
	       format('%s/%s/%s', r.n + nr.n, r.n, nr.n)
	  FROM groupreceipt.unread_counts(9501, msgs) c,
	       LATERAL (SELECT count(*) AS n FROM groupreceipt.readers(9501, c.msgid)) r,
	       LATERAL (SELECT count(*) AS n FROM groupreceipt.non_readers(9501, c.msgid)) nr
	 WHERE c.recipients IS DISTINCT FROM r.n + nr.n OR c.read IS DISTINCT FROM r.n
	    OR c.unread IS DISTINCT FROM nr.n
$$;
CREATE FUNCTION pg_temp.counts_sum(msgs bigint[]) RETURNS text LANGUAGE sql AS $$
	SELECT format('%s messages, %s recipients, %s read', count(*), sum(recipients), sum(read))
	  FROM groupreceipt.unread_counts(9501, msgs)
$$;

-- 1. first call, second call (by search), third (the sorted copy kept):
-- the same counts, equal to the lists'
SELECT pg_temp.counts_sum(ARRAY(SELECT generate_series(1, 30)::bigint)) AS first;
SELECT pg_temp.counts_sum(ARRAY(SELECT generate_series(1, 30)::bigint)) AS second;
SELECT * FROM pg_temp.disagree(ARRAY(SELECT generate_series(1, 30)::bigint));
SELECT * FROM pg_temp.disagree(ARRAY[30, 1, 17, 2, 25, 29]::bigint[]);

-- 2. the second call does not read the vector again (the kept copy): no
-- block of the W row's TOAST is read ...
SELECT reltoastrelid AS toast, reltoastrelid::regclass AS toastname
  FROM pg_class WHERE oid = 'groupreceipt.store'::regclass \gset
SELECT count(*) > 0 AS w_row_in_toast FROM :toastname;
SELECT pg_temp.counts_sum(ARRAY[5, 6]::bigint[]) AS warm;
BEGIN;
SELECT pg_stat_get_xact_blocks_fetched(:toast) AS before \gset
SELECT pg_temp.counts_sum(ARRAY[5, 6]::bigint[]) AS kept;
SELECT pg_stat_get_xact_blocks_fetched(:toast) - :before AS toast_blocks_read;
COMMIT;

-- 3. a fold (a new version of the vector row), then counts again: the
-- first call after it reads the new version's TOAST (... where a call that
-- decodes the vector would: case 2's measure can see it)
SELECT fold(9501) >= 0 AS folded;
SELECT (SELECT count(*) FROM ack_log WHERE gid = 9501) AS pending_acks;
BEGIN;
SELECT pg_stat_get_xact_blocks_fetched(:toast) AS before \gset
SELECT pg_temp.counts_sum(ARRAY(SELECT generate_series(1, 30)::bigint)) AS after_fold;
SELECT pg_stat_get_xact_blocks_fetched(:toast) - :before > 0 AS toast_read_after_fold;
COMMIT;
SELECT * FROM pg_temp.disagree(ARRAY(SELECT generate_series(1, 30)::bigint));
SELECT * FROM pg_temp.disagree(ARRAY(SELECT generate_series(1, 30)::bigint));

-- 4. members leave and join, two posts on the new snapshot, acks of both
-- kinds from old and new members, pending again
SELECT remove_members(9501, ARRAY(SELECT generate_series(10, 20)::bigint));
SELECT add_members(9501, ARRAY(SELECT generate_series(5001, 5010)::bigint));
SELECT post(9501, 31, 5001), post(9501, 32, 2);
SELECT count(*) >= 0 AS acked FROM generate_series(4990, 5010) u, ack(9501, u, 31);
SELECT count(*) >= 0 AS read FROM generate_series(5003, 5006) u, ack_msgs(9501, u, ARRAY[32]::bigint[]);
SELECT count(*) >= 0 AS late FROM generate_series(12, 14) u, ack(9501, u, 30);
SELECT * FROM pg_temp.disagree(ARRAY(SELECT generate_series(1, 32)::bigint));
SELECT * FROM pg_temp.disagree(ARRAY(SELECT generate_series(1, 32)::bigint));
SELECT * FROM pg_temp.disagree(ARRAY[32, 31, 30, 12]::bigint[]);
SELECT pg_temp.counts_sum(ARRAY[31, 32]::bigint[]) AS new_snapshot;
SELECT fold(9501) >= 0 AS folded;
SELECT * FROM pg_temp.disagree(ARRAY(SELECT generate_series(1, 32)::bigint));
SELECT * FROM pg_temp.disagree(ARRAY(SELECT generate_series(1, 32)::bigint));

-- 5. the kept vector is the group's: another group counted in between,
-- then this one again
SELECT add_members(9502, ARRAY[1, 2, 3]);
SELECT post(9502, 1, 1);
SELECT * FROM unread_counts(9502, ARRAY[1]::bigint[]);
SELECT * FROM pg_temp.disagree(ARRAY(SELECT generate_series(1, 32)::bigint));

-- back to MAIN; the groups go and VACUUM empties store's TOAST again (the
-- tests after this one find it as the extension leaves it: sealed_blocks
-- checks that no block goes there)
ALTER TABLE store ALTER COLUMN payload SET STORAGE MAIN;
SELECT drop_group(9501), drop_group(9502);
VACUUM store;
SELECT pg_relation_size(reltoastrelid) AS toast_bytes FROM pg_class WHERE oid = 'groupreceipt.store'::regclass;
