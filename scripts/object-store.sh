#!/usr/bin/env bash
# The local and test object store: the S3 gateway of SeaweedFS (Apache-2.0),
# built from the Go module proxy by the wrapper module objectstore/ and cached
# by version, started on loopback only, over HTTPS with a certificate of its
# own, and with one generated access key (no anonymous access: every bucket is
# private).
#
# Usage: bash scripts/object-store.sh up       # build if needed, start, wait until it answers
#        bash scripts/object-store.sh down     # stop the server this script started
#        bash scripts/object-store.sh status   # exit 0 iff it answers now
#        bash scripts/object-store.sh env      # print OBJECT_STORE_* export lines (for eval)
#        bash scripts/object-store.sh build    # only build the binary
#        bash scripts/object-store.sh bucket NAME   # create a bucket (idempotent)
#
# Env: OBJECT_STORE_PORT (default 18333): the S3 HTTPS port; the server's own
#        master, volume and filer ports are the three after it (and those +10000
#        for their gRPC).
#      OBJECT_STORE_HOME (default ~/.cache/webstack-objectstore): binaries by
#        version in <version>/weed, the running server in run/ (data, logs,
#        certificate, credentials).
#      OBJECT_STORE_WAIT_SECONDS (default 120).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${OBJECT_STORE_PORT:-18333}"
HOME_DIR="${OBJECT_STORE_HOME:-$HOME/.cache/webstack-objectstore}"
RUN="$HOME_DIR/run"
WAIT="${OBJECT_STORE_WAIT_SECONDS:-120}"
MASTER_PORT=$((PORT + 1)) VOLUME_PORT=$((PORT + 2)) FILER_PORT=$((PORT + 3))

