#!/usr/bin/env bash
# Issue 11's benchmarks on real agents (chaos/.../bench): three `zed agent` JVMs on 127.0.0.2-.4, as LoopbackCluster
# starts them (each its own dataset of the zfs-fuse test pool, one fresh PostgreSQL database, zed cluster init's TLS).
#   scripts/bench-hosts.sh failover [trials=3] [datasets=5] [defaults=1] [delay=0]   # host lost → Converged on the
#                                      standby, beside Pekko's default timing (defaults=0: Zed's only), Zed's timing
#                                      before the lease's early no, with the minority's lease delay at N s by -D
#                                      (delay=6: as it was, margin 13 s; delay=2: margin 9 s; 0: not run) and a cold
#                                      converge
#   scripts/bench-hosts.sh rollout [trials=3] [datasets=20] [services=2]  # coordinated rollout on 3 hosts beside 1
# Needs the test pool (scripts/test-pool.sh up) and ZED_TEST_POSTGRES_URL (a role that may CREATE DATABASE).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
what=${1:?failover or rollout}
shift
if [ -z "${ZED_TEST_POSTGRES_URL:-}" ]; then
  echo "bench-hosts: ZED_TEST_POSTGRES_URL is not set (a jdbc:postgresql:// URL of a role that may create databases)" >&2
  exit 2
fi
build() { mvn -q -B -ntp "$@" -DskipTests -pl chaos -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt; }
build -o || build
cp="chaos/target/classes:$(cat chaos/target/classpath.txt)"
echo "# $(date -u '+%F %H:%M UTC'), commit $(git log -1 --format=%h)$(git diff --quiet HEAD -- actors chaos || echo ' (with changes)'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -Xmx1g -cp "$cp" zed.chaos.bench.NodeBenchmarks "$what" "$@"
