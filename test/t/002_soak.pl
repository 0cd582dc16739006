# Soak (issue 6): a bounded mixed workload -- posts, batch and explicit acks,
# counts, lists, badges, pulls, membership churn -- from 8 pgbench clients
# with autovacuum on.  Checks: no failed transaction, the hot tables (the
# group rows every post updates, the roster rows every ack updates) stay
# small instead of growing with the number of updates, and at the end every
# answer equals the plain-SQL recomputation from the tables.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $SECONDS = $ENV{GR_SOAK_SECONDS} // 120;
sub sqlfile { my $f = shift; open(my $fh, '<', "t/sql/$f") or die "t/sql/$f: $!"; local $/; return <$fh>; }
my $GROUPS  = 8;

my $node = PostgreSQL::Test::Cluster->new('gr_soak');
$node->init;
$node->append_conf('postgresql.conf', q{
autovacuum = on
autovacuum_naptime = 1s
autovacuum_vacuum_scale_factor = 0.05
autovacuum_vacuum_insert_scale_factor = 0.05
log_autovacuum_min_duration = -1
});
$node->start;
$node->safe_psql('postgres', qq{
	CREATE EXTENSION groupreceipt;
	CREATE SEQUENCE soak_msgid;
	SELECT groupreceipt.add_members(g, ARRAY(SELECT generate_series(1, 50)::bigint))
	  FROM generate_series(1, $GROUPS) g;
	SELECT count(groupreceipt.post(g, nextval('soak_msgid'), 1 + m % 40))
	  FROM generate_series(1, 100) m, generate_series(1, $GROUPS) g;
});

my $tmp = PostgreSQL::Test::Utils::tempdir;
my %scripts = (
	# posters are uids 1-40, always members; churn touches uids 41-50 only.
	# Each group's msgids come from one client (a chat server allocates a
	# group's msgids in order; msgids from concurrent posters could commit
	# out of order and be refused, by design).  Other scripts hit any group.
	'post.sql' => qq{\\set g 1 + :client_id % $GROUPS
\\set u random(1, 40)
SELECT groupreceipt.post(:g, nextval('soak_msgid'), :u);
},
	'ack.sql' => qq{\\set g random(1, $GROUPS)
\\set u random(1, 50)
\\set d random(0, 30)
SELECT count(*) FROM groupreceipt.ack(:g, :u, (SELECT last_msgid - :d FROM groupreceipt.groups WHERE gid = :g));
},
	'ack_msgs.sql' => qq{\\set g random(1, $GROUPS)
\\set u random(1, 50)
\\set d random(0, 60)
SELECT count(*) FROM groupreceipt.ack_msgs(:g, :u,
  ARRAY(SELECT msgid FROM groupreceipt.messages WHERE gid = :g ORDER BY msgid DESC OFFSET :d LIMIT 2));
},
	'read.sql' => qq{\\set g random(1, $GROUPS)
\\set u random(1, 50)
SELECT count(*) FROM groupreceipt.unread_counts(:g,
  ARRAY(SELECT msgid FROM groupreceipt.messages WHERE gid = :g ORDER BY msgid DESC LIMIT 20));
SELECT count(*) FROM groupreceipt.readers(:g, (SELECT max(msgid) FROM groupreceipt.messages WHERE gid = :g));
SELECT groupreceipt.member_unread(:g, :u);
SELECT count(*) FROM groupreceipt.undelivered(:g, :u, NULL, 20);
},
	'churn.sql' => qq{\\set g random(1, $GROUPS)
\\set u random(41, 50)
SELECT groupreceipt.remove_members(:g, ARRAY[:u]::bigint[]);
SELECT groupreceipt.add_members(:g, ARRAY[:u + (:u % 2)]::bigint[]);
},
);
for my $f (keys %scripts)
{
	open my $fh, '>', "$tmp/$f" or die;
	print $fh $scripts{$f};
	close $fh;
}

my ($out, $err) = ('', '');
my $h = IPC::Run::start(
	[ 'pgbench', '-n', '-c', '8', '-j', '2', '-T', $SECONDS, '-M', 'prepared',
	  '-f', "$tmp/post.sql\@4", '-f', "$tmp/ack.sql\@3", '-f', "$tmp/ack_msgs.sql\@3",
	  '-f', "$tmp/read.sql\@2", '-f', "$tmp/churn.sql\@1", $node->connstr('postgres') ],
	'>', \$out, '2>', \$err);

my $sizes = q{SELECT pg_total_relation_size('groupreceipt.groups') || ' ' ||
                     pg_total_relation_size('groupreceipt.members') || ' ' ||
                     pg_total_relation_size('groupreceipt.store')};
sleep(int($SECONDS / 3));
my ($g1, $m1, $l1) = split / /, $node->safe_psql('postgres', $sizes);
my $clean = $h->finish;
my ($g2, $m2, $l2) = split / /, $node->safe_psql('postgres', $sizes);

