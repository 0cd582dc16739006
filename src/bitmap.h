/*
 * bitmap.h
 *	  fmgr-side view of groupreceipt.bitmap: the varlena struct, the macro
 *	  trio and the helpers that move between a datum and a GrSet.  Include
 *	  after postgres.h.
 */
#ifndef GROUPRECEIPT_BITMAP_H
#define GROUPRECEIPT_BITMAP_H

#include "fmgr.h"

#include "grbitmap.h"

/* Varlena: header, then the canonical encoding (format byte + payload). */
typedef struct Bitmap
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		data[FLEXIBLE_ARRAY_MEMBER];
} Bitmap;

/* The packed forms avoid detoast copies: read through VARDATA_ANY. */
#define DatumGetBitmapPP(x)		((Bitmap *) PG_DETOAST_DATUM_PACKED(x))
#define PG_GETARG_BITMAP_PP(n)	DatumGetBitmapPP(PG_GETARG_DATUM(n))
#define PG_RETURN_BITMAP_P(x)	PG_RETURN_POINTER(x)

#define BITMAP_BYTES(b)			((const uint8 *) VARDATA_ANY(b))
#define BITMAP_NBYTES(b)		((size_t) VARSIZE_ANY_EXHDR(b))

/* Encode a set as a new palloc'd datum. */
extern Bitmap *bitmap_from_set(const GrSet *s);

/* Decode a stored (trusted) datum; errors only on corrupted storage. */
extern void bitmap_to_set(const Bitmap *b, GrSet *s);

/* Decode untrusted bytes or raise invalid_binary_representation. */
extern Bitmap *bitmap_from_untrusted_bytes(const uint8 *src, size_t len);

/* Does the stored bitmap hold pos (false for any int4 that is not a position)? */
extern bool bitmap_has_position(const Bitmap *b, int32 pos);

/* Validate a position coming from SQL (int4) or raise an error. */
extern uint32 bitmap_check_position(int32 pos);

#endif							/* GROUPRECEIPT_BITMAP_H */
