-- groupreceipt.bitmap: randomized property test against int[] arithmetic.
-- Thousands of random pairs of sets of every density and universe size up to
-- 10^6 (uniform, clustered into runs, and a few dense million-wide ones);
-- every operator, count, containment and both round trips must agree with
-- the same computation on sorted distinct int[].  Prints only counts.
SET search_path = groupreceipt, public;
SELECT setseed(0.7071);

CREATE TEMP TABLE params AS
SELECT i,
       (ARRAY[1, 8, 64, 640, 1000, 4096, 65536, 100000, 1000000])[1 + floor(random() * 9)::int] AS universe,
       (ARRAY[0.0, 0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 1.0])[1 + floor(random() * 8)::int] AS density,
       floor(random() * 3)::int AS shape     -- 0 uniform, 1 clustered runs, 2 offset block
FROM generate_series(1, 4000) i;

-- each case has two sets a and b, at most 4000 elements each (dense cases use small universes)
CREATE TEMP TABLE cases AS
SELECT i, universe, density, shape,
  ARRAY(SELECT DISTINCT v FROM (
          SELECT CASE shape
                   WHEN 0 THEN floor(random() * universe)::int
                   WHEN 1 THEN least(universe - 1, (floor(random() * universe / 16) * 16 + floor(random() * 12))::int)
                   ELSE least(universe - 1, universe / 2 + floor(random() * least(universe, 1024))::int)
                 END AS v
          FROM generate_series(1, least(4000, ceil(universe * density)::int)) WHERE i > 0) x
        ORDER BY v) AS a,
  ARRAY(SELECT DISTINCT v FROM (
          SELECT CASE shape
                   WHEN 0 THEN floor(random() * universe)::int
                   WHEN 1 THEN least(universe - 1, (floor(random() * universe / 16) * 16 + floor(random() * 12))::int)
                   ELSE least(universe - 1, universe / 2 + floor(random() * least(universe, 1024))::int)
                 END AS v
          FROM generate_series(1, least(4000, ceil(universe * (1 - density) + 1)::int)) WHERE i > 0) x
        ORDER BY v) AS b,
  floor(random() * universe)::int AS probe
FROM params;

-- a few dense sets over the whole 10^6 universe, and some near the top of int4
INSERT INTO cases
SELECT 10000 + k, 1000000, d, 9,
       ARRAY(SELECT g FROM generate_series(0, 999999) g WHERE random() < d AND k > 0),
       ARRAY(SELECT g FROM generate_series(0, 999999) g WHERE random() < 1 - d AND k > 0),
       floor(random() * 1000000)::int
FROM (VALUES (1, 0.5), (2, 0.9), (3, 0.99), (4, 0.1)) v(k, d);
INSERT INTO cases
SELECT 20000 + k, 2147483647, 0, 9,
       ARRAY(SELECT DISTINCT 2147483646 - floor(random() * 3000)::int FROM generate_series(1, 500) WHERE k > 0 ORDER BY 1),
       ARRAY(SELECT DISTINCT 2147483646 - floor(random() * 3000)::int FROM generate_series(1, 800) WHERE k > 0 ORDER BY 1),
       2147483646 - k
FROM generate_series(1, 20) k;

CREATE TEMP TABLE checked AS
SELECT i, universe, shape, cardinality(a) AS na,
  -- what int[] arithmetic says
  ARRAY(SELECT unnest(a) UNION SELECT unnest(b) ORDER BY 1) AS e_or,
  ARRAY(SELECT unnest(a) INTERSECT SELECT unnest(b) ORDER BY 1) AS e_and,
  ARRAY(SELECT unnest(a) EXCEPT SELECT unnest(b) ORDER BY 1) AS e_minus,
  a, b, probe, a::bitmap AS ba, b::bitmap AS bb
FROM cases;

CREATE TEMP TABLE verdicts AS
SELECT i, universe, shape, na,
  ((ba)::int[] = a) AS cast_round_trip,
  (bitmap_count(ba) = cardinality(a)) AS count_ok,
  ((ba | bb)::int[] = e_or) AS or_ok,
  ((ba & bb)::int[] = e_and) AS and_ok,
  ((ba - bb)::int[] = e_minus) AS minus_ok,
  (bitmap_and_count(ba, bb) = cardinality(e_and)) AS and_count_ok,
  ((ba @> bb) = (a @> b)) AS contains_ok,
  ((ba <@ bb) = (a <@ b)) AS contained_ok,
  ((ba && bb) = (a && b)) AS overlaps_ok,
  ((ba = bb) = (a = b)) AS eq_ok,
  ((ba @> (ba & bb)) AND ((ba & bb) <@ bb)) AS intersection_contained,
  ((ba @> probe) = (probe = ANY (a))) AS contains_int_ok,
  ((ba::text)::bitmap = ba) AS text_round_trip,
  (bitmap_from_bytea(bitmap_send(ba)) = ba
     AND bitmap_send(bitmap_from_bytea(bitmap_send(ba))) = bitmap_send(ba)) AS binary_round_trip,
  (bitmap_add(ba, probe)::int[] = ARRAY(SELECT unnest(a) UNION SELECT probe ORDER BY 1)) AS add_ok,
  (bitmap_remove(ba, probe)::int[] = array_remove(a, probe)) AS remove_ok,
  ((SELECT bitmap_agg(x) FROM unnest(a || b) x) = ba | bb) AS agg_ok,
  ((SELECT bitmap_union_agg(x) FROM (VALUES (ba), (bb)) v(x)) = ba | bb) AS union_agg_ok,
  (bitmap_count(ba | bb) + bitmap_count(ba & bb) = bitmap_count(ba) + bitmap_count(bb)) AS inclusion_exclusion
FROM checked;

SELECT count(*) AS cases,
       count(DISTINCT universe) AS universes,
       count(*) FILTER (WHERE na = 0) > 0 AS has_empty,
       count(*) FILTER (WHERE na >= 100000) > 0 AS has_huge,
       count(*) FILTER (WHERE NOT (cast_round_trip AND count_ok AND or_ok AND and_ok AND minus_ok
                                   AND and_count_ok AND contains_ok AND contained_ok AND overlaps_ok
                                   AND eq_ok AND intersection_contained AND contains_int_ok
                                   AND text_round_trip AND binary_round_trip AND add_ok AND remove_ok
                                   AND agg_ok AND union_agg_ok AND inclusion_exclusion)) AS failures
FROM verdicts;
-- which properties failed, if any (no rows when all pass)
SELECT i, universe, shape, na, v
FROM verdicts, LATERAL (SELECT to_jsonb(verdicts) AS v) j
WHERE NOT (cast_round_trip AND count_ok AND or_ok AND and_ok AND minus_ok AND and_count_ok
           AND contains_ok AND contained_ok AND overlaps_ok AND eq_ok AND intersection_contained
           AND contains_int_ok AND text_round_trip AND binary_round_trip AND add_ok AND remove_ok
           AND agg_ok AND union_agg_ok AND inclusion_exclusion)
LIMIT 5;
-- every encoding was exercised
SELECT bitmap_encoding(ba) AS encoding, count(*) > 0 AS seen
FROM checked GROUP BY 1 ORDER BY 1;
