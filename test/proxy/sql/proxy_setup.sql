-- Sharding by group on PL/Proxy (issue 7): four partition databases on
-- 127.0.0.1, each with the groupreceipt extension, and this database as the
-- proxy, with the groupreceipt_proxy extension and the cluster defined by
-- PL/Proxy's SQL/MED mechanism.
\set ECHO none
\getenv pgport PGPORT
\getenv pguser PGUSER
\getenv pgpassword PGPASSWORD
\set ECHO all
SELECT format('DROP DATABASE IF EXISTS gr_part%s', p) FROM generate_series(0, 3) p \gexec
SELECT format('CREATE DATABASE gr_part%s', p) FROM generate_series(0, 3) p \gexec
\c gr_part0
CREATE EXTENSION groupreceipt;
\c gr_part1
CREATE EXTENSION groupreceipt;
\c gr_part2
CREATE EXTENSION groupreceipt;
\c gr_part3
CREATE EXTENSION groupreceipt;
\c gr_proxy
CREATE EXTENSION groupreceipt_proxy CASCADE;
SELECT extname FROM pg_extension WHERE extname LIKE '%proxy%' ORDER BY 1;

-- the cluster: p0..p3 (connection strings carry the port; the password is
-- in the user mapping)
\set ECHO none
SELECT format('CREATE SERVER groupreceipt FOREIGN DATA WRAPPER plproxy OPTIONS (connection_lifetime %L, %s)',
              '1800',
              string_agg(format('p%s %L', p, format('dbname=gr_part%s host=127.0.0.1 port=%s', p, :'pgport')), ', '))
  FROM generate_series(0, 3) p \gexec
SELECT format('CREATE USER MAPPING FOR PUBLIC SERVER groupreceipt OPTIONS (user %L, password %L)',
              :'pguser', :'pgpassword') \gexec
\set ECHO all
SELECT srvname, array_length(srvoptions, 1) AS options FROM pg_foreign_server;
-- every partition answers (gids 1-16 reach all four)
SELECT groupreceipt.partition_of(g) AS partition_db, count(*) AS gids
  FROM generate_series(1, 16) g GROUP BY 1 ORDER BY 1;
