/*
 * receipts_fold.c
 *	  fold(gid) in C (0.4): the group's pending explicit reads into the
 *	  messages' read bitmaps, its pending batch acks into the roster and the
 *	  packed watermark vector, and the compaction of fully read messages.
 *
 * Until 0.3 fold was plpgsql calling two more plpgsql functions, and its
 * compaction sweep found the group's lowest watermark with one ack_log
 * probe per active member: at 10,000 members a fold with nothing to do took
 * 14 ms, most of it that query, and every ack that folded in a fresh
 * connection compiled and planned the three functions first.  Here the
 * decisions are made from the state the query path reads through the
 * primary keys (receipts_direct.c) -- the group row, the watermark vector,
 * the pending acks, the current member snapshot, the distinct msgids of the
 * read log -- in memory, and SQL runs only for rows to write: one
 * statement per kind of write, prepared once per backend
 * (receipts_spi.c).  A fold with nothing to do runs no statement.
 *
 * The steps and their order are 0.3's:
 *	1. the read log, up to FOLD_SLICE messages per statement: each message's
 *	   pending bits merged into its bitmap, or the bitmap dropped (NULL)
 *	   when they make it fully read;
 *	2. the compaction sweep: messages with explicit bits at or below the
 *	   lowest effective watermark of the current members (pending batch
 *	   acks included), FOLD_SLICE at most per fold from where the last sweep
 *	   stopped (groups.compacted_upto, moved unless a post or a membership
 *	   change holds the group row);
 *	3. the batch acks into the roster (member rows locked by others
 *	   skipped, with their log rows) and the vector rebuilt from it;
 *	4. the swept messages that are now fully read lose their bits.
 * fold never waits for a row lock: it runs inside acks, which hold their
 * member's row.  The caller holds the fold lock (receipts_fold_lock,
 * receipts_lock.c).
 */
#include "postgres.h"

#include "access/tableam.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "bitmap.h"
#include "receipts.h"
#include "receipts_blocks.h"
#include "receipts_direct.h"
#include "receipts_logs.h"
#include "receipts_store_rows.h"

/* messages per statement and per sweep (0.3's slice) */
#define FOLD_SLICE 10000

/* The group row's fields fold needs, and what the packed row covers. */
typedef struct FoldGroup
{
	DirectGroup row;
	int32		stored;			/* slots the packed vector covers */
} FoldGroup;

/*
 * The lowest effective read watermark (folded, or a pending batch ack) of
 * the group's current members; false when it has none.  *pending: whether
 * any batch ack is pending.  The current members are the group's current
 * snapshot (a membership change drops it until the next post); without
 * one, the roster's active rows.  Sets g->stored.
 */
static bool
fold_low_watermark(int64 gid, FoldGroup *g, int64 *low, bool *pending)
{
	int64	   *wm = receipts_direct_vectors(gid, g->row.nslots, NULL, &g->stored);
	bool		any = false;

	*pending = receipts_direct_pending_acks(gid, g->row.nslots, wm) > 0;
	*low = PG_INT64_MAX;
	if (g->row.has_snapshot)
	{
		SnapProbe	sp = {0};
		Bitmap	   *members = direct_snapshot(&sp, gid, g->row.snap_id);
		GrSet		set;
		uint32		r;

		if (members == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("snapshot %d of group " INT64_FORMAT " is missing", g->row.snap_id, gid)));
		bitmap_to_set(members, &set);
		for (r = 0; r < set.nruns; r++)
		{
			uint32		s;

			if (set.runs[r].hi >= (uint32) g->row.nslots)
				receipts_corrupted_slot(gid, (int64) set.runs[r].hi);
			for (s = set.runs[r].lo; s <= set.runs[r].hi; s++)
				if (wm[s] < *low)
					*low = wm[s];
			any = true;
		}
		grset_free(&set);
		direct_snapshot_end(&sp);
	}
	else
	{
		bool	   *active = palloc0(Max(g->row.nslots, 1) * sizeof(bool));
		int32		s;

		receipts_roster_load(gid, g->row.nslots, NULL, NULL, active);
		for (s = 0; s < g->row.nslots; s++)
		{
			if (!active[s])
				continue;
			if (wm[s] < *low)
				*low = wm[s];
			any = true;
		}
		pfree(active);
	}
	/* wm may be the vector's detoasted copy itself: left to the context */
	return any;
}

