/*
 * receipts_blocks.c
 *	  Sealed message blocks (0.5 storage): a group's older messages packed
 *	  up to GRB_MAX_MESSAGES to a row of groupreceipt.store -- kind 'B', key
 *	  the block's first msgid, sub its last, payload the codec of
 *	  grblock_codec.c (msgids, sender slots, snapshot ids and sent_at
 *	  delta-coded, each message's explicit reads as none / all / a bitmap).
 *	  The newest messages stay rows of groupreceipt.messages, the tail,
 *	  where a post inserts them; fold seals the tail's oldest whole blocks
 *	  (receipts_seal) and merges explicit reads into them
 *	  (receipts_sealed_apply).
 *
 * A message is in exactly one of the two places, and every sealed msgid
 * is below every tail msgid (a seal takes the tail's oldest; a post's
 * msgid is above the group's newest).  The readers here take the active
 * snapshot, so a caller that reads the tail and the blocks under one
 * snapshot sees a seal either entirely or not at all.  Block rows are
 * written by fold (under the fold lock: one writer per group) and by
 * archive and forget (under the group's exclusive lock, which fold
 * shares), never by an ack.
 *
 * Stored bytes are data, not trusted: a payload that does not decode, or
 * whose messages disagree with its key, is XX001 naming the block.
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/tableam.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "bitmap.h"
#include "grblock.h"
#include "receipts.h"
#include "receipts_blocks.h"
#include "receipts_direct.h"

/* ------------------------------------------------------- reading blocks */

void
receipts_block_reader_begin(BlockReader *br, int64 gid, char kind)
{
	Oid			relid;

	br->gid = gid;
	br->kind = kind;
	direct_int8_key(&br->keys[0], 1, gid);
	ScanKeyInit(&br->keys[1], 2, BTEqualStrategyNumber, F_CHAREQ, CharGetDatum(kind));
	ScanKeyInit(&br->keys[2], 3, BTGreaterEqualStrategyNumber, F_INT8GE, Int64GetDatum(PG_INT64_MIN));
	ScanKeyInit(&br->keys[3], 3, BTLessEqualStrategyNumber, F_INT8LE, Int64GetDatum(PG_INT64_MAX));
	direct_begin(&br->ds, STORE_TABLE, STORE_PKEY, br->keys, 4);
	relid = RelationGetRelid(br->ds.rel);
	br->att_key = direct_attnum(relid, "key", INT8OID);
	br->att_sub = direct_attnum(relid, "sub", INT8OID);
	br->att_payload = direct_attnum(relid, "payload", BYTEAOID);
}

void
receipts_block_reader_restart(BlockReader *br, int64 from, int64 to)
{
	br->keys[2].sk_argument = Int64GetDatum(from);
	br->keys[3].sk_argument = Int64GetDatum(to);
	index_rescan(br->ds.scan, br->keys, 4, NULL, 0);
}

void
receipts_block_reader_end(BlockReader *br)
{
	direct_end(&br->ds);
}

/* What a block row of the kind is called in messages. */
static const char *
block_kind_word(char kind)
{
	return kind == RECEIPTS_KIND_ARCHIVED ? "archived" : "sealed";
}

void
receipts_damaged_block(int64 gid, char kind, int64 first, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("%s block " INT64_FORMAT " of group " INT64_FORMAT " is damaged",
					block_kind_word(kind), first, gid),
			 errdetail("%s", detail)));
}

