#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the hub's tests (as the `postgres` user: the server
# refuses to run as root) and prints the URL the tests read from YUVA_TEST_DATABASE_URL.
# Usage: eval "$(bash tests/interop/start_postgres.sh)"
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "start_postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
data=$(mktemp -d /tmp/yuva-pg.XXXXXX)
# The first free port from 54329 (another cluster of an earlier run may hold one).
port=${YUVA_TEST_PG_PORT:-54329}
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  port=$((port + 1))
done
chown postgres: "$data" 2>/dev/null || true
as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
as_postgres "'$bin/initdb' -D '$data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
as_postgres "'$bin/pg_ctl' -D '$data' -l '$data/log' -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off\" -w start" >/dev/null
echo "export YUVA_TEST_DATABASE_URL='host=127.0.0.1 port=$port user=postgres dbname=postgres'"
echo "export YUVA_TEST_PG_DATA='$data'"
