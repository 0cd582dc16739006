\set uid 1 + (:client_id % 639)
\set upto :upto + 10
WITH w AS (UPDATE floor.upd SET v = v + 1 WHERE id = :client_id RETURNING id)
SELECT count(*) FROM bench_api.floor_ack('[]', 200, :uid, :upto), w;
