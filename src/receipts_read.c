/*
 * receipts_read.c
 *	  The query path: unread_counts, readers, non_readers.
 *
 * A recipient r of message m has read it when
 *     m.msgid <= read_upto(r)              (batch ack watermark: the
 *                                           group's watermark vector or
 *                                           r's pending batch acks)
 *  or r's slot is in m.read                (folded explicit reads)
 *  or (m, r's slot) is in the read log     (explicit reads not yet folded)
 *  or m.read is NULL                       (compacted: everybody has read).
 * Archived messages answer from their frozen row in archived_messages.
 * One call loads the group's watermarks once (one packed row and the
 * pending batch acks, not a row per member), each snapshot once, and the
 * pending log of all requested messages in one statement, then computes
 * every message in one pass over its snapshot's slots.  The lists read the
 * roster's rows instead, for the uids they return.
 *
 * Counts (0.4.1) use the vector the backend kept from an earlier call when
 * the row's version is the same (receipts_wmcache.c), read only, with the
 * pending batch acks kept apart (one per slot, looked up by search); from
 * RANKED_MIN_SLOTS slots, a group counted again at the same version is
 * counted by search in its snapshots' sorted watermarks instead of the
 * pass over the slots: O(messages x log members + pending rows + explicit
 * reads) per call.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "receipts.h"
#include "receipts_archive.h"
#include "receipts_store_rows.h"

/*
 * Counting by search in the kept sorted watermarks (receipts_wmcache.c)
 * from this roster size up: below it a pass over the slots costs about as
 * much as the searches and sorting the snapshot's watermarks is not worth
 * keeping.
 */
#define RANKED_MIN_SLOTS 4096

typedef struct ReadCtx
{
	int64		gid;
	int32		nslots;
	const int64 *wm;			/* read watermark per slot (below: raised by pend) */
	int			npend;			/* counts: pending batch acks above wm, by slot */
	int32	   *pend_slot;
	int64	   *pend_upto;
	bool		ranked;			/* counts: by search in the kept sorted watermarks */
	int64	   *uid;			/* uid per slot */
	uint8	   *mark;			/* scratch: explicit read per slot (read_ctx_marks) */
	SnapCache	snaps;
	int64	   *log_msgid;		/* pending explicit reads, by msgid */
	int32	   *log_slot;
	int			nlog;
} ReadCtx;

/* a stored slot outside the roster: a damaged row */
static void
corrupted_slot(ReadCtx *ctx, int64 slot)
{
	receipts_corrupted_slot(ctx->gid, slot);
}

/*
 * Load the roster size, the read watermark of every slot and the pending
 * explicit reads of the messages, straight through the tables' primary
 * keys (receipts_direct.c).  The watermark of a slot is the group's packed
 * vector's, raised by its pending batch acks: no row per member is read.
 * with_uids (the lists) reads the roster's rows instead of the vector, for
 * the uids, and so does a database still at 0.1/0.2 storage (no vector).
 * counts (unread_counts, 0.3 storage and later): the kept vector, read
 * only, and the pending acks apart (ctx->pend_*, see watermark()).
 */
static void
read_ctx_init(ReadCtx *ctx, int64 gid, const int64 *ids, int nids, bool with_uids, bool counts)
{
	bool		v03 = receipts_storage_v03();
	int64	   *wm;

	memset(ctx, 0, sizeof(*ctx));
	ctx->gid = gid;
	if (!receipts_direct_group(gid, NULL, &ctx->nslots))
		ctx->nslots = 0;
	ctx->nlog = receipts_direct_pending_reads(gid, ids, nids, &ctx->log_msgid, &ctx->log_slot);

	if (counts && v03)
	{
		/*
		 * counts: the vector kept across calls (receipts_wmcache.c), read
		 * only; the pending acks are kept apart, one per slot
		 */
		WmCached	wc;

		if (receipts_wm_cache_get(gid, ctx->nslots, &wc))
		{
			ctx->wm = wc.wm;
			ctx->ranked = wc.calls > 0 && ctx->nslots >= RANKED_MIN_SLOTS;
		}
		else
			ctx->wm = palloc0(Max(ctx->nslots, 1) * sizeof(int64));
		ctx->npend = receipts_direct_pending_ack_list(gid, ctx->nslots, ctx->wm,
													  &ctx->pend_slot, &ctx->pend_upto);
		return;
	}
	if (with_uids && v03 && receipts_storage_v04())
	{
		/* 0.4: the members of the slots are packed in the vector's row */
		wm = receipts_direct_vectors(gid, ctx->nslots, &ctx->uid, NULL);
	}
	else if (with_uids || !v03)
	{
		ctx->uid = with_uids ? palloc0(Max(ctx->nslots, 1) * sizeof(int64)) : NULL;
		wm = palloc0(Max(ctx->nslots, 1) * sizeof(int64));
		receipts_roster_load(gid, ctx->nslots, wm, ctx->uid, NULL);
	}
	else
		wm = receipts_direct_vector(gid, ctx->nslots);
	if (v03)
		receipts_direct_pending_acks(gid, ctx->nslots, wm);
	ctx->wm = wm;
}

