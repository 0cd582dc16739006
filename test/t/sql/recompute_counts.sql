-- unread_counts of every live message of every group against a plain-SQL
-- recomputation from the tables (0.10 storage: snapshots, pending batch acks
-- and explicit reads as S, K and L rows of store): the number of rows that
-- differ, 0 when every count is exact.  Used by t/002 and t/005.
WITH msg AS (
	SELECT g.gid, m.msgid, m.sender_slot, m.read, s.members
	  FROM groupreceipt.groups g CROSS JOIN LATERAL groupreceipt._live_messages(g.gid) m
	  JOIN (SELECT gid, key::int4 AS snap_id, groupreceipt._snapshot_members(gid, key, payload) AS members FROM groupreceipt.store WHERE kind = 'S') s ON s.gid = g.gid AND s.snap_id = m.snap_id),
rec AS (
	SELECT msg.gid, msg.msgid,
	       (mb.read_upto >= msg.msgid OR msg.read IS NULL
	        OR msg.read OPERATOR(groupreceipt.@>) mb.slot
	        OR EXISTS (SELECT 1 FROM groupreceipt.store l
	                    WHERE l.kind = 'L' AND l.gid = msg.gid AND l.key = msg.msgid AND l.sub = mb.slot)) AS r
	  FROM msg JOIN (SELECT r.gid, r.uid, r.slot,
		        COALESCE(greatest(w.watermark, (SELECT max(a.sub) FROM groupreceipt.store a
		                                WHERE a.kind = 'K' AND a.gid = r.gid AND a.key = r.slot)), 0) AS read_upto
		   FROM groupreceipt.members r
		   LEFT JOIN (SELECT g.gid, v.slot, v.watermark FROM groupreceipt.groups g, LATERAL groupreceipt._vector(g.gid) v) w
		     ON w.gid = r.gid AND w.slot = r.slot) mb
	    ON mb.gid = msg.gid AND msg.members OPERATOR(groupreceipt.@>) mb.slot AND mb.slot <> msg.sender_slot),
ref AS (SELECT gid, msgid, count(*)::int AS recipients, (count(*) FILTER (WHERE r))::int AS read
          FROM rec GROUP BY gid, msgid),
ext AS (SELECT g.gid, c.msgid, c.recipients, c.read
          FROM groupreceipt.groups g,
               groupreceipt.unread_counts(g.gid, ARRAY(SELECT m.msgid FROM groupreceipt._live_messages(g.gid) m)) c)
SELECT count(*) FROM ((TABLE ref EXCEPT TABLE ext) UNION ALL (TABLE ext EXCEPT TABLE ref)) d;
