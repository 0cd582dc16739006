/*
 * receipts_direct.c
 *	  Access to the extension's tables straight through their primary keys,
 *	  without SPI statements: the scan, probe and insert helpers that the
 *	  direct paths share (receipts_direct.h), and the query path's reads --
 *	  a group's roster ((slot, uid, read watermark) of every member), its
 *	  group row, its packed watermark vector, its pending batch acks, the
 *	  requested messages with their snapshots and their pending explicit
 *	  reads.
 *
 * Index scans from C need no planner: an SPI statement's generic plan,
 * made when a log table was nearly empty, kept scanning it sequentially
 * once it had grown (measured: counts at a fifth of their speed with 7,400
 * pending acks of another group).
 *
 * The query path needs the watermark of every member slot.  Through SPI
 * that was an array_agg over the group's rows: the aggregate's state, the
 * built arrays, their copy in the SPI tuple table and the deconstructed
 * Datum arrays were five copies of the roster (6.6 MB at 100,000 members
 * for counts).  Here each index entry's heap tuple is read into the
 * caller's per-slot arrays and nothing else is kept: one copy, 8 bytes per
 * slot (16 with uids), and the scan's page bitmap.
 *
 * The relation and its index are found by name in schema groupreceipt
 * (receipts_relcache.c keeps the OIDs until an invalidation: a
 * dump/restore, an upgrade or a partition behind PL/Proxy has other OIDs).  A scan uses the active
 * snapshot, as an SPI statement would, and every access checks the
 * privilege the executor would (SELECT, UPDATE for row locks, INSERT).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/itup.h"
#include "access/skey.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/visibilitymap.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/tidbitmap.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "receipts.h"
#include "receipts_blocks.h"
#include "receipts_direct.h"
#include "receipts_logs.h"
#include "receipts_store_rows.h"

#define ROSTER_SCHEMA	RECEIPTS_SCHEMA
#define ROSTER_TABLE	"members"
#define ROSTER_INDEX	"members_pkey"

void
receipts_corrupted_slot(int64 gid, int64 slot)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("slot " INT64_FORMAT " of group " INT64_FORMAT " is beyond its roster", slot, gid)));
}

/*
 * attribute number of a column the install script created, of type type
 * (InvalidOid: the extension's own type, groupreceipt.bitmap)
 */
AttrNumber
direct_attnum(Oid relid, const char *name, Oid type)
{
	AttrNumber	att;

	if (type == InvalidOid)
		type = receipts_bitmap_type_oid();
	att = receipts_column_attnum(relid, name, type);
	if (att == InvalidAttrNumber)
		elog(ERROR, "column \"%s\" of %s.%s is missing or has another type",
			 name, ROSTER_SCHEMA, get_rel_name(relid));
	return att;
}

/* a NOT NULL column read as NULL is a damaged row, never "zero" */
Datum
direct_value(TupleTableSlot *slot, AttrNumber att, int64 gid, const char *name)
{
	bool		isnull;
	Datum		d = slot_getattr(slot, att, &isnull);

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("a row of group " INT64_FORMAT " has a NULL %s", gid, name)));
	return d;
}

/*
 * Open one of the extension's tables and its index by name (they are
 * looked up on every call: a restored or upgraded database has other
 * OIDs) with lockmode, checking the privilege acl_mode as the executor
 * does.
 */
void
direct_open(const char *table, const char *index, LOCKMODE lockmode, AclMode acl_mode,
			Relation *rel, Relation *idx)
{
	Oid			relid = receipts_relation_oid(table);
	Oid			idxid = receipts_relation_oid(index);
	AclResult	acl;

	if (!OidIsValid(relid) || !OidIsValid(idxid))
		elog(ERROR, "relation %s.%s or its index %s is missing", ROSTER_SCHEMA, table, index);
	acl = pg_class_aclcheck(relid, GetUserId(), acl_mode);
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_TABLE, table);
	*rel = table_open(relid, lockmode);
	*idx = index_open(idxid, lockmode);
	if ((*idx)->rd_index->indrelid != relid)
		elog(ERROR, "index %s is not on %s.%s", index, ROSTER_SCHEMA, table);
}

void
direct_close(Relation rel, Relation idx, LOCKMODE lockmode)
{
	index_close(idx, lockmode);
	table_close(rel, lockmode);
}

/* An index scan to read rows (AccessShareLock, SELECT privilege). */
void
direct_begin(DirectScan *ds, const char *table, const char *index, ScanKey keys, int nkeys)
{
	direct_begin_for(ds, table, index, keys, nkeys, AccessShareLock, ACL_SELECT);
}

/* An index scan to lock or write rows: the table and index locked in lockmode. */
static void
scan_begin(DirectScan *ds, const char *table, const char *index, ScanKey keys, int nkeys,
		   LOCKMODE lockmode, AclMode acl_mode, bool index_only)
{
	direct_open(table, index, lockmode, acl_mode, &ds->rel, &ds->idx);
	ds->lockmode = lockmode;
	ds->index_only = index_only;
	ds->vmbuf = InvalidBuffer;
	ds->scan = index_beginscan(ds->rel, ds->idx, GetActiveSnapshot(), nkeys, 0);
	/* before the first rescan: btree keeps the tuples of a page only if asked */
	ds->scan->xs_want_itup = index_only;
	index_rescan(ds->scan, keys, nkeys, NULL, 0);
	ds->slot = table_slot_create(ds->rel, NULL);
}

