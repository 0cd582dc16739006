/*
 * receipts_spi.c
 *	  The receipts engine's statements (prepared once per backend and kept),
 *	  row accessors, lookups raising the product's errors, argument checks,
 *	  and the per-sender result builder shared by ack and ack_msgs.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "receipts.h"

typedef struct StmtDef
{
	const char *sql;
	int			nargs;
	Oid			argtypes[7];
} StmtDef;

/*
 * Every statement is schema-qualified and runs under the entry points'
 * "SET search_path = pg_catalog, pg_temp", so operators resolve to
 * pg_catalog's whatever the caller's search_path.
 */
/* ack_msgs' statement after its reader CTE (mem): both storages */
#define ACK_MSGS_LIVE_REST \
		"     msg AS (SELECT m.msgid, m.sender, m.sender_slot, m.read, s.members AS snap" \
		"             FROM groupreceipt.messages m" \
		"             JOIN groupreceipt.snapshots s ON s.gid = m.gid AND s.snap_id = m.snap_id" \
		"             WHERE m.gid = $1 AND m.msgid = ANY ($3))," \
		"     ins AS (INSERT INTO groupreceipt.read_log (gid, msgid, slot)" \
		"             SELECT $1, msg.msgid, mem.slot FROM msg, mem" \
		"             WHERE msg.msgid > mem.read_upto AND msg.sender_slot <> mem.slot" \
		"               AND msg.snap OPERATOR(groupreceipt.@>) mem.slot" \
		"               AND NOT msg.read OPERATOR(groupreceipt.@>) mem.slot" \
		"               AND NOT EXISTS (SELECT 1 FROM groupreceipt.read_log l" \
		"                               WHERE l.gid = $1 AND l.msgid = msg.msgid AND l.slot = mem.slot)" \
		"               AND (SELECT count(*) FROM msg) = cardinality($3)" \
		"             ON CONFLICT DO NOTHING RETURNING msgid)" \
		" SELECT (SELECT slot FROM mem), f.msgids, f.senders, (SELECT array_agg(msgid) FROM ins)" \
		" FROM (SELECT array_agg(msgid ORDER BY msgid) AS msgids," \
		"              array_agg(sender ORDER BY msgid) AS senders FROM msg) f"

/* batch ack's report: the messages in ($4, $3] slot $5 received and had not read */
#define ACK_RANGE_REPORT \
		" SELECT array_agg(m.msgid), array_agg(m.sender)" \
		" FROM groupreceipt.messages m" \
		" JOIN groupreceipt.snapshots s ON s.gid = m.gid AND s.snap_id = m.snap_id" \
		" WHERE m.gid = $1 AND m.msgid > $4 AND m.msgid <= $3 AND m.sender_slot <> $5" \
		"   AND s.members OPERATOR(groupreceipt.@>) $5" \
		"   AND NOT m.read OPERATOR(groupreceipt.@>) $5" \
		"   AND NOT EXISTS (SELECT 1 FROM groupreceipt.read_log l" \
		"                   WHERE l.gid = $1 AND l.msgid = m.msgid AND l.slot = $5)"