my ($tx)     = $out =~ /number of transactions actually processed: (\d+)/;
my ($failed) = $out =~ /number of failed transactions: (\d+)/;
my $updates = $node->safe_psql('postgres',
	"SELECT n_tup_upd FROM pg_stat_user_tables WHERE relid = 'groupreceipt.groups'::regclass");
diag("soak: $SECONDS s, $tx transactions; groups $g1 -> $g2 bytes, members $m1 -> $m2, store $l1 -> $l2;"
	  . " $updates updates of the $GROUPS group rows");
ok($clean, 'pgbench exited cleanly') or diag($err);
unlike($out . $err, qr/aborted|ERROR/, 'no client aborted, no error');
is($failed // 0, 0, 'no failed transaction');
ok($tx > 1000, "the workload ran ($tx transactions)");

# bounded: the hot tables do not grow with the number of updates
ok($g2 <= 2 * $g1 + 65536, "group rows stay small ($g1 -> $g2 bytes after $updates updates)");
ok($m2 <= 2 * $m1 + 131072, "roster stays small ($m1 -> $m2 bytes)");
ok($g2 < 1024 * 1024 && $m2 < 2 * 1024 * 1024, 'hot tables under 1 MB / 2 MB');
# every table (issue 12, item 11): the tables that grow with the data
# (messages, snapshots: one row per post / per post after a membership
# change) stay within a bound per row however often their rows are updated
# (fold updates each read message once), and the queues (0.8: the K and L
# rows of store -- insert, then delete by fold) stay small
# (0.5: a message is a row of messages until fold seals it into a block
# row of store, so the messages table is bounded by the live messages, tail
# and sealed, and store by its rows of at most 8 kB; 0.6: the snapshots and
# watermark vectors are rows of store too; 0.8: the logs' rows too, each
# within store's bound per row)
my %per_row = (messages => 300, members => 1200, groups => 16384, store => 16384);
my $live = $node->safe_psql('postgres',
	'SELECT count(*) FROM groupreceipt.groups g, groupreceipt._live_messages(g.gid) m');
my $sealed = $node->safe_psql('postgres', "SELECT count(*) FROM groupreceipt.store WHERE kind = 'B'");
ok($sealed > 0, "folds sealed messages into blocks as the workload ran ($sealed blocks, $live live messages)");
for my $t (sort keys %per_row)
{
	my ($bytes, $rows, $upd, $hot) = split / /, $node->safe_psql('postgres', qq{
		SELECT pg_total_relation_size('groupreceipt.$t') || ' ' || (SELECT count(*) FROM groupreceipt.$t)
		       || ' ' || n_tup_upd || ' ' || n_tup_hot_upd
		  FROM pg_stat_user_tables WHERE relid = 'groupreceipt.$t'::regclass});
	$rows = $live if $t eq 'messages';
	my $bound = $per_row{$t} * $rows + 131072;
	ok($bytes <= $bound, "$t: $bytes bytes for $rows rows ($upd updates, $hot HOT) within $bound");
}
my $store_bytes = $node->safe_psql('postgres', "SELECT pg_total_relation_size('groupreceipt.store')");
ok($store_bytes < 16 * 1024 * 1024, "store, with its queues, stays small ($store_bytes bytes)");
# the batch-ack log is the same kind of queue (each backend folds the
# group at hand every 256 acks), and the packed watermark vectors, one row
# per group rewritten by each fold, stay within a bound per row
my $ack_rows = $node->safe_psql('postgres', "SELECT count(*) FROM groupreceipt.store WHERE kind = 'K'");
ok($ack_rows < 3 * 8 * 256, "ack log folded as it goes ($ack_rows batch acks pending)");
my ($wm_bytes, $wm_rows) = split / /, $node->safe_psql('postgres',
	"SELECT coalesce(sum(pg_column_size(payload)), 0) || ' ' || count(*) FROM groupreceipt.store WHERE kind = 'W'");
ok($wm_rows > 0 && $wm_bytes <= 16384 * $wm_rows, "watermark vectors: $wm_bytes bytes in $wm_rows W rows");

# the explicit-read log is folded as it goes: each backend folds the group
# at hand every 1024 reads it logs, so what is pending stays in the order of
# clients x 1024, not of all the reads made
my $log_rows = $node->safe_psql('postgres', "SELECT count(*) FROM groupreceipt.store WHERE kind = 'L'");
ok($log_rows < 3 * 8 * 1024, "read log folded as it goes ($log_rows explicit reads pending)");

# exact answers at the end, every group
my $mismatch = $node->safe_psql('postgres', sqlfile('recompute_counts.sql'));
is($mismatch, '0', 'unread_counts equals the recomputation for every message');

# badges too: member_unread equals the count of unread received messages
my $badge_mismatch = $node->safe_psql('postgres', sqlfile('recompute_badges.sql'));
is($badge_mismatch, '0', 'member_unread equals the recomputation for every member');

$node->stop;
done_testing();
