/*
 * receipts.h
 *	  Shared pieces of the receipts engine: the SPI statement cache, the
 *	  row shapes read from the extension's tables, argument checks and the
 *	  errors every entry point raises the same way.
 *
 * Include after postgres.h (as every .c file of the extension does first).
 *
 * Tables are reached by schema-qualified name -- through SPI statements,
 * or directly through their primary keys (receipts_direct.c,
 * receipts_direct_ack.c), whose OIDs a backend keeps until an invalidation
 * (receipts_relcache.c) -- so the same code runs on a single node and on
 * every PL/Proxy partition.  Every access filters on gid first.
 */
#ifndef GROUPRECEIPT_RECEIPTS_H
#define GROUPRECEIPT_RECEIPTS_H

#include "executor/spi.h"
#include "fmgr.h"
#include "storage/itemptr.h"
#include "storage/lockdefs.h"
#include "utils/array.h"

#include "bitmap.h"

/*
 * Limits of the arguments, defined here only: the SQL functions read them
 * through groupreceipt._max_ids() and groupreceipt._max_page_size().
 */
#define RECEIPTS_MAX_BATCH 100000	/* elements of a uids or msgids array */
#define RECEIPTS_MAX_PAGE_SIZE 10000	/* page_size of undelivered */
#define RECEIPTS_MAX_POST_MANY 10000000 /* messages of one post_many call */

/* Statements, prepared once per backend. */
typedef enum ReceiptsStmt
{
	STMT_MEMBER,				/* is (gid, uid) a current member */
	STMT_POST,					/* fast path of post: one statement */
	STMT_GROUP_LOCK,			/* lock the group row, read snapshot state */
	STMT_NEW_SNAPSHOT,			/* build a snapshot of current members */
	STMT_NEW_SNAPSHOT_ROW,		/* 0.6: the same, as an S row of store */
	STMT_SET_SNAPSHOT,			/* make it the group's current snapshot */
	STMT_FOLD,					/* pre-0.3 storage: SQL fold (plpgsql) */
	STMT_FOLD_READS,			/* fold: merge pending reads into message bitmaps */
	STMT_FOLD_TRY_LOCK_GROUP,	/* fold: the group row, unless another holds it */
	STMT_FOLD_SWEPT,			/* fold: the compaction sweep's position */
	STMT_FOLD_ACKS,				/* fold: pending batch acks into the roster */
	STMT_FOLD_VECTOR,			/* fold, 0.3 storage: the watermark vector from the roster */
	STMT_FOLD_VECTORS,			/* fold, 0.4 storage: the packed row (watermarks, members) */
	STMT_FOLD_VECTOR_ROW,		/* fold, 0.6: the same, the W row of store */
	STMT_COMPACT,				/* fold: drop the bits of fully read messages */
	STMT_FOLD_SEALED_READS,		/* fold, 0.5: pending reads of sealed messages */
	STMT_FOLD_READS_V08,		/* the three with the logs as rows of store */
	STMT_FOLD_ACKS_V08,
	STMT_FOLD_ACKS_V10,
	STMT_FOLD_SEALED_READS_V08,
	STMT_FULLY_READ,			/* fold, 0.5: which messages are fully read */
	STMT_BLOCK_INSERT,			/* 0.5: a sealed block row */
	STMT_BLOCK_UPDATE,			/* 0.5: a block re-encoded in place */
	STMT_BLOCK_DELETE,			/* 0.5: a block row */
	STMT_SEAL_TAIL_DELETE,		/* 0.5: the tail rows a seal packed */
	STMT_ACK_MSGS_LIVE_PRE03,	/* 0.1/0.2 storage: explicit reads of live messages: insert, report */
	STMT_ACK_LOCK_PRE03,		/* 0.1/0.2 storage: lock the reader's row, its watermark */
	STMT_ACK_RANGE_PRE03,		/* 0.1/0.2 storage: update the roster row, report */
	STMT_ARCHIVE_SAMPLED,		/* the archiving trigger's sampled work */
	STMT_ARCHIVED_COUNTS,		/* frozen counts of archived messages */
	STMT_ARCHIVED_ONE,			/* one archived message with its snapshot */
	STMT_ARCHIVED_ONE_ROW,		/* 0.6: the same, its snapshot an S row */
	STMT_POST_MANY_LOCK,		/* lock the group row, read its snapshot */
	STMT_SENDER_SLOTS,			/* roster rows of uid = ANY */
	STMT_POST_MANY,				/* insert messages, raise the newest msgid */
	STMT_POST_MANY_NOW,			/* the same, sent at now() */
	STMT_COUNT_
} ReceiptsStmt;

