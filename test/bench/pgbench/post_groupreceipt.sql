\set gid 101 + (:client_id % 16)
\set sender random(1, 640)
SELECT groupreceipt.post(:gid, nextval('bench_msgid'), :sender);
