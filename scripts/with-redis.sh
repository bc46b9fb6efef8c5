#!/usr/bin/env bash
# Runs a command with a throwaway Redis server on loopback, and stops it afterwards.
#   scripts/with-redis.sh COMMAND ARGS...
# The server listens on 127.0.0.1 only, on a free port, keeps nothing on disk (no RDB snapshots, no AOF), works
# in a temporary directory removed on exit, whatever the command did. APDOCS_TEST_REDIS_URL is exported to the
# command (database 0; each test uses a key prefix or a database of its own). Wraps with-postgres.sh and the
# other way round: `scripts/with-redis.sh scripts/with-postgres.sh pytest …` gives a command both.
set -euo pipefail
server="$(command -v redis-server || true)"
if [ -z "$server" ]; then
  echo "Redis server not found (install the redis-server package)" >&2
  exit 1
fi
port="${APDOCS_TEST_REDIS_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
workdir="$(mktemp -d /tmp/apdocs-redis.XXXXXX)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
"$server" --bind 127.0.0.1 --port "$port" --dir "$workdir" --save '' --appendonly no \
  --protected-mode yes --daemonize no --logfile "$workdir/server.log" &
pid=$!
for _ in $(seq 100); do
  if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$workdir/server.log" >&2; echo "Redis did not start" >&2; exit 1; fi
  sleep 0.1
done
export APDOCS_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
echo "Redis $("$server" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port"
"$@"
