#!/usr/bin/env bash
# Starts the local single-node Kafka (KRaft broker+controller) in the background
# and returns once it answers a Metadata request. Builds target/lib and formats
# the storage first when needed. Safe to run when it is already up.
#
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA_DIR
# (infra/kafka/data), KAFKA_HEAP (-Xms256m -Xmx512m), KAFKA_JVM_OPTS (extra JVM
# flags), KAFKA_START_TIMEOUT (90 s), KAFKA_CLUSTER_ID (random on first format).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if pid="$(kafka_running_pid)"; then
  echo "kafka: already running (pid $pid)" >&2
  exec "$KAFKA_HOME/wait.sh"
fi

"$KAFKA_HOME/build.sh"

for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
  if port_open "$port"; then
    echo "kafka: 127.0.0.1:$port is already in use by another process" \
      "(set KAFKA_PORT / KAFKA_CONTROLLER_PORT to free ports)" >&2
    exit 1
  fi
done

mkdir -p "$KAFKA_DATA_DIR" "$KAFKA_LOG_DIRS" "$KAFKA_APP_LOG_DIR"
rm -f "$KAFKA_PID_FILE"

# Render the effective config: the checked-in server.properties with the
# env-dependent lines replaced.
awk -v port="$KAFKA_PORT" -v cport="$KAFKA_CONTROLLER_PORT" -v logdirs="$KAFKA_LOG_DIRS" '
  /^controller\.quorum\.voters=/ { print "controller.quorum.voters=1@127.0.0.1:" cport; next }
  /^listeners=/ { print "listeners=PLAINTEXT://127.0.0.1:" port ",CONTROLLER://127.0.0.1:" cport; next }
  /^advertised\.listeners=/ { print "advertised.listeners=PLAINTEXT://127.0.0.1:" port; next }
  /^log\.dirs=/ { print "log.dirs=" logdirs; next }
  { print }
' "$KAFKA_HOME/server.properties" >"$KAFKA_CONFIG.tmp"
mv "$KAFKA_CONFIG.tmp" "$KAFKA_CONFIG"

java_common=(
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.xml"
  -Dkafka.logs.dir="$KAFKA_APP_LOG_DIR"
  -cp "$KAFKA_LIB_DIR/*"
)

if [[ ! -f "$KAFKA_LOG_DIRS/meta.properties" ]]; then
  # a random id is base64url and may start with '-': it is passed as --cluster-id=ID, never as a
  # separate argument that argparse would read as an option (1 start in 32 failed that way)
  cluster_id="${KAFKA_CLUSTER_ID:-$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')}"
  echo "kafka: formatting storage in $KAFKA_LOG_DIRS (cluster id $cluster_id)" >&2
  if ! java -Xmx256m "${java_common[@]}" kafka.tools.StorageTool format \
    --cluster-id="$cluster_id" --config="$KAFKA_CONFIG" >"$KAFKA_APP_LOG_DIR/format.log" 2>&1; then
    echo "kafka: storage format failed:" >&2
    cat "$KAFKA_APP_LOG_DIR/format.log" >&2
    exit 1
  fi
fi

# shellcheck disable=SC2086 # KAFKA_HEAP and KAFKA_JVM_OPTS are word lists
setsid nohup java $KAFKA_HEAP ${KAFKA_JVM_OPTS:-} "${java_common[@]}" \
  kafka.Kafka "$KAFKA_CONFIG" \
  >>"$KAFKA_APP_LOG_DIR/kafka.out" 2>&1 </dev/null &
echo $! >"$KAFKA_PID_FILE"
echo "kafka: started pid $(cat "$KAFKA_PID_FILE"), waiting for 127.0.0.1:$KAFKA_PORT (log: $KAFKA_APP_LOG_DIR/server.log)" >&2

if ! "$KAFKA_HOME/wait.sh"; then
  echo "kafka: stopping the broker that failed to become ready" >&2
  "$KAFKA_HOME/stop.sh" || true
  exit 1
fi
