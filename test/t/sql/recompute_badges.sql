-- member_unread of every member of every group against a plain-SQL
-- recomputation of the unread received messages (0.10 storage): the number
-- of members whose badge differs.  Used by t/002 and t/005.
SELECT count(*) FROM (SELECT r.gid, r.uid, r.slot,
		        COALESCE(greatest(w.watermark, (SELECT max(a.sub) FROM groupreceipt.store a
		                                WHERE a.kind = 'K' AND a.gid = r.gid AND a.key = r.slot)), 0) AS read_upto
		   FROM groupreceipt.members r
		   LEFT JOIN (SELECT g.gid, v.slot, v.watermark FROM groupreceipt.groups g, LATERAL groupreceipt._vector(g.gid) v) w
		     ON w.gid = r.gid AND w.slot = r.slot) mb
 WHERE groupreceipt.member_unread(mb.gid, mb.uid) <>
       (SELECT count(*) FROM groupreceipt._live_messages(mb.gid) m
          JOIN (SELECT gid, key::int4 AS snap_id, groupreceipt._snapshot_members(gid, key, payload) AS members FROM groupreceipt.store WHERE kind = 'S') s ON s.gid = mb.gid AND s.snap_id = m.snap_id
         WHERE s.members OPERATOR(groupreceipt.@>) mb.slot
           AND m.sender_slot <> mb.slot AND m.msgid > mb.read_upto AND m.read IS NOT NULL
           AND NOT m.read OPERATOR(groupreceipt.@>) mb.slot
           AND NOT EXISTS (SELECT 1 FROM groupreceipt.store l
                            WHERE l.kind = 'L' AND l.gid = mb.gid AND l.key = m.msgid AND l.sub = mb.slot));
