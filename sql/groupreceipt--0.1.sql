/* groupreceipt--0.1.sql */

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
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bitmap_union_agg(@extschema@.bitmap) IS
'union of the non-NULL input bitmaps';
