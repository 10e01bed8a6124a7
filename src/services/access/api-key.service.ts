import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from '../../entities';
import { BadInputError, NotFoundError } from '../../core/errors';
import type { Viewer } from '../../core/viewer';
import { AuditService } from '../audit/audit.service';
import { AuditAction } from '../../entities/audit/audit.enums';
import { runPrepared } from '../sql';

const LAST_USED_PRECISION_MS = 60_000;
/** Per-minute budgets fit the limiter's integer column with room for a query's cost on top. */
const MAX_RATE_LIMIT = 1_000_000_000;

/** Keys look like `wk_<prefix>_<secret>`: the prefix finds the row, the secret is compared by hash. */
const KEY_PATTERN = /^wk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export const API_KEY_SCOPES = ['customers:read', 'customers:write', 'ledger:write'] as const;
/** What a key gets when created without scopes, as the schema documents: no money moves. */
export const DEFAULT_API_KEY_SCOPES = ['customers:read', 'customers:write'] as const;

function hashSecret(secret: string): string {
  // The secret has 256 bits of entropy, so a fast hash is enough (unlike a password).
  return createHash('sha256').update(secret).digest('hex');
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The full key; shown once, never stored. */
  secret: string;
}

export class ApiKeyService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
  ) {}

  async create(input: {
    name: string;
    scopes?: string[];
    expiresAt?: Date;
    rateLimitPerMinute?: number | null;
  }): Promise<CreatedApiKey> {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 100) {
      throw new BadInputError('name', 'length', 'name must be 1 to 100 characters.');
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new BadInputError('expiresAt', 'future', 'expiresAt must be in the future.');
    }
    const rateLimitPerMinute = input.rateLimitPerMinute ?? undefined;
    if (rateLimitPerMinute !== undefined && (rateLimitPerMinute < 1 || rateLimitPerMinute > MAX_RATE_LIMIT)) {
      throw new BadInputError(
        'rateLimitPerMinute',
        'range',
        `rateLimitPerMinute must be 1 to ${MAX_RATE_LIMIT} query cost points per minute.`,
      );
    }
    const scopes = input.scopes ?? [...DEFAULT_API_KEY_SCOPES];
    const unknown = scopes.filter((scope) => !(API_KEY_SCOPES as readonly string[]).includes(scope));
    if (unknown.length > 0) {
      throw new BadInputError(
        'scopes',
        'enum',
        `Unknown scopes ${unknown.join(', ')}; use ${API_KEY_SCOPES.join(', ')}.`,
      );
    }
    const prefix = randomBytes(9)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '0')
      .slice(0, 12);
    const secretPart = randomBytes(32).toString('base64url');
    const apiKey = this.em.create(ApiKey, {
      organization: this.viewer.organizationId,
      name,
      prefix,
      secretHash: hashSecret(secretPart),
      scopes,
      expiresAt: input.expiresAt,
      rateLimitPerMinute,
      createdBy: this.viewer.userId,
    });
    this.audit.recordChange(this.em, AuditAction.CREATE, 'ApiKey', apiKey.id, undefined, [
      'name',
      'scopes',
      'expiresAt',
      'rateLimitPerMinute',
    ]);
    await this.em.flush();
    return { apiKey, secret: `wk_${prefix}_${secretPart}` };
  }

  async revoke(id: string): Promise<ApiKey> {
    const apiKey = await this.em.findOne(ApiKey, { id });
    if (!apiKey) throw new NotFoundError('ApiKey', id);
    apiKey.revokedAt ??= new Date();
    this.audit.recordChange(this.em, AuditAction.UPDATE, 'ApiKey', apiKey.id, undefined, ['revokedAt']);
    await this.em.flush();
    return apiKey;
  }

  list(): Promise<ApiKey[]> {
    return this.em.find(ApiKey, {}, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }
}

/**
 * The organization of a presented key, before any is known: a SECURITY DEFINER function that
 * answers only that (Migration20261203200000_row_level_security). Null for a malformed or unknown key.
 */
export async function apiKeyOrganization(em: EntityManager, presented: string): Promise<string | null> {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return null;
  const [row] = await runPrepared<{ id: string | null }>(em, 'select tenancy_api_key_organization(?) as id', [
    match[1],
  ]);
  return row?.id ?? null;
}

/**
 * Resolves a presented key to its row, in the organization apiKeyOrganization found (the key is what
 * tells the organization; row-level security hides every other). Returns null for an unknown, revoked, expired or wrong key.
 */
export async function authenticateApiKey(em: EntityManager, presented: string): Promise<ApiKey | null> {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return null;
  const [, prefix, secret] = match;
  const apiKey = await em.findOne(ApiKey, { prefix }, { filters: false, populate: ['secretHash'] });
  if (!apiKey || apiKey.revokedAt || (apiKey.expiresAt && apiKey.expiresAt.getTime() <= Date.now()))
    return null;
  const expected = Buffer.from(apiKey.secretHash, 'hex');
  const actual = Buffer.from(hashSecret(secret), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  await recordUse(em, apiKey);
  return apiKey;
}

/** lastUsedAt to the minute: at most one UPDATE per key and minute, however busy the POS is. */
async function recordUse(em: EntityManager, apiKey: ApiKey): Promise<void> {
  const now = new Date();
  if (apiKey.lastUsedAt && now.getTime() - apiKey.lastUsedAt.getTime() < LAST_USED_PRECISION_MS) return;
  const cutoff = new Date(now.getTime() - LAST_USED_PRECISION_MS);
  await em.nativeUpdate(
    ApiKey,
    { id: apiKey.id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: cutoff } }] },
    { lastUsedAt: now },
    { filters: false },
  );
}
