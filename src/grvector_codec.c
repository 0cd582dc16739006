/*
 * grvector_codec.c
 *	  The byte encoding of a group's watermark vector (grvector.h).  Pure
 *	  C, no PostgreSQL dependency.
 *
 * Layout (varints are LEB128 and must be minimal; zigzag as gr_varint.h):
 *
 *   format byte       GRV_FORMAT_VERSION << 4; the low nibble (flags) is 0
 *   varint n          0 .. GRV_MAX_SLOTS slots (at most half the bytes after
 *                     it: a tampered count never makes the reader allocate
 *                     more than the input's size)
 *   when n > 0:
 *   zigzag top        the highest watermark
 *   n varints         top - wm[i]: one byte for each member within 127
 *                     messages of the most advanced reader (all of them
 *                     when everybody or nobody has read)
 *   n zigzags         uid[i] - uid[i - 1] (uid[-1] = 0): one byte per
 *                     member when uids were handed out in joining order
 *
 * Differences are taken modulo 2^64, so every int64 round-trips.  The
 * decoder rejects a watermark above top (a difference that wraps), a top
 * that no slot has, and trailing bytes: what it accepts encodes back to
 * the same bytes.
 */
#include "grvector.h"

#include "gr_varint.h"

#define FORMAT_BYTE		((uint8_t) (GRV_FORMAT_VERSION << 4))

static GrvStatus
varint_get(const uint8_t **pp, const uint8_t *end, uint64_t max, uint64_t *out)
{
	switch (gr_varint_get(pp, end, max, out))
	{
		case GR_VARINT_OK:
			return GRV_OK;
		case GR_VARINT_TRUNCATED:
			return GRV_ERR_TRUNCATED;
		default:
			return GRV_ERR_VARINT;
	}
}

static int64_t
vector_top(const int64_t *wm, uint32_t n)
{
	int64_t		top = wm[0];
	uint32_t	i;

	for (i = 1; i < n; i++)
		if (wm[i] > top)
			top = wm[i];
	return top;
}

size_t
grvector_encoded_size(const int64_t *wm, const int64_t *uid, uint32_t n)
{
	size_t		len = 1 + gr_varint_len(n);
	uint64_t	prev = 0;
	int64_t		top;
	uint32_t	i;

	if (n == 0)
		return len;
	top = vector_top(wm, n);
	len += gr_varint_len(gr_zigzag((uint64_t) top));
	for (i = 0; i < n; i++)
	{
		len += gr_varint_len((uint64_t) top - (uint64_t) wm[i]);
		len += gr_varint_len(gr_zigzag((uint64_t) uid[i] - prev));
		prev = (uint64_t) uid[i];
	}
	return len;
}

void
grvector_encode(const int64_t *wm, const int64_t *uid, uint32_t n, uint8_t *dst, size_t dstlen)
{
	uint8_t    *p = dst;
	uint64_t	prev = 0;
	int64_t		top;
	uint32_t	i;

	(void) dstlen;
	*p++ = FORMAT_BYTE;
	p = gr_varint_put(p, n);
	if (n == 0)
		return;
	top = vector_top(wm, n);
	p = gr_varint_put(p, gr_zigzag((uint64_t) top));
	for (i = 0; i < n; i++)
		p = gr_varint_put(p, (uint64_t) top - (uint64_t) wm[i]);
	for (i = 0; i < n; i++)
	{
		p = gr_varint_put(p, gr_zigzag((uint64_t) uid[i] - prev));
		prev = (uint64_t) uid[i];
	}
}

/* The format byte and the count; *pp is left after the count. */
static GrvStatus
read_header(const uint8_t **pp, const uint8_t *end, uint32_t *n)
{
	uint64_t	v;
	GrvStatus	st;

	if (*pp >= end)
		return GRV_ERR_EMPTY_INPUT;
	if (**pp != FORMAT_BYTE)
		return GRV_ERR_VERSION;
	(*pp)++;
	st = varint_get(pp, end, UINT64_MAX, &v);
	if (st != GRV_OK)
		return st;
	if (v > GRV_MAX_SLOTS)
		return GRV_ERR_COUNT;
	/* every slot takes two bytes at least: a count the bytes cannot hold is truncated */
	if (v > (uint64_t) (end - *pp) / 2)
		return GRV_ERR_TRUNCATED;
	*n = (uint32_t) v;
	return GRV_OK;
}

GrvStatus
grvector_count(const uint8_t *src, size_t len, uint32_t *n)
{
	const uint8_t *p = src;

	*n = 0;
	return read_header(&p, src + len, n);
}

GrvStatus
grvector_decode(const uint8_t *src, size_t len, uint32_t n, int64_t *wm, int64_t *uid)
{
	const uint8_t *p = src;
	const uint8_t *end = src + len;
	uint32_t	stored,
				i;
	uint64_t	v,
				prev = 0;
	int64_t		top;
	bool		at_top = false;
	GrvStatus	st;

	st = read_header(&p, end, &stored);
	if (st != GRV_OK)
		return st;
	if (stored != n)
		return GRV_ERR_COUNT;
	if (n == 0)
		return p == end ? GRV_OK : GRV_ERR_TRAILING;
	if ((st = varint_get(&p, end, UINT64_MAX, &v)) != GRV_OK)
		return st;
	top = (int64_t) gr_unzigzag(v);
	for (i = 0; i < n; i++)
	{
		if ((st = varint_get(&p, end, UINT64_MAX, &v)) != GRV_OK)
			return st;
		/* a watermark below INT64_MIN would wrap above top */
		if (v > (uint64_t) top - (uint64_t) INT64_MIN)
			return GRV_ERR_TOP;
		wm[i] = (int64_t) ((uint64_t) top - v);
		at_top |= v == 0;
	}
	if (!at_top)
		return GRV_ERR_TOP;
	if (uid == NULL)
		return GRV_OK;
	for (i = 0; i < n; i++)
	{
		if ((st = varint_get(&p, end, UINT64_MAX, &v)) != GRV_OK)
			return st;
		prev += gr_unzigzag(v);
		uid[i] = (int64_t) prev;
	}
	return p == end ? GRV_OK : GRV_ERR_TRAILING;
}

const char *
grvector_status_message(GrvStatus st)
{
	switch (st)
	{
		case GRV_OK:
			return "ok";
		case GRV_ERR_EMPTY_INPUT:
			return "the vector is empty: it has no format byte";
		case GRV_ERR_VERSION:
			return "unknown vector format version or flags";
		case GRV_ERR_COUNT:
			return "the vector's slot count is out of range or not its roster's";
		case GRV_ERR_TRUNCATED:
			return "the vector ends inside a value";
		case GRV_ERR_VARINT:
			return "the vector has an overlong varint or a value out of range";
		case GRV_ERR_TOP:
			return "the vector's watermarks do not match its highest watermark";
		case GRV_ERR_TRAILING:
			return "the vector has bytes after its last uid";
	}
	return "unknown vector status";
}
