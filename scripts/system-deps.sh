#!/usr/bin/env bash
# Installs the system packages the tests need, from Debian's packages, where
# they are missing: PostgreSQL and Redis servers (the workload's integration
# tests start their own on loopback), debootstrap (base images where no
# registry is reachable), nginx and Chromium (the web page's tests) and
# Docker's engine (scripts/docker-engine.sh starts it).
set -euo pipefail
log() { printf '[system-deps] %s\n' "$*" >&2; }

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
[ -x /usr/lib/postgresql/15/bin/postgres ] || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
# The workload's web tests serve the page with nginx and load it in headless Chromium.
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# actionlint checks the workflows' run: scripts with shellcheck.
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
# pgBackRest: WAL archiving and point-in-time restore (scripts/restore, backup-restore test).
command -v pgbackrest >/dev/null 2>&1 || missing+=(pgbackrest)
# The local Kubernetes cluster (scripts/cluster.sh): CNI plugins, the node's
# network tools, openssl for its certificates, dig for its DNS check.
for p in containernetworking-plugins:/usr/lib/cni/bridge conntrack:/usr/sbin/conntrack socat:/usr/bin/socat \
  iptables:/usr/sbin/iptables openssl:/usr/bin/openssl gettext-base:/usr/bin/envsubst bind9-dnsutils:/usr/bin/dig; do
  [ -e "${p#*:}" ] || missing+=("${p%%:*}")
done
if [ ${#missing[@]} -eq 0 ]; then
  log "all present"
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || { log "missing ${missing[*]} and no apt-get: install them by hand"; exit 1; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
log "installing ${missing[*]}"
$sudo apt-get update -q >/dev/null
# Installing a server package must not start it: the tests start their own.
printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
$sudo chmod +x /usr/sbin/policy-rc.d
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null
$sudo rm -f /usr/sbin/policy-rc.d
log "installed ${missing[*]}"
