-- Archived blocks (0.7 storage, src/receipts_archive.c): archived messages
-- packed up to 256 to an A row of groupreceipt.store, each message's state
-- frozen (all read, none read, or its unread slots), a group's A rows
-- disjoint in msgid.  Groups 7401-7406.
SET search_path = groupreceipt, public;
\i test/sql/include/try.sql
\i test/sql/include/store_views.sql
CREATE FUNCTION pg_temp.a_rows(g bigint) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(key || '-' || sub, ' ' ORDER BY key) FROM groupreceipt.store
	 WHERE gid = g AND kind = 'A'
$$;

-- 1. small archive batches (the trigger's) are packed into the preceding
--    row until it holds 256 messages; every state answers as it was frozen
SELECT add_members(7401, ARRAY[1, 2, 3, 4]) AS added;
SELECT count(post(7401, m, (m % 4) + 1, timestamptz '2001-01-01' + m * interval '1 minute')) AS posted
  FROM generate_series(1, 600) m;
SELECT count(*) AS acked FROM ack(7401, 2, 300);           -- 1-300 read by uid 2
SELECT count(*) AS acked FROM ack_msgs(7401, 3, ARRAY[5, 6, 7, 400]::bigint[]);
SELECT count(*) FILTER (WHERE uid IN (1, 2, 3, 4)) AS all_acked
  FROM generate_series(1, 4) uid, ack(7401, uid, 10);      -- 1-10: everybody
SELECT * FROM unread_counts(7401, ARRAY[1, 5, 6, 11, 400, 500]::bigint[]) ORDER BY msgid;
CREATE TEMP TABLE before7401 AS
SELECT m.msgid, c.recipients, c.read, c.unread,
       (SELECT array_agg(r ORDER BY r) FROM readers(7401, m.msgid) r) AS readers,
       (SELECT array_agg(r ORDER BY r) FROM non_readers(7401, m.msgid) r) AS non_readers
  FROM generate_series(1, 600) m(msgid), unread_counts(7401, ARRAY[m.msgid]) c;
SELECT _archive_group(7401, timestamptz '2002-01-01', 100) AS archived;   -- 1-100
SELECT pg_temp.a_rows(7401);
SELECT _archive_group(7401, timestamptz '2002-01-01', 100) AS archived;   -- 101-200
SELECT _archive_group(7401, timestamptz '2002-01-01', 100) AS archived;   -- 201-300: 256 + 44
SELECT pg_temp.a_rows(7401);
SELECT _archive_group(7401, timestamptz '2002-01-01', NULL) AS archived;  -- the rest
SELECT pg_temp.a_rows(7401);
-- every count and list as before the archive
SELECT count(*) AS differ
  FROM before7401 b, unread_counts(7401, ARRAY[b.msgid]) c
 WHERE (c.recipients, c.read, c.unread) IS DISTINCT FROM (b.recipients, b.read, b.unread)
    OR (SELECT array_agg(r ORDER BY r) FROM readers(7401, b.msgid) r) IS DISTINCT FROM b.readers
    OR (SELECT array_agg(r ORDER BY r) FROM non_readers(7401, b.msgid) r) IS DISTINCT FROM b.non_readers;
-- the three frozen states: all read (1), some (11, 400), none (500)
SELECT msgid, sender, recipients, read, unread FROM archived_messages
 WHERE gid = 7401 AND msgid IN (1, 11, 400, 500) ORDER BY msgid;
SELECT count(*) AS messages, count(*) FILTER (WHERE read = recipients) AS all_read,
       count(*) FILTER (WHERE read = 0) AS none_read
  FROM archived_messages WHERE gid = 7401;
-- later acks change nothing, and the messages left member_unread and undelivered
SELECT count(*) AS reported FROM ack(7401, 1, 600);
SELECT count(*) AS reported FROM ack_msgs(7401, 4, ARRAY[500, 501]::bigint[]);
SELECT * FROM unread_counts(7401, ARRAY[500]::bigint[]);
SELECT member_unread(7401, 3) AS badge, count(u) AS undelivered FROM undelivered(7401, 3, NULL, 1000) u;
SELECT pg_column_size(payload) < 2000 AS packed FROM store WHERE gid = 7401 AND kind = 'A' ORDER BY key;

-- 2. archived out of msgid order (sent_at is not monotone): the rows stay
--    disjoint, an archive merging the rows it overlaps
SELECT add_members(7402, ARRAY[1, 2, 3]) AS added;
SELECT count(post(7402, m, 1, CASE WHEN m % 2 = 0 THEN timestamptz '2001-01-01' ELSE timestamptz '2001-06-01' END))
       AS posted FROM generate_series(1, 20) m;
SELECT count(*) AS acked FROM ack(7402, 2, 7);
SELECT _archive_group(7402, timestamptz '2001-03-01', NULL) AS archived;   -- the even ones
SELECT pg_temp.a_rows(7402);
SELECT _archive_group(7402, timestamptz '2001-09-01', NULL) AS archived;   -- the odd ones
SELECT pg_temp.a_rows(7402);
SELECT string_agg(msgid || ':' || read, ' ' ORDER BY msgid) AS frozen FROM archived_messages WHERE gid = 7402;
-- more than 256 overlapping messages: split into consecutive rows again
SELECT add_members(7403, ARRAY[1, 2]) AS added;
SELECT count(post(7403, m, 1, CASE WHEN m % 3 = 0 THEN timestamptz '2001-01-01' ELSE timestamptz '2001-06-01' END))
       AS posted FROM generate_series(1, 900) m;
SELECT _archive_group(7403, timestamptz '2001-03-01', NULL) AS archived;
SELECT _archive_group(7403, timestamptz '2001-09-01', NULL) AS archived;
SELECT pg_temp.a_rows(7403);
SELECT count(*) AS archived, count(DISTINCT msgid) AS distinct_ids, min(msgid), max(msgid)
  FROM archived_messages WHERE gid = 7403;

-- 3. forget and purge rewrite the rows; purge_all, one group per transaction
SELECT forget(7402, ARRAY[2, 3, 4, 99]::bigint[]) AS forgotten;
SELECT pg_temp.a_rows(7402);
SELECT * FROM unread_counts(7402, ARRAY[2, 5]::bigint[]);
SELECT pg_temp.try('SELECT readers(7402, 2)');
-- sent before 2001-03-01: all of 7401, the even ones of 7402, every third of 7403
SELECT purge(now() - timestamptz '2001-03-01') AS purged;
SELECT pg_temp.a_rows(7401) AS a7401, pg_temp.a_rows(7402) AS a7402, pg_temp.a_rows(7403) AS a7403;
SELECT count(*) AS left_7403 FROM archived_messages WHERE gid = 7403;
SELECT count(*) AS snapshots_7402 FROM snapshots WHERE gid = 7402;
-- the rest (sent 2001-06-01), group by group
CALL purge_all(now() - timestamptz '2001-07-01');
SELECT count(*) AS a_rows FROM store WHERE kind = 'A' AND gid BETWEEN 7401 AND 7403;
SELECT pg_temp.try('SELECT purge_all(''1 day'')');
SELECT pg_temp.try('CALL purge_all(NULL)');

-- 4. a damaged A row is XX001 naming it, and changes nothing
SELECT add_members(7404, ARRAY[1, 2, 3]) AS added;
SELECT count(post(7404, m, 1, timestamptz '2001-01-01')) AS posted FROM generate_series(1, 5) m;
SELECT _archive_group(7404, timestamptz '2002-01-01', NULL) AS archived;
UPDATE store SET payload = '\x99'::bytea WHERE gid = 7404 AND kind = 'A';
SELECT pg_temp.try('SELECT * FROM unread_counts(7404, ARRAY[2]::bigint[])');
SELECT pg_temp.try('SELECT readers(7404, 2)');
SELECT pg_temp.try('SELECT * FROM ack_msgs(7404, 2, ARRAY[2]::bigint[])');
SELECT pg_temp.try('SELECT forget(7404, ARRAY[2]::bigint[])');
SELECT pg_temp.try('SELECT purge(''0'')');
SELECT pg_temp.try('SELECT count(*) FROM _archived(7404)');
-- a block whose messages disagree with its key
UPDATE store SET payload = (SELECT payload FROM store WHERE gid = 7402 AND kind = 'A' ORDER BY key LIMIT 1)
 WHERE gid = 7404 AND kind = 'A';
SELECT pg_temp.try('SELECT readers(7404, 2)');
SELECT drop_group(7404);

-- 5. what _archive_store refuses (an internal function: archive and the
--    0.6 -> 0.7 upgrade call it)
SELECT pg_temp.try($$SELECT _archive_store(7405, '{1,2}', '{0}', '{1,1}', ARRAY[now(), now()], '{0,0}', ARRAY['{}', '{}']::bitmap[])$$);
SELECT pg_temp.try($$SELECT _archive_store(7405, '{2,1}', '{0,0}', '{1,1}', ARRAY[now(), now()], '{0,0}', ARRAY['{}', '{}']::bitmap[])$$);
SELECT pg_temp.try($$SELECT _archive_store(7405, '{1}', '{0}', '{0}', ARRAY[now()], '{0}', ARRAY['{}']::bitmap[])$$);
SELECT pg_temp.try($$SELECT _archive_store(7405, '{1}', '{0}', '{1}', ARRAY[NULL::timestamptz], '{0}', ARRAY['{}']::bitmap[])$$);
SELECT pg_temp.try($$SELECT _archive_store(7405, '{1}', '{0}', '{1}', ARRAY[now()], '{0}', ARRAY['{}']::bitmap[])$$);
SELECT pg_temp.try($$SELECT _archive_store(7405, '{1}', '{0}', '{1}', ARRAY[now()], '{0}', ARRAY['{}']::bitmap[])$$);
SELECT count(*) AS a_rows FROM store WHERE gid = 7405 AND kind = 'A';
DELETE FROM store WHERE gid = 7405;
