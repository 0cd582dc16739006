/*
 * receipts_logs.c
 *	  The logs of acks not folded yet: index-only scans, probes and inserts
 *	  of their rows, wherever the storage version keeps them, and the reads
 *	  of them that the query path and the acks share.
 *
 * 0.8 keeps both logs as rows of store, in its primary key's order:
 *
 *	  (gid, 'K', slot,  upto)	a batch ack: the slot's watermark is at least upto
 *	  (gid, 'L', msgid, slot)	an explicit read of msgid by slot
 *
 * with an empty payload: the same keys as the tables ack_log (gid, slot,
 * upto) and read_log (gid, msgid, slot) of 0.3-0.7, one relation fewer each
 * (a table with its primary key costs 8 kB even when empty).  The rows stay
 * insert-only: an ack inserts one, fold deletes what it folded; every value
 * is in the index, so scans read no heap row on an all-visible page.
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/fmgroids.h"

#include "receipts.h"
#include "receipts_direct.h"
#include "receipts_logs.h"
#include "receipts_archive.h"

#define STORE_TABLE		"store"
#define STORE_INDEX		"store_pkey"

/* the log table of 0.1-0.7 and its columns, in key order */
static const char *
log_table(LogKind kind)
{
	return kind == LOG_ACKS ? "ack_log" : "read_log";
}

static const char *
log_index(LogKind kind)
{
	return kind == LOG_ACKS ? "ack_log_pkey" : "read_log_pkey";
}

static const char *
log_column(LogKind kind, bool store, int value)
{
	if (store)
		return value == 0 ? "key" : "sub";
	if (kind == LOG_ACKS)
		return value == 0 ? "slot" : "upto";
	return value == 0 ? "msgid" : "slot";
}

/* the type of a value: every value of store is int8, a slot of a log table int4 */
static Oid
log_type(LogKind kind, bool store, int value)
{
	if (store)
		return INT8OID;
	return (kind == LOG_ACKS) == (value == 0) ? INT4OID : INT8OID;
}

/* is the value a slot (checked to be one when read from store)? */
static bool
log_is_slot(LogKind kind, int value)
{
	return (kind == LOG_ACKS) == (value == 0);
}

static RegProcedure
log_cmp_proc(Oid type, StrategyNumber strategy)
{
	static const RegProcedure int8procs[] = {0, F_INT8LT, F_INT8LE, F_INT8EQ, F_INT8GE, F_INT8GT};
	static const RegProcedure int4procs[] = {0, F_INT4LT, F_INT4LE, F_INT4EQ, F_INT4GE, F_INT4GT};

	Assert(strategy >= BTLessStrategyNumber && strategy <= BTGreaterStrategyNumber);
	return type == INT8OID ? int8procs[strategy] : int4procs[strategy];
}

static Datum
log_datum(Oid type, int64 v)
{
	return type == INT8OID ? Int64GetDatum(v) : Int32GetDatum((int32) v);
}

/* ---------------------------------------------------------------- scans */

void
log_scan_init(LogScan *ls, LogKind kind, int64 gid)
{
	ls->kind = kind;
	ls->store = receipts_storage_v08();
	ls->gid = gid;
	direct_int8_key(&ls->keys[0], 1, gid);
	ls->nkeys = 1;
	if (ls->store)
		ScanKeyInit(&ls->keys[ls->nkeys++], 2, BTEqualStrategyNumber, F_CHAREQ, CharGetDatum((char) kind));
}

/* the index column of a value: after gid (and kind, in store) */
static AttrNumber
log_attno(LogScan *ls, int value)
{
	return (AttrNumber) ((ls->store ? 3 : 2) + value);
}

void
log_scan_bound(LogScan *ls, int value, StrategyNumber strategy, int64 bound)
{
	Oid			type = log_type(ls->kind, ls->store, value);

	Assert(ls->nkeys < lengthof(ls->keys));
	ScanKeyInit(&ls->keys[ls->nkeys++], log_attno(ls, value), strategy,
				log_cmp_proc(type, strategy), log_datum(type, bound));
}

