/*
 * grblock_unit.c
 *	  Standalone tests of the sealed-block codec (src/grblock_codec.c), no
 *	  server, built with AddressSanitizer and UBSan by `make unitcheck`.
 *
 * 1. Round trip: random blocks of every shape (1 .. 256 messages; dense,
 *    sparse and extreme msgids; equal, steady, random and extreme sent_at;
 *    snapshot runs; every read state with random bitmaps) encode to exactly
 *    grblock_encoded_size() bytes, decode to the same block, and encode
 *    again to the same bytes.
 * 2. Robustness: strict prefixes of a valid encoding are rejected;
 *    random and mutated byte strings never crash the decoder and, when
 *    accepted, decode to a block that passes grblock_check and round-trips.
 * 3. Each rejection the decoder and grblock_check document, on a hand-made
 *    input.
 * 4. grblock_find against a linear search.
 * 5. Sizes: 640 members x 4096 messages in blocks of 256, nobody / half at
 *    random / everybody read, in two shapes (the storage benchmark's and a
 *    chat's); printed, and held to the budget of docs/engine-v2.md.
 *
 * Exit status is non-zero on the first failure.
 */
#include "grblock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit_check.h"

/* gr_alloc, gr_realloc, gr_free: test/unit/gr_alloc_libc.c */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t
rnd(void)
{
	return xorshift64(&rng_state);
}

/* A random non-empty set of slots below members, of a random density. */
static void
random_slots(GrSet *s, uint32_t members, uint32_t permille)
{
	uint32_t	i;

	grset_init(s);
	for (i = 0; i < members; i++)
		if (rnd() % 1000 < permille)
			grset_append_run(s, i, i);
	if (s->nruns == 0)
		grset_add(s, (uint32_t) (rnd() % members));
}

static void
free_msgs(GrbMessage *m, uint32_t n)
{
	uint32_t	i;

	for (i = 0; i < n; i++)
		grset_free(&m[i].read);
	free(m);
}

/* A random block; shape picks how msgids and times are spread. */
static GrbMessage *
random_block(uint32_t n, int shape)
{
	GrbMessage *m = calloc(n, sizeof(GrbMessage));
	int64_t		msgid;
	int64_t		t;
	uint32_t	snap = 1 + (uint32_t) (rnd() % 5);
	uint32_t	members = 1 + (uint32_t) (rnd() % 2000);
	uint32_t	i;

	switch (shape % 4)
	{
		case 0:
			msgid = (int64_t) (rnd() % 1000000);
			t = (int64_t) (rnd() % (UINT64_C(1) << 50));
			break;
		case 1:					/* at the bottom of int64 */
			msgid = INT64_MIN + (int64_t) (rnd() % 3);
			t = INT64_MIN;
			break;
		case 2:					/* ending at the top of int64 */
			msgid = INT64_MAX - (int64_t) (n - 1) * 2 - (int64_t) (rnd() % 2);
			t = INT64_MAX;
			break;
		default:
			msgid = (int64_t) (rnd() >> 2);
			t = (int64_t) rnd();
			break;
	}
	for (i = 0; i < n; i++)
	{
		m[i].msgid = msgid;
		if (i + 1 < n)
		{
			if (shape % 4 == 2)
				msgid += 1 + (int64_t) (rnd() % 2);
			else if (rnd() % 3)
				msgid += 1;
			else
				msgid += 1 + (int64_t) (rnd() % 100000);
		}
		m[i].sent_at = t;
		switch ((shape / 4) % 3)
		{
			case 0:
				break;			/* all equal */
			case 1:
				t = (int64_t) ((uint64_t) t + 1000000 + rnd() % 1000);	/* steady, wrapping */
				break;
			default:
				t = (int64_t) rnd();	/* anything, extremes included */
				break;
		}
		m[i].sender_slot = rnd() % 50 ? (uint32_t) (rnd() % members) : GR_MAX_POSITION;
		if (rnd() % 40 == 0)	/* membership changed: a new snapshot */
			snap = rnd() % 20 ? snap % 7 + 1 : (snap == INT32_MAX ? 1 : (uint32_t) INT32_MAX);
		m[i].snap_id = snap;
		m[i].state = (GrbReadState) (rnd() % 3);
		if (m[i].state == GRB_READ_SOME)
			random_slots(&m[i].read, members, (uint32_t) (rnd() % 1001));
		else
			grset_init(&m[i].read);
	}
	return m;
}

