-- The batch-ack log and the packed watermark vector (0.3; its members,
-- 0.4): a batch ack
-- inserts one row into groupreceipt.store (a K row) and updates no row; the query
-- path reads the group's watermark vector (one row) and its pending acks
-- instead of a row per member; fold moves the log into the roster rows and
-- rebuilds the vector; answers never change when it does.  Groups 9101-9104.
\i test/sql/include/store_views.sql
SET search_path = groupreceipt, public;

CREATE FUNCTION pg_temp.answers(g bigint) RETURNS text LANGUAGE sql AS $$
	SELECT concat_ws(' | ',
		(SELECT string_agg(format('%s:%s/%s', msgid, read, recipients), ',' ORDER BY msgid)
		   FROM groupreceipt.unread_counts(g, ARRAY(SELECT generate_series(1, 6)::bigint))),
		(SELECT string_agg(format('%s=%s', u, groupreceipt.member_unread(g, u)), ',' ORDER BY u)
		   FROM groupreceipt.members(g) u),
		(SELECT array_agg(r)::text FROM groupreceipt.readers(g, 5) r),
		(SELECT array_agg(r)::text FROM groupreceipt.non_readers(g, 5) r),
		(SELECT array_agg(r)::text FROM groupreceipt.undelivered(g, 7) r))
$$;

-- scans of the roster (its table and its indexes) in this transaction
CREATE FUNCTION pg_temp.roster_scans() RETURNS bigint LANGUAGE sql AS $$
	SELECT sum(pg_stat_get_xact_numscans(c.oid))::bigint FROM pg_class c
	 WHERE c.oid = 'groupreceipt.members'::regclass
	    OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'groupreceipt.members'::regclass)
$$;

-- 1. a batch ack writes one log row and updates no row
SELECT add_members(9101, ARRAY(SELECT generate_series(1, 10)::bigint));
SELECT count(post(9101, m, 1 + m % 3)) FROM generate_series(1, 6) m;
BEGIN;
-- (the backend's pending counts may still hold the posts' snapshot row:
-- the difference within the transaction)
SELECT pg_stat_get_xact_tuples_inserted('groupreceipt.store'::regclass) AS store_inserted \gset
SELECT * FROM ack(9101, 4, 3);
SELECT * FROM ack(9101, 7, 5);
SELECT * FROM ack(9101, 4, 5);
SELECT * FROM ack(9101, 4, 2);      -- behind its watermark: nothing, no row
SELECT pg_stat_get_xact_tuples_updated('groupreceipt.members'::regclass) AS members_updated,
       pg_stat_get_xact_tuples_updated('groupreceipt.store'::regclass) AS vector_updated,
       pg_stat_get_xact_tuples_inserted('groupreceipt.store'::regclass) - :store_inserted AS acks_logged;
COMMIT;
SELECT slot, upto FROM ack_log WHERE gid = 9101 ORDER BY slot, upto;
-- the member's own functions see its pending acks
SELECT read_upto, delivered_upto FROM _member(9101, 4);
SELECT member_unread(9101, 4) AS badge4, member_unread(9101, 7) AS badge7;

-- 2. the counts read no member row: no scan of groupreceipt.members
--    (the lists do read the roster here, for the uids they return: no
--    fold has packed the members yet)
--    (scan counters of this backend not yet reported: compared within
--    one transaction)
BEGIN;
SELECT pg_temp.roster_scans() AS scans0 \gset
SELECT * FROM unread_counts(9101, ARRAY[3, 4, 5, 6]);
SELECT pg_temp.roster_scans() - :scans0 AS roster_scans_by_counts;
SELECT array(SELECT readers(9101, 5)) AS readers5;
SELECT pg_temp.roster_scans() - :scans0 > 0 AS roster_scanned_by_lists;
COMMIT;

-- 3. fold: the log into the roster rows and the vector; same answers
SELECT pg_temp.answers(9101) AS before_fold \gset
SELECT fold(9101);
SELECT count(*) AS acks_pending FROM ack_log WHERE gid = 9101;
SELECT m.uid, m.slot, m.read_upto, m.delivered_upto FROM members r, _member(r.gid, r.uid) m
 WHERE r.gid = 9101 AND m.read_upto > 0 ORDER BY m.uid;
