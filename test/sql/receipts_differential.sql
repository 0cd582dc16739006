-- Randomized differential test: the extension against a plain-SQL
-- reference model (one row per message x recipient), driven by the same
-- random operations: membership churn, posts (some out of order), batch acks
-- below/at/above the newest msgid, explicit out-of-order acks, late acks
-- from former members, never-members, delivery acks, paged pulls, counts,
-- lists, badges, archive / purge by age, forget, drop_group, and periodic
-- folds of the explicit-read log (which also compact fully read messages).
-- Every answer (rows or SQLSTATE) must be identical.
\i test/sql/include/store_views.sql
\set ECHO none
\set QUIET on
\i test/diff/reference_model.sql
\set QUIET off
\set ECHO all

SELECT 'seed 0.11' AS run, * FROM ref.run('groupreceipt', 0.11, 1500, 1000);
SELECT 'seed 0.22' AS run, * FROM ref.run('groupreceipt', 0.22, 1500, 2000);
SELECT 'seed 0.33' AS run, * FROM ref.run('groupreceipt', 0.33, 1500, 3000, 40);
SELECT 'seed 0.44' AS run, * FROM ref.run('groupreceipt', 0.44, 1500, 4000, 4);

-- no mismatch anywhere (details if any)
SELECT count(*) AS mismatches FROM ref.mismatches;
SELECT * FROM ref.mismatches ORDER BY n LIMIT 10;
-- the runs exercised what they should
SELECT count(*) > 100 AS many_messages, count(DISTINCT g.gid) AS groups
  FROM groupreceipt.groups g, groupreceipt._live_messages(g.gid) m WHERE g.gid BETWEEN 1000 AND 4999;
SELECT count(*) > 20 AS many_archived FROM archived_messages WHERE gid BETWEEN 1000 AND 4999;
SELECT count(*) FILTER (WHERE read IS NULL) > 10 AS many_compacted,
       count(*) FILTER (WHERE read OPERATOR(groupreceipt.<>) '{}') > 10 AS many_with_bits
  FROM groupreceipt.groups g, groupreceipt._live_messages(g.gid) m WHERE g.gid BETWEEN 1000 AND 4999;
SELECT count(*) FILTER (WHERE NOT active) > 0 AS has_former_members FROM groupreceipt.members WHERE gid BETWEEN 1000 AND 4999;
SELECT count(*) > 3 AS has_many_snapshots FROM snapshots WHERE gid BETWEEN 1000 AND 4999;
