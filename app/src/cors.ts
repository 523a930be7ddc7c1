// CORS decision kept pure so it can be unit-tested: only exact allowlisted
// origins are echoed; everyone else gets no Access-Control-Allow-Origin.

export function corsHeaders(origin: string | undefined, allowlist: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = { Vary: 'Origin' };
  if (origin && allowlist.includes(origin)) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Access-Control-Expose-Headers'] = 'x-correlation-id';
  }
  return headers;
}

export function preflightHeaders(origin: string | undefined, allowlist: readonly string[]): Record<string, string> {
  const headers = corsHeaders(origin, allowlist);
  if (headers['Access-Control-Allow-Origin']) {
    headers['Access-Control-Allow-Methods'] = 'GET, POST, OPTIONS';
    headers['Access-Control-Allow-Headers'] = 'authorization, content-type, x-correlation-id';
    headers['Access-Control-Max-Age'] = '600';
  }
  return headers;
}
