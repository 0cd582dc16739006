/*
 * receipts_direct.h
 *	  Index scans, row locks and inserts on the extension's own tables from
 *	  C, without SPI statements (receipts_direct.c, receipts_direct_ack.c).
 *
 * Include after postgres.h and receipts.h.  Tables and indexes are opened by name in
 * schema groupreceipt on every call: a restored or upgraded database, or a
 * partition behind PL/Proxy, has other OIDs.
 */
#ifndef GROUPRECEIPT_RECEIPTS_DIRECT_H
#define GROUPRECEIPT_RECEIPTS_DIRECT_H

#include "access/genam.h"
#include "access/sdir.h"
#include "access/skey.h"
#include "access/tableam.h"
#include "executor/tuptable.h"
#include "nodes/execnodes.h"
#include "nodes/parsenodes.h"
#include "storage/buf.h"
#include "storage/lockdefs.h"
#include "utils/relcache.h"

/* The extension's schema; its relations' OIDs (receipts_relcache.c). */
#define RECEIPTS_SCHEMA "groupreceipt"

extern Oid	receipts_schema_oid(void);
extern Oid	receipts_relation_oid(const char *name);
extern Oid	receipts_bitmap_type_oid(void);
extern AttrNumber receipts_column_attnum(Oid relid, const char *name, Oid type);
extern uint64 receipts_cache_generation(void);

/*
 * The database's storage version, 2 (0.1/0.2) ... 8, kept per backend
 * (receipts_storage.c; receipts_storage_v03() ... _v08() ask it), and the
 * entry lock every transaction's first lookup takes on store.
 */
extern int	receipts_storage_version(void);
extern void receipts_storage_entry_lock(void);

/*
 * An index scan of one of the extension's tables, under the active
 * snapshot.  index_only (direct_begin_index_only): direct_next reads each
 * visible entry's columns from the index tuple into values/isnull, in the
 * index's column order, and fetches the heap row only to check visibility
 * on a page the visibility map does not show all-visible (slot is then
 * not filled otherwise).
 */
typedef struct DirectScan
{
	Relation	rel;
	Relation	idx;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	LOCKMODE	lockmode;		/* of rel and idx */
	bool		index_only;
	Buffer		vmbuf;			/* visibility map page, index_only */
	Datum		values[INDEX_MAX_KEYS];
	bool		isnull[INDEX_MAX_KEYS];
} DirectScan;

extern void direct_open(const char *table, const char *index, LOCKMODE lockmode,
						AclMode acl_mode, Relation *rel, Relation *idx);
extern void direct_close(Relation rel, Relation idx, LOCKMODE lockmode);
extern void direct_begin(DirectScan *ds, const char *table, const char *index,
						 ScanKey keys, int nkeys);
extern void direct_begin_for(DirectScan *ds, const char *table, const char *index,
							 ScanKey keys, int nkeys, LOCKMODE lockmode, AclMode acl_mode);
extern void direct_begin_index_only(DirectScan *ds, const char *table, const char *index,
									ScanKey keys, int nkeys);
extern bool direct_next(DirectScan *ds);
extern bool direct_next_in(DirectScan *ds, ScanDirection dir);
extern int	direct_index_column(DirectScan *ds, const char *name, Oid type);
extern Datum direct_entry_value(DirectScan *ds, int col, int64 gid, const char *name);
extern TM_Result direct_lock_newest(Relation rel, ItemPointer tid, LockTupleMode mode,
									TupleTableSlot *slot);
extern void direct_end(DirectScan *ds);
extern void direct_push_fresh_snapshot(void);
extern void direct_int8_key(ScanKey key, AttrNumber attno, int64 value);
extern AttrNumber direct_attnum(Oid relid, const char *name, Oid type);
extern Datum direct_value(TupleTableSlot *slot, AttrNumber att, int64 gid, const char *name);

#define DIRECT_MAX_INDEXES 8
#define DIRECT_MAX_COLUMNS 8

/* Every index of a table, opened to receive the entries of new tuples. */
typedef struct DirectIndexes
{
	int			nidx;
	Relation	idx[DIRECT_MAX_INDEXES];
	IndexInfo  *ii[DIRECT_MAX_INDEXES];
	ExprState  *pred[DIRECT_MAX_INDEXES];
	EState	   *estate;			/* for expression and partial indexes, else NULL */
} DirectIndexes;

extern void direct_indexes_open(DirectIndexes *xi, Relation rel, TupleTableSlot *slot);
extern void direct_indexes_insert(DirectIndexes *xi, Relation rel, TupleTableSlot *slot);
extern void direct_indexes_close(DirectIndexes *xi);

/* Inserts into one table, opened once for the rows of a call, every index maintained. */
typedef struct DirectInsert
{
	Relation	rel;
	DirectIndexes xi;
	TupleTableSlot *slot;
	int			n;
	AttrNumber	atts[DIRECT_MAX_COLUMNS];
} DirectInsert;

extern bool direct_plain_table(Relation rel);
extern void direct_require_plain_table(Relation rel, const char *what);
extern void direct_insert_begin(DirectInsert *di, const char *table, const char *pkey,
								const char *const *names, const Oid *types, int n);
extern void direct_insert_row(DirectInsert *di, const Datum *values);
extern void direct_insert_end(DirectInsert *di);

/* The column numbers of a message row (groupreceipt.messages). */
typedef struct DirectMsgCols
{
	AttrNumber	msgid,
				sender,
				sender_slot,
				snap_id,
				read;
} DirectMsgCols;

extern void direct_msg_cols(Relation rel, DirectMsgCols *c);
extern int	direct_msgid_keys(ScanKey keys, AttrNumber attno, const int64 *ids, int n, bool *filter);
extern void direct_msg_row(TupleTableSlot *slot, const DirectMsgCols *c, int64 gid, MsgRow *m);

/* Probes by primary key: the scan opened once, restarted per key. */
extern bool direct_row_version_changed(DirectScan *ds, ItemPointer have_tid, TransactionId have_xmin,
									   ItemPointer tid, TransactionId *xmin);

typedef struct DirectProbe
{
	DirectScan	ds;
	ScanKeyData keys[4];
	int			nkeys;
} DirectProbe;

extern void direct_probe_begin(DirectProbe *p, const char *table, const char *index,
							   const RegProcedure *eqprocs, int nkeys);
extern void direct_probe_begin_index_only(DirectProbe *p, const char *table, const char *index,
										  const RegProcedure *eqprocs, int nkeys);
extern bool direct_probe_run(DirectProbe *p);

/* A group's snapshots read by primary key, once per call (needs receipts.h). */
typedef struct SnapProbe
{
	DirectProbe probe;
	bool		open;
	bool		store;			/* 0.6: probing the S rows of store */
	SnapCache	cache;
} SnapProbe;

extern Bitmap *direct_snapshot(SnapProbe *sp, int64 gid, int32 snap_id);
extern void direct_snapshot_end(SnapProbe *sp);

#endif							/* GROUPRECEIPT_RECEIPTS_DIRECT_H */
