// `node dist/token.js [--sub NAME] [--ttl SECONDS]`: prints a bearer token
// signed with the current key, for smoke tests. Tokens are never minted over HTTP.
import { loadTokenConfig } from './config';
import { signToken } from './jwt';
import { loadOrExit } from './runtime';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const config = loadOrExit(() => loadTokenConfig(), 'token');
const ttl = Number(arg('--ttl') ?? 900);
if (!Number.isInteger(ttl) || ttl <= 0) {
  process.stderr.write('--ttl must be a positive integer\n');
  process.exit(2);
}
void signToken({
  issuer: config.issuer,
  audience: config.audience,
  kid: config.signingKid,
  key: config.signingKey,
  subject: arg('--sub') ?? 'smoke-test',
  ttlSeconds: ttl,
}).then((token) => process.stdout.write(token + '\n'));
