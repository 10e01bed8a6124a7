import { isSealed } from '../../src/core/crypto/envelope';
import { sealPlaintext } from '../../src/core/crypto/rotation';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

/** Plaintext left in sealed columns from before the encryption is sealed, without a key rotation. */
let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) =>
  testApp.orm.em.getConnection().execute<T[]>(text, params);

async function substances(): Promise<string[]> {
  const result = await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customer(id: $id) { healthProfile { allergies { substance } } } }`,
    { id: org.assigned.id },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.customer.healthProfile.allergies.map((allergy: any) => allergy.substance).sort();
}

test('plaintext health values are sealed in place, still read back, and a second pass finds nothing', async () => {
  const ids: string[] = [];
  for (const substance of ['明文甲', '已加密乙']) {
    const added = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!, $input: AllergyInput!) { addAllergy(customerId: $id, input: $input) { id } }`,
      { id: org.assigned.id, input: { substance, category: 'FOOD' } },
    );
    expect(added.errors).toBeUndefined();
    ids.push(added.data!.addAllergy.id);
  }
  const plain = { id: ids[0] };
  const expectedRead = (await substances())
    .map((substance) => (substance === '明文甲' ? '旧明文过敏原' : substance))
    .sort();
  // What a row written before the encryption holds: the value itself.
  await testApp.asOwner(`update allergy set substance = '旧明文过敏原' where id = $1`, [plain.id]);
  const [sealedBefore] = await sql<{ id: string; substance: string }>(
    `select id, substance from allergy where id = ?`,
    [ids[1]],
  );
  expect(await countRows(testApp.orm, `select count(*) from allergy where substance = '旧明文过敏原'`)).toBe(
    1,
  );

  const result = await sealPlaintext(testApp.orm.em.fork(), { batchSize: 1 });
  expect(result.rows).toBeGreaterThanOrEqual(1);

  expect(
    await countRows(testApp.orm, `select count(*) from allergy where strpos(substance, '旧明文过敏原') > 0`),
  ).toBe(0);
  const [after] = await sql<{ substance: string }>(`select substance from allergy where id = ?`, [plain.id]);
  expect(isSealed(after.substance)).toBe(true);
  // A value already sealed is left as it was (not sealed again).
  const [sealedAfter] = await sql<{ substance: string }>(`select substance from allergy where id = ?`, [
    sealedBefore.id,
  ]);
  expect(sealedAfter.substance).toBe(sealedBefore.substance);
  expect(await substances()).toEqual(expectedRead);
  expect(await sealPlaintext(testApp.orm.em.fork())).toMatchObject({ rows: 0 });
});
