#!/usr/bin/env bash
# The GPU inventory and examples/gpu on a machine without Java: prepare here, run there.
#
#   scripts/gpu-check.sh prepare   # here (JDK 17, Maven): fills .gpucheck/ (a small JRE, the jars, the natives, the example)
#   scripts/gpu-check.sh run       # there (x86-64 Linux, glibc >= 2.34, no Java, no network): the inventory, then the
#                                  # example on every Vulkan device, throughput side by side
#
# prepare builds the reconciler module and puts into .gpucheck/ (ignored by git) a jlinked JRE and the smallest
# set of jars that zed.reconciler.gpu.GpuCheck needs: the reconciler's classes and LWJGL (core, Vulkan, and the
# Linux x86-64 native library, unpacked). Not the shaded zed.jar: the whole folder stays well under 60 MB.
#
# run prints one JSON line with the host facts (what a node writes on <pool>/zed), then one line per Vulkan
# device, CPU renderers included. Then it trains examples/gpu (compiled by prepare: the JRE has no compiler) on each
# Vulkan device in turn, the NVIDIA GPU and lavapipe alike, and prints a table: the device's throughput in samples/s,
# the same step computed on the CPU in Java in the same run, and the inventory's VRAM. GPU_CHECK_SAMPLES (262144) and
# GPU_CHECK_STEPS (50) size it; GPU_CHECK_EXAMPLE=0 leaves it out. Before that, for a machine that lacks the Vulkan loader:
#  - every .gl/*.deb of the repository root is unpacked into / (dpkg -x) and ldconfig runs (needs root);
#  - /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json, when it exists (containers that mount the driver
#    there), becomes the loader's driver list (VK_DRIVER_FILES, and VK_ICD_FILENAMES for older loaders).
# run uses only bash builtins and the prepared JRE, so it works with an empty PATH.
set -euo pipefail

here=${BASH_SOURCE[0]%/*}
[[ $here == "${BASH_SOURCE[0]}" ]] && here=.
cd "$here/.."
root=$PWD
out=$root/.gpucheck
LIMIT_MB=60

log() { printf 'gpu-check: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

prepare() {
  command -v jlink >/dev/null || die "jlink not found: a JDK 17 is needed to prepare"
  command -v mvn >/dev/null || die "mvn not found"
  log "building the reconciler module"
  # offline first (the usual case here); online only when an artifact is missing
  mvn -B -q -o -pl reconciler -am -DskipTests package || mvn -B -q -ntp -pl reconciler -am -DskipTests package
  local v repo jar
  v=$(sed -n 's:.*<lwjgl.version>\(.*\)</lwjgl.version>.*:\1:p' pom.xml | head -n 1)
  [[ -n $v ]] || die "no <lwjgl.version> in pom.xml"
  repo=${ZED_M2_REPO:-$HOME/.m2/repository}/org/lwjgl
  jar=$(ls reconciler/target/zed-reconciler-*.jar | grep -v -e '-sources' -e '-tests' | head -n 1)

  rm -rf "$out"
  mkdir -p "$out/lib" "$out/native"
  cp "$jar" "$out/lib/zed-reconciler.jar"
  cp "$repo/lwjgl/$v/lwjgl-$v.jar" "$repo/lwjgl-vulkan/$v/lwjgl-vulkan-$v.jar" "$out/lib/" \
    || die "LWJGL $v is not in $repo (the Maven build above downloads it)"
  # the native library, unpacked: LWJGL would otherwise extract it to /tmp, which may be noexec
  (cd "$out/native" && jar xf "$repo/lwjgl/$v/lwjgl-$v-natives-linux.jar" linux/x64/org/lwjgl/liblwjgl.so \
    && mv linux/x64/org/lwjgl/liblwjgl.so . && rm -r linux)

  # examples/gpu, compiled: the JRE below has no compiler for Java's source-file mode
  mkdir -p "$out/example" "$out/work"
  javac -nowarn -XDignore.symbol.file -d "$out/example" -cp "$out/lib/*" examples/gpu/Train.java
  cp examples/gpu/train.spv "$out/example/"

  # the modules the jars use (java.base, java.net.http), and jdk.unsupported for LWJGL's sun.misc.Unsafe
  local mods
  mods=$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 "$out"/lib/*.jar "$out/example")
  [[ ,$mods, == *,jdk.unsupported,* ]] || mods=$mods,jdk.unsupported
  log "jlink: $mods"
  jlink --add-modules "$mods" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$out/jre"
  # jlink links the modules' legal files to java.base's; copies travel through any file transfer
  local l
  while IFS= read -r l; do cp --remove-destination "$(readlink -f "$l")" "$l"; done < <(find "$out" -type l)

  local mb
  mb=$(du -sm "$out" | cut -f1)
  ((mb < LIMIT_MB)) || die ".gpucheck is $mb MB, over $LIMIT_MB MB"
  log "ready: .gpucheck is $mb MB; run: scripts/gpu-check.sh run"
}

run() {
  [[ -f $out/jre/bin/java ]] || die "nothing prepared in .gpucheck: run 'scripts/gpu-check.sh prepare' first"
  PATH=${PATH:+$PATH:}/usr/sbin:/usr/bin:/sbin:/bin # for dpkg and ldconfig, under env -i too
  # a copy that lost its modes: the launcher, and the helper that starts nvidia-smi
  [[ -x $out/jre/bin/java && -x $out/jre/lib/jspawnhelper ]] || chmod +x "$out"/jre/bin/* "$out/jre/lib/jspawnhelper"
  shopt -s nullglob
  local debs=("$root"/.gl/*.deb) f
  if ((${#debs[@]})) && ! command -v dpkg >/dev/null; then
    log "no dpkg here: .gl/*.deb left packed"
  elif ((${#debs[@]})); then
    for f in "${debs[@]}"; do
      log "unpacking ${f##*/}"
      dpkg -x "$f" /
    done
    ldconfig || log "ldconfig failed; the loader may still be found"
  fi
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [[ -f $icd ]]; then
    export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
    log "Vulkan driver list: $icd"
  fi
  # the driver's libraries where containers mount them, for the ICD above
  local d
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    [[ -d $d ]] && LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  done
  [[ -n ${LD_LIBRARY_PATH:-} ]] && export LD_LIBRARY_PATH
  if ! "$out/jre/bin/java" -version >/dev/null 2>&1; then
    log "the JRE does not start here; it needs glibc >= 2.34 (this host: $(getconf GNU_LIBC_VERSION 2>/dev/null || echo unknown))"
    "$out/jre/bin/java" -version
    exit 1
  fi
  local facts
  facts=$("$out/jre/bin/java" -Dorg.lwjgl.librarypath="$out/native" -cp "$out/lib/*" zed.reconciler.gpu.GpuCheck)
  printf '%s\n' "$facts"
  [[ ${GPU_CHECK_EXAMPLE:-1} == 0 ]] || example "$facts"
}

