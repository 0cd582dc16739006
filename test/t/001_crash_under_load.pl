# Crash under load (issue 6): concurrent posts, batch acks and explicit acks
# from several clients; the postmaster is killed with SIGKILL mid-load and
# restarted, several rounds.  Checks after each restart:
#   * every ack and post a client saw committed is there,
#   * statements the clients never sent left nothing,
#   * read watermarks never went back (across rounds too),
#   * unread_counts equals the counts recomputed in plain SQL from the
#     roster, the snapshots, the folded bits and the pending log.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use List::Util;

my $ROUNDS  = $ENV{GR_CRASH_ROUNDS} // 3;
my $NMSGS   = 3000;
my $NMEMBER = 40;
my $NPOSTS  = 20000;    # posts per round

my $node = PostgreSQL::Test::Cluster->new('gr_crash');
$node->init;
$node->append_conf('postgresql.conf', "max_connections = 40\n");
$node->start;
$node->safe_psql('postgres', qq{
	CREATE EXTENSION groupreceipt;
	SELECT groupreceipt.add_members(1, ARRAY(SELECT generate_series(1, $NMEMBER)::bigint));
	SELECT count(groupreceipt.post(1, m, 1)) FROM generate_series(1, $NMSGS) m;
	SELECT groupreceipt.add_members(2, ARRAY[1, 2, 3]);
});

my $tmp = PostgreSQL::Test::Utils::tempdir;
my %batch_seen;     # uid -> highest watermark seen committed, all rounds
my %wm_after;       # uid -> read_upto after the previous restart
my $next_post = 1;  # next msgid for group 2
my @pairs_all = List::Util::shuffle(
	map { my $u = $_; map { [ $u, $_ ] } 2 .. $NMSGS } 2 .. 30);
my $pair_pos = 0;
my %batch_next = map { $_ => 0 } 31 .. $NMEMBER;
my %max_sent;       # uid -> highest batch ack sent (in flight included), all rounds

