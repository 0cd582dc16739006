/*
 * receipts_notify.c
 *	  Push: one NOTIFY per (reader, sender) with the messages that became
 *	  read, as JSON, split so that no payload exceeds PostgreSQL's limit.
 *	  Notifications are queued by Async_Notify and delivered at commit (and
 *	  dropped on rollback), exactly like SQL's NOTIFY.
 */
#include "postgres.h"

#include "commands/async.h"
#include "lib/stringinfo.h"

#include "receipts.h"

/*
 * async.c rejects payloads of NOTIFY_PAYLOAD_MAX_LENGTH (BLCKSZ -
 * NAMEDATALEN - 128) bytes or more; that constant is private to async.c.
 */
#define RECEIPTS_PAYLOAD_MAX	(BLCKSZ - NAMEDATALEN - 128 - 1)

static bool
receipts_notify_enabled(void)
{
	return receipts_notify_channel != NULL && receipts_notify_channel[0] != '\0';
}

static void
payload_start(StringInfo buf, int64 gid, int64 reader, int64 sender)
{
	resetStringInfo(buf);
	appendStringInfo(buf, "{\"gid\": " INT64_FORMAT ", \"reader\": " INT64_FORMAT
					 ", \"sender\": " INT64_FORMAT ", \"msgids\": [",
					 gid, reader, sender);
}

void
receipts_notify(int64 gid, int64 reader, int64 sender, const int64 *msgids, int n)
{
	StringInfoData buf;
	char		num[32];
	int			i;
	bool		first = true;

	if (!receipts_notify_enabled() || n == 0)
		return;
	initStringInfo(&buf);
	payload_start(&buf, gid, reader, sender);
	for (i = 0; i < n; i++)
	{
		int			len = snprintf(num, sizeof(num), INT64_FORMAT, msgids[i]);

		/* ", " + number + "]}" must still fit */
		if (!first && buf.len + 2 + len + 2 > RECEIPTS_PAYLOAD_MAX)
		{
			appendStringInfoString(&buf, "]}");
			Async_Notify(receipts_notify_channel, buf.data);
			payload_start(&buf, gid, reader, sender);
			first = true;
		}
		if (!first)
			appendStringInfoString(&buf, ", ");
		appendBinaryStringInfo(&buf, num, len);
		first = false;
	}
	appendStringInfoString(&buf, "]}");
	Async_Notify(receipts_notify_channel, buf.data);
	pfree(buf.data);
}
