\set m random(20, :cmsgs)
SELECT msgid, length(read) - 1 AS recipients, bit_count(read) AS read,
       length(read) - 1 - bit_count(read) AS unread
  FROM bitmap_rows.msgs WHERE gid = :gid AND msgid BETWEEN :m - 19 AND :m;
