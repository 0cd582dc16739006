/*
 * grbitmap_codec.c
 *	  The compact byte encoding of a groupreceipt.bitmap.  Pure C, no
 *	  PostgreSQL dependency.
 *
 * Layout: one format byte (version << 4 | kind) followed by the payload of
 * that kind (see GrKind in grbitmap.h).  Varints are unsigned LEB128 and
 * must be minimal.  The encoder always picks the smallest kind for the set
 * (ties go to the lower kind number), so each set has exactly one encoding
 * and byte equality is set equality.
 *
 * The decoder accepts any well-formed kind (not only the smallest) and
 * validates everything: version, kind, truncation, minimal varints, the
 * position bound, strict ordering and stray bytes.  Callers re-encode what
 * they decoded, so stored values are always canonical.
 */
#include "grbitmap.h"

#include <string.h>

#include "gr_varint.h"

#define FORMAT_BYTE(kind)	((uint8_t) ((GR_FORMAT_VERSION << 4) | (kind)))

/*
 * Read a minimal varint no larger than GR_MAX_POSITION from [*pp, end).
 */
static inline GrStatus
varint_get(const uint8_t **pp, const uint8_t *end, uint32_t *out)
{
	const uint8_t *p = *pp;
	uint64_t	v = 0;
	int			shift = 0;

	for (;;)
	{
		uint8_t		b;

		if (p >= end)
			return GR_ERR_TRUNCATED;
		if (shift > 28)
			return GR_ERR_VARINT;
		b = *p++;
		v |= (uint64_t) (b & 0x7F) << shift;
		if (!(b & 0x80))
		{
			if (b == 0 && shift > 0)
				return GR_ERR_VARINT;	/* overlong */
			break;
		}
		shift += 7;
	}
	if (v > GR_MAX_POSITION)
		return GR_ERR_RANGE;
	*out = (uint32_t) v;
	*pp = p;
	return GR_OK;
}

/* ---- sizes of each candidate encoding (payload only) ---- */

static uint64_t
size_runs_kind(const GrSet *s)
{
	uint64_t	n = 0;
	uint32_t	i;

	for (i = 0; i < s->nruns; i++)
	{
		uint32_t	gap = i == 0 ? s->runs[0].lo : s->runs[i].lo - s->runs[i - 1].hi - 2;

		n += gr_varint_len(gap) + gr_varint_len(s->runs[i].hi - s->runs[i].lo);
	}
	return n;
}

static uint64_t
size_delta_kind(const GrSet *s)
{
	uint64_t	n = 0;
	uint32_t	i;

	for (i = 0; i < s->nruns; i++)
	{
		uint32_t	gap = i == 0 ? s->runs[0].lo : s->runs[i].lo - s->runs[i - 1].hi - 1;

		/* first element of the run, then one zero byte per further element */
		n += gr_varint_len(gap) + (uint64_t) (s->runs[i].hi - s->runs[i].lo);
	}
	return n;
}

size_t
grcodec_encoded_size(const GrSet *s, GrKind *kind_out)
{
	uint64_t	best;
	GrKind		kind;
	uint64_t	sz;
	uint32_t	first,
				last;

	if (s->nruns == 0)
	{
		if (kind_out)
			*kind_out = GR_KIND_EMPTY;
		return 1;
	}
	first = s->runs[0].lo;
	last = s->runs[s->nruns - 1].hi;

	best = UINT64_MAX;
	kind = GR_KIND_BITS;

	if (s->nruns == 1)
	{
		best = gr_varint_len(first) + gr_varint_len(last - first);
		kind = GR_KIND_RUN;
	}
	if (last < 65536)
	{
		sz = 2 * grset_count(s);
		if (sz < best)
		{
			best = sz;
			kind = GR_KIND_ARRAY16;
		}
	}
	sz = gr_varint_len(first / 8) + (uint64_t) (last / 8 - first / 8 + 1);
	if (sz < best)
	{
		best = sz;
		kind = GR_KIND_BITS;
	}
	sz = size_runs_kind(s);
	if (sz < best)
	{
		best = sz;
		kind = GR_KIND_RUNS;
	}
	sz = size_delta_kind(s);
	if (sz < best)
	{
		best = sz;
		kind = GR_KIND_DELTA;
	}
	if (kind_out)
		*kind_out = kind;
	return (size_t) best + 1;
}

