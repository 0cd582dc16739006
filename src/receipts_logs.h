/*
 * receipts_logs.h
 *	  The two insert-only logs of acks not folded yet, wherever the storage
 *	  version keeps them (receipts_logs.c).
 *
 *	  batch acks (ack):        0.8: K rows of store (gid, 'K', slot, upto)
 *	                           0.3-0.7: table ack_log (gid, slot, upto)
 *	  explicit reads (ack_msgs): 0.8: L rows of store (gid, 'L', msgid, slot)
 *	                           0.1-0.7: table read_log (gid, msgid, slot)
 *
 * Each log row has two values, in its key's order: a batch ack's slot and
 * upto, an explicit read's msgid and slot.  Include after postgres.h,
 * receipts.h and receipts_direct.h.
 */
#ifndef GROUPRECEIPT_RECEIPTS_LOGS_H
#define GROUPRECEIPT_RECEIPTS_LOGS_H

typedef enum LogKind
{
	LOG_ACKS = 'K',				/* (slot, upto) */
	LOG_READS = 'L'				/* (msgid, slot) */
} LogKind;

/* 0.8 storage: the logs are K and L rows of store */
extern bool receipts_storage_v08(void);
/* 0.10 storage: the read watermarks are the W row and the K rows alone */
extern bool receipts_storage_v10(void);

/*
 * An index-only scan of a group's log rows: log_scan_init, then bounds on
 * the values (log_scan_bound; the first value's, then the second's only
 * with the first's equal), log_scan_begin, log_scan_next, log_scan_value.
 */
typedef struct LogScan
{
	DirectScan	ds;
	LogKind		kind;
	bool		store;			/* rows of store (0.8), else a log table */
	int64		gid;
	ScanKeyData keys[6];
	int			nkeys;
	int			col[2];			/* index columns of the two values */
} LogScan;

extern void log_scan_init(LogScan *ls, LogKind kind, int64 gid);
extern void log_scan_bound(LogScan *ls, int value, StrategyNumber strategy, int64 bound);
extern ScanKey log_scan_more_keys(LogScan *ls, int value, AttrNumber *attno);
extern void log_scan_begin(LogScan *ls);
extern bool log_scan_next(LogScan *ls, ScanDirection dir);
extern int64 log_scan_value(LogScan *ls, int value);
extern void log_scan_end(LogScan *ls);

/* Does the row (gid, a, b) exist?  Opened once, probed per row. */
typedef struct LogProbe
{
	DirectProbe probe;
	bool		store;
	LogKind		kind;
} LogProbe;

extern void log_probe_begin(LogProbe *lp, LogKind kind);
extern bool log_probe_run(LogProbe *lp, int64 gid, int64 a, int64 b);
extern void log_probe_end(LogProbe *lp);

/* Inserts of log rows (direct: the log has no trigger or rule). */
typedef struct LogInsert
{
	DirectInsert di;
	bool		store;
	LogKind		kind;
	bytea	   *empty;			/* store: the empty payload */
} LogInsert;

extern void log_insert_begin(LogInsert *li, LogKind kind, const char *what);
extern void log_insert_row(LogInsert *li, int64 gid, int64 a, int64 b);
extern void log_insert_end(LogInsert *li);

/* reads of the logs shared by the query path, the acks and fold */
extern int64 receipts_pending_ack_of(int64 gid, int32 slot, int64 dflt);
extern bool receipts_pending_reads_in(int64 gid, int64 lo, int64 hi);
extern int	receipts_pending_read_msgids(int64 gid, int max, int64 **out);

#endif							/* GROUPRECEIPT_RECEIPTS_LOGS_H */
