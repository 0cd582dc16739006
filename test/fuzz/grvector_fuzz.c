/*
 * grvector_fuzz.c
 *	  libFuzzer harness for the watermark-vector codec
 *	  (src/grvector_codec.c): decoding untrusted bytes (a W row's payload
 *	  as a tampered or corrupted table gives it).
 *
 * The input either is rejected or decodes to a vector that encodes to
 * exactly its announced size and to the same bytes; decoding the
 * watermarks alone accepts it too and gives the same watermarks.  Any
 * violation aborts.
 *
 * Built by `make fuzzcheck` with clang -fsanitize=fuzzer,address,undefined.
 */
#include "grvector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* gr_alloc, gr_realloc, gr_free: test/unit/gr_alloc_libc.c */

#define CHECK(cond) \
	do { if (!(cond)) { fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t	n,
				i;
	int64_t    *wm,
			   *uid,
			   *wm2;
	uint8_t    *buf;
	size_t		len;
	GrvStatus	st;

	st = grvector_count(data, size, &n);
	CHECK(grvector_status_message(st) != NULL);
	if (st != GRV_OK)
		return 0;
	CHECK(n <= size / 2);
	wm = malloc(((size_t) n + 1) * sizeof(int64_t));
	uid = malloc(((size_t) n + 1) * sizeof(int64_t));
	wm2 = malloc(((size_t) n + 1) * sizeof(int64_t));
	st = grvector_decode(data, size, n, wm, uid);
	CHECK(grvector_status_message(st) != NULL);
	if (st == GRV_OK)
	{
		len = grvector_encoded_size(wm, uid, n);
		CHECK(len == size);
		buf = malloc(len);
		grvector_encode(wm, uid, n, buf, len);
		CHECK(memcmp(buf, data, size) == 0);
		free(buf);
		CHECK(grvector_decode(data, size, n, wm2, NULL) == GRV_OK);
		for (i = 0; i < n; i++)
			CHECK(wm2[i] == wm[i]);
	}
	free(wm);
	free(uid);
	free(wm2);
	return 0;
}