static const StmtDef stmt_defs[STMT_COUNT_] = {
	[STMT_MEMBER] = {
		"SELECT active FROM groupreceipt.members WHERE gid = $1 AND uid = $2",
		2, {INT8OID, INT8OID}
	},
	/*
	 * The fast path of post.  The update of the group row re-checks its
	 * quals on the newest row version when it had to wait (EvalPlanQual),
	 * but the membership test in m runs on the statement's snapshot: so the
	 * update also requires the group's snapshot id to be the one the
	 * statement saw (s).  Any membership change since then set it to NULL
	 * and the next post to a new id, and the post falls back to
	 * post_diagnose, which decides under the row lock in a fresh snapshot.
	 */
	[STMT_POST] = {
		"WITH m AS (SELECT slot FROM groupreceipt.members"
		"           WHERE gid = $1 AND uid = $3 AND active),"
		"     s AS (SELECT snap_id FROM groupreceipt.groups WHERE gid = $1),"
		"     g AS (UPDATE groupreceipt.groups SET last_msgid = $2"
		"           WHERE gid = $1 AND last_msgid < $2 AND snap_id = (SELECT snap_id FROM s)"
		"             AND EXISTS (SELECT 1 FROM m)"
		"           RETURNING snap_id, snap_size)"
		" INSERT INTO groupreceipt.messages (gid, msgid, sender, sender_slot, snap_id, sent_at)"
		" SELECT $1, $2, $3, m.slot, g.snap_id, $4 FROM g, m"
		" RETURNING (SELECT snap_size FROM g)",
		4, {INT8OID, INT8OID, INT8OID, TIMESTAMPTZOID}
	},
	[STMT_GROUP_LOCK] = {
		"SELECT last_msgid, snap_id, next_snap_id FROM groupreceipt.groups"
		" WHERE gid = $1 FOR UPDATE",
		1, {INT8OID}
	},
	[STMT_NEW_SNAPSHOT] = {
		"INSERT INTO groupreceipt.snapshots (gid, snap_id, members)"
		" SELECT $1, $2, groupreceipt.bitmap_agg(slot) FROM groupreceipt.members"
		" WHERE gid = $1 AND active"
		" RETURNING groupreceipt.bitmap_count(members)",
		2, {INT8OID, INT4OID}
	},
	/* the snapshot built once: stored as its bytes, its size counted from the bitmap */
	[STMT_NEW_SNAPSHOT_ROW] = {
		"WITH b AS (SELECT groupreceipt.bitmap_agg(slot) AS members FROM groupreceipt.members"
		"           WHERE gid = $1 AND active)"
		" INSERT INTO groupreceipt.store (gid, kind, key, sub, payload)"
		" SELECT $1, 'S', $2, 0, groupreceipt.bitmap_to_bytea(b.members) FROM b"
		" RETURNING (SELECT groupreceipt.bitmap_count(b.members) FROM b)",
		2, {INT8OID, INT4OID}
	},
	[STMT_SET_SNAPSHOT] = {
		"UPDATE groupreceipt.groups SET snap_id = $2, snap_size = $3, next_snap_id = $2 + 1"
		" WHERE gid = $1",
		3, {INT8OID, INT4OID, INT4OID}
	},
	/* pre-0.3 storage: the SQL fold of its version (0.3 on: receipts_fold.c) */
	[STMT_FOLD] = {
		"SELECT groupreceipt.fold($1)",
		1, {INT8OID}
	},
	/*
	 * fold's writes (receipts_fold.c).  The read log of messages $2: one
	 * update per message, its pending bits merged into its bitmap or, when
	 * they make it fully read, the bitmap dropped (NULL).  unread_counts
	 * runs on the statement's snapshot, where the log rows the statement
	 * deletes still count as reads.
	 */
	[STMT_FOLD_READS] = {
		"WITH c AS (SELECT c.msgid, c.unread FROM groupreceipt.unread_counts($1, $2) c),"
		"     d AS (DELETE FROM groupreceipt.read_log l"
		"           WHERE l.gid = $1 AND l.msgid = ANY ($2)"
		"           RETURNING l.msgid, l.slot),"
		"     bits AS (SELECT d.msgid, groupreceipt.bitmap_agg(d.slot) AS b FROM d GROUP BY d.msgid)"
		" UPDATE groupreceipt.messages g"
		"    SET read = CASE WHEN c.unread = 0 THEN NULL"
		"                    ELSE g.read OPERATOR(groupreceipt.|) bits.b END"
		"   FROM bits JOIN c ON c.msgid = bits.msgid"
		"  WHERE g.gid = $1 AND g.msgid = bits.msgid",
		2, {INT8OID, INT8ARRAYOID}
	},
	/*
	 * The group row for the sweep's position, unless a post or a membership
	 * change holds it: a fold runs inside acks that hold their member's
	 * row, and waiting here for a membership change that waits for that
	 * member row would deadlock (the next fold sweeps again).
	 */
	[STMT_FOLD_TRY_LOCK_GROUP] = {
		"SELECT 1 FROM groupreceipt.groups WHERE gid = $1 FOR NO KEY UPDATE SKIP LOCKED",
		1, {INT8OID}
	},
	[STMT_FOLD_SWEPT] = {
		"UPDATE groupreceipt.groups SET compacted_upto = $2 WHERE gid = $1",
		2, {INT8OID, INT8OID}
	},
	/*
	 * The group's batch acks into members.read_upto (and delivered_upto:
	 * read implies delivered).  Member rows locked by others (an ack, a
	 * membership change or ack_delivered in an open transaction) are
	 * skipped with their log rows, left for the next fold.  Returns a row
	 * per member whose watermark moved: its slot and new watermark (0.7.1:
	 * fold applies them to the W row instead of reading the roster).
	 */
	[STMT_FOLD_ACKS] = {
		"WITH mine AS ("
		"     SELECT m.slot FROM groupreceipt.members m"
		"      WHERE m.gid = $1"
		"        AND m.slot = ANY (ARRAY(SELECT DISTINCT a.slot FROM groupreceipt.ack_log a"
		"                                WHERE a.gid = $1))"
		"        FOR NO KEY UPDATE SKIP LOCKED),"
		"     d AS (DELETE FROM groupreceipt.ack_log a USING mine"
		"           WHERE a.gid = $1 AND a.slot = mine.slot"
		"           RETURNING a.slot, a.upto),"
		"     mx AS (SELECT d.slot, max(d.upto) AS upto FROM d GROUP BY d.slot)"
		" UPDATE groupreceipt.members m"
		"    SET read_upto = greatest(m.read_upto, mx.upto),"
		"        delivered_upto = greatest(m.delivered_upto, mx.upto)"
		"   FROM mx"
		"  WHERE m.gid = $1 AND m.slot = mx.slot AND m.read_upto < mx.upto"
		" RETURNING m.slot, m.read_upto",
		1, {INT8OID}
	},
	/*
	 * 0.8: STMT_FOLD_READS, STMT_FOLD_ACKS and STMT_FOLD_SEALED_READS with
	 * the logs as rows of store: (gid, 'L', msgid, slot), (gid, 'K', slot,
	 * upto); the same statements otherwise
	 */
	[STMT_FOLD_READS_V08] = {
		"WITH c AS (SELECT c.msgid, c.unread FROM groupreceipt.unread_counts($1, $2) c),"
		"     d AS (DELETE FROM groupreceipt.store l"
		"           WHERE l.gid = $1 AND l.kind = 'L' AND l.key = ANY ($2)"
		"           RETURNING l.key AS msgid, l.sub::int4 AS slot),"
		"     bits AS (SELECT d.msgid, groupreceipt.bitmap_agg(d.slot) AS b FROM d GROUP BY d.msgid)"
		" UPDATE groupreceipt.messages g"
		"    SET read = CASE WHEN c.unread = 0 THEN NULL"
		"                    ELSE g.read OPERATOR(groupreceipt.|) bits.b END"
		"   FROM bits JOIN c ON c.msgid = bits.msgid"
		"  WHERE g.gid = $1 AND g.msgid = bits.msgid",
		2, {INT8OID, INT8ARRAYOID}
	},
	[STMT_FOLD_ACKS_V08] = {
		"WITH mine AS ("
		"     SELECT m.slot FROM groupreceipt.members m"
		"      WHERE m.gid = $1"
		"        AND m.slot = ANY (ARRAY(SELECT DISTINCT a.key::int4 FROM groupreceipt.store a"
		"                                WHERE a.gid = $1 AND a.kind = 'K'))"
		"        FOR NO KEY UPDATE SKIP LOCKED),"
		"     d AS (DELETE FROM groupreceipt.store a USING mine"
		"           WHERE a.gid = $1 AND a.kind = 'K' AND a.key = mine.slot"
		"           RETURNING a.key::int4 AS slot, a.sub AS upto),"
		"     mx AS (SELECT d.slot, max(d.upto) AS upto FROM d GROUP BY d.slot)"
		" UPDATE groupreceipt.members m"
		"    SET read_upto = greatest(m.read_upto, mx.upto),"
		"        delivered_upto = greatest(m.delivered_upto, mx.upto)"
		"   FROM mx"
		"  WHERE m.gid = $1 AND m.slot = mx.slot AND m.read_upto < mx.upto"
		" RETURNING m.slot, m.read_upto",
		1, {INT8OID}
	},
	/*
	 * 0.10: the roster holds no watermark -- the group's K rows are deleted
	 * and returned, the highest per slot, for fold to raise the W row with.
	 * No member row is locked: an ack reads its reader's W entry and K rows
	 * in one snapshot, which sees this statement's delete and the W row
	 * written with it (one transaction) entirely or not at all.
	 */
	[STMT_FOLD_ACKS_V10] = {
		"WITH d AS (DELETE FROM groupreceipt.store a"
		"           WHERE a.gid = $1 AND a.kind = 'K'"
		"           RETURNING a.key::int4 AS slot, a.sub AS upto)"
		" SELECT d.slot, max(d.upto) FROM d GROUP BY d.slot",
		1, {INT8OID}
	},
	[STMT_FOLD_SEALED_READS_V08] = {
		"WITH c AS (SELECT c.msgid, c.unread FROM groupreceipt.unread_counts($1, $2) c),"
		"     d AS (DELETE FROM groupreceipt.store l"
		"           WHERE l.gid = $1 AND l.kind = 'L' AND l.key = ANY ($2)"
		"           RETURNING l.key AS msgid, l.sub::int4 AS slot)"
		" SELECT d.msgid, d.slot, c.unread FROM d JOIN c ON c.msgid = d.msgid"
		" ORDER BY d.msgid, d.slot",
		2, {INT8OID, INT8ARRAYOID}
	},
	/* 0.3 storage: roster size and rows in one statement (one snapshot) */
	[STMT_FOLD_VECTOR] = {
		"INSERT INTO groupreceipt.watermarks AS w (gid, wms)"
		" SELECT $1, groupreceipt._watermark_vector($1, g.next_slot)"
		"   FROM groupreceipt.groups g WHERE g.gid = $1"
		" ON CONFLICT (gid) DO UPDATE SET wms = excluded.wms",
		1, {INT8OID}
	},
	/* 0.4 storage: the packed row, built from the roster in C */
	[STMT_FOLD_VECTORS] = {
		"INSERT INTO groupreceipt.watermarks AS w (gid, wms, uids) VALUES ($1, $2, $3)"
		" ON CONFLICT (gid) DO UPDATE SET wms = excluded.wms, uids = excluded.uids",
		3, {INT8OID, INT8ARRAYOID, INT8ARRAYOID}
	},
	/* 0.6 storage: the packed row as the W row of store, encoded in C */
	[STMT_FOLD_VECTOR_ROW] = {
		"INSERT INTO groupreceipt.store AS s (gid, kind, key, sub, payload) VALUES ($1, 'W', 0, 0, $2)"
		" ON CONFLICT (gid, kind, key, sub) DO UPDATE SET payload = excluded.payload",
		2, {INT8OID, BYTEAOID}
	},
	/*
	 * 0.5: the pending explicit reads of sealed messages $2, deleted and
	 * returned with each message's unread count in the same snapshot (it
	 * counts them); fold merges them into the blocks.
	 */
	[STMT_FOLD_SEALED_READS] = {
		"WITH c AS (SELECT c.msgid, c.unread FROM groupreceipt.unread_counts($1, $2) c),"
		"     d AS (DELETE FROM groupreceipt.read_log l"
		"           WHERE l.gid = $1 AND l.msgid = ANY ($2)"
		"           RETURNING l.msgid, l.slot)"
		" SELECT d.msgid, d.slot, c.unread FROM d JOIN c ON c.msgid = d.msgid"
		" ORDER BY d.msgid, d.slot",
		2, {INT8OID, INT8ARRAYOID}
	},
	/* 0.5: which of the messages $2 every recipient has read */
	[STMT_FULLY_READ] = {
		"SELECT c.msgid FROM groupreceipt.unread_counts($1, $2) c WHERE c.unread = 0 ORDER BY c.msgid",
		2, {INT8OID, INT8ARRAYOID}
	},
	/* 0.5: sealed block rows (receipts_blocks.c) */
	[STMT_BLOCK_INSERT] = {
		"INSERT INTO groupreceipt.store (gid, kind, key, sub, payload) VALUES ($1, $5, $2, $3, $4)",
		5, {INT8OID, INT8OID, INT8OID, BYTEAOID, CHAROID}
	},
	[STMT_BLOCK_UPDATE] = {
		"UPDATE groupreceipt.store SET payload = $3 WHERE gid = $1 AND kind = 'B' AND key = $2",
		3, {INT8OID, INT8OID, BYTEAOID}
	},
	[STMT_BLOCK_DELETE] = {
		"DELETE FROM groupreceipt.store WHERE gid = $1 AND kind = $3 AND key = $2",
		3, {INT8OID, INT8OID, CHAROID}
	},
	[STMT_SEAL_TAIL_DELETE] = {
		"DELETE FROM groupreceipt.messages WHERE gid = $1 AND msgid >= $2 AND msgid <= $3",
		3, {INT8OID, INT8OID, INT8OID}
	},
	/* messages $2 whose every recipient has read them lose their bits */
	[STMT_COMPACT] = {
		"UPDATE groupreceipt.messages g SET read = NULL"
		"  FROM groupreceipt.unread_counts($1, $2) c"
		" WHERE g.gid = $1 AND g.msgid = c.msgid AND c.unread = 0 AND g.read IS NOT NULL",
		2, {INT8OID, INT8ARRAYOID}
	},
	/*
	 * ack_msgs through SPI, on pre-0.3 storage only (0.3 and later: the
	 * direct path, receipts_direct_ack.c).  The reader's row locked (a wait
	 * gives the newest version of the row, whose read_upto a batch ack
	 * updated), the messages with their snapshots, and the insert of the
	 * log rows for messages the reader received and has not read -- only
	 * when all of them were found (else the caller drops the archived ones
	 * and runs it again; what is still not found was never posted).
	 * Returns the reader's slot (NULL: never a member), the msgids found
	 * with their senders, aligned and ascending, and the msgids that became
	 * read.  A log row is inserted only when none is visible: a fold that
	 * deleted it and set the bit is either entirely in this statement's
	 * snapshot (bit seen) or not at all (row seen).
	 */
	[STMT_ACK_MSGS_LIVE_PRE03] = {
		"WITH mem AS (SELECT slot, read_upto FROM groupreceipt.members"
		"             WHERE gid = $1 AND uid = $2 FOR NO KEY UPDATE),"
		ACK_MSGS_LIVE_REST,
		3, {INT8OID, INT8OID, INT8ARRAYOID}
	},
	/* pre-0.3 storage: the roster row, locked (its watermark is updated) */
	[STMT_ACK_LOCK_PRE03] = {
		"SELECT m.slot, g.last_msgid, g.next_slot, m.read_upto"
		" FROM groupreceipt.members m JOIN groupreceipt.groups g ON g.gid = m.gid"
		" WHERE m.gid = $1 AND m.uid = $2 FOR UPDATE OF m",
		2, {INT8OID, INT8OID}
	},
	/* pre-0.3 storage: the reader's roster row is updated */
	[STMT_ACK_RANGE_PRE03] = {
		"WITH upd AS (UPDATE groupreceipt.members"
		"             SET read_upto = $3, delivered_upto = greatest(delivered_upto, $3)"
		"             WHERE gid = $1 AND uid = $2)"
		ACK_RANGE_REPORT,
		5, {INT8OID, INT8OID, INT8OID, INT8OID, INT4OID}
	},
	/* the archiving trigger's sampled work (receipts_trigger.c) */
	[STMT_ARCHIVE_SAMPLED] = {
		"SELECT groupreceipt._archive_sampled($1)",
		1, {INT8OID}
	},
	[STMT_ARCHIVED_COUNTS] = {
		"SELECT msgid, recipients, read FROM groupreceipt.archived_messages"
		" WHERE gid = $1 AND msgid = ANY ($2) ORDER BY msgid",
		2, {INT8OID, INT8ARRAYOID}
	},
	[STMT_ARCHIVED_ONE] = {
		"SELECT a.sender_slot, a.unread, s.members"
		" FROM groupreceipt.archived_messages a"
		" JOIN groupreceipt.snapshots s ON s.gid = a.gid AND s.snap_id = a.snap_id"
		" WHERE a.gid = $1 AND a.msgid = $2",
		2, {INT8OID, INT8OID}
	},
	[STMT_ARCHIVED_ONE_ROW] = {
		"SELECT a.sender_slot, a.unread, groupreceipt._snapshot_members(a.gid, s.key, s.payload)"
		" FROM groupreceipt.archived_messages a"
		" JOIN groupreceipt.store s"
		"   ON s.gid = a.gid AND s.kind = 'S' AND s.key = a.snap_id AND s.sub = 0"
		" WHERE a.gid = $1 AND a.msgid = $2",
		2, {INT8OID, INT8OID}
	},
	/* post_many (receipts_post_many.c) */
	[STMT_POST_MANY_LOCK] = {
		"SELECT last_msgid, snap_id, snap_size, next_snap_id FROM groupreceipt.groups"
		" WHERE gid = $1 FOR UPDATE",
		1, {INT8OID}
	},
	[STMT_SENDER_SLOTS] = {
		"SELECT uid, slot, active FROM groupreceipt.members WHERE gid = $1 AND uid = ANY ($2)",
		2, {INT8OID, INT8ARRAYOID}
	},
	/* $2 snapshot, $3 newest msgid, $4..$7 msgids, senders, slots, sent_at */
	[STMT_POST_MANY] = {
		"WITH g AS (UPDATE groupreceipt.groups SET last_msgid = $3 WHERE gid = $1)"
		" INSERT INTO groupreceipt.messages (gid, msgid, sender, sender_slot, snap_id, sent_at)"
		" SELECT $1, u.m, u.s, u.sl, $2, u.t FROM unnest($4, $5, $6, $7) AS u(m, s, sl, t)",
		7, {INT8OID, INT4OID, INT8OID, INT8ARRAYOID, INT8ARRAYOID, INT4ARRAYOID, TIMESTAMPTZARRAYOID}
	},
	[STMT_POST_MANY_NOW] = {
		"WITH g AS (UPDATE groupreceipt.groups SET last_msgid = $3 WHERE gid = $1)"
		" INSERT INTO groupreceipt.messages (gid, msgid, sender, sender_slot, snap_id, sent_at)"
		" SELECT $1, u.m, u.s, u.sl, $2, now() FROM unnest($4, $5, $6) AS u(m, s, sl)",
		6, {INT8OID, INT4OID, INT8OID, INT8ARRAYOID, INT8ARRAYOID, INT4ARRAYOID}
	},
};

