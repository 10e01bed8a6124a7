import { Writable } from 'node:stream';
import { isSealed } from '../../src/core/crypto/envelope';
import { keyRing } from '../../src/core/crypto/key-ring';
import { Visit } from '../../src/entities';
import { createLogger } from '../../src/server/logger';
import { startPlaintextSealing } from '../../src/server/plaintext-sealing';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

/**
 * The service's start (src/main.ts, when it runs jobs) seals what is still plaintext in the
 * background through startPlaintextSealing: the values end sealed, the log says how many, never which.
 */
let testApp: TestApp;
let org: OrganizationFixture;
const lines: Record<string, unknown>[] = [];
const logger = createLogger(
  'debug',
  new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  }),
);

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) =>
  testApp.orm.em.getConnection().execute<T[]>(text, params);

const ALLERGY = '启动明文过敏原';
const NOTES = '启动明文病情';

test('plaintext written by raw SQL is sealed once the start-up pass settles; the log line has counts only', async () => {
  const added = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation($id: ID!, $input: AllergyInput!) { addAllergy(customerId: $id, input: $input) { id } }`,
    { id: org.assigned.id, input: { substance: '花生', category: 'FOOD' } },
  );
  expect(added.errors).toBeUndefined();
  const em = testApp.orm.em.fork();
  const visit = em.create(Visit, {
    organization: org.organizationId,
    store: org.storeId,
    customer: org.assigned.id,
    visitedAt: new Date(),
  });
  await em.flush();
  // What rows written before the encryption hold: the values themselves.
  await testApp.asOwner(`update allergy set substance = $1 where id = $2`, [
    ALLERGY,
    added.data!.addAllergy.id,
  ]);
  await testApp.asOwner(`update visit set condition_notes = $1 where id = $2`, [NOTES, visit.id]);

  await startPlaintextSealing(testApp.orm, logger);

  const [allergy] = await sql<{ substance: string }>('select substance from allergy where id = ?', [
    added.data!.addAllergy.id,
  ]);
  const [notes] = await sql<{ condition_notes: string }>('select condition_notes from visit where id = ?', [
    visit.id,
  ]);
  expect([isSealed(allergy.substance), isSealed(notes.condition_notes)]).toEqual([true, true]);
  const sealedLines = lines.filter(
    (line) => line.msg === 'sealed health values that were stored in plaintext',
  );
  expect(sealedLines).toHaveLength(1);
  // The logger's own fields, and the two counts: nothing else.
  const { level, time, service, msg, ...fields } = sealedLines[0];
  expect({ level, msg }).toEqual({ level: 40, msg: 'sealed health values that were stored in plaintext' });
  expect([typeof time, typeof service]).toEqual(['string', 'string']);
  expect(fields).toEqual({ organizations: 1, rows: 2 });
  for (const line of lines) expect(JSON.stringify(line)).not.toMatch(new RegExp(`${ALLERGY}|${NOTES}`));

  // Nothing left: the next start logs nothing.
  lines.length = 0;
  await startPlaintextSealing(testApp.orm, logger);
  expect(lines).toEqual([]);
});

test('a pass that fails is logged without values, and its promise still settles (the service keeps running)', async () => {
  const other = await createOrganization(testApp);
  const added = await execute(
    testApp,
    other.tokens.OWNER,
    `mutation($id: ID!, $input: AllergyInput!) { addAllergy(customerId: $id, input: $input) { id } }`,
    { id: other.assigned.id, input: { substance: '花生', category: 'FOOD' } },
  );
  expect(added.errors).toBeUndefined();
  await testApp.asOwner(`update allergy set substance = $1 where id = $2`, [
    ALLERGY,
    added.data!.addAllergy.id,
  ]);
  // A newer data key of that organization, wrapped by a master key this process does not hold (as
  // after a wrong MASTER_KEY): loading the organization's keys, the pass fails there.
  await sql(
    `insert into data_key (id, organization_id, wrapped_key, master_key_id, created_at)
     values (gen_random_uuid(), ?, 'AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'ffffffffffffffff', now())`,
    [other.organizationId],
  );
  keyRing.forget(other.organizationId);
  lines.length = 0;
  await expect(startPlaintextSealing(testApp.orm, logger)).resolves.toBeUndefined();
  const failed = lines.filter((line) => line.msg === 'sealing plaintext health values failed');
  expect(failed).toHaveLength(1);
  expect(JSON.stringify(failed[0])).toMatch(/master key/);
  for (const line of lines) expect(JSON.stringify(line)).not.toContain(ALLERGY);
  const [allergy] = await sql<{ substance: string }>('select substance from allergy where id = ?', [
    added.data!.addAllergy.id,
  ]);
  expect(allergy.substance).toBe(ALLERGY);
});
