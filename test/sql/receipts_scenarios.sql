-- The receipts engine on the source articles' scenarios.
\i test/sql/include/store_views.sql
SET search_path = groupreceipt, public;

--------------------------------------------------------------------------
-- Seed 003: group G of A (uid 100), uid1, uid2, uid3.  A sends; uid1 and
-- uid2 are online and ack; uid3 is offline and pulls later, page by page.
--------------------------------------------------------------------------
SELECT add_members(1, ARRAY[100, 1, 2, 3]) AS added;
SELECT members FROM members(1);
SELECT post(1, msgid, 100) AS recipients FROM generate_series(1, 5) msgid;
-- uid1 acks every message (batch ack up to 5); uid2 acks up to 3
SELECT * FROM ack(1, 1, 5);
SELECT * FROM ack(1, 2, 3);
-- A's screen: n unread under each message
SELECT * FROM unread_counts(1, ARRAY[1, 2, 3, 4, 5]);
-- uid3 comes online: what has it not received?  Two pages of 2.
SELECT member_unread(1, 3) AS uid3_badge;
SELECT array(SELECT undelivered(1, 3, NULL, 2)) AS page1;
SELECT array(SELECT undelivered(1, 3, 2, 2)) AS page2;
SELECT array(SELECT undelivered(1, 3, 4, 2)) AS page3;
-- the client acks delivery of the first page: later pulls start after it
SELECT ack_delivered(1, 3, 2);
SELECT array(SELECT undelivered(1, 3)) AS after_delivery_ack;
-- delivered is not read
SELECT member_unread(1, 3) AS uid3_badge_still;
-- uid3 reads everything; a lost ack repeated changes nothing
SELECT * FROM ack(1, 3, 5);
SELECT * FROM ack(1, 3, 5);
SELECT * FROM unread_counts(1, ARRAY[1, 2, 3, 4, 5]);
SELECT member_unread(1, 3) AS uid3_badge_done, array(SELECT undelivered(1, 3)) AS nothing_left;

--------------------------------------------------------------------------
-- Seed 002 §4.1: one reader reads messages by three senders; the read
-- notice splits into one row per sender (senders asc, msgids asc).
--------------------------------------------------------------------------
SELECT add_members(2, ARRAY[10, 20, 30, 40]);
SELECT post(2, 101, 10), post(2, 102, 20), post(2, 103, 30), post(2, 104, 10), post(2, 105, 20);
SELECT * FROM ack(2, 40, 105);
-- explicit (out of order) reads split the same way
SELECT * FROM ack_msgs(2, 10, ARRAY[105, 102, 103, 104, 101]);

--------------------------------------------------------------------------
-- Seed 002 §4.2: counts for a whole screen of messages in one call, in
-- request order, duplicates repeated, unknown msgids with NULL counts.
--------------------------------------------------------------------------
SELECT * FROM unread_counts(2, ARRAY[105, 101, 999, 103, 101]);
SELECT * FROM unread_counts(2, ARRAY[]::bigint[]);
SELECT * FROM unread_counts(999, ARRAY[1, 2]);

--------------------------------------------------------------------------
-- Seed 002 §4.3: who has read / not read one message.
--------------------------------------------------------------------------
SELECT array(SELECT readers(2, 103)) AS readers, array(SELECT non_readers(2, 103)) AS non_readers;
SELECT * FROM ack_msgs(2, 20, ARRAY[103]);
SELECT array(SELECT readers(2, 103)) AS readers, array(SELECT non_readers(2, 103)) AS non_readers;
-- own messages are skipped, re-reads return nothing
SELECT * FROM ack_msgs(2, 30, ARRAY[103]);
SELECT * FROM ack_msgs(2, 20, ARRAY[103]);

--------------------------------------------------------------------------
-- Membership changes between messages: a joiner is not a recipient of
-- earlier messages, a leaver stays a recipient of what was posted while
-- a member and may still ack it (late batched acks).
--------------------------------------------------------------------------
SELECT add_members(3, ARRAY[1, 2, 3]);
SELECT post(3, 1, 1) AS r1;                         -- recipients 2, 3
SELECT add_members(3, ARRAY[4]) AS joined, post(3, 2, 1) AS r2;  -- recipients 2, 3, 4
SELECT remove_members(3, ARRAY[2]) AS left, post(3, 3, 1) AS r3; -- recipients 3, 4
SELECT * FROM unread_counts(3, ARRAY[1, 2, 3]);
SELECT array(SELECT non_readers(3, 1)) AS m1, array(SELECT non_readers(3, 2)) AS m2,
       array(SELECT non_readers(3, 3)) AS m3;