void
grcodec_encode(const GrSet *s, uint8_t *dst, size_t dstlen)
{
	GrKind		kind;
	size_t		size = grcodec_encoded_size(s, &kind);
	uint8_t    *p = dst;
	uint32_t	i;

	(void) dstlen;				/* == size, checked by callers' allocation */
	*p++ = FORMAT_BYTE(kind);
	switch (kind)
	{
		case GR_KIND_EMPTY:
		case GR_KIND_COUNT_:
			break;
		case GR_KIND_RUN:
			p = gr_varint_put(p, s->runs[0].lo);
			p = gr_varint_put(p, s->runs[0].hi - s->runs[0].lo);
			break;
		case GR_KIND_ARRAY16:
			for (i = 0; i < s->nruns; i++)
			{
				uint32_t	v;

				for (v = s->runs[i].lo;; v++)
				{
					*p++ = (uint8_t) (v & 0xFF);
					*p++ = (uint8_t) (v >> 8);
					if (v == s->runs[i].hi)
						break;
				}
			}
			break;
		case GR_KIND_BITS:
			{
				uint32_t	off = s->runs[0].lo / 8;
				uint8_t    *bits;
				size_t		nbytes;

				p = gr_varint_put(p, off);
				bits = p;
				nbytes = size - (size_t) (p - dst);
				memset(bits, 0, nbytes);
				for (i = 0; i < s->nruns; i++)
				{
					uint64_t	lo = s->runs[i].lo - (uint64_t) off * 8;
					uint64_t	hi = s->runs[i].hi - (uint64_t) off * 8;

					/* leading partial byte */
					while (lo <= hi && (lo & 7) != 0)
					{
						bits[lo >> 3] |= (uint8_t) (1u << (lo & 7));
						lo++;
					}
					/* whole bytes */
					if (lo <= hi && hi - lo + 1 >= 8)
					{
						uint64_t	whole = (hi - lo + 1) / 8;

						memset(bits + (lo >> 3), 0xFF, (size_t) whole);
						lo += whole * 8;
					}
					/* trailing partial byte */
					while (lo <= hi)
					{
						bits[lo >> 3] |= (uint8_t) (1u << (lo & 7));
						lo++;
					}
				}
				p = bits + nbytes;
			}
			break;
		case GR_KIND_RUNS:
			for (i = 0; i < s->nruns; i++)
			{
				uint32_t	gap = i == 0 ? s->runs[0].lo : s->runs[i].lo - s->runs[i - 1].hi - 2;

				p = gr_varint_put(p, gap);
				p = gr_varint_put(p, s->runs[i].hi - s->runs[i].lo);
			}
			break;
		case GR_KIND_DELTA:
			for (i = 0; i < s->nruns; i++)
			{
				uint32_t	gap = i == 0 ? s->runs[0].lo : s->runs[i].lo - s->runs[i - 1].hi - 1;
				size_t		ones = s->runs[i].hi - s->runs[i].lo;

				p = gr_varint_put(p, gap);
				memset(p, 0, ones);
				p += ones;
			}
			break;
	}
}

/* Append bits of one byte at position base; keeps runs maximal. */
static inline void
append_byte_bits(GrSet *s, uint64_t base, uint8_t b)
{
	if (b == 0xFF)
	{
		grset_append_run(s, (uint32_t) base, (uint32_t) (base + 7));
		return;
	}
	while (b)
	{
		int			start = __builtin_ctz(b);
		int			len = __builtin_ctz((unsigned) ~(b >> start));

		grset_append_run(s, (uint32_t) (base + start),
						 (uint32_t) (base + start + len - 1));
		b = (uint8_t) (len + start >= 8 ? 0 : (b >> (start + len)) << (start + len));
	}
}

