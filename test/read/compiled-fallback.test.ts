import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';
import { COMPILED_READ_TAG } from '../../src/server/compiled-read/compile-entry';
import { isRawData } from '../../src/server/raw-json';

/**
 * A compiled plan whose answer goes to graphql-js (here: a customer who withdrew health consent, read
 * by a MANAGER) is not run again on every request: its next runs go to graphql-js directly, 4, then
 * 8, 16 … up to 64 between tries, and once a try is answered from the statement, every run is again.
 * Every answer is graphql-js's or the statement's, alike.
 */
let app: TestApp;
let org: OrganizationFixture;
let statementsRun = 0;

beforeAll(async () => {
  app = await createTestApp();
  app.orm.em
    .getConnection()
    .getKnex()
    .on('query', (query: { sql: string }) => {
      if (query.sql.startsWith(COMPILED_READ_TAG)) statementsRun++;
    });
  org = await createOrganization(app);
});
afterAll(async () => {
  await app.close();
});

const QUERY = `query Backoff($id: ID!) { customer(id: $id) { id name healthProfile { notes } } }`;

/** Runs the query `times` times; which runs ran the compiled statement, and whether any was answered by it. */
async function runs(id: string, times: number) {
  const ran: boolean[] = [];
  const answers = [];
  for (let run = 0; run < times; run++) {
    const before = statementsRun;
    const result = await execute(app, org.tokens.MANAGER, QUERY, { id });
    ran.push(statementsRun > before);
    answers.push({
      raw: isRawData(result.data),
      errors: result.errors?.map((error) => error.extensions?.code),
    });
  }
  return { ran, answers };
}

test('a plan that falls back is tried again after 4, then 8 runs; answered again, it runs every time', async () => {
  const customer = await createCustomer(app, org, '暂停同意');
  const mutate = (mutation: string) =>
    execute(app, org.tokens.MANAGER, mutation, { id: customer.id }).then((result) =>
      expect(result.errors).toBeUndefined(),
    );
  await mutate(
    `mutation($id: ID!) { updateHealthProfile(customerId: $id, input: { notes: "头痛" }) { id } }`,
  );
  await mutate(
    `mutation($id: ID!) { withdrawHealthConsent(input: { customerId: $id, source: "客户要求" }) { id } }`,
  );
  const withdrawn = await runs(customer.id, 14);
  expect(withdrawn.ran).toEqual([
    true, // compiled, answered by graphql-js: FORBIDDEN at the health profile
    false,
    false,
    false,
    false,
    true, // tried again, still falls back: 8 runs now
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
  for (const answer of withdrawn.answers) expect(answer).toEqual({ raw: false, errors: ['FORBIDDEN'] });

  await mutate(
    `mutation($id: ID!) { giveHealthConsent(input: { customerId: $id, source: "到店签署" }) { id } }`,
  );
  // The next try is answered by the statement; from then on every run is.
  const consented = await runs(customer.id, 4);
  expect(consented.ran).toEqual([true, true, true, true]);
  expect(consented.answers).toEqual(Array(4).fill({ raw: true, errors: undefined }));
});
