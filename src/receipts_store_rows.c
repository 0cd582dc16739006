/*
 * receipts_store_rows.c
 *	  0.6 storage: a group's watermark vector and its member snapshots as
 *	  rows of groupreceipt.store, which since 0.5 holds the sealed message
 *	  blocks (receipts_blocks.c):
 *
 *	    kind 'W', key 0, sub 0        the watermark vector: per roster slot
 *	                                  its folded read watermark and its
 *	                                  member (grvector_codec.c); written by
 *	                                  fold, read by the counts and lists
 *	    kind 'S', key snap_id, sub 0  a member snapshot: the slots of the
 *	                                  members (grbitmap_codec.c), shared by
 *	                                  the messages posted while membership
 *	                                  did not change; written by the first
 *	                                  post after a change
 *
 * Both were tables of their own before 0.6 (watermarks, snapshots), each
 * with its own heap, primary key and TOAST relation: most of a small
 * group's bytes, whatever its rows held (docs/engine-v2.md).
 *
 * Stored bytes are data, not trusted: a payload that does not decode is
 * XX001 naming the row.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "bitmap.h"
#include "grvector.h"
#include "receipts.h"
#include "receipts_blocks.h"
#include "receipts_direct.h"
#include "receipts_store_rows.h"

#define KIND_VECTOR		'W'

/* A scan of the one row (gid, kind, key, 0) of store. */
static void
store_row_begin(DirectScan *ds, ScanKeyData *keys, int64 gid, char kind, int64 key)
{
	direct_int8_key(&keys[0], 1, gid);
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_CHAREQ, CharGetDatum(kind));
	ScanKeyInit(&keys[2], 3, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(key));
	ScanKeyInit(&keys[3], 4, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(0));
	direct_begin(ds, STORE_TABLE, STORE_PKEY, keys, 4);
}

/* The current row's payload, detoasted (a copy when it was stored out of line). */
static bytea *
store_row_payload(DirectScan *ds, int64 gid)
{
	return DatumGetByteaPP(direct_value(ds->slot,
										direct_attnum(RelationGetRelid(ds->rel), "payload", BYTEAOID),
										gid, "payload"));
}

static void
damaged_vector(int64 gid, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("the watermark vector of group " INT64_FORMAT " is damaged", gid),
			 errdetail("%s", detail)));
}

/*
 * Decode a W payload into nslots watermarks (0 beyond the slots it holds)
 * and, with uid, members; *n: the slots it holds.  With len, a payload of
 * more than nslots slots is decoded into that many (*alen: the arrays'
 * length) instead of being an error.
 */
static int64 *
vector_decode(const bytea *p, int64 gid, int32 nslots, int64 **uid, int *n, int32 *alen)
{
	const uint8 *src = (const uint8 *) VARDATA_ANY(p);
	size_t		len = VARSIZE_ANY_EXHDR(p);
	uint32		stored;
	int64	   *wm;
	GrvStatus	st = grvector_count(src, len, &stored);

	if (st != GRV_OK)
		damaged_vector(gid, grvector_status_message(st));
	if (alen && stored > (uint32) Max(nslots, 0))
		nslots = (int32) stored;	/* at most GRV_MAX_SLOTS, which fits */
	if (stored > (uint32) Max(nslots, 0))
		damaged_vector(gid, psprintf("It has %u slots, its roster %d.", stored, nslots));
	if (alen)
		*alen = Max(nslots, 0);
	wm = palloc0(Max(nslots, 1) * sizeof(int64));
	if (uid)
		*uid = palloc0(Max(nslots, 1) * sizeof(int64));
	st = grvector_decode(src, len, stored, wm, uid ? *uid : NULL);
	if (st != GRV_OK)
		damaged_vector(gid, grvector_status_message(st));
	*n = (int) stored;
	return wm;
}

int64 *
store_vectors(int64 gid, int32 nslots, int64 **uid, int *n)
{
	DirectScan	ds;
	ScanKeyData keys[4];
	int64	   *wm = NULL;

	*n = 0;
	store_row_begin(&ds, keys, gid, KIND_VECTOR, 0);
	if (direct_next(&ds))
		wm = vector_decode(store_row_payload(&ds, gid), gid, nslots, uid, n, NULL);
	direct_end(&ds);
	return wm;
}

