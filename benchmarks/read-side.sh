#!/usr/bin/env sh
# Builds the query side and the benchmark in one reactor (nothing is installed into ~/.m2), then runs
# ReadSideScaleBenchmark; stops by itself. Arguments: sizes in executions (default 10000 100000 1000000).
# BENCH_STORE=disk keeps the embedded store in a file (as ./opsplane run does) instead of in memory.
set -e
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench -pl benchmarks -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$PWD/benchmarks/target/classpath.txt"
exec java -Xmx8g -XX:+UseParallelGC -Daxoniq.update-checker.disabled=true -Dbench.store="${BENCH_STORE:-memory}" \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" io.opsplane.benchmarks.ReadSideScaleBenchmark "$@"
