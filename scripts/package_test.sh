#!/bin/bash
# The Debian packages as a user gets them: build (scripts/package.sh),
# remove what `make install` put on this machine, install the .debs with
# apt-get, check what they contain (dpkg -L) and what lintian says, then run
# the pg_regress and isolation suites and the PL/Proxy suite against the
# installed files only -- a file missing from a package fails here.
# As root (apt-get).  Leaves the packages installed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg_env.sh
gr_clean_pg_env
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
./scripts/package.sh dist

echo "-- remove what make install put there (and packages of an earlier run)"
for p in postgresql-15-groupreceipt-proxy postgresql-15-groupreceipt; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    dpkg -r "$p" >/dev/null
  fi
done
make -s uninstall PG_CONFIG=$PG_CONFIG
for f in "$($PG_CONFIG --pkglibdir)/groupreceipt.so" "$($PG_CONFIG --sharedir)/extension/groupreceipt.control"; do
  if [ -e "$f" ]; then echo "still there after make uninstall: $f" >&2; exit 1; fi
done

echo "-- apt-get install the packages"
apt-get install -y -qq ./dist/postgresql-15-groupreceipt_*.deb ./dist/postgresql-15-groupreceipt-proxy_*.deb >/dev/null

echo "-- what the packages contain"
expect_main=$(cat <<LIST
/usr/lib/postgresql/15/lib/bitcode/groupreceipt.index.bc
/usr/lib/postgresql/15/lib/groupreceipt.so
/usr/share/doc/postgresql-15-groupreceipt/README.md.gz
/usr/share/doc/postgresql-15-groupreceipt/changelog.gz
/usr/share/doc/postgresql-15-groupreceipt/copyright
$(ls docs/*.md | sed 's#^#/usr/share/doc/postgresql-15-groupreceipt/#')
$(ls sql/groupreceipt--*.sql | sed 's#^sql/#/usr/share/postgresql/15/extension/#')
/usr/share/postgresql/15/extension/groupreceipt.control
$(make -s --no-print-directory print-module-objs PG_CONFIG=$PG_CONFIG | sed 's#^src/\(.*\)\.o$#/usr/lib/postgresql/15/lib/bitcode/groupreceipt/src/\1.bc#')
LIST
)
expect_proxy=$(cat <<LIST
/usr/share/doc/postgresql-15-groupreceipt-proxy/README.md.gz
/usr/share/doc/postgresql-15-groupreceipt-proxy/changelog.gz
/usr/share/doc/postgresql-15-groupreceipt-proxy/copyright
$(ls docs/*.md | sed 's#^#/usr/share/doc/postgresql-15-groupreceipt-proxy/#')
$(ls sql/groupreceipt_proxy--*.sql | sed 's#^sql/#/usr/share/postgresql/15/extension/#')
/usr/share/postgresql/15/extension/groupreceipt_proxy.control
LIST
)
# (dh_compress gzips the larger docs pages: compared without the .gz)
files() { dpkg -L "$1" | while read -r f; do [ -d "$f" ] || echo "$f"; done \
            | sed 's#\(/docs/[^/]*\.md\)\.gz$#\1#' | sort; }
diff <(echo "$expect_main" | sort) <(files postgresql-15-groupreceipt) \
  || { echo "postgresql-15-groupreceipt: unexpected file list (< expected, > packaged)" >&2; exit 1; }
diff <(echo "$expect_proxy" | sort) <(files postgresql-15-groupreceipt-proxy) \
  || { echo "postgresql-15-groupreceipt-proxy: unexpected file list" >&2; exit 1; }
echo "file lists as expected: the control files, install and upgrade scripts, the library (and its JIT bitcode), docs"

echo "-- lintian"
lintian --fail-on error dist/postgresql-15-groupreceipt_*.deb \
  dist/postgresql-15-groupreceipt-proxy_*.deb

echo "-- the suites against the installed package (no make install): debian/tests/installcheck, as autopkgtest runs it"
debian/tests/installcheck || { [ -f test/regression.diffs ] && cat test/regression.diffs; exit 1; }
echo "-- the PL/Proxy suite against the installed packages"
if ! pg_virtualenv make -s proxycheck; then
  [ -f test/proxy/regression.diffs ] && cat test/proxy/regression.diffs
  exit 1
fi
echo "packages built, installed and tested"
