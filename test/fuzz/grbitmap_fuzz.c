/*
 * grbitmap_fuzz.c
 *	  libFuzzer harness for the pure C bitmap core: decoding untrusted
 *	  bytes (what binary recv and bitmap_from_bytea see), encoding, and the
 *	  set algebra on whatever decodes.
 *
 * Input: byte 0 picks where to split the rest into two encodings A and B
 * (and a position for add/remove).  Each half must either be rejected by
 * the decoder or decode to a valid set; valid sets must round-trip through
 * the canonical encoding, the cheap byte-level readers must agree with the
 * set, and the algebra must satisfy its identities.  Any violation aborts.
 *
 * Built by `make fuzzcheck` with clang -fsanitize=fuzzer,address,undefined.
 */
#include "grbitmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* gr_alloc, gr_realloc, gr_free: test/unit/gr_alloc_libc.c */

#define CHECK(cond) \
	do { if (!(cond)) { fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

/* Sorted, within range, non-overlapping and non-adjacent runs. */
static void
check_valid(const GrSet *s)
{
	uint32_t	i;

	for (i = 0; i < s->nruns; i++)
	{
		CHECK(s->runs[i].lo <= s->runs[i].hi);
		CHECK(s->runs[i].hi <= GR_MAX_POSITION);
		if (i > 0)
			CHECK((uint64_t) s->runs[i - 1].hi + 1 < s->runs[i].lo);
	}
}

/* Encode s canonically; check the bytes decode back to s and are stable. */
static uint8_t *
check_roundtrip(const GrSet *s, size_t *len_out)
{
	GrKind		kind;
	size_t		len = grcodec_encoded_size(s, &kind);
	uint8_t    *buf = gr_alloc(len);
	uint8_t    *buf2;
	GrSet		back;
	uint64_t	n = grset_count(s);

	grcodec_encode(s, buf, len);
	CHECK((buf[0] & 0x0f) == (uint8_t) kind);
	grset_init(&back);
	CHECK(grcodec_decode(buf, len, &back) == GR_OK);
	CHECK(grset_equal(&back, s));
	/* canonical: encoding the decoded set gives the same bytes */
	CHECK(grcodec_encoded_size(&back, NULL) == len);
	buf2 = gr_alloc(len);
	grcodec_encode(&back, buf2, len);
	CHECK(memcmp(buf, buf2, len) == 0);
	/* the cheap readers agree with the set */
	CHECK(grcodec_count(buf, len) == n);
	if (s->nruns > 0)
	{
		uint32_t	lo = s->runs[0].lo,
					hi = s->runs[s->nruns - 1].hi;

		CHECK(grcodec_contains(buf, len, lo));
		CHECK(grcodec_contains(buf, len, hi));
		if (lo > 0)
			CHECK(!grcodec_contains(buf, len, lo - 1));
		if (hi < GR_MAX_POSITION)
			CHECK(!grcodec_contains(buf, len, hi + 1));
	}
	grset_free(&back);
	gr_free(buf2);
	*len_out = len;
	return buf;
}

/* Decode untrusted bytes: rejected, or a valid set that round-trips. */
static bool
decode_checked(const uint8_t *data, size_t len, GrSet *s)
{
	GrStatus	st;
	size_t		elen;

	grset_init(s);
	st = grcodec_decode(data, len, s);
	if (st != GR_OK)
	{
		CHECK(s->nruns == 0);
		CHECK(grcodec_status_message(st) != NULL);
		return false;
	}
	check_valid(s);
	gr_free(check_roundtrip(s, &elen));
	return true;
}

static void
check_algebra(const GrSet *a, const GrSet *b, uint32_t pos)
{
	GrSet		u,
				i,
				d,
				t;
	uint64_t	na = grset_count(a),
				nb = grset_count(b);
	size_t		len;

	grset_init(&u);
	grset_init(&i);
	grset_init(&d);
	grset_init(&t);
	grset_union(&u, a, b);
	grset_intersect(&i, a, b);
	grset_difference(&d, a, b);
	check_valid(&u);
	check_valid(&i);
	check_valid(&d);
	gr_free(check_roundtrip(&u, &len));
	gr_free(check_roundtrip(&i, &len));
	gr_free(check_roundtrip(&d, &len));

	CHECK(grset_count(&u) + grset_count(&i) == na + nb);
	CHECK(grset_intersect_count(a, b) == grset_count(&i));
	CHECK(grset_overlaps(a, b) == (i.nruns > 0));
	CHECK(grset_is_subset(&i, a) && grset_is_subset(&i, b));
	CHECK(grset_is_subset(a, &u) && grset_is_subset(b, &u));
	CHECK(grset_is_subset(&d, a) && !grset_overlaps(&d, b));
	/* (A - B) | (A & B) = A */
	grset_union(&t, &d, &i);
	CHECK(grset_equal(&t, a));
	CHECK(grset_equal(a, b) == (grset_is_subset(a, b) && grset_is_subset(b, a)));

	/* add / remove one position */
	grset_free(&t);
	grset_init(&t);
	grset_union(&t, a, a);
	CHECK(grset_equal(&t, a));
	grset_add(&t, pos);
	check_valid(&t);
	CHECK(grset_contains(&t, pos));
	CHECK(grset_count(&t) == na + (grset_contains(a, pos) ? 0 : 1));
	grset_remove(&t, pos);
	check_valid(&t);
	CHECK(!grset_contains(&t, pos));
	CHECK(grset_count(&t) == na - (grset_contains(a, pos) ? 1 : 0));

	grset_free(&u);
	grset_free(&i);
	grset_free(&d);
	grset_free(&t);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t		split;
	GrSet		a,
				b;
	bool		oka,
				okb;
	uint32_t	pos;

	if (size < 1)
		return 0;
	split = (size - 1) ? data[0] % size : 0;
	/* a position near the sets' contents, or anywhere */
	pos = (uint32_t) (data[0] * 2654435761u) % (GR_MAX_POSITION + 1u);
	if (data[0] & 1)
		pos = data[0] * 7u;

	oka = decode_checked(data + 1, split, &a);
	okb = decode_checked(data + 1 + split, size - 1 - split, &b);
	if (oka && okb)
		check_algebra(&a, &b, pos);
	else if (oka)
		check_algebra(&a, &a, pos);
	grset_free(&a);
	grset_free(&b);
	return 0;
}