void
direct_begin_for(DirectScan *ds, const char *table, const char *index, ScanKey keys, int nkeys,
				 LOCKMODE lockmode, AclMode acl_mode)
{
	scan_begin(ds, table, index, keys, nkeys, lockmode, acl_mode, false);
}

/*
 * An index-only scan (AccessShareLock, SELECT privilege) of a log table,
 * whose every column is in its primary key: the entries of pages that
 * VACUUM marked all-visible are read without touching the heap -- a
 * group's pending acks were one heap fetch each, a sixth of unread_counts'
 * time at 640 members (perf).
 */
void
direct_begin_index_only(DirectScan *ds, const char *table, const char *index,
						ScanKey keys, int nkeys)
{
	scan_begin(ds, table, index, keys, nkeys, AccessShareLock, ACL_SELECT, true);
}

/*
 * The next visible row in direction dir.  Index-only: the entry's heap row
 * is checked only if its page is not all-visible; then its columns are
 * taken from the index tuple (the log tables' rows are never updated, so
 * the visible version has the entry's values).
 */
bool
direct_next_in(DirectScan *ds, ScanDirection dir)
{
	ItemPointer tid;

	if (!ds->index_only)
		return index_getnext_slot(ds->scan, dir, ds->slot);
	while ((tid = index_getnext_tid(ds->scan, dir)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (!VM_ALL_VISIBLE(ds->rel, ItemPointerGetBlockNumber(tid), &ds->vmbuf))
		{
			if (!index_fetch_heap(ds->scan, ds->slot))
				continue;		/* no version visible to the snapshot */
		}
		else
			PredicateLockPage(ds->rel, ItemPointerGetBlockNumber(tid), ds->scan->xs_snapshot);
		if (ds->scan->xs_itup == NULL || ds->scan->xs_recheck)
			elog(ERROR, "index %s cannot return its entries", RelationGetRelationName(ds->idx));
		index_deform_tuple(ds->scan->xs_itup, ds->scan->xs_itupdesc, ds->values, ds->isnull);
		return true;
	}
	return false;
}

bool
direct_next(DirectScan *ds)
{
	return direct_next_in(ds, ForwardScanDirection);
}

/*
 * The position in ds->values of the table's column name (of type type), a
 * column of the index-only scan's index.
 */
int
direct_index_column(DirectScan *ds, const char *name, Oid type)
{
	AttrNumber	att = direct_attnum(RelationGetRelid(ds->rel), name, type);
	int			i;

	Assert(ds->index_only);
	for (i = 0; i < ds->idx->rd_index->indnatts; i++)
		if (ds->idx->rd_index->indkey.values[i] == att)
			return i;
	elog(ERROR, "column \"%s\" of %s.%s is not in its index %s", name, ROSTER_SCHEMA,
		 RelationGetRelationName(ds->rel), RelationGetRelationName(ds->idx));
	return -1;					/* keep the compiler quiet */
}

/* column col of the entry direct_next read: NULL is a damaged row, as direct_value */
Datum
direct_entry_value(DirectScan *ds, int col, int64 gid, const char *name)
{
	if (ds->isnull[col])
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("a row of group " INT64_FORMAT " has a NULL %s", gid, name)));
	return ds->values[col];
}

void
direct_end(DirectScan *ds)
{
	if (BufferIsValid(ds->vmbuf))
		ReleaseBuffer(ds->vmbuf);
	ExecDropSingleTupleTableSlot(ds->slot);
	index_endscan(ds->scan);
	direct_close(ds->rel, ds->idx, ds->lockmode);
}

/*
 * As an SPI statement of a volatile function starts: the changes so far
 * made visible, a new snapshot (READ COMMITTED) made active.  The caller
 * pops it.
 */
void
direct_push_fresh_snapshot(void)
{
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
}

/*
 * Lock the newest version of the row the active snapshot saw at *tid, in
 * mode, waiting for its other lockers and following its update chain as
 * EvalPlanQual does: slot gets that version, *tid its tid.  TM_Ok, or
 * TM_Deleted when the row was deleted meanwhile (else what
 * table_tuple_lock gave).
 */
TM_Result
direct_lock_newest(Relation rel, ItemPointer tid, LockTupleMode mode, TupleTableSlot *slot)
{
	TM_FailureData tmfd;

	ExecClearTuple(slot);
	return table_tuple_lock(rel, tid, GetActiveSnapshot(), slot, GetCurrentCommandId(true),
							mode, LockWaitBlock, TUPLE_LOCK_FLAG_FIND_LAST_VERSION, &tmfd);
}

/* a key "column <attno> of the index = value" (int8) */
void
direct_int8_key(ScanKey key, AttrNumber attno, int64 value)
{
	ScanKeyInit(key, attno, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(value));
}

