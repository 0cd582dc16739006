/*
 * receipts_direct_ack.c
 *	  The two acks on 0.3 storage without SPI statements: the reader's
 *	  roster row locked, its watermark, the log row(s) inserted and the
 *	  newly read messages found, all through the tables' primary keys.
 *
 * Each ack was two SPI statements (lock, then log and report); their
 * executor start-up -- an aggregate, a nested loop, five scans -- was most
 * of an ack's time (perf: ExecutorStart 19 % of the server's CPU in the
 * batch-ack benchmark, more than the statements' scans).  What they did is
 * done here step for step, with the same snapshots:
 *
 *   1. in a fresh snapshot, find the reader's row by members_pkey and lock
 *	  it FOR NO KEY UPDATE, newest version (table_tuple_lock follows an
 *	  update chain as EvalPlanQual does): concurrent acks of one member
 *	  take turns here; the row is not updated;
 *   2. in a snapshot taken after the lock was granted -- it sees every ack
 *	  of the member committed before -- the watermark: the roster row's,
 *	  raised by the member's pending batch acks (receipts_logs.c);
 *   3. insert the log row(s) through table_tuple_insert and index_insert
 *	  (direct_insert_row, receipts_direct.c), and report the messages that
 *	  became read: received (in the message's snapshot, not the sender),
 *	  not read explicitly before (folded bit or pending log row).
 *
 * An ack never pre-reads a later message (the watermark is clamped to the
 * group's newest msgid); an ack that raises nothing inserts nothing.
 * Inserts bypass triggers and rules: the log tables are the extension's
 * own and have none; their indexes are all maintained.
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "receipts.h"
#include "receipts_blocks.h"
#include "receipts_direct.h"
#include "receipts_logs.h"

/*
 * Step 1: lock the reader's roster row; false if (gid, uid) has no row.
 * *slot and *read_upto are the newest version's (0.10 storage: the roster
 * holds no watermark, *read_upto is 0; step 2 reads the W row).
 */
static bool
lock_reader(int64 gid, int64 uid, int32 *slot_out, int64 *read_upto)
{
	DirectScan	ds;
	ScanKeyData keys[2];
	bool		found = false;

	direct_int8_key(&keys[0], 1, gid);
	direct_int8_key(&keys[1], 2, uid);
	direct_begin_for(&ds, "members", "members_pkey", keys, 2, RowShareLock, ACL_UPDATE);
	if (direct_next(&ds))
	{
		ItemPointerData tid = ds.slot->tts_tid;
		Oid			relid = RelationGetRelid(ds.rel);
		TM_Result	res = direct_lock_newest(ds.rel, &tid, LockTupleNoKeyExclusive, ds.slot);

		switch (res)
		{
			case TM_Ok:
				found = true;
				*slot_out = DatumGetInt32(direct_value(ds.slot, direct_attnum(relid, "slot", INT4OID),
													   gid, "slot"));
				*read_upto = receipts_storage_v10() ? 0 :
					DatumGetInt64(direct_value(ds.slot, direct_attnum(relid, "read_upto", INT8OID),
											   gid, "read_upto"));
				if (DatumGetInt64(direct_value(ds.slot, direct_attnum(relid, "uid", INT8OID), gid, "uid")) != uid)
					elog(ERROR, "the roster row of member " INT64_FORMAT " of group " INT64_FORMAT
						 " changed its uid", uid, gid);
				break;
			case TM_Deleted:
				/* removed by a drop or forget that committed meanwhile */
				break;
			default:
				elog(ERROR, "could not lock the roster row of member " INT64_FORMAT
					 " of group " INT64_FORMAT ": result %d", uid, gid, (int) res);
		}
	}
	direct_end(&ds);
	return found;
}

/*
 * Step 2: the reader's watermark, its roster row's (0.10 storage: its slot's
 * in the W row, which only fold writes) raised by its pending batch acks,
 * in the active snapshot.
 */
