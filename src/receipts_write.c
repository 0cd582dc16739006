/*
 * receipts_write.c
 *	  The write path: post, ack (batch, by watermark) and ack_msgs
 *	  (explicit, into the insert-only read log).
 *
 * Writes per call: post inserts one message row and updates the group row
 * (plus one snapshot row after a membership change); ack updates the
 * reader's own roster row, whatever the range; ack_msgs inserts one log
 * row per newly read message and never updates a shared row.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "receipts.h"

/* Explicit reads a backend logs before it folds the log of a group. */
#define FOLD_EVERY 1024

static int	logged_since_fold = 0;

/* Is slot a recipient of the message whose snapshot is snap? */
static inline bool
is_recipient(const MsgRow *m, Bitmap *snap, int32 slot)
{
	return m->sender_slot != slot &&
		grcodec_contains(BITMAP_BYTES(snap), BITMAP_NBYTES(snap), (uint32) slot);
}

static inline bool
read_bit(const MsgRow *m, int32 slot)
{
	return m->read != NULL &&
		grcodec_contains(BITMAP_BYTES(m->read), BITMAP_NBYTES(m->read), (uint32) slot);
}

/* ------------------------------------------------------------------ post */

/* Diagnose why the one-statement post did not insert; returns only when a
 * new snapshot is needed (the group row is then locked). */
static void
post_diagnose(int64 gid, int64 msgid, int64 sender)
{
	Datum		args[1] = {Int64GetDatum(gid)};
	MemberRow	m;
	int64		last_msgid;
	bool		has_snapshot;

	receipts_member(gid, sender, MEMBER_FRESH, &m);	/* never a member: error */
	receipts_exec(STMT_GROUP_LOCK, args, false, 1);
	if (SPI_processed == 0)		/* cannot happen: a member implies a group */
		elog(ERROR, "group " INT64_FORMAT " is missing", gid);
	last_msgid = spi_int8(0, 1);
	has_snapshot = !spi_isnull(0, 2);

	/* re-read the sender now that membership changes are blocked */
	receipts_member(gid, sender, MEMBER_FRESH, &m);
	if (!m.active)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("sender " INT64_FORMAT " is not a current member of group " INT64_FORMAT,
						sender, gid),
				 errdetail("Only current members can post.")));
	if (msgid <= last_msgid)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("msgid " INT64_FORMAT " is not greater than the newest msgid " INT64_FORMAT
						" of group " INT64_FORMAT, msgid, last_msgid, gid),
				 errdetail("Messages of a group must be posted in increasing msgid order.")));
	if (has_snapshot)
		elog(ERROR, "post of message " INT64_FORMAT " in group " INT64_FORMAT " failed unexpectedly",
			 msgid, gid);
}

/* Create the snapshot of the current membership (group row locked). */
static void
post_new_snapshot(int64 gid)
{
	Datum		args[3];
	int32		snap_id;
	int32		size;

	args[0] = Int64GetDatum(gid);
	receipts_exec(STMT_GROUP_LOCK, args, false, 1);
	snap_id = spi_int4(0, 3);
	args[1] = Int32GetDatum(snap_id);
	receipts_exec(STMT_NEW_SNAPSHOT, args, false, 1);
	size = spi_int4(0, 1);
	args[2] = Int32GetDatum(size);
	receipts_exec(STMT_SET_SNAPSHOT, args, false, 0);
}

PG_FUNCTION_INFO_V1(groupreceipt_post);
Datum
groupreceipt_post(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	int64		msgid = PG_GETARG_INT64(1);
	int64		sender = PG_GETARG_INT64(2);
	Datum		args[4];
	int32		snap_size;

	if (msgid <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("msgid " INT64_FORMAT " for group " INT64_FORMAT " is not positive", msgid, gid),
				 errdetail("Message ids must be greater than zero.")));

	args[0] = Int64GetDatum(gid);
	args[1] = Int64GetDatum(msgid);
	args[2] = Int64GetDatum(sender);
	args[3] = PG_GETARG_DATUM(3);

	SPI_connect();
	receipts_exec(STMT_POST, args, false, 0);
	if (SPI_processed == 0)
	{
		/* membership changed since the last post, or bad input */
		post_diagnose(gid, msgid, sender);
		post_new_snapshot(gid);
		receipts_exec(STMT_POST, args, false, 0);
		if (SPI_processed == 0)
			elog(ERROR, "post of message " INT64_FORMAT " in group " INT64_FORMAT " failed unexpectedly",
				 msgid, gid);
	}
	snap_size = spi_int4(0, 1);
	SPI_finish();

	/* the sender is a current member, hence in the snapshot */
	PG_RETURN_INT32(snap_size - 1);
}

/* ------------------------------------------------------------------- ack */