/*
 * The indexes of one of the extension's tables, opened to receive entries
 * for new tuples (inserted, or updated and not HOT): every index of the
 * table -- its primary key, and any index an operator added, expressions
 * and predicates evaluated as the executor does.  slot is where the new
 * tuples will be.
 */
void
direct_indexes_open(DirectIndexes *xi, Relation rel, TupleTableSlot *slot)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;

	if (list_length(indexes) > DIRECT_MAX_INDEXES)
		elog(ERROR, "groupreceipt.%s has more than %d indexes",
			 RelationGetRelationName(rel), DIRECT_MAX_INDEXES);
	xi->nidx = 0;
	xi->estate = NULL;
	foreach(lc, indexes)
	{
		Relation	idx = index_open(lfirst_oid(lc), RowExclusiveLock);
		IndexInfo  *ii = BuildIndexInfo(idx);

		xi->pred[xi->nidx] = NULL;
		if (ii->ii_Expressions != NIL || ii->ii_Predicate != NIL)
		{
			if (xi->estate == NULL)
			{
				xi->estate = CreateExecutorState();
				GetPerTupleExprContext(xi->estate)->ecxt_scantuple = slot;
			}
			if (ii->ii_Predicate != NIL)
				xi->pred[xi->nidx] = ExecPrepareQual(ii->ii_Predicate, xi->estate);
		}
		xi->idx[xi->nidx] = idx;
		xi->ii[xi->nidx] = ii;
		xi->nidx++;
	}
	list_free(indexes);
}

/* The entries of the tuple in slot (at slot->tts_tid) in every index. */
void
direct_indexes_insert(DirectIndexes *xi, Relation rel, TupleTableSlot *slot)
{
	Datum		ivalues[INDEX_MAX_KEYS];
	bool		inulls[INDEX_MAX_KEYS];
	int			k;

	if (xi->estate)
		ResetPerTupleExprContext(xi->estate);
	for (k = 0; k < xi->nidx; k++)
	{
		IndexInfo  *ii = xi->ii[k];

		if (xi->pred[k] && !ExecQual(xi->pred[k], GetPerTupleExprContext(xi->estate)))
			continue;			/* a partial index the row is not in */
		FormIndexDatum(ii, slot, xi->estate, ivalues, inulls);
		(void) index_insert(xi->idx[k], ivalues, inulls, &slot->tts_tid, rel,
							xi->idx[k]->rd_index->indisunique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO,
							false, ii);
	}
}

void
direct_indexes_close(DirectIndexes *xi)
{
	int			k;

	if (xi->estate)
		FreeExecutorState(xi->estate);
	for (k = 0; k < xi->nidx; k++)
		index_close(xi->idx[k], RowExclusiveLock);
}

/*
 * Has the table neither triggers nor CHECK constraints (as the install
 * script creates the extension's tables but messages)?  The direct writes
 * do not run the executor, which would fire and check them.
 */
bool
direct_plain_table(Relation rel)
{
	return rel->trigdesc == NULL &&
		!(rel->rd_att->constr && rel->rd_att->constr->num_check > 0);
}

/* The direct writes of what refuse a table an operator gave triggers or constraints. */
void
direct_require_plain_table(Relation rel, const char *what)
{
	if (!direct_plain_table(rel))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("groupreceipt.%s has triggers or CHECK constraints, which %s does not apply",
						RelationGetRelationName(rel), what),
				 errdetail("The extension's logs of acks are written directly, not through the executor."),
				 errhint("Drop the triggers and constraints added to groupreceipt.%s.",
						 RelationGetRelationName(rel))));
}

/*
 * Inserts into one of the extension's tables, opened once for the rows of
 * a call.  names, types: the n columns that the rows give, in the order
 * direct_insert_row takes them -- every column of the table, none NULL.
 */
void
direct_insert_begin(DirectInsert *di, const char *table, const char *pkey,
					const char *const *names, const Oid *types, int n)
{
	Relation	pk;
	Oid			relid;
	int			i;

	if (n > DIRECT_MAX_COLUMNS)
		elog(ERROR, "direct insert of %d columns", n);
	direct_open(table, pkey, RowExclusiveLock, ACL_INSERT, &di->rel, &pk);
	index_close(pk, RowExclusiveLock);
	relid = RelationGetRelid(di->rel);
	if (RelationGetDescr(di->rel)->natts != n)
		elog(ERROR, "groupreceipt.%s does not have the %d columns of its install script", table, n);
	di->n = n;
	for (i = 0; i < n; i++)
		di->atts[i] = direct_attnum(relid, names[i], types[i]);
	di->slot = table_slot_create(di->rel, NULL);
	direct_indexes_open(&di->xi, di->rel, di->slot);
}

void
direct_insert_row(DirectInsert *di, const Datum *values)
{
	TupleTableSlot *slot = di->slot;
	int			i;

	ExecClearTuple(slot);
	for (i = 0; i < di->n; i++)
	{
		slot->tts_values[di->atts[i] - 1] = values[i];
		slot->tts_isnull[di->atts[i] - 1] = false;
	}
	ExecStoreVirtualTuple(slot);
	table_tuple_insert(di->rel, slot, GetCurrentCommandId(true), 0, NULL);
	direct_indexes_insert(&di->xi, di->rel, slot);
}

