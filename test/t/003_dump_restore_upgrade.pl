# Backups and upgrades keep every receipt (issue 12, items 1 and 12).
#
# Dump/restore: a database with every kind of state (archived messages,
# compacted messages, explicit reads still in the read log, several member
# snapshots, a former member) is dumped with pg_dump in plain and in custom
# format and restored (psql / pg_restore) into new databases.  Every read
# function answers the same (t/sql/fingerprint.sql), and after the same
# further workload (posts, acks, folds, membership changes, archive, forget,
# drop_group) the original and the restored databases still answer the same.
# On 0.1 the dump held only CREATE EXTENSION: every receipt was lost.
#
# Upgrade: the same state built at each earlier version (0.1 to 0.9) answers
# the same after ALTER EXTENSION groupreceipt UPDATE; after the further
# workload (which uses 0.3's post_many) it answers like a database built at
# the current version; and the updated extension has exactly the objects of
# a fresh install (t/sql/objects.sql: definitions,
# attributes, privileges, comments, storage parameters, indexes, dump marks).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('gr_dump');
$node->init;
# 0.5: every fold seals every message into blocks, so a database at the
# current version holds its messages sealed and one at an earlier version
# as rows: the same answers from both are the test of the blocks
$node->append_conf('postgresql.conf', 'groupreceipt.tail_messages = 0');
$node->start;

sub sqlfile { my $f = shift; open(my $fh, '<', "t/sql/$f") or die "t/sql/$f: $!"; local $/; return <$fh>; }
my $start = sqlfile('workload_start.sql');
my $continue = sqlfile('workload_continue.sql');
my $fingerprint = sqlfile('fingerprint.sql');
my $objects = sqlfile('objects.sql');

sub fp { my $db = shift; return $node->safe_psql($db, $fingerprint); }

# ---- dump and restore
$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', "CREATE EXTENSION groupreceipt; $start");
my $before = fp('src');
like($before, qr/^[0-9a-f]{32} \d+$/, "fingerprint of the source: $before");
my ($nlog) = $node->safe_psql('src', "SELECT count(*) FROM groupreceipt.store WHERE kind = 'L'");
my ($narc) = $node->safe_psql('src', 'SELECT count(*) FROM groupreceipt.groups g, groupreceipt._archived(g.gid) a');
my ($ncomp) = $node->safe_psql('src',
	'SELECT count(*) FROM groupreceipt.groups g, groupreceipt._live_messages(g.gid) m WHERE m.read IS NULL');
my ($nblocks) = $node->safe_psql('src', "SELECT count(*) FROM groupreceipt.store WHERE kind = 'B'");
ok($nlog > 0 && $narc > 0 && $ncomp > 0 && $nblocks > 0,
	"the source has unfolded reads ($nlog), archived ($narc), compacted ($ncomp) and sealed ($nblocks blocks) messages");

my $dir = PostgreSQL::Test::Utils::tempdir;
$node->command_ok(['pg_dump', '-Fp', '-f', "$dir/src.sql", '-d', 'src'], 'pg_dump, plain format');
$node->command_ok(['pg_dump', '-Fc', '-f', "$dir/src.dump", '-d', 'src'], 'pg_dump, custom format');
$node->safe_psql('postgres', 'CREATE DATABASE plain_copy');
$node->safe_psql('postgres', 'CREATE DATABASE custom_copy');
$node->command_ok(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'plain_copy', '-f', "$dir/src.sql"],
	'restore the plain dump with psql');
$node->command_ok(['pg_restore', '--exit-on-error', '-d', 'custom_copy', "$dir/src.dump"],
	'restore the custom dump with pg_restore');
is(fp('plain_copy'), $before, 'plain dump/restore: every read function answers the same');
is(fp('custom_copy'), $before, 'custom dump/restore: every read function answers the same');

