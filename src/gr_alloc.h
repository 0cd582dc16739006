/*
 * gr_alloc.h
 *	  Allocation hooks of the pure C cores (grbitmap_*.c): the embedding
 *	  program links exactly one definition -- src/gr_alloc_pg.c in the
 *	  server (palloc in CurrentMemoryContext), test/unit/gr_alloc_libc.c in
 *	  the standalone unit tests and fuzz harnesses (malloc).
 *
 * None of them returns NULL: the server's allocator raises an error, the
 * standalone one aborts.
 */
#ifndef GR_ALLOC_H
#define GR_ALLOC_H

#include <stddef.h>

extern void *gr_alloc(size_t size);
extern void *gr_realloc(void *ptr, size_t size);
extern void gr_free(void *ptr);

#endif							/* GR_ALLOC_H */