void
direct_insert_end(DirectInsert *di)
{
	direct_indexes_close(&di->xi);
	ExecDropSingleTupleTableSlot(di->slot);
	table_close(di->rel, RowExclusiveLock);
}

/* eqprocs: the equality function of each key column (F_INT8EQ, F_INT4EQ) */
static void
probe_begin(DirectProbe *p, const char *table, const char *index,
			const RegProcedure *eqprocs, int nkeys, bool index_only)
{
	int			i;

	Assert(nkeys <= lengthof(p->keys));
	p->nkeys = nkeys;
	for (i = 0; i < nkeys; i++)
		ScanKeyInit(&p->keys[i], i + 1, BTEqualStrategyNumber, eqprocs[i], (Datum) 0);
	scan_begin(&p->ds, table, index, p->keys, nkeys, AccessShareLock, ACL_SELECT, index_only);
}

void
direct_probe_begin(DirectProbe *p, const char *table, const char *index,
				   const RegProcedure *eqprocs, int nkeys)
{
	probe_begin(p, table, index, eqprocs, nkeys, false);
}

/* a probe for existence only (index_only, as direct_begin_index_only) */
void
direct_probe_begin_index_only(DirectProbe *p, const char *table, const char *index,
							  const RegProcedure *eqprocs, int nkeys)
{
	probe_begin(p, table, index, eqprocs, nkeys, true);
}

/* Probe with the keys' arguments the caller set; true if a visible row was found. */
bool
direct_probe_run(DirectProbe *p)
{
	index_rescan(p->ds.scan, p->keys, p->nkeys, NULL, 0);
	return direct_next(&p->ds);
}

/*
 * The members of snapshot snap_id of the group (a copy, kept in sp's cache
 * for the call), or NULL if there is no such snapshot.
 */
Bitmap *
direct_snapshot(SnapProbe *sp, int64 gid, int32 snap_id)
{
	int			i;
	Bitmap	   *b;
	bool		isnull;
	Datum		d;

	for (i = 0; i < sp->cache.n; i++)
		if (sp->cache.ids[i] == snap_id)
			return sp->cache.maps[i];
	if (!sp->open)
	{
		/* (gid, snap_id); 0.6: the S row (gid, 'S', snap_id, 0) of store */
		static const RegProcedure eq[2] = {F_INT8EQ, F_INT4EQ};
		static const RegProcedure eq_store[4] = {F_INT8EQ, F_CHAREQ, F_INT8EQ, F_INT8EQ};

		sp->store = receipts_storage_v06();
		if (sp->store)
			direct_probe_begin(&sp->probe, "store", "store_pkey", eq_store, 4);
		else
			direct_probe_begin(&sp->probe, "snapshots", "snapshots_pkey", eq, 2);
		sp->open = true;
	}
	sp->probe.keys[0].sk_argument = Int64GetDatum(gid);
	if (sp->store)
	{
		sp->probe.keys[1].sk_argument = CharGetDatum('S');
		sp->probe.keys[2].sk_argument = Int64GetDatum((int64) snap_id);
		sp->probe.keys[3].sk_argument = Int64GetDatum(0);
	}
	else
		sp->probe.keys[1].sk_argument = Int32GetDatum(snap_id);
	if (!direct_probe_run(&sp->probe))
		return NULL;
	if (sp->store)
	{
		d = direct_value(sp->probe.ds.slot,
						 direct_attnum(RelationGetRelid(sp->probe.ds.rel), "payload", BYTEAOID),
						 gid, "payload");
		b = store_snapshot_members(DatumGetByteaPP(d), gid, (int64) snap_id);
		snapcache_put(&sp->cache, snap_id, b);
		return b;
	}
	d = slot_getattr(sp->probe.ds.slot,
					 get_attnum(RelationGetRelid(sp->probe.ds.rel), "members"), &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("snapshot %d of group " INT64_FORMAT " has no members", snap_id, gid)));
	/* a copy: the slot's tuple goes with the next probe */
	b = (Bitmap *) PG_DETOAST_DATUM_COPY(d);
	snapcache_put(&sp->cache, snap_id, b);
	return b;
}

void
direct_snapshot_end(SnapProbe *sp)
{
	if (sp->open)
		direct_end(&sp->probe.ds);
	sp->open = false;
}

void
direct_msg_cols(Relation rel, DirectMsgCols *c)
{
	Oid			relid = RelationGetRelid(rel);

	c->msgid = direct_attnum(relid, "msgid", INT8OID);
	c->sender = direct_attnum(relid, "sender", INT8OID);
	c->sender_slot = direct_attnum(relid, "sender_slot", INT4OID);
	c->snap_id = direct_attnum(relid, "snap_id", INT4OID);
	c->read = direct_attnum(relid, "read", InvalidOid);
}

/*
 * The columns of a message row but its msgid and sent_at into *m: its
 * sender, snapshot and folded reads (a copy; read NULL: compacted, every
 * recipient has read it).
 */
