/*
 * bitmap_agg.c
 *	  Aggregates building a groupreceipt.bitmap: bitmap_agg(int4) and
 *	  bitmap_union_agg(bitmap), with combine/serial/deserial support so
 *	  they run in parallel plans.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/memutils.h"

#include "bitmap.h"

/* Positions buffered before they are folded into the run list. */
#define AGG_BUFFER_SIZE 8192

typedef struct BitmapAggState
{
	GrSet		set;			/* folded positions */
	GrRun	   *buf;			/* pending single positions/runs */
	uint32		nbuf;
} BitmapAggState;

static BitmapAggState *
agg_state(FunctionCallInfo fcinfo, MemoryContext *aggctx)
{
	if (!AggCheckCallContext(fcinfo, aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("bitmap aggregate called in non-aggregate context")));
	if (PG_ARGISNULL(0))
	{
		BitmapAggState *st = MemoryContextAllocZero(*aggctx, sizeof(BitmapAggState));

		grset_init(&st->set);
		st->buf = MemoryContextAlloc(*aggctx, AGG_BUFFER_SIZE * sizeof(GrRun));
		return st;
	}
	return (BitmapAggState *) PG_GETARG_POINTER(0);
}

/* Fold the buffer into the set; runs in the aggregate context. */
static void
agg_flush(BitmapAggState *st)
{
	GrSet		pending,
				merged;

	if (st->nbuf == 0)
		return;
	grset_from_runs(&pending, st->buf, st->nbuf);
	grset_union(&merged, &st->set, &pending);
	grset_free(&pending);
	grset_free(&st->set);
	st->set = merged;
	st->nbuf = 0;
}

static void
agg_push(BitmapAggState *st, uint32 lo, uint32 hi)
{
	if (st->nbuf == AGG_BUFFER_SIZE)
		agg_flush(st);
	st->buf[st->nbuf].lo = lo;
	st->buf[st->nbuf].hi = hi;
	st->nbuf++;
}

PG_FUNCTION_INFO_V1(bitmap_agg_trans);
Datum
bitmap_agg_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx,
				old;
	BitmapAggState *st = agg_state(fcinfo, &aggctx);

	/* NULL inputs are skipped, as in count(x) */
	if (!PG_ARGISNULL(1))
	{
		uint32		pos = bitmap_check_position(PG_GETARG_INT32(1));

		old = MemoryContextSwitchTo(aggctx);
		agg_push(st, pos, pos);
		MemoryContextSwitchTo(old);
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(bitmap_union_trans);
Datum
bitmap_union_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx,
				old;
	BitmapAggState *st = agg_state(fcinfo, &aggctx);

	if (!PG_ARGISNULL(1))
	{
		Bitmap	   *b = PG_GETARG_BITMAP_PP(1);
		GrSet		s;
		uint32		i;

		old = MemoryContextSwitchTo(aggctx);
		bitmap_to_set(b, &s);
		for (i = 0; i < s.nruns; i++)
			agg_push(st, s.runs[i].lo, s.runs[i].hi);
		grset_free(&s);
		MemoryContextSwitchTo(old);
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(bitmap_agg_combine);
Datum
bitmap_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx,
				old;
	BitmapAggState *st;
	BitmapAggState *other;
	uint32		i;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	st = agg_state(fcinfo, &aggctx);
	other = (BitmapAggState *) PG_GETARG_POINTER(1);
	old = MemoryContextSwitchTo(aggctx);
	agg_flush(other);
	for (i = 0; i < other->set.nruns; i++)
		agg_push(st, other->set.runs[i].lo, other->set.runs[i].hi);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(bitmap_agg_final);
Datum
bitmap_agg_final(PG_FUNCTION_ARGS)
{
	BitmapAggState *st;
	MemoryContext aggctx,
				old;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();		/* no rows: NULL, like array_agg */
	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "bitmap_agg_final called in non-aggregate context");
	st = (BitmapAggState *) PG_GETARG_POINTER(0);
	old = MemoryContextSwitchTo(aggctx);
	agg_flush(st);
	MemoryContextSwitchTo(old);
	PG_RETURN_BITMAP_P(bitmap_from_set(&st->set));
}

PG_FUNCTION_INFO_V1(bitmap_agg_serial);
Datum
bitmap_agg_serial(PG_FUNCTION_ARGS)
{
	BitmapAggState *st = (BitmapAggState *) PG_GETARG_POINTER(0);
	MemoryContext aggctx,
				old;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "bitmap_agg_serial called in non-aggregate context");
	old = MemoryContextSwitchTo(aggctx);
	agg_flush(st);
	MemoryContextSwitchTo(old);
	/* the serialized form is a bitmap datum, which is a valid bytea */
	PG_RETURN_POINTER(bitmap_from_set(&st->set));
}

PG_FUNCTION_INFO_V1(bitmap_agg_deserial);
Datum
bitmap_agg_deserial(PG_FUNCTION_ARGS)
{
	bytea	   *raw = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggctx,
				old;
	BitmapAggState *st;
	GrStatus	status;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "bitmap_agg_deserial called in non-aggregate context");
	old = MemoryContextSwitchTo(aggctx);
	st = palloc0(sizeof(BitmapAggState));
	st->buf = palloc(AGG_BUFFER_SIZE * sizeof(GrRun));
	status = grcodec_decode((const uint8 *) VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw), &st->set);
	MemoryContextSwitchTo(old);
	if (status != GR_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized bitmap aggregate state"),
				 errdetail("%s", grcodec_status_message(status))));
	PG_RETURN_POINTER(st);
}
