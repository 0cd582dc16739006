/*
 * receipts_direct_post.c
 *	  post on 0.3 storage without an SPI statement: the sender's roster row
 *	  read, the group row locked and updated, the message row inserted,
 *	  through the tables' primary keys.
 *
 * The SPI post was one statement of four parts (the sender's row, the
 * group's snapshot id, the update of the group row, the insert), whose
 * executor start-up cost about as much as its work.  The same steps here,
 * with the same snapshots and the same re-check:
 *
 *   1. in a fresh snapshot, the sender's row (a current member: its slot)
 *	  and the group row (its current snapshot id);
 *   2. lock the group row, newest version (as the UPDATE's EvalPlanQual
 *	  would): posts of a group take turns here; the newest version must
 *	  still have that snapshot id (no membership change since step 1) and
 *	  a newest msgid below this one;
 *   3. update it (newest msgid; HOT when the page has room, else the new
 *	  version's index entries), and insert the message row with every
 *	  index entry, its read bitmap the column default (empty).
 *
 * Whenever a check of steps 1-2 fails -- not a current member, no group,
 * no current snapshot (membership changed since the last post), a
 * concurrent change, a msgid not above the newest -- nothing has been
 * written and the caller falls back to the SPI post, whose diagnosis
 * decides under the row lock what to raise or whether a new snapshot is
 * needed.  So does a table whose triggers or constraints are not the
 * install script's: the archiving trigger of messages (receipts_trigger.c)
 * is called directly, any other trigger or CHECK constraint, on messages
 * or groups, needs the executor.
 */
#include "postgres.h"

#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "receipts.h"
#include "receipts_direct.h"

/*
 * Are the triggers and constraints of messages the install script's (the
 * archiving trigger only, no CHECK constraint)?  *fires: the trigger fires
 * now (enabled, and for this session_replication_role).
 */
static bool
messages_as_installed(Relation rel, bool *fires)
{
	TriggerDesc *td = rel->trigdesc;
	Trigger    *t;
	char	   *fname;
	bool		ours;

	*fires = false;
	if (rel->rd_att->constr && rel->rd_att->constr->num_check > 0)
		return false;
	if (td == NULL)
		return true;			/* the archiving trigger was dropped */
	if (td->numtriggers != 1)
		return false;
	t = &td->triggers[0];
	fname = get_func_name(t->tgfoid);
	ours = fname != NULL && strcmp(fname, "_archive_trigger") == 0 &&
		get_func_namespace(t->tgfoid) == RelationGetNamespace(rel) &&
		t->tgtype == (TRIGGER_TYPE_ROW | TRIGGER_TYPE_BEFORE | TRIGGER_TYPE_INSERT) &&
		t->tgnargs == 0 && t->tgnattr == 0 && t->tgqual == NULL;
	if (!ours)
		return false;
	switch (t->tgenabled)
	{
		case TRIGGER_FIRES_ALWAYS:
			*fires = true;
			break;
		case TRIGGER_FIRES_ON_ORIGIN:
			*fires = SessionReplicationRole != SESSION_REPLICATION_ROLE_REPLICA;
			break;
		case TRIGGER_FIRES_ON_REPLICA:
			*fires = SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA;
			break;
		default:				/* TRIGGER_DISABLED */
			break;
	}
	return true;
}

/* Step 1: the sender's slot if (gid, sender) is a current member. */
static bool
sender_slot(int64 gid, int64 sender, int32 *slot)
{
	static const RegProcedure eq[2] = {F_INT8EQ, F_INT8EQ};	/* (gid, uid) */
	DirectProbe p;
	bool		found;

	direct_probe_begin(&p, "members", "members_pkey", eq, 2);
	p.keys[0].sk_argument = Int64GetDatum(gid);
	p.keys[1].sk_argument = Int64GetDatum(sender);
	found = direct_probe_run(&p);
	if (found)
	{
		Oid			relid = RelationGetRelid(p.ds.rel);

		found = DatumGetBool(direct_value(p.ds.slot, direct_attnum(relid, "active", BOOLOID),
										  gid, "active"));
		*slot = DatumGetInt32(direct_value(p.ds.slot, direct_attnum(relid, "slot", INT4OID),
										   gid, "slot"));
	}
	direct_end(&p.ds);
	return found;
}

/* the group row's columns this post reads */
typedef struct GroupCols
{
	AttrNumber	last_msgid,
				snap_id,
				snap_size;
} GroupCols;

/* snap_id of the group row in slot; false when it is NULL (no current snapshot) */
static bool
group_snap_id(TupleTableSlot *slot, const GroupCols *c, int32 *snap_id)
{
	bool		isnull;
	Datum		d = slot_getattr(slot, c->snap_id, &isnull);

	if (!isnull)
		*snap_id = DatumGetInt32(d);
	return !isnull;
}

/*
 * post(gid, msgid, sender, sent_at) on 0.3 storage: the recipients'
 * count plus one (the snapshot's size), or -1 when the caller must run the
 * SPI post (nothing was written).
 */