void
direct_msg_row(TupleTableSlot *slot, const DirectMsgCols *c, int64 gid, MsgRow *m)
{
	bool		isnull;
	Datum		d;

	m->sender = DatumGetInt64(direct_value(slot, c->sender, gid, "sender"));
	m->sender_slot = DatumGetInt32(direct_value(slot, c->sender_slot, gid, "sender_slot"));
	m->snap_id = DatumGetInt32(direct_value(slot, c->snap_id, gid, "snap_id"));
	d = slot_getattr(slot, c->read, &isnull);
	m->read = isnull ? NULL : (Bitmap *) PG_DETOAST_DATUM_COPY(d);
	m->all_read = isnull;
}

/*
 * Keys on the msgid column (index column attno) for the n sorted, distinct
 * ids: a range [first, last] when the ids are dense enough that the range
 * holds few other messages (one index descent; the caller keeps only the
 * requested msgids, *filter), else msgid = ANY (one descent per id).
 * Returns how many keys were set.
 */
int
direct_msgid_keys(ScanKey keys, AttrNumber attno, const int64 *ids, int n, bool *filter)
{
	if (n > 1 && (uint64) (ids[n - 1] - ids[0]) < (uint64) n * 4)
	{
		ScanKeyInit(&keys[0], attno, BTGreaterEqualStrategyNumber, F_INT8GE, Int64GetDatum(ids[0]));
		ScanKeyInit(&keys[1], attno, BTLessEqualStrategyNumber, F_INT8LE, Int64GetDatum(ids[n - 1]));
		*filter = true;
		return 2;
	}
	ScanKeyEntryInitialize(&keys[0], SK_SEARCHARRAY, attno, BTEqualStrategyNumber,
						   INT8OID, InvalidOid, F_INT8EQ, receipts_int8_array(ids, Max(n, 0)));
	*filter = false;
	return 1;
}

/* An index scan of (gid, msgid, ...) for the group's msgids among the sorted ids. */
static void
msgid_scan_begin(DirectScan *ds, ScanKey keys, const char *table, const char *index,
				 int64 gid, const int64 *ids, int nids, bool *filter, bool index_only)
{
	int			nkeys;

	direct_int8_key(&keys[0], 1, gid);
	nkeys = 1 + direct_msgid_keys(&keys[1], 2, ids, nids, filter);
	scan_begin(ds, table, index, keys, nkeys, AccessShareLock, ACL_SELECT, index_only);
}

/*
 * The live messages of the group among the n sorted, distinct ids, in
 * msgid order, as one index scan of messages_pkey.  Their snapshots go
 * into *snaps; a message whose snapshot is missing is damaged data (XX001,
 * as the acks say; until 0.4.1 it was left out, as the join of an SPI
 * statement would, and the reads called it never posted).  Returns how many.
 */
int
receipts_direct_messages(int64 gid, const int64 *ids, int nids, SnapCache *snaps, MsgRow **out)
{
	DirectScan	ds;
	ScanKeyData keys[3];
	SnapProbe	sp = {0};
	DirectMsgCols c;
	MsgRow	   *msgs;
	int			n = 0,
				cap = 16,
				nrows = 0;
	bool		filter;

	msgid_scan_begin(&ds, keys, "messages", "messages_pkey", gid, ids, nids, &filter, false);
	direct_msg_cols(ds.rel, &c);
	sp.cache = *snaps;
	msgs = palloc(cap * sizeof(MsgRow));
	while (direct_next(&ds))
	{
		MsgRow	   *m;

		if (n == cap)
		{
			cap *= 2;
			msgs = repalloc(msgs, cap * sizeof(MsgRow));
		}
		if ((++nrows & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		m = &msgs[n];
		m->msgid = DatumGetInt64(direct_value(ds.slot, c.msgid, gid, "msgid"));
		if (filter && receipts_find_id(ids, nids, m->msgid) < 0)
			continue;			/* in the range, not requested */
		direct_msg_row(ds.slot, &c, gid, m);
		m->sent_at = 0;
		if (direct_snapshot(&sp, gid, m->snap_id) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("snapshot %d of group " INT64_FORMAT " is missing", m->snap_id, gid),
					 errdetail("Message " INT64_FORMAT " refers to it.", m->msgid)));
		n++;
	}
	direct_end(&ds);

	/* 0.5: the requested messages not in the tail may be sealed in blocks */
	if (n < nids && receipts_storage_v05())
	{
		int64	   *rest = palloc(nids * sizeof(int64));
		MsgRow	   *sealed;
		int			nrest = 0,
					nsealed,
					i,
					j,
					k;

		for (i = 0; i < nids; i++)
			if (receipts_find_msg(msgs, n, ids[i]) < 0)
				rest[nrest++] = ids[i];
		nsealed = receipts_sealed_messages(gid, rest, nrest, false, &sealed);
		for (i = 0; i < nsealed; i++)
			if (direct_snapshot(&sp, gid, sealed[i].snap_id) == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("snapshot %d of group " INT64_FORMAT " is missing", sealed[i].snap_id, gid),
						 errdetail("Message " INT64_FORMAT " refers to it.", sealed[i].msgid)));
		if (nsealed > 0)
		{
			/* merge: both ascending, disjoint */
			MsgRow	   *all = palloc((n + nsealed) * sizeof(MsgRow));

			for (i = j = k = 0; i < n || j < nsealed;)
				all[k++] = (j >= nsealed || (i < n && msgs[i].msgid < sealed[j].msgid))
					? msgs[i++] : sealed[j++];
			pfree(msgs);
			msgs = all;
			n = k;
		}
		pfree(rest);
	}
	direct_snapshot_end(&sp);
	*snaps = sp.cache;
	*out = msgs;
	return n;
}

