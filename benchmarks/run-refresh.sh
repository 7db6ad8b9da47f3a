#!/usr/bin/env bash
# What `--refresh wait_for` (the default: a batch is searchable when apply returns) costs a bulk load on the OpenSearch
# engine, against `--refresh false` (searchable within the refresh interval), in the same run on the same real node:
# the product's own `ingest` command, whole (JVM start, layout check, detection, bulk writes), rounds alternating the
# two, every index dropped between loads. Writes benchmarks/results/opensearch-refresh.md.
# Starts its own node (bin/lib/opensearch.sh) unless FEEDSEARCH_OPENSEARCH_URL is set.
# Usage: benchmarks/run-refresh.sh [POSTS (default 20000)] [ROUNDS (default 3)]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
POSTS="${1:-20000}"
ROUNDS="${2:-3}"
bench_build
./mvnw -q -B -DskipTests -pl app -am package
JAR="$ROOT/app/target/feedsearch-all.jar"
WORK="$ROOT/benchmarks/target/bench-data"
CORPUS="$WORK/corpus-$POSTS.jsonl"
UDHR="$ROOT/../shared/corpora/udhr/udhr-paragraphs.jsonl"
mkdir -p "$WORK"
[[ -f "$CORPUS" ]] || "$JAVA" -Xmx1g -cp "$CP" dev.feedsearch.bench.CorpusGenerator --udhr "$UDHR" --out "$CORPUS" \
  --posts "$POSTS" --authors $((POSTS / 10)) --seed 42 --truth "$WORK/truth-$POSTS.tsv"
if [[ -z "${FEEDSEARCH_OPENSEARCH_URL:-}" ]]; then
  source bin/lib/opensearch.sh
  start_test_opensearch
fi
for _ in $(seq 1 600); do curl -sf "$FEEDSEARCH_OPENSEARCH_URL" >/dev/null && break; sleep 0.5; done
URL="$FEEDSEARCH_OPENSEARCH_URL"
load() { # refresh -> "seconds searchable-at-return"
  curl -s -XDELETE "$URL/posts-*,feedsearch-*?expand_wildcards=all" >/dev/null || true
  local dlq t0 t1 n
  dlq="$(mktemp)"
  t0=$(date +%s.%N)
  "$JAVA" -Xmx1g --enable-native-access=ALL-UNNAMED -jar "$JAR" ingest --engine opensearch --opensearch-url "$URL" \
    --replicas 0 --refresh "$1" --dead-letter "$dlq" "$CORPUS" >/dev/null 2>&1
  t1=$(date +%s.%N)
  # counted at once, without a refresh: what a reader could see when ingest returned
  n=$(curl -s "$URL/posts-*/_count" | sed -n 's/.*"count":\([0-9]*\).*/\1/p')
  rm -f "$dlq"
  echo "$(echo "$t1 - $t0" | bc) $n"
}
load false >/dev/null # the node's first load (JIT, index creation) is not measured
ROWS=""
for r in $(seq 1 "$ROUNDS"); do
  read -r wf wn <<<"$(load wait_for)"
  read -r ff fn <<<"$(load false)"
  ROWS+="| $r | $wf s ($wn searchable) | $ff s ($fn searchable) | $(echo "scale=2; $wf / $ff" | bc)× |"$'\n'
  echo "round $r: wait_for $wf s, false $ff s" >&2
done
cat > "$ROOT/benchmarks/results/opensearch-refresh.md" <<MD
# OpenSearch ingest: \`--refresh wait_for\` ÷ \`--refresh false\`

$POSTS posts (corpus-$POSTS.jsonl, seed 42), \`feedsearch ingest --engine opensearch --replicas 0\` as a whole command
(JVM start, layout, detection, writes), one real 3.8.0 node, rounds alternating, every index dropped between loads.
"Searchable" is \`_count\` read the moment the command returned, without a refresh. Written by \`benchmarks/run-refresh.sh\`
on $(date -u +%Y-%m-%d).

| round | wait_for | false | ratio |
|---|---|---|---|
$ROWS
MD
cat "$ROOT/benchmarks/results/opensearch-refresh.md"
