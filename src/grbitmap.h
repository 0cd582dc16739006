/*
 * grbitmap.h
 *	  Pure C core of the groupreceipt.bitmap datatype: a set of positions
 *	  0 .. GR_MAX_POSITION held in memory as a sorted list of maximal runs,
 *	  plus the compact on-disk encoding (grbitmap_codec.c) and the set
 *	  algebra (grbitmap_ops.c).
 *
 * Nothing here depends on PostgreSQL's fmgr: the files compile on their own
 * (with -DGR_STANDALONE) for unit tests and fuzzing.  Memory comes from
 * the allocation hooks of gr_alloc.h.
 */
#ifndef GRBITMAP_H
#define GRBITMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "gr_alloc.h"

/*
 * Largest storable position.  INT32_MAX itself is excluded so that the
 * cardinality of any set (at most GR_MAX_POSITION + 1) fits in an int4.
 */
#define GR_MAX_POSITION		((uint32_t) 2147483646)

/* Encoding format version, kept in the high nibble of the first byte. */
#define GR_FORMAT_VERSION	1

/* Encoding kinds, kept in the low nibble of the first byte. */
typedef enum GrKind
{
	GR_KIND_EMPTY = 0,			/* no payload */
	GR_KIND_RUN = 1,			/* varint lo, varint (hi - lo) */
	GR_KIND_ARRAY16 = 2,		/* ascending little-endian uint16 values */
	GR_KIND_BITS = 3,			/* varint byte offset, then plain bitset bytes */
	GR_KIND_RUNS = 4,			/* pairs: varint gap, varint (len - 1) */
	GR_KIND_DELTA = 5,			/* varint first, then varint (gap - 1) */
	GR_KIND_COUNT_ = 6
} GrKind;

/* Result of decoding untrusted bytes. */
typedef enum GrStatus
{
	GR_OK = 0,
	GR_ERR_EMPTY_INPUT,			/* no format byte */
	GR_ERR_VERSION,				/* unknown format version */
	GR_ERR_KIND,				/* unknown encoding kind */
	GR_ERR_TRUNCATED,			/* payload ends inside a value */
	GR_ERR_VARINT,				/* overlong or oversized varint */
	GR_ERR_RANGE,				/* position above GR_MAX_POSITION */
	GR_ERR_ORDER,				/* not strictly ascending / runs touch */
	GR_ERR_PADDING,				/* stray zero bytes or trailing data */
	GR_ERR_LENGTH				/* payload length impossible for the kind */
} GrStatus;

/* Inclusive run of positions [lo, hi]. */
typedef struct GrRun
{
	uint32_t	lo;
	uint32_t	hi;
} GrRun;

/*
 * A set as sorted, non-overlapping, non-adjacent runs (so each set has
 * exactly one representation).
 */
typedef struct GrSet
{
	GrRun	   *runs;
	uint32_t	nruns;
	uint32_t	cap;
} GrSet;


/* ---- sets (grbitmap_ops.c) ---- */
extern void grset_init(GrSet *s);
extern void grset_free(GrSet *s);
extern void grset_reserve(GrSet *s, uint32_t nruns);
/* Append a run strictly after the current last one (merging if adjacent). */
extern void grset_append_run(GrSet *s, uint32_t lo, uint32_t hi);
/* Build from arbitrary (unsorted, overlapping) runs; runs[] is sorted in place. */
extern void grset_from_runs(GrSet *s, GrRun *runs, size_t n);
extern uint64_t grset_count(const GrSet *s);
extern bool grset_contains(const GrSet *s, uint32_t pos);
extern void grset_union(GrSet *out, const GrSet *a, const GrSet *b);
extern void grset_intersect(GrSet *out, const GrSet *a, const GrSet *b);
extern void grset_difference(GrSet *out, const GrSet *a, const GrSet *b);
extern uint64_t grset_intersect_count(const GrSet *a, const GrSet *b);
extern bool grset_overlaps(const GrSet *a, const GrSet *b);
extern bool grset_is_subset(const GrSet *a, const GrSet *b);	/* a <@ b */
extern bool grset_equal(const GrSet *a, const GrSet *b);
extern void grset_add(GrSet *s, uint32_t pos);
extern void grset_remove(GrSet *s, uint32_t pos);

/* ---- encoding (grbitmap_codec.c) ---- */

/* Exact size of the canonical encoding of s (format byte included). */
extern size_t grcodec_encoded_size(const GrSet *s, GrKind *kind_out);
/* Write the canonical encoding; dst must hold grcodec_encoded_size() bytes. */
extern void grcodec_encode(const GrSet *s, uint8_t *dst, size_t dstlen);
/* Decode and validate untrusted bytes; on failure s is left empty. */
extern GrStatus grcodec_decode(const uint8_t *src, size_t len, GrSet *s);
extern const char *grcodec_status_message(GrStatus st);
/* Cheap reads straight from trusted (already validated) bytes. */
extern uint64_t grcodec_count(const uint8_t *src, size_t len);
extern bool grcodec_contains(const uint8_t *src, size_t len, uint32_t pos);

#endif							/* GRBITMAP_H */