/*
 * The group row: newest msgid and roster size (groups.last_msgid,
 * next_slot), and with sweep_state fold's sweep position and the current
 * snapshot (compacted_upto, snap_id); false if there is no group row.  A
 * negative size is a damaged row (XX001).
 */
bool
receipts_direct_group_row(int64 gid, DirectGroup *g, bool sweep_state)
{
	DirectScan	ds;
	ScanKeyData key;
	bool		found;

	direct_int8_key(&key, 1, gid);
	direct_begin(&ds, "groups", "groups_pkey", &key, 1);
	found = direct_next(&ds);
	if (found)
	{
		Oid			relid = RelationGetRelid(ds.rel);

		g->nslots = DatumGetInt32(direct_value(ds.slot, direct_attnum(relid, "next_slot", INT4OID),
											   gid, "next_slot"));
		if (g->nslots < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("group " INT64_FORMAT " has a negative roster size %d", gid, g->nslots)));
		g->last_msgid = DatumGetInt64(direct_value(ds.slot, direct_attnum(relid, "last_msgid", INT8OID),
												   gid, "last_msgid"));
		if (sweep_state)
		{
			bool		isnull;
			Datum		d;

			g->compacted_upto = DatumGetInt64(direct_value(ds.slot,
														   direct_attnum(relid, "compacted_upto", INT8OID),
														   gid, "compacted_upto"));
			d = slot_getattr(ds.slot, direct_attnum(relid, "snap_id", INT4OID), &isnull);
			g->has_snapshot = !isnull;
			g->snap_id = isnull ? 0 : DatumGetInt32(d);
		}
	}
	direct_end(&ds);
	return found;
}

/* The group row's newest msgid (last_msgid may be NULL) and roster size. */
bool
receipts_direct_group(int64 gid, int64 *last_msgid, int32 *nslots)
{
	DirectGroup g;

	if (!receipts_direct_group_row(gid, &g, false))
		return false;
	*nslots = g.nslots;
	if (last_msgid)
		*last_msgid = g.last_msgid;
	return true;
}

/*
 * A packed bigint array of the group's watermark row (wms or uids), d as
 * read from the row: not a flat one-dimensional bigint array without
 * NULLs, or longer than the roster, is a damaged row (XX001).  Returns its
 * elements as an array of nslots (0 beyond its length): a detoasted array
 * of the roster's length is used in place, not copied (at 100,000 members
 * it is 800 kB).  *n: its length.
 */
static int64 *
packed_elements(Datum d, int64 gid, const char *column, int32 nslots, int *n)
{
	ArrayType  *a = DatumGetArrayTypeP(d);
	int64	   *data,
			   *out;

	*n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	if (ARR_ELEMTYPE(a) != INT8OID || ARR_HASNULL(a) || ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the %s of group " INT64_FORMAT " is not a one-dimensional bigint array without NULLs",
						column, gid)));
	if (*n > nslots)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the %s of group " INT64_FORMAT " has %d slots, its roster %d",
						column, gid, *n, nslots)));
	/* no NULLs: the elements follow the header (ARR_DATA_PTR) */
	data = (int64 *) ((char *) a + ARR_OVERHEAD_NONULLS(ARR_NDIM(a)));
	if (*n == nslots && *n > 0 && (Pointer) a != DatumGetPointer(d))
		return data;			/* our own detoasted copy */
	out = palloc0(Max(nslots, 1) * sizeof(int64));
	memcpy(out, data, (size_t) *n * sizeof(int64));
	return out;
}

/* 0.4/0.5 storage: the vectors of the watermarks row under ds */
static int64 *
table_vectors(DirectScan *ds, int64 gid, int32 nslots, int64 **uid, int *n)
{
	Oid			relid = RelationGetRelid(ds->rel);
	int64	   *wm;

	wm = packed_elements(direct_value(ds->slot, direct_attnum(relid, "wms", INT8ARRAYOID), gid, "wms"),
						 gid, "watermark vector", nslots, n);
	if (uid)
	{
		int			nu;

		*uid = packed_elements(direct_value(ds->slot, direct_attnum(relid, "uids", INT8ARRAYOID),
											gid, "uids"),
							   gid, "member vector", nslots, &nu);
		if (nu != *n)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the member vector of group " INT64_FORMAT " has %d slots, its watermark vector %d",
							gid, nu, *n)));
	}
	return wm;
}

/*
 * The roster rows of slots from .. nslots - 1 of group gid, through
 * members_gid_slot_key: the members who joined after the last fold, which
 * the W row does not hold yet.  Fills wm[s] (their read watermark; NULL on
 * 0.10 storage, which keeps none in the roster: their K rows hold it) and
 * uid[s] where not NULL.  A slot outside [from, nslots) is a damaged row.
 */
