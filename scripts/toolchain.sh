#!/usr/bin/env bash
# Hermetic Pulumi toolchain for webstack, built from Go modules when needed.
#
# Makes sure these exist, at the versions package-lock.json asks for:
#   - the Pulumi CLI (version of @pulumi/pulumi)
#   - the Node.js language host pulumi-language-nodejs, beside the CLI
#   - the resource plugins random, kubernetes, docker (versions of
#     @pulumi/random, @pulumi/kubernetes, @pulumi/docker), in $PULUMI_HOME/plugins
# A `pulumi` on PATH at the right version (with its language host) is used as
# is. Otherwise everything is built from the Go module proxy, because on the
# project's machines nothing but package registries can be reached (no GitHub
# release downloads, no plugin auto-download). See docs/toolchain.md.
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
#                             can be fetched, else a small stand-in built from
#                             sdk/v3 of the same version; real; standin
#   WEBSTACK_PROVIDERS        plugins to ensure (default "random kubernetes docker")
#   WEBSTACK_GO_PARALLEL      go build -p (default 2)
#   WEBSTACK_GONOSUMDB        modules not checked against the checksum database
#                             (default github.com/pulumi/*; see docs/toolchain.md)
#   PULUMI_HOME               plugin dir root (default ~/.pulumi)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
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
  # entries for some github.com/pulumi versions (404), so those are taken as
  # the proxy serves them; every other module is still verified.
  export GONOSUMDB="${WEBSTACK_GONOSUMDB:-github.com/pulumi/*}"
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
langhost_standin_dir() { echo "$CACHE/pulumi-language-nodejs-v$V_PULUMI-standin"; }

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

build_langhost_standin() {
  local out src start=$SECONDS
  out="$(langhost_standin_dir)"; src="$CACHE/src/pulumi-language-nodejs-v$V_PULUMI-standin"
  log "language host: building the webstack stand-in against sdk/v3 v$V_PULUMI"
  mkdir -p "$src"
  write_wrapper_module "$src" language-nodejs-standin 1.25 "require github.com/pulumi/pulumi/sdk/v3 v$V_PULUMI"
  standin_source >"$src/main.go"
  run_logged "stand-in: go mod tidy" "$src/tidy.log" bash -c "cd '$src' && go mod tidy" || return 1
  mkdir -p "$out.tmp"
  run_logged "stand-in: go build" "$src/build.log" bash -c "cd '$src' && nice -n 10 go build -p $GO_PARALLEL -trimpath \
    -ldflags '-s -w -X main.version=$V_PULUMI+webstack-standin' -o '$out.tmp/pulumi-language-nodejs' ." || return 1
  rm -rf "$out"; mv "$out.tmp" "$out"
  log "language host stand-in: built in $((SECONDS - start))s"
}

