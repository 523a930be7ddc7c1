#!/usr/bin/env bash
# A real one-node Kubernetes cluster on this machine, for the staging and
# production stacks' integration tests. Every component is built from the Go
# module proxy by the wrapper modules in cluster/ and cached by version under
# ~/.cache/webstack-cluster/<component>-<version>/; a second `up` builds
# nothing. See docs/cluster.md.
#
# Usage: bash scripts/cluster.sh up                 build (cached), start, wait until usable
#        bash scripts/cluster.sh down [--purge]     stop everything; --purge also drops the
#                                                   cluster's state (etcd, images, volumes)
#        bash scripts/cluster.sh status             each component's state; non-zero if one is down
#        bash scripts/cluster.sh env                export lines (KUBECONFIG, ingress address...)
#        bash scripts/cluster.sh load-images IMAGE...  copy local Docker images into the node
#        bash scripts/cluster.sh build              only build (or find cached) the binaries
# Env:   WEBSTACK_CLUSTER_CACHE      (default ~/.cache/webstack-cluster)
#        WEBSTACK_CLUSTER_HTTP_PORT  (default 18080)  ingress entrypoint "web" on 127.0.0.1
#        WEBSTACK_CLUSTER_HTTPS_PORT (default 18443)  ingress entrypoint "websecure" on 127.0.0.1
#        WEBSTACK_CLUSTER_WAIT_SECONDS (default 180)  how long each wait may take
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER_SRC="$ROOT/cluster"

K8S_VERSION=v1.34.4
ETCD_VERSION=v3.6.16
COREDNS_VERSION=v1.15.0
TRAEFIK_VERSION=v3.6.12

CACHE="${WEBSTACK_CLUSTER_CACHE:-$HOME/.cache/webstack-cluster}"
RUN="$CACHE/run"
PKI="$RUN/pki"
CONF="$RUN/conf"
LOGS="$RUN/logs"
PIDS="$RUN/pids"
DATA="$RUN/data"
SOCK_DIR=/run/webstack-cluster
CNI_BIN_DIR=/usr/lib/cni

NODE_NAME=webstack-node
BRIDGE=wsk0
NODE_IP=10.88.0.1          # the bridge's address: the node's address and pods' gateway
POD_CIDR=10.88.0.0/16
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_IP=10.96.0.10
API_PORT=6443
ETCD_CLIENT_PORT=2379
ETCD_PEER_PORT=2380
HTTP_PORT="${WEBSTACK_CLUSTER_HTTP_PORT:-18080}"
HTTPS_PORT="${WEBSTACK_CLUSTER_HTTPS_PORT:-18443}"
TRAEFIK_ADMIN_PORT=18081
WAIT_SECONDS="${WEBSTACK_CLUSTER_WAIT_SECONDS:-180}"
COREDNS_IMAGE="webstack-local/coredns:${COREDNS_VERSION#v}"

