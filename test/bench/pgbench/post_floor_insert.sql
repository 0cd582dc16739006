\set gid 101 + (:client_id % 16)
\set sender random(1, 640)
INSERT INTO floor.ins (gid, msgid, sender) VALUES (:gid, nextval('bench_msgid'), :sender);