bool
store_vector_version(int64 gid, int32 nslots, ItemPointer have_tid, TransactionId have_xmin,
					 ItemPointer tid, TransactionId *xmin, MemoryContext cxt, int64 **wm,
					 int32 *len)
{
	DirectScan	ds;
	ScanKeyData keys[4];
	bool		found;

	*wm = NULL;
	store_row_begin(&ds, keys, gid, KIND_VECTOR, 0);
	found = direct_next(&ds);
	/* the payload is read (and detoasted) only for a new version */
	if (found && direct_row_version_changed(&ds, have_tid, have_xmin, tid, xmin))
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		int			n;

		*wm = vector_decode(store_row_payload(&ds, gid), gid, nslots, NULL, &n, len);
		MemoryContextSwitchTo(old);
	}
	direct_end(&ds);
	return found;
}

bytea *
store_vector_payload(const int64 *wm, const int64 *uid, int32 n)
{
	size_t		len = grvector_encoded_size(wm, uid, (uint32) n);
	bytea	   *p;

	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a watermark vector of %d slots is too large", n)));
	p = palloc(VARHDRSZ + len);
	SET_VARSIZE(p, VARHDRSZ + len);
	grvector_encode(wm, uid, (uint32) n, (uint8 *) VARDATA(p), len);
	return p;
}

Bitmap *
store_snapshot_members(const bytea *p, int64 gid, int64 snap_id)
{
	size_t		len = VARSIZE_ANY_EXHDR(p);
	GrSet		set;
	GrStatus	st = grcodec_decode((const uint8 *) VARDATA_ANY(p), len, &set);
	Bitmap	   *b;

	if (st != GR_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("snapshot " INT64_FORMAT " of group " INT64_FORMAT " is damaged", snap_id, gid),
				 errdetail("%s", grcodec_status_message(st))));
	/* never keep stored bytes as they are: the one canonical encoding */
	b = bitmap_from_set(&set);
	grset_free(&set);
	return b;
}

/*
 * groupreceipt._snapshot_members(gid, snap_id, payload) -> bitmap: an S
 * row's members, validated, for the SQL functions that join snapshots.
 */
PG_FUNCTION_INFO_V1(groupreceipt_snapshot_members);
Datum
groupreceipt_snapshot_members(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(store_snapshot_members(PG_GETARG_BYTEA_PP(2), PG_GETARG_INT64(0), PG_GETARG_INT64(1)));
}

/*
 * groupreceipt._vector(gid) -> setof (slot, watermark, uid): the group's W
 * row decoded whole (every slot it holds), for inspection; no rows when the
 * group has none.
 */
PG_FUNCTION_INFO_V1(groupreceipt_vector);
Datum
groupreceipt_vector(PG_FUNCTION_ARGS)
{
	int64		gid = PG_GETARG_INT64(0);
	ReturnSetInfo *rsinfo;
	DirectScan	ds;
	ScanKeyData keys[4];

	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	store_row_begin(&ds, keys, gid, KIND_VECTOR, 0);
	if (direct_next(&ds))
	{
		bytea	   *p = store_row_payload(&ds, gid);
		uint32		n,
					i;
		int			got;
		int64	   *wm,
				   *uid;
		GrvStatus	st = grvector_count((const uint8 *) VARDATA_ANY(p), VARSIZE_ANY_EXHDR(p), &n);

		if (st != GRV_OK)
			damaged_vector(gid, grvector_status_message(st));
		wm = vector_decode(p, gid, (int32) n, &uid, &got, NULL);
		for (i = 0; i < (uint32) got; i++)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			if ((i & 1023) == 0)
				CHECK_FOR_INTERRUPTS();
			values[0] = Int32GetDatum((int32) i);
			values[1] = Int64GetDatum(wm[i]);
			values[2] = Int64GetDatum(uid[i]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	direct_end(&ds);
	return (Datum) 0;
}
