#!/usr/bin/env bash
# Runs the chaos suite's scenarios (issue 10) at full count; each prints the table that docs/reliability.md keeps and
# exits non-zero when anything failed. One sub-command per scenario:
#   scripts/chaos.sh fuzz                               # 1,000,000 Zedfiles and 100,000 requests (scenario 5)
#   scripts/chaos.sh fuzz zedfiles=10000 requests=2000  # smaller, e.g. before a commit
#   scripts/chaos.sh fuzz seed=42 threads=2 clients=4   # the same inputs again, on as many threads and clients
# Inputs that fail are kept as regression cases in the source tree (config/ and chaos/src/test/resources/fuzz-regressions),
# which the build replays from then on: commit them with the fix. Run it on an otherwise idle machine.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -gt 0 ] || usage
scenario=$1; shift
case "$scenario" in
  fuzz) main=zed.chaos.fuzz.Fuzz ;;
  *) usage ;;
esac
# one reactor run, so that the sibling modules' jars (config's test jar: the Zedfile fuzzer) resolve for the class path
mvn -q -B -ntp -DskipTests -pl chaos -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
export ZED_REPO="$root"
exec java -Xms1g -Xmx2g -Xss8m -cp "chaos/target/classes:$(cat chaos/target/classpath.txt)" "$main" "$@"
