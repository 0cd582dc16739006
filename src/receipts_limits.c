/*
 * receipts_limits.c
 *	  The argument limits (receipts.h) as SQL functions, so the checks
 *	  written in SQL use the same numbers as the C entry points.
 */
#include "postgres.h"

#include "fmgr.h"

#include "receipts.h"

PG_FUNCTION_INFO_V1(groupreceipt_max_ids);
Datum
groupreceipt_max_ids(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(RECEIPTS_MAX_BATCH);
}

PG_FUNCTION_INFO_V1(groupreceipt_max_page_size);
Datum
groupreceipt_max_page_size(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(RECEIPTS_MAX_PAGE_SIZE);
}