/* Decode the block row the reader stands on into *blk. */
void
receipts_block_reader_decode(BlockReader *br, SealedBlock *blk)
{
	TupleTableSlot *slot = br->ds.slot;
	int64		gid = br->gid;
	Datum		d;
	bytea	   *p;
	GrbStatus	st;
	uint32		i;

	blk->first = DatumGetInt64(direct_value(slot, br->att_key, gid, "key"));
	blk->last = DatumGetInt64(direct_value(slot, br->att_sub, gid, "sub"));
	d = direct_value(slot, br->att_payload, gid, "payload");
	p = DatumGetByteaPP(d);
	st = grblock_decode((const uint8 *) VARDATA_ANY(p), VARSIZE_ANY_EXHDR(p), &blk->b);
	if ((Pointer) p != DatumGetPointer(d))
		pfree(p);
	if (st != GRB_OK)
		receipts_damaged_block(gid, br->kind, blk->first, grblock_status_message(st));
	if (blk->b.msgs[0].msgid != blk->first || blk->b.msgs[blk->b.n - 1].msgid != blk->last)
		receipts_damaged_block(gid, br->kind, blk->first,
					  psprintf("Its key says messages " INT64_FORMAT " to " INT64_FORMAT
							   "; it holds " INT64_FORMAT " to " INT64_FORMAT ".",
							   blk->first, blk->last, blk->b.msgs[0].msgid,
							   blk->b.msgs[blk->b.n - 1].msgid));
	for (i = 0; i < blk->b.n; i++)
		if (blk->b.msgs[i].snap_id > (uint32) PG_INT32_MAX)
			receipts_damaged_block(gid, br->kind, blk->first,
						  psprintf("Message " INT64_FORMAT " has snapshot id %u.",
								   blk->b.msgs[i].msgid, blk->b.msgs[i].snap_id));
}

/*
 * The block holding msgid m into *blk: the last block row whose first
 * msgid is at most m.  false when no block holds m (*blk then empty).
 */
/*
 * Position br on the last block row whose first msgid is at most m, the
 * row that holds m if any does; false when there is none.
 */
static bool
block_reader_probe(BlockReader *br, int64 m)
{
	receipts_block_reader_restart(br, PG_INT64_MIN, m);
	return direct_next_in(&br->ds, BackwardScanDirection);
}

bool
receipts_block_reader_find(BlockReader *br, int64 m, SealedBlock *blk)
{
	if (!block_reader_probe(br, m))
		return false;
	receipts_block_reader_decode(br, blk);
	if (blk->last < m)
	{
		grblock_free(&blk->b);
		return false;
	}
	return true;
}

/*
 * With ids ascending: make *blk the block holding m, keeping the current
 * one (*have) while m is within it; false when no block holds m.
 */
bool
receipts_block_reader_seek(BlockReader *br, SealedBlock *blk, bool *have, int64 m)
{
	if (*have && m > blk->last)
	{
		grblock_free(&blk->b);
		*have = false;
	}
	if (!*have)
		*have = receipts_block_reader_find(br, m, blk);
	return *have;
}

static void
msgrow_from_block(const GrbMessage *m, MsgRow *r)
{
	r->msgid = m->msgid;
	r->sender = 0;
	r->sender_slot = (int32) m->sender_slot;
	r->snap_id = (int32) m->snap_id;
	r->sent_at = m->sent_at;
	r->all_read = (m->state == GRB_READ_ALL);
	r->read = r->all_read ? NULL : bitmap_from_set(&m->read);
}

typedef struct RowList
{
	MsgRow	   *rows;
	int			n,
				cap;
} RowList;

static MsgRow *
rowlist_add(RowList *l)
{
	if (l->n == l->cap)
	{
		l->cap = l->cap ? l->cap * 2 : 16;
		l->rows = l->rows ? repalloc(l->rows, l->cap * sizeof(MsgRow)) : palloc(l->cap * sizeof(MsgRow));
	}
	return &l->rows[l->n++];
}

static void
fill_senders(int64 gid, MsgRow *rows, int n)
{
	SlotUids   *su;
	int			i;

	if (n == 0)
		return;
	su = receipts_slot_uids_begin(gid);
	for (i = 0; i < n; i++)
		rows[i].sender = receipts_slot_uid(su, rows[i].sender_slot);
	receipts_slot_uids_end(su);
}

int
receipts_sealed_messages(int64 gid, const int64 *ids, int n, bool want_sender, MsgRow **out)
{
	BlockReader br;
	SealedBlock blk;
	bool		have = false;
	RowList		l = {0};
	int			i;

	*out = NULL;
	if (n == 0)
		return 0;
	receipts_block_reader_begin(&br, gid, RECEIPTS_KIND_BLOCK);
	for (i = 0; i < n; i++)
	{
		int			k;

		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		if (!receipts_block_reader_seek(&br, &blk, &have, ids[i]))
			continue;
		k = grblock_find(&blk.b, ids[i]);
		if (k >= 0)
			msgrow_from_block(&blk.b.msgs[k], rowlist_add(&l));
	}
	if (have)
		grblock_free(&blk.b);
	receipts_block_reader_end(&br);
	if (want_sender)
		fill_senders(gid, l.rows, l.n);
	*out = l.rows;
	return l.n;
}

