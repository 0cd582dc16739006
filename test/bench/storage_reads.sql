-- Who read what in storage_compare.sql's group of :nmembers members and
-- :nmsgs messages, read state :state (nobody | half | everybody): member u
-- is a recipient of message m unless it sent it (the sender's own pair is
-- kept, never read, for the bitmap scheme).  The table reads; the seed is
-- fixed, so every group built from it has the same reads.  Included by
-- storage_compare.sql and storage_marginal.sql.
SELECT setseed(0.125);
DROP TABLE IF EXISTS reads;
CREATE TABLE reads AS
SELECT m, u, u <> (m % :nmembers) + 1 AS recipient,
       u <> (m % :nmembers) + 1 AND CASE :'state' WHEN 'nobody' THEN false WHEN 'everybody' THEN true
                                                  ELSE random() < 0.5 END AS read
FROM generate_series(1, :nmsgs) m, generate_series(1, :nmembers) u;
CREATE INDEX ON reads (u, m) WHERE read;
ANALYZE reads;
