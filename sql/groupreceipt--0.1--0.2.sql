/* groupreceipt--0.1--0.2.sql
 *
 * Data safety and concurrency (issue 12).  No table changes shape: every
 * row of a 0.1 database is kept as it is; what changes is how it is
 * dumped, locked, reached and stored:
 *   - every table is marked for pg_dump (pg_extension_config_dump);
 *   - storage parameters (fillfactor, read_log autovacuum) and BRIN
 *     indexes on sent_at (archive and purge no longer scan every message);
 *   - the per-group lock is exact and in a lock class of its own (C);
 *   - the API functions are SECURITY DEFINER: the application role needs
 *     no table privileges (revoke the ones 0.1's README told you to grant:
 *     REVOKE ALL ON ALL TABLES IN SCHEMA groupreceipt FROM chat_app;);
 *   - the write functions refuse REPEATABLE READ and SERIALIZABLE;
 *   - add_members, drop_group, forget lock the group row; fold compacts in
 *     its one update; archive() is bounded, archive_all commits per group.
 * Generated from groupreceipt--0.2.sql's own statements, so an updated
 * database has the same objects as a fresh 0.2 install (tested by
 * test/t/003_dump_restore_upgrade.pl).
 */

\echo Use "ALTER EXTENSION groupreceipt UPDATE TO '0.2'" to load this file. \quit

-- storage parameters and indexes
ALTER TABLE @extschema@.groups SET (fillfactor = 50);
ALTER TABLE @extschema@.members SET (fillfactor = 80);
ALTER TABLE @extschema@.messages SET (fillfactor = 90);
ALTER TABLE @extschema@.read_log SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 2000);
CREATE INDEX messages_sent_at_brin ON @extschema@.messages USING brin (sent_at);
CREATE INDEX archived_messages_sent_at_brin ON @extschema@.archived_messages USING brin (sent_at);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.groups', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.members', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.snapshots', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.messages', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.archived_messages', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.read_log', '');

-- locks and isolation (C)
CREATE OR REPLACE FUNCTION @extschema@._lock_group(p_gid pg_catalog.int8, p_wait pg_catalog.bool)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'groupreceipt_lock_group'
LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@._lock_fold(p_gid pg_catalog.int8)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'groupreceipt_lock_fold'
LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@._require_read_committed(what pg_catalog.text)
RETURNS void
AS 'MODULE_PATHNAME', 'groupreceipt_require_read_committed'
LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@._in_transaction_block()
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'groupreceipt_in_transaction_block'
LANGUAGE C VOLATILE;

-- functions that changed (same signatures: CREATE OR REPLACE)
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

	-- new members get the next slots, in uid order; they received nothing yet
	INSERT INTO @extschema@.members AS m (gid, uid, slot, active, read_upto, delivered_upto)
	SELECT p_gid, n.uid, g.next_slot OPERATOR(pg_catalog.+) (n.ord OPERATOR(pg_catalog.-) 1)::pg_catalog.int4,
	       true, g.last_msgid, g.last_msgid
	  FROM (SELECT u AS uid, pg_catalog.row_number() OVER (ORDER BY u) AS ord
	          FROM pg_catalog.unnest(ids) u
	         WHERE NOT EXISTS (SELECT 1 FROM @extschema@.members x
	                            WHERE x.gid OPERATOR(pg_catalog.=) p_gid
	                              AND x.uid OPERATOR(pg_catalog.=) u)) n;
	GET DIAGNOSTICS added = ROW_COUNT;

	IF added OPERATOR(pg_catalog.+) rejoined OPERATOR(pg_catalog.>) 0 THEN
		UPDATE @extschema@.groups t
		   SET next_slot = t.next_slot OPERATOR(pg_catalog.+) added, snap_id = NULL, snap_size = NULL
		 WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	END IF;
	RETURN added OPERATOR(pg_catalog.+) rejoined;
END
$$;
COMMENT ON FUNCTION @extschema@.add_members(pg_catalog.int8, pg_catalog.int8[]) IS
'add members (idempotent), creating the group on first use; returns how many were not current members';

CREATE OR REPLACE FUNCTION @extschema@.remove_members(gid pg_catalog.int8, uids pg_catalog.int8[])
RETURNS pg_catalog.int4
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p_gid   pg_catalog.int8 := gid;
	removed pg_catalog.int4;
