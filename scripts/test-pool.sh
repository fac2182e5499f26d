#!/usr/bin/env bash
# Throw-away ZFS pools for Zed's tests, on zfs-fuse (Linux, CI and developers).
#
#   scripts/test-pool.sh up [NAME]        # fresh pools NAME and NAME2 (default zedtest, zedtest2)
#   scripts/test-pool.sh down [NAME] [--kill-daemon]
#   scripts/test-pool.sh status [NAME]
#   scripts/test-pool.sh restart-daemon   # a new zfs-fuse, the pools as they were (for fault tests)
#
# NAME defaults to $ZED_TEST_POOL, else zedtest. Pools are 1G sparse files in
# /var/tmp/zed-test-pools (ZED_TEST_POOL_DIR, ZED_TEST_POOL_SIZE), mounted at
# /NAME. `down` leaves the daemon running unless --kill-daemon.
#
# `up` prints only `export ...` lines on stdout, so a caller can do
#     eval "$(scripts/test-pool.sh up)"
# Everything else goes to stderr. Needs root and an installed zfs-fuse
# (installing it is the caller's job, see .ci/run).
#
# What zfs-fuse does here (Debian 12, zfs-fuse 0.7.0), and why the code below
# looks the way it does:
#  - `zfs-fuse --pidfile F` daemonises by itself (own session, fds 0-2 on
#    /dev/null) and answers `zpool list` about 0.2 s later. It inherits every
#    other open fd, so we close them first: otherwise it would keep our lock
#    and our caller's pipes open for ever.
#  - It refuses to start (exit 1, message only to syslog) when its pid file
#    exists, and it never removes that file, not even on a clean SIGTERM.
#    So we remove a stale pid file before starting.
#  - SIGTERM takes ~4 s (it waits for worker threads); a wedged daemon may
#    not go at all, so SIGKILL follows. A killed daemon leaves its FUSE
#    mounts (the pools, /zfs-kstat) behind as "Transport endpoint is not
#    connected"; we lazily unmount those.
#  - Pools are remembered in /var/lib/zfs/zpool.cache and come back when the
#    daemon restarts (even with their files gone); `zpool destroy -f` removes
#    them in ~50 ms, but see destroy_pool for "pool is busy" (a busy that no
#    process explains is zfs-fuse's own: `up` and `down` restart the daemon).
#  - zfs-fuse can wedge (calls stuck for ever): every zfs/zpool call below has
#    a timeout, and `up` replaces a daemon that does not answer in ~10 s.
set -euo pipefail

DAEMON=/usr/sbin/zfs-fuse
PIDFILE=/run/zfs-fuse.pid             # the same file Debian's init script uses
POOL_DIR=${ZED_TEST_POOL_DIR:-/var/tmp/zed-test-pools}
POOL_SIZE=${ZED_TEST_POOL_SIZE:-1G}   # sparse: costs no disk until written
ZFS_TIMEOUT=${ZED_ZFS_TIMEOUT:-60}    # seconds, for every zfs/zpool call
PROBE_TIMEOUT=10                      # a daemon that needs longer is wedged
START_DEADLINE=30                     # seconds for a new daemon to answer
LOG="$POOL_DIR/zfs-fuse.log"

