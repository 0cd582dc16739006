-- Proxy database setup for the sharding benchmark: the cluster of four
-- partitions gr_part0..3 on this server (psql variables: port, user, password).
CREATE EXTENSION groupreceipt_proxy CASCADE;
SELECT format('CREATE SERVER groupreceipt FOREIGN DATA WRAPPER plproxy OPTIONS (connection_lifetime %L, %s)',
              '1800',
              string_agg(format('p%s %L', p, format('dbname=gr_part%s host=127.0.0.1 port=%s', p, :'port')), ', '))
  FROM generate_series(0, 3) p \gexec
SELECT format('CREATE USER MAPPING FOR PUBLIC SERVER groupreceipt OPTIONS (user %L, password %L)',
              :'user', :'password') \gexec
