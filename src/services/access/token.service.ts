import { jwtVerify, SignJWT } from 'jose';
import type { Role } from '../../entities/access/access.enums';

export interface TokenClaims {
  userId: string;
  organizationId: string;
  role: Role;
}

const ISSUER = 'wellness-records-api';
/** Verified tokens kept (their claims until they expire); past this the oldest is dropped. */
const VERIFIED_TOKENS = 10_000;

/** Short-lived HS256 JWTs for staff, signed with the configured secret. */
export class TokenService {
  private readonly key: Uint8Array;
  /**
   * Tokens this instance verified, with their claims and expiry (seconds): a staff member's token is
   * checked on every request of its life, and jose's HMAC check and claim parsing were a twentieth
   * of a read's CPU. Only verified tokens enter; each use checks the expiry as jose does.
   */
  private readonly verified = new Map<string, { claims: TokenClaims; expiresAt: number }>();

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(claims: TokenClaims): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    const token = await new SignJWT({ org: claims.organizationId, role: claims.role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  /** Returns the claims, or null for a token that is malformed, forged or expired. */
  async verify(token: string): Promise<TokenClaims | null> {
    const known = this.verified.get(token);
    // jose refuses a token once `exp` is not after the current second.
    if (known && known.expiresAt > Math.floor(Date.now() / 1000)) return known.claims;
    if (known) this.verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      if (
        typeof payload.sub !== 'string' ||
        typeof payload.org !== 'string' ||
        typeof payload.role !== 'string' ||
        typeof payload.exp !== 'number'
      ) {
        return null;
      }
      const claims = { userId: payload.sub, organizationId: payload.org, role: payload.role as Role };
      if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { claims, expiresAt: payload.exp });
      return claims;
    } catch {
      return null;
    }
  }
}
