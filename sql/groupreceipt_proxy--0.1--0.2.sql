/* groupreceipt_proxy--0.1--0.2.sql
 *
 * 0.2: the proxy API is no longer executable by PUBLIC (issue 12, item 10).
 */

\echo Use "ALTER EXTENSION groupreceipt_proxy UPDATE TO '0.2'" to load this file. \quit

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
	@extschema@._check_age(pg_catalog.interval, pg_catalog.text),
	@extschema@.archive(pg_catalog.interval),
	@extschema@.purge(pg_catalog.interval),
	@extschema@.partition_of(pg_catalog.int8),
	@extschema@.partition_groups()
FROM PUBLIC;
