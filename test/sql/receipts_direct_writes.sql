-- The writes through the primary keys (receipts_direct_ack.c,
-- receipts_direct_post.c): the reader's row locked and the log rows
-- inserted from C; a post's group row updated and message row inserted
-- from C.  Acks and folds mixed in one statement and in one transaction
-- see each other's writes; an index an operator adds (plain, expression,
-- partial; on the updated column of the group row too) is maintained, as
-- the executor's insert and update would (amcheck: every heap row is in
-- every index); a trigger or CHECK constraint an operator adds to the
-- messages table is honoured (the post then goes through the executor);
-- in a read-only transaction they refuse (25006) as the executor would;
-- a trigger an operator adds to store, which holds the logs (0.8), makes
-- the acks refuse (0A000).  A batch ack probes the read log per message
-- only if its range has explicit reads.  Groups 9201-9206.
SET search_path = groupreceipt, public;
CREATE EXTENSION IF NOT EXISTS amcheck;

SELECT add_members(9201, ARRAY[1, 2, 3, 4]::bigint[]);
SELECT count(post(9201, m, 1)) FROM generate_series(1, 10) m;

-- 1. acks and folds in one statement: each ack sees the previous one and
--    the fold that moved it into the roster row
SELECT k, (SELECT array_agg(x ORDER BY x) FROM ack(9201, 2, k) a, unnest(a.msgids) x) AS became_read,
       fold(9201) >= 0 AS folded
  FROM generate_series(1, 4) k;
SELECT slot, read_upto FROM _member(9201, 2);
SELECT count(*) AS pending_acks FROM store WHERE gid = 9201 AND kind = 'K';

-- 2. in one transaction: ack, fold, ack, explicit acks around a fold
BEGIN;
SELECT * FROM ack(9201, 3, 2);
SELECT fold(9201) >= 0 AS folded;
SELECT * FROM ack(9201, 3, 4);
SELECT * FROM ack_msgs(9201, 3, ARRAY[4, 6, 7]);
SELECT fold(9201) >= 0 AS folded;
SELECT * FROM ack_msgs(9201, 3, ARRAY[7, 8]);
SELECT * FROM ack_msgs(9201, 3, ARRAY[8]);
COMMIT;
SELECT * FROM unread_counts(9201, ARRAY(SELECT generate_series(1, 10)::bigint));

-- 3. indexes an operator added to the logs (0.8: to store, which holds
--    them as K and L rows): plain, expression, partial
CREATE INDEX store_sub ON store (sub);
CREATE INDEX store_sub_plus ON store ((sub + 1));
CREATE INDEX store_kind_sub ON store (kind, sub, key);
CREATE INDEX store_reads_slot3 ON store (key) WHERE kind = 'L' AND sub = 3;
SELECT add_members(9202, ARRAY[1, 2, 3, 4, 5]::bigint[]);
SELECT count(post(9202, m, 1)) FROM generate_series(1, 6) m;
SELECT * FROM ack(9202, 2, 3);
SELECT * FROM ack_msgs(9202, 4, ARRAY[2, 5]);
SELECT * FROM ack_msgs(9202, 3, ARRAY[6]);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT gid, key AS slot, sub AS upto FROM store WHERE kind = 'K' AND sub + 1 = 4 AND gid = 9202;
SELECT gid, key AS msgid, sub AS slot FROM store WHERE kind = 'L' AND sub = 3 AND gid = 9202 ORDER BY key;
SELECT key AS msgid FROM store WHERE kind = 'L' AND sub = 3 AND key > 0 AND gid = 9202;
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT c.relname, bt_index_check(c.oid, true)::text = '' AS ok
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid = 'store'::regclass
 ORDER BY c.relname;
DROP INDEX store_sub, store_sub_plus, store_kind_sub, store_reads_slot3;

-- 4. post: indexes an operator added to the group and message rows; an
--    index on last_msgid makes every post's update of the group row a
--    non-HOT one, with new index entries
CREATE INDEX groups_last_msgid ON groups (last_msgid);
CREATE INDEX messages_sender ON messages (sender, msgid) WHERE sender_slot >= 0;
SELECT add_members(9203, ARRAY[1, 2, 3]::bigint[]);
SELECT post(9203, m, 1 + m % 3) FROM generate_series(1, 20) m;
SELECT c.relname, bt_index_check(c.oid, true)::text = '' AS ok
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid IN ('groups'::regclass, 'messages'::regclass) AND c.relam = 403
 ORDER BY c.relname;
SELECT last_msgid FROM groups WHERE gid = 9203;
DROP INDEX groups_last_msgid, messages_sender;

