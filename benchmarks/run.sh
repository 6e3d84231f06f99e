#!/usr/bin/env sh
# Builds the event store and the benchmark, then runs it; stops by itself. Arguments: store sizes (default 10000
# 100000 1000000), "h2" to add the H2 backend, "sequenced" or "stock" to measure only that engine.
set -e
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench -pl benchmarks -am install -DskipTests
./mvnw -q -B -Pbench -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
exec java -Xmx8g -XX:+UseParallelGC -Daxoniq.update-checker.disabled=true \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" io.opsplane.benchmarks.EventStoreBenchmark "$@"
