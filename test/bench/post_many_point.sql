-- Bulk posting in one transaction (issue 13, item 5): post_many of :n
-- messages into a fresh 640-member group (gid :gid), and for contrast :n
-- single post calls in one transaction (when :loop is true).  Prints
-- "n,measure,seconds" lines.
\set ON_ERROR_STOP on
SELECT groupreceipt.add_members(:gid, ARRAY(SELECT generate_series(1, 640)::bigint)) > 0 AS added \gset
SELECT groupreceipt.add_members(:gid + 1, ARRAY(SELECT generate_series(1, 640)::bigint)) > 0 AS added \gset
CREATE TEMP TABLE pm_input AS
SELECT ARRAY(SELECT generate_series(1, :n)::bigint) AS msgids,
       ARRAY(SELECT 1 + g % 640 FROM generate_series(1, :n) g)::bigint[] AS senders;
BEGIN;
SELECT clock_timestamp() AS t0 \gset
SELECT cardinality(groupreceipt.post_many(:gid, msgids, senders)) = :n AS ok FROM pm_input \gset
SELECT format('%s,post_many_s,%s', :n, round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 3));
COMMIT;
\if :loop
BEGIN;
SELECT clock_timestamp() AS t0 \gset
SELECT count(groupreceipt.post(:gid + 1, m, 1 + m % 640)) = :n AS ok FROM generate_series(1, :n) m \gset
SELECT format('%s,post_loop_s,%s', :n, round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 3));
COMMIT;
\endif
DROP TABLE pm_input;
SELECT groupreceipt.drop_group(:gid), groupreceipt.drop_group(:gid + 1) \gset
-- the next point starts from the same state: the dropped groups' dead rows
-- vacuumed away (three rounds run in one database, see scaling.sh)
VACUUM groupreceipt.messages, groupreceipt.store, groupreceipt.groups, groupreceipt.members;
