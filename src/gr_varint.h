/*
 * gr_varint.h
 *	  Writing unsigned LEB128 varints, shared by the pure C codecs
 *	  (grbitmap_codec.c, grblock_codec.c).  Each codec reads them with its
 *	  own bounds and status codes.
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

#endif							/* GR_VARINT_H */
