/**
 * `npm run keys:rotate-master`: re-wraps every health data key under MASTER_KEY_NEW (docs/architecture.md,
 * "Encryption at rest"). MASTER_KEY is the key they are wrapped by now. Running services keep working
 * (their data keys are unwrapped in memory); one that starts meanwhile needs both variables, and wraps
 * the data keys it makes under MASTER_KEY_NEW. Afterwards set MASTER_KEY to the new key and unset
 * MASTER_KEY_NEW; keep the old key until a service has started with the new one alone.
 */
import 'reflect-metadata';
import { parseMasterKey } from '../core/crypto/envelope';
import { rotateMasterKey } from '../core/crypto/rotation';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/database';
import { asMaintenance } from '../services/tenancy';
import { createLogger } from '../server/logger';

async function main() {
  const config = loadConfig();
  if (!config.masterKey || !config.masterKeyNew)
    throw new Error('keys:rotate-master needs MASTER_KEY (the current key) and MASTER_KEY_NEW (the new one)');
  const from = parseMasterKey(config.masterKey, 'MASTER_KEY');
  const to = parseMasterKey(config.masterKeyNew, 'MASTER_KEY_NEW');
  const database = await openDatabase(config, createLogger('warn'), { attach: true, purpose: 'tool' });
  try {
    // Every organization's keys: a tool across organizations, as the jobs role.
    const count = await asMaintenance(() => rotateMasterKey(database.jobsOrm.em.fork(), from, to));
    console.log(
      `Re-wrapped ${count} data keys under MASTER_KEY_NEW: now set MASTER_KEY to it and unset MASTER_KEY_NEW; keep the old key until a service has started with the new one alone.`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : `keys:rotate-master failed: ${String(error)}`);
  process.exit(1);
});
