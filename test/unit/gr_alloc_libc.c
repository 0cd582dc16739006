/*
 * gr_alloc_libc.c
 *	  The allocation hooks of the pure C cores (gr_alloc.h) for
 *	  standalone programs -- the unit tests and the fuzz harness: malloc,
 *	  and abort instead of returning NULL.
 */
#include "gr_alloc.h"

#include <stdlib.h>

void *
gr_alloc(size_t size)
{
	void	   *p = malloc(size ? size : 1);

	if (!p)
		abort();
	return p;
}

void *
gr_realloc(void *ptr, size_t size)
{
	void	   *p = realloc(ptr, size ? size : 1);

	if (!p)
		abort();
	return p;
}

void
gr_free(void *ptr)
{
	free(ptr);
}
