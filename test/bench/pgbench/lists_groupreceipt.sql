\set m random(1, :list_msgs)
SELECT array(SELECT groupreceipt.readers(:gid, :m)) AS readers,
       array(SELECT groupreceipt.non_readers(:gid, :m)) AS non_readers;
