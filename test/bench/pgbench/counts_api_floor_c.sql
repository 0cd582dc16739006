\set m random(20, :cmsgs)
SELECT * FROM bench_api.floor_c(to_jsonb(ARRAY[:m - 19, :m - 18, :m - 17, :m - 16, :m - 15, :m - 14, :m - 13, :m - 12, :m - 11, :m - 10, :m - 9, :m - 8, :m - 7, :m - 6, :m - 5, :m - 4, :m - 3, :m - 2, :m - 1, :m]::bigint[]), :gid);