static bool
blocks_equal(const GrbMessage *a, const GrbBlock *b, uint32_t n)
{
	uint32_t	i;

	if (b->n != n)
		return false;
	for (i = 0; i < n; i++)
	{
		const GrbMessage *x = &a[i];
		const GrbMessage *y = &b->msgs[i];

		if (x->msgid != y->msgid || x->sent_at != y->sent_at ||
			x->sender_slot != y->sender_slot || x->snap_id != y->snap_id ||
			x->state != y->state || !grset_equal(&x->read, &y->read))
			return false;
	}
	return true;
}

/* Encode into a buffer with a canary; returns the bytes (malloc'd). */
static uint8_t *
encode(const GrbMessage *m, uint32_t n, size_t *len_out)
{
	size_t		len = grblock_encoded_size(m, n);
	uint8_t    *buf = malloc(len + 8);

	memset(buf, 0xA5, len + 8);
	grblock_encode(m, n, buf, len);
	for (size_t i = len; i < len + 8; i++)
		CHECK(buf[i] == 0xA5, "encoder wrote past its size %zu", len);
	*len_out = len;
	return buf;
}

/* A decoded block must round-trip: check, encode, decode to the same block. */
static void
check_accepted(const GrbBlock *b)
{
	size_t		len2;
	uint8_t    *buf;
	GrbBlock	back;

	CHECK(grblock_check(b->msgs, b->n) == GRB_OK, "accepted block fails grblock_check");
	buf = encode(b->msgs, b->n, &len2);
	CHECK(grblock_decode(buf, len2, &back) == GRB_OK, "re-encoding does not decode");
	CHECK(blocks_equal(b->msgs, &back, b->n), "re-encoding decodes to another block");
	grblock_free(&back);
	free(buf);
}

static void
test_roundtrip(void)
{
	int			iter;

	for (iter = 0; iter < 800; iter++)
	{
		uint32_t	n = iter < 256 ? (uint32_t) iter + 1 : 1 + (uint32_t) (rnd() % GRB_MAX_MESSAGES);
		GrbMessage *m = random_block(n, iter);
		size_t		len,
					len2;
		uint8_t    *buf,
				   *buf2;
		GrbBlock	b;
		GrbStatus	st;

		CHECK(grblock_check(m, n) == GRB_OK, "random block %d invalid: %s", iter,
			  grblock_status_message(grblock_check(m, n)));
		buf = encode(m, n, &len);
		st = grblock_decode(buf, len, &b);
		CHECK(st == GRB_OK, "block %d (n %u) does not decode: %s", iter, n, grblock_status_message(st));
		if (st == GRB_OK)
		{
			CHECK(blocks_equal(m, &b, n), "block %d decodes to another block", iter);
			buf2 = encode(b.msgs, b.n, &len2);
			CHECK(len2 == len && memcmp(buf, buf2, len) == 0, "block %d: encoding not stable", iter);
			free(buf2);
			grblock_free(&b);
		}

		/* strict prefixes (all of a short block, 64 of a long) are rejected */
		for (size_t k = 0; k < (len < 64 ? len : 64); k++)
		{
			size_t		cut = len < 64 ? k : (k < 32 ? k : rnd() % len);
			uint8_t    *prefix = malloc(cut ? cut : 1);	/* exactly cut bytes: ASan sees an overread */

			memcpy(prefix, buf, cut);
			st = grblock_decode(prefix, cut, &b);
			free(prefix);
			CHECK(st != GRB_OK, "block %d: prefix of %zu of %zu bytes accepted", iter, cut, len);
			CHECK(b.n == 0 && b.msgs == NULL, "rejected decode left a block");
		}

		/* mutations: never a crash; accepted ones round-trip */
		for (int k = 0; k < 8; k++)
		{
			uint8_t    *mut = malloc(len + 1);
			size_t		mlen = len;

			memcpy(mut, buf, len);
			switch (rnd() % 3)
			{
				case 0:
					mut[rnd() % len] ^= (uint8_t) (1 << (rnd() % 8));
					break;
				case 1:
					mut[rnd() % len] = (uint8_t) rnd();
					break;
				default:
					mut[len] = (uint8_t) rnd();
					mlen = len + 1;	/* a trailing byte */
					break;
			}
			if (mlen == len)
			{
				uint8_t    *exact = malloc(len);	/* ASan sees an overread */

				memcpy(exact, mut, len);
				free(mut);
				mut = exact;
			}
			st = grblock_decode(mut, mlen, &b);
			if (mlen == len + 1)
				CHECK(st != GRB_OK, "block %d: trailing byte accepted", iter);
			if (st == GRB_OK)
			{
				check_accepted(&b);
				grblock_free(&b);
			}
			free(mut);
		}
		free(buf);
		free_msgs(m, n);
	}

	/* random bytes behind a valid format byte */
	for (iter = 0; iter < 100000; iter++)
	{
		uint8_t		junk[64];
		size_t		len = 1 + rnd() % sizeof(junk);
		GrbBlock	b;

		for (size_t i = 0; i < len; i++)
			junk[i] = (uint8_t) rnd();
		junk[0] = (uint8_t) (GRB_FORMAT_VERSION << 4);
		if (len > 1 && rnd() % 2)
			junk[1] = (uint8_t) (rnd() % 4);	/* a few messages */
		if (grblock_decode(junk, len, &b) == GRB_OK)
		{
			check_accepted(&b);
			grblock_free(&b);
		}
	}
}

