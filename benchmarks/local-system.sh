# Sourced by the whole-system benchmarks: starts ./opsplane run in the background with the OPSPLANE_* variables the
# caller exported (its own ports and data directory), stops it and removes the data directory when the caller exits,
# and returns once both sides and the base URL answer their health checks.
# Usage: start_local_system [extra environment assignments for ./opsplane run ...]
start_local_system() {
  env "$@" ./opsplane run >"$OPSPLANE_DATA_DIR/run.out" 2>&1 &
  RUN_PID=$!
  stop_local_system() {
    kill "$RUN_PID" 2>/dev/null || true
    wait "$RUN_PID" 2>/dev/null || true
    rm -rf "$OPSPLANE_DATA_DIR"
  }
  trap stop_local_system EXIT
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$OPSPLANE_COMMAND_SIDE_PORT/actuator/health" >/dev/null 2>&1 \
       && curl -fsS "http://127.0.0.1:$OPSPLANE_QUERY_SIDE_PORT/actuator/health" >/dev/null 2>&1 \
       && curl -fsS "http://127.0.0.1:$OPSPLANE_PORT/actuator/health" >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$RUN_PID" 2>/dev/null || { cat "$OPSPLANE_DATA_DIR/run.out"; exit 1; }
    sleep 1
  done
  echo "the system did not become healthy within 240 s; see $OPSPLANE_DATA_DIR/run.out" >&2
  exit 1
}
