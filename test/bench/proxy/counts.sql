\set gid random(1, 64)
\set m random(1, :nmsgs - 20)
SELECT * FROM groupreceipt.unread_counts(:gid, ARRAY(SELECT generate_series(:m, :m + 19)::bigint));
