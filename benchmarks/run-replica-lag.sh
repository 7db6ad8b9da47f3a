#!/usr/bin/env bash
# Issue 18's lag bound: how long after a write is searchable a query replica's caches know it is stale, against the
# raw floor (index, then a real-time GET from another client) measured in the same run (ReplicaLagRun).
# Starts its own node (the test node recipe: bin/lib/opensearch.sh) unless FEEDSEARCH_OPENSEARCH_URL is set.
# Usage: benchmarks/run-replica-lag.sh [writes, default 500] [poll ms, default 50] → benchmarks/results/replica-lag.md
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WRITES="${1:-500}"
POLL="${2:-50}"
bench_build
mkdir -p "$ROOT/benchmarks/results"
if [[ -z "${FEEDSEARCH_OPENSEARCH_URL:-}" ]]; then
  source bin/lib/opensearch.sh
  start_test_opensearch
fi
"$JAVA" -Xmx512m --enable-native-access=ALL-UNNAMED -cp "$CP" dev.feedsearch.bench.ReplicaLagRun \
  "$FEEDSEARCH_OPENSEARCH_URL" "$WRITES" "$POLL" "$ROOT/benchmarks/results/replica-lag.md"
