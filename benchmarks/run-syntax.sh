#!/usr/bin/env bash
# Issue 19's speed bound: what q's grammar and highlights add to an uncached /v1/search p50 on the 100k benchmark
# index (dev.feedsearch.bench.SyntaxCostRun; highlights on and off interleaved request by request, the parser timed
# in the same JVM). Builds the 100k corpus and index as benchmarks/run.sh does when they are missing.
# Usage: benchmarks/run-syntax.sh [requests per side, default 4000] → benchmarks/results/syntax-cost.md
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REQUESTS="${1:-4000}"
WORK="$ROOT/benchmarks/target/bench-data"
UDHR="$ROOT/../shared/corpora/udhr/udhr-paragraphs.jsonl"
JOPTS=(-Xmx1g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 --enable-native-access=ALL-UNNAMED -Dfeedsearch.root="$ROOT")
bench_build
mkdir -p "$WORK" "$ROOT/benchmarks/results"
if [[ ! -d "$WORK/data/index" ]]; then
  [[ -f "$WORK/corpus-100000.jsonl" ]] || "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.bench.CorpusGenerator --udhr "$UDHR" \
    --out "$WORK/corpus-100000.jsonl" --posts 100000 --authors 10000 --seed 42 --truth "$WORK/truth-100000.tsv"
  "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.app.Main ingest --data-dir "$WORK/data" "$WORK/corpus-100000.jsonl" >/dev/null
fi
"$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.bench.SyntaxCostRun "$WORK/data/index" "$REQUESTS" "$ROOT/benchmarks/results/syntax-cost.md"
