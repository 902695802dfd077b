# shellcheck shell=bash
# scripts/lib/duckdb.sh — sourced by the scripts that run DuckDB through Node
# (scripts/reference-duckdb, scripts/bench); not executable on its own.
#
# duckdb_dir installs @duckdb/node-api (pinned) with npm once, into
# ${BATON_DATA_DIR:-$HOME/.cache/baton}/duckdb, reinstalling when the
# installed version differs, and prints that directory. A .mjs file written
# there can `import { DuckDBInstance } from '@duckdb/node-api'`.
# Progress goes to stderr.

readonly DUCKDB_NODE_API_VERSION=1.5.6-r.1

duckdb_dir() {
  local dir=${BATON_DATA_DIR:-$HOME/.cache/baton}/duckdb
  local pkg=$dir/node_modules/@duckdb/node-api/package.json
  mkdir -p "$dir"
  if [[ ! -f $pkg ]] || [[ $(node -p "require('$pkg').version") != "$DUCKDB_NODE_API_VERSION" ]]; then
    echo "duckdb: installing @duckdb/node-api@$DUCKDB_NODE_API_VERSION into $dir" >&2
    npm install --prefix "$dir" --no-audit --no-fund --silent "@duckdb/node-api@$DUCKDB_NODE_API_VERSION" >&2
  fi
  printf '%s\n' "$dir"
}
