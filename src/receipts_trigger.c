/*
 * receipts_trigger.c
 *	  The archiving trigger on groupreceipt.messages (BEFORE INSERT, FOR
 *	  EACH ROW): archiving by retention without a cron job.
 *
 * It runs on every post, so it is C and returns at once unless there is
 * work: when groupreceipt.retention is 0 (the default) it is one integer
 * test, and otherwise one post in 64 (by hashint8(msgid), so the choice
 * is the same on every node) marks the post's group for archiving.
 *
 * The archiving itself does not run inside the post: it would take the
 * group's lock exclusively and hold it until the post's transaction ends,
 * blocking every ack of the group for as long as the application keeps
 * that transaction open (and two transactions that each post in one group
 * and ack in the other could deadlock).  Instead the marked groups are
 * archived at commit (XACT_EVENT_PRE_COMMIT), after the application's
 * last statement: groupreceipt._archive_sampled(gid) archives at most
 * groupreceipt.archive_batch of the group's oldest messages past the
 * retention and never waits for the lock (acks in progress: it skips, a
 * later post catches up).  So the lock is held only for the archiving
 * batch and the commit.  It runs as the owner of groupreceipt.messages, in
 * a subtransaction: a failure is reported as a WARNING and never undoes
 * the application's transaction.  Prepared transactions do not archive.
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
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"

#include "receipts.h"

/* one post in 64 fires the archiving */
#define ARCHIVE_SAMPLE_MASK 63

/* at most this many groups are archived at one commit */
#define ARCHIVE_PENDING_MAX 16

/* groups marked by this transaction's sampled posts (deduplicated) */
static int64 pending_gid[ARCHIVE_PENDING_MAX];
static int	npending = 0;
static Oid	pending_owner = InvalidOid;

/* one post in 64, by hashint8(msgid): the same choice on every node */
static bool
archive_sampled(int64 msgid)
{
	return (DatumGetUInt32(DirectFunctionCall1(hashint8, Int64GetDatum(msgid))) & ARCHIVE_SAMPLE_MASK) == 0;
}

static void
archive_mark(int64 gid, Oid owner)
{
	int			i;

	for (i = 0; i < npending; i++)
		if (pending_gid[i] == gid)
			return;
	if (npending < ARCHIVE_PENDING_MAX)
	{
		pending_gid[npending++] = gid;
		pending_owner = owner;
	}
}

/* Archive one marked group in a subtransaction; a failure is a WARNING. */
static void
archive_pending_group(int64 gid)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	Oid			save_userid;
	int			save_sec_context;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		Datum		args[1] = {Int64GetDatum(gid)};

		SetUserIdAndSecContext(pending_owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
		PushActiveSnapshot(GetTransactionSnapshot());
		SPI_connect();
		receipts_exec(STMT_ARCHIVE_SAMPLED, args, false, 0);
		SPI_finish();
		PopActiveSnapshot();
		SetUserIdAndSecContext(save_userid, save_sec_context);
		/* the lock taken goes to the transaction, which commits next */
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		SetUserIdAndSecContext(save_userid, save_sec_context);
		ereport(WARNING,
				(errcode(edata->sqlerrcode),
				 errmsg("archiving group " INT64_FORMAT " at commit failed: %s", gid, edata->message),
				 errdetail("The transaction commits; a later sampled post of the group archives again.")));
		FreeErrorData(edata);
	}
	PG_END_TRY();
}

static void
archive_xact_callback(XactEvent event, void *arg)
{
	int			i,
				n;

	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
			n = npending;
			npending = 0;		/* whatever happens below, once */
			for (i = 0; i < n; i++)
				archive_pending_group(pending_gid[i]);
			break;
		default:
			/* commit, abort, prepare (never archives), parallel events */
			npending = 0;
			break;
	}
}

void
receipts_trigger_init(void)
{
	RegisterXactCallback(archive_xact_callback, NULL);
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
	if (archive_sampled(msgid))
		archive_mark(tuple_int8(tuple, desc, "gid"), trigdata->tg_relation->rd_rel->relowner);
	return PointerGetDatum(tuple);
}

/*
 * What the trigger does for a message row inserted without the executor
 * (receipts_direct_post.c); owner: the owner of groupreceipt.messages.
 */
void
receipts_archive_sample(int64 gid, int64 msgid, Oid owner)
{
	if (receipts_retention_s > 0 && archive_sampled(msgid))
		archive_mark(gid, owner);
}
