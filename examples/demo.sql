-- groupreceipt demo: run by scripts/demo.sh in a throwaway cluster.
\pset footer off
CREATE EXTENSION groupreceipt;
SET search_path = groupreceipt, public;

\echo
\echo '== A group of 640 members is a bitmap over member slots 0..639.'
\echo '== Everybody has read a message: one run, 8 bytes however large the group.'
SELECT '{0-639}'::bitmap AS all_read, pg_column_size('{0-639}'::bitmap) AS bytes;

\echo
\echo '== Who read it: members 0, 3 and 5 to 9. Text form is canonical (runs as a-b).'
SELECT '{9,8,7,6,5,3,0}'::bitmap AS readers,
       bitmap_count('{9,8,7,6,5,3,0}'::bitmap) AS read_count;

\echo
\echo '== "n unread" = snapshot minus readers; who has not read = the same set listed.'
SELECT bitmap_count(snapshot - readers) AS unread,
       (snapshot - readers)::int[] AS not_read_by
FROM (VALUES ('{0-9}'::bitmap, '{0,3,5-9}'::bitmap)) v(snapshot, readers);

\echo
\echo '== Reading one more message sets one bit; set algebra and containment:'
SELECT bitmap_add('{0,3,5-9}', 4) AS after_member_4_reads,
       '{0-9}'::bitmap @> 4 AS member_4_is_recipient,
       '{0,3}'::bitmap <@ '{0-9}'::bitmap AS subset,
       '{0-4}'::bitmap & '{3-9}' AS both,
       '{0-4}'::bitmap | '{8,9}' AS either;

\echo
\echo '== The encoding adapts to the set: each value takes the smallest form.'
SELECT b AS value, bitmap_encoding(b) AS encoding, pg_column_size(b) AS bytes
FROM (VALUES ('{}'::bitmap),
             ('{0-639}'),
             ('{1,300,5000}'),
             ('{0,2,4,6,8,10,12,14,16,18}'),
             ('{0-99,200-299,400-499}'),
             ('{70000,800000,1500000}')) v(b);

\echo
\echo '== Every other one of 640 members read: plain bits, 80 bytes of bits + header;'
\echo '== bitmap_agg builds a bitmap from rows.'
SELECT bitmap_count(b) AS members_read, pg_column_size(b) AS bytes, bitmap_encoding(b) AS encoding
FROM (SELECT bitmap_agg(slot) AS b
      FROM generate_series(0, 639) slot WHERE slot % 2 = 0) s;

\echo
\echo '== Read receipts. Group 1: the sender A (uid 100) and members 1, 2, 3.'
SELECT add_members(1, ARRAY[100, 1, 2, 3]) AS members_added;
SELECT post(1, msgid, 100) AS recipients FROM generate_series(1, 5) msgid;

\echo
\echo '== uid 1 has read everything (one batch ack), uid 2 up to message 3;'
\echo '== each ack returns the messages that became read, one row per sender.'
SELECT * FROM ack(1, 1, 5);
SELECT * FROM ack(1, 2, 3);

\echo
\echo '== The sender''s screen: "n unread" under each message, one call.'
SELECT * FROM unread_counts(1, ARRAY[1, 2, 3, 4, 5]);

\echo
\echo '== Who has read message 4, and who has not.'
SELECT array(SELECT readers(1, 4)) AS read_by, array(SELECT non_readers(1, 4)) AS not_read_by;

\echo
\echo '== uid 3 was offline: its badge, and its offline pull, page by page.'
SELECT member_unread(1, 3) AS badge;
SELECT array(SELECT undelivered(1, 3, NULL, 2)) AS page_1, array(SELECT undelivered(1, 3, 2, 2)) AS page_2;

\echo
\echo '== uid 3 jumps to message 5 (an @mention) and reads it out of order.'
SELECT * FROM ack_msgs(1, 3, ARRAY[5]);
SELECT * FROM unread_counts(1, ARRAY[4, 5]);