SELECT wms FROM watermarks WHERE gid = 9101;
SELECT pg_temp.answers(9101) = :'before_fold' AS same_answers, :'before_fold' AS answers;
-- a vector equal to the roster's watermarks, slot by slot
SELECT bool_and(w.wms[r.slot + 1] = (_member(r.gid, r.uid)).read_upto) AS vector_is_roster
  FROM members r, watermarks w WHERE r.gid = 9101 AND w.gid = 9101;
-- the packed row holds the member of every slot too (0.4): the lists now
-- read no roster row either
SELECT w.uids = ARRAY(SELECT uid FROM members m WHERE m.gid = 9101 ORDER BY slot) AS uids_are_roster
  FROM watermarks w WHERE w.gid = 9101;
BEGIN;
SELECT pg_temp.roster_scans() AS scans0 \gset
SELECT array(SELECT readers(9101, 5)) AS readers5, array(SELECT non_readers(9101, 5)) AS non_readers5;
SELECT pg_temp.roster_scans() - :scans0 AS roster_scans_by_lists;
COMMIT;
-- acks after the fold go to the log again, counted on top of the vector
SELECT * FROM ack(9101, 7, 6);
SELECT * FROM unread_counts(9101, ARRAY[6]);
SELECT pg_temp.answers(9101) AS before_fold \gset
SELECT fold(9101) >= 0 AS folded, pg_temp.answers(9101) = :'before_fold' AS same_answers;

-- 4. members who join after the last fold: beyond the vector's length,
--    counted from their pending acks
SELECT add_members(9101, ARRAY[11, 12]);
SELECT post(9101, 7, 11);
SELECT cardinality(wms) AS vector_slots FROM watermarks WHERE gid = 9101;
SELECT * FROM ack(9101, 12, 7);
SELECT * FROM unread_counts(9101, ARRAY[6, 7]);
SELECT array(SELECT readers(9101, 7)) AS readers7, array(SELECT non_readers(9101, 7)) AS non_readers7;
-- the next fold packs them too (their slots were beyond the packed row)
SELECT fold(9101) >= 0 AS folded;
SELECT cardinality(wms) AS vector_slots, uids[11:12] AS joined FROM watermarks WHERE gid = 9101;
SELECT array(SELECT readers(9101, 7)) AS readers7, array(SELECT non_readers(9101, 7)) AS non_readers7;

-- 5. acks fold the group's logs as they come: one batch ack in 256 (picked
--    by a hash of gid, slot and watermark, whichever connection makes it)
--    folds, so what stays pending is a few hundred, not every ack made
SELECT add_members(9102, ARRAY(SELECT generate_series(1, 3000)::bigint));
SELECT post(9102, 1, 3000);
SELECT count(*) FROM generate_series(1, 2999) u, ack(9102, u, 1);
SELECT count(*) < 1000 AS few_pending FROM ack_log WHERE gid = 9102;
SELECT count(*) > 2000 AS most_folded FROM _vector(9102) WHERE watermark = 1;
SELECT * FROM unread_counts(9102, ARRAY[1]);

-- 6. (0.3's _watermark_vector, which read the roster's read_upto, is gone
--    with the column in 0.10)

-- 7. drop_group leaves no log row and no vector
SELECT * FROM ack(9101, 2, 7);
SELECT drop_group(9101), drop_group(9102);
SELECT count(*) AS rows_left FROM (SELECT gid FROM ack_log UNION ALL SELECT gid FROM watermarks) t
 WHERE gid IN (9101, 9102);

-- 8. one transaction acks for 10,000 members (an import, a replay of
--    queued acks): acks take turns on the member's row, which takes no room
--    in the lock table (per-member heavyweight locks held to commit ran out
--    of shared memory here)
SELECT add_members(9104, ARRAY(SELECT generate_series(1, 10000)::bigint)) AS added;
SELECT post(9104, 1, 10000);
SELECT count(*) AS acks FROM generate_series(1, 9999) u, ack(9104, u, 1);
SELECT * FROM unread_counts(9104, ARRAY[1]);
SELECT drop_group(9104);

