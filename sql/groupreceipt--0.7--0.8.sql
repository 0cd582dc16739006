/* groupreceipt--0.7--0.8.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION groupreceipt UPDATE TO '0.8'" to load this file. \quit

-- The entry lock (src/receipts_storage.c): calls take AccessShareLock on
-- store before they ask which storage the database has; with store locked
-- first, a call either runs before this update (which waits for it) or
-- asks after the update committed.
LOCK TABLE @extschema@.store IN ACCESS EXCLUSIVE MODE;

-- 0.8: the logs of acks not folded yet become rows of store
-- (src/receipts_logs.c): a batch ack (gid, 'K', slot, upto), an explicit
-- read (gid, 'L', msgid, slot), the payload empty.  The tables ack_log and
-- read_log go, with their heaps and primary keys (8 kB each even when empty).

-- No ack may commit into the old tables after their rows were copied (a
-- library older than 0.8.1 takes no entry lock: its acks wait here, then
-- fail on the dropped table and are retried like any error).
LOCK TABLE @extschema@.ack_log, @extschema@.read_log IN ACCESS EXCLUSIVE MODE;

INSERT INTO @extschema@.store (gid, kind, key, sub, payload)
SELECT a.gid, 'K', a.slot, a.upto, '\x'::pg_catalog.bytea FROM @extschema@.ack_log a;
INSERT INTO @extschema@.store (gid, kind, key, sub, payload)
SELECT l.gid, 'L', l.msgid, l.slot, '\x'::pg_catalog.bytea FROM @extschema@.read_log l;

-- store now holds a queue: vacuumed after 2000 dead or inserted rows plus
-- 1 % of the table (the log tables: after every 2000)
ALTER TABLE @extschema@.store SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 2000,
                                   autovacuum_vacuum_insert_scale_factor = 0.01,
                                   autovacuum_vacuum_insert_threshold = 2000);
COMMENT ON TABLE @extschema@.store IS 'packed rows of a group: sealed message blocks (B), archived blocks (A), watermark vector (W), member snapshots (S), pending batch acks (K) and explicit reads (L)';

-- the SQL functions that read or delete log rows
CREATE OR REPLACE FUNCTION @extschema@._member(p_gid pg_catalog.int8, p_uid pg_catalog.int8)
RETURNS @extschema@.members
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m @extschema@.members;
BEGIN
	-- the watermarks include the member's batch acks not folded yet
	SELECT r.gid, r.uid, r.slot, r.active,
	       pg_catalog.int8larger(r.read_upto, COALESCE(l.upto, 0)),
	       pg_catalog.int8larger(r.delivered_upto, COALESCE(l.upto, 0))
	  INTO m
	  FROM @extschema@.members r
	  LEFT JOIN LATERAL (SELECT pg_catalog.max(a.sub) AS upto FROM @extschema@.store a
	                      WHERE a.gid OPERATOR(pg_catalog.=) r.gid
	                        AND a.kind OPERATOR(pg_catalog.=) 'K'
	                        AND a.key OPERATOR(pg_catalog.=) r.slot) l ON true
	 WHERE r.gid OPERATOR(pg_catalog.=) p_gid AND r.uid OPERATOR(pg_catalog.=) p_uid;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'uid % was never a member of group %', p_uid, p_gid
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN m;
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
	   AND NOT EXISTS (SELECT 1 FROM @extschema@.store l
	                    WHERE l.gid OPERATOR(pg_catalog.=) p_gid
	                      AND l.kind OPERATOR(pg_catalog.=) 'L'
	                      AND l.key OPERATOR(pg_catalog.=) g.msgid
	                      AND l.sub OPERATOR(pg_catalog.=) p_slot)
	 ORDER BY g.msgid
	 LIMIT p_limit
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
	DELETE FROM @extschema@.store l
	 WHERE l.gid OPERATOR(pg_catalog.=) p_gid AND l.kind OPERATOR(pg_catalog.=) 'L'
	   AND l.key OPERATOR(pg_catalog.=) ANY (ids);
	DELETE FROM @extschema@.messages m
	 WHERE m.gid OPERATOR(pg_catalog.=) p_gid AND m.msgid OPERATOR(pg_catalog.=) ANY (ids);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n OPERATOR(pg_catalog.+) @extschema@._remove_sealed(p_gid, ids);
END
$$;

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
	DELETE FROM @extschema@.store l
	 WHERE l.gid OPERATOR(pg_catalog.=) p_gid AND l.kind OPERATOR(pg_catalog.=) 'L'
	   AND l.key OPERATOR(pg_catalog.=) ANY (msgids);
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
	DELETE FROM @extschema@.messages t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.store t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.members t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
END
$$;

ALTER EXTENSION groupreceipt DROP TABLE @extschema@.ack_log;
ALTER EXTENSION groupreceipt DROP TABLE @extschema@.read_log;
DROP TABLE @extschema@.ack_log;
DROP TABLE @extschema@.read_log;
