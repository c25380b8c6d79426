#!/usr/bin/env bash
# Makes sure a PostgreSQL answers on 127.0.0.1:$PGPORT (default 5432) with a database $PGDATABASE
# (default "test") for the distributed-mode tests (users, sessions, audit, delivery ledger):
# starts the machine's cluster when none answers (Debian's pg_ctlcluster), creates the database,
# and prints the DATABASE_URL to use on stdout. Waits at most PG_START_TIMEOUT seconds (default 30).
set -euo pipefail

PGPORT="${PGPORT:-5432}"
PGDATABASE="${PGDATABASE:-test}"
PG_START_TIMEOUT="${PG_START_TIMEOUT:-30}"
url="postgres://postgres@127.0.0.1:${PGPORT}/${PGDATABASE}"

answers() { pg_isready -q -h 127.0.0.1 -p "$PGPORT" 2>/dev/null; }
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

if ! command -v pg_isready >/dev/null; then
  echo "postgres: pg_isready not found (Debian: apt-get install -y postgresql)" >&2
  exit 1
fi

if ! answers; then
  cluster=$(pg_lsclusters --no-header 2>/dev/null | awk -v p="$PGPORT" '$3 == p { print $1 " " $2; exit }')
  if [ -z "$cluster" ]; then
    echo "postgres: no cluster on port $PGPORT (pg_lsclusters)" >&2
    exit 1
  fi
  # shellcheck disable=SC2086
  pg_ctlcluster --skip-systemctl-redirect $cluster start >&2
fi

deadline=$((SECONDS + PG_START_TIMEOUT))
until answers; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo "postgres: not ready after ${PG_START_TIMEOUT}s" >&2; exit 1; fi
  sleep 0.5
done

# loopback connections must work without a password for the tests; when the cluster asks for one,
# give the postgres role a local-only test password instead of editing pg_hba.conf
if ! psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  as_postgres psql -p "$PGPORT" -Atqc "ALTER ROLE postgres PASSWORD 'postgres'" >/dev/null
  url="postgres://postgres:postgres@127.0.0.1:${PGPORT}/${PGDATABASE}"
  export PGPASSWORD=postgres
fi
if ! psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -Atqc "select 1 from pg_database where datname = '${PGDATABASE}'" | grep -q 1; then
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "CREATE DATABASE \"${PGDATABASE}\"" >&2
fi
echo "postgres: ready on 127.0.0.1:$PGPORT, database $PGDATABASE" >&2
echo "$url"
