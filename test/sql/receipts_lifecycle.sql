-- Receipt lifecycle (issue 4): compaction, archive on demand and by trigger,
-- frozen answers, purge, forget, drop_group, settings.  Groups 4101-4106.
--
-- archive() and purge() work on the whole database by age, so each section
-- posts its old messages in an era of its own, later sections in older
-- eras (1995, 1994, 1993, 1992): a section's cutoffs reach no message of an
-- earlier section, nor of other test files (2000 and now).
\i test/sql/include/store_views.sql
SET search_path = groupreceipt, public;
CREATE FUNCTION pg_temp.age_of(t timestamptz) RETURNS interval LANGUAGE sql AS $$ SELECT now() - t $$;

-- every row the extension holds for a group, table by table
CREATE FUNCTION pg_temp.rows_of(g bigint) RETURNS TABLE (tbl text, n bigint) LANGUAGE sql AS $$
	SELECT 'groups', count(*) FROM groupreceipt.groups WHERE gid = g
	UNION ALL SELECT 'members', count(*) FROM groupreceipt.members WHERE gid = g
	UNION ALL SELECT 'snapshots', count(*) FROM snapshots WHERE gid = g
	UNION ALL SELECT 'messages', count(*) FROM groupreceipt.messages WHERE gid = g
	UNION ALL SELECT 'store', count(*) FROM groupreceipt.store WHERE gid = g AND kind NOT IN ('S', 'A', 'K', 'L')
	UNION ALL SELECT 'read_log', count(*) FROM read_log WHERE gid = g
	UNION ALL SELECT 'ack_log', count(*) FROM ack_log WHERE gid = g
	UNION ALL SELECT 'archived_messages', count(*) FROM archived_messages WHERE gid = g
$$;
-- every table of the extension is listed there
SELECT c.relname FROM pg_class c JOIN pg_depend d ON d.objid = c.oid AND d.deptype = 'e'
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'groupreceipt') AND c.relkind = 'r'
 ORDER BY 1;

--------------------------------------------------------------------------
-- Compaction: a message every recipient has read keeps no bits
--------------------------------------------------------------------------
SELECT add_members(4101, ARRAY[1, 2, 3, 4]);
SELECT post(4101, 10, 1), post(4101, 11, 1), post(4101, 12, 2);
SELECT * FROM ack_msgs(4101, 2, ARRAY[10, 11]);
SELECT * FROM ack_msgs(4101, 3, ARRAY[10]);
SELECT * FROM ack_msgs(4101, 4, ARRAY[10, 12]);
CREATE TEMP TABLE before_fold AS
	SELECT c.*, array(SELECT readers(4101, c.msgid)) AS r, array(SELECT non_readers(4101, c.msgid)) AS nr
	  FROM unread_counts(4101, ARRAY[10, 11, 12]) c;
SELECT * FROM before_fold ORDER BY msgid;
SELECT fold(4101) AS folded;
-- 10 was read by all three recipients: compacted (NULL); 11 and 12 keep bits
SELECT msgid, read FROM _live_messages(4101) ORDER BY msgid;
-- answers are exactly the same
SELECT c.*, array(SELECT readers(4101, c.msgid)) AS r, array(SELECT non_readers(4101, c.msgid)) AS nr
  FROM unread_counts(4101, ARRAY[10, 11, 12]) c
EXCEPT SELECT * FROM before_fold;
-- watermarks complete message 11 (3 and 4 ack up to 11, the others are
-- past it too): the next fold's sweep compacts it
SELECT * FROM ack(4101, 1, 12);
SELECT * FROM ack(4101, 2, 11);
SELECT * FROM ack(4101, 3, 11);
SELECT * FROM ack(4101, 4, 11);
SELECT fold(4101) AS folded;
SELECT msgid, read FROM _live_messages(4101) ORDER BY msgid;
SELECT * FROM unread_counts(4101, ARRAY[10, 11, 12]);
SELECT array(SELECT readers(4101, 11)) AS readers_11, array(SELECT non_readers(4101, 12)) AS non_readers_12;
-- acks of compacted messages report nothing and change nothing
SELECT * FROM ack_msgs(4101, 3, ARRAY[10, 11]);
SELECT member_unread(4101, 3) AS badge_3, array(SELECT undelivered(4101, 3)) AS pull_3;

--------------------------------------------------------------------------
-- Archive on demand: old messages freeze, new ones stay live
--------------------------------------------------------------------------
SELECT add_members(4102, ARRAY[1, 2, 3, 4, 5]);
SELECT post(4102, m, 1, timestamptz '1995-06-01' + m * interval '1 day') FROM generate_series(1, 4) m;
SELECT post(4102, 5, 2, timestamptz '1995-07-01');
SELECT * FROM ack(4102, 2, 2);
SELECT * FROM ack_msgs(4102, 3, ARRAY[3, 5]);
SELECT * FROM ack_msgs(4102, 4, ARRAY[1]);
CREATE TEMP TABLE before_archive AS
	SELECT c.*, array(SELECT readers(4102, c.msgid)) AS r, array(SELECT non_readers(4102, c.msgid)) AS nr
	  FROM unread_counts(4102, ARRAY[1, 2, 3, 4, 5]) c;