static GrbStatus
decode_status(const uint8_t *src, size_t len)
{
	GrbBlock	b;
	GrbStatus	st = grblock_decode(src, len, &b);

	grblock_free(&b);
	return st;
}

static void
test_rejections(void)
{
	/* one message: msgid 5, slot 3, snapshot 2, sent_at 0, state none */
	const uint8_t ok[] = {0x10, 0x00, 0x0A, 0x03, 0x01, 0x02, 0x00, 0x00, 0x00};
	GrbBlock	b;
	GrbMessage	m[2];

	CHECK(grblock_decode(ok, sizeof(ok), &b) == GRB_OK, "hand-made block rejected");
	CHECK(b.n == 1 && b.msgs[0].msgid == 5 && b.msgs[0].sender_slot == 3 &&
		  b.msgs[0].snap_id == 2 && b.msgs[0].sent_at == 0 &&
		  b.msgs[0].state == GRB_READ_NONE, "hand-made block decodes wrongly");
	grblock_free(&b);

	CHECK(decode_status(ok, 0) == GRB_ERR_EMPTY_INPUT, "empty");
	{
		uint8_t		v[sizeof(ok)];

		memcpy(v, ok, sizeof(ok));
		v[0] = 0x20;
		CHECK(decode_status(v, sizeof(v)) == GRB_ERR_VERSION, "version 2");
		v[0] = 0x11;
		CHECK(decode_status(v, sizeof(v)) == GRB_ERR_VERSION, "flags");
	}
	{
		const uint8_t many[] = {0x10, 0x80, 0x02};	/* n - 1 = 256 */

		CHECK(decode_status(many, sizeof(many)) == GRB_ERR_COUNT, "257 messages");
	}
	{
		const uint8_t overlong[] = {0x10, 0x80, 0x00};	/* n - 1 = 0, in two bytes */

		CHECK(decode_status(overlong, sizeof(overlong)) == GRB_ERR_VARINT, "overlong varint");
	}
	{
		/* msgid: zigzag 2^64 - 1 is INT64_MIN; a gap of 2^64 - 2 passes INT64_MAX */
		const uint8_t over[] = {0x10, 0x01,
			0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};

		CHECK(decode_status(over, sizeof(over)) == GRB_ERR_ORDER, "msgid overflow");
	}
	{
		const uint8_t big[] = {0x10, 0x00,
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};	/* 65 bits */

		CHECK(decode_status(big, sizeof(big)) == GRB_ERR_VARINT, "65-bit varint");
	}
	{
		uint8_t		v[sizeof(ok)];

		memcpy(v, ok, sizeof(ok));
		v[5] = 0x00;			/* snapshot id 0 */
		CHECK(decode_status(v, sizeof(v)) == GRB_ERR_SNAPSHOT, "snapshot 0");
		memcpy(v, ok, sizeof(ok));
		v[4] = 0x00;			/* no runs */
		CHECK(decode_status(v, sizeof(v)) == GRB_ERR_SNAPSHOT, "no snapshot runs");
		memcpy(v, ok, sizeof(ok));
		v[6] = 0x01;			/* a run of 2 in a block of 1 */
		CHECK(decode_status(v, sizeof(v)) == GRB_ERR_SNAPSHOT, "run too long");
		memcpy(v, ok, sizeof(ok));
		v[8] = 0x03;			/* state 3 */
		CHECK(decode_status(v, sizeof(v)) == GRB_ERR_STATE, "state 3");
		v[8] = 0x04;			/* state bits of a second message */
		CHECK(decode_status(v, sizeof(v)) == GRB_ERR_STATE, "stray state bits");
		v[8] = 0x02;			/* some read, but no bitmap follows */
		CHECK(decode_status(v, sizeof(v)) == GRB_ERR_TRUNCATED, "missing bitmap");
	}
	{
		/* two messages 5, 6 in two runs of the same snapshot */
		const uint8_t rep[] = {0x10, 0x01, 0x0A, 0x00, 0x03, 0x03, 0x02, 0x02, 0x00, 0x02, 0x00,
		0x00, 0x00, 0x00};

		CHECK(decode_status(rep, sizeof(rep)) == GRB_ERR_SNAPSHOT, "repeated snapshot run");
	}
	{
		/* some read with a bitmap of length 1 holding the empty set (0x10) */
		const uint8_t empty_set[] = {0x10, 0x00, 0x0A, 0x03, 0x01, 0x02, 0x00, 0x00, 0x02, 0x01, 0x10};
		const uint8_t bad_set[] = {0x10, 0x00, 0x0A, 0x03, 0x01, 0x02, 0x00, 0x00, 0x02, 0x01, 0x1F};
		const uint8_t good_set[] = {0x10, 0x00, 0x0A, 0x03, 0x01, 0x02, 0x00, 0x00, 0x02, 0x03, 0x11, 0x04, 0x00};

		CHECK(decode_status(empty_set, sizeof(empty_set)) == GRB_ERR_STATE, "empty read bitmap");
		CHECK(decode_status(bad_set, sizeof(bad_set)) == GRB_ERR_BITMAP, "bad read bitmap");
		CHECK(grblock_decode(good_set, sizeof(good_set), &b) == GRB_OK, "run bitmap rejected");
		CHECK(b.n == 1 && grset_count(&b.msgs[0].read) == 1 && grset_contains(&b.msgs[0].read, 4),
			  "run bitmap decodes wrongly");
		grblock_free(&b);
	}
	{
		uint8_t		v[sizeof(ok) + 1];

		memcpy(v, ok, sizeof(ok));
		v[sizeof(ok)] = 0;
		CHECK(decode_status(v, sizeof(v)) == GRB_ERR_TRAILING, "trailing byte");
	}

	/* what the encoder refuses */
	memset(m, 0, sizeof(m));
	grset_init(&m[0].read);
	grset_init(&m[1].read);
	m[0].msgid = 1;
	m[0].snap_id = 1;
	m[1].msgid = 1;
	m[1].snap_id = 1;
	CHECK(grblock_check(m, 0) == GRB_ERR_COUNT, "check: no messages");
	CHECK(grblock_check(m, GRB_MAX_MESSAGES + 1) == GRB_ERR_COUNT, "check: too many");
	CHECK(grblock_check(m, 2) == GRB_ERR_ORDER, "check: equal msgids");
	m[1].msgid = 2;
	CHECK(grblock_check(m, 2) == GRB_OK, "check: two messages");
	m[1].snap_id = 0;
	CHECK(grblock_check(m, 2) == GRB_ERR_SNAPSHOT, "check: snapshot 0");
	m[1].snap_id = 1;
	m[1].state = GRB_READ_SOME;
	CHECK(grblock_check(m, 2) == GRB_ERR_STATE, "check: some read, empty set");
	grset_append_run(&m[1].read, 7, 9);
	CHECK(grblock_check(m, 2) == GRB_OK, "check: some read");
	m[1].state = GRB_READ_ALL;
	CHECK(grblock_check(m, 2) == GRB_ERR_STATE, "check: all read with bits");
	m[1].state = (GrbReadState) 3;
	CHECK(grblock_check(m, 2) == GRB_ERR_STATE, "check: state 3");
	grset_free(&m[1].read);
}

