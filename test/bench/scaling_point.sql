-- One point of the scaling benchmark: a group of :n members with :m messages,
-- watermarks at random; prints CSV rows "n,measure,value" for the per-call
-- server-side cost (microseconds, mean of :calls calls in a DO loop) of post,
-- batch ack of 10 more messages, explicit ack, unread_counts of 20 messages and readers +
-- non_readers, and bytes per message of all tables after VACUUM FULL.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
TRUNCATE groupreceipt.groups, groupreceipt.members, groupreceipt.messages, groupreceipt.store;
SELECT setseed(0.7);
SELECT groupreceipt.add_members(1, ARRAY(SELECT generate_series(1, :n)::bigint)) > 0 AS ok \gset
-- post in transactions of 1000: every post updates the group row, and one
-- transaction's versions of that row cannot be pruned before it ends
SELECT format('SELECT count(groupreceipt.post(1, i, (i %% %s) + 1)) FROM generate_series(%s, %s) i',
              :n, lo, least(lo + 999, :m))
FROM generate_series(1, :m, 1000) lo \gexec
-- every member has read up to a random point among the newest 2000 messages
-- (set directly: acking from 0 would walk up to 10^6 messages per member):
-- one pending batch ack (K row) per member, which the fold below moves into
-- the group's packed row, and the delivery watermark in the roster
CREATE TEMP TABLE wm AS
SELECT slot, greatest(0, :m - floor(random() * least(:m, 2000))::bigint) AS r,
       greatest(0, :m - floor(random() * least(:m, 2000))::bigint) AS d
  FROM groupreceipt.members WHERE gid = 1;
UPDATE groupreceipt.members m SET delivered_upto = greatest(w.r, w.d)
  FROM wm w WHERE m.gid = 1 AND m.slot = w.slot;
INSERT INTO groupreceipt.store (gid, kind, key, sub, payload)
SELECT 1, 'K', slot, r, ''::bytea FROM wm WHERE r > 0;
DROP TABLE wm;
SELECT groupreceipt.fold(1) >= 0 AS folded \gset
VACUUM FULL groupreceipt.groups; VACUUM FULL groupreceipt.members; 
VACUUM FULL groupreceipt.messages; VACUUM FULL groupreceipt.store;
ANALYZE;
CREATE TEMP TABLE IF NOT EXISTS point (measure text, value numeric);
TRUNCATE point;
INSERT INTO point
SELECT 'bytes_per_message', round(sum(pg_total_relation_size(c.oid))::numeric / :m, 1)
FROM pg_class c WHERE c.relnamespace = 'groupreceipt'::regnamespace AND c.relkind = 'r';

CREATE OR REPLACE FUNCTION pg_temp.per_call(what text, calls int, q text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; BEGIN
	t0 := clock_timestamp();
	FOR i IN 1 .. calls LOOP EXECUTE q USING i; END LOOP;
	INSERT INTO point VALUES (what, round(extract(epoch FROM clock_timestamp() - t0) * 1e6 / calls, 1));
END $$;
SELECT pg_temp.per_call('unread_counts_us', :calls,
  format('SELECT * FROM groupreceipt.unread_counts(1, ARRAY(SELECT generate_series(%s - 19, %s)::bigint))', :m, :m));
SELECT pg_temp.per_call('readers_non_readers_us', :calls,
  format('SELECT array(SELECT groupreceipt.readers(1, %s)), array(SELECT groupreceipt.non_readers(1, %s))', :m, :m));
SELECT pg_temp.per_call('ack_msgs_us', :calls,
  format('SELECT * FROM groupreceipt.ack_msgs(1, ($1 %% %s) + 1, ARRAY[%s]::bigint[])', :n, :m));
-- a batch ack of the next 10 messages by one member (its watermark + 10)
SELECT pg_temp.per_call('ack_us', :calls,
  format('SELECT * FROM groupreceipt.ack(1, ($1 %% %s) + 1, (SELECT read_upto + 10'
         ' FROM groupreceipt._member(1, ($1 %% %s) + 1)))', :n, :n));
SELECT pg_temp.per_call('post_us', :calls,
  format('SELECT groupreceipt.post(1, %s + $1, ($1 %% %s) + 1)', :m, :n));
SELECT :n || ',' || measure || ',' || value FROM point;
