/*
 * bitmap_io.c
 *	  groupreceipt.bitmap: text and binary I/O, casts to and from int[],
 *	  bytea access, and the datum <-> GrSet helpers.
 */
#include "postgres.h"

#include <limits.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "bitmap.h"

/* ---- datum helpers ---- */

Bitmap *
bitmap_from_set(const GrSet *s)
{
	size_t		len = grcodec_encoded_size(s, NULL);
	Bitmap	   *b;

	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("bitmap too large"),
				 errdetail("Its encoding would take %zu bytes; the limit is %zu.",
						   len, (size_t) (MaxAllocSize - VARHDRSZ))));
	b = palloc(VARHDRSZ + len);
	SET_VARSIZE(b, VARHDRSZ + len);
	grcodec_encode(s, b->data, len);
	return b;
}

void
bitmap_to_set(const Bitmap *b, GrSet *s)
{
	GrStatus	st = grcodec_decode(BITMAP_BYTES(b), BITMAP_NBYTES(b), s);

	if (st != GR_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted groupreceipt.bitmap value"),
				 errdetail("%s", grcodec_status_message(st))));
}

Bitmap *
bitmap_from_untrusted_bytes(const uint8 *src, size_t len)
{
	GrSet		s;
	GrStatus	st = grcodec_decode(src, len, &s);
	Bitmap	   *b;

	if (st != GR_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary data for type groupreceipt.bitmap"),
				 errdetail("%s", grcodec_status_message(st))));
	/* never keep the input bytes: re-encode to the one canonical form */
	b = bitmap_from_set(&s);
	grset_free(&s);
	return b;
}

uint32
bitmap_check_position(int32 pos)
{
	if (pos < 0 || (uint32) pos > GR_MAX_POSITION)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bitmap position %d is out of range", pos),
				 errdetail("Positions must be between 0 and %u.", GR_MAX_POSITION)));
	return (uint32) pos;
}

/* ---- text I/O ---- */

static void
skip_spaces(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static pg_attribute_noreturn() void
syntax_error(const char *input, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type groupreceipt.bitmap: \"%s\"", input),
			 errdetail("%s", detail)));
}

static uint32
parse_position(const char **p, const char *input)
{
	uint64		v = 0;
	const char *start;

	skip_spaces(p);
	if (**p == '-')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type groupreceipt.bitmap: \"%s\"", input),
				 errdetail("Positions cannot be negative.")));
	start = *p;
	while (**p >= '0' && **p <= '9')
	{
		v = v * 10 + (uint64) (**p - '0');
		if (v > GR_MAX_POSITION)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type groupreceipt.bitmap: \"%s\"", input),
					 errdetail("Positions must be between 0 and %u.", GR_MAX_POSITION)));
		(*p)++;
	}
	if (*p == start)
		syntax_error(input, "Expected a non-negative integer.");
	skip_spaces(p);
	return (uint32) v;
}

PG_FUNCTION_INFO_V1(bitmap_in);
Datum
bitmap_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	GrRun	   *runs;
	size_t		n = 0,
				cap = 16;
	GrSet		s;
	Bitmap	   *result;

	skip_spaces(&p);
	if (*p != '{')
		syntax_error(input, "A bitmap starts with \"{\".");
	p++;
	skip_spaces(&p);
	runs = palloc(cap * sizeof(GrRun));
	if (*p != '}')
	{
		for (;;)
		{
			uint32		lo = parse_position(&p, input);
			uint32		hi = lo;

			if (*p == '-')
			{
				p++;
				if (*p == '-' || (skip_spaces(&p), *p == '-'))
					syntax_error(input, "Positions cannot be negative.");
				hi = parse_position(&p, input);
				if (hi < lo)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("invalid input syntax for type groupreceipt.bitmap: \"%s\"", input),
							 errdetail("Range %u-%u is reversed.", lo, hi)));
			}
			if (n == cap)
			{
				cap *= 2;
				runs = repalloc_huge(runs, cap * sizeof(GrRun));
			}
			runs[n].lo = lo;
			runs[n].hi = hi;
			n++;
			if (*p == ',')
			{
				p++;
				continue;
			}
			if (*p == '}')
				break;
			syntax_error(input, "Expected \",\", \"-\" or \"}\".");
		}
	}
	p++;
	skip_spaces(&p);
	if (*p != '\0')
		syntax_error(input, "Unexpected characters after \"}\".");

	grset_from_runs(&s, runs, n);
	result = bitmap_from_set(&s);
	PG_RETURN_BITMAP_P(result);
}

