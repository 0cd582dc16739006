/*
 * receipts_archive.c
 *	  Archived messages (0.7 storage): A rows of groupreceipt.store -- kind
 *	  'A', key the block's first msgid, sub its last, payload the codec of
 *	  grblock_codec.c, as the sealed B rows.  In an A row a message's read
 *	  state is frozen at archive time and means:
 *
 *	    GRB_READ_ALL   every recipient had read it
 *	    GRB_READ_NONE  no recipient had read it
 *	    GRB_READ_SOME  the bitmap holds the recipients who had NOT read it
 *
 *	  (the unread set, as archived_messages.unread held it before 0.7:
 *	  watermarks no longer apply to an archived message, so the set is the
 *	  whole answer).  Its recipients are its snapshot minus its sender.
 *
 * A group's A rows are disjoint in msgid: an archive merges its messages
 * with every A row whose range they overlap and with the group's preceding
 * A row when that one is not full, then writes them again as consecutive
 * blocks of at most GRB_MAX_MESSAGES messages and RECEIPTS_SEAL_MAX_BYTES
 * bytes.  So the A row holding a msgid is the last one whose first msgid is
 * at most it, as for B rows, and small archive batches (the trigger's) are
 * packed into full rows.  Writers are archive, forget and purge, under the
 * group's lock taken exclusively.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "bitmap.h"
#include "gr_alloc.h"
#include "receipts.h"
#include "receipts_archive.h"
#include "receipts_blocks.h"
#include "receipts_direct.h"
#include "receipts_store_rows.h"

/* ------------------------------------------------------------- reading */

static void
copy_message(const GrbMessage *m, GrbMessage *dst)
{
	GrSet		empty;

	*dst = *m;
	grset_init(&empty);
	grset_union(&dst->read, &m->read, &empty);
}

int
receipts_archived_find(int64 gid, const int64 *ids, int n, bool fresh, GrbMessage **out)
{
	BlockReader br;
	SealedBlock blk;
	bool		have = false;
	GrbMessage *found = palloc(Max(n, 1) * sizeof(GrbMessage));
	int			nfound = 0,
				i;

	if (fresh)
		direct_push_fresh_snapshot();
	receipts_block_reader_begin(&br, gid, RECEIPTS_KIND_ARCHIVED);
	for (i = 0; i < n; i++)
	{
		int			k;

		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		if (!receipts_block_reader_seek(&br, &blk, &have, ids[i]))
			continue;
		k = grblock_find(&blk.b, ids[i]);
		if (k >= 0)
			copy_message(&blk.b.msgs[k], &found[nfound++]);
	}
	if (have)
		grblock_free(&blk.b);
	receipts_block_reader_end(&br);
	if (fresh)
		PopActiveSnapshot();
	*out = found;
	return nfound;
}

static void
damaged_message(int64 gid, int64 msgid, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("archived message " INT64_FORMAT " of group " INT64_FORMAT " is damaged", msgid, gid),
			 errdetail("%s", detail)));
}

void
receipts_archived_state(int64 gid, SnapProbe *sp, const GrbMessage *m,
						GrSet *recipients, GrSet *unread)
{
	Bitmap	   *snap = direct_snapshot(sp, gid, (int32) m->snap_id);
	GrSet		members,
				sender,
				empty;

	if (snap == NULL)
		damaged_message(gid, m->msgid, psprintf("Its snapshot %u is missing.", m->snap_id));
	bitmap_to_set(snap, &members);
	grset_init(&sender);
	grset_add(&sender, m->sender_slot);
	grset_difference(recipients, &members, &sender);
	grset_free(&members);
	grset_free(&sender);
	grset_init(&empty);			/* a union with it copies */
	switch (m->state)
	{
		case GRB_READ_ALL:
			grset_init(unread);
			break;
		case GRB_READ_NONE:
			grset_union(unread, recipients, &empty);
			break;
		case GRB_READ_SOME:
			if (!grset_is_subset(&m->read, recipients))
				damaged_message(gid, m->msgid,
								psprintf("Its unread slots are not all recipients of snapshot %u.",
										 m->snap_id));
			grset_union(unread, &m->read, &empty);
			break;
	}
}

