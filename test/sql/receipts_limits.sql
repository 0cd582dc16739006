-- Limits (issue 6): long calls honour statement_timeout (the C loops call
-- CHECK_FOR_INTERRUPTS), oversized inputs get clean errors.  Group 8101:
-- 20,000 members, 3,000 messages.
SET search_path = groupreceipt, public;
SELECT add_members(8101, ARRAY(SELECT generate_series(1, 20000)::bigint)) AS added;
SELECT count(post(8101, m, 1 + m % 20000)) AS posted FROM generate_series(1, 3000) m;
SELECT count(*) AS acked FROM ack(8101, 7, 1500);

-- counting 3,000 messages x 20,000 recipients that share one snapshot is
-- one pass over its slots (0.3): it answers; what each message says
SELECT count(*) AS messages, sum(recipients) AS recipients, sum(read) AS read
  FROM unread_counts(8101, ARRAY(SELECT generate_series(1, 3000)::bigint));
-- freezing them for archive visits every slot of every message -- tens
-- of millions of slot visits: a 10 ms statement_timeout stops it cleanly
-- (terse: the timeout may strike in a statement the C code runs or in its
-- own loop, and the context line says which)
\set VERBOSITY terse
SET statement_timeout = '10ms';
SELECT count(*) FROM _freeze(8101, ARRAY(SELECT generate_series(1, 3000)::bigint));
RESET statement_timeout;
\set VERBOSITY default
-- and the session is fine afterwards
SELECT * FROM unread_counts(8101, ARRAY[1500, 1501]);
SELECT count(*) AS readers FROM readers(8101, 1500);
SELECT count(*) AS non_readers FROM non_readers(8101, 1500);

-- oversized inputs: clean errors, nothing allocated beyond the check
SELECT count(*) FROM unread_counts(8101, ARRAY(SELECT generate_series(1, 100001)::bigint));
SELECT add_members(8102, ARRAY(SELECT generate_series(1, 100001)::bigint));
SELECT count(*) FROM groups WHERE gid = 8102;
SELECT '{0-2147483646}'::bitmap::int4[];
SELECT bitmap_count('{0-2147483646}'::bitmap) AS huge_set_count, pg_column_size('{0-2147483646}'::bitmap) AS bytes;
SELECT * FROM undelivered(8101, 7, NULL, 10001);

-- the limits are defined once, in C (0.3): the SQL checks (add_members,
-- undelivered) and the C ones (unread_counts) use the same numbers, at the
-- edge and one past it
SELECT _max_ids() AS max_ids, _max_page_size() AS max_page_size;
SELECT count(*) AS at_max FROM unread_counts(8101, ARRAY(SELECT generate_series(1, _max_ids())::bigint));
SELECT count(*) FROM unread_counts(8101, ARRAY(SELECT generate_series(1, _max_ids() + 1)::bigint));
SELECT remove_members(8101, ARRAY(SELECT generate_series(20001, 20000 + _max_ids())::bigint)) AS removed_at_max;
SELECT remove_members(8101, ARRAY(SELECT generate_series(1, _max_ids() + 1)::bigint));
SELECT count(*) AS page_at_max FROM undelivered(8101, 7, NULL, _max_page_size());
SELECT count(*) FROM undelivered(8101, 7, NULL, _max_page_size() + 1);
-- post_many takes far more: it is linear, and imports come in big arrays
SELECT add_members(8103, ARRAY[1, 2]) AS added;
SELECT cardinality(post_many(8103, ARRAY(SELECT generate_series(1, _max_ids() + 1)::bigint),
                             array_fill(1::bigint, ARRAY[_max_ids() + 1]))) AS posted_past_max_ids;

-- the bitmap aggregates declare their state (a 64 KiB buffer) to the
-- planner's hash-aggregate memory estimate (0.2 declared none)
SELECT aggfnoid, aggtransspace FROM pg_aggregate
 WHERE aggfnoid IN ('bitmap_agg'::regproc, 'bitmap_union_agg'::regproc) ORDER BY 1;
