/*
 * grvector.h
 *	  Pure C codec of a group's watermark vector: for every roster slot
 *	  0 .. n - 1 its folded read watermark and its member's uid, packed in
 *	  one byte string.  This is the payload of engine v2's W row
 *	  (docs/engine-v2.md), which unread_counts, readers and non_readers
 *	  read instead of a row per member.
 *
 * Nothing here depends on PostgreSQL's fmgr: the file compiles on its own
 * (with -DGR_STANDALONE) for unit tests and fuzzing, like grbitmap_*.c.
 */
#ifndef GRVECTOR_H
#define GRVECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "grbitmap.h"

/* Encoding format version, the high nibble of the first byte. */
#define GRV_FORMAT_VERSION	1

/* Most slots in one vector: one per roster slot 0 .. GR_MAX_POSITION. */
#define GRV_MAX_SLOTS		((uint64_t) GR_MAX_POSITION + 1)

typedef enum GrvStatus
{
	GRV_OK = 0,
	GRV_ERR_EMPTY_INPUT,		/* no format byte */
	GRV_ERR_VERSION,			/* unknown format version or flags */
	GRV_ERR_COUNT,				/* more than GRV_MAX_SLOTS slots, or not the expected number */
	GRV_ERR_TRUNCATED,			/* the bytes end inside a value */
	GRV_ERR_VARINT,				/* overlong varint, or a value above its field's bound */
	GRV_ERR_TOP,				/* a watermark above the stored highest, or none at it */
	GRV_ERR_TRAILING			/* bytes after the last uid */
} GrvStatus;

/* Exact size of the encoding of n slots (n <= GRV_MAX_SLOTS). */
extern size_t grvector_encoded_size(const int64_t *wm, const int64_t *uid, uint32_t n);
/* Write it; dst must hold grvector_encoded_size() bytes. */
extern void grvector_encode(const int64_t *wm, const int64_t *uid, uint32_t n,
							uint8_t *dst, size_t dstlen);

/*
 * The number of slots of untrusted bytes (format and count checked only;
 * the count is at most half the input's length).
 */
extern GrvStatus grvector_count(const uint8_t *src, size_t len, uint32_t *n);

/*
 * Decode and validate untrusted bytes holding exactly n slots (the count
 * grvector_count gave) into wm[0 .. n - 1] and, unless uid is NULL,
 * uid[0 .. n - 1].  With uid NULL the uids are not read: only the format,
 * the count and the watermarks are validated.  On failure the arrays'
 * contents are unspecified.
 */
extern GrvStatus grvector_decode(const uint8_t *src, size_t len, uint32_t n,
								 int64_t *wm, int64_t *uid);
extern const char *grvector_status_message(GrvStatus st);

#endif							/* GRVECTOR_H */
