-- The engine's randomized differential test, run through the proxy: the
-- same seeds and operations as test/sql/receipts_differential.sql on one
-- node, every call routed to one of four partitions.  The per-operation
-- tables must be the same as on one node (scripts/test.sh compares them).
\set ECHO none
\set QUIET on
\i test/diff/reference_model.sql
\set QUIET off
\set ECHO all
SET client_min_messages = warning;

SELECT 'seed 0.11' AS run, * FROM ref.run('groupreceipt', 0.11, 1500, 1000);
SELECT 'seed 0.22' AS run, * FROM ref.run('groupreceipt', 0.22, 1500, 2000);
SELECT 'seed 0.33' AS run, * FROM ref.run('groupreceipt', 0.33, 1500, 3000, 40);
SELECT 'seed 0.44' AS run, * FROM ref.run('groupreceipt', 0.44, 1500, 4000, 4);

-- no mismatch anywhere (details if any)
SELECT count(*) AS mismatches FROM ref.mismatches;
SELECT * FROM ref.mismatches ORDER BY n LIMIT 10;
-- the twelve groups are spread over the partitions, each on one
SELECT count(DISTINCT gid) AS groups, count(DISTINCT partition_db) > 1 AS spread,
       count(*) = count(DISTINCT gid) AS each_on_one_partition
  FROM groupreceipt.partition_groups() WHERE gid >= 1000;
