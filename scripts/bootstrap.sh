#!/bin/bash
# Set up a fresh Debian 12 machine (as root) to build and test groupreceipt:
# install the Debian packages it needs, then build and install the extension.
# Idempotent: packages already present are not fetched again.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential            # gcc, make
  postgresql-15              # the server
  postgresql-server-dev-15   # PGXS, server headers, pg_regress, pg_isolation_regress
  postgresql-common          # pg_virtualenv
  postgresql-contrib         # pgbench
  libipc-run-perl            # TAP tests (PostgreSQL::Test::Cluster)
  gnuplot-nox                # benchmark charts
  postgresql-15-plproxy      # sharding by group (make proxycheck)
  clang                      # libFuzzer harness (make fuzzcheck)
  libclang-rt-14-dev         # libFuzzer and sanitizer runtimes for clang
  valgrind                   # the suites under memcheck (scripts/sanitize.sh)
  postgresql-server-dev-all  # pg_buildext (Debian packages, scripts/package.sh)
  debhelper                  # dpkg-buildpackage's dh
  dpkg-dev                   # dpkg-buildpackage
  lintian                    # checks the built packages
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages: ${missing[*]} (run this script as root to install them)" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PG_CFLAGS from the environment is added to the warnings (CI: -Werror)
make -s PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config ${PG_CFLAGS:+PG_CFLAGS="$PG_CFLAGS"}
make -s PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config install
