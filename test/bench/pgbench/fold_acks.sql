\set upto :upto + 1
SELECT groupreceipt.post(1, :upto, 1);
SELECT count(*) FROM generate_series(2, 65) u, groupreceipt.ack(1, u, :upto);
SELECT groupreceipt.fold(1);
