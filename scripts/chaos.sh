#!/usr/bin/env bash
# Runs the chaos suite's scenarios (issue 10) at full count; each prints the table that docs/reliability.md keeps and
# exits non-zero when anything failed. One sub-command per scenario:
#   scripts/chaos.sh kill [rounds=50] [datasets=30] [seed=1]  # kill -9 of the node mid-deploy (scenario 1)
#   scripts/chaos.sh full [runs=10]                     # the pool fills during a deploy (scenario 2)
#   scripts/chaos.sh journal [runs=5] [seconds=30]      # PostgreSQL cut away (scenario 3; needs ZED_TEST_POSTGRES_URL)
#   scripts/chaos.sh zfs [runs=10]                      # zfs-fuse killed and started again (scenario 4)
#   scripts/chaos.sh soak [minutes=30] [datasets=200] [services=10] [seed=1] [kept=1000]  # drift every second (scenario 6)
#   scripts/chaos.sh fuzz                               # 1,000,000 Zedfiles and 100,000 requests (scenario 5)
#   scripts/chaos.sh fuzz zedfiles=10000 requests=2000  # smaller, e.g. before a commit
#   scripts/chaos.sh fuzz seed=42 threads=2 clients=4   # the same inputs again, on as many threads and clients
# Inputs that fail are kept as regression cases in the source tree (config/ and chaos/src/test/resources/fuzz-regressions),
# which the build replays from then on: commit them with the fix. Run it on an otherwise idle machine.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -gt 0 ] || usage
scenario=$1; shift
case "$scenario" in
  fuzz) main=zed.chaos.fuzz.Fuzz ;;
  kill|full|journal|zfs|soak) main=zed.chaos.fault.Chaos; set -- "$scenario" "$@" ;;
  *) usage ;;
esac
# one reactor run, so that the sibling modules' jars (config's test jar: the Zedfile fuzzer) resolve for the class path
mvn -q -B -ntp -DskipTests -pl chaos -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
export ZED_REPO="$root"
# the fault scenarios run bin/zed, which rebuilds its jar first if a source is newer; they need root, a zfs-fuse pool
# (ZED_TEST_POOL, scripts/test-pool.sh up) and python3
export ZED_TEST_POOL=${ZED_TEST_POOL:-zedtest}
exec java -Dzed.bin="$root/bin/zed" -Xms1g -Xmx2g -Xss8m -cp "chaos/target/classes:$(cat chaos/target/classpath.txt)" "$main" "$@"