static int64
reader_watermark(int64 gid, int32 slot, int64 read_upto)
{
	if (receipts_storage_v10())
		read_upto = receipts_wm_cache_slot(gid, slot);
	return receipts_pending_ack_of(gid, slot, read_upto);
}

/* ------------------------------------------------- reading the messages */

/*
 * Did the reader in slot receive the message and not read it explicitly?
 * Its snapshot holds the slot, the slot is not the sender's, its folded
 * bits (read NULL: compacted, all read) and its pending log rows do not
 * hold the slot (log NULL: the range has no pending log row).
 */
static bool
received_unread(int64 gid, int64 msgid, int32 slot, int32 sender_slot, int32 snap_id,
				const Bitmap *read, SnapProbe *snaps, LogProbe *log)
{
	Bitmap	   *snap;

	if (sender_slot == slot || read == NULL || bitmap_has_position(read, slot))
		return false;
	/* the snapshot probe replaces no slot of the message scan */
	snap = direct_snapshot(snaps, gid, snap_id);
	if (snap == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("snapshot %d of group " INT64_FORMAT " is missing", snap_id, gid)));
	if (!bitmap_has_position(snap, slot))
		return false;
	if (log == NULL)
		return true;			/* no explicit read of the range at all */
	return !log_probe_run(log, gid, msgid, slot);
}

/* received_unread for a tail row (a row of messages) */
static bool
newly_read(TupleTableSlot *row, const DirectMsgCols *c, int64 gid, int64 msgid, int32 slot,
		   SnapProbe *snaps, LogProbe *log)
{
	int32		sender_slot = DatumGetInt32(direct_value(row, c->sender_slot, gid, "sender_slot"));
	int32		snap_id = DatumGetInt32(direct_value(row, c->snap_id, gid, "snap_id"));
	bool		isnull;
	Datum		d = slot_getattr(row, c->read, &isnull);
	Bitmap	   *read = isnull ? NULL : DatumGetBitmapPP(d);
	bool		result = received_unread(gid, msgid, slot, sender_slot, snap_id, read, snaps, log);

	if (read != NULL && (Pointer) read != DatumGetPointer(d))
		pfree(read);
	return result;
}

/* received_unread for a sealed message (receipts_blocks.c) */
static bool
newly_read_sealed(const MsgRow *m, int64 gid, int32 slot, SnapProbe *snaps, LogProbe *log)
{
	return received_unread(gid, m->msgid, slot, m->sender_slot, m->snap_id,
						   m->all_read ? NULL : m->read, snaps, log);
}

static void
pairs_add(SenderMsg **pairs, int *n, int *cap, int64 sender, int64 msgid)
{
	if (*n == *cap)
	{
		*cap = *cap ? *cap * 2 : 16;
		*pairs = *pairs ? repalloc(*pairs, *cap * sizeof(SenderMsg)) : palloc(*cap * sizeof(SenderMsg));
	}
	(*pairs)[*n].sender = sender;
	(*pairs)[*n].msgid = msgid;
	(*n)++;
}

/* ------------------------------------------------------------ the acks */

/*
 * ack(gid, uid, upto) on 0.3 storage, under the group's share lock: the
 * (sender, msgid) pairs that became read.  *logged: a log row was inserted;
 * *slot, *nslots and *upto (clamped) for the caller's fold decision.
 */
