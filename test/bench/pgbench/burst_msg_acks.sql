\set uid random(2, :burst_members)
\set m random(1, 64)
UPDATE msg_acks.msg_acks SET if_ack = true
  WHERE gid = 300 AND msgid = :m AND recv_uid = :uid AND NOT if_ack;
