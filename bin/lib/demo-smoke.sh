# shellcheck shell=bash
# The README's product command, run as a user would after the build: bin/feedsearch demo starts, indexes the
# bundled sample through DynamoDB Local's stream, answers a search and /ready over HTTP, and stops cleanly on
# SIGTERM (Ctrl-C). Sourced by bin/test; demo_smoke returns non-zero with the demo's log on any failure.

demo_smoke() {
  local root="$1" log pid port="" i body
  log="$(mktemp "${TMPDIR:-/tmp}/feedsearch-demo-smoke.XXXXXX")"
  "$root/bin/feedsearch" demo --port 0 >"$log" 2>&1 &
  pid=$!
  DEMO_SMOKE_PID=$pid # global: the trap runs after this function's locals are gone
  # whatever ends this script (a failure below, Ctrl-C, a CI cancel) ends the demo too
  trap 'kill -9 "${DEMO_SMOKE_PID:-}" 2>/dev/null || true' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  for ((i = 0; i < 360; i++)); do # up to 3 minutes: a cold JVM writes and streams 4,839 records
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "demo smoke: the demo exited before it served; its log:" >&2; cat "$log" >&2; return 1
    fi
    port="$(grep -o "http://127.0.0.1:[0-9]*/ready" "$log" | head -1 | sed 's/.*:\([0-9]*\)\/ready/\1/' || true)"
    [[ -n "$port" ]] && break
    sleep 0.5
  done
  if [[ -z "$port" ]]; then
    echo "demo smoke: the demo never printed its address; its log:" >&2; cat "$log" >&2; kill -9 "$pid" 2>/dev/null; return 1
  fi
  body="$(curl -sf "http://127.0.0.1:$port/v1/search?q=%E4%BA%BA%E6%A8%A9&limit=3")" || body=""
  if [[ "$body" != *'"lang":"ja"'* ]]; then
    echo "demo smoke: a Japanese search found no Japanese post: $body" >&2; kill -9 "$pid" 2>/dev/null; return 1
  fi
  body="$(curl -sf "http://127.0.0.1:$port/ready")" || body=""
  if [[ "$body" != *'"status":"ready"'* ]]; then
    echo "demo smoke: /ready said: $body" >&2; kill -9 "$pid" 2>/dev/null; return 1
  fi
  kill -TERM "$pid"
  for ((i = 0; i < 32; i++)); do # it stops in ~2 s; a shutdown stuck on a 10 s hook timeout must fail
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "demo smoke: still running 8 s after SIGTERM" >&2; kill -9 "$pid"; return 1
  fi
  local rc=0
  wait "$pid" || rc=$?
  # 143: the JVM ends on SIGTERM after its shutdown hooks ran; an error on the way out prints "feedsearch: ..."
  if [[ "$rc" != 0 && "$rc" != 143 ]] || grep -v "^feedsearch: building" "$log" | grep -q "^feedsearch: "; then
    echo "demo smoke: the demo stopped with an error (exit $rc); its log:" >&2; tail -20 "$log" >&2; return 1
  fi
  trap - EXIT
  echo "demo smoke: served on port $port, answered a Japanese search and /ready, stopped cleanly" >&2
  rm -f "$log"
}