BEGIN
	PERFORM @extschema@._require_read_committed('remove_members');
	PERFORM @extschema@._check_ids(uids, 'uids', p_gid);
	PERFORM 1 FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 0;
	END IF;
	UPDATE @extschema@.members m SET active = false
	 WHERE m.gid OPERATOR(pg_catalog.=) p_gid
	   AND m.uid OPERATOR(pg_catalog.=) ANY (uids) AND m.active;
	GET DIAGNOSTICS removed = ROW_COUNT;
	IF removed OPERATOR(pg_catalog.>) 0 THEN
		UPDATE @extschema@.groups t SET snap_id = NULL, snap_size = NULL
		 WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	END IF;
	RETURN removed;
END
$$;
COMMENT ON FUNCTION @extschema@.remove_members(pg_catalog.int8, pg_catalog.int8[]) IS
'remove current members (others ignored); returns how many were removed';

CREATE OR REPLACE FUNCTION @extschema@.members(gid pg_catalog.int8)
RETURNS SETOF pg_catalog.int8
LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT m.uid FROM @extschema@.members m
	 WHERE m.gid OPERATOR(pg_catalog.=) $1 AND m.active
	 ORDER BY m.uid
$$;

CREATE OR REPLACE FUNCTION @extschema@.post(gid pg_catalog.int8, msgid pg_catalog.int8, sender pg_catalog.int8,
                                 sent_at pg_catalog.timestamptz DEFAULT pg_catalog.now())
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'groupreceipt_post'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.post(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8, pg_catalog.timestamptz) IS
'register a message; its recipients are the current members other than the sender; returns their count';

CREATE OR REPLACE FUNCTION @extschema@.ack(gid pg_catalog.int8, uid pg_catalog.int8, upto_msgid pg_catalog.int8)
RETURNS TABLE (sender pg_catalog.int8, msgids pg_catalog.int8[])
AS 'MODULE_PATHNAME', 'groupreceipt_ack'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.ack(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8) IS
'batch read ack up to a msgid (clamped to the newest); returns the messages that became read, per sender';

CREATE OR REPLACE FUNCTION @extschema@.ack_msgs(gid pg_catalog.int8, uid pg_catalog.int8, msgids pg_catalog.int8[])
RETURNS TABLE (sender pg_catalog.int8, msgids pg_catalog.int8[])
AS 'MODULE_PATHNAME', 'groupreceipt_ack_msgs'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.ack_msgs(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8[]) IS
'explicit read ack of individual messages; returns the messages that became read, per sender';

CREATE OR REPLACE FUNCTION @extschema@.unread_counts(gid pg_catalog.int8, msgids pg_catalog.int8[])
RETURNS TABLE (msgid pg_catalog.int8, recipients pg_catalog.int4, read pg_catalog.int4, unread pg_catalog.int4)
AS 'MODULE_PATHNAME', 'groupreceipt_unread_counts'
LANGUAGE C STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.unread_counts(pg_catalog.int8, pg_catalog.int8[]) IS
'recipients, read and unread counts per requested msgid, in request order; NULL counts for unknown msgids';

CREATE OR REPLACE FUNCTION @extschema@.readers(gid pg_catalog.int8, msgid pg_catalog.int8)
RETURNS SETOF pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_readers'
LANGUAGE C STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.readers(pg_catalog.int8, pg_catalog.int8) IS
'recipients who have read the message, ascending';

CREATE OR REPLACE FUNCTION @extschema@.non_readers(gid pg_catalog.int8, msgid pg_catalog.int8)
RETURNS SETOF pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_non_readers'
LANGUAGE C STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.non_readers(pg_catalog.int8, pg_catalog.int8) IS
'recipients who have not read the message, ascending';

CREATE OR REPLACE FUNCTION @extschema@.member_unread(gid pg_catalog.int8, uid pg_catalog.int8)
RETURNS pg_catalog.int8
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m @extschema@.members := @extschema@._member(gid, uid);
BEGIN
	RETURN (SELECT pg_catalog.count(*) FROM @extschema@._unread(gid, m.slot, m.read_upto, NULL));
END
$$;
COMMENT ON FUNCTION @extschema@.member_unread(pg_catalog.int8, pg_catalog.int8) IS
'the reader''s badge: messages uid received and has not read';

CREATE OR REPLACE FUNCTION @extschema@.ack_delivered(gid pg_catalog.int8, uid pg_catalog.int8, upto_msgid pg_catalog.int8)
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p_gid pg_catalog.int8 := gid;
	p_uid pg_catalog.int8 := uid;
BEGIN
	PERFORM @extschema@._require_read_committed('ack_delivered');
	PERFORM @extschema@._member(p_gid, p_uid);
	UPDATE @extschema@.members m
	   SET delivered_upto = pg_catalog.int8larger(m.delivered_upto,
	                          pg_catalog.int8smaller(upto_msgid,
	                            (SELECT g.last_msgid FROM @extschema@.groups g
	                              WHERE g.gid OPERATOR(pg_catalog.=) p_gid)))
	 WHERE m.gid OPERATOR(pg_catalog.=) p_gid AND m.uid OPERATOR(pg_catalog.=) p_uid;