void
receipts_archived_counts(int64 gid, SnapProbe *sp, const GrbMessage *m,
						 int32 *recipients, int32 *read)
{
	GrSet		rcpt,
				unread;

	receipts_archived_state(gid, sp, m, &rcpt, &unread);
	*recipients = (int32) grset_count(&rcpt);
	*read = *recipients - (int32) grset_count(&unread);
	grset_free(&rcpt);
	grset_free(&unread);
}

/* ------------------------------------------------------------- writing */

static int
cmp_message(const void *a, const void *b)
{
	int64		x = ((const GrbMessage *) a)->msgid;
	int64		y = ((const GrbMessage *) b)->msgid;

	return (x > y) - (x < y);
}

/*
 * Archive the n messages (ascending, distinct, not archived yet): merge
 * them with the A rows they overlap and with the preceding A row when it
 * is not full, and write the result as consecutive blocks.  Connected to
 * SPI, under the group's exclusive lock.
 */
static void
archive_store(int64 gid, GrbMessage *msgs, uint32 n)
{
	BlockReader br;
	GrbMessage *all;
	uint32		nall = 0,
				cap = n,
				i = 0;
	int64	   *absorbed = NULL;
	int			nabsorbed = 0,
				b;
	int64		lo = msgs[0].msgid,
				hi = msgs[n - 1].msgid;

	all = palloc(cap * sizeof(GrbMessage));
	memcpy(all, msgs, n * sizeof(GrbMessage));
	nall = n;

	/* the rows to merge: from the last whose first msgid is at most hi, backwards */
	direct_push_fresh_snapshot();
	receipts_block_reader_begin(&br, gid, RECEIPTS_KIND_ARCHIVED);
	receipts_block_reader_restart(&br, PG_INT64_MIN, hi);
	while (direct_next_in(&br.ds, BackwardScanDirection))
	{
		SealedBlock blk;
		bool		overlaps;

		CHECK_FOR_INTERRUPTS();
		receipts_block_reader_decode(&br, &blk);
		overlaps = blk.last >= lo;
		if (!overlaps && blk.b.n >= GRB_MAX_MESSAGES)
		{
			grblock_free(&blk.b);
			break;
		}
		if (nall + blk.b.n > cap)
		{
			cap = Max(cap * 2, nall + blk.b.n);
			all = repalloc(all, cap * sizeof(GrbMessage));
		}
		memcpy(&all[nall], blk.b.msgs, blk.b.n * sizeof(GrbMessage));
		nall += blk.b.n;
		gr_free(blk.b.msgs);	/* the read sets now belong to all[] */
		absorbed = absorbed ? repalloc(absorbed, (nabsorbed + 1) * sizeof(int64))
			: palloc(sizeof(int64));
		absorbed[nabsorbed++] = blk.first;
		if (!overlaps)
			break;				/* the preceding row, not full: rows before it end below it */
	}
	receipts_block_reader_end(&br);
	PopActiveSnapshot();

	qsort(all, nall, sizeof(GrbMessage), cmp_message);
	for (i = 1; i < nall; i++)
		if (all[i].msgid == all[i - 1].msgid)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("message " INT64_FORMAT " of group " INT64_FORMAT " is archived already",
							all[i].msgid, gid)));

	for (b = 0; b < nabsorbed; b++)
		receipts_block_delete(gid, RECEIPTS_KIND_ARCHIVED, absorbed[b]);
	i = 0;
	while (i < nall)
	{
		uint32		k = receipts_block_fit(&all[i], nall - i);

		CHECK_FOR_INTERRUPTS();
		receipts_block_insert(gid, RECEIPTS_KIND_ARCHIVED, &all[i], k);
		i += k;
	}
}

/* The elements of a one-dimensional array argument, no NULLs, exactly n. */
static Datum *
array_elements(ArrayType *arr, Oid type, const char *what, int64 gid, int n)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			nitems,
				i;

	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, type, typlen, typbyval, typalign, &elems, &nulls, &nitems);
	if (nitems != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("array of %s for group " INT64_FORMAT " has %d elements, not %d",
						what, gid, nitems, n)));
	for (i = 0; i < n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("array of %s for group " INT64_FORMAT " contains NULL", what, gid),
					 errdetail("Element %d is NULL.", i + 1)));
	return elems;
}

/*
 * groupreceipt._archive_store(gid, msgids, sender_slots, snap_ids, sent_at,
 * read, unread) -> int8: archive these messages (ascending msgids) with
 * their frozen state -- how many recipients had read each, and the
 * recipients who had not -- as archive computes it (_freeze) and as the
 * 0.6 -> 0.7 upgrade finds it in archived_messages.  Returns how many.
 */