static void
test_find(void)
{
	for (int iter = 0; iter < 200; iter++)
	{
		uint32_t	n = 1 + (uint32_t) (rnd() % GRB_MAX_MESSAGES);
		GrbMessage *m = random_block(n, iter);
		GrbBlock	b;
		size_t		len;
		uint8_t    *buf = encode(m, n, &len);

		CHECK(grblock_decode(buf, len, &b) == GRB_OK, "find: decode");
		for (uint32_t i = 0; i < n; i++)
		{
			CHECK(grblock_find(&b, m[i].msgid) == (int) i, "find: msgid %u of %u", i, n);
			if (m[i].msgid > INT64_MIN && (i == 0 || m[i - 1].msgid != m[i].msgid - 1))
				CHECK(grblock_find(&b, m[i].msgid - 1) == -1, "find: a gap found");
		}
		if (m[n - 1].msgid < INT64_MAX)
			CHECK(grblock_find(&b, m[n - 1].msgid + 1) == -1, "find: past the end");
		grblock_free(&b);
		free(buf);
		free_msgs(m, n);
	}
}

/*
 * Bytes per message of 4096 messages of a 640-member group in 16 blocks of
 * 256, recipients everybody but the sender.  bench: the storage benchmark's
 * messages (test/bench/storage_compare.sql: msgids 1.., sender m % 640, one
 * statement's sent_at); chat: random senders, a message every 0-20 s at
 * random (microseconds).  state: 0 nobody read, 1 half at random, 2 all.
 */
