-- pg_temp.try(q): run q; 'ok', or its SQLSTATE and message (the error is
-- caught in a subtransaction, so q changes nothing when it fails).
-- Included by the tests that tabulate outcomes (\i, from the top of the
-- source tree, where pg_regress runs).
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