int
receipts_sealed_range(int64 gid, int64 lo, int64 hi, int64 sent_before, int limit,
					  bool want_sender, MsgRow **out)
{
	BlockReader br;
	SealedBlock blk;
	RowList		l = {0};
	int64		from;
	bool		done = false;

	*out = NULL;
	if (lo >= hi || limit == 0)
		return 0;
	receipts_block_reader_begin(&br, gid, RECEIPTS_KIND_BLOCK);

	/*
	 * The block holding lo + 1, if any, is the first; else the first above
	 * lo.  Its key and sub say which: the scan below decodes (and checks)
	 * it, so its payload is not decoded here too (a batch ack's range is
	 * mostly within one block: that was two decodes of it per ack).  A
	 * block that ends before lo + 1 is decoded, as before, so that one
	 * whose sub disagrees with its messages is still an error here.
	 */
	from = lo + 1;
	if (block_reader_probe(&br, lo + 1))
	{
		if (DatumGetInt64(direct_value(br.ds.slot, br.att_sub, gid, "sub")) >= lo + 1)
			from = DatumGetInt64(direct_value(br.ds.slot, br.att_key, gid, "key"));
		else
		{
			receipts_block_reader_decode(&br, &blk);
			grblock_free(&blk.b);
		}
	}
	receipts_block_reader_restart(&br, from, hi);
	while (!done && direct_next(&br.ds))
	{
		uint32		i;

		CHECK_FOR_INTERRUPTS();
		receipts_block_reader_decode(&br, &blk);
		for (i = 0; i < blk.b.n; i++)
		{
			int64		m = blk.b.msgs[i].msgid;

			if (m <= lo)
				continue;
			if (m > hi || (limit > 0 && l.n == limit))
			{
				done = true;
				break;
			}
			if (blk.b.msgs[i].sent_at < sent_before)
				msgrow_from_block(&blk.b.msgs[i], rowlist_add(&l));
		}
		grblock_free(&blk.b);
	}
	receipts_block_reader_end(&br);
	if (want_sender)
		fill_senders(gid, l.rows, l.n);
	*out = l.rows;
	return l.n;
}

int64
receipts_sealed_upto(int64 gid)
{
	DirectScan	ds;
	ScanKeyData keys[2];
	int64		upto = 0;

	direct_int8_key(&keys[0], 1, gid);
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_CHAREQ, CharGetDatum(RECEIPTS_KIND_BLOCK));
	direct_begin_index_only(&ds, STORE_TABLE, STORE_PKEY, keys, 2);
	/* the index is (gid, kind, key, sub): the group's last block first, from the end */
	if (direct_next_in(&ds, BackwardScanDirection))
		upto = DatumGetInt64(direct_entry_value(&ds, direct_index_column(&ds, "sub", INT8OID), gid, "sub"));
	direct_end(&ds);
	return upto;
}

/* ------------------------------------------------------- slot -> uid */

struct SlotUids
{
	DirectProbe probe;
	int64		gid;
	AttrNumber	att_uid;
	int32		last_slot;
	int64		last_uid;
	int			n,
				cap;
	int32	   *slots;
	int64	   *uids;
};

SlotUids *
receipts_slot_uids_begin(int64 gid)
{
	static const RegProcedure eq[2] = {F_INT8EQ, F_INT4EQ};	/* (gid, slot) */
	SlotUids   *su = palloc0(sizeof(SlotUids));

	su->gid = gid;
	su->last_slot = -1;
	direct_probe_begin(&su->probe, "members", "members_gid_slot_key", eq, 2);
	su->att_uid = direct_attnum(RelationGetRelid(su->probe.ds.rel), "uid", INT8OID);
	return su;
}

