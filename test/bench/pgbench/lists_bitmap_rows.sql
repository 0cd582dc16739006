\set m random(1, :list_msgs)
SELECT array_agg(x.u ORDER BY x.u) FILTER (WHERE get_bit(g.read, (x.o - 1)::int) = 1 AND x.u <> g.sender_uid) AS readers,
       array_agg(x.u ORDER BY x.u) FILTER (WHERE get_bit(g.read, (x.o - 1)::int) = 0 AND x.u <> g.sender_uid) AS non_readers
  FROM bitmap_rows.msgs g
  JOIN bitmap_rows.member_lists l ON l.gid = g.gid AND l.list_id = g.list_id,
  LATERAL unnest(l.uids) WITH ORDINALITY x(u, o)
 WHERE g.gid = :gid AND g.msgid = :m;
