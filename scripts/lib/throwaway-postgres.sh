# Start and stop a throwaway PostgreSQL cluster in a temp dir, listening on a loopback port only.
# Sourced by scripts/run-tests. Works as root (runs the server as the `postgres` user) or as a user.

start_throwaway_postgres() {
  local bin="$1"
  PG_TMP=$(mktemp -d /tmp/bo-pg.XXXXXX)
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_TMP"
    as=(runuser -u postgres --)
  fi
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "${as[@]}" "$bin/initdb" -D "$PG_TMP/data" -U bo --auth=trust -E UTF8 >"$PG_TMP/initdb.log" 2>&1
  "${as[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_TMP -c fsync=off -c full_page_writes=off" start >/dev/null
  "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U bo bo_test
  PG_BIN="$bin"
  PG_AS=("${as[@]}")
  export BO_TEST_POSTGRES_URL="postgresql+psycopg://bo@127.0.0.1:$PG_PORT/bo_test"
}

stop_throwaway_postgres() {
  if [ -n "${PG_TMP:-}" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
  fi
}
