/*
 * receipts_store_rows.h
 *	  0.6 storage (receipts_store_rows.c): a group's watermark vector
 *	  (kind 'W') and its member snapshots (kind 'S') as rows of
 *	  groupreceipt.store, in the codecs of grvector_codec.c and
 *	  grbitmap_codec.c.
 *
 * Include after postgres.h and receipts.h.
 */
#ifndef GROUPRECEIPT_RECEIPTS_STORE_ROWS_H
#define GROUPRECEIPT_RECEIPTS_STORE_ROWS_H

#include "storage/itemptr.h"
#include "utils/palloc.h"

#include "bitmap.h"

/* Does the database hold 0.6 storage (W and S rows; no snapshots table)? */
extern bool receipts_storage_v06(void);

/*
 * The group's watermark vector as nslots elements (0 beyond its length),
 * NULL if it has no W row; with uid, *uid gets the member of every slot it
 * covers (0 beyond).  *n: the slots it holds.
 */
extern int64 *store_vectors(int64 gid, int32 nslots, int64 **uid, int *n);

/*
 * receipts_direct_vector_version on the W row (see there).  With len, a
 * row of more than nslots slots is read into that many (*len: the length
 * of *wm) instead of being a damaged row: for a caller that knows a slot,
 * not the roster's size.
 */
extern bool store_vector_version(int64 gid, int32 nslots, ItemPointer have_tid, TransactionId have_xmin,
								 ItemPointer tid, TransactionId *xmin, MemoryContext cxt, int64 **wm,
								 int32 *len);

/* The W row's payload for n slots' watermarks and members. */
extern bytea *store_vector_payload(const int64 *wm, const int64 *uid, int32 n);

/*
 * Snapshot snap_id's members from its S row's payload p: validated (a
 * damaged payload is XX001 naming the snapshot), a copy.
 */
extern Bitmap *store_snapshot_members(const bytea *p, int64 gid, int64 snap_id);

#endif							/* GROUPRECEIPT_RECEIPTS_STORE_ROWS_H */
