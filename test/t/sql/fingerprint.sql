-- Every answer of every read function for every group, message and member
-- of the database, one sorted text (test/t/003_dump_restore_upgrade.pl).
-- Messages are every msgid up to the group's newest, whatever the storage
-- holds them in (0.5: tail rows or sealed blocks; never posted or
-- forgotten: a row of NULL counts).
SELECT pg_catalog.md5(string_agg(line, E'\n' ORDER BY line)) || ' ' || count(*) AS fingerprint
FROM (
	SELECT format('members %s %s', g.gid, array(SELECT groupreceipt.members(g.gid)))
	  FROM groupreceipt.groups g
	UNION ALL
	SELECT format('counts %s %s %s', m.gid, m.msgid, row(c.*)::text)
	  FROM (SELECT g.gid, s.msgid FROM groupreceipt.groups g, generate_series(1, g.last_msgid) s(msgid)) m,
	       LATERAL groupreceipt.unread_counts(m.gid, ARRAY[m.msgid]) c
	UNION ALL
	SELECT format('lists %s %s %s %s', m.gid, m.msgid,
	              array(SELECT groupreceipt.readers(m.gid, m.msgid)),
	              array(SELECT groupreceipt.non_readers(m.gid, m.msgid)))
	  FROM (SELECT g.gid, s.msgid FROM groupreceipt.groups g, generate_series(1, g.last_msgid) s(msgid)) m,
	       LATERAL groupreceipt.unread_counts(m.gid, ARRAY[m.msgid]) c
	 WHERE c.recipients IS NOT NULL
	UNION ALL
	SELECT format('badge %s %s %s %s', u.gid, u.uid, groupreceipt.member_unread(u.gid, u.uid),
	              array(SELECT groupreceipt.undelivered(u.gid, u.uid, NULL, 10000)))
	  FROM groupreceipt.members u
	UNION ALL
	SELECT format('state %s %s %s', t.gid, t.last_msgid, t.next_slot) FROM groupreceipt.groups t
) x(line);
