/*
 * receipts_write.c
 *	  The write path: post, ack (batch, by watermark) and ack_msgs
 *	  (explicit, into the insert-only read log).
 *
 * (post_many, the bulk form of post: receipts_post_many.c.)
 *
 * Writes per call: post inserts one message row and updates the group row
 * (plus one snapshot row after a membership change); ack inserts one row
 * into the batch-ack log, whatever the range; ack_msgs inserts one log row
 * per newly read message.  Neither ack updates a row: the logs are folded
 * into the roster, the watermark vector and the message bitmaps now and
 * then, in bulk (fold).  Both acks lock the reader's own roster row first
 * (one ack of a member at a time; no update of it), hold the group's lock
 * in share mode (receipts_lock.c) and, when
 * groupreceipt.notify_channel is set, queue one NOTIFY per sender.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "receipts.h"
#include "receipts_archive.h"
#include "receipts_store_rows.h"

/*
 * One batch ack in FOLD_ACKS_EVERY -- for large groups one in nslots /
 * FOLD_ACKS_SLOTS_PER_ACK, since a fold rewrites the group's watermark
 * vector, O(nslots), while every count reads the pending acks -- folds the
 * group's logs.  Until 0.7.1 a fold rebuilt the vector from the whole roster
 * (a scan of every member row) and large groups folded one ack in nslots /
 * 64: 1,562 at 100,000 members, whose counts read that many pending rows
 * (run.sh's large group had 3,924 pending: 5x the time of a folded group's
 * count).  On 0.6 storage fold updates the W row from what moved, about a
 * third of the time, and folds four times as often.  The
 * ack is picked by a hash of (gid, slot, watermark), not by a per-backend
 * counter: a group's log stays short however its acks are spread over
 * connections (pgbench's 150 acks per connection never reached a
 * per-backend 256 and the log grew by every ack), and a given history folds
 * at the same points every time.
 */
#define FOLD_ACKS_EVERY 256
#define FOLD_ACKS_SLOTS_PER_ACK 256
#define FOLD_ACKS_SLOTS_PER_ACK_PRE06 64

/*
 * One explicit read in FOLD_READS_EVERY folds the group's logs, picked the
 * same way by a hash of (gid, reader, msgid) (until 0.4 a per-backend
 * counter of 1,024 reads, whichever group the 1,024th was in: a backend
 * alternating between two groups folded only one of them).
 */
#define FOLD_READS_EVERY 1024

static bool
hash_picks(int64 gid, int64 a, int64 b, uint64 every)
{
	uint64		key = (uint64) gid * UINT64CONST(0x9E3779B97F4A7C15) ^
		(uint64) b * UINT64CONST(0xC2B2AE3D27D4EB4F) ^ (uint64) a;

	return murmurhash32((uint32) (key ^ (key >> 32))) % every == 0;
}

static bool
ack_folds(int64 gid, int32 slot, int64 upto, int32 nslots)
{
	int32		every = FOLD_ACKS_EVERY;

	/* the storage version matters only where nslots / 64 is above 256 */
	if (nslots / FOLD_ACKS_SLOTS_PER_ACK_PRE06 > every)
		every = Max(every, nslots / (receipts_storage_v06() ? FOLD_ACKS_SLOTS_PER_ACK
									 : FOLD_ACKS_SLOTS_PER_ACK_PRE06));
	return hash_picks(gid, (int64) (uint32) slot, upto, (uint64) every);
}

/* Does one of the reads that became read pick a fold? */
static bool
reads_fold(int64 gid, int64 uid, const SenderMsg *pairs, int npairs)
{
	int			i;

	for (i = 0; i < npairs; i++)
		if (hash_picks(gid, uid, pairs[i].msgid, FOLD_READS_EVERY))
			return true;
	return false;
}

/*
 * Fold the group's logs from an ack: in C on 0.3 storage and later
 * (receipts_fold.c; skipped when another fold of the group runs), through
 * the SQL fold of its version on older storage.
 */
