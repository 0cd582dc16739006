-- Roles (issue 6; grant model of 0.2, issue 12): an application role with
-- only the documented grants -- USAGE on the schema, EXECUTE on the
-- routines, nothing on the tables -- uses the whole API (the API functions
-- are SECURITY DEFINER) and can neither read nor write a table; a read-only
-- role executes the read functions only; a role with only USAGE on the
-- schema, or nothing, can neither read receipts nor call the functions; a
-- hostile application role's look-alike objects first on its search_path
-- change nothing.  Groups 7101-7102.
CREATE ROLE gr_app;
CREATE ROLE gr_reader;
CREATE ROLE gr_usage_only;
CREATE ROLE gr_nobody;
-- the documented grants (README, "Roles and grants")
GRANT USAGE ON SCHEMA groupreceipt TO gr_app, gr_reader, gr_usage_only;
GRANT EXECUTE ON ALL ROUTINES IN SCHEMA groupreceipt TO gr_app;
GRANT EXECUTE ON FUNCTION groupreceipt.unread_counts(bigint, bigint[]),
      groupreceipt.readers(bigint, bigint), groupreceipt.non_readers(bigint, bigint),
      groupreceipt.members(bigint), groupreceipt.member_unread(bigint, bigint),
      groupreceipt.undelivered(bigint, bigint, bigint, integer) TO gr_reader;
CREATE SCHEMA gr_evil AUTHORIZATION gr_app;

-- the application role: everything works
SET ROLE gr_app;
SELECT groupreceipt.add_members(7101, ARRAY[1, 2, 3, 4]) AS added;
SELECT groupreceipt.post(7101, m, 1, timestamptz '1980-01-01' + m * interval '1 day') FROM generate_series(1, 3) m;
SELECT groupreceipt.post(7101, 4, 2);
SELECT * FROM groupreceipt.ack(7101, 3, 2);
SELECT * FROM groupreceipt.ack_msgs(7101, 4, ARRAY[3, 4]);
SELECT groupreceipt.fold(7101) AS folded;
SELECT * FROM groupreceipt.unread_counts(7101, ARRAY[1, 2, 3, 4]);
SELECT array(SELECT groupreceipt.readers(7101, 3)) AS readers, array(SELECT groupreceipt.non_readers(7101, 3)) AS non_readers;
SELECT groupreceipt.member_unread(7101, 3) AS badge, array(SELECT groupreceipt.undelivered(7101, 3)) AS pull;
SELECT groupreceipt.ack_delivered(7101, 2, 4);
SELECT groupreceipt.remove_members(7101, ARRAY[4]) AS removed;
SELECT array(SELECT groupreceipt.members(7101)) AS members;
SET groupreceipt.notify_channel = 'gr_app_receipts';
SELECT * FROM groupreceipt.ack(7101, 2, 4);
RESET groupreceipt.notify_channel;
SELECT groupreceipt.archive(now() - timestamptz '1980-01-03') AS archived;
SELECT groupreceipt.purge(now() - timestamptz '1980-01-03') AS purged;
SELECT groupreceipt.forget(7101, ARRAY[4]) AS forgotten;
CALL groupreceipt.archive_all('1000 years');
CALL groupreceipt.purge_all('1000 years');
-- retention is a superuser setting
SET groupreceipt.retention = '1d';
-- no table access: the stored bitmaps and slots the C code reads are out
-- of reach, directly and through the SECURITY INVOKER internal helpers
SELECT count(*) FROM groupreceipt.members;
UPDATE groupreceipt.store SET payload = '\x00' WHERE kind = 'S';
INSERT INTO groupreceipt.store VALUES (7101, 'L', 3, 1000000, '\x');
DELETE FROM groupreceipt.store WHERE kind = 'A';
SELECT groupreceipt._archive_store(7101, '{1}', '{0}', '{1}', ARRAY[now()], '{0}', ARRAY['{}']::groupreceipt.bitmap[]);
SELECT groupreceipt._archive_group(7101, now(), NULL);

