/*
 * grvector_unit.c
 *	  Standalone tests of the watermark-vector codec (src/grvector_codec.c),
 *	  no server, built with AddressSanitizer and UBSan by `make unitcheck`.
 *
 * 1. Round trip: random vectors of every shape (0 .. 3000 slots; equal,
 *    close, random and extreme watermarks; uids in joining order, random
 *    and extreme) encode to exactly grvector_encoded_size() bytes and
 *    decode to the same values; decoding without uids gives the same
 *    watermarks.
 * 2. Robustness: every strict prefix of a valid encoding (copied into a
 *    buffer of exactly its length, so ASan sees an overread) is rejected;
 *    a trailing byte is rejected; random and mutated byte strings never
 *    crash the decoder and, when accepted, encode back to the same bytes.
 * 3. Each rejection the decoder documents, on a hand-made input.
 * 4. Sizes: 640 members with nobody / everybody / half read at random
 *    (the storage benchmark's group), printed and held to the budget of
 *    docs/engine-v2.md (at most 2 bytes per slot when the readers are
 *    within 127 messages of each other and uids are dense).
 *
 * Exit status is non-zero after any failure.
 */
#include "grvector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit_check.h"

/* gr_alloc, gr_realloc, gr_free: test/unit/gr_alloc_libc.c */

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

static uint64_t
rnd(void)
{
	return xorshift64(&rng_state);
}

static uint8_t *
encode(const int64_t *wm, const int64_t *uid, uint32_t n, size_t *len)
{
	uint8_t    *buf;

	*len = grvector_encoded_size(wm, uid, n);
	buf = malloc(*len + 1);
	buf[*len] = 0xA5;			/* canary past the end */
	grvector_encode(wm, uid, n, buf, *len);
	CHECK(buf[*len] == 0xA5, "encoder wrote past its announced size %zu", *len);
	return buf;
}

/* decode a copy of exactly len bytes (so ASan sees an overread) */
static GrvStatus
decode_exact(const uint8_t *src, size_t len, uint32_t *n, int64_t **wm, int64_t **uid)
{
	uint8_t    *copy = malloc(len ? len : 1);
	GrvStatus	st;

	if (len > 0)
		memcpy(copy, src, len);
	*wm = NULL;
	*uid = NULL;
	st = grvector_count(copy, len, n);
	if (st == GRV_OK)
	{
		*wm = malloc(((size_t) *n + 1) * sizeof(int64_t));
		*uid = malloc(((size_t) *n + 1) * sizeof(int64_t));
		st = grvector_decode(copy, len, *n, *wm, *uid);
	}
	free(copy);
	return st;
}

static void
random_vector(uint32_t n, int64_t *wm, int64_t *uid)
{
	int			wshape = (int) (rnd() % 5),
				ushape = (int) (rnd() % 4);
	int64_t		base = (int64_t) (rnd() % 100000),
				u = (int64_t) (rnd() % 1000);
	uint32_t	i;

	for (i = 0; i < n; i++)
	{
		switch (wshape)
		{
			case 0:
				wm[i] = base;
				break;
			case 1:
				wm[i] = base - (int64_t) (rnd() % 200);
				break;
			case 2:
				wm[i] = (int64_t) (rnd() % 2 ? rnd() % 5000 : 0);
				break;
			case 3:
				wm[i] = (int64_t) rnd();
				break;
			default:
				wm[i] = rnd() % 2 ? INT64_MAX : INT64_MIN;
		}
		switch (ushape)
		{
			case 0:
				uid[i] = ++u;
				break;
			case 1:
				u += (int64_t) (rnd() % 70000) + 1;
				uid[i] = u;
				break;
			case 2:
				uid[i] = (int64_t) rnd();
				break;
			default:
				uid[i] = rnd() % 2 ? INT64_MAX : INT64_MIN;
		}
	}
}

