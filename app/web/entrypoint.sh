#!/bin/sh
# Container entrypoint for the web image: writes /config.json from the
# environment, renders the nginx config, then runs nginx in the foreground.
# Everything written goes under /tmp, so a read-only root file system works.
# `--render-only` stops after writing the files (used by tests).
set -eu

WEB_ROOT="${WEB_ROOT:-/usr/share/webstack/html}"
TEMPLATE="${WEB_NGINX_TEMPLATE:-/etc/webstack/nginx.conf.template}"
RUN_DIR="${WEB_RUN_DIR:-/tmp/nginx}"
CONFIG_DIR="${WEB_CONFIG_DIR:-/tmp/webstack}"
PORT="${WEB_PORT:-8080}"

api_base="${WEB__PUBLIC_API_BASE_URL:-}"

# JSON string body: escape backslash and quote, drop control characters.
json_escape() {
  printf '%s' "$1" | tr -d '\000-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

# The api origin is allowed in CSP connect-src; a relative base needs only 'self'.
case "$api_base" in
  http://*|https://*) api_origin=$(printf '%s' "$api_base" | sed -E 's#^(https?://[^/?#]+).*#\1#') ;;
  "" | /*) api_origin="" ;;
  *) echo "WEB__PUBLIC_API_BASE_URL must be an http(s) URL or an absolute path" >&2; exit 64 ;;
esac
if printf '%s' "$api_origin" | grep -q '[^A-Za-z0-9.:/[-]'; then
  echo "WEB__PUBLIC_API_BASE_URL has characters not allowed in an origin" >&2
  exit 64
fi
connect_src="'self'${api_origin:+ $api_origin}"
case "$PORT" in
  ''|*[!0-9]*) echo "WEB_PORT must be a number" >&2; exit 64 ;;
esac

# A non-root user cannot always reopen /dev/stdout (e.g. a root-owned pipe);
# then access logging is switched off rather than failing the start.
if (: >> /dev/stdout) 2>/dev/null; then
  access_log=/dev/stdout
else
  access_log=off
  echo "entrypoint: /dev/stdout not writable by uid $(id -u), access log off" >&2
fi

mkdir -p "$RUN_DIR" "$CONFIG_DIR"
printf '{"apiBaseUrl":"%s","gitSha":"%s","appVersion":"%s","buildDate":"%s"}\n' \
  "$(json_escape "$api_base")" \
  "$(json_escape "${GIT_SHA:-unknown}")" \
  "$(json_escape "${APP_VERSION:-unknown}")" \
  "$(json_escape "${BUILD_DATE:-unknown}")" > "$CONFIG_DIR/config.json.tmp"
mv "$CONFIG_DIR/config.json.tmp" "$CONFIG_DIR/config.json"

sed -e "s|__CONNECT_SRC__|$connect_src|g" \
    -e "s|__WEB_ROOT__|$WEB_ROOT|g" \
    -e "s|__RUN_DIR__|$RUN_DIR|g" \
    -e "s|__CONFIG_DIR__|$CONFIG_DIR|g" \
    -e "s|__ACCESS_LOG__|$access_log|g" \
    -e "s|__PORT__|$PORT|g" \
    "$TEMPLATE" > "$RUN_DIR/nginx.conf"

if [ "${1:-}" = "--render-only" ]; then
  exit 0
fi

# Official images and Debian both install nginx as /usr/sbin/nginx.
nginx_bin="${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}"
# -e: log early start-up errors to stderr instead of the compiled-in file path.
exec "$nginx_bin" -e stderr -p "$RUN_DIR/" -c "$RUN_DIR/nginx.conf" -g 'daemon off;' "$@"
