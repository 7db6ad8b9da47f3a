#!/usr/bin/env bash
# sort=recent with and without the index sort (benchmarks/IndexSortRun), same documents, same run: a copy of the
# benchmark index as ingest wrote it is kept unsorted (read-only opens never migrate), the index itself is sorted
# by opening it. Writes benchmarks/results/index-sort-<posts>.md.
# Usage: benchmarks/run-index-sort.sh [POSTS (default 100000)] [ROUNDS (default 10)]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
POSTS="${1:-100000}"
ROUNDS="${2:-10}"
WORK="$ROOT/benchmarks/target/bench-data/sort-$POSTS"
UDHR="$ROOT/../shared/corpora/udhr/udhr-paragraphs.jsonl"
bench_build
JOPTS=(-Xmx2g --enable-native-access=ALL-UNNAMED -Dfeedsearch.root="$ROOT")
mkdir -p "$WORK"
CORPUS="$ROOT/benchmarks/target/bench-data/corpus-$POSTS.jsonl"
[[ -f "$CORPUS" ]] || "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.bench.CorpusGenerator --udhr "$UDHR" --out "$CORPUS" \
  --posts "$POSTS" --authors $((POSTS / 10)) --seed 42 --truth "$WORK/truth.tsv"
if [[ ! -d "$WORK/unsorted" ]]; then
  rm -rf "$WORK/data"
  "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.app.Main ingest --data-dir "$WORK/data" "$CORPUS" >/dev/null
  # the ingest wrote a sorted index: an unsorted twin of the same documents stands for an index from before
  "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.bench.IndexSortRun\$Unsort "$WORK/data/index" "$WORK/unsorted"
fi
"$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.bench.IndexSortRun "$WORK/data/index" "$WORK/unsorted" "$ROUNDS" \
  "$ROOT/benchmarks/results/index-sort-$POSTS.md" 2>"$WORK/run.log"