log() { printf '[cluster %4ds] %s\n' "$SECONDS" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- building

# The short hash of a wrapper module's files: our own programs are cached by
# content, the upstream ones by version.
src_hash() { (cd "$CLUSTER_SRC/$1" && cat go.mod ./*.go 2>/dev/null | sha256sum | cut -c1-12); }

# build NAME KEY MODULE_DIR LDFLAGS PACKAGE... -> $CACHE/NAME-KEY/bin
build() {
  local name="$1" key="$2" dir="$3" ldflags="$4"
  shift 4
  local dest="$CACHE/$name-$key"
  [ -f "$dest/.complete" ] && return 0
  command -v go >/dev/null 2>&1 || die "go is not on PATH: it is needed to build $name"
  mkdir -p "$CACHE/build-logs"
  local buildlog="$CACHE/build-logs/$name-$key.log" partial="$dest.partial" start=$SECONDS
  rm -rf "$partial" && mkdir -p "$partial/bin"
  log "building $name $key from Go modules (cold; log: $buildlog)"
  (cd "$CLUSTER_SRC/$dir" && CGO_ENABLED=0 nice -n 10 go build -p 2 -trimpath \
    -ldflags "$ldflags" -o "$partial/bin/" "$@") >"$buildlog" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    [ $(((SECONDS - start) % 60)) -lt 5 ] && log "still building $name ($((SECONDS - start))s)"
  done
  wait "$pid" || { tail -20 "$buildlog" >&2; die "building $name failed (log: $buildlog)"; }
  echo "$((SECONDS - start))" >"$partial/build-seconds"
  rm -rf "$dest" && mv "$partial" "$dest" && touch "$dest/.complete"
  log "built $name in $((SECONDS - start))s"
}

k8s_ldflags() {
  local minor="${K8S_VERSION#v1.}" v p
  minor="${minor%%.*}"
  v="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    v+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    v+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$v"
}

build_all() {
  build kubernetes "$K8S_VERSION" kubernetes "$(k8s_ldflags)" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet \
    k8s.io/kubernetes/cmd/kube-proxy k8s.io/kubernetes/cmd/kubectl
  build etcd "$ETCD_VERSION" etcd "-s -w" go.etcd.io/etcd/server/v3
  build coredns "$COREDNS_VERSION" coredns \
    "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION" github.com/coredns/coredns
  build traefik "$TRAEFIK_VERSION" traefik \
    "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" \
    github.com/traefik/traefik/v3/cmd/traefik
  build pause "$(src_hash pause)" pause "-s -w" .
  build provisioner "$(src_hash provisioner)" provisioner "-s -w" .
}

bin_paths() {
  K8S_BIN="$CACHE/kubernetes-$K8S_VERSION/bin"
  ETCD_BIN="$CACHE/etcd-$ETCD_VERSION/bin/server"  # go names a .../v3 command after the element before
  COREDNS_BIN="$CACHE/coredns-$COREDNS_VERSION/bin/coredns"
  TRAEFIK_BIN="$CACHE/traefik-$TRAEFIK_VERSION/bin/traefik"
  PAUSE_BIN="$CACHE/pause-$(src_hash pause)/bin/pause"
  PROVISIONER_BIN="$CACHE/provisioner-$(src_hash provisioner)/bin/provisioner"
  PAUSE_IMAGE="webstack-local/pause:$(src_hash pause)"
  KUBECTL="$K8S_BIN/kubectl"
}

# ---------------------------------------------------------------- processes

# A pid file holds "PID STARTTIME": the start time (from /proc) guards against
# a pid reused by another process after a reboot or a kill from outside.
starttime() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null || true; }
pid_of() {
  local pid st
  [ -f "$PIDS/$1.pid" ] || return 0
  read -r pid st <"$PIDS/$1.pid" || return 0
  [ -n "$pid" ] && [ "$(starttime "$pid")" = "$st" ] && echo "$pid"
  return 0
}
running() { [ -n "$(pid_of "$1")" ]; }

# start NAME COMMAND...: detached (own session), log and pid file; no-op if running.
start() {
  local name="$1"
  shift
  if running "$name"; then
    log "$name already running (pid $(pid_of "$name"))"
    return 0
  fi
  log "starting $name (log: $LOGS/$name.log)"
  setsid nohup "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo "$! $(starttime $!)" >"$PIDS/$name.pid"
}

stop() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  if [ -n "$pid" ]; then
    log "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && { log "$name did not stop: SIGKILL"; kill -9 "$pid" 2>/dev/null || true; }
  fi
  rm -f "$PIDS/$name.pid"
}

# wait_for WHAT COMMAND...: retry until the command succeeds; progress every 10 s.
wait_for() {
  local what="$1" start=$SECONDS last=$SECONDS
  shift
  until "$@" >/dev/null 2>&1; do
    [ $((SECONDS - start)) -ge "$WAIT_SECONDS" ] && die "timed out after ${WAIT_SECONDS}s waiting for $what (logs: $LOGS)"
    if [ $((SECONDS - last)) -ge 10 ]; then
      log "waiting for $what ($((SECONDS - start))s)"
      last=$SECONDS
    fi
    sleep 1
  done
  log "$what: ok ($((SECONDS - start))s)"
}

kc() { "$KUBECTL" --kubeconfig "$CONF/admin.kubeconfig" "$@"; }
ctr_() { ctr --connect-timeout 3s --address "$SOCK_DIR/containerd.sock" --namespace k8s.io "$@"; }

# ---------------------------------------------------------------- configuration

preflight() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (kubelet, containerd, iptables)"
  local missing=() c
  for c in containerd runc ctr iptables ip openssl socat conntrack curl envsubst dig; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
  done
  [ -x "$CNI_BIN_DIR/bridge" ] || missing+=("$CNI_BIN_DIR/bridge (containernetworking-plugins)")
  [ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]}: run bash scripts/system-deps.sh"
  [ -z "$(swapon --noheadings 2>/dev/null)" ] || die "swap is on: the kubelet refuses to run with swap (swapoff -a)"
  mkdir -p "$PKI" "$CONF/cni" "$LOGS" "$PIDS" "$DATA" "$SOCK_DIR"
}

# cert NAME SUBJECT EXTENSION-SECTION: a key and a certificate signed by the CA.
cert() {
  local name="$1" subject="$2" ext="$3"
  [ -f "$PKI/$name.crt" ] && return 0
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$CLUSTER_SRC/pki/openssl.cnf" -extensions "$ext" \
    -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr"
}

pki() {
  export NODE_IP API_SERVICE_IP NODE_NAME
  if [ ! -f "$PKI/ca.crt" ]; then
    log "creating the cluster CA and certificates (openssl)"
    openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=webstack-local-ca" -days 3650 -sha256 \
      -config "$CLUSTER_SRC/pki/openssl.cnf" -extensions ca -out "$PKI/ca.crt" 2>/dev/null
  fi
  [ -f "$PKI/sa.key" ] || {
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  }
  cert apiserver "/CN=kube-apiserver" apiserver
  cert kubelet-serving "/CN=$NODE_NAME" kubelet_serving
  cert kube-apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client" client
  cert admin "/O=system:masters/CN=webstack-admin" client
  cert kube-controller-manager "/CN=system:kube-controller-manager" client
  cert kube-scheduler "/CN=system:kube-scheduler" client
  cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" client
  cert kube-proxy "/CN=system:kube-proxy" client
  cert traefik "/CN=webstack:traefik" client
  cert provisioner "/CN=webstack:provisioner" client
  chmod 600 "$PKI"/*.key
}

# render TEMPLATE OUT: fill the listed ${NAME}s. OUT is replaced (atomically)
# only when its content changes: kube-proxy exits when its file is rewritten.
render() {
  envsubst "$(printf '${%s} ' PKI CONF DATA SOCK_DIR CNI_BIN_DIR NODE_NAME NODE_IP BRIDGE POD_CIDR \
    DNS_IP API_PORT HTTP_PORT HTTPS_PORT TRAEFIK_ADMIN_PORT PAUSE_IMAGE COREDNS_IMAGE KC_USER COREFILE_SHA)" \
    <"$1" >"$2.new"
  if cmp -s "$2.new" "$2"; then rm -f "$2.new"; else mv -f "$2.new" "$2"; fi
}

configs() {
  export PKI CONF DATA SOCK_DIR CNI_BIN_DIR NODE_NAME NODE_IP BRIDGE POD_CIDR DNS_IP API_PORT \
    HTTP_PORT HTTPS_PORT TRAEFIK_ADMIN_PORT PAUSE_IMAGE COREDNS_IMAGE KC_USER COREFILE_SHA
  local u
  for u in admin kube-controller-manager kube-scheduler kubelet kube-proxy traefik provisioner; do
    KC_USER="$u" render "$CLUSTER_SRC/config/kubeconfig.tmpl" "$CONF/$u.kubeconfig"
  done
  render "$CLUSTER_SRC/config/containerd.toml.tmpl" "$CONF/containerd.toml"
  render "$CLUSTER_SRC/config/cni.conflist.tmpl" "$CONF/cni/10-webstack.conflist"
  render "$CLUSTER_SRC/config/kubelet.yaml.tmpl" "$CONF/kubelet.yaml"
  render "$CLUSTER_SRC/config/kube-proxy.yaml.tmpl" "$CONF/kube-proxy.yaml"
  render "$CLUSTER_SRC/config/kube-scheduler.yaml.tmpl" "$CONF/kube-scheduler.yaml"
  render "$CLUSTER_SRC/config/traefik.yaml.tmpl" "$CONF/traefik.yaml"
  COREFILE_SHA="$(sha256sum <"$CLUSTER_SRC/config/Corefile" | cut -c1-16)"
  render "$CLUSTER_SRC/manifests/coredns.yaml.tmpl" "$CONF/coredns.yaml"
  cp "$CLUSTER_SRC/config/admission.yaml" "$CONF/admission.yaml"
}

host_network() {
  modprobe br_netfilter 2>/dev/null || true
  modprobe overlay 2>/dev/null || true
  sysctl -qw net.ipv4.ip_forward=1
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] ||
    die "br_netfilter is not loaded: Services cannot work on bridged pod traffic"
  sysctl -qw net.bridge.bridge-nf-call-iptables=1
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    log "creating bridge $BRIDGE ($NODE_IP on $POD_CIDR)"
    ip link add "$BRIDGE" type bridge
  fi
  ip addr show dev "$BRIDGE" | grep -q "inet $NODE_IP/" || ip addr add "$NODE_IP/${POD_CIDR#*/}" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

# ---------------------------------------------------------------- checks

etcd_ok() { curl -fsS "http://127.0.0.1:$ETCD_CLIENT_PORT/health" | grep -q '"health":"true"'; }
api_ok() {
  curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz" | grep -qx ok
}
healthz() { curl -fsSk "$1" | grep -qx ok; }
containerd_ok() { [ -S "$SOCK_DIR/containerd.sock" ] && ctr --connect-timeout 3s --address "$SOCK_DIR/containerd.sock" version >/dev/null; }
node_ready() {
  [ "$(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}
dns_ok() { dig +time=1 +tries=1 +short "@$DNS_IP" kubernetes.default.svc.cluster.local | grep -qx "$API_SERVICE_IP"; }
traefik_ok() { curl -fsS "http://127.0.0.1:$TRAEFIK_ADMIN_PORT/ping" | grep -qx OK; }
default_sc_ok() {
  kc get storageclass -o jsonpath='{range .items[*]}{.metadata.annotations.storageclass\.kubernetes\.io/is-default-class}{"\n"}{end}' |
    grep -qx true
}
# (The list is read whole first: `grep -q` quitting early would fail the pipe.)
image_present() { local all; all="$(ctr_ images ls -q)" && grep -qx "docker.io/$1" <<<"$all"; }

# ---------------------------------------------------------------- images

# load_images IMAGE...: docker save | ctr import into the node's image store.
load_images() {
  local img missing=()
  docker info >/dev/null 2>&1 || bash "$ROOT/scripts/docker-engine.sh"
  for img in "$@"; do
    docker image inspect "$img" >/dev/null 2>&1 || missing+=("$img")
  done
  [ ${#missing[@]} -eq 0 ] || die "not in Docker: ${missing[*]} (build them first, e.g. scripts/base-images.sh, scripts/images.sh)"
  log "loading into the node: $*"
  docker save "$@" | ctr_ images import --digests - >/dev/null ||
    die "importing $* into containerd failed"
}

# The node's own images: built with docker from our static binaries, once.
node_images() {
  local ctx
  if ! image_present "$PAUSE_IMAGE" || ! image_present "$COREDNS_IMAGE"; then
    docker info >/dev/null 2>&1 || bash "$ROOT/scripts/docker-engine.sh"
    ctx="$(mktemp -d)"
    cp "$PAUSE_BIN" "$ctx/pause"
    cp "$COREDNS_BIN" "$ctx/coredns"
    log "building images $PAUSE_IMAGE and $COREDNS_IMAGE (FROM scratch)"
    DOCKER_BUILDKIT=0 docker build -q -t "$PAUSE_IMAGE" -f "$CLUSTER_SRC/images/pause.Dockerfile" "$ctx" \
      >>"$LOGS/images.log" 2>&1 || die "docker build of $PAUSE_IMAGE failed (log: $LOGS/images.log)"
    DOCKER_BUILDKIT=0 docker build -q -t "$COREDNS_IMAGE" -f "$CLUSTER_SRC/images/coredns.Dockerfile" "$ctx" \
      >>"$LOGS/images.log" 2>&1 || die "docker build of $COREDNS_IMAGE failed (log: $LOGS/images.log)"
    rm -rf "$ctx"
    load_images "$PAUSE_IMAGE" "$COREDNS_IMAGE"
  fi
}

# ---------------------------------------------------------------- up

up() {
  preflight
  build_all
  bin_paths
  pki
  configs
  # Processes of an earlier run that were killed from outside (not by
  # `down`) leave sandbox mounts and network namespaces behind.
  running containerd || cleanup_node
  host_network

  start etcd "$ETCD_BIN" --name "$NODE_NAME" --data-dir "$DATA/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "$NODE_NAME=http://127.0.0.1:$ETCD_PEER_PORT" \
    --listen-metrics-urls "" --quota-backend-bytes 2147483648 --log-level warn
  wait_for etcd etcd_ok

  start kube-apiserver "$K8S_BIN/kube-apiserver" \
    --bind-address 127.0.0.1 --secure-port "$API_PORT" --advertise-address "$NODE_IP" \
    --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --service-cluster-ip-range "$SERVICE_CIDR" --service-node-port-range 30000-32767 \
    --authorization-mode Node,RBAC --anonymous-auth=false \
    --enable-admission-plugins NodeRestriction \
    --admission-control-config-file "$CONF/admission.yaml" \
    --client-ca-file "$PKI/ca.crt" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --kubelet-client-certificate "$PKI/kube-apiserver-kubelet-client.crt" \
    --kubelet-client-key "$PKI/kube-apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --allow-privileged=true --profiling=false --event-ttl 1h
  wait_for "kube-apiserver /readyz" api_ok

  # Pods reach the API server through the kubernetes Service, whose endpoint
  # is the node address: forward that one port to the loopback listener.
  start apiserver-forward socat "TCP-LISTEN:$API_PORT,bind=$NODE_IP,fork,reuseaddr" "TCP:127.0.0.1:$API_PORT"

  kc apply -f "$CLUSTER_SRC/manifests/cluster.yaml" >/dev/null

  start kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig "$CONF/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$CONF/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "$CONF/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --cluster-cidr "$POD_CIDR" --allocate-node-cidrs=false \
    --profiling=false
  start kube-scheduler "$K8S_BIN/kube-scheduler" --config "$CONF/kube-scheduler.yaml" \
    --authentication-kubeconfig "$CONF/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig "$CONF/kube-scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --profiling=false

  start containerd containerd --config "$CONF/containerd.toml"
  wait_for containerd containerd_ok
  node_images

  start kubelet "$K8S_BIN/kubelet" --config "$CONF/kubelet.yaml" \
    --kubeconfig "$CONF/kubelet.kubeconfig" --hostname-override "$NODE_NAME" \
    --node-ip "$NODE_IP" --root-dir "$DATA/kubelet"
  start kube-proxy "$K8S_BIN/kube-proxy" --config "$CONF/kube-proxy.yaml"
  wait_for "node $NODE_NAME Ready" node_ready

  start provisioner "$PROVISIONER_BIN" --kubeconfig "$CONF/provisioner.kubeconfig" \
    --root "$DATA/volumes"
  start traefik env KUBECONFIG="$CONF/traefik.kubeconfig" "$TRAEFIK_BIN" --configFile "$CONF/traefik.yaml"

  kc -n kube-system create configmap coredns --from-file Corefile="$CLUSTER_SRC/config/Corefile" \
    --dry-run=client -o yaml | kc apply -f - >/dev/null
  kc apply -f "$CONF/coredns.yaml" >/dev/null

  wait_for "kube-controller-manager /healthz" healthz https://127.0.0.1:10257/healthz
  wait_for "kube-scheduler /healthz" healthz https://127.0.0.1:10259/healthz
  wait_for "kube-proxy /healthz" curl -fsS http://127.0.0.1:10256/healthz
  wait_for "CoreDNS answering on $DNS_IP" dns_ok
  wait_for "ingress controller (traefik) /ping" traefik_ok
  wait_for "default StorageClass" default_sc_ok
  log "cluster up: $("$KUBECTL" version --kubeconfig "$CONF/admin.kubeconfig" 2>/dev/null | grep Server)"
  print_env >&2
}

# ---------------------------------------------------------------- down

cleanup_node() {
  local id m
  # Containers of the cluster's containerd: kill and delete the tasks (the
  # shims outlive containerd otherwise).
  if running containerd && containerd_ok 2>/dev/null; then
    for id in $(ctr_ tasks ls -q 2>/dev/null); do
      ctr_ tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
    done
    sleep 1
    for id in $(ctr_ tasks ls -q 2>/dev/null); do
      ctr_ tasks delete -f "$id" >/dev/null 2>&1 || true
    done
  fi
  stop containerd
  for id in $(pgrep -f -- "-address $SOCK_DIR/containerd.sock" || true); do
    log "stopping leftover containerd shim (pid $id)"
    kill -9 "$id" 2>/dev/null || true
  done
  # Mounts the node made: pod volumes, sandbox network namespaces, rootfs.
  for m in $(awk -v a="$DATA/" -v b="$SOCK_DIR/" '$2 ~ "^"a || $2 ~ "^"b {print $2}' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  for m in $(awk '$2 ~ "^/run/netns/cni-" {print $2}' /proc/mounts); do
    umount -l "$m" 2>/dev/null || true
    rm -f "$m"
  done
  rm -rf "$DATA/cni-ipam"
}

cleanup_iptables() {
  local t rule chain
  # kube-proxy removes its own chains.
  [ -x "${K8S_BIN:-/nonexistent}/kube-proxy" ] && "$K8S_BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  # The CNI plugins' chains are all named CNI-*, the kubelet's (and what
  # kube-proxy left) KUBE-*: unhook, flush and delete them.
  for t in nat filter mangle; do
    iptables-save -t "$t" | grep -E '^-A [A-Z-]+ .*-j (CNI|KUBE)-' | sed 's/^-A/-D/' | while read -r rule; do
      eval "iptables -t $t $rule" 2>/dev/null || true
    done || true
    for chain in $(iptables-save -t "$t" | sed -n 's/^:\(\(CNI\|KUBE\)-[^ ]*\).*/\1/p'); do
      iptables -t "$t" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables-save -t "$t" | sed -n 's/^:\(\(CNI\|KUBE\)-[^ ]*\).*/\1/p'); do
      iptables -t "$t" -X "$chain" 2>/dev/null || true
    done
  done
}

down() {
  local purge=0
  [ "${1:-}" = "--purge" ] && purge=1
  [ -d "$RUN" ] || { log "nothing to stop"; return 0; }
  bin_paths
  local name
  for name in traefik provisioner kube-proxy kubelet; do stop "$name"; done
  cleanup_node
  for name in kube-scheduler kube-controller-manager apiserver-forward kube-apiserver etcd; do stop "$name"; done
  cleanup_iptables
  ip link show "$BRIDGE" >/dev/null 2>&1 && { log "deleting bridge $BRIDGE"; ip link delete "$BRIDGE"; }
  rm -rf "$SOCK_DIR"
  if [ "$purge" -eq 1 ]; then
    log "purging cluster state ($RUN); built binaries stay in $CACHE"
    rm -rf "$RUN"
  fi
  log "cluster down"
}

# ---------------------------------------------------------------- status, env

status() {
  [ -d "$RUN" ] || { echo "cluster: not set up (bash scripts/cluster.sh up)"; return 1; }
  bin_paths
  local bad=0
  check() { # NAME COMMAND...
    local name="$1"
    shift
    if "$@" >/dev/null 2>&1; then
      printf '  %-24s up\n' "$name"
    else
      printf '  %-24s DOWN\n' "$name"
      bad=1
    fi
  }
  echo "cluster (Kubernetes $K8S_VERSION, state in $RUN):"
  check etcd etcd_ok
  check kube-apiserver api_ok
  check apiserver-forward running apiserver-forward
  check kube-controller-manager healthz https://127.0.0.1:10257/healthz
  check kube-scheduler healthz https://127.0.0.1:10259/healthz
  check containerd containerd_ok
  check kubelet curl -fsS http://127.0.0.1:10248/healthz
  check kube-proxy curl -fsS http://127.0.0.1:10256/healthz
  check "node $NODE_NAME Ready" node_ready
  check "coredns ($DNS_IP)" dns_ok
  check "traefik (ingress)" traefik_ok
  check provisioner running provisioner
  check "default StorageClass" default_sc_ok
  return "$bad"
}

print_env() {
  echo "export KUBECONFIG=$CONF/admin.kubeconfig"
  echo "export WEBSTACK_CLUSTER_INGRESS_CLASS=traefik"
  echo "export WEBSTACK_CLUSTER_STORAGE_CLASS=local-path"
  echo "export WEBSTACK_CLUSTER_HTTP=127.0.0.1:$HTTP_PORT"
  echo "export WEBSTACK_CLUSTER_HTTPS=127.0.0.1:$HTTPS_PORT"
  echo "export WEBSTACK_CLUSTER_KUBECTL=$CACHE/kubernetes-$K8S_VERSION/bin/kubectl"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  up) up ;;
  down) down "$@" ;;
  status) status ;;
  env) print_env ;;
  build) build_all ;;
  load-images)
    [ $# -gt 0 ] || die "usage: cluster.sh load-images IMAGE..."
    bin_paths
    containerd_ok 2>/dev/null || die "the cluster's containerd is not running (bash scripts/cluster.sh up)"
    load_images "$@"
    ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