log() { printf 'test-pool: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Every call to zfs-fuse's tools is bounded; -k: SIGKILL if TERM is ignored.
zpool_() { timeout -k 5 "$ZFS_TIMEOUT" zpool "$@"; }

now_ms() { date +%s%3N; }

usage() {
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

check_name() {
  # Pool names end up in paths we rm; keep them boring.
  [[ $1 =~ ^[a-z][a-z0-9_.-]{0,62}$ ]] || die "bad pool name: '$1'"
}

# --- the daemon ------------------------------------------------------------

# Live zfs-fuse processes (a zombie answers nothing and cannot be killed).
daemon_pids() {
  { ps -C zfs-fuse -o pid=,stat= || true; } | awk '$2 !~ /^Z/ { print $1 }'
}

# True when the daemon answers `zpool list` within PROBE_TIMEOUT seconds.
daemon_answers() {
  timeout -k 2 "$PROBE_TIMEOUT" zpool list -H -o name >/dev/null 2>&1
}

ensure_dev_fuse() {
  [[ -c /dev/fuse ]] && return 0
  log "/dev/fuse missing; trying modprobe fuse"
  modprobe fuse 2>/dev/null || true
  if [[ ! -c /dev/fuse ]]; then
    log "still no /dev/fuse; creating the node (char 10,229)"
    mknod -m 0666 /dev/fuse c 10 229 || die "cannot create /dev/fuse"
  fi
}

# Lazily unmount FUSE mounts whose daemon is gone (pools and /zfs-kstat).
# Only call this while no zfs-fuse runs.
unmount_stale() {
  local dev mnt type rest
  while read -r dev mnt type rest; do
    if [[ $type == fuse.zfs || ( $type == fuse && $dev == kstat ) ]]; then
      mnt=$(printf '%b' "$mnt")     # /proc/mounts writes a space as \040
      log "unmounting stale $mnt"
      umount -l "$mnt" 2>/dev/null || true
    fi
  done < <(tac /proc/self/mounts)   # children before parents
}

stop_daemon() {
  local pids deadline
  mapfile -t pids < <(daemon_pids)
  if ((${#pids[@]})); then
    log "stopping zfs-fuse (pid ${pids[*]})"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    deadline=$(( $(now_ms) + 6000 ))
    while [[ -n $(daemon_pids) ]] && (( $(now_ms) < deadline )); do sleep 0.1; done
    mapfile -t pids < <(daemon_pids)
    if ((${#pids[@]})); then
      log "zfs-fuse did not stop on TERM; killing ${pids[*]}"
      kill -KILL "${pids[@]}" 2>/dev/null || true
      deadline=$(( $(now_ms) + 5000 ))
      while [[ -n $(daemon_pids) ]] && (( $(now_ms) < deadline )); do sleep 0.1; done
      [[ -z $(daemon_pids) ]] || die "zfs-fuse survives SIGKILL: $(daemon_pids)"
    fi
  fi
  rm -f "$PIDFILE"   # zfs-fuse never removes it and refuses to start while it exists
  unmount_stale
}

start_daemon() {
  local t0 deadline
  ensure_dev_fuse
  rm -f "$PIDFILE"
  t0=$(now_ms)
  log "starting zfs-fuse"
  # Close every fd above 2 (our flock, the caller's pipes) before exec: the
  # daemon would otherwise hold them open for as long as it lives.
  (
    for fd in "/proc/$BASHPID/fd"/*; do
      fd=${fd##*/}
      (( fd > 2 )) && eval "exec $fd>&-" 2>/dev/null
    done
    exec "$DAEMON" --pidfile "$PIDFILE"
  ) </dev/null >>"$LOG" 2>&1 || die "zfs-fuse failed to start (see $LOG; it logs to syslog)"
  # Protect it from the OOM killer during a big build (as Debian's init does).
  if [[ -s $PIDFILE ]]; then
    echo -1000 >"/proc/$(cat "$PIDFILE")/oom_score_adj" 2>/dev/null || true
  fi
  deadline=$(( t0 + START_DEADLINE * 1000 ))
  until daemon_answers; do
    [[ -n $(daemon_pids) ]] || die "zfs-fuse exited right after start (see $LOG)"
    (( $(now_ms) < deadline )) || die "zfs-fuse does not answer after ${START_DEADLINE}s"
    sleep 0.1
  done
  log "zfs-fuse answers after $(( $(now_ms) - t0 )) ms (pid $(cat "$PIDFILE" 2>/dev/null || daemon_pids))"
}

ensure_daemon() {
  if [[ -n $(daemon_pids) ]]; then
    if daemon_answers; then return 0; fi
    log "zfs-fuse runs but does not answer (waited up to ${PROBE_TIMEOUT}s): replacing it"
  fi
  stop_daemon     # also clears a stale pid file and mounts of a dead daemon
  start_daemon
}

# --- pools -----------------------------------------------------------------

pool_exists() { zpool_ list -H -o name "$1" >/dev/null 2>&1; }

# Mount points of pool $1's datasets, deepest first.
pool_mounts() {
  local dev mnt type rest
  while read -r dev mnt type rest; do
    if [[ $type == fuse.zfs && ( $dev == "$1" || $dev == "$1"/* ) ]]; then
      printf '%b\n' "$mnt"
    fi
  done < <(tac /proc/self/mounts)
}

# `zpool destroy -f` unmounts everything, but when a child dataset was mounted
# zfs-fuse often answers "pool is busy" the first time and succeeds on the
# second. A process with its cwd or a file inside keeps the pool busy until
# it goes (the mounts vanish at once, the pool stays). So: retry briefly,
# then name the holders we saw before the first try. When no process held
# it, the busy is zfs-fuse's own (a previous run's leftovers: seen with
# nothing mounted, and it stays busy for good): a new daemon, which imports
# the pool again from zpool.cache, destroys it at once. It restarts once.
destroy_pool() {
  local pool=$1 restarted=${2:-0} holders="" deadline mnt unexplained=1
  if pool_exists "$pool"; then
    log "destroying pool $pool"
    # without fuser (psmisc), a mounted pool's busy may be a process's
    if [[ -n $(pool_mounts "$pool") ]] && ! command -v fuser >/dev/null; then unexplained=0; fi
    if command -v fuser >/dev/null; then
      while read -r mnt; do
        [[ -n $mnt ]] || continue
        holders+=" $(timeout -k 2 10 fuser -m "$mnt" 2>/dev/null || true)"
      done < <(pool_mounts "$pool")
    fi
    deadline=$(( $(now_ms) + 10000 ))
    until zpool_ destroy -f "$pool" 2>/dev/null; do
      pool_exists "$pool" || break
      if (( $(now_ms) >= deadline )); then
        if [[ -z ${holders// /} ]] && (( unexplained && !restarted )); then
          log "pool $pool stays busy, and no process used it: restarting zfs-fuse"
          restart_daemon
          destroy_pool "$pool" 1
          return
        fi
        zpool_ destroy -f "$pool" || true   # once more, with its message
        if [[ -n ${holders// /} ]]; then
          log "processes that were using $pool:"
          # shellcheck disable=SC2086
          ps -o pid=,user=,args= -p "$(echo $holders | tr ' ' ',')" >&2 || true
        fi
        log "error: cannot destroy pool $pool"
        return 1
      fi
      sleep 0.2
    done
  fi
  rm -f "$POOL_DIR/$pool.img"
}

# zpool create refuses a mount point that is not empty. A destroyed pool's
# datasets leave their mount point directories behind on the root file
# system when they were mounted while the pool was gone (a killed daemon, a
# wedged one): empty directories, which we remove. Anything else there is
# not ours to delete, so it is moved aside, and said so.
clear_mountpoint() {
  local dir="/$1" aside
  [[ -d $dir ]] || return 0
  if mountpoint -q "$dir"; then return 0; fi
  find "$dir" -xdev -mindepth 1 -depth -type d -empty -delete 2>/dev/null || true
  if [[ -n $(ls -A "$dir" 2>/dev/null) ]]; then
    aside="$dir.stale-$(date +%Y%m%d-%H%M%S)"
    log "moving what is left in $dir aside to $aside"
    mv "$dir" "$aside"
  fi
}

create_pool() {
  local file="$POOL_DIR/$1.img"
  destroy_pool "$1" || exit 1
  clear_mountpoint "$1"
  truncate -s "$POOL_SIZE" "$file"
  log "creating pool $1 on $file ($POOL_SIZE sparse)"
  # -f: the file is new, but be sure an old label never gets in the way.
  zpool_ create -f "$1" "$file" 2> >(grep -v '^Defaulting to 4K blocksize' >&2)
}

# --- commands --------------------------------------------------------------

cmd_up() {
  local t0; t0=$(now_ms)
  ensure_daemon
  create_pool "$POOL"
  create_pool "$POOL2"
  log "up in $(( $(now_ms) - t0 )) ms"
  printf 'export ZED_TEST_POOL=%q\n' "$POOL"
  printf 'export ZED_TEST_POOL2=%q\n' "$POOL2"
}

cmd_down() {
  local t0 rc=0; t0=$(now_ms)
  if [[ -n $(daemon_pids) ]] && ! daemon_answers; then
    # A wedged daemon cannot destroy anything; replace it, the pools come
    # back from zpool.cache and are destroyed below.
    log "zfs-fuse does not answer; restarting it to tear down"
    stop_daemon
    start_daemon
  fi
  if [[ -n $(daemon_pids) ]]; then
    destroy_pool "$POOL" || rc=1    # try both even if one fails
    destroy_pool "$POOL2" || rc=1
  else
    # Not running: pools are not imported. Start none just to destroy them;
    # `up` will destroy them if they come back from zpool.cache.
    rm -f "$POOL_DIR/$POOL.img" "$POOL_DIR/$POOL2.img"
  fi
  if (( KILL_DAEMON )); then stop_daemon; fi
  log "down in $(( $(now_ms) - t0 )) ms"
  return "$rc"
}

# A new daemon, which imports the pools from zpool.cache as they were, and
# their datasets mounted again (the other pools on this host among them).
restart_daemon() {
  stop_daemon
  start_daemon
  timeout -k 5 "$ZFS_TIMEOUT" zfs mount -a || log "zfs mount -a reported errors (ignored: datasets left unmounted are mounted by Zed)"
}

# A fault test killed the daemon (or wedged it): start a new one. The pools are not touched otherwise.
cmd_restart_daemon() {
  local t0; t0=$(now_ms)
  restart_daemon
  log "restarted in $(( $(now_ms) - t0 )) ms"
}

cmd_status() {
  local pids
  mapfile -t pids < <(daemon_pids)
  if ! ((${#pids[@]})); then
    echo "zfs-fuse: not running"
    return 0
  fi
  echo "zfs-fuse: pid ${pids[*]}"
  if ! daemon_answers; then
    echo "zfs-fuse: does not answer within ${PROBE_TIMEOUT}s (wedged)"
    return 1
  fi
  zpool_ list
  local p
  for p in "$POOL" "$POOL2"; do
    if pool_exists "$p"; then timeout -k 5 "$ZFS_TIMEOUT" zfs list -r "$p"; fi
  done
}

# --- main ------------------------------------------------------------------

[[ $# -ge 1 ]] || usage
CMD=$1; shift
KILL_DAEMON=0
POOL=${ZED_TEST_POOL:-zedtest}
for arg in "$@"; do
  case $arg in
    --kill-daemon) [[ $CMD == down ]] || usage; KILL_DAEMON=1 ;;
    -*) usage ;;
    *) POOL=$arg ;;
  esac
done
POOL2=${POOL}2
check_name "$POOL"

[[ $(id -u) -eq 0 ]] || die "must run as root (zfs-fuse needs it)"
[[ -x $DAEMON ]] || die "$DAEMON not found: install zfs-fuse (apt-get install zfs-fuse)"
command -v zpool >/dev/null || die "zpool not found: install zfs-fuse"

mkdir -p "$POOL_DIR"
# One test-pool.sh at a time on this host: two `up`s racing would destroy
# each other's pools and zfs-fuse does not like concurrent changes.
exec 9>"$POOL_DIR/.lock"
flock -w 120 9 || die "another test-pool.sh holds $POOL_DIR/.lock"

case $CMD in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  restart-daemon) cmd_restart_daemon ;;
  *) usage ;;
esac
