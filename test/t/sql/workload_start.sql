-- A database with every kind of state (runs on 0.1 and 0.2): groups with
-- membership changes (several snapshots), old messages archived, batch
-- acks, explicit reads folded and compacted, explicit reads still in the
-- read log, batch acks still in the ack log, delivery watermarks, a former
-- member.
SELECT groupreceipt.add_members(g, ARRAY(SELECT generate_series(1, 5 + g)::bigint)) FROM generate_series(1, 6) g;
SELECT count(groupreceipt.post(g, m, 1 + m % 4, timestamptz '2001-01-01' + m * interval '1 day'))
  FROM generate_series(1, 6) g, generate_series(1, 20) m;
SELECT groupreceipt.remove_members(g, ARRAY[2]) FROM generate_series(1, 6) g;
SELECT groupreceipt.add_members(g, ARRAY[50, 51]) FROM generate_series(1, 6) g;
SELECT count(groupreceipt.post(g, m, 3, now() - interval '1 hour'))
  FROM generate_series(1, 6) g, generate_series(21, 40) m;
SELECT count(*) FROM generate_series(1, 6) g, groupreceipt.ack(g, 4, 10 + g);
SELECT count(*) FROM generate_series(1, 6) g, groupreceipt.ack(g, 5, 30);
-- explicit reads, folded: message 25 read by everybody (compacted)
SELECT count(*) FROM generate_series(1, 6) g, generate_series(1, 60) u,
       groupreceipt.ack_msgs(g, u, ARRAY[25, 33]) WHERE u <= 5 + g OR u IN (50, 51);
SELECT groupreceipt.fold(g) FROM generate_series(1, 6) g;
-- explicit reads left in the log
SELECT count(*) FROM generate_series(1, 6) g, groupreceipt.ack_msgs(g, 6, ARRAY[12, 35, 39]);
SELECT groupreceipt.ack_delivered(g, 5, 37) FROM generate_series(1, 6) g;
-- messages before 2001-01-11 archived
SELECT groupreceipt.archive(now() - timestamptz '2001-01-11') AS archived;
-- explicit reads of the archived ones do nothing; of live ones are logged
SELECT count(*) FROM generate_series(1, 6) g, groupreceipt.ack_msgs(g, 8, ARRAY[3, 15]) WHERE g >= 3;
-- batch acks left in the log (0.3 on: pending until the next fold)
SELECT count(*) FROM generate_series(1, 6) g, groupreceipt.ack(g, 5, 38);
-- a member who joins after the last fold (0.3-0.9: its watermark, the
-- newest msgid, only in its roster row; 0.10: a K row)
SELECT groupreceipt.add_members(g, ARRAY[70]) FROM generate_series(1, 6) g;