-- uid 4 joined after message 1: not its recipient, never counted
SELECT * FROM ack(3, 4, 3);
SELECT * FROM ack_msgs(3, 4, ARRAY[1]);
-- uid 2 left after message 2: its late ack still lands, but only on 1 and 2
SELECT * FROM ack(3, 2, 3);
SELECT * FROM unread_counts(3, ARRAY[1, 2, 3]);
SELECT member_unread(3, 2) AS leaver_badge, member_unread(3, 3) AS uid3_badge;
-- a former member rejoining keeps its slot and watermarks; counts again
SELECT add_members(3, ARRAY[2, 3, 3]) AS rejoined;   -- 2 rejoins, 3 already there
SELECT post(3, 4, 3) AS r4;                           -- recipients 1, 2, 4
SELECT array(SELECT non_readers(3, 4)) AS m4;
SELECT members FROM members(3);
-- membership functions are idempotent
SELECT add_members(3, ARRAY[1, 2]) AS none_added, remove_members(3, ARRAY[99, 98]) AS none_removed;
-- one snapshot per post that follows a membership change: 4 so far
SELECT count(*) AS snapshots FROM snapshots WHERE gid = 3;
-- several changes between two posts cost one new snapshot; posts without
-- a change share the current one
SELECT add_members(3, ARRAY[5]), add_members(3, ARRAY[6]), remove_members(3, ARRAY[5]);
SELECT post(3, 5, 1), post(3, 6, 1), post(3, 7, 2);
SELECT count(*) AS snapshots FROM snapshots WHERE gid = 3;
SELECT snap_id, count(*) AS messages FROM groupreceipt._live_messages(3) GROUP BY 1 ORDER BY 1;
SELECT snap_id, members FROM snapshots WHERE gid = 3 ORDER BY 1;

--------------------------------------------------------------------------
-- Private chat: the two-member case.
--------------------------------------------------------------------------
SELECT add_members(4, ARRAY[7, 8]);
SELECT post(4, 1, 7), post(4, 2, 8), post(4, 3, 7);
SELECT * FROM unread_counts(4, ARRAY[1, 2, 3]);
SELECT * FROM ack(4, 8, 3);
SELECT * FROM unread_counts(4, ARRAY[1, 2, 3]);
SELECT member_unread(4, 7) AS badge7, member_unread(4, 8) AS badge8;

--------------------------------------------------------------------------
-- Acks are clamped, idempotent and never move backwards.
--------------------------------------------------------------------------
SELECT add_members(5, ARRAY[1, 2]);
SELECT post(5, 10, 1), post(5, 20, 1);
SELECT * FROM ack(5, 2, 1000000);     -- clamped to 20
SELECT post(5, 30, 1);
SELECT * FROM unread_counts(5, ARRAY[10, 20, 30]);  -- 30 is not pre-read
SELECT * FROM ack(5, 2, 15);          -- behind the watermark: nothing
SELECT * FROM ack(5, 2, -5);
-- (the watermarks as they stand: the roster row raised by the pending batch acks)
SELECT read_upto, delivered_upto FROM groupreceipt._member(5, 2);
SELECT ack_delivered(5, 1, 999);      -- clamped; the sender received nothing, but may ack
SELECT ack_delivered(5, 2, 10);       -- never backwards
SELECT m.uid, m.read_upto, m.delivered_upto FROM unnest(ARRAY[1, 2]::bigint[]) u, groupreceipt._member(5, u) m ORDER BY 1;
-- fold moves the batch acks into the roster rows: the same watermarks there
SELECT fold(5);
SELECT count(*) AS acks_pending FROM ack_log WHERE gid = 5;
SELECT r.uid, m.read_upto, m.delivered_upto FROM groupreceipt.members r, groupreceipt._member(r.gid, r.uid) m WHERE r.gid = 5 ORDER BY r.uid;
-- explicit reads then the fold: answers do not change when the log is folded
SELECT add_members(6, ARRAY(SELECT generate_series(1, 50)::bigint));
SELECT post(6, 1, 1), post(6, 2, 2);
SELECT count(*) FROM generate_series(2, 50) u, LATERAL ack_msgs(6, u, ARRAY[1, 2]);
SELECT * FROM unread_counts(6, ARRAY[1, 2]);
SELECT fold(6) AS folded_messages;
SELECT count(*) AS log_rows_left FROM read_log WHERE gid = 6;
SELECT * FROM unread_counts(6, ARRAY[1, 2]);
SELECT array(SELECT non_readers(6, 1)) AS m1, array(SELECT non_readers(6, 2)) AS m2;
SELECT msgid, read FROM groupreceipt._live_messages(6) ORDER BY msgid;
