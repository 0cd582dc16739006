\set uid random(2, :burst_members)
\set m random(1, 64)
SELECT count(*) FROM groupreceipt.ack_msgs(300, :uid, ARRAY[:m]::bigint[]);