# The value of "key" in a line of flat JSON (a string without its quotes, or a number); empty when absent.
field() {
  local re="\"$2\":(\"([^\"]*)\"|([0-9.eE+-]+))"
  if [[ $1 =~ $re ]]; then printf '%s' "${BASH_REMATCH[2]}${BASH_REMATCH[3]}"; fi
}

# examples/gpu on every Vulkan device that GpuCheck listed ("index": its place in vkEnumeratePhysicalDevices, which
# ZED_VULKAN_DEVICE names), one after the other, then the throughput table.
example() {
  [[ -f $out/example/Train.class ]] || { log "no example in .gpucheck: run 'scripts/gpu-check.sh prepare' again"; return 0; }
  local samples=${GPU_CHECK_SAMPLES:-262144} steps=${GPU_CHECK_STEPS:-50}
  local line i name type vram res tp r rows=() nvidia=0 cpu_dev=0
  while IFS= read -r line; do
    [[ $line == '{"vulkan":{"index"'* ]] || continue
    i=$(field "$line" index) name=$(field "$line" name) type=$(field "$line" type) vram=$(field "$line" vram_mb)
    [[ $(field "$line" vendor) == nvidia ]] && nvidia=1
    [[ $type == CPU ]] && cpu_dev=1
    log "training examples/gpu on Vulkan device $i ($name): $samples samples, $steps steps"
    res=$(cd "$out/work" && unset ZED_CHECKPOINT_URL ZED_RESUME_STEP ZED_GPU_UUIDS && ZED_VULKAN_DEVICE=$i \
      "$out/jre/bin/java" -Dorg.lwjgl.librarypath="$out/native" -cp "$out/example:$out/lib/*" Train --spirv "$out/example/train.spv" \
      --samples "$samples" --features 16 --steps "$steps" --checkpoint-every "$steps" 2>&1) || true
    tp=
    while IFS= read -r r; do [[ $r == *'"throughput"'* ]] && { tp=$r; break; }; done <<<"$res"
    if [[ -z $tp ]]; then
      rows+=("$i|$name|$type|failed: ${res##*$'\n'}||$vram")
    else
      rows+=("$i|$name|$type|$(field "$tp" gpu_samples_per_s) ($(field "$tp" gpu_ms_per_step) ms/step)|$(field "$tp" cpu_samples_per_s) ($(field "$tp" cpu_ms_per_step) ms/step)|$vram")
    fi
  done <<<"$1"
  printf '\nexamples/gpu: linear regression, %s samples x 16 features, %s steps; each step on the device and the same step on the CPU (Java, one thread), in the same run\n' "$samples" "$steps"
  printf '%-4s %-36s %-9s %-34s %-34s %s\n' VK DEVICE TYPE "DEVICE SAMPLES/S" "CPU SAMPLES/S (SAME RUN)" "VULKAN HEAP (MiB)"
  local f
  for r in ${rows[@]+"${rows[@]}"}; do
    IFS='|' read -r -a f <<<"$r"
    printf '%-4s %-36s %-9s %-34s %-34s %s\n' "${f[0]}" "${f[1]}" "${f[2]}" "${f[3]}" "${f[4]:--}" "${f[5]}"
  done
  ((${#rows[@]} > 0)) || printf 'no Vulkan device: nothing trained (see the inventory\x27s notes above)\n'
  ((nvidia)) || printf 'GPU: no NVIDIA device is present (the Vulkan loader lists none)\n'
  # the inventory's GPUs (what a node writes on <pool>/zed and places jobs by), with their VRAM
  local inv=${1%%$'\n'*} re='"index":([0-9]+),"vendor":"([^"]*)","name":"([^"]*)","vram_mb":([0-9]+)[^}]*"source":"([^"]*)"'
  [[ $inv == *'"gpus":[]'* ]] && printf 'inventory: no GPUs (ZED_GPU_INCLUDE_CPU=1 counts lavapipe)\n'
  while [[ $inv =~ $re ]]; do
    printf 'inventory: GPU %s  %s  %s MiB  (%s)\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[3]}" "${BASH_REMATCH[4]}" "${BASH_REMATCH[5]}"
    inv=${inv#*"${BASH_REMATCH[0]}"}
  done
  ((cpu_dev)) || printf 'lavapipe: not installed here (apt-get download mesa-vulkan-drivers and its libraries into .gl/ to compare with it)\n'
}

case ${1:-} in
  prepare) prepare ;;
  run) run ;;
  *) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
