#!/usr/bin/env bash
# Starts the whole system with ./opsplane run (embedded store, command side, query side and gateway in one
# process) on spare ports and a fresh data directory, runs SystemLagBenchmark against it, then stops it.
# Arguments: commands/s clients seconds (default 200 8 10). Stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# package, never install: the exec jar ./opsplane run starts, then the benchmark with its classpath (the last module
# of its reactor, so the classpath file is its own).
./mvnw -q -B -pl standalone -am package -DskipTests
./mvnw -q -B -Pbench -pl benchmarks -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$PWD/benchmarks/target/classpath.txt"

DATA_DIR=$(mktemp -d -t opsplane-lag-bench.XXXXXX)
export OPSPLANE_DATA_DIR="$DATA_DIR" OPSPLANE_PORT=18080 OPSPLANE_COMMAND_SIDE_PORT=18081
export OPSPLANE_QUERY_SIDE_PORT=18082 OPSPLANE_STORE_PORT=27037
export OPSPLANE_ADMIN_KEY="ops_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
# shellcheck source=benchmarks/local-system.sh
. benchmarks/local-system.sh
start_local_system OPSPLANE_BUILD=never

java -Xmx512m -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.opsplane.benchmarks.SystemLagBenchmark "http://127.0.0.1:$OPSPLANE_PORT" "$OPSPLANE_ADMIN_KEY" "$@"