static void
fold_now(int64 gid, bool v03)
{
	Datum		args[1];

	if (v03)
	{
		if (receipts_fold_lock(gid))
			(void) receipts_fold(gid);
		return;
	}
	SPI_connect();
	args[0] = Int64GetDatum(gid);
	receipts_exec(STMT_FOLD, args, false, 0);
	SPI_finish();
}

/* ------------------------------------------------------------------ post */

/*
 * Diagnose why the one-statement post did not insert, with the group row
 * locked: raise the error if the input is bad, else return whether a new
 * snapshot is needed.  false means the group changed under the statement
 * (a concurrent membership change and the next post's new snapshot) and
 * the post just has to run again, now that the row is locked.
 */
static bool
post_diagnose(int64 gid, int64 msgid, int64 sender, int32 *next_snap_id)
{
	Datum		args[1] = {Int64GetDatum(gid)};
	int64		last_msgid;
	bool		has_snapshot;

	/* lock the group row first: membership changes are blocked from here */
	receipts_exec(STMT_GROUP_LOCK, args, false, 1);
	if (SPI_processed == 0)		/* no group: nobody was ever a member */
		receipts_never_member(gid, sender);
	last_msgid = spi_int8(0, 1);
	has_snapshot = !spi_isnull(0, 2);
	*next_snap_id = spi_int4(0, 3);

	if (!receipts_member_is_active(gid, sender))
		receipts_not_current_sender(gid, sender);
	if (msgid <= last_msgid)
		receipts_msgid_not_increasing(gid, msgid, last_msgid);
	return !has_snapshot;
}

/*
 * Create the snapshot of the current membership and make it the group's
 * (group row locked); returns its size.
 */
int32
receipts_new_snapshot(int64 gid, int32 snap_id)
{
	Datum		args[3];
	int32		size;

	args[0] = Int64GetDatum(gid);
	args[1] = Int32GetDatum(snap_id);
	receipts_exec(receipts_storage_v06() ? STMT_NEW_SNAPSHOT_ROW : STMT_NEW_SNAPSHOT, args, false, 1);
	size = spi_int4(0, 1);
	args[2] = Int32GetDatum(size);
	receipts_exec(STMT_SET_SNAPSHOT, args, false, 0);
	return size;
}

void
receipts_nonpositive_msgid(int64 gid, int64 msgid)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("msgid " INT64_FORMAT " for group " INT64_FORMAT " is not positive", msgid, gid),
			 errdetail("Message ids must be greater than zero.")));
}

void
receipts_not_current_sender(int64 gid, int64 sender)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("sender " INT64_FORMAT " is not a current member of group " INT64_FORMAT,
					sender, gid),
			 errdetail("Only current members can post.")));
}