static double
bytes_per_message(bool chat, int state)
{
	const uint32_t members = 640,
				nmsgs = 4096;
	size_t		total = 0;
	int64_t		t = INT64_C(849000000000000);	/* 2026 in TimestampTz */

	for (uint32_t first = 1; first <= nmsgs; first += GRB_MAX_MESSAGES)
	{
		GrbMessage m[GRB_MAX_MESSAGES];
		uint32_t	n = GRB_MAX_MESSAGES;

		for (uint32_t i = 0; i < n; i++)
		{
			uint32_t	msgid = first + i;

			m[i].msgid = msgid;
			m[i].sender_slot = chat ? (uint32_t) (rnd() % members) : msgid % members;
			m[i].snap_id = 1;
			if (chat)
				t += (int64_t) (rnd() % 20000000);
			m[i].sent_at = t;
			grset_init(&m[i].read);
			m[i].state = state == 2 ? GRB_READ_ALL : GRB_READ_NONE;
			if (state == 1)
			{
				for (uint32_t s = 0; s < members; s++)
					if (s != m[i].sender_slot && rnd() % 2)
						grset_append_run(&m[i].read, s, s);
				m[i].state = GRB_READ_SOME;
			}
		}
		CHECK(grblock_check(m, n) == GRB_OK, "size block invalid");
		total += grblock_encoded_size(m, n);
		for (uint32_t i = 0; i < n; i++)
			grset_free(&m[i].read);
	}
	return (double) total / nmsgs;
}

static void
test_sizes(void)
{
	static const char *const states[3] = {"nobody", "half", "everybody"};

	printf("block payload, bytes per message (640 members, 4096 messages, blocks of %d):\n",
		   GRB_MAX_MESSAGES);
	for (int chat = 0; chat < 2; chat++)
		for (int s = 0; s < 3; s++)
		{
			double		b = bytes_per_message(chat, s);

			printf("  %-5s %-9s %6.2f\n", chat ? "chat" : "bench", states[s], b);
			/*
			 * docs/engine-v2.md's budget: about 6 bytes a message for the
			 * block itself when nothing is read; half read at random is
			 * 639 random bits, 80 bytes of information, plus the bitmap's
			 * offset and length.
			 */
			if (s != 1)
				CHECK(b <= (chat ? 8.0 : 4.5), "%s %s: %.2f bytes per message", chat ? "chat" : "bench", states[s], b);
			else
				CHECK(b <= 92.0, "half: %.2f bytes per message", b);
		}
}

int
main(void)
{
	test_roundtrip();
	test_rejections();
	test_find();
	test_sizes();
	if (failures)
	{
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("grblock_unit: all tests passed\n");
	return 0;
}
