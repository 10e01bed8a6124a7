import { isIP } from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import { Role } from '../../entities/access/access.enums';
import { UnauthenticatedError } from '../../core/errors';
import type { AuditService } from '../audit/audit.service';
import { emailHash, type AdmittedLogin, type LoginThrottle } from './login-throttle.service';
import { verifyPassword } from './password.service';
import type { TokenService } from './token.service';
import { runPrepared } from '../sql';
import { forOrganization } from '../tenancy';

// Verified against when the email is unknown, so both failures take the same time.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + 'A'.repeat(86) + '==';

/** Where a login comes from: the throttle decides by its address before any password is hashed. */
export interface LoginClient {
  address?: string;
  throttle: LoginThrottle;
  requestId?: string;
  correlationId?: string;
}

type FailureReason = 'UNKNOWN_EMAIL' | 'WRONG_PASSWORD' | 'ACCOUNT_INACTIVE';

export class AuthService {
  constructor(
    private readonly em: EntityManager,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async login(email: string, password: string, client: LoginClient) {
    const normalized = email.trim().toLowerCase();
    // Throws RATE_LIMITED before the user is looked up or scrypt runs: a throttled attempt costs no CPU.
    const admitted = await client.throttle.admit(normalized, client.address);
    // The email names the organization (a narrow SECURITY DEFINER lookup, row-level security hides
    // every account before); the account is then read and the login written within it.
    const [found] = await runPrepared<{ id: string | null }>(
      this.em,
      'select tenancy_login_organization(?) as id',
      [normalized],
    );
    return forOrganization(found?.id ?? null, () => this.verify(normalized, password, admitted, client));
  }

  private async verify(normalized: string, password: string, admitted: AdmittedLogin, client: LoginClient) {
    const user = await this.em.findOne(
      User,
      { email: normalized },
      { filters: false, populate: ['passwordHash'] },
    );
    const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.active || !valid) {
      const reason: FailureReason = !user ? 'UNKNOWN_EMAIL' : valid ? 'ACCOUNT_INACTIVE' : 'WRONG_PASSWORD';
      await this.recordFailure(normalized, user, reason, client);
      throw new UnauthenticatedError('Email or password is wrong.');
    }
    await admitted.succeeded();
    user.lastLoginAt = new Date();
    await this.audit.writeLogin(this.em, {
      ...this.origin(client),
      organizationId: user.organization.id,
      actorUserId: user.id,
      role: user.role as unknown as Role,
      action: AuditAction.LOGIN,
      entityType: 'User',
      entityId: user.id,
    });
    const role = user.role as unknown as Role;
    const { token, expiresAt } = await this.tokens.issue({
      userId: user.id,
      organizationId: user.organization.id,
      role,
    });
    return { token, expiresAt, role };
  }

  /**
   * One audit row per refused password check, in its own write. The caller is unknown (no actor): the
   * row names the account tried (its organization sees it) or, for an email no account has, only the
   * email's hash. Never the password.
   */
  private async recordFailure(
    normalizedEmail: string,
    user: User | null,
    reason: FailureReason,
    client: LoginClient,
  ): Promise<void> {
    await this.audit.writeLogin(this.em.fork(), {
      ...this.origin(client),
      organizationId: user?.organization.id,
      role: user ? (user.role as unknown as Role) : undefined,
      action: AuditAction.LOGIN_FAILED,
      entityType: 'User',
      entityId: user?.id,
      emailHash: user ? undefined : emailHash(normalizedEmail),
      reason,
    });
  }

  private origin(client: LoginClient) {
    return {
      clientAddress: client.address && isIP(client.address) ? client.address : undefined,
      requestId: client.requestId,
      correlationId: client.correlationId,
    };
  }
}
