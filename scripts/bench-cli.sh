#!/usr/bin/env bash
# How long the zed command line takes, wall time, beside the command line before issue 10 (BASE, a commit) in the same
# run: `zed status` against a running node, a no-op `zed up` and a `zed plan` of a level of 100 datasets (dir store),
# `java -version` as the floor of a JVM start, what this tree's bin/zed costs before java, and bin/zed's java
# options one by one. Median and fastest of
# RUNS runs each, the two command lines taking turns. One node (this tree's) answers both.
#   scripts/bench-cli.sh [BASE=48a8371] [RUNS=15]
# Needs nothing but Java and Maven; run it on an otherwise idle machine, or the numbers are the other work's.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
base=${1:-48a8371}
runs=${2:-15}
work=$(mktemp -d /tmp/zed-bench-cli.XXXXXX)
# shellcheck source=throwaway-node.sh
source "$root/scripts/throwaway-node.sh"
cleanup() {
  throwaway_node_stop
  git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mvn_package() { (cd "$1" && { mvn -q -o -B -ntp -DskipTests -pl actors -am package || mvn -q -B -ntp -DskipTests -pl actors -am package; }) >&2; }
git -C "$root" worktree add -q --detach "$work/base" "$base"
echo "bench-cli: building the command line of $(git -C "$work/base" log -1 --format='%h %s' | cut -c1-70)" >&2
mvn_package "$work/base"
echo "bench-cli: building this tree's" >&2
mvn_package "$root"
before="$work/base/bin/zed"
after="$root/bin/zed"

# a throw-away node (this tree's) on a free port, with a home of its own
throwaway_node_start

mkdir -p "$work/shop" "$work/big"
printf 'level "shop" {}\ndataset "data" {}\n' >"$work/shop/Zedfile"
{
  printf 'level "big" {}\nupdate {\n  min_healthy_time = "0s"\n}\n'
  for i in $(seq 0 99); do printf 'dataset "d%d" {\n  properties = { "com.acme:tier" = "gold", compression = "on" }\n}\n' "$i"; done
} >"$work/big/Zedfile"
(cd "$work/shop" && "$after" up >/dev/null) && (cd "$work/big" && "$after" up >/dev/null)

# the one-jar alternative: zed.jar alone, with an archive of the same training (the build's test classes)
cp "$root/actors/target/zed.jar" "$work/zed.jar"
java -cp "$root/actors/target/test-classes:$work/zed.jar" zed.actors.cds.CdsTraining "$work/zed.jar" "$work/one.jsa" >&2

# median and fastest wall time, in ms, of each command; the commands take turns
declare -A times
measure() { # label dir command...
  local label=$1 dir=$2 t0 t1
  shift 2
  t0=$EPOCHREALTIME
  (cd "$dir" && "$@" >/dev/null 2>"$work/err") || { echo "bench-cli: $label failed:" >&2; cat "$work/err" >&2; exit 1; }
  t1=$EPOCHREALTIME
  times[$label]+="$(( (${t1/./} - ${t0/./}) / 1000 )) "
}
# bin/zed's java, option by option: does each still earn its place?
t="$root/actors/target"
cds=(-XX:SharedArchiveFile="$t/zed-cli.jsa" -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off)
tier=-XX:TieredStopAtLevel=1 serial=-XX:+UseSerialGC perf=-XX:-UsePerfData
# bin/zed's own part, the staleness check included: the script with a java that only exits
mkdir -p "$work/nojava"
printf '#!/bin/sh\nexit 0\n' >"$work/nojava/java"
chmod +x "$work/nojava/java"
rows=("java -version" "bin/zed's own part (a java that only exits)"
  "status: before" "status: after" "no-op up, 100 datasets: before" "no-op up, 100 datasets: after"
  "plan, 100 datasets: before" "plan, 100 datasets: after"
  "status, java as bin/zed runs it" "status, without the archive" "status, without $tier" "status, without $serial" "status, without $perf"
  "status, zed.jar alone (one jar), with an archive of the same training")
for _ in $(seq "$runs"); do
  measure "${rows[0]}" "$work" java -version
  PATH="$work/nojava:$PATH" measure "${rows[1]}" "$work/shop" "$after" status
  measure "${rows[2]}" "$work/shop" "$before" status
  measure "${rows[3]}" "$work/shop" "$after" status
  measure "${rows[4]}" "$work/big" "$before" up
  measure "${rows[5]}" "$work/big" "$after" up
  measure "${rows[6]}" "$work/big" "$before" plan
  measure "${rows[7]}" "$work/big" "$after" plan
  measure "${rows[8]}" "$work/shop" java "${cds[@]}" $tier $serial $perf -Xss8m -jar "$t/zed-cli.jar" status
  measure "${rows[9]}" "$work/shop" java $tier $serial $perf -Xss8m -jar "$t/zed-cli.jar" status
  measure "${rows[10]}" "$work/shop" java "${cds[@]}" $serial $perf -Xss8m -jar "$t/zed-cli.jar" status
  measure "${rows[11]}" "$work/shop" java "${cds[@]}" $tier $perf -Xss8m -jar "$t/zed-cli.jar" status
  measure "${rows[12]}" "$work/shop" java "${cds[@]}" $tier $serial -Xss8m -jar "$t/zed-cli.jar" status
  measure "${rows[13]}" "$work/shop" java -XX:SharedArchiveFile="$work/one.jsa" "${cds[@]:1}" $tier $serial $perf -Xss8m -jar "$work/zed.jar" status
done

stat() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%d | %d", m, a[1]}'; }
echo "$(date -u +%F), $(nproc) cores, $(java -version 2>&1 | head -1), $runs runs each, base $(git -C "$work/base" log -1 --format=%h)"
echo
echo "| command | median ms | fastest ms |"
echo "|---|---|---|"
for r in "${rows[@]}"; do echo "| $r | $(stat <<<"${times[$r]}") |"; done
