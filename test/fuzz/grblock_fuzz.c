/*
 * grblock_fuzz.c
 *	  libFuzzer harness for the sealed-block codec (src/grblock_codec.c):
 *	  decoding untrusted bytes (a block row's payload as a tampered or
 *	  corrupted table gives it).
 *
 * The input either is rejected -- leaving the block empty -- or decodes to
 * a block that passes grblock_check, encodes to exactly its announced size,
 * decodes back to the same block, encodes again to the same bytes, and
 * whose every msgid grblock_find locates.  Any violation aborts.
 *
 * Built by `make fuzzcheck` with clang -fsanitize=fuzzer,address,undefined.
 */
#include "grblock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* gr_alloc, gr_realloc, gr_free: test/unit/gr_alloc_libc.c */

#define CHECK(cond) \
	do { if (!(cond)) { fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

static void
check_same(const GrbBlock *a, const GrbBlock *b)
{
	uint32_t	i;

	CHECK(a->n == b->n);
	for (i = 0; i < a->n; i++)
	{
		CHECK(a->msgs[i].msgid == b->msgs[i].msgid);
		CHECK(a->msgs[i].sent_at == b->msgs[i].sent_at);
		CHECK(a->msgs[i].sender_slot == b->msgs[i].sender_slot);
		CHECK(a->msgs[i].snap_id == b->msgs[i].snap_id);
		CHECK(a->msgs[i].state == b->msgs[i].state);
		CHECK(grset_equal(&a->msgs[i].read, &b->msgs[i].read));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GrbBlock	b;
	GrbBlock	back;
	GrbStatus	st;
	size_t		len;
	uint8_t    *buf;
	uint8_t    *buf2;
	uint32_t	i;

	st = grblock_decode(data, size, &b);
	CHECK(grblock_status_message(st) != NULL);
	if (st != GRB_OK)
	{
		CHECK(b.n == 0 && b.msgs == NULL);
		return 0;
	}
	CHECK(grblock_check(b.msgs, b.n) == GRB_OK);
	for (i = 0; i < b.n; i++)
		CHECK(grblock_find(&b, b.msgs[i].msgid) == (int) i);

	len = grblock_encoded_size(b.msgs, b.n);
	CHECK(len <= size);			/* canonical bitmaps are never longer */
	buf = gr_alloc(len);
	grblock_encode(b.msgs, b.n, buf, len);
	CHECK(grblock_decode(buf, len, &back) == GRB_OK);
	check_same(&b, &back);
	buf2 = gr_alloc(len);
	CHECK(grblock_encoded_size(back.msgs, back.n) == len);
	grblock_encode(back.msgs, back.n, buf2, len);
	CHECK(memcmp(buf, buf2, len) == 0);

	gr_free(buf2);
	gr_free(buf);
	grblock_free(&back);
	grblock_free(&b);
	return 0;
}
