/*
 * receipts_settings.c
 *	  The library's module magic and _PG_init, and the extension's settings
 *	  (GUCs).
 *
 *	  groupreceipt.retention       age after which the triggers archive a
 *	                               message's receipts (0 = never; superuser)
 *	  groupreceipt.archive_batch   at most this many messages are examined
 *	                               per trigger firing (superuser)
 *	  groupreceipt.notify_channel  when set, ack and ack_msgs send NOTIFYs
 *	                               on this channel at commit
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "receipts.h"

PG_MODULE_MAGIC;

int			receipts_retention_s = 0;
int			receipts_archive_batch = 256;
int			receipts_tail_messages = 256;
char	   *receipts_notify_channel = NULL;

static bool
check_notify_channel(char **newval, void **extra, GucSource source)
{
	if (*newval && strlen(*newval) >= NAMEDATALEN)
	{
		GUC_check_errcode(ERRCODE_NAME_TOO_LONG);
		GUC_check_errdetail("A notification channel name has at most %d bytes.", NAMEDATALEN - 1);
		return false;
	}
	return true;
}

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("groupreceipt.retention",
							"Age after which posts' triggers archive a message's receipts.",
							"0 turns automatic archiving off.",
							&receipts_retention_s,
							0, 0, INT_MAX,
							PGC_SUSET, GUC_UNIT_S,
							NULL, NULL, NULL);
	DefineCustomIntVariable("groupreceipt.archive_batch",
							"Messages of a group examined by one archiving trigger firing.",
							NULL,
							&receipts_archive_batch,
							256, 1, 10000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("groupreceipt.tail_messages",
							"Newest messages of a group that fold leaves unsealed.",
							"Older messages are packed into sealed blocks of 256 (0.5 storage).",
							&receipts_tail_messages,
							256, 0, 1000000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	DefineCustomStringVariable("groupreceipt.notify_channel",
							   "Channel on which ack and ack_msgs notify senders of new reads.",
							   "Empty turns notifications off.",
							   &receipts_notify_channel,
							   "",
							   PGC_USERSET, 0,
							   check_notify_channel, NULL, NULL);
	MarkGUCPrefixReserved("groupreceipt");
	receipts_trigger_init();
}

/* groupreceipt._retention() -> interval: the retention, NULL when off. */
PG_FUNCTION_INFO_V1(groupreceipt_retention);
Datum
groupreceipt_retention(PG_FUNCTION_ARGS)
{
	Interval   *iv;

	if (receipts_retention_s <= 0)
		PG_RETURN_NULL();
	iv = palloc0(sizeof(Interval));
	iv->time = (TimeOffset) receipts_retention_s * USECS_PER_SEC;
	PG_RETURN_INTERVAL_P(iv);
}

/* groupreceipt._archive_batch() -> integer */
PG_FUNCTION_INFO_V1(groupreceipt_archive_batch);
Datum
groupreceipt_archive_batch(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(receipts_archive_batch);
}
