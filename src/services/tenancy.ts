import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whose rows the statements of a piece of work may see (row-level security, issue 17;
 * Migration20261203200000_row_level_security). One scope per HTTP request, created before the
 * viewer is known and filled by createContext once it is; jobs and tools run in a maintenance scope.
 */
export interface TenancyScope {
  /** The organization of the statements; null: none, and the runtime role then sees no row. */
  organizationId: string | null;
  /** Work across organizations (jobs, seeding, tools): runs as the jobs role, which sees every row. */
  readonly maintenance: boolean;
}

const storage = new AsyncLocalStorage<TenancyScope>();

/** The scope of the running code, if any. */
export function currentTenancy(): TenancyScope | undefined {
  return storage.getStore();
}

/** Runs `work` in a fresh request scope (no organization until createContext sets it). */
export function inRequestScope<T>(work: () => T): T {
  return storage.run({ organizationId: null, maintenance: false }, work);
}

/** Runs `work` for one organization (login before a viewer exists, fixtures, per-organization tools). */
export function forOrganization<T>(organizationId: string | null, work: () => T): T {
  return storage.run({ organizationId, maintenance: false }, work);
}

/**
 * Runs `work` across organizations, as the jobs role: only jobs, seeding and command-line tools, on
 * the jobs pool (server/database.ts); on the request pool its statements throw.
 */
export function asMaintenance<T>(work: () => T): T {
  return storage.run({ organizationId: null, maintenance: true }, work);
}

/** asMaintenance on the request pool: jobs, seeding and tools run on the jobs pool (Database.jobsOrm). */
export class MaintenanceOnRequestPoolError extends Error {
  constructor() {
    super(
      'asMaintenance on the request pool: work across organizations runs on the jobs pool (Database.jobsOrm, login wellness_worker)',
    );
    this.name = 'MaintenanceOnRequestPoolError';
  }
}

/** The roles the pool switches between; undefined where the migration could not create them. */
export interface TenancyRoles {
  runtime?: string;
  jobs?: string;
}

/** What a connection is set to: role and organization, as one comparable key. */
function stateKey(role: string | undefined, organizationId: string): string {
  return `${role ?? ''}/${organizationId}`;
}

interface PgConnection {
  query(config: { text: string; values: unknown[] }): Promise<unknown>;
  /** The state last set on this connection (this module's; survives in the pool with it). */
  __tenancy?: string;
}

interface KnexClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

/** Marks a new connection with the state its afterCreate hook gave it (role set, no organization). */
export function markFresh(connection: object, roles: TenancyRoles): void {
  (connection as PgConnection).__tenancy = stateKey(roles.runtime, '');
}

/**
 * Makes every connection the knex client hands out (ORM queries, transactions, runPrepared) carry
 * the running scope's role and organization, as session settings: set only when the connection's
 * last state differs, so a pool serving one organization sends nothing extra. Outside any scope:
 * `unscoped` (the service: 'nothing'; tests and benchmarks staging data: 'maintenance').
 * `maintenanceOnPool` 'forbidden' (the request pool): a maintenance scope throws before a connection is taken.
 */
export function enforceTenancy(
  client: KnexClient,
  roles: TenancyRoles,
  unscoped: 'nothing' | 'maintenance',
  maintenanceOnPool: 'allowed' | 'forbidden' = 'allowed',
): void {
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => {
    const scope = storage.getStore();
    const maintenance = scope ? scope.maintenance : unscoped === 'maintenance';
    // The request pool's login cannot become the jobs role (issue 17): work across organizations
    // started on it is a bug to see, not a statement to run as something else.
    if (maintenance && maintenanceOnPool === 'forbidden') throw new MaintenanceOnRequestPoolError();
    const connection = await acquire();
    // Without a jobs role, maintenance runs as the owner ('none' resets SET ROLE), which has a policy too.
    const role = maintenance ? (roles.jobs ?? (roles.runtime ? 'none' : undefined)) : roles.runtime;
    const organizationId = (!maintenance && scope?.organizationId) || '';
    const wanted = stateKey(role, organizationId);
    if (connection.__tenancy === wanted) return connection;
    try {
      // Session level, outside any transaction (knex begins one after acquiring): kept until changed.
      await connection.query(
        role
          ? {
              text: `select set_config('role', $1, false), set_config('app.organization_id', $2, false)`,
              values: [role, organizationId],
            }
          : { text: `select set_config('app.organization_id', $1, false)`, values: [organizationId] },
      );
    } catch (error) {
      connection.__tenancy = undefined;
      await client.releaseConnection(connection);
      throw error;
    }
    connection.__tenancy = wanted;
    return connection;
  };
}
