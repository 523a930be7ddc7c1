#!/bin/sh
# Container health check for the web image: exit 0 iff GET <url> answers 200.
# Uses whatever the base image has: busybox/GNU wget (official alpine image),
# curl, or perl (Debian images always ship perl-base).
# Usage: sh /usr/local/bin/webstack-web-healthcheck.sh [URL]
url="${1:-http://127.0.0.1:${WEB_PORT:-8080}/healthz}"

if command -v wget >/dev/null 2>&1; then
  exec wget -q -O /dev/null -T 3 "$url"
elif command -v curl >/dev/null 2>&1; then
  exec curl -fsS -m 3 -o /dev/null "$url"
elif command -v perl >/dev/null 2>&1; then
  exec perl -MIO::Socket::INET -e '
    my ($host, $port, $path) = $ARGV[0] =~ m{^http://([^/:]+)(?::(\d+))?(/.*)?$} or exit 1;
    my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port || 80, Timeout => 3) or exit 1;
    print $s "GET " . ($path || "/") . " HTTP/1.0\r\nHost: $host\r\n\r\n";
    my $status = <$s>;
    exit(defined $status && $status =~ m{^HTTP/\S+ 200 } ? 0 : 1);
  ' "$url"
fi
echo "healthcheck: no wget, curl or perl in this image" >&2
exit 1
