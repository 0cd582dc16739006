#!/bin/bash
# The regression and isolation suites with every server process under
# Valgrind (memcheck): invalid reads and writes, use of uninitialised
# values, bad frees -- in the extension's C code and anything it calls.
# Any Valgrind error fails the run (test/valgrind.supp lists the known
# false positives of an uninstrumented PostgreSQL build).
# bitmap_property and bitmap_size (hundreds of thousands of random sets
# through the pure C core, which `make unitcheck` and `make fuzzcheck` run
# under ASan + UBSan) are left out: under Valgrind they take most of an hour.
#   scripts/sanitize.sh                 the suites as above
#   scripts/sanitize.sh REGRESS=...     a subset (make variables)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg_env.sh
gr_clean_pg_env
BIN=$(/usr/lib/postgresql/15/bin/pg_config --bindir)
work=$(mktemp -d /tmp/groupreceipt_valgrind.XXXXXX)
chmod 755 "$work"
chown postgres "$work"
PORT=5491
stop() {
  runuser -u postgres -- "$BIN/pg_ctl" -D "$work/data" -m fast -w -t 300 stop >/dev/null 2>&1 || true
}
trap 'stop; rm -rf "$work"' EXIT

runuser -u postgres -- "$BIN/initdb" -D "$work/data" --auth=trust -U postgres >/dev/null
# the postgres user may not be able to read the checkout (e.g. under /root)
cp test/valgrind.supp "$work/valgrind.supp"
chown postgres "$work/valgrind.supp"
# the postmaster and every backend it forks run under memcheck; JIT off: a
# query whose estimated cost passes jit_above_cost (e.g. bitmap_fuzz_sql's
# correlated generate_series, 150,240) loads llvmjit.so, and glibc's loader reads
# past the strings it allocates for the library's rpath (strncmp in is_dst,
# a memcheck false positive outside PostgreSQL and the extension)
runuser -u postgres -- valgrind --quiet --tool=memcheck --trace-children=yes \
  --leak-check=no --track-origins=yes --read-var-info=no --num-callers=30 \
  --error-exitcode=1 --suppressions="$work/valgrind.supp" --gen-suppressions=all \
  --log-file="$work/valgrind.%p.log" \
  "$BIN/postgres" -D "$work/data" -p $PORT -k "$work" \
  -c max_connections=20 -c shared_buffers=64MB -c fsync=off -c autovacuum=off -c jit=off \
  > "$work/server.log" 2>&1 &
ready=no
for i in $(seq 1 300); do
  if "$BIN/pg_isready" -q -h "$work" -p $PORT; then ready=yes; break; fi
  sleep 1
done
if [ $ready = no ]; then
  echo "the server under Valgrind did not start:" >&2
  cat "$work/server.log" >&2
  cat "$work"/valgrind.*.log 2>/dev/null | head -50 >&2
  exit 1
fi

export PGHOST=$work PGPORT=$PORT PGUSER=postgres
echo "== regression and isolation suites, every server process under Valgrind"
status=0
if [ $# -eq 0 ]; then
  set -- REGRESS="$(ls test/sql/*.sql | xargs -n1 basename | sed 's/\.sql$//' \
                    | grep -v -x -e bitmap_property -e bitmap_size | tr '\n' ' ')"
fi
make -s installcheck "$@" || status=$?
stop
errors=$(cat "$work"/valgrind.*.log 2>/dev/null | grep -c "^==[0-9]*== [A-Z].*\(Invalid\|uninitialised\|Mismatched\|free\|overlap\)" || true)
if [ "$errors" -gt 0 ]; then
  echo "Valgrind reported $errors errors:"
  cat "$work"/valgrind.*.log | head -200
  status=1
fi
if [ $status -ne 0 ]; then
  [ -f test/regression.diffs ] && head -100 test/regression.diffs
  exit $status
fi
echo "== Valgrind: no errors in $(ls "$work"/valgrind.*.log | wc -l) server processes"