static SPIPlanPtr plans[STMT_COUNT_];

static SPIPlanPtr
get_plan(ReceiptsStmt stmt)
{
	if (plans[stmt] == NULL)
	{
		const StmtDef *d = &stmt_defs[stmt];
		SPIPlanPtr	p;

		/*
		 * Always the generic plan: every statement leads with an equality on
		 * gid and is served by a primary key, and re-planning the larger
		 * statements on every call costs more than running them.
		 */
		p = SPI_prepare_cursor(d->sql, d->nargs, (Oid *) d->argtypes,
							   CURSOR_OPT_GENERIC_PLAN);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s", d->sql,
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_keepplan failed");
		plans[stmt] = p;
	}
	return plans[stmt];
}

int
receipts_exec(ReceiptsStmt stmt, Datum *values, bool read_only, long count)
{
	int			rc = SPI_execute_plan(get_plan(stmt), values, NULL, read_only, count);

	if (rc < 0)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	return rc;
}

/* ---- row accessors on SPI_tuptable (columns are 1-based) ---- */

static Datum
spi_value(int row, int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

bool
spi_isnull(int row, int col)
{
	bool		isnull;

	(void) spi_value(row, col, &isnull);
	return isnull;
}

/*
 * The statements read these only from NOT NULL columns (or values derived
 * from them): a NULL is a bug or a damaged row, never "zero".
 */
static void
spi_unexpected_null(int row, int col)
{
	elog(ERROR, "unexpected NULL in column %d of row %d of \"%s\"", col, row,
		 SPI_fname(SPI_tuptable->tupdesc, col));
}

bool
spi_bool(int row, int col)
{
	bool		isnull;
	Datum		d = spi_value(row, col, &isnull);

	if (isnull)
		spi_unexpected_null(row, col);
	return DatumGetBool(d);
}

int64
spi_int8(int row, int col)
{
	bool		isnull;
	Datum		d = spi_value(row, col, &isnull);

	if (isnull)
		spi_unexpected_null(row, col);
	return DatumGetInt64(d);
}

int32
spi_int4(int row, int col)
{
	bool		isnull;
	Datum		d = spi_value(row, col, &isnull);

	if (isnull)
		spi_unexpected_null(row, col);
	return DatumGetInt32(d);
}

Bitmap *
spi_bitmap(int row, int col)
{
	bool		isnull;
	Datum		d = spi_value(row, col, &isnull);

	if (isnull)
		return NULL;
	/* detoast (and copy) into the current context: the tuple table is freed */
	return (Bitmap *) PG_DETOAST_DATUM_COPY(d);
}

/* Elements of an int4[] / int8[] column of the first result row (NULL: none). */
Datum *
spi_array(int col, Oid elemtype, int *n)
{
	bool		isnull;
	Datum		d = spi_value(0, col, &isnull);
	Datum	   *elems;

	*n = 0;
	if (isnull)
		return NULL;
	if (elemtype == INT8OID)
		deconstruct_array(DatumGetArrayTypeP(d), INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
						  TYPALIGN_DOUBLE, &elems, NULL, n);
	else
		deconstruct_array(DatumGetArrayTypeP(d), INT4OID, sizeof(int32), true,
						  TYPALIGN_INT, &elems, NULL, n);
	return elems;
}

/*
 * (sender, msgid) pairs from two aligned int8[] columns of the first
 * result row (NULL arrays: none).
 */
SenderMsg *
spi_sender_msgs(int msgid_col, int sender_col, int *n)
{
	int			nmsgids,
				nsenders,
				i;
	Datum	   *msgids = spi_array(msgid_col, INT8OID, &nmsgids);
	Datum	   *senders = spi_array(sender_col, INT8OID, &nsenders);
	SenderMsg  *pairs;

	if (nmsgids != nsenders)
		elog(ERROR, "%d msgids but %d senders", nmsgids, nsenders);
	pairs = palloc(Max(nmsgids, 1) * sizeof(SenderMsg));
	for (i = 0; i < nmsgids; i++)
	{
		pairs[i].sender = DatumGetInt64(senders[i]);
		pairs[i].msgid = DatumGetInt64(msgids[i]);
	}
	*n = nmsgids;
	return pairs;
}

void
snapcache_put(SnapCache *c, int32 snap_id, Bitmap *b)
{
	int			i;

	for (i = 0; i < c->n; i++)
		if (c->ids[i] == snap_id)
			return;
	if (c->n == c->cap)
	{
		c->cap = c->cap ? c->cap * 2 : 4;
		c->ids = c->ids ? repalloc(c->ids, c->cap * sizeof(int32)) : palloc(c->cap * sizeof(int32));
		c->maps = c->maps ? repalloc(c->maps, c->cap * sizeof(Bitmap *)) : palloc(c->cap * sizeof(Bitmap *));
	}
	c->ids[c->n] = snap_id;
	c->maps[c->n] = b;
	c->n++;
}

/* ---- lookups ---- */

bool
receipts_member_is_active(int64 gid, int64 uid)
{
	Datum		args[2] = {Int64GetDatum(gid), Int64GetDatum(uid)};
	bool		isnull;

	/* in a new snapshot: sees membership changes committed meanwhile */
	receipts_exec(STMT_MEMBER, args, false, 1);
	if (SPI_processed == 0)
		receipts_never_member(gid, uid);
	return DatumGetBool(spi_value(0, 1, &isnull));
}

Bitmap *
snapcache_get(SnapCache *c, int64 gid, int32 snap_id)
{
	int			i;

	/* every snapshot arrives with the messages that use it */
	for (i = 0; i < c->n; i++)
		if (c->ids[i] == snap_id)
			return c->maps[i];
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("snapshot %d of group " INT64_FORMAT " is missing", snap_id, gid)));
	return NULL;				/* keep compiler quiet */
}