-- 5. post: a trigger and a CHECK constraint an operator added to messages
--    are honoured
CREATE TABLE pg_temp.posted (gid bigint, msgid bigint);
CREATE FUNCTION pg_temp.note_post() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO pg_temp.posted VALUES (NEW.gid, NEW.msgid); RETURN NEW; END $$;
CREATE TRIGGER note_post AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION pg_temp.note_post();
SELECT add_members(9204, ARRAY[1, 2]::bigint[]);
SELECT post(9204, 1, 1), post(9204, 2, 2);
SELECT * FROM pg_temp.posted ORDER BY msgid;
DROP TRIGGER note_post ON messages;
ALTER TABLE messages ADD CONSTRAINT below_1000 CHECK (gid <> 9204 OR msgid < 1000) NOT VALID;
SELECT post(9204, 999, 1);
\set VERBOSITY terse
SELECT post(9204, 1000, 1);
\set VERBOSITY default
SELECT last_msgid FROM groups WHERE gid = 9204;
ALTER TABLE messages DROP CONSTRAINT below_1000;
ALTER TABLE groups ADD CONSTRAINT below_1001 CHECK (gid <> 9204 OR last_msgid < 1001) NOT VALID;
\set VERBOSITY terse
SELECT post(9204, 1001, 1);
\set VERBOSITY default
ALTER TABLE groups DROP CONSTRAINT below_1001;
SELECT post(9204, 1000, 1);
SELECT * FROM unread_counts(9204, ARRAY[1, 2, 999, 1000]);

-- 6. a read-only transaction: the writes refuse, as the executor's would,
--    and write nothing
SELECT add_members(9205, ARRAY[1, 2]::bigint[]);
SELECT post(9205, 1, 1);
\i test/sql/include/try.sql
BEGIN READ ONLY;
SELECT pg_temp.try('SELECT groupreceipt.post(9205, 2, 1)') AS post,
       pg_temp.try('SELECT groupreceipt.ack(9205, 2, 1)') AS ack,
       pg_temp.try('SELECT groupreceipt.ack_msgs(9205, 2, ARRAY[1])') AS ack_msgs;
COMMIT;
SELECT last_msgid FROM groups WHERE gid = 9205;
-- a trigger on store, which holds the logs: the acks refuse (they write
-- the log rows directly)
CREATE FUNCTION pg_temp.note_row() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO pg_temp.posted VALUES (NEW.gid, NEW.key); RETURN NEW; END $$;
CREATE TRIGGER note_ack AFTER INSERT ON store FOR EACH ROW EXECUTE FUNCTION pg_temp.note_row();
SELECT pg_temp.try('SELECT groupreceipt.ack(9205, 2, 1)') AS ack,
       pg_temp.try('SELECT groupreceipt.ack_msgs(9205, 2, ARRAY[1])') AS ack_msgs;
DROP TRIGGER note_ack ON store;
SELECT (SELECT count(*) FROM store WHERE gid = 9205 AND kind = 'K') AS acks,
       (SELECT count(*) FROM store WHERE gid = 9205 AND kind = 'L') AS reads;

-- 7. a batch ack looks for explicit reads of its range with one descent
-- of the log's index when the range has none (it probed once per message
-- of the range before 0.4.1), and per message when it has some: a message
-- read explicitly before is not reported again.  0.8: the log is rows of
-- store, whose index the ack descends for other rows too (the snapshot,
-- the newest sealed msgid, a block), so the test compares an ack of 10
-- messages with one of 1 message at the same position: as many descents
-- (9 more before 0.4.1)
SELECT add_members(9206, ARRAY[1, 2, 3]);
SELECT count(post(9206, m, 1)) FROM generate_series(1, 20) m;
BEGIN;
SELECT pg_stat_get_xact_numscans('groupreceipt.store_pkey'::regclass) AS before \gset
SELECT * FROM ack(9206, 3, 1);
SELECT pg_stat_get_xact_numscans('groupreceipt.store_pkey'::regclass) AS mid \gset
SELECT * FROM ack(9206, 2, 10);
SELECT pg_stat_get_xact_numscans('groupreceipt.store_pkey'::regclass) - :mid - (:mid - :before)
       AS descents_beyond_one_message;
COMMIT;
SELECT * FROM ack_msgs(9206, 2, ARRAY[13, 15]::bigint[]);
SELECT * FROM ack(9206, 2, 20);
SELECT * FROM ack_msgs(9206, 3, ARRAY[4]::bigint[]);
SELECT * FROM ack(9206, 3, 5);
