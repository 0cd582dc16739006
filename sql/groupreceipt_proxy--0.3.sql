/* groupreceipt_proxy--0.3.sql
 *
 * The groupreceipt API on a PL/Proxy front database.  Every function has
 * the signature of its counterpart in the groupreceipt extension and runs
 * it on exactly one partition of the PL/Proxy cluster 'groupreceipt',
 * chosen by hashint8(gid) (PL/Proxy keeps the low bits: partition =
 * hashint8(gid) & (partitions - 1)).  Whole-cluster calls (archive, purge)
 * run on all partitions and add up the results.
 *
 * The cluster is configured with PL/Proxy's SQL/MED mechanism:
 *   CREATE SERVER groupreceipt FOREIGN DATA WRAPPER plproxy
 *     OPTIONS (p0 'dbname=... host=...', p1 '...', p2 '...', p3 '...');
 *   CREATE USER MAPPING FOR PUBLIC SERVER groupreceipt OPTIONS (user '...', password '...');
 * (a power of two of partitions, each with CREATE EXTENSION groupreceipt).
 */

\echo Use "CREATE EXTENSION groupreceipt_proxy" to load this file. \quit

-- routed by group ------------------------------------------------------

CREATE FUNCTION @extschema@.add_members(gid pg_catalog.int8, uids pg_catalog.int8[])
RETURNS pg_catalog.int4
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

CREATE FUNCTION @extschema@.remove_members(gid pg_catalog.int8, uids pg_catalog.int8[])
RETURNS pg_catalog.int4
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

CREATE FUNCTION @extschema@.members(gid pg_catalog.int8)
RETURNS SETOF pg_catalog.int8
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

CREATE FUNCTION @extschema@.post(gid pg_catalog.int8, msgid pg_catalog.int8, sender pg_catalog.int8,
                                 sent_at pg_catalog.timestamptz DEFAULT pg_catalog.now())
RETURNS pg_catalog.int4
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

-- not STRICT on the partition either: a NULL sent_at array means now()
CREATE FUNCTION @extschema@.post_many(gid pg_catalog.int8, msgids pg_catalog.int8[], senders pg_catalog.int8[],
                                      sent_at pg_catalog.timestamptz[] DEFAULT NULL)
RETURNS pg_catalog.int4[]
LANGUAGE plproxy
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(COALESCE(gid, 0)); $$;

CREATE FUNCTION @extschema@.ack(gid pg_catalog.int8, uid pg_catalog.int8, upto_msgid pg_catalog.int8)
RETURNS TABLE (sender pg_catalog.int8, msgids pg_catalog.int8[])
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

CREATE FUNCTION @extschema@.ack_msgs(gid pg_catalog.int8, uid pg_catalog.int8, msgids pg_catalog.int8[])
RETURNS TABLE (sender pg_catalog.int8, msgids pg_catalog.int8[])
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

CREATE FUNCTION @extschema@.unread_counts(gid pg_catalog.int8, msgids pg_catalog.int8[])
RETURNS TABLE (msgid pg_catalog.int8, recipients pg_catalog.int4, read pg_catalog.int4, unread pg_catalog.int4)
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

CREATE FUNCTION @extschema@.readers(gid pg_catalog.int8, msgid pg_catalog.int8)
RETURNS SETOF pg_catalog.int8
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

CREATE FUNCTION @extschema@.non_readers(gid pg_catalog.int8, msgid pg_catalog.int8)
RETURNS SETOF pg_catalog.int8
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

CREATE FUNCTION @extschema@.member_unread(gid pg_catalog.int8, uid pg_catalog.int8)
RETURNS pg_catalog.int8
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

CREATE FUNCTION @extschema@.ack_delivered(gid pg_catalog.int8, uid pg_catalog.int8, upto_msgid pg_catalog.int8)
RETURNS void
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

-- not STRICT on the partition either: NULL gid/uid/page_size get its error
CREATE FUNCTION @extschema@.undelivered(gid pg_catalog.int8, uid pg_catalog.int8,
                                        after_msgid pg_catalog.int8 DEFAULT NULL,
                                        page_size pg_catalog.int4 DEFAULT 100)
RETURNS SETOF pg_catalog.int8
LANGUAGE plproxy
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(COALESCE(gid, 0)); $$;

CREATE FUNCTION @extschema@.fold(gid pg_catalog.int8)
RETURNS pg_catalog.int8
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

CREATE FUNCTION @extschema@.forget(gid pg_catalog.int8, msgids pg_catalog.int8[])
RETURNS pg_catalog.int8
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

