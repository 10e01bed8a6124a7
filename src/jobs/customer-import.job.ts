import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { CustomerImport, User } from '../entities';
import { Role } from '../entities/access/access.enums';
import { ImportStatus } from '../entities/imports/imports.enums';
import { ORGANIZATION_FILTER } from '../mikro-orm.config';
import type { Viewer } from '../core/viewer';
import { AuditService } from '../services/audit/audit.service';
import { performImport } from '../services/imports/import-perform';
import { forOrganization } from '../services/tenancy';

/** A RUNNING import without progress for this long lost its worker (its transaction rolled back). */
const STALE_MINUTES = 15;

/**
 * 建档导入 of large files: claims QUEUED imports one at a time (`for update skip locked`, so any
 * number of workers share the queue) and runs each as the staff member who started it. Returns the
 * number run. A run's outcome (DRY_RUN_DONE, IMPORTED, CONFLICT, FAILED) is on the import; only an
 * unexpected error is logged here.
 */
export async function runQueuedImports(orm: MikroORM, logger: Logger): Promise<number> {
  let ran = 0;
  for (;;) {
    const [claimed] = await orm.em.getConnection().execute<{ id: string; organization_id: string }[]>(
      `update customer_import set status = 'RUNNING', updated_at = now()
       where id = (select id from customer_import
                   where status = 'QUEUED'
                      or (status = 'RUNNING' and updated_at < now() - make_interval(mins => ?))
                   order by updated_at limit 1 for update skip locked)
       returning id, organization_id`,
      [STALE_MINUTES],
    );
    if (!claimed) return ran;
    ran++;
    // The claim sees every organization; the run itself is the organization's, as the request that
    // started it would be: row-level security keeps its statements within it (services/tenancy.ts).
    await forOrganization(claimed.organization_id, () => runClaimedImport(orm, logger, claimed));
  }
}

/** Runs one claimed import as the staff member who started it; the caller gives the organization's scope. */
async function runClaimedImport(
  orm: MikroORM,
  logger: Logger,
  claimed: { id: string; organization_id: string },
): Promise<void> {
  const em = orm.em.fork();
  em.setFilterParams(ORGANIZATION_FILTER, { id: claimed.organization_id });
  const customerImport = await em.findOneOrFail(CustomerImport, { id: claimed.id });
  const viewer = await importer(em, customerImport);
  if (!viewer) {
    customerImport.status = ImportStatus.FAILED;
    customerImport.error = 'Who started the import is no longer an active OWNER or MANAGER: start it again.';
    await em.flush();
    return;
  }
  const progress = async (processedRows: number) => {
    // Its own statement outside the run's transaction, so customerImport(id) sees it at once.
    await orm.em
      .getConnection()
      .execute('update customer_import set processed_rows = ?, updated_at = now() where id = ?', [
        processedRows,
        claimed.id,
      ]);
  };
  try {
    const audit = new AuditService(em, viewer, `job:customer-import:${claimed.id}`);
    await performImport({ em, viewer, audit, progress }, customerImport);
  } catch (error) {
    const domain = typeof (error as { code?: unknown }).code === 'string';
    if (!domain || (error as { code: string }).code === 'INTERNAL_SERVER_ERROR')
      logger.error({ err: error, importId: claimed.id }, 'customer import failed');
  }
}

/** The staff member who started the run, if they still may import. */
async function importer(
  em: ReturnType<MikroORM['em']['fork']>,
  customerImport: CustomerImport,
): Promise<Viewer | undefined> {
  if (!customerImport.runByUserId) return undefined;
  const user = await em.findOne(User, { id: customerImport.runByUserId, active: true });
  const role = user?.role as unknown as Role | undefined;
  if (!user || (role !== Role.OWNER && role !== Role.MANAGER)) return undefined;
  return {
    kind: 'USER',
    id: user.id,
    userId: user.id,
    organizationId: customerImport.organization.id,
    role,
    displayName: user.displayName,
    scopes: [],
  };
}
