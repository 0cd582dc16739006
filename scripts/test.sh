#!/bin/bash
# The whole test suite: build, unit tests of the pure C core (ASan/UBSan),
# and pg_regress in a throwaway cluster made by pg_virtualenv.
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
echo "== all tests passed"
