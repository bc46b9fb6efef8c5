#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on loopback, and stops it afterwards.
#   scripts/with-postgres.sh COMMAND ARGS...
# The server lives in a temporary data directory, listens on 127.0.0.1 only, trusts local
# connections (it holds nothing but test data) and is removed on exit, whatever the command did.
# APDOCS_TEST_DATABASE_URL is exported to the command.
set -euo pipefail
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$bindir" ] && command -v pg_config >/dev/null 2>&1; then bindir="$(pg_config --bindir)"; fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server binaries not found (install the postgresql package)" >&2
  exit 1
fi
port="${APDOCS_TEST_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
workdir="$(mktemp -d /tmp/apdocs-pg.XXXXXX)"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: use the postgres system account.
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres
  chown postgres "$workdir"
  run_as=(runuser -u postgres --)
fi
# Run a PostgreSQL tool as its own user, from a directory that user may enter.
pg() { (cd / && "${run_as[@]}" "$@"); }
cleanup() {
  pg "$bindir/pg_ctl" -D "$workdir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT
pg "$bindir/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
pg "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c fsync=off -c full_page_writes=off" start >/dev/null
pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres apdocs_test
export APDOCS_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/apdocs_test"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
