/*
 * receipts_archive.h
 *	  Archived messages as A rows of groupreceipt.store (0.7 storage,
 *	  receipts_archive.c): the codec of grblock_codec.c, each message's
 *	  state frozen at archive time.
 *
 * Include after postgres.h and receipts.h.
 */
#ifndef GROUPRECEIPT_RECEIPTS_ARCHIVE_H
#define GROUPRECEIPT_RECEIPTS_ARCHIVE_H

#include "grblock.h"
#include "receipts_direct.h"

/* Does the database hold 0.7 storage (no archived_messages table)? */
extern bool receipts_storage_v07(void);

/*
 * The archived messages among the n sorted, distinct ids, ascending (their
 * GrbMessage.read is the frozen unread set, see receipts_archive.c).
 * fresh: read under a new snapshot (an ack that waited for the group lock
 * sees the archive that committed meanwhile).  Returns how many.
 */
extern int	receipts_archived_find(int64 gid, const int64 *ids, int n, bool fresh, GrbMessage **out);

/*
 * The frozen state of one archived message: its recipients (the snapshot
 * minus the sender) and the slots among them that had not read it.
 * XX001 when the snapshot is missing or the unread slots are not
 * recipients.  The caller frees both sets.
 */
extern void receipts_archived_state(int64 gid, SnapProbe *sp, const GrbMessage *m,
									GrSet *recipients, GrSet *unread);

/* Its frozen counts (the same checks). */
extern void receipts_archived_counts(int64 gid, SnapProbe *sp, const GrbMessage *m,
									 int32 *recipients, int32 *read);

#endif							/* GROUPRECEIPT_RECEIPTS_ARCHIVE_H */
