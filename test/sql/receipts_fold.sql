-- fold in C (0.4, src/receipts_fold.c): it decides from the group's state
-- read through the primary keys and runs a statement only for rows to
-- write.  A fold with nothing to do calls no SQL function and reads no
-- roster row (0.3's plpgsql fold called three functions and scanned the
-- roster with a probe of the ack log per member); the compaction sweep's
-- lowest watermark is over the current members -- the current snapshot,
-- or after a membership change the roster's active rows; more than a
-- slice (10,000) of messages in the read log or in the sweep are taken a
-- slice at a time; a read-only transaction refuses (25006); an unknown
-- group folds nothing; explicit reads fold each group's log whichever
-- groups a connection reads in.  Groups 9301-9306.
\i test/sql/include/store_views.sql
SET search_path = groupreceipt, public;

-- calls of the extension's SQL functions other than fold, and scans of the
-- roster (table and indexes), in this transaction
CREATE FUNCTION pg_temp.other_calls() RETURNS bigint LANGUAGE sql AS $$
	SELECT COALESCE(sum(pg_stat_get_xact_function_calls(p.oid)), 0)::bigint FROM pg_proc p
	 WHERE p.pronamespace = 'groupreceipt'::regnamespace AND p.proname <> 'fold'
$$;
CREATE FUNCTION pg_temp.roster_scans() RETURNS bigint LANGUAGE sql AS $$
	SELECT sum(pg_stat_get_xact_numscans(c.oid))::bigint FROM pg_class c
	 WHERE c.oid = 'groupreceipt.members'::regclass
	    OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'groupreceipt.members'::regclass)
$$;

-- 1. nothing to do: no SQL function called, no roster row read
SELECT add_members(9301, ARRAY(SELECT generate_series(1, 640)::bigint));
SELECT count(post(9301, m, 1)) FROM generate_series(1, 20) m;
SELECT count(*) FROM ack(9301, 2, 10);
SELECT fold(9301) AS folded;
-- (the xact counters include what earlier transactions have not reported
-- yet: compare before and after)
BEGIN;
SET LOCAL track_functions = 'all';
SELECT pg_temp.other_calls() AS calls0, pg_temp.roster_scans() AS scans0 \gset
SELECT fold(9301) AS folded;
SELECT pg_temp.other_calls() - :calls0 AS other_functions_called,
       pg_temp.roster_scans() - :scans0 AS roster_scans;
COMMIT;

-- 2. the sweep's lowest watermark is over the current members
SELECT add_members(9302, ARRAY[1, 2, 3]::bigint[]);
SELECT count(post(9302, m, 1)) FROM generate_series(1, 4) m;
SELECT * FROM ack_msgs(9302, 2, ARRAY[2]);
SELECT fold(9302) AS folded;
SELECT count(*) FROM ack(9302, 1, 4);
SELECT count(*) FROM ack(9302, 2, 4);
-- member 3 has read nothing: no sweep
SELECT fold(9302) AS folded;
SELECT compacted_upto FROM groups WHERE gid = 9302;
-- member 3 leaves; no post since, so no current snapshot: the active roster
-- rows (1 and 2, both at 4) let the sweep pass message 4 -- message 2 keeps
-- its bits, member 3 received it and has not read it
SELECT remove_members(9302, ARRAY[3]);
SELECT snap_id IS NULL AS no_current_snapshot FROM groups WHERE gid = 9302;
SELECT fold(9302) AS folded;
SELECT compacted_upto FROM groups WHERE gid = 9302;
SELECT msgid, read FROM _live_messages(9302) ORDER BY msgid;
-- member 4 joins and a post makes the snapshot {1, 2, 4} current: its
-- members' watermarks decide, not former member 3's
SELECT add_members(9302, ARRAY[4]);
SELECT post(9302, 5, 1);
SELECT * FROM ack_msgs(9302, 2, ARRAY[5]);
SELECT count(*) FROM ack(9302, 1, 5);
SELECT count(*) FROM ack(9302, 2, 5);
SELECT fold(9302) AS folded;
SELECT compacted_upto FROM groups WHERE gid = 9302;
SELECT count(*) FROM ack(9302, 4, 5);
SELECT fold(9302) AS folded;
SELECT compacted_upto FROM groups WHERE gid = 9302;
SELECT msgid, read FROM _live_messages(9302) ORDER BY msgid;
SELECT * FROM unread_counts(9302, ARRAY[1, 2, 3, 4, 5]);