static GrStatus
decode_payload(GrKind kind, const uint8_t *p, const uint8_t *end, GrSet *s)
{
	GrStatus	st;
	uint32_t	a,
				b;

	switch (kind)
	{
		case GR_KIND_EMPTY:
			return p == end ? GR_OK : GR_ERR_PADDING;

		case GR_KIND_RUN:
			if ((st = varint_get(&p, end, &a)) != GR_OK ||
				(st = varint_get(&p, end, &b)) != GR_OK)
				return st;
			if ((uint64_t) a + b > GR_MAX_POSITION)
				return GR_ERR_RANGE;
			if (p != end)
				return GR_ERR_PADDING;
			grset_append_run(s, a, a + b);
			return GR_OK;

		case GR_KIND_ARRAY16:
			{
				int64_t		prev = -1;

				if (p == end || ((end - p) & 1))
					return GR_ERR_LENGTH;
				while (p < end)
				{
					uint32_t	v = (uint32_t) p[0] | ((uint32_t) p[1] << 8);

					if ((int64_t) v <= prev)
						return GR_ERR_ORDER;
					grset_append_run(s, v, v);
					prev = v;
					p += 2;
				}
				return GR_OK;
			}

		case GR_KIND_BITS:
			{
				size_t		nbytes;
				size_t		i;
				uint64_t	top;

				if ((st = varint_get(&p, end, &a)) != GR_OK)
					return st;
				if (p == end)
					return GR_ERR_LENGTH;
				nbytes = (size_t) (end - p);
				if (p[0] == 0 || p[nbytes - 1] == 0)
					return GR_ERR_PADDING;
				top = ((uint64_t) a + nbytes - 1) * 8 + (31 - __builtin_clz(p[nbytes - 1]));
				if (top > GR_MAX_POSITION)
					return GR_ERR_RANGE;
				for (i = 0; i < nbytes; i++)
					if (p[i])
						append_byte_bits(s, ((uint64_t) a + i) * 8, p[i]);
				return GR_OK;
			}

		case GR_KIND_RUNS:
			{
				uint64_t	next = 0;	/* lowest allowed start of next run */

				if (p == end)
					return GR_ERR_LENGTH;
				while (p < end)
				{
					uint64_t	lo,
								hi;

					if ((st = varint_get(&p, end, &a)) != GR_OK ||
						(st = varint_get(&p, end, &b)) != GR_OK)
						return st;
					lo = next + a;
					hi = lo + b;
					if (hi > GR_MAX_POSITION)
						return GR_ERR_RANGE;
					grset_append_run(s, (uint32_t) lo, (uint32_t) hi);
					next = hi + 2;
				}
				return GR_OK;
			}

		case GR_KIND_DELTA:
			{
				uint64_t	next = 0;

				if (p == end)
					return GR_ERR_LENGTH;
				while (p < end)
				{
					uint64_t	v;

					if ((st = varint_get(&p, end, &a)) != GR_OK)
						return st;
					v = next + a;
					if (v > GR_MAX_POSITION)
						return GR_ERR_RANGE;
					grset_append_run(s, (uint32_t) v, (uint32_t) v);
					next = v + 1;
				}
				return GR_OK;
			}

		case GR_KIND_COUNT_:
			break;
	}
	return GR_ERR_KIND;
}

GrStatus
grcodec_decode(const uint8_t *src, size_t len, GrSet *s)
{
	GrStatus	st;
	unsigned	kind;

	grset_init(s);
	if (len == 0)
		return GR_ERR_EMPTY_INPUT;
	if ((src[0] >> 4) != GR_FORMAT_VERSION)
		return GR_ERR_VERSION;
	kind = src[0] & 0x0F;
	if (kind >= GR_KIND_COUNT_)
		return GR_ERR_KIND;
	st = decode_payload((GrKind) kind, src + 1, src + len, s);
	if (st != GR_OK)
		grset_free(s);
	return st;
}

