\set uid 1 + (:client_id % 639)
\set upto :upto + 10
BEGIN;
UPDATE msg_acks.msg_acks SET if_ack = true
  WHERE gid = 200 AND recv_uid = :uid AND msgid <= :upto AND NOT if_ack;
UPDATE msg_acks.group_users SET last_ack_msgid = greatest(last_ack_msgid, :upto)
  WHERE gid = 200 AND uid = :uid;
END;
