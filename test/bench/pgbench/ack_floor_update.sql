\set upto :upto + 10
UPDATE floor.upd SET v = v + 1 WHERE id = :client_id;
