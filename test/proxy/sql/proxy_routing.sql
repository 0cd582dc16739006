-- Routing: every call for a group lands on the partition hashint8(gid) & 3,
-- and a group lives on exactly one partition.
SET search_path = groupreceipt, public;
-- PL/Proxy says NOTICE "dropping stale conn" after a remote error
SET client_min_messages = warning;

SELECT g, add_members(g, ARRAY[1, 2, 3]) AS added FROM generate_series(1, 16) g;
SELECT g, post(g, 10, 1) AS recipients FROM generate_series(1, 16) g;
SELECT g, (SELECT array_agg(msgids) FROM ack(g, 2, 10)) AS acked FROM generate_series(1, 16) g;
SELECT * FROM unread_counts(5, ARRAY[10, 11]);
SELECT array(SELECT readers(5, 10)) AS readers, array(SELECT non_readers(5, 10)) AS non_readers;
SELECT array(SELECT members(5)) AS members, member_unread(5, 3) AS badge_3,
       array(SELECT undelivered(5, 3)) AS pull_3;
-- post_many lands on the group's partition too (with and without sent_at)
SELECT g, post_many(g, ARRAY[11, 12], ARRAY[1, 2]) AS recipients,
       post_many(g, ARRAY[13], ARRAY[3], ARRAY[timestamptz '2026-01-01']) AS with_sent_at
  FROM generate_series(1, 4) g;
SELECT g, (SELECT array_agg(c.unread ORDER BY c.msgid) FROM unread_counts(g, ARRAY[11, 12, 13]) c) AS unread
  FROM generate_series(1, 4) g;
SELECT post_many(NULL, ARRAY[1], ARRAY[1]) IS NULL AS null_gid;

-- the partition of each group is the one hashint8 picks
SELECT count(*) AS groups,
       count(*) FILTER (WHERE partition_of(g) = 'gr_part' || (hashint8(g) & 3)) AS on_hashed_partition
  FROM generate_series(1, 16) g;
-- and no group is on two partitions
SELECT gid, count(*) AS partitions FROM partition_groups() WHERE gid BETWEEN 1 AND 16
 GROUP BY gid HAVING count(*) <> 1;
SELECT partition_db, count(*) AS groups FROM partition_groups() WHERE gid BETWEEN 1 AND 16
 GROUP BY 1 ORDER BY 1;

-- errors come back with the partition's SQLSTATE and change nothing
\set VERBOSITY sqlstate
SELECT post(5, 10, 1);
SELECT * FROM ack(5, 99, 10);
SELECT readers(5, 77);
SELECT * FROM ack_msgs(5, 2, ARRAY[10, NULL]);
SELECT * FROM undelivered(5, 3, NULL, 0);
SELECT archive('-1 day');
SELECT purge('-1 day');
SELECT post_many(5, ARRAY[20, 20], ARRAY[1, 2]);
\set VERBOSITY default

-- whole-cluster calls: run on all partitions, results added up
SELECT add_members(100 + g, ARRAY[1, 2]) FROM generate_series(1, 8) g;
SELECT post(100 + g, 1, 1, timestamptz '1990-01-01') FROM generate_series(1, 8) g;
SELECT archive(now() - timestamptz '1990-06-01') AS archived_on_all_partitions;
SELECT * FROM unread_counts(103, ARRAY[1]);
SELECT purge(now() - timestamptz '1990-06-01') AS purged_on_all_partitions;
SELECT forget(5, ARRAY[10]) AS forgotten, drop_group(6);
SELECT count(*) AS group_6_rows FROM partition_groups() WHERE gid = 6;

-- NOT atomic across calls: each proxied call commits on its partition on
-- its own, whatever the proxy's transaction does afterwards
BEGIN;
SELECT add_members(7, ARRAY[4]) AS added_in_rolled_back_transaction;
SELECT add_members(8, ARRAY[4]) AS added_in_rolled_back_transaction;
ROLLBACK;
SELECT array(SELECT members(7)) AS members_7, array(SELECT members(8)) AS members_8;
-- nor across partitions: a failing call does not undo an earlier one
BEGIN;
SELECT post(7, 20, 4) AS posted;
SELECT post(8, 5, 4);
ROLLBACK;
SELECT * FROM unread_counts(7, ARRAY[20]);