for my $round (1 .. $ROUNDS)
{
	# --- the clients' scripts: one statement per line, each its own transaction
	my @clients;
	for my $k (0 .. 2)    # explicit ackers: (uid, msgid) pairs never repeated
	{
		my @st;
		for my $i (1 .. 4000)
		{
			last if $pair_pos >= @pairs_all;
			my ($u, $m) = @{ $pairs_all[ $pair_pos++ ] };
			push @st, [ 'E', $u, $m,
				"SELECT 'E', $u, $m, (SELECT count(*) FROM groupreceipt.ack_msgs(1, $u, ARRAY[$m]::bigint[]));" ];
			push @st, [ 'F', 0, 0, "SELECT 'F', 0, 0, groupreceipt.fold(1) >= 0;" ] if $i % 50 == 0;
		}
		push @clients, \@st;
	}
	{
		my @st;    # batch acker: uids 31..40 raise their watermarks step by step
		for my $i (1 .. 3000)
		{
			my $u = 31 + ($i % ($NMEMBER - 30));
			$batch_next{$u} += 1 + int(rand(3));
			my $x = $batch_next{$u};
			push @st, [ 'B', $u, $x,
				"SELECT 'B', $u, $x, (SELECT count(*) FROM groupreceipt.ack(1, $u, $x));" ];
		}
		push @clients, \@st;
	}
	{
		my @st;    # poster: group 2, increasing msgids (the fastest client: a longer script)
		for my $i (1 .. $NPOSTS)
		{
			my $m = $next_post++;
			push @st, [ 'P', 1, $m, "SELECT 'P', 1, $m, groupreceipt.post(2, $m, 1);" ];
		}
		push @clients, \@st;
	}

	# --- run them, kill the postmaster under load
	my (@h, @out, @err);
	for my $c (0 .. $#clients)
	{
		my $file = "$tmp/round${round}_client$c.sql";
		open my $fh, '>', $file or die;
		print $fh "$_->[3]\n" for @{ $clients[$c] };
		close $fh;
		$out[$c] = '';
		$err[$c] = '';
		$h[$c] = IPC::Run::start(
			[ 'psql', '-X', '-A', '-t', '-q', '-F', ' ', '-v', 'ON_ERROR_STOP=1',
			  '-d', $node->connstr('postgres'), '-f', $file ],
			'>', \$out[$c], '2>', \$err[$c]);
	}
	# let the load build up: wait until every client has committed something
	$node->poll_query_until('postgres', qq{
		SELECT (SELECT count(*) FROM groupreceipt.store WHERE gid = 1 AND kind = 'L')
		     + (SELECT count(*) FROM groupreceipt._live_messages(1)
		         WHERE read IS NULL OR groupreceipt.bitmap_count(read) > 0) > 200 * $round
		   AND (SELECT last_msgid FROM groupreceipt.groups WHERE gid = 2) > $next_post - $NPOSTS + 200
	}) or die "no load";
	$node->kill9;
	$_->finish for @h;
	# backends notice the postmaster's death on their own; start again
	# once they are gone (the old lock file and shared memory are released)
	for my $try (1 .. 120)
	{
		last if system('pgrep', '-f', 'postgres: gr_crash: ') != 0;
		select(undef, undef, undef, 0.25);
	}
	my $started = 0;
	for my $try (1 .. 30)
	{
		last if ($started = $node->start(fail_ok => 1));
		$node->{_pid} = undef;    # start read the stale pid file
		sleep 1;
	}
	ok($started, "round $round: restarted after SIGKILL");

	# --- what each client saw committed
	# (a client may finish its script before the kill on a fast machine:
	# what it committed is checked like the others'; the round needs the
	# kill to come under load, i.e. some client interrupted)
	my (%committed, @never_sent);
	my $interrupted = 0;
	for my $c (0 .. $#clients)
	{
		my @lines = grep { /\S/ } split /\n/, $out[$c];
		my $n = scalar @lines;
		$interrupted++ if $n < @{ $clients[$c] };
		note("round $round client $c: $n of " . scalar(@{ $clients[$c] }) . " statements done");
		for my $i (0 .. $n - 1)
		{
			my ($kind, $a, $b) = split / /, $lines[$i];
			my $st = $clients[$c][$i];
			die "output out of step: $lines[$i]" unless $kind eq $st->[0] && $a == $st->[1] && $b == $st->[2];
			push @{ $committed{$kind} }, [ $a, $b ];
		}
		# statement $n was in flight (may or may not have committed);
		# everything after it was never sent
		push @never_sent, @{ $clients[$c] }[ $n + 1 .. $#{ $clients[$c] } ];
	}
	ok($interrupted > 0, "round $round: killed under load ($interrupted of " . scalar(@clients) . " clients interrupted)");

	# explicit acks seen committed are read; those never sent are not
	my $values = join(',', map { "($_->[0],$_->[1])" } @{ $committed{E} // [] }) || '(0,0)';
	is($node->safe_psql('postgres', qq{
		SELECT count(*) FROM (VALUES $values) v(u, m)
		 WHERE u > 0 AND NOT u = ANY (ARRAY(SELECT groupreceipt.readers(1, m)))}),
		'0', "round $round: all " . scalar(@{ $committed{E} // [] }) . " committed explicit acks present");
	my @ns_e = grep { $_->[0] eq 'E' } @never_sent;
	my $ns_values = join(',', map { "($_->[1],$_->[2])" } @ns_e) || '(0,0)';
	is($node->safe_psql('postgres', qq{
		SELECT count(*) FROM (VALUES $ns_values) v(u, m)
		 WHERE u > 0 AND u = ANY (ARRAY(SELECT groupreceipt.readers(1, m)))}),
		'0', "round $round: none of " . scalar(@ns_e) . " unsent explicit acks present");

	# batch acks: watermark at least what was seen, never back
	for my $p (@{ $committed{B} // [] })
	{
		$batch_seen{ $p->[0] } = $p->[1] if ($batch_seen{ $p->[0] } // 0) < $p->[1];
	}
	my %wm = map { split /\|/ } split /\n/,
	  $node->safe_psql('postgres', 'SELECT r.uid, m.read_upto FROM groupreceipt.members r, groupreceipt._member(r.gid, r.uid) m WHERE r.gid = 1');
	my @behind = grep { $wm{$_} < ($batch_seen{$_} // 0) || $wm{$_} < ($wm_after{$_} // 0) } keys %wm;
	is(scalar(@behind), 0, "round $round: no watermark behind a committed ack or the previous round");
	%wm_after = %wm;
	# batch acks never sent did not move a watermark: it is at most the
	# highest ack sent (in flight included) in any round
	for my $c (0 .. $#clients)
	{
		my $n = grep { /\S/ } split /\n/, $out[$c];
		my $upto = $n < @{ $clients[$c] } ? $n : $n - 1;
		for my $st (@{ $clients[$c] }[ 0 .. $upto ])
		{
			$max_sent{ $st->[1] } = $st->[2]
			  if $st->[0] eq 'B' && ($max_sent{ $st->[1] } // 0) < $st->[2];
		}
	}
	my @ahead = grep { $_ >= 31 && $wm{$_} > ($max_sent{$_} // 0) } keys %wm;
	is(scalar(@ahead), 0, "round $round: no watermark beyond the acks sent");

	# posts: every committed one is there, nothing never sent is
	my @posted = map { $_->[1] } @{ $committed{P} // [] };
	my $maxp = @posted ? $posted[-1] : 0;
	my $last = $node->safe_psql('postgres', 'SELECT last_msgid FROM groupreceipt.groups WHERE gid = 2');
	ok($last >= $maxp, "round $round: newest msgid $last >= last committed post $maxp");
	ok($last <= $maxp + 1, "round $round: newest msgid $last is at most the in-flight post");
	is($node->safe_psql('postgres', "SELECT count(*) FROM groupreceipt.messages WHERE gid = 2 AND msgid > $last"),
		'0', "round $round: no message beyond the newest");
	$next_post = $last + 1;

	# counts equal the plain-SQL recomputation from the roster
	is($node->safe_psql('postgres', q{
		WITH msg AS (
			SELECT m.msgid, m.sender_slot, m.read, s.members
			  FROM groupreceipt._live_messages(1) m
			  JOIN (SELECT gid, key::int4 AS snap_id, groupreceipt._snapshot_members(gid, key, payload) AS members FROM groupreceipt.store WHERE kind = 'S') s ON s.gid = 1 AND s.snap_id = m.snap_id),
		rec AS (
			SELECT msg.msgid,
			       (mb.read_upto >= msg.msgid OR msg.read IS NULL
			        OR msg.read OPERATOR(groupreceipt.@>) mb.slot
			        OR EXISTS (SELECT 1 FROM groupreceipt.store l
			                    WHERE l.kind = 'L' AND l.gid = 1 AND l.key = msg.msgid AND l.sub = mb.slot)) AS r
			  FROM msg JOIN (SELECT r.gid, r.uid, r.slot,
			        COALESCE(greatest(w.watermark, (SELECT max(a.sub) FROM groupreceipt.store a
			                                WHERE a.kind = 'K' AND a.gid = r.gid AND a.key = r.slot)), 0) AS read_upto
			   FROM groupreceipt.members r
			   LEFT JOIN (SELECT g.gid, v.slot, v.watermark FROM groupreceipt.groups g, LATERAL groupreceipt._vector(g.gid) v) w
			     ON w.gid = r.gid AND w.slot = r.slot) mb
			    ON mb.gid = 1 AND msg.members OPERATOR(groupreceipt.@>) mb.slot AND mb.slot <> msg.sender_slot),
		ref AS (SELECT msgid, count(*)::int AS recipients, (count(*) FILTER (WHERE r))::int AS read
		          FROM rec GROUP BY msgid),
		ext AS (SELECT msgid, recipients, read
		          FROM groupreceipt.unread_counts(1, ARRAY(SELECT msgid FROM groupreceipt._live_messages(1))))
		SELECT count(*) FROM ((TABLE ref EXCEPT TABLE ext) UNION ALL (TABLE ext EXCEPT TABLE ref)) d}),
		'0', "round $round: unread_counts equals the recomputation from the roster");
}

$node->stop;
done_testing();
