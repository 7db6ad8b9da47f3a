# shellcheck shell=bash
# The performance gate in bin/test: bin/perf --quick (every gated metric, on the node bin/test started), then
# proof that the gate can fail: a real run with one metric's threshold made impossible must exit non-zero and
# name that metric. Sourced by bin/test; perf_check returns non-zero on a failed gate or a gate that cannot fail.

perf_check() {
  local root="$1" out status=0
  echo "bin/test: performance gate (bin/perf --quick)" >&2
  "$root/bin/perf" --quick || return 1
  echo "bin/test: the gate must fail on an impossible threshold (bin/perf --quick --only ranking --threshold ranking.score1000=0.001)" >&2
  out="$(mktemp -d "${TMPDIR:-/tmp}/feedsearch-perf-check.XXXXXX")"
  "$root/bin/perf" --quick --reuse-data --only ranking --threshold ranking.score1000=0.001 --out "$out" >"$out/log" 2>&1 || status=$?
  if [[ "$status" != 1 ]] || ! tail -3 "$out/log" | grep -q "FAIL ranking.score1000"; then
    echo "bin/test: the gate did not fail on an impossible threshold (status $status); its log:" >&2
    cat "$out/log" >&2
    return 1
  fi
  echo "bin/test: the gate failed as it must: $(grep "FAIL ranking.score1000" "$out/log" | tail -1)" >&2
  rm -rf "$out"
}