-- 9. fold brings the W row up to date from what changed since it was
--    written (the watermarks its batch acks moved, the members who joined
--    since) instead of rebuilding it from the whole roster (0.7.1): after
--    rounds of acks, joins, leaves and rejoins, with folds between, every
--    slot's watermark and member in the row are its roster row's
CREATE FUNCTION pg_temp.vector_differs(g bigint) RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM groupreceipt._vector(g) v
	  FULL JOIN (SELECT * FROM groupreceipt.members WHERE gid = g) m ON m.slot = v.slot
	 WHERE v.watermark IS DISTINCT FROM (groupreceipt._member(g, m.uid)).read_upto
	    OR v.uid IS DISTINCT FROM m.uid
$$;
SELECT setseed(0.25);
SELECT add_members(9105, ARRAY(SELECT generate_series(1, 300)::bigint)) AS added;
SELECT count(post(9105, m, 1 + m % 7)) AS posted FROM generate_series(1, 40) m;
SELECT count(*) > 0 AS acked FROM generate_series(1, 300, 3) u, ack(9105, u, 10 + u % 20);
SELECT fold(9105) >= 0 AS folded, pg_temp.vector_differs(9105) AS differ;
SELECT add_members(9105, ARRAY(SELECT generate_series(301, 320)::bigint)) AS joined;
SELECT count(post(9105, m, 305)) AS posted FROM generate_series(41, 60) m;
-- acks of members the row holds and of members who joined after it was written
SELECT count(*) > 0 AS acked
  FROM (SELECT u FROM generate_series(2, 320, 5) u ORDER BY random()) s, ack(9105, s.u, 45 + s.u % 15);
SELECT count(*) FROM ack_log WHERE gid = 9105 AND slot >= 300 AND slot < 320;
SELECT fold(9105) >= 0 AS folded, pg_temp.vector_differs(9105) AS differ;
SELECT remove_members(9105, ARRAY[3, 8, 13, 318]::bigint[]) AS removed;
SELECT add_members(9105, ARRAY[8, 318, 321]::bigint[]) AS rejoined_or_joined;
SELECT post(9105, 61, 8) AS recipients;
-- some watermarks move again, some for the first time, the newest member's too
SELECT count(*) > 0 AS acked FROM generate_series(1, 321, 4) u, ack(9105, u, 61);
SELECT fold(9105) >= 0 AS folded, pg_temp.vector_differs(9105) AS differ;
SELECT count(*) AS slots, count(*) FILTER (WHERE watermark = 61) AS read_all FROM _vector(9105);
SELECT count(*) AS pending FROM ack_log WHERE gid = 9105;
SELECT drop_group(9105);

-- 10. the read watermark is not in the roster (0.10): batch acks, explicit
--     acks and folds leave every member row as it was (same version: ctid
--     and xmin), and ack_delivered writes only its own member's row; the
--     answers read the acks all the same
SELECT add_members(9106, ARRAY(SELECT generate_series(1, 50)::bigint)) AS added;
SELECT count(post(9106, m, 1 + m % 5)) AS posted FROM generate_series(1, 30) m;
CREATE TEMP TABLE roster_before AS
	SELECT uid, ctid::text AS tid, xmin::text AS x FROM members WHERE gid = 9106;
CREATE FUNCTION pg_temp.roster_rewritten() RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM roster_before b JOIN groupreceipt.members m ON m.gid = 9106 AND m.uid = b.uid
	 WHERE m.ctid::text <> b.tid OR m.xmin::text <> b.x
$$;
SELECT count(*) AS acked FROM generate_series(1, 50) u, ack(9106, u, 10 + u % 15);
SELECT count(*) AS explicit FROM generate_series(1, 50, 7) u, ack_msgs(9106, u, ARRAY[28, 29]::bigint[]);
SELECT fold(9106) >= 0 AS folded, pg_temp.roster_rewritten() AS rewritten;
SELECT count(*) AS acked_again FROM generate_series(1, 50, 2) u, ack(9106, u, 30);
SELECT fold(9106) >= 0 AS folded, pg_temp.roster_rewritten() AS rewritten;
SELECT count(*) AS pending FROM ack_log WHERE gid = 9106;
SELECT (_member(9106, 1)).read_upto AS wm1, (_member(9106, 2)).read_upto AS wm2, member_unread(9106, 2) AS unread2;
SELECT * FROM unread_counts(9106, ARRAY[10, 25, 29, 30]::bigint[]);
SELECT * FROM ack_delivered(9106, 4, 30);
SELECT pg_temp.roster_rewritten() AS rewritten;
SELECT drop_group(9106);
