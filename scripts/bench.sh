#!/usr/bin/env bash
# Runs the JMH benchmarks of chaos/ (default: all; pass a JMH regex and options to narrow them).
#   scripts/bench.sh                      # everything
#   scripts/bench.sh ZedfileBenchmark -p lines=5000
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
# one reactor run, so that the sibling modules' jars resolve for the class path
mvn -q -B -ntp -DskipTests -pl chaos -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
exec java -cp "chaos/target/classes:$(cat chaos/target/classpath.txt)" org.openjdk.jmh.Main "${@:-.*}"
