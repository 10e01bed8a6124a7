import { Allergy } from '../../src/entities';
import { keyRing } from '../../src/core/crypto/key-ring';
import { sealRows } from '../../src/core/crypto/sealed-columns';
import { rotateDataKey } from '../../src/core/crypto/rotation';
import { asMaintenance, forOrganization } from '../../src/services/tenancy';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

/**
 * A value shaped like ciphertext is sealed like any other (found by a review): passed through, it was
 * stored as it came and opened on every read, so a ciphertext copied from a dump or a backup, of any
 * organization whose data key the process holds, came back in plaintext to whoever wrote it into a
 * record they may read.
 */
let testApp: TestApp;
let a: OrganizationFixture;
let b: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  a = await createOrganization(testApp);
  b = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const SECRET = '乙肝病史，甲馆机密';
const NOTES = `query($id: ID!) { customer(id: $id) { healthProfile { notes } } }`;
const WRITE_NOTES = `mutation($id: ID!, $input: HealthProfileInput!) { updateHealthProfile(customerId: $id, input: $input) { id } }`;

async function storedNotes(customerId: string): Promise<string> {
  const [row] = await testApp.orm.em
    .getConnection()
    .execute<{ notes: string }[]>('select notes from health_profile where customer_id = ?', [customerId]);
  return row.notes;
}

test("another organization's ciphertext written through the API reads back as the text it is", async () => {
  expect(
    (await execute(testApp, a.tokens.OWNER, WRITE_NOTES, { id: a.assigned.id, input: { notes: SECRET } }))
      .errors,
  ).toBeUndefined();
  const stolen = await storedNotes(a.assigned.id);
  expect(stolen.startsWith('v1.')).toBe(true);

  const written = await execute(testApp, b.tokens.OWNER, WRITE_NOTES, {
    id: b.assigned.id,
    input: { notes: stolen },
  });
  expect(written.errors).toBeUndefined();
  const read = await execute(testApp, b.tokens.OWNER, NOTES, { id: b.assigned.id });
  const notes = (read.data as { customer: { healthProfile: { notes: string } } }).customer.healthProfile
    .notes;
  expect(notes).toBe(stolen);
  expect(notes).not.toBe(SECRET);
  // Stored sealed under B's key like any value, not as the copy.
  expect(await storedNotes(b.assigned.id)).not.toBe(stolen);
});

test('rows inserted without the unit of work (the import) seal a ciphertext-shaped value too', async () => {
  const stolen = await storedNotes(a.assigned.id);
  const rows: Record<string, unknown>[] = [{ substance: stolen }];
  await sealRows(testApp.orm.em.fork(), Allergy, b.organizationId, rows);
  expect(rows[0].substance).not.toBe(stolen);
  expect(keyRing.open(rows[0].substance as string)).toBe(stolen);
});

test("another organization's ciphertext copied into a row by SQL does not open in this organization's work", async () => {
  const stolen = await storedNotes(a.assigned.id);
  // Someone who can write the tables (a restored dump, an injection) copies A's value into B's row.
  await testApp.orm.em
    .getConnection()
    .execute('update health_profile set notes = ? where customer_id = ?', [stolen, b.assigned.id]);

  const read = await execute(testApp, b.tokens.OWNER, NOTES, { id: b.assigned.id });
  expect(JSON.stringify(read)).not.toContain(SECRET);
  // The record fails whole (as for a tampered value), without value.
  expect(read.errors?.[0]).toMatchObject({
    path: ['customer'],
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
  // A's own reads, and work across organizations (no organization in scope), still open it.
  const own = await execute(testApp, a.tokens.OWNER, NOTES, { id: a.assigned.id });
  expect(own).toEqual({ data: { customer: { healthProfile: { notes: SECRET } } } });
  expect(keyRing.open(stolen)).toBe(SECRET);
  // B's data key rotation (across organizations, as the jobs role) does not re-seal it under B's key,
  // which would make it readable in B from then on: it stops, naming the row.
  await expect(
    asMaintenance(() => rotateDataKey(testApp.orm.em.fork(), b.organizationId, { batchSize: 10 })),
  ).rejects.toThrow(/health_profile row .* does not open with its organization's keys/);
  expect(await storedNotes(b.assigned.id)).toBe(stolen);
  expect(() => forOrganization(b.organizationId, () => keyRing.open(stolen))).toThrow(/another organization/);
  expect(forOrganization(a.organizationId, () => keyRing.open(stolen))).toBe(SECRET);
});
