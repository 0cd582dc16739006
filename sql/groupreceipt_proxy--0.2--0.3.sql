/* groupreceipt_proxy--0.2--0.3.sql
 *
 * 0.3: post_many routed by group; archive and purge leave the check of
 * older_than to the partitions (no copy of groupreceipt's _check_age).
 */

\echo Use "ALTER EXTENSION groupreceipt_proxy UPDATE TO '0.3'" to load this file. \quit

-- not STRICT on the partition either: a NULL sent_at array means now()
CREATE FUNCTION @extschema@.post_many(gid pg_catalog.int8, msgids pg_catalog.int8[], senders pg_catalog.int8[],
                                      sent_at pg_catalog.timestamptz[] DEFAULT NULL)
RETURNS pg_catalog.int4[]
LANGUAGE plproxy
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(COALESCE(gid, 0)); $$;

CREATE OR REPLACE FUNCTION @extschema@.archive(older_than pg_catalog.interval)
RETURNS pg_catalog.int8
LANGUAGE sql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(pg_catalog.sum(n), 0)::pg_catalog.int8
	  FROM @extschema@._archive_before(pg_catalog.now() OPERATOR(pg_catalog.-) older_than) n
$$;
COMMENT ON FUNCTION @extschema@.archive(pg_catalog.interval) IS
'archive on every partition the receipts of messages sent before now() - older_than; returns how many';

CREATE OR REPLACE FUNCTION @extschema@.purge(older_than pg_catalog.interval)
RETURNS pg_catalog.int8
LANGUAGE sql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(pg_catalog.sum(n), 0)::pg_catalog.int8
	  FROM @extschema@._purge_before(pg_catalog.now() OPERATOR(pg_catalog.-) older_than) n
$$;
COMMENT ON FUNCTION @extschema@.purge(pg_catalog.interval) IS
'delete on every partition the archived receipts of messages sent before now() - older_than; returns how many';

DROP FUNCTION @extschema@._check_age(pg_catalog.interval, pg_catalog.text);

REVOKE EXECUTE ON FUNCTION
	@extschema@.post_many(pg_catalog.int8, pg_catalog.int8[], pg_catalog.int8[], pg_catalog.timestamptz[])
FROM PUBLIC;
