# ALTER EXTENSION groupreceipt UPDATE under load (library 0.8.1's entry
# lock, src/receipts_storage.c), twice: a database at 0.7 storage with
# posts, batch and explicit acks and counts running from 6 pgbench clients
# is updated to 0.8 in the middle of the run, and one at 0.9 storage to 0.10
# (which moves the read watermark of members who joined after the last fold
# from the roster into K rows: a 41st member joins every group after its
# posts, and no client acks for it).  pgbench retries serialization
# failures (--max-tries) and aborts a client on any other error, so a clean
# run shows that every call the update interrupted stopped with 40001 and
# nothing else (before 0.8.1: "could not open relation with OID ..." for
# acks that waited, and counts that answered without the moved pending
# acks, which no error shows -- hence the recomputation at the end: every
# count and badge equals the plain-SQL recomputation from the tables).
# The clients call C functions only: SQL-language functions compiled before
# the update (member_unread, undelivered) can fail with 42P01 when they
# waited (test/specs/storage_update.spec).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

sub sqlfile { my $f = shift; open(my $fh, '<', "t/sql/$f") or die "t/sql/$f: $!"; local $/; return <$fh>; }

my $SECONDS = 12;
my $GROUPS  = 6;

sub update_under_load
{
	my ($from, $to, $joiner) = @_;
	my $node = PostgreSQL::Test::Cluster->new('gr_update_load_' . $from =~ s/\./_/r);
	$node->init;
	$node->start;
	$node->safe_psql('postgres', qq{
		CREATE EXTENSION groupreceipt VERSION '$from';
		CREATE SEQUENCE load_msgid;
		SELECT groupreceipt.add_members(g, ARRAY(SELECT generate_series(1, 40)::bigint))
		  FROM generate_series(1, $GROUPS) g;
		SELECT count(groupreceipt.post(g, nextval('load_msgid'), 1 + m % 40))
		  FROM generate_series(1, 60) m, generate_series(1, $GROUPS) g;
	});
	$node->safe_psql('postgres', qq{
		SELECT groupreceipt.add_members(g, ARRAY[41::bigint]) FROM generate_series(1, $GROUPS) g;
		CREATE TABLE joined AS SELECT gid, last_msgid FROM groupreceipt.groups;
	}) if $joiner;

	my $tmp = PostgreSQL::Test::Utils::tempdir;
	my %scripts = (
		# a group's msgids come from one client (see t/002)
		'post.sql' => qq{\\set g 1 + :client_id % $GROUPS
\\set u random(1, 40)
SELECT groupreceipt.post(:g, nextval('load_msgid'), :u);
	},
		'ack.sql' => qq{\\set g random(1, $GROUPS)
\\set u random(1, 40)
\\set d random(0, 30)
SELECT count(*) FROM groupreceipt.ack(:g, :u, (SELECT last_msgid - :d FROM groupreceipt.groups WHERE gid = :g));
	},
		'ack_msgs.sql' => qq{\\set g random(1, $GROUPS)
\\set u random(1, 40)
\\set d random(0, 60)
SELECT count(*) FROM groupreceipt.ack_msgs(:g, :u,
  ARRAY(SELECT msgid FROM groupreceipt.messages WHERE gid = :g ORDER BY msgid DESC OFFSET :d LIMIT 2));
	},
		'read.sql' => qq{\\set g random(1, $GROUPS)
SELECT count(*) FROM groupreceipt.unread_counts(:g,
  ARRAY(SELECT msgid FROM groupreceipt.messages WHERE gid = :g ORDER BY msgid DESC LIMIT 20));
SELECT count(*) FROM groupreceipt.readers(:g, (SELECT max(msgid) FROM groupreceipt.messages WHERE gid = :g));
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
		[ 'pgbench', '-n', '-c', '6', '-j', '2', '-T', $SECONDS, '--max-tries', '100',
		  '-f', "$tmp/post.sql\@3", '-f', "$tmp/ack.sql\@3", '-f', "$tmp/ack_msgs.sql\@2",
		  '-f', "$tmp/read.sql\@2", $node->connstr('postgres') ],
		'>', \$out, '2>', \$err);

	# the update in the middle of the run, with batch acks and explicit reads
	# pending in the old tables
	sleep(int($SECONDS / 3));
	my $pending = $node->safe_psql('postgres', $from eq '0.7'
		? 'SELECT (SELECT count(*) FROM groupreceipt.ack_log) || \' \' || (SELECT count(*) FROM groupreceipt.read_log)'
		: "SELECT (SELECT count(*) FROM groupreceipt.store WHERE kind = 'K') || ' ' || (SELECT count(*) FROM groupreceipt.store WHERE kind = 'L')");
	$node->safe_psql('postgres', "ALTER EXTENSION groupreceipt UPDATE TO '$to'");
	my $clean = $h->finish;

	my ($tx)      = $out =~ /number of transactions actually processed: (\d+)/;
	my ($failed)  = $out =~ /number of failed transactions: (\d+)/;
	my ($retried) = $out =~ /number of transactions retried: (\d+)/;
	diag("update $from -> $to under load: $SECONDS s, " . ($tx // '?') . " transactions, " . ($retried // 0)
		  . " retried; batch acks and explicit reads pending before the update: $pending");
	ok($clean, 'pgbench exited cleanly') or diag($err);
	unlike($out . $err, qr/aborted|could not open relation/, 'no client aborted, no internal error');
	is($failed // 0, 0, 'no failed transaction');
	ok(($tx // 0) > 1000, 'the workload ran on both sides of the update (' . ($tx // 0) . ' transactions)');
	is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'groupreceipt'"),
		$to, "the update to $to committed");
	if ($from eq '0.7')
	{
		is($node->safe_psql('postgres', "SELECT count(*) FROM pg_class WHERE relname IN ('ack_log', 'read_log')"),
			'0', 'the log tables are gone');
	}
	else
	{
		is($node->safe_psql('postgres', "SELECT count(*) FROM pg_attribute WHERE attrelid = 'groupreceipt.members'::regclass AND attname = 'read_upto'"),
			'0', 'the roster holds no read watermark');
		is($node->safe_psql('postgres', "SELECT count(*) FROM joined j WHERE (SELECT m.read_upto FROM groupreceipt._member(j.gid, 41) m) <> j.last_msgid"),
			'0', 'uid 41 (no client acks for it) has read up to the newest msgid at its join, in every group')
		  if $joiner;
	}

	# every answer exact after the run
	is($node->safe_psql('postgres', sqlfile('recompute_counts.sql')), '0',
		"unread_counts equals the recomputation for every message at $to");
	is($node->safe_psql('postgres', sqlfile('recompute_badges.sql')), '0',
		"member_unread equals the recomputation for every member at $to");

	$node->stop;
}
update_under_load('0.7', '0.8', 0);
update_under_load('0.9', '0.10', 1);

done_testing();
