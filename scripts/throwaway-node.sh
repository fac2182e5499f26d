#!/usr/bin/env bash
# A throw-away zed node for benchmarks and checks: this tree's node (bin/zed agent) on a free port, without metrics,
# with a ZED_HOME of its own in a temporary directory and, with --pool, a dataset of its own (made here, destroyed on
# exit) for levels that name no pool.
#
#   scripts/throwaway-node.sh [--pool PARENT] [-- COMMAND...]
#     prints the node's URL and ZED_HOME, then runs COMMAND with ZED_NODE (and ZED_URL, its older name) and ZED_HOME
#     exported and ZED_TOKEN unset, or without COMMAND waits until it is interrupted; the node is stopped and its home
#     and dataset removed on exit.
#
#   source scripts/throwaway-node.sh   # from another script: defines the functions and starts nothing
#     throwaway_node_start [PARENT]    # exports ZED_NODE, ZED_URL, ZED_HOME, ZED_NODE_PID, ZED_NODE_DATASET (empty without PARENT)
#     throwaway_node_stop              # put it in the caller's EXIT trap
#
# The node is this tree's bin/zed agent (build the jar first, or bin/zed builds it). It never binds the default
# ports (7700 for the API, 9095 for metrics).

throwaway_node_start() { # [PARENT dataset: the node's own pool dataset is made under it]
  local root parent=${1:-} port i
  root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
  ZED_NODE_WORK=$(mktemp -d /tmp/zed-node.XXXXXX)
  export ZED_HOME="$ZED_NODE_WORK/home"
  mkdir -p "$ZED_HOME"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export ZED_URL="http://127.0.0.1:$port"
  export ZED_NODE=$ZED_URL # wins over ZED_URL: an operator's own ZED_NODE would otherwise send the commands to their node
  unset ZED_TOKEN          # the token is the one in this node's ZED_HOME
  export ZED_NODE_DATASET=
  local pool_args=()
  if [[ -n $parent ]]; then
    ZED_NODE_DATASET="$parent/node-$(basename "$ZED_NODE_WORK" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z')"
    zfs create -o mountpoint=none "$ZED_NODE_DATASET" || return 1
    pool_args=(--pool "$ZED_NODE_DATASET")
  fi
  "$root/bin/zed" agent --listen "127.0.0.1:$port" --no-metrics "${pool_args[@]}" >"$ZED_NODE_WORK/agent.log" 2>&1 &
  export ZED_NODE_PID=$!
  for i in $(seq 450); do
    curl -fs "$ZED_URL/v1/health" >/dev/null 2>&1 && return 0
    kill -0 "$ZED_NODE_PID" 2>/dev/null || break
    sleep 0.2 # polling interval of a deadline wait (90 s: a first run builds the jar)
  done
  echo "throwaway-node: the node did not start; its log:" >&2
  cat "$ZED_NODE_WORK/agent.log" >&2
  return 1
}

throwaway_node_stop() {
  if [[ -n ${ZED_NODE_PID:-} ]]; then
    kill "$ZED_NODE_PID" 2>/dev/null || true
    wait "$ZED_NODE_PID" 2>/dev/null || true
    ZED_NODE_PID=
  fi
  if [[ -n ${ZED_NODE_DATASET:-} ]]; then
    # what the node's levels left (services stopped with the node): unmount, then destroy everything under it
    zfs list -H -o name -r "$ZED_NODE_DATASET" 2>/dev/null | sort -r | while read -r d; do zfs unmount "$d" 2>/dev/null || true; done
    zfs destroy -r "$ZED_NODE_DATASET" 2>/dev/null || echo "throwaway-node: could not destroy $ZED_NODE_DATASET" >&2
    ZED_NODE_DATASET=
  fi
  if [[ -n ${ZED_NODE_WORK:-} ]]; then rm -rf "$ZED_NODE_WORK"; ZED_NODE_WORK=; fi
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  parent=
  if [[ ${1:-} == --pool ]]; then parent=$2; shift 2; fi
  [[ ${1:-} == -- ]] && shift
  trap throwaway_node_stop EXIT
  trap 'exit 130' INT TERM
  throwaway_node_start "$parent"
  echo "ZED_URL=$ZED_URL"
  echo "ZED_HOME=$ZED_HOME"
  [[ -n $ZED_NODE_DATASET ]] && echo "ZED_NODE_DATASET=$ZED_NODE_DATASET"
  if (($#)); then
    "$@"
  else
    while :; do sleep 3600; done
  fi
fi