/* ---- arguments ---- */

int64 *
receipts_id_array(ArrayType *arr, const char *what, int64 gid, int *n)
{
	return receipts_id_array_max(arr, what, gid, RECEIPTS_MAX_BATCH, n);
}

/* The elements of an int8[] argument: no NULLs, at most max of them. */
int64 *
receipts_id_array_max(ArrayType *arr, const char *what, int64 gid, int max, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	int64	   *ids;
	int			i;
	int			nitems = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));

	if (nitems > max)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("array of %s for group " INT64_FORMAT " has %d elements", what, gid, nitems),
				 errdetail("At most %d elements are accepted per call.", max),
				 errhint("Split the array into batches.")));
	deconstruct_array(arr, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, n);
	ids = palloc(Max(*n, 1) * sizeof(int64));
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("array of %s for group " INT64_FORMAT " contains NULL", what, gid),
					 errdetail("Element %d is NULL.", i + 1)));
		ids[i] = DatumGetInt64(elems[i]);
	}
	return ids;
}

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

void
receipts_sort_ids(int64 *ids, int n)
{
	if (n > 1)
		qsort(ids, n, sizeof(int64), cmp_int64);
}

int
receipts_sort_unique(int64 *ids, int n)
{
	int			i,
				k = 0;

	if (n == 0)
		return 0;
	receipts_sort_ids(ids, n);
	for (i = 1; i < n; i++)
		if (ids[i] != ids[k])
			ids[++k] = ids[i];
	return k + 1;
}

