#!/usr/bin/env bash
# Builds every image the local and review stacks run and prints one
# "image <role>=<reference>" line per image on stdout (progress goes to stderr):
#   app, web   the reference workload, tagged with the commit SHA
#   postgres, redis, edge
#              the pinned official images when they are present or can be
#              pulled; otherwise equivalents built from Debian's packages
#              (scripts/base-images.sh), for machines that reach no registry.
#
#   bash scripts/images.sh [--tag SHA] [--bases auto|official|local]
set -euo pipefail
cd "$(dirname "$0")/.."

tag=$(git rev-parse --short=12 HEAD 2>/dev/null || echo 0000000)
bases=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag=$2; shift 2 ;;
    --bases) bases=$2; shift 2 ;;
    *) echo "unknown argument: $1 (use --tag SHA, --bases auto|official|local)" >&2; exit 2 ;;
  esac
done
log() { printf '[images %4ds] %s\n' "$SECONDS" "$*" >&2; }

# The official images the stack files pin; a user with a registry runs these.
OFFICIAL_POSTGRES=postgres:16.4-bookworm
OFFICIAL_REDIS=redis:7.4.1-bookworm
OFFICIAL_EDGE=nginxinc/nginx-unprivileged:1.27.3-alpine
OFFICIAL_NODE=node:20.18.1-bookworm-slim
OFFICIAL_WEB=nginxinc/nginx-unprivileged:1.27.3-alpine

have_or_pull() {
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  timeout 120 docker pull -q "$1" >/dev/null 2>&1
}

if [ "$bases" = auto ]; then
  bases=official
  for image in "$OFFICIAL_POSTGRES" "$OFFICIAL_REDIS" "$OFFICIAL_EDGE" "$OFFICIAL_NODE"; do
    if ! have_or_pull "$image"; then
      log "$image is neither present nor pullable: building bases from Debian's packages"
      bases=local
      break
    fi
  done
fi

if [ "$bases" = local ]; then
  bash scripts/base-images.sh >&2
  postgres=webstack-local/postgres:15 redis=webstack-local/redis:7 edge=webstack-local/nginx:1
  node_base=webstack-local/node:20 web_base=webstack-local/nginx:1
else
  postgres=$OFFICIAL_POSTGRES redis=$OFFICIAL_REDIS edge=$OFFICIAL_EDGE
  node_base=$OFFICIAL_NODE web_base=$OFFICIAL_WEB
fi

if docker image inspect "webstack/app:$tag" >/dev/null 2>&1 && docker image inspect "webstack/web:$tag" >/dev/null 2>&1 && [ -z "${REBUILD:-}" ]; then
  log "webstack/app:$tag and webstack/web:$tag exist (REBUILD=1 to rebuild)"
else
  log "building the reference workload images for $tag on $node_base / $web_base"
  GIT_SHA=$tag NODE_BASE=$node_base WEB_BASE=$web_base bash app/scripts/build-images.sh >&2
fi

echo "image app=webstack/app:$tag"
echo "image web=webstack/web:$tag"
echo "image postgres=$postgres"
echo "image redis=$redis"
echo "image edge=$edge"