void
receipts_roster_after(int64 gid, int32 from, int32 nslots, int64 *wm, int64 *uid)
{
	DirectScan	ds;
	ScanKeyData keys[2];
	AttrNumber	att_slot,
				att_uid,
				att_wm;
	Oid			relid;
	int			nrows = 0;

	direct_int8_key(&keys[0], 1, gid);
	ScanKeyInit(&keys[1], 2, BTGreaterEqualStrategyNumber, F_INT4GE, Int32GetDatum(from));
	direct_begin(&ds, ROSTER_TABLE, "members_gid_slot_key", keys, 2);
	relid = RelationGetRelid(ds.rel);
	att_slot = direct_attnum(relid, "slot", INT4OID);
	att_uid = direct_attnum(relid, "uid", INT8OID);
	/* 0.10 storage: no watermark in the roster (callers on it pass none) */
	if (wm && receipts_storage_v10())
		elog(ERROR, "the roster of group " INT64_FORMAT " holds no watermarks", gid);
	att_wm = wm ? direct_attnum(relid, "read_upto", INT8OID) : InvalidAttrNumber;
	while (direct_next(&ds))
	{
		int32		s = DatumGetInt32(direct_value(ds.slot, att_slot, gid, "slot"));

		if ((++nrows & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (s < from || s >= nslots)
			receipts_corrupted_slot(gid, (int64) s);
		if (uid)
			uid[s] = DatumGetInt64(direct_value(ds.slot, att_uid, gid, "uid"));
		if (wm)
			wm[s] = DatumGetInt64(direct_value(ds.slot, att_wm, gid, "read_upto"));
	}
	direct_end(&ds);
}

/*
 * The folded read watermark of every slot, nslots of them: the group's
 * packed watermark vector (0 for slots beyond its length or without a
 * vector row).  *stored (when not NULL): the vector's length.
 *
 * With uid (0.4 storage), *uid gets the member of every slot: the row's
 * uids for the slots the vector covers, the roster's rows (through
 * members_gid_slot_key) for the members who joined after the last fold.
 * A uids array of another length than the vector is a damaged row.
 */
int64 *
receipts_direct_vectors(int64 gid, int32 nslots, int64 **uid, int32 *stored)
{
	DirectScan	ds;
	ScanKeyData key;
	int64	   *wm = NULL;
	int			n = 0;

	if (uid)
		*uid = NULL;
	if (receipts_storage_v06())
		wm = store_vectors(gid, nslots, uid, &n);
	else
	{
		direct_int8_key(&key, 1, gid);
		direct_begin(&ds, "watermarks", "watermarks_pkey", &key, 1);
		if (direct_next(&ds))
			wm = table_vectors(&ds, gid, nslots, uid, &n);
		direct_end(&ds);
	}
	if (wm == NULL)
		wm = palloc0(Max(nslots, 1) * sizeof(int64));
	if (uid && *uid == NULL)
		*uid = palloc0(Max(nslots, 1) * sizeof(int64));
	if (uid && n < nslots)
		receipts_roster_after(gid, n, nslots, NULL, *uid);
	if (stored)
		*stored = n;
	return wm;
}

/*
 * The version of the visible row under ds (fold writes a new version
 * whenever a vector changes): *tid and *xmin get it; true when it is
 * another version than have_tid / have_xmin, or have_tid is NULL.
 */
bool
direct_row_version_changed(DirectScan *ds, ItemPointer have_tid, TransactionId have_xmin,
						   ItemPointer tid, TransactionId *xmin)
{
	bool		should_free;
	HeapTuple	tuple = ExecFetchSlotHeapTuple(ds->slot, false, &should_free);

	*tid = tuple->t_self;
	*xmin = HeapTupleHeaderGetRawXmin(tuple->t_data);
	if (should_free)
		heap_freetuple(tuple);
	return have_tid == NULL || !ItemPointerEquals(have_tid, tid) || have_xmin != *xmin;
}

/*
 * The group's packed watermark vector row: false if there is none.  *tid
 * and *xmin identify the visible version of the row (fold writes a new
 * version whenever the vector changes); when they differ from have_tid /
 * have_xmin (or have_tid is NULL), *wm gets the vector as nslots elements
 * (0 beyond its length), allocated in cxt -- else *wm is NULL and the
 * TOASTed array is not read.
 */
bool
receipts_direct_vector_version(int64 gid, int32 nslots, ItemPointer have_tid, TransactionId have_xmin,
							   ItemPointer tid, TransactionId *xmin, MemoryContext cxt, int64 **wm)
{
	DirectScan	ds;
	ScanKeyData key;
	bool		found;

	if (receipts_storage_v06())
		return store_vector_version(gid, nslots, have_tid, have_xmin, tid, xmin, cxt, wm, NULL);
	*wm = NULL;
	direct_int8_key(&key, 1, gid);
	direct_begin(&ds, "watermarks", "watermarks_pkey", &key, 1);
	found = direct_next(&ds);
	if (found && direct_row_version_changed(&ds, have_tid, have_xmin, tid, xmin))
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		Oid			relid = RelationGetRelid(ds.rel);
		int			n;
		int64	   *v = packed_elements(direct_value(ds.slot, direct_attnum(relid, "wms", INT8ARRAYOID),
													 gid, "wms"),
										gid, "watermark vector", nslots, &n);

		MemoryContextSwitchTo(old);
		*wm = v;
	}
	direct_end(&ds);
	return found;
}

int64 *
receipts_direct_vector(int64 gid, int32 nslots)
{
	return receipts_direct_vectors(gid, nslots, NULL, NULL);
}

/*
 * Fill wm[slot], uid[slot] and active[slot] (each when not NULL) for every
 * member row of group gid; the arrays have nslots entries, zeroed by the
 * caller.  A slot outside [0, nslots) is a damaged row (XX001).  Returns
 * the number of member rows read.
 */
int
receipts_roster_load(int64 gid, int32 nslots, int64 *wm, int64 *uid, bool *active)
{
	Oid			relid;
	Relation	rel,
				idx;
	IndexScanDesc iscan;
	TableScanDesc hscan;
	TIDBitmap  *tbm;
	TBMIterator *it;
	TBMIterateResult *page;
	Snapshot	snapshot = GetActiveSnapshot();
	TupleTableSlot *slot;
	ScanKeyData key;
	AttrNumber	att_gid,
				att_uid,
				att_slot,
				att_wm,
				att_active;
	int			nrows = 0;

	direct_open(ROSTER_TABLE, ROSTER_INDEX, AccessShareLock, ACL_SELECT, &rel, &idx);
	relid = RelationGetRelid(rel);
	att_gid = direct_attnum(relid, "gid", INT8OID);
	att_uid = direct_attnum(relid, "uid", INT8OID);
	att_slot = direct_attnum(relid, "slot", INT4OID);
	/* 0.10 storage: no watermark in the roster (callers on it pass none) */
	if (wm && receipts_storage_v10())
		elog(ERROR, "the roster of group " INT64_FORMAT " holds no watermarks", gid);
	att_wm = wm ? direct_attnum(relid, "read_upto", INT8OID) : InvalidAttrNumber;
	att_active = direct_attnum(relid, "active", BOOLOID);

	if (idx->rd_index->indnkeyatts < 1 || idx->rd_index->indkey.values[0] != att_gid)
		elog(ERROR, "index %s does not lead with %s.%s.gid",
			 ROSTER_INDEX, ROSTER_SCHEMA, ROSTER_TABLE);

	/*
	 * A bitmap scan, as the executor's Bitmap Heap Scan: the index gives the
	 * group's tuple ids, then each heap page is read once, its visible
	 * tuples found under one buffer lock (an index scan locks the page and
	 * checks visibility tuple by tuple: twice the time at 100,000 members).
	 * gid is checked on every tuple, lossy page or not.
	 */
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(gid));
	tbm = tbm_create(work_mem * 1024L, NULL);
	iscan = index_beginscan_bitmap(idx, snapshot, 1);
	index_rescan(iscan, &key, 1, NULL, 0);
	(void) index_getbitmap(iscan, tbm);
	index_endscan(iscan);

	slot = table_slot_create(rel, NULL);
	hscan = table_beginscan_bm(rel, snapshot, 0, NULL);
	it = tbm_begin_iterate(tbm);
	while ((page = tbm_iterate(it)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (!table_scan_bitmap_next_block(hscan, page))
			continue;
		while (table_scan_bitmap_next_tuple(hscan, page, slot))
		{
			int32		s;

			if (DatumGetInt64(direct_value(slot, att_gid, gid, "gid")) != gid)
				continue;
			nrows++;
			s = DatumGetInt32(direct_value(slot, att_slot, gid, "slot"));
			if (s < 0 || s >= nslots)
				receipts_corrupted_slot(gid, (int64) s);
			if (wm)
				wm[s] = DatumGetInt64(direct_value(slot, att_wm, gid, "read_upto"));
			if (uid)
				uid[s] = DatumGetInt64(direct_value(slot, att_uid, gid, "uid"));
			if (active)
				active[s] = DatumGetBool(direct_value(slot, att_active, gid, "active"));
		}
	}
	tbm_end_iterate(it);
	table_endscan(hscan);
	tbm_free(tbm);
	ExecDropSingleTupleTableSlot(slot);
	direct_close(rel, idx, AccessShareLock);
	return nrows;
}

/*
 * groupreceipt._watermark_vector(gid, nslots) -> int8[]: the folded read
 * watermark of every slot, element slot + 1 (fold stores it as the
 * group's packed vector).
 */
PG_FUNCTION_INFO_V1(groupreceipt_watermark_vector);
Datum
groupreceipt_watermark_vector(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	int32		nslots = PG_GETARG_INT32(1);
	int64	   *wm;

	if (nslots < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("group " INT64_FORMAT " has a negative roster size %d", gid, nslots)));
	wm = palloc0(Max(nslots, 1) * sizeof(int64));
	receipts_roster_load(gid, nslots, wm, NULL, NULL);
	PG_RETURN_DATUM(receipts_int8_array(wm, nslots));
}
