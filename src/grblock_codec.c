/*
 * grblock_codec.c
 *	  The byte encoding of a sealed message block (grblock.h).  Pure C, no
 *	  PostgreSQL dependency.
 *
 * Layout (varints are LEB128 and must be minimal; "zigzag" maps a signed
 * value to an unsigned one, 0, -1, 1, -2, ... -> 0, 1, 2, 3, ...):
 *
 *   format byte         GRB_FORMAT_VERSION << 4; the low nibble (flags) is 0
 *   varint n - 1        1 .. GRB_MAX_MESSAGES messages
 *   zigzag msgid[0]
 *   n - 1 varints       msgid[i] - msgid[i - 1] - 1 (1 byte each when dense)
 *   n varints           sender slots
 *   varint runs         snapshot runs, then per run: varint snap_id (>= 1,
 *                       never the previous run's), varint (count - 1); the
 *                       counts add up to n
 *   zigzag sent_at[0]   then, when n > 1, zigzag of the first difference and
 *                       n - 2 zigzags of the differences of differences
 *                       (messages posted at a steady rate cost a byte each)
 *   ceil(n / 4) bytes   the read states, 2 bits per message, lowest bits
 *                       first; state 3 and bits past message n are invalid
 *   per GRB_READ_SOME message, in msgid order: varint length, then the
 *                       bitmap's encoding (grbitmap_codec.c) of its read slots
 *
 * Differences are taken modulo 2^64, so every int64 sent_at round-trips
 * (infinity included).  The decoder validates everything and rejects
 * trailing bytes; the encoder writes the bitmaps canonically, so a block
 * decoded and encoded again decodes to the same block.
 */
#include "grblock.h"

#include <string.h>

#include "gr_varint.h"

#define FORMAT_BYTE		((uint8_t) (GRB_FORMAT_VERSION << 4))

/* order-preserving map of int64 onto uint64 */
#define ORDERED(x)		((uint64_t) (x) ^ UINT64_C(0x8000000000000000))

/* Read a minimal varint no larger than max from [*pp, end). */
static GrbStatus
varint_get(const uint8_t **pp, const uint8_t *end, uint64_t max, uint64_t *out)
{
	switch (gr_varint_get(pp, end, max, out))
	{
		case GR_VARINT_OK:
			return GRB_OK;
		case GR_VARINT_TRUNCATED:
			return GRB_ERR_TRUNCATED;
		default:
			return GRB_ERR_VARINT;
	}
}

GrbStatus
grblock_check(const GrbMessage *msgs, uint32_t n)
{
	uint32_t	i;

	if (n < 1 || n > GRB_MAX_MESSAGES)
		return GRB_ERR_COUNT;
	for (i = 0; i < n; i++)
	{
		const GrbMessage *m = &msgs[i];

		if (i > 0 && m->msgid <= msgs[i - 1].msgid)
			return GRB_ERR_ORDER;
		if (m->snap_id < 1 || m->snap_id > INT32_MAX)
			return GRB_ERR_SNAPSHOT;
		if (m->sender_slot > GR_MAX_POSITION)
			return GRB_ERR_VARINT;
		switch (m->state)
		{
			case GRB_READ_NONE:
			case GRB_READ_ALL:
				if (m->read.nruns != 0)
					return GRB_ERR_STATE;
				break;
			case GRB_READ_SOME:
				if (m->read.nruns == 0)
					return GRB_ERR_STATE;
				break;
			default:
				return GRB_ERR_STATE;
		}
	}
	return GRB_OK;
}

/* Number of snapshot runs (consecutive messages sharing a snap_id). */
static uint32_t
snapshot_runs(const GrbMessage *msgs, uint32_t n)
{
	uint32_t	runs = 1;
	uint32_t	i;

	for (i = 1; i < n; i++)
		if (msgs[i].snap_id != msgs[i - 1].snap_id)
			runs++;
	return runs;
}

/*
 * The size of the encoding; with dst, also write it.  One routine for both,
 * so the size is exact by construction.
 */
