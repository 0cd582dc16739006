/*
 * receipts_storage.c
 *	  Which storage the database holds (the version of the extension whose
 *	  tables it has), cached per backend, and the lock that keeps a call's
 *	  answer to that question true while the call runs.
 *
 * One library serves every installed version of the extension: between
 * installing a new package and ALTER EXTENSION groupreceipt UPDATE, a
 * database keeps its older tables, and every path asks which ones it has.
 * Each storage version from 0.5 on has groupreceipt.store and lacks a table
 * the one before had:
 *
 *	  0.5  store, snapshots                0.7  store, ack_log (no archived_messages)
 *	  0.6  store, archived_messages        0.8  store alone of those (0.9: the same)
 *	       (no snapshots)                  0.10 members without read_upto
 *
 * so the checks were lookups of tables that are not there, which the
 * relation cache of receipts_relcache.c does not keep (only names found
 * are kept): three catalog probes per check, about 2 % of a count's
 * server CPU at 100,000 members.  The answer is now kept with the cache's
 * generation; every update script from 0.5 on drops a table or a column
 * of a table the cache holds, and that invalidation clears it.  Before 0.5 (no store) nothing
 * is kept: 0.2 -> 0.3 only creates tables.
 *
 * The entry lock.  An update script moves rows and drops tables while
 * calls run.  A call that decided on 0.7 storage and then waited for the
 * update's lock on ack_log found the table dropped when the update
 * committed ("could not open relation with OID ...", an internal error);
 * a count that waited elsewhere decided on 0.8 storage after the update
 * committed but read store under its statement's snapshot, taken before:
 * the K rows the update had moved were invisible, the pending acks
 * missing from its answer.  Now the first lookup of each transaction
 * takes AccessShareLock on store, which every update script from 0.5 on
 * locks first, in ACCESS EXCLUSIVE mode -- so no update commits between
 * that call and the end of its transaction --, and then checks that the
 * call's snapshot sees the extension's latest CREATE / ALTER EXTENSION
 * (the xmin of its pg_extension row).  A call whose snapshot does not
 * (it waited for the update, or a REPEATABLE READ transaction's snapshot
 * predates it) stops with a serialization failure (40001), which the
 * application retries as any.  A wait behind another exclusive lock
 * (VACUUM FULL, CLUSTER) or an update that rolled back leaves the row as
 * it was, and the call goes on.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"

#include "receipts.h"
#include "receipts_archive.h"
#include "receipts_blocks.h"
#include "receipts_logs.h"
#include "receipts_store_rows.h"

static int	kept_version = 0;	/* 0: not known */
static uint64 kept_generation = 0;
static LocalTransactionId locked_lxid = InvalidLocalTransactionId;
static bool locking = false;
static bool callback_registered = false;

/* The version, from the catalogs (through the relation cache). */
static int
storage_version_lookup(void)
{
	Oid			watermarks,
				roster;

	if (!OidIsValid(receipts_relation_oid(STORE_TABLE)))
	{
		watermarks = receipts_relation_oid("watermarks");
		if (OidIsValid(watermarks) &&
			receipts_column_attnum(watermarks, "uids", INT8ARRAYOID) != InvalidAttrNumber)
			return 4;
		return OidIsValid(receipts_relation_oid("ack_log")) ? 3 : 2;
	}
	if (OidIsValid(receipts_relation_oid("snapshots")))
		return 5;
	if (OidIsValid(receipts_relation_oid("archived_messages")))
		return 6;
	if (OidIsValid(receipts_relation_oid("ack_log")))
		return 7;
	roster = receipts_relation_oid("members");
	if (OidIsValid(roster) &&
		receipts_column_attnum(roster, "read_upto", INT8OID) != InvalidAttrNumber)
		return 8;
	return 10;
}

/*
 * The storage version of the database: 2 (0.1 or 0.2 storage), 3 ... 8
 * (8 also for 0.9, which changed no table), 10.
 * The first call in a transaction takes the entry lock.
 */
int
receipts_storage_version(void)
{
	uint64		gen;
	int			version;

	(void) receipts_schema_oid();	/* invalidations, the entry lock */
	gen = receipts_cache_generation();
	if (kept_version != 0 && kept_generation == gen)
		return kept_version;
	version = storage_version_lookup();
	/* not if an invalidation came during the lookup */
	if (version >= 5 && gen == receipts_cache_generation())
	{
		kept_version = version;
		kept_generation = gen;
	}
	return version;
}

