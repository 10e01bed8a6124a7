import { MikroORM } from '@mikro-orm/postgresql';
import { systemViewer } from '../core/system-viewer';
import { Organization } from '../entities';
import { createOrmConfig, ORGANIZATION_FILTER } from '../mikro-orm.config';
import { LedgerQueryService } from '../services/membership/ledger-query.service';

/** What a restored database is checked for before the service is started on it again. */
export interface RestoredDatabaseReport {
  migrations: { applied: number; last?: string; pending: string[] };
  /** ledgerCheck per organization: every cached balance recomputed from the ledger. */
  ledger: { organizationId: string; name: string; accountsChecked: number; mismatches: string[] }[];
}

/**
 * Migrations state (a point in time can be before a migration ran: the next `npm start` applies it,
 * the code expects it) and the ledger check of every organization, on the restored database as its
 * owner. Nothing is changed: the migrations are only read.
 */
export async function checkRestoredDatabase(url: string): Promise<RestoredDatabaseReport> {
  const orm = await MikroORM.init(createOrmConfig(url));
  try {
    const executed = await orm.migrator.getExecutedMigrations();
    const pending = (await orm.migrator.getPendingMigrations()).map((migration) => migration.name);
    // A point before the first migration has no tables yet: nothing to check.
    const organizations = executed.length
      ? await orm.em
          .fork()
          .find(Organization, {}, { fields: ['id', 'name'], orderBy: { id: 'asc' }, filters: false })
      : [];
    const ledger: RestoredDatabaseReport['ledger'] = [];
    for (const organization of organizations) {
      // Scoped like a request of that organization (the ORM filter, and the per-transaction setting
      // row-level security reads where it is on).
      const scoped = orm.em.fork();
      scoped.setFilterParams(ORGANIZATION_FILTER, { id: organization.id });
      const result = await scoped.transactional(async (em) => {
        await em.execute(`select set_config('app.organization_id', ?, true)`, [organization.id]);
        return new LedgerQueryService(em, systemViewer(organization.id)).mismatches();
      });
      ledger.push({
        organizationId: organization.id,
        name: organization.name,
        accountsChecked: result.checked,
        mismatches: result.mismatches.map((mismatch) => mismatch.account.id),
      });
    }
    return {
      migrations: { applied: executed.length, last: executed.at(-1)?.name, pending },
      ledger,
    };
  } finally {
    await orm.close(true);
  }
}
