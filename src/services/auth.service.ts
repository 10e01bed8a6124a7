import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent, User } from '../entities';
import { AuditAction, Role } from '../entities/enums';
import { UnauthenticatedError } from '../server/errors';
import { verifyPassword } from './password.service';
import type { TokenService } from './token.service';

// Verified against when the email is unknown, so both failures take the same time.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + 'A'.repeat(86) + '==';

export class AuthService {
  constructor(
    private readonly em: EntityManager,
    private readonly tokens: TokenService,
  ) {}

  async login(email: string, password: string) {
    const user = await this.em.findOne(
      User,
      { email: email.trim().toLowerCase(), active: true },
      { filters: false, populate: ['passwordHash'] },
    );
    const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !valid) throw new UnauthenticatedError('Email or password is wrong.');
    user.lastLoginAt = new Date();
    this.em.persist(
      this.em.create(AuditEvent, {
        organizationId: user.organization.id,
        actorUserId: user.id,
        role: user.role as unknown as Role,
        action: AuditAction.LOGIN,
        entityType: 'User',
        entityId: user.id,
        fields: [],
      }),
    );
    await this.em.flush();
    const role = user.role as unknown as Role;
    const { token, expiresAt } = await this.tokens.issue({
      userId: user.id,
      organizationId: user.organization.id,
      role,
    });
    return { token, expiresAt, role };
  }
}