# Prints the dir holding the language host to use, building it if needed.
ensure_langhost() {
  local real standin pv
  real="$(langhost_real_dir)"; standin="$(langhost_standin_dir)"
  if [ "$LANGHOST_MODE" != standin ] && [ -x "$real/pulumi-language-nodejs" ]; then
    log "language host v$V_PULUMI: cached ($real)"; echo "$real"; return 0
  fi
  go_env
  if [ "$LANGHOST_MODE" != standin ]; then
    if pv="$(langhost_pseudo)"; then
      build_langhost_real "$pv" && { echo "$real"; return 0; }
      [ "$LANGHOST_MODE" = real ] && die "building the real language host failed"
    else
      log "language host: the Go module proxy does not serve $LANGHOST_MOD at the v$V_PULUMI release commit"
      [ "$LANGHOST_MODE" = real ] &&
        die "WEBSTACK_LANGHOST=real but the module is not available; unset it to use the stand-in"
    fi
  fi
  if [ -x "$standin/pulumi-language-nodejs" ]; then
    log "language host stand-in v$V_PULUMI: cached ($standin)"
  else
    build_langhost_standin || die "building the language host stand-in failed"
  fi
  log "NOTE: using the webstack stand-in language host (see docs/toolchain.md)"
  echo "$standin"
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

plugin_installed() { # name version
  [ -x "$PLUGIN_DIR/resource-$1-v$2/pulumi-resource-$1" ] && [ ! -e "$PLUGIN_DIR/resource-$1-v$2.partial" ]
}

# Commit of the provider release: the sdk/ module is tagged (sdk/vX.Y.Z) on
# the release commit, the provider/ module is not. Prints "hash time".
provider_release_commit() { # name version
  local name="$1" ver="$2" major info hash
  major="${ver%%.*}"
  info="$(mod_json "github.com/pulumi/pulumi-$name/sdk/v$major@v$ver")"
  hash="$(json_field "$info" Origin.Hash)"
  [ -n "$hash" ] || return 1
  echo "$hash $(info_time "$info")"
}

# Prints "modulepath pseudo-version" of the provider/ module at the release commit.
provider_module() { # name version
  local name="$1" ver="$2" hash time major m pv
  read -r hash time < <(provider_release_commit "$name" "$ver") || return 1
  [ -n "$hash" ] || return 1
  major="${ver%%.*}"
  # The provider module's major can lag the release's (e.g. docker 5.x).
  for m in "$major" "$((major - 1))"; do
    pv="$(pseudo_version "$m" "$time" "$hash")"
    if [ -n "$(json_field "$(mod_json "github.com/pulumi/pulumi-$name/provider/v$m@$pv")" Dir)" ]; then
      echo "github.com/pulumi/pulumi-$name/provider/v$m $pv"; return 0
    fi
  done
  return 1
}

# Modules that a provider's go.mod replaces with directories outside its
# module zip. Only known small shims are recreated; anything else is reported.
restore_local_replaces() { # src name
  local src="$1" name="$2" old new
  while read -r old new; do
    [ -e "$src/$new" ] && continue
    case "$name:$new" in
      random:./shim|random:shim)
        # The random shim re-exports the upstream provider constructor from a
        # module path under terraform-provider-random, so that it may import
        # the upstream's internal package.
        mkdir -p "$src/shim"
        printf 'module %s\n\ngo 1.21\n' "$old" >"$src/shim/go.mod"
        cat >"$src/shim/shim.go" <<'EOF'
package shim

import (
	tfpf "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/terraform-providers/terraform-provider-random/internal/provider"
)

func NewProvider() tfpf.Provider { return provider.New() }
EOF
        ;;
      *)
        log "  $name: go.mod replaces $old with $new, which is not part of the module zip"
        return 1 ;;
    esac
  done < <(go mod edit -json "$src/go.mod" | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const r of m.Replace || []) if (!r.New.Version) console.log(r.Old.Path + " " + r.New.Path);')
}

