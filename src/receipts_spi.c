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
	Oid			argtypes[4];
} StmtDef;

/*
 * Every statement is schema-qualified and runs under the entry points'
 * "SET search_path = pg_catalog, pg_temp", so operators resolve to
 * pg_catalog's whatever the caller's search_path.
 */
static const StmtDef stmt_defs[STMT_COUNT_] = {
	[STMT_GROUP] = {
		"SELECT last_msgid, next_slot FROM groupreceipt.groups WHERE gid = $1",
		1, {INT8OID}
	},
	[STMT_MEMBER] = {
		"SELECT slot, active, read_upto, delivered_upto FROM groupreceipt.members"
		" WHERE gid = $1 AND uid = $2",
		2, {INT8OID, INT8OID}
	},
	[STMT_MEMBER_LOCK] = {
		"SELECT slot, active, read_upto, delivered_upto FROM groupreceipt.members"
		" WHERE gid = $1 AND uid = $2 FOR UPDATE",
		2, {INT8OID, INT8OID}
	},
	[STMT_SET_READ] = {
		"UPDATE groupreceipt.members SET read_upto = $3,"
		" delivered_upto = greatest(delivered_upto, $3)"
		" WHERE gid = $1 AND uid = $2",
		3, {INT8OID, INT8OID, INT8OID}
	},
	[STMT_POST] = {
		"WITH m AS (SELECT slot FROM groupreceipt.members"
		"           WHERE gid = $1 AND uid = $3 AND active),"
		"     g AS (UPDATE groupreceipt.groups SET last_msgid = $2"
		"           WHERE gid = $1 AND last_msgid < $2 AND snap_id IS NOT NULL"
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
	[STMT_SET_SNAPSHOT] = {
		"UPDATE groupreceipt.groups SET snap_id = $2, snap_size = $3, next_snap_id = $2 + 1"
		" WHERE gid = $1",
		3, {INT8OID, INT4OID, INT4OID}
	},
	[STMT_MSG_RANGE] = {
		"SELECT msgid, sender, sender_slot, snap_id, read FROM groupreceipt.messages"
		" WHERE gid = $1 AND msgid > $2 AND msgid <= $3 ORDER BY msgid",
		3, {INT8OID, INT8OID, INT8OID}
	},
	[STMT_MSG_ANY] = {
		"SELECT msgid, sender, sender_slot, snap_id, read FROM groupreceipt.messages"
		" WHERE gid = $1 AND msgid = ANY ($2) ORDER BY msgid",
		2, {INT8OID, INT8ARRAYOID}
	},
	[STMT_SNAPSHOT] = {
		"SELECT members FROM groupreceipt.snapshots WHERE gid = $1 AND snap_id = $2",
		2, {INT8OID, INT4OID}
	},
	[STMT_LOG_SLOT_RANGE] = {
		"SELECT msgid FROM groupreceipt.read_log"
		" WHERE gid = $1 AND msgid > $2 AND msgid <= $3 AND slot = $4 ORDER BY msgid",
		4, {INT8OID, INT8OID, INT8OID, INT4OID}
	},
	[STMT_LOG_ANY] = {
		"SELECT msgid, slot FROM groupreceipt.read_log"
		" WHERE gid = $1 AND msgid = ANY ($2) ORDER BY msgid",
		2, {INT8OID, INT8ARRAYOID}
	},
	[STMT_LOG_INSERT] = {
		"INSERT INTO groupreceipt.read_log (gid, msgid, slot)"
		" SELECT $1, m, $3 FROM unnest($2) m"
		" ON CONFLICT DO NOTHING RETURNING msgid",
		3, {INT8OID, INT8ARRAYOID, INT4OID}
	},
	[STMT_WATERMARKS] = {
		"SELECT slot, uid, read_upto FROM groupreceipt.members WHERE gid = $1",
		1, {INT8OID}
	},
	[STMT_FOLD] = {
		"SELECT groupreceipt.fold($1)",
		1, {INT8OID}
	},
};

static SPIPlanPtr plans[STMT_COUNT_];

static SPIPlanPtr
get_plan(ReceiptsStmt stmt)
{
	if (plans[stmt] == NULL)
	{
		const StmtDef *d = &stmt_defs[stmt];
		SPIPlanPtr	p = SPI_prepare(d->sql, d->nargs, (Oid *) d->argtypes);

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

Portal
receipts_cursor(ReceiptsStmt stmt, Datum *values, bool read_only)
{
	Portal		p = SPI_cursor_open(NULL, get_plan(stmt), values, NULL, read_only);

	if (p == NULL)
		elog(ERROR, "SPI_cursor_open failed: %s", SPI_result_code_string(SPI_result));
	return p;
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

int64
spi_int8(int row, int col)
{
	bool		isnull;
	Datum		d = spi_value(row, col, &isnull);

	return isnull ? 0 : DatumGetInt64(d);
}

int32
spi_int4(int row, int col)
{
	bool		isnull;
	Datum		d = spi_value(row, col, &isnull);

	return isnull ? 0 : DatumGetInt32(d);
}

bool
spi_bool(int row, int col)
{
	bool		isnull;
	Datum		d = spi_value(row, col, &isnull);

	return !isnull && DatumGetBool(d);
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

void
msgrow_from_spi(int row, MsgRow *m)
{
	m->msgid = spi_int8(row, 1);
	m->sender = spi_int8(row, 2);
	m->sender_slot = spi_int4(row, 3);
	m->snap_id = spi_int4(row, 4);
	m->read = spi_bitmap(row, 5);
}

/* ---- lookups ---- */

bool
receipts_group(int64 gid, int64 *last_msgid, int32 *next_slot)
{
	Datum		args[1] = {Int64GetDatum(gid)};

	receipts_exec(STMT_GROUP, args, true, 1);
	if (SPI_processed == 0)
		return false;
	*last_msgid = spi_int8(0, 1);
	if (next_slot)
		*next_slot = spi_int4(0, 2);
	return true;
}

void
receipts_member(int64 gid, int64 uid, MemberLookup how, MemberRow *m)
{
	Datum		args[2] = {Int64GetDatum(gid), Int64GetDatum(uid)};

	receipts_exec(how == MEMBER_LOCK ? STMT_MEMBER_LOCK : STMT_MEMBER, args,
				  how == MEMBER_STATEMENT, 1);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("uid " INT64_FORMAT " was never a member of group " INT64_FORMAT, uid, gid)));
	m->slot = spi_int4(0, 1);
	m->active = spi_bool(0, 2);
	m->read_upto = spi_int8(0, 3);
	m->delivered_upto = spi_int8(0, 4);
}

Bitmap *
snapcache_get(SnapCache *c, int64 gid, int32 snap_id)
{
	int			i;
	Datum		args[2];
	Bitmap	   *b;

	for (i = 0; i < c->n; i++)
		if (c->ids[i] == snap_id)
			return c->maps[i];

	args[0] = Int64GetDatum(gid);
	args[1] = Int32GetDatum(snap_id);
	receipts_exec(STMT_SNAPSHOT, args, true, 1);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("snapshot %d of group " INT64_FORMAT " is missing", snap_id, gid)));
	b = spi_bitmap(0, 1);

	if (c->n == c->cap)
	{
		c->cap = c->cap ? c->cap * 2 : 4;
		c->ids = c->ids ? repalloc(c->ids, c->cap * sizeof(int32)) : palloc(c->cap * sizeof(int32));
		c->maps = c->maps ? repalloc(c->maps, c->cap * sizeof(Bitmap *)) : palloc(c->cap * sizeof(Bitmap *));
	}
	c->ids[c->n] = snap_id;
	c->maps[c->n] = b;
	c->n++;
	return b;
}

/* ---- arguments ---- */

int64 *
receipts_id_array(ArrayType *arr, const char *what, int64 gid, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	int64	   *ids;
	int			i;
	int			nitems = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));

	if (nitems > RECEIPTS_MAX_BATCH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("array of %s for group " INT64_FORMAT " has %d elements", what, gid, nitems),
				 errdetail("At most %d elements are accepted per call.", RECEIPTS_MAX_BATCH),
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

int
receipts_sort_unique(int64 *ids, int n)
{
	int			i,
				k = 0;

	if (n == 0)
		return 0;
	qsort(ids, n, sizeof(int64), cmp_int64);
	for (i = 1; i < n; i++)
		if (ids[i] != ids[k])
			ids[++k] = ids[i];
	return k + 1;
}

int
receipts_find_msg(const MsgRow *rows, int n, int64 msgid)
{
	int			lo = 0,
				hi = n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (rows[mid].msgid < msgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < n && rows[lo].msgid == msgid) ? lo : -1;
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
receipts_emit_per_sender(FunctionCallInfo fcinfo, SenderMsg *pairs, int n)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i = 0;
	Datum	   *ids;

	if (n == 0)
		return;
	qsort(pairs, n, sizeof(SenderMsg), cmp_sender_msg);
	ids = palloc(n * sizeof(Datum));
	while (i < n)
	{
		int			j = i;
		Datum		values[2];
		bool		nulls[2] = {false, false};

		while (j < n && pairs[j].sender == pairs[i].sender)
		{
			ids[j - i] = Int64GetDatum(pairs[j].msgid);
			j++;
		}
		values[0] = Int64GetDatum(pairs[i].sender);
		values[1] = PointerGetDatum(construct_array(ids, j - i, INT8OID, sizeof(int64),
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		i = j;
	}
}