PG_FUNCTION_INFO_V1(groupreceipt_ack);
Datum
groupreceipt_ack(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	int64		uid = PG_GETARG_INT64(1);
	int64		upto = PG_GETARG_INT64(2);
	int64		last_msgid = 0;
	MemberRow	m;
	Datum		args[4];
	SnapCache	snaps = {0};
	int64	   *logged = NULL;
	int			nlogged = 0,
				li = 0;
	SenderMsg  *pairs = NULL;
	int			npairs = 0,
				cap = 0;
	Portal		portal;

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();

	/* lock the reader's own row: concurrent acks of one member serialize here */
	receipts_member(gid, uid, MEMBER_LOCK, &m);
	receipts_group(gid, &last_msgid, NULL);
	if (upto > last_msgid)
		upto = last_msgid;		/* an ack never pre-reads a later message */
	if (upto <= m.read_upto)
	{
		SPI_finish();			/* idempotent: nothing moves backwards */
		return (Datum) 0;
	}

	args[0] = Int64GetDatum(gid);
	args[1] = Int64GetDatum(uid);
	args[2] = Int64GetDatum(upto);
	receipts_exec(STMT_SET_READ, args, false, 0);

	/* explicit reads of this member already logged in the range */
	args[1] = Int64GetDatum(m.read_upto);
	args[2] = Int64GetDatum(upto);
	args[3] = Int32GetDatum(m.slot);
	receipts_exec(STMT_LOG_SLOT_RANGE, args, true, 0);
	if (SPI_processed > 0)
	{
		uint64		i;

		nlogged = (int) SPI_processed;
		logged = palloc(nlogged * sizeof(int64));
		for (i = 0; i < SPI_processed; i++)
			logged[i] = spi_int8((int) i, 1);
	}

	/* messages in (old watermark, new watermark] that became read */
	portal = receipts_cursor(STMT_MSG_RANGE, args, true);
	for (;;)
	{
		uint64		i,
					nrows;
		SPITupleTable *batch;

		SPI_cursor_fetch(portal, true, 4096);
		if (SPI_processed == 0)
			break;
		/* snapshot lookups below run statements: keep this batch's rows */
		batch = SPI_tuptable;
		nrows = SPI_processed;
		for (i = 0; i < nrows; i++)
		{
			MsgRow		msg;
			Bitmap	   *snap;

			CHECK_FOR_INTERRUPTS();
			SPI_tuptable = batch;
			msgrow_from_spi((int) i, &msg);
			snap = snapcache_get(&snaps, gid, msg.snap_id);
			SPI_tuptable = batch;
			if (!is_recipient(&msg, snap, m.slot) || read_bit(&msg, m.slot))
				continue;
			while (li < nlogged && logged[li] < msg.msgid)
				li++;
			if (li < nlogged && logged[li] == msg.msgid)
				continue;
			if (npairs == cap)
			{
				cap = cap ? cap * 2 : 64;
				pairs = pairs ? repalloc_huge(pairs, cap * sizeof(SenderMsg))
					: palloc(cap * sizeof(SenderMsg));
			}
			pairs[npairs].sender = msg.sender;
			pairs[npairs].msgid = msg.msgid;
			npairs++;
		}
		SPI_freetuptable(batch);
	}
	SPI_cursor_close(portal);

	receipts_emit_per_sender(fcinfo, pairs, npairs);
	SPI_finish();
	return (Datum) 0;
}

/* -------------------------------------------------------------- ack_msgs */

PG_FUNCTION_INFO_V1(groupreceipt_ack_msgs);
Datum
groupreceipt_ack_msgs(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	int64		uid = PG_GETARG_INT64(1);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(2);
	int64	   *ids;
	int			n,
				i,
				nfound;
	MemberRow	m;
	MsgRow	   *msgs;
	SnapCache	snaps = {0};
	Datum	   *cand;
	int			ncand = 0;
	SenderMsg  *pairs;
	int			npairs = 0;
	Datum		args[3];

	InitMaterializedSRF(fcinfo, 0);
	ids = receipts_id_array(arr, "msgids", gid, &n);
	n = receipts_sort_unique(ids, n);

	SPI_connect();
	receipts_member(gid, uid, MEMBER_STATEMENT, &m);
	if (n == 0)
	{
		SPI_finish();
		return (Datum) 0;
	}

	/* every msgid must exist: check them all before writing anything */
	args[0] = Int64GetDatum(gid);
	args[1] = PointerGetDatum(construct_array((Datum *) ids, n, INT8OID, sizeof(int64),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	receipts_exec(STMT_MSG_ANY, args, true, 0);
	nfound = (int) SPI_processed;
	msgs = palloc(Max(nfound, 1) * sizeof(MsgRow));
	for (i = 0; i < nfound; i++)
		msgrow_from_spi(i, &msgs[i]);
	if (nfound < n)
	{
		for (i = 0; i < n; i++)
			if (receipts_find_msg(msgs, nfound, ids[i]) < 0)
				receipts_missing_message(gid, ids[i]);
	}

	/* messages uid received and has not read yet */
	cand = palloc(n * sizeof(Datum));
	for (i = 0; i < nfound; i++)
	{
		Bitmap	   *snap;

		CHECK_FOR_INTERRUPTS();
		if (msgs[i].msgid <= m.read_upto || read_bit(&msgs[i], m.slot))
			continue;
		snap = snapcache_get(&snaps, gid, msgs[i].snap_id);
		if (!is_recipient(&msgs[i], snap, m.slot))
			continue;
		cand[ncand++] = Int64GetDatum(msgs[i].msgid);
	}
	if (ncand == 0)
	{
		SPI_finish();
		return (Datum) 0;
	}

	/* insert-only: the log rows that were really new are the ones returned */
	args[1] = PointerGetDatum(construct_array(cand, ncand, INT8OID, sizeof(int64),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[2] = Int32GetDatum(m.slot);
	receipts_exec(STMT_LOG_INSERT, args, false, 0);
	pairs = palloc(Max(SPI_processed, 1) * sizeof(SenderMsg));
	for (i = 0; i < (int) SPI_processed; i++)
	{
		int64		msgid = spi_int8(i, 1);

		pairs[npairs].msgid = msgid;
		pairs[npairs].sender = msgs[receipts_find_msg(msgs, nfound, msgid)].sender;
		npairs++;
	}
	receipts_emit_per_sender(fcinfo, pairs, npairs);

	/* now and then fold the group's log into the message bitmaps (in bulk) */
	logged_since_fold += npairs;
	if (logged_since_fold >= FOLD_EVERY)
	{
		logged_since_fold = 0;
		args[0] = Int64GetDatum(gid);
		receipts_exec(STMT_FOLD, args, false, 0);
	}
	SPI_finish();
	return (Datum) 0;
}
