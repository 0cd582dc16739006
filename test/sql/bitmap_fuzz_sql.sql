-- SQL-level fuzzing of the bitmap's input functions (issue 6): random and
-- mutated text through bitmap_in, random bytes through bitmap_recv via
-- COPY ... (FORMAT binary).  Every input is either accepted -- and then
-- round-trips to the same canonical value -- or rejected with the input
-- error of its kind; any other outcome is listed.
SET search_path = groupreceipt, public;
SELECT setseed(0.6);

-- Text: 6000 strings over the text form's alphabet, half of them mutations
-- of valid values.
CREATE TEMP TABLE text_cases AS
SELECT i, CASE WHEN i % 2 = 0 THEN
         (SELECT string_agg(substr('{}0123456789,- 9-', (random() * 17)::int + 1, 1), '')
            FROM generate_series(1, (random() * 24)::int) WHERE i > 0)
       ELSE
         overlay(v.t placing substr('{}0123456789,-x ', (random() * 16)::int + 1, 1)
                 from (random() * length(v.t))::int + 1 for (random() * 2)::int)
       END AS t
  FROM generate_series(1, 6000) i,
       LATERAL (SELECT (ARRAY['{}', '{0-639}', '{1,3,5-9}', '{2147483646}', '{0,2147483640-2147483646}',
                              '{10,20,30-40,50}', '{ 1 , 2 }'])[1 + (i / 2) % 7] AS t) v;
CREATE FUNCTION pg_temp.text_outcome(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE b groupreceipt.bitmap;
BEGIN
	b := t::groupreceipt.bitmap;
	IF b::text::groupreceipt.bitmap OPERATOR(groupreceipt.=) b
	   -- (through int[] only when small: huge sets are refused by the cast, 54000)
	   AND (groupreceipt.bitmap_count(b) > 100000 OR b::text = (b::int4[])::groupreceipt.bitmap::text)
	   AND groupreceipt.bitmap_from_bytea(groupreceipt.bitmap_to_bytea(b)) OPERATOR(groupreceipt.=) b THEN
		RETURN 'accepted, round-trips';
	END IF;
	RETURN 'accepted, DOES NOT round-trip';
EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
	RETURN 'rejected: ' || SQLSTATE;
WHEN OTHERS THEN
	RETURN 'UNEXPECTED ' || SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT pg_temp.text_outcome(t) AS outcome, count(*) > 0 AS seen
  FROM text_cases GROUP BY 1 ORDER BY 1;
SELECT t, pg_temp.text_outcome(t) FROM text_cases
 WHERE pg_temp.text_outcome(t) NOT LIKE 'accepted, round-trips' AND pg_temp.text_outcome(t) NOT LIKE 'rejected: 22%'
 LIMIT 10;

-- Binary: 3000 byte strings, the first byte mostly a plausible format byte
-- (version 1, kinds 0-5) or anything, then 0-40 random bytes or a mutated
-- valid encoding.  Each goes through COPY TO (a bytea column, binary) and
-- COPY FROM into a bitmap column: the bytes reach bitmap_recv unchanged.
CREATE TEMP TABLE bin_cases AS
SELECT i, CASE WHEN i % 3 = 0 THEN
         set_byte(v.e, (random() * (length(v.e) - 1))::int, (random() * 255)::int)
       ELSE
         decode(lpad(to_hex(CASE WHEN random() < 0.8 THEN 16 + (random() * 5)::int ELSE (random() * 255)::int END), 2, '0')
                || coalesce((SELECT string_agg(lpad(to_hex((random() * 255)::int), 2, '0'), '')
                               FROM generate_series(1, (random() * 40)::int) WHERE i > 0), ''), 'hex')
       END AS bytes
  FROM generate_series(1, 3000) i,
       LATERAL (SELECT bitmap_to_bytea((ARRAY['{0-639}', '{1,3,5-9}', '{70000,800000}', '{0,2,4,6,8,10}',
                                              '{0-99,200-299}'])[1 + (i / 3) % 5]::bitmap) AS e) v;
CREATE TEMP TABLE one_bytea (b bytea);
CREATE TEMP TABLE one_bitmap (b groupreceipt.bitmap);
CREATE FUNCTION pg_temp.binary_outcome(x bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE b groupreceipt.bitmap;
BEGIN
	TRUNCATE one_bytea, one_bitmap;
	INSERT INTO one_bytea VALUES (x);
	-- the file lives in the (throwaway) cluster's data directory
	EXECUTE format('COPY one_bytea TO %L (FORMAT binary)', current_setting('data_directory') || '/groupreceipt_fuzz.bin');
	BEGIN
		EXECUTE format('COPY one_bitmap FROM %L (FORMAT binary)', current_setting('data_directory') || '/groupreceipt_fuzz.bin');
	EXCEPTION WHEN invalid_binary_representation THEN
		RETURN 'rejected: ' || SQLSTATE;
	WHEN OTHERS THEN
		RETURN 'UNEXPECTED ' || SQLSTATE || ': ' || SQLERRM;
	END;
	SELECT one_bitmap.b INTO b FROM one_bitmap;
	-- accepted: canonical, and the same as the bytea path gives
	IF b::text::groupreceipt.bitmap OPERATOR(groupreceipt.=) b
	   AND groupreceipt.bitmap_from_bytea(x) OPERATOR(groupreceipt.=) b
	   AND groupreceipt.bitmap_from_bytea(groupreceipt.bitmap_to_bytea(b)) OPERATOR(groupreceipt.=) b THEN
		RETURN 'accepted, round-trips';
	END IF;
	RETURN 'accepted, DOES NOT round-trip';
END $$;
CREATE TEMP TABLE bin_outcomes AS SELECT i, bytes, pg_temp.binary_outcome(bytes) AS outcome FROM bin_cases;
SELECT outcome, count(*) > 0 AS seen FROM bin_outcomes GROUP BY 1 ORDER BY 1;
SELECT encode(bytes, 'hex'), outcome FROM bin_outcomes
 WHERE outcome NOT IN ('accepted, round-trips', 'rejected: 22P03') LIMIT 10;
-- both kinds of outcome are common, not flukes
SELECT count(*) FILTER (WHERE outcome LIKE 'accepted%') > 300 AS many_accepted,
       count(*) FILTER (WHERE outcome LIKE 'rejected%') > 300 AS many_rejected
  FROM bin_outcomes;
SELECT count(*) FILTER (WHERE pg_temp.text_outcome(t) LIKE 'accepted%') > 300 AS many_accepted,
       count(*) FILTER (WHERE pg_temp.text_outcome(t) LIKE 'rejected%') > 300 AS many_rejected
  FROM text_cases;
