-- groupreceipt.bitmap: text and binary I/O, casts, and every rejected input
SET search_path = groupreceipt, public;

-- text form: canonical output (sorted, merged, runs of 3+ as a-b)
SELECT '{}'::bitmap AS empty,
       '{0,3,5-9}'::bitmap AS mixed,
       '{9,8,7,1,2,2,2}'::bitmap AS unsorted,
       '{ 1 - 4 , 3-6,10 }'::bitmap AS spaces_and_overlap,
       '{5,6}'::bitmap AS pair_stays_pair,
       '{5,6,7}'::bitmap AS triple_becomes_run,
       '{4-4}'::bitmap AS one_element_range,
       '{0-2147483646}'::bitmap AS widest,
       '{2147483646}'::bitmap AS largest;

-- rejected text input: invalid_text_representation (22P02), nothing stored
CREATE TABLE text_inputs (input text);
INSERT INTO text_inputs VALUES
  (''), ('{'), ('}'), ('1,2'), ('{1,}'), ('{,1}'), ('{1 2}'), ('{a}'), ('{1}x'),
  ('{-1}'), ('{1--5}'), ('{1-}'), ('{-}'), ('{2147483647}'), ('{99999999999999999999}'),
  ('{0-2147483647}'), ('{9-5}'), ('{1.5}'), ('{+1}'), ('{{1}}'), ('[1,2]'), ('{1-2-3}');
DO $$
DECLARE r record; msg text; det text; st text;
BEGIN
  FOR r IN SELECT input FROM text_inputs LOOP
    BEGIN
      PERFORM r.input::groupreceipt.bitmap;
      RAISE NOTICE '% accepted', quote_literal(r.input);
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, st = RETURNED_SQLSTATE;
      RAISE NOTICE '% -> % % (%)', quote_literal(r.input), st, msg, det;
    END;
  END LOOP;
END $$;

-- casts to and from int[]
SELECT ARRAY[5,1,3,3,2]::bitmap, '{1-5,9}'::bitmap::int[], '{}'::bitmap::int[],
       '{}'::int[]::bitmap, ARRAY[[1,2],[3,4]]::bitmap AS two_dims;
SELECT ARRAY[1,NULL]::int[]::bitmap;
SELECT ARRAY[-1]::bitmap;
SELECT ARRAY[2147483647]::bitmap;
-- the int[] cast refuses to allocate 2^31 elements
SELECT '{0-2147483646}'::bitmap::int[];

-- bytea access: the encoding is validated exactly as binary recv does
SELECT bitmap_to_bytea(b) AS encoded, bitmap_from_bytea(bitmap_to_bytea(b)) = b AS round_trip
FROM (VALUES ('{}'::bitmap), ('{0-639}'), ('{1,2,3,70000}'), ('{0,2,4,6,8}')) v(b);
-- a valid but non-canonical encoding is normalized: RUNS kind holding one run -> RUN
SELECT bitmap_from_bytea('\x140003') AS from_runs_kind,
       bitmap_to_bytea(bitmap_from_bytea('\x140003')) AS canonical;
-- DELTA kind {1,2,3}: normalized (becomes a run)
SELECT bitmap_to_bytea(bitmap_from_bytea('\x15010000'));

CREATE TABLE bad_bytes (what text, raw bytea);
INSERT INTO bad_bytes VALUES
  ('no format byte', '\x'),
  ('version 0', '\x00'),
  ('version 2', '\x20'),
  ('unknown kind', '\x19'),
  ('empty with payload', '\x1000'),
  ('run truncated', '\x1105'),
  ('run overlong varint', '\x118000'),
  ('run varint too long', '\x11ffffffffff0f00'),
  ('run above max', '\x11ffffffff0700'),
  ('run end above max', '\x11feffffff0701'),
  ('run trailing byte', '\x11050500'),
  ('array16 odd length', '\x120100ff'),
  ('array16 empty', '\x12'),
  ('array16 descending', '\x1202000100'),
  ('array16 duplicate', '\x1201000100'),
  ('bits no bytes', '\x1300'),
  ('bits leading zero byte', '\x130000ff'),
  ('bits trailing zero byte', '\x1300ff00'),
  ('bits above max', '\x13ffffff7f80'),
  ('runs empty', '\x14'),
  ('runs half pair', '\x14010001'),
  ('runs above max', '\x1401feffffff07'),
  ('delta empty', '\x15'),
  ('delta truncated varint', '\x1581'),
  ('delta above max', '\x15feffffff0701');
DO $$
DECLARE r record; msg text; det text; st text;
BEGIN
  FOR r IN SELECT what, raw FROM bad_bytes LOOP
    BEGIN
      PERFORM groupreceipt.bitmap_from_bytea(r.raw);
      RAISE NOTICE '%: accepted', r.what;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, st = RETURNED_SQLSTATE;
      RAISE NOTICE '%: % % (%)', r.what, st, msg, det;
    END;
  END LOOP;
END $$;

-- binary COPY round trip through send/recv (client-side files under results/)
CREATE TABLE bin_src (id int, b bitmap);
INSERT INTO bin_src VALUES (1, '{}'), (2, '{0-639}'), (3, '{1,5,9,65535}'),
  (4, '{0-2147483646}'), (5, '{0,2,4,6,8,10,12,14}'), (6, '{3-5,100-200,7000000}'),
  (7, ARRAY(SELECT g * 7919 % 100000 FROM generate_series(1, 5000) g)::bitmap);
\copy bin_src TO 'test/results/bitmap_io.bin' WITH (FORMAT binary)
CREATE TABLE bin_dst (LIKE bin_src);
\copy bin_dst FROM 'test/results/bitmap_io.bin' WITH (FORMAT binary)
SELECT s.id, s.b = d.b AS same, bitmap_count(d.b) FROM bin_src s JOIN bin_dst d USING (id) ORDER BY id;

-- binary COPY of malformed values: bytea's wire form is the raw bytes, so
-- copying a bytea column into a bitmap column feeds them to bitmap_recv
CREATE TABLE bin_bad (id int, raw bytea);
INSERT INTO bin_bad VALUES (1, '\x1202000100');
\copy bin_bad TO 'test/results/bitmap_bad.bin' WITH (FORMAT binary)
\copy bin_dst FROM 'test/results/bitmap_bad.bin' WITH (FORMAT binary)
TRUNCATE bin_bad;
INSERT INTO bin_bad VALUES (1, '\x30');
\copy bin_bad TO 'test/results/bitmap_bad.bin' WITH (FORMAT binary)
\copy bin_dst FROM 'test/results/bitmap_bad.bin' WITH (FORMAT binary)
SELECT count(*) AS rows_after_rejected_copies FROM bin_dst;

-- NULL in, NULL out
SELECT bitmap_count(NULL), bitmap_from_bytea(NULL), (NULL::bitmap) | '{1}';
