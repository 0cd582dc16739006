/*
 * receipts_wmcache.c
 *	  A group's packed watermark vector kept by the backend across calls,
 *	  and, per snapshot, its members' folded watermarks sorted.
 *
 * unread_counts needs the watermark of every recipient.  The packed vector
 * (one row per group, written only by fold) was detoasted on every call --
 * 800 kB at 100,000 members, 12-20 % of a call (perf) -- and then every
 * slot of the message's snapshot was visited: at 100,000 members the call
 * was O(members) however few messages it counted.
 *
 * Here the backend keeps the vector of the row version it last read, the
 * version told by the row's (ctid, xmin), as plpgsql checks a cached
 * function against its pg_proc row: fold writes a new version whenever it
 * changes the vector, so a call that finds the same version uses the kept
 * copy without reading the TOASTed array.  A group whose vector version is
 * found a second time (so a backend going from group to group does not pay
 * for sorting on every call) gets, per snapshot, the watermarks of the
 * snapshot's members sorted: the members a message's watermarks passed are
 * then one binary search (receipts_read.c), the pending acks and explicit
 * reads being added on top.  A snapshot's sorted copy is kept with a copy
 * of the snapshot's bitmap and used only while the stored bitmap is the
 * same (snapshots are never rewritten by the extension; this keeps a
 * damaged or edited row from being answered from memory).
 *
 * One group is kept (the last one counted), in a memory context of its
 * own under CacheMemoryContext: the vector (8 bytes per member) and the
 * sorted copies of its last four snapshots counted (4 bytes per member
 * each, 8 when the watermarks span 2^32 or more); another group's call
 * replaces it.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "receipts.h"
#include "receipts_store_rows.h"

#define ST_SORT sort_int64
#define ST_ELEMENT_TYPE int64
#define ST_COMPARE(a, b) (*(a) < *(b) ? -1 : *(a) > *(b) ? 1 : 0)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

#define ST_SORT sort_uint32
#define ST_ELEMENT_TYPE uint32
#define ST_COMPARE(a, b) (*(a) < *(b) ? -1 : *(a) > *(b) ? 1 : 0)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

#define KEPT_SNAPSHOTS 4

/*
 * A snapshot's members' watermarks, ascending: as 4-byte offsets from the
 * lowest when they span less than 2^32 (msgids of one group usually do),
 * else as they are -- 400 kB, not 800 kB, at 100,000 members.
 */
struct WmSorted
{
	int32		snap_id;
	Bitmap	   *members;		/* the snapshot it was built from */
	int64		n;
	int64		base;			/* the lowest watermark (narrow form) */
	uint32	   *narrow;			/* watermark - base, or NULL */
	int64	   *wide;			/* the watermarks, when narrow is NULL */
	struct WmSorted *next;
};
typedef struct WmSorted SortedSnap;

static MemoryContext cache_cxt = NULL;	/* what is kept */
static MemoryContext spare_cxt = NULL;	/* empty: a new version is read here */
static bool cached = false;
static int64 cached_gid;
static int32 cached_nslots;
static ItemPointerData cached_tid;
static TransactionId cached_xmin;
static int64 *cached_wm;
static int	cached_calls;
static SortedSnap *cached_snaps;

static void
cache_forget(void)
{
	MemoryContextReset(cache_cxt);
	cached = false;
	cached_wm = NULL;
	cached_snaps = NULL;
	cached_calls = 0;
}

/* the kept vector's context and the one a new version is read into */
static void
cache_contexts(void)
{
	if (cache_cxt == NULL)
	{
		cache_cxt = AllocSetContextCreate(CacheMemoryContext, "groupreceipt watermark vector",
										  ALLOCSET_DEFAULT_SIZES);
		spare_cxt = AllocSetContextCreate(CacheMemoryContext, "groupreceipt watermark vector",
										  ALLOCSET_DEFAULT_SIZES);
	}
}

/*
 * Keep a new version of group gid's vector, nslots watermarks read into
 * spare_cxt, in place of what was kept (another group, roster size or row
 * version): the two contexts swap.
 */