void
receipts_msgid_not_increasing(int64 gid, int64 msgid, int64 newest)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("msgid " INT64_FORMAT " is not greater than the newest msgid " INT64_FORMAT
					" of group " INT64_FORMAT, msgid, newest, gid),
			 errdetail("Messages of a group must be posted in increasing msgid order.")));
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

	receipts_require_read_committed("post");
	PreventCommandIfReadOnly("groupreceipt.post()");
	if (msgid <= 0)
		receipts_nonpositive_msgid(gid, msgid);

	/* 0.3: through the primary keys, unless membership changed since the last post */
	if (receipts_storage_v03())
	{
		snap_size = receipts_direct_post(gid, msgid, sender, PG_GETARG_DATUM(3));
		if (snap_size >= 0)
			PG_RETURN_INT32(snap_size - 1);
	}

	args[0] = Int64GetDatum(gid);
	args[1] = Int64GetDatum(msgid);
	args[2] = Int64GetDatum(sender);
	args[3] = PG_GETARG_DATUM(3);

	SPI_connect();
	receipts_exec(STMT_POST, args, false, 0);
	if (SPI_processed == 0)
	{
		/* membership changed since the last post, or bad input */
		int32		next_snap_id;

		if (post_diagnose(gid, msgid, sender, &next_snap_id))
			(void) receipts_new_snapshot(gid, next_snap_id);
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
	int32		slot;
	int32		nslots;
	bool		logged = false;
	int64		old_upto,
				last_msgid;
	Datum		args[5];
	SenderMsg  *pairs;
	int			npairs;

	receipts_require_read_committed("ack");
	PreventCommandIfReadOnly("groupreceipt.ack()");
	InitMaterializedSRF(fcinfo, 0);
	receipts_lock(gid, RECEIPTS_LOCK_CLASS, ShareLock, true);

	if (receipts_storage_v03())
	{
		/* lock, watermark, log row and report through the primary keys */
		npairs = receipts_direct_ack(gid, uid, &upto, &logged, &slot, &nslots, &pairs);
		receipts_emit_per_sender(fcinfo, gid, uid, pairs, npairs);

		/* now and then fold the group's logs (watermarks, then bits) in bulk */
		if (logged && ack_folds(gid, slot, upto, nslots))
			fold_now(gid, true);
		return (Datum) 0;
	}

	/* pre-0.3 storage: lock the reader's row, whose watermark is updated */
	SPI_connect();
	args[0] = Int64GetDatum(gid);
	args[1] = Int64GetDatum(uid);
	receipts_exec(STMT_ACK_LOCK_PRE03, args, false, 1);
	if (SPI_processed == 0)
		receipts_never_member(gid, uid);
	slot = spi_int4(0, 1);
	last_msgid = spi_int8(0, 2);
	old_upto = spi_int8(0, 4);
	if (upto > last_msgid)
		upto = last_msgid;		/* an ack never pre-reads a later message */
	if (upto <= old_upto)
	{
		SPI_finish();
		return (Datum) 0;
	}
	args[2] = Int64GetDatum(upto);
	args[3] = Int64GetDatum(old_upto);
	args[4] = Int32GetDatum(slot);
	receipts_exec(STMT_ACK_RANGE_PRE03, args, false, 0);
	pairs = spi_sender_msgs(1, 2, &npairs);
	receipts_emit_per_sender(fcinfo, gid, uid, pairs, npairs);
	SPI_finish();
	return (Datum) 0;
}

/* -------------------------------------------------------------- ack_msgs */

/*
 * Pre-0.3 storage: run STMT_ACK_MSGS_LIVE_PRE03 for the n sorted ids and return the (sender,
 * msgid) pairs that became read.  When not every id is a live message,
 * nothing was inserted: return -1, or with missing_is_error raise the
 * error for the first id not found.
 */
static int
ack_msgs_live(int64 gid, int64 uid, const int64 *ids, int n, bool missing_is_error,
			  SenderMsg **pairs)
{
	Datum		args[3];
	Datum	   *found_d,
			   *senders,
			   *became;
	int64	   *found;
	int			nfound,
				nsenders,
				nbecame,
				i;

	args[0] = Int64GetDatum(gid);
	args[1] = Int64GetDatum(uid);
	args[2] = receipts_int8_array(ids, n);
	receipts_exec(STMT_ACK_MSGS_LIVE_PRE03, args, false, 0);
	if (spi_isnull(0, 1))
		receipts_never_member(gid, uid);

	/* the msgids found, ascending: a subset of ids */
	found_d = spi_array(2, INT8OID, &nfound);
	found = palloc(Max(nfound, 1) * sizeof(int64));
	for (i = 0; i < nfound; i++)
		found[i] = DatumGetInt64(found_d[i]);
	if (nfound < n)
	{
		if (!missing_is_error)
			return -1;
		for (i = 0; i < n; i++)
			if (i >= nfound || found[i] != ids[i])
				receipts_missing_message(gid, ids[i]);
	}

	senders = spi_array(3, INT8OID, &nsenders);
	became = spi_array(4, INT8OID, &nbecame);
	if (nsenders != nfound)
		elog(ERROR, "%d msgids but %d senders", nfound, nsenders);
	*pairs = palloc(Max(nbecame, 1) * sizeof(SenderMsg));
	for (i = 0; i < nbecame; i++)
	{
		int64		msgid = DatumGetInt64(became[i]);
		int			k = receipts_find_id(found, nfound, msgid);

		if (k < 0)
			elog(ERROR, "message " INT64_FORMAT " of group " INT64_FORMAT " read but not found", msgid, gid);
		(*pairs)[i].sender = DatumGetInt64(senders[k]);
		(*pairs)[i].msgid = msgid;
	}
	return nbecame;
}