END
$$;
COMMENT ON FUNCTION @extschema@.ack_delivered(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8) IS
'raise the delivery watermark (clamped to the newest msgid; never moves back)';

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
	IF page_size OPERATOR(pg_catalog.<) 1 OR page_size OPERATOR(pg_catalog.>) 10000 THEN
		RAISE EXCEPTION 'page_size % for group % is out of range', page_size, gid
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'page_size must be between 1 and 10000.';
	END IF;
	m := @extschema@._member(gid, uid);
	floor_msgid := pg_catalog.int8larger(m.delivered_upto,
	                 pg_catalog.int8larger(m.read_upto, COALESCE(after_msgid, 0)));
	RETURN QUERY SELECT * FROM @extschema@._unread(gid, m.slot, floor_msgid, page_size);
END
$$;
COMMENT ON FUNCTION @extschema@.undelivered(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8, pg_catalog.int4) IS
'paged offline pull: msgids uid received and has not read, after the delivery watermark and after_msgid, ascending';

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
BEGIN
	PERFORM @extschema@._require_read_committed('fold');
	-- waits for an archive of the group; one folder per group at a time,
	-- others skip rather than queue
	IF NOT @extschema@._lock_fold(p_gid) THEN
		RETURN 0;
	END IF;
	-- The log, up to 10000 messages per statement.  One update per message:
	-- its pending bits are merged into its bitmap, or, when they make it
	-- fully read, the bitmap goes (NULL).  unread_counts runs on the
	-- statement's snapshot, where the log rows the statement deletes still
	-- count as reads.
	LOOP
		ids := ARRAY(SELECT DISTINCT l.msgid FROM @extschema@.read_log l
		              WHERE l.gid OPERATOR(pg_catalog.=) p_gid ORDER BY 1 LIMIT 10000);
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
		EXIT WHEN pg_catalog.cardinality(ids) OPERATOR(pg_catalog.<) 10000;
	END LOOP;

	-- Compaction sweep: messages with explicit bits that every current
	-- member's watermark has passed may have become fully read by
	-- watermarks.  At most 10000 messages are looked at per fold; the
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
		         ORDER BY g.msgid LIMIT 10000) r;
		UPDATE @extschema@.groups t
		   SET compacted_upto = CASE WHEN nseen OPERATOR(pg_catalog.<) 10000 THEN low_wm ELSE seen END
		 WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	END IF;
	PERFORM @extschema@._compact(p_gid, swept);
	RETURN folded;
END
$$;
COMMENT ON FUNCTION @extschema@.fold(pg_catalog.int8) IS
'fold the group''s pending explicit reads into the per-message read bitmaps and compact fully read messages; returns messages updated by the fold';

CREATE OR REPLACE FUNCTION @extschema@.archive(older_than pg_catalog.interval)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cutoff pg_catalog.timestamptz := @extschema@._check_age(older_than, 'archive');
	gids   pg_catalog.int8[];
	g      pg_catalog.int8;
	lim    pg_catalog.int4 := 16 OPERATOR(pg_catalog.*)
	                          pg_catalog.current_setting('max_locks_per_transaction')::pg_catalog.int4;
	total  pg_catalog.int8 := 0;
BEGIN
	PERFORM @extschema@._require_read_committed('archive');
	gids := ARRAY(SELECT @extschema@._archive_candidates(cutoff));
	IF pg_catalog.cardinality(gids) OPERATOR(pg_catalog.>) lim THEN
		RAISE EXCEPTION 'archive would lock % groups in one transaction', pg_catalog.cardinality(gids)
			USING ERRCODE = 'program_limit_exceeded',
			      DETAIL = pg_catalog.format('archive() holds the lock of every group it archives until the transaction ends; at most %s groups (16 x max_locks_per_transaction) per call.', lim),
			      HINT = 'CALL groupreceipt.archive_all(older_than) archives group by group, one transaction each.';
	END IF;
	FOREACH g IN ARRAY gids LOOP
		total := total OPERATOR(pg_catalog.+) @extschema@._archive_one_group(g, cutoff);
	END LOOP;
	RETURN total;
END
$$;
COMMENT ON FUNCTION @extschema@.archive(pg_catalog.interval) IS
'archive (freeze) the receipts of messages sent before now() - older_than, in one transaction; returns how many';

