/*
 * store_rows.c
 *	  The rows engine v2's single table would hold for one group of
 *	  MEMBERS members and MESSAGES messages in read state STATE (nobody,
 *	  half, everybody), as COPY text for
 *	    store (gid int8, kind "char", key int8, sub int8, payload bytea)
 *	  (docs/engine-v2.md, "The layout").  The B rows are real sealed blocks
 *	  of src/grblock_codec.c; the other payloads are their planned encodings
 *	  written with the same varints and bitmaps (no codec of their own yet):
 *	    H  header: newest msgid, slot allocator, snapshot ids, fold marks
 *	       (64 bytes) and the open tail, empty (every message sealed)
 *	    R  roster: per slot the uid as a delta varint, then the active slots
 *	    S  snapshot 1: the member slots
 *	    W  watermark vector: per slot a varint distance below the newest msgid
 *	  Messages are the storage benchmark's (test/bench/storage_compare.sql):
 *	  msgids 1.., sender m % MEMBERS, one sent_at; "half": each recipient
 *	  read each message with probability 1/2 (explicit reads, folded into the
 *	  blocks); "everybody": batch acks to the newest message (the vector
 *	  says it, the blocks keep no bits).
 *
 *	  usage: store_rows MEMBERS MESSAGES STATE > rows.copy
 *	  (test/bench/layout/layout_storage.sh builds, loads and measures it)
 */
#include "grblock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a block row's payload, at most (a heap page less the row's overhead) */
#define BLOCK_BYTES 8000

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t
put_varint(uint8_t *p, uint64_t v)
{
	size_t		n = 0;

	while (v >= 0x80)
	{
		p[n++] = (uint8_t) (v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t) v;
	return n;
}

static size_t
put_set(uint8_t *p, const GrSet *s)
{
	size_t		len = grcodec_encoded_size(s, NULL);

	grcodec_encode(s, p, len);
	return len;
}

static void
row(char kind, long long key, long long sub, const uint8_t *payload, size_t len)
{
	printf("1\t%c\t%lld\t%lld\t\\\\x", kind, key, sub);
	for (size_t i = 0; i < len; i++)
		printf("%02x", payload[i]);
	putchar('\n');
}

int
main(int argc, char **argv)
{
	uint32_t	members,
				nmsgs;
	int			state;
	uint8_t    *buf;
	size_t		len;
	GrSet		all;

	if (argc != 4 || (members = (uint32_t) atoi(argv[1])) < 2 || (nmsgs = (uint32_t) atoi(argv[2])) < 1)
	{
		fprintf(stderr, "usage: store_rows MEMBERS MESSAGES nobody|half|everybody\n");
		return 2;
	}
	state = strcmp(argv[3], "nobody") == 0 ? 0 : strcmp(argv[3], "half") == 0 ? 1 :
		strcmp(argv[3], "everybody") == 0 ? 2 : -1;
	if (state < 0)
	{
		fprintf(stderr, "unknown state \"%s\"\n", argv[3]);
		return 2;
	}
	buf = malloc((size_t) members * 16 + (size_t) GRB_MAX_MESSAGES * (members / 8 + 64) + 1024);
	grset_init(&all);
	grset_append_run(&all, 0, members - 1);

	/* H: the header, 64 bytes of fixed fields; the tail is empty */
	memset(buf, 0, 64);
	row('H', 0, 0, buf, 64);

	/* R: uids 1..members (delta 1 each), then every slot active */
	len = 0;
	for (uint32_t s = 0; s < members; s++)
		len += put_varint(buf + len, 1);
	len += put_set(buf + len, &all);
	row('R', 0, 0, buf, len);

	/* S: snapshot 1, every slot */
	len = put_set(buf, &all);
	row('S', 1, 0, buf, len);

	/* W: the read watermarks as distances below the newest msgid */
	len = 0;
	for (uint32_t s = 0; s < members; s++)
		len += put_varint(buf + len, state == 2 ? 0 : nmsgs);
	row('W', 0, 0, buf, len);

	/*
	 * B: sealed blocks of up to GRB_MAX_MESSAGES messages and, so that a
	 * block row fits a heap page uncompressed (toast_tuple_target 8160),
	 * up to BLOCK_BYTES bytes: a message that would take it past that
	 * starts the next block.
	 */
	for (uint32_t first = 1; first <= nmsgs;)
	{
		GrbMessage	m[GRB_MAX_MESSAGES];
		uint32_t	n = 0;
		uint32_t	max = nmsgs - first + 1 < GRB_MAX_MESSAGES ? nmsgs - first + 1 : GRB_MAX_MESSAGES;

		for (uint32_t i = 0; i < max; i++)
		{
			uint32_t	msgid = first + i;

			m[i].msgid = msgid;
			m[i].sent_at = INT64_C(849000000000000);
			m[i].sender_slot = msgid % members;
			m[i].snap_id = 1;
			m[i].state = state == 2 ? GRB_READ_ALL : GRB_READ_NONE;
			grset_init(&m[i].read);
			if (state == 1)
			{
				for (uint32_t s = 0; s < members; s++)
					if (s != m[i].sender_slot && rnd() % 2)
						grset_append_run(&m[i].read, s, s);
				m[i].state = GRB_READ_SOME;
			}
			n = i + 1;
			if (n > 1 && grblock_encoded_size(m, n) > BLOCK_BYTES)
			{
				grset_free(&m[i].read);
				n = i;
				break;
			}
		}
		if (grblock_check(m, n) != GRB_OK)
		{
			fprintf(stderr, "invalid block at %u\n", first);
			return 1;
		}
		len = grblock_encoded_size(m, n);
		grblock_encode(m, n, buf, len);
		row('B', first, 0, buf, len);
		for (uint32_t i = 0; i < n; i++)
			grset_free(&m[i].read);
		first += n;
	}
	grset_free(&all);
	free(buf);
	return 0;
}
