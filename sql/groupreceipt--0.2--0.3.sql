/* groupreceipt--0.2--0.3.sql
 *
 * 0.3: post_many (bulk posting, linear in the number of messages); the
 * argument limits defined once, in C (_max_ids, _max_page_size); named
 * slice sizes in the SQL helpers; the bitmap aggregates declare their
 * state size.  Stored data is unchanged: no table is touched.  Every
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
	-- member's watermark has passed may have become fully read by
	-- watermarks.  At most a slice of messages is looked at per fold; the
	-- position is kept in groups.compacted_upto.
	SELECT t.compacted_upto INTO done FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	SELECT pg_catalog.min(m.read_upto) INTO low_wm FROM @extschema@.members m
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
		UPDATE @extschema@.groups t
		   SET compacted_upto = CASE WHEN nseen OPERATOR(pg_catalog.<) slice THEN low_wm ELSE seen END
		 WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	END IF;
	PERFORM @extschema@._compact(p_gid, swept);
	RETURN folded;
END
$$;
COMMENT ON FUNCTION @extschema@.fold(pg_catalog.int8) IS
'fold the group''s pending explicit reads into the per-message read bitmaps and compact fully read messages; returns messages updated by the fold';

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

-- privileges of the new functions (as in the install script)
REVOKE EXECUTE ON FUNCTION
	@extschema@._max_ids(),
	@extschema@._max_page_size(),
	@extschema@.post_many(pg_catalog.int8, pg_catalog.int8[], pg_catalog.int8[], pg_catalog.timestamptz[])
FROM PUBLIC;