static void
test_roundtrip(void)
{
	int			iter;

	for (iter = 0; iter < 600; iter++)
	{
		uint32_t	n = iter < 5 ? (uint32_t) iter : (uint32_t) (rnd() % (iter % 10 == 0 ? 3000 : 64));
		int64_t    *wm = malloc(((size_t) n + 1) * sizeof(int64_t)),
				   *uid = malloc(((size_t) n + 1) * sizeof(int64_t)),
				   *wm2,
				   *uid2,
				   *wm3;
		uint32_t	n2,
					i;
		size_t		len,
					cut;
		uint8_t    *buf,
				   *longer;
		GrvStatus	st;

		random_vector(n, wm, uid);
		buf = encode(wm, uid, n, &len);
		st = decode_exact(buf, len, &n2, &wm2, &uid2);
		CHECK(st == GRV_OK, "iteration %d: decode failed: %s", iter, grvector_status_message(st));
		CHECK(n2 == n, "iteration %d: %u slots back, %u in", iter, n2, n);
		if (st == GRV_OK)
			for (i = 0; i < n; i++)
			{
				CHECK(wm2[i] == wm[i], "iteration %d slot %u: watermark differs", iter, i);
				CHECK(uid2[i] == uid[i], "iteration %d slot %u: uid differs", iter, i);
			}
		/* the watermarks alone */
		wm3 = malloc(((size_t) n + 1) * sizeof(int64_t));
		st = grvector_decode(buf, len, n, wm3, NULL);
		CHECK(st == GRV_OK, "iteration %d: watermark-only decode failed", iter);
		for (i = 0; st == GRV_OK && i < n; i++)
			CHECK(wm3[i] == wm[i], "iteration %d slot %u: watermark-only differs", iter, i);
		/* every strict prefix is rejected */
		for (cut = 0; cut < len; cut += (len > 200 ? 1 + rnd() % 37 : 1))
		{
			int64_t    *a,
					   *b;
			uint32_t	m;

			st = decode_exact(buf, cut, &m, &a, &b);
			CHECK(st != GRV_OK, "iteration %d: prefix of %zu of %zu bytes accepted", iter, cut, len);
			free(a);
			free(b);
		}
		/* a trailing byte is rejected */
		longer = malloc(len + 1);
		memcpy(longer, buf, len);
		longer[len] = 0;
		free(wm2);
		free(uid2);
		st = decode_exact(longer, len + 1, &n2, &wm2, &uid2);
		CHECK(st == GRV_ERR_TRAILING, "iteration %d: trailing byte gave %s", iter,
			  grvector_status_message(st));
		free(longer);
		free(wm2);
		free(uid2);
		free(wm3);
		free(buf);
		free(wm);
		free(uid);
	}
}

/* accepted input must encode back to the same bytes */
static void
check_accepted(const uint8_t *src, size_t len, const char *what)
{
	int64_t    *wm,
			   *uid;
	uint32_t	n;
	GrvStatus	st = decode_exact(src, len, &n, &wm, &uid);

	CHECK(grvector_status_message(st) != NULL, "%s: no message", what);
	if (st == GRV_OK)
	{
		size_t		len2;
		uint8_t    *back = encode(wm, uid, n, &len2);

		CHECK(len2 == len && memcmp(back, src, len) == 0, "%s: accepted bytes do not re-encode", what);
		free(back);
	}
	free(wm);
	free(uid);
}

static void
test_robustness(void)
{
	int			iter;

	for (iter = 0; iter < 100000; iter++)
	{
		uint8_t		buf[24];
		size_t		len = rnd() % sizeof(buf),
					i;

		for (i = 0; i < len; i++)
			buf[i] = (uint8_t) rnd();
		if (len > 0 && iter % 2 == 0)
			buf[0] = GRV_FORMAT_VERSION << 4;
		if (len > 1 && iter % 4 == 0)
			buf[1] = (uint8_t) (rnd() % 4);
		check_accepted(buf, len, "random bytes");
	}
	for (iter = 0; iter < 2000; iter++)
	{
		uint32_t	n = (uint32_t) (rnd() % 20);
		int64_t		wm[20],
					uid[20];
		size_t		len;
		uint8_t    *buf;

		random_vector(n, wm, uid);
		buf = encode(wm, uid, n, &len);
		buf[rnd() % len] ^= (uint8_t) (1u << (rnd() % 8));
		check_accepted(buf, len, "mutated vector");
		free(buf);
	}
}

static void
expect(const uint8_t *src, size_t len, GrvStatus want, const char *what)
{
	int64_t    *wm,
			   *uid;
	uint32_t	n;
	GrvStatus	st = decode_exact(src, len, &n, &wm, &uid);

	CHECK(st == want, "%s: got \"%s\", want \"%s\"", what, grvector_status_message(st),
		  grvector_status_message(want));
	free(wm);
	free(uid);
}

