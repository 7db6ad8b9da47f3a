#!/usr/bin/env bash
# The engines against their raw baselines, in one run: the OpenSearch engine against raw OpenSearch on the same
# real 3.8.0 node (_bulk ceiling vs OpenSearchPostIndex.apply, raw _search vs /v1/search, store bytes per post
# JSON byte for `plan`, a reindex of every group under search load), then the reindex job on the embedded engine.
# Starts its own node (the test node recipe: bin/lib/opensearch.sh) unless FEEDSEARCH_OPENSEARCH_URL is set.
# Writes benchmarks/results/opensearch.md and reindex-embedded.md. Usage: benchmarks/run-engines.sh [--posts N] [--udhr PATH]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bin/lib/jdk.sh
use_jdk
JAVA="$JAVA_HOME/bin/java"
UDHR="$ROOT/../shared/corpora/udhr/udhr-paragraphs.jsonl"
POSTS=50000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --udhr) UDHR="$2"; shift 2 ;;
    --posts) POSTS="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
OUT="$ROOT/benchmarks/results"
WORK="$ROOT/benchmarks/target/bench-data"
mkdir -p "$OUT" "$WORK"
./mvnw -q -B -DskipTests -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP="$ROOT/benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
CORPUS="$WORK/corpus-100000.jsonl"
if [[ ! -f "$CORPUS" ]]; then
  [[ -f "$UDHR" ]] || { echo "UDHR corpus not found at $UDHR (pass --udhr PATH)" >&2; exit 1; }
  "$JAVA" -Xmx1g -cp "$CP" dev.feedsearch.bench.CorpusGenerator --udhr "$UDHR" --out "$CORPUS" \
    --posts 100000 --authors 10000 --seed 42 --truth "$WORK/truth-100000.tsv"
fi
if [[ -z "${FEEDSEARCH_OPENSEARCH_URL:-}" ]]; then
  source bin/lib/opensearch.sh
  start_test_opensearch
fi
echo "== OpenSearch engine vs raw OpenSearch ($POSTS posts) at $FEEDSEARCH_OPENSEARCH_URL" >&2
"$JAVA" -Xmx1g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 --enable-native-access=ALL-UNNAMED -cp "$CP" \
  dev.feedsearch.bench.OpenSearchRun "$FEEDSEARCH_OPENSEARCH_URL" "$CORPUS" "$POSTS" "$OUT/opensearch.md" 2>"$WORK/opensearch.log"
echo "== reindex on the embedded engine ($POSTS posts)" >&2
"$JAVA" -Xmx1g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 --enable-native-access=ALL-UNNAMED -cp "$CP" \
  dev.feedsearch.bench.EmbeddedReindexRun "$CORPUS" "$POSTS" "$OUT/reindex-embedded.md" 2>"$WORK/reindex-embedded.log"