int64
receipts_slot_uid(SlotUids *su, int32 slot)
{
	int64		uid;
	int			i;

	if (slot == su->last_slot)
		return su->last_uid;
	for (i = 0; i < su->n; i++)
		if (su->slots[i] == slot)
			return su->uids[i];
	su->probe.keys[0].sk_argument = Int64GetDatum(su->gid);
	su->probe.keys[1].sk_argument = Int32GetDatum(slot);
	if (!direct_probe_run(&su->probe))
		receipts_corrupted_slot(su->gid, (int64) slot);
	uid = DatumGetInt64(direct_value(su->probe.ds.slot, su->att_uid, su->gid, "uid"));
	if (su->n == su->cap)
	{
		su->cap = su->cap ? su->cap * 2 : 16;
		su->slots = su->slots ? repalloc(su->slots, su->cap * sizeof(int32)) : palloc(su->cap * sizeof(int32));
		su->uids = su->uids ? repalloc(su->uids, su->cap * sizeof(int64)) : palloc(su->cap * sizeof(int64));
	}
	su->slots[su->n] = slot;
	su->uids[su->n] = uid;
	su->n++;
	su->last_slot = slot;
	su->last_uid = uid;
	return uid;
}

void
receipts_slot_uids_end(SlotUids *su)
{
	direct_end(&su->probe.ds);
	pfree(su);
}

/* ------------------------------------------------------- writing blocks */

static bytea *
encode_block(int64 gid, char kind, const GrbMessage *msgs, uint32 n)
{
	GrbStatus	st = grblock_check(msgs, n);
	size_t		len;
	bytea	   *p;

	if (st != GRB_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("messages " INT64_FORMAT " to " INT64_FORMAT " of group " INT64_FORMAT
						" cannot be %s", msgs[0].msgid, msgs[n - 1].msgid, gid,
						block_kind_word(kind)),
				 errdetail("%s", grblock_status_message(st))));
	len = grblock_encoded_size(msgs, n);
	p = palloc(VARHDRSZ + len);
	SET_VARSIZE(p, VARHDRSZ + len);
	grblock_encode(msgs, n, (uint8 *) VARDATA(p), len);
	return p;
}

/*
 * Run a prepared statement (receipts_spi.c) that must touch exactly expect
 * rows of block first: anything else is an internal error (the writers of
 * a group's blocks take turns under the fold or group lock).
 */
static void
exec_expect(ReceiptsStmt stmt, Datum *values, uint64 expect, int64 gid, int64 first)
{
	receipts_exec(stmt, values, false, 0);
	if (SPI_processed != expect)
		elog(ERROR, "block " INT64_FORMAT " of group " INT64_FORMAT ": statement %d touched " UINT64_FORMAT
			 " rows, not " UINT64_FORMAT, first, gid, (int) stmt, (uint64) SPI_processed, expect);
}

void
receipts_block_insert(int64 gid, char kind, const GrbMessage *msgs, uint32 n)
{
	Datum		values[5];

	values[0] = Int64GetDatum(gid);
	values[1] = Int64GetDatum(msgs[0].msgid);
	values[2] = Int64GetDatum(msgs[n - 1].msgid);
	values[3] = PointerGetDatum(encode_block(gid, kind, msgs, n));
	values[4] = CharGetDatum(kind);
	exec_expect(STMT_BLOCK_INSERT, values, 1, gid, msgs[0].msgid);
	pfree(DatumGetPointer(values[3]));
}

void
receipts_block_delete(int64 gid, char kind, int64 first)
{
	Datum		values[3] = {Int64GetDatum(gid), Int64GetDatum(first), CharGetDatum(kind)};

	exec_expect(STMT_BLOCK_DELETE, values, 1, gid, first);
}

/* The block rewritten in place (its first and last msgid unchanged). */
static void
update_block(int64 gid, const SealedBlock *blk)
{
	Datum		values[3];

	values[0] = Int64GetDatum(gid);
	values[1] = Int64GetDatum(blk->first);
	values[2] = PointerGetDatum(encode_block(gid, RECEIPTS_KIND_BLOCK, blk->b.msgs, blk->b.n));
	exec_expect(STMT_BLOCK_UPDATE, values, 1, gid, blk->first);
	pfree(DatumGetPointer(values[2]));
}

uint32
receipts_block_fit(const GrbMessage *msgs, uint32 n)
{
	uint32		k = Min(GRB_MAX_MESSAGES, n);

	/* at most RECEIPTS_SEAL_MAX_BYTES (a bigger row would go to TOAST) */
	while (k > 1 && grblock_encoded_size(msgs, k) > RECEIPTS_SEAL_MAX_BYTES)
		k = k - Max(k / 8, 1);
	return k;
}