int32
receipts_direct_post(int64 gid, int64 msgid, int64 sender, Datum sent_at)
{
	static const char *const names[7] = {"gid", "msgid", "sender", "sender_slot",
	"snap_id", "sent_at", "read"};
	static const Oid types[7] = {INT8OID, INT8OID, INT8OID, INT4OID, INT4OID, TIMESTAMPTZOID,
	InvalidOid};
	DirectInsert di;
	DirectScan	ds;
	Relation	grel;
	TupleTableSlot *gslot,
			   *newslot;
	ScanKeyData key;
	GroupCols	gc;
	ItemPointerData tid;
	TM_FailureData tmfd;
	TM_Result	res;
	LockTupleMode lockmode;
	bool		update_indexes,
				fires,
				ok;
	int32		slot = 0,
				snap_id = 0,
				snap_id_now = 0,
				snap_size = -1;
	bool		isnull;

	/* the message table, for the insert: its lock mode from the start, as the executor */
	direct_insert_begin(&di, "messages", "messages_pkey", names, types, 7);
	if (!messages_as_installed(di.rel, &fires))
	{
		direct_insert_end(&di);
		return -1;
	}

	direct_push_fresh_snapshot();
	if (!sender_slot(gid, sender, &slot))
	{
		direct_insert_end(&di);
		PopActiveSnapshot();
		return -1;
	}

	/* the group row, locked in its newest version */
	direct_int8_key(&key, 1, gid);
	direct_begin_for(&ds, "groups", "groups_pkey", &key, 1, RowExclusiveLock, ACL_UPDATE);
	grel = ds.rel;
	gslot = ds.slot;
	if (!direct_plain_table(grel))
	{
		/* an operator's trigger or constraint: the executor's update */
		direct_end(&ds);
		direct_insert_end(&di);
		PopActiveSnapshot();
		return -1;
	}
	gc.last_msgid = direct_attnum(RelationGetRelid(grel), "last_msgid", INT8OID);
	gc.snap_id = direct_attnum(RelationGetRelid(grel), "snap_id", INT4OID);
	gc.snap_size = direct_attnum(RelationGetRelid(grel), "snap_size", INT4OID);
	ok = direct_next(&ds) && group_snap_id(gslot, &gc, &snap_id);
	if (ok)
	{
		tid = gslot->tts_tid;
		res = direct_lock_newest(grel, &tid, LockTupleNoKeyExclusive, gslot);
		ok = res == TM_Ok &&
			group_snap_id(gslot, &gc, &snap_id_now) && snap_id_now == snap_id &&
			DatumGetInt64(direct_value(gslot, gc.last_msgid, gid, "last_msgid")) < msgid;
	}

	if (ok)
	{
		Datum		d = slot_getattr(gslot, gc.snap_size, &isnull);
		Datum		values[7];
		GrSet		empty;

		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("group " INT64_FORMAT " has a current snapshot of no size", gid)));
		snap_size = DatumGetInt32(d);

		/* the newest version with the new msgid */
		newslot = table_slot_create(grel, NULL);
		slot_getallattrs(gslot);
		ExecClearTuple(newslot);
		memcpy(newslot->tts_values, gslot->tts_values, grel->rd_att->natts * sizeof(Datum));
		memcpy(newslot->tts_isnull, gslot->tts_isnull, grel->rd_att->natts * sizeof(bool));
		newslot->tts_values[gc.last_msgid - 1] = Int64GetDatum(msgid);
		ExecStoreVirtualTuple(newslot);
		res = table_tuple_update(grel, &tid, newslot, GetCurrentCommandId(true),
								 GetActiveSnapshot(), InvalidSnapshot, true, &tmfd,
								 &lockmode, &update_indexes);
		if (res != TM_Ok)
			elog(ERROR, "could not update the locked row of group " INT64_FORMAT ": result %d",
				 gid, (int) res);
		if (update_indexes)
		{
			DirectIndexes xi;

			direct_indexes_open(&xi, grel, newslot);
			direct_indexes_insert(&xi, grel, newslot);
			direct_indexes_close(&xi);
		}
		ExecDropSingleTupleTableSlot(newslot);

		/* the message row */
		grset_init(&empty);
		values[0] = Int64GetDatum(gid);
		values[1] = Int64GetDatum(msgid);
		values[2] = Int64GetDatum(sender);
		values[3] = Int32GetDatum(slot);
		values[4] = Int32GetDatum(snap_id);
		values[5] = sent_at;
		values[6] = PointerGetDatum(bitmap_from_set(&empty));
		direct_insert_row(&di, values);
		if (fires)
			receipts_archive_sample(gid, msgid, di.rel->rd_rel->relowner);
	}
	direct_end(&ds);
	direct_insert_end(&di);
	PopActiveSnapshot();
	CommandCounterIncrement();
	return ok ? snap_size : -1;
}