PG_FUNCTION_INFO_V1(groupreceipt_archive_store);
Datum
groupreceipt_archive_store(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	int64	   *ids;
	Datum	   *slots,
			   *snaps,
			   *sent,
			   *read,
			   *unread;
	GrbMessage *msgs;
	int			n,
				i;
	GrbStatus	st;

	ids = receipts_id_array_max(PG_GETARG_ARRAYTYPE_P(1), "msgids", gid, PG_INT32_MAX / 2, &n);
	if (n == 0)
		PG_RETURN_INT64(0);
	slots = array_elements(PG_GETARG_ARRAYTYPE_P(2), INT4OID, "sender slots", gid, n);
	snaps = array_elements(PG_GETARG_ARRAYTYPE_P(3), INT4OID, "snapshot ids", gid, n);
	sent = array_elements(PG_GETARG_ARRAYTYPE_P(4), TIMESTAMPTZOID, "sent_at times", gid, n);
	read = array_elements(PG_GETARG_ARRAYTYPE_P(5), INT4OID, "read counts", gid, n);
	unread = array_elements(PG_GETARG_ARRAYTYPE_P(6), receipts_bitmap_type_oid(), "unread sets", gid, n);

	msgs = palloc(n * sizeof(GrbMessage));
	for (i = 0; i < n; i++)
	{
		GrbMessage *m = &msgs[i];
		int32		slot = DatumGetInt32(slots[i]),
					snap = DatumGetInt32(snaps[i]);

		if (slot < 0 || snap < 1 || DatumGetInt32(read[i]) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("message " INT64_FORMAT " of group " INT64_FORMAT " cannot be archived",
							ids[i], gid),
					 errdetail("Sender slot %d, snapshot %d, read count %d.",
							   slot, snap, DatumGetInt32(read[i]))));
		m->msgid = ids[i];
		m->sender_slot = (uint32) slot;
		m->snap_id = (uint32) snap;
		m->sent_at = DatumGetTimestampTz(sent[i]);
		bitmap_to_set(DatumGetBitmapPP(unread[i]), &m->read);
		if (m->read.nruns == 0)
			m->state = GRB_READ_ALL;
		else if (DatumGetInt32(read[i]) == 0)
		{
			grset_free(&m->read);
			grset_init(&m->read);
			m->state = GRB_READ_NONE;
		}
		else
			m->state = GRB_READ_SOME;
	}
	st = GRB_OK;
	for (i = 0; i < n && st == GRB_OK; i += GRB_MAX_MESSAGES)
		st = grblock_check(&msgs[i], (uint32) Min(n - i, GRB_MAX_MESSAGES));
	for (i = GRB_MAX_MESSAGES; i < n && st == GRB_OK; i += GRB_MAX_MESSAGES)
		if (msgs[i].msgid <= msgs[i - 1].msgid)
			st = GRB_ERR_ORDER;
	if (st != GRB_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("messages of group " INT64_FORMAT " cannot be archived", gid),
				 errdetail("%s", grblock_status_message(st))));

	SPI_connect();
	archive_store(gid, msgs, (uint32) n);
	SPI_finish();
	PG_RETURN_INT64(n);
}

/*
 * groupreceipt._archived(gid) -> (msgid, sender, sender_slot, snap_id,
 * sent_at, recipients, read, unread): every archived message of the group,
 * ascending, with its frozen counts and unread slots -- the columns of the
 * archived_messages table before 0.7 (inspection, snapshot clean-up).
 */