bool
receipts_storage_v03(void)
{
	return receipts_storage_version() >= 3;
}

bool
receipts_storage_v04(void)
{
	return receipts_storage_version() >= 4;
}

bool
receipts_storage_v05(void)
{
	return receipts_storage_version() >= 5;
}

bool
receipts_storage_v06(void)
{
	return receipts_storage_version() >= 6;
}

bool
receipts_storage_v07(void)
{
	return receipts_storage_version() >= 7;
}

bool
receipts_storage_v08(void)
{
	return receipts_storage_version() >= 8;
}

bool
receipts_storage_v10(void)
{
	return receipts_storage_version() >= 10;
}

/* a lock taken in a subtransaction that aborted is gone: take it again */
static void
subxact_callback(SubXactEvent event, SubTransactionId mySubid,
				 SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		locked_lxid = InvalidLocalTransactionId;
}

/*
 * The xmin of the extension's pg_extension row: the transaction of its
 * CREATE EXTENSION or of its latest ALTER EXTENSION (UPDATE rewrites the
 * row).  Kept with the cache's generation: every update script from 0.5 on
 * drops or alters a relation the cache holds.
 */
static TransactionId
extension_xmin(void)
{
	static TransactionId kept_xmin = InvalidTransactionId;
	static uint64 kept_xmin_generation = 0;
	uint64		gen = receipts_cache_generation();
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	TransactionId xmin = InvalidTransactionId;

	if (TransactionIdIsValid(kept_xmin) && kept_xmin_generation == gen)
		return kept_xmin;
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum("groupreceipt"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		xmin = HeapTupleHeaderGetXmin(tup->t_data);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (gen == receipts_cache_generation())
	{
		kept_xmin = xmin;
		kept_xmin_generation = gen;
	}
	return xmin;
}

/*
 * The entry lock (see the head of the file), from receipts_relcache.c's
 * first lookup of each transaction; the lookups it makes itself come back
 * here and return at once.
 */
void
receipts_storage_entry_lock(void)
{
	if (locking || locked_lxid == MyProc->lxid)
		return;
	if (!callback_registered)
	{
		RegisterSubXactCallback(subxact_callback, NULL);
		callback_registered = true;
	}
	locking = true;
	PG_TRY();
	{
		for (;;)
		{
			Oid			store = receipts_relation_oid(STORE_TABLE);
			uint64		gen = receipts_cache_generation();

			if (!OidIsValid(store))
				break;			/* before 0.5: no store, no update to wait for */
			/* an exclusive lock is held or asked for: wait for it */
			LockRelationOid(store, AccessShareLock);
			/* locking accepted invalidations: if they may be about store, look again */
			if (gen == receipts_cache_generation())
				break;
		}
		/*
		 * The update may have committed after the snapshot was taken (while
		 * this call waited, or before it began: a REPEATABLE READ
		 * transaction's snapshot, or a statement's taken just before): the
		 * rows it moved are invisible to the snapshot, and the tables they
		 * were in are gone.  No update can commit after this point until
		 * the transaction ends (it waits for the lock just taken).
		 */
		if (ActiveSnapshotSet())
		{
			TransactionId xmin = extension_xmin();

			if (TransactionIdIsNormal(xmin) && !TransactionIdIsCurrentTransactionId(xmin) &&
				XidInMVCCSnapshot(xmin, GetActiveSnapshot()))
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("the extension groupreceipt was updated after this statement's snapshot was taken"),
						 errdetail("ALTER EXTENSION groupreceipt committed meanwhile; storage version 0.%d, "
								   "whose rows the snapshot may not see.", receipts_storage_version()),
						 errhint("Retry the transaction.")));
		}
		locked_lxid = MyProc->lxid;
	}
	PG_FINALLY();
	{
		locking = false;
	}
	PG_END_TRY();
}

/*
 * groupreceipt._enter() -> void (0.9): the entry lock, for the SQL and
 * plpgsql functions whose first statement reads a table (_member, members,
 * _archive_candidates, _purge_candidates).  Without it such a body waited for an update's
 * lock in its first statement and then read under the snapshot taken
 * before the wait, or a table the update had replaced.
 */
PG_FUNCTION_INFO_V1(groupreceipt_enter);
Datum
groupreceipt_enter(PG_FUNCTION_ARGS)
{
	receipts_storage_entry_lock();
	PG_RETURN_VOID();
}
