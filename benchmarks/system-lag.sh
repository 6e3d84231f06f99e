#!/usr/bin/env bash
# Starts the whole system with ./opsplane run (embedded store, command side, query side, gateway, each its own
# process) on spare ports and a fresh data directory, runs SystemLagBenchmark against it, then stops it.
# Arguments: commands/s clients seconds (default 200 8 10). Stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench -pl benchmarks -am install -DskipTests
./mvnw -q -B -Pbench -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt

DATA_DIR=$(mktemp -d -t opsplane-lag-bench.XXXXXX)
export OPSPLANE_DATA_DIR="$DATA_DIR" OPSPLANE_PORT=18080 OPSPLANE_COMMAND_SIDE_PORT=18081
export OPSPLANE_QUERY_SIDE_PORT=18082 OPSPLANE_STORE_PORT=27037
export OPSPLANE_ADMIN_KEY="ops_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
# shellcheck source=benchmarks/local-system.sh
. benchmarks/local-system.sh
start_local_system

java -Xmx512m -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.opsplane.benchmarks.SystemLagBenchmark "http://127.0.0.1:$OPSPLANE_PORT" "$OPSPLANE_ADMIN_KEY" "$@"