/* Drop the archived ones from the n sorted ids (in place); returns how many are left. */
static int
drop_archived(int64 gid, int64 *ids, int n)
{
	Datum		args[2];
	int64	   *archived;
	int			narchived,
				kept = 0,
				i;

	/*
	 * A fresh snapshot, as for the ack's other statements: it sees an
	 * archive that committed while the ack waited for the group lock.
	 */
	if (receipts_storage_v07())
	{
		GrbMessage *arc;

		narchived = receipts_archived_find(gid, ids, n, true, &arc);
		archived = palloc(Max(narchived, 1) * sizeof(int64));
		for (i = 0; i < narchived; i++)
			archived[i] = arc[i].msgid; /* ascending */
	}
	else
	{
		args[0] = Int64GetDatum(gid);
		args[1] = receipts_int8_array(ids, n);
		receipts_exec(STMT_ARCHIVED_COUNTS, args, false, 0);
		narchived = (int) SPI_processed;
		archived = palloc(Max(narchived, 1) * sizeof(int64));
		for (i = 0; i < narchived; i++)
			archived[i] = spi_int8(i, 1);	/* ascending */
	}
	for (i = 0; i < n; i++)
		if (receipts_find_id(archived, narchived, ids[i]) < 0)
			ids[kept++] = ids[i];
	return kept;
}

PG_FUNCTION_INFO_V1(groupreceipt_ack_msgs);
Datum
groupreceipt_ack_msgs(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	int64		uid = PG_GETARG_INT64(1);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(2);
	int64	   *ids;
	int			n;
	SenderMsg  *pairs;
	int			npairs;
	bool		v03,
				spi,
				folds;

	receipts_require_read_committed("ack_msgs");
	PreventCommandIfReadOnly("groupreceipt.ack_msgs()");
	InitMaterializedSRF(fcinfo, 0);
	ids = receipts_id_array(arr, "msgids", gid, &n);
	n = receipts_sort_unique(ids, n);

	receipts_lock(gid, RECEIPTS_LOCK_CLASS, ShareLock, true);
	v03 = receipts_storage_v03();
	/* 0.3: the reader's row locked, then its reads, through the primary keys */
	npairs = v03 ? receipts_direct_ack_msgs(gid, uid, ids, n, false, &pairs) : -1;
	spi = npairs < 0;
	if (spi)
	{
		SPI_connect();
		if (!v03)
			npairs = ack_msgs_live(gid, uid, ids, n, false, &pairs);
		if (npairs < 0)
		{
			/*
			 * Some message is not live and nothing was inserted: archived
			 * ones are skipped, and of the rest, one not found was never
			 * posted.  (0.3 storage: the reader's row is locked already.)
			 */
			n = drop_archived(gid, ids, n);
			if (v03)
				npairs = receipts_direct_ack_msgs(gid, uid, ids, n, true, &pairs);
			else
				npairs = ack_msgs_live(gid, uid, ids, n, true, &pairs);
		}
	}
	/* before SPI_finish: the pairs may live in SPI's memory */
	receipts_emit_per_sender(fcinfo, gid, uid, pairs, npairs);
	folds = reads_fold(gid, uid, pairs, npairs);
	if (spi)
		SPI_finish();

	/* now and then fold the group's log into the message bitmaps (in bulk) */
	if (folds)
		fold_now(gid, v03);
	return (Datum) 0;
}
