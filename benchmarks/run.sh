#!/usr/bin/env bash
# Benchmarks, all in one run on this machine, each against its baseline measured in the same run.
# Writes benchmarks/results/latest.md (and raw files beside it). Takes ~25 minutes on 2 cores.
# Usage: benchmarks/run.sh [--udhr PATH] [--posts N] [--quick]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bin/lib/jdk.sh
use_jdk
JAVA="$JAVA_HOME/bin/java"

UDHR="$ROOT/../shared/corpora/udhr/udhr-paragraphs.jsonl"
POSTS=100000
QUICK=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --udhr) UDHR="$2"; shift 2 ;;
    --posts) POSTS="$2"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -f "$UDHR" ]] || { echo "benchmarks: UDHR corpus not found at $UDHR (pass --udhr PATH)" >&2; exit 1; }

OUT="$ROOT/benchmarks/results"
WORK="$ROOT/benchmarks/target/bench-data"
mkdir -p "$OUT" "$WORK"

echo "== build" >&2
./mvnw -q -B -DskipTests -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP="$ROOT/benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
JOPTS=(-Xmx1g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 --enable-native-access=ALL-UNNAMED -Dfeedsearch.root="$ROOT")

CORPUS="$WORK/corpus-$POSTS.jsonl"
if [[ ! -f "$CORPUS" ]]; then
  echo "== corpus: $POSTS posts from $UDHR" >&2
  "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.bench.CorpusGenerator --udhr "$UDHR" --out "$CORPUS" \
    --posts "$POSTS" --authors 10000 --seed 42 --truth "$WORK/truth-$POSTS.tsv"
fi

echo "== ingest (CLI, real pipeline)" >&2
rm -rf "$WORK/data"
t0=$(date +%s.%N)
"$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.app.Main ingest --data-dir "$WORK/data" "$CORPUS" > "$OUT/ingest.txt" 2>/dev/null
t1=$(date +%s.%N)
INGEST_S=$(python3 -c "print(round($t1 - $t0, 1))")
echo "$INGEST_S" > "$WORK/ingest_seconds"
INDEX_BYTES=$(du -sb "$WORK/data/index" | cut -f1)

echo "== detection + analysis throughput" >&2
"$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.bench.PipelineThroughput "$CORPUS" 2 "$OUT/pipeline.md" >/dev/null

echo "== detection settings: accuracy (corpus, UDHR) and CPU per detection" >&2
"$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.bench.DetectionTuning "$CORPUS" "$WORK/truth-$POSTS.tsv" "$UDHR" "$OUT/detection-tuning.md" \
  0:0:1:120:4:false 6:0.2:2:120:4:false 6:0.2:2 4:0.15:1.5 6:0.2:2:100 6:0.2:2:120:3 >/dev/null 2>"$WORK/detection-tuning.log"

echo "== JMH" >&2
if [[ $QUICK == 1 ]]; then JMH=(-f 1 -wi 2 -w 1s -i 3 -r 2s); else JMH=(-f 1 -wi 3 -w 2s -i 5 -r 4s); fi
"$JAVA" -cp "$CP" org.openjdk.jmh.Main "${JMH[@]}" -rf json -rff "$OUT/jmh.json" \
  -jvmArgs "${JOPTS[*]} -Dfeedsearch.bench.index=$WORK/data/index" \
  'SearchBenchmark|DetectionBenchmark|AnalysisBenchmark|RankingBenchmark' > "$OUT/jmh.txt"

echo "== HTTP load" >&2
"$JAVA" "${JOPTS[@]}" -Djava.awt.headless=true -cp "$CP" dev.feedsearch.bench.HttpLoadRun "$WORK/data/index" 20000 2 10000 "$OUT" >/dev/null 2>"$WORK/http.log"

echo "== change streams: DynamoDB Local and PostgreSQL into the index" >&2
"$JAVA" "${JOPTS[@]}" -cp "$CP" dev.feedsearch.bench.StreamRun "$CORPUS" 60000 "$OUT/streams.md" >/dev/null 2>"$WORK/streams.log"

echo "== serve memory (1 GB heap)" >&2
PORT=17171
"$JAVA" "${JOPTS[@]}" -jar app/target/feedsearch-all.jar serve --data-dir "$WORK/data" --port $PORT > "$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 0.5; done
for q in freedom rights %E4%BA%BA%E6%A8%A9 %E0%B8%AA%E0%B8%B4%E0%B8%97%E0%B8%98%E0%B8%B4 W%C3%BCrde; do
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/v1/search?q=$q&viewer=u7" >/dev/null; done
done
RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
HWM_KB=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
HEAP=$(curl -sf "http://127.0.0.1:$PORT/metrics" | awk 'index($0, "jvm_memory_used_bytes{area=\"heap\"") == 1 {s+=$NF} END {printf "%.0f", s/1048576}')
kill $PID; wait $PID 2>/dev/null || true

echo "== engines: OpenSearch vs raw OpenSearch, reindex on both engines" >&2
benchmarks/run-engines.sh --posts 50000 --udhr "$UDHR" >/dev/null

python3 benchmarks/summarize.py "$OUT" "$POSTS" "$INGEST_S" "$INDEX_BYTES" "$RSS_KB" "$HWM_KB" "$HEAP" "$JAVA_HOME" > "$OUT/latest.md"
cat "$OUT/latest.md"
