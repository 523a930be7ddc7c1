#!/usr/bin/env bash
# Hermetic Pulumi toolchain for webstack, built from Go modules when needed.
#
# Makes sure these exist, at the versions package-lock.json asks for:
#   - the Pulumi CLI (version of @pulumi/pulumi)
#   - the Node.js language host pulumi-language-nodejs, beside the CLI (the
#     real one if its module is served, else webstack's, toolchain/language-host)
#   - the resource plugins random, kubernetes, docker (versions of
#     @pulumi/random, @pulumi/kubernetes, @pulumi/docker), in $PULUMI_HOME/plugins:
#     kubernetes from its provider module at the release commit
#     (toolchain/kubernetes-provider), random through pulumi-terraform-bridge
#     (toolchain/random-bridge); toolchain/versions.json maps SDK versions to
#     module versions. docker cannot be built from what the proxy serves.
# A `pulumi` on PATH at the right version (with its language host) is used as
# is. Otherwise everything is built from the Go module proxy, because on the
# project's machines nothing but package registries can be reached (no GitHub
# release downloads, no plugin auto-download). The Go sources live in
# toolchain/; this script only orchestrates. See docs/toolchain.md.
#
# Usage:
#   bash scripts/toolchain.sh               ensure everything; prints the PATH line
#   bash scripts/toolchain.sh --check       exit 0 iff everything is present
#   bash scripts/toolchain.sh --print-path  print the bin dir to put on PATH
#   bash scripts/toolchain.sh --print-env   print export lines (PATH + offline env)
# Then: export PATH="$(bash scripts/toolchain.sh --print-path):$PATH"
#
# Exit codes: 0 complete; 1 error (e.g. no Go, CLI build failed);
#             3 partial: CLI and language host ready, some plugins missing.
#
# Env:
#   WEBSTACK_TOOLCHAIN_CACHE  cache root (default ~/.cache/webstack-toolchain)
#   WEBSTACK_LANGHOST         auto (default): the real language host if its module
#                             can be fetched, else webstack's (toolchain/language-host,
#                             built against sdk/v3 of the same version); real; webstack
#   WEBSTACK_PROVIDERS        plugins to ensure (default "random kubernetes docker")
#   WEBSTACK_GO_PARALLEL      go build -p (default 2)
#   WEBSTACK_GONOSUMDB        modules not checked against the checksum database
#                             (default github.com/pulumi/*,github.com/terraform-providers/*)
#   PULUMI_HOME               plugin dir root (default ~/.pulumi)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
GO_SOURCES="$REPO_ROOT/toolchain"
VERSIONS_FILE="$GO_SOURCES/versions.json"
LOCK_FILE="$REPO_ROOT/package-lock.json"
CACHE="${WEBSTACK_TOOLCHAIN_CACHE:-$HOME/.cache/webstack-toolchain}"
BIN="$CACHE/bin"
LANGHOST_MODE="${WEBSTACK_LANGHOST:-auto}"
PROVIDERS="${WEBSTACK_PROVIDERS-random kubernetes docker}"
GO_PARALLEL="${WEBSTACK_GO_PARALLEL:-2}"

# Offline-safe Pulumi everywhere (this script and everything it starts).
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_UPDATE_CHECK=true
PLUGIN_DIR="${PULUMI_HOME:-$HOME/.pulumi}/plugins"

# Versions, filled by read_versions.
V_PULUMI="" V_RANDOM="" V_KUBERNETES="" V_DOCKER=""
MISSING=()   # human-readable list of what could not be provided
T0=$SECONDS

