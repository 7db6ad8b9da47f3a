#!/usr/bin/env bash
# Overload (benchmarks/OverloadRun): /health and ordinary searches on a quiet server, then while 32 clients send the
# most expensive accepted queries, same run. Uses the 100k index benchmarks/run.sh builds (built here if missing).
# Writes benchmarks/results/overload.md. About a minute.
# Usage: benchmarks/run-overload.sh [SECONDS_PER_PHASE] [FLOOD_CLIENTS]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SECONDS_PER_PHASE="${1:-20}"
FLOOD="${2:-32}"
WORK="$ROOT/benchmarks/target/bench-data"
bench_build
JOPTS=(-Xmx1g --enable-native-access=ALL-UNNAMED -Dfeedsearch.root="$ROOT")
if [[ ! -d "$WORK/data/index" ]]; then
  UDHR="$ROOT/../shared/corpora/udhr/udhr-paragraphs.jsonl"
  mkdir -p "$WORK"
  [[ -f "$WORK/corpus-100000.jsonl" ]] || "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.bench.CorpusGenerator --udhr "$UDHR" \
    --out "$WORK/corpus-100000.jsonl" --posts 100000 --authors 10000 --seed 42 --truth "$WORK/truth-100000.tsv"
  "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.app.Main ingest --data-dir "$WORK/data" "$WORK/corpus-100000.jsonl" >/dev/null
fi
"$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.bench.OverloadRun "$WORK/data/index" "$SECONDS_PER_PHASE" "$FLOOD" \
  "$ROOT/benchmarks/results/overload.md" 2>"$WORK/overload.log"
