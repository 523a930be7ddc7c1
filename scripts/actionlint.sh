#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint, built from the Go module
# proxy (the only place this machine and CI can fetch it from) and cached by
# version, so a second run costs nothing.
#
#   bash scripts/actionlint.sh               install if needed, then lint .github/workflows
#   bash scripts/actionlint.sh --install     install only (what .ci/run calls before the tests)
#   bash scripts/actionlint.sh --print-path  print the binary's path (exit 1 when not installed)
#   bash scripts/actionlint.sh -- ARGS...    install if needed, run actionlint with ARGS
#
# ACTIONLINT_VERSION overrides the version; GO overrides the go binary.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${ACTIONLINT_VERSION:-v1.7.12}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/webstack-toolchain/actionlint-$version"
bin="$cache/actionlint"
log() { printf '[actionlint] %s\n' "$*" >&2; }

find_go() {
  if [ -n "${GO:-}" ]; then echo "$GO"; return; fi
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  if [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go; return; fi
  return 1
}

install() {
  if [ -x "$bin" ] && "$bin" -version >/dev/null 2>&1; then
    return 0
  fi
  local go
  go=$(find_go) || { log "no Go toolchain found (install Go, or set GO=/path/to/go); cannot build actionlint $version"; return 1; }
  log "building actionlint $version with $("$go" version | cut -d' ' -f3) into $cache"
  mkdir -p "$cache.tmp"
  # Static binary; -buildvcs=false because the build runs outside a module checkout.
  if ! GOBIN="$cache.tmp" GOFLAGS=-buildvcs=false CGO_ENABLED=0 "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2; then
    rm -rf "$cache.tmp"
    log "go install github.com/rhysd/actionlint/cmd/actionlint@$version failed (is the Go module proxy reachable?)"
    return 1
  fi
  rm -rf "$cache"
  mv "$cache.tmp" "$cache"
  log "installed $("$bin" -version | head -1)"
}

case "${1:-}" in
  --install) install; exit 0 ;;
  --print-path) [ -x "$bin" ] && { echo "$bin"; exit 0; } || exit 1 ;;
  --version) echo "$version"; exit 0 ;;
  --) shift; install; exec "$bin" "$@" ;;
  "") install
      # actionlint runs shellcheck on every run: script when shellcheck is on PATH.
      command -v shellcheck >/dev/null 2>&1 || log "shellcheck not found: run: scripts are not linted (apt-get install shellcheck)"
      exec "$bin" -no-color .github/workflows/*.yml ;;
  *) echo "usage: scripts/actionlint.sh [--install | --print-path | --version | -- ARGS...]" >&2; exit 2 ;;
esac