log() { printf '[toolchain %4ds] %s\n' "$((SECONDS - T0))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- versions ---------------------------------------------------------------

# Reads the SDK versions from package-lock.json: the plugins must match the
# npm packages, which otherwise would try to download them.
read_versions() {
  [ -f "$LOCK_FILE" ] || die "no $LOCK_FILE: run 'npm install' (or check out the repo) first"
  command -v node >/dev/null 2>&1 || die "node not found: install Node.js >= 20 (it reads package-lock.json)"
  local out
  out="$(node -e '
    const lock = require(process.argv[1]);
    const pkgs = lock.packages || {};
    const names = ["pulumi", "random", "kubernetes", "docker"];
    const missing = [];
    for (const n of names) {
      const p = pkgs["node_modules/@pulumi/" + n];
      if (!p || !p.version) { missing.push("@pulumi/" + n); continue; }
      console.log(n + "=" + p.version);
    }
    if (missing.length) { console.error(missing.join(" ")); process.exit(2); }
  ' "$LOCK_FILE" 2>&1)" ||
    die "package-lock.json lacks: $out (add them to package.json and run npm install)"
  local name ver
  while IFS='=' read -r name ver; do
    case "$name" in
      pulumi) V_PULUMI="$ver" ;; random) V_RANDOM="$ver" ;;
      kubernetes) V_KUBERNETES="$ver" ;; docker) V_DOCKER="$ver" ;;
    esac
  done <<<"$out"
}

provider_version() {
  case "$1" in
    random) echo "$V_RANDOM" ;; kubernetes) echo "$V_KUBERNETES" ;; docker) echo "$V_DOCKER" ;;
    *) die "unknown provider: $1" ;;
  esac
}

# ---- helpers ----------------------------------------------------------------

go_env() {
  command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] ||
    die "Go not found: install Go >= 1.25 (https://go.dev/dl or your package manager), or put pulumi v$V_PULUMI with pulumi-language-nodejs on PATH"
  command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
  # -mod=mod: the wrapper modules' go.sum is written by `go mod tidy`;
  # -buildvcs=false: the cache may sit inside some git work tree.
  case " ${GOFLAGS:-} " in *" -mod=mod "*) ;; *) export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod -buildvcs=false" ;; esac
  export GOWORK=off
  # The checksum database reached through the module proxy here has no
  # entries for some github.com/pulumi versions (404) nor for the Terraform
  # random provider's pseudo-version, so those are taken as the proxy serves
  # them; every other module is still verified.
  export GONOSUMDB="${WEBSTACK_GONOSUMDB:-github.com/pulumi/*,github.com/terraform-providers/*}"
}

# Runs a long command with its output in a log file, printing a heartbeat so
# that a caller (or CI) sees progress, and the log tail on failure.
run_logged() {
  local what="$1" logf="$2"; shift 2
  local start=$SECONDS pid
  "$@" >"$logf" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    if [ $(((SECONDS - start) % 60)) -lt 5 ] && [ $((SECONDS - start)) -ge 60 ]; then
      log "  ... $what: still running ($((SECONDS - start))s, log: $logf)"
    fi
  done
  if wait "$pid"; then
    log "  $what: done in $((SECONDS - start))s"
  else
    log "  $what: FAILED after $((SECONDS - start))s; last lines of $logf:"
    tail -n 25 "$logf" >&2
    return 1
  fi
}

# `go mod download -json MOD@VER` field extraction; empty on error.
mod_json() {
  (cd "$CACHE" && go mod download -json "$1" 2>/dev/null) || true
}
# Commit time of a downloaded version (from its .info file), RFC 3339.
info_time() { # mod_json output
  local f
  f="$(json_field "$1" Info)"
  [ -n "$f" ] && node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).Time)' "$f"
}
json_field() { # json, dotted.path
  node -e 'let v=JSON.parse(process.argv[1]||"{}");for(const k of process.argv[2].split("."))v=v==null?undefined:v[k];if(v!=null)console.log(v)' "$1" "$2"
}

# Pseudo-version for a commit of an untagged module: vMAJOR.0.0-<UTC time>-<12 hex>.
pseudo_version() { # major, RFC3339 time, full hash
  local ts
  ts="$(date -u -d "$2" +%Y%m%d%H%M%S)"
  echo "v$1.0.0-$ts-${3:0:12}"
}

# Prints "replace OLD => NEW VERSION" lines for the non-local replaces of a go.mod.
nonlocal_replaces() {
  go mod edit -json "$1" | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const r of m.Replace || []) {
      if (!r.New.Version) continue;  // local directory: not available outside the repo
      const old = r.Old.Path + (r.Old.Version ? " " + r.Old.Version : "");
      console.log("replace " + old + " => " + r.New.Path + " " + r.New.Version);
    }'
}

