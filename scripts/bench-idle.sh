#!/usr/bin/env bash
# What a converged, idle level of 10 services costs: node CPU, zfs-fuse CPU and zfs processes per minute, for the
# node before a change (BASE, a commit; default the one before issue 9's per-tick work) and the working tree's.
#   scripts/bench-idle.sh [BASE] [seconds=60] [services=10]
# Needs root and the zfs-fuse test pool (scripts/test-pool.sh up; ZED_TEST_POOL, default zedtest). Run it on an
# otherwise idle machine.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
base=${1:-f609451}
shift || true
work=$(mktemp -d /tmp/zed-bench-base.XXXXXX)
trap 'git -C "$root" worktree remove --force "$work" >/dev/null 2>&1 || rm -rf "$work"' EXIT
git worktree add -q --detach "$work" "$base"
echo "bench-idle: building the baseline node at $(git -C "$work" log -1 --format='%h %s' | cut -c1-80)" >&2
(cd "$work" && mvn -q -B -ntp -DskipTests -pl actors -am package) >&2
cp "$work/actors/target/zed.jar" "$work/base.jar"
echo "bench-idle: building this tree's node" >&2
mvn -q -B -ntp -DskipTests -pl chaos -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cp="chaos/target/classes:$(cat chaos/target/classpath.txt)"
ZED_BENCH_JARS="before=$work/base.jar,after=$root/actors/target/zed.jar" java -cp "$cp" zed.chaos.bench.NodeBenchmarks idle "$@"
