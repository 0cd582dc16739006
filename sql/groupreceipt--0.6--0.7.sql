/* groupreceipt--0.6--0.7.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION groupreceipt UPDATE TO '0.7'" to load this file. \quit

-- The entry lock (src/receipts_storage.c): calls take AccessShareLock on
-- store before they ask which storage the database has; with store locked
-- first, a call either runs before this update (which waits for it) or
-- asks after the update committed.
LOCK TABLE @extschema@.store IN ACCESS EXCLUSIVE MODE;

-- 0.7: archived receipts become A rows of store (src/receipts_archive.c):
-- archived messages packed up to 256 to a row in the block codec, each
-- message's state frozen (all read, none read, or its unread slots).  The
-- table archived_messages, its BRIN index and its TOAST relation go.

-- 0.7: archived messages are A rows of store (src/receipts_archive.c).
-- Store messages with their frozen state (read: how many recipients had
-- read it; unread: the slots of those who had not), msgids ascending.
CREATE FUNCTION @extschema@._archive_store(gid pg_catalog.int8, msgids pg_catalog.int8[],
                                           sender_slots pg_catalog.int4[], snap_ids pg_catalog.int4[],
                                           sent_at pg_catalog.timestamptz[], read pg_catalog.int4[],
                                           unread @extschema@.bitmap[])
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_archive_store'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;

-- The group's archived messages with their frozen counts and unread slots
-- (the columns of the archived_messages table before 0.7).
CREATE FUNCTION @extschema@._archived(gid pg_catalog.int8)
RETURNS TABLE (msgid pg_catalog.int8, sender pg_catalog.int8, sender_slot pg_catalog.int4,
               snap_id pg_catalog.int4, sent_at pg_catalog.timestamptz, recipients pg_catalog.int4,
               read pg_catalog.int4, unread @extschema@.bitmap)
AS 'MODULE_PATHNAME', 'groupreceipt_archived'
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION @extschema@._archived_remove(gid pg_catalog.int8, msgids pg_catalog.int8[])
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_archived_remove'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION @extschema@._archived_purge(gid pg_catalog.int8, cutoff pg_catalog.timestamptz)
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_archived_purge'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;

-- Does the A row (gid, 'A', key) hold a message sent before cutoff?
CREATE FUNCTION @extschema@._archived_sent_before(gid pg_catalog.int8, key pg_catalog.int8,
                                                  payload pg_catalog.bytea, cutoff pg_catalog.timestamptz)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'groupreceipt_archived_sent_before'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Every archived message into A rows, its frozen state as the table holds
-- it (read count, unread slots), 4096 messages per call.
SELECT pg_catalog.sum(x.n) FROM (
	SELECT @extschema@._archive_store(b.gid,
	         pg_catalog.array_agg(b.msgid ORDER BY b.msgid), pg_catalog.array_agg(b.sender_slot ORDER BY b.msgid),
	         pg_catalog.array_agg(b.snap_id ORDER BY b.msgid), pg_catalog.array_agg(b.sent_at ORDER BY b.msgid),
	         pg_catalog.array_agg(b.read ORDER BY b.msgid), pg_catalog.array_agg(b.unread ORDER BY b.msgid)) AS n
	  FROM (SELECT a.*, (pg_catalog.row_number() OVER (PARTITION BY a.gid ORDER BY a.msgid)
	                     OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog./) 4096 AS batch
	          FROM @extschema@.archived_messages a) b
	 GROUP BY b.gid, b.batch) x;

CREATE OR REPLACE FUNCTION @extschema@._drop_unused_snapshots(p_gid pg_catalog.int8)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	DELETE FROM @extschema@.store s
	 WHERE s.gid OPERATOR(pg_catalog.=) p_gid AND s.kind OPERATOR(pg_catalog.=) 'S'
	   AND s.key IS DISTINCT FROM (SELECT t.snap_id FROM @extschema@.groups t
	                                WHERE t.gid OPERATOR(pg_catalog.=) p_gid)
	   AND s.key OPERATOR(pg_catalog.<>) ALL (ARRAY(
	         SELECT DISTINCT m.snap_id FROM @extschema@._live_messages(p_gid) m
	         UNION
	         SELECT DISTINCT a.snap_id FROM @extschema@._archived(p_gid) a))
$$;

CREATE OR REPLACE FUNCTION @extschema@._archive_group(p_gid pg_catalog.int8, p_cutoff pg_catalog.timestamptz,
                                           p_first pg_catalog.int4)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	slice CONSTANT pg_catalog.int4 := 10000;	-- messages per call
	ids pg_catalog.int8[];
	n   pg_catalog.int8;
BEGIN
	IF p_first IS NULL THEN
		ids := ARRAY(SELECT m.msgid
		               FROM @extschema@._live_messages(p_gid, p_sent_before => p_cutoff, p_limit => slice) m
		              ORDER BY m.msgid);
	ELSE
		ids := ARRAY(SELECT m.msgid
		               FROM @extschema@._live_messages(p_gid, p_limit => p_first) m
		              WHERE m.sent_at OPERATOR(pg_catalog.<) p_cutoff
		              ORDER BY m.msgid);
	END IF;
	IF pg_catalog.cardinality(ids) OPERATOR(pg_catalog.=) 0 THEN
		RETURN 0;
	END IF;
	PERFORM @extschema@._archive_store(p_gid,
	        pg_catalog.array_agg(m.msgid ORDER BY m.msgid), pg_catalog.array_agg(m.sender_slot ORDER BY m.msgid),
	        pg_catalog.array_agg(m.snap_id ORDER BY m.msgid), pg_catalog.array_agg(m.sent_at ORDER BY m.msgid),
	        pg_catalog.array_agg(f.read ORDER BY m.msgid), pg_catalog.array_agg(f.unread ORDER BY m.msgid))
	  FROM @extschema@._freeze(p_gid, ids) f
	  JOIN @extschema@._live_messages(p_gid, ids[1] OPERATOR(pg_catalog.-) 1, ids[pg_catalog.cardinality(ids)]) m
	    ON m.msgid OPERATOR(pg_catalog.=) f.msgid;
	DELETE FROM @extschema@.read_log l
	 WHERE l.gid OPERATOR(pg_catalog.=) p_gid AND l.msgid OPERATOR(pg_catalog.=) ANY (ids);
	DELETE FROM @extschema@.messages m
	 WHERE m.gid OPERATOR(pg_catalog.=) p_gid AND m.msgid OPERATOR(pg_catalog.=) ANY (ids);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n OPERATOR(pg_catalog.+) @extschema@._remove_sealed(p_gid, ids);
END
$$;

-- 0.7: the groups with archived messages sent before p_cutoff (their A
-- rows read, no lock taken), and the purge of one of them under its lock.
CREATE FUNCTION @extschema@._purge_candidates(p_cutoff pg_catalog.timestamptz)
RETURNS SETOF pg_catalog.int8
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT DISTINCT s.gid FROM @extschema@.store s
	 WHERE s.kind OPERATOR(pg_catalog.=) 'A'
	   -- (CASE: the planner may order the quals either way; only A rows decode)
	   AND CASE WHEN s.kind OPERATOR(pg_catalog.=) 'A'
	            THEN @extschema@._archived_sent_before(s.gid, s.key, s.payload, p_cutoff) END
	 ORDER BY s.gid
$$;

CREATE FUNCTION @extschema@._purge_one_group(p_gid pg_catalog.int8, p_cutoff pg_catalog.timestamptz)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n pg_catalog.int8;
BEGIN
	PERFORM @extschema@._require_read_committed('purge');
	PERFORM @extschema@._lock_group(p_gid, true);
	n := @extschema@._archived_purge(p_gid, p_cutoff);
	IF n OPERATOR(pg_catalog.>) 0 THEN
		PERFORM @extschema@._drop_unused_snapshots(p_gid);
	END IF;
	RETURN n;
END
$$;

CREATE OR REPLACE FUNCTION @extschema@.purge(older_than pg_catalog.interval)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cutoff pg_catalog.timestamptz := @extschema@._check_age(older_than, 'purge');
	gids   pg_catalog.int8[];
	g      pg_catalog.int8;
	lim    pg_catalog.int4 := 16 OPERATOR(pg_catalog.*)
	                          pg_catalog.current_setting('max_locks_per_transaction')::pg_catalog.int4;
	total  pg_catalog.int8 := 0;
BEGIN
	PERFORM @extschema@._require_read_committed('purge');
	gids := ARRAY(SELECT @extschema@._purge_candidates(cutoff));
	IF pg_catalog.cardinality(gids) OPERATOR(pg_catalog.>) lim THEN
		RAISE EXCEPTION 'purge would lock % groups in one transaction', pg_catalog.cardinality(gids)
			USING ERRCODE = 'program_limit_exceeded',
			      DETAIL = pg_catalog.format('purge() holds the lock of every group it purges until the transaction ends; at most %s groups (16 x max_locks_per_transaction) per call.', lim),
			      HINT = 'CALL groupreceipt.purge_all(older_than) purges group by group, one transaction each.';
	END IF;
	FOREACH g IN ARRAY gids LOOP
		total := total OPERATOR(pg_catalog.+) @extschema@._purge_one_group(g, cutoff);
	END LOOP;
	RETURN total;
END
$$;
COMMENT ON FUNCTION @extschema@.purge(pg_catalog.interval) IS
'delete archived receipts of messages sent before now() - older_than; returns how many';

-- purge_all: the same, one transaction per group, as archive_all.
CREATE PROCEDURE @extschema@.purge_all(older_than pg_catalog.interval,
                                       INOUT purged pg_catalog.int8 DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
	cutoff pg_catalog.timestamptz;
	g      pg_catalog.int8;
BEGIN
	IF older_than IS NULL THEN
		RAISE EXCEPTION 'purge_all: older_than must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF @extschema@._in_transaction_block() THEN
		RAISE EXCEPTION 'purge_all cannot run inside a transaction block'
			USING ERRCODE = 'active_sql_transaction',
			      DETAIL = 'It commits after each group.',
			      HINT = 'CALL it on its own, or use SELECT groupreceipt.purge(older_than) for one transaction.';
	END IF;
	cutoff := @extschema@._check_age(older_than, 'purge_all');
	purged := 0;
	FOR g IN SELECT c FROM @extschema@._purge_candidates(cutoff) c LOOP
		purged := purged OPERATOR(pg_catalog.+) @extschema@._purge_one_group(g, cutoff);
		COMMIT;
	END LOOP;
END
$$;
COMMENT ON PROCEDURE @extschema@.purge_all(pg_catalog.interval, pg_catalog.int8) IS
'delete archived receipts of messages sent before now() - older_than, one transaction per group; returns how many';

CREATE OR REPLACE FUNCTION @extschema@.forget(gid pg_catalog.int8, msgids pg_catalog.int8[])
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p_gid pg_catalog.int8 := gid;
	live  pg_catalog.int8;
	arc   pg_catalog.int8;
BEGIN
	PERFORM @extschema@._require_read_committed('forget');
	PERFORM @extschema@._check_ids(msgids, 'msgids', p_gid);
	-- the group's lock (waits for acks), then its row (waits for posts and
	-- membership changes): the statements below see what they committed
	PERFORM @extschema@._lock_group(p_gid, true);
	PERFORM 1 FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid FOR UPDATE;
	DELETE FROM @extschema@.read_log l
	 WHERE l.gid OPERATOR(pg_catalog.=) p_gid AND l.msgid OPERATOR(pg_catalog.=) ANY (msgids);
	DELETE FROM @extschema@.messages m
	 WHERE m.gid OPERATOR(pg_catalog.=) p_gid AND m.msgid OPERATOR(pg_catalog.=) ANY (msgids);
	GET DIAGNOSTICS live = ROW_COUNT;
	live := live OPERATOR(pg_catalog.+) @extschema@._remove_sealed(p_gid, msgids);
	arc := @extschema@._archived_remove(p_gid, msgids);
	IF live OPERATOR(pg_catalog.+) arc OPERATOR(pg_catalog.>) 0 THEN
		PERFORM @extschema@._drop_unused_snapshots(p_gid);
	END IF;
	RETURN live OPERATOR(pg_catalog.+) arc;
END
$$;

CREATE OR REPLACE FUNCTION @extschema@.drop_group(gid pg_catalog.int8)
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p_gid pg_catalog.int8 := gid;
BEGIN
	PERFORM @extschema@._require_read_committed('drop_group');
	-- the group's lock (waits for acks), then its row (waits for posts and
	-- membership changes, which lock or update it): every DELETE below
	-- runs on a snapshot taken after they committed, so none of their rows
	-- survives the group
	PERFORM @extschema@._lock_group(p_gid, true);
	PERFORM 1 FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid FOR UPDATE;
	DELETE FROM @extschema@.read_log t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.ack_log t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.messages t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.store t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.members t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
END
$$;

-- A message whose snapshot is missing is damaged data: XX001, as the C
-- paths say it (0.7; _unread left such a message out before).
CREATE FUNCTION @extschema@._snapshot_missing(p_gid pg_catalog.int8, p_msgid pg_catalog.int8,
                                              p_snap_id pg_catalog.int8)
RETURNS @extschema@.bitmap
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'snapshot % of group % is missing', p_snap_id, p_gid
		USING ERRCODE = 'data_corrupted',
		      DETAIL = pg_catalog.format('Message %s refers to it.', p_msgid);
END
$$;

CREATE OR REPLACE FUNCTION @extschema@._unread(p_gid pg_catalog.int8, p_slot pg_catalog.int4,
                                    p_after pg_catalog.int8, p_limit pg_catalog.int8)
RETURNS SETOF pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH s AS MATERIALIZED (
	  -- the group's snapshots (0.6: its S rows), each decoded once
	  SELECT t.key AS snap_id, @extschema@._snapshot_members(p_gid, t.key, t.payload) AS members
	    FROM @extschema@.store t
	   WHERE t.gid OPERATOR(pg_catalog.=) p_gid AND t.kind OPERATOR(pg_catalog.=) 'S')
	SELECT g.msgid
	  FROM @extschema@._live_messages(p_gid, p_after) g
	  LEFT JOIN s ON s.snap_id OPERATOR(pg_catalog.=) g.snap_id
	 WHERE g.sender_slot OPERATOR(pg_catalog.<>) p_slot
	   AND COALESCE(s.members, @extschema@._snapshot_missing(p_gid, g.msgid, g.snap_id))
	       OPERATOR(@extschema@.@>) p_slot
	   AND NOT g.read OPERATOR(@extschema@.@>) p_slot
	   AND NOT EXISTS (SELECT 1 FROM @extschema@.read_log l
	                    WHERE l.gid OPERATOR(pg_catalog.=) p_gid
	                      AND l.msgid OPERATOR(pg_catalog.=) g.msgid
	                      AND l.slot OPERATOR(pg_catalog.=) p_slot)
	 ORDER BY g.msgid
	 LIMIT p_limit
$$;

ALTER EXTENSION groupreceipt DROP TABLE @extschema@.archived_messages;
DROP TABLE @extschema@.archived_messages;

COMMENT ON TABLE @extschema@.store IS 'packed rows of a group: sealed message blocks (B), archived blocks (A), watermark vector (W), member snapshots (S)';

REVOKE EXECUTE ON FUNCTION
	@extschema@._archive_store(pg_catalog.int8, pg_catalog.int8[], pg_catalog.int4[], pg_catalog.int4[],
	                           pg_catalog.timestamptz[], pg_catalog.int4[], @extschema@.bitmap[]),
	@extschema@._archived(pg_catalog.int8),
	@extschema@._archived_remove(pg_catalog.int8, pg_catalog.int8[]),
	@extschema@._archived_purge(pg_catalog.int8, pg_catalog.timestamptz),
	@extschema@._archived_sent_before(pg_catalog.int8, pg_catalog.int8, pg_catalog.bytea, pg_catalog.timestamptz),
	@extschema@._purge_candidates(pg_catalog.timestamptz),
	@extschema@._purge_one_group(pg_catalog.int8, pg_catalog.timestamptz),
	@extschema@._snapshot_missing(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8)
FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE @extschema@.purge_all(pg_catalog.interval, pg_catalog.int8) FROM PUBLIC;
