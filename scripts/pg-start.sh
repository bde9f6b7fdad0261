#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for the tests; print its DSN on stdout.
# Installs PostgreSQL from Debian's packages when the machine has none.
set -euo pipefail
PORT=${FIRMSCORE_PG_PORT:-54329}
DIR=${FIRMSCORE_PG_DIR:-/tmp/firmscore-pg}
pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pgbin)" ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
fi
BIN=$(pgbin)
RUN=()
if [ "$(id -u)" = "0" ]; then RUN=(runuser -u postgres --); fi
if [ ! -f "$DIR/PG_VERSION" ]; then
  rm -rf "$DIR"; mkdir -p "$DIR"
  [ "$(id -u)" = "0" ] && chown postgres "$DIR"
  "${RUN[@]}" "$BIN/initdb" -D "$DIR" -U firmscore --auth=trust -E UTF8 >/dev/null
fi
if ! "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
fi
echo "postgresql://firmscore@127.0.0.1:$PORT/postgres"
