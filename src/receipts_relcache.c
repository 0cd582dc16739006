/*
 * receipts_relcache.c
 *	  The OIDs of the extension's relations and the numbers of their
 *	  columns, looked up by name once per backend and kept until an
 *	  invalidation says they may have changed.
 *
 * The direct paths open four to six relations per call and read a dozen
 * columns; each lookup by name was a syscache probe (the schema, the
 * relation, its index, each column's number and type): about a tenth of
 * an unread_counts call at 640 members (perf: direct_open 6 %,
 * direct_attnum 3 %).  The OIDs cannot be fixed at install time -- a
 * dump/restore, an upgrade or a partition behind PL/Proxy has others --
 * so they are cached as the relcache caches: any relcache invalidation of
 * a cached relation (DROP, ALTER TABLE, a column renamed, a new index or
 * VACUUM's statistics), a relcache reset, or a change to a schema clears
 * the whole cache, and the next call looks everything up again.  Only
 * names that exist are cached: a storage version check that finds no
 * table (older storage) looks again next time.
 *
 * Invalidations from other backends arrive when a lock is taken; a cached
 * OID is used before the relation is locked, so the lookup first accepts
 * the pending invalidations, as RangeVarGetRelidExtended does: a backend
 * whose cache predates another session's DROP EXTENSION / CREATE
 * EXTENSION finds the new relations.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "storage/sinval.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "receipts.h"
#include "receipts_direct.h"

#define CACHED_RELS		32
#define CACHED_COLS		96

typedef struct CachedRel
{
	NameData	name;
	Oid			relid;
} CachedRel;

typedef struct CachedCol
{
	Oid			relid;
	NameData	name;
	Oid			type;
	AttrNumber	att;
} CachedCol;

static bool callbacks_registered = false;
static Oid	cached_nsp = InvalidOid;
static Oid	cached_bitmap_type = InvalidOid;
static CachedRel rels[CACHED_RELS];
static int	nrels = 0;
static CachedCol cols[CACHED_COLS];
static int	ncols = 0;
static uint64 generation = 0;	/* of the cache: bumped by every reset */

static void
cache_reset(void)
{
	generation++;
	cached_nsp = InvalidOid;
	cached_bitmap_type = InvalidOid;
	nrels = 0;
	ncols = 0;
}

/* relid InvalidOid: every relation's entry was invalidated */
static void
relcache_callback(Datum arg, Oid relid)
{
	int			i;

	if (!OidIsValid(relid))
	{
		cache_reset();
		return;
	}
	for (i = 0; i < nrels; i++)
		if (rels[i].relid == relid)
		{
			cache_reset();
			return;
		}
}

static void
syscache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	cache_reset();
}

static void
cache_prepare(void)
{
	if (!callbacks_registered)
	{
		CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(NAMESPACEOID, syscache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(TYPEOID, syscache_callback, (Datum) 0);
		callbacks_registered = true;
	}
	AcceptInvalidationMessages();
	/*
	 * The entry lock first: taking it accepts the invalidations that came
	 * while it waited, which may reset the cache (the schema's OID too);
	 * its own lookups come back here and find the schema below.
	 */
	receipts_storage_entry_lock();
	if (!OidIsValid(cached_nsp))
	{
		cache_reset();
		cached_nsp = get_namespace_oid(RECEIPTS_SCHEMA, false);
	}
}

/* bumped by every reset of the cache: what was looked up before may be stale */
uint64
receipts_cache_generation(void)
{
	return generation;
}

/* the OID of the schema groupreceipt (an error if it is missing) */
Oid
receipts_schema_oid(void)
{
	cache_prepare();
	return cached_nsp;
}

/* the OID of relation groupreceipt.name, InvalidOid if there is none */
Oid
receipts_relation_oid(const char *name)
{
	Oid			nsp = receipts_schema_oid();
	uint64		gen = generation;
	Oid			relid;
	int			i;

	for (i = 0; i < nrels; i++)
		if (strcmp(NameStr(rels[i].name), name) == 0)
			return rels[i].relid;
	relid = get_relname_relid(name, nsp);
	/* not if an invalidation came during the lookup: it may be about relid */
	if (OidIsValid(relid) && gen == generation && nrels < CACHED_RELS)
	{
		namestrcpy(&rels[nrels].name, name);
		rels[nrels].relid = relid;
		nrels++;
	}
	return relid;
}

/* the OID of the extension's type groupreceipt.bitmap, InvalidOid if none */
Oid
receipts_bitmap_type_oid(void)
{
	Oid			nsp = receipts_schema_oid();
	uint64		gen = generation;
	Oid			type;

	if (OidIsValid(cached_bitmap_type))
		return cached_bitmap_type;
	type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("bitmap"),
						   ObjectIdGetDatum(nsp));
	if (gen == generation)
		cached_bitmap_type = type;
	return type;
}

/*
 * The number of column name of relation relid if it has type type,
 * InvalidAttrNumber if it has no such column or another type.  relid is
 * one of the extension's relations, found by receipts_relation_oid.
 */
AttrNumber
receipts_column_attnum(Oid relid, const char *name, Oid type)
{
	uint64		gen = generation;
	AttrNumber	att;
	int			i;

	for (i = 0; i < ncols; i++)
		if (cols[i].relid == relid && cols[i].type == type &&
			strcmp(NameStr(cols[i].name), name) == 0)
			return cols[i].att;
	att = get_attnum(relid, name);
	if (att == InvalidAttrNumber || !OidIsValid(type) || get_atttype(relid, att) != type)
		return InvalidAttrNumber;
	/* cached only for a relation whose invalidation clears it */
	for (i = 0; i < nrels; i++)
		if (rels[i].relid == relid)
			break;
	if (i < nrels && gen == generation && ncols < CACHED_COLS)
	{
		cols[ncols].relid = relid;
		namestrcpy(&cols[ncols].name, name);
		cols[ncols].type = type;
		cols[ncols].att = att;
		ncols++;
	}
	return att;
}
