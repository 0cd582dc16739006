-- One more group next to storage_compare.sql's group 1: group :gid with the
-- same members, messages and reads (state :state), for groupreceipt and
-- bitmap_rows, then VACUUM FULL.  What the second group adds is what each
-- further group of that shape costs: the fixed cost of every relation
-- (metapages, an index's root, a BRIN index's pages, the free space map
-- VACUUM FULL leaves none of) is paid by the first group alone.  Prints
-- scheme | bytes with both groups; storage_breakdown.sh subtracts.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\ir storage_reads.sql
\ir storage_group.sql

DROP TABLE reads;
VACUUM FULL;
SELECT n.nspname || ' | ' || sum(pg_total_relation_size(c.oid))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('groupreceipt', 'bitmap_rows') AND c.relkind = 'r'
GROUP BY n.nspname ORDER BY n.nspname;
