/*
 * gr_alloc_pg.c
 *	  The allocation hooks of the pure C cores (gr_alloc.h) inside the
 *	  server: memory of the current memory context, freed with it.
 *	  Huge allocations are allowed: a set's run array may pass 1 GB only
 *	  for inputs PostgreSQL itself would accept.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "gr_alloc.h"

void *
gr_alloc(size_t size)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, size);
}

void *
gr_realloc(void *ptr, size_t size)
{
	return repalloc_huge(ptr, size);
}

void
gr_free(void *ptr)
{
	pfree(ptr);
}