PG_FUNCTION_INFO_V1(bitmap_out);
Datum
bitmap_out(PG_FUNCTION_ARGS)
{
	Bitmap	   *b = PG_GETARG_BITMAP_PP(0);
	GrSet		s;
	StringInfoData buf;
	uint32		i;

	bitmap_to_set(b, &s);
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (i = 0; i < s.nruns; i++)
	{
		uint32		lo = s.runs[i].lo,
					hi = s.runs[i].hi;

		if (i > 0)
			appendStringInfoChar(&buf, ',');
		if (lo == hi)
			appendStringInfo(&buf, "%u", lo);
		else if (hi == lo + 1)
			appendStringInfo(&buf, "%u,%u", lo, hi);
		else
			appendStringInfo(&buf, "%u-%u", lo, hi);
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* ---- binary I/O: the canonical encoding itself ---- */

PG_FUNCTION_INFO_V1(bitmap_recv);
Datum
bitmap_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	const char *bytes = pq_getmsgbytes(buf, len);

	PG_RETURN_BITMAP_P(bitmap_from_untrusted_bytes((const uint8 *) bytes, (size_t) len));
}

PG_FUNCTION_INFO_V1(bitmap_send);
Datum
bitmap_send(PG_FUNCTION_ARGS)
{
	Bitmap	   *b = PG_GETARG_BITMAP_PP(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, (const char *) BITMAP_BYTES(b), (int) BITMAP_NBYTES(b));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(bitmap_from_bytea);
Datum
bitmap_from_bytea(PG_FUNCTION_ARGS)
{
	bytea	   *raw = PG_GETARG_BYTEA_PP(0);

	PG_RETURN_BITMAP_P(bitmap_from_untrusted_bytes((const uint8 *) VARDATA_ANY(raw),
												   VARSIZE_ANY_EXHDR(raw)));
}

PG_FUNCTION_INFO_V1(bitmap_to_bytea);
Datum
bitmap_to_bytea(PG_FUNCTION_ARGS)
{
	Bitmap	   *b = PG_GETARG_BITMAP_PP(0);
	size_t		len = BITMAP_NBYTES(b);
	bytea	   *result = palloc(VARHDRSZ + len);

	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), BITMAP_BYTES(b), len);
	PG_RETURN_BYTEA_P(result);
}

/* ---- casts to and from int[] ---- */

PG_FUNCTION_INFO_V1(bitmap_from_int4_array);
Datum
bitmap_from_int4_array(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i;
	GrRun	   *runs;
	GrSet		s;

	deconstruct_array(arr, INT4OID, sizeof(int32), true, TYPALIGN_INT,
					  &elems, &nulls, &n);
	runs = palloc_extended(Max(n, 1) * sizeof(GrRun), MCXT_ALLOC_HUGE);
	for (i = 0; i < n; i++)
	{
		uint32		pos;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("cannot convert an array containing NULL to groupreceipt.bitmap"),
					 errdetail("Element %d is NULL.", i + 1)));
		pos = bitmap_check_position(DatumGetInt32(elems[i]));
		runs[i].lo = pos;
		runs[i].hi = pos;
	}
	grset_from_runs(&s, runs, (size_t) n);
	PG_RETURN_BITMAP_P(bitmap_from_set(&s));
}

PG_FUNCTION_INFO_V1(bitmap_to_int4_array);
Datum
bitmap_to_int4_array(PG_FUNCTION_ARGS)
{
	Bitmap	   *b = PG_GETARG_BITMAP_PP(0);
	GrSet		s;
	uint64		count;
	Datum	   *elems;
	uint64		k = 0;
	uint32		i;

	bitmap_to_set(b, &s);
	count = grset_count(&s);
	if (count > (uint64) MaxArraySize || count * sizeof(Datum) > MaxAllocHugeSize / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("bitmap with " UINT64_FORMAT " elements is too large for an integer array", count),
				 errdetail("An integer array holds at most %d elements.", (int) MaxArraySize)));
	elems = palloc_extended(Max(count, 1) * sizeof(Datum), MCXT_ALLOC_HUGE);
	for (i = 0; i < s.nruns; i++)
	{
		uint64		v;

		CHECK_FOR_INTERRUPTS();
		for (v = s.runs[i].lo; v <= s.runs[i].hi; v++)
			elems[k++] = Int32GetDatum((int32) v);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, (int) count, INT4OID,
										  sizeof(int32), true, TYPALIGN_INT));
}