go_directive() { go mod edit -json "$1" | node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).Go||"")'; }

# Warns when the local Go is older than a module's go directive.
check_go_version() {
  local need="$1" have
  have="$(go env GOVERSION | sed 's/^go//')"
  if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n 1)" != "$need" ]; then
    log "Go $have is older than the $need that the modules ask for; Go will try to fetch toolchain go$need from the module proxy"
  fi
}

# Copies one of toolchain/'s Go modules to a build dir in the cache (the
# repo stays clean; generated files go to the copy).
copy_go_module() { # from, to
  rm -rf "$2"; mkdir -p "$2"
  (cd "$1" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) ! -name '*_test.go' -print0 |
    xargs -0 cp --parents -t "$2")
}

# Short hash of a toolchain/ module's sources plus extra words: a cache key,
# so a changed glue module is rebuilt even at the same plugin version.
source_hash() { # dir, extra...
  local dir="$1"; shift
  { (cd "$dir" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) ! -name '*_test.go' -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum); echo "$*"; } | sha256sum | cut -c1-12
}

# A field of toolchain/versions.json for a plugin at an SDK version ("*" is
# the fallback entry); empty when absent.
version_map() { # name, sdk version, field
  node -e '
    const [file, name, ver, field] = process.argv.slice(1);
    const byVer = JSON.parse(require("fs").readFileSync(file, "utf8"))[name] || {};
    const e = byVer[ver] || byVer["*"] || {};
    if (e[field] != null) console.log(typeof e[field] === "string" ? e[field] : JSON.stringify(e[field]));
  ' "$VERSIONS_FILE" "$1" "$2" "$3"
}

# A throwaway module: dir, name, go directive, then go.mod lines (require/replace).
write_wrapper_module() {
  local dir="$1" name="$2" godir="$3"; shift 3
  mkdir -p "$dir"
  {
    printf 'module webstack.local/%s\n\ngo %s\n\n' "$name" "$godir"
    local r
    for r in "$@"; do printf '%s\n' "$r"; done
  } >"$dir/go.mod"
}

# ---- Pulumi CLI -------------------------------------------------------------

cli_dir() { echo "$CACHE/pulumi-v$V_PULUMI"; }

