# Sourced by every script that starts or talks to a PostgreSQL server.
#
# gr_clean_pg_env: forget the PG* settings (PGPORT, PGHOST, PGDATABASE,
#   PGUSER, PGCLUSTER, ...) inherited from the caller's shell.  Debian's
#   pg_virtualenv takes PGPORT from the environment, so with the PGPORT of a
#   running server exported, its throwaway cluster collided with that server
#   ("Port conflict"); the scripts make their own clusters and connections.
# gr_virtualenv_reexec SCRIPT [pg_virtualenv options] -- [ARGS]: unless it
#   already runs inside one, run SCRIPT ARGS again under `pg_virtualenv -t`
#   (a throwaway cluster; PGHOST, PGPORT, PGUSER set for it), with a clean
#   environment.  Used by the benchmark scripts.
# gr_median: the median of the numbers on standard input, one per line
#   (the mean of the middle two for an even count).  Benchmark scripts.

gr_clean_pg_env() {
  local v
  for v in $(compgen -e); do
    case "$v" in PG*) unset "$v" ;; esac
  done
}

gr_virtualenv_reexec() {
  [ -n "${GROUPRECEIPT_IN_VIRTUALENV:-}" ] && return 0
  local script=$1 opts=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  gr_clean_pg_env
  export GROUPRECEIPT_IN_VIRTUALENV=1
  exec pg_virtualenv -t "${opts[@]}" "$script" "$@"
}

gr_median() {
  sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