SELECT * FROM before_archive ORDER BY msgid;
SELECT member_unread(4102, 3) AS badge_3, array(SELECT undelivered(4102, 3)) AS pull_3;
SELECT archive(pg_temp.age_of('1995-06-15')) AS archived;
SELECT archive(pg_temp.age_of('1995-06-15')) AS archived_again;
-- the frozen form: counts and the unread slots
SELECT msgid, sender, recipients, read, unread FROM archived_messages WHERE gid = 4102 ORDER BY msgid;
SELECT msgid FROM _live_messages(4102) ORDER BY msgid;
-- counts and lists answer exactly as they stood
SELECT c.*, array(SELECT readers(4102, c.msgid)) AS r, array(SELECT non_readers(4102, c.msgid)) AS nr
  FROM unread_counts(4102, ARRAY[1, 2, 3, 4, 5]) c
EXCEPT SELECT * FROM before_archive;
-- archived messages leave the badge and the pull
SELECT member_unread(4102, 3) AS badge_3, array(SELECT undelivered(4102, 3)) AS pull_3;
-- later acks change nothing about them (and report only live messages)
SELECT * FROM ack(4102, 3, 5);
SELECT * FROM ack_msgs(4102, 5, ARRAY[1, 2, 3, 4]);
SELECT * FROM ack_msgs(4102, 4, ARRAY[2, 5]);
SELECT * FROM unread_counts(4102, ARRAY[1, 2, 3, 4, 5, 6]);
SELECT array(SELECT readers(4102, 4)) AS readers_4, array(SELECT non_readers(4102, 4)) AS non_readers_4;
-- a new member does not become a recipient of archived messages either
SELECT add_members(4102, ARRAY[6]);
SELECT array(SELECT non_readers(4102, 1)) AS non_readers_1;

--------------------------------------------------------------------------
-- Archive by trigger: a sample of posts (1 in 64 by msgid hash) archives
-- at most groupreceipt.archive_batch of the group's oldest messages
--------------------------------------------------------------------------
-- sampled and unsampled msgids above 1000
SELECT array_agg(x ORDER BY x) AS sampled FROM (
	SELECT x FROM generate_series(1001, 100000) x
	 WHERE pg_catalog.hashint8(x) & 63 = 0 ORDER BY x LIMIT 4) s \gset
SELECT array_agg(x ORDER BY x) AS plain FROM (
	SELECT x FROM generate_series(1, 1000) x
	 WHERE pg_catalog.hashint8(x) & 63 <> 0 ORDER BY x LIMIT 30) s \gset
SELECT add_members(4103, ARRAY[1, 2, 3]);
-- 30 old messages, posted while retention is off (no archiving)
SHOW groupreceipt.retention;
SELECT count(*) AS posted FROM unnest(:'plain'::bigint[]) m, post(4103, m, 1, now() - interval '30 days');
SELECT * FROM ack(4103, 2, 1000);
SELECT count(*) AS archived FROM archived_messages WHERE gid = 4103;
SET groupreceipt.retention = '7d';
SET groupreceipt.archive_batch = 8;
SHOW groupreceipt.retention;
-- a sampled post fires the trigger: 8 archived, the oldest first
SELECT post(4103, (:'sampled'::bigint[])[1], 3);
SELECT count(*) AS archived, min(msgid) = (:'plain'::bigint[])[1] AS oldest_first,
       max(msgid) = (:'plain'::bigint[])[8] AS first_eight
  FROM archived_messages WHERE gid = 4103;
-- unsampled posts do no archiving
SELECT post(4103, m, 3) FROM generate_series((:'sampled'::bigint[])[1] + 1, (:'sampled'::bigint[])[2] - 1) m
 WHERE pg_catalog.hashint8(m) & 63 <> 0 LIMIT 5;
SELECT count(*) AS archived FROM archived_messages WHERE gid = 4103;
-- the next sampled posts archive 8 more each; the new messages stay live
SELECT post(4103, (:'sampled'::bigint[])[2], 3);
SELECT post(4103, (:'sampled'::bigint[])[3], 3);
SELECT count(*) AS archived FROM archived_messages WHERE gid = 4103;
SELECT count(*) AS live_old FROM _live_messages(4103) WHERE sent_at < now() - interval '7 days';
SELECT count(*) AS live_new FROM _live_messages(4103) WHERE sent_at >= now() - interval '7 days';
-- frozen answers: uid 2 read all the old ones, uid 3 none
SELECT count(*) AS rows, sum(recipients) AS recipients, sum(read) AS read, sum(unread) AS unread
  FROM unread_counts(4103, :'plain'::bigint[]);
-- retention off again: sampled posts do not archive
RESET groupreceipt.retention;
SELECT post(4103, (:'sampled'::bigint[])[4], 3);
SELECT count(*) AS archived FROM archived_messages WHERE gid = 4103;
RESET groupreceipt.archive_batch;

