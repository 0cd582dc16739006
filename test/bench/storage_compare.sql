-- Storage per message of every scheme for one group of :nmembers members
-- and :nmsgs messages in read state :state (nobody | half | everybody):
-- all bytes of each scheme's tables (heap + indexes + TOAST) after VACUUM
-- FULL, divided by :nmsgs.  Appends to bench_storage; run in a database
-- holding schemes.sql and the extension.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
TRUNCATE groupreceipt.groups, groupreceipt.members, groupreceipt.messages, groupreceipt.store;
TRUNCATE msg_acks.group_msgs, msg_acks.group_users, msg_acks.msg_acks;
TRUNCATE lists.group_users, lists.msgs;
TRUNCATE bitmap_rows.member_lists, bitmap_rows.msgs;
CREATE TABLE IF NOT EXISTS bench_storage (state text, scheme text, bytes bigint, per_msg numeric);

\ir storage_reads.sql
\set gid 1
\ir storage_group.sql

-- msg_acks
INSERT INTO msg_acks.group_users (gid, uid, last_ack_msgid)
SELECT 1, u, CASE WHEN :'state' = 'everybody' THEN :nmsgs ELSE 0 END FROM generate_series(1, :nmembers) u;
INSERT INTO msg_acks.group_msgs (gid, msgid, sender_uid) SELECT 1, m, (m % :nmembers) + 1 FROM generate_series(1, :nmsgs) m;
INSERT INTO msg_acks.msg_acks (sender_uid, msgid, recv_uid, gid, if_ack)
SELECT (m % :nmembers) + 1, m, u, 1, read FROM reads WHERE recipient;

-- lists
INSERT INTO lists.group_users SELECT 1, u FROM generate_series(1, :nmembers) u;
INSERT INTO lists.msgs (gid, msgid, sender_uid, receivers, readers, unread)
SELECT 1, m, (m % :nmembers) + 1, array_agg(u ORDER BY u),
       coalesce(array_agg(u ORDER BY u) FILTER (WHERE read), '{}'),
       coalesce(array_agg(u ORDER BY u) FILTER (WHERE NOT read), '{}')
FROM reads WHERE recipient GROUP BY m;

DROP TABLE reads;
VACUUM FULL;
INSERT INTO bench_storage
SELECT :'state', n.nspname, sum(pg_total_relation_size(c.oid)),
       round(sum(pg_total_relation_size(c.oid))::numeric / :nmsgs, 1)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('groupreceipt', 'msg_acks', 'lists', 'bitmap_rows') AND c.relkind = 'r'
GROUP BY n.nspname;
