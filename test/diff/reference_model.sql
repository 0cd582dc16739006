-- A plain-SQL reference model of the groupreceipt contract (DESIGN.md §2),
-- written the obvious way: one row per message x recipient, created at
-- post.  Plus a randomized driver that applies the same operations to the
-- extension (through any schema exposing its API: the extension itself, or
-- a PL/Proxy front) and to the model, and compares every answer.
--
-- Load with \i; then: SELECT * FROM ref.run('groupreceipt', 0.42, 3000, 100);

CREATE SCHEMA ref;

CREATE TABLE ref.members (
	gid bigint, uid bigint, active boolean NOT NULL,
	delivered bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (gid, uid));
CREATE TABLE ref.groups (gid bigint PRIMARY KEY, last bigint NOT NULL);
CREATE TABLE ref.msgs (
	gid bigint, msgid bigint, sender bigint, sent_at timestamptz NOT NULL,
	archived boolean NOT NULL DEFAULT false,
	PRIMARY KEY (gid, msgid));
CREATE TABLE ref.receipts (
	gid bigint, msgid bigint, uid bigint, read boolean NOT NULL DEFAULT false,
	PRIMARY KEY (gid, msgid, uid));
CREATE TABLE ref.mismatches (n serial, op text, ext text, model text);

CREATE FUNCTION ref.last(p_gid bigint) RETURNS bigint LANGUAGE sql STABLE AS
$$ SELECT coalesce((SELECT last FROM ref.groups WHERE gid = p_gid), 0) $$;

CREATE FUNCTION ref.need_member(p_gid bigint, p_uid bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM ref.members WHERE gid = p_gid AND uid = p_uid) THEN
		RAISE EXCEPTION 'never a member' USING ERRCODE = 'undefined_object';
	END IF;
END $$;

