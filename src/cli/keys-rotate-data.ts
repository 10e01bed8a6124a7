/**
 * `npm run keys:rotate-data [-- --organization <id>] [--batch <rows>] [--settle-seconds <s>]`: a new
 * data key per organization, every health value and stored import file piece sealed again under it in
 * batches (plaintext left from before the encryption too), then the older keys retired
 * (docs/architecture.md, "Encryption at rest").
 * Services keep running: they read both keys meanwhile and seal with the new one once it is active.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { KEY_REFRESH_MS } from '../core/crypto/key-ring';
import { rotateDataKey } from '../core/crypto/rotation';
import { Organization } from '../entities';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/database';
import { asMaintenance } from '../services/tenancy';
import { createLogger } from '../server/logger';
import { useMasterKeys } from '../core/crypto/master-keys';

async function main() {
  const { values } = parseArgs({
    options: {
      organization: { type: 'string' },
      batch: { type: 'string', default: '500' },
      // The services' activation delay of a new key, with a margin: they all seal with it before the pass.
      'settle-seconds': { type: 'string', default: String((3 * KEY_REFRESH_MS) / 1000) },
    },
  });
  const config = loadConfig();
  useMasterKeys(config);
  const database = await openDatabase(config, createLogger('warn'), { attach: true, purpose: 'tool' });
  try {
    // A tool across organizations: as the jobs role (row-level security).
    await asMaintenance(async () => {
      const em = database.jobsOrm.em.fork();
      const organizations = values.organization
        ? [values.organization]
        : (await em.find(Organization, {}, { filters: false, fields: ['id'] })).map(
            (organization) => organization.id,
          );
      for (const organizationId of organizations) {
        const result = await rotateDataKey(em, organizationId, {
          batchSize: Number(values.batch),
          settleMs: Number(values['settle-seconds']) * 1000,
          onBatch: (table, rows) => void console.log(`  ${table}: ${rows} rows`),
        });
        console.log(
          `Organization ${organizationId}: data key ${result.newKeyId}, ${result.rows} rows and ${result.importPieces} import file pieces sealed again, ${result.retired} older keys retired.`,
        );
      }
    });
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : `keys:rotate-data failed: ${String(error)}`);
  process.exit(1);
});