-- the same role turns hostile: look-alike functions, operators and tables
-- in its own schema, first on its search_path
CREATE FUNCTION gr_evil.hashint8(bigint) RETURNS integer LANGUAGE sql AS 'SELECT 0';
CREATE FUNCTION gr_evil.array_agg_evil(bigint) RETURNS bigint LANGUAGE sql AS 'SELECT 0';
CREATE FUNCTION gr_evil.int8eq_evil(bigint, bigint) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR gr_evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = gr_evil.int8eq_evil);
CREATE FUNCTION gr_evil.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT timestamptz '3000-01-01' $$;
CREATE FUNCTION gr_evil.cardinality(anyarray) RETURNS integer LANGUAGE sql AS 'SELECT 0';
CREATE TABLE gr_evil.members (gid bigint, uid bigint, slot int, active boolean, read_upto bigint, delivered_upto bigint);
CREATE TABLE gr_evil.messages (gid bigint, msgid bigint, sender bigint, sender_slot int, snap_id int, sent_at timestamptz, read groupreceipt.bitmap);
SET search_path = gr_evil, groupreceipt, public;
SELECT add_members(7102, ARRAY[1, 2, 3]) AS added;
SELECT post(7102, 1, 1), post(7102, 2, 2);
SELECT * FROM ack(7102, 3, 2);
SELECT * FROM ack_msgs(7102, 2, ARRAY[1]);
SELECT * FROM unread_counts(7102, ARRAY[1, 2]);
SELECT array(SELECT readers(7102, 1)) AS readers, member_unread(7102, 1) AS badge_1;
-- archives 7101's messages 2 and 3 (1980) only: with gr_evil.now() inside,
-- 7102's messages would go too
SELECT archive(pg_catalog.now() - timestamptz '1980-01-10') AS archived;
SELECT count(*) AS evil_rows FROM gr_evil.members;
RESET search_path;
RESET ROLE;
SELECT msgid FROM groupreceipt.messages WHERE gid = 7102 ORDER BY msgid;

-- the read-only role reads and cannot write
SET ROLE gr_reader;
SELECT * FROM groupreceipt.unread_counts(7101, ARRAY[2, 3]);
SELECT groupreceipt.member_unread(7101, 3) AS badge;
SELECT array(SELECT groupreceipt.readers(7101, 3)) AS readers;
SELECT groupreceipt.post(7101, 9, 1);
SELECT * FROM groupreceipt.ack(7101, 3, 4);
SELECT groupreceipt.add_members(7101, ARRAY[9]);
SELECT count(*) FROM groupreceipt.messages;
RESET ROLE;

-- USAGE on the schema only: the bitmap type, but no receipts
SET ROLE gr_usage_only;
SELECT '{1,2,5-9}'::groupreceipt.bitmap AS bitmap, groupreceipt.bitmap_count('{1-9}') AS n;
SELECT * FROM groupreceipt.unread_counts(7101, ARRAY[2]);
SELECT groupreceipt.post(7101, 9, 1);
SELECT count(*) FROM groupreceipt.messages;
RESET ROLE;

-- nothing at all
SET ROLE gr_nobody;
SELECT * FROM groupreceipt.unread_counts(7101, ARRAY[2]);
SELECT count(*) FROM groupreceipt.store;
RESET ROLE;

-- what the hostile role did changed nothing: the superuser sees the same
SELECT * FROM groupreceipt.unread_counts(7102, ARRAY[1, 2]);
SELECT m.gid, m.uid, m.slot, m.active, m.read_upto
  FROM groupreceipt.members r, groupreceipt._member(r.gid, r.uid) m WHERE r.gid = 7102 ORDER BY m.uid;

DROP SCHEMA gr_evil CASCADE;
DROP OWNED BY gr_app, gr_reader, gr_usage_only, gr_nobody;
DROP ROLE gr_app, gr_reader, gr_usage_only, gr_nobody;
