#!/usr/bin/env bash
# How long `zed agent` takes to start, to the line that says it listens: wall time and the CPU it used by then, with
# the node's class data sharing archive (actors/target/zed-agent.jsa) and without it (the baseline), taking turns in
# the same run. A node on loopback, the dir store, no metrics, a kernel-picked cluster port; stopped after each start.
#   scripts/bench-node-start.sh [RUNS=9]
# Builds this tree first (bin/zed does, when a source is newer than the jar). Run it on an otherwise idle machine.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
runs=${1:-9}
zed="$root/bin/zed"
archive="$root/actors/target/zed-agent.jsa"
work=$(mktemp -d /tmp/zed-bench-start.XXXXXX)
cleanup() {
  [[ -f "$archive.off" ]] && mv "$archive.off" "$archive"
  pkill -f "zed-bench-start" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$zed" version >/dev/null # builds, when needed, before anything is timed
[[ -f "$archive" ]] || { echo "bench-node-start: no $archive (the build's training made none; see its line)" >&2; exit 1; }

# one start: "wall cpu" in seconds
start() {
  local home="$work/home" out="$work/out" t0 t1 pid
  rm -rf "$home"; mkdir -p "$home"; : >"$out"
  ZED_HOME="$home" "$zed" agent --listen 127.0.0.1:0 --cluster 127.0.0.1:0 --no-metrics >"$out" 2>&1 &
  pid=$!
  t0=$(date +%s.%N)
  until grep -q "node listening" "$out"; do
    kill -0 "$pid" 2>/dev/null || { echo "bench-node-start: the agent exited: $(tail -3 "$out")" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s.%N)
  # bin/zed execs java: the pid is the JVM's; its utime + stime, in clock ticks
  awk -v w="$(echo "$t1 - $t0" | bc)" -v hz="$(getconf CLK_TCK)" '{printf "%.2f %.2f\n", w, ($14 + $15) / hz}' "/proc/$pid/stat"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

with=() without=()
for ((i = 1; i <= runs; i++)); do
  with+=("$(start)")
  mv "$archive" "$archive.off"
  without+=("$(start)")
  mv "$archive.off" "$archive"
done
row() {
  local name=$1; shift
  printf '%-22s wall median %5.2f s, fastest %5.2f s; CPU median %5.2f s\n' "$name" \
    "$(printf '%s\n' "$@" | cut -d' ' -f1 | median)" "$(printf '%s\n' "$@" | cut -d' ' -f1 | sort -n | head -1)" \
    "$(printf '%s\n' "$@" | cut -d' ' -f2 | median)"
}
echo "zed agent start, $runs runs each, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
row "with zed-agent.jsa" "${with[@]}"
row "without (baseline)" "${without[@]}"
