\set uid random(2, :burst_members)
\set m random(1, 64)
UPDATE bitmap_rows.msgs SET read = set_bit(read, :uid - 1, 1) WHERE gid = 300 AND msgid = :m;
