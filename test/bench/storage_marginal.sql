-- One more group next to storage_compare.sql's group 1: group :gid with the
-- same members, messages and reads (state :state), for groupreceipt and
-- bitmap_rows, then VACUUM FULL.  What the second group adds is what each
-- further group of that shape costs: the fixed cost of every relation
-- (metapages, an index's root, a BRIN index's pages, the free space map
-- VACUUM FULL leaves none of) is paid by the first group alone.  Prints
-- scheme | bytes with both groups; storage_breakdown.sh subtracts.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT setseed(0.125);
DROP TABLE IF EXISTS reads;
CREATE TABLE reads AS
SELECT m, u, u <> (m % :nmembers) + 1 AS recipient,
       u <> (m % :nmembers) + 1 AND CASE :'state' WHEN 'nobody' THEN false WHEN 'everybody' THEN true
                                                  ELSE random() < 0.5 END AS read
FROM generate_series(1, :nmsgs) m, generate_series(1, :nmembers) u;
ANALYZE reads;

SELECT groupreceipt.add_members(:gid, ARRAY(SELECT generate_series(1, :nmembers)::bigint)) > 0 AS ok \gset
SELECT count(groupreceipt.post(:gid, m, (m % :nmembers) + 1)) > 0 AS ok FROM generate_series(1, :nmsgs) m \gset
SELECT count(*) >= 0 AS ok FROM generate_series(1, :nmembers) u, groupreceipt.ack(:gid, u, :nmsgs)
WHERE :'state' = 'everybody' \gset
SELECT format('SELECT count(*) FROM groupreceipt.ack_msgs(%s, %s, %L)', :gid, u, array_agg(m::bigint ORDER BY m))
FROM reads WHERE read AND :'state' = 'half' GROUP BY u ORDER BY u \gexec
SELECT groupreceipt.fold(:gid) >= 0 AS ok \gset

INSERT INTO bitmap_rows.member_lists VALUES (:gid, 1, ARRAY(SELECT generate_series(1, :nmembers)::bigint));
INSERT INTO bitmap_rows.msgs (gid, msgid, sender_uid, list_id, read)
SELECT :gid, m, (m % :nmembers) + 1, 1,
       string_agg(CASE WHEN read THEN '1' ELSE '0' END, '' ORDER BY u)::varbit
FROM reads GROUP BY m;

DROP TABLE reads;
VACUUM FULL;
SELECT n.nspname || ' | ' || sum(pg_total_relation_size(c.oid))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('groupreceipt', 'bitmap_rows') AND c.relkind = 'r'
GROUP BY n.nspname ORDER BY n.nspname;
