/* groupreceipt--0.3--0.4.sql
 *
 * 0.4: fold in C (src/receipts_fold.c) instead of three plpgsql functions
 * (fold, _fold_acks, _compact) and the _lock_fold helper; the packed
 * watermark row of each group also holds the member of each slot (uids),
 * built here from the roster, so the lists read no roster row for the
 * members the vector covers.  Every
 * statement below is the 0.4 install script's own (test/t/003 compares an
 * updated database with a fresh install, object by object).
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION groupreceipt UPDATE TO '0.4'" to load this file. \quit

-- same signature, new language: replaced in place (grants stay)
CREATE OR REPLACE FUNCTION @extschema@.fold(gid pg_catalog.int8)
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'groupreceipt_fold'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;

DROP FUNCTION @extschema@._fold_acks(pg_catalog.int8);
DROP FUNCTION @extschema@._compact(pg_catalog.int8, pg_catalog.int8[]);
DROP FUNCTION @extschema@._lock_fold(pg_catalog.int8);

-- the member of every slot the vector covers, from the roster (a slot
-- without a roster row would be a damaged group: 0, as a count reads it)
ALTER TABLE @extschema@.watermarks ADD COLUMN uids pg_catalog.int8[];
UPDATE @extschema@.watermarks w
   SET uids = ARRAY(SELECT COALESCE(m.uid, 0)
                      FROM pg_catalog.generate_series(0, pg_catalog.cardinality(w.wms) OPERATOR(pg_catalog.-) 1) s
                      LEFT JOIN @extschema@.members m
                        ON m.gid OPERATOR(pg_catalog.=) w.gid AND m.slot OPERATOR(pg_catalog.=) s
                     ORDER BY s);
ALTER TABLE @extschema@.watermarks ALTER COLUMN uids SET NOT NULL;
ALTER TABLE @extschema@.watermarks ALTER COLUMN uids SET STORAGE EXTERNAL;
COMMENT ON TABLE @extschema@.watermarks IS 'folded read watermarks and members of the group, one array element per member slot';
