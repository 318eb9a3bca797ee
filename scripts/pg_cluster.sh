#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A throwaway PostgreSQL cluster for the store's tests (docs/store.md, "Tests on PostgreSQL").
#
#   scripts/pg_cluster.sh start DIR [PORT]   # initdb in DIR (a cluster there is stopped and wiped;
#                                            # any other non-empty DIR is refused); prints the URL
#   scripts/pg_cluster.sh stop DIR           # pg_ctl -m fast stop; DIR stays (remove it yourself)
#   scripts/pg_cluster.sh run DIR -- CMD...  # start, run CMD with AFTERSALE_TEST_PG_URL set, stop
#                                            # (also on failure or Ctrl-C); exits with CMD's status
#
# The server listens on a Unix socket in DIR only (no TCP), trusts local connections and runs
# without fsync (a test cluster: nothing in it must survive a power loss). The server refuses
# to run as root: as root, DIR is given to the `postgres` user and the server runs as that user.
# PORT (default 55432) only names the socket (no TCP), so clusters in different directories never
# clash; `run` still tries the next ten ports should a start fail. Exit status 2: no PostgreSQL
# server installed. A `run` killed with SIGKILL cannot stop its server: `stop DIR` does.
set -euo pipefail

pg_bin() {  # AFTERSALE_PG_BINDIR, else pg_config's, else the newest Debian one
  local d
  if [ -n "${AFTERSALE_PG_BINDIR:-}" ]; then
    if [ -x "$AFTERSALE_PG_BINDIR/initdb" ]; then echo "$AFTERSALE_PG_BINDIR"; return 0; fi
    return 1
  fi
  if command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir 2>/dev/null || true)"
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

as_server_user() {  # runs "$@" as the user that may run the server
  if [ "$(id -u)" -eq 0 ]; then
    local quoted
    quoted="$(printf '%q ' "$@")"
    su postgres -s /bin/sh -c "$quoted"
  else
    "$@"
  fi
}

url_of() {  # DIR PORT
  echo "postgresql:///postgres?host=$1&port=$2&user=postgres"
}

start() {  # DIR PORT
  local dir="$1" port="$2" bin
  if ! bin="$(pg_bin)"; then
    echo "pg_cluster: no PostgreSQL server found (install the Debian package \`postgresql\`)" >&2
    return 2
  fi
  case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
  # The socket path must fit in sun_path (107 bytes).
  if [ "${#dir}" -gt 80 ]; then
    echo "pg_cluster: \`$dir\` is too long for a socket directory (at most 80 characters)" >&2
    return 1
  fi
  if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] && [ ! -f "$dir/PG_VERSION" ]; then
    echo "pg_cluster: \`$dir\` is not empty and holds no cluster: refusing to wipe it" >&2
    return 1
  fi
  # A cluster left running in DIR: stopped before it is wiped.
  if [ -f "$dir/postmaster.pid" ]; then
    as_server_user "$bin/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "pg_cluster: running as root needs the \`postgres\` user (created by the Debian package)" >&2
      return 1
    fi
    chown postgres: "$dir"
    # Every parent must be searchable by the server's user.
    chmod o+x "$(dirname "$dir")" 2>/dev/null || true
  fi
  chmod 700 "$dir"
  as_server_user "$bin/initdb" -D "$dir" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$dir.initdb.log" 2>&1 || {
    cat "$dir.initdb.log" >&2
    echo "pg_cluster: initdb failed in \`$dir\`" >&2
    return 1
  }
  rm -f "$dir.initdb.log"
  if ! as_server_user "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >/dev/null; then
    cat "$dir/server.log" >&2 || true
    echo "pg_cluster: the server did not start in \`$dir\` on port $port" >&2
    return 1
  fi
  url_of "$dir" "$port"
}

stop() {  # DIR
  local dir="$1" bin
  bin="$(pg_bin)" || return 0
  if [ -f "$dir/postmaster.pid" ]; then
    as_server_user "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
  fi
}

usage() {
  sed -n '2,15p' "$0" >&2
  exit 64
}

cmd="${1:-}"
case "$cmd" in
  start)
    [ $# -ge 2 ] || usage
    start "$2" "${3:-55432}"
    ;;
  stop)
    [ $# -eq 2 ] || usage
    stop "$2"
    ;;
  run)
    [ $# -ge 4 ] && [ "$3" = "--" ] || usage
    dir="$2"
    shift 3
    case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
    url=""
    status=0
    trap 'stop "$dir" || true' EXIT
    trap 'exit 130' INT TERM
    for port in $(seq 55432 55442); do
      # Some other server's socket for this port would clash in a shared directory; ours is
      # private, so only a failed start (e.g. the port's lock file in /tmp) moves us on.
      if url="$(start "$dir" "$port")"; then
        break
      else
        status=$?
      fi
      [ "$status" -eq 2 ] && exit 2
      url=""
    done
    if [ -z "$url" ]; then
      echo "pg_cluster: could not start a server on ports 55432-55442" >&2
      exit 1
    fi
    echo "pg_cluster: $url" >&2
    set +e
    AFTERSALE_TEST_PG_URL="$url" "$@"
    status=$?
    set -e
    exit "$status"
    ;;
  *) usage ;;
esac
