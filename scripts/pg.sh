#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks, in a temporary directory on a free
# loopback port. `scripts/pg.sh start` prints `export FAULTLINE_TEST_DATABASE_URL=…` (also written
# to target/pg/env); `scripts/pg.sh stop` stops it and removes its directory. PostgreSQL refuses
# to run as root, so as root the cluster runs as the `postgres` system user.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=target/pg
die() { echo "pg: error: $*" >&2; exit 1; }

bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" ]] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return; }
  die "PostgreSQL server binaries not found: run 'make setup' (installs the postgresql package)"
}

as_pg() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start() {
  if [[ -f "$STATE/env" ]] && stop_quiet_if_dead; then
    cat "$STATE/env"; return
  fi
  local bin dir port
  bin="$(bindir)"
  dir="$(mktemp -d /tmp/faultline-pg.XXXXXX)"
  chmod 755 "$dir"
  [[ "$(id -u)" -eq 0 ]] && chown postgres: "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -U faultline --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  port="$(free_port)"
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400 -c fsync=on -c shared_buffers=256MB" \
    start >/dev/null || { cat "$dir/server.log" >&2; die "PostgreSQL did not start"; }
  mkdir -p "$STATE"
  echo "$dir" >"$STATE/dir"
  echo "export FAULTLINE_TEST_DATABASE_URL=postgres://faultline@127.0.0.1:$port/postgres" >"$STATE/env"
  cat "$STATE/env"
}

# True when the recorded cluster is still running (keep it); otherwise forgets it.
stop_quiet_if_dead() {
  local dir
  dir="$(cat "$STATE/dir" 2>/dev/null || true)"
  if [[ -n "$dir" && -f "$dir/data/postmaster.pid" ]] && as_pg "$(bindir)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    return 0
  fi
  rm -f "$STATE/env" "$STATE/dir"
  return 1
}

stop() {
  local dir
  dir="$(cat "$STATE/dir" 2>/dev/null || true)"
  if [[ -n "$dir" && -d "$dir" ]]; then
    as_pg "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
  rm -f "$STATE/env" "$STATE/dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) die "usage: scripts/pg.sh start|stop" ;;
esac
