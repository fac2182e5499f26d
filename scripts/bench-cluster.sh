#!/usr/bin/env bash
# Issue 11's cluster benchmark (chaos/.../bench/ClusterFormation): N Zed nodes in one JVM (default 50), hosts n1..nN,
# each with its own state and dir store in /dev/shm (the "in-memory pool"), Artery on 127.0.0.1, every node seeded by
# n1, all on one fresh PostgreSQL database. Prints, each beside its baseline from the same run: the time from the first
# start to all N Up as n1 sees them and each node's start; the journal's connections (peak while forming, at rest after
# `rest` seconds) beside PostgreSQL's max_connections; one level pushed through n1 and placed on nN, PUT to Converged,
# beside the same push on one node alone; heap, threads and idle CPU per node beside that one node's.
#   scripts/bench-cluster.sh                          # 50 nodes
#   scripts/bench-cluster.sh 10 trials=3 rest=60      # 10 nodes; options: parallel= trials= rest= idle= (NodeBenchmarks)
# Needs ZED_TEST_POSTGRES_URL (a JDBC URL of a role that may CREATE DATABASE; two databases are made and dropped) and
# no pool. Every node's CPU is this one JVM's: on a small machine the nodes share its cores, which real hosts do not.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
nodes=${1:-50}
shift || true
if [ -z "${ZED_TEST_POSTGRES_URL:-}" ]; then
  echo "bench-cluster: ZED_TEST_POSTGRES_URL is not set (a jdbc:postgresql:// URL of a role that may create databases)" >&2
  exit 2
fi
# one reactor run, so that the sibling modules' classes resolve for the class path; offline first, as bench-cli.sh
build() { mvn -q -B -ntp "$@" -DskipTests -pl chaos -am test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt; }
build -o || build
cp="chaos/target/classes:$(cat chaos/target/classpath.txt)"
echo "# $(date -u '+%F %H:%M UTC'), commit $(git log -1 --format=%h)$(git diff --quiet HEAD -- actors chaos || echo ' (with changes)'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
# the nodes' warnings (thousands with many nodes on few cores) go to a file, not between the tables
log=$(mktemp /tmp/zed-bench-cluster.XXXXXX.log)
echo "# the nodes' log: $log"
# 50 nodes take about 5 MiB of heap each once formed (the table says): 2 GiB leaves room for the starts' garbage
status=0
# (what Pekko logs to stdout while a system stops, after its slf4j logger has, goes to the log too)
# ZED_BENCH_JAVA_OPTS: settings for the simulation only (every ActorSystem of the JVM takes -D settings), e.g. a
# coarser scheduler tick and a more patient failure detector so that 50 nodes on 2 cores stay whole; the run prints them
[ -n "${ZED_BENCH_JAVA_OPTS:-}" ] && echo "# simulation settings: $ZED_BENCH_JAVA_OPTS"
# shellcheck disable=SC2086
java -Xms512m -Xmx${ZED_BENCH_HEAP:-2g} ${ZED_BENCH_JAVA_OPTS:-} -cp "$cp" zed.chaos.bench.NodeBenchmarks cluster nodes="$nodes" "$@" 2>"$log" \
  | awk -v logfile="$log" '/^\[(WARN|ERROR|INFO|DEBUG)\] \[/ { print >> logfile; next } { print; fflush() }' || status=$?
echo "# the nodes' log: $(grep -c ' WARN ' "$log" || true) warnings, $(grep -c ' ERROR ' "$log" || true) errors ($log)"
if [ "$status" -ne 0 ]; then
  grep -v '^\s*at ' "$log" | tail -n 30 >&2
  exit "$status"
fi
