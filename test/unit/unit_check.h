/*
 * unit_check.h
 *	  What the standalone unit tests (grbitmap_unit.c, grblock_unit.c)
 *	  share: a failure counter, CHECK (report, and give up after ten
 *	  failures) and the xorshift64 step behind each test's random numbers.
 */
#ifndef UNIT_CHECK_H
#define UNIT_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int	failures = 0;

#define CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			if (++failures > 10) exit(1); \
		} \
	} while (0)

/* The next value of a xorshift64 generator (Marsaglia 13/7/17). */
static inline uint64_t
xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

#endif							/* UNIT_CHECK_H */
