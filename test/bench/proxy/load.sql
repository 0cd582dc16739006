-- Same data through the API, on one node or through the proxy: 64 groups of
-- 64 members, :nmsgs messages each (sender cycles through the members).
SELECT count(groupreceipt.add_members(g, ARRAY(SELECT generate_series(1, 64)::bigint)))
  FROM generate_series(1, 64) g;
SELECT count(groupreceipt.post(g, m, 1 + m % 64)) FROM generate_series(1, 64) g, generate_series(1, :nmsgs) m;
CREATE SEQUENCE bench_msgid START 1000000000;
