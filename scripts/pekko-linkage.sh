#!/usr/bin/env bash
# Whether the Pekko jars that are not at the build's Pekko version (pekko-discovery, Pekko Management and its Cluster
# Bootstrap: docs/cluster.md, "Versions") find every class, method and field they call in the jars the build resolves:
# each reference in their bytecode (javap) looked up, through superclasses and interfaces, on actors' runtime classpath.
# Run it after changing a Pekko or pekko-http version; it prints what is missing and exits 1, or says all is there.
#   scripts/pekko-linkage.sh
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
work=$(mktemp -d /tmp/zed-linkage.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$root" && mvn -q -o -B -ntp -pl actors dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/cp") >&2
cp=$(cat "$work/cp")
checked=()
for jar in ${cp//:/ }; do
  case $(basename "$jar") in
    pekko-discovery_*|pekko-management_*|pekko-management-cluster-bootstrap_*) checked+=("$jar") ;;
  esac
done
[[ ${#checked[@]} -eq 3 ]] || { echo "expected pekko-discovery, pekko-management and its bootstrap on the classpath, found: ${checked[*]:-none}" >&2; exit 1; }
for jar in "${checked[@]}"; do
  echo "checking $(basename "$jar")" >&2
  mkdir -p "$work/classes" && (cd "$work/classes" && unzip -qo "$jar")
done
find "$work/classes" -name '*.class' -print0 | xargs -0 javap -c -p -v 2>/dev/null \
  | grep -oE '(Methodref|InterfaceMethodref|Fieldref)\s+\S+\s+// org/apache/pekko/\S+' \
  | grep -v '// org/apache/pekko/management/' | sed 's#.*// ##' | sort -u >"$work/refs"
java "$root/scripts/pekko-linkage/Linkage.java" "$work/refs" "$cp"
