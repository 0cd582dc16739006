\set m random(1, :list_msgs)
SELECT array_agg(recv_uid ORDER BY recv_uid) FILTER (WHERE if_ack) AS readers,
       array_agg(recv_uid ORDER BY recv_uid) FILTER (WHERE NOT if_ack) AS non_readers
  FROM msg_acks.msg_acks WHERE gid = :gid AND msgid = :m;
