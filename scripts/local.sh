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
rc=0
bash scripts/toolchain.sh >&2 || rc=$?
if [ "$rc" -eq 3 ] && [ "$action" != down ]; then
  log "the provider plugins (random, docker) are missing, so the stack cannot be planned here."
  log "Install them as docs/toolchain.md says (pulumi plugin install resource ...), then run this again."
  exit 3
elif [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
  exit "$rc"
fi
export PATH="$(bash scripts/toolchain.sh --print-path):$PATH"

[ -d node_modules ] || { log "installing the program's dependencies"; npm ci --no-audit --no-fund >&2; }
[ -d policies/node_modules ] || { log "installing the policy pack's dependencies"; npm --prefix policies ci --no-audit --no-fund >&2; }

stack=local
# The committed Pulumi.local.yaml stays as it is: this checkout's salt and the
# per-run values live in a working copy under .pulumi-state, used through --config-file.
config="$state/local.config.yaml"
if ! pulumi stack ls --json 2>/dev/null | grep -q "\"name\": \"$stack\""; then
  log "creating stack $stack in .pulumi-state"
  cp Pulumi.local.yaml "$state/Pulumi.local.yaml.committed"
  pulumi stack init "$stack" --secrets-provider passphrase --non-interactive >&2
  grep '^encryptionsalt:' Pulumi.local.yaml > "$state/local.salt"
  cp "$state/Pulumi.local.yaml.committed" Pulumi.local.yaml
fi
{ cat Pulumi.local.yaml; echo; cat "$state/local.salt"; } > "$config"

if [ "$action" = down ]; then
  log "destroying the local stack"
  pulumi destroy --stack "$stack" --yes --non-interactive --config-file "$config"
  exit 0
fi

sha=$(git rev-parse --short=12 HEAD 2>/dev/null || echo 0000000)
log "building images for $sha"
images=$(bash scripts/images.sh --tag "$sha")

# Stamp this build and point the stack at the images just built. These values
# change with every commit, so they go into the working copy, not the committed file.
WEBSTACK_SHA=$sha WEBSTACK_IMAGES=$images node -e '
  const fs = require("fs"), yaml = require("js-yaml");
  const [file, salt] = process.argv.slice(1);
  const doc = yaml.load(fs.readFileSync("Pulumi.local.yaml", "utf8"));
  const c = doc.config, img = {};
  for (const l of process.env.WEBSTACK_IMAGES.split("\n")) { const m = /^image (\w+)=(\S+)$/.exec(l); if (m) img[m[1]] = m[2]; }
  c["webstack:gitSha"] = process.env.WEBSTACK_SHA;
  c["webstack:buildDate"] = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  c["webstack:appVersion"] = require("./app/package.json").version + "-dev";
  c["webstack:dbImage"] = img.postgres; c["webstack:cacheImage"] = img.redis;
  c["webstack:edgeImage"] = img.edge; c["webstack:webImage"] = img.web;
  for (const svc of Object.values(c["webstack:services"])) svc.image = img.app;
  doc.encryptionsalt = fs.readFileSync(salt, "utf8").replace(/^encryptionsalt:\s*/, "").trim();
  fs.writeFileSync(file, yaml.dump(doc));
' "$config" "$state/local.salt"
args=(--stack "$stack" --config-file "$config")
policy=(--policy-pack "$root/policies" --policy-pack-config "$root/policies/config/local.json")
case "$action" in
  preview) pulumi preview --non-interactive --diff "${policy[@]}" "${args[@]}" ;;
  up)
    pulumi up --yes --non-interactive "${policy[@]}" "${args[@]}"
    log "web: $(pulumi stack output --stack "$stack" webUrl)   api: $(pulumi stack output --stack "$stack" apiUrl)"
    ;;
  *) echo "usage: scripts/local.sh up|preview|down" >&2; exit 2 ;;
esac