-- 3. more than a slice: 10,001 messages' pending reads (the state 10,001
--    explicit reads leave, logged directly), folded a slice per statement;
--    then batch acks of everyone, and the sweep takes 10,000 messages per fold
--    (0.5: the first fold also seals all but the newest 256 messages, so the
--    sweeps run over sealed blocks; the messages are read through
--    _live_messages, tail and blocks alike)
SELECT add_members(9303, ARRAY[1, 2, 3]::bigint[]);
SELECT cardinality(post_many(9303, ARRAY(SELECT generate_series(1, 10001)::bigint),
                             array_fill(1::bigint, ARRAY[10001]))) AS posted;
INSERT INTO read_log (gid, msgid, slot)
SELECT 9303, m, (SELECT slot FROM members WHERE gid = 9303 AND uid = 2) FROM generate_series(1, 10001) m;
SELECT fold(9303) AS folded;
SELECT count(*) AS pending_reads FROM read_log WHERE gid = 9303;
SELECT count(*) FILTER (WHERE read = '{1}') AS with_bit, count(*) FILTER (WHERE read IS NULL) AS compacted
  FROM _live_messages(9303);
INSERT INTO ack_log (gid, slot, upto) SELECT 9303, slot, 10001 FROM members WHERE gid = 9303;
SELECT fold(9303) AS folded;
SELECT compacted_upto, (SELECT count(*) FROM ack_log WHERE gid = 9303) AS pending_acks
  FROM groups WHERE gid = 9303;
SELECT count(*) FILTER (WHERE read IS NULL) AS compacted, min(msgid) FILTER (WHERE read IS NOT NULL) AS first_left
  FROM _live_messages(9303);
SELECT fold(9303) AS folded;
SELECT compacted_upto, (SELECT count(*) FROM _live_messages(9303) WHERE read IS NOT NULL) AS left
  FROM groups WHERE gid = 9303;
SELECT (_member(gid, uid)).read_upto FROM members WHERE gid = 9303 ORDER BY uid;
SELECT cardinality(wms) AS slots, wms[1] AS first FROM watermarks WHERE gid = 9303;

-- 4. a read-only transaction refuses, writing nothing; an unknown group
SELECT add_members(9304, ARRAY[1, 2]::bigint[]);
SELECT post(9304, 1, 1);
SELECT * FROM ack_msgs(9304, 2, ARRAY[1]);
BEGIN READ ONLY;
SELECT fold(9304);
ROLLBACK;
SELECT count(*) AS pending_reads FROM read_log WHERE gid = 9304;
SELECT fold(9399) AS unknown_group_folded;
SELECT fold(9304) AS folded;
SELECT count(*) AS pending_reads FROM read_log WHERE gid = 9304;

-- 5. explicit reads fold each group's log, whichever groups a connection
--    reads in: one connection alternates 6,000 reads between two groups
--    (until 0.4 the 1,024th read of the backend folded the group it was
--    in: always the second group here, so the first group's log kept all
--    of its 6,000 reads)
SELECT add_members(9305, ARRAY(SELECT generate_series(1, 101)::bigint)),
       add_members(9306, ARRAY(SELECT generate_series(1, 101)::bigint));
SELECT count(post(g, m, 1)) FROM generate_series(9305, 9306) g, generate_series(1, 60) m;
SELECT fold(9305) + fold(9306) AS folded;
SELECT count(*) AS became_read
  FROM generate_series(0, 11999) k,
       LATERAL ack_msgs(9305 + k % 2, 2 + (k / 2) % 100, ARRAY[1 + (k / 2) / 100]::bigint[]);
SELECT g, (SELECT count(*) FROM read_log WHERE gid = g) < 3000 AS log_folded_now_and_then
  FROM generate_series(9305, 9306) g;
SELECT g, (SELECT sum(unread) FROM unread_counts(g, ARRAY(SELECT generate_series(1, 60)::bigint))) AS unread
  FROM generate_series(9305, 9306) g;
