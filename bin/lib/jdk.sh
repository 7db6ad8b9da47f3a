# Shared by bin/feedsearch, bin/test and .ci/run: locate a JDK >= FEEDSEARCH_MIN_JAVA (default 21).
# Usage: source bin/lib/jdk.sh; use_jdk   (exports JAVA_HOME or exits with one clear line)

FEEDSEARCH_MIN_JAVA="${FEEDSEARCH_MIN_JAVA:-21}"

# major version of a java binary, or 0
java_major() {
  local v
  v="$("$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')" || return 1
  v="${v#1.}"
  echo "${v%%[.+-]*}"
}

# prints the JAVA_HOME of the newest JDK >= FEEDSEARCH_MIN_JAVA that has javac; JAVA_HOME wins if it qualifies
find_jdk() {
  local candidates=() best="" best_v=0 home v
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [[ -d "$home" ]] && candidates+=("$home")
  done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in "${candidates[@]}"; do
    [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || continue
    v="$(java_major "$home/bin/java" 2>/dev/null || echo 0)"
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if [[ -n "${JAVA_HOME:-}" && "$home" == "$JAVA_HOME" && "$v" -ge "$FEEDSEARCH_MIN_JAVA" ]]; then echo "$home"; return 0; fi
    if (( v >= FEEDSEARCH_MIN_JAVA && v > best_v )); then best="$home"; best_v="$v"; fi
  done
  [[ -n "$best" ]] && echo "$best"
}

use_jdk() {
  local jdk
  jdk="$(find_jdk || true)"
  if [[ -z "$jdk" ]]; then
    echo "feedsearch: needs a JDK ${FEEDSEARCH_MIN_JAVA} or newer (none found in JAVA_HOME or /usr/lib/jvm); install one, e.g. 'apt-get install openjdk-21-jdk-headless', or set JAVA_HOME." >&2
    exit 1
  fi
  export JAVA_HOME="$jdk"
}
