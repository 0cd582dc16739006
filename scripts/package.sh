#!/bin/bash
# Build the Debian packages the way Debian and apt.postgresql.org build
# PostgreSQL extensions (pg_buildext, debian/), from a copy of the checkout
# (tracked and untracked files, not ignored ones), into a directory of
# their own:
#   scripts/package.sh [outdir]     default: dist/
# Then: apt-get install ./dist/postgresql-15-groupreceipt_*.deb  (and -proxy).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg_env.sh
gr_clean_pg_env
unset PG_CFLAGS   # a package is built with the default flags (no -Werror)
out=$(realpath -m "${1:-dist}")
work=$(mktemp -d /tmp/groupreceipt_pkg.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/groupreceipt" "$out"
git ls-files -z --cached --others --exclude-standard \
  | tar --null -T - -cf - | tar -xf - -C "$work/groupreceipt"
(cd "$work/groupreceipt" && dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1 \
  || { tail -60 "$work/build.log"; exit 1; }
rm -f "$out"/*.deb
mv "$work"/*.deb "$out"/
ls -l "$out"/*.deb
