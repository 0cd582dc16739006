\set gid 1 + (:client_id % 64)
\set sender random(1, 64)
SELECT groupreceipt.post(:gid, nextval('bench_msgid'), :sender);
