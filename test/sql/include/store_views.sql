-- pg_temp.snapshots and pg_temp.watermarks: the member snapshots and the
-- watermark vectors, which 0.6 keeps as S and W rows of groupreceipt.store,
-- shown as the tables they were (snapshots: gid, snap_id, members;
-- watermarks: gid, wms, uids -- element slot + 1 of each array is slot's).
-- pg_temp.archived_messages: 0.7's A rows of store, with the columns of
-- the table they were (gid, msgid, sender, sender_slot, snap_id, sent_at,
-- recipients, read, unread).
-- pg_temp.ack_log and pg_temp.read_log: 0.8's K and L rows of store, with
-- the columns of the log tables they were (ack_log: gid, slot, upto;
-- read_log: gid, msgid, slot); an INSERT into either inserts the row into
-- store, as tests that plant log rows did into the tables.
-- Temporary objects come first on the search path, so the tests' queries
-- read these.  Included with \i from the top of the source tree.
SET client_min_messages = warning;
CREATE TEMP VIEW snapshots AS
SELECT s.gid, s.key::int4 AS snap_id, groupreceipt._snapshot_members(s.gid, s.key, s.payload) AS members
  FROM groupreceipt.store s WHERE s.kind = 'S';
CREATE TEMP VIEW watermarks AS
SELECT w.gid, array_agg(v.watermark ORDER BY v.slot) AS wms, array_agg(v.uid ORDER BY v.slot) AS uids
  FROM groupreceipt.store w, groupreceipt._vector(w.gid) v
 WHERE w.kind = 'W'
 GROUP BY w.gid;
CREATE TEMP VIEW archived_messages AS
SELECT g.gid, a.*
  FROM (SELECT DISTINCT s.gid FROM groupreceipt.store s WHERE s.kind = 'A') g,
       groupreceipt._archived(g.gid) a;
CREATE TEMP VIEW ack_log AS
SELECT s.gid, s.key::int4 AS slot, s.sub AS upto FROM groupreceipt.store s WHERE s.kind = 'K';
CREATE TEMP VIEW read_log AS
SELECT s.gid, s.key AS msgid, s.sub::int4 AS slot FROM groupreceipt.store s WHERE s.kind = 'L';
CREATE FUNCTION pg_temp.log_row_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_TABLE_NAME = 'ack_log' THEN
		INSERT INTO groupreceipt.store VALUES (NEW.gid, 'K', NEW.slot, NEW.upto, '\x');
	ELSE
		INSERT INTO groupreceipt.store VALUES (NEW.gid, 'L', NEW.msgid, NEW.slot, '\x');
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER insert_row INSTEAD OF INSERT ON ack_log FOR EACH ROW EXECUTE FUNCTION pg_temp.log_row_insert();
CREATE TRIGGER insert_row INSTEAD OF INSERT ON read_log FOR EACH ROW EXECUTE FUNCTION pg_temp.log_row_insert();
RESET client_min_messages;
