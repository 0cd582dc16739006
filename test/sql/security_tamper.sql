-- Stored data is not trusted (issue 12, item 3): every bitmap and slot the
-- C code reads is checked before it indexes memory.  The table owner (the
-- only role that can write the tables since 0.2: the application role has
-- no table privilege, security_roles) tampers with each table's stored
-- bitmaps and slots; every read and write function then fails cleanly with
-- 'XX001 data_corrupted' or answers, never crashes the server.  On 0.1,
-- readers() of an archived message whose snapshot was widened wrote past
-- its arrays (SIGSEGV).  Groups 7201-7212.
SET search_path = groupreceipt, public;
\i test/sql/include/try.sql
\i test/sql/include/store_views.sql
-- every function that reads stored slots or bitmaps, on group g, message m
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
		'SELECT groupreceipt.fold(%s + 0 * %s)',
		'SELECT groupreceipt._archive_one_group(%s, now() + 0 * %s * interval ''1s'')']) c
$$;
CREATE FUNCTION pg_temp.setup(g bigint) RETURNS void LANGUAGE sql AS $$
	SELECT groupreceipt.add_members(g, ARRAY[1, 2, 3, 4]);
	SELECT groupreceipt.post(g, m, 1, timestamptz '2001-01-01' + m * interval '1 day') FROM generate_series(1, 3) m;
	SELECT groupreceipt.ack_msgs(g, 4, ARRAY[1, 2]);
	SELECT groupreceipt.ack_msgs(g, 2, ARRAY[2]);
$$;

-- 1. an archived message's snapshot widened to 3,000,001 slots (0.1: SIGSEGV)
SELECT pg_temp.setup(7201);
SELECT _archive_group(7201, timestamptz '2001-01-02 12:00', NULL) AS archived;   -- message 1
UPDATE store SET payload = bitmap_to_bytea('{0-3000000}'::bitmap) WHERE gid = 7201 AND kind = 'S';
SELECT * FROM pg_temp.probe(7201, 1);
SELECT * FROM pg_temp.probe(7201, 2);

