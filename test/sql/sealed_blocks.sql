-- Sealed message blocks (0.5 storage, src/receipts_blocks.c): a group's
-- older messages packed up to 256 to a row of groupreceipt.store, the
-- newest kept as rows of messages (groupreceipt.tail_messages).  Groups
-- 7301-7312.
SET search_path = groupreceipt, public;
-- the default, whatever the session's (CI's second pass runs every test
-- with 0)
SET groupreceipt.tail_messages = 256;
\i test/sql/include/try.sql
\i test/sql/include/store_views.sql

-- 1. the seal: fold leaves the newest tail_messages (256) as rows and packs
--    only whole blocks of 256 older ones
SELECT add_members(7301, ARRAY(SELECT generate_series(1, 5)::bigint)) AS added;
SELECT count(post(7301, m, (m % 5) + 1)) AS posted FROM generate_series(1, 600) m;
SHOW groupreceipt.tail_messages;
SELECT fold(7301) AS folded;
SELECT first_msgid, last_msgid, messages, all_read, some_read FROM _blocks(7301);
SELECT count(*) AS tail_rows, min(msgid) AS tail_first FROM messages WHERE gid = 7301;
-- with 0, every message is sealed, the last block partial
SET groupreceipt.tail_messages = 0;
SELECT fold(7301) AS folded;
SELECT first_msgid, last_msgid, messages FROM _blocks(7301);
SELECT count(*) AS tail_rows FROM messages WHERE gid = 7301;
-- a post after the seal goes to the tail; every read sees both places
SELECT post(7301, 601, 1) AS recipients;
SELECT * FROM unread_counts(7301, ARRAY[1, 256, 257, 600, 601]);
SELECT count(*) AS live, min(msgid), max(msgid) FROM _live_messages(7301);
SET groupreceipt.tail_messages = 256;

