import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { sealPlaintext } from '../core/crypto/rotation';
import { asMaintenance } from '../services/tenancy';

/**
 * The start-up pass that seals health values stored in plaintext before encryption at rest (a
 * database from before it, or restored from such a backup): started by main.ts when the service runs
 * jobs, in the background, across organizations (the jobs pool, as the jobs role). A sealed database
 * costs one probe of an empty index per sealed table (sealPlaintext). The promise never rejects: a
 * failure is logged and the service keeps running (the next start tries again); shutdown awaits it.
 * The log carries counts only, never a value.
 */
export function startPlaintextSealing(jobsOrm: MikroORM, logger: Logger): Promise<void> {
  return asMaintenance(() => sealPlaintext(jobsOrm.em.fork()))
    .then(({ organizations, rows }) => {
      if (rows) logger.warn({ organizations, rows }, 'sealed health values that were stored in plaintext');
    })
    .catch((error: unknown) => logger.error({ err: error }, 'sealing plaintext health values failed'));
}