# A pulumi on PATH (not ours) at exactly the wanted version, with its language host.
system_cli() {
  local p v
  p="$(command -v pulumi 2>/dev/null)" || return 1
  case "$p" in "$BIN"/*|"$CACHE"/*) return 1 ;; esac
  v="$("$p" version 2>/dev/null)" || return 1
  [ "$v" = "v$V_PULUMI" ] || return 1
  [ -x "$(dirname "$(readlink -f "$p")")/pulumi-language-nodejs" ] ||
    command -v pulumi-language-nodejs >/dev/null 2>&1 || return 1
  readlink -f "$p"
}

build_cli() {
  local out
  out="$(cli_dir)"
  if [ -x "$out/pulumi" ] && [ "$("$out/pulumi" version 2>/dev/null)" = "v$V_PULUMI" ]; then
    log "Pulumi CLI v$V_PULUMI: cached ($out)"; return 0
  fi
  go_env
  local src="$CACHE/src/pulumi-cli-v$V_PULUMI" start=$SECONDS
  log "Pulumi CLI v$V_PULUMI: building from Go modules (cold: ~5-10 min on 2 cores)"
  mkdir -p "$CACHE" "$src"
  # `go install pkg/v3/cmd/pulumi@v` is refused because pkg's go.mod has
  # replace directives; a wrapper module repeating its non-local ones works.
  local info gomod
  info="$(mod_json "github.com/pulumi/pulumi/pkg/v3@v$V_PULUMI")"
  gomod="$(json_field "$info" GoMod)"
  [ -n "$gomod" ] && [ -f "$gomod" ] ||
    die "could not download github.com/pulumi/pulumi/pkg/v3@v$V_PULUMI from the Go module proxy ($(json_field "$info" Error))"
  check_go_version "$(go_directive "$gomod")"
  local replaces=()
  mapfile -t replaces < <(nonlocal_replaces "$gomod")
  write_wrapper_module "$src" pulumi-cli "$(go_directive "$gomod")" \
    "require (" "	github.com/pulumi/pulumi/pkg/v3 v$V_PULUMI" "	github.com/pulumi/pulumi/sdk/v3 v$V_PULUMI" ")" \
    "${replaces[@]}"
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' >"$src/tools.go"
  run_logged "CLI: go mod tidy (downloads)" "$src/tidy.log" bash -c "cd '$src' && go mod tidy"
  mkdir -p "$out.tmp"
  run_logged "CLI: go build" "$src/build.log" bash -c "cd '$src' && nice -n 10 go build -p $GO_PARALLEL -trimpath \
    -ldflags '-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$V_PULUMI' \
    -o '$out.tmp/pulumi' github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" ||
    die "building the Pulumi CLI failed (log: $src/build.log)"
  rm -rf "$out"; mv "$out.tmp" "$out"
  log "Pulumi CLI v$V_PULUMI: built in $((SECONDS - start))s"
}

# ---- Node.js language host --------------------------------------------------

LANGHOST_MOD=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3

langhost_real_dir() { echo "$CACHE/pulumi-language-nodejs-v$V_PULUMI"; }
# webstack's language host, keyed by the SDK version and its sources' hash.
langhost_own_dir() {
  echo "$CACHE/pulumi-language-nodejs-v$V_PULUMI-webstack-$(source_hash "$GO_SOURCES/language-host" "$V_PULUMI")"
}

# The language host module is untagged: use the commit of the CLI release
# (pkg/v3's tag) as a pseudo-version. Prints the pseudo-version if the proxy
# serves the module there.
langhost_pseudo() {
  local info hash time pv
  info="$(mod_json "github.com/pulumi/pulumi/pkg/v3@v$V_PULUMI")"
  hash="$(json_field "$info" Origin.Hash)"; time="$(info_time "$info")"
  [ -n "$hash" ] && [ -n "$time" ] || return 1
  pv="$(pseudo_version 3 "$time" "$hash")"
  if [ -n "$(json_field "$(mod_json "$LANGHOST_MOD@$pv")" GoMod)" ]; then echo "$pv"; return 0; fi
  log "  $LANGHOST_MOD@$pv: not served by the proxy; trying the bare commit"
  # A complete proxy resolves a bare commit hash to its canonical pseudo-version.
  info="$(mod_json "$LANGHOST_MOD@$hash")"
  [ -n "$(json_field "$info" GoMod)" ] || return 1
  json_field "$info" Version
}

build_langhost_real() {
  local pv="$1" out src start=$SECONDS
  out="$(langhost_real_dir)"; src="$CACHE/src/pulumi-language-nodejs-v$V_PULUMI"
  log "language host v$V_PULUMI: building $LANGHOST_MOD@$pv"
  local gomod replaces=()
  gomod="$(json_field "$(mod_json "$LANGHOST_MOD@$pv")" GoMod)"
  mapfile -t replaces < <(nonlocal_replaces "$gomod")
  write_wrapper_module "$src" pulumi-language-nodejs "$(go_directive "$gomod")" \
    "require (" "	$LANGHOST_MOD $pv" "	github.com/pulumi/pulumi/pkg/v3 v$V_PULUMI" \
    "	github.com/pulumi/pulumi/sdk/v3 v$V_PULUMI" ")" "${replaces[@]}"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$LANGHOST_MOD" >"$src/tools.go"
  run_logged "language host: go mod tidy" "$src/tidy.log" bash -c "cd '$src' && go mod tidy" || return 1
  mkdir -p "$out.tmp"
  run_logged "language host: go build" "$src/build.log" bash -c "cd '$src' && nice -n 10 go build -p $GO_PARALLEL -trimpath \
    -ldflags '-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$V_PULUMI' \
    -o '$out.tmp/pulumi-language-nodejs' $LANGHOST_MOD" || return 1
  rm -rf "$out"; mv "$out.tmp" "$out"
  log "language host v$V_PULUMI: built in $((SECONDS - start))s"
}

# Builds toolchain/language-host against sdk/v3 at the CLI's version.
build_langhost_own() {
  local out src start=$SECONDS
  out="$(langhost_own_dir)"; src="$CACHE/src/pulumi-language-nodejs-v$V_PULUMI-webstack"
  log "language host: building webstack's (toolchain/language-host) against sdk/v3 v$V_PULUMI"
  copy_go_module "$GO_SOURCES/language-host" "$src"
  (cd "$src" && go mod edit -require="github.com/pulumi/pulumi/sdk/v3@v$V_PULUMI")
  mkdir -p "$out.tmp"
  run_logged "language host: go build" "$src/build.log" bash -c "cd '$src' && nice -n 10 go build -p $GO_PARALLEL -trimpath \
    -ldflags '-s -w -X main.version=$V_PULUMI+webstack' -o '$out.tmp/pulumi-language-nodejs' ." || return 1
  rm -rf "$out"; mv "$out.tmp" "$out"
  log "language host (webstack): built in $((SECONDS - start))s"
}

# Prints the dir holding the language host to use, building it if needed.
ensure_langhost() {
  local real own pv
  real="$(langhost_real_dir)"; own="$(langhost_own_dir)"
  [ "$LANGHOST_MODE" = standin ] && LANGHOST_MODE=webstack  # the former name
  if [ "$LANGHOST_MODE" != webstack ] && [ -x "$real/pulumi-language-nodejs" ]; then
    log "language host v$V_PULUMI: cached ($real)"; echo "$real"; return 0
  fi
  go_env
  if [ "$LANGHOST_MODE" != webstack ]; then
    if pv="$(langhost_pseudo)"; then
      build_langhost_real "$pv" && { echo "$real"; return 0; }
      [ "$LANGHOST_MODE" = real ] && die "building the real language host failed"
    else
      log "language host: the Go module proxy does not serve $LANGHOST_MOD at the v$V_PULUMI release commit"
      [ "$LANGHOST_MODE" = real ] &&
        die "WEBSTACK_LANGHOST=real but the module is not available; unset it to use webstack's"
    fi
  fi
  if [ -x "$own/pulumi-language-nodejs" ]; then
    log "language host (webstack) v$V_PULUMI: cached ($own)"
  else
    build_langhost_own || die "building webstack's language host (toolchain/language-host) failed"
  fi
  log "NOTE: using webstack's language host, toolchain/language-host (see docs/toolchain.md)"
  echo "$own"
}

# ---- bin dir ----------------------------------------------------------------

# The CLI loads pulumi-language-nodejs and pulumi-resource-pulumi-nodejs from
# the directory of its own executable; $BIN gathers them.
assemble_bin() {
  local cli="$1" langhost_dir="$2"
  mkdir -p "$BIN"
  # Hard links or copies, not symlinks: the CLI resolves its own path and
  # loads plugins from beside it (else it warns "using ... from $PATH").
  rm -f "$BIN/pulumi" "$BIN/pulumi-language-nodejs"
  ln "$cli" "$BIN/pulumi" 2>/dev/null || cp "$cli" "$BIN/pulumi"
  ln "$langhost_dir/pulumi-language-nodejs" "$BIN/pulumi-language-nodejs" 2>/dev/null ||
    cp "$langhost_dir/pulumi-language-nodejs" "$BIN/pulumi-language-nodejs"
  # Dynamic providers (pulumi.dynamic.Resource) run through this script, which
  # the CLI release archive ships next to the CLI.
  cat >"$BIN/pulumi-resource-pulumi-nodejs" <<'EOF'
#!/bin/sh
# Runs @pulumi/pulumi's dynamic provider host from the program's node_modules.
exec node ${PULUMI_RUNTIME_NODEARGS:-} ./node_modules/@pulumi/pulumi/cmd/dynamic-provider "$@"
EOF
  chmod 755 "$BIN/pulumi-resource-pulumi-nodejs"
}

# The CLI found its language host next to itself (a system install): link it.
assemble_bin_from_system() {
  local cli="$1" dir
  dir="$(dirname "$cli")"
  mkdir -p "$BIN"
  ln -sfn "$cli" "$BIN/pulumi"
  local f
  for f in "$dir"/pulumi-language-nodejs "$dir"/pulumi-resource-pulumi-nodejs "$dir"/pulumi-analyzer-policy; do
    [ -e "$f" ] && ln -sfn "$f" "$BIN/$(basename "$f")"
  done
  [ -e "$BIN/pulumi-language-nodejs" ] ||
    ln -sfn "$(command -v pulumi-language-nodejs)" "$BIN/pulumi-language-nodejs"
}

# ---- provider plugins -------------------------------------------------------

# The version label a plugin is installed under: the SDK version, or the
# label from toolchain/versions.json (random: 4.19.1+bridged; the engine
# ignores build metadata when it matches the SDK's 4.19.1).
plugin_label() { # name
  local ver label
  ver="$(provider_version "$1")"
  label="$(version_map "$1" "$ver" label)"
  echo "${label:-$ver}"
}

# The plugin dir holding a usable binary: the labelled build, or the plain
# release version (e.g. installed from the internet). Empty when neither.
installed_plugin_dir() { # name
  local name="$1" ver label d
  ver="$(provider_version "$name")"; label="$(plugin_label "$name")"
  for d in "$PLUGIN_DIR/resource-$name-v$label" "$PLUGIN_DIR/resource-$name-v$ver"; do
    if [ -x "$d/pulumi-resource-$name" ] && [ ! -e "$d.partial" ]; then echo "$d"; return 0; fi
  done
  return 1
}

# kubernetes: the provider module at the release commit, built through the
# wrapper module toolchain/kubernetes-provider. The module's generate.go
# writes the versioned schema and the Terraform mapping that main.go embeds.
build_kubernetes() { # sdk version, out dir
  local ver="$1" out="$2" mod pv release dir src start=$SECONDS
  mod="$(version_map kubernetes "$ver" module)"; pv="$(version_map kubernetes "$ver" version)"
  release="$(version_map kubernetes "$ver" release)"
  src="$CACHE/src/kubernetes-provider-v$ver"
  log "provider kubernetes v$ver: $mod@$pv (the commit of release $release)"
  dir="$(json_field "$(mod_json "$mod@$pv")" Dir)"
  [ -n "$dir" ] || { MISSING+=("plugin kubernetes v$ver: the Go module proxy did not serve $mod@$pv"); return 1; }
  copy_go_module "$GO_SOURCES/kubernetes-provider" "$src"
  (cd "$src" && go mod edit -require="$mod@$pv")
  local f
  for f in generate.go schema.json terraform-mapping.json; do
    cp "$dir/cmd/pulumi-resource-kubernetes/$f" "$src/$f"; chmod u+w "$src/$f"
  done
  run_logged "kubernetes: generate.go (schema-embed.json, terraform-mapping-embed.json)" "$src/generate.log" \
    bash -c "cd '$src' && VERSION='$ver' go run generate.go" || {
    MISSING+=("plugin kubernetes v$ver: generate.go failed (log: $src/generate.log)"); return 1; }
  mkdir -p "$out.tmp"
  # Version stamp as the release build sets it.
  run_logged "kubernetes: go build" "$src/build.log" bash -c "cd '$src' && nice -n 10 go build -p $GO_PARALLEL -trimpath \
    -ldflags '-s -w -X $mod/pkg/version.Version=$release' -o '$out.tmp/pulumi-resource-kubernetes' ." || {
    MISSING+=("plugin kubernetes v$ver: go build failed (log: $src/build.log)"); return 1; }
  rm -rf "$out"; mv "$out.tmp" "$out"
  log "provider kubernetes v$ver: built in $((SECONDS - start))s"
}

# random: the upstream Terraform provider bridged by toolchain/random-bridge:
# pulumi-tfgen-random writes the schema, pulumi-resource-random embeds it.
build_random() { # sdk version, out dir
  local ver="$1" out="$2" up upv br brv label src updir start=$SECONDS
  up="$(version_map random "$ver" upstream)"; upv="$(version_map random "$ver" upstreamVersion)"
  br="$(version_map random "$ver" bridge)"; brv="$(version_map random "$ver" bridgeVersion)"
  label="$(plugin_label random)"
  src="$CACHE/src/random-bridge-v$label"
  log "provider random v$ver: bridging $up@$upv with $br@$brv"
  copy_go_module "$GO_SOURCES/random-bridge" "$src"
  (cd "$src" && go mod edit -require="$up@$upv" -require="$br@$brv")
  mkdir -p "$src/bin"
  run_logged "random: go build pulumi-tfgen-random" "$src/tfgen-build.log" bash -c "cd '$src' && nice -n 10 go build -p $GO_PARALLEL \
    -trimpath -ldflags '-s -w -X main.version=$label' -o bin/pulumi-tfgen-random ./cmd/pulumi-tfgen-random" || {
    MISSING+=("plugin random v$ver: building the schema generator failed (log: $src/tfgen-build.log)"); return 1; }
  updir="$(cd "$src" && go list -m -f '{{.Dir}}' "$up" 2>/dev/null)" || updir=""
  # --skip-examples: converting the docs' HCL examples needs plugins we do not have.
  run_logged "random: pulumi-tfgen-random schema" "$src/tfgen.log" bash -c "cd '$src' && \
    WEBSTACK_RANDOM_UPSTREAM_DIR='$updir' bin/pulumi-tfgen-random schema --out cmd/pulumi-resource-random --skip-examples" || {
    MISSING+=("plugin random v$ver: generating the schema failed (log: $src/tfgen.log)"); return 1; }
  mkdir -p "$out.tmp"
  run_logged "random: go build pulumi-resource-random" "$src/build.log" bash -c "cd '$src' && nice -n 10 go build -p $GO_PARALLEL \
    -trimpath -ldflags '-s -w -X main.version=$label' -o '$out.tmp/pulumi-resource-random' ./cmd/pulumi-resource-random" || {
    MISSING+=("plugin random v$ver: go build failed (log: $src/build.log)"); return 1; }
  cp "$src/cmd/pulumi-resource-random/schema.json" "$out.tmp/schema.json"
  rm -rf "$out"; mv "$out.tmp" "$out"
  log "provider random v$ver: built in $((SECONDS - start))s"
}

ensure_provider() { # name
  local name="$1" ver label why key out bin marker installed
  ver="$(provider_version "$name")"; label="$(plugin_label "$name")"
  why="$(version_map "$name" "$ver" unavailable)"
  if [ -n "$why" ] || [ -z "$(version_map "$name" "$ver" label)" ]; then
    if installed="$(installed_plugin_dir "$name")"; then
      log "plugin $name v$ver: installed ($installed)"; return 0
    fi
    [ -n "$why" ] || why="toolchain/versions.json has no entry for $name $ver (which Go modules build that release)"
    MISSING+=("plugin $name v$ver: $why")
    log "plugin $name v$ver: cannot be built here"
    return 0
  fi
  key="$(source_hash "$GO_SOURCES/$([ "$name" = random ] && echo random-bridge || echo "$name-provider")" \
    "$(node -e 'const v=require(process.argv[1]);console.log(JSON.stringify(v[process.argv[2]][process.argv[3]]))' \
      "$VERSIONS_FILE" "$name" "$ver")")"
  out="$CACHE/pulumi-resource-$name-v$label-$key"; bin="$out/pulumi-resource-$name"
  marker="$CACHE/installed/$name-v$label"
  if installed="$(installed_plugin_dir "$name")"; then
    # Installed by this script from the current sources, or by someone else
    # (no marker): keep it. Installed by this script from older sources: rebuild.
    if [ ! -f "$marker" ] || [ "$(cat "$marker")" = "$key" ]; then
      log "plugin $name v$label: installed ($installed)"; return 0
    fi
    log "plugin $name v$label: installed from older sources; rebuilding"
  fi
  if [ -x "$bin" ]; then
    log "plugin $name v$label: cached build ($out)"
  else
    go_env
    "build_$name" "$ver" "$out" || return 0
  fi
  log "plugin $name v$label: pulumi plugin install resource $name $label --file $bin --reinstall"
  if "$BIN/pulumi" plugin install resource "$name" "$label" --file "$bin" --reinstall >"$out/install.log" 2>&1; then
    mkdir -p "$CACHE/installed"; echo "$key" >"$marker"
  else
    tail -n 5 "$out/install.log" >&2
    MISSING+=("plugin $name v$label: 'pulumi plugin install' failed (log: $out/install.log)")
  fi
}

# ---- check ------------------------------------------------------------------

# Prints one line per item ("ok ..." or "MISSING ..."); returns non-zero if any is missing.
check_all() {
  local bad=0 v
  if [ -x "$BIN/pulumi" ] && v="$("$BIN/pulumi" version 2>/dev/null)" && [ "$v" = "v$V_PULUMI" ]; then
    echo "ok      pulumi $v ($BIN/pulumi)"
  else
    echo "MISSING pulumi v$V_PULUMI in $BIN (have: ${v:-none})"; bad=1
  fi
  if [ -x "$BIN/pulumi-language-nodejs" ]; then
    v="$("$BIN/pulumi-language-nodejs" -version 2>/dev/null || echo unknown)"
    case "$v" in
      *webstack*) echo "ok      pulumi-language-nodejs $v (webstack's, toolchain/language-host; the real module is not served)" ;;
      *) echo "ok      pulumi-language-nodejs $v" ;;
    esac
  else
    echo "MISSING pulumi-language-nodejs in $BIN"; bad=1
  fi
  local name ver dir why
  for name in $PROVIDERS; do
    ver="$(provider_version "$name")"
    if dir="$(installed_plugin_dir "$name")"; then
      echo "ok      plugin resource $name v$ver (${dir##*/resource-"$name"-v} in $PLUGIN_DIR)"
    else
      why="$(version_map "$name" "$ver" unavailable)"
      echo "MISSING plugin resource $name v$ver in $PLUGIN_DIR${why:+ ($why)}"; bad=1
    fi
  done
  return "$bad"
}