-- 2. the same operations on a group sealed at every fold (7302) and on one
--    never sealed (7303) answer exactly the same: counts, readers and
--    non_readers of every message, every member's badge and offline pull,
--    and what each ack reported
CREATE TABLE pg_temp.reported (gid bigint, step int, uid bigint, sender bigint, msgids bigint[]);
CREATE FUNCTION pg_temp.ack_all(g bigint, step int, uids bigint[], f text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE u bigint;
BEGIN
	FOREACH u IN ARRAY uids LOOP
		EXECUTE format('INSERT INTO pg_temp.reported SELECT %s, %s, %s, a.sender, a.msgids FROM %s a',
		               g, step, u, format(f, g, u));
	END LOOP;
END
$$;
CREATE FUNCTION pg_temp.run(g bigint, tail int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('groupreceipt.tail_messages', tail::text, true);
	PERFORM add_members(g, ARRAY(SELECT generate_series(1, 40)::bigint));
	PERFORM post(g, 2 * m, (m % 40) + 1, timestamptz '2001-01-01' + m * interval '1 minute')
	   FROM generate_series(1, 300) m;
	PERFORM remove_members(g, ARRAY[39, 40]::bigint[]);
	PERFORM add_members(g, ARRAY[41, 42]::bigint[]);
	PERFORM post(g, 2 * m, (m % 38) + 1, timestamptz '2001-01-01' + m * interval '1 minute')
	   FROM generate_series(301, 600) m;
	PERFORM pg_temp.ack_all(g, 1, ARRAY(SELECT generate_series(1, 20)::bigint),
	                        'groupreceipt.ack(%s, %s, 20 * %2$s)');
	PERFORM pg_temp.ack_all(g, 2, ARRAY(SELECT generate_series(1, 38)::bigint) || ARRAY[41, 42]::bigint[],
	                        'groupreceipt.ack_msgs(%s, %s, ARRAY(SELECT 2 * ((%2$s * 7 + k * 13) %% 600 + 1) FROM generate_series(1, 10) k))');
	PERFORM fold(g);
	PERFORM pg_temp.ack_all(g, 3, ARRAY(SELECT generate_series(10, 30)::bigint),
	                        'groupreceipt.ack_msgs(%s, %s, ARRAY(SELECT 2 * ((%2$s * 11 + k * 17) %% 550 + 1) FROM generate_series(1, 8) k))');
	PERFORM pg_temp.ack_all(g, 4, ARRAY(SELECT generate_series(21, 25)::bigint), 'groupreceipt.ack(%s, %s, 1200)');
	PERFORM fold(g);
	PERFORM forget(g, ARRAY[10, 602, 1198]::bigint[]);
	PERFORM _archive_group(g, timestamptz '2001-01-01 01:00', NULL);
	PERFORM ack_delivered(g, 30, 800);
	PERFORM fold(g);
	PERFORM pg_temp.ack_all(g, 5, ARRAY[31, 32]::bigint[],
	                        'groupreceipt.ack_msgs(%s, %s, ARRAY[2, 50, 130, 700, 1100]::bigint[])');
	PERFORM pg_temp.ack_all(g, 6, ARRAY[33, 34]::bigint[], 'groupreceipt.ack(%s, %s, 1000)');
END
$$;
CREATE FUNCTION pg_temp.answers(g bigint) RETURNS TABLE (what text, answer text) LANGUAGE sql AS $$
	SELECT 'counts', string_agg(format('%s:%s/%s/%s', c.msgid, c.recipients, c.read, c.unread), ' ' ORDER BY c.msgid)
	  FROM unread_counts(g, ARRAY(SELECT generate_series(1, 1210)::bigint)) c
	UNION ALL
	SELECT 'lists', md5(string_agg(format('%s:%s:%s', c.msgid, array(SELECT readers(g, c.msgid)),
	                                      array(SELECT non_readers(g, c.msgid))), ' ' ORDER BY c.msgid))
	  FROM unread_counts(g, ARRAY(SELECT generate_series(1, 1210)::bigint)) c WHERE c.recipients IS NOT NULL
	UNION ALL
	SELECT 'badges', string_agg(format('%s:%s', u, member_unread(g, u)), ' ' ORDER BY u)
	  FROM members(g) u
	UNION ALL
	SELECT 'pull', md5(string_agg(format('%s:%s', u, array(SELECT undelivered(g, u, NULL, 50))), ' ' ORDER BY u))
	  FROM members(g) u
	UNION ALL
	SELECT 'reported', md5(string_agg(format('%s:%s:%s:%s', r.step, r.uid, r.sender, r.msgids), ' '
	                                  ORDER BY r.step, r.uid, r.sender))
	  FROM pg_temp.reported r WHERE r.gid = g
$$;
SELECT pg_temp.run(7302, 0);
SELECT pg_temp.run(7303, 1000000);
SELECT (SELECT count(*) FROM _blocks(7302)) >= 3 AS sealed_blocks,
       (SELECT count(*) FROM messages WHERE gid = 7302) AS sealed_group_tail_rows,
       (SELECT count(*) FROM _blocks(7303)) AS unsealed_blocks,
       (SELECT sum(some_read) FROM _blocks(7302)) > 100 AS blocks_with_bits,
       (SELECT count(*) FROM archived_messages WHERE gid = 7302) AS archived;
SELECT a.what, a.answer = b.answer AS same, length(a.answer) > 10 AS nonempty
  FROM pg_temp.answers(7302) a JOIN pg_temp.answers(7303) b USING (what) ORDER BY a.what;
-- the reported reads of one ack, as an example of what was compared
SELECT sender, msgids FROM pg_temp.reported WHERE gid = 7302 AND step = 5 AND uid = 31 ORDER BY sender;

-- 3. fully read costs nothing: once every recipient's watermark passes its
--    messages (batch acks, former members' too), a fold leaves no bits in
--    the blocks
SELECT count(pg_temp.try(format('SELECT groupreceipt.ack(7302, %s, 1200)', u))) AS acked
  FROM generate_series(1, 42) u;
SELECT fold(7302) AS folded;
SELECT sum(messages) AS sealed, sum(all_read) AS all_read, sum(some_read) AS with_bits FROM _blocks(7302);
SELECT count(*) AS live, count(*) FILTER (WHERE c.unread > 0) AS unread_left
  FROM unread_counts(7302, ARRAY(SELECT msgid FROM _live_messages(7302))) c;

-- 4. a block is sealed at 8,000 bytes: 600 members who read half of the
--    messages at random (their explicit reads, logged directly) make
--    bitmaps of ~75 bytes, so a block holds about a hundred messages
SELECT add_members(7304, ARRAY(SELECT generate_series(1, 600)::bigint)) AS added;
SELECT count(post(7304, m, 1)) AS posted FROM generate_series(1, 300) m;
SELECT setseed(0.5);
INSERT INTO read_log (gid, msgid, slot)
SELECT 7304, m, s FROM generate_series(1, 300) m, generate_series(1, 599) s WHERE random() < 0.5;
SET groupreceipt.tail_messages = 0;
SELECT fold(7304) AS folded;
SET groupreceipt.tail_messages = 256;
SELECT count(*) AS blocks, sum(messages) AS messages, max(bytes) <= 8000 AS within_8000,
       max(messages) < 256 AS cut_short, min(messages) > 0 AS none_empty
  FROM _blocks(7304);
SELECT pg_column_size(payload) <= 8000 + 4 AS stored_inline FROM store WHERE gid = 7304 LIMIT 1;
SELECT (SELECT count(*) FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid
         WHERE c.oid = 'groupreceipt.store'::regclass AND pg_relation_size(t.oid) > 0) AS toasted;
SELECT * FROM unread_counts(7304, ARRAY[1, 150, 300]) WHERE unread + read <> recipients;

-- 5. bad input: ack_msgs of a sealed, an archived and a never-posted
--    message refuses and writes nothing; a negative limit
SELECT add_members(7305, ARRAY[1, 2, 3]) AS added;
SELECT count(post(7305, m, 1, timestamptz '2001-01-01' + m * interval '1 day')) FROM generate_series(1, 10) m;
SET groupreceipt.tail_messages = 0;
SELECT fold(7305) AS folded;
SET groupreceipt.tail_messages = 256;
SELECT _archive_group(7305, timestamptz '2001-01-02 12:00', NULL) AS archived;
SELECT pg_temp.try('SELECT * FROM groupreceipt.ack_msgs(7305, 2, ARRAY[1, 5, 99]::bigint[])');
SELECT count(*) AS logged FROM read_log WHERE gid = 7305;
SELECT * FROM ack_msgs(7305, 2, ARRAY[1, 5]::bigint[]);
SELECT pg_temp.try('SELECT count(*) FROM groupreceipt._live_messages(7305, 0, 10, ''infinity'', -1)');

-- 6. damaged blocks are XX001, naming the block, for every function that
--    reads messages; nothing is written
CREATE FUNCTION pg_temp.probe(g bigint, m bigint) RETURNS TABLE (call text, result text)
LANGUAGE sql AS $$
	SELECT c, pg_temp.try(format(c, g, m)) FROM unnest(ARRAY[
		'SELECT * FROM groupreceipt.unread_counts(%s, ARRAY[%s::bigint])',
		'SELECT groupreceipt.readers(%s, %s)',
		'SELECT groupreceipt.non_readers(%s, %s)',
		'SELECT groupreceipt.member_unread(%s, 2 + 0 * %s)',
		'SELECT groupreceipt.undelivered(%s, 2 + 0 * %s)',
		'SELECT * FROM groupreceipt.ack_msgs(%s, 3, ARRAY[%s::bigint])',
		'SELECT * FROM groupreceipt.ack(%s, 2, %s)',
		'SELECT groupreceipt.forget(%s, ARRAY[%s::bigint])',
		'SELECT groupreceipt._archive_one_group(%s, now() + 0 * %s * interval ''1s'')']) c
$$;
CREATE FUNCTION pg_temp.sealed_group(g bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('groupreceipt.tail_messages', '0', true);
	PERFORM add_members(g, ARRAY[1, 2, 3, 4]);
	PERFORM post(g, m, 1, timestamptz '2001-01-01' + m * interval '1 day') FROM generate_series(1, 3) m;
	PERFORM ack_msgs(g, 4, ARRAY[1, 2]);
	PERFORM fold(g);
	PERFORM set_config('groupreceipt.tail_messages', '256', true);
END
$$;
--    a payload that does not decode
SELECT pg_temp.sealed_group(7306);
UPDATE store SET payload = '\x10ff' WHERE gid = 7306 AND kind = 'B';
SELECT * FROM pg_temp.probe(7306, 2);
--    a payload whose messages are not the ones its key says
SELECT pg_temp.sealed_group(7307);
UPDATE store SET key = 0 WHERE gid = 7307 AND kind = 'B';
SELECT * FROM pg_temp.probe(7307, 2);
--    a sealed message's snapshot missing (member_unread and undelivered
--    leave the message out, as for a tail row: their SQL join, 0.4.2)
SELECT pg_temp.sealed_group(7308);
DELETE FROM store WHERE gid = 7308 AND kind = 'S';
SELECT * FROM pg_temp.probe(7308, 2);
--    a sealed message's sender slot beyond the roster (a damaged tail row,
--    sealed as it was): where the sender's uid is needed (the acks'
--    reports, member_unread and undelivered through _live_messages) the
--    roster has none, XX001; counts and lists need only the slot
SELECT add_members(7309, ARRAY[1, 2, 3, 4]) AS added;
SELECT count(post(7309, m, 1)) FROM generate_series(1, 3) m;
UPDATE messages SET sender_slot = 2000000000 WHERE gid = 7309 AND msgid = 2;
SET groupreceipt.tail_messages = 0;
SELECT fold(7309) AS folded;
SET groupreceipt.tail_messages = 256;
SELECT count(*) AS blocks FROM store WHERE gid = 7309 AND kind = 'B';
SELECT * FROM pg_temp.probe(7309, 2);
-- the other groups still answer, and nothing above changed their rows
SELECT * FROM unread_counts(7305, ARRAY[1, 5, 10]);
-- drop_group removes a damaged group's blocks without reading them (a
-- damaged block stops archive() and archive_all(), which look at every
-- group's blocks, until it is repaired or its group dropped)
SELECT pg_temp.try('SELECT groupreceipt.archive(''0 s'')')
       ~ '^XX001: sealed block [01] of group 730[67] is damaged$' AS archive_stopped_by_damage;
SELECT drop_group(g) FROM generate_series(7306, 7309) g;
SELECT count(*) AS left_rows FROM store WHERE gid BETWEEN 7306 AND 7309;
SELECT archive('100 years') AS archived_none;
