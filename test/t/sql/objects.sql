-- The extension's objects with their definitions, attributes, privileges
-- and comments, one sorted text: a fresh install and an updated one must
-- print the same (test/t/003_dump_restore_upgrade.pl).
SELECT line FROM (
	SELECT format('member %s', pg_describe_object(d.classid, d.objid, d.objsubid))
	  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
	 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'groupreceipt'
	UNION ALL
	SELECT format('routine %s kind=%s secdef=%s vol=%s strict=%s par=%s leak=%s config=%s acl=%s lang=%s result=%s comment=%s body=%s',
	              p.oid::regprocedure, p.prokind, p.prosecdef, p.provolatile, p.proisstrict, p.proparallel,
	              p.proleakproof, p.proconfig, p.proacl, l.lanname, pg_get_function_result(p.oid),
	              obj_description(p.oid, 'pg_proc'), md5(p.prosrc || coalesce(p.probin, '')))
	  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
	 WHERE p.pronamespace = 'groupreceipt'::regnamespace
	UNION ALL
	SELECT format('aggregate %s sfunc=%s stype=%s sspace=%s final=%s combine=%s serial=%s deserial=%s',
	              a.aggfnoid::regprocedure, a.aggtransfn, a.aggtranstype::regtype, a.aggtransspace,
	              a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn)
	  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	 WHERE p.pronamespace = 'groupreceipt'::regnamespace
	UNION ALL
	SELECT format('relation %s kind=%s options=%s acl=%s comment=%s', c.relname, c.relkind, c.reloptions,
	              c.relacl, obj_description(c.oid, 'pg_class'))
	  FROM pg_class c WHERE c.relnamespace = 'groupreceipt'::regnamespace
	UNION ALL
	SELECT format('column %s.%s %s notnull=%s default=%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
	              a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid))
	  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
	 WHERE c.relnamespace = 'groupreceipt'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
	UNION ALL
	SELECT format('index %s', pg_get_indexdef(i.indexrelid))
	  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 'groupreceipt'::regnamespace
	UNION ALL
	SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid))
	  FROM pg_constraint WHERE connamespace = 'groupreceipt'::regnamespace
	UNION ALL
	SELECT format('trigger %s', pg_get_triggerdef(t.oid))
	  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'groupreceipt'::regnamespace
	UNION ALL
	SELECT format('dumped %s condition=%s', cfg::regclass, cond)
	  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS u(cfg, cond) WHERE e.extname = 'groupreceipt'
	UNION ALL
	SELECT format('extension %s', extversion) FROM pg_extension WHERE extname = 'groupreceipt'
) x(line) ORDER BY line;