# ---- main -------------------------------------------------------------------

ensure_all() {
  read_versions
  log "versions from package-lock.json: pulumi $V_PULUMI, random $V_RANDOM, kubernetes $V_KUBERNETES, docker $V_DOCKER"
  mkdir -p "$CACHE"
  local sys
  if sys="$(system_cli)"; then
    log "using pulumi v$V_PULUMI from PATH: $sys"
    assemble_bin_from_system "$sys"
  else
    build_cli
    local lh
    lh="$(ensure_langhost)"
    assemble_bin "$(cli_dir)/pulumi" "$lh"
  fi
  local name
  for name in $PROVIDERS; do ensure_provider "$name"; done

  log "done in $((SECONDS - T0))s. Use:"
  # shellcheck disable=SC2016 # $PATH is expanded by the caller's shell
  printf 'export PATH="%s:$PATH"\n' "$BIN"
  if [ ${#MISSING[@]} -gt 0 ]; then
    log "INCOMPLETE: these could not be provided:"
    local m
    for m in "${MISSING[@]}"; do log "  - $m"; done
    log "Install released plugins on a machine with internet access, or with"
    log "pulumi plugin install resource NAME VERSION --file <binary or tarball>"
    exit 3
  fi
}

main() {
  case "${1:-}" in
    "") ensure_all ;;
    --check) read_versions; check_all ;;
    --print-path) echo "$BIN" ;;
    --print-env)
      # shellcheck disable=SC2016 # $PATH is expanded by the caller's shell
      printf 'export PATH="%s:$PATH"\n' "$BIN"
      printf 'export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true\nexport PULUMI_SKIP_UPDATE_CHECK=true\n' ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
}

main "$@"
