import type { EventSubscriber, FlushEventArgs } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Organization, User } from '../entities';
import { rowShape, selectList, type RowOf } from '../services/rows';
import { runPrepared } from '../services/sql';

/** Leads every statement of the cache: per process, not per request (test statement counters skip it). */
export const DIRECTORY_SQL_TAG = '/* directory-cache */';

/** How long another instance's change of a user or organization may take to be seen here. */
export const DIRECTORY_TTL_MS = 5_000;

interface Entry<T> {
  value: Promise<T>;
  expires: number;
}

/**
 * The caller's user and organization are read on every request; they change rarely. Per process,
 * kept for DIRECTORY_TTL_MS and dropped at once when this process flushes a change of them (the
 * subscriber below). A change made elsewhere (another instance, plain SQL) is seen after the TTL.
 */
export class DirectoryCache implements EventSubscriber {
  private static readonly perOrm = new WeakMap<MikroORM, DirectoryCache>();

  /** The one cache of an ORM (the process's), subscribed to its flushes on first use. */
  static of(orm: MikroORM): DirectoryCache {
    let cache = DirectoryCache.perOrm.get(orm);
    if (!cache) {
      cache = new DirectoryCache();
      orm.em.getEventManager().registerSubscriber(cache);
      DirectoryCache.perOrm.set(orm, cache);
    }
    return cache;
  }

  private readonly users = new Map<string, Entry<RowOf<User> | null>>();
  private readonly organizations = new Map<string, Entry<RowOf<Organization> | null>>();

  constructor(private readonly ttlMs = DIRECTORY_TTL_MS) {}

  /** An active user by id, as a plain row (no password hash: that column is lazy). */
  user(em: EntityManager, id: string): Promise<RowOf<User> | null> {
    return this.cached(this.users, id, () => readRow(em, User, id, 'and t.active'));
  }

  organization(em: EntityManager, id: string): Promise<RowOf<Organization> | null> {
    return this.cached(this.organizations, id, () => readRow(em, Organization, id, ''));
  }

  invalidate(): void {
    this.users.clear();
    this.organizations.clear();
  }

  getSubscribedEntities() {
    return [User, Organization];
  }

  /** Any flushed change of a user or organization in this process drops what is cached. */
  async afterFlush(args: FlushEventArgs): Promise<void> {
    if (args.uow.getChangeSets().some((change) => change.name === 'User' || change.name === 'Organization'))
      this.invalidate();
  }

  private cached<T>(entries: Map<string, Entry<T>>, id: string, read: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const entry = entries.get(id);
    if (entry && entry.expires > now) return entry.value;
    const value = read();
    entries.set(id, { value, expires: now + this.ttlMs });
    // A failed read is not remembered.
    value.catch(() => entries.delete(id));
    return value;
  }
}

async function readRow<T>(
  em: EntityManager,
  entity: new () => T,
  id: string,
  condition: string,
): Promise<RowOf<T> | null> {
  const shape = rowShape(em, entity);
  const [raw] = await runPrepared(
    em,
    `${DIRECTORY_SQL_TAG} select ${selectList(shape, 't')} from "${shape.table}" t where t.id = ? ${condition}`,
    [id],
  );
  return raw ? shape.map(raw) : null;
}