-- 2. an archived message's frozen unread bitmap beyond the roster
SELECT pg_temp.setup(7202);
SELECT _archive_group(7202, timestamptz '2001-01-02 12:00', NULL) AS archived;
-- (0.7: the A row written again, message 1's unread slots 0-3000000)
CREATE TEMP TABLE arc7202 AS SELECT * FROM archived_messages WHERE gid = 7202;
DELETE FROM store WHERE gid = 7202 AND kind = 'A';
SELECT _archive_store(7202, array_agg(msgid ORDER BY msgid), array_agg(sender_slot ORDER BY msgid),
                      array_agg(snap_id ORDER BY msgid), array_agg(sent_at ORDER BY msgid),
                      array_agg(1 ORDER BY msgid), array_agg('{0-3000000}'::bitmap ORDER BY msgid)) AS rewritten
  FROM arc7202;
SELECT * FROM pg_temp.probe(7202, 1);

-- 3. a live message's read bitmap beyond the roster
SELECT pg_temp.setup(7203);
UPDATE messages SET read = '{5,2000000000}' WHERE gid = 7203 AND msgid = 2;
SELECT * FROM pg_temp.probe(7203, 2);

-- 4. a pending read with a slot beyond the roster, and a negative one
SELECT pg_temp.setup(7204);
INSERT INTO read_log VALUES (7204, 3, 1000000), (7204, 3, -7);
SELECT * FROM pg_temp.probe(7204, 3);

-- 5. a member's slot beyond the roster, and a negative one
SELECT pg_temp.setup(7205);
UPDATE members SET slot = 1000000 WHERE gid = 7205 AND uid = 3;
UPDATE members SET slot = -1 WHERE gid = 7205 AND uid = 4;
SELECT * FROM pg_temp.probe(7205, 2);

-- 6. a negative roster size, and an empty one
SELECT pg_temp.setup(7206);
UPDATE groups SET next_slot = -5 WHERE gid = 7206;
SELECT * FROM pg_temp.probe(7206, 2);
UPDATE groups SET next_slot = 0 WHERE gid = 7206;
SELECT * FROM pg_temp.probe(7206, 2);

-- 7. a live message's snapshot beyond the roster
SELECT pg_temp.setup(7207);
UPDATE store SET payload = bitmap_to_bytea('{0-3,2147483646}'::bitmap) WHERE gid = 7207 AND kind = 'S';
SELECT * FROM pg_temp.probe(7207, 3);

-- 8. a message pointing at a snapshot that does not exist, and a sender
--    slot that does not exist (only compared, never an index): every C
--    path that reads the message -- the reads, the acks, fold, archive --
--    fails with XX001 and changes nothing, so message 2's probe fails too
--    where its range covers message 1 (until 0.4.1 unread_counts gave NULL
--    counts, readers/non_readers said "never posted" and fold and archive
--    went on without the message); member_unread and undelivered, one SQL
--    join over the group's messages, leave the message out
SELECT pg_temp.setup(7208);
UPDATE messages SET snap_id = 99 WHERE gid = 7208 AND msgid = 1;
UPDATE messages SET sender_slot = 2000000000 WHERE gid = 7208 AND msgid = 2;
SELECT * FROM pg_temp.probe(7208, 1);
SELECT * FROM pg_temp.probe(7208, 2);

-- 10. the archiving at commit fails on the tampered group: a WARNING, and
--     the post that triggered it commits all the same (msgid 85 is sampled)
SELECT pg_temp.setup(7210);
UPDATE store SET payload = bitmap_to_bytea('{0-3000000}'::bitmap) WHERE gid = 7210 AND kind = 'S';
SET groupreceipt.retention = '30d';
SELECT post(7210, 85, 1, now()) AS r85, hashint8(85) & 63 AS sample_bits;
RESET groupreceipt.retention;
SELECT msgid FROM messages WHERE gid = 7210 ORDER BY msgid;
SELECT count(*) AS archived FROM archived_messages WHERE gid = 7210;

-- 11. the packed watermark vector (0.6: the W row) longer than the roster,
--     or not decodable, and a pending batch ack of a slot beyond the roster
SELECT pg_temp.setup(7211);
SELECT * FROM ack(7211, 2, 2);
SELECT fold(7211);
--     six slots (top 2, every slot at it, uids 1 .. 6) for a roster of four
UPDATE store SET payload = '\x100604000000000000020202020202'::bytea WHERE gid = 7211 AND kind = 'W';
SELECT * FROM pg_temp.probe(7211, 2);
UPDATE store SET payload = '\x10ff' WHERE gid = 7211 AND kind = 'W';
SELECT pg_temp.try('SELECT * FROM groupreceipt.unread_counts(7211, ARRAY[2::bigint])') AS truncated;
UPDATE store SET payload = '\x2000' WHERE gid = 7211 AND kind = 'W';
SELECT pg_temp.try('SELECT * FROM groupreceipt.unread_counts(7211, ARRAY[2::bigint])') AS other_version;
DELETE FROM store WHERE gid = 7211 AND kind = 'W';
INSERT INTO ack_log VALUES (7211, 40000, 3);
SELECT * FROM pg_temp.probe(7211, 2);

-- 12. the packed members (0.4; 0.6: the W row's uids, after its
--     watermarks) cut short or followed by a stray byte: the lists refuse,
--     the counts do not read them
SELECT pg_temp.setup(7212);
SELECT * FROM ack(7212, 2, 2);
SELECT fold(7212);
UPDATE store SET payload = substr(payload, 1, length(payload) - 1) WHERE gid = 7212 AND kind = 'W';
SELECT * FROM pg_temp.probe(7212, 2);
UPDATE store SET payload = payload || '\x0000'::bytea WHERE gid = 7212 AND kind = 'W';
SELECT pg_temp.try('SELECT groupreceipt.readers(7212, 2)') AS stray_byte;

-- 9. the server is still up and untampered groups still answer
SELECT pg_temp.setup(7209);
SELECT * FROM unread_counts(7209, ARRAY[1, 2, 3]);
SELECT drop_group(g) FROM generate_series(7201, 7212) g;
SELECT count(*) AS rows_left FROM (
	SELECT gid FROM groups UNION ALL SELECT gid FROM members UNION ALL SELECT gid FROM store
	UNION ALL SELECT gid FROM messages UNION ALL SELECT gid FROM archived_messages
	UNION ALL SELECT gid FROM read_log UNION ALL SELECT gid FROM ack_log) t WHERE gid BETWEEN 7201 AND 7212;