static void
cache_keep(int64 gid, int32 nslots, const ItemPointerData *tid, TransactionId xmin, int64 *wm)
{
	MemoryContext swap = cache_cxt;

	cache_forget();
	cache_cxt = spare_cxt;
	spare_cxt = swap;
	cached = true;
	cached_gid = gid;
	cached_nslots = nslots;
	cached_tid = *tid;
	cached_xmin = xmin;
	cached_wm = wm;
}

/*
 * The group's folded watermarks, nslots of them, from the vector row's
 * current version: false if the group has no vector row (never folded).
 * out->wm stays valid until the next call of this function.
 */
bool
receipts_wm_cache_get(int64 gid, int32 nslots, WmCached *out)
{
	bool		same;
	ItemPointerData tid;
	TransactionId xmin;
	int64	   *wm;

	cache_contexts();

	/*
	 * A vector an ack kept (receipts_wm_cache_slot) may hold fewer slots than
	 * the roster has now: those beyond the row's are 0, so it is widened with
	 * zeroes if the row is still the same version (checked below).
	 */
	if (cached && cached_gid == gid && cached_nslots < nslots)
	{
		int64	   *wider = MemoryContextAllocZero(cache_cxt, Max(nslots, 1) * sizeof(int64));

		memcpy(wider, cached_wm, (size_t) cached_nslots * sizeof(int64));
		cached_wm = wider;
		cached_nslots = nslots;
	}
	same = cached && cached_gid == gid && cached_nslots == nslots;
	/* a new version is read straight into the spare context: one copy */
	MemoryContextReset(spare_cxt);
	if (!receipts_direct_vector_version(gid, nslots, same ? &cached_tid : NULL, cached_xmin,
										&tid, &xmin, spare_cxt, &wm))
	{
		if (cached && cached_gid == gid)
			cache_forget();
		return false;
	}
	if (wm != NULL)
		cache_keep(gid, nslots, &tid, xmin, wm);
	else
		cached_calls++;
	out->wm = cached_wm;
	out->nslots = cached_nslots;
	out->calls = cached_calls;
	return true;
}

/*
 * 0.10 storage: the folded read watermark of one slot (an ack's reader),
 * from the W row's version visible now -- the kept vector when it is that
 * version, whatever roster size it was read for (slots beyond the row's are
 * 0 either way), else the row read and kept for at least slot + 1 slots.
 * 0 when the group has no W row (never folded) or the row holds no such
 * slot.  A lookup is not a call of the counts: it does not count towards
 * sorting the snapshots' watermarks.
 */
int64
receipts_wm_cache_slot(int64 gid, int32 slot)
{
	bool		same = cached && cached_gid == gid;
	ItemPointerData tid;
	TransactionId xmin;
	int64	   *wm;
	int32		len = 0;

	if (slot < 0)
		receipts_corrupted_slot(gid, (int64) slot);
	cache_contexts();
	MemoryContextReset(spare_cxt);
	if (!store_vector_version(gid, slot + 1, same ? &cached_tid : NULL, cached_xmin,
							  &tid, &xmin, spare_cxt, &wm, &len))
	{
		if (same)
			cache_forget();
		return 0;
	}
	if (wm != NULL)
		cache_keep(gid, len, &tid, xmin, wm);
	return slot < cached_nslots ? cached_wm[slot] : 0;
}

/*
 * Keep the KEPT_SNAPSHOTS most recently built sorted copies: a group with
 * many membership changes would otherwise keep 8 bytes per member for
 * every snapshot ever counted.
 */
static void
snaps_trim(void)
{
	SortedSnap *ss = cached_snaps;
	int			i;

	for (i = 1; ss && i < KEPT_SNAPSHOTS; i++)
		ss = ss->next;
	if (ss == NULL)
		return;
	while (ss->next)
	{
		SortedSnap *drop = ss->next;

		ss->next = drop->next;
		pfree(drop->members);
		if (drop->narrow)
			pfree(drop->narrow);
		if (drop->wide)
			pfree(drop->wide);
		pfree(drop);
	}
}