\echo
\echo '== Membership changes: uid 4 joins, uid 1 leaves; message 6 goes to the new membership.'
SELECT add_members(1, ARRAY[4]) AS joined, remove_members(1, ARRAY[1]) AS left;
SELECT post(1, 6, 100) AS recipients;
SELECT array(SELECT non_readers(1, 6)) AS message_6_unread_by;

\echo
\echo '== Storage: message rows reference a shared member snapshot (an S row of groupreceipt.store);'
\echo '   read bits are bitmaps.'
SELECT key AS snap_id, groupreceipt._snapshot_members(gid, key, payload) AS members
  FROM groupreceipt.store WHERE gid = 1 AND kind = 'S' ORDER BY key;
SELECT msgid, snap_id, read FROM groupreceipt.messages WHERE gid = 1 ORDER BY msgid;
\echo '== fold seals older messages into blocks of up to 256 in one row each (it keeps the newest'
\echo '   groupreceipt.tail_messages, 256, as rows; 0 here, to seal these few).'
SET groupreceipt.tail_messages = 0;
SELECT fold(1) AS folded;
RESET groupreceipt.tail_messages;
SELECT * FROM groupreceipt._blocks(1);
\echo '   fold also packs every member's folded read watermark into the group's W row:'
SELECT * FROM groupreceipt._vector(1);
SELECT msgid, snap_id, read FROM groupreceipt._live_messages(1) ORDER BY msgid;
SELECT * FROM unread_counts(1, ARRAY[1, 2, 3, 4, 5, 6]);

\echo
\echo '== Lifecycle. Push: with a channel set, acks notify the sender at commit (JSON).'
LISTEN receipts;
SET groupreceipt.notify_channel = 'receipts';
SELECT * FROM ack(1, 4, 6);
RESET groupreceipt.notify_channel;

\echo
\echo '== Archive: messages sent before now() - older_than are frozen. Group 2 has old messages.'
SELECT add_members(2, ARRAY[10, 11, 12]) AS members_added;
-- an import: post_many posts the three old messages in one call, like three posts
SELECT post_many(2, ARRAY[1, 2, 3], ARRAY[10, 10, 10],
                 ARRAY(SELECT now() - interval '40 days' FROM generate_series(1, 3))) AS imported;
SELECT post(2, 4, 10) AS recent;
SELECT * FROM ack(2, 11, 2);
SELECT archive('30 days') AS archived;
-- (0.7: archived messages are packed in A rows of groupreceipt.store; _archived decodes them)
SELECT msgid, recipients, read, unread AS unread_slots FROM groupreceipt._archived(2);
\echo '== Frozen answers; a later ack changes nothing about archived messages.'
SELECT * FROM ack(2, 12, 4);
SELECT * FROM unread_counts(2, ARRAY[1, 2, 3, 4]);
SELECT member_unread(2, 12) AS badge_12;

\echo
\echo '== Receipts never outlive their messages: the application''s delete calls forget.'
CREATE TABLE chat_messages (gid bigint, id bigint, body text, PRIMARY KEY (gid, id));
INSERT INTO chat_messages VALUES (2, 4, 'hello');
CREATE FUNCTION app_forget_receipts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM groupreceipt.forget(OLD.gid, ARRAY[OLD.id]);
    RETURN OLD;
END $$;
CREATE TRIGGER chat_messages_receipts AFTER DELETE ON chat_messages
    FOR EACH ROW EXECUTE FUNCTION app_forget_receipts();
DELETE FROM chat_messages WHERE gid = 2 AND id = 4;
SELECT * FROM unread_counts(2, ARRAY[4]);

\echo
\echo '== Purge archived receipts; drop a group entirely.'
SELECT purge('30 days') AS purged;
SELECT drop_group(2);
SELECT count(*) AS rows_left FROM groupreceipt.members WHERE gid = 2;
