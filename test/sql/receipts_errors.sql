-- Bad input to the receipts API: a clear error (naming the group, message
-- or member) with a fitting SQLSTATE, and nothing changed; or, where the
-- contract says so, a well-defined empty/NULL answer.
SET search_path = groupreceipt, public;

\i test/sql/include/try.sql
\i test/sql/include/store_views.sql

-- a fingerprint of every table of the extension
CREATE FUNCTION pg_temp.state() RETURNS text LANGUAGE sql AS $$
	SELECT md5(concat_ws('|',
		(SELECT string_agg(t::text, ',' ORDER BY gid) FROM groupreceipt.groups t),
		(SELECT string_agg(t::text, ',' ORDER BY gid, uid) FROM groupreceipt.members t),
		(SELECT string_agg(t::text, ',' ORDER BY gid, snap_id) FROM snapshots t),
		(SELECT string_agg(t::text, ',' ORDER BY gid, msgid) FROM groupreceipt.messages t),
		(SELECT string_agg(t::text, ',' ORDER BY gid, kind, key) FROM groupreceipt.store t),
		(SELECT string_agg(t::text, ',' ORDER BY gid, msgid, slot) FROM read_log t)))
$$;

SELECT add_members(901, ARRAY[1, 2, 3, 4]);
SELECT post(901, 10, 1), post(901, 20, 2);
SELECT remove_members(901, ARRAY[4]);
SELECT * FROM ack_msgs(901, 3, ARRAY[10]);
CREATE TEMP TABLE before AS SELECT pg_temp.state() AS s;

SELECT q, pg_temp.try(q) AS result FROM (VALUES
	-- uid never a member of the group
	('SELECT * FROM ack(901, 99, 10)'),
	('SELECT * FROM ack_msgs(901, 99, ARRAY[10])'),
	('SELECT member_unread(901, 99)'),
	('SELECT ack_delivered(901, 99, 10)'),
	('SELECT * FROM undelivered(901, 99)'),
	('SELECT post(901, 30, 99)'),
	-- unknown group: every uid is unknown there
	('SELECT post(977, 1, 1)'),
	('SELECT * FROM ack(977, 1, 1)'),
	('SELECT member_unread(977, 1)'),
	-- sender who left
	('SELECT post(901, 30, 4)'),
	-- msgid not above the group's newest, or not positive
	('SELECT post(901, 20, 1)'),
	('SELECT post(901, 15, 1)'),
	('SELECT post(901, 0, 1)'),
	('SELECT post(901, -5, 1)'),
	-- unknown messages
	('SELECT * FROM readers(901, 15)'),
	('SELECT * FROM non_readers(901, 15)'),
	('SELECT * FROM readers(977, 1)'),
	('SELECT * FROM ack_msgs(901, 2, ARRAY[10, 15, 20])'),
	-- NULL elements in arrays
	('SELECT add_members(901, ARRAY[5, NULL])'),
	('SELECT remove_members(901, ARRAY[NULL]::bigint[])'),
	('SELECT * FROM ack_msgs(901, 2, ARRAY[10, NULL])'),
	('SELECT * FROM unread_counts(901, ARRAY[NULL, 10])'),
	-- page sizes
	('SELECT * FROM undelivered(901, 2, NULL, 0)'),
	('SELECT * FROM undelivered(901, 2, NULL, -1)'),
	('SELECT * FROM undelivered(901, 2, NULL, 10001)'),
	('SELECT * FROM undelivered(901, 2, NULL, 2147483647)'),
	('SELECT * FROM undelivered(901, 2, NULL, NULL)'),
	('SELECT * FROM undelivered(NULL, 2)'),
	-- a million ids
	('SELECT add_members(901, ARRAY(SELECT generate_series(1, 1000000)::bigint))'),
	('SELECT remove_members(901, ARRAY(SELECT generate_series(1, 1000000)::bigint))'),
	('SELECT * FROM ack_msgs(901, 2, ARRAY(SELECT generate_series(1, 1000000)::bigint))'),
	('SELECT * FROM unread_counts(901, ARRAY(SELECT generate_series(1, 1000000)::bigint))')
) v(q);

-- the same faults at top level, outside any subtransaction
SELECT post(901, 20, 1);
SELECT * FROM ack_msgs(901, 2, ARRAY[10, 15, 20]);
SELECT add_members(901, ARRAY[5, NULL]);
SELECT * FROM ack(901, 99, 10);
SELECT pg_temp.state() = (SELECT s FROM before) AS nothing_changed;

-- well-defined answers rather than errors
SELECT add_members(901, ARRAY[]::bigint[]) AS add_none, remove_members(901, '{}') AS remove_none,
       remove_members(977, ARRAY[1]) AS remove_from_unknown_group;
SELECT count(*) AS no_rows FROM ack_msgs(901, 2, ARRAY[]::bigint[]);
SELECT count(*) AS no_rows FROM unread_counts(901, '{}');
SELECT count(*) AS no_rows FROM members(977);
SELECT * FROM unread_counts(977, ARRAY[1]);           -- unknown group: NULL counts
SELECT * FROM unread_counts(901, ARRAY[10, 10, 15]);   -- one row per requested msgid
SELECT count(*) AS no_rows FROM ack(901, 2, 0);         -- nothing at or below 0
SELECT * FROM ack(901, 4, 20);                          -- a former member's late ack still lands
-- large but accepted: 100000 ids
SELECT count(*) AS rows FROM unread_counts(901, ARRAY(SELECT generate_series(1, 100000)::bigint));
-- STRICT: NULL arguments give NULL / no rows
SELECT post(NULL, 1, 1) IS NULL AS post_null, add_members(901, NULL) IS NULL AS add_null,
       member_unread(901, NULL) IS NULL AS badge_null;
SELECT count(*) AS no_rows FROM ack(901, NULL, 10);
SELECT count(*) AS no_rows FROM readers(901, NULL);