/*
 * The sweep: up to FOLD_SLICE messages in (done, low] whose bits are not
 * dropped, in msgid order; those with some explicit bit go to *swept.
 * Returns how many were looked at; *seen is the newest of them.
 */
static int
fold_sweep(int64 gid, int64 done, int64 low, int64 **swept, int *nswept,
		   int64 **swept_sealed, int *nswept_sealed, int64 *seen)
{
	DirectScan	ds;
	ScanKeyData keys[3];
	DirectMsgCols c;
	int			nlooked = 0,
				cap = 0,
				nrows = 0;

	*swept = NULL;
	*nswept = 0;
	*swept_sealed = NULL;
	*nswept_sealed = 0;
	/* 0.5: the sealed messages first (every sealed msgid is below the tail's) */
	if (receipts_storage_v05())
	{
		MsgRow	   *rows;
		int			nsealed = receipts_sealed_range(gid, done, low, PG_INT64_MAX, FOLD_SLICE,
													false, &rows),
					i;

		*swept_sealed = palloc(Max(nsealed, 1) * sizeof(int64));
		for (i = 0; i < nsealed; i++)
		{
			nlooked++;
			*seen = rows[i].msgid;
			if (!rows[i].all_read &&
				grcodec_count(BITMAP_BYTES(rows[i].read), BITMAP_NBYTES(rows[i].read)) > 0)
				(*swept_sealed)[(*nswept_sealed)++] = rows[i].msgid;
		}
	}
	direct_int8_key(&keys[0], 1, gid);
	ScanKeyInit(&keys[1], 2, BTGreaterStrategyNumber, F_INT8GT, Int64GetDatum(done));
	ScanKeyInit(&keys[2], 2, BTLessEqualStrategyNumber, F_INT8LE, Int64GetDatum(low));
	direct_begin(&ds, "messages", "messages_pkey", keys, 3);
	direct_msg_cols(ds.rel, &c);
	while (nlooked < FOLD_SLICE && direct_next(&ds))
	{
		bool		isnull;
		Datum		d;
		Bitmap	   *read;

		if ((++nrows & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		d = slot_getattr(ds.slot, c.read, &isnull);
		if (isnull)
			continue;
		nlooked++;
		*seen = DatumGetInt64(direct_value(ds.slot, c.msgid, gid, "msgid"));
		read = DatumGetBitmapPP(d);
		if (grcodec_count(BITMAP_BYTES(read), BITMAP_NBYTES(read)) == 0)
			continue;
		if (*nswept == cap)
		{
			cap = cap ? cap * 2 : 64;
			*swept = *swept ? repalloc(*swept, cap * sizeof(int64)) : palloc(cap * sizeof(int64));
		}
		(*swept)[(*nswept)++] = *seen;
	}
	direct_end(&ds);
	return nlooked;
}

/*
 * 0.4 storage: the group's packed row rebuilt from its roster -- the
 * folded watermark and the member of every slot -- read in one fresh
 * snapshot, as one statement would; 0.6: written as the W row of store.
 */
static void
fold_write_vectors(int64 gid)
{
	int32		nslots = 0;
	int64	   *wm,
			   *uid;
	Datum		args[3];

	direct_push_fresh_snapshot();
	if (!receipts_direct_group(gid, NULL, &nslots))
		nslots = 0;
	wm = palloc0(Max(nslots, 1) * sizeof(int64));
	uid = palloc0(Max(nslots, 1) * sizeof(int64));
	receipts_roster_load(gid, nslots, wm, uid, NULL);
	PopActiveSnapshot();
	args[0] = Int64GetDatum(gid);
	if (receipts_storage_v06())
	{
		args[1] = PointerGetDatum(store_vector_payload(wm, uid, nslots));
		receipts_exec(STMT_FOLD_VECTOR_ROW, args, false, 0);
		return;
	}
	args[1] = receipts_int8_array(wm, nslots);
	args[2] = receipts_int8_array(uid, nslots);
	receipts_exec(STMT_FOLD_VECTORS, args, false, 0);
}

/*
 * STMT_FOLD_ACKS' result: the slot and new read watermark of every member
 * whose watermark moved.  Returns how many.
 */
static int
fold_moved_watermarks(int32 **slots, int64 **wms)
{
	int			n = (int) SPI_processed;
	int			i;

	*slots = palloc(Max(n, 1) * sizeof(int32));
	*wms = palloc(Max(n, 1) * sizeof(int64));
	for (i = 0; i < n; i++)
	{
		(*slots)[i] = spi_int4(i, 1);
		(*wms)[i] = spi_int8(i, 2);
	}
	return n;
}

/*
 * 0.6 storage (library 0.7.1): the W row brought up to date from what
 * changed since it was written -- the n watermarks STMT_FOLD_ACKS just
 * moved, and the members who joined since (slots beyond the row, read
 * through members_gid_slot_key) -- instead of rebuilt from the whole
 * roster (fold_write_vectors: a scan of every member row, 15-30 ms at
 * 100,000 members, which is why large groups folded only one ack in
 * nslots / 64).  The row and the roster are read in one fresh snapshot
 * taken after STMT_FOLD_ACKS, under the fold lock (one folder per group,
 * until the end of the transaction): the row read is the newest, written
 * by a fold that committed or by this transaction.  Every other slot's
 * watermark in the row equals its roster row's: read_upto changes only in
 * STMT_FOLD_ACKS (and at join, for a slot the row does not hold yet).
 * 0.10 storage: the roster holds no watermark; a member who joined since
 * has its join watermark as a K row, which STMT_FOLD_ACKS_V10 moved.
 */
static void
fold_update_vector_row(int64 gid, const int32 *slot, const int64 *wm_moved, int n)
{
	int32		nslots = 0;
	int			stored;
	int64	   *wm,
			   *uid = NULL;
	Datum		args[2];
	int			i;

	direct_push_fresh_snapshot();
	if (!receipts_direct_group(gid, NULL, &nslots))
		nslots = 0;
	/* the row's slots, then one scan for both fields of the slots after it */
	wm = store_vectors(gid, nslots, &uid, &stored);
	if (wm == NULL)
	{
		wm = palloc0(Max(nslots, 1) * sizeof(int64));
		uid = palloc0(Max(nslots, 1) * sizeof(int64));
	}
	if (stored < nslots)
		receipts_roster_after(gid, stored, nslots, receipts_storage_v10() ? NULL : wm, uid);
	PopActiveSnapshot();
	for (i = 0; i < n; i++)
	{
		if (slot[i] < 0 || slot[i] >= nslots)
			receipts_corrupted_slot(gid, (int64) slot[i]);
		if (wm_moved[i] > wm[slot[i]])
			wm[slot[i]] = wm_moved[i];
	}
	args[0] = Int64GetDatum(gid);
	args[1] = PointerGetDatum(store_vector_payload(wm, uid, nslots));
	receipts_exec(STMT_FOLD_VECTOR_ROW, args, false, 0);
}

/* Run a statement of (gid, ids[i, i + n)) for every slice of ids; total rows. */
static int64
fold_exec_slices(ReceiptsStmt stmt, int64 gid, const int64 *ids, int n)
{
	int64		total = 0;
	int			i;

	for (i = 0; i < n; i += FOLD_SLICE)
	{
		Datum		args[2];

		args[0] = Int64GetDatum(gid);
		args[1] = receipts_int8_array(ids + i, Min(FOLD_SLICE, n - i));
		receipts_exec(stmt, args, false, 0);
		total += (int64) SPI_processed;
	}
	return total;
}

/*
 * 0.5: move the sealed ones of the n sorted msgids to *sealed (ascending),
 * keep the rest (the tail's, and any no longer live: the read log's fold
 * deletes their rows) in ids; returns how many are sealed.
 */
static int
fold_split_sealed(int64 gid, int64 *ids, int *n, int64 **sealed)
{
	MsgRow	   *rows;
	int			nsealed = receipts_sealed_messages(gid, ids, *n, false, &rows),
				kept = 0,
				k = 0,
				i;

	*sealed = palloc(Max(nsealed, 1) * sizeof(int64));
	for (i = 0; i < *n; i++)
	{
		if (k < nsealed && rows[k].msgid == ids[i])
			(*sealed)[k++] = ids[i];
		else
			ids[kept++] = ids[i];
	}
	*n = kept;
	return nsealed;
}

/*
 * 0.5: the pending explicit reads of the n sealed messages (sorted) into
 * their blocks: each message's new bits, or "all read" when its unread
 * count (with them) is 0.  Returns the messages changed.
 */
static int64
fold_sealed_reads(int64 gid, const int64 *ids, int n)
{
	int64		changed = 0;
	int			i;

	for (i = 0; i < n; i += FOLD_SLICE)
	{
		Datum		args[2];
		SealedChange *ch;
		int			nch = 0,
					nrows,
					r;

		args[0] = Int64GetDatum(gid);
		args[1] = receipts_int8_array(ids + i, Min(FOLD_SLICE, n - i));
		receipts_exec(receipts_storage_v08() ? STMT_FOLD_SEALED_READS_V08 : STMT_FOLD_SEALED_READS,
					  args, false, 0);
		nrows = (int) SPI_processed;
		ch = palloc(Max(nrows, 1) * sizeof(SealedChange));
		for (r = 0; r < nrows; r++)
		{
			int64		msgid = spi_int8(r, 1);
			int32		slot = spi_int4(r, 2);

			if (slot < 0)
				receipts_corrupted_slot(gid, (int64) slot);
			if (nch == 0 || ch[nch - 1].msgid != msgid)
			{
				ch[nch].msgid = msgid;
				ch[nch].all_read = spi_int8(r, 3) == 0;
				grset_init(&ch[nch].add);
				nch++;
			}
			if (!ch[nch - 1].all_read)
				grset_add(&ch[nch - 1].add, (uint32) slot);
		}
		changed += receipts_sealed_apply(gid, ch, nch);
		for (r = 0; r < nch; r++)
			grset_free(&ch[r].add);
		pfree(ch);
	}
	return changed;
}

/* 0.5: the n swept sealed messages (sorted) that every recipient has read lose their bits. */
static void
fold_sealed_compact(int64 gid, const int64 *ids, int n)
{
	int			i;

	for (i = 0; i < n; i += FOLD_SLICE)
	{
		Datum		args[2];
		SealedChange *ch;
		int			nrows,
					r;

		args[0] = Int64GetDatum(gid);
		args[1] = receipts_int8_array(ids + i, Min(FOLD_SLICE, n - i));
		receipts_exec(STMT_FULLY_READ, args, false, 0);
		nrows = (int) SPI_processed;
		ch = palloc(Max(nrows, 1) * sizeof(SealedChange));
		for (r = 0; r < nrows; r++)
		{
			ch[r].msgid = spi_int8(r, 1);
			ch[r].all_read = true;
			grset_init(&ch[r].add);
		}
		(void) receipts_sealed_apply(gid, ch, nrows);
		pfree(ch);
	}
}

/*
 * Fold the group's logs (see the file's comment).  The caller holds the
 * fold lock.  Returns the number of messages the read log's fold updated.
 */
int64
receipts_fold(int64 gid)
{
	FoldGroup	g;
	int64		folded = 0,
				low,
				seen = 0,
			   *ids,
			   *swept = NULL;
	int64	   *swept_sealed = NULL;
	int			n,
				nswept = 0,
				nswept_sealed = 0,
				nmoved;
	int32	   *moved_slot = NULL;
	int64	   *moved_wm = NULL;
	bool		have_low,
				pending,
				moved,
				v04 = receipts_storage_v04(),
				v05 = receipts_storage_v05(),
				v06 = receipts_storage_v06(),
				v08 = receipts_storage_v08(),
				v10 = receipts_storage_v10();
	Datum		args[2];

	args[0] = Int64GetDatum(gid);
	SPI_connect();

	/* 1. the read log, a slice of messages per statement */
	for (;;)
	{
		int64	   *sealed_ids = NULL;
		int			nsealed = 0;

		direct_push_fresh_snapshot();
		n = receipts_pending_read_msgids(gid, FOLD_SLICE, &ids);
		if (n > 0 && v05)
			nsealed = fold_split_sealed(gid, ids, &n, &sealed_ids);
		PopActiveSnapshot();
		if (n == 0 && nsealed == 0)
			break;
		if (n > 0)
			folded += fold_exec_slices(v08 ? STMT_FOLD_READS_V08 : STMT_FOLD_READS, gid, ids, n);
		if (nsealed > 0)
			folded += fold_sealed_reads(gid, sealed_ids, nsealed);
		pfree(ids);
		if (n + nsealed < FOLD_SLICE)
			break;
	}

	/* 2. the compaction sweep, from where the last one stopped */
	direct_push_fresh_snapshot();
	if (!receipts_direct_group_row(gid, &g.row, true))
	{
		/* no such group: nothing to fold (as 0.3's statements found nothing) */
		PopActiveSnapshot();
		SPI_finish();
		return folded;
	}
	have_low = fold_low_watermark(gid, &g, &low, &pending);
	if (have_low && low > g.row.compacted_upto)
	{
		int			nlooked = fold_sweep(gid, g.row.compacted_upto, low, &swept, &nswept,
										 &swept_sealed, &nswept_sealed, &seen);

		PopActiveSnapshot();

		/* the sweep's position, unless a post or membership change holds the row */
		receipts_exec(STMT_FOLD_TRY_LOCK_GROUP, args, false, 1);
		if (SPI_processed > 0)
		{
			args[1] = Int64GetDatum(nlooked < FOLD_SLICE ? low : seen);
			receipts_exec(STMT_FOLD_SWEPT, args, false, 0);
		}
	}
	else
		PopActiveSnapshot();

	/*
	 * 3. the batch acks into the roster, then the vector from the roster --
	 * on 0.4 storage also when members joined since it was built, so the
	 * lists find them in it
	 */
	moved = false;
	nmoved = 0;
	if (pending)
	{
		receipts_exec(v10 ? STMT_FOLD_ACKS_V10 : v08 ? STMT_FOLD_ACKS_V08 : STMT_FOLD_ACKS,
					  args, false, 0);
		moved = SPI_processed > 0;
		if (moved && v06)
			nmoved = fold_moved_watermarks(&moved_slot, &moved_wm);
	}
	if (!v04 && moved)
		receipts_exec(STMT_FOLD_VECTOR, args, false, 0);
	else if (v06 && (moved || g.stored < g.row.nslots))
		fold_update_vector_row(gid, moved_slot, moved_wm, nmoved);
	else if (v04 && (moved || g.stored < g.row.nslots))
		fold_write_vectors(gid);

	/* 4. the swept messages now fully read lose their bits */
	if (nswept > 0)
		(void) fold_exec_slices(STMT_COMPACT, gid, swept, nswept);
	if (nswept_sealed > 0)
		fold_sealed_compact(gid, swept_sealed, nswept_sealed);

	/* 5. 0.5: the tail's oldest whole blocks sealed */
	if (v05)
		(void) receipts_seal(gid, receipts_tail_messages, RECEIPTS_SEAL_MAX_BLOCKS);

	SPI_finish();
	return folded;
}

/*
 * groupreceipt.fold(gid) -> int8: messages updated by folding the read
 * log; 0 when another fold of the group is running.
 */
PG_FUNCTION_INFO_V1(groupreceipt_fold);
Datum
groupreceipt_fold(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	int64		folded;

	receipts_require_read_committed("fold");
	PreventCommandIfReadOnly("groupreceipt.fold()");
	if (!receipts_fold_lock(gid))
		PG_RETURN_INT64(0);
	folded = receipts_fold(gid);
	/* called by name, fold seals the whole tail but the newest (an ack's fold: a slice) */
	if (receipts_storage_v05())
	{
		SPI_connect();
		while (receipts_seal(gid, receipts_tail_messages, RECEIPTS_SEAL_MAX_BLOCKS) > 0)
			CHECK_FOR_INTERRUPTS();
		SPI_finish();
	}
	PG_RETURN_INT64(folded);
}
