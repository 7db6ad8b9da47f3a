#!/usr/bin/env bash
# The scale benchmark (issue 15): for each engine and corpus size, in one run, the product's own ingest
# (`feedsearch ingest` = dev.feedsearch.app.Main ingest, in a child JVM), bytes per post on disk, RSS of the
# process serving searches, in-process PostIndex.search p50/p99 per kind interleaved query by query with a raw
# baseline (bare Lucene IndexSearcher / raw _search of the engine's own body), /v1/feed with the popular window
# open, and the largest ÷ smallest size p50 per kind. Each (engine, size) is measured by its own JVM
# (dev.feedsearch.bench.ScaleRun measure), so one's heap and page cache state do not leak into another's RSS;
# then ScaleRun report writes benchmarks/results/scale.md and scale.json from this run's parts only.
# OpenSearch: starts the test node (bin/lib/opensearch.sh) unless FEEDSEARCH_OPENSEARCH_URL is set; the feedsearch
# indices are wiped before each size. Indices live under benchmarks/target/bench-data/scale-<engine>-<size>/.
# Usage: benchmarks/run-scale.sh [--sizes 100000,1000000] [--engines embedded,opensearch] [--os-sizes (default: --sizes)]
#          [--samples N (timed queries per kind, embedded, default 1000)] [--os-samples N (OpenSearch, default 300:
#          its queries take ~10x longer here)] [--os-refresh false|wait_for (default false)] [--udhr PATH]
#          [--note TEXT (a paragraph for scale.md: what else ran)]; warm-up: a fifth as many
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SIZES="100000,1000000"
ENGINES="embedded,opensearch"
UDHR="$ROOT/../shared/corpora/udhr/udhr-paragraphs.jsonl"
SAMPLES=1000
OS_SAMPLES=300
OS_SIZES=""
NOTE=()
# a bulk load needs nothing searchable before its end, and wait_for still waits up to a refresh interval per apply:
# false, then one _refresh at the end (the README: `false` is for bulk loads)
OS_REFRESH=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --engines) ENGINES="$2"; shift 2 ;;
    --udhr) UDHR="$2"; shift 2 ;;
    --samples) SAMPLES="$2"; shift 2 ;;
    --os-samples) OS_SAMPLES="$2"; shift 2 ;;
    --os-sizes) OS_SIZES="$2"; shift 2 ;;
    --note) NOTE=(--note "$2"); shift 2 ;;
    --os-refresh) OS_REFRESH="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
OS_SIZES="${OS_SIZES:-$SIZES}"
WORK="$ROOT/benchmarks/target/bench-data"
OUT="$ROOT/benchmarks/results"
mkdir -p "$WORK" "$OUT"
bench_build
# the serving JVM gets the heap README's `serve` figure was measured with; the ingest child gets room for 1M
JOPTS=(-Xmx1g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 --enable-native-access=ALL-UNNAMED -Dfeedsearch.root="$ROOT")
INGEST_OPTS="-Xmx2g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 --enable-native-access=ALL-UNNAMED"

IFS=, read -r -a SIZE_LIST <<<"$SIZES,$OS_SIZES"
IFS=, read -r -a ENGINE_LIST <<<"$ENGINES"
for size in "${SIZE_LIST[@]}"; do
  corpus="$WORK/corpus-$size.jsonl"
  if [[ ! -f "$corpus" ]]; then
    [[ -f "$UDHR" ]] || { echo "UDHR corpus not found at $UDHR (pass --udhr PATH)" >&2; exit 1; }
    echo "== generating $corpus" >&2
    "$JAVA" -Xmx2g -cp "$CP" dev.feedsearch.bench.CorpusGenerator --udhr "$UDHR" --out "$corpus" \
      --posts "$size" --authors $((size / 10)) --seed 42 --truth "$WORK/truth-$size.tsv"
  fi
done
for engine in "${ENGINE_LIST[@]}"; do
  [[ "$engine" == embedded || "$engine" == opensearch ]] || { echo "unknown engine $engine" >&2; exit 2; }
done
if [[ ",$ENGINES," == *",opensearch,"* && -z "${FEEDSEARCH_OPENSEARCH_URL:-}" ]]; then
  source bin/lib/opensearch.sh
  start_test_opensearch
fi

PARTS=()
for engine in "${ENGINE_LIST[@]}"; do
  IFS=, read -r -a sizes <<<"$([[ $engine == opensearch ]] && echo "$OS_SIZES" || echo "$SIZES")"
  for size in "${sizes[@]}"; do
    dir="$WORK/scale-$engine-$size"
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "== $engine, $size posts (log: $dir/run.log)" >&2
    "$JAVA" "${JOPTS[@]}" -Djava.awt.headless=true -cp "$CP" dev.feedsearch.bench.ScaleRun measure \
      --engine "$engine" --size "$size" --corpus "$WORK/corpus-$size.jsonl" --dir "$dir" \
      --samples "$([[ $engine == opensearch ]] && echo "$OS_SAMPLES" || echo "$SAMPLES")" \
      --os-refresh "$OS_REFRESH" --ingest-jvm-opts "$INGEST_OPTS" ${FEEDSEARCH_OPENSEARCH_URL:+--url "$FEEDSEARCH_OPENSEARCH_URL"} \
      2>"$dir/run.log" || { echo "failed; the end of $dir/run.log:" >&2; tail -30 "$dir/run.log" >&2; exit 1; }
    PARTS+=("$dir/result.json")
  done
done
"$JAVA" -cp "$CP" dev.feedsearch.bench.ScaleRun report --out "$OUT/scale" --command "benchmarks/run-scale.sh --sizes $SIZES --engines $ENGINES --os-sizes $OS_SIZES --samples $SAMPLES --os-samples $OS_SAMPLES --os-refresh $OS_REFRESH" "${NOTE[@]}" "${PARTS[@]}"
echo "results: $OUT/scale.md, $OUT/scale.json" >&2
