-- The workload goes on (on a restored or updated database, and on the
-- original): posts (one by one and in bulk), acks, folds, a membership
-- change, archiving.
SELECT count(groupreceipt.post(g, m, 1, now() - interval '1 minute')) FROM generate_series(1, 6) g, generate_series(41, 45) m;
SELECT count(*) FROM generate_series(1, 6) g, groupreceipt.ack(g, 3, 43);
SELECT count(*) FROM generate_series(1, 6) g, groupreceipt.ack_msgs(g, 9, ARRAY[12, 20, 44]) WHERE g >= 4;
SELECT groupreceipt.fold(g) FROM generate_series(1, 3) g;
SELECT groupreceipt.remove_members(g, ARRAY[4]) FROM generate_series(1, 6) g;
SELECT groupreceipt.add_members(g, ARRAY[2, 60]) FROM generate_series(1, 6) g;
SELECT count(groupreceipt.post(g, 46, 60)) FROM generate_series(1, 6) g;
SELECT groupreceipt.post_many(g, ARRAY[47, 48, 50], ARRAY[60, 2, 3], NULL) FROM generate_series(1, 6) g;
SELECT count(*) FROM generate_series(1, 6) g, groupreceipt.ack(g, 60, 48);
SELECT groupreceipt.archive(now() - timestamptz '2001-01-16') AS archived;
SELECT groupreceipt.forget(5, ARRAY[30, 31]);
SELECT groupreceipt.drop_group(6);