const char *
grcodec_status_message(GrStatus st)
{
	switch (st)
	{
		case GR_OK:
			return "valid";
		case GR_ERR_EMPTY_INPUT:
			return "The value has no format byte.";
		case GR_ERR_VERSION:
			return "The format version is not supported.";
		case GR_ERR_KIND:
			return "The encoding kind is unknown.";
		case GR_ERR_TRUNCATED:
			return "The payload ends inside a value.";
		case GR_ERR_VARINT:
			return "A varint is overlong or too large.";
		case GR_ERR_RANGE:
			return "A position exceeds 2147483646.";
		case GR_ERR_ORDER:
			return "Positions are not strictly ascending.";
		case GR_ERR_PADDING:
			return "The value has stray zero bytes or trailing data.";
		case GR_ERR_LENGTH:
			return "The payload length is impossible for its encoding.";
	}
	return "unknown error";
}

/* ---- cheap reads on trusted (canonical, validated) bytes ---- */

uint64_t
grcodec_count(const uint8_t *src, size_t len)
{
	const uint8_t *p = src + 1;
	const uint8_t *end = src + len;
	uint64_t	n = 0;
	uint32_t	a = 0,
				b = 0;

	switch ((GrKind) (src[0] & 0x0F))
	{
		case GR_KIND_EMPTY:
		case GR_KIND_COUNT_:
			return 0;
		case GR_KIND_RUN:
			varint_get(&p, end, &a);
			varint_get(&p, end, &b);
			return (uint64_t) b + 1;
		case GR_KIND_ARRAY16:
			return (len - 1) / 2;
		case GR_KIND_BITS:
			varint_get(&p, end, &a);
			while (end - p >= 8)
			{
				uint64_t	w;

				memcpy(&w, p, 8);
				n += (uint64_t) __builtin_popcountll(w);
				p += 8;
			}
			while (p < end)
				n += (uint64_t) __builtin_popcount(*p++);
			return n;
		case GR_KIND_RUNS:
			while (p < end && varint_get(&p, end, &a) == GR_OK &&
				   varint_get(&p, end, &b) == GR_OK)
				n += (uint64_t) b + 1;
			return n;
		case GR_KIND_DELTA:
			/* one varint per element: count the bytes that end a varint */
			while (p < end)
				n += (*p++ & 0x80) ? 0 : 1;
			return n;
	}
	return 0;
}

bool
grcodec_contains(const uint8_t *src, size_t len, uint32_t pos)
{
	const uint8_t *p = src + 1;
	const uint8_t *end = src + len;
	uint32_t	a = 0,
				b = 0;
	uint64_t	next = 0;

	switch ((GrKind) (src[0] & 0x0F))
	{
		case GR_KIND_EMPTY:
		case GR_KIND_COUNT_:
			return false;
		case GR_KIND_RUN:
			varint_get(&p, end, &a);
			varint_get(&p, end, &b);
			return pos >= a && (uint64_t) pos <= (uint64_t) a + b;
		case GR_KIND_ARRAY16:
			{
				size_t		lo = 0,
							hi = (len - 1) / 2;

				if (pos > 65535)
					return false;
				while (lo < hi)
				{
					size_t		mid = lo + (hi - lo) / 2;
					uint32_t	v = (uint32_t) p[2 * mid] | ((uint32_t) p[2 * mid + 1] << 8);

					if (v == pos)
						return true;
					if (v < pos)
						lo = mid + 1;
					else
						hi = mid;
				}
				return false;
			}
		case GR_KIND_BITS:
			{
				uint64_t	byte;

				varint_get(&p, end, &a);
				if (pos / 8 < a)
					return false;
				byte = pos / 8 - a;
				if (byte >= (uint64_t) (end - p))
					return false;
				return (p[byte] >> (pos & 7)) & 1;
			}
		case GR_KIND_RUNS:
			while (p < end && varint_get(&p, end, &a) == GR_OK &&
				   varint_get(&p, end, &b) == GR_OK)
			{
				uint64_t	lo = next + a;

				if (pos < lo)
					return false;
				if (pos <= lo + b)
					return true;
				next = lo + b + 2;
			}
			return false;
		case GR_KIND_DELTA:
			while (p < end && varint_get(&p, end, &a) == GR_OK)
			{
				uint64_t	v = next + a;

				if (v == pos)
					return true;
				if (v > pos)
					return false;
				next = v + 1;
			}
			return false;
	}
	return false;
}
