-- groupreceipt.bitmap: operators, functions, aggregates, encodings
SET search_path = groupreceipt, public;

-- set algebra
SELECT '{1-10}'::bitmap | '{20-30}' AS union_disjoint,
       '{1-10}'::bitmap | '{11-30}' AS union_adjacent_merges,
       '{1-10}'::bitmap & '{5-30}' AS intersection,
       '{1-10}'::bitmap & '{11-30}' AS intersection_empty,
       '{1-10}'::bitmap - '{3,4}' AS difference_splits_run,
       '{1-10}'::bitmap - '{0-100}' AS difference_empty,
       '{}'::bitmap | '{}' AS empty_union;

-- containment, overlap, equality
SELECT '{1-10}'::bitmap @> 5 AS has_5, '{1-10}'::bitmap @> 11 AS has_11,
       '{1-10}'::bitmap @> -1 AS has_negative, 5 <@ '{1-10}'::bitmap AS five_in,
       '{1-10}'::bitmap @> '{2,3,9}'::bitmap AS superset,
       '{1-10}'::bitmap @> '{2,3,11}'::bitmap AS not_superset,
       '{2,3}'::bitmap <@ '{1-10}'::bitmap AS subset,
       '{}'::bitmap <@ '{}'::bitmap AS empty_subset_of_empty,
       '{1-10}'::bitmap && '{10-20}' AS overlaps, '{1-10}'::bitmap && '{11-20}' AS no_overlap,
       '{1,2,3}'::bitmap = '{1-3}' AS eq, '{1,2,3}'::bitmap <> '{1-3}' AS ne,
       '{1,2}'::bitmap = '{1,2,3}' AS eq_false;

-- the widest set stays cheap: one run, whatever the operation
SELECT '{0-2147483646}'::bitmap - '{5}' AS hole,
       bitmap_count('{0-2147483646}'::bitmap - '{5}') AS count_with_hole,
       '{0-2147483646}'::bitmap & '{1000000000-1000000005}' AS narrow,
       '{0-2147483646}'::bitmap @> 2147483646 AS has_max,
       bitmap_count('{0-2147483646}'::bitmap) AS count_max;

-- counting
SELECT bitmap_count('{}'), bitmap_count('{7}'), bitmap_count('{0-639}'),
       bitmap_count('{1,3,5-9,100000}'),
       bitmap_and_count('{0-99}', '{50-149}') AS and_count,
       bitmap_and_count('{0-2147483646}', '{0-2147483646}') AS and_count_max;

-- single-position updates
SELECT bitmap_add('{}', 5), bitmap_add('{1,2}', 3), bitmap_add('{1,3}', 2),
       bitmap_add('{1-5}', 3) AS already_there, bitmap_add('{0-2147483645}', 2147483646) AS fill_max,
       bitmap_remove('{1-5}', 3), bitmap_remove('{1-5}', 1), bitmap_remove('{1-5}', 5),
       bitmap_remove('{3}', 3), bitmap_remove('{1-5}', 9), bitmap_remove('{1-5}', -4) AS remove_negative;
SELECT bitmap_add('{}', -1);
SELECT bitmap_add('{}', 2147483647);

-- aggregates: NULLs skipped, no rows gives NULL
SELECT bitmap_agg(x) FROM (VALUES (3), (1), (NULL), (2), (10), (3)) v(x);
SELECT bitmap_agg(x) IS NULL AS no_rows_null FROM (SELECT 1 WHERE false) v(x);
SELECT bitmap_agg(x) FROM (VALUES (-1)) v(x);
SELECT bitmap_count(bitmap_agg(g)) FROM generate_series(0, 99999, 3) g;  -- crosses the agg buffer
SELECT bitmap_union_agg(b) FROM (VALUES ('{1-3}'::bitmap), ('{5}'), (NULL), ('{4}'), ('{100-200}')) v(b);
-- the aggregate in a parallel plan (combine / serialize / deserialize)
CREATE TABLE agg_src AS SELECT g AS x FROM generate_series(1, 200000) g;
ANALYZE agg_src;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT bitmap_agg(x) FROM agg_src WHERE x % 2 = 0;
SELECT bitmap_count(bitmap_agg(x)), bitmap_agg(x) = bitmap_agg(x) FROM agg_src WHERE x % 2 = 0;
SELECT bitmap_union_agg(ARRAY[x]::bitmap) FROM agg_src WHERE x > 199990 OR x < 5;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- hashing: = is usable for GROUP BY / DISTINCT / hash joins
SELECT b, count(*) FROM (VALUES ('{1,2,3}'::bitmap), ('{1-3}'), ('{}'), ('{2}')) v(b) GROUP BY b ORDER BY b::text COLLATE "C";
SELECT bitmap_hash('{1-3}') = bitmap_hash('{1,2,3}') AS equal_sets_equal_hash;

-- every encoding, and the transitions between them as a set changes
SELECT b, bitmap_encoding(b), pg_column_size(b)
FROM (VALUES ('{}'::bitmap),                         -- empty
             ('{100-5000}'),                         -- run
             ('{1,300,5000,65535}'),                 -- array16: sparse, below 65536
             ('{0,2,4,6,8,10,12,14,16}'),            -- bits: dense
             ('{0-1000,2000-3000,4000-5000}'),       -- runs
             ('{70000,80000,1000000}')               -- delta: sparse, large values
     ) v(b);
-- a run becomes runs when a hole is punched, bits when it fragments, and back
WITH RECURSIVE steps(i, b) AS (
  SELECT 0, '{0-639}'::bitmap
  UNION ALL
  SELECT i + 1, bitmap_remove(b, i * 7) FROM steps WHERE i < 60
)
SELECT i, bitmap_encoding(b), bitmap_count(b), pg_column_size(b)
FROM steps WHERE i IN (0, 1, 2, 3, 10, 30, 60);
WITH RECURSIVE steps(i, b) AS (
  SELECT 0, '{}'::bitmap
  UNION ALL
  SELECT i + 1, bitmap_add(b, (i * 37) % 640) FROM steps WHERE i < 640
)
SELECT i, bitmap_encoding(b), bitmap_count(b), pg_column_size(b)
FROM steps WHERE i IN (0, 1, 2, 10, 50, 100, 400, 639, 640);
