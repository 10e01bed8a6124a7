import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { masterKeyId, newDataKey, unwrapKey, wrapKey } from '../../src/core/crypto/envelope';
import { masterKeys } from '../../src/core/crypto/master-keys';
import { rotateMasterKey } from '../../src/core/crypto/rotation';
import { createHttpApp } from '../../src/server/http';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, testConfig, type TestApp } from '../support/test-app';

let testApp: TestApp;
/** The master key the data keys are wrapped by now (each test rotates it). */
let master: Buffer;

beforeAll(async () => {
  testApp = await createTestApp();
  await createOrganization(testApp);
  [master] = masterKeys(testConfig);
});
afterAll(() => testApp.close());

const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) =>
  testApp.orm.em.getConnection().execute<T[]>(text, params);

const base64 = (key: Buffer) => key.toString('base64');

const start = (config: Partial<typeof testConfig>) =>
  createHttpApp({ ...testConfig, ...config }, testApp.orm, testApp.tokens, pino({ level: 'silent' }));

async function substances(org: OrganizationFixture): Promise<string[]> {
  const result = await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customer(id: $id) { healthProfile { allergies { substance } } } }`,
    { id: org.assigned.id },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.customer.healthProfile.allergies.map((allergy: any) => allergy.substance).sort();
}

test('a data key made while both master keys are set is wrapped by MASTER_KEY_NEW: after the switch the new key alone opens it', async () => {
  const next = randomBytes(32);
  // The rotation is under way: services run with MASTER_KEY and MASTER_KEY_NEW.
  await start({ masterKey: base64(master), masterKeyNew: base64(next) });
  expect(await rotateMasterKey(testApp.orm.em.fork(), master, next)).toBeGreaterThan(0);
  // Before the last step, a new organization writes its first health data: its first data key.
  const late = await createOrganization(testApp, '轮换中新开的馆');
  const before = await substances(late);
  expect(before.length).toBeGreaterThan(0);
  expect(await sql(`select distinct master_key_id from data_key`)).toEqual([
    { master_key_id: masterKeyId(next) },
  ]);
  // The last step: MASTER_KEY is the new key, MASTER_KEY_NEW unset. The start unwraps every key anew.
  await start({ masterKey: base64(next) });
  expect(await substances(late)).toEqual(before);
  master = next;
});

test('keys:rotate-master repeats its pass until no data key is under the old master key', async () => {
  const next = randomBytes(32);
  // A service still running with the old MASTER_KEY alone makes a data key while the command runs.
  const made = { id: randomUUID(), key: newDataKey() };
  let once = false;
  const rewrapped = await rotateMasterKey(testApp.orm.em.fork(), master, next, {
    onKey: async () => {
      if (once) return;
      once = true;
      await sql(
        `insert into data_key (id, organization_id, wrapped_key, master_key_id) values (?, ?, ?, ?)`,
        [made.id, randomUUID(), wrapKey(master, made.id, made.key), masterKeyId(master)],
      );
    },
  });
  expect(once).toBe(true);
  expect(await sql(`select distinct master_key_id from data_key`)).toEqual([
    { master_key_id: masterKeyId(next) },
  ]);
  const [row] = await sql<{ wrapped_key: string }>(`select wrapped_key from data_key where id = ?`, [
    made.id,
  ]);
  expect(unwrapKey(next, made.id, row.wrapped_key).equals(made.key)).toBe(true);
  expect(rewrapped).toBe(Number((await sql(`select count(*) as n from data_key`))[0].n));
  // The new key alone is accepted at start.
  await start({ masterKey: base64(next) });
});