# The cmd main embeds generated, git-ignored files (schema-embed.json, ...)
# that its generate.go writes from the committed schema.json.
generate_embeds() { # src name
  local cmd="$1/cmd/pulumi-resource-$2"
  if [ -f "$cmd/generate.go" ]; then
    (cd "$cmd" && go run ./generate.go) >>"$1/generate.log" 2>&1 || true
  fi
  local f
  for f in $(grep -ho '//go:embed [^ ]*' "$cmd"/*.go 2>/dev/null | awk '{print $2}'); do
    [ -e "$cmd/$f" ] && continue
    case "$f" in
      schema-embed.json) cp "$cmd/schema.json" "$cmd/$f" ;;
      *) log "  $2: missing embedded file $f (not produced by generate.go)"; return 1 ;;
    esac
  done
}

build_provider() { # name version
  local name="$1" ver="$2" out src mod pv start=$SECONDS
  out="$CACHE/pulumi-resource-$name-v$ver"; src="$CACHE/src/pulumi-resource-$name-v$ver"
  log "provider $name v$ver: locating the release commit's provider module"
  read -r mod pv < <(provider_module "$name" "$ver") || {
    MISSING+=("plugin $name v$ver: the Go module proxy does not serve github.com/pulumi/pulumi-$name/provider at the v$ver release commit")
    log "  $name: not available from the Go module proxy"; return 1; }
  local dir
  dir="$(json_field "$(mod_json "$mod@$pv")" Dir)"
  rm -rf "$src"; mkdir -p "$(dirname "$src")"
  cp -r "$dir" "$src"; chmod -R u+w "$src"
  restore_local_replaces "$src" "$name" && generate_embeds "$src" "$name" || {
    MISSING+=("plugin $name v$ver: its module at $pv needs files outside the module zip (see log above)")
    return 1; }
  mkdir -p "$out.tmp"
  # Version stamp as in the provider's Makefile: -X <module>/pkg/version.Version.
  run_logged "provider $name: go build" "$src/build.log" bash -c "cd '$src' && nice -n 10 go build -p $GO_PARALLEL -trimpath \
    -ldflags '-s -w -X $mod/pkg/version.Version=$ver' -o '$out.tmp/pulumi-resource-$name' ./cmd/pulumi-resource-$name" || {
    MISSING+=("plugin $name v$ver: go build failed (log: $src/build.log)"); return 1; }
  rm -rf "$out"; mv "$out.tmp" "$out"
  log "provider $name v$ver: built in $((SECONDS - start))s"
}

ensure_provider() { # name
  local name="$1" ver bin
  ver="$(provider_version "$name")"
  if plugin_installed "$name" "$ver"; then
    log "plugin $name v$ver: installed"; return 0
  fi
  bin="$CACHE/pulumi-resource-$name-v$ver/pulumi-resource-$name"
  if [ ! -x "$bin" ]; then
    go_env
    build_provider "$name" "$ver" || return 0
  fi
  log "plugin $name v$ver: pulumi plugin install resource $name $ver --file $bin"
  "$BIN/pulumi" plugin install resource "$name" "$ver" --file "$bin" >/dev/null ||
    MISSING+=("plugin $name v$ver: 'pulumi plugin install' failed")
}

# ---- check ------------------------------------------------------------------

# Prints one line per missing item; returns non-zero if any.
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
      *standin*) echo "ok      pulumi-language-nodejs $v (webstack stand-in; the real module was not available)" ;;
      *) echo "ok      pulumi-language-nodejs $v" ;;
    esac
  else
    echo "MISSING pulumi-language-nodejs in $BIN"; bad=1
  fi
  local name ver
  for name in $PROVIDERS; do
    ver="$(provider_version "$name")"
    if plugin_installed "$name" "$ver"; then
      echo "ok      plugin resource $name v$ver ($PLUGIN_DIR)"
    else
      echo "MISSING plugin resource $name v$ver in $PLUGIN_DIR"; bad=1
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
    log "Get them on a machine with a complete Go module proxy (or internet), or install released"
    log "plugins with: pulumi plugin install resource NAME VERSION --file <binary or tarball>"
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
    -h|--help) sed -n '2,37p' "$0" ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
}

# ---- stand-in language host source ------------------------------------------

# Used only when the real module cannot be fetched. Kept here (not in a Go
# package of the repo) so that the project's own build never compiles it.
standin_source() {
  cat <<'GO'
// webstack stand-in for pulumi-language-nodejs.
//
// Used only when the real language host module cannot be fetched from the Go
// module proxy. It implements what `pulumi preview/up/destroy` and
// `--policy-pack` need for Node.js programs, built against the same
// github.com/pulumi/pulumi/sdk/v3 version as the CLI: it starts
// @pulumi/pulumi/cmd/run (programs), @pulumi/pulumi/cmd/run-policy-pack
// (policy packs, through sdk.PolicyProxy) or @pulumi/pulumi/cmd/run-plugin.
// Not implemented: code generation, Pack/Link, the synchronous-invoke pipes,
// debugger attach, bun.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Set with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

// Exit code by which the Node runtime says it already printed an actionable error.
const exitAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.String("tracing", "", "ignored")
	flag.String("runtime", "nodejs", "ignored (only nodejs is supported)")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}
	h := &host{}
	if flag.NArg() > 0 {
		h.engineAddress = flag.Arg(0)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if h.engineAddress != "" {
		// Exit when the engine goes away, as the real host does.
		if err := rpcutil.Healthcheck(ctx, h.engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check: %w", err))
		}
	}
	done := make(chan bool)
	go func() { <-ctx.Done(); close(done) }()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: done,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(err)
	}
}

func (h *host) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.EngineAddress != "" {
		h.engineAddress = req.EngineAddress
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPackages lists node_modules packages whose package.json says
// {"pulumi": {"resource": true}}: those are the resource plugins to load.
func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	var pkgs []*pulumirpc.PackageDependency
	seen := map[string]bool{}
	root := filepath.Join(req.Info.ProgramDirectory, "node_modules")
	_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "package.json" {
			return nil
		}
		var info struct {
			Name    string                  `json:"name"`
			Version string                  `json:"version"`
			Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
		}
		b, err := os.ReadFile(path)
		if err != nil || json.Unmarshal(b, &info) != nil || !info.Pulumi.Resource {
			return nil
		}
		name := info.Pulumi.Name
		if name == "" && strings.HasPrefix(info.Name, "@pulumi/") {
			name = strings.TrimPrefix(info.Name, "@pulumi/")
		}
		ver := info.Pulumi.Version
		if ver == "" {
			ver = info.Version
		}
		if name == "" || ver == "" {
			return nil
		}
		if !strings.HasPrefix(ver, "v") {
			ver = "v" + ver
		}
		dep := &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: ver, Server: info.Pulumi.Server}
		if p := info.Pulumi.Parameterization; p != nil {
			dep.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
		}
		key := dep.Name + "@" + dep.Version
		if !seen[key] {
			seen[key] = true
			pkgs = append(pkgs, dep)
		}
		return nil
	})
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

// locateModule resolves a module (e.g. @pulumi/pulumi/cmd/run) from dir.
func locateModule(dir, mod string) (string, error) {
	cmd := exec.Command("node", "-e", fmt.Sprintf("console.log(require.resolve(%q))", mod))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s: is @pulumi/pulumi installed there (npm ci)? %w",
			mod, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

type nodeOpts struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func parseOpts(info *pulumirpc.ProgramInfo) nodeOpts {
	o := nodeOpts{typescript: true}
	if info == nil || info.Options == nil {
		return o
	}
	m := info.Options.AsMap()
	if v, ok := m["typescript"].(bool); ok {
		o.typescript = v
	}
	if v, ok := m["tsconfig"].(string); ok {
		o.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		o.nodeargs = strings.Fields(v)
	}
	return o
}

func (o nodeOpts) env(base []string) []string {
	if o.typescript {
		base = append(base, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		base = append(base, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return base
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	runPath, err := locateModule(req.Info.ProgramDirectory, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	// Config keys go to the runtime in the old "<pkg>:config:<name>" form, as the real host does.
	cfg := map[string]string{}
	for k, v := range req.GetConfig() {
		pk, err := config.ParseKey(k)
		if err != nil {
			return nil, err
		}
		cfg[pk.Namespace()+":config:"+pk.Name()] = v
	}
	cfgJSON, _ := json.Marshal(cfg)
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, _ := json.Marshal(secretKeys)

	opts := parseOpts(req.Info)
	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", req.GetInfo().GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", req.Info.ProgramDirectory)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, req.Info.EntryPoint)
	args = append(args, req.GetArgs()...)

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = opts.env(append(os.Environ(),
		"PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON)))
	// Wrapped writers: node may switch its stdio to non-blocking mode.
	cmd.Stdout = struct{ *os.File }{os.Stdout}
	cmd.Stderr = struct{ *os.File }{os.Stderr}
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitAfterUserMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: "could not run node: " + err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin runs policy packs (kind "analyzer") and Node.js plugins.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	analyzer := req.Kind == string(apitype.AnalyzerPlugin)
	mod := "@pulumi/pulumi/cmd/run-plugin"
	if analyzer {
		mod = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runPath, err := locateModule(req.Info.ProgramDirectory, mod)
	if err != nil {
		return err
	}
	opts := parseOpts(req.Info)
	env := opts.env(append([]string{}, req.Env...))
	args := append(append([]string{}, opts.nodeargs...), runPath)
	if analyzer { // engine address first, the policy pack directory last
		args = append(append(args, req.Args...), req.Info.ProgramDirectory)
	} else {
		args = append(append(args, req.Info.ProgramDirectory), req.Args...)
	}

	// A policy pack needs the stack's configuration in its environment; the
	// engine only sends it over the analyzer protocol, so a proxy answers the
	// engine first and then forwards to the real policy pack process.
	var proxy *sdk.PolicyProxy
	if analyzer {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start policy pack proxy: %w", err)
		}
		stackCfg, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get stack configuration: %w", err)
		}
		if stackCfg != nil {
			set := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			set("PULUMI_NODEJS_ORGANIZATION", stackCfg.Organization)
			set("PULUMI_NODEJS_PROJECT", stackCfg.Project)
			set("PULUMI_NODEJS_STACK", stackCfg.Stack)
			set("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stackCfg.DryRun))
			if stackCfg.Config != nil {
				b, err := json.Marshal(stackCfg.Config)
				if err != nil {
					return err
				}
				set("PULUMI_CONFIG", string(b))
			}
		}
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.Pwd
	if analyzer { // policy packs always ran from their own directory
		cmd.Dir = req.Info.ProgramDirectory
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not run node: %w", err)
	}
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach policy pack proxy: %w", err)
		}
		return nil
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("plugin exited: %w", err)
	}
	return closer.Close()
}

// InstallDependencies backs `pulumi install`: npm/yarn/pnpm install in the program directory.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	if _, err := npm.Install(server.Context(), npm.AutoPackageManager, req.Info.ProgramDirectory,
		false, stdout, stderr); err != nil {
		return err
	}
	return closer.Close()
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node not found: %w", err)
	}
	path, _ := exec.LookPath("node")
	return &pulumirpc.AboutResponse{Executable: path, Version: strings.TrimSpace(string(out))}, nil
}
GO
}

main "$@"
