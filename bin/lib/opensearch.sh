# Shared OpenSearch test node for bin/test: one real single node for the whole build, started from the
# opensearch-testkit jar (dev.feedsearch.testkit.OpenSearchTestNode's main) before Maven runs the tests, and
# stopped when the calling script exits. Every module's OpenSearchTestNode.url() finds it through
# FEEDSEARCH_OPENSEARCH_URL (and reads FEEDSEARCH_OPENSEARCH_LOG to fail fast if it could not start).
# Usage (after use_jdk, from the repository root): source bin/lib/opensearch.sh; start_test_opensearch

start_test_opensearch() {
  OPENSEARCH_TEST_DIR="$(mktemp -d "${TMPDIR:-/tmp}/feedsearch-test-node.XXXXXX")"
  local log="$OPENSEARCH_TEST_DIR/starter.log" jar url="" i
  # the first Maven step: builds the testkit and puts the OpenSearch distribution and plugin jars into ~/.m2
  echo "bin/test: preparing the OpenSearch test node (opensearch-testkit; downloads OpenSearch on first use)" >&2
  ./mvnw -B -ntp -q -pl opensearch-testkit -DskipTests package
  jar="$(ls opensearch-testkit/target/feedsearch-opensearch-testkit-*.jar | head -1)"
  # run from a copy: the Maven build below repackages the testkit jar while the node runs
  cp "$jar" "$OPENSEARCH_TEST_DIR/testkit.jar"
  "$JAVA_HOME/bin/java" -Xmx64m -cp "$OPENSEARCH_TEST_DIR/testkit.jar" dev.feedsearch.testkit.OpenSearchTestNode \
    >"$log" 2>&1 </dev/null &
  OPENSEARCH_STARTER_PID=$!
  trap stop_test_opensearch EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  for i in $(seq 1 300); do
    url="$(sed -n 's/^URL //p' "$log" | head -1)"
    [[ -n "$url" ]] && break
    if ! kill -0 "$OPENSEARCH_STARTER_PID" 2>/dev/null; then
      echo "bin/test: the OpenSearch test node starter exited:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  if [[ -z "$url" ]]; then
    echo "bin/test: the OpenSearch test node starter named no URL within 30 s; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  # the node comes up while Maven compiles; tests that need it wait for it (OpenSearchTestNode.url())
  export FEEDSEARCH_OPENSEARCH_URL="$url" FEEDSEARCH_OPENSEARCH_LOG="$log"
  echo "bin/test: OpenSearch test node starting at $url (starter log: $log)" >&2
}

stop_test_opensearch() {
  local log="$OPENSEARCH_TEST_DIR/starter.log"
  if kill -0 "$OPENSEARCH_STARTER_PID" 2>/dev/null; then
    kill -TERM "$OPENSEARCH_STARTER_PID" 2>/dev/null || true
    wait "$OPENSEARCH_STARTER_PID" 2>/dev/null || true
  fi
  grep -E '^(opensearch-testkit:|READY|STOPPING|FAILED)' "$log" | sed 's/^/bin\/test: /' >&2 || true
  if grep -q '^FAILED' "$log"; then
    echo "bin/test: the OpenSearch test node failed; full starter log kept at $log" >&2
  else
    rm -rf "$OPENSEARCH_TEST_DIR"
    echo "bin/test: OpenSearch test node stopped" >&2
  fi
}