CREATE FUNCTION ref.add_members(p_gid bigint, p_uids bigint[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE n integer; r integer;
BEGIN
	UPDATE ref.members SET active = true WHERE gid = p_gid AND uid = ANY (p_uids) AND NOT active;
	GET DIAGNOSTICS r = ROW_COUNT;
	INSERT INTO ref.members (gid, uid, active)
	SELECT DISTINCT p_gid, u, true FROM unnest(p_uids) u
	WHERE NOT EXISTS (SELECT 1 FROM ref.members WHERE gid = p_gid AND uid = u);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n + r;
END $$;

CREATE FUNCTION ref.remove_members(p_gid bigint, p_uids bigint[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
	UPDATE ref.members SET active = false WHERE gid = p_gid AND uid = ANY (p_uids) AND active;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

CREATE FUNCTION ref.members(p_gid bigint) RETURNS SETOF bigint LANGUAGE sql AS
$$ SELECT uid FROM ref.members WHERE gid = p_gid AND active ORDER BY uid $$;

CREATE FUNCTION ref.post(p_gid bigint, p_msgid bigint, p_sender bigint, p_sent_at timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
	IF p_msgid <= 0 THEN
		RAISE EXCEPTION 'not positive' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM ref.need_member(p_gid, p_sender);
	IF NOT (SELECT active FROM ref.members WHERE gid = p_gid AND uid = p_sender) THEN
		RAISE EXCEPTION 'not current' USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	IF p_msgid <= ref.last(p_gid) THEN
		RAISE EXCEPTION 'not increasing' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO ref.msgs VALUES (p_gid, p_msgid, p_sender, p_sent_at);
	INSERT INTO ref.groups VALUES (p_gid, p_msgid) ON CONFLICT (gid) DO UPDATE SET last = p_msgid;
	INSERT INTO ref.receipts (gid, msgid, uid)
	SELECT p_gid, p_msgid, uid FROM ref.members WHERE gid = p_gid AND active AND uid <> p_sender;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

-- post_many: the posts in array order, all or nothing
CREATE FUNCTION ref.post_many(p_gid bigint, p_msgids bigint[], p_senders bigint[], p_sent_at timestamptz[])
RETURNS integer[] LANGUAGE plpgsql AS $$
DECLARE
	res integer[] := '{}';
	i integer;
BEGIN
	IF cardinality(p_msgids) <> cardinality(p_senders) OR cardinality(p_msgids) <> cardinality(p_sent_at) THEN
		RAISE EXCEPTION 'lengths differ' USING ERRCODE = 'array_subscript_error';
	END IF;
	FOR i IN 1 .. cardinality(p_msgids) LOOP
		res := res || ref.post(p_gid, p_msgids[i], p_senders[i], p_sent_at[i]);
	END LOOP;
	RETURN res;
END $$;

CREATE FUNCTION ref.ack(p_gid bigint, p_uid bigint, p_upto bigint)
RETURNS TABLE (sender bigint, msgids bigint[]) LANGUAGE plpgsql AS $$
DECLARE c bigint;
BEGIN
	PERFORM ref.need_member(p_gid, p_uid);
	c := least(p_upto, ref.last(p_gid));
	UPDATE ref.members m SET delivered = greatest(m.delivered, c) WHERE m.gid = p_gid AND m.uid = p_uid;
	-- a batch ack is an explicit ack of every message up to the clamp
	RETURN QUERY SELECT * FROM ref.ack_msgs(p_gid, p_uid,
		ARRAY(SELECT g.msgid FROM ref.msgs g WHERE g.gid = p_gid AND g.msgid <= c));
END $$;

CREATE FUNCTION ref.ack_msgs(p_gid bigint, p_uid bigint, p_msgids bigint[])
RETURNS TABLE (sender bigint, msgids bigint[]) LANGUAGE plpgsql AS $$
BEGIN
	PERFORM ref.need_member(p_gid, p_uid);
	IF EXISTS (SELECT 1 FROM unnest(p_msgids) m
	           WHERE NOT EXISTS (SELECT 1 FROM ref.msgs g WHERE g.gid = p_gid AND g.msgid = m)) THEN
		RAISE EXCEPTION 'unknown message' USING ERRCODE = 'no_data_found';
	END IF;
	-- archived messages are frozen: acks skip them
	RETURN QUERY
	WITH upd AS (
		UPDATE ref.receipts r SET read = true
		WHERE r.gid = p_gid AND r.uid = p_uid AND r.msgid = ANY (p_msgids) AND NOT r.read
		  AND NOT (SELECT archived FROM ref.msgs g WHERE g.gid = p_gid AND g.msgid = r.msgid)
		RETURNING r.msgid)
	SELECT g.sender, array_agg(upd.msgid ORDER BY upd.msgid)
	FROM upd JOIN ref.msgs g ON g.gid = p_gid AND g.msgid = upd.msgid
	GROUP BY g.sender ORDER BY g.sender;
END $$;

CREATE FUNCTION ref.unread_counts(p_gid bigint, p_msgids bigint[])
RETURNS TABLE (msgid bigint, recipients integer, read integer, unread integer) LANGUAGE sql AS $$
	SELECT q.m,
	       CASE WHEN g.msgid IS NULL THEN NULL ELSE (SELECT count(*) FROM ref.receipts r WHERE r.gid = p_gid AND r.msgid = q.m) END::integer,
	       CASE WHEN g.msgid IS NULL THEN NULL ELSE (SELECT count(*) FROM ref.receipts r WHERE r.gid = p_gid AND r.msgid = q.m AND r.read) END::integer,
	       CASE WHEN g.msgid IS NULL THEN NULL ELSE (SELECT count(*) FROM ref.receipts r WHERE r.gid = p_gid AND r.msgid = q.m AND NOT r.read) END::integer
	FROM unnest(p_msgids) WITH ORDINALITY q(m, o)
	LEFT JOIN ref.msgs g ON g.gid = p_gid AND g.msgid = q.m
	ORDER BY q.o
$$;

CREATE FUNCTION ref.list(p_gid bigint, p_msgid bigint, p_read boolean) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM ref.msgs WHERE gid = p_gid AND msgid = p_msgid) THEN
		RAISE EXCEPTION 'unknown message' USING ERRCODE = 'no_data_found';
	END IF;
	RETURN QUERY SELECT uid FROM ref.receipts
	             WHERE gid = p_gid AND msgid = p_msgid AND read = p_read ORDER BY uid;
END $$;

CREATE FUNCTION ref.member_unread(p_gid bigint, p_uid bigint) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
	PERFORM ref.need_member(p_gid, p_uid);
	RETURN (SELECT count(*) FROM ref.receipts r JOIN ref.msgs g USING (gid, msgid)
	         WHERE r.gid = p_gid AND r.uid = p_uid AND NOT r.read AND NOT g.archived);
END $$;

CREATE FUNCTION ref.ack_delivered(p_gid bigint, p_uid bigint, p_upto bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM ref.need_member(p_gid, p_uid);
	UPDATE ref.members SET delivered = greatest(delivered, least(p_upto, ref.last(p_gid)))
	WHERE gid = p_gid AND uid = p_uid;
END $$;

CREATE FUNCTION ref.undelivered(p_gid bigint, p_uid bigint, p_after bigint, p_page integer)
RETURNS SETOF bigint LANGUAGE plpgsql AS $$
BEGIN
	PERFORM ref.need_member(p_gid, p_uid);
	RETURN QUERY
	SELECT r.msgid FROM ref.receipts r JOIN ref.msgs g USING (gid, msgid)
	WHERE r.gid = p_gid AND r.uid = p_uid AND NOT r.read AND NOT g.archived
	  AND r.msgid > greatest((SELECT delivered FROM ref.members WHERE gid = p_gid AND uid = p_uid),
	                         coalesce(p_after, 0))
	ORDER BY r.msgid LIMIT p_page;
END $$;

-- Lifecycle: archive freezes (acks skip archived messages, badges and pulls
-- leave them out), purge and forget delete, drop_group forgets the group.
CREATE FUNCTION ref.archive(p_older interval) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
	UPDATE ref.msgs SET archived = true WHERE NOT archived AND sent_at < now() - p_older;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

CREATE FUNCTION ref.purge(p_older interval) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
	DELETE FROM ref.receipts r USING ref.msgs g
	 WHERE g.gid = r.gid AND g.msgid = r.msgid AND g.archived AND g.sent_at < now() - p_older;
	DELETE FROM ref.msgs WHERE archived AND sent_at < now() - p_older;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

CREATE FUNCTION ref.forget(p_gid bigint, p_msgids bigint[]) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
	DELETE FROM ref.receipts WHERE gid = p_gid AND msgid = ANY (p_msgids);
	DELETE FROM ref.msgs WHERE gid = p_gid AND msgid = ANY (p_msgids);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

CREATE FUNCTION ref.drop_group(p_gid bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM ref.receipts WHERE gid = p_gid;
	DELETE FROM ref.msgs WHERE gid = p_gid;
	DELETE FROM ref.members WHERE gid = p_gid;
	DELETE FROM ref.groups WHERE gid = p_gid;
END $$;

-- Run a query, returning its rows as text, or its SQLSTATE.
CREATE FUNCTION ref.answer(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE t text;
BEGIN
	EXECUTE format('SELECT coalesce(string_agg(x::text, '';''), '''') FROM (%s) x', q) INTO t;
	RETURN t;
EXCEPTION WHEN OTHERS THEN
	RETURN 'ERROR ' || SQLSTATE;
END $$;

CREATE FUNCTION ref.epoch() RETURNS timestamptz LANGUAGE sql IMMUTABLE AS
$$ SELECT timestamptz '2000-01-01 00:00:00+00' $$;

CREATE FUNCTION ref.rand_int(lo bigint, hi bigint) RETURNS bigint LANGUAGE sql AS
$$ SELECT lo + floor(random() * (hi - lo + 1))::bigint $$;

CREATE FUNCTION ref.rand_uids(n integer, pool integer) RETURNS bigint[] LANGUAGE sql AS
$$ SELECT array_agg(ref.rand_int(1, pool)) FROM generate_series(1, n) $$;

-- The driver.  api: schema exposing the extension's API; gid_base: first
-- gid used (3 groups); the uid pool per group is 1..pool.  Returns one row
-- per operation with how many calls were compared and how many differed
-- (details in ref.mismatches).
CREATE FUNCTION ref.run(api text, seed float8, nops integer, gid_base bigint, pool integer DEFAULT 10)
RETURNS TABLE (op text, calls integer, mismatches integer) LANGUAGE plpgsql AS $$
DECLARE
	i integer;
	r float8;
	g bigint;
	u bigint;
	m bigint;
	last bigint;
	ids bigint[];
	page integer;
	older interval;
	opname text;
	qe text;
	qr text;
	e text;
	mo text;
	stats jsonb := '{}';
	bad jsonb := '{}';
BEGIN
	PERFORM setseed(seed);
	FOR i IN 1 .. nops LOOP
		g := gid_base + ref.rand_int(0, 2);
		u := ref.rand_int(1, pool + 1);           -- pool + 1 is never added: never a member
		last := ref.last(g);
		r := random();
		IF r < 0.08 THEN
			opname := 'add_members';
			ids := ref.rand_uids(ref.rand_int(0, 4)::int, pool);
			qe := format('SELECT %I.add_members(%s, %L)', api, g, coalesce(ids, '{}'));
			qr := format('SELECT ref.add_members(%s, %L)', g, coalesce(ids, '{}'));
		ELSIF r < 0.13 THEN
			opname := 'remove_members';
			ids := ref.rand_uids(ref.rand_int(1, 3)::int, pool);
			qe := format('SELECT %I.remove_members(%s, %L)', api, g, ids);
			qr := format('SELECT ref.remove_members(%s, %L)', g, ids);
		ELSIF r < 0.38 AND random() < 0.25 THEN
			-- a batch of 1-4 posts; sometimes a msgid out of order, a
			-- sender who is not (or no longer) a member anywhere in it
			opname := 'post_many';
			ids := ARRAY(SELECT CASE WHEN random() < 0.05 THEN last - ref.rand_int(0, 1) ELSE last + k * 2 END
			               FROM generate_series(1, ref.rand_int(1, 4)) k);
			qe := format('SELECT %I.post_many(%s, %L, %L, %L)', api, g, ids,
			             ARRAY(SELECT CASE WHEN random() < 0.8 THEN u ELSE ref.rand_int(1, pool + 1) END FROM unnest(ids)),
			             ARRAY(SELECT ref.epoch() + make_interval(secs => x) FROM unnest(ids) x));
			qr := replace(qe, format('%I.post_many(', api), 'ref.post_many(');
		ELSIF r < 0.38 THEN
			opname := 'post';
			m := CASE WHEN random() < 0.05 THEN last - ref.rand_int(0, 1) ELSE last + ref.rand_int(1, 3) END;
			-- sent_at follows msgid: message m was sent m seconds after 2000-01-01
			qe := format('SELECT %I.post(%s, %s, %s, %L)', api, g, m, u, ref.epoch() + make_interval(secs => m));
			qr := format('SELECT ref.post(%s, %s, %s, %L)', g, m, u, ref.epoch() + make_interval(secs => m));
		ELSIF r < 0.53 THEN
			opname := 'ack';
			m := last + ref.rand_int(-6, 3);
			qe := format('SELECT * FROM %I.ack(%s, %s, %s)', api, g, u, m);
			qr := format('SELECT * FROM ref.ack(%s, %s, %s)', g, u, m);
		ELSIF r < 0.68 THEN
			opname := 'ack_msgs';
			IF random() < 0.9 THEN
				ids := ARRAY(SELECT msgid FROM ref.msgs WHERE gid = g ORDER BY random() LIMIT ref.rand_int(1, 4));
			ELSE
				ids := ARRAY[last + 1];
			END IF;
			qe := format('SELECT * FROM %I.ack_msgs(%s, %s, %L)', api, g, u, ids);
			qr := format('SELECT * FROM ref.ack_msgs(%s, %s, %L)', g, u, ids);
		ELSIF r < 0.73 THEN
			opname := 'ack_delivered';
			m := last + ref.rand_int(-4, 2);
			qe := format('SELECT %I.ack_delivered(%s, %s, %s)', api, g, u, m);
			qr := format('SELECT ref.ack_delivered(%s, %s, %s)', g, u, m);
		ELSIF r < 0.80 THEN
			opname := 'undelivered';
			m := CASE WHEN random() < 0.5 THEN NULL ELSE ref.rand_int(0, last) END;
			page := ref.rand_int(1, 5);
			qe := format('SELECT * FROM %I.undelivered(%s, %s, %s, %s)', api, g, u, coalesce(m::text, 'NULL'), page);
			qr := format('SELECT * FROM ref.undelivered(%s, %s, %s, %s)', g, u, coalesce(m::text, 'NULL'), page);
		ELSIF r < 0.88 THEN
			opname := 'unread_counts';
			ids := ARRAY(SELECT ref.rand_int(0, last + 2) FROM generate_series(1, ref.rand_int(0, 6)));
			qe := format('SELECT * FROM %I.unread_counts(%s, %L)', api, g, ids);
			qr := format('SELECT * FROM ref.unread_counts(%s, %L)', g, ids);
		ELSIF r < 0.91 THEN
			opname := 'readers';
			m := ref.rand_int(0, last + 1);
			qe := format('SELECT * FROM %I.readers(%s, %s)', api, g, m);
			qr := format('SELECT * FROM ref.list(%s, %s, true)', g, m);
		ELSIF r < 0.94 THEN
			opname := 'non_readers';
			m := ref.rand_int(0, last + 1);
			qe := format('SELECT * FROM %I.non_readers(%s, %s)', api, g, m);
			qr := format('SELECT * FROM ref.list(%s, %s, false)', g, m);
		ELSIF r < 0.955 THEN
			-- archive (whole database) the messages sent before a random
			-- point of the older third of this group's history, or purge
			-- those archived
			opname := CASE WHEN random() < 0.9 THEN 'archive' ELSE 'purge' END;
			older := now() - (ref.epoch() + make_interval(secs => ref.rand_int(0, last / 3)));
			qe := format('SELECT %I.%I(%L)', api, opname, older);
			qr := format('SELECT ref.%I(%L)', opname, older);
		ELSIF r < 0.965 THEN
			opname := 'forget';
			ids := ARRAY(SELECT ref.rand_int(1, last + 1) FROM generate_series(1, ref.rand_int(1, 3)));
			qe := format('SELECT %I.forget(%s, %L)', api, g, ids);
			qr := format('SELECT ref.forget(%s, %L)', g, ids);
		ELSIF r < 0.966 THEN
			opname := 'drop_group';
			qe := format('SELECT %I.drop_group(%s)', api, g);
			qr := format('SELECT ref.drop_group(%s)', g);
		ELSIF r < 0.98 THEN
			opname := 'member_unread';
			qe := format('SELECT %I.member_unread(%s, %s)', api, g, u);
			qr := format('SELECT ref.member_unread(%s, %s)', g, u);
		ELSE
			opname := 'members';
			qe := format('SELECT * FROM %I.members(%s)', api, g);
			qr := format('SELECT * FROM ref.members(%s)', g);
		END IF;

		e := ref.answer(qe);
		mo := ref.answer(qr);
		stats := jsonb_set(stats, ARRAY[opname], to_jsonb(coalesce((stats ->> opname)::int, 0) + 1));
		IF e IS DISTINCT FROM mo THEN
			bad := jsonb_set(bad, ARRAY[opname], to_jsonb(coalesce((bad ->> opname)::int, 0) + 1));
			INSERT INTO ref.mismatches (op, ext, model) VALUES (qe, e, mo);
		END IF;
		-- now and then fold the explicit-read log (answers must not change)
		IF i % 97 = 0 THEN
			PERFORM ref.answer(format('SELECT %I.fold(%s)', api, g));
		END IF;
	END LOOP;
	RETURN QUERY
	SELECT k, (stats ->> k)::int, coalesce((bad ->> k)::int, 0)
	FROM jsonb_object_keys(stats) k ORDER BY k;
END $$;
