\set gid 101 + (:client_id % 16)
\set sender random(1, 640)
BEGIN;
SELECT nextval('bench_msgid') AS msgid \gset
INSERT INTO msg_acks.group_msgs (gid, msgid, sender_uid) VALUES (:gid, :msgid, :sender);
INSERT INTO msg_acks.msg_acks (sender_uid, msgid, recv_uid, gid)
  SELECT :sender, :msgid, uid, :gid FROM msg_acks.group_users WHERE gid = :gid AND uid <> :sender;
END;
