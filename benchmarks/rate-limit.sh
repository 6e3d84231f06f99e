#!/usr/bin/env sh
# Builds the command side and the benchmark, then runs RateLimitBenchmark; stops by itself.
# Arguments: perMinute burst seconds senders (default 600 60 20 32).
set -e
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench -pl benchmarks -am install -DskipTests
./mvnw -q -B -Pbench -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
exec java -Xmx2g -Daxoniq.update-checker.disabled=true \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" io.opsplane.benchmarks.RateLimitBenchmark "$@"
