#!/usr/bin/env bash
# Zed beside Ansible and a shell loop (issue 10): DATASETS datasets with 3 user properties each, on fresh datasets of
# the test pool, ROUNDS rounds. Each round, the three take turns (the order rotates from round to round):
#   create:  a shell loop of `zfs create -o ...`, an Ansible playbook (community.general.zfs, localhost, connection
#            local, no fact gathering), and `zed up` of a level (node warm, the command line included);
#   re-run:  nothing to change: one `zfs get -r` of the properties (the shell's floor), the playbook again, `zed up`
#            again, and `zed plan`.
# Prints a markdown table (medians, min-max, the load average at each run) and the per-round ratios.
#   scripts/bench-vs-ansible.sh [ROUNDS=3] [DATASETS=100]
# Needs root, zfs and the test pool (ZED_TEST_POOL, default zedtest); installs ansible from the distribution when
# missing. The node is a throw-away one (scripts/throwaway-node.sh) on a dataset of its own under the pool.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
rounds=${1:-3}
n=${2:-100}
pool=${ZED_TEST_POOL:-zedtest}
zed="$root/bin/zed"

if ! command -v ansible-playbook >/dev/null; then
  echo "bench-vs-ansible: installing ansible from the distribution" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y ansible >&2 || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y ansible >&2; }
fi
ansible-doc -t module community.general.zfs >/dev/null 2>&1 || { echo "bench-vs-ansible: the community.general collection (module zfs) is missing: ansible-galaxy collection install community.general" >&2; exit 1; }
zfs list -H -o name "$pool" >/dev/null || { echo "bench-vs-ansible: no pool $pool (scripts/test-pool.sh up)" >&2; exit 1; }

# shellcheck source=throwaway-node.sh
source "$root/scripts/throwaway-node.sh"
work=$(mktemp -d /tmp/zed-bench-ansible.XXXXXX)
cleanup() {
  throwaway_node_stop
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$zed" --version >/dev/null # builds the jar if the sources are newer: not in the timings
throwaway_node_start "$pool"
base=$ZED_NODE_DATASET
echo "bench-vs-ansible: node $ZED_URL on $base; $rounds rounds of $n datasets" >&2

cat >"$work/play.yml" <<'EOF'
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: the datasets
      community.general.zfs:
        name: "{{ parent }}/d{{ item }}"
        state: present
        extra_zfs_properties:
          "com.acme:a": "1"
          "com.acme:b": "2"
          "com.acme:c": "3"
      loop: "{{ range(0, n | int) | list }}"
EOF

zedfile() { # DIR LEVEL POOL COUNT: a level of COUNT datasets with the three properties, on POOL
  mkdir -p "$1"
  {
    printf 'level "%s" {\n  pool = "%s"\n}\n' "$2" "$3"
    for ((i = 0; i < $4; i++)); do
      printf 'dataset "d%d" {\n  properties = { "com.acme:a" = "1", "com.acme:b" = "2", "com.acme:c" = "3" }\n}\n' "$i"
    done
  } >"$1/Zedfile"
}

declare -A times loads cpus
tick=$(getconf CLK_TCK)
children_cpu() { # ms of user + system CPU of this shell's waited-for children so far (cutime + cstime of its stat)
  local f
  read -ra f </proc/$$/stat
  echo $(((f[15] + f[16]) * 1000 / tick))
}
measure() { # LABEL DIR COMMAND...: wall ms, the CPU of the command's own processes and the 1-minute load average
  local label=$1 dir=$2 t0 t1 c0 c1
  shift 2
  loads[$label]+="$(cut -d' ' -f1 /proc/loadavg) "
  c0=$(children_cpu)
  t0=$EPOCHREALTIME
  (cd "$dir" && "$@" >"$work/out" 2>&1) || { echo "bench-vs-ansible: $label failed:" >&2; tail -20 "$work/out" >&2; exit 1; }
  t1=$EPOCHREALTIME
  c1=$(children_cpu)
  times[$label]+="$(((${t1/./} - ${t0/./}) / 1000)) "
  cpus[$label]+="$((c1 - c0)) "
}
shell_create() { for ((i = 0; i < n; i++)); do zfs create -o com.acme:a=1 -o com.acme:b=2 -o com.acme:c=3 "$1/d$i"; done; }
ansible_play() { ANSIBLE_NOCOLOR=1 ansible-playbook -i localhost, -c local "$work/play.yml" -e "parent=$1" -e "n=$n"; }
rmtree() { # unmounted first: zfs-fuse refuses to destroy a mounted dataset that is busy
  zfs list -H -o name -r "$1" 2>/dev/null | sort -r | while read -r d; do zfs unmount "$d" 2>/dev/null || true; done
  zfs destroy -r "$1"
}

# the node warm: one push of a small level first (the first deploy of a node loads and compiles its code)
zfs create "$base/warm"
zedfile "$work/warm" warm "$base/warm" 10
(cd "$work/warm" && "$zed" up >/dev/null && "$zed" up >/dev/null && "$zed" plan >/dev/null)

for ((r = 1; r <= rounds; r++)); do
  for tool in sh ans zed; do zfs create "$base/r$r-$tool"; done
  zedfile "$work/r$r" "r$r" "$base/r$r-zed" "$n"
  order=(sh ans zed)
  order=("${order[@]:$(((r - 1) % 3))}" "${order[@]:0:$(((r - 1) % 3))}")
  echo "bench-vs-ansible: round $r of $rounds, in the order ${order[*]} (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  for tool in "${order[@]}"; do
    case $tool in
      sh) measure "create: shell loop" "$work" shell_create "$base/r$r-sh" ;;
      ans) measure "create: Ansible" "$work" ansible_play "$base/r$r-ans" ;;
      zed) measure "create: zed up" "$work/r$r" "$zed" up ;;
    esac
  done
  for tool in "${order[@]}"; do
    case $tool in
      sh) measure "re-run: shell (one zfs get -r)" "$work" zfs get -H -p -r -o name,property,value,source com.acme:a,com.acme:b,com.acme:c "$base/r$r-sh" ;;
      ans) measure "re-run: Ansible" "$work" ansible_play "$base/r$r-ans" ;;
      zed)
        measure "re-run: zed up" "$work/r$r" "$zed" up
        measure "re-run: zed plan" "$work/r$r" "$zed" plan
        grep -q "^0 to change, $n unchanged" "$work/out" || { echo "bench-vs-ansible: zed plan found something to change:" >&2; cat "$work/out" >&2; exit 1; }
        ;;
    esac
  done
  # the next round on fresh datasets, with this one's level gone from the node's sweeps (not timed)
  (cd "$work/r$r" && "$zed" down >/dev/null 2>&1) || true
  for tool in sh ans zed; do rmtree "$base/r$r-$tool"; done
