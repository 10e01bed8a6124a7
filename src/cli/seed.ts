/** Seeds the Chinese demo data into an empty database (the one of DATABASE_URL, else embedded). */
import 'reflect-metadata';
import { Organization } from '../entities';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/database';
import { createLogger } from '../server/logger';
import { DemoSeeder } from '../seeders/demo.seeder';
import { asMaintenance } from '../services/tenancy';

async function main() {
  const config = loadConfig();
  const database = await openDatabase(config, createLogger('warn'), { attach: true, purpose: 'tool' });
  try {
    // A tool across organizations: as the jobs role (row-level security, services/tenancy.ts).
    await asMaintenance(async () => {
      const em = database.jobsOrm.em.fork();
      if ((await em.count(Organization, {}, { filters: false })) > 0) {
        console.log('The database already holds data: nothing seeded.');
        return;
      }
      await new DemoSeeder().run(em);
      console.log('Seeded 悦心养生馆: 2 stores, 9 staff users, 50 customers with health profiles.');
    });
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : `npm run seed failed: ${String(error)}`);
  process.exit(1);
});