CREATE OR REPLACE FUNCTION @extschema@.purge(older_than pg_catalog.interval)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cutoff pg_catalog.timestamptz := @extschema@._check_age(older_than, 'purge');
	gids   pg_catalog.int8[];
	g      pg_catalog.int8;
	total  pg_catalog.int8;
BEGIN
	PERFORM @extschema@._require_read_committed('purge');
	WITH d AS (
		DELETE FROM @extschema@.archived_messages a
		 WHERE a.sent_at OPERATOR(pg_catalog.<) cutoff
		RETURNING a.gid
	)
	SELECT pg_catalog.count(*), pg_catalog.array_agg(DISTINCT d.gid) INTO total, gids FROM d;
	FOREACH g IN ARRAY COALESCE(gids, '{}') LOOP
		PERFORM @extschema@._drop_unused_snapshots(g);
	END LOOP;
	RETURN total;
END
$$;
COMMENT ON FUNCTION @extschema@.purge(pg_catalog.interval) IS
'delete archived receipts of messages sent before now() - older_than; returns how many';

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
	DELETE FROM @extschema@.archived_messages a
	 WHERE a.gid OPERATOR(pg_catalog.=) p_gid AND a.msgid OPERATOR(pg_catalog.=) ANY (msgids);
	GET DIAGNOSTICS arc = ROW_COUNT;
	IF live OPERATOR(pg_catalog.+) arc OPERATOR(pg_catalog.>) 0 THEN
		PERFORM @extschema@._drop_unused_snapshots(p_gid);
	END IF;
	RETURN live OPERATOR(pg_catalog.+) arc;
END
$$;
COMMENT ON FUNCTION @extschema@.forget(pg_catalog.int8, pg_catalog.int8[]) IS
'remove the receipts (live or archived) of deleted or recalled messages; returns how many messages were removed';

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
	DELETE FROM @extschema@.archived_messages t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.messages t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.snapshots t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.members t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
	DELETE FROM @extschema@.groups t WHERE t.gid OPERATOR(pg_catalog.=) p_gid;
END
$$;
COMMENT ON FUNCTION @extschema@.drop_group(pg_catalog.int8) IS
'remove every receipt, message, snapshot and member row of the group (no-op for an unknown group)';

-- new in 0.2
CREATE FUNCTION @extschema@._archive_one_group(p_gid pg_catalog.int8, p_cutoff pg_catalog.timestamptz)
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
		EXIT WHEN n OPERATOR(pg_catalog.<) 10000;
	END LOOP;
	RETURN total;
END
$$;

CREATE FUNCTION @extschema@._archive_candidates(p_cutoff pg_catalog.timestamptz)
RETURNS SETOF pg_catalog.int8
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT DISTINCT m.gid FROM @extschema@.messages m
	 WHERE m.sent_at OPERATOR(pg_catalog.<) p_cutoff ORDER BY 1
$$;

CREATE PROCEDURE @extschema@.archive_all(older_than pg_catalog.interval,
                                         INOUT archived pg_catalog.int8 DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
	cutoff pg_catalog.timestamptz;
	g      pg_catalog.int8;
BEGIN
	IF older_than IS NULL THEN
		RAISE EXCEPTION 'archive_all: older_than must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF @extschema@._in_transaction_block() THEN
		RAISE EXCEPTION 'archive_all cannot run inside a transaction block'
			USING ERRCODE = 'active_sql_transaction',
			      DETAIL = 'It commits after each group.',
			      HINT = 'CALL it on its own, or use SELECT groupreceipt.archive(older_than) for one transaction.';
	END IF;
	cutoff := @extschema@._check_age(older_than, 'archive_all');
	archived := 0;
	FOR g IN SELECT c FROM @extschema@._archive_candidates(cutoff) c LOOP
		archived := archived OPERATOR(pg_catalog.+) @extschema@._archive_one_group(g, cutoff);
		COMMIT;
	END LOOP;
END
$$;
COMMENT ON PROCEDURE @extschema@.archive_all(pg_catalog.interval, pg_catalog.int8) IS
'archive (freeze) the receipts of messages sent before now() - older_than, one transaction per group; returns how many';

-- privileges of the new routines (the others keep theirs)
REVOKE EXECUTE ON FUNCTION
	@extschema@._lock_fold(pg_catalog.int8),
	@extschema@._require_read_committed(pg_catalog.text),
	@extschema@._in_transaction_block(),
	@extschema@._archive_one_group(pg_catalog.int8, pg_catalog.timestamptz),
	@extschema@._archive_candidates(pg_catalog.timestamptz)
FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE @extschema@.archive_all(pg_catalog.interval, pg_catalog.int8) FROM PUBLIC;
