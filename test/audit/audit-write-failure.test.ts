import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, listen, type TestApp } from '../support/test-app';

/**
 * Every read of health data is written to the audit log before the response leaves: when those rows
 * cannot be written, the response carries none of what was read (503, retryable), never the health
 * data without its audit row.
 */
let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  const added = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($id: ID!) { addAllergy(customerId: $id, input: { substance: "青霉素", category: DRUG }) { id } }`,
    { id: org.assigned.id },
  );
  expect(added.errors).toBeUndefined();
});
afterAll(() => testApp.close());

const READ = `query Read($id: ID!) { customer(id: $id) { name healthProfile { allergies { substance } } } }`;

test('health data whose audit rows cannot be written is not answered; once they can, it is', async () => {
  const { url, server } = await listen(testApp.app);
  const post = () =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${org.tokens.MANAGER}` },
      body: JSON.stringify({ query: READ, variables: { id: org.assigned.id } }),
    });
  const audited = () =>
    countRows(testApp.orm, `select count(*) from audit_event where customer_id = ? and action = 'READ'`, [
      org.assigned.id,
    ]);
  try {
    const before = await audited();
    await testApp.asOwner('revoke insert on audit_event from wellness_runtime');
    let refused: Response;
    try {
      refused = await post();
    } finally {
      await testApp.asOwner('grant insert on audit_event to wellness_runtime');
    }
    const body = (await refused.json()) as { data?: unknown; errors?: unknown[] };
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(body.data).toBeUndefined();
    expect(JSON.stringify(body)).not.toMatch(/青霉素|substance|allergies/);
    expect(body.errors).toMatchObject([{ extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } }]);
    expect(await audited()).toBe(before);

    const answered = await post();
    expect(answered.status).toBe(200);
    const read = (await answered.json()) as {
      data: { customer: { healthProfile: { allergies: { substance: string }[] } } };
    };
    expect(read.data.customer.healthProfile.allergies).toContainEqual({
      substance: '青霉素',
    });
    expect(await audited()).toBe(before + 1);
  } finally {
    server.close();
  }
});
