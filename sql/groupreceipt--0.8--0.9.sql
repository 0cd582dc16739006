/* groupreceipt--0.8--0.9.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION groupreceipt UPDATE TO '0.9'" to load this file. \quit

-- The entry lock (src/receipts_storage.c): calls take AccessShareLock on
-- store before they ask which storage the database has; with store locked
-- first, a call either runs before this update (which waits for it) or
-- asks after the update committed.  (This update moves no rows; it locks
-- store as every update does.)
LOCK TABLE @extschema@.store IN ACCESS EXCLUSIVE MODE;

-- 0.9: the entry lock (src/receipts_storage.c) for the SQL and plpgsql
-- bodies whose first statement reads a table (_member, members,
-- _archive_candidates, _purge_candidates).  Every C call takes it in a
-- transaction's first lookup -- AccessShareLock on store, which every
-- update script locks first -- and stops with 40001 when the statement's
-- snapshot predates the extension's latest ALTER EXTENSION; a body that
-- reads a table before any C call waited for the update in that statement
-- instead and then read under the old snapshot, or a table the update had
-- replaced.  These bodies call this first.
CREATE FUNCTION @extschema@._enter()
RETURNS void
AS 'MODULE_PATHNAME', 'groupreceipt_enter'
LANGUAGE C VOLATILE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;

REVOKE EXECUTE ON FUNCTION @extschema@._enter() FROM PUBLIC;

-- The bodies that read a table before any C call call _enter first (the
-- two candidate lists, run by the procedures archive_all and purge_all,
-- become plpgsql for that: an SQL function's statement is planned, and
-- its tables locked, before anything in it runs).
-- member_unread, undelivered and ack_delivered read through _member;
-- add_members, remove_members, archive, purge, forget and drop_group call
-- _require_read_committed first, which takes the entry lock in the 0.9
-- library already.
CREATE OR REPLACE FUNCTION @extschema@._member(p_gid pg_catalog.int8, p_uid pg_catalog.int8)
RETURNS @extschema@.members
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m @extschema@.members;
BEGIN
	PERFORM @extschema@._enter();
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

-- plpgsql since 0.9: an SQL function's statements are planned, and their
-- tables locked, before the first runs
CREATE OR REPLACE FUNCTION @extschema@.members(gid pg_catalog.int8)
RETURNS SETOF pg_catalog.int8
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM @extschema@._enter();
	RETURN QUERY SELECT m.uid FROM @extschema@.members m
	 WHERE m.gid OPERATOR(pg_catalog.=) members.gid AND m.active
	 ORDER BY m.uid;
END
$$;

CREATE OR REPLACE FUNCTION @extschema@._archive_candidates(p_cutoff pg_catalog.timestamptz)
RETURNS SETOF pg_catalog.int8
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- 0.9: plpgsql, the entry lock first (see _enter)
	PERFORM @extschema@._enter();
	RETURN QUERY
	SELECT m.gid FROM @extschema@.messages m
	 WHERE m.sent_at OPERATOR(pg_catalog.<) p_cutoff
	UNION
	SELECT b.gid FROM (SELECT DISTINCT s.gid FROM @extschema@.store s
	                    WHERE s.kind OPERATOR(pg_catalog.=) 'B') b
	 WHERE EXISTS (SELECT 1 FROM @extschema@._live_messages(b.gid, p_sent_before => p_cutoff, p_limit => 1))
	 ORDER BY 1;
END
$$;

CREATE OR REPLACE FUNCTION @extschema@._purge_candidates(p_cutoff pg_catalog.timestamptz)
RETURNS SETOF pg_catalog.int8
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- 0.9: plpgsql, the entry lock first (see _enter)
	PERFORM @extschema@._enter();
	RETURN QUERY
	SELECT DISTINCT s.gid FROM @extschema@.store s
	 WHERE s.kind OPERATOR(pg_catalog.=) 'A'
	   -- (CASE: the planner may order the quals either way; only A rows decode)
	   AND CASE WHEN s.kind OPERATOR(pg_catalog.=) 'A'
	            THEN @extschema@._archived_sent_before(s.gid, s.key, s.payload, p_cutoff) END
	 ORDER BY s.gid;
END
$$;
