# Archive and purge at 100,000 groups with default settings (issue 12,
# item 5).  On 0.1 archive() took two advisory locks per group in one
# transaction: 10,000 groups failed with "out of shared memory" and nothing
# was archived.  Now archive() refuses up front (54000, nothing changed,
# hint: archive_all) beyond 16 x max_locks_per_transaction groups, and
# CALL archive_all commits per group, holding one group's lock at a time;
# purge takes no per-group lock.  max_locks_per_transaction stays at its
# default (64).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $GROUPS = $ENV{GR_SCALE_GROUPS} // 100000;

my $node = PostgreSQL::Test::Cluster->new('gr_scale');
$node->init;
$node->start;
is($node->safe_psql('postgres', 'SHOW max_locks_per_transaction'), '64', 'default max_locks_per_transaction');

$node->safe_psql('postgres', qq{
	CREATE EXTENSION groupreceipt;
	SELECT count(groupreceipt.add_members(g, ARRAY[1, 2, 3])) FROM generate_series(1, $GROUPS) g;
	-- two old messages per group and a new one
	SELECT count(groupreceipt.post(g, m, 1, timestamptz '2001-01-01' + m * interval '1 day'))
	  FROM generate_series(1, $GROUPS) g, generate_series(1, 2) m;
	SELECT count(groupreceipt.post(g, 3, 2)) FROM generate_series(1, $GROUPS) g;
	SELECT count(*) FROM generate_series(1, $GROUPS, 1000) g, groupreceipt.ack_msgs(g, 2, ARRAY[1]);
});
is($node->safe_psql('postgres', 'SELECT count(*) FROM groupreceipt.messages'), 3 * $GROUPS,
	"$GROUPS groups, 3 messages each");

# archive() in one transaction: refused, nothing archived
my ($ret, $stdout, $stderr) = $node->psql('postgres',
	q{SELECT groupreceipt.archive(now() - timestamptz '2001-06-01')});
isnt($ret, 0, 'archive() of every group in one transaction is refused');
like($stderr, qr/archive would lock $GROUPS groups in one transaction/, 'with a clear error');
like($stderr, qr/archive_all/, 'pointing to archive_all');
is($node->safe_psql('postgres', "SELECT count(*) FROM groupreceipt.store WHERE kind = 'A'"), '0', 'nothing changed');

# archive_all: every group, default lock settings
my $t0 = time;
is($node->safe_psql('postgres', q{CALL groupreceipt.archive_all(now() - timestamptz '2001-06-01')}),
	2 * $GROUPS, "CALL archive_all archives the old messages of all $GROUPS groups");
note(sprintf('archive_all of %d groups: %.1f s (not asserted)', $GROUPS, time - $t0));
is($node->safe_psql('postgres', 'SELECT count(*) FROM groupreceipt.messages'), $GROUPS, 'the new ones stay live');
is($node->safe_psql('postgres', q{
	SELECT string_agg(format('%s:%s/%s', msgid, read, recipients), ' ' ORDER BY msgid)
	  FROM groupreceipt.unread_counts(1001, ARRAY[1, 2, 3])}),
	'1:1/2 2:0/2 3:0/2', 'frozen counts keep the explicit read');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'}), '0',
	'no group lock left');

# purge() in one transaction: refused like archive() (0.7: it locks each
# group it purges), nothing purged; purge_all: every group
($ret, $stdout, $stderr) = $node->psql('postgres',
	q{SELECT groupreceipt.purge(now() - timestamptz '2001-06-01')});
isnt($ret, 0, 'purge() of every group in one transaction is refused');
like($stderr, qr/purge would lock $GROUPS groups in one transaction/, 'with a clear error');
like($stderr, qr/purge_all/, 'pointing to purge_all');
$t0 = time;
is($node->safe_psql('postgres', q{CALL groupreceipt.purge_all(now() - timestamptz '2001-06-01')}), 2 * $GROUPS,
	"CALL purge_all deletes the archived receipts of all $GROUPS groups");
note(sprintf('purge_all of %d groups: %.1f s (not asserted)', $GROUPS, time - $t0));
is($node->safe_psql('postgres', q{SELECT count(*) FROM groupreceipt.store WHERE kind = 'A'}), '0', 'none left');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'}), '0',
	'no group lock left after purge_all');
is($node->safe_psql('postgres', q{SELECT count(*) FROM groupreceipt.unread_counts(77, ARRAY[3]) WHERE unread = 2}),
	'1', 'live messages answer as before');

$node->stop;
done_testing();
