#!/usr/bin/env bash
# Runs the node's end-to-end benchmarks of issue 5 (chaos/.../bench/NodeBenchmarks), each beside its baseline.
#   scripts/bench-node.sh                          # all four at full size
#   scripts/bench-node.sh push datasets=10 trials=2  # one, with smaller sizes
# push, sweep and drift need the zfs-fuse test pool (scripts/test-pool.sh up; ZED_TEST_POOL, default zedtest) and
# root; each works under its own <pool>/bench-<random> and destroys it. Run them on an otherwise idle machine.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
# one reactor run, so that the sibling modules' jars resolve for the class path
mvn -q -B -ntp -DskipTests -pl chaos -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cp="chaos/target/classes:$(cat chaos/target/classpath.txt)"
# sweep: a zfs wrapper first on the PATH lets the benchmark switch the node's sweeps to what they read before issue 10
# (SteadyState.oldSweepFlag): while the flag file exists, a zfs get of the list on its first line reads the list on
# its second. Every zfs call of the run goes through it, today's sweeps and the floors too.
wrap=$(mktemp -d /tmp/zed-bench-node.XXXXXX)
trap 'rm -rf "$wrap"' EXIT
real_zfs=$(command -v zfs || echo /usr/sbin/zfs)
cat >"$wrap/zfs" <<WRAPPER
#!/bin/bash
if [[ \$1 == get && -e $wrap/old-sweep ]] && { read -r new; read -r old; } <"$wrap/old-sweep" && [[ \${7:-} == "\$new" ]]; then
  set -- "\${@:1:6}" "\$old" "\${@:8}"
  echo >>"$wrap/old-sweep.rewritten"
fi
exec $real_zfs "\$@"
WRAPPER
chmod +x "$wrap/zfs"
run() { PATH="$wrap:$PATH" ZED_BENCH_OLD_SWEEP="$wrap/old-sweep" java -Xms1g -Xmx1g -cp "$cp" zed.chaos.bench.NodeBenchmarks "$@"; }
if [ $# -gt 0 ]; then
  run "$@"
else
  run memory
  run push
  run sweep
  run drift
fi
