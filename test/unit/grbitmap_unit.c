/*
 * grbitmap_unit.c
 *	  Standalone tests of the pure C bitmap core (no server), built with
 *	  AddressSanitizer and UBSan by `make unitcheck`.
 *
 * 1. Set algebra and the codec against a plain bool-array model, on random
 *    sets of many densities and shapes within small universes.
 * 2. Canonical encoding: encode(decode(encode(s))) is byte-identical, and
 *    the cheap readers (count/contains on bytes) agree with the set.
 * 3. Robustness: decoding random and mutated byte strings never crashes
 *    and, when it succeeds, yields a valid set whose re-encoding decodes to
 *    the same set.
 *
 * Exit status is non-zero on the first failure.
 */
#include "grbitmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit_check.h"

/* gr_alloc, gr_realloc, gr_free: test/unit/gr_alloc_libc.c */

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	return xorshift64(&rng_state);
}

/* Model: bool array over [base, base + width). */
typedef struct Model
{
	uint32_t	base;
	uint32_t	width;
	uint8_t    *bit;
} Model;

static void
model_random(Model *m, uint32_t base, uint32_t width, int shape)
{
	uint32_t	i;
	uint32_t	density = (uint32_t) (rnd() % 101);

	m->base = base;
	m->width = width;
	m->bit = calloc(width, 1);
	for (i = 0; i < width; i++)
	{
		switch (shape)
		{
			case 0:				/* uniform */
				m->bit[i] = (rnd() % 100) < density;
				break;
			case 1:				/* runs */
				m->bit[i] = i > 0 && (rnd() % 50) ? m->bit[i - 1] : (rnd() % 100) < density;
				break;
			default:			/* empty or full */
				m->bit[i] = (density & 1);
				break;
		}
	}
}

static void
model_to_set(const Model *m, GrSet *s)
{
	uint32_t	i;

	grset_init(s);
	for (i = 0; i < m->width; i++)
		if (m->bit[i])
			grset_append_run(s, m->base + i, m->base + i);
}

static int
set_matches_model(const GrSet *s, const uint8_t *bits, uint32_t base, uint32_t width)
{
	uint32_t	i;
	uint64_t	n = 0;

	for (i = 0; i < s->nruns; i++)
	{
		if (s->runs[i].lo > s->runs[i].hi)
			return 0;
		if (i > 0 && (uint64_t) s->runs[i - 1].hi + 1 >= s->runs[i].lo)
			return 0;			/* not maximal */
		if (s->runs[i].lo < base || s->runs[i].hi >= base + width)
			return 0;
	}
	for (i = 0; i < width; i++)
	{
		if (grset_contains(s, base + i) != (bits[i] != 0))
			return 0;
		n += bits[i] != 0;
	}
	return grset_count(s) == n;
}

static void
check_codec(const GrSet *s)
{
	size_t		len = grcodec_encoded_size(s, NULL);
	uint8_t    *buf = malloc(len);
	uint8_t    *buf2;
	GrSet		back;
	GrStatus	st;
	uint32_t	i;

	grcodec_encode(s, buf, len);
	st = grcodec_decode(buf, len, &back);
	CHECK(st == GR_OK, "decode of own encoding failed: %d", st);
	CHECK(grset_equal(s, &back), "decode(encode(s)) != s");
	CHECK(grcodec_count(buf, len) == grset_count(s), "count on bytes differs");
	CHECK(grcodec_encoded_size(&back, NULL) == len, "re-encoded size differs");
	buf2 = malloc(len);
	grcodec_encode(&back, buf2, len);
	CHECK(memcmp(buf, buf2, len) == 0, "encoding is not canonical");
	for (i = 0; i < s->nruns && i < 64; i++)
	{
		CHECK(grcodec_contains(buf, len, s->runs[i].lo), "contains lo");
		CHECK(grcodec_contains(buf, len, s->runs[i].hi), "contains hi");
		if (s->runs[i].lo > 0)
			CHECK(!grcodec_contains(buf, len, s->runs[i].lo - 1), "contains before run");
		if (s->runs[i].hi < GR_MAX_POSITION)
			CHECK(!grcodec_contains(buf, len, s->runs[i].hi + 1), "contains after run");
	}
	grset_free(&back);
	free(buf);
	free(buf2);
}

