#!/usr/bin/env bash
# Stops the local Kafka started by start.sh: SIGTERM (controlled shutdown), then
# SIGKILL after KAFKA_STOP_TIMEOUT seconds (default 30). No-op if not running.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! pid="$(kafka_running_pid)"; then
  rm -f "$KAFKA_PID_FILE"
  echo "kafka: not running" >&2
  exit 0
fi

kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
  sleep 0.2
done
if kill -0 "$pid" 2>/dev/null; then
  echo "kafka: pid $pid still alive after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
rm -f "$KAFKA_PID_FILE"
echo "kafka: stopped (pid $pid)" >&2
