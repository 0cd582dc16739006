/* groupreceipt--0.10.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION groupreceipt" to load this file. \quit

--------------------------------------------------------------------------
-- The bitmap datatype: a set of positions 0 .. 2147483646
--------------------------------------------------------------------------

CREATE TYPE @extschema@.bitmap;

CREATE FUNCTION @extschema@.bitmap_in(pg_catalog.cstring)
RETURNS @extschema@.bitmap
AS 'MODULE_PATHNAME', 'bitmap_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.bitmap_out(@extschema@.bitmap)
RETURNS pg_catalog.cstring
AS 'MODULE_PATHNAME', 'bitmap_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.bitmap_recv(pg_catalog.internal)
RETURNS @extschema@.bitmap
AS 'MODULE_PATHNAME', 'bitmap_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.bitmap_send(@extschema@.bitmap)
RETURNS pg_catalog.bytea
AS 'MODULE_PATHNAME', 'bitmap_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.bitmap (
	INPUT = @extschema@.bitmap_in,
	OUTPUT = @extschema@.bitmap_out,
	RECEIVE = @extschema@.bitmap_recv,
	SEND = @extschema@.bitmap_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);

COMMENT ON TYPE @extschema@.bitmap IS
'set of non-negative int4 positions (member slots), compactly encoded';

-- bytea access (validated: no bytes enter without passing recv's checks)

CREATE FUNCTION @extschema@.bitmap_from_bytea(pg_catalog.bytea)
RETURNS @extschema@.bitmap
AS 'MODULE_PATHNAME', 'bitmap_from_bytea'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_from_bytea(pg_catalog.bytea) IS
'validate an encoded bitmap (the binary send format) and return it in canonical form';

CREATE FUNCTION @extschema@.bitmap_to_bytea(@extschema@.bitmap)
RETURNS pg_catalog.bytea
AS 'MODULE_PATHNAME', 'bitmap_to_bytea'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_to_bytea(@extschema@.bitmap) IS
'the canonical encoding of a bitmap (format byte, then payload)';

-- casts to and from int[]

CREATE FUNCTION @extschema@.bitmap(pg_catalog.int4[])
RETURNS @extschema@.bitmap
AS 'MODULE_PATHNAME', 'bitmap_from_int4_array'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap(pg_catalog.int4[]) IS
'bitmap of the array''s elements (duplicates and order ignored; NULL or negative elements are errors)';

CREATE FUNCTION @extschema@.bitmap_to_array(@extschema@.bitmap)
RETURNS pg_catalog.int4[]
AS 'MODULE_PATHNAME', 'bitmap_to_int4_array'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_to_array(@extschema@.bitmap) IS
'the positions of a bitmap, ascending';

CREATE CAST (pg_catalog.int4[] AS @extschema@.bitmap)
	WITH FUNCTION @extschema@.bitmap(pg_catalog.int4[]);
CREATE CAST (@extschema@.bitmap AS pg_catalog.int4[])
	WITH FUNCTION @extschema@.bitmap_to_array(@extschema@.bitmap);

-- scalar functions

CREATE FUNCTION @extschema@.bitmap_count(@extschema@.bitmap)
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'bitmap_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_count(@extschema@.bitmap) IS
'number of positions in the bitmap';

CREATE FUNCTION @extschema@.bitmap_and_count(@extschema@.bitmap, @extschema@.bitmap)
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'bitmap_and_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_and_count(@extschema@.bitmap, @extschema@.bitmap) IS
'number of positions in both bitmaps, without building the intersection';

CREATE FUNCTION @extschema@.bitmap_add(@extschema@.bitmap, pg_catalog.int4)
RETURNS @extschema@.bitmap
AS 'MODULE_PATHNAME', 'bitmap_add'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_add(@extschema@.bitmap, pg_catalog.int4) IS
'the bitmap with one position set';

CREATE FUNCTION @extschema@.bitmap_remove(@extschema@.bitmap, pg_catalog.int4)
RETURNS @extschema@.bitmap
AS 'MODULE_PATHNAME', 'bitmap_remove'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_remove(@extschema@.bitmap, pg_catalog.int4) IS
'the bitmap with one position cleared';

CREATE FUNCTION @extschema@.bitmap_encoding(@extschema@.bitmap)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'bitmap_encoding'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_encoding(@extschema@.bitmap) IS
'the storage encoding chosen for the value: empty, run, array16, bits, runs or delta';

-- operator functions

CREATE FUNCTION @extschema@.bitmap_or(@extschema@.bitmap, @extschema@.bitmap)
RETURNS @extschema@.bitmap
AS 'MODULE_PATHNAME', 'bitmap_or'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_or(@extschema@.bitmap, @extschema@.bitmap) IS 'union';

CREATE FUNCTION @extschema@.bitmap_and(@extschema@.bitmap, @extschema@.bitmap)
RETURNS @extschema@.bitmap
AS 'MODULE_PATHNAME', 'bitmap_and'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_and(@extschema@.bitmap, @extschema@.bitmap) IS 'intersection';

CREATE FUNCTION @extschema@.bitmap_andnot(@extschema@.bitmap, @extschema@.bitmap)
RETURNS @extschema@.bitmap
AS 'MODULE_PATHNAME', 'bitmap_andnot'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_andnot(@extschema@.bitmap, @extschema@.bitmap) IS 'difference';

CREATE FUNCTION @extschema@.bitmap_contains(@extschema@.bitmap, @extschema@.bitmap)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'bitmap_contains'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_contains(@extschema@.bitmap, @extschema@.bitmap) IS
'does the first bitmap contain every position of the second';

CREATE FUNCTION @extschema@.bitmap_contains(@extschema@.bitmap, pg_catalog.int4)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'bitmap_contains_int'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_contains(@extschema@.bitmap, pg_catalog.int4) IS
'is the position in the bitmap';

CREATE FUNCTION @extschema@.bitmap_contained(@extschema@.bitmap, @extschema@.bitmap)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'bitmap_contained'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_contained(@extschema@.bitmap, @extschema@.bitmap) IS
'is every position of the first bitmap in the second';

CREATE FUNCTION @extschema@.bitmap_contained(pg_catalog.int4, @extschema@.bitmap)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'bitmap_int_contained'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_contained(pg_catalog.int4, @extschema@.bitmap) IS
'is the position in the bitmap';

CREATE FUNCTION @extschema@.bitmap_overlaps(@extschema@.bitmap, @extschema@.bitmap)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'bitmap_overlaps'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_overlaps(@extschema@.bitmap, @extschema@.bitmap) IS
'do the bitmaps share a position';

CREATE FUNCTION @extschema@.bitmap_eq(@extschema@.bitmap, @extschema@.bitmap)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'bitmap_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @extschema@.bitmap_eq(@extschema@.bitmap, @extschema@.bitmap) IS 'set equality';

CREATE FUNCTION @extschema@.bitmap_ne(@extschema@.bitmap, @extschema@.bitmap)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'bitmap_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @extschema@.bitmap_ne(@extschema@.bitmap, @extschema@.bitmap) IS 'set inequality';

CREATE FUNCTION @extschema@.bitmap_hash(@extschema@.bitmap)
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'bitmap_hash'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bitmap_hash(@extschema@.bitmap) IS 'hash support for =';

-- operators

CREATE OPERATOR @extschema@.| (
	LEFTARG = @extschema@.bitmap, RIGHTARG = @extschema@.bitmap,
	FUNCTION = @extschema@.bitmap_or, COMMUTATOR = OPERATOR(@extschema@.|)
);
CREATE OPERATOR @extschema@.& (
	LEFTARG = @extschema@.bitmap, RIGHTARG = @extschema@.bitmap,
	FUNCTION = @extschema@.bitmap_and, COMMUTATOR = OPERATOR(@extschema@.&)
);
CREATE OPERATOR @extschema@.- (
	LEFTARG = @extschema@.bitmap, RIGHTARG = @extschema@.bitmap,
	FUNCTION = @extschema@.bitmap_andnot
);
CREATE OPERATOR @extschema@.@> (
	LEFTARG = @extschema@.bitmap, RIGHTARG = @extschema@.bitmap,
	FUNCTION = @extschema@.bitmap_contains,
	COMMUTATOR = OPERATOR(@extschema@.<@),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
CREATE OPERATOR @extschema@.<@ (
	LEFTARG = @extschema@.bitmap, RIGHTARG = @extschema@.bitmap,
	FUNCTION = @extschema@.bitmap_contained,
	COMMUTATOR = OPERATOR(@extschema@.@>),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
CREATE OPERATOR @extschema@.@> (
	LEFTARG = @extschema@.bitmap, RIGHTARG = pg_catalog.int4,
	FUNCTION = @extschema@.bitmap_contains,
	COMMUTATOR = OPERATOR(@extschema@.<@),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
CREATE OPERATOR @extschema@.<@ (
	LEFTARG = pg_catalog.int4, RIGHTARG = @extschema@.bitmap,
	FUNCTION = @extschema@.bitmap_contained,
	COMMUTATOR = OPERATOR(@extschema@.@>),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
CREATE OPERATOR @extschema@.&& (
	LEFTARG = @extschema@.bitmap, RIGHTARG = @extschema@.bitmap,
	FUNCTION = @extschema@.bitmap_overlaps,
	COMMUTATOR = OPERATOR(@extschema@.&&),
	RESTRICT = pg_catalog.areasel, JOIN = pg_catalog.areajoinsel
);
CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.bitmap, RIGHTARG = @extschema@.bitmap,
	FUNCTION = @extschema@.bitmap_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.bitmap, RIGHTARG = @extschema@.bitmap,
	FUNCTION = @extschema@.bitmap_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);

CREATE OPERATOR CLASS @extschema@.bitmap_hash_ops
	DEFAULT FOR TYPE @extschema@.bitmap USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.bitmap, @extschema@.bitmap),
	FUNCTION 1 @extschema@.bitmap_hash(@extschema@.bitmap);

-- aggregates

CREATE FUNCTION @extschema@.bitmap_agg_trans(pg_catalog.internal, pg_catalog.int4)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'bitmap_agg_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.bitmap_union_trans(pg_catalog.internal, @extschema@.bitmap)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'bitmap_union_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.bitmap_agg_combine(pg_catalog.internal, pg_catalog.internal)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'bitmap_agg_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.bitmap_agg_final(pg_catalog.internal)
RETURNS @extschema@.bitmap
AS 'MODULE_PATHNAME', 'bitmap_agg_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.bitmap_agg_serial(pg_catalog.internal)
RETURNS pg_catalog.bytea
AS 'MODULE_PATHNAME', 'bitmap_agg_serial'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.bitmap_agg_deserial(pg_catalog.bytea, pg_catalog.internal)
RETURNS pg_catalog.internal
AS 'MODULE_PATHNAME', 'bitmap_agg_deserial'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

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

--------------------------------------------------------------------------
-- Receipts storage.  Every table leads with gid: every call touches one
-- group's rows, which is what lets the extension be sharded by group.
--------------------------------------------------------------------------

-- One row per group: newest msgid, slot allocator, current snapshot.
CREATE TABLE @extschema@.groups (
	gid          pg_catalog.int8 PRIMARY KEY,
	last_msgid   pg_catalog.int8 NOT NULL DEFAULT 0,
	next_slot    pg_catalog.int4 NOT NULL DEFAULT 0,
	-- snapshot of the current membership, NULL after a membership change
	-- (the next post creates a new one: copy-on-write)
	snap_id      pg_catalog.int4,
	snap_size    pg_catalog.int4,
	next_snap_id pg_catalog.int4 NOT NULL DEFAULT 1,
	-- fold's compaction sweep has looked at the messages up to here
	compacted_upto pg_catalog.int8 NOT NULL DEFAULT 0
) WITH (fillfactor = 50);
COMMENT ON TABLE @extschema@.groups IS 'one row per group: newest msgid, slot allocator, current member snapshot';

-- The roster: a stable slot per member (kept on leave, reused on rejoin)
-- and the member's own delivery watermark.  0.10: the read watermark is
-- not here -- the W row of store holds the folded one, K rows the rest
-- (a member who joins gets a K row at the group's newest msgid).
CREATE TABLE @extschema@.members (
	gid            pg_catalog.int8 NOT NULL,
	uid            pg_catalog.int8 NOT NULL,
	slot           pg_catalog.int4 NOT NULL,
	active         pg_catalog.bool NOT NULL,
	delivered_upto pg_catalog.int8 NOT NULL DEFAULT 0,
	PRIMARY KEY (gid, uid),
	UNIQUE (gid, slot)
) WITH (fillfactor = 80);
COMMENT ON TABLE @extschema@.members IS 'group roster: stable slot per member, delivery watermark';

-- One row per message: its snapshot and its folded explicit-read bits.
-- read IS NULL: compacted, every recipient has read the message.
CREATE TABLE @extschema@.messages (
	gid         pg_catalog.int8 NOT NULL,
	msgid       pg_catalog.int8 NOT NULL,
	sender      pg_catalog.int8 NOT NULL,
	sender_slot pg_catalog.int4 NOT NULL,
	snap_id     pg_catalog.int4 NOT NULL,
	sent_at     pg_catalog.timestamptz NOT NULL,
	read        @extschema@.bitmap DEFAULT '{}',
	PRIMARY KEY (gid, msgid)
) WITH (fillfactor = 90);
COMMENT ON TABLE @extschema@.messages IS 'registered messages: snapshot reference and folded explicit-read bits (NULL: all read)';

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
--
-- 0.6: two more kinds of row (src/receipts_store_rows.c), each a table of
-- its own before:
--   'W', key 0, sub 0: the group's watermark vector -- per member slot its
--        folded read watermark and its member (src/grvector_codec.c), written
--        by fold (0.10: the only place a folded read watermark is kept);
--        unread_counts, readers and non_readers
--        read it and the group's ack_log instead of a row per member
--   'S', key snap_id, sub 0: a member snapshot, the slots of the members
--        (the bitmap encoding), shared by the messages posted while
--        membership did not change
--
-- 0.7: archived receipts are rows of store too (src/receipts_archive.c),
-- the table archived_messages before:
--   'A', key the first msgid, sub the last: archived messages packed up to
--        256 to a row in the block codec of the B rows, each message's state
--        frozen at archive time -- all read, none read, or the slots of the
--        recipients who had not read it; its recipients are its snapshot
--        minus its sender.  A group's A rows are disjoint in msgid; an
--        archive merges into the rows it overlaps and into the preceding
--        row while that one holds fewer than 256 messages.
--
-- 0.8: the two logs of acks not folded yet are rows of store too
-- (src/receipts_logs.c), the tables ack_log and read_log before; both
-- insert-only (an ack inserts, fold deletes what it folded), the payload
-- empty, every value in the primary key:
--   'K', key the slot, sub upto: a batch ack (ack) -- the slot's read
--        watermark is at least upto; fold moves it into the W row (0.10:
--        and no longer into members).  No ack writes a row another reader
--        writes.  0.10: add_members inserts one for each new member at the
--        group's newest msgid (nothing before it was received), which
--        members.read_upto held before.
--   'L', key the msgid, sub the slot: an explicit read (ack_msgs) of the
--        message; fold merges it into the message's bits (its tail row or
--        its block).
CREATE TABLE @extschema@.store (
	gid     pg_catalog.int8 NOT NULL,
	kind    pg_catalog."char" NOT NULL,
	key     pg_catalog.int8 NOT NULL,
	sub     pg_catalog.int8 NOT NULL,
	payload pg_catalog.bytea NOT NULL,
	PRIMARY KEY (gid, kind, key, sub)
) WITH (fillfactor = 90, toast_tuple_target = 8160,
        autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 2000,
        autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_insert_threshold = 2000);
ALTER TABLE @extschema@.store ALTER COLUMN payload SET STORAGE MAIN;
COMMENT ON TABLE @extschema@.store IS 'packed rows of a group: sealed message blocks (B), archived blocks (A), watermark vector (W), member snapshots (S), pending batch acks (K) and explicit reads (L)';

--------------------------------------------------------------------------
-- Storage parameters (0.2):
--   groups    fillfactor 50: every post updates its group's row; the room
--             keeps those updates HOT (no index entries, pruned in place)
--   members   fillfactor 80: ack_delivered's updates stay HOT
--   messages  fillfactor 90: fold's one update of a read message stays HOT
--   store     0.8: holds the logs, a queue (insert, then delete by fold):
--             vacuumed after 2000 dead or inserted rows plus 1 % of the
--             table (0.2-0.7's log tables: after every 2000, with no
--             fraction -- each VACUUM also scans the whole primary key, and
--             store's holds every block of every group)
-- Archive finds old tail messages through a BRIN index on sent_at
-- (messages arrive in time order; a BRIN index costs a post next to
-- nothing, unlike a btree).  0.7: purge reads the archived blocks (A rows)
-- of every group that has some.
--------------------------------------------------------------------------
CREATE INDEX messages_sent_at_brin ON @extschema@.messages USING brin (sent_at);

-- pg_dump dumps the rows of every table (they are the application's data,
-- not the extension's): without this a dump holds only CREATE EXTENSION.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.groups', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.members', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.messages', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.store', '');

--------------------------------------------------------------------------
-- Locks and isolation (C, src/receipts_lock.c)
--------------------------------------------------------------------------

-- The group's lock, exclusively, until the end of the transaction: waits
-- for the acks in progress (which hold it in share mode) and makes later
-- acks wait.  Exact gid key, in a lock class no SQL advisory lock function
-- produces.  p_wait false: give up at once (false).
CREATE FUNCTION @extschema@._lock_group(p_gid pg_catalog.int8, p_wait pg_catalog.bool)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'groupreceipt_lock_group'
LANGUAGE C VOLATILE STRICT;

-- the write functions run in READ COMMITTED only (0A000 otherwise)
CREATE FUNCTION @extschema@._require_read_committed(what pg_catalog.text)
RETURNS void
AS 'MODULE_PATHNAME', 'groupreceipt_require_read_committed'
LANGUAGE C VOLATILE STRICT;

CREATE FUNCTION @extschema@._in_transaction_block()
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'groupreceipt_in_transaction_block'
LANGUAGE C VOLATILE;

-- The argument limits, defined once in C (src/receipts.h)
CREATE FUNCTION @extschema@._max_ids()
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'groupreceipt_max_ids'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@._max_page_size()
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'groupreceipt_max_page_size'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

--------------------------------------------------------------------------
-- Internal helpers (cold paths, plpgsql)
--------------------------------------------------------------------------

-- Validate an id array argument: no NULLs, bounded length.
CREATE FUNCTION @extschema@._check_ids(ids pg_catalog.int8[], what pg_catalog.text, gid pg_catalog.int8)
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

-- A member (current or former) with its watermarks as they stand: the
-- read watermark from the W row raised by its pending batch acks (0.10:
-- _read_watermark), the delivery watermark its roster row's raised by that
-- (read implies delivered) -- or an error if uid was never a member of the
-- group.
CREATE FUNCTION @extschema@._read_watermark(p_gid pg_catalog.int8, p_slot pg_catalog.int4)
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_read_watermark'
LANGUAGE C STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;

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

--------------------------------------------------------------------------
-- Membership (cold paths)
--------------------------------------------------------------------------

CREATE FUNCTION @extschema@.add_members(gid pg_catalog.int8, uids pg_catalog.int8[])
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
COMMENT ON FUNCTION @extschema@.add_members(pg_catalog.int8, pg_catalog.int8[]) IS
'add members (idempotent), creating the group on first use; returns how many were not current members';

CREATE FUNCTION @extschema@.remove_members(gid pg_catalog.int8, uids pg_catalog.int8[])
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

-- plpgsql since 0.9: an SQL function's statements are planned, and their
-- tables locked, before the first runs
CREATE FUNCTION @extschema@.members(gid pg_catalog.int8)
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
COMMENT ON FUNCTION @extschema@.members(pg_catalog.int8) IS 'current members of the group, ascending';

--------------------------------------------------------------------------
-- Hot paths (C)
--------------------------------------------------------------------------

CREATE FUNCTION @extschema@.post(gid pg_catalog.int8, msgid pg_catalog.int8, sender pg_catalog.int8,
                                 sent_at pg_catalog.timestamptz DEFAULT pg_catalog.now())
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'groupreceipt_post'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.post(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8, pg_catalog.timestamptz) IS
'register a message; its recipients are the current members other than the sender; returns their count';

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

CREATE FUNCTION @extschema@.ack(gid pg_catalog.int8, uid pg_catalog.int8, upto_msgid pg_catalog.int8)
RETURNS TABLE (sender pg_catalog.int8, msgids pg_catalog.int8[])
AS 'MODULE_PATHNAME', 'groupreceipt_ack'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.ack(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8) IS
'batch read ack up to a msgid (clamped to the newest); returns the messages that became read, per sender';

CREATE FUNCTION @extschema@.ack_msgs(gid pg_catalog.int8, uid pg_catalog.int8, msgids pg_catalog.int8[])
RETURNS TABLE (sender pg_catalog.int8, msgids pg_catalog.int8[])
AS 'MODULE_PATHNAME', 'groupreceipt_ack_msgs'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.ack_msgs(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8[]) IS
'explicit read ack of individual messages; returns the messages that became read, per sender';

CREATE FUNCTION @extschema@.unread_counts(gid pg_catalog.int8, msgids pg_catalog.int8[])
RETURNS TABLE (msgid pg_catalog.int8, recipients pg_catalog.int4, read pg_catalog.int4, unread pg_catalog.int4)
AS 'MODULE_PATHNAME', 'groupreceipt_unread_counts'
LANGUAGE C STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.unread_counts(pg_catalog.int8, pg_catalog.int8[]) IS
'recipients, read and unread counts per requested msgid, in request order; NULL counts for unknown msgids';

CREATE FUNCTION @extschema@.readers(gid pg_catalog.int8, msgid pg_catalog.int8)
RETURNS SETOF pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_readers'
LANGUAGE C STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.readers(pg_catalog.int8, pg_catalog.int8) IS
'recipients who have read the message, ascending';

CREATE FUNCTION @extschema@.non_readers(gid pg_catalog.int8, msgid pg_catalog.int8)
RETURNS SETOF pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_non_readers'
LANGUAGE C STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.non_readers(pg_catalog.int8, pg_catalog.int8) IS
'recipients who have not read the message, ascending';

--------------------------------------------------------------------------
-- Reader side (plpgsql/SQL over the same tables)
--------------------------------------------------------------------------

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

-- 0.5: the group's sealed blocks, for inspection.
CREATE FUNCTION @extschema@._blocks(p_gid pg_catalog.int8)
RETURNS TABLE (first_msgid pg_catalog.int8, last_msgid pg_catalog.int8, messages pg_catalog.int4,
               bytes pg_catalog.int4, all_read pg_catalog.int4, some_read pg_catalog.int4)
AS 'MODULE_PATHNAME', 'groupreceipt_blocks'
LANGUAGE C STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;

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

-- Msgids a member (by slot) received and has not read, after p_after,
-- ascending, at most p_limit (NULL: all).  Shared by member_unread and
-- undelivered.
CREATE FUNCTION @extschema@._unread(p_gid pg_catalog.int8, p_slot pg_catalog.int4,
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

CREATE FUNCTION @extschema@.member_unread(gid pg_catalog.int8, uid pg_catalog.int8)
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
COMMENT ON FUNCTION @extschema@.member_unread(pg_catalog.int8, pg_catalog.int8) IS
'the reader''s badge: messages uid received and has not read';

CREATE FUNCTION @extschema@.ack_delivered(gid pg_catalog.int8, uid pg_catalog.int8, upto_msgid pg_catalog.int8)
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

CREATE FUNCTION @extschema@.undelivered(gid pg_catalog.int8, uid pg_catalog.int8,
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
COMMENT ON FUNCTION @extschema@.undelivered(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8, pg_catalog.int4) IS
'paged offline pull: msgids uid received and has not read, after the delivery watermark and after_msgid, ascending';

--------------------------------------------------------------------------
-- Fold and compaction
--------------------------------------------------------------------------

-- Fold (C, src/receipts_fold.c; plpgsql until 0.3): the group's pending
-- explicit reads into the messages' read bitmaps (a message they make
-- fully read loses its bitmap), a compaction sweep of up to 10,000 messages
-- past the group's lowest watermark (groups.compacted_upto), and its
-- pending batch acks into the packed watermark vector (0.10: all of them;
-- the roster is not written).  Decides from the group's state read through
-- the primary keys; runs a statement only for rows to write.  Waits for an
-- archive, forget or drop_group of the group; another fold of the group
-- running: returns 0 at once.  Never waits for a row lock (a group row held
-- by others is left for the next fold's sweep).  Acks call it now and then.
CREATE FUNCTION @extschema@.fold(gid pg_catalog.int8)
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_fold'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.fold(pg_catalog.int8) IS
'fold the group''s pending batch acks into its watermarks and explicit reads into the per-message read bitmaps, and compact fully read messages; returns messages updated by the fold';

--------------------------------------------------------------------------
-- Lifecycle: archive, purge, forget, drop_group
--------------------------------------------------------------------------

CREATE FUNCTION @extschema@._freeze(gid pg_catalog.int8, msgids pg_catalog.int8[])
RETURNS TABLE (msgid pg_catalog.int8, recipients pg_catalog.int4, read pg_catalog.int4,
               unread @extschema@.bitmap)
AS 'MODULE_PATHNAME', 'groupreceipt_freeze'
LANGUAGE C STABLE STRICT
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION @extschema@._retention()
RETURNS pg_catalog.interval
AS 'MODULE_PATHNAME', 'groupreceipt_retention'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@._archive_batch()
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'groupreceipt_archive_batch'
LANGUAGE C STABLE PARALLEL SAFE;

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

-- Delete snapshots of the group that no message references any more
-- (the group's current snapshot is kept).
CREATE FUNCTION @extschema@._drop_unused_snapshots(p_gid pg_catalog.int8)
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

-- Archive messages of one group sent before p_cutoff: the first p_first
-- messages of the group (by msgid) when p_first is given (bounded work for
-- triggers), else the oldest that qualify, a slice of them.  Caller holds
-- the locks.
CREATE FUNCTION @extschema@._archive_group(p_gid pg_catalog.int8, p_cutoff pg_catalog.timestamptz,
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

CREATE FUNCTION @extschema@._check_age(older_than pg_catalog.interval, what pg_catalog.text)
RETURNS pg_catalog.timestamptz
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF older_than OPERATOR(pg_catalog.<) '0'::pg_catalog.interval THEN
		RAISE EXCEPTION '%: older_than must not be negative', what
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = pg_catalog.format('older_than is %s; it is an age, zero or more.', older_than);
	END IF;
	RETURN pg_catalog.now() OPERATOR(pg_catalog.-) older_than;
END
$$;

-- Archive every old message of one group, in _archive_group's slices, under the
-- group's lock (waits for the group's acks in progress).
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
		EXIT WHEN n OPERATOR(pg_catalog.=) 0;
	END LOOP;
	RETURN total;
END
$$;

-- The groups with messages sent before p_cutoff, ascending: the tail's by
-- BRIN on sent_at, the sealed ones by a look at each group's blocks.
CREATE FUNCTION @extschema@._archive_candidates(p_cutoff pg_catalog.timestamptz)
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

-- archive() runs in the caller's transaction and holds each archived
-- group's lock until it commits: a lock table entry per group.  Beyond
-- 16 x max_locks_per_transaction groups (1024 by default) it refuses up
-- front, changing nothing, and points to the procedure archive_all.
CREATE FUNCTION @extschema@.archive(older_than pg_catalog.interval)
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

-- archive_all: the same, one transaction per group (COMMIT after each), so
-- it works with any number of groups at default settings and a group's acks
-- wait at most for that group's own archiving.  A procedure without SET or
-- SECURITY DEFINER (PostgreSQL allows COMMIT only there): every name in it
-- is schema-qualified, and the work is done by the SECURITY DEFINER
-- functions it calls.
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

-- Archiving by retention: one post in 64 (by msgid hash) archives at most
-- groupreceipt.archive_batch of its group's oldest messages past
-- groupreceipt.retention.  Never waits: when acks hold the group, this
-- firing skips and a later one catches up.
CREATE FUNCTION @extschema@._archive_sampled(p_gid pg_catalog.int8)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	retention pg_catalog.interval := @extschema@._retention();
BEGIN
	IF retention IS NULL OR NOT @extschema@._lock_group(p_gid, false) THEN
		RETURN 0;
	END IF;
	RETURN @extschema@._archive_group(p_gid, pg_catalog.now() OPERATOR(pg_catalog.-) retention,
	                                  @extschema@._archive_batch());
END
$$;

-- The trigger runs on every post: in C, it returns at once while
-- groupreceipt.retention is 0 and, when it is set, calls _archive_sampled
-- for the sampled posts (src/receipts_trigger.c says why it is not a WHEN
-- clause and has no SET clause).
CREATE FUNCTION @extschema@._archive_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'groupreceipt_archive_trigger'
LANGUAGE C VOLATILE;

CREATE TRIGGER archive_by_retention
	BEFORE INSERT ON @extschema@.messages
	FOR EACH ROW
	EXECUTE FUNCTION @extschema@._archive_trigger();

-- 0.7: the groups with archived messages sent before p_cutoff (their A
-- rows read, no lock taken), and the purge of one of them under its lock.
CREATE FUNCTION @extschema@._purge_candidates(p_cutoff pg_catalog.timestamptz)
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

CREATE FUNCTION @extschema@.purge(older_than pg_catalog.interval)
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

CREATE FUNCTION @extschema@.forget(gid pg_catalog.int8, msgids pg_catalog.int8[])
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
COMMENT ON FUNCTION @extschema@.forget(pg_catalog.int8, pg_catalog.int8[]) IS
'remove the receipts (live or archived) of deleted or recalled messages; returns how many messages were removed';

CREATE FUNCTION @extschema@.drop_group(gid pg_catalog.int8)
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
COMMENT ON FUNCTION @extschema@.drop_group(pg_catalog.int8) IS
'remove every receipt, message, snapshot and member row of the group (no-op for an unknown group)';

--------------------------------------------------------------------------
-- Privileges.  The receipts API functions are SECURITY DEFINER: they reach
-- the tables with the rights of the extension's owner, so an application
-- role needs only USAGE on the schema and EXECUTE on the functions it calls
-- (README, "Roles and grants"), and no privilege on the tables: it cannot
-- write a stored bitmap or slot the C code reads.  Every function, internal
-- or not, is kept from PUBLIC; internal helpers are SECURITY INVOKER (a
-- role allowed to execute them still has no table access through them),
-- except the two that archive_all and the two that purge_all, procedures
-- (which PostgreSQL does not let commit when SECURITY DEFINER), call for
-- their work.  The bitmap type
-- and its functions stay usable by everybody with USAGE on the schema.
--------------------------------------------------------------------------
REVOKE EXECUTE ON FUNCTION
	@extschema@._enter(),
	@extschema@._max_ids(),
	@extschema@._max_page_size(),
	@extschema@._check_ids(pg_catalog.int8[], pg_catalog.text, pg_catalog.int8),
	@extschema@._read_watermark(pg_catalog.int8, pg_catalog.int4),
	@extschema@._member(pg_catalog.int8, pg_catalog.int8),
	@extschema@.add_members(pg_catalog.int8, pg_catalog.int8[]),
	@extschema@.remove_members(pg_catalog.int8, pg_catalog.int8[]),
	@extschema@.members(pg_catalog.int8),
	@extschema@.post(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8, pg_catalog.timestamptz),
	@extschema@.post_many(pg_catalog.int8, pg_catalog.int8[], pg_catalog.int8[], pg_catalog.timestamptz[]),
	@extschema@.ack(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8),
	@extschema@.ack_msgs(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8[]),
	@extschema@.unread_counts(pg_catalog.int8, pg_catalog.int8[]),
	@extschema@.readers(pg_catalog.int8, pg_catalog.int8),
	@extschema@.non_readers(pg_catalog.int8, pg_catalog.int8),
	@extschema@._live_messages(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8, pg_catalog.timestamptz, pg_catalog.int4),
	@extschema@._remove_sealed(pg_catalog.int8, pg_catalog.int8[]),
	@extschema@._blocks(pg_catalog.int8),
	@extschema@._snapshot_members(pg_catalog.int8, pg_catalog.int8, pg_catalog.bytea),
	@extschema@._vector(pg_catalog.int8),
	@extschema@._snapshot_missing(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8),
	@extschema@._unread(pg_catalog.int8, pg_catalog.int4, pg_catalog.int8, pg_catalog.int8),
	@extschema@.member_unread(pg_catalog.int8, pg_catalog.int8),
	@extschema@.ack_delivered(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8),
	@extschema@.undelivered(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8, pg_catalog.int4),
	@extschema@.fold(pg_catalog.int8),
	@extschema@._freeze(pg_catalog.int8, pg_catalog.int8[]),
	@extschema@._archive_store(pg_catalog.int8, pg_catalog.int8[], pg_catalog.int4[], pg_catalog.int4[],
	                           pg_catalog.timestamptz[], pg_catalog.int4[], @extschema@.bitmap[]),
	@extschema@._archived(pg_catalog.int8),
	@extschema@._archived_remove(pg_catalog.int8, pg_catalog.int8[]),
	@extschema@._archived_purge(pg_catalog.int8, pg_catalog.timestamptz),
	@extschema@._archived_sent_before(pg_catalog.int8, pg_catalog.int8, pg_catalog.bytea, pg_catalog.timestamptz),
	@extschema@._purge_candidates(pg_catalog.timestamptz),
	@extschema@._purge_one_group(pg_catalog.int8, pg_catalog.timestamptz),
	@extschema@._retention(),
	@extschema@._archive_batch(),
	@extschema@._lock_group(pg_catalog.int8, pg_catalog.bool),
	@extschema@._drop_unused_snapshots(pg_catalog.int8),
	@extschema@._archive_group(pg_catalog.int8, pg_catalog.timestamptz, pg_catalog.int4),
	@extschema@._check_age(pg_catalog.interval, pg_catalog.text),
	@extschema@.archive(pg_catalog.interval),
	@extschema@._archive_trigger(),
	@extschema@._archive_sampled(pg_catalog.int8),
	@extschema@.purge(pg_catalog.interval),
	@extschema@.forget(pg_catalog.int8, pg_catalog.int8[]),
	@extschema@.drop_group(pg_catalog.int8),
	@extschema@._require_read_committed(pg_catalog.text),
	@extschema@._in_transaction_block(),
	@extschema@._archive_one_group(pg_catalog.int8, pg_catalog.timestamptz),
	@extschema@._archive_candidates(pg_catalog.timestamptz)
FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE @extschema@.archive_all(pg_catalog.interval, pg_catalog.int8) FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE @extschema@.purge_all(pg_catalog.interval, pg_catalog.int8) FROM PUBLIC;