/* The read watermark of slot s: the folded one, raised by a pending ack. */
static inline int64
watermark(const ReadCtx *ctx, int32 s)
{
	int64		w = ctx->wm[s];
	int			lo = 0,
				hi = ctx->npend;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (ctx->pend_slot[mid] < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ctx->npend && ctx->pend_slot[lo] == s && ctx->pend_upto[lo] > w)
		w = ctx->pend_upto[lo];
	return w;
}

/*
 * The scratch marks, one byte per slot, zero between messages (each use
 * clears what it set), allocated at the first message that has explicit
 * reads: counting a screen of messages nobody read explicitly -- the usual
 * case -- zeroes no per-slot array (100 kB per call at 100,000 members,
 * 19 % of the server's CPU in the large group's counts, perf).
 */
static uint8 *
read_ctx_marks(ReadCtx *ctx)
{
	if (ctx->mark == NULL)
		ctx->mark = palloc0(Max(ctx->nslots, 1));
	return ctx->mark;
}

/* Index of the first pending log row of msgid (the log is sorted by msgid). */
static int
log_lower_bound(const ReadCtx *ctx, int64 msgid)
{
	return receipts_lower_bound(ctx->log_msgid, ctx->nlog, msgid);
}

/*
 * Visit the recipients of msg: counts recipients and readers, and when out_read/out_unread are
 * given, appends the slots of readers / non-readers (ascending).
 */
static void
visit_message(ReadCtx *ctx, const MsgRow *msg, int *recipients, int *readers,
			  int32 *out_read, int *nread, int32 *out_unread, int *nunread)
{
	GrSet		snap,
				read;
	Bitmap	   *snapmap = snapcache_get(&ctx->snaps, ctx->gid, msg->snap_id);
	uint32		r;
	int			lstart,
				k;

	bitmap_to_set(snapmap, &snap);
	grset_init(&read);
	if (msg->read)
		bitmap_to_set(msg->read, &read);

	/* mark explicit reads: folded bits and pending log rows */
	(void) read_ctx_marks(ctx);
	for (r = 0; r < read.nruns; r++)
	{
		uint64		s;

		if (read.runs[r].hi >= (uint32) ctx->nslots)
			corrupted_slot(ctx, read.runs[r].hi);
		for (s = read.runs[r].lo; s <= read.runs[r].hi; s++)
			ctx->mark[s] = 1;
	}
	lstart = log_lower_bound(ctx, msg->msgid);
	for (k = lstart; k < ctx->nlog && ctx->log_msgid[k] == msg->msgid; k++)
	{
		if (ctx->log_slot[k] < 0 || ctx->log_slot[k] >= ctx->nslots)
			corrupted_slot(ctx, (int64) ctx->log_slot[k]);
		ctx->mark[ctx->log_slot[k]] = 1;
	}

	*recipients = 0;
	*readers = 0;
	for (r = 0; r < snap.nruns; r++)
	{
		uint64		s;

		CHECK_FOR_INTERRUPTS();
		if (snap.runs[r].hi >= (uint32) ctx->nslots)
			corrupted_slot(ctx, snap.runs[r].hi);
		for (s = snap.runs[r].lo; s <= snap.runs[r].hi; s++)
		{
			bool		has_read;

			if ((int32) s == msg->sender_slot)
				continue;
			(*recipients)++;
			has_read = msg->all_read || ctx->wm[s] >= msg->msgid || ctx->mark[s];
			if (has_read)
			{
				(*readers)++;
				if (out_read)
					out_read[(*nread)++] = (int32) s;
			}
			else if (out_unread)
				out_unread[(*nunread)++] = (int32) s;
		}
	}

	/* clear the marks for the next message */
	for (r = 0; r < read.nruns; r++)
		memset(ctx->mark + read.runs[r].lo, 0, (size_t) read.runs[r].hi - read.runs[r].lo + 1);
	for (k = lstart; k < ctx->nlog && ctx->log_msgid[k] == msg->msgid; k++)
		ctx->mark[ctx->log_slot[k]] = 0;
	grset_free(&snap);
	grset_free(&read);
}

