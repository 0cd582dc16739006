-- groupreceipt.bitmap: size guarantees, measured with pg_column_size.
-- In-memory values carry a 4-byte varlena header; values stored in a table
-- (column "disk" below) get PostgreSQL's 1-byte short header.
SET search_path = groupreceipt, public;
SELECT setseed(0.2002);

CREATE TABLE sized (what text, b bitmap);

-- the empty set
INSERT INTO sized VALUES ('empty', '{}');
SELECT pg_column_size('{}'::bitmap) <= 8 AS empty_in_memory_le_8,
       (SELECT pg_column_size(b) FROM sized WHERE what = 'empty') AS empty_on_disk;

-- single runs.  On disk a run costs 2 + varint(start) + varint(length - 1)
-- bytes, so it fits 8 bytes whenever start and length take at most 6 varint
-- bytes together: every {0-b} (including {0-2147483646}), any run of up to
-- 128 positions, any run starting below 16384 and shorter than 2^28, any run
-- below 2^21.  No encoding can fit every {a-b} in 8 bytes with a 1-byte
-- header (there are ~2^61 runs; 7 bytes hold 2^56 values): every run,
-- whatever a and b, takes at most 12 bytes.
INSERT INTO sized
SELECT 'run', ('{' || lo || '-' || hi || '}')::bitmap
FROM (SELECT 0 AS lo, (2 ^ k)::bigint - 1 AS hi FROM generate_series(0, 30) k
      UNION ALL SELECT 0, 2147483646
      UNION ALL SELECT lo, lo + (random() * 127)::int
                FROM (SELECT (random() * 2147000000)::int AS lo FROM generate_series(1, 200)) s
      UNION ALL SELECT lo, lo + (random() * 268435455)::int
                FROM (SELECT (random() * 16383)::int AS lo FROM generate_series(1, 200)) s
      UNION ALL SELECT lo, lo + (random() * 2097151)::int
                FROM (SELECT (random() * 2097151)::int AS lo FROM generate_series(1, 200)) s
     ) runs;
INSERT INTO sized
SELECT 'any run', ('{' || least(a, b) || '-' || greatest(a, b) || '}')::bitmap
FROM (SELECT (random() * 2147483646)::int AS a, (random() * 2147483646)::int AS b
      FROM generate_series(1, 500)) r
UNION ALL SELECT 'any run', ('{' || (2147483646 - (2 ^ k)::bigint) || '-2147483646}')::bitmap
FROM generate_series(0, 30) k
UNION ALL SELECT 'any run', '{1000000000-2000000000}';
SELECT what, count(*) AS runs, max(pg_column_size(b)) AS max_disk_bytes,
       bool_and(bitmap_count(b) = bitmap_count(b::text::bitmap)) AS text_round_trip
FROM sized WHERE what IN ('run', 'any run') GROUP BY what ORDER BY what;
SELECT pg_column_size(b) AS widest_on_disk, pg_column_size('{0-2147483646}'::bitmap) AS widest_in_memory
FROM sized WHERE what = 'run' AND b = '{0-2147483646}';

-- any set with all elements below n: at most ceil(n/8) + 8 bytes (in memory)
CREATE TEMP TABLE below_n AS
SELECT n, d, ARRAY(SELECT g FROM generate_series(0, n - 1) g WHERE random() < d)::bitmap AS b
FROM (VALUES (1), (7), (8), (9), (64), (640), (1000), (10000), (65536), (100000), (1000000)) ns(n),
     (VALUES (0.0), (0.01), (0.1), (0.3), (0.5), (0.7), (0.9), (0.99), (1.0)) ds(d);
SELECT count(*) AS sets,
       count(*) FILTER (WHERE pg_column_size(b) > ceil(n / 8.0) + 8) AS over_bound
FROM below_n;
-- the plain bitset of n bits with a random pattern, the worst case for every other encoding
SELECT n, pg_column_size(b) AS bytes, ceil(n / 8.0) + 8 AS bound, bitmap_encoding(b)
FROM below_n WHERE d = 0.5 AND n IN (640, 100000) ORDER BY n;

-- k elements all below 65536: at most 2k + 8 bytes (in memory)
CREATE TEMP TABLE sparse16 AS
SELECT k, ARRAY(SELECT (random() * 65535)::int FROM generate_series(1, k))::bitmap AS b
FROM generate_series(1, 400) k;
INSERT INTO sparse16
SELECT k, ARRAY(SELECT 65535 - g * 131 FROM generate_series(0, k - 1) g)::bitmap
FROM generate_series(1, 400) k;
SELECT count(*) AS sets,
       count(*) FILTER (WHERE pg_column_size(b) > 2 * bitmap_count(b) + 8) AS over_bound
FROM sparse16;

-- the figures quoted on the foundation issue: in memory, and stored in a table
CREATE TABLE quoted (n int, value text, b bitmap);
INSERT INTO quoted VALUES
  (1, 'empty', '{}'),
  (2, '{0-639}', '{0-639}'),
  (3, '320 random of 640', ARRAY(SELECT g FROM generate_series(0, 639) g ORDER BY random() LIMIT 320)::bitmap),
  (4, '20 random of 640', ARRAY(SELECT g FROM generate_series(0, 639) g ORDER BY random() LIMIT 20)::bitmap),
  (5, '5000 random of 100000', ARRAY(SELECT g FROM generate_series(0, 99999) g ORDER BY random() LIMIT 5000)::bitmap);
SELECT value, pg_column_size(b::text::bitmap) AS bytes_in_memory, pg_column_size(b) AS bytes_stored,
       bitmap_encoding(b) AS encoding
FROM quoted ORDER BY n;
