/* groupreceipt--0.9--0.10.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION groupreceipt UPDATE TO '0.10'" to load this file. \quit

-- The entry lock (src/receipts_storage.c): calls take AccessShareLock on
-- store before they ask which storage the database has, so with store
-- locked first a call runs before this update (which waits for it) or
-- asks after the update committed.  members too: no ack_delivered or
-- membership change commits a roster row after the copy below.
LOCK TABLE @extschema@.store IN ACCESS EXCLUSIVE MODE;
LOCK TABLE @extschema@.members IN ACCESS EXCLUSIVE MODE;

-- 0.10: the roster holds no read watermark.  The W row holds the folded
-- one of every slot it covers, equal to members.read_upto there, except
-- where a fold skipped a member row locked at the time (its K rows are
-- still pending, and stay); members who joined after the last fold have
-- their watermark (the newest msgid at join) only in the roster.  Every
-- read_upto above the W row's becomes a K row: the same watermark, as a
-- pending batch ack that the next fold moves into the W row.
INSERT INTO @extschema@.store (gid, kind, key, sub, payload)
SELECT m.gid, 'K', m.slot, m.read_upto, ''::pg_catalog.bytea
  FROM @extschema@.members m
  LEFT JOIN (SELECT g.gid, v.slot, v.watermark
               FROM (SELECT DISTINCT w.gid FROM @extschema@.store w
                      WHERE w.kind OPERATOR(pg_catalog.=) 'W') g,
                    LATERAL @extschema@._vector(g.gid) v) w
         ON w.gid OPERATOR(pg_catalog.=) m.gid AND w.slot OPERATOR(pg_catalog.=) m.slot
 WHERE m.read_upto OPERATOR(pg_catalog.>) COALESCE(w.watermark, 0)
ON CONFLICT DO NOTHING;

-- Delivered: fold raised delivered_upto with read_upto; 0.10's _member
-- raises it with the read watermark when it is read, so the rows keep
-- theirs as they are.
ALTER TABLE @extschema@.members DROP COLUMN read_upto;
COMMENT ON TABLE @extschema@.members IS 'group roster: stable slot per member, delivery watermark';

-- fold built the 0.3 vector from the roster's read_upto with this; the
-- 0.10 library calls it on 0.3 storage only
DROP FUNCTION @extschema@._watermark_vector(pg_catalog.int8, pg_catalog.int4);

-- _member reads the read watermark from the W and K rows; its result is no
-- longer the roster's row type (which lost read_upto) but the same columns
CREATE FUNCTION @extschema@._read_watermark(p_gid pg_catalog.int8, p_slot pg_catalog.int4)
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_read_watermark'
LANGUAGE C STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
REVOKE EXECUTE ON FUNCTION @extschema@._read_watermark(pg_catalog.int8, pg_catalog.int4) FROM PUBLIC;

DROP FUNCTION @extschema@._member(pg_catalog.int8, pg_catalog.int8);
CREATE FUNCTION @extschema@._member(p_gid pg_catalog.int8, p_uid pg_catalog.int8,
                                    OUT gid pg_catalog.int8, OUT uid pg_catalog.int8,
                                    OUT slot pg_catalog.int4, OUT active pg_catalog.bool,
                                    OUT read_upto pg_catalog.int8, OUT delivered_upto pg_catalog.int8)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM @extschema@._enter();
	SELECT r.gid, r.uid, r.slot, r.active, r.delivered_upto
	  INTO gid, uid, slot, active, delivered_upto
	  FROM @extschema@.members r
	 WHERE r.gid OPERATOR(pg_catalog.=) p_gid AND r.uid OPERATOR(pg_catalog.=) p_uid;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'uid % was never a member of group %', p_uid, p_gid
			USING ERRCODE = 'undefined_object';
	END IF;
	read_upto := @extschema@._read_watermark(p_gid, slot);
	delivered_upto := pg_catalog.int8larger(delivered_upto, read_upto);
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@._member(pg_catalog.int8, pg_catalog.int8) FROM PUBLIC;

-- add_members gives a new member a K row at the newest msgid; member_unread
-- and undelivered take _member's result as a record
CREATE OR REPLACE FUNCTION @extschema@.add_members(gid pg_catalog.int8, uids pg_catalog.int8[])
RETURNS pg_catalog.int4
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p_gid   pg_catalog.int8 := gid;
	ids     pg_catalog.int8[];
	g       @extschema@.groups;
	added   pg_catalog.int4;
	rejoined pg_catalog.int4;
BEGIN
	PERFORM @extschema@._require_read_committed('add_members');
	PERFORM @extschema@._check_ids(uids, 'uids', p_gid);
	ids := ARRAY(SELECT DISTINCT u FROM pg_catalog.unnest(uids) u ORDER BY u);

	-- the group row, locked: a drop_group that deleted it while we waited
	-- leaves no row to lock, and the group is created again
	LOOP
		INSERT INTO @extschema@.groups AS t (gid) VALUES (p_gid) ON CONFLICT DO NOTHING;
		SELECT * INTO g FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid FOR UPDATE;
		EXIT WHEN FOUND;
	END LOOP;

	-- former members rejoin with their old slot and watermarks
	UPDATE @extschema@.members m SET active = true
	 WHERE m.gid OPERATOR(pg_catalog.=) p_gid
	   AND m.uid OPERATOR(pg_catalog.=) ANY (ids) AND NOT m.active;
	GET DIAGNOSTICS rejoined = ROW_COUNT;

	-- new members get the next slots, in uid order; they received nothing
	-- yet: a batch ack (K row) at the newest msgid says so (0.10)
	WITH n AS (
	  INSERT INTO @extschema@.members AS m (gid, uid, slot, active, delivered_upto)
	  SELECT p_gid, n.uid, g.next_slot OPERATOR(pg_catalog.+) (n.ord OPERATOR(pg_catalog.-) 1)::pg_catalog.int4,
	         true, g.last_msgid
	    FROM (SELECT u AS uid, pg_catalog.row_number() OVER (ORDER BY u) AS ord
	            FROM pg_catalog.unnest(ids) u
	           WHERE NOT EXISTS (SELECT 1 FROM @extschema@.members x
	                              WHERE x.gid OPERATOR(pg_catalog.=) p_gid
	                                AND x.uid OPERATOR(pg_catalog.=) u)) n
	  RETURNING m.slot),
	k AS (
	  INSERT INTO @extschema@.store (gid, kind, key, sub, payload)
	  SELECT p_gid, 'K', n.slot, g.last_msgid, ''::pg_catalog.bytea
	    FROM n WHERE g.last_msgid OPERATOR(pg_catalog.>) 0)
	SELECT pg_catalog.count(*)::pg_catalog.int4 INTO added FROM n;

	IF added OPERATOR(pg_catalog.+) rejoined OPERATOR(pg_catalog.>) 0 THEN
		UPDATE @extschema@.groups t
		   SET next_slot = t.next_slot OPERATOR(pg_catalog.+) added, snap_id = NULL, snap_size = NULL
		 WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	END IF;
	RETURN added OPERATOR(pg_catalog.+) rejoined;
END
$$;

CREATE OR REPLACE FUNCTION @extschema@.member_unread(gid pg_catalog.int8, uid pg_catalog.int8)
RETURNS pg_catalog.int8
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m record;
BEGIN
	SELECT * INTO m FROM @extschema@._member(gid, uid);
	RETURN (SELECT pg_catalog.count(*) FROM @extschema@._unread(gid, m.slot, m.read_upto, NULL));
END
$$;

CREATE OR REPLACE FUNCTION @extschema@.undelivered(gid pg_catalog.int8, uid pg_catalog.int8,
                                        after_msgid pg_catalog.int8 DEFAULT NULL,
                                        page_size pg_catalog.int4 DEFAULT 100)
RETURNS SETOF pg_catalog.int8
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m     record;
	floor_msgid pg_catalog.int8;
BEGIN
	IF gid IS NULL OR uid IS NULL OR page_size IS NULL THEN
		RAISE EXCEPTION 'undelivered: gid, uid and page_size must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF page_size OPERATOR(pg_catalog.<) 1 OR page_size OPERATOR(pg_catalog.>) @extschema@._max_page_size() THEN
		RAISE EXCEPTION 'page_size % for group % is out of range', page_size, gid
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = pg_catalog.format('page_size must be between 1 and %s.', @extschema@._max_page_size());
	END IF;
	SELECT * INTO m FROM @extschema@._member(gid, uid);
	floor_msgid := pg_catalog.int8larger(m.delivered_upto,
	                 pg_catalog.int8larger(m.read_upto, COALESCE(after_msgid, 0)));
	RETURN QUERY SELECT * FROM @extschema@._unread(gid, m.slot, floor_msgid, page_size);
END
$$;
