/* groupreceipt--0.3--0.4.sql
 *
 * 0.4: fold in C (src/receipts_fold.c) instead of three plpgsql functions
 * (fold, _fold_acks, _compact) and the _lock_fold helper.  No table or
 * stored row changes: the same steps write the same rows.  Every
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
