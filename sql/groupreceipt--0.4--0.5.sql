/* groupreceipt--0.4--0.5.sql
 *
 * 0.5: sealed message blocks.  A group's older messages are packed up to
 * 256 to a row of the new table store (src/receipts_blocks.c); the newest
 * stay rows of messages.  The SQL paths that read or remove messages
 * (member_unread and undelivered through _unread, archive, forget,
 * drop_group, the snapshots' clean-up) go through _live_messages and
 * _remove_sealed.  Existing groups are sealed at the end by fold, as their
 * next fold would seal them.  Every statement below is the 0.5 install
 * script's own (test/t/003 compares an updated database with a fresh
 * install, object by object).
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION groupreceipt UPDATE TO '0.5'" to load this file. \quit

-- 0.5: sealed message blocks (src/receipts_blocks.c).  A group's older
-- messages packed up to 256 to a row (kind 'B', key the first msgid, sub
-- the last, payload the codec of src/grblock_codec.c: msgids, sender
-- slots, snapshot ids and sent_at delta-coded, each message's explicit
-- reads as none / all / a bitmap).  The newest messages stay rows of
-- messages (the tail); fold seals the tail's oldest whole blocks, leaving
-- groupreceipt.tail_messages.  The table is led by gid like the others,
-- and its kind column leaves room for the rest of engine v2's rows
-- (docs/engine-v2.md).  A block is sealed at 8,000 bytes at most: with
-- toast_tuple_target 8160 and the payload stored MAIN, no block row goes to
-- TOAST.
CREATE TABLE @extschema@.store (
	gid     pg_catalog.int8 NOT NULL,
	kind    pg_catalog."char" NOT NULL,
	key     pg_catalog.int8 NOT NULL,
	sub     pg_catalog.int8 NOT NULL,
	payload pg_catalog.bytea NOT NULL,
	PRIMARY KEY (gid, kind, key, sub)
) WITH (fillfactor = 90, toast_tuple_target = 8160);
ALTER TABLE @extschema@.store ALTER COLUMN payload SET STORAGE MAIN;
COMMENT ON TABLE @extschema@.store IS 'packed rows of a group: sealed message blocks (kind B)';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.store', '');

-- 0.5: the group's live messages in (p_after, p_upto] sent before
-- p_sent_before, ascending, at most p_limit: the tail's rows and the
-- sealed ones alike (read NULL: every recipient has read it).
CREATE FUNCTION @extschema@._live_messages(p_gid pg_catalog.int8, p_after pg_catalog.int8 DEFAULT 0,
                                           p_upto pg_catalog.int8 DEFAULT 9223372036854775807,
                                           p_sent_before pg_catalog.timestamptz DEFAULT 'infinity',
                                           p_limit pg_catalog.int4 DEFAULT 2147483647)
RETURNS TABLE (msgid pg_catalog.int8, sender pg_catalog.int8, sender_slot pg_catalog.int4,
               snap_id pg_catalog.int4, sent_at pg_catalog.timestamptz, read @extschema@.bitmap)
AS 'MODULE_PATHNAME', 'groupreceipt_live_messages'
LANGUAGE C STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;

-- 0.5: remove the sealed messages among p_msgids (archive, forget: the
-- caller holds the group's lock); returns how many.
CREATE FUNCTION @extschema@._remove_sealed(p_gid pg_catalog.int8, p_msgids pg_catalog.int8[])
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_remove_sealed'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;

-- 0.5: the group's sealed blocks, for inspection.
CREATE FUNCTION @extschema@._blocks(p_gid pg_catalog.int8)
RETURNS TABLE (first_msgid pg_catalog.int8, last_msgid pg_catalog.int8, messages pg_catalog.int4,
               bytes pg_catalog.int4, all_read pg_catalog.int4, some_read pg_catalog.int4)
AS 'MODULE_PATHNAME', 'groupreceipt_blocks'
LANGUAGE C STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;

-- same signatures, the messages read through _live_messages: replaced in place (grants stay)
CREATE OR REPLACE FUNCTION @extschema@._unread(p_gid pg_catalog.int8, p_slot pg_catalog.int4,
                                    p_after pg_catalog.int8, p_limit pg_catalog.int8)
RETURNS SETOF pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT g.msgid
	  FROM @extschema@._live_messages(p_gid, p_after) g
	  JOIN @extschema@.snapshots s
	    ON s.gid OPERATOR(pg_catalog.=) p_gid AND s.snap_id OPERATOR(pg_catalog.=) g.snap_id
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
	DELETE FROM @extschema@.snapshots s
	 WHERE s.gid OPERATOR(pg_catalog.=) p_gid
	   AND s.snap_id IS DISTINCT FROM (SELECT t.snap_id FROM @extschema@.groups t
	                                    WHERE t.gid OPERATOR(pg_catalog.=) p_gid)
	   AND s.snap_id OPERATOR(pg_catalog.<>) ALL (ARRAY(
	         SELECT DISTINCT m.snap_id FROM @extschema@._live_messages(p_gid) m
	         UNION
	         SELECT DISTINCT a.snap_id FROM @extschema@.archived_messages a
	          WHERE a.gid OPERATOR(pg_catalog.=) p_gid))
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
	INSERT INTO @extschema@.archived_messages
	       (gid, msgid, sender, sender_slot, snap_id, sent_at, recipients, read, unread)
	SELECT p_gid, m.msgid, m.sender, m.sender_slot, m.snap_id, m.sent_at, f.recipients, f.read, f.unread
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

CREATE OR REPLACE FUNCTION @extschema@._archive_candidates(p_cutoff pg_catalog.timestamptz)
RETURNS SETOF pg_catalog.int8
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT m.gid FROM @extschema@.messages m
	 WHERE m.sent_at OPERATOR(pg_catalog.<) p_cutoff
	UNION
	SELECT b.gid FROM (SELECT DISTINCT s.gid FROM @extschema@.store s
	                    WHERE s.kind OPERATOR(pg_catalog.=) 'B') b
	 WHERE EXISTS (SELECT 1 FROM @extschema@._live_messages(b.gid, p_sent_before => p_cutoff, p_limit => 1))
	 ORDER BY 1
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
	DELETE FROM @extschema@.read_log l
	 WHERE l.gid OPERATOR(pg_catalog.=) p_gid AND l.msgid OPERATOR(pg_catalog.=) ANY (msgids);
	DELETE FROM @extschema@.messages m
	 WHERE m.gid OPERATOR(pg_catalog.=) p_gid AND m.msgid OPERATOR(pg_catalog.=) ANY (msgids);
	GET DIAGNOSTICS live = ROW_COUNT;
	live := live OPERATOR(pg_catalog.+) @extschema@._remove_sealed(p_gid, msgids);
	DELETE FROM @extschema@.archived_messages a
	 WHERE a.gid OPERATOR(pg_catalog.=) p_gid AND a.msgid OPERATOR(pg_catalog.=) ANY (msgids);
	GET DIAGNOSTICS arc = ROW_COUNT;
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
	DELETE FROM @extschema@.watermarks t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.archived_messages t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.messages t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.store t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.snapshots t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.members t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
END
$$;

REVOKE EXECUTE ON FUNCTION
	@extschema@._live_messages(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8, pg_catalog.timestamptz, pg_catalog.int4),
	@extschema@._remove_sealed(pg_catalog.int8, pg_catalog.int8[]),
	@extschema@._blocks(pg_catalog.int8)
FROM PUBLIC;

-- seal every group's older messages now, as its next fold would
SELECT pg_catalog.count(@extschema@.fold(g.gid)) FROM @extschema@.groups g;