CREATE FUNCTION @extschema@.drop_group(gid pg_catalog.int8)
RETURNS void
LANGUAGE plproxy STRICT
AS $$ CLUSTER 'groupreceipt'; RUN ON pg_catalog.hashint8(gid); $$;

-- whole cluster --------------------------------------------------------

-- The cutoff is fixed on the proxy (its now() - older_than) and handed to
-- every partition as an age relative to the partition's own now(), so all
-- partitions archive / purge by the same instant.  A negative older_than
-- gives a cutoff after the partitions' now(): each partition refuses the
-- negative age with its own error (22023), which PL/Proxy passes on
-- (an age below the clock skew between proxy and partitions excepted).
CREATE FUNCTION @extschema@._archive_before(cutoff pg_catalog.timestamptz)
RETURNS SETOF pg_catalog.int8
LANGUAGE plproxy STRICT
AS $$
	CLUSTER 'groupreceipt';
	RUN ON ALL;
	SELECT groupreceipt.archive(pg_catalog.now() OPERATOR(pg_catalog.-) cutoff);
$$;

CREATE FUNCTION @extschema@._purge_before(cutoff pg_catalog.timestamptz)
RETURNS SETOF pg_catalog.int8
LANGUAGE plproxy STRICT
AS $$
	CLUSTER 'groupreceipt';
	RUN ON ALL;
	SELECT groupreceipt.purge(pg_catalog.now() OPERATOR(pg_catalog.-) cutoff);
$$;

CREATE FUNCTION @extschema@.archive(older_than pg_catalog.interval)
RETURNS pg_catalog.int8
LANGUAGE sql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(pg_catalog.sum(n), 0)::pg_catalog.int8
	  FROM @extschema@._archive_before(pg_catalog.now() OPERATOR(pg_catalog.-) older_than) n
$$;
COMMENT ON FUNCTION @extschema@.archive(pg_catalog.interval) IS
'archive on every partition the receipts of messages sent before now() - older_than; returns how many';

CREATE FUNCTION @extschema@.purge(older_than pg_catalog.interval)
RETURNS pg_catalog.int8
LANGUAGE sql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE(pg_catalog.sum(n), 0)::pg_catalog.int8
	  FROM @extschema@._purge_before(pg_catalog.now() OPERATOR(pg_catalog.-) older_than) n
$$;
COMMENT ON FUNCTION @extschema@.purge(pg_catalog.interval) IS
'delete on every partition the archived receipts of messages sent before now() - older_than; returns how many';

-- Which partition holds a group (for operators and tests).
CREATE FUNCTION @extschema@.partition_of(gid pg_catalog.int8)
RETURNS pg_catalog.text
LANGUAGE plproxy STRICT
AS $$
	CLUSTER 'groupreceipt';
	RUN ON pg_catalog.hashint8(gid);
	SELECT pg_catalog.current_database()::pg_catalog.text;
$$;

-- The groups each partition holds (for operators and tests).
CREATE FUNCTION @extschema@.partition_groups()
RETURNS TABLE (partition_db pg_catalog.text, gid pg_catalog.int8)
LANGUAGE plproxy
AS $$
	CLUSTER 'groupreceipt';
	RUN ON ALL;
	SELECT pg_catalog.current_database()::pg_catalog.text AS partition_db, g.gid
	  FROM groupreceipt.groups g;
$$;

--------------------------------------------------------------------------
-- Privileges (0.2): the same model as the groupreceipt extension -- no
-- function of the API is executable by PUBLIC.  An application role gets
-- USAGE on the schema and EXECUTE on the functions (README, "Scaling out");
-- the user mapping's partition role needs only the groupreceipt grants.
-- Without this, with a USER MAPPING FOR PUBLIC any role with USAGE could
-- drop_group, forget, purge and ack on every partition.
--------------------------------------------------------------------------
REVOKE EXECUTE ON FUNCTION
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
	@extschema@.member_unread(pg_catalog.int8, pg_catalog.int8),
	@extschema@.ack_delivered(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8),
	@extschema@.undelivered(pg_catalog.int8, pg_catalog.int8, pg_catalog.int8, pg_catalog.int4),
	@extschema@.fold(pg_catalog.int8),
	@extschema@.forget(pg_catalog.int8, pg_catalog.int8[]),
	@extschema@.drop_group(pg_catalog.int8),
	@extschema@._archive_before(pg_catalog.timestamptz),
	@extschema@._purge_before(pg_catalog.timestamptz),
	@extschema@.archive(pg_catalog.interval),
	@extschema@.purge(pg_catalog.interval),
	@extschema@.partition_of(pg_catalog.int8),
	@extschema@.partition_groups()
FROM PUBLIC;
