// `node dist/healthcheck.js [URL]`: exit 0 on a 2xx answer within 3 s, else 1.
// The app image has no curl or wget; use this in Docker HEALTHCHECK / exec probes.
import { get } from 'node:http';

const prefix = process.env.SERVICE_PREFIX?.toUpperCase() || 'API';
const url = process.argv[2] ?? `http://127.0.0.1:${process.env[`${prefix}__PORT`] ?? '8080'}/health`;
const req = get(url, { timeout: 3000 }, (res) => {
  res.resume();
  process.exit(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (err) => {
  process.stderr.write(`healthcheck failed: ${err.message}\n`);
  process.exit(1);
});
