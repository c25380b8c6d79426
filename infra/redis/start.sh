#!/usr/bin/env bash
# Makes sure a Redis answers on 127.0.0.1:$REDIS_PORT (default 6379): if none
# does, starts a non-persistent redis-server daemon, then waits for PONG
# (at most REDIS_START_TIMEOUT seconds, default 20).
set -euo pipefail

REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_START_TIMEOUT="${REDIS_START_TIMEOUT:-20}"

ping() {
  [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]
}

for tool in redis-server redis-cli; do
  if ! command -v "$tool" >/dev/null; then
    echo "redis: $tool not found (Debian: apt-get install -y redis-server)" >&2
    exit 1
  fi
done

if ping; then
  echo "redis: already answering on 127.0.0.1:$REDIS_PORT" >&2
  exit 0
fi

redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
  --save "" --appendonly no

deadline=$((SECONDS + REDIS_START_TIMEOUT))
until ping; do
  if ((SECONDS >= deadline)); then
    echo "redis: no PONG on 127.0.0.1:$REDIS_PORT after ${REDIS_START_TIMEOUT}s" >&2
    exit 1
  fi
  sleep 0.2
done
echo "redis: ready on 127.0.0.1:$REDIS_PORT" >&2
