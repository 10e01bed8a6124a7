import { jwtVerify, SignJWT } from 'jose';
import type { Role } from '../../entities/access/access.enums';

export interface TokenClaims {
  userId: string;
  organizationId: string;
  role: Role;
}

const ISSUER = 'wellness-records-api';

/** Short-lived HS256 JWTs for staff, signed with the configured secret. */
export class TokenService {
  private readonly key: Uint8Array;

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
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      if (
        typeof payload.sub !== 'string' ||
        typeof payload.org !== 'string' ||
        typeof payload.role !== 'string'
      ) {
        return null;
      }
      return { userId: payload.sub, organizationId: payload.org, role: payload.role as Role };
    } catch {
      return null;
    }
  }
}
