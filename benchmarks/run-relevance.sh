#!/usr/bin/env bash
# Relevance of /v1/search on both engines (benchmarks/RelevanceEval): a UDHR corpus where English is a quarter
# of the posts and other posts carry English hashtags, generated queries with graded judgments, MRR@10, nDCG@10,
# prose and tag-only shares per language. Runs the seed-42 queries (the ones ranking was developed against: read
# their test half as the headline, tune only on the dev half) on the embedded engine without and with the
# client's language, on a real OpenSearch node (identical per-query results expected), and seed 7 (queries never
# looked at while tuning) on the embedded engine. Starts its own node unless FEEDSEARCH_OPENSEARCH_URL is set.
# Writes benchmarks/results/relevance-*.md (+ .json) and benchmarks/results/relevance-seed-7/. A few minutes.
# Usage: benchmarks/run-relevance.sh [--udhr PATH]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
UDHR="$ROOT/../shared/corpora/udhr/udhr-paragraphs.jsonl"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --udhr) UDHR="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -f "$UDHR" ]] || { echo "UDHR corpus not found at $UDHR (pass --udhr PATH)" >&2; exit 1; }
OUT="$ROOT/benchmarks/results"
bench_build
# a snapshot of the classpath: a build installing a module while this runs must not swap a jar under a live JVM
SNAP="$ROOT/benchmarks/target/relevance-classpath"
rm -rf "$SNAP" && mkdir -p "$SNAP"
cp -r "$ROOT/benchmarks/target/classes" "$SNAP/0-classes"
CP="$SNAP/0-classes"
i=1
IFS=':' read -ra ENTRIES < benchmarks/target/classpath.txt || true # no newline at the end: read says EOF
for e in "${ENTRIES[@]}"; do
  cp -r "$e" "$SNAP/$i-$(basename "$e")"
  CP="$CP:$SNAP/$i-$(basename "$e")"
  i=$((i + 1))
done
eval_run() { "$JAVA" -Xmx2g --enable-native-access=ALL-UNNAMED -cp "$CP" dev.feedsearch.bench.RelevanceEval --udhr "$UDHR" "$@" 2>>"$ROOT/benchmarks/target/relevance-eval.log"; }
echo "== embedded, seed 42" >&2
eval_run --engine embedded --out "$OUT"
echo "== embedded, seed 42, with the client's language" >&2
eval_run --engine embedded --hint --out "$OUT"
echo "== embedded, seed 7 (held out)" >&2
eval_run --engine embedded --seed 7 --out "$OUT/relevance-seed-7"
eval_run --engine embedded --seed 7 --hint --out "$OUT/relevance-seed-7"
if [[ -z "${FEEDSEARCH_OPENSEARCH_URL:-}" ]]; then
  source bin/lib/opensearch.sh
  start_test_opensearch
fi
for _ in $(seq 1 240); do curl -sf "$FEEDSEARCH_OPENSEARCH_URL" >/dev/null && break; sleep 0.5; done
echo "== OpenSearch at $FEEDSEARCH_OPENSEARCH_URL, seed 42" >&2
eval_run --engine opensearch --opensearch-url "$FEEDSEARCH_OPENSEARCH_URL" --wipe --out "$OUT"
