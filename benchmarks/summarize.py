#!/usr/bin/env python3
"""Turns the raw files of one benchmarks/run.sh run into benchmarks/results/latest.md."""
import json, os, platform, subprocess, sys, datetime

out, posts, ingest_s, index_bytes, rss_kb, hwm_kb, heap_mb, java_home = sys.argv[1:9]
posts = int(posts); ingest_s = float(ingest_s)

def read(name):
    p = os.path.join(out, name)
    return open(p).read().strip() if os.path.exists(p) else "(missing)"

jmh = json.load(open(os.path.join(out, "jmh.json")))
by = {}
for r in jmh:
    name = r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1]
    by.setdefault(name, []).append(r)

lines = []
w = lines.append
java = subprocess.run([os.path.join(java_home, "bin/java"), "-version"], capture_output=True, text=True).stderr.splitlines()[0]
w(f"# Benchmark results ({datetime.date.today()})")
w("")
w(f"Machine: {os.cpu_count()} cores, {platform.machine()}, {java}. Produced by `benchmarks/run.sh`; raw files beside this one.")
w("")
w("## Embedded search vs raw Lucene (JMH SampleTime, same index, same Lucene text query, same run)")
w("")
w(f"Index: {posts:,} generated posts (UDHR texts, ~30 languages), {int(index_bytes)/posts:.0f} bytes/post on disk.")
w("")
w("| benchmark | p50 µs | p90 µs | p99 µs | p99.9 µs | mean µs |")
w("|---|---|---|---|---|---|")
base = None
for b in ["SearchBenchmark.rawLucene", "SearchBenchmark.engineRelevance", "SearchBenchmark.engineRecentWithViewer"]:
    for r in by.get(b, []):
        m = r["primaryMetric"]; p = m["scorePercentiles"]
        w(f"| {b.split('.')[1]} | {p['50.0']:.0f} | {p['90.0']:.0f} | {p['99.0']:.0f} | {p['99.9']:.0f} | {m['score']:.0f} |")
        if b.endswith("rawLucene"): base = m["score"]
if base:
    for b in ["SearchBenchmark.engineRelevance", "SearchBenchmark.engineRecentWithViewer"]:
        for r in by.get(b, []):
            w(f"\n{b.split('.')[1]} ÷ rawLucene (mean): {r['primaryMetric']['score']/base:.2f}×")
w("")
w("## Ranking (JMH AverageTime, µs per operation)")
w("")
w("| benchmark | µs/op |")
w("|---|---|")
for b in ["RankingBenchmark.score1000", "RankingBenchmark.scoreSortDiversify1000", "RankingBenchmark.cursorEncodeDecode"]:
    for r in by.get(b, []):
        w(f"| {b.split('.')[1]} | {r['primaryMetric']['score']:.2f} |")
w("")
w("## Language detection and analysis (1 thread, JMH throughput, posts/s)")
w("")
for r in by.get("DetectionBenchmark.detect", []):
    w(f"Detection over all sample posts: {r['primaryMetric']['score']:,.0f} posts/s (± {r['primaryMetric']['scoreError']:,.0f})")
w("")
w("| group (posts of) | analysis posts/s |")
w("|---|---|")
for r in by.get("AnalysisBenchmark.analyze", []):
    w(f"| {r['params']['lang']} | {r['primaryMetric']['score']:,.0f} |")
w("")
w("## Detection + analysis on 2 threads (PipelineThroughput, generated corpus)")
w("")
w(read("pipeline.md"))
w("")
w("## Language-detection settings: accuracy and CPU (DetectionTuning)")
w("")
w(read("detection-tuning.md"))
w("")
w("## Bulk ingest through the CLI (decode, validate, detect, analyse, index, commit)")
w("")
w(f"{posts:,} posts in {ingest_s:.1f} s = {posts/ingest_s:,.0f} posts/s. CLI output: `{read('ingest.txt')}`")
w("")
w("## Change streams into the embedded index (StreamRun)")
w("")
w(read("streams.md"))
w("")
w("## HTTP: search (cached and not), feed, and a bare Javalin endpoint (same run, same client)")
w("")
w(read("http.md"))
w("")
w("![latency by percentile](http-latency.png)")
w("")
w("## Memory: `serve` over the index with -Xmx1g")
w("")
w(f"After 1,000 searches: RSS {int(rss_kb)/1024:.0f} MiB (peak {int(hwm_kb)/1024:.0f} MiB), heap used {heap_mb} MiB.")
for name in ("opensearch.md", "reindex-embedded.md"):
    if os.path.exists(os.path.join(out, name)):  # benchmarks/run-engines.sh (run separately; it starts an OpenSearch node)
        w("")
        w(read(name))
print("\n".join(lines))
