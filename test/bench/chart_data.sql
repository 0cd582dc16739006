-- ratio per (workload, competitor) for the chart: label ratio bar
WITH med AS (
  SELECT workload, scheme, (percentile_cont(0.5) WITHIN GROUP (ORDER BY tps))::numeric AS tps
  FROM bench_tps GROUP BY workload, scheme)
SELECT replace(c.workload || '/' || c.scheme, '_', '-'), round((g.tps / nullif(c.tps, 0))::numeric, 3)
FROM med g JOIN med c ON c.workload = g.workload AND c.scheme <> 'groupreceipt'
WHERE g.scheme = 'groupreceipt'
ORDER BY c.workload, c.scheme;
