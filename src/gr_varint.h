/*
 * gr_varint.h
 *	  Unsigned LEB128 varints and the zigzag map of signed values, shared
 *	  by the pure C codecs (grbitmap_codec.c, grblock_codec.c,
 *	  grvector_codec.c).  The block and vector codecs read varints with
 *	  gr_varint_get and map its result to their own status codes.
 */
#ifndef GR_VARINT_H
#define GR_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of the minimal varint of v. */
static inline size_t
gr_varint_len(uint64_t v)
{
	size_t		n = 1;

	while (v >= 0x80)
	{
		v >>= 7;
		n++;
	}
	return n;
}

/* Write the minimal varint of v at p; returns the byte after it. */
static inline uint8_t *
gr_varint_put(uint8_t *p, uint64_t v)
{
	while (v >= 0x80)
	{
		*p++ = (uint8_t) (v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t) v;
	return p;
}

/* zigzag: 0, -1, 1, -2, ... -> 0, 1, 2, 3, ... (on two's complement bits) */
static inline uint64_t
gr_zigzag(uint64_t v)
{
	return (v << 1) ^ (UINT64_C(0) - (v >> 63));
}

static inline uint64_t
gr_unzigzag(uint64_t z)
{
	return (z >> 1) ^ (UINT64_C(0) - (z & 1));
}

typedef enum GrVarintStatus
{
	GR_VARINT_OK = 0,
	GR_VARINT_TRUNCATED,		/* the bytes end inside the varint */
	GR_VARINT_BAD				/* overlong, more than 64 bits, or above max */
} GrVarintStatus;

/* Read a minimal varint no larger than max from [*pp, end); advances *pp. */
static inline GrVarintStatus
gr_varint_get(const uint8_t **pp, const uint8_t *end, uint64_t max, uint64_t *out)
{
	const uint8_t *p = *pp;
	uint64_t	v = 0;
	int			shift = 0;

	for (;;)
	{
		uint8_t		b;

		if (p >= end)
			return GR_VARINT_TRUNCATED;
		b = *p++;
		if (shift == 63 && (b & 0x7E))
			return GR_VARINT_BAD;	/* more than 64 bits */
		v |= (uint64_t) (b & 0x7F) << shift;
		if (!(b & 0x80))
		{
			if (b == 0 && shift > 0)
				return GR_VARINT_BAD;	/* overlong */
			break;
		}
		shift += 7;
		if (shift > 63)
			return GR_VARINT_BAD;
	}
	if (v > max)
		return GR_VARINT_BAD;
	*out = v;
	*pp = p;
	return GR_VARINT_OK;
}

#endif							/* GR_VARINT_H */
