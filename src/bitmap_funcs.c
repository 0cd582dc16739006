/*
 * bitmap_funcs.c
 *	  groupreceipt.bitmap: operators, count, single-position updates and
 *	  the hash support function.  Thin glue over grbitmap_ops.c.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "utils/builtins.h"

#include "bitmap.h"

/* Decode both arguments; the result sets live in the call's context. */
#define DECODE_TWO(a, b, sa, sb) \
	do { \
		bitmap_to_set(PG_GETARG_BITMAP_PP(0), &(sa)); \
		bitmap_to_set(PG_GETARG_BITMAP_PP(1), &(sb)); \
	} while (0)

PG_FUNCTION_INFO_V1(bitmap_or);
Datum
bitmap_or(PG_FUNCTION_ARGS)
{
	GrSet		a,
				b,
				r;

	DECODE_TWO(a, b, a, b);
	grset_union(&r, &a, &b);
	PG_RETURN_BITMAP_P(bitmap_from_set(&r));
}

PG_FUNCTION_INFO_V1(bitmap_and);
Datum
bitmap_and(PG_FUNCTION_ARGS)
{
	GrSet		a,
				b,
				r;

	DECODE_TWO(a, b, a, b);
	grset_intersect(&r, &a, &b);
	PG_RETURN_BITMAP_P(bitmap_from_set(&r));
}

PG_FUNCTION_INFO_V1(bitmap_andnot);
Datum
bitmap_andnot(PG_FUNCTION_ARGS)
{
	GrSet		a,
				b,
				r;

	DECODE_TWO(a, b, a, b);
	grset_difference(&r, &a, &b);
	PG_RETURN_BITMAP_P(bitmap_from_set(&r));
}

PG_FUNCTION_INFO_V1(bitmap_and_count);
Datum
bitmap_and_count(PG_FUNCTION_ARGS)
{
	GrSet		a,
				b;

	DECODE_TWO(a, b, a, b);
	PG_RETURN_INT32((int32) grset_intersect_count(&a, &b));
}

PG_FUNCTION_INFO_V1(bitmap_count);
Datum
bitmap_count(PG_FUNCTION_ARGS)
{
	Bitmap	   *b = PG_GETARG_BITMAP_PP(0);

	/* at most GR_MAX_POSITION + 1 = INT32_MAX elements */
	PG_RETURN_INT32((int32) grcodec_count(BITMAP_BYTES(b), BITMAP_NBYTES(b)));
}

PG_FUNCTION_INFO_V1(bitmap_contains);
Datum
bitmap_contains(PG_FUNCTION_ARGS)
{
	GrSet		a,
				b;

	DECODE_TWO(a, b, a, b);
	PG_RETURN_BOOL(grset_is_subset(&b, &a));
}

PG_FUNCTION_INFO_V1(bitmap_contained);
Datum
bitmap_contained(PG_FUNCTION_ARGS)
{
	GrSet		a,
				b;

	DECODE_TWO(a, b, a, b);
	PG_RETURN_BOOL(grset_is_subset(&a, &b));
}

PG_FUNCTION_INFO_V1(bitmap_overlaps);
Datum
bitmap_overlaps(PG_FUNCTION_ARGS)
{
	GrSet		a,
				b;

	DECODE_TWO(a, b, a, b);
	PG_RETURN_BOOL(grset_overlaps(&a, &b));
}

/*
 * Does the stored bitmap hold pos?  An int4 that cannot be a position
 * (negative) is simply not contained; so is anything in a datum without
 * even a format byte.  (Also the engine's test on stored bitmaps.)
 */
bool
bitmap_has_position(const Bitmap *b, int32 pos)
{
	if (pos < 0 || (uint32) pos > GR_MAX_POSITION || BITMAP_NBYTES(b) == 0)
		return false;
	return grcodec_contains(BITMAP_BYTES(b), BITMAP_NBYTES(b), (uint32) pos);
}

PG_FUNCTION_INFO_V1(bitmap_contains_int);
Datum
bitmap_contains_int(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(bitmap_has_position(PG_GETARG_BITMAP_PP(0), PG_GETARG_INT32(1)));
}

PG_FUNCTION_INFO_V1(bitmap_int_contained);
Datum
bitmap_int_contained(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(bitmap_has_position(PG_GETARG_BITMAP_PP(1), PG_GETARG_INT32(0)));
}

/* Values are canonical, so byte equality is set equality. */
static bool
bitmap_bytes_equal(Bitmap *a, Bitmap *b)
{
	return BITMAP_NBYTES(a) == BITMAP_NBYTES(b) &&
		memcmp(BITMAP_BYTES(a), BITMAP_BYTES(b), BITMAP_NBYTES(a)) == 0;
}

PG_FUNCTION_INFO_V1(bitmap_eq);
Datum
bitmap_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(bitmap_bytes_equal(PG_GETARG_BITMAP_PP(0), PG_GETARG_BITMAP_PP(1)));
}

PG_FUNCTION_INFO_V1(bitmap_ne);
Datum
bitmap_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!bitmap_bytes_equal(PG_GETARG_BITMAP_PP(0), PG_GETARG_BITMAP_PP(1)));
}

PG_FUNCTION_INFO_V1(bitmap_hash);
Datum
bitmap_hash(PG_FUNCTION_ARGS)
{
	Bitmap	   *b = PG_GETARG_BITMAP_PP(0);

	return hash_any(BITMAP_BYTES(b), (int) BITMAP_NBYTES(b));
}

PG_FUNCTION_INFO_V1(bitmap_add);
Datum
bitmap_add(PG_FUNCTION_ARGS)
{
	Bitmap	   *b = PG_GETARG_BITMAP_PP(0);
	uint32		pos = bitmap_check_position(PG_GETARG_INT32(1));
	GrSet		s;

	if (grcodec_contains(BITMAP_BYTES(b), BITMAP_NBYTES(b), pos))
		PG_RETURN_BITMAP_P(b);
	bitmap_to_set(b, &s);
	grset_add(&s, pos);
	PG_RETURN_BITMAP_P(bitmap_from_set(&s));
}

PG_FUNCTION_INFO_V1(bitmap_remove);
Datum
bitmap_remove(PG_FUNCTION_ARGS)
{
	Bitmap	   *b = PG_GETARG_BITMAP_PP(0);
	int32		pos = PG_GETARG_INT32(1);
	GrSet		s;

	if (!bitmap_has_position(b, pos))
		PG_RETURN_BITMAP_P(b);
	bitmap_to_set(b, &s);
	grset_remove(&s, (uint32) pos);
	PG_RETURN_BITMAP_P(bitmap_from_set(&s));
}

PG_FUNCTION_INFO_V1(bitmap_encoding);
Datum
bitmap_encoding(PG_FUNCTION_ARGS)
{
	Bitmap	   *b = PG_GETARG_BITMAP_PP(0);
	static const char *const names[GR_KIND_COUNT_] = {
		"empty", "run", "array16", "bits", "runs", "delta"
	};
	unsigned	kind = BITMAP_BYTES(b)[0] & 0x0F;

	PG_RETURN_TEXT_P(cstring_to_text(kind < GR_KIND_COUNT_ ? names[kind] : "unknown"));
}
