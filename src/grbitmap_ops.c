/*
 * grbitmap_ops.c
 *	  Set algebra over run lists.  Pure C, no PostgreSQL dependency.
 *
 * Every operation is a linear merge over the two run lists, so its cost
 * depends on the number of runs, never on the width of a run: the set
 * {0-2147483646} is one run and costs as little as {5}.
 */
#include "grbitmap.h"

#include <stdlib.h>
#include <string.h>

void
grset_init(GrSet *s)
{
	s->runs = NULL;
	s->nruns = 0;
	s->cap = 0;
}

void
grset_free(GrSet *s)
{
	if (s->runs)
		gr_free(s->runs);
	grset_init(s);
}

void
grset_reserve(GrSet *s, uint32_t nruns)
{
	uint32_t	newcap;

	if (nruns <= s->cap)
		return;
	newcap = s->cap ? s->cap : 8;
	while (newcap < nruns)
		newcap = (newcap > UINT32_MAX / 2) ? nruns : newcap * 2;
	if (s->runs)
		s->runs = gr_realloc(s->runs, (size_t) newcap * sizeof(GrRun));
	else
		s->runs = gr_alloc((size_t) newcap * sizeof(GrRun));
	s->cap = newcap;
}

void
grset_append_run(GrSet *s, uint32_t lo, uint32_t hi)
{
	if (s->nruns > 0)
	{
		GrRun	   *last = &s->runs[s->nruns - 1];

		/* adjacent or overlapping with the last run: extend it */
		if ((uint64_t) lo <= (uint64_t) last->hi + 1)
		{
			if (hi > last->hi)
				last->hi = hi;
			return;
		}
	}
	if (s->nruns == s->cap)
		grset_reserve(s, s->nruns + 1);
	s->runs[s->nruns].lo = lo;
	s->runs[s->nruns].hi = hi;
	s->nruns++;
}

static int
run_cmp(const void *a, const void *b)
{
	const GrRun *ra = a;
	const GrRun *rb = b;

	if (ra->lo != rb->lo)
		return ra->lo < rb->lo ? -1 : 1;
	if (ra->hi != rb->hi)
		return ra->hi < rb->hi ? -1 : 1;
	return 0;
}

void
grset_from_runs(GrSet *s, GrRun *runs, size_t n)
{
	size_t		i;

	grset_init(s);
	if (n == 0)
		return;
	qsort(runs, n, sizeof(GrRun), run_cmp);
	for (i = 0; i < n; i++)
		grset_append_run(s, runs[i].lo, runs[i].hi);
}

uint64_t
grset_count(const GrSet *s)
{
	uint64_t	n = 0;
	uint32_t	i;

	for (i = 0; i < s->nruns; i++)
		n += (uint64_t) s->runs[i].hi - s->runs[i].lo + 1;
	return n;
}

