#!/usr/bin/env bash
# Waits until the local broker answers a real Kafka Metadata request that lists
# itself as an available broker (not just an open port), for at most
# KAFKA_START_TIMEOUT seconds (default 90). Exits non-zero, with the broker log
# tail, if it does not. Usable on its own: ./wait.sh
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Sends a Metadata v4 request (all topics, no auto-creation) and checks that the
# response carries our correlation id and lists at least one broker whose port is
# $KAFKA_PORT. Metadata v4 is served by Kafka 1.0 through 4.x (KIP-896 kept it).
# KRaft only lists unfenced brokers, so a match means clients can use the broker.
metadata_ok() {
  local bytes
  # size=22 | api_key=3 | api_version=4 | correlation_id=42 | client_id="wait.sh"
  # | topics=-1 (null: all) | allow_auto_topic_creation=false
  # shellcheck disable=SC2016 # $1 expands in the inner bash
  bytes="$(timeout 5 bash -c '
      exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
      printf "\x00\x00\x00\x16\x00\x03\x00\x04\x00\x00\x00\x2a\x00\x07wait.sh\xff\xff\xff\xff\x00" >&3
      head -c 35 <&3 | od -An -v -tu1
    ' _ "$KAFKA_PORT" 2>/dev/null)" || return 1
  # shellcheck disable=SC2206
  local b=($bytes)
  ((${#b[@]} >= 35)) || return 1
  # [0..3] size, [4..7] correlation id, [8..11] throttle, [12..15] broker count,
  # [16..19] node id, [20..21] host length, then host, then port (int32).
  local corr=$(((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]))
  local nbrokers=$(((b[12] << 24) | (b[13] << 16) | (b[14] << 8) | b[15]))
  ((corr == 42 && nbrokers >= 1)) || return 1
  local hlen=$(((b[20] << 8) | b[21]))
  local p=$((22 + hlen))
  ((p + 4 <= ${#b[@]})) || return 0 # host longer than we read: broker is listed
  local port=$(((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]))
  ((port == KAFKA_PORT))
}

deadline=$((SECONDS + KAFKA_START_TIMEOUT))
while ((SECONDS < deadline)); do
  if [[ -f "$KAFKA_PID_FILE" ]] && ! kafka_running_pid >/dev/null; then
    echo "kafka: broker process (pid $(cat "$KAFKA_PID_FILE")) has exited" >&2
    kafka_log_tail
    exit 1
  fi
  if port_open "$KAFKA_PORT" && metadata_ok; then
    echo "kafka: ready on 127.0.0.1:$KAFKA_PORT" >&2
    exit 0
  fi
  sleep 0.5
done
echo "kafka: not ready on 127.0.0.1:$KAFKA_PORT after ${KAFKA_START_TIMEOUT}s" >&2
kafka_log_tail
exit 1
