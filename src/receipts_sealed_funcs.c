/*
 * receipts_sealed_funcs.c
 *	  SQL-callable functions over a group's messages in both places of 0.5
 *	  storage -- the tail (groupreceipt.messages) and the sealed blocks
 *	  (groupreceipt.store, receipts_blocks.c): the plpgsql and SQL paths
 *	  (member_unread, undelivered, archive, forget, the snapshots' clean-up)
 *	  read and remove messages through these instead of the tail table.
 */
#include "postgres.h"

#include "access/tableam.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "bitmap.h"
#include "receipts.h"
#include "receipts_blocks.h"
#include "receipts_direct.h"

/*
 * The tail's messages of the group in (lo, hi] sent before sent_before, in
 * msgid order, at most limit (< 0: all), with their senders and times.
 */
static int
tail_range(int64 gid, int64 lo, int64 hi, int64 sent_before, int limit, MsgRow **out)
{
	DirectScan	ds;
	ScanKeyData keys[3];
	DirectMsgCols c;
	AttrNumber	att_sent;
	MsgRow	   *rows = NULL;
	int			n = 0,
				cap = 0,
				nrows = 0;

	direct_int8_key(&keys[0], 1, gid);
	ScanKeyInit(&keys[1], 2, BTGreaterStrategyNumber, F_INT8GT, Int64GetDatum(lo));
	ScanKeyInit(&keys[2], 2, BTLessEqualStrategyNumber, F_INT8LE, Int64GetDatum(hi));
	direct_begin(&ds, "messages", "messages_pkey", keys, 3);
	direct_msg_cols(ds.rel, &c);
	att_sent = direct_attnum(RelationGetRelid(ds.rel), "sent_at", TIMESTAMPTZOID);
	while ((limit < 0 || n < limit) && direct_next(&ds))
	{
		MsgRow	   *m;
		int64		sent_at;

		if ((++nrows & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		sent_at = DatumGetTimestampTz(direct_value(ds.slot, att_sent, gid, "sent_at"));
		if (sent_at >= sent_before)
			continue;
		if (n == cap)
		{
			cap = cap ? cap * 2 : 16;
			rows = rows ? repalloc(rows, cap * sizeof(MsgRow)) : palloc(cap * sizeof(MsgRow));
		}
		m = &rows[n++];
		m->msgid = DatumGetInt64(direct_value(ds.slot, c.msgid, gid, "msgid"));
		direct_msg_row(ds.slot, &c, gid, m);
		m->sent_at = sent_at;
	}
	direct_end(&ds);
	*out = rows;
	return n;
}

/*
 * groupreceipt._live_messages(gid, after, upto, sent_before, lim) ->
 * (msgid, sender, sender_slot, snap_id, sent_at, read): the group's live
 * messages in (after, upto] sent before sent_before, ascending, at most lim
 * -- tail rows and sealed ones alike; read is NULL for a message every
 * recipient has read (as a compacted tail row's).
 */
PG_FUNCTION_INFO_V1(groupreceipt_live_messages);
Datum
groupreceipt_live_messages(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	int64		after = PG_GETARG_INT64(1);
	int64		upto = PG_GETARG_INT64(2);
	TimestampTz sent_before = PG_GETARG_TIMESTAMPTZ(3);
	int32		lim = PG_GETARG_INT32(4);
	ReturnSetInfo *rsinfo;
	MsgRow	   *tail,
			   *sealed = NULL;
	int			ntail,
				nsealed = 0,
				i = 0,
				j = 0,
				k = 0;

	if (lim < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("limit %d for the messages of group " INT64_FORMAT " is negative", lim, gid)));
	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	if (lim == 0 || after >= upto)
		return (Datum) 0;
	ntail = tail_range(gid, after, upto, sent_before, lim, &tail);
	if (receipts_storage_v05())
		nsealed = receipts_sealed_range(gid, after, upto, sent_before, lim, true, &sealed);
	while (k < lim && (i < ntail || j < nsealed))
	{
		MsgRow	   *m = (j >= nsealed || (i < ntail && tail[i].msgid < sealed[j].msgid))
			? &tail[i++] : &sealed[j++];
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		values[0] = Int64GetDatum(m->msgid);
		values[1] = Int64GetDatum(m->sender);
		values[2] = Int32GetDatum(m->sender_slot);
		values[3] = Int32GetDatum(m->snap_id);
		values[4] = TimestampTzGetDatum(m->sent_at);
		if (m->all_read)
			nulls[5] = true;
		else
			values[5] = PointerGetDatum(m->read);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		k++;
	}
	return (Datum) 0;
}

/*
 * groupreceipt._remove_sealed(gid, msgids) -> int8: remove the sealed
 * messages among msgids (forget, archive; the caller holds the group's
 * lock exclusively); how many were removed.
 */
PG_FUNCTION_INFO_V1(groupreceipt_remove_sealed);
Datum
groupreceipt_remove_sealed(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	int64	   *ids;
	int64		removed;
	int			n;

	ids = receipts_id_array(arr, "msgids", gid, &n);
	n = receipts_sort_unique(ids, n);
	if (n == 0 || !receipts_storage_v05())
		PG_RETURN_INT64(0);
	SPI_connect();
	removed = receipts_sealed_remove(gid, ids, n);
	SPI_finish();
	PG_RETURN_INT64(removed);
}

/*
 * groupreceipt._blocks(gid) -> (first_msgid, last_msgid, messages, bytes,
 * all_read, some_read): the group's sealed blocks, for inspection.
 */
PG_FUNCTION_INFO_V1(groupreceipt_blocks);
Datum
groupreceipt_blocks(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	ReturnSetInfo *rsinfo;
	SealedBlockInfo *info;
	int			n,
				i;

	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	n = receipts_sealed_blocks(gid, &info);
	for (i = 0; i < n; i++)
	{
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		values[0] = Int64GetDatum(info[i].first);
		values[1] = Int64GetDatum(info[i].last);
		values[2] = Int32GetDatum(info[i].messages);
		values[3] = Int32GetDatum(info[i].bytes);
		values[4] = Int32GetDatum(info[i].all_read);
		values[5] = Int32GetDatum(info[i].some_read);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
