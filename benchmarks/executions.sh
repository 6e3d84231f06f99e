#!/usr/bin/env bash
# Builds the system, starts it with ./opsplane run (embedded H2 store) on spare ports and a fresh data directory,
# runs ExecutionsBenchmark against its base URL, then stops everything. Stops by itself.
# Arguments: clients requests-per-phase warm-up-seconds (default 16 2000 30).
# PROFILE=1 records a JFR profile of the system's one JVM (warm-up included) into benchmarks/target/profiles/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
# package, not install: the exec jars ./opsplane run starts, and the benchmark's classes (it needs only the JDK).
[ "${BENCH_NO_BUILD:-0}" = 1 ] || ./mvnw -q -B -Pbench -pl benchmarks,standalone -am package -DskipTests

DATA_DIR=$(mktemp -d -t opsplane-executions-bench.XXXXXX)
export OPSPLANE_DATA_DIR="$DATA_DIR" OPSPLANE_PORT=${BENCH_PORT:-18380} OPSPLANE_COMMAND_SIDE_PORT=${BENCH_COMMAND_PORT:-18381}
export OPSPLANE_QUERY_SIDE_PORT=${BENCH_QUERY_PORT:-18382} OPSPLANE_STORE_PORT=${BENCH_STORE_PORT:-28327}
export OPSPLANE_ADMIN_KEY="ops_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
# shellcheck source=benchmarks/local-system.sh
. benchmarks/local-system.sh
start_local_system OPSPLANE_BUILD=never

# The one JVM ./opsplane run starts (store, both sides, gateway), from this checkout's standalone jar.
SYSTEM_PID=$(jcmd -l | awk -v jar="$ROOT/standalone/target/" 'index($0, jar) { print $1 }' | head -n 1)
if [ "${PROFILE:-0}" = 1 ]; then
  mkdir -p "$ROOT/benchmarks/target/profiles"
  jcmd "$SYSTEM_PID" JFR.start name=bench settings=profile >/dev/null
fi

echo "machine: $(nproc) cores; load before the run:$(uptime | sed 's/.*load average//')"
PIDS="opsplane:$SYSTEM_PID"
timeout 900 java -Xmx512m -Dbench.pids="$PIDS" -cp benchmarks/target/classes io.opsplane.benchmarks.ExecutionsBenchmark \
  "http://127.0.0.1:$OPSPLANE_PORT" "$OPSPLANE_ADMIN_KEY" \
  "http://127.0.0.1:$OPSPLANE_COMMAND_SIDE_PORT" "http://127.0.0.1:$OPSPLANE_QUERY_SIDE_PORT" "$@"
echo "load after the run:$(uptime | sed 's/.*load average//')"
echo "store file after the run: $(du -m "$DATA_DIR/store/opsplane.mv" | cut -f1) MB"
if [ "${PROFILE:-0}" = 1 ]; then
  jcmd "$SYSTEM_PID" JFR.dump name=bench filename="$ROOT/benchmarks/target/profiles/opsplane.jfr" >/dev/null
  echo "profile: benchmarks/target/profiles/opsplane.jfr (jfr print --events jdk.ExecutionSample ...)"
fi