/*
 * The folded watermarks of the members of snapshot snap_id (bitmap snap,
 * as just read) of the group receipts_wm_cache_get last returned, sorted
 * (receipts_wm_sorted_below searches them).  Built on first use, kept with
 * the vector.
 */
const WmSorted *
receipts_wm_cache_sorted(int64 gid, int32 snap_id, const Bitmap *snap)
{
	SortedSnap *ss;
	GrSet		set;
	MemoryContext old;
	uint32		r;
	int64		k = 0,
				lo = PG_INT64_MAX,
				hi = PG_INT64_MIN;

	Assert(cached && cached_gid == gid);
	for (ss = cached_snaps; ss; ss = ss->next)
		if (ss->snap_id == snap_id)
		{
			if (VARSIZE_ANY(ss->members) == VARSIZE_ANY(snap) &&
				memcmp(ss->members, snap, VARSIZE_ANY(snap)) == 0)
				return ss;
			break;				/* the stored snapshot changed: build anew */
		}

	bitmap_to_set(snap, &set);
	for (r = 0; r < set.nruns; r++)
	{
		uint64		i;

		if (set.runs[r].hi >= (uint32) cached_nslots)
			receipts_corrupted_slot(gid, (int64) set.runs[r].hi);
		CHECK_FOR_INTERRUPTS();
		for (i = set.runs[r].lo; i <= set.runs[r].hi; i++)
		{
			if (cached_wm[i] < lo)
				lo = cached_wm[i];
			if (cached_wm[i] > hi)
				hi = cached_wm[i];
		}
	}
	old = MemoryContextSwitchTo(cache_cxt);
	ss = palloc0(sizeof(SortedSnap));
	ss->snap_id = snap_id;
	ss->members = palloc(VARSIZE_ANY(snap));
	memcpy(ss->members, snap, VARSIZE_ANY(snap));
	ss->n = (int64) grset_count(&set);
	ss->base = ss->n > 0 ? lo : 0;
	/* hi - lo without overflow, whatever a damaged row holds */
	if (ss->n == 0 || (uint64) hi - (uint64) lo <= PG_UINT32_MAX)
		ss->narrow = palloc(Max(ss->n, 1) * sizeof(uint32));
	else
		ss->wide = palloc(ss->n * sizeof(int64));
	MemoryContextSwitchTo(old);
	for (r = 0; r < set.nruns; r++)
	{
		uint64		i;

		CHECK_FOR_INTERRUPTS();
		for (i = set.runs[r].lo; i <= set.runs[r].hi; i++, k++)
		{
			if (ss->narrow)
				ss->narrow[k] = (uint32) ((uint64) cached_wm[i] - (uint64) ss->base);
			else
				ss->wide[k] = cached_wm[i];
		}
	}
	grset_free(&set);
	if (ss->narrow)
		sort_uint32(ss->narrow, (size_t) ss->n);
	else
		sort_int64(ss->wide, (size_t) ss->n);
	ss->next = cached_snaps;
	cached_snaps = ss;
	snaps_trim();
	return ss;
}

/* how many of the snapshot's members */
int64
receipts_wm_sorted_count(const WmSorted *ws)
{
	return ws->n;
}

/* how many of the snapshot's members have a folded watermark below m */
int64
receipts_wm_sorted_below(const WmSorted *ws, int64 m)
{
	int64		lo = 0,
				hi = ws->n;

	if (ws->narrow)
	{
		uint32		key;

		if (m <= ws->base)
			return 0;
		if ((uint64) m - (uint64) ws->base > PG_UINT32_MAX)
			return ws->n;
		key = (uint32) ((uint64) m - (uint64) ws->base);
		while (lo < hi)
		{
			int64		mid = lo + (hi - lo) / 2;

			if (ws->narrow[mid] < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo;
	}
	/* n is a count of member slots: it fits an int */
	return receipts_lower_bound(ws->wide, (int) ws->n, m);
}
