/* groupreceipt--0.5--0.6.sql
 *
 * 0.6: the group's watermark vector and its member snapshots become rows
 * of store (kinds 'W' and 'S', src/receipts_store_rows.c); the tables
 * watermarks and snapshots, with their heaps, primary keys and TOAST
 * relations, are dropped.  The snapshots are copied as they are; the
 * watermark vectors are built again by fold from the roster (which holds
 * every folded watermark: a vector is the roster's copy, packed), as the
 * next fold of each group would.  The SQL functions that read or delete
 * snapshots (_unread, _drop_unused_snapshots, drop_group) are replaced.
 * Every statement below is the 0.6 install script's own (test/t/003
 * compares an updated database with a fresh install, object by object).
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION groupreceipt UPDATE TO '0.6'" to load this file. \quit

-- The entry lock (src/receipts_storage.c): calls take AccessShareLock on
-- store before they ask which storage the database has; with store locked
-- first, a call either runs before this update (which waits for it) or
-- asks after the update committed.
LOCK TABLE @extschema@.store IN ACCESS EXCLUSIVE MODE;

-- 0.6: the members of snapshot p_snap_id of group p_gid from its S row's
-- payload, validated (a damaged payload is an error naming the snapshot).
CREATE FUNCTION @extschema@._snapshot_members(p_gid pg_catalog.int8, p_snap_id pg_catalog.int8,
                                              p_payload pg_catalog.bytea)
RETURNS @extschema@.bitmap
AS 'MODULE_PATHNAME', 'groupreceipt_snapshot_members'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;

-- 0.6: the group's watermark vector (its W row) decoded, for inspection.
CREATE FUNCTION @extschema@._vector(p_gid pg_catalog.int8)
RETURNS TABLE (slot pg_catalog.int4, watermark pg_catalog.int8, uid pg_catalog.int8)
AS 'MODULE_PATHNAME', 'groupreceipt_vector'
LANGUAGE C STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;

REVOKE EXECUTE ON FUNCTION
	@extschema@._snapshot_members(pg_catalog.int8, pg_catalog.int8, pg_catalog.bytea),
	@extschema@._vector(pg_catalog.int8)
FROM PUBLIC;

-- the snapshots, as S rows (validated on the way: a damaged one stops the update)
INSERT INTO @extschema@.store (gid, kind, key, sub, payload)
SELECT s.gid, 'S', s.snap_id, 0, @extschema@.bitmap_to_bytea(s.members)
  FROM @extschema@.snapshots s;

-- out of the extension first: that also takes them off its list of tables
-- pg_dump dumps (pg_extension_config_dump), which DROP TABLE alone leaves
ALTER EXTENSION groupreceipt DROP TABLE @extschema@.watermarks;
ALTER EXTENSION groupreceipt DROP TABLE @extschema@.snapshots;
DROP TABLE @extschema@.watermarks;
DROP TABLE @extschema@.snapshots;

COMMENT ON TABLE @extschema@.store IS 'packed rows of a group: sealed message blocks (B), watermark vector (W), member snapshots (S)';

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
	  JOIN s ON s.snap_id OPERATOR(pg_catalog.=) g.snap_id
	 WHERE g.sender_slot OPERATOR(pg_catalog.<>) p_slot
	   AND s.members OPERATOR(@extschema@.@>) p_slot
	   AND NOT g.read OPERATOR(@extschema@.@>) p_slot
	   AND NOT EXISTS (SELECT 1 FROM @extschema@.read_log l
	                    WHERE l.gid OPERATOR(pg_catalog.=) p_gid
	                      AND l.msgid OPERATOR(pg_catalog.=) g.msgid
	                      AND l.slot OPERATOR(pg_catalog.=) p_slot)
	 ORDER BY g.msgid
	 LIMIT p_limit
$$;

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
	         SELECT DISTINCT a.snap_id FROM @extschema@.archived_messages a
	          WHERE a.gid OPERATOR(pg_catalog.=) p_gid))
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
	DELETE FROM @extschema@.archived_messages t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.messages t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.store t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.members t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
END
$$;

-- every group's watermark vector, as its W row
SELECT pg_catalog.count(@extschema@.fold(g.gid)) FROM @extschema@.groups g;
