#!/usr/bin/env bash
# Builds the system, starts it with ./opsplane run (embedded H2 store) on spare ports and a fresh data directory,
# runs ExecutionsBenchmark against its base URL, then stops everything. Stops by itself.
# Arguments: clients requests-per-phase warm-up-seconds (default 16 2000 30).
# PROFILE=1 records a JFR profile of both applications (warm-up included) into benchmarks/target/profiles/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
# package, not install: the exec jars ./opsplane run starts, and the benchmark's classes (it needs only the JDK).
./mvnw -q -B -Pbench -pl benchmarks,query-side,local-run -am package -DskipTests

DATA_DIR=$(mktemp -d -t opsplane-executions-bench.XXXXXX)
export OPSPLANE_DATA_DIR="$DATA_DIR" OPSPLANE_PORT=${BENCH_PORT:-18380} OPSPLANE_COMMAND_SIDE_PORT=${BENCH_COMMAND_PORT:-18381}
export OPSPLANE_QUERY_SIDE_PORT=${BENCH_QUERY_PORT:-18382} OPSPLANE_STORE_PORT=${BENCH_STORE_PORT:-28327}
export OPSPLANE_ADMIN_KEY="ops_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
# shellcheck source=benchmarks/local-system.sh
. benchmarks/local-system.sh
start_local_system OPSPLANE_BUILD=never

pid_of_side() { # the JVM started from this checkout's jar of that side
  jcmd -l | awk -v jar="$ROOT/$1/target/" 'index($0, jar) { print $1 }' | head -n 1
}
if [ "${PROFILE:-0}" = 1 ]; then
  mkdir -p "$ROOT/benchmarks/target/profiles"
  for side in command-side query-side; do jcmd "$(pid_of_side "$side")" JFR.start name=bench settings=profile >/dev/null; done
fi

echo "machine: $(nproc) cores; load before the run:$(uptime | sed 's/.*load average//')"
pid_of_local_run() { # the store or the gateway started from this checkout's local-run jar
  jcmd -l | awk -v jar="$ROOT/local-run/target/" -v role=" $1 " 'index($0, jar) && index($0, role) { print $1 }' | head -n 1
}
PIDS="store:$(pid_of_local_run store),command:$(pid_of_side command-side),query:$(pid_of_side query-side),gateway:$(pid_of_local_run gateway)"
timeout 900 java -Xmx512m -Dbench.pids="$PIDS" -cp benchmarks/target/classes io.opsplane.benchmarks.ExecutionsBenchmark \
  "http://127.0.0.1:$OPSPLANE_PORT" "$OPSPLANE_ADMIN_KEY" \
  "http://127.0.0.1:$OPSPLANE_COMMAND_SIDE_PORT" "http://127.0.0.1:$OPSPLANE_QUERY_SIDE_PORT" "$@"
echo "load after the run:$(uptime | sed 's/.*load average//')"
if [ "${PROFILE:-0}" = 1 ]; then
  for side in command-side query-side; do
    jcmd "$(pid_of_side "$side")" JFR.dump name=bench filename="$ROOT/benchmarks/target/profiles/$side.jfr" >/dev/null
  done
  echo "profiles: benchmarks/target/profiles/{command-side,query-side}.jfr (jfr print --events jdk.ExecutionSample ...)"
fi
