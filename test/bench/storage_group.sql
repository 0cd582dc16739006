-- Group :gid of groupreceipt and of bitmap_rows with the members, messages
-- and reads of the table reads (storage_reads.sql).  Included by
-- storage_compare.sql (group 1) and storage_marginal.sql (a second group).

-- groupreceipt: batch acks when everybody read, explicit acks otherwise
SELECT groupreceipt.add_members(:gid, ARRAY(SELECT generate_series(1, :nmembers)::bigint)) > 0 AS ok \gset
SELECT count(groupreceipt.post(:gid, m, (m % :nmembers) + 1)) > 0 AS ok FROM generate_series(1, :nmsgs) m \gset
SELECT count(*) >= 0 AS ok FROM generate_series(1, :nmembers) u, groupreceipt.ack(:gid, u, :nmsgs)
WHERE :'state' = 'everybody' \gset
-- explicit acks as clients send them: one call (one transaction) per reader
-- (\gexec sends each as a statement: its count is printed)
SELECT format('SELECT count(*) FROM groupreceipt.ack_msgs(%s, %s, %L)', :gid, u, array_agg(m::bigint ORDER BY m))
FROM reads WHERE read AND :'state' = 'half' GROUP BY u ORDER BY u \gexec
SELECT groupreceipt.fold(:gid) >= 0 AS ok \gset

-- bitmap rows: bit i of a message = member i + 1 of the shared list
INSERT INTO bitmap_rows.member_lists VALUES (:gid, 1, ARRAY(SELECT generate_series(1, :nmembers)::bigint));
INSERT INTO bitmap_rows.msgs (gid, msgid, sender_uid, list_id, read)
SELECT :gid, m, (m % :nmembers) + 1, 1,
       string_agg(CASE WHEN read THEN '1' ELSE '0' END, '' ORDER BY u)::varbit
FROM reads GROUP BY m;
