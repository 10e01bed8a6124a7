/**
 * Generates a migration from the difference between the entities and the committed snapshot.
 * Runs against a throw-away embedded PostgreSQL, so no database needs to be set up by hand.
 *   npm run migration:create            (diff)
 *   npm run migration:create -- --blank (empty migration for hand-written SQL)
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { createOrmConfig } from '../mikro-orm.config';
import { startEmbeddedPostgres } from '../server/embedded-postgres';

async function main() {
  const blank = process.argv.includes('--blank');
  const dataDirectory = await mkdtemp(path.join(tmpdir(), 'migration-create-'));
  const postgres = await startEmbeddedPostgres(dataDirectory);
  try {
    const orm = await MikroORM.init(createOrmConfig(postgres.url));
    try {
      await orm.migrator.up();
      const result = await orm.migrator.createMigration(undefined, blank);
      console.log(result.fileName ? `created ${result.fileName}` : 'no changes: nothing to migrate');
    } finally {
      await orm.close(true);
    }
  } finally {
    await postgres.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