/*
 * Room for keys on an int8 value that the caller builds (msgid_keys): the
 * next free key and the value's index column.  The caller adds how many it
 * used to ls->nkeys.
 */
ScanKey
log_scan_more_keys(LogScan *ls, int value, AttrNumber *attno)
{
	Assert(log_type(ls->kind, ls->store, value) == INT8OID);
	*attno = log_attno(ls, value);
	return &ls->keys[ls->nkeys];
}

void
log_scan_begin(LogScan *ls)
{
	int			i;

	if (ls->store)
		direct_begin_index_only(&ls->ds, STORE_TABLE, STORE_INDEX, ls->keys, ls->nkeys);
	else
		direct_begin_index_only(&ls->ds, log_table(ls->kind), log_index(ls->kind), ls->keys, ls->nkeys);
	for (i = 0; i < 2; i++)
		ls->col[i] = direct_index_column(&ls->ds, log_column(ls->kind, ls->store, i),
										 log_type(ls->kind, ls->store, i));
}

bool
log_scan_next(LogScan *ls, ScanDirection dir)
{
	return direct_next_in(&ls->ds, dir);
}

/*
 * A value of the row log_scan_next read.  A slot of store's int8 column
 * that no int4 slot can be is damaged data, as a slot beyond the roster.
 */
int64
log_scan_value(LogScan *ls, int value)
{
	Datum		d = direct_entry_value(&ls->ds, ls->col[value], ls->gid,
									   log_column(ls->kind, ls->store, value));
	int64		v;

	if (log_type(ls->kind, ls->store, value) == INT4OID)
		return (int64) DatumGetInt32(d);
	v = DatumGetInt64(d);
	if (ls->store && log_is_slot(ls->kind, value) && (v < 0 || v > PG_INT32_MAX))
		receipts_corrupted_slot(ls->gid, v);
	return v;
}

void
log_scan_end(LogScan *ls)
{
	direct_end(&ls->ds);
}

/* --------------------------------------------------------------- probes */

void
log_probe_begin(LogProbe *lp, LogKind kind)
{
	RegProcedure eq[4];
	int			n = 0,
				i;

	lp->kind = kind;
	lp->store = receipts_storage_v08();
	eq[n++] = F_INT8EQ;
	if (lp->store)
		eq[n++] = F_CHAREQ;
	for (i = 0; i < 2; i++)
		eq[n++] = log_cmp_proc(log_type(kind, lp->store, i), BTEqualStrategyNumber);
	if (lp->store)
		direct_probe_begin_index_only(&lp->probe, STORE_TABLE, STORE_INDEX, eq, n);
	else
		direct_probe_begin_index_only(&lp->probe, log_table(kind), log_index(kind), eq, n);
}

bool
log_probe_run(LogProbe *lp, int64 gid, int64 a, int64 b)
{
	int			n = 0;

	lp->probe.keys[n++].sk_argument = Int64GetDatum(gid);
	if (lp->store)
		lp->probe.keys[n++].sk_argument = CharGetDatum((char) lp->kind);
	lp->probe.keys[n++].sk_argument = log_datum(log_type(lp->kind, lp->store, 0), a);
	lp->probe.keys[n].sk_argument = log_datum(log_type(lp->kind, lp->store, 1), b);
	return direct_probe_run(&lp->probe);
}

void
log_probe_end(LogProbe *lp)
{
	direct_end(&lp->probe.ds);
}

/* -------------------------------------------------------------- inserts */

