/*
 * grblock.h
 *	  Pure C codec of a sealed message block: up to GRB_MAX_MESSAGES
 *	  messages of one group packed in one byte string -- msgids, sender
 *	  slots, snapshot ids and sent_at times delta-coded, and each message's
 *	  explicit-read bits in the bitmap encoding of grbitmap_codec.c.  This
 *	  is the payload of engine v2's B (sealed block) and A (archived block)
 *	  rows (docs/engine-v2.md).
 *
 * Nothing here depends on PostgreSQL's fmgr: the file compiles on its own
 * (with -DGR_STANDALONE) for unit tests and fuzzing, like grbitmap_*.c.
 * Memory comes from the allocation hooks of gr_alloc.h.
 */
#ifndef GRBLOCK_H
#define GRBLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "grbitmap.h"

/* Most messages in one block (a post seals its group's tail at this many). */
#define GRB_MAX_MESSAGES	256

/* Encoding format version, the high nibble of the first byte. */
#define GRB_FORMAT_VERSION	1

/*
 * What a block keeps of a message's explicit reads.  A message's readers
 * are the recipients whose read watermark passed it plus, when the state is
 * GRB_READ_SOME, the slots of its bitmap.  GRB_READ_ALL keeps no bits: every
 * recipient has read it (the state a fold gives a message once its
 * recipients' watermarks all pass it, or its bits cover them all).
 */
typedef enum GrbReadState
{
	GRB_READ_NONE = 0,			/* no explicit read folded in */
	GRB_READ_ALL = 1,			/* fully read: no bits kept */
	GRB_READ_SOME = 2			/* bits kept: the slots that read it */
} GrbReadState;

/* Result of encoding a block or decoding untrusted bytes. */
typedef enum GrbStatus
{
	GRB_OK = 0,
	GRB_ERR_EMPTY_INPUT,		/* no format byte */
	GRB_ERR_VERSION,			/* unknown format version or flags */
	GRB_ERR_COUNT,				/* no messages, or more than GRB_MAX_MESSAGES */
	GRB_ERR_TRUNCATED,			/* the bytes end inside a value */
	GRB_ERR_VARINT,				/* overlong varint, or a value above its field's bound */
	GRB_ERR_ORDER,				/* msgids not strictly ascending, or overflow */
	GRB_ERR_SNAPSHOT,			/* snapshot runs: id 0, repeated, or wrong total */
	GRB_ERR_STATE,				/* read state 3, stray state bits, or an empty bitmap */
	GRB_ERR_BITMAP,				/* a read bitmap does not decode */
	GRB_ERR_TRAILING			/* bytes after the last bitmap */
} GrbStatus;

/* One message of a block. */
typedef struct GrbMessage
{
	int64_t		msgid;
	int64_t		sent_at;		/* microseconds, as PostgreSQL's TimestampTz */
	uint32_t	sender_slot;	/* the sender's roster slot, 0 .. GR_MAX_POSITION */
	uint32_t	snap_id;		/* its recipients' snapshot, >= 1 */
	GrbReadState state;
	GrSet		read;			/* GRB_READ_SOME: non-empty; otherwise empty */
} GrbMessage;

/* A decoded block: n messages in ascending msgid order. */
typedef struct GrbBlock
{
	uint32_t	n;
	GrbMessage *msgs;
} GrbBlock;

/*
 * Check what the encoder needs (1 .. GRB_MAX_MESSAGES messages, msgids
 * strictly ascending, snapshot ids >= 1, slots within GR_MAX_POSITION, a
 * valid state with a non-empty set exactly for GRB_READ_SOME); GRB_OK or the
 * first violation.
 */
extern GrbStatus grblock_check(const GrbMessage *msgs, uint32_t n);
/* Exact size of the encoding of a block that passes grblock_check. */
extern size_t grblock_encoded_size(const GrbMessage *msgs, uint32_t n);
/* Write it; dst must hold grblock_encoded_size() bytes. */
extern void grblock_encode(const GrbMessage *msgs, uint32_t n, uint8_t *dst, size_t dstlen);

/* Decode and validate untrusted bytes; on failure b is left empty. */
extern GrbStatus grblock_decode(const uint8_t *src, size_t len, GrbBlock *b);
extern void grblock_free(GrbBlock *b);
extern const char *grblock_status_message(GrbStatus st);

/*
 * Index of msgid in a decoded block (binary search), or -1.
 */
extern int	grblock_find(const GrbBlock *b, int64_t msgid);

#endif							/* GRBLOCK_H */