int
receipts_direct_ack(int64 gid, int64 uid, int64 *upto, bool *logged, int32 *slot,
					int32 *nslots, SenderMsg **pairs)
{
	int64		read_upto,
				last_msgid = 0,
				old;
	bool		found;
	int			n = 0,
				cap = 0;

	*pairs = NULL;
	*logged = false;
	direct_push_fresh_snapshot();
	found = lock_reader(gid, uid, slot, &read_upto) && receipts_direct_group(gid, &last_msgid, nslots);
	PopActiveSnapshot();
	if (!found)
		receipts_never_member(gid, uid);
	if (*upto > last_msgid)
		*upto = last_msgid;		/* an ack never pre-reads a later message */

	direct_push_fresh_snapshot();
	old = reader_watermark(gid, *slot, read_upto);
	if (*upto > old)
	{
		LogInsert	li;
		DirectScan	ds;
		ScanKeyData keys[3];
		DirectMsgCols c;
		SnapProbe	snaps = {0};
		LogProbe	log;
		bool		reads;
		int			nrows = 0;

		log_insert_begin(&li, LOG_ACKS, "ack");
		log_insert_row(&li, gid, *slot, *upto);
		log_insert_end(&li);
		*logged = true;

		/* the messages in (old, upto] */
		direct_int8_key(&keys[0], 1, gid);
		ScanKeyInit(&keys[1], 2, BTGreaterStrategyNumber, F_INT8GT, Int64GetDatum(old));
		ScanKeyInit(&keys[2], 2, BTLessEqualStrategyNumber, F_INT8LE, Int64GetDatum(*upto));
		direct_begin(&ds, "messages", "messages_pkey", keys, 3);
		direct_msg_cols(ds.rel, &c);
		reads = receipts_pending_reads_in(gid, old, *upto);
		if (reads)
			log_probe_begin(&log, LOG_READS);
		while (direct_next(&ds))
		{
			int64		msgid = DatumGetInt64(direct_value(ds.slot, c.msgid, gid, "msgid"));

			if ((++nrows & 1023) == 0)
				CHECK_FOR_INTERRUPTS();
			if (newly_read(ds.slot, &c, gid, msgid, *slot, &snaps, reads ? &log : NULL))
				pairs_add(pairs, &n, &cap,
						  DatumGetInt64(direct_value(ds.slot, c.sender, gid, "sender")), msgid);
		}
		/*
		 * 0.5: and the sealed messages of the range (all below the tail's),
		 * unless the newest sealed msgid is at most old -- the usual case,
		 * an ack of the newest messages: then no block is read (one
		 * index-only descent; a probe of the tail's index could walk the
		 * dead entries of the rows sealed since the last vacuum)
		 */
		if (receipts_storage_v05() && receipts_sealed_upto(gid) > old)
		{
			MsgRow	   *rows;
			SlotUids   *su = NULL;
			int			nsealed = receipts_sealed_range(gid, old, *upto, PG_INT64_MAX, -1, false, &rows),
						i;

			for (i = 0; i < nsealed; i++)
				if (newly_read_sealed(&rows[i], gid, *slot, &snaps, reads ? &log : NULL))
				{
					if (su == NULL)
						su = receipts_slot_uids_begin(gid);
					pairs_add(pairs, &n, &cap, receipts_slot_uid(su, rows[i].sender_slot), rows[i].msgid);
				}
			if (su)
				receipts_slot_uids_end(su);
		}
		if (reads)
			log_probe_end(&log);
		direct_snapshot_end(&snaps);
		direct_end(&ds);
	}
	PopActiveSnapshot();
	/* what the ack inserted is seen by the caller's next statement, as after SPI */
	CommandCounterIncrement();
	return n;
}

/*
 * ack_msgs(gid, uid, ids) on 0.3 storage, under the group's share lock:
 * the n ids sorted and distinct.  Returns the (sender, msgid) pairs that
 * became read, or -1 when not every id is a live message (in the tail or,
 * 0.5, sealed) -- then nothing was inserted and the caller sorts out
 * archived and never-posted ids; with missing_is_error the first id not
 * live raises "never posted" instead.
 * Raises "never a member" when (gid, uid) has no roster row.
 */
