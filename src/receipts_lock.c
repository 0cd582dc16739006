/*
 * receipts_lock.c
 *	  The per-group lock, and the isolation level the write paths need.
 *
 * One heavyweight lock per group, keyed by the exact 64-bit gid (no hash:
 * two groups never share a lock).  It lives in the advisory lock space of
 * the lock manager (so pg_locks shows it as "advisory", with objsubid =
 * RECEIPTS_LOCK_CLASS) but under a class that no SQL-level advisory lock
 * function can produce: pg_advisory_lock(bigint) uses class 1 and
 * pg_advisory_lock(int, int) class 2, so an application's own advisory
 * locks never collide with ours, whatever keys it uses.
 *
 * Modes:
 *	  ShareLock      ack, ack_msgs, fold: many at once in a group
 *	  ExclusiveLock  archive, forget, drop_group: alone in the group; they
 *	                 wait for the acks in progress and acks wait for them
 * Lock order, everywhere: this lock, then the group's row in
 * groupreceipt.groups, then member rows.  Fold takes this lock in share mode and, to keep one
 * folder per group, a second, fold-only class (RECEIPTS_LOCK_FOLD_CLASS)
 * exclusively without waiting.
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/builtins.h"

#include "receipts.h"
#include "receipts_direct.h"

static void
receipts_locktag(LOCKTAG *tag, int64 gid, uint16 cls)
{
	uint64		key = (uint64) gid;

	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, (uint32) (key >> 32), (uint32) key, cls);
}

bool
receipts_lock(int64 gid, uint16 cls, LOCKMODE mode, bool wait)
{
	LOCKTAG		tag;

	receipts_locktag(&tag, gid, cls);
	return LockAcquire(&tag, mode, false, !wait) != LOCKACQUIRE_NOT_AVAIL;
}

/*
 * The write paths decide under their locks in fresh snapshots (READ
 * COMMITTED takes one per statement); under REPEATABLE READ or
 * SERIALIZABLE every statement would see the snapshot taken before the
 * lock waits, so they refuse to run there.  Reads run at any level.
 */
void
receipts_require_read_committed(const char *what)
{
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("groupreceipt.%s cannot run in a %s transaction", what,
						IsolationIsSerializable() ? "SERIALIZABLE" : "REPEATABLE READ"),
				 errdetail("The receipts write functions decide under group and member locks and need a fresh snapshot after each lock wait."),
				 errhint("Run it in a READ COMMITTED transaction (the default); the read functions run at any isolation level.")));
}

/*
 * groupreceipt._lock_group(gid, wait) -> bool: the group's lock in
 * exclusive mode until the end of the transaction (archive, forget,
 * drop_group).  wait false: give up at once if acks hold it (false).
 */
PG_FUNCTION_INFO_V1(groupreceipt_lock_group);
Datum
groupreceipt_lock_group(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	bool		wait = PG_GETARG_BOOL(1);

	PG_RETURN_BOOL(receipts_lock(gid, RECEIPTS_LOCK_CLASS, ExclusiveLock, wait));
}

/*
 * Share the group's lock (waiting for an archive, forget or drop_group of
 * the group in progress), then become the group's only folder, or return
 * false at once if another fold of the group runs: the others skip rather
 * than queue.
 */
bool
receipts_fold_lock(int64 gid)
{
	receipts_lock(gid, RECEIPTS_LOCK_CLASS, ShareLock, true);
	return receipts_lock(gid, RECEIPTS_LOCK_FOLD_CLASS, ExclusiveLock, false);
}

/* groupreceipt._lock_fold(gid) -> bool: receipts_fold_lock (0.3's plpgsql fold) */
PG_FUNCTION_INFO_V1(groupreceipt_lock_fold);
Datum
groupreceipt_lock_fold(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(receipts_fold_lock(PG_GETARG_INT64(0)));
}

/*
 * groupreceipt._require_read_committed(what text) -> void: the first call
 * of every plpgsql write function's body, so the entry lock too
 * (receipts_storage.c, 0.9): such a body then waits for an update in
 * progress here, not in a statement on a table the update drops.  The
 * bodies that call _lock_group call this first (or run inside post, which
 * took the entry lock); _lock_fold exists only at 0.1-0.3 storage, which
 * has no store and so no entry lock.
 */
PG_FUNCTION_INFO_V1(groupreceipt_require_read_committed);
Datum
groupreceipt_require_read_committed(PG_FUNCTION_ARGS)
{
	receipts_require_read_committed(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	receipts_storage_entry_lock();
	PG_RETURN_VOID();
}

/*
 * groupreceipt._in_transaction_block() -> bool: is the caller inside
 * BEGIN ... COMMIT (where a procedure cannot commit).
 */
PG_FUNCTION_INFO_V1(groupreceipt_in_transaction_block);
Datum
groupreceipt_in_transaction_block(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(IsTransactionBlock());
}
