-- post_many (issue 13, item 5): exactly like that many post calls in array
-- order -- same results, same stored rows, same errors, nothing posted when
-- one message fails -- and one group-row update per call, whatever the
-- number of messages (a post per message updates it once each, and a
-- million updates of one row in one transaction made the import quadratic).
-- Groups 8501-8599.
\i test/sql/include/store_views.sql
SET search_path = groupreceipt, public;
SET client_min_messages = warning;

-- the same history through post (group 8501) and post_many (8502): a
-- membership change in the middle, explicit sent_at, then the default now()
SELECT add_members(g, ARRAY[1, 2, 3, 4]) FROM (VALUES (8501), (8502)) v(g);
SELECT post(8501, 10, 1, '2026-01-01'), post(8501, 11, 2, '2026-01-02'), post(8501, 12, 1, '2026-01-03');
SELECT post_many(8502, ARRAY[10, 11, 12], ARRAY[1, 2, 1],
                 ARRAY['2026-01-01', '2026-01-02', '2026-01-03']::timestamptz[]);
SELECT remove_members(g, ARRAY[4]), add_members(g, ARRAY[5]) FROM (VALUES (8501), (8502)) v(g);
SELECT post(8501, 20, 5), post(8501, 21, 3);
SELECT post_many(8502, ARRAY[20, 21], ARRAY[5, 3]);
-- same rows (snapshots included), same answers
SELECT (SELECT array_agg((msgid, sender, sender_slot, snap_id, read) ORDER BY msgid)
          FROM messages WHERE gid = 8501)::text
     = (SELECT array_agg((msgid, sender, sender_slot, snap_id, read) ORDER BY msgid)
          FROM messages WHERE gid = 8502)::text AS same_messages,
       (SELECT array_agg((snap_id, members) ORDER BY snap_id) FROM snapshots WHERE gid = 8501)::text
     = (SELECT array_agg((snap_id, members) ORDER BY snap_id) FROM snapshots WHERE gid = 8502)::text AS same_snapshots,
       (SELECT array_agg(sent_at ORDER BY msgid) FROM messages WHERE gid = 8502 AND msgid < 20) AS sent_at,
       (SELECT bool_and(sent_at > '2026-01-03' AND sent_at <= now()) FROM messages
         WHERE gid = 8502 AND msgid >= 20) AS default_now;
SELECT * FROM unread_counts(8502, ARRAY[10, 11, 12, 20, 21]);
SELECT * FROM ack(8502, 3, 20);
SELECT member_unread(8502, 5) AS badge_5, array(SELECT non_readers(8502, 21)) AS non_readers_21;

-- one update of the group row per call, for 1 message or 5000 (a call that
-- makes the snapshot after a membership change updates it once more)
CREATE TEMP TABLE upd (label text, group_updates bigint, inserted bigint);
BEGIN;
SELECT add_members(8503, ARRAY[1, 2]) > 0 AS added;
INSERT INTO upd SELECT 'start', pg_stat_get_xact_tuples_updated('groupreceipt.groups'::regclass),
                       pg_stat_get_xact_tuples_inserted('groupreceipt.messages'::regclass);
SELECT cardinality(post_many(8503, ARRAY[1], ARRAY[1])) AS n;
INSERT INTO upd SELECT '1 message', pg_stat_get_xact_tuples_updated('groupreceipt.groups'::regclass),
                       pg_stat_get_xact_tuples_inserted('groupreceipt.messages'::regclass);
SELECT cardinality(post_many(8503, ARRAY(SELECT generate_series(2, 5001)::bigint),
                             ARRAY(SELECT 1 + m % 2 FROM generate_series(2, 5001) m)::bigint[])) AS n;
INSERT INTO upd SELECT '5000 more', pg_stat_get_xact_tuples_updated('groupreceipt.groups'::regclass),
                       pg_stat_get_xact_tuples_inserted('groupreceipt.messages'::regclass);
COMMIT;
SELECT * FROM (
  SELECT label, group_updates - lag(group_updates) OVER (ORDER BY inserted) AS group_updates,
         inserted - lag(inserted) OVER (ORDER BY inserted) AS messages_inserted
  FROM upd) d
WHERE label <> 'start' ORDER BY messages_inserted;
SELECT count(*), min(msgid), max(msgid), (SELECT last_msgid FROM groups WHERE gid = 8503)
FROM messages WHERE gid = 8503;

-- every error of post, at the first failing element in array order, and
-- nothing posted: the state of group 8502 is fingerprinted before and after
CREATE TEMP VIEW state AS
SELECT md5(coalesce((SELECT string_agg(msgid || ':' || snap_id, ',' ORDER BY msgid) FROM messages WHERE gid = 8502), '')
           || (SELECT last_msgid || '/' || coalesce(snap_id, -1) || '/' || next_snap_id FROM groups WHERE gid = 8502)
           || (SELECT count(*) FROM snapshots WHERE gid = 8502)) AS fp;
CREATE TEMP TABLE before AS SELECT fp FROM state;
\set VERBOSITY default
SELECT post_many(8502, ARRAY[30, 31, 31], ARRAY[1, 2, 3]);   -- not increasing (within the batch)
SELECT post_many(8502, ARRAY[21], ARRAY[1]);                 -- not greater than the newest
SELECT post_many(8502, ARRAY[30, 31], ARRAY[1, 4]);          -- sender removed
SELECT post_many(8502, ARRAY[30, 31], ARRAY[1, 99]);         -- never a member
SELECT post_many(8502, ARRAY[30, -31], ARRAY[1, 2]);         -- not positive
SELECT post_many(8502, ARRAY[0], ARRAY[1]);                  -- not positive, first element
SELECT post_many(8502, ARRAY[30, 31], ARRAY[1]);             -- lengths differ
SELECT post_many(8502, ARRAY[30], ARRAY[1], ARRAY[now(), now()]);
SELECT post_many(8502, ARRAY[30, NULL], ARRAY[1, 2]);        -- NULL elements
SELECT post_many(8502, ARRAY[30], ARRAY[NULL]::bigint[]);
SELECT post_many(8502, ARRAY[30], ARRAY[1], ARRAY[NULL]::timestamptz[]);
SELECT post_many(8599, ARRAY[1], ARRAY[1]);                  -- no such group
SELECT (SELECT fp FROM state) = (SELECT fp FROM before) AS unchanged;
-- after a membership change the batch would need a new snapshot: a failing
-- call leaves none behind
SELECT remove_members(8502, ARRAY[5]) AS removed;
DELETE FROM before;
INSERT INTO before SELECT fp FROM state;
SELECT post_many(8502, ARRAY[30, 31], ARRAY[1, 5]);
SELECT (SELECT fp FROM state) = (SELECT fp FROM before) AS unchanged;
SELECT add_members(8502, ARRAY[5]) AS re_added;
\set VERBOSITY terse

-- NULL gid, msgids or senders: NULL (as a STRICT function), nothing posted;
-- empty arrays: nothing to post
SELECT post_many(NULL, ARRAY[30], ARRAY[1]) IS NULL AS null_gid,
       post_many(8502, NULL, ARRAY[1]) IS NULL AS null_msgids,
       post_many(8502, ARRAY[30], NULL) IS NULL AS null_senders,
       post_many(8502, '{}', '{}') AS empty;
SELECT count(*) AS messages FROM messages WHERE gid = 8502;

-- post_many after a failed one posts (nothing left locked or half done)
SELECT post_many(8502, ARRAY[30, 31], ARRAY[1, 5]);
SELECT * FROM unread_counts(8502, ARRAY[30, 31]);