/* A message row. */
typedef struct MsgRow
{
	int64		msgid;
	int64		sender;			/* a sealed message's: only where asked for */
	int32		sender_slot;
	int32		snap_id;
	int64		sent_at;		/* TimestampTz; a sealed message's only */
	Bitmap	   *read;			/* folded explicit reads */
	bool		all_read;		/* compacted: every recipient has read it */
} MsgRow;

/* Snapshots decoded once per call. */
typedef struct SnapCache
{
	int			n;
	int			cap;
	int32	   *ids;
	Bitmap	  **maps;
} SnapCache;

/*
 * The per-group lock (receipts_lock.c): exact gid key, in a lock class no
 * SQL-level advisory lock function produces.  Acks hold it in share mode;
 * archive, forget and drop_group exclusively, so a message is never
 * archived or removed between an ack's reading it and its commit.  The fold
 * class keeps one folder per group.  Order: group lock, then the group row.
 */
#define RECEIPTS_LOCK_CLASS			0x4752	/* "GR" */
#define RECEIPTS_LOCK_FOLD_CLASS	0x4746	/* "GF" */

extern bool receipts_lock(int64 gid, uint16 cls, LOCKMODE mode, bool wait);
extern bool receipts_fold_lock(int64 gid);

/* fold in C (receipts_fold.c): the caller holds the fold lock */
extern int64 receipts_fold(int64 gid);
extern void receipts_require_read_committed(const char *what);

/* settings (receipts_settings.c) */
extern int	receipts_retention_s;
extern int	receipts_tail_messages;
extern int	receipts_archive_batch;
extern char *receipts_notify_channel;

/* the archiving trigger (receipts_trigger.c) */
extern void receipts_trigger_init(void);
extern void receipts_archive_sample(int64 gid, int64 msgid, Oid owner);

/* post on 0.3 storage through the primary keys (receipts_direct_post.c) */
extern int32 receipts_direct_post(int64 gid, int64 msgid, int64 sender, Datum sent_at);

/* push (receipts_notify.c) */
extern void receipts_notify(int64 gid, int64 reader, int64 sender, const int64 *msgids, int n);

/* the query path's reads through the tables' primary keys (receipts_direct.c) */
extern int	receipts_roster_load(int64 gid, int32 nslots, int64 *wm, int64 *uid, bool *active);
typedef struct DirectGroup
{
	int64		last_msgid;
	int32		nslots;			/* roster size (next_slot) */
	/* with sweep_state: */
	int64		compacted_upto;
	bool		has_snapshot;	/* a current snapshot (snap_id not NULL) */
	int32		snap_id;
} DirectGroup;
extern bool receipts_direct_group_row(int64 gid, DirectGroup *g, bool sweep_state);
extern bool receipts_direct_group(int64 gid, int64 *last_msgid, int32 *nslots);
extern int64 *receipts_direct_vector(int64 gid, int32 nslots);
extern int64 *receipts_direct_vectors(int64 gid, int32 nslots, int64 **uid, int32 *stored);
extern void receipts_roster_after(int64 gid, int32 from, int32 nslots, int64 *wm, int64 *uid);
extern bool receipts_storage_v04(void);
extern int	receipts_direct_pending_acks(int64 gid, int32 nslots, int64 *wm);
extern bool receipts_direct_vector_version(int64 gid, int32 nslots, ItemPointer have_tid,
										   TransactionId have_xmin, ItemPointer tid,
										   TransactionId *xmin, MemoryContext cxt, int64 **wm);
extern int	receipts_direct_pending_ack_list(int64 gid, int32 nslots, const int64 *wm,
											 int32 **slots, int64 **uptos);

/*
 * The group's watermark vector kept across calls (receipts_wmcache.c): the
 * vector of the row version last read, and per snapshot its members'
 * watermarks sorted, for counting by search instead of a pass over the
 * slots.
 */