/* The tail's oldest rows (at most cap) as block messages, ascending; returns how many. */
static int
read_tail(int64 gid, int cap, GrbMessage **out)
{
	DirectScan	ds;
	ScanKeyData key;
	DirectMsgCols c;
	AttrNumber	att_sent;
	GrbMessage *msgs = palloc(Max(cap, 1) * sizeof(GrbMessage));
	int			n = 0;

	direct_int8_key(&key, 1, gid);
	direct_begin(&ds, "messages", "messages_pkey", &key, 1);
	direct_msg_cols(ds.rel, &c);
	att_sent = direct_attnum(RelationGetRelid(ds.rel), "sent_at", TIMESTAMPTZOID);
	while (n < cap && direct_next(&ds))
	{
		GrbMessage *m = &msgs[n];
		bool		isnull;
		Datum		d;
		int32		slot,
					snap;

		if ((n & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		m->msgid = DatumGetInt64(direct_value(ds.slot, c.msgid, gid, "msgid"));
		m->sent_at = DatumGetTimestampTz(direct_value(ds.slot, att_sent, gid, "sent_at"));
		slot = DatumGetInt32(direct_value(ds.slot, c.sender_slot, gid, "sender_slot"));
		snap = DatumGetInt32(direct_value(ds.slot, c.snap_id, gid, "snap_id"));
		if (slot < 0)
			receipts_corrupted_slot(gid, (int64) slot);
		if (snap < 1)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("message " INT64_FORMAT " of group " INT64_FORMAT " has snapshot id %d",
							m->msgid, gid, snap)));
		m->sender_slot = (uint32) slot;
		m->snap_id = (uint32) snap;
		grset_init(&m->read);
		d = slot_getattr(ds.slot, c.read, &isnull);
		if (isnull)
			m->state = GRB_READ_ALL;
		else
		{
			bitmap_to_set(DatumGetBitmapPP(d), &m->read);
			m->state = m->read.nruns > 0 ? GRB_READ_SOME : GRB_READ_NONE;
		}
		n++;
	}
	direct_end(&ds);
	*out = msgs;
	return n;
}

int64
receipts_seal(int64 gid, int keep, int max_blocks)
{
	GrbMessage *msgs;
	int			n,
				nseal,
				i = 0,
				blocks = 0,
				j;
	int64		sealed = 0;

	if (keep < 0)
		keep = 0;
	direct_push_fresh_snapshot();
	n = read_tail(gid, keep + max_blocks * GRB_MAX_MESSAGES, &msgs);
	PopActiveSnapshot();
	nseal = n - keep;
	while (blocks < max_blocks &&
		   (nseal - i >= GRB_MAX_MESSAGES || (keep == 0 && nseal - i > 0)))
	{
		uint32		k = receipts_block_fit(&msgs[i], nseal - i);
		Datum		values[3];

		receipts_block_insert(gid, RECEIPTS_KIND_BLOCK, &msgs[i], k);
		values[0] = Int64GetDatum(gid);
		values[1] = Int64GetDatum(msgs[i].msgid);
		values[2] = Int64GetDatum(msgs[i + k - 1].msgid);
		exec_expect(STMT_SEAL_TAIL_DELETE, values, k, gid, msgs[i].msgid);
		i += k;
		sealed += k;
		blocks++;
	}
	for (j = 0; j < n; j++)
		grset_free(&msgs[j].read);
	pfree(msgs);
	return sealed;
}

int64
receipts_sealed_apply(int64 gid, SealedChange *changes, int n)
{
	BlockReader br;
	SealedBlock blk;
	bool		have = false,
				dirty = false;
	int64		changed = 0;
	int			i;

	if (n == 0)
		return 0;
	direct_push_fresh_snapshot();
	receipts_block_reader_begin(&br, gid, RECEIPTS_KIND_BLOCK);
	for (i = 0; i < n; i++)
	{
		SealedChange *ch = &changes[i];
		GrbMessage *m;
		int			k;

		CHECK_FOR_INTERRUPTS();
		if (have && dirty && ch->msgid > blk.last)
		{
			update_block(gid, &blk);	/* before reader_seek leaves it */
			dirty = false;
		}
		if (!receipts_block_reader_seek(&br, &blk, &have, ch->msgid))
			continue;
		k = grblock_find(&blk.b, ch->msgid);
		if (k < 0)
			continue;
		m = &blk.b.msgs[k];
		if (m->state == GRB_READ_ALL)
			continue;
		if (ch->all_read)
		{
			grset_free(&m->read);
			grset_init(&m->read);
			m->state = GRB_READ_ALL;
		}
		else
		{
			GrSet		u;

			if (ch->add.nruns == 0 || grset_is_subset(&ch->add, &m->read))
				continue;
			grset_union(&u, &m->read, &ch->add);
			grset_free(&m->read);
			m->read = u;
			m->state = GRB_READ_SOME;
		}
		dirty = true;
		changed++;
	}
	if (have)
	{
		if (dirty)
			update_block(gid, &blk);
		grblock_free(&blk.b);
	}
	receipts_block_reader_end(&br);
	PopActiveSnapshot();
	return changed;
}

