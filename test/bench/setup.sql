-- Benchmark data for every workload, in every scheme.  psql variables:
--   ack_msgs (messages pre-posted for the batch-ack workload), count_msgs
--   (messages of the unread_counts group), burst_members (members of the
--   burst group), big_members (members of the large group, 40 messages).
\set ON_ERROR_STOP on
SELECT setseed(0.25);

-- post: groups 101..116, one per client, 640 members each
SELECT count(groupreceipt.add_members(g, ARRAY(SELECT generate_series(1, 640)::bigint)))
FROM generate_series(101, 116) g;
INSERT INTO msg_acks.group_users (gid, uid)
SELECT g, u FROM generate_series(101, 116) g, generate_series(1, 640) u;

-- batch ack: group 200, 640 members, :ack_msgs messages
SELECT groupreceipt.add_members(200, ARRAY(SELECT generate_series(1, 640)::bigint));
SELECT count(groupreceipt.post(200, m, 640)) FROM generate_series(1, :ack_msgs) m;
INSERT INTO msg_acks.group_users (gid, uid) SELECT 200, u FROM generate_series(1, 640) u;
INSERT INTO msg_acks.group_msgs (gid, msgid, sender_uid) SELECT 200, m, 640 FROM generate_series(1, :ack_msgs) m;
INSERT INTO msg_acks.msg_acks (sender_uid, msgid, recv_uid, gid)
SELECT 640, m, u, 200 FROM generate_series(1, :ack_msgs) m, generate_series(1, 639) u;

-- burst: group 300, :burst_members members, 64 hot messages
SELECT groupreceipt.add_members(300, ARRAY(SELECT generate_series(1, :burst_members)::bigint));
SELECT count(groupreceipt.post(300, m, 1)) FROM generate_series(1, 64) m;
INSERT INTO bitmap_rows.member_lists VALUES (300, 1, ARRAY(SELECT generate_series(1, :burst_members)::bigint));
INSERT INTO bitmap_rows.msgs (gid, msgid, sender_uid, list_id, read)
SELECT 300, m, 1, 1, repeat('0', :burst_members)::varbit FROM generate_series(1, 64) m;
INSERT INTO msg_acks.group_users (gid, uid) SELECT 300, u FROM generate_series(1, :burst_members) u;
INSERT INTO msg_acks.group_msgs (gid, msgid, sender_uid) SELECT 300, m, 1 FROM generate_series(1, 64) m;
INSERT INTO msg_acks.msg_acks (sender_uid, msgid, recv_uid, gid)
SELECT 1, m, u, 300 FROM generate_series(1, 64) m, generate_series(2, :burst_members) u;

-- unread_counts and reader lists: group 400, 640 members, :count_msgs
-- messages; each member has read up to a random point (batch acks)
SELECT groupreceipt.add_members(400, ARRAY(SELECT generate_series(1, 640)::bigint));
SELECT count(groupreceipt.post(400, m, (m % 640) + 1)) FROM generate_series(1, :count_msgs) m;
CREATE TABLE bench_wm AS SELECT u, floor(random() * (:count_msgs + 1))::bigint AS wm FROM generate_series(1, 640) u;
SELECT count(*) FROM bench_wm, LATERAL groupreceipt.ack(400, u, wm);
INSERT INTO bitmap_rows.member_lists VALUES (400, 1, ARRAY(SELECT generate_series(1, 640)::bigint));
INSERT INTO bitmap_rows.msgs (gid, msgid, sender_uid, list_id, read)
SELECT 400, m, (m % 640) + 1, 1,
       (SELECT string_agg(CASE WHEN w.wm >= m AND w.u <> (m % 640) + 1 THEN '1' ELSE '0' END, '' ORDER BY w.u)
        FROM bench_wm w)::varbit
FROM generate_series(1, :count_msgs) m;
INSERT INTO msg_acks.group_users (gid, uid, last_ack_msgid) SELECT 400, u, wm FROM bench_wm;
INSERT INTO msg_acks.group_msgs (gid, msgid, sender_uid) SELECT 400, m, (m % 640) + 1 FROM generate_series(1, :count_msgs) m;
INSERT INTO msg_acks.msg_acks (sender_uid, msgid, recv_uid, gid, if_ack)
SELECT (m % 640) + 1, m, w.u, 400, w.wm >= m
FROM generate_series(1, :count_msgs) m, bench_wm w WHERE w.u <> (m % 640) + 1;

-- the large group: group 500, :big_members members, 40 messages; each
-- member has read up to a random point (batch acks); groupreceipt and
-- bitmap_rows (msg_acks would need 40 x :big_members rows: not loaded)
SELECT groupreceipt.add_members(500, ARRAY(SELECT generate_series(1, :big_members)::bigint));
SELECT count(groupreceipt.post(500, m, (m % :big_members) + 1)) FROM generate_series(1, 40) m;
CREATE TABLE bench_wm_big AS SELECT u, floor(random() * 41)::bigint AS wm FROM generate_series(1, :big_members) u;
SELECT count(*) FROM bench_wm_big, LATERAL groupreceipt.ack(500, u, wm);
INSERT INTO bitmap_rows.member_lists VALUES (500, 1, ARRAY(SELECT generate_series(1, :big_members)::bigint));
INSERT INTO bitmap_rows.msgs (gid, msgid, sender_uid, list_id, read)
SELECT 500, m, (m % :big_members) + 1, 1,
       (SELECT string_agg(CASE WHEN w.wm >= m AND w.u <> (m % :big_members) + 1 THEN '1' ELSE '0' END, '' ORDER BY w.u)
        FROM bench_wm_big w)::varbit
FROM generate_series(1, 40) m;

VACUUM ANALYZE;
