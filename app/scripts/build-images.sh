#!/usr/bin/env bash
# Builds webstack/app:<gitsha> and webstack/web:<gitsha>.
#
# Compilation happens here on the host (npm ci && npm run build): docker builds
# on our machines cannot reach package registries, so the Dockerfiles only copy
# prebuilt output from a staged context. Uses the legacy builder
# (DOCKER_BUILDKIT=0) because BuildKit needs buildx, which Debian lacks.
#
# Env: GIT_SHA, BUILD_DATE, APP_VERSION (defaults: git HEAD, now, package.json),
#      NODE_BASE, WEB_BASE (base images; defaults are the Dockerfiles' pinned ones),
#      SKIP_NPM_CI=1 to reuse an existing node_modules and build.
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$APP_DIR"

GIT_SHA="${GIT_SHA:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo dev)}"
BUILD_DATE="${BUILD_DATE:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
APP_VERSION="${APP_VERSION:-$(node -p "require('./package.json').version")}"
export GIT_SHA BUILD_DATE APP_VERSION

if [[ "${SKIP_NPM_CI:-}" != "1" ]]; then
  npm ci --no-audit --no-fund
  npm run build
fi
[[ -f dist/api.js && -f web/dist/index.html ]] || { echo "dist/ or web/dist/ missing: run npm ci && npm run build" >&2; exit 1; }
[[ -d "web/dist/assets/$GIT_SHA" ]] || { echo "web/dist was built for another GIT_SHA; rebuild with GIT_SHA=$GIT_SHA" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/app" "$stage/web"

# App context: compiled code, migrations and production dependencies only.
cp -R package.json package-lock.json dist migrations Dockerfile "$stage/app/"
(cd "$stage/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null)

# Web context: the built page, nginx template and entrypoint.
cp -R web/dist web/nginx.conf web/entrypoint.sh web/healthcheck.sh web/Dockerfile "$stage/web/"

build_args=(--build-arg "GIT_SHA=$GIT_SHA" --build-arg "BUILD_DATE=$BUILD_DATE" --build-arg "APP_VERSION=$APP_VERSION")
[[ -n "${NODE_BASE:-}" ]] && app_base=(--build-arg "NODE_BASE=$NODE_BASE") || app_base=()
[[ -n "${WEB_BASE:-}" ]] && web_base=(--build-arg "WEB_BASE=$WEB_BASE") || web_base=()

DOCKER_BUILDKIT=0 docker build "${build_args[@]}" "${app_base[@]}" -t "webstack/app:$GIT_SHA" "$stage/app"
DOCKER_BUILDKIT=0 docker build "${build_args[@]}" "${web_base[@]}" -t "webstack/web:$GIT_SHA" "$stage/web"

echo "webstack/app:$GIT_SHA"
echo "webstack/web:$GIT_SHA"