typedef struct WmCached
{
	const int64 *wm;			/* nslots watermarks, read-only */
	int32		nslots;
	int			calls;			/* calls that found this version */
} WmCached;
extern bool receipts_wm_cache_get(int64 gid, int32 nslots, WmCached *out);
extern int64 receipts_wm_cache_slot(int64 gid, int32 slot);
typedef struct WmSorted WmSorted;
extern const WmSorted *receipts_wm_cache_sorted(int64 gid, int32 snap_id, const Bitmap *snap);
extern int64 receipts_wm_sorted_count(const WmSorted *ws);
extern int64 receipts_wm_sorted_below(const WmSorted *ws, int64 m);
extern int	receipts_direct_pending_reads(int64 gid, const int64 *ids, int nids, int64 **msgids, int32 **slots);
extern int	receipts_direct_messages(int64 gid, const int64 *ids, int nids, SnapCache *snaps, MsgRow **out);
extern void receipts_corrupted_slot(int64 gid, int64 slot) pg_attribute_noreturn();

/* the acks on 0.3 storage through the tables' primary keys (receipts_direct_ack.c) */
struct SenderMsg;
extern int	receipts_direct_ack(int64 gid, int64 uid, int64 *upto, bool *logged, int32 *slot,
								int32 *nslots, struct SenderMsg **pairs);
extern int	receipts_direct_ack_msgs(int64 gid, int64 uid, const int64 *ids, int n,
									 bool missing_is_error, struct SenderMsg **pairs);

/*
 * Does the database hold 0.3 storage (the batch-ack log and watermark
 * vectors)?  One library serves every installed version of the extension:
 * between installing it and ALTER EXTENSION groupreceipt UPDATE, a 0.1 or
 * 0.2 database keeps its watermarks in the roster rows only.
 */
extern bool receipts_storage_v03(void);

/* SPI */
extern int	receipts_exec(ReceiptsStmt stmt, Datum *values, bool read_only, long count);

/* row access */
extern int64 spi_int8(int row, int col);
extern int32 spi_int4(int row, int col);
extern bool spi_isnull(int row, int col);
extern bool spi_bool(int row, int col);
extern Bitmap *spi_bitmap(int row, int col);
extern Datum *spi_array(int col, Oid elemtype, int *n);

/* lookups that raise the product's errors */
extern bool receipts_member_is_active(int64 gid, int64 uid);
extern Bitmap *snapcache_get(SnapCache *c, int64 gid, int32 snap_id);
extern void snapcache_put(SnapCache *c, int32 snap_id, Bitmap *b);

/* arguments */
extern int64 *receipts_id_array(ArrayType *arr, const char *what, int64 gid, int *n);
extern int64 *receipts_id_array_max(ArrayType *arr, const char *what, int64 gid, int max, int *n);
extern void receipts_sort_ids(int64 *ids, int n);
extern int	receipts_sort_unique(int64 *ids, int n);
extern int	receipts_lower_bound(const int64 *sorted, int n, int64 key);
extern int	receipts_find_id(const int64 *sorted, int n, int64 key);
extern int	receipts_find_msg(const MsgRow *rows, int n, int64 msgid);
extern Datum receipts_int8_array(const int64 *ids, int n);
extern Datum receipts_int4_array(const int32 *vals, int n);
extern void receipts_missing_message(int64 gid, int64 msgid) pg_attribute_noreturn();
extern void receipts_never_member(int64 gid, int64 uid) pg_attribute_noreturn();

/* post's checks and snapshot (receipts_write.c), shared with post_many */
extern void receipts_nonpositive_msgid(int64 gid, int64 msgid) pg_attribute_noreturn();
extern void receipts_not_current_sender(int64 gid, int64 sender) pg_attribute_noreturn();
extern void receipts_msgid_not_increasing(int64 gid, int64 msgid, int64 newest) pg_attribute_noreturn();
extern int32 receipts_new_snapshot(int64 gid, int32 snap_id);

/* results: (sender, msgids[]) rows from (sender, msgid) pairs */
typedef struct SenderMsg
{
	int64		sender;
	int64		msgid;
} SenderMsg;
extern SenderMsg *spi_sender_msgs(int msgid_col, int sender_col, int *n);
extern void receipts_emit_per_sender(FunctionCallInfo fcinfo, int64 gid, int64 reader,
									 SenderMsg *pairs, int n);

#endif							/* GROUPRECEIPT_RECEIPTS_H */
