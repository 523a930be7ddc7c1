#!/usr/bin/env bash
# Make sure a Docker engine answers `docker info` on this machine.
#
# No container registry is reachable here, and nothing starts dockerd for us,
# so this script installs Debian's docker.io (if missing) and starts dockerd in
# the background. It is idempotent: when `docker info` already answers it does
# nothing. It never touches /usr/local/bin/docker (a newer client that the
# machine image ships; it talks to Debian's 20.10 daemon by API negotiation).
#
# Usage: bash scripts/docker-engine.sh            # ensure the engine runs
#        bash scripts/docker-engine.sh --check    # exit 0 iff it answers now
#
# Env: DOCKERD_LOG (default /tmp/dockerd.log)
#      DOCKERD_WAIT_SECONDS (default 60): how long to wait for the socket.
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
DOCKERD_WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-60}"
LOCK_FILE=/tmp/webstack-docker-engine.lock

log() { printf '[docker-engine] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

engine_answers() { docker info >/dev/null 2>&1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian's docker.io brings dockerd, containerd and runc. Only install when
# dockerd itself is missing: the client may come from elsewhere.
install_engine() {
  if command -v dockerd >/dev/null 2>&1; then return 0; fi
  command -v apt-get >/dev/null 2>&1 ||
    die "dockerd not found and apt-get unavailable: install Docker Engine by hand"
  log "installing Debian's docker.io (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null ||
    { as_root apt-get update -q >/dev/null &&
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null; } ||
    die "apt-get install docker.io failed (is the Debian mirror reachable? try 'apt-get update')"
  # The client binary: Debian's package ships /usr/bin/docker.
  command -v docker >/dev/null 2>&1 || die "docker client still missing after installing docker.io"
}

# Start dockerd detached from this shell (setsid + nohup) so that it outlives
# the script and the caller's terminal. vfs is slow but works everywhere;
# overlay2 is tried first because it is much faster where the kernel allows it.
start_dockerd() {
  local driver="$1"
  log "starting dockerd (storage driver: ${driver:-default}), log: $DOCKERD_LOG"
  local args=(--host=unix:///var/run/docker.sock)
  [ -n "$driver" ] && args+=(--storage-driver="$driver")
  as_root setsid nohup dockerd "${args[@]}" >>"$DOCKERD_LOG" 2>&1 </dev/null &
  echo $! >/tmp/webstack-dockerd.pid
}

# Images live under /var/lib/docker/<driver>: once a machine has used one
# driver, keep using it, or the images built before become invisible.
driver_order() {
  if [ -d /var/lib/docker/vfs ] && [ ! -d /var/lib/docker/overlay2 ]; then
    echo vfs overlay2
  else
    echo overlay2 vfs
  fi
}

dockerd_running() {
  local pid
  pid="$(cat /tmp/webstack-dockerd.pid 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

wait_for_engine() {
  local deadline=$((SECONDS + DOCKERD_WAIT_SECONDS))
  while [ "$SECONDS" -lt "$deadline" ]; do
    engine_answers && return 0
    dockerd_running || return 1   # it died: no point in waiting
    sleep 1
  done
  return 1
}

stop_our_dockerd() {
  local pid
  pid="$(cat /tmp/webstack-dockerd.pid 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  as_root kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  rm -f /tmp/webstack-dockerd.pid
}

ensure_engine() {
  engine_answers && { log "engine already answers"; return 0; }
  install_engine
  # Another process (a parallel run of this script) may be starting it.
  exec 9>"$LOCK_FILE"
  flock -w "$((DOCKERD_WAIT_SECONDS + 30))" 9 || die "timed out waiting for $LOCK_FILE"
  engine_answers && { log "engine already answers"; return 0; }
  # A dockerd that runs but does not answer (e.g. still starting): wait for it.
  if pgrep -x dockerd >/dev/null 2>&1; then
    log "a dockerd process exists; waiting for it to answer"
    local deadline=$((SECONDS + DOCKERD_WAIT_SECONDS))
    while [ "$SECONDS" -lt "$deadline" ]; do engine_answers && return 0; sleep 1; done
    die "dockerd runs but 'docker info' does not answer after ${DOCKERD_WAIT_SECONDS}s; see $DOCKERD_LOG"
  fi
  local driver
  for driver in $(driver_order); do
    start_dockerd "$driver"
    if wait_for_engine; then
      log "engine answers (storage driver: $(docker info --format '{{.Driver}}' 2>/dev/null))"
      return 0
    fi
    log "dockerd with $driver did not come up; last log lines:"
    tail -n 5 "$DOCKERD_LOG" >&2 || true
    stop_our_dockerd
  done
  die "could not start dockerd (tried overlay2 and vfs); see $DOCKERD_LOG"
}

case "${1:-}" in
  --check) engine_answers ;;
  ""|--ensure) ensure_engine ;;
  -h|--help) sed -n '2,16p' "$0" ;;
  *) die "unknown argument: $1 (use --check or no argument)" ;;
esac