void
log_insert_begin(LogInsert *li, LogKind kind, const char *what)
{
	li->kind = kind;
	li->store = receipts_storage_v08();
	if (li->store)
	{
		static const char *const names[5] = {"gid", "kind", "key", "sub", "payload"};
		static const Oid types[5] = {INT8OID, CHAROID, INT8OID, INT8OID, BYTEAOID};

		direct_insert_begin(&li->di, STORE_TABLE, STORE_INDEX, names, types, 5);
		/* a log row's payload is empty (stored as a one-byte varlena) */
		li->empty = palloc(VARHDRSZ);
		SET_VARSIZE(li->empty, VARHDRSZ);
	}
	else
	{
		const char *names[3] = {"gid", log_column(kind, false, 0), log_column(kind, false, 1)};
		Oid			types[3] = {INT8OID, log_type(kind, false, 0), log_type(kind, false, 1)};

		direct_insert_begin(&li->di, log_table(kind), log_index(kind), names, types, 3);
	}
	direct_require_plain_table(li->di.rel, what);
}

void
log_insert_row(LogInsert *li, int64 gid, int64 a, int64 b)
{
	Datum		values[5];

	values[0] = Int64GetDatum(gid);
	if (li->store)
	{
		values[1] = CharGetDatum((char) li->kind);
		values[2] = Int64GetDatum(a);
		values[3] = Int64GetDatum(b);
		values[4] = PointerGetDatum(li->empty);
	}
	else
	{
		values[1] = log_datum(log_type(li->kind, false, 0), a);
		values[2] = log_datum(log_type(li->kind, false, 1), b);
	}
	direct_insert_row(&li->di, values);
}

void
log_insert_end(LogInsert *li)
{
	direct_insert_end(&li->di);
	if (li->store)
		pfree(li->empty);
}

/* ------------------------------------------------- reads of the logs */

/*
 * The group's batch acks not folded yet that raise a slot's watermark
 * above wm (NULL: all of them), one per slot -- its highest -- in slot
 * order.  Returns how many; *slots and *uptos are palloc'd.
 */
