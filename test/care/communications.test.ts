import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
let integrationKey: string;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  integrationKey = (
    await execute(
      testApp,
      org.tokens.OWNER,
      `mutation { createApiKey(input: { name: "收银系统", scopes: ["customers:write"] }) { secret } }`,
    )
  ).data!.createApiKey.secret;
  for (const customer of [org.assigned, org.unassigned]) {
    const result = await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($input: RecordCommunicationInput!) { recordCommunication(input: $input) { id } }`,
      {
        input: {
          customerId: customer.id,
          channel: 'WECHAT',
          summary: `${customer.name}: 预约提醒, 客户确认周六到店`,
          followUpItems: '周五再发一次提醒',
          ownerId: org.users.CONSULTANT.id,
          dueAt: new Date(Date.now() + 48 * 3_600_000).toISOString(),
        },
      },
    );
    expect(result.errors).toBeUndefined();
  }
});
afterAll(() => testApp.close());

const LOG = `{ customer(id: $id) { id log: communications { totalCount edges { node { summary channel status } } }
  ... on Customer { again: communications(first: 1) { edges { node { followUpItems } } } } } }`;

test('the log is read by managers and the front desk for all, consultants for their own customers only', async () => {
  const read = (token: string, id: string) => execute(testApp, token, `query($id: ID!) ${LOG}`, { id });
  for (const role of ['OWNER', 'MANAGER', 'FRONT_DESK'] as const) {
    const result = await read(org.tokens[role], org.unassigned.id);
    expect(result.errors).toBeUndefined();
    expect(result.data!.customer.log.edges[0].node).toEqual({
      summary: '李四: 预约提醒, 客户确认周六到店',
      channel: 'WECHAT',
      status: 'OPEN',
    });
  }
  const own = await read(org.tokens.CONSULTANT, org.assigned.id);
  expect(own.data!.customer.log.totalCount).toBe(1);
  const others = await read(org.tokens.CONSULTANT, org.unassigned.id);
  expect(others.data!.customer).toMatchObject({ id: org.unassigned.id, log: null, again: null });
  expect(others.errors!.map((error) => error.extensions!.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  // Therapists, marketing and a POS never see communications, also not through an alias or fragment.
  for (const token of [org.tokens.THERAPIST, org.tokens.MARKETING, integrationKey]) {
    const denied = await read(token, org.assigned.id);
    expect(denied.data!.customer).toMatchObject({ log: null, again: null });
    expect(denied.errors!.every((error) => error.extensions!.code === 'FORBIDDEN')).toBe(true);
  }
});

test('myFollowUps lists the owner’s open follow-ups by due date; closing one removes it', async () => {
  const mine = await execute(
    testApp,
    org.tokens.CONSULTANT,
    `{ myFollowUps(filter: { dueBefore: "${new Date(Date.now() + 72 * 3_600_000).toISOString()}" }) {
        totalCount edges { node { id version followUpItems customer { name } } } } }`,
  );
  expect(mine.data!.myFollowUps.totalCount).toBe(2);
  const [first] = mine.data!.myFollowUps.edges.map((edge: any) => edge.node);
  const done = await execute(
    testApp,
    org.tokens.CONSULTANT,
    `mutation($input: UpdateCommunicationInput!) { updateCommunication(input: $input) { status } }`,
    { input: { id: first.id, expectedVersion: first.version, status: 'DONE' } },
  );
  expect(done.data!.updateCommunication.status).toBe('DONE');
  const after = await execute(testApp, org.tokens.CONSULTANT, `{ myFollowUps { totalCount } }`);
  expect(after.data!.myFollowUps.totalCount).toBe(1);
  expect(
    (await execute(testApp, org.tokens.MANAGER, `{ myFollowUps { totalCount } }`)).data!.myFollowUps
      .totalCount,
  ).toBe(0);
});

test('bad input is BAD_USER_INPUT and writes nothing; a therapist may not log contacts', async () => {
  const record = (token: string, summary: string) =>
    execute(
      testApp,
      token,
      `mutation($input: RecordCommunicationInput!) { recordCommunication(input: $input) { id } }`,
      {
        input: { customerId: org.assigned.id, channel: 'PHONE', summary },
      },
    );
  const empty = await record(org.tokens.MANAGER, '   ');
  expect(empty.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'summary' });
  // A follow-up owner must be someone who sees communications: not a therapist.
  const therapistOwner = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: RecordCommunicationInput!) { recordCommunication(input: $input) { id } }`,
    {
      input: {
        customerId: org.assigned.id,
        channel: 'PHONE',
        summary: '电话回访',
        followUpItems: '下周再打',
        ownerId: org.users.THERAPIST.id,
      },
    },
  );
  expect(therapistOwner.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ownerId' });
  const therapist = await record(org.tokens.THERAPIST, '电话回访');
  expect(therapist.errors![0].extensions!.code).toBe('FORBIDDEN');
  const count = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ customer(id: "${org.assigned.id}") { communications { totalCount } } }`,
  );
  expect(count.data!.customer.communications.totalCount).toBe(1);
});

test('a page of customers with their logs costs the same statements for 2 or 20 customers', async () => {
  const query = (first: number) =>
    `{ customers(first: ${first}) { edges { node { id communications(first: 5) { totalCount edges { node { summary } } } } } } }`;
  testApp.statements.reset();
  await execute(testApp, org.tokens.MANAGER, query(1));
  const one = testApp.statements.count;
  testApp.statements.reset();
  const both = await execute(testApp, org.tokens.MANAGER, query(20));
  expect(both.data!.customers.edges).toHaveLength(2);
  expect(testApp.statements.count).toBe(one);
});

test('a consultant may not change a follow-up of someone else’s customer', async () => {
  const entry = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: RecordCommunicationInput!) { recordCommunication(input: $input) { id version } }`,
    {
      input: {
        customerId: org.unassigned.id,
        channel: 'PHONE',
        summary: '投诉回访',
        followUpItems: '周末再联系',
        ownerId: org.users.MANAGER.id,
      },
    },
  );
  const { id, version } = entry.data!.recordCommunication;
  const change = (token: string) =>
    execute(
      testApp,
      token,
      `mutation($input: UpdateCommunicationInput!) { updateCommunication(input: $input) { status } }`,
      { input: { id, expectedVersion: version, status: 'CANCELLED' } },
    );
  expect((await change(org.tokens.CONSULTANT)).errors![0].extensions!.code).toBe('FORBIDDEN');
  expect((await change(org.tokens.FRONT_DESK)).data!.updateCommunication.status).toBe('CANCELLED');
});

test('a POS key may record marketing consent but never the separate health-data consent', async () => {
  const marketing = await execute(
    testApp,
    integrationKey,
    `mutation { setContactConsent(input: { customerId: "${org.unassigned.id}", channel: SMS, granted: true, source: "收银台勾选" }) { id } }`,
  );
  expect(marketing.errors).toBeUndefined();
  const health = await execute(
    testApp,
    integrationKey,
    `mutation { withdrawHealthConsent(input: { customerId: "${org.unassigned.id}", source: "收银台" }) { id } }`,
  );
  expect(health.errors![0].extensions!.code).toBe('FORBIDDEN');
});
