#!/bin/bash
# The whole test suite: build, unit tests of the pure C core (ASan/UBSan),
# pg_regress and pg_isolation_regress in a throwaway cluster made by
# pg_virtualenv, and a smoke run of the benchmark.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config

./scripts/bootstrap.sh

echo "== unit tests (pure C core, AddressSanitizer + UBSan)"
make -s unitcheck

echo "== pg_regress"
if ! pg_virtualenv make -s installcheck; then
  [ -f test/regression.diffs ] && cat test/regression.diffs
  exit 1
fi
echo "== benchmark smoke run (every workload script once, tiny sizes; asserts no timing)"
./test/bench/run.sh --smoke
./test/bench/scaling.sh --smoke

echo "== all tests passed"
