import { Client } from 'pg';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { MembershipTier, Organization, User } from '../../entities';
import { rowShape, selectList, type RowOf } from '../rows';
import { runPrepared } from '../sql';
import { uuidArray } from '../../core/uuid';
import { readDirectoryNames, type DirectoryNames } from './directory-names';

/** Leads every statement of the cache: per process, not per request (test statement counters skip it). */
export const DIRECTORY_SQL_TAG = '/* directory-cache */';

/** The longest an entry is kept, also while notifications arrive (defence in depth). */
export const DIRECTORY_TTL_MS = 5_000;

/**
 * The channel notified on every change of what the cache holds: users and organizations
 * (Migration20261201100000_directory_notify), membership tiers (Migration20261201140000_tier_notify),
 * service items and new users (Migration20261209010000_directory_names_notify).
 */
const CHANNEL = 'directory_changed';

interface Entry<T> {
  value: Promise<T>;
  expires: number;
}

/**
 * The caller's user and organization are read on every request; they change rarely. Kept per process
 * and dropped whenever PostgreSQL notifies a change of any user or organization (a trigger, at commit:
 * changes by the API, by another instance or by plain SQL alike). While the listening connection is
 * not up, nothing is cached: a deactivated or demoted user never keeps access on a stale entry.
 */
export class DirectoryCache {
  private static readonly perOrm = new WeakMap<MikroORM, DirectoryCache>();

  /** The one cache of an ORM (the process's); it starts listening on first use. */
  static of(orm: MikroORM): DirectoryCache {
    let cache = DirectoryCache.perOrm.get(orm);
    if (!cache) {
      cache = new DirectoryCache(orm.config.get('clientUrl') as string);
      DirectoryCache.perOrm.set(orm, cache);
    }
    return cache;
  }

  /** Stops listening (the ORM is closing). */
  static async close(orm: MikroORM): Promise<void> {
    await DirectoryCache.perOrm.get(orm)?.stop();
    DirectoryCache.perOrm.delete(orm);
  }

  private readonly users = new Map<string, Entry<RowOf<User> | null>>();
  private readonly organizations = new Map<string, Entry<RowOf<Organization> | null>>();
  /** Staff as named on rows (a visit's therapist, a task's owner): active or not. */
  private readonly staff = new Map<string, Entry<RowOf<User> | null>>();
  private readonly tierLists = new Map<string, Entry<RowOf<MembershipTier>[]>>();
  /** Per organization: the services and staff that compiled reads print by id (directory-names.ts). */
  private readonly nameLists = new Map<string, Entry<DirectoryNames>>();
  /** Bumped by every invalidation: a read that started before it is not kept. */
  private generation = 0;
  private listener?: Client;
  private listening = false;
  private stopped = false;
  private markListening!: () => void;
  /** Settles once the cache listens (it caches nothing before): for benchmarks that count steady state. */
  readonly ready = new Promise<void>((resolve) => (this.markListening = resolve));

  constructor(
    private readonly url: string,
    private readonly ttlMs = DIRECTORY_TTL_MS,
  ) {
    void this.listen();
  }

  /** An active user by id, as a plain row (no password hash: that column is lazy). */
  user(em: EntityManager, id: string): Promise<RowOf<User> | null> {
    return this.cached(this.users, id, () => readRow(em, User, id, 'and t.active'));
  }

  organization(em: EntityManager, id: string): Promise<RowOf<Organization> | null> {
    return this.cached(this.organizations, id, () => readRow(em, Organization, id, ''));
  }

  /** The membership tiers of an organization (a handful), in rank order. */
  tiers(em: EntityManager, organizationId: string): Promise<RowOf<MembershipTier>[]> {
    return this.cached(this.tierLists, organizationId, async () => {
      const shape = rowShape(em, MembershipTier);
      const raws = await runPrepared(
        em,
        `${DIRECTORY_SQL_TAG} select ${selectList(shape, 't')} from "${shape.table}" t where t.organization_id = ?`,
        [organizationId],
      );
      return raws.map((raw) => shape.map(raw));
    });
  }

  /**
   * An organization's services and staff members by id, all of them (retired ones too: rows keep naming
   * them), for compiled reads to print instead of looking each up per row.
   */
  names(em: EntityManager, organizationId: string): Promise<DirectoryNames> {
    return this.cached(this.nameLists, organizationId, () =>
      readDirectoryNames(em, DIRECTORY_SQL_TAG, organizationId),
    );
  }

  /** Users by id, deactivated ones too (rows keep naming them), the missing ones in one statement. */
  staffMembers(em: EntityManager, ids: readonly string[]): Promise<(RowOf<User> | null)[]> {
    const known = new Map<string, Promise<RowOf<User> | null>>();
    for (const id of ids) if (this.fresh(this.staff, id)) known.set(id, this.staff.get(id)!.value);
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0) {
      const shape = rowShape(em, User);
      const batch = runPrepared(
        em,
        `${DIRECTORY_SQL_TAG} select ${selectList(shape, 't')} from "${shape.table}" t where t.id = any(?::uuid[])`,
        [uuidArray(missing)],
      ).then((raws) => new Map(raws.map((raw) => [String(raw.id), shape.map(raw)])));
      for (const id of missing)
        known.set(
          id,
          this.remember(
            this.staff,
            id,
            batch.then((rows) => rows.get(id) ?? null),
          ),
        );
    }
    return Promise.all(ids.map((id) => known.get(id)!));
  }

  invalidate(): void {
    this.generation++;
    this.users.clear();
    this.organizations.clear();
    this.staff.clear();
    this.tierLists.clear();
    this.nameLists.clear();
  }

  private fresh<T>(entries: Map<string, Entry<T>>, id: string): boolean {
    const known = entries.get(id);
    return this.listening && known !== undefined && known.expires > Date.now();
  }

  private cached<T>(entries: Map<string, Entry<T>>, id: string, read: () => Promise<T>): Promise<T> {
    if (!this.listening) return read();
    const known = entries.get(id);
    if (known && known.expires > Date.now()) return known.value;
    return this.remember(entries, id, read());
  }

  /** Keeps a read while listening; a read that fails, or that a change overtook, is not kept. */
  private remember<T>(entries: Map<string, Entry<T>>, id: string, value: Promise<T>): Promise<T> {
    if (!this.listening) return value;
    const generation = this.generation;
    const entry: Entry<T> = { value, expires: Date.now() + this.ttlMs };
    entries.set(id, entry);
    const forget = () => {
      if (entries.get(id) === entry) entries.delete(id);
    };
    // A failed read is not remembered, nor one that a change overtook while it ran.
    entry.value.then(() => generation !== this.generation && forget(), forget);
    return entry.value;
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.url });
    this.listener = client;
    const down = () => {
      if (this.listener !== client) return;
      this.listening = false;
      this.invalidate();
      this.listener = undefined;
      void client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.listen(), 1_000).unref();
    };
    client.on('error', down);
    client.on('end', down);
    client.on('notification', () => this.invalidate());
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      // The listener must not keep a process alive that is otherwise done.
      (client as unknown as { connection: { stream: { unref(): void } } }).connection.stream.unref();
      this.invalidate();
      this.listening = !this.stopped;
      if (this.listening) this.markListening();
    } catch {
      down();
    }
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
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
