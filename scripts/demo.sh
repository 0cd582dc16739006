#!/bin/bash
# The product's main job in one command: set up (packages, build, install),
# then run examples/demo.sql in a throwaway cluster made by pg_virtualenv.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg_env.sh
gr_clean_pg_env
./scripts/bootstrap.sh
pg_virtualenv psql -X -q -v ON_ERROR_STOP=1 -f examples/demo.sql
