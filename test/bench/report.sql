-- Markdown report of a benchmark run (run by run.sh with psql -At).
CREATE TEMP TABLE med AS
SELECT workload, scheme, (percentile_cont(0.5) WITHIN GROUP (ORDER BY tps))::numeric AS tps
FROM bench_tps GROUP BY workload, scheme;

-- the bars of issue 13; a floor competitor is measured in the workload
-- named by cworkload (the floors run beside post and batch ack)
CREATE TEMP TABLE bars (ord int, workload text, what text, competitor text, cworkload text, op text, bar numeric);
INSERT INTO bars VALUES
 (1, 'post', 'post into a 640-member group (one group per client)', 'msg_acks', NULL, '>=', 15),
 (2, 'post', 'post into a 640-member group (one group per client)', 'floor_insert', NULL, '>=', 0.6),
 (3, 'ack', 'batch ack: a member acks 10 more messages per transaction', 'msg_acks', NULL, '>=', 3),
 (4, 'ack', 'batch ack: a member acks 10 more messages per transaction', 'floor_update', NULL, '>=', 0.6),
 (5, 'burst', 'burst: random members of a 10,000-member group explicitly ack one of 64 hot messages', 'msg_acks', NULL, '>=', 1),
 (6, 'burst', 'burst: random members of a 10,000-member group explicitly ack one of 64 hot messages', 'floor_update', 'ack', '>=', 0.6),
 (7, 'burst', 'burst: random members of a 10,000-member group explicitly ack one of 64 hot messages', 'bitmap_rows', NULL, NULL, NULL),
 (8, 'counts', 'unread_counts for the 20 messages on a sender''s screen, 640 members', 'bitmap_rows', NULL, '>=', 1),
 (9, 'counts', 'unread_counts for the 20 messages on a sender''s screen, 640 members', 'msg_acks', NULL, NULL, NULL),
 (10, 'counts_big', 'unread_counts for 20 messages, ' || :'big_members' || ' members', 'bitmap_rows', NULL, '>=', 1),
 (11, 'lists_640', 'readers + non_readers of one message, 640 members', 'bitmap_rows', NULL, '>=', 1),
 (12, 'lists_640', 'readers + non_readers of one message, 640 members', 'msg_acks', NULL, NULL, NULL),
 (13, 'lists_10k', 'readers + non_readers of one message, 10,000 members', 'bitmap_rows', NULL, '>=', 1),
 (14, 'lists_10k', 'readers + non_readers of one message, 10,000 members', 'msg_acks', NULL, NULL, NULL),
 (15, 'lists_big', 'readers + non_readers of one message, ' || :'big_members' || ' members', 'bitmap_rows', NULL, '>=', 1);

SELECT '# groupreceipt benchmark (' || :'mode' || ')';
SELECT '';
SELECT 'PostgreSQL ' || current_setting('server_version') || ', groupreceipt SQL '
       || (SELECT extversion FROM pg_extension WHERE extname = 'groupreceipt')
       || ' (source tree ' || :'tree' || ')'
       || ', ' || :'clients' || ' pgbench clients, -M prepared, ' || :'rounds'
       || ' alternating rounds of ' || :'secs' || ' s (batch ack: fixed transactions per client); '
       || 'figures are medians; ratios are groupreceipt / competitor in this run.';
SELECT '';
SELECT '| workload | groupreceipt tps | competitor | competitor tps | ratio | bar | met |';
SELECT '|---|---:|---|---:|---:|---|---|';
SELECT format('| %s | %s | %s | %s | %s | %s | %s |', b.what, round(g.tps), b.competitor, round(c.tps),
              round(g.tps / nullif(c.tps, 0), 2),
              coalesce(b.op || ' ' || b.bar, 'report'),
              CASE WHEN b.bar IS NULL THEN '' WHEN g.tps / nullif(c.tps, 0) >= b.bar THEN 'yes' ELSE '**no**' END)
FROM bars b JOIN med g ON g.workload = b.workload AND g.scheme = 'groupreceipt'
JOIN med c ON c.workload = coalesce(b.cworkload, b.workload) AND c.scheme = b.competitor
ORDER BY b.ord;
SELECT '';
SELECT 'unread_counts, ' || :'big_members' || ' members / 640 members (groupreceipt tps ratio; bar: the large group at most 5x slower, i.e. >= 0.2): '
       || round((SELECT tps FROM med WHERE workload = 'counts_big' AND scheme = 'groupreceipt')
                / nullif((SELECT tps FROM med WHERE workload = 'counts' AND scheme = 'groupreceipt'), 0), 3);
SELECT '';
SELECT '## Write bars against the floor';
SELECT '';
SELECT 'Every write workload commits one transaction per call, so none can outrun the floor, the '
       || 'fastest one-row write transaction measured in this run (the better of floor_insert and '
       || 'floor_update). A bar set as a multiple of a competitor asks for this many tps:';
SELECT '';
SELECT '| workload | bar | asks for (tps) | floor in this run (tps) | asks / floor |';
SELECT '|---|---|---:|---:|---:|';
SELECT format('| %s | %s %s x %s | %s | %s | %s |', b.workload, b.op, b.bar, b.competitor,
              round(b.bar * c.tps), round(f.tps), round(b.bar * c.tps / nullif(f.tps, 0), 2))
FROM bars b
JOIN med c ON c.workload = b.workload AND c.scheme = b.competitor
CROSS JOIN (SELECT max(tps) AS tps FROM med WHERE scheme IN ('floor_insert', 'floor_update')) f
WHERE b.bar IS NOT NULL AND b.workload IN ('post', 'ack', 'burst')
  AND b.competitor NOT LIKE 'floor%'
ORDER BY b.ord;
SELECT '';
SELECT '## Storage: 640 members x ' || :'storage_msgs' || ' messages, bytes per message';
SELECT '';
SELECT 'All tables of each scheme (heap + indexes + TOAST) after VACUUM FULL, divided by the number of messages. '
       || 'Seed 002 estimates, per 1024 messages of a 640-member group: receiver + read lists 2.5-5 MB '
       || '(2,441-4,883 bytes per message); shared member list + one bit per member 2.5-22.5 KB (2.4-22 bytes per message).';
SELECT '';
SELECT '| read state | groupreceipt | bitmap_rows | lists | msg_acks | groupreceipt / bitmap_rows | bar (groupreceipt bytes/message) | met |';
SELECT '|---|---:|---:|---:|---:|---:|---|---|';
SELECT format('| %s | %s | %s | %s | %s | %s | <= %s | %s |',
              CASE s.state WHEN 'half' THEN 'half at random' ELSE s.state END,
              max(per_msg) FILTER (WHERE scheme = 'groupreceipt'),
              max(per_msg) FILTER (WHERE scheme = 'bitmap_rows'),
              max(per_msg) FILTER (WHERE scheme = 'lists'),
              max(per_msg) FILTER (WHERE scheme = 'msg_acks'),
              round(max(per_msg) FILTER (WHERE scheme = 'groupreceipt')
                    / max(per_msg) FILTER (WHERE scheme = 'bitmap_rows'), 2),
              CASE s.state WHEN 'half' THEN 110 ELSE 22 END,
              CASE WHEN max(per_msg) FILTER (WHERE scheme = 'groupreceipt')
                        <= CASE s.state WHEN 'half' THEN 110 ELSE 22 END
                   THEN 'yes' ELSE '**no**' END)
FROM bench_storage s GROUP BY s.state
ORDER BY CASE s.state WHEN 'nobody' THEN 1 WHEN 'half' THEN 2 ELSE 3 END;