PG_FUNCTION_INFO_V1(groupreceipt_archived);
Datum
groupreceipt_archived(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	ReturnSetInfo *rsinfo;
	BlockReader br;
	SnapProbe	sp = {0};
	SlotUids   *su;

	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	su = receipts_slot_uids_begin(gid);
	receipts_block_reader_begin(&br, gid, RECEIPTS_KIND_ARCHIVED);
	while (direct_next(&br.ds))
	{
		SealedBlock blk;
		uint32		i;

		receipts_block_reader_decode(&br, &blk);
		for (i = 0; i < blk.b.n; i++)
		{
			GrbMessage *m = &blk.b.msgs[i];
			GrSet		rcpt,
						unread;
			Datum		values[8];
			bool		nulls[8] = {false, false, false, false, false, false, false, false};

			CHECK_FOR_INTERRUPTS();
			receipts_archived_state(gid, &sp, m, &rcpt, &unread);
			values[0] = Int64GetDatum(m->msgid);
			values[1] = Int64GetDatum(receipts_slot_uid(su, (int32) m->sender_slot));
			values[2] = Int32GetDatum((int32) m->sender_slot);
			values[3] = Int32GetDatum((int32) m->snap_id);
			values[4] = TimestampTzGetDatum(m->sent_at);
			values[5] = Int32GetDatum((int32) grset_count(&rcpt));
			values[6] = Int32GetDatum((int32) (grset_count(&rcpt) - grset_count(&unread)));
			values[7] = PointerGetDatum(bitmap_from_set(&unread));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			grset_free(&rcpt);
			grset_free(&unread);
		}
		grblock_free(&blk.b);
	}
	receipts_block_reader_end(&br);
	receipts_slot_uids_end(su);
	direct_snapshot_end(&sp);
	return (Datum) 0;
}

/*
 * groupreceipt._archived_remove(gid, msgids) -> int8: remove the archived
 * messages among msgids (forget); returns how many.
 */
PG_FUNCTION_INFO_V1(groupreceipt_archived_remove);
Datum
groupreceipt_archived_remove(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	int64	   *ids;
	int			n;
	int64		removed;

	ids = receipts_id_array(PG_GETARG_ARRAYTYPE_P(1), "msgids", gid, &n);
	n = receipts_sort_unique(ids, n);
	SPI_connect();
	removed = receipts_blocks_remove(gid, RECEIPTS_KIND_ARCHIVED, ids, n);
	SPI_finish();
	PG_RETURN_INT64(removed);
}

/*
 * groupreceipt._archived_purge(gid, cutoff) -> int8: remove the group's
 * archived messages sent before cutoff (purge); returns how many.
 */
PG_FUNCTION_INFO_V1(groupreceipt_archived_purge);
Datum
groupreceipt_archived_purge(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	TimestampTz cutoff = PG_GETARG_TIMESTAMPTZ(1);
	BlockReader br;
	int64	   *ids = NULL;
	int			n = 0,
				cap = 0;
	int64		removed;

	direct_push_fresh_snapshot();
	receipts_block_reader_begin(&br, gid, RECEIPTS_KIND_ARCHIVED);
	while (direct_next(&br.ds))
	{
		SealedBlock blk;
		uint32		i;

		CHECK_FOR_INTERRUPTS();
		receipts_block_reader_decode(&br, &blk);
		for (i = 0; i < blk.b.n; i++)
		{
			if (blk.b.msgs[i].sent_at >= cutoff)
				continue;
			if (n == cap)
			{
				cap = cap ? cap * 2 : 256;
				ids = ids ? repalloc(ids, cap * sizeof(int64)) : palloc(cap * sizeof(int64));
			}
			ids[n++] = blk.b.msgs[i].msgid;
		}
		grblock_free(&blk.b);
	}
	receipts_block_reader_end(&br);
	PopActiveSnapshot();
	if (n == 0)
		PG_RETURN_INT64(0);
	SPI_connect();
	removed = receipts_blocks_remove(gid, RECEIPTS_KIND_ARCHIVED, ids, n);
	SPI_finish();
	PG_RETURN_INT64(removed);
}

/*
 * groupreceipt._archived_sent_before(gid, key, payload, cutoff) -> bool:
 * does this A row hold a message sent before cutoff (purge's candidates)?
 */
PG_FUNCTION_INFO_V1(groupreceipt_archived_sent_before);
Datum
groupreceipt_archived_sent_before(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	int64		key = PG_GETARG_INT64(1);
	bytea	   *p = PG_GETARG_BYTEA_PP(2);
	TimestampTz cutoff = PG_GETARG_TIMESTAMPTZ(3);
	GrbBlock	b;
	GrbStatus	st;
	bool		before = false;
	uint32		i;

	st = grblock_decode((const uint8 *) VARDATA_ANY(p), VARSIZE_ANY_EXHDR(p), &b);
	if (st != GRB_OK)
		receipts_damaged_block(gid, RECEIPTS_KIND_ARCHIVED, key, grblock_status_message(st));
	for (i = 0; i < b.n && !before; i++)
		before = b.msgs[i].sent_at < cutoff;
	grblock_free(&b);
	PG_RETURN_BOOL(before);
}
