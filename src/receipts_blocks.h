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

/* The uid of a roster slot (one probe of members (gid, slot) per slot and call). */
typedef struct SlotUids SlotUids;
extern SlotUids *receipts_slot_uids_begin(int64 gid);
extern int64 receipts_slot_uid(SlotUids *su, int32 slot);
extern void receipts_slot_uids_end(SlotUids *su);

#endif							/* GROUPRECEIPT_RECEIPTS_BLOCKS_H */
