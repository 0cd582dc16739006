/*
 * receipts_blocks.h
 *	  Sealed message blocks (0.5 storage, receipts_blocks.c): a group's
 *	  older messages packed GRB_MAX_MESSAGES to a row of groupreceipt.store
 *	  in the codec of grblock_codec.c; the newest stay rows of
 *	  groupreceipt.messages (the tail).
 *
 * Include after postgres.h and receipts.h.
 */
#ifndef GROUPRECEIPT_RECEIPTS_BLOCKS_H
#define GROUPRECEIPT_RECEIPTS_BLOCKS_H

#include "grbitmap.h"
#include "grblock.h"
#include "receipts_direct.h"

/* The one table of engine v2 and its primary key (gid, kind, key, sub). */
#define STORE_TABLE		"store"
#define STORE_PKEY		"store_pkey"

/* Kinds of store row that hold blocks of the codec of grblock_codec.c. */
#define RECEIPTS_KIND_BLOCK		'B'		/* sealed messages (0.5) */
#define RECEIPTS_KIND_ARCHIVED	'A'		/* archived messages (0.7) */

/* A block is sealed at GRB_MAX_MESSAGES messages or at this many bytes. */
#define RECEIPTS_SEAL_MAX_BYTES 8000

/* Blocks one fold seals at most (the explicit fold() goes on until done). */
#define RECEIPTS_SEAL_MAX_BLOCKS 16

/* Does the database hold 0.5 storage (groupreceipt.store)? */
extern bool receipts_storage_v05(void);

/*
 * The sealed messages among the n sorted, distinct ids, in msgid order
 * (MsgRow.sender is filled only with want_sender).  Returns how many.
 */
extern int	receipts_sealed_messages(int64 gid, const int64 *ids, int n, bool want_sender,
									 MsgRow **out);

/*
 * The sealed messages in (lo, hi] sent before sent_before (TimestampTz;
 * PG_INT64_MAX: any), ascending, at most limit of them (< 0: all).
 * Returns how many.
 */
extern int	receipts_sealed_range(int64 gid, int64 lo, int64 hi, int64 sent_before, int limit,
								  bool want_sender, MsgRow **out);

/*
 * The newest sealed msgid of the group (0: none): one index-only descent of
 * store_pkey, from its end.  A range above it has no sealed message.
 */
extern int64 receipts_sealed_upto(int64 gid);

/* What a block row holds (groupreceipt._blocks, for inspection). */
typedef struct SealedBlockInfo
{
	int64		first,
				last;
	int32		messages,
				bytes,			/* of the payload */
				all_read,		/* messages in state "all read" */
				some_read;		/* messages with a read bitmap */
} SealedBlockInfo;
extern int	receipts_sealed_blocks(int64 gid, SealedBlockInfo **out);

/*
 * Seal the group's oldest tail messages into blocks, leaving at least keep
 * of them, at most max_blocks blocks; only whole blocks (GRB_MAX_MESSAGES
 * messages, fewer when RECEIPTS_SEAL_MAX_BYTES cuts one short).  The caller
 * holds the fold lock and is connected to SPI.  Returns messages sealed.
 */
extern int64 receipts_seal(int64 gid, int keep, int max_blocks);

/* A new read state for a sealed message: every recipient read it, or more bits. */
typedef struct SealedChange
{
	int64		msgid;
	bool		all_read;
	GrSet		add;			/* !all_read: slots that read it explicitly */
} SealedChange;

/*
 * Apply the n changes (sorted by msgid, distinct) to their blocks, each
 * block re-encoded once; msgids not sealed are skipped.  The caller holds
 * the fold lock and is connected to SPI.  Returns the messages changed.
 */
extern int64 receipts_sealed_apply(int64 gid, SealedChange *changes, int n);

/*
 * Remove the sealed messages among the n sorted, distinct ids (forget,
 * archive); a block left empty is deleted.  The caller holds the group's
 * lock exclusively and is connected to SPI.  Returns how many were removed.
 */
extern int64 receipts_sealed_remove(int64 gid, const int64 *ids, int n);

/*
 * Block rows of one kind, read and written directly: key the first
 * msgid, sub the last, the rows of a group disjoint in msgid.
 */
typedef struct SealedBlock
{
	int64		first;			/* key */
	int64		last;			/* sub */
	GrbBlock	b;
} SealedBlock;

/*
 * An index scan of the group's block rows of one kind in store_pkey,
 * restarted for each key range [from, to] (always four keys: btree keeps
 * the number of keys of its first start).
 */
typedef struct BlockReader
{
	DirectScan	ds;
	ScanKeyData keys[4];
	AttrNumber	att_key,
				att_sub,
				att_payload;
	int64		gid;
	char		kind;
} BlockReader;

extern void receipts_block_reader_begin(BlockReader *br, int64 gid, char kind);
extern void receipts_block_reader_restart(BlockReader *br, int64 from, int64 to);
/* Decode the row the scan stands on (XX001 naming it if it is damaged). */
extern void receipts_block_reader_decode(BlockReader *br, SealedBlock *blk);
/* The block holding msgid m (the last whose first msgid is at most m), or false. */
extern bool receipts_block_reader_find(BlockReader *br, int64 m, SealedBlock *blk);
/* With m ascending: keep *blk while it holds m, else find the next (*have). */
extern bool receipts_block_reader_seek(BlockReader *br, SealedBlock *blk, bool *have, int64 m);
extern void receipts_block_reader_end(BlockReader *br);

/* XX001 naming a damaged block row of the kind ("sealed" / "archived"). */
extern void receipts_damaged_block(int64 gid, char kind, int64 first, const char *detail) pg_attribute_noreturn();

/*
 * How many of the first n messages go into one block: at most
 * GRB_MAX_MESSAGES and RECEIPTS_SEAL_MAX_BYTES (never fewer than one).
 */
extern uint32 receipts_block_fit(const GrbMessage *msgs, uint32 n);

/* Write one block row (connected to SPI; the kind's writers take turns). */
extern void receipts_block_insert(int64 gid, char kind, const GrbMessage *msgs, uint32 n);
extern void receipts_block_delete(int64 gid, char kind, int64 first);
/* Remove the messages among the n sorted ids from the kind's blocks. */
extern int64 receipts_blocks_remove(int64 gid, char kind, const int64 *ids, int n);

/* The uid of a roster slot (one probe of members (gid, slot) per slot and call). */
typedef struct SlotUids SlotUids;
extern SlotUids *receipts_slot_uids_begin(int64 gid);
extern int64 receipts_slot_uid(SlotUids *su, int32 slot);
extern void receipts_slot_uids_end(SlotUids *su);

#endif							/* GROUPRECEIPT_RECEIPTS_BLOCKS_H */