static size_t
encode_into(const GrbMessage *msgs, uint32_t n, uint8_t *dst)
{
	size_t		sz = 0;
	uint8_t    *p = dst;
	uint64_t	prev_delta = 0;
	uint32_t	i;
	uint32_t	run_start;

#define PUT_VARINT(v) \
	do { \
		uint64_t	v_ = (v); \
		sz += gr_varint_len(v_); \
		if (p) \
			p = gr_varint_put(p, v_); \
	} while (0)

	sz += 1;
	if (p)
		*p++ = FORMAT_BYTE;
	PUT_VARINT(n - 1);

	PUT_VARINT(gr_zigzag((uint64_t) msgs[0].msgid));
	for (i = 1; i < n; i++)
		PUT_VARINT((uint64_t) msgs[i].msgid - (uint64_t) msgs[i - 1].msgid - 1);

	for (i = 0; i < n; i++)
		PUT_VARINT(msgs[i].sender_slot);

	PUT_VARINT(snapshot_runs(msgs, n));
	run_start = 0;
	for (i = 1; i <= n; i++)
	{
		if (i == n || msgs[i].snap_id != msgs[run_start].snap_id)
		{
			PUT_VARINT(msgs[run_start].snap_id);
			PUT_VARINT(i - run_start - 1);
			run_start = i;
		}
	}

	PUT_VARINT(gr_zigzag((uint64_t) msgs[0].sent_at));
	for (i = 1; i < n; i++)
	{
		uint64_t	delta = (uint64_t) msgs[i].sent_at - (uint64_t) msgs[i - 1].sent_at;

		PUT_VARINT(gr_zigzag(i == 1 ? delta : delta - prev_delta));
		prev_delta = delta;
	}

	for (i = 0; i < n; i += 4)
	{
		uint8_t		byte = 0;
		uint32_t	j;

		for (j = 0; j < 4 && i + j < n; j++)
			byte |= (uint8_t) (msgs[i + j].state << (2 * j));
		sz += 1;
		if (p)
			*p++ = byte;
	}

	for (i = 0; i < n; i++)
	{
		size_t		len;

		if (msgs[i].state != GRB_READ_SOME)
			continue;
		len = grcodec_encoded_size(&msgs[i].read, NULL);
		PUT_VARINT(len);
		sz += len;
		if (p)
		{
			grcodec_encode(&msgs[i].read, p, len);
			p += len;
		}
	}
#undef PUT_VARINT
	return sz;
}

size_t
grblock_encoded_size(const GrbMessage *msgs, uint32_t n)
{
	return encode_into(msgs, n, NULL);
}

void
grblock_encode(const GrbMessage *msgs, uint32_t n, uint8_t *dst, size_t dstlen)
{
	(void) dstlen;				/* == the size, checked by callers' allocation */
	encode_into(msgs, n, dst);
}

void
grblock_free(GrbBlock *b)
{
	uint32_t	i;

	if (b->msgs)
	{
		for (i = 0; i < b->n; i++)
			grset_free(&b->msgs[i].read);
		gr_free(b->msgs);
	}
	b->msgs = NULL;
	b->n = 0;
}