--------------------------------------------------------------------------
-- Purge: archived receipts older than the age disappear, and the
-- snapshots nothing references any more
--------------------------------------------------------------------------
SELECT add_members(4104, ARRAY[1, 2]);
SELECT post(4104, 1, 1, '1994-01-01');
SELECT add_members(4104, ARRAY[3]);
SELECT post(4104, 2, 1, '1994-03-01');
SELECT add_members(4104, ARRAY[4]);
SELECT post(4104, 3, 1, '1994-06-01');
SELECT archive(pg_temp.age_of('1994-04-01')) AS archived;
SELECT snap_id, members FROM snapshots WHERE gid = 4104 ORDER BY snap_id;
SELECT purge(pg_temp.age_of('1994-02-01')) AS purged;
SELECT msgid FROM archived_messages WHERE gid = 4104;
SELECT snap_id, members FROM snapshots WHERE gid = 4104 ORDER BY snap_id;
SELECT * FROM unread_counts(4104, ARRAY[1, 2, 3]);
SELECT readers(4104, 1);
SELECT * FROM ack_msgs(4104, 2, ARRAY[1]);
SELECT purge(pg_temp.age_of('1994-12-31')) AS purged;
SELECT * FROM pg_temp.rows_of(4104);

--------------------------------------------------------------------------
-- Forget: receipts of deleted or recalled messages, live or archived
--------------------------------------------------------------------------
SELECT add_members(4105, ARRAY[1, 2, 3]);
SELECT post(4105, 1, 1, '1993-01-01');
SELECT post(4105, 2, 1), post(4105, 3, 2);
SELECT * FROM ack_msgs(4105, 2, ARRAY[2]);
SELECT archive(pg_temp.age_of('1993-02-01')) AS archived;
SELECT forget(4105, ARRAY[1, 2, 99]) AS forgotten;
SELECT forget(4105, ARRAY[1, 2]) AS forgotten_again;
SELECT * FROM unread_counts(4105, ARRAY[1, 2, 3]);
SELECT non_readers(4105, 2);
SELECT * FROM ack_msgs(4105, 3, ARRAY[2]);
SELECT member_unread(4105, 3) AS badge_3;
-- posting continues after the newest message, even if it was forgotten
SELECT forget(4105, ARRAY[3]) AS forgotten;
SELECT post(4105, 3, 1);
SELECT post(4105, 4, 1);
SELECT forget(4105, ARRAY[4]) AS forgotten;
SELECT * FROM pg_temp.rows_of(4105);

--------------------------------------------------------------------------
-- drop_group: nothing of the group is left; an unknown group is a no-op
--------------------------------------------------------------------------
SELECT add_members(4106, ARRAY[1, 2, 3]);
SELECT post(4106, 1, 1, '1992-01-01'), post(4106, 2, 1);
SELECT * FROM ack_msgs(4106, 2, ARRAY[1, 2]);
SELECT archive(pg_temp.age_of('1992-02-01')) AS archived;
SELECT * FROM pg_temp.rows_of(4106);
SELECT drop_group(4106);
SELECT * FROM pg_temp.rows_of(4106);
SELECT drop_group(4106);
SELECT drop_group(4999);
SELECT member_unread(4106, 2);
-- the group can start again from scratch
SELECT add_members(4106, ARRAY[1, 2]), post(4106, 1, 1);

--------------------------------------------------------------------------
-- Bad input: clear errors, nothing changed
--------------------------------------------------------------------------
SELECT archive('-1 day');
SELECT purge('-1 second');
SELECT archive(NULL) IS NULL AS strict_archive, purge(NULL) IS NULL AS strict_purge,
       forget(NULL, ARRAY[1]) IS NULL AS strict_forget;
SELECT forget(4101, ARRAY[10, NULL]);
SELECT forget(4101, array_fill(1::bigint, ARRAY[100001]));
SELECT msgid FROM _live_messages(4101) ORDER BY msgid;
SET groupreceipt.retention = 'forever';
SET groupreceipt.retention = '-1';
SET groupreceipt.archive_batch = 0;
SET groupreceipt.notify_channel = 'a_channel_name_that_is_longer_than_sixty_three_bytes_is_rejected';
SHOW groupreceipt.notify_channel;
-- the archiving trigger's function only serves BEFORE INSERT row triggers
CREATE TABLE misfired (gid bigint, msgid bigint);
CREATE TRIGGER misfired_after AFTER INSERT ON misfired
	FOR EACH ROW EXECUTE FUNCTION groupreceipt._archive_trigger();
INSERT INTO misfired VALUES (1, 1);
DROP TRIGGER misfired_after ON misfired;
CREATE TRIGGER misfired_stmt BEFORE INSERT ON misfired
	FOR EACH STATEMENT EXECUTE FUNCTION groupreceipt._archive_trigger();
INSERT INTO misfired VALUES (1, 1);
SELECT count(*) AS rows_inserted FROM misfired;
DROP TABLE misfired;
SELECT groupreceipt._archive_trigger();