/* Index of the run containing pos, or -1. */
static int64_t
find_run(const GrSet *s, uint32_t pos)
{
	uint32_t	lo = 0,
				hi = s->nruns;

	while (lo < hi)
	{
		uint32_t	mid = lo + (hi - lo) / 2;

		if (s->runs[mid].hi < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nruns && s->runs[lo].lo <= pos)
		return lo;
	return -1;
}

bool
grset_contains(const GrSet *s, uint32_t pos)
{
	return find_run(s, pos) >= 0;
}

void
grset_union(GrSet *out, const GrSet *a, const GrSet *b)
{
	uint32_t	i = 0,
				j = 0;

	grset_init(out);
	grset_reserve(out, a->nruns + b->nruns);
	while (i < a->nruns || j < b->nruns)
	{
		const GrRun *r;

		if (j >= b->nruns || (i < a->nruns && a->runs[i].lo <= b->runs[j].lo))
			r = &a->runs[i++];
		else
			r = &b->runs[j++];
		grset_append_run(out, r->lo, r->hi);
	}
}

void
grset_intersect(GrSet *out, const GrSet *a, const GrSet *b)
{
	uint32_t	i = 0,
				j = 0;

	grset_init(out);
	while (i < a->nruns && j < b->nruns)
	{
		uint32_t	lo = a->runs[i].lo > b->runs[j].lo ? a->runs[i].lo : b->runs[j].lo;
		uint32_t	hi = a->runs[i].hi < b->runs[j].hi ? a->runs[i].hi : b->runs[j].hi;

		if (lo <= hi)
			grset_append_run(out, lo, hi);
		if (a->runs[i].hi < b->runs[j].hi)
			i++;
		else
			j++;
	}
}

uint64_t
grset_intersect_count(const GrSet *a, const GrSet *b)
{
	uint32_t	i = 0,
				j = 0;
	uint64_t	n = 0;

	while (i < a->nruns && j < b->nruns)
	{
		uint32_t	lo = a->runs[i].lo > b->runs[j].lo ? a->runs[i].lo : b->runs[j].lo;
		uint32_t	hi = a->runs[i].hi < b->runs[j].hi ? a->runs[i].hi : b->runs[j].hi;

		if (lo <= hi)
			n += (uint64_t) hi - lo + 1;
		if (a->runs[i].hi < b->runs[j].hi)
			i++;
		else
			j++;
	}
	return n;
}

bool
grset_overlaps(const GrSet *a, const GrSet *b)
{
	uint32_t	i = 0,
				j = 0;

	while (i < a->nruns && j < b->nruns)
	{
		if (a->runs[i].hi < b->runs[j].lo)
			i++;
		else if (b->runs[j].hi < a->runs[i].lo)
			j++;
		else
			return true;
	}
	return false;
}

void
grset_difference(GrSet *out, const GrSet *a, const GrSet *b)
{
	uint32_t	i,
				j = 0;

	grset_init(out);
	for (i = 0; i < a->nruns; i++)
	{
		uint64_t	lo = a->runs[i].lo;
		uint64_t	hi = a->runs[i].hi;

		/* skip b's runs entirely before this run */
		while (j < b->nruns && b->runs[j].hi < lo)
			j++;
		/* cut out every b run overlapping [lo, hi] */
		while (j < b->nruns && b->runs[j].lo <= hi)
		{
			if (b->runs[j].lo > lo)
				grset_append_run(out, (uint32_t) lo, b->runs[j].lo - 1);
			lo = (uint64_t) b->runs[j].hi + 1;
			if (lo > hi)
				break;
			j++;
		}
		if (lo <= hi)
			grset_append_run(out, (uint32_t) lo, (uint32_t) hi);
	}
}

bool
grset_is_subset(const GrSet *a, const GrSet *b)
{
	uint32_t	i,
				j = 0;

	for (i = 0; i < a->nruns; i++)
	{
		while (j < b->nruns && b->runs[j].hi < a->runs[i].lo)
			j++;
		/* runs are maximal, so a's run must sit inside one run of b */
		if (j >= b->nruns || b->runs[j].lo > a->runs[i].lo ||
			b->runs[j].hi < a->runs[i].hi)
			return false;
	}
	return true;
}

bool
grset_equal(const GrSet *a, const GrSet *b)
{
	return a->nruns == b->nruns &&
		(a->nruns == 0 ||
		 memcmp(a->runs, b->runs, (size_t) a->nruns * sizeof(GrRun)) == 0);
}

void
grset_add(GrSet *s, uint32_t pos)
{
	uint32_t	lo = 0,
				hi = s->nruns;
	uint32_t	k;
	bool		join_prev,
				join_next;

	/* k = first run with hi >= pos */
	while (lo < hi)
	{
		uint32_t	mid = lo + (hi - lo) / 2;

		if (s->runs[mid].hi < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	k = lo;
	if (k < s->nruns && s->runs[k].lo <= pos)
		return;					/* already present */

	join_prev = (k > 0 && (uint64_t) s->runs[k - 1].hi + 1 == pos);
	join_next = (k < s->nruns && pos != UINT32_MAX && s->runs[k].lo == pos + 1);

	if (join_prev && join_next)
	{
		s->runs[k - 1].hi = s->runs[k].hi;
		memmove(&s->runs[k], &s->runs[k + 1],
				(size_t) (s->nruns - k - 1) * sizeof(GrRun));
		s->nruns--;
	}
	else if (join_prev)
		s->runs[k - 1].hi = pos;
	else if (join_next)
		s->runs[k].lo = pos;
	else
	{
		grset_reserve(s, s->nruns + 1);
		memmove(&s->runs[k + 1], &s->runs[k],
				(size_t) (s->nruns - k) * sizeof(GrRun));
		s->runs[k].lo = pos;
		s->runs[k].hi = pos;
		s->nruns++;
	}
}

void
grset_remove(GrSet *s, uint32_t pos)
{
	int64_t		k = find_run(s, pos);
	GrRun	   *r;

	if (k < 0)
		return;
	r = &s->runs[k];
	if (r->lo == pos && r->hi == pos)
	{
		memmove(r, r + 1, (size_t) (s->nruns - k - 1) * sizeof(GrRun));
		s->nruns--;
	}
	else if (r->lo == pos)
		r->lo = pos + 1;
	else if (r->hi == pos)
		r->hi = pos - 1;
	else
	{
		uint32_t	oldhi = r->hi;

		grset_reserve(s, s->nruns + 1);
		r = &s->runs[k];		/* may have moved */
		memmove(r + 2, r + 1, (size_t) (s->nruns - k - 1) * sizeof(GrRun));
		r->hi = pos - 1;
		r[1].lo = pos + 1;
		r[1].hi = oldhi;
		s->nruns++;
	}
}
