-- The proxy API's privileges (issue 12, item 10): nothing is executable by
-- PUBLIC (on 0.1 any role with USAGE could drop_group, forget, purge and ack
-- on every partition through the USER MAPPING FOR PUBLIC); a role granted
-- EXECUTE uses the API; and an update from 0.1 revokes the same.
SET client_min_messages = warning;
CREATE ROLE gr_proxy_app;
CREATE ROLE gr_proxy_usage_only;
GRANT USAGE ON SCHEMA groupreceipt TO gr_proxy_app, gr_proxy_usage_only;
-- both may use the cluster: only EXECUTE on the functions tells them apart
GRANT USAGE ON FOREIGN SERVER groupreceipt TO gr_proxy_app, gr_proxy_usage_only;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA groupreceipt TO gr_proxy_app;
SELECT p.oid::regprocedure AS executable_by_public FROM pg_proc p
 WHERE p.pronamespace = 'groupreceipt'::regnamespace AND has_function_privilege('public', p.oid, 'EXECUTE');
SET ROLE gr_proxy_usage_only;
\set VERBOSITY sqlstate
SELECT groupreceipt.drop_group(5);
SELECT groupreceipt.forget(5, ARRAY[10]);
SELECT groupreceipt.purge('0');
SELECT * FROM groupreceipt.ack(5, 2, 10);
SELECT groupreceipt.members(5);
\set VERBOSITY default
RESET ROLE;
SET ROLE gr_proxy_app;
SELECT groupreceipt.add_members(901, ARRAY[1, 2]) AS added, groupreceipt.post(901, 1, 1) AS recipients;
SELECT * FROM groupreceipt.ack(901, 2, 1);
SELECT groupreceipt.drop_group(901);
RESET ROLE;
-- an update from 0.1 revokes the same
DROP EXTENSION groupreceipt_proxy;
CREATE EXTENSION groupreceipt_proxy VERSION '0.1';
SELECT count(*) AS executable_by_public_at_0_1 FROM pg_proc p
 WHERE p.pronamespace = 'groupreceipt'::regnamespace AND has_function_privilege('public', p.oid, 'EXECUTE');
ALTER EXTENSION groupreceipt_proxy UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'groupreceipt_proxy';
SELECT count(*) AS executable_by_public_after_update FROM pg_proc p
 WHERE p.pronamespace = 'groupreceipt'::regnamespace AND has_function_privilege('public', p.oid, 'EXECUTE');
-- the updated proxy has the functions of a fresh install (0.3: post_many;
-- no copy of groupreceipt's _check_age)
CREATE TEMP TABLE updated AS
SELECT p.oid::regprocedure::text AS f, obj_description(p.oid, 'pg_proc') AS comment, p.proacl::text AS acl,
       md5(p.prosrc) AS body FROM pg_proc p WHERE p.pronamespace = 'groupreceipt'::regnamespace;
DROP EXTENSION groupreceipt_proxy;
CREATE EXTENSION groupreceipt_proxy;
SELECT count(*) AS functions,
       count(*) FILTER (WHERE f LIKE '%post_many%') AS post_many,
       count(*) FILTER (WHERE f LIKE '%_check_age%') AS check_age FROM updated;
SELECT f AS differs_from_fresh FROM (
  (SELECT * FROM updated
   EXCEPT SELECT p.oid::regprocedure::text, obj_description(p.oid, 'pg_proc'), p.proacl::text, md5(p.prosrc)
            FROM pg_proc p WHERE p.pronamespace = 'groupreceipt'::regnamespace)
  UNION ALL
  (SELECT p.oid::regprocedure::text, obj_description(p.oid, 'pg_proc'), p.proacl::text, md5(p.prosrc)
     FROM pg_proc p WHERE p.pronamespace = 'groupreceipt'::regnamespace
   EXCEPT SELECT * FROM updated)) d;
DROP OWNED BY gr_proxy_app, gr_proxy_usage_only;
DROP ROLE gr_proxy_app, gr_proxy_usage_only;
