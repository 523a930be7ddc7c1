// HS256 bearer tokens. Verification accepts any kid in the verify-key map
// (current and previous key), so rotating the signing key never logs users out.
import { errors, jwtVerify, JWTPayload, ProtectedHeaderParameters, SignJWT } from 'jose';

export type AuthFailure = 'missing_token' | 'malformed' | 'unknown_kid' | 'bad_signature' | 'expired' | 'bad_claims';

export class AuthError extends Error {
  constructor(readonly reason: AuthFailure) {
    super(`unauthorized: ${reason}`);
    this.name = 'AuthError';
  }
}

export interface VerifyOptions {
  issuer: string;
  audience: string;
  verifyKeys: Record<string, string>;
}

const encoder = new TextEncoder();

/** Keys are the credential strings themselves; their UTF-8 bytes are the HMAC key. */
export function keyBytes(key: string): Uint8Array {
  return encoder.encode(key);
}

export function bearerToken(header: string | undefined): string {
  const match = /^Bearer ([A-Za-z0-9\-_.]+)$/.exec(header ?? '');
  if (!match) throw new AuthError('missing_token');
  return match[1];
}

export async function verifyToken(token: string, opts: VerifyOptions): Promise<JWTPayload> {
  const resolveKey = (header: ProtectedHeaderParameters): Uint8Array => {
    const key = header.kid !== undefined && Object.hasOwn(opts.verifyKeys, header.kid) ? opts.verifyKeys[header.kid] : undefined;
    if (key === undefined) throw new AuthError('unknown_kid');
    return keyBytes(key);
  };
  try {
    const { payload } = await jwtVerify(token, resolveKey, {
      algorithms: ['HS256'],
      issuer: opts.issuer,
      audience: opts.audience,
      requiredClaims: ['exp'],
    });
    return payload;
  } catch (err) {
    if (err instanceof AuthError) throw err;
    if (err instanceof errors.JWTExpired) throw new AuthError('expired');
    if (err instanceof errors.JWSSignatureVerificationFailed) throw new AuthError('bad_signature');
    if (err instanceof errors.JWTClaimValidationFailed) throw new AuthError('bad_claims');
    throw new AuthError('malformed');
  }
}

export interface SignOptions {
  issuer: string;
  audience: string;
  kid: string;
  key: string;
  subject?: string;
  ttlSeconds?: number;
}

export async function signToken(opts: SignOptions): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', kid: opts.kid, typ: 'JWT' })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setSubject(opts.subject ?? 'smoke-test')
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds ?? 900}s`)
    .sign(keyBytes(opts.key));
}
