-- Isolation levels (issue 12, item 8).  The write functions decide under
-- group and member locks and need a fresh snapshot after each lock wait,
-- which READ COMMITTED gives: under REPEATABLE READ and SERIALIZABLE they
-- refuse with 0A000 and change nothing (on 0.1, archive under REPEATABLE
-- READ froze read = 0 and left an orphan read_log row while an ack_msgs was
-- in flight).  The read functions answer at every level.  Group 8301.
\i test/sql/include/store_views.sql
SET search_path = groupreceipt, public;
SELECT add_members(8301, ARRAY[1, 2, 3]) AS added;
SELECT post(8301, m, 1, timestamptz '2001-01-01' + m * interval '1 day') FROM generate_series(1, 3) m;
SELECT * FROM ack_msgs(8301, 2, ARRAY[2]);
CREATE FUNCTION pg_temp.state() RETURNS text LANGUAGE sql AS $$
	SELECT md5(concat_ws('|',
		(SELECT string_agg(t::text, ',' ORDER BY t::text) FROM groupreceipt.groups t WHERE gid = 8301),
		(SELECT string_agg(t::text, ',' ORDER BY t::text) FROM groupreceipt.members t WHERE gid = 8301),
		(SELECT string_agg(t::text, ',' ORDER BY t::text) FROM snapshots t WHERE gid = 8301),
		(SELECT string_agg(t::text, ',' ORDER BY t::text) FROM groupreceipt.messages t WHERE gid = 8301),
		(SELECT string_agg(t::text, ',' ORDER BY t::text) FROM groupreceipt.store t WHERE gid = 8301),
		(SELECT string_agg(t::text, ',' ORDER BY t::text) FROM read_log t WHERE gid = 8301),
		(SELECT string_agg(t::text, ',' ORDER BY t::text) FROM archived_messages t WHERE gid = 8301)))
$$;
CREATE TEMP TABLE before AS SELECT pg_temp.state() AS s;
\i test/sql/include/try.sql
CREATE TEMP TABLE calls (ord int, q text);
INSERT INTO calls VALUES
	(1, 'SELECT groupreceipt.add_members(8301, ARRAY[4])'),
	(2, 'SELECT groupreceipt.remove_members(8301, ARRAY[3])'),
	(3, 'SELECT groupreceipt.post(8301, 4, 1)'),
	(4, 'SELECT groupreceipt.ack(8301, 3, 3)'),
	(5, 'SELECT groupreceipt.ack_msgs(8301, 3, ARRAY[1])'),
	(6, 'SELECT groupreceipt.ack_delivered(8301, 3, 3)'),
	(7, 'SELECT groupreceipt.fold(8301)'),
	(8, $$SELECT groupreceipt.archive('1 day')$$),
	(9, $$SELECT groupreceipt.purge('1 day')$$),
	(10, 'SELECT groupreceipt.forget(8301, ARRAY[1])'),
	(11, 'SELECT groupreceipt.drop_group(8301)'),
	(20, 'SELECT groupreceipt.unread_counts(8301, ARRAY[1, 2, 3])'),
	(21, 'SELECT groupreceipt.readers(8301, 2)'),
	(22, 'SELECT groupreceipt.non_readers(8301, 2)'),
	(23, 'SELECT groupreceipt.members(8301)'),
	(24, 'SELECT groupreceipt.member_unread(8301, 3)'),
	(25, 'SELECT groupreceipt.undelivered(8301, 3)');

BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT ord, q, pg_temp.try(q) AS result FROM calls ORDER BY ord;
COMMIT;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT ord, pg_temp.try(q) AS result FROM calls ORDER BY ord;
COMMIT;
SELECT pg_temp.state() = (SELECT s FROM before) AS nothing_changed;
-- the procedure, at a transaction level other than READ COMMITTED
SET default_transaction_isolation = 'repeatable read';
CALL archive_all('1 day');
RESET default_transaction_isolation;
-- and the same calls work in READ COMMITTED
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT ord, pg_temp.try(q) AS result FROM calls WHERE ord < 8 OR ord >= 20 ORDER BY ord;
COMMIT;
SELECT * FROM unread_counts(8301, ARRAY[1, 2, 3, 4]);
SELECT drop_group(8301);