int
receipts_direct_pending_ack_list(int64 gid, int32 nslots, const int64 *wm, int32 **slots, int64 **uptos)
{
	LogScan		ls;
	int			n = 0,
				cap = 16,
				nrows = 0;

	*slots = palloc(cap * sizeof(int32));
	*uptos = palloc(cap * sizeof(int64));
	log_scan_init(&ls, LOG_ACKS, gid);
	log_scan_begin(&ls);
	while (log_scan_next(&ls, ForwardScanDirection))
	{
		int64		s = log_scan_value(&ls, 0);
		int64		upto = log_scan_value(&ls, 1);

		if ((++nrows & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (s < 0 || s >= nslots)
			receipts_corrupted_slot(gid, s);
		if (wm && upto <= wm[s])
			continue;
		if (n > 0 && (*slots)[n - 1] == s)
		{
			/* (slot, upto) order: a later entry of the slot is higher */
			if (upto > (*uptos)[n - 1])
				(*uptos)[n - 1] = upto;
			continue;
		}
		if (n > 0 && (*slots)[n - 1] > s)
			elog(ERROR, "the batch-ack log returned the slots of group " INT64_FORMAT " out of order", gid);
		if (n == cap)
		{
			cap *= 2;
			*slots = repalloc(*slots, cap * sizeof(int32));
			*uptos = repalloc(*uptos, cap * sizeof(int64));
		}
		(*slots)[n] = (int32) s;
		(*uptos)[n] = upto;
		n++;
	}
	log_scan_end(&ls);
	return n;
}

/*
 * Raise wm[slot] by the group's batch acks not folded yet.  Returns how
 * many slots have such acks (0: the group's log is empty).
 */
int
receipts_direct_pending_acks(int64 gid, int32 nslots, int64 *wm)
{
	int32	   *slots;
	int64	   *uptos;
	int			n = receipts_direct_pending_ack_list(gid, nslots, NULL, &slots, &uptos);
	int			i;

	for (i = 0; i < n; i++)
		if (uptos[i] > wm[slots[i]])
			wm[slots[i]] = uptos[i];
	pfree(slots);
	pfree(uptos);
	return n;
}

/* The slot's highest pending batch ack, or dflt when it has none above it. */
int64
receipts_pending_ack_of(int64 gid, int32 slot, int64 dflt)
{
	LogScan		ls;
	int64		wm = dflt;

	log_scan_init(&ls, LOG_ACKS, gid);
	log_scan_bound(&ls, 0, BTEqualStrategyNumber, slot);
	log_scan_begin(&ls);
	/* (slot, upto) order: the first visible entry from the end */
	if (log_scan_next(&ls, BackwardScanDirection))
	{
		int64		upto = log_scan_value(&ls, 1);

		if (upto > wm)
			wm = upto;
	}
	log_scan_end(&ls);
	return wm;
}

/*
 * The pending explicit reads of the messages among the n sorted, distinct
 * ids, in (msgid, slot) order: the index's.  Returns how many; *msgids and
 * *slots are palloc'd.
 */
int
receipts_direct_pending_reads(int64 gid, const int64 *ids, int nids, int64 **msgids, int32 **slots)
{
	LogScan		ls;
	AttrNumber	attno;
	ScanKey		more;
	int			n = 0,
				cap = 16;
	bool		filter;

	log_scan_init(&ls, LOG_READS, gid);
	more = log_scan_more_keys(&ls, 0, &attno);
	ls.nkeys += direct_msgid_keys(more, attno, ids, nids, &filter);
	log_scan_begin(&ls);
	*msgids = palloc(cap * sizeof(int64));
	*slots = palloc(cap * sizeof(int32));
	while (log_scan_next(&ls, ForwardScanDirection))
	{
		int64		msgid = log_scan_value(&ls, 0);

		if (filter && receipts_find_id(ids, nids, msgid) < 0)
			continue;			/* in the range, not requested */
		if (n == cap)
		{
			cap *= 2;
			*msgids = repalloc(*msgids, cap * sizeof(int64));
			*slots = repalloc(*slots, cap * sizeof(int32));
		}
		(*msgids)[n] = msgid;
		(*slots)[n] = (int32) log_scan_value(&ls, 1);
		if ((++n & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	log_scan_end(&ls);
	return n;
}

/*
 * Has anybody a pending explicit read of a message of the group in (lo,
 * hi]?  One descent of the log's index.
 */
bool
receipts_pending_reads_in(int64 gid, int64 lo, int64 hi)
{
	LogScan		ls;
	bool		found;

	log_scan_init(&ls, LOG_READS, gid);
	log_scan_bound(&ls, 0, BTGreaterStrategyNumber, lo);
	log_scan_bound(&ls, 0, BTLessEqualStrategyNumber, hi);
	log_scan_begin(&ls);
	found = log_scan_next(&ls, ForwardScanDirection);
	log_scan_end(&ls);
	return found;
}

/*
 * The first max distinct msgids of the group's explicit-read log,
 * ascending.  Returns how many; *out is palloc'd (NULL when none).
 */
int
receipts_pending_read_msgids(int64 gid, int max, int64 **out)
{
	LogScan		ls;
	int64	   *ids = NULL;
	int			n = 0,
				cap = 0,
				nrows = 0;

	log_scan_init(&ls, LOG_READS, gid);
	log_scan_begin(&ls);
	while (log_scan_next(&ls, ForwardScanDirection))
	{
		int64		m = log_scan_value(&ls, 0);

		if ((++nrows & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (n > 0 && ids[n - 1] == m)
			continue;
		if (n == max)
			break;
		if (n == cap)
		{
			cap = cap ? cap * 2 : 64;
			ids = ids ? repalloc(ids, cap * sizeof(int64)) : palloc(cap * sizeof(int64));
		}
		ids[n++] = m;
	}
	log_scan_end(&ls);
	*out = ids;
	return n;
}
