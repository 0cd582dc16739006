/*
 * receipts_post_many.c
 *	  post_many: many messages of one group in one call, for imports and
 *	  backfills.  Exactly like that many post calls in array order (the same
 *	  checks, the same errors, nothing posted when one fails), but linear:
 *	  the group row is locked and updated once per call and the messages are
 *	  inserted by one statement.  (A million post calls in one transaction
 *	  update the group row a million times; every version stays until the
 *	  transaction ends, so each post walks a longer chain.)
 *
 * Order of work: lock the group row (membership changes and posts of the
 * group wait from here), read the senders' roster rows in one statement,
 * check every message in array order, make a snapshot if membership
 * changed since the last post, then one statement inserts the messages
 * and raises the group's newest msgid.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "receipts.h"

/* which message a check is about (errcontext of every error below) */
typedef struct PostManyPos
{
	int			index;			/* 0-based, -1: before the loop */
	int64		msgid;
} PostManyPos;

static void
post_many_context(void *arg)
{
	PostManyPos *pos = arg;

	if (pos->index >= 0)
		errcontext("element %d of post_many (msgid " INT64_FORMAT ")", pos->index + 1, pos->msgid);
}

/* Elements of a timestamptz[] argument; NULL elements are an error. */
static Datum *
post_many_times(ArrayType *arr, int64 gid, int n)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems,
				i;

	deconstruct_array(arr, TIMESTAMPTZOID, sizeof(TimestampTz), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &nelems);
	if (nelems != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("post_many for group " INT64_FORMAT " got %d msgids but %d sent_at values",
						gid, n, nelems),
				 errdetail("msgids, senders and sent_at must have the same length.")));
	for (i = 0; i < n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("array of sent_at for group " INT64_FORMAT " contains NULL", gid),
					 errdetail("Element %d is NULL.", i + 1),
					 errhint("Pass NULL for the whole array to post every message at now().")));
	return elems;
}

PG_FUNCTION_INFO_V1(groupreceipt_post_many);
Datum
groupreceipt_post_many(PG_FUNCTION_ARGS)
{
	int64		gid;
	int64	   *msgids,
			   *senders,
			   *distinct;
	int32	   *slots,
			   *sender_slot;
	bool	   *sender_active;
	Datum	   *times = NULL;
	Datum		args[7];
	Datum	   *counts;
	int			n,
				nsenders,
				ndistinct,
				i;
	int64		last_msgid;
	bool		need_snapshot;
	int32		snap_id,
				snap_size;
	PostManyPos pos = {-1, 0};
	ErrorContextCallback errcb;

	/* STRICT in gid, msgids and senders; sent_at NULL means now() */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	gid = PG_GETARG_INT64(0);
	receipts_require_read_committed("post_many");

	msgids = receipts_id_array_max(PG_GETARG_ARRAYTYPE_P(1), "msgids", gid, RECEIPTS_MAX_POST_MANY, &n);
	senders = receipts_id_array_max(PG_GETARG_ARRAYTYPE_P(2), "senders", gid, RECEIPTS_MAX_POST_MANY,
									&nsenders);
	if (nsenders != n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("post_many for group " INT64_FORMAT " got %d msgids but %d senders",
						gid, n, nsenders),
				 errdetail("msgids, senders and sent_at must have the same length.")));
	if (!PG_ARGISNULL(3))
		times = post_many_times(PG_GETARG_ARRAYTYPE_P(3), gid, n);
	if (n == 0)
		PG_RETURN_DATUM(PointerGetDatum(construct_empty_array(INT4OID)));

	errcb.callback = post_many_context;
	errcb.arg = &pos;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	/* post checks a msgid before it looks at the group */
	pos.index = 0;
	pos.msgid = msgids[0];
	if (msgids[0] <= 0)
		receipts_nonpositive_msgid(gid, msgids[0]);

	SPI_connect();

	/* the group row: posts and membership changes of the group wait now */
	args[0] = Int64GetDatum(gid);
	receipts_exec(STMT_POST_MANY_LOCK, args, false, 1);
	if (SPI_processed == 0)		/* no group: nobody was ever a member */
		receipts_never_member(gid, senders[0]);
	last_msgid = spi_int8(0, 1);
	need_snapshot = spi_isnull(0, 2);	/* membership changed since the last post */
	snap_id = need_snapshot ? spi_int4(0, 4) : spi_int4(0, 2);
	snap_size = need_snapshot ? 0 : spi_int4(0, 3);

	/* the senders' roster rows, in a snapshot taken under the row lock */
	distinct = palloc(n * sizeof(int64));
	memcpy(distinct, senders, n * sizeof(int64));
	ndistinct = receipts_sort_unique(distinct, n);
	sender_slot = palloc(ndistinct * sizeof(int32));
	sender_active = palloc0(ndistinct * sizeof(bool));
	for (i = 0; i < ndistinct; i++)
		sender_slot[i] = -1;	/* never a member */
	args[1] = receipts_int8_array(distinct, ndistinct);
	receipts_exec(STMT_SENDER_SLOTS, args, false, 0);
	for (i = 0; i < (int) SPI_processed; i++)
	{
		int			k = receipts_find_id(distinct, ndistinct, spi_int8(i, 1));

		if (k < 0)
			elog(ERROR, "roster row of an unrequested uid");
		sender_slot[k] = spi_int4(i, 2);
		sender_active[k] = spi_bool(i, 3);
	}

	/* every message, in array order, as post would check it */
	slots = palloc(n * sizeof(int32));
	for (i = 0; i < n; i++)
	{
		int			k = receipts_find_id(distinct, ndistinct, senders[i]);

		CHECK_FOR_INTERRUPTS();
		pos.index = i;
		pos.msgid = msgids[i];
		if (msgids[i] <= 0)
			receipts_nonpositive_msgid(gid, msgids[i]);
		if (sender_slot[k] < 0)
			receipts_never_member(gid, senders[i]);
		if (!sender_active[k])
			receipts_not_current_sender(gid, senders[i]);
		if (msgids[i] <= last_msgid)
			receipts_msgid_not_increasing(gid, msgids[i], last_msgid);
		last_msgid = msgids[i];
		slots[i] = sender_slot[k];
	}
	pos.index = -1;

	if (need_snapshot)
		snap_size = receipts_new_snapshot(gid, snap_id);

	args[1] = Int32GetDatum(snap_id);
	args[2] = Int64GetDatum(last_msgid);
	args[3] = receipts_int8_array(msgids, n);
	args[4] = receipts_int8_array(senders, n);
	args[5] = receipts_int4_array(slots, n);
	args[6] = times ? PG_GETARG_DATUM(3) : (Datum) 0;
	receipts_exec(times ? STMT_POST_MANY : STMT_POST_MANY_NOW, args, false, 0);
	if (SPI_processed != (uint64) n)
		elog(ERROR, "post_many inserted " UINT64_FORMAT " of %d messages in group " INT64_FORMAT,
			 SPI_processed, n, gid);
	SPI_finish();
	error_context_stack = errcb.previous;

	/* every sender is a current member, hence in the snapshot */
	counts = palloc(n * sizeof(Datum));
	for (i = 0; i < n; i++)
		counts[i] = Int32GetDatum(snap_size - 1);
	PG_RETURN_DATUM(PointerGetDatum(construct_array(counts, n, INT4OID, sizeof(int32), true,
													TYPALIGN_INT)));
}