int
receipts_direct_ack_msgs(int64 gid, int64 uid, const int64 *ids, int n, bool missing_is_error,
						 SenderMsg **pairs)
{
	bool		v05 = receipts_storage_v05();
	int64	   *missing,
				missing_first = 0;
	int			nmissing = 0;
	int64		read_upto,
				wm;
	int32		slot;
	bool		found,
				all_live;
	DirectProbe msg;
	LogProbe	log;
	SnapProbe	snaps = {0};
	DirectMsgCols c;
	SenderMsg  *cand;
	int			ncand = 0,
				cap = 0,
				i;

	*pairs = NULL;
	direct_push_fresh_snapshot();
	found = lock_reader(gid, uid, &slot, &read_upto);
	PopActiveSnapshot();
	if (!found)
		receipts_never_member(gid, uid);

	direct_push_fresh_snapshot();
	wm = reader_watermark(gid, slot, read_upto);
	cand = NULL;
	{
		static const RegProcedure eq[2] = {F_INT8EQ, F_INT8EQ};	/* (gid, msgid) */

		direct_probe_begin(&msg, "messages", "messages_pkey", eq, 2);
	}
	direct_msg_cols(msg.ds.rel, &c);
	log_probe_begin(&log, LOG_READS);
	missing = palloc(Max(n, 1) * sizeof(int64));
	for (i = 0; i < n; i++)
	{
		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		msg.keys[0].sk_argument = Int64GetDatum(gid);
		msg.keys[1].sk_argument = Int64GetDatum(ids[i]);
		if (!direct_probe_run(&msg))
		{
			missing[nmissing++] = ids[i];	/* sealed, archived or never posted */
			if (!v05)
				break;
			continue;
		}
		if (ids[i] > wm && newly_read(msg.ds.slot, &c, gid, ids[i], slot, &snaps, &log))
			pairs_add(&cand, &ncand, &cap,
					  DatumGetInt64(direct_value(msg.ds.slot, c.sender, gid, "sender")), ids[i]);
	}
	direct_end(&msg.ds);
	if (nmissing > 0 && v05)
	{
		MsgRow	   *rows;
		int			nsealed = receipts_sealed_messages(gid, missing, nmissing, true, &rows),
					k = 0;

		for (i = 0; i < nsealed; i++)
			if (rows[i].msgid > wm && newly_read_sealed(&rows[i], gid, slot, &snaps, &log))
				pairs_add(&cand, &ncand, &cap, rows[i].sender, rows[i].msgid);
		/* what is left missing: the ids not sealed either */
		for (i = 0; i < nmissing; i++)
		{
			if (k < nsealed && rows[k].msgid == missing[i])
				k++;
			else
			{
				missing_first = missing[i];
				break;
			}
		}
		nmissing -= nsealed;
	}
	else if (nmissing > 0)
		missing_first = missing[0];
	log_probe_end(&log);
	direct_snapshot_end(&snaps);

	all_live = (nmissing == 0);
	if (!all_live && missing_is_error)
		receipts_missing_message(gid, missing_first);
	if (all_live)
	{
		LogInsert	li;

		if (ncand > 0)
		{
			log_insert_begin(&li, LOG_READS, "ack_msgs");
			for (i = 0; i < ncand; i++)
				log_insert_row(&li, gid, cand[i].msgid, slot);
			log_insert_end(&li);
		}
	}
	PopActiveSnapshot();
	CommandCounterIncrement();
	if (!all_live)
		return -1;
	*pairs = cand;
	return ncand;
}

/*
 * groupreceipt._read_watermark(gid, slot) -> int8 (0.10 storage): the read
 * watermark of the slot as the acks see it -- its entry in the W row (0
 * when the row holds none) raised by its pending batch acks -- in the
 * caller's snapshot; for _member, whose roster row no longer holds one.
 */
PG_FUNCTION_INFO_V1(groupreceipt_read_watermark);
Datum
groupreceipt_read_watermark(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	int32		slot = PG_GETARG_INT32(1);

	if (!receipts_storage_v10())
		elog(ERROR, "groupreceipt._read_watermark needs 0.10 storage");
	PG_RETURN_INT64(reader_watermark(gid, slot, 0));
}
