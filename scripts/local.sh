#!/usr/bin/env bash
# The main job: brings the local environment up (or down) on the embedded
# defaults: a file backend in .pulumi-state/ (git-ignored), a passphrase
# secrets provider created on first run, and the local Docker engine.
#
#   bash scripts/local.sh up        # build images, pulumi up the local stack, print URLs
#   bash scripts/local.sh preview   # preview with the policy pack
#   bash scripts/local.sh down      # destroy the local stack
#
# Nothing to set up but Docker: the script starts a Docker engine where none
# answers, and builds the Pulumi toolchain where no pulumi CLI fits.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
action=${1:-up}
log() { printf '[local %4ds] %s\n' "$SECONDS" "$*" >&2; }

state="$root/.pulumi-state"
mkdir -p "$state"
chmod 700 "$state"
if [ ! -s "$state/passphrase" ]; then
  # A random passphrase per checkout: it encrypts this stack's secrets and never leaves the machine.
  head -c 32 /dev/urandom | base64 | tr -d '/+=' > "$state/passphrase"
  chmod 600 "$state/passphrase"
  log "created a passphrase for the local stack's secrets in .pulumi-state/passphrase"
fi
export PULUMI_BACKEND_URL="file://$state"
export PULUMI_CONFIG_PASSPHRASE_FILE="$state/passphrase"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true

log "checking the Docker engine"
bash scripts/docker-engine.sh >&2
log "checking the Pulumi toolchain"
bash scripts/toolchain.sh >&2
export PATH="$(bash scripts/toolchain.sh --print-path):$PATH"

[ -d node_modules ] || { log "installing the program's dependencies"; npm ci --no-audit --no-fund >&2; }
[ -d policies/node_modules ] || { log "installing the policy pack's dependencies"; npm --prefix policies ci --no-audit --no-fund >&2; }

stack=local
if ! pulumi stack ls --json 2>/dev/null | grep -q "\"name\": \"$stack\""; then
  log "creating stack $stack in .pulumi-state"
  pulumi stack init "$stack" --secrets-provider passphrase --non-interactive >&2
fi
pulumi stack select "$stack" >&2

if [ "$action" = down ]; then
  log "destroying the local stack"
  pulumi destroy --yes --non-interactive
  exit 0
fi

sha=$(git rev-parse --short=12 HEAD 2>/dev/null || echo 0000000)
log "building images for $sha"
images=$(bash scripts/images.sh --tag "$sha")
img() { echo "$images" | sed -n "s/^image $1=//p"; }

# Stamp this build and point the stack at the images just built. These values
# change with every commit, so they are passed per run, not committed.
args=(
  --config "webstack:gitSha=$sha"
  --config "webstack:buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  --config "webstack:appVersion=$(node -p "require('./app/package.json').version")-dev"
  --config "webstack:dbImage=$(img postgres)"
  --config "webstack:cacheImage=$(img redis)"
  --config "webstack:edgeImage=$(img edge)"
  --config "webstack:webImage=$(img web)"
  --config "webstack:services.api.image=$(img app)"
  --config "webstack:services.worker.image=$(img app)"
  --config "webstack:services.scheduler.image=$(img app)"
)
policy=(--policy-pack "$root/policies" --policy-pack-config "$root/policies/config/local.json")
case "$action" in
  preview) pulumi preview --non-interactive --diff "${policy[@]}" "${args[@]}" --config-file "$state/local.config.yaml" ;;
  up)
    pulumi up --yes --non-interactive "${policy[@]}" "${args[@]}" --config-file "$state/local.config.yaml"
    log "web: $(pulumi stack output webUrl)   api: $(pulumi stack output apiUrl)"
    ;;
  *) echo "usage: scripts/local.sh up|preview|down" >&2; exit 2 ;;
esac
