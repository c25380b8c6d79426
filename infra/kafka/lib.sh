# shellcheck shell=bash disable=SC2034 # variables are used by the sourcing scripts
# Shared settings for infra/kafka/*.sh. Sourced, not run.

KAFKA_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$KAFKA_HOME/data}"
case "$KAFKA_DATA_DIR" in
  /*) ;;
  *) KAFKA_DATA_DIR="$PWD/$KAFKA_DATA_DIR" ;;
esac
KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

KAFKA_LIB_DIR="$KAFKA_HOME/target/lib"
KAFKA_CONFIG="$KAFKA_DATA_DIR/server.properties"
KAFKA_LOG_DIRS="$KAFKA_DATA_DIR/kraft-logs"
KAFKA_APP_LOG_DIR="$KAFKA_DATA_DIR/logs"
KAFKA_PID_FILE="$KAFKA_DATA_DIR/kafka.pid"

for _port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
  if ! [[ "$_port" =~ ^[0-9]+$ ]] || ((_port < 1 || _port > 65535)); then
    echo "kafka: invalid port '$_port' (KAFKA_PORT / KAFKA_CONTROLLER_PORT)" >&2
    exit 2
  fi
done
if [[ "$KAFKA_PORT" == "$KAFKA_CONTROLLER_PORT" ]]; then
  echo "kafka: KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ" >&2
  exit 2
fi

# Prints the broker's pid if the pid file names a live Kafka process.
kafka_running_pid() {
  local pid
  [[ -f "$KAFKA_PID_FILE" ]] || return 1
  pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: the process must be our broker.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

kafka_log_tail() {
  local f
  for f in "$KAFKA_APP_LOG_DIR/server.log" "$KAFKA_APP_LOG_DIR/kafka.out"; do
    if [[ -s "$f" ]]; then
      echo "----- last 40 lines of $f -----" >&2
      tail -n 40 "$f" >&2
    fi
  done
}
