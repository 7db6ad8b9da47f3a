#!/usr/bin/env bash
# Issue 18's scale-out run (dev.feedsearch.bench.ScaleOutRun): one OpenSearch node loaded with N posts by the
# product's own `ingest` (--refresh false, then one _refresh), one `serve --role indexer` fed by DynamoDB Local streams
# and R `serve --role query` replicas, each in its own JVM. Measures each replica's cached and uncached /v1/search
# and /v1/feed against a bare Javalin endpoint (its own JVM, same client), the change-feed lag under a live stream
# (each replica's lag gauge, and DynamoDB put → found by the replica's /v1/search), and the indexer's events/s over
# bursts of DynamoDB writes. Writes benchmarks/results/scale-out.md and scale-out.json (plan inputs included).
# Starts its own OpenSearch node (bin/lib/opensearch.sh's test node: 512 MB heap, which held 1M in run-scale.sh) unless
# FEEDSEARCH_OPENSEARCH_URL is set; the feedsearch indices of that cluster are wiped and reloaded.
# The corpus is benchmarks/target/bench-data/corpus-N.jsonl (generated if missing, as run-scale.sh does; --corpus
# PATH reuses one from elsewhere, e.g. the main checkout's).
# Builds offline under /tmp/feedsearch-build.lock (the machine is shared). Every child JVM is killed on exit.
# Usage: benchmarks/run-scale-out.sh [--size 1000000] [--replicas 2] [--clients 4] [--seconds 20] [--warmup 10]
#          [--warmup-all 60 (all targets round robin, first: every JVM starts cold)]
#          [--lag-seconds 60] [--bg-rate 50] [--burst 10000] [--bursts 2] [--corpus PATH] [--udhr PATH]
#          [--out benchmarks/results/scale-out]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SIZE=1000000
REPLICAS=2
CLIENTS=4
SECONDS_PER=20
WARMUP=10
WARMUP_ALL=60
LAG_SECONDS=60
BG_RATE=50
BURST=10000
BURSTS=2
CORPUS=""
UDHR="$ROOT/../shared/corpora/udhr/udhr-paragraphs.jsonl"
OUT="$ROOT/benchmarks/results/scale-out"
ARGS="$*"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) SIZE="$2"; shift 2 ;;
    --replicas) REPLICAS="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --seconds) SECONDS_PER="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --warmup-all) WARMUP_ALL="$2"; shift 2 ;;
    --lag-seconds) LAG_SECONDS="$2"; shift 2 ;;
    --bg-rate) BG_RATE="$2"; shift 2 ;;
    --burst) BURST="$2"; shift 2 ;;
    --bursts) BURSTS="$2"; shift 2 ;;
    --corpus) CORPUS="$2"; shift 2 ;;
    --udhr) UDHR="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
WORK="$ROOT/benchmarks/target/bench-data"
DIR="$WORK/scale-out-$SIZE"
mkdir -p "$WORK" "$(dirname "$OUT")"

# the build, offline and under the shared lock; the testkit jar too (the node's starter). SCALE_OUT_NO_BUILD=1 reuses
# the last build (while developing the benchmark itself)
[[ -n "${SCALE_OUT_NO_BUILD:-}" ]] || flock /tmp/feedsearch-build.lock ./mvnw -o -q -B -DskipTests -pl benchmarks,opensearch-testkit -am package \
  dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP="$ROOT/benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"

if [[ -z "$CORPUS" ]]; then
  CORPUS="$WORK/corpus-$SIZE.jsonl"
  if [[ ! -f "$CORPUS" ]]; then
    [[ -f "$UDHR" ]] || { echo "UDHR corpus not found at $UDHR (pass --udhr PATH)" >&2; exit 1; }
    echo "== generating $CORPUS" >&2
    "$JAVA" -Xmx2g -cp "$CP" dev.feedsearch.bench.CorpusGenerator --udhr "$UDHR" --out "$CORPUS" \
      --posts "$SIZE" --authors $((SIZE / 10)) --seed 42 --truth "$WORK/truth-$SIZE.tsv"
  fi
fi

# the children (indexer, replicas, bare endpoint) write their pids here: killed by id on any exit
rm -rf "$DIR"
mkdir -p "$DIR"
OS_ROOT_PID=""
cleanup() {
  local pid
  if [[ -f "$DIR/pids" ]]; then
    while read -r pid; do kill -TERM "$pid" 2>/dev/null || true; done <"$DIR/pids"
    sleep 2
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$DIR/pids"
  fi
  if [[ -n "$OS_ROOT_PID" ]]; then stop_test_opensearch; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "${FEEDSEARCH_OPENSEARCH_URL:-}" ]]; then
  # bin/lib/opensearch.sh's start_test_opensearch, without its own (unlocked, online) Maven step: the testkit jar
  # was built above
  source bin/lib/opensearch.sh
  OPENSEARCH_TEST_DIR="$(mktemp -d "${TMPDIR:-/tmp}/feedsearch-test-node.XXXXXX")"
  cp "$(ls opensearch-testkit/target/feedsearch-opensearch-testkit-*.jar | head -1)" "$OPENSEARCH_TEST_DIR/testkit.jar"
  "$JAVA_HOME/bin/java" -Xmx64m -cp "$OPENSEARCH_TEST_DIR/testkit.jar" dev.feedsearch.testkit.OpenSearchTestNode \
    >"$OPENSEARCH_TEST_DIR/starter.log" 2>&1 </dev/null &
  OPENSEARCH_STARTER_PID=$!
  OS_ROOT_PID=$OPENSEARCH_STARTER_PID
  for _ in $(seq 1 300); do
    FEEDSEARCH_OPENSEARCH_URL="$(sed -n 's/^URL //p' "$OPENSEARCH_TEST_DIR/starter.log" | head -1)"
    [[ -n "$FEEDSEARCH_OPENSEARCH_URL" ]] && break
    kill -0 "$OPENSEARCH_STARTER_PID" 2>/dev/null || { cat "$OPENSEARCH_TEST_DIR/starter.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$FEEDSEARCH_OPENSEARCH_URL" ]] || { echo "the OpenSearch starter named no URL" >&2; exit 1; }
  echo "== own OpenSearch node at $FEEDSEARCH_OPENSEARCH_URL (starter pid $OS_ROOT_PID)" >&2
fi

COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!benchmarks/results' || echo '+uncommitted')"
echo "== scale-out run, $SIZE posts, $REPLICAS query replicas (log: $DIR/run.log)" >&2
"$JAVA" -Xmx1g --enable-native-access=ALL-UNNAMED -Dfeedsearch.root="$ROOT" -cp "$CP" dev.feedsearch.bench.ScaleOutRun \
  --url "$FEEDSEARCH_OPENSEARCH_URL" --size "$SIZE" --corpus "$CORPUS" --dir "$DIR" --out "$OUT" \
  --replicas "$REPLICAS" --clients "$CLIENTS" --seconds "$SECONDS_PER" --warmup "$WARMUP" --warmup-all "$WARMUP_ALL" \
  --lag-seconds "$LAG_SECONDS" --bg-rate "$BG_RATE" --burst "$BURST" --bursts "$BURSTS" \
  ${OS_ROOT_PID:+--os-root-pid "$OS_ROOT_PID"} --commit "$COMMIT" \
  --command "benchmarks/run-scale-out.sh ${ARGS:---size $SIZE}" 2>&1 | tee "$DIR/run.log" >&2
echo "results: $OUT.md, $OUT.json" >&2
