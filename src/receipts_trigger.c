/*
 * receipts_trigger.c
 *	  The archiving trigger on groupreceipt.messages (BEFORE INSERT, FOR
 *	  EACH ROW): archiving by retention without a cron job.
 *
 * It runs on every post, so it is C and returns at once unless there is
 * work: when groupreceipt.retention is 0 (the default) it is one integer
 * test, and otherwise one post in 64 (by hashint8(msgid), so the choice
 * is the same on every node) calls groupreceipt._archive_sampled(gid),
 * which archives at most groupreceipt.archive_batch of the group's oldest
 * messages past the retention and never waits for a lock.
 *
 * The sampling used to be the WHEN clause of an AFTER trigger; PostgreSQL
 * parses and compiles a trigger's WHEN clause again for every statement
 * that fires it, which cost every post several percent
 * (test/bench/trigger_cost.sh).
 *
 * No SET search_path on this function (a SET clause costs every post a GUC
 * save and restore): its one statement names the schema of the function
 * it calls, and the called function sets its own search_path.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/fmgrprotos.h"

#include "receipts.h"

/* one post in 64 fires the archiving */
#define ARCHIVE_SAMPLE_MASK 63

static void
archive_sampled(int64 gid)
{
	Datum		args[1] = {Int64GetDatum(gid)};

	SPI_connect();
	receipts_exec(STMT_ARCHIVE_SAMPLED, args, false, 0);
	SPI_finish();
}

static int64
tuple_int8(HeapTuple tuple, TupleDesc desc, const char *column)
{
	int			attnum = SPI_fnumber(desc, column);
	bool		isnull;
	Datum		d;

	if (attnum <= 0)
		elog(ERROR, "groupreceipt.messages has no column \"%s\"", column);
	d = heap_getattr(tuple, attnum, desc, &isnull);
	if (isnull)
		elog(ERROR, "groupreceipt.messages.%s is null", column);
	return DatumGetInt64(d);
}

PG_FUNCTION_INFO_V1(groupreceipt_archive_trigger);
Datum
groupreceipt_archive_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	tuple;
	TupleDesc	desc;
	int64		msgid;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("groupreceipt._archive_trigger() must be fired BEFORE INSERT FOR EACH ROW")));
	tuple = trigdata->tg_trigtuple;
	if (receipts_retention_s <= 0)
		return PointerGetDatum(tuple);	/* automatic archiving is off */

	desc = trigdata->tg_relation->rd_att;
	msgid = tuple_int8(tuple, desc, "msgid");
	if ((DatumGetUInt32(DirectFunctionCall1(hashint8, Int64GetDatum(msgid))) & ARCHIVE_SAMPLE_MASK) == 0)
		archive_sampled(tuple_int8(tuple, desc, "gid"));
	return PointerGetDatum(tuple);
}