done

# ---- the table ------------------------------------------------------------------------------------------------------
nth() { tr ' ' '\n' | grep . | sed -n "${1}p"; }
stat() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%d (%d–%d)", m, a[1], a[NR]}'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
rows=("create: shell loop" "create: Ansible" "create: zed up" "re-run: shell (one zfs get -r)" "re-run: Ansible" "re-run: zed up" "re-run: zed plan")
echo
echo "$(date -u '+%F %H:%M UTC'), $(nproc) cores, $(java -version 2>&1 | head -1), $(ansible --version | head -1), zfs-fuse pool $pool, $n datasets × 3 user properties, $rounds rounds, commit $(git -C "$root" log -1 --format=%h)"
echo
echo "| work | ms, median (min–max) | CPU of its own processes, ms (median) | load average (1 min) at each run |"
echo "|---|---|---|---|"
for row in "${rows[@]}"; do echo "| $row | $(stat <<<"${times[$row]}") | $(median <<<"${cpus[$row]}") | ${loads[$row]% } |"; done
echo
echo "(CPU: user + system of the command and its children, not of the zfs-fuse daemon or the zed node, which serve them)"
echo
echo "| ratio, per round | $(for ((r = 1; r <= rounds; r++)); do printf 'round %d | ' "$r"; done)median |"
echo "|---|$(for ((r = 1; r <= rounds; r++)); do printf -- '---|'; done)---|"
ratios() { # LABEL NUMERATOR DENOMINATOR
  local line="| $1 |" all="" x
  for ((r = 1; r <= rounds; r++)); do
    x=$(ratio "$(nth "$r" <<<"${times[$2]}")" "$(nth "$r" <<<"${times[$3]}")")
    line+=" $x |"
    all+="$x "
  done
  echo "$line $(median <<<"$all") |"
}
ratios "create: zed up / shell loop (target ≤ 1.25)" "create: zed up" "create: shell loop"
ratios "create: Ansible / shell loop" "create: Ansible" "create: shell loop"
ratios "re-run: Ansible / zed up (target ≥ 90)" "re-run: Ansible" "re-run: zed up"
ratios "re-run: Ansible / zed plan (target ≥ 90)" "re-run: Ansible" "re-run: zed plan"
ratios "re-run: zed up / one zfs get -r" "re-run: zed up" "re-run: shell (one zfs get -r)"