/* Index of the first of the k ascending msgids greater than w (0..k). */
static int
msgs_upper_bound(const MsgRow *msgs, int k, int64 w)
{
	int			lo = 0,
				hi = k;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (msgs[mid].msgid <= w)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Count, in one pass over their snapshot's slots, the recipients and
 * readers of k messages (ascending msgids) that share one snapshot.  Slot
 * s has read message j by watermark when msgs[j].msgid <= wm[s], i.e. for
 * every j below t(s), the number of the k msgids <= wm[s]: a histogram of
 * t(s) and its suffix sums give the watermark readers of every message at
 * once, instead of one pass over the slots per message.  The explicit
 * reads (folded bits and pending log rows) are then added for the slots
 * whose watermark is below the message.  Same answers as visit_message.
 */
static void
count_shared_snapshot(ReadCtx *ctx, const MsgRow *msgs, int k, int32 *recipients, int32 *readers)
{
	GrSet		snap;
	Bitmap	   *snapmap = snapcache_get(&ctx->snaps, ctx->gid, msgs[0].snap_id);
	int		   *past = palloc0((k + 1) * sizeof(int));	/* past[t]: slots with t(s) = t */
	int64		nsnap = 0;
	int			above,
				j,
				p;
	uint32		r;

	bitmap_to_set(snapmap, &snap);
	for (r = 0; r < snap.nruns; r++)
		if (snap.runs[r].hi >= (uint32) ctx->nslots)
			corrupted_slot(ctx, snap.runs[r].hi);
	if (ctx->ranked)
	{
		/*
		 * The snapshot's folded watermarks sorted (kept across calls): the
		 * slots a message's watermarks passed are one search, t(s) >= j + 1
		 * for the n - lower_bound(msgid j) highest: no pass over the slots.
		 */
		const WmSorted *sorted = receipts_wm_cache_sorted(ctx->gid, msgs[0].snap_id, snapmap);
		int64		prev = 0;	/* slots with t(s) > j, for j from k - 1 down */

		nsnap = receipts_wm_sorted_count(sorted);
		for (j = k - 1; j >= 0; j--)
		{
			int64		ge = nsnap - receipts_wm_sorted_below(sorted, msgs[j].msgid);

			past[j + 1] = (int) (ge - prev);
			prev = ge;
		}
		past[0] = (int) (nsnap - prev);
	}
	else if (msgs[k - 1].msgid - msgs[0].msgid == k - 1)
	{
		/*
		 * Consecutive msgids (a screen of messages): t(s) is the watermark's
		 * distance past the first, clamped to [0, k] -- no search, no branch
		 * the watermarks' spread can mispredict (at 100,000 slots the
		 * search was 70 % of a call).
		 */
		const int64 first = msgs[0].msgid;
		int		   *lanes = palloc0(4 * (k + 1) * sizeof(int));	/* 4 histograms: no
																 * store-to-load stall
																 * on a repeated t */

		for (r = 0; r < snap.nruns; r++)
		{
			const int64 *w = ctx->wm + snap.runs[r].lo;
			const int64 *end = ctx->wm + (uint64) snap.runs[r].hi + 1;
			uint32		lane = 0;

			CHECK_FOR_INTERRUPTS();
			nsnap += end - w;
			for (; w < end; w++)
			{
				/* w - first without overflow, whatever a damaged row holds */
				uint64		d = (uint64) *w - (uint64) first;
				int			t = *w < first ? 0 : (d >= (uint64) k ? k : (int) d + 1);

				lanes[lane * (k + 1) + t]++;
				lane = (lane + 1) & 3;
			}
		}
		for (j = 0; j <= k; j++)
			past[j] = lanes[j] + lanes[(k + 1) + j] + lanes[2 * (k + 1) + j] + lanes[3 * (k + 1) + j];
		pfree(lanes);
	}
	else
	{
		/* any msgids: a binary search among them, past the common cases */
		for (r = 0; r < snap.nruns; r++)
		{
			uint64		s;

			CHECK_FOR_INTERRUPTS();
			for (s = snap.runs[r].lo; s <= snap.runs[r].hi; s++)
			{
				int64		w = ctx->wm[s];

				nsnap++;
				if (w < msgs[0].msgid)
					past[0]++;
				else if (w >= msgs[k - 1].msgid)
					past[k]++;
				else
					past[msgs_upper_bound(msgs, k, w)]++;
			}
		}
	}


	/*
	 * The pending batch acks (counts keep them apart from the folded
	 * vector): each moves its slot, if in the snapshot, from the folded
	 * watermark's t to the ack's.
	 */
	for (p = 0; p < ctx->npend; p++)
	{
		int32		s = ctx->pend_slot[p];

		if (!grset_contains(&snap, (uint32) s))
			continue;
		past[msgs_upper_bound(msgs, k, ctx->wm[s])]--;
		past[msgs_upper_bound(msgs, k, ctx->pend_upto[p])]++;
	}

	/* walk the messages from the newest: "above" = slots with t(s) > j */
	above = 0;
	for (j = k - 1; j >= 0; j--)
	{
		const MsgRow *msg = &msgs[j];
		bool		sender_in = msg->sender_slot >= 0 &&
			grset_contains(&snap, (uint32) msg->sender_slot);
		GrSet		read;
		int			rd;
		int			lstart,
					l;

		above += past[j + 1];
		recipients[j] = (int32) (nsnap - (sender_in ? 1 : 0));
		if (msg->all_read)
		{
			readers[j] = recipients[j];
			continue;
		}
		rd = above - ((sender_in && watermark(ctx, msg->sender_slot) >= msg->msgid) ? 1 : 0);

		/*
		 * explicit reads (folded bits, then pending log rows) of recipients
		 * the watermark has not passed, each slot once
		 */
		grset_init(&read);
		if (msg->read)
			bitmap_to_set(msg->read, &read);
		lstart = log_lower_bound(ctx, msg->msgid);
		if (read.nruns == 0 && (lstart == ctx->nlog || ctx->log_msgid[lstart] != msg->msgid))
		{
			/* no explicit read of the message: no marks */
			grset_free(&read);
			readers[j] = (int32) rd;
			continue;
		}
		(void) read_ctx_marks(ctx);
		for (r = 0; r < read.nruns; r++)
		{
			uint64		s;

			if (read.runs[r].hi >= (uint32) ctx->nslots)
				corrupted_slot(ctx, read.runs[r].hi);
			for (s = read.runs[r].lo; s <= read.runs[r].hi; s++)
			{
				ctx->mark[s] = 1;
				if ((int32) s != msg->sender_slot && watermark(ctx, (int32) s) < msg->msgid &&
					grset_contains(&snap, (uint32) s))
					rd++;
			}
		}
		for (l = lstart; l < ctx->nlog && ctx->log_msgid[l] == msg->msgid; l++)
		{
			int32		s = ctx->log_slot[l];

			if (s < 0 || s >= ctx->nslots)
				corrupted_slot(ctx, (int64) s);
			if (ctx->mark[s])
				continue;
			ctx->mark[s] = 1;
			if (s != msg->sender_slot && watermark(ctx, s) < msg->msgid &&
				grset_contains(&snap, (uint32) s))
				rd++;
		}
		for (r = 0; r < read.nruns; r++)
			memset(ctx->mark + read.runs[r].lo, 0, (size_t) read.runs[r].hi - read.runs[r].lo + 1);
		for (l = lstart; l < ctx->nlog && ctx->log_msgid[l] == msg->msgid; l++)
			ctx->mark[ctx->log_slot[l]] = 0;
		grset_free(&read);
		readers[j] = (int32) rd;
	}
	pfree(past);
	grset_free(&snap);
}

/* Live messages among the sorted, distinct ids, their counts, in msgid order. */
typedef struct LiveCounts
{
	MsgRow	   *msgs;
	int			n;
	int32	   *recipients;
	int32	   *read;
	int32	  **unread_slots;	/* per message, when wanted */
	int		   *nunread;
} LiveCounts;

static void
count_live(int64 gid, const int64 *ids, int nids, bool want_unread, LiveCounts *lc)
{
	ReadCtx		ctx;
	SnapCache	snaps = {0};
	int			i;

	lc->n = receipts_direct_messages(gid, ids, nids, &snaps, &lc->msgs);
	lc->recipients = palloc(Max(lc->n, 1) * sizeof(int32));
	lc->read = palloc(Max(lc->n, 1) * sizeof(int32));
	lc->unread_slots = NULL;
	lc->nunread = NULL;
	if (lc->n == 0)
		return;

	read_ctx_init(&ctx, gid, ids, nids, false, !want_unread);
	ctx.snaps = snaps;
	if (!want_unread)
	{
		/* counts only: one pass per run of messages sharing a snapshot */
		for (i = 0; i < lc->n;)
		{
			int			k = 1;

			while (i + k < lc->n && lc->msgs[i + k].snap_id == lc->msgs[i].snap_id)
				k++;
			count_shared_snapshot(&ctx, &lc->msgs[i], k, &lc->recipients[i], &lc->read[i]);
			i += k;
		}
		return;
	}
	/* with the unread slots of each message (_freeze) */
	lc->unread_slots = palloc(lc->n * sizeof(int32 *));
	lc->nunread = palloc0(lc->n * sizeof(int));
	for (i = 0; i < lc->n; i++)
	{
		lc->unread_slots[i] = palloc(Max(ctx.nslots, 1) * sizeof(int32));
		visit_message(&ctx, &lc->msgs[i], &lc->recipients[i], &lc->read[i],
					  NULL, NULL, lc->unread_slots[i], &lc->nunread[i]);
	}
}

/* Sorted slots as a bitmap. */
static Bitmap *
slots_to_bitmap(const int32 *slots, int n)
{
	GrSet		set;
	Bitmap	   *b;
	int			i;

	grset_init(&set);
	for (i = 0; i < n; i++)
		grset_append_run(&set, (uint32) slots[i], (uint32) slots[i]);
	b = bitmap_from_set(&set);
	grset_free(&set);
	return b;
}

/* --------------------------------------------------------- unread_counts */

PG_FUNCTION_INFO_V1(groupreceipt_unread_counts);
Datum
groupreceipt_unread_counts(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	ReturnSetInfo *rsinfo;
	int64	   *req,
			   *ids;
	int			nreq,
				n,
				i;
	LiveCounts	lc;
	int64	   *arc_msgid = NULL;
	int32	   *arc_recip = NULL,
			   *arc_read = NULL;
	int			narc = 0;
	bool		v07;

	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	req = receipts_id_array(arr, "msgids", gid, &nreq);
	if (nreq == 0)
		return (Datum) 0;
	ids = palloc(nreq * sizeof(int64));
	memcpy(ids, req, nreq * sizeof(int64));
	n = receipts_sort_unique(ids, nreq);

	count_live(gid, ids, n, false, &lc);

	/* msgids not live may be archived: their counts are frozen */
	v07 = receipts_storage_v07();
	if (lc.n < n && v07)
	{
		GrbMessage *arc;
		SnapProbe	sp = {0};

		narc = receipts_archived_find(gid, ids, n, false, &arc);
		arc_msgid = palloc(Max(narc, 1) * sizeof(int64));
		arc_recip = palloc(Max(narc, 1) * sizeof(int32));
		arc_read = palloc(Max(narc, 1) * sizeof(int32));
		for (i = 0; i < narc; i++)
		{
			arc_msgid[i] = arc[i].msgid;
			receipts_archived_counts(gid, &sp, &arc[i], &arc_recip[i], &arc_read[i]);
		}
		if (sp.open)
			direct_snapshot_end(&sp);
	}
	else if (lc.n < n)
	{
		Datum		args[2] = {Int64GetDatum(gid), receipts_int8_array(ids, n)};

		SPI_connect();
		receipts_exec(STMT_ARCHIVED_COUNTS, args, true, 0);
		narc = (int) SPI_processed;
		arc_msgid = palloc(Max(narc, 1) * sizeof(int64));
		arc_recip = palloc(Max(narc, 1) * sizeof(int32));
		arc_read = palloc(Max(narc, 1) * sizeof(int32));
		for (i = 0; i < narc; i++)
		{
			arc_msgid[i] = spi_int8(i, 1);
			arc_recip[i] = spi_int4(i, 2);
			arc_read[i] = spi_int4(i, 3);
		}
	}

	/* one row per requested msgid, in request order */
	for (i = 0; i < nreq; i++)
	{
		int			k = receipts_find_msg(lc.msgs, lc.n, req[i]);
		int			a = (k < 0 && narc > 0) ? receipts_find_id(arc_msgid, narc, req[i]) : -1;
		Datum		values[4];
		bool		unknown = (k < 0 && a < 0);
		bool		nulls[4] = {false, unknown, unknown, unknown};

		values[0] = Int64GetDatum(req[i]);
		if (k >= 0)
		{
			values[1] = Int32GetDatum(lc.recipients[k]);
			values[2] = Int32GetDatum(lc.read[k]);
			values[3] = Int32GetDatum(lc.recipients[k] - lc.read[k]);
		}
		else if (a >= 0)
		{
			values[1] = Int32GetDatum(arc_recip[a]);
			values[2] = Int32GetDatum(arc_read[a]);
			values[3] = Int32GetDatum(arc_recip[a] - arc_read[a]);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	if (lc.n < n && !v07)
		SPI_finish();		/* the archived counts were read in its memory */
	return (Datum) 0;
}

/* ---------------------------------------------------------------- _freeze */

/*
 * groupreceipt._freeze(gid, msgids) -> (msgid, recipients, read, unread):
 * the exact state of live messages as archive stores it, the unread
 * recipients as a bitmap of slots.
 */
PG_FUNCTION_INFO_V1(groupreceipt_freeze);
Datum
groupreceipt_freeze(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	ReturnSetInfo *rsinfo;
	int64	   *ids;
	int			n,
				i;
	LiveCounts	lc;

	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ids = receipts_id_array(arr, "msgids", gid, &n);
	n = receipts_sort_unique(ids, n);
	if (n == 0)
		return (Datum) 0;

	SPI_connect();
	count_live(gid, ids, n, true, &lc);
	for (i = 0; i < lc.n; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(lc.msgs[i].msgid);
		values[1] = Int32GetDatum(lc.recipients[i]);
		values[2] = Int32GetDatum(lc.read[i]);
		values[3] = PointerGetDatum(slots_to_bitmap(lc.unread_slots[i], lc.nunread[i]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(lc.unread_slots[i]);
	}
	SPI_finish();
	return (Datum) 0;
}

/* ---------------------------------------------------- readers/non_readers */

/*
 * Reader / non-reader slots of an archived message (false if there is no
 * such archived message): the snapshot minus the sender is the recipients,
 * the frozen unread bitmap the non-readers.  yes and no have room for
 * ctx->nslots slots: every stored slot is checked against the roster
 * before it is written (stored rows are data, not trusted).
 */
static bool
archived_lists(ReadCtx *ctx, int64 msgid, int32 *yes, int *nyes, int32 *no, int *nno)
{
	int64		gid = ctx->gid;
	Datum		args[2] = {Int64GetDatum(gid), Int64GetDatum(msgid)};
	GrSet		snap,
				unread;
	int32		sender_slot;
	uint32		r;

	if (receipts_storage_v07())
	{
		GrbMessage *m;
		SnapProbe	sp = {0};

		if (receipts_archived_find(gid, &msgid, 1, false, &m) == 0)
			return false;
		sender_slot = (int32) m->sender_slot;
		/* snap: the recipients (the sender is not among them) */
		receipts_archived_state(gid, &sp, m, &snap, &unread);
		direct_snapshot_end(&sp);
	}
	else
	{
		receipts_exec(receipts_storage_v06() ? STMT_ARCHIVED_ONE_ROW : STMT_ARCHIVED_ONE, args, true, 0);
		if (SPI_processed == 0)
			return false;
		sender_slot = spi_int4(0, 1);
		bitmap_to_set(spi_bitmap(0, 2), &unread);
		bitmap_to_set(spi_bitmap(0, 3), &snap);
	}
	for (r = 0; r < unread.nruns; r++)
		if (unread.runs[r].hi >= (uint32) ctx->nslots)
			corrupted_slot(ctx, unread.runs[r].hi);
	for (r = 0; r < snap.nruns; r++)
	{
		uint64		s;

		CHECK_FOR_INTERRUPTS();
		if (snap.runs[r].hi >= (uint32) ctx->nslots)
			corrupted_slot(ctx, snap.runs[r].hi);
		for (s = snap.runs[r].lo; s <= snap.runs[r].hi; s++)
		{
			if ((int32) s == sender_slot)
				continue;
			if (grset_contains(&unread, (uint32) s))
				no[(*nno)++] = (int32) s;
			else
				yes[(*nyes)++] = (int32) s;
		}
	}
	grset_free(&snap);
	grset_free(&unread);
	return true;
}

static Datum
reader_list(FunctionCallInfo fcinfo, bool want_readers)
{
	int64		gid = PG_GETARG_INT64(0);
	int64		msgid = PG_GETARG_INT64(1);
	ReturnSetInfo *rsinfo;
	ReadCtx		ctx;
	SnapCache	snaps = {0};
	int32	   *yes,
			   *no,
			   *out;
	int64	   *uids;
	int			nyes = 0,
				nno = 0,
				nout,
				i;
	bool		live;
	MsgRow		msg = {0};
	MsgRow	   *msgs;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	live = receipts_direct_messages(gid, &msgid, 1, &snaps, &msgs) > 0;
	if (live)
		msg = msgs[0];

	/* the roster with uids (and the message's pending reads) */
	read_ctx_init(&ctx, gid, &msgid, 1, true, false);
	ctx.snaps = snaps;
	yes = palloc(Max(ctx.nslots, 1) * sizeof(int32));
	no = palloc(Max(ctx.nslots, 1) * sizeof(int32));
	if (live)
	{
		int			recipients,
					readers;

		visit_message(&ctx, &msg, &recipients, &readers, yes, &nyes, no, &nno);
	}
	else
	{
		/* archived: its frozen state is read through SPI (until the end) */
		SPI_connect();
		if (!archived_lists(&ctx, msgid, yes, &nyes, no, &nno))
			receipts_missing_message(gid, msgid);
	}

	out = want_readers ? yes : no;
	nout = want_readers ? nyes : nno;
	uids = palloc(Max(nout, 1) * sizeof(int64));
	for (i = 0; i < nout; i++)
	{
		if (out[i] < 0 || out[i] >= ctx.nslots)
			corrupted_slot(&ctx, (int64) out[i]);
		uids[i] = ctx.uid[out[i]];
	}
	receipts_sort_ids(uids, nout);
	for (i = 0; i < nout; i++)
	{
		Datum		v = Int64GetDatum(uids[i]);
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &v, &isnull);
	}
	if (!live)
		SPI_finish();
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(groupreceipt_readers);
Datum
groupreceipt_readers(PG_FUNCTION_ARGS)
{
	return reader_list(fcinfo, true);
}

PG_FUNCTION_INFO_V1(groupreceipt_non_readers);
Datum
groupreceipt_non_readers(PG_FUNCTION_ARGS)
{
	return reader_list(fcinfo, false);
}
