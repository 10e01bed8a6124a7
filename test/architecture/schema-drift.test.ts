import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { createOrmConfig } from '../../src/mikro-orm.config';
import { ensureDatabase } from '../../src/server/database';

let orm: MikroORM;

/** What `npm run migration:create` would generate now: the entities compared with the database. */
async function drift(): Promise<string[]> {
  const sql = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
  return sql.split('\n').filter((line) => line.trim() !== '');
}

beforeAll(async () => {
  const serverUrl = process.env.WELLNESS_TEST_SERVER_URL;
  if (!serverUrl) throw new Error('WELLNESS_TEST_SERVER_URL is not set: run the tests through jest.');
  const url = await ensureDatabase(serverUrl, `drift_test_${randomBytes(4).toString('hex')}`);
  orm = await MikroORM.init(createOrmConfig(url));
  await orm.migrator.up();
});
afterAll(async () => await orm?.close(true));

test('after all migrations the entities describe exactly the database the migrations built', async () => {
  // Each line is a statement a generated migration would carry for no change of ours.
  expect(await drift()).toEqual([]);
});

test('the comparison sees a hand-written guard that is missing', async () => {
  await orm.em.getConnection().execute('alter table customer drop constraint customer_visit_count_check');
  await orm.em.getConnection().execute('drop index customer_live_index');
  // The entities' declarations put them back as the migrations wrote them.
  expect(await drift()).toEqual([
    'create index customer_live_index on customer (organization_id) where archived_at is null;',
    'alter table "customer" add constraint customer_visit_count_check check(visit_count >= 0);',
  ]);
});
