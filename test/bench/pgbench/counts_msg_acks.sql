\set m random(20, :cmsgs)
SELECT msgid, count(*) AS recipients, count(*) FILTER (WHERE if_ack) AS read,
       count(*) FILTER (WHERE NOT if_ack) AS unread
  FROM msg_acks.msg_acks WHERE gid = :gid AND msgid BETWEEN :m - 19 AND :m GROUP BY msgid;
