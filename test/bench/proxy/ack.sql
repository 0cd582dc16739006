\set gid random(1, 64)
\set uid random(1, 64)
\set m random(1, :nmsgs)
SELECT * FROM groupreceipt.ack_msgs(:gid, :uid, ARRAY[:m]::bigint[]);
