/* groupreceipt--0.2--0.3.sql
 *
 * 0.3: post_many (bulk posting, linear in the number of messages); the
 * argument limits defined once, in C (_max_ids, _max_page_size); named
 * slice sizes in the SQL helpers; the bitmap aggregates declare their
 * state size; batch acks go to an insert-only log (ack_log) folded into
 * a packed watermark vector per group (watermarks), built here for every
 * existing group from its roster.  Every
 * statement below is the 0.3 install script's own (test/t/003 compares an
 * updated database with a fresh install, object by object).
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION groupreceipt UPDATE TO '0.3'" to load this file. \quit

-- the aggregates, with their state size (SSPACE cannot be altered)
DROP AGGREGATE @extschema@.bitmap_agg(pg_catalog.int4);
DROP AGGREGATE @extschema@.bitmap_union_agg(@extschema@.bitmap);
CREATE AGGREGATE @extschema@.bitmap_agg(pg_catalog.int4) (
	SFUNC = @extschema@.bitmap_agg_trans,
	STYPE = pg_catalog.internal,
	FINALFUNC = @extschema@.bitmap_agg_final,
	COMBINEFUNC = @extschema@.bitmap_agg_combine,
	SERIALFUNC = @extschema@.bitmap_agg_serial,
	DESERIALFUNC = @extschema@.bitmap_agg_deserial,
	SSPACE = 65600,		-- the state: a 64 KiB buffer of runs plus the run list
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bitmap_agg(pg_catalog.int4) IS
'bitmap of the non-NULL input positions';

CREATE AGGREGATE @extschema@.bitmap_union_agg(@extschema@.bitmap) (
	SFUNC = @extschema@.bitmap_union_trans,
	STYPE = pg_catalog.internal,
	FINALFUNC = @extschema@.bitmap_agg_final,
	COMBINEFUNC = @extschema@.bitmap_agg_combine,
	SERIALFUNC = @extschema@.bitmap_agg_serial,
	DESERIALFUNC = @extschema@.bitmap_agg_deserial,
	SSPACE = 65600,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bitmap_union_agg(@extschema@.bitmap) IS
'union of the non-NULL input bitmaps';

-- the argument limits
CREATE FUNCTION @extschema@._max_ids()
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'groupreceipt_max_ids'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@._max_page_size()
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'groupreceipt_max_page_size'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- the limits and slices in the SQL helpers
CREATE OR REPLACE FUNCTION @extschema@._check_ids(ids pg_catalog.int8[], what pg_catalog.text, gid pg_catalog.int8)
RETURNS pg_catalog.int8[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF pg_catalog.array_position(ids, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'array of % for group % contains NULL', what, gid
			USING ERRCODE = 'null_value_not_allowed',
			      DETAIL = pg_catalog.format('Element %s is NULL.', pg_catalog.array_position(ids, NULL));
	END IF;
	IF pg_catalog.cardinality(ids) > @extschema@._max_ids() THEN
		RAISE EXCEPTION 'array of % for group % has % elements', what, gid, pg_catalog.cardinality(ids)
			USING ERRCODE = 'program_limit_exceeded',
			      DETAIL = pg_catalog.format('At most %s elements are accepted per call.', @extschema@._max_ids()),
			      HINT = 'Split the array into batches.';
	END IF;
	RETURN ids;
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
	m     @extschema@.members;
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
	m := @extschema@._member(gid, uid);
	floor_msgid := pg_catalog.int8larger(m.delivered_upto,
	                 pg_catalog.int8larger(m.read_upto, COALESCE(after_msgid, 0)));
	RETURN QUERY SELECT * FROM @extschema@._unread(gid, m.slot, floor_msgid, page_size);
END
$$;
COMMENT ON FUNCTION @extschema@.undelivered(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8, pg_catalog.int4) IS
'paged offline pull: msgids uid received and has not read, after the delivery watermark and after_msgid, ascending';

CREATE OR REPLACE FUNCTION @extschema@._compact(p_gid pg_catalog.int8, p_msgids pg_catalog.int8[])
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	slice CONSTANT pg_catalog.int4 := 10000;	-- msgids per statement
	total pg_catalog.int8 := 0;
	n     pg_catalog.int8;
	i     pg_catalog.int4 := 1;
	len   pg_catalog.int4 := COALESCE(pg_catalog.cardinality(p_msgids), 0);
BEGIN
	WHILE i OPERATOR(pg_catalog.<=) len LOOP
		UPDATE @extschema@.messages g SET read = NULL
		  FROM @extschema@.unread_counts(p_gid, p_msgids[i : i OPERATOR(pg_catalog.+) slice OPERATOR(pg_catalog.-) 1]) c
		 WHERE g.gid OPERATOR(pg_catalog.=) p_gid AND g.msgid OPERATOR(pg_catalog.=) c.msgid
		   AND c.unread OPERATOR(pg_catalog.=) 0 AND g.read IS NOT NULL;
		GET DIAGNOSTICS n = ROW_COUNT;
		total := total OPERATOR(pg_catalog.+) n;
		i := i OPERATOR(pg_catalog.+) slice;
	END LOOP;
	RETURN total;
END
$$;

CREATE OR REPLACE FUNCTION @extschema@.fold(gid pg_catalog.int8)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p_gid   pg_catalog.int8 := gid;
	ids     pg_catalog.int8[];
	n       pg_catalog.int8;
	folded  pg_catalog.int8 := 0;
	swept   pg_catalog.int8[];
	done    pg_catalog.int8;
	low_wm  pg_catalog.int8;
	seen    pg_catalog.int8;
	nseen   pg_catalog.int8;
	slice   CONSTANT pg_catalog.int4 := 10000;	-- messages per statement and per sweep
BEGIN
	PERFORM @extschema@._require_read_committed('fold');
	-- waits for an archive of the group; one folder per group at a time,
	-- others skip rather than queue
	IF NOT @extschema@._lock_fold(p_gid) THEN
		RETURN 0;
	END IF;
	-- The log, up to a slice of messages per statement.  One update per message:
	-- its pending bits are merged into its bitmap, or, when they make it
	-- fully read, the bitmap goes (NULL).  unread_counts runs on the
	-- statement's snapshot, where the log rows the statement deletes still
	-- count as reads.
	LOOP
		ids := ARRAY(SELECT DISTINCT l.msgid FROM @extschema@.read_log l
		              WHERE l.gid OPERATOR(pg_catalog.=) p_gid ORDER BY 1 LIMIT slice);
		EXIT WHEN pg_catalog.cardinality(ids) OPERATOR(pg_catalog.=) 0;
		WITH c AS (
			SELECT c.msgid, c.unread FROM @extschema@.unread_counts(p_gid, ids) c
		), d AS (
			DELETE FROM @extschema@.read_log l
			 WHERE l.gid OPERATOR(pg_catalog.=) p_gid AND l.msgid OPERATOR(pg_catalog.=) ANY (ids)
			RETURNING l.msgid, l.slot
		), bits AS (
			SELECT d.msgid, @extschema@.bitmap_agg(d.slot) AS b FROM d GROUP BY d.msgid
		)
		UPDATE @extschema@.messages g
		   SET read = CASE WHEN c.unread OPERATOR(pg_catalog.=) 0 THEN NULL
		                   ELSE g.read OPERATOR(@extschema@.|) bits.b END
		  FROM bits JOIN c ON c.msgid OPERATOR(pg_catalog.=) bits.msgid
		 WHERE g.gid OPERATOR(pg_catalog.=) p_gid AND g.msgid OPERATOR(pg_catalog.=) bits.msgid;
		GET DIAGNOSTICS n = ROW_COUNT;
		folded := folded OPERATOR(pg_catalog.+) n;
		EXIT WHEN pg_catalog.cardinality(ids) OPERATOR(pg_catalog.<) slice;
	END LOOP;

	-- Compaction sweep: messages with explicit bits that every current
	-- member's watermark (pending batch acks included) has passed may have
	-- become fully read by watermarks.  At most a slice of messages is looked at per fold; the
	-- position is kept in groups.compacted_upto.
	SELECT t.compacted_upto INTO done FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	SELECT pg_catalog.min(pg_catalog.int8larger(m.read_upto, COALESCE(
	         (SELECT pg_catalog.max(a.upto) FROM @extschema@.ack_log a
	           WHERE a.gid OPERATOR(pg_catalog.=) p_gid AND a.slot OPERATOR(pg_catalog.=) m.slot), 0)))
	  INTO low_wm FROM @extschema@.members m
	 WHERE m.gid OPERATOR(pg_catalog.=) p_gid AND m.active;
	IF low_wm OPERATOR(pg_catalog.>) done THEN
		SELECT pg_catalog.max(r.msgid), pg_catalog.count(*),
		       pg_catalog.array_agg(r.msgid) FILTER (WHERE r.read OPERATOR(@extschema@.<>) '{}')
		  INTO seen, nseen, swept
		  FROM (SELECT g.msgid, g.read FROM @extschema@.messages g
		         WHERE g.gid OPERATOR(pg_catalog.=) p_gid
		           AND g.msgid OPERATOR(pg_catalog.>) done AND g.msgid OPERATOR(pg_catalog.<=) low_wm
		           AND g.read IS NOT NULL
		         ORDER BY g.msgid LIMIT slice) r;
		-- the sweep's position, unless a post or a membership change holds
		-- the group row: a fold runs inside acks that hold their member's
		-- row, and waiting here for a membership change that waits for
		-- that member row would deadlock (the next fold sweeps again)
		PERFORM 1 FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid
		    FOR NO KEY UPDATE SKIP LOCKED;
		IF FOUND THEN
			UPDATE @extschema@.groups t
			   SET compacted_upto = CASE WHEN nseen OPERATOR(pg_catalog.<) slice THEN low_wm ELSE seen END
			 WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
		END IF;
	END IF;
	-- The batch acks last (member rows, skipped when held by others), then
	-- the compaction, with the acks folded in.  fold never waits for a row
	-- lock: it runs inside acks, which hold their member's row.
	PERFORM @extschema@._fold_acks(p_gid);
	PERFORM @extschema@._compact(p_gid, swept);
	RETURN folded;
END
$$;
COMMENT ON FUNCTION @extschema@.fold(pg_catalog.int8) IS
'fold the group''s pending batch acks into its watermarks and explicit reads into the per-message read bitmaps, and compact fully read messages; returns messages updated by the fold';

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
		ids := ARRAY(SELECT m.msgid FROM @extschema@.messages m
		              WHERE m.gid OPERATOR(pg_catalog.=) p_gid
		                AND m.sent_at OPERATOR(pg_catalog.<) p_cutoff
		              ORDER BY m.msgid LIMIT slice);
	ELSE
		ids := ARRAY(SELECT c.msgid
		               FROM (SELECT m.msgid, m.sent_at FROM @extschema@.messages m
		                      WHERE m.gid OPERATOR(pg_catalog.=) p_gid
		                      ORDER BY m.msgid LIMIT p_first) c
		              WHERE c.sent_at OPERATOR(pg_catalog.<) p_cutoff
		              ORDER BY c.msgid);
	END IF;
	IF pg_catalog.cardinality(ids) OPERATOR(pg_catalog.=) 0 THEN
		RETURN 0;
	END IF;
	INSERT INTO @extschema@.archived_messages
	       (gid, msgid, sender, sender_slot, snap_id, sent_at, recipients, read, unread)
	SELECT p_gid, m.msgid, m.sender, m.sender_slot, m.snap_id, m.sent_at, f.recipients, f.read, f.unread
	  FROM @extschema@._freeze(p_gid, ids) f
	  JOIN @extschema@.messages m
	    ON m.gid OPERATOR(pg_catalog.=) p_gid AND m.msgid OPERATOR(pg_catalog.=) f.msgid;
	DELETE FROM @extschema@.read_log l
	 WHERE l.gid OPERATOR(pg_catalog.=) p_gid AND l.msgid OPERATOR(pg_catalog.=) ANY (ids);
	DELETE FROM @extschema@.messages m
	 WHERE m.gid OPERATOR(pg_catalog.=) p_gid AND m.msgid OPERATOR(pg_catalog.=) ANY (ids);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;

CREATE OR REPLACE FUNCTION @extschema@._archive_one_group(p_gid pg_catalog.int8, p_cutoff pg_catalog.timestamptz)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n     pg_catalog.int8;
	total pg_catalog.int8 := 0;
BEGIN
	PERFORM @extschema@._require_read_committed('archive');
	PERFORM @extschema@._lock_group(p_gid, true);
	LOOP
		n := @extschema@._archive_group(p_gid, p_cutoff, NULL);
		total := total OPERATOR(pg_catalog.+) n;
		EXIT WHEN n OPERATOR(pg_catalog.=) 0;
	END LOOP;
	RETURN total;
END
$$;

-- bulk posting
-- Not STRICT: a NULL sent_at array posts every message at now(); NULL
-- gid, msgids or senders give NULL (as STRICT would).
CREATE FUNCTION @extschema@.post_many(gid pg_catalog.int8, msgids pg_catalog.int8[], senders pg_catalog.int8[],
                                      sent_at pg_catalog.timestamptz[] DEFAULT NULL)
RETURNS pg_catalog.int4[]
AS 'MODULE_PATHNAME', 'groupreceipt_post_many'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.post_many(pg_catalog.int8, pg_catalog.int8[], pg_catalog.int8[], pg_catalog.timestamptz[]) IS
'register many messages in array order, like that many post calls in one, linear in their number; returns the recipient counts';


-- 0.3 storage: batch acks are logged (ack_log) and folded into a packed
-- watermark vector per group (watermarks), which the query path reads
-- instead of a row per member
-- Batch acks (ack) not yet folded into the roster: insert-only, so an ack
-- writes no row that another reader writes.  A member's read watermark is
-- the greater of members.read_upto and its rows here; fold moves them into
-- members.read_upto and the group's packed watermark vector.
CREATE TABLE @extschema@.ack_log (
	gid   pg_catalog.int8 NOT NULL,
	slot  pg_catalog.int4 NOT NULL,
	upto  pg_catalog.int8 NOT NULL,
	PRIMARY KEY (gid, slot, upto)
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 2000);
COMMENT ON TABLE @extschema@.ack_log IS 'batch acks pending fold into members.read_upto and the watermark vector';

-- The group's folded read watermarks packed in one row: element slot + 1
-- of wms is the watermark of slot (0 beyond its length: members who
-- joined after the last fold, whose watermark matters for no message they
-- received).  unread_counts reads this row and the group's ack_log instead
-- of one row per member.  Written by fold only; stored uncompressed
-- (EXTERNAL), read whole by every count.
CREATE TABLE @extschema@.watermarks (
	gid pg_catalog.int8 PRIMARY KEY,
	wms pg_catalog.int8[] NOT NULL
);
ALTER TABLE @extschema@.watermarks ALTER COLUMN wms SET STORAGE EXTERNAL;
COMMENT ON TABLE @extschema@.watermarks IS 'folded read watermarks of the group, one array element per member slot';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.ack_log', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.watermarks', '');

-- The folded read watermark of every slot of the group's roster (nslots
-- slots), as an array indexed by slot + 1; a member row whose slot is not
-- in [0, nslots) is an error (XX001).  Reads the roster with the caller's
-- snapshot.
CREATE FUNCTION @extschema@._watermark_vector(p_gid pg_catalog.int8, p_nslots pg_catalog.int4)
RETURNS pg_catalog.int8[]
AS 'MODULE_PATHNAME', 'groupreceipt_watermark_vector'
LANGUAGE C STABLE STRICT;

-- The group's batch acks: the log into members.read_upto (and
-- delivered_upto: read implies delivered), then the packed vector rebuilt
-- from the roster.  Member rows locked by others (an ack, a membership
-- change or ack_delivered in an open transaction) are skipped with their
-- log rows,
-- left for the next fold: fold never waits for a member row, so an ack
-- that folds cannot deadlock with them.  Caller holds the fold lock and
-- takes no group row after this (lock order: group row, then members).
-- Returns how many members' watermarks moved.
CREATE FUNCTION @extschema@._fold_acks(p_gid pg_catalog.int8)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n pg_catalog.int8;
BEGIN
	WITH mine AS (
		SELECT m.slot FROM @extschema@.members m
		 WHERE m.gid OPERATOR(pg_catalog.=) p_gid
		   AND m.slot OPERATOR(pg_catalog.=) ANY (ARRAY(
		         SELECT DISTINCT a.slot FROM @extschema@.ack_log a WHERE a.gid OPERATOR(pg_catalog.=) p_gid))
		   FOR NO KEY UPDATE SKIP LOCKED
	), d AS (
		DELETE FROM @extschema@.ack_log a USING mine
		 WHERE a.gid OPERATOR(pg_catalog.=) p_gid AND a.slot OPERATOR(pg_catalog.=) mine.slot
		RETURNING a.slot, a.upto
	), mx AS (
		SELECT d.slot, pg_catalog.max(d.upto) AS upto FROM d GROUP BY d.slot
	)
	UPDATE @extschema@.members m
	   SET read_upto = pg_catalog.int8larger(m.read_upto, mx.upto),
	       delivered_upto = pg_catalog.int8larger(m.delivered_upto, mx.upto)
	  FROM mx
	 WHERE m.gid OPERATOR(pg_catalog.=) p_gid AND m.slot OPERATOR(pg_catalog.=) mx.slot
	   AND m.read_upto OPERATOR(pg_catalog.<) mx.upto;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n OPERATOR(pg_catalog.>) 0 THEN
		-- roster size and rows in one statement (one snapshot)
		INSERT INTO @extschema@.watermarks AS w (gid, wms)
		SELECT p_gid, @extschema@._watermark_vector(p_gid, g.next_slot)
		  FROM @extschema@.groups g WHERE g.gid OPERATOR(pg_catalog.=) p_gid
		ON CONFLICT (gid) DO UPDATE SET wms = excluded.wms;
	END IF;
	RETURN n;
END
$$;

-- The roster row of a member (current or former) with its watermarks as
-- they stand (the folded ones raised by its pending batch acks), or an
-- error if uid was never a member of the group.
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
	  LEFT JOIN LATERAL (SELECT pg_catalog.max(a.upto) AS upto FROM @extschema@.ack_log a
	                      WHERE a.gid OPERATOR(pg_catalog.=) r.gid
	                        AND a.slot OPERATOR(pg_catalog.=) r.slot) l ON true
	 WHERE r.gid OPERATOR(pg_catalog.=) p_gid AND r.uid OPERATOR(pg_catalog.=) p_uid;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'uid % was never a member of group %', p_uid, p_gid
			USING ERRCODE = 'undefined_object';
	END IF;
	RETURN m;
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
	DELETE FROM @extschema@.snapshots t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.members t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
END
$$;
COMMENT ON FUNCTION @extschema@.drop_group(pg_catalog.int8) IS
'remove every receipt, message, snapshot and member row of the group (no-op for an unknown group)';

-- the packed vector of every group, from its roster (the batch-ack log
-- starts empty: 0.2's acks are all in members.read_upto)
INSERT INTO @extschema@.watermarks (gid, wms)
SELECT g.gid, @extschema@._watermark_vector(g.gid, g.next_slot) FROM @extschema@.groups g;

-- privileges of the new functions (as in the install script)
REVOKE EXECUTE ON FUNCTION
	@extschema@._max_ids(),
	@extschema@._max_page_size(),
	@extschema@._fold_acks(pg_catalog.int8),
	@extschema@._watermark_vector(pg_catalog.int8, pg_catalog.int4),
	@extschema@.post_many(pg_catalog.int8, pg_catalog.int8[], pg_catalog.int8[], pg_catalog.timestamptz[])
FROM PUBLIC;