log() { printf '[object-store %4ds] %s\n' "$SECONDS" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

version() {
  awk '$1 == "github.com/seaweedfs/seaweedfs" { print $2; exit }' objectstore/go.mod
}

BIN="$HOME_DIR/$(version)/weed"

build() {
  if [ -x "$BIN" ]; then log "weed $(version) cached: $BIN"; return 0; fi
  command -v go >/dev/null 2>&1 || die "go not found: install Go (see docs/toolchain.md)"
  mkdir -p "$(dirname "$BIN")"
  # One build at a time: a second caller waits for the first and uses its binary.
  exec 8>"$HOME_DIR/build.lock"
  if ! flock -n 8; then
    log "another build of weed is running; waiting for it"
    flock -w 3600 8 || die "timed out waiting for $HOME_DIR/build.lock"
  fi
  if [ -x "$BIN" ]; then log "weed $(version) built meanwhile: $BIN"; return 0; fi
  local buildlog partial="$BIN.partial.$$"
  buildlog="$HOME_DIR/build-$(version).log"
  log "building weed $(version) from the Go module proxy (minutes cold); log: $buildlog"
  ( cd objectstore &&
    nice -n 15 go build -p 2 -trimpath -ldflags "-s -w" -o "$partial" github.com/seaweedfs/seaweedfs/weed ) >"$buildlog" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    kill -0 "$pid" 2>/dev/null && log "still building weed"
  done
  wait "$pid" || { tail -n 20 "$buildlog" >&2; rm -f "$partial"; die "building weed failed; see $buildlog"; }
  mv "$partial" "$BIN"
  log "built $BIN"
}

endpoint() { echo "https://127.0.0.1:$PORT"; }

answers() {
  # Any S3 answer counts (an anonymous request is refused with 403).
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$RUN/tls/ca.crt" "$(endpoint)/" 2>/dev/null || true)
  [ -n "$code" ] && [ "$code" != "000" ]
}

running_pid() {
  local pid
  pid=$(cat "$RUN/weed.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# A CA and a server certificate for 127.0.0.1 and localhost, made once. The
# address is also a DNS name in the certificate: pgBackRest 2.45 matches the
# endpoint against DNS names only.
SAN="subjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost"
certificates() {
  [ -s "$RUN/tls/server.crt" ] && grep -qF "$SAN" "$RUN/tls/server.ext" 2>/dev/null && return 0
  command -v openssl >/dev/null 2>&1 || die "openssl not found (apt-get install openssl)"
  log "making a CA and a server certificate for 127.0.0.1 in $RUN/tls"
  mkdir -p "$RUN/tls"
  (
    cd "$RUN/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=webstack local object store CA" \
      -keyout ca.key -out ca.crt >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr >/dev/null 2>&1
    printf '%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$SAN" >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile server.ext -out server.crt >/dev/null 2>&1
    chmod 600 ca.key server.key
  ) || die "openssl could not make the certificates"
}

# One identity with a generated key; no anonymous identity, so nothing is public.
credentials() {
  [ -s "$RUN/s3.json" ] && return 0
  log "generating the access key ($RUN/s3.json)"
  local access secret
  access="WS$(openssl rand -hex 9 | tr 'a-f' 'A-F')"
  secret="$(openssl rand -base64 30 | tr -d '/+=\n')"
  umask 077
  printf '{"identities":[{"name":"webstack","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}\n' \
    "$access" "$secret" >"$RUN/s3.json"
}

start_server() {
    log "starting weed server (S3 $(endpoint); master $MASTER_PORT, volume $VOLUME_PORT, filer $FILER_PORT; loopback only), logs: $RUN/logs"
    setsid nohup "$BIN" -logdir="$RUN/logs" server \
      -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$RUN/data" \
      -master.port="$MASTER_PORT" -master.volumeSizeLimitMB=256 -volume.port="$VOLUME_PORT" -volume.max=64 \
      -filer -filer.port="$FILER_PORT" \
      -s3 -s3.port="$PORT" -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$RUN/s3.json" \
      -s3.cert.file="$RUN/tls/server.crt" -s3.key.file="$RUN/tls/server.key" \
      >>"$RUN/logs/weed.out" 2>&1 </dev/null &
    echo $! >"$RUN/weed.pid"
}

up() {
  build
  mkdir -p "$RUN/data" "$RUN/logs"
  certificates
  credentials
  if answers; then log "already up at $(endpoint)"; return 0; fi
  if [ -n "$(running_pid || true)" ]; then
    log "a server started earlier (pid $(running_pid)) does not answer yet; waiting"
  else
    start_server
  fi
  local deadline=$((SECONDS + WAIT)) next=$((SECONDS + 10)) retried=0
  until answers; do
    if [ -z "$(running_pid || true)" ] && [ "$retried" -eq 0 ]; then
      # Right after a server was killed its ports can still be held for a moment.
      log "weed exited while starting; starting it once more in 5 s"
      retried=1; sleep 5; start_server; continue
    fi
    [ -n "$(running_pid || true)" ] || { tail -n 20 "$RUN/logs/weed.out" >&2; die "weed exited; see $RUN/logs/weed.out"; }
    [ "$SECONDS" -lt "$deadline" ] || die "no S3 answer at $(endpoint) after ${WAIT}s; see $RUN/logs/weed.out"
    [ "$SECONDS" -lt "$next" ] || { log "waiting for the S3 gateway"; next=$((SECONDS + 10)); }
    sleep 1
  done
  log "up: S3 at $(endpoint) (CA: $RUN/tls/ca.crt); 'bash scripts/object-store.sh env' prints the settings"
}

down() {
  local pid
  pid=$(running_pid || true)
  if [ -z "$pid" ]; then log "not running (no server started by this script)"; rm -f "$RUN/weed.pid"; return 0; fi
  log "stopping weed (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && { log "still running; sending KILL"; kill -KILL "$pid"; }
  rm -f "$RUN/weed.pid"
  log "stopped"
}

status() {
  if answers; then log "up: S3 at $(endpoint) (pid $(running_pid || echo '?'))"; return 0; fi
  log "down (nothing answers at $(endpoint))"
  return 1
}

print_env() {
  [ -s "$RUN/s3.json" ] || die "no credentials yet: run 'bash scripts/object-store.sh up' first"
  local access secret
  access=$(sed -E 's/.*"accessKey":"([^"]+)".*/\1/' "$RUN/s3.json")
  secret=$(sed -E 's/.*"secretKey":"([^"]+)".*/\1/' "$RUN/s3.json")
  cat <<EOF
export OBJECT_STORE_ENDPOINT=$(endpoint)
export OBJECT_STORE_HOST=127.0.0.1
export OBJECT_STORE_PORT=$PORT
export OBJECT_STORE_REGION=us-east-1
export OBJECT_STORE_CA_FILE=$RUN/tls/ca.crt
export OBJECT_STORE_ACCESS_KEY=$access
export OBJECT_STORE_SECRET_KEY=$secret
export OBJECT_STORE_WEED=$BIN
export OBJECT_STORE_MASTER=127.0.0.1:$MASTER_PORT
EOF
}

bucket() {
  local name="${1:-}"
  [ -n "$name" ] || die "usage: bash scripts/object-store.sh bucket NAME"
  answers || die "the object store is down: run 'bash scripts/object-store.sh up' first"
  if echo "s3.bucket.list" | "$BIN" shell -master="127.0.0.1:$MASTER_PORT" 2>/dev/null | grep -Eq "^ *${name}[[:space:]]"; then
    log "bucket $name exists"; return 0
  fi
  echo "s3.bucket.create -name $name" | "$BIN" shell -master="127.0.0.1:$MASTER_PORT" >/dev/null 2>&1 ||
    die "could not create bucket $name"
  log "bucket $name created"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) print_env ;;
  build) build ;;
  bucket) shift; bucket "$@" ;;
  -h | --help | "") sed -n '2,24p' "$0" ;;
  *) die "unknown command: $1 (use up, down, status, env, build or bucket NAME)" ;;
esac
