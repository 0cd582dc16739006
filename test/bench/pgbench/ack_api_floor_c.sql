\set uid 1 + (:client_id % 639)
\set upto :upto + 10
SELECT count(*) FROM bench_api.floor_ack('[]', 200, :uid, :upto);
