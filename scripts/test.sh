#!/bin/bash
# The whole test suite: build; unit tests of the pure C core (ASan/UBSan);
# libFuzzer; pg_regress and pg_isolation_regress in a throwaway cluster made
# by pg_virtualenv, twice (the second time with every message sealed into
# blocks); the same suites under Valgrind; TAP tests (crash under
# load, soak, dump/restore and upgrade, archive at scale); the API sharded
# through PL/Proxy; the demo under a foreign PG* environment; smoke runs of
# the benchmarks; the Debian packages built, installed and tested.  Exits
# non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg_env.sh
gr_clean_pg_env
export PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config

# CI builds with -Werror (a user's build does not: a newer compiler's new
# warnings must not stop an install)
PG_CFLAGS=-Werror ./scripts/bootstrap.sh

echo "== unit tests (pure C core, AddressSanitizer + UBSan)"
make -s unitcheck

echo "== libFuzzer over the pure C core: committed regressions, then \${FUZZ_SECONDS:-60}s from the seed corpus"
make -s fuzzcheck FUZZ_SECONDS="${FUZZ_SECONDS:-60}"

echo "== pg_regress"
if ! pg_virtualenv make -s installcheck; then
  [ -f test/regression.diffs ] && cat test/regression.diffs
  exit 1
fi
echo "== pg_regress again, every message sealed into blocks by every fold (groupreceipt.tail_messages = 0): the same expected answers"
if ! PGOPTIONS="-c groupreceipt.tail_messages=0" pg_virtualenv make -s installcheck; then
  [ -f test/regression.diffs ] && cat test/regression.diffs
  [ -f test/output_iso/regression.diffs ] && cat test/output_iso/regression.diffs
  exit 1
fi
echo "== Valgrind: regression (but the two random-set datatype tests) and isolation suites"
./scripts/sanitize.sh

echo "== TAP: crash under load (SIGKILL, 3 rounds) and soak (\${GR_SOAK_SECONDS:-120}s, autovacuum on)"
./scripts/tap.sh

echo "== sharded by group through PL/Proxy: four partitions, the differential test through the proxy"
if ! pg_virtualenv make -s proxycheck; then
  [ -f test/proxy/regression.diffs ] && cat test/proxy/regression.diffs
  exit 1
fi
# same seeds, same operations: the per-operation tables equal the single node's
if ! diff <(grep '^ seed' test/expected/receipts_differential.out) \
          <(grep '^ seed' test/proxy/expected/proxy_differential.out); then
  echo "the differential test through the proxy differs from one node" >&2
  exit 1
fi
echo "proxied differential test: same answers as one node"
echo "== the scripts ignore the caller's PG* variables: the demo run from inside another running cluster"
# pg_virtualenv -t exports that cluster's PGPORT, PGHOST, PG_CLUSTER_CONF_ROOT, ...
# (on 0.1 the demo's own throwaway cluster then failed to start)
envlog=$(mktemp)
if ! pg_virtualenv -t sh -c 'export PGDATABASE=nonexistent PGOPTIONS="-c search_path=nonexistent"; ./scripts/demo.sh' >"$envlog" 2>&1; then
  cat "$envlog"
  exit 1
fi
rm -f "$envlog"
echo "== benchmark smoke run (every workload script once, tiny sizes; asserts no timing)"
./test/bench/run.sh --smoke
./test/bench/scaling.sh --smoke
./test/bench/proxy_bench.sh --smoke

echo "== Debian packages: build (pg_buildext), replace make install's files by apt-get install of the .debs, dpkg -L, lintian, the suites against the installed files"
./scripts/package_test.sh

echo "== all tests passed"