/*
 * How many of n elements of size bytes each, ascending by the int64 at
 * key_offset in each element, are below key: the one binary search behind
 * receipts_lower_bound, receipts_find_id and receipts_find_msg.
 */
#define KEY_AT(p, i, size, off) (*(const int64 *) ((const char *) (p) + (size_t) (i) * (size) + (off)))
static int
lower_bound_int64_key(const void *base, int n, size_t size, size_t key_offset, int64 key)
{
	int			lo = 0,
				hi = n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (KEY_AT(base, mid, size, key_offset) < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Position of key among the elements, or -1. */
static int
find_int64_key(const void *base, int n, size_t size, size_t key_offset, int64 key)
{
	int			lo = lower_bound_int64_key(base, n, size, key_offset, key);

	return (lo < n && KEY_AT(base, lo, size, key_offset) == key) ? lo : -1;
}
#undef KEY_AT

/* How many of n ascending values are below key (the position of the first >= key). */
int
receipts_lower_bound(const int64 *sorted, int n, int64 key)
{
	return lower_bound_int64_key(sorted, n, sizeof(int64), 0, key);
}

/* Position of key in ascending ids, or -1. */
int
receipts_find_id(const int64 *sorted, int n, int64 key)
{
	return find_int64_key(sorted, n, sizeof(int64), 0, key);
}

/* Position of the row of msgid in rows ascending by msgid, or -1. */
int
receipts_find_msg(const MsgRow *rows, int n, int64 msgid)
{
	return find_int64_key(rows, n, sizeof(MsgRow), offsetof(MsgRow, msgid), msgid);
}

/* An int8[] datum of ids (the statements' msgid arrays). */
Datum
receipts_int8_array(const int64 *ids, int n)
{
	Datum	   *elems = palloc(Max(n, 1) * sizeof(Datum));
	int			i;

	for (i = 0; i < n; i++)
		elems[i] = Int64GetDatum(ids[i]);
	return PointerGetDatum(construct_array(elems, n, INT8OID, sizeof(int64),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* An int4[] datum (post_many's sender slots). */
Datum
receipts_int4_array(const int32 *vals, int n)
{
	Datum	   *elems = palloc(Max(n, 1) * sizeof(Datum));
	int			i;

	for (i = 0; i < n; i++)
		elems[i] = Int32GetDatum(vals[i]);
	return PointerGetDatum(construct_array(elems, n, INT4OID, sizeof(int32), true, TYPALIGN_INT));
}

void
receipts_never_member(int64 gid, int64 uid)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("uid " INT64_FORMAT " was never a member of group " INT64_FORMAT, uid, gid)));
}

void
receipts_missing_message(int64 gid, int64 msgid)
{
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("message " INT64_FORMAT " was never posted in group " INT64_FORMAT, msgid, gid)));
}

/* ---- (sender, msgids[]) results ---- */

static int
cmp_sender_msg(const void *a, const void *b)
{
	const SenderMsg *x = a;
	const SenderMsg *y = b;

	if (x->sender != y->sender)
		return (x->sender > y->sender) - (x->sender < y->sender);
	return (x->msgid > y->msgid) - (x->msgid < y->msgid);
}

void
receipts_emit_per_sender(FunctionCallInfo fcinfo, int64 gid, int64 reader, SenderMsg *pairs, int n)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i = 0;
	int64	   *ids;

	if (n == 0)
		return;
	qsort(pairs, n, sizeof(SenderMsg), cmp_sender_msg);
	ids = palloc(n * sizeof(int64));
	while (i < n)
	{
		int			j = i;
		Datum		values[2];
		bool		nulls[2] = {false, false};

		while (j < n && pairs[j].sender == pairs[i].sender)
		{
			ids[j - i] = pairs[j].msgid;
			j++;
		}
		receipts_notify(gid, reader, pairs[i].sender, ids, j - i);
		values[0] = Int64GetDatum(pairs[i].sender);
		values[1] = receipts_int8_array(ids, j - i);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		i = j;
	}
}
