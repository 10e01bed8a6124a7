import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { masterKeyId, sealedPrefix } from '../../src/core/crypto/envelope';
import { masterKeys } from '../../src/core/crypto/master-keys';
import { rotateDataKey, rotateMasterKey } from '../../src/core/crypto/rotation';
import { createHttpApp } from '../../src/server/http';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, testConfig, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) =>
  testApp.orm.em.getConnection().execute<T[]>(text, params);

const READ = `query($id: ID!) { customer(id: $id) { healthProfile { currentComplaints allergies { substance } } } }`;

async function substances(): Promise<string[]> {
  const result = await execute(testApp, org.tokens.OWNER, READ, { id: org.assigned.id });
  expect(result.errors).toBeUndefined();
  return result.data!.customer.healthProfile.allergies.map((allergy: any) => allergy.substance).sort();
}

async function addAllergy(substance: string) {
  const result = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation($id: ID!, $input: AllergyInput!) { addAllergy(customerId: $id, input: $input) { id } }`,
    { id: org.assigned.id, input: { substance, category: 'FOOD' } },
  );
  expect(result.errors).toBeUndefined();
}

const start = (config: Partial<typeof testConfig>) =>
  createHttpApp({ ...testConfig, ...config }, testApp.orm, testApp.tokens, pino({ level: 'silent' }));

test('master key rotation re-wraps every data key; both keys are accepted meanwhile, the new one alone after', async () => {
  await addAllergy('花生');
  const before = await substances();
  const [current] = masterKeys(testConfig);
  const next = randomBytes(32);
  expect(await rotateMasterKey(testApp.orm.em.fork(), current, next)).toBeGreaterThan(0);
  expect(await sql(`select distinct master_key_id from data_key`)).toEqual([
    { master_key_id: masterKeyId(next) },
  ]);
  // A second run has nothing left to do.
  expect(await rotateMasterKey(testApp.orm.em.fork(), current, next)).toBe(0);
  // During the switch a service holds both keys; after it, the new one only; the old one alone is refused.
  await start({ masterKey: current.toString('base64'), masterKeyNew: next.toString('base64') });
  await expect(start({})).rejects.toThrow(/is not the master key/);
  await start({ masterKey: next.toString('base64') });
  // That start unwrapped the data keys anew, under the new master key: everything still reads.
  expect(await substances()).toEqual(before);
});

test('data key rotation seals every value again in batches, reads and writes work meanwhile, the old key is retired', async () => {
  await addAllergy('芝麻');
  await execute(
    testApp,
    org.tokens.OWNER,
    `mutation($id: ID!) { updateHealthProfile(customerId: $id, input: { currentComplaints: ["偏头痛"] }) { id } }`,
    { id: org.assigned.id },
  );
  // A value left plaintext from before the encryption (the migration cannot seal): read as it is.
  const [allergy] = await sql<{ id: string }>(`select id from allergy where customer_id = ? limit 1`, [
    org.assigned.id,
  ]);
  await testApp.asOwner(`update allergy set substance = '旧明文过敏原' where id = $1`, [allergy.id]);
  const before = await substances();
  expect(before).toContain('旧明文过敏原');
  const [old] = await sql<{ id: string }>(
    `select id from data_key where organization_id = ? and retired_at is null`,
    [org.organizationId],
  );

  const seen: string[][] = [];
  let wroteDuring = false;
  const result = await rotateDataKey(testApp.orm.em.fork(), org.organizationId, {
    batchSize: 1,
    onBatch: async (table) => {
      // Reads during the rotation see old and new ciphertext alike; a write meanwhile is caught by a later pass.
      if (table === 'allergy') seen.push(await substances());
      if (table === 'allergy' && !wroteDuring) {
        wroteDuring = true;
        await addAllergy('写于轮换中');
      }
    },
  });
  expect(seen.length).toBeGreaterThan(1);
  for (const during of seen) expect(during).toEqual(expect.arrayContaining(before));
  expect(result.rows).toBeGreaterThan(before.length);
  expect(result.retired).toBe(1);

  const prefix = sealedPrefix(result.newKeyId);
  const stale = await sql(
    `select 'allergy' as t from allergy where organization_id = ? and (substance not like ? or reaction not like ? or note not like ?)
     union all select 'profile' from health_profile where organization_id = ? and (current_complaints not like ? or lifestyle not like ?)`,
    [
      org.organizationId,
      `${prefix}%`,
      `${prefix}%`,
      `${prefix}%`,
      org.organizationId,
      `${prefix}%`,
      `${prefix}%`,
    ],
  );
  expect(stale).toEqual([]);
  const [retired] = await sql(`select retired_at from data_key where id = ?`, [old.id]);
  expect(retired.retired_at).not.toBeNull();
  expect(await substances()).toEqual([...before, '写于轮换中'].sort());
  // New writes use the new key; the blind index was made again under it (a segment rule still matches).
  await addAllergy('轮换后');
  const [latest] = await sql<{ substance: string }>(
    `select substance from allergy where organization_id = ? order by recorded_at desc, created_at desc limit 1`,
    [org.organizationId],
  );
  expect(latest.substance.startsWith(prefix)).toBe(true);
  const members = await execute(
    testApp,
    org.tokens.OWNER,
    `{ segmentPreview(rule: { currentComplaintsAny: ["偏头痛"] }, first: 10) { edges { node { id } } } }`,
  );
  expect(members.errors).toBeUndefined();
  expect(members.data!.segmentPreview.edges).toEqual([{ node: { id: org.assigned.id } }]);
});
