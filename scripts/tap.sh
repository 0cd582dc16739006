#!/bin/bash
# TAP tests (test/t/*.pl) with PostgreSQL::Test::Cluster: each test runs its
# own server, made by initdb, which refuses to run as root -- so as root the
# tests run as the postgres user from a scratch copy it owns.
#   scripts/tap.sh                   all tests
#   scripts/tap.sh test/t/002_soak.pl  one test (GR_SOAK_SECONDS, GR_CRASH_ROUNDS tune them)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg_env.sh
gr_clean_pg_env
BIN=$(/usr/lib/postgresql/15/bin/pg_config --bindir)
PGXS_DIR=$(dirname "$(dirname "$(dirname "$(/usr/lib/postgresql/15/bin/pg_config --pgxs)")")")
work=$(mktemp -d /tmp/groupreceipt_tap.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r test/t "$work/"
tests=("$@")
[ ${#tests[@]} -eq 0 ] && tests=(test/t/*.pl)
rel=()
for t in "${tests[@]}"; do rel+=("t/$(basename "$t")"); done
run=(env PATH="$BIN:$PATH" PERL5LIB="$PGXS_DIR/src/test/perl" TESTDIR="$work"
     PG_REGRESS="$PGXS_DIR/src/test/regress/pg_regress"
     GR_SOAK_SECONDS="${GR_SOAK_SECONDS:-120}" GR_CRASH_ROUNDS="${GR_CRASH_ROUNDS:-3}"
     prove -v "${rel[@]}")
if [ "$(id -u)" -eq 0 ]; then
  chown -R postgres "$work"
  (cd "$work" && runuser -u postgres -- "${run[@]}") || { cat "$work"/tmp_check/log/regress_log_* 2>/dev/null | tail -50; exit 1; }
else
  (cd "$work" && "${run[@]}") || { cat "$work"/tmp_check/log/regress_log_* 2>/dev/null | tail -50; exit 1; }
fi