int64
receipts_sealed_remove(int64 gid, const int64 *ids, int n)
{
	return receipts_blocks_remove(gid, RECEIPTS_KIND_BLOCK, ids, n);
}

int64
receipts_blocks_remove(int64 gid, char kind, const int64 *ids, int n)
{
	BlockReader br;
	SealedBlock *blks = NULL;
	int			nblks = 0,
				cap = 0,
				i,
				b;
	int64		removed = 0;

	if (n == 0)
		return 0;
	/* the blocks holding any of the ids, read first: the writes follow */
	direct_push_fresh_snapshot();
	receipts_block_reader_begin(&br, gid, kind);
	for (i = 0; i < n; i++)
	{
		SealedBlock blk;

		CHECK_FOR_INTERRUPTS();
		if (nblks > 0 && ids[i] <= blks[nblks - 1].last)
			continue;
		if (!receipts_block_reader_find(&br, ids[i], &blk))
			continue;
		if (nblks == cap)
		{
			cap = cap ? cap * 2 : 8;
			blks = blks ? repalloc(blks, cap * sizeof(SealedBlock)) : palloc(cap * sizeof(SealedBlock));
		}
		blks[nblks++] = blk;
	}
	receipts_block_reader_end(&br);
	PopActiveSnapshot();

	for (b = 0; b < nblks; b++)
	{
		SealedBlock *blk = &blks[b];
		uint32		k,
					kept = 0;

		for (k = 0; k < blk->b.n; k++)
		{
			if (receipts_find_id(ids, n, blk->b.msgs[k].msgid) >= 0)
			{
				grset_free(&blk->b.msgs[k].read);
				continue;
			}
			blk->b.msgs[kept++] = blk->b.msgs[k];
		}
		if (kept == blk->b.n)
		{
			grblock_free(&blk->b);
			continue;
		}
		removed += blk->b.n - kept;
		receipts_block_delete(gid, kind, blk->first);
		if (kept > 0)
			receipts_block_insert(gid, kind, blk->b.msgs, kept);
		blk->b.n = kept;
		grblock_free(&blk->b);
	}
	if (blks)
		pfree(blks);
	return removed;
}

int
receipts_sealed_blocks(int64 gid, SealedBlockInfo **out)
{
	BlockReader br;
	SealedBlockInfo *info = NULL;
	int			n = 0,
				cap = 0;

	receipts_block_reader_begin(&br, gid, RECEIPTS_KIND_BLOCK);
	while (direct_next(&br.ds))
	{
		SealedBlock blk;
		SealedBlockInfo *bi;
		Datum		d;
		uint32		i;

		CHECK_FOR_INTERRUPTS();
		receipts_block_reader_decode(&br, &blk);
		if (n == cap)
		{
			cap = cap ? cap * 2 : 16;
			info = info ? repalloc(info, cap * sizeof(SealedBlockInfo)) : palloc(cap * sizeof(SealedBlockInfo));
		}
		bi = &info[n++];
		bi->first = blk.first;
		bi->last = blk.last;
		bi->messages = (int32) blk.b.n;
		d = direct_value(br.ds.slot, br.att_payload, gid, "payload");
		bi->bytes = (int32) toast_raw_datum_size(d) - VARHDRSZ;
		bi->all_read = bi->some_read = 0;
		for (i = 0; i < blk.b.n; i++)
		{
			bi->all_read += blk.b.msgs[i].state == GRB_READ_ALL;
			bi->some_read += blk.b.msgs[i].state == GRB_READ_SOME;
		}
		grblock_free(&blk.b);
	}
	receipts_block_reader_end(&br);
	*out = info;
	return n;
}