static void
test_algebra(int rounds)
{
	int			r;

	for (r = 0; r < rounds; r++)
	{
		uint32_t	width = 1 + (uint32_t) (rnd() % 3000);
		uint32_t	base = (rnd() % 4 == 0) ? GR_MAX_POSITION + 1 - width : (uint32_t) (rnd() % 200000);
		Model		ma,
					mb;
		GrSet		a,
					b,
					u,
					x,
					d,
					c;
		uint8_t    *eu = malloc(width),
				   *ex = malloc(width),
				   *ed = malloc(width);
		uint32_t	i;
		int			subset = 1,
					overlap = 0;
		uint64_t	nx = 0;
		uint32_t	probe;

		model_random(&ma, base, width, (int) (rnd() % 3));
		model_random(&mb, base, width, (int) (rnd() % 3));
		model_to_set(&ma, &a);
		model_to_set(&mb, &b);
		for (i = 0; i < width; i++)
		{
			eu[i] = ma.bit[i] | mb.bit[i];
			ex[i] = ma.bit[i] & mb.bit[i];
			ed[i] = ma.bit[i] & !mb.bit[i];
			if (ma.bit[i] && !mb.bit[i])
				subset = 0;
			if (ex[i])
			{
				overlap = 1;
				nx++;
			}
		}
		grset_union(&u, &a, &b);
		grset_intersect(&x, &a, &b);
		grset_difference(&d, &a, &b);
		CHECK(set_matches_model(&a, ma.bit, base, width), "model_to_set");
		CHECK(set_matches_model(&u, eu, base, width), "union (round %d)", r);
		CHECK(set_matches_model(&x, ex, base, width), "intersection (round %d)", r);
		CHECK(set_matches_model(&d, ed, base, width), "difference (round %d)", r);
		CHECK(grset_is_subset(&a, &b) == subset, "subset (round %d)", r);
		CHECK(grset_overlaps(&a, &b) == overlap, "overlaps (round %d)", r);
		CHECK(grset_intersect_count(&a, &b) == nx, "intersect_count (round %d)", r);
		CHECK(grset_equal(&a, &a), "equal to itself");

		/* add/remove against the model */
		grset_union(&c, &a, &a);
		CHECK(grset_equal(&c, &a), "a | a == a");
		for (i = 0; i < 20; i++)
		{
			probe = base + (uint32_t) (rnd() % width);
			if (rnd() & 1)
			{
				grset_add(&c, probe);
				ma.bit[probe - base] = 1;
			}
			else
			{
				grset_remove(&c, probe);
				ma.bit[probe - base] = 0;
			}
		}
		CHECK(set_matches_model(&c, ma.bit, base, width), "add/remove (round %d)", r);

		check_codec(&a);
		check_codec(&u);
		check_codec(&x);
		check_codec(&d);
		check_codec(&c);

		grset_free(&a);
		grset_free(&b);
		grset_free(&u);
		grset_free(&x);
		grset_free(&d);
		grset_free(&c);
		free(ma.bit);
		free(mb.bit);
		free(eu);
		free(ex);
		free(ed);
	}
}

static void
test_wide(void)
{
	GrSet		full,
				hole,
				back;
	uint8_t		buf[32];
	size_t		len;

	grset_init(&full);
	grset_append_run(&full, 0, GR_MAX_POSITION);
	CHECK(grset_count(&full) == (uint64_t) GR_MAX_POSITION + 1, "full count");
	len = grcodec_encoded_size(&full, NULL);
	CHECK(len <= 7, "full range encodes in %zu bytes", len);
	grcodec_encode(&full, buf, len);
	CHECK(grcodec_decode(buf, len, &back) == GR_OK && grset_equal(&back, &full), "full round trip");
	grset_free(&back);
	grset_init(&hole);
	grset_append_run(&hole, 5, 5);
	grset_difference(&back, &full, &hole);
	CHECK(back.nruns == 2 && grset_count(&back) == GR_MAX_POSITION, "full minus one");
	grset_free(&back);
	grset_free(&hole);
	grset_free(&full);
}

static void
test_decode_garbage(int rounds)
{
	int			r;
	uint8_t		buf[64];

	for (r = 0; r < rounds; r++)
	{
		size_t		len = (size_t) (rnd() % sizeof(buf));
		size_t		i;
		GrSet		s;

		for (i = 0; i < len; i++)
			buf[i] = (uint8_t) rnd();
		/* bias towards a valid format byte so payload parsers get exercised */
		if (len > 0 && (rnd() % 4))
			buf[0] = (uint8_t) ((GR_FORMAT_VERSION << 4) | (rnd() % GR_KIND_COUNT_));
		if (grcodec_decode(buf, len, &s) == GR_OK)
		{
			uint32_t	k;

			for (k = 0; k < s.nruns; k++)
			{
				CHECK(s.runs[k].lo <= s.runs[k].hi && s.runs[k].hi <= GR_MAX_POSITION,
					  "decoded run out of range");
				CHECK(k == 0 || (uint64_t) s.runs[k - 1].hi + 1 < s.runs[k].lo,
					  "decoded runs not maximal");
			}
			CHECK(grcodec_count(buf, len) == grset_count(&s), "count on accepted bytes");
			check_codec(&s);
			grset_free(&s);
		}
	}
}

int
main(void)
{
	test_wide();
	test_algebra(2000);
	test_decode_garbage(200000);
	if (failures)
	{
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("grbitmap unit tests passed\n");
	return 0;
}
