#!/usr/bin/env bash
# shellcheck shell=bash
# Lints the API description the server serves (query-service/src/main/resources/openapi.json, answered byte for byte
# at /openapi.json; OperationsAndContractTest checks that) with `redocly lint` and its recommended rules: any error
# fails. @redocly/cli is pinned (1.x: it supports the Node 18 of Debian 12 as well as Debian 13's Node 20) and
# installed once with npm into a cache outside the repo, FEEDSEARCH_TOOLS_CACHE (default ~/.cache/feedsearch);
# after that a run takes about a second and needs no network.
# Sourced by bin/test (openapi_lint ROOT returns non-zero on any error); run it directly to lint by hand.

OPENAPI_LINT_REDOCLY_VERSION="1.34.20"
OPENAPI_LINT_MIN_NODE="18.17.0"

openapi_lint() {
  local root="$1" spec cache dir tmp node_v status=0
  spec="$root/query-service/src/main/resources/openapi.json"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "openapi lint: needs node >= $OPENAPI_LINT_MIN_NODE and npm (Debian: apt-get install nodejs npm; .ci/run does)" >&2
    return 1
  fi
  node_v="$(node -p 'process.versions.node')"
  if [[ "$(printf '%s\n%s\n' "$OPENAPI_LINT_MIN_NODE" "$node_v" | sort -V | head -1)" != "$OPENAPI_LINT_MIN_NODE" ]]; then
    echo "openapi lint: node $node_v is too old for @redocly/cli $OPENAPI_LINT_REDOCLY_VERSION (needs >= $OPENAPI_LINT_MIN_NODE)" >&2
    return 1
  fi
  cache="${FEEDSEARCH_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/feedsearch}"
  dir="$cache/redocly-cli-$OPENAPI_LINT_REDOCLY_VERSION"
  if [[ ! -x "$dir/node_modules/.bin/redocly" ]]; then
    echo "openapi lint: installing @redocly/cli@$OPENAPI_LINT_REDOCLY_VERSION into $dir" >&2
    mkdir -p "$cache" || return 1
    # installed beside the cache entry and moved into place whole, so an interrupted install is never taken for one
    tmp="$(mktemp -d "$cache/.redocly-cli-install.XXXXXX")" || return 1
    if ! npm install --prefix "$tmp" --no-audit --no-fund --no-update-notifier --loglevel=error \
        "@redocly/cli@$OPENAPI_LINT_REDOCLY_VERSION" >&2; then
      rm -rf "$tmp"
      echo "openapi lint: npm could not install @redocly/cli@$OPENAPI_LINT_REDOCLY_VERSION (network? registry?)" >&2
      return 1
    fi
    rm -rf "$dir"
    mv "$tmp" "$dir" || { rm -rf "$tmp"; return 1; }
  fi
  echo "openapi lint: redocly lint $spec (@redocly/cli $OPENAPI_LINT_REDOCLY_VERSION, node $node_v)" >&2
  # the recommended rules, named so that no redocly.yaml lying around changes them; no telemetry, no update check
  REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
    "$dir/node_modules/.bin/redocly" lint --extends=recommended "$spec" >&2 || status=$?
  if [[ "$status" != 0 ]]; then
    echo "openapi lint: FAILED: redocly lint found errors in $spec (status $status; see above)" >&2
    return 1
  fi
  echo "openapi lint: ok" >&2
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then # run directly
  set -euo pipefail
  openapi_lint "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fi