GrbStatus
grblock_decode(const uint8_t *src, size_t len, GrbBlock *b)
{
	const uint8_t *p = src;
	const uint8_t *end = src + len;
	GrbStatus	st;
	uint64_t	v;
	uint64_t	nruns;
	uint64_t	delta = 0;
	uint32_t	n;
	uint32_t	i;
	uint32_t	filled;
	uint32_t	prev_snap = 0;

	b->n = 0;
	b->msgs = NULL;
	if (len == 0)
		return GRB_ERR_EMPTY_INPUT;
	if (*p++ != FORMAT_BYTE)
		return GRB_ERR_VERSION;

#define GET(max, out) \
	do { \
		if ((st = varint_get(&p, end, (max), (out))) != GRB_OK) \
			goto fail; \
	} while (0)

	if ((st = varint_get(&p, end, UINT64_MAX, &v)) != GRB_OK)
		return st;
	if (v >= GRB_MAX_MESSAGES)
		return GRB_ERR_COUNT;
	n = (uint32_t) v + 1;
	b->msgs = gr_alloc(sizeof(GrbMessage) * n);
	memset(b->msgs, 0, sizeof(GrbMessage) * n);
	b->n = n;
	for (i = 0; i < n; i++)
		grset_init(&b->msgs[i].read);

	GET(UINT64_MAX, &v);
	b->msgs[0].msgid = (int64_t) gr_unzigzag(v);
	for (i = 1; i < n; i++)
	{
		uint64_t	prev = ORDERED(b->msgs[i - 1].msgid);

		GET(UINT64_MAX, &v);
		/* prev + v + 1 must stay within int64 */
		if (v >= UINT64_MAX - prev)
		{
			st = GRB_ERR_ORDER;
			goto fail;
		}
		b->msgs[i].msgid = (int64_t) ORDERED(prev + v + 1);
	}

	for (i = 0; i < n; i++)
	{
		GET(GR_MAX_POSITION, &v);
		b->msgs[i].sender_slot = (uint32_t) v;
	}

	GET(n, &nruns);
	if (nruns == 0)
	{
		st = GRB_ERR_SNAPSHOT;
		goto fail;
	}
	filled = 0;
	while (nruns-- > 0)
	{
		uint64_t	snap;
		uint64_t	count;

		GET(INT32_MAX, &snap);
		GET(GRB_MAX_MESSAGES - 1, &count);
		count++;
		if (snap == 0 || snap == prev_snap || count > n - filled ||
			(nruns == 0 && filled + count != n))
		{
			st = GRB_ERR_SNAPSHOT;
			goto fail;
		}
		for (i = 0; i < count; i++)
			b->msgs[filled + i].snap_id = (uint32_t) snap;
		filled += (uint32_t) count;
		prev_snap = (uint32_t) snap;
	}

	GET(UINT64_MAX, &v);
	b->msgs[0].sent_at = (int64_t) gr_unzigzag(v);
	for (i = 1; i < n; i++)
	{
		GET(UINT64_MAX, &v);
		delta = i == 1 ? gr_unzigzag(v) : delta + gr_unzigzag(v);
		b->msgs[i].sent_at = (int64_t) ((uint64_t) b->msgs[i - 1].sent_at + delta);
	}

	if ((size_t) (end - p) < (n + 3) / 4)
	{
		st = GRB_ERR_TRUNCATED;
		goto fail;
	}
	for (i = 0; i < n; i++)
	{
		uint8_t		s = (uint8_t) ((p[i / 4] >> (2 * (i % 4))) & 3);

		if (s > GRB_READ_SOME)
		{
			st = GRB_ERR_STATE;
			goto fail;
		}
		b->msgs[i].state = (GrbReadState) s;
	}
	if (n % 4 != 0 && (p[n / 4] >> (2 * (n % 4))) != 0)
	{
		st = GRB_ERR_STATE;
		goto fail;
	}
	p += (n + 3) / 4;

	for (i = 0; i < n; i++)
	{
		uint64_t	blen;

		if (b->msgs[i].state != GRB_READ_SOME)
			continue;
		GET(UINT64_MAX, &blen);
		if (blen > (uint64_t) (end - p))
		{
			st = GRB_ERR_TRUNCATED;
			goto fail;
		}
		if (blen == 0 || grcodec_decode(p, (size_t) blen, &b->msgs[i].read) != GR_OK)
		{
			st = GRB_ERR_BITMAP;
			goto fail;
		}
		if (b->msgs[i].read.nruns == 0)
		{
			st = GRB_ERR_STATE;
			goto fail;
		}
		p += blen;
	}
	if (p != end)
	{
		st = GRB_ERR_TRAILING;
		goto fail;
	}
#undef GET
	return GRB_OK;

fail:
	grblock_free(b);
	return st;
}

int
grblock_find(const GrbBlock *b, int64_t msgid)
{
	uint32_t	lo = 0;
	uint32_t	hi = b->n;

	while (lo < hi)
	{
		uint32_t	mid = lo + (hi - lo) / 2;

		if (b->msgs[mid].msgid < msgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->n && b->msgs[lo].msgid == msgid ? (int) lo : -1;
}

const char *
grblock_status_message(GrbStatus st)
{
	switch (st)
	{
		case GRB_OK:
			return "ok";
		case GRB_ERR_EMPTY_INPUT:
			return "empty input";
		case GRB_ERR_VERSION:
			return "unknown block format version";
		case GRB_ERR_COUNT:
			return "message count out of range";
		case GRB_ERR_TRUNCATED:
			return "block ends inside a value";
		case GRB_ERR_VARINT:
			return "invalid varint";
		case GRB_ERR_ORDER:
			return "msgids not strictly ascending";
		case GRB_ERR_SNAPSHOT:
			return "invalid snapshot runs";
		case GRB_ERR_STATE:
			return "invalid read state";
		case GRB_ERR_BITMAP:
			return "invalid read bitmap";
		case GRB_ERR_TRAILING:
			return "trailing bytes after the block";
	}
	return "unknown status";
}