static void
test_rejections(void)
{
	const uint8_t f = GRV_FORMAT_VERSION << 4;
	/* two slots, top 5 (zigzag 10), distances 0 and 2, uids 1 and 2 */
	const uint8_t good[] = {f, 2, 10, 0, 2, 2, 2};
	const uint8_t version[] = {(GRV_FORMAT_VERSION + 1) << 4, 0};
	const uint8_t flags[] = {f | 1, 0};
	const uint8_t count[] = {f, 0x80, 0x80, 0x80, 0x80, 0x08};	/* 2^31 + ... */
	const uint8_t bad_uid[] = {f, 2, 10, 0, 2, 0x82, 0x00};	/* the second uid overlong */
	const uint8_t too_many[] = {f, 3, 10, 0, 2, 2, 2};	/* 3 slots need 6 bytes */
	const uint8_t overlong[] = {f, 0x82, 0x00, 10, 0, 2, 2, 2};
	const uint8_t truncated[] = {f, 2, 10, 0};
	const uint8_t not_at_top[] = {f, 2, 10, 1, 2, 2, 2};
	/* top INT64_MIN (zigzag 2^64 - 1), a distance of 1 wraps above it */
	const uint8_t wraps[] = {f, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0, 1, 2, 2};
	const uint8_t trailing[] = {f, 2, 10, 0, 2, 2, 2, 0};
	const uint8_t empty_trailing[] = {f, 0, 0};
	const uint8_t empty[] = {f, 0};
	int64_t		wm[2],
				uid[2];

	expect(good, sizeof(good), GRV_OK, "good");
	CHECK(grvector_decode(good, sizeof(good), 2, wm, uid) == GRV_OK && wm[0] == 5 && wm[1] == 3 &&
		  uid[0] == 1 && uid[1] == 2, "good: wrong values");
	CHECK(grvector_decode(good, sizeof(good), 3, wm, uid) == GRV_ERR_COUNT, "count other than given");
	expect(empty, sizeof(empty), GRV_OK, "no slots");
	expect(NULL, 0, GRV_ERR_EMPTY_INPUT, "no bytes");
	expect(version, sizeof(version), GRV_ERR_VERSION, "version");
	expect(flags, sizeof(flags), GRV_ERR_VERSION, "flags");
	expect(count, sizeof(count), GRV_ERR_COUNT, "count above GRV_MAX_SLOTS");
	expect(too_many, sizeof(too_many), GRV_ERR_TRUNCATED, "count the bytes cannot hold");
	expect(overlong, sizeof(overlong), GRV_ERR_VARINT, "overlong count");
	expect(truncated, sizeof(truncated), GRV_ERR_TRUNCATED, "truncated");
	expect(not_at_top, sizeof(not_at_top), GRV_ERR_TOP, "no slot at top");
	expect(wraps, sizeof(wraps), GRV_ERR_TOP, "distance wraps above top");
	expect(trailing, sizeof(trailing), GRV_ERR_TRAILING, "trailing");
	expect(empty_trailing, sizeof(empty_trailing), GRV_ERR_TRAILING, "no slots, trailing");
	/* without uids, the uid section is not read */
	CHECK(grvector_decode(truncated, sizeof(truncated), 2, wm, NULL) == GRV_ERR_TRUNCATED,
		  "watermark-only decode of a truncated vector");
	CHECK(grvector_decode(bad_uid, sizeof(bad_uid), 2, wm, NULL) == GRV_OK && wm[1] == 3,
		  "watermark-only decode ignores the uids");
	expect(bad_uid, sizeof(bad_uid), GRV_ERR_VARINT, "overlong uid");
}

static void
test_sizes(void)
{
	const uint32_t n = 640;
	const int64_t nmsgs = 4096;
	int64_t		wm[640],
				uid[640];
	const char *states[] = {"nobody", "everybody", "half at random"};
	int			s;

	for (s = 0; s < 3; s++)
	{
		uint32_t	i;
		size_t		len;

		for (i = 0; i < n; i++)
		{
			uid[i] = i + 1;
			/* explicit reads leave the watermarks where they were */
			wm[i] = s == 1 ? nmsgs : 0;
		}
		len = grvector_encoded_size(wm, uid, n);
		printf("  vector of %u members, %s read: %zu bytes (%.2f per slot)\n", n, states[s], len,
			   (double) len / n);
		CHECK(len <= 2 * (size_t) n + 16, "%s: %zu bytes is over the budget", states[s], len);
	}
}

int
main(void)
{
	test_roundtrip();
	test_robustness();
	test_rejections();
	test_sizes();
	if (failures)
	{
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("grvector_unit: all tests passed\n");
	return 0;
}