$node->safe_psql($_, $continue) for ('src', 'plain_copy', 'custom_copy');
my $after = fp('src');
isnt($after, $before, 'the further workload changed the answers');
is(fp('plain_copy'), $after, 'plain copy: the workload continues exactly as on the original');
is(fp('custom_copy'), $after, 'custom copy: the workload continues exactly as on the original');

# ---- upgrade from every earlier version to the current one
my $current = $node->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'groupreceipt'");
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', "CREATE EXTENSION groupreceipt; $start");
my $fresh_objects = $node->safe_psql('fresh', $objects);
my $fresh_start = fp('fresh');
$node->safe_psql('fresh', $continue);
my $fresh_after = fp('fresh');
for my $version ('0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9')
{
	(my $db = "old_$version") =~ s/\./_/g;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION groupreceipt VERSION '$version'; $start");
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'groupreceipt'"), $version,
		"built at $version");
	my $old = fp($db);
	is($old, $fresh_start, "the same workload answers the same at $version and at $current");
	my $logs_before = $version >= 0.8 ? $node->safe_psql($db,
		"SELECT count(*) FILTER (WHERE kind = 'L') || ' ' || count(*) FILTER (WHERE kind = 'K') FROM groupreceipt.store")
	  : $version >= 0.3 ? $node->safe_psql($db,
		'SELECT (SELECT count(*) FROM groupreceipt.read_log) || \' \' || (SELECT count(*) FROM groupreceipt.ack_log)') : '';
	$node->safe_psql($db, 'ALTER EXTENSION groupreceipt UPDATE');
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'groupreceipt'"), $current,
		"updated from $version to $current");
	is(fp($db), $old, "$version: after ALTER EXTENSION UPDATE every read function answers the same");
	ok($node->safe_psql($db, "SELECT count(*) FROM groupreceipt.store WHERE kind = 'B'") > 0,
		"$version: the update sealed the older messages into blocks");
	is($node->safe_psql($db, "SELECT count(*) FILTER (WHERE kind = 'S') > 1 AND count(*) FILTER (WHERE kind = 'W') > 0 FROM groupreceipt.store"),
		't', "$version: the snapshots and watermark vectors are store rows (0.6)");
	ok($node->safe_psql($db, "SELECT count(*) FROM groupreceipt.store WHERE kind = 'A'") > 0,
		"$version: the archived messages are A rows of store (0.7)");
	# the logs' rows moved (0.8); updates from before 0.6 fold them on the
	# way (0.5 packs each group, 0.6 builds the W rows by fold)
	if ($version >= 0.6)
	{
		ok($logs_before =~ /^[1-9]\d* [1-9]\d*$/, "$version: pending explicit reads and batch acks before the update ($logs_before)");
		# 0.10 adds a K row for every roster watermark above the W row's
		# (members who joined after the last fold): K rows may only grow
		my ($l_before, $k_before) = split / /, $logs_before;
		my ($l_after, $k_after) = split / /, $node->safe_psql($db,
			"SELECT count(*) FILTER (WHERE kind = 'L') || ' ' || count(*) FILTER (WHERE kind = 'K') FROM groupreceipt.store");
		ok($l_after == $l_before && $k_after >= $k_before,
			"$version: every pending explicit read and batch ack is an L or K row of store (0.8): $l_before $k_before -> $l_after $k_after");
	}
	is($node->safe_psql($db, $objects), $fresh_objects,
		"$version: the updated extension has the objects of a fresh $current install");
	$node->safe_psql($db, $continue);
	is(fp($db), $fresh_after, "$version: the workload continues on the updated database as on a fresh one");
}
my $old = 'old_0_1';

# an updated database is dumped too
$node->command_ok(['pg_dump', '-Fc', '-f', "$dir/old.dump", '-d', $old], 'pg_dump of the updated database');
$node->safe_psql('postgres', 'CREATE DATABASE old_copy');
$node->command_ok(['pg_restore', '--exit-on-error', '-d', 'old_copy', "$dir/old.dump"], 'and its restore');
is(fp('old_copy'), fp($old), 'the updated database survives dump/restore');

$node->stop;
done_testing();
