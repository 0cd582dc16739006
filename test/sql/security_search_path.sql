-- The extension ignores the caller's search_path: look-alike functions,
-- operators and tables placed first on the path cannot change what it does.
CREATE SCHEMA evil;
CREATE TABLE evil.members (gid bigint, uid bigint, slot int, active boolean,
                           read_upto bigint, delivered_upto bigint);
CREATE TABLE evil.messages (LIKE groupreceipt.messages);
CREATE TABLE evil.groups (LIKE groupreceipt.groups);
CREATE TABLE evil.hijacked (what text);
-- a bigint = that always says true and records that it ran
CREATE FUNCTION evil.int8eq_evil(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO evil.hijacked VALUES ('='); RETURN true; END $$;
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.int8eq_evil);
CREATE FUNCTION evil.int8gt_evil(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO evil.hijacked VALUES ('>'); RETURN true; END $$;
CREATE OPERATOR evil.> (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.int8gt_evil);
CREATE FUNCTION evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO evil.hijacked VALUES ('unnest'); RETURN; END $$;
CREATE FUNCTION evil.array_position(anycompatiblearray, anycompatible) RETURNS integer LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO evil.hijacked VALUES ('array_position'); RETURN NULL; END $$;
CREATE FUNCTION evil.count(anyelement) RETURNS bigint LANGUAGE sql AS $$ SELECT 0::bigint $$;
CREATE FUNCTION evil.greatest_evil(bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT 0::bigint $$;

SET search_path = evil, public, groupreceipt, pg_catalog;

SELECT groupreceipt.add_members(7001, ARRAY[1, 2, 3, 4]) AS added;
SELECT groupreceipt.add_members(7001, ARRAY[5, NULL]);   -- the NULL check is the real one
SELECT groupreceipt.post(7001, 10, 1) AS r10, groupreceipt.post(7001, 20, 2) AS r20;
SELECT * FROM groupreceipt.ack(7001, 3, 15);
SELECT * FROM groupreceipt.ack_msgs(7001, 4, ARRAY[20, 10]);
SELECT groupreceipt.remove_members(7001, ARRAY[2]) AS removed;
SELECT * FROM groupreceipt.unread_counts(7001, ARRAY[10, 20]);
SELECT array(SELECT groupreceipt.readers(7001, 20)) AS readers,
       array(SELECT groupreceipt.non_readers(7001, 20)) AS non_readers;
SELECT groupreceipt.member_unread(7001, 3) AS badge3,
       array(SELECT groupreceipt.undelivered(7001, 3)) AS pull3,
       array(SELECT groupreceipt.members(7001)) AS members;
SELECT groupreceipt.ack_delivered(7001, 3, 20);
SELECT groupreceipt.fold(7001) AS folded;
SELECT * FROM groupreceipt.unread_counts(7001, ARRAY[10, 20]);

-- nothing of the look-alikes ran, nothing landed in their tables
SELECT count(*) AS hijacked_calls FROM evil.hijacked;
SELECT (SELECT count(*) FROM evil.members) + (SELECT count(*) FROM evil.messages)
       + (SELECT count(*) FROM evil.groups) AS rows_in_lookalike_tables;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA evil CASCADE;
RESET client_min_messages;
