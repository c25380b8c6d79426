#!/usr/bin/env bash
# Fetches the Kafka broker and its runtime dependencies from Maven Central into
# infra/kafka/target/lib. Idempotent: does nothing when target/lib is complete
# for the current pom.xml.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stamp="$KAFKA_LIB_DIR/.complete"
pom_hash="$(sha256sum "$KAFKA_HOME/pom.xml" | cut -d' ' -f1)"

lib_complete() {
  [[ -f "$stamp" ]] || return 1
  [[ "$(head -n 1 "$stamp")" == "$pom_hash" ]] || return 1
  local jar
  while IFS= read -r jar; do
    [[ -f "$KAFKA_LIB_DIR/$jar" ]] || return 1
  done < <(tail -n +2 "$stamp")
}

if lib_complete; then
  exit 0
fi

echo "kafka: fetching broker jars with Maven into $KAFKA_LIB_DIR ..." >&2
# Start from an empty lib dir so that jars of an older version never end up on
# the classpath next to the new ones.
rm -rf "$KAFKA_LIB_DIR"
mkdir -p "$KAFKA_HOME/target"
build_log="$KAFKA_HOME/target/build.log"
# shellcheck disable=SC2086 # MVN may carry extra words, e.g. "mvn -o"
if ! ${MVN:-mvn} -q -B -f "$KAFKA_HOME/pom.xml" package >"$build_log" 2>&1; then
  echo "kafka: Maven build failed:" >&2
  cat "$build_log" >&2
  exit 1
fi

if ! compgen -G "$KAFKA_LIB_DIR/kafka_2.13-*.jar" >/dev/null; then
  echo "kafka: build finished but $KAFKA_LIB_DIR has no kafka_2.13 jar" >&2
  exit 1
fi
jars=("$KAFKA_LIB_DIR"/*.jar)
{
  echo "$pom_hash"
  printf '%s\n' "${jars[@]##*/}"
} >"$stamp.tmp"
mv "$stamp.tmp" "$stamp"
echo "kafka: ${#jars[@]} jars in $KAFKA_LIB_DIR" >&2
