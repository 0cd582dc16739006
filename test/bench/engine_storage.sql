-- Bytes per message of the extension's tables (heap + indexes + TOAST,
-- after VACUUM FULL) for one group of :nmembers members and :nmsgs messages
-- that everybody has read (batch acks), and for a second group where each
-- message is read by a random half of its recipients (explicit acks, folded).
--
--   pg_virtualenv psql -X -q -v nmembers=640 -v nmsgs=1024 -f test/bench/engine_storage.sql
\set ON_ERROR_STOP on
CREATE EXTENSION IF NOT EXISTS groupreceipt;
SELECT setseed(0.5);

CREATE TEMP VIEW ext_bytes AS
SELECT c.relname, pg_total_relation_size(c.oid) AS bytes
FROM pg_class c WHERE c.relnamespace = 'groupreceipt'::regnamespace AND c.relkind = 'r';

-- group 1: everybody read everything
SELECT groupreceipt.add_members(1, ARRAY(SELECT generate_series(1, :nmembers)::bigint)) AS members;
SELECT count(groupreceipt.post(1, m, (m % :nmembers) + 1)) AS posted FROM generate_series(1, :nmsgs) m;
SELECT count(*) AS ack_rows FROM generate_series(1, :nmembers) u, groupreceipt.ack(1, u, :nmsgs);
VACUUM FULL groupreceipt.groups; VACUUM FULL groupreceipt.members; 
VACUUM FULL groupreceipt.messages; VACUUM FULL groupreceipt.store;
SELECT relname, bytes, round(bytes::numeric / :nmsgs, 1) AS per_msg FROM ext_bytes ORDER BY relname;
SELECT 'everybody read' AS state, sum(bytes) AS total_bytes,
       round(sum(bytes)::numeric / :nmsgs, 1) AS bytes_per_message FROM ext_bytes;

-- group 2: a random half of the recipients read each message
TRUNCATE groupreceipt.groups, groupreceipt.members, groupreceipt.messages, groupreceipt.store;
SELECT groupreceipt.add_members(2, ARRAY(SELECT generate_series(1, :nmembers)::bigint)) AS members;
SELECT count(groupreceipt.post(2, m, (m % :nmembers) + 1)) AS posted FROM generate_series(1, :nmsgs) m;
SELECT count(*) AS ack_rows
FROM generate_series(1, :nmembers) u,
     LATERAL groupreceipt.ack_msgs(2, u, ARRAY(SELECT m FROM generate_series(1, :nmsgs) m
                                              WHERE random() < 0.5 AND u > 0));
SELECT groupreceipt.fold(2) >= 0 AS folded;
VACUUM FULL groupreceipt.groups; VACUUM FULL groupreceipt.members; 
VACUUM FULL groupreceipt.messages; VACUUM FULL groupreceipt.store;
SELECT relname, bytes, round(bytes::numeric / :nmsgs, 1) AS per_msg FROM ext_bytes ORDER BY relname;
SELECT 'half at random' AS state, sum(bytes) AS total_bytes,
       round(sum(bytes)::numeric / :nmsgs, 1) AS bytes_per_message FROM ext_bytes;
SELECT round(avg(read), 1) AS avg_readers, min(recipients) AS recipients
FROM groupreceipt.unread_counts(2, ARRAY(SELECT generate_series(1, :nmsgs)::bigint));
