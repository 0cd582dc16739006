-- Server-side cost per call of the hot paths and of the floor, single
-- backend, 1000 calls each in a DO loop (no client round trips, no commits):
--   pg_virtualenv -t psql -X -q -f test/bench/per_call.sql
-- Divide each "Time" by 1000 for microseconds per call.  Order: ack,
-- floor UPDATE, post, ack_msgs, unread_counts (20 messages), readers,
-- roster scan alone (array_agg over 640 members), messages+snapshots alone.
\set ON_ERROR_STOP on
CREATE EXTENSION IF NOT EXISTS groupreceipt;
SELECT setseed(0.3);
SELECT groupreceipt.add_members(200, ARRAY(SELECT generate_series(1, 640)::bigint)) AS members;
SELECT count(groupreceipt.post(200, m, 640)) AS posted FROM generate_series(1, 20000) m;
SELECT groupreceipt.add_members(400, ARRAY(SELECT generate_series(1, 640)::bigint)) AS members;
SELECT count(groupreceipt.post(400, m, (m % 640) + 1)) AS posted FROM generate_series(1, 2000) m;
SELECT count(*) AS acks FROM generate_series(1, 640) u, LATERAL groupreceipt.ack(400, u, floor(random() * 2001)::bigint);
CREATE TABLE per_call_floor (id int PRIMARY KEY, v bigint);
INSERT INTO per_call_floor VALUES (1, 0);
VACUUM ANALYZE;
\timing on
DO $$ BEGIN FOR i IN 1..1000 LOOP PERFORM * FROM groupreceipt.ack(200, 5, i * 10); END LOOP; END $$;
DO $$ BEGIN FOR i IN 1..1000 LOOP UPDATE per_call_floor SET v = v + 1 WHERE id = 1; END LOOP; END $$;
DO $$ BEGIN FOR i IN 1..1000 LOOP PERFORM groupreceipt.post(200, 100000 + i, 5); END LOOP; END $$;
DO $$ BEGIN FOR i IN 1..1000 LOOP PERFORM * FROM groupreceipt.ack_msgs(200, 7, ARRAY[i]::bigint[]); END LOOP; END $$;
DO $$ BEGIN FOR i IN 1..1000 LOOP PERFORM * FROM groupreceipt.unread_counts(400, ARRAY(SELECT generate_series(1000, 1019)::bigint)); END LOOP; END $$;
DO $$ BEGIN FOR i IN 1..1000 LOOP PERFORM array(SELECT groupreceipt.readers(400, 1000)); END LOOP; END $$;
DO $$ BEGIN FOR i IN 1..1000 LOOP PERFORM (SELECT array_agg(slot) FROM groupreceipt.members WHERE gid = 400); END LOOP; END $$;
DO $$ BEGIN FOR i IN 1..1000 LOOP PERFORM (SELECT count(*) FROM groupreceipt.messages m JOIN (SELECT gid, key::int4 AS snap_id, groupreceipt._snapshot_members(gid, key, payload) AS members FROM groupreceipt.store WHERE kind = 'S') s ON s.gid = m.gid AND s.snap_id = m.snap_id WHERE m.gid = 400 AND m.msgid = ANY (ARRAY(SELECT generate_series(1000, 1019)::bigint))); END LOOP; END $$;
