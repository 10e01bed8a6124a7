import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type GraphQLResult, type TestApp } from '../support/test-app';

/**
 * 档案查阅审批 (issue 17): a role that does not read a customer's health record asks, a MANAGER or
 * OWNER grants sections for a time, and while the grant lasts the holder reads exactly those sections
 * of that customer, every read audited with the grant.
 */
let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家美容院');
});
afterAll(() => testApp.close());

const REQUEST = `mutation($customerId: ID!, $sections: [HealthAccessSection!]!, $reason: String!) {
  requestHealthAccess(input: { customerId: $customerId, sections: $sections, reason: $reason }) {
    id status version requestedSections active } }`;
const APPROVE = `mutation($requestId: ID!, $sections: [HealthAccessSection!]!, $minutes: Int!, $version: Int!) {
  approveHealthAccess(input: { requestId: $requestId, sections: $sections, durationMinutes: $minutes,
    expectedVersion: $version }) { id status grantedSections expiresAt active decidedById } }`;
const REFUSE = `mutation($requestId: ID!) { refuseHealthAccess(input: { requestId: $requestId, reason: "无业务需要" }) {
  status decisionNote active } }`;
const REVOKE = `mutation($requestId: ID!) { revokeHealthAccess(input: { requestId: $requestId, reason: "服务已结束" }) {
  status revokedAt active } }`;

/** Every health part, under aliases, a fragment and the list page's nested path. */
const PROFILE = `query($id: ID!) {
  customer(id: $id) {
    name
    healthProfile { allergies { substance } specialConditions { kind } medicalHistory { condition }
      constitution currentComplaints lifestyle { sleepHours } notes }
    aliased: healthProfile { safety: allergies { substance } }
    ...History
  }
  customers(first: 20) { edges { node { id healthProfile { allergies { substance } medicalHistory { condition } } } } }
}
fragment History on Customer { viaFragment: healthProfile { medicalHistory { condition } } }`;

type Result = GraphQLResult<Record<string, any>>;

/** The paths answered FORBIDDEN, as strings. */
const forbiddenPaths = (result: Result) =>
  (result.errors ?? [])
    .filter((error) => error.extensions?.code === 'FORBIDDEN')
    .map((error) => error.path!.join('.'))
    .sort();

const nodeOf = (result: Result, id: string) =>
  (result.data!.customers.edges as { node: { id: string; healthProfile: unknown } }[]).find(
    (edge) => edge.node.id === id,
  )!.node;

async function ask(token: string, customerId: string, sections: string[], reason = '客户要求调整方案') {
  const result = await execute(testApp, token, REQUEST, { customerId, sections, reason });
  expect(result.errors).toBeUndefined();
  return result.data!.requestHealthAccess as { id: string; version: number; status: string };
}

async function approve(requestId: string, sections: string[], minutes = 120, token = org.tokens.MANAGER) {
  const { version } = (
    await testApp.orm.em
      .getConnection()
      .execute<{ version: number }[]>('select version from health_access_request where id = ?', [requestId])
  )[0];
  return execute(testApp, token, APPROVE, { requestId, sections, minutes, version });
}

const readsAudited = (customerId: string, grantId: string | null, extra = '') =>
  countRows(
    testApp.orm,
    `select count(*) from audit_event where action = 'READ' and customer_id = ? and ${
      grantId ? 'grant_id = ?' : 'grant_id is null'
    } ${extra}`,
    grantId ? [customerId, grantId] : [customerId],
  );

test('CONSULTANT: ask, approval of a part, read exactly that part of that customer, audited, ends by itself', async () => {
  const customerId = org.unassigned.id;
  const before = await execute(testApp, org.tokens.CONSULTANT, PROFILE, { id: customerId });
  expect(before.data!.customer.healthProfile).toBeNull();

  const request = await ask(org.tokens.CONSULTANT, customerId, ['SAFETY', 'HISTORY']);
  expect(request).toMatchObject({ status: 'PENDING' });
  const pending = await execute(testApp, org.tokens.MANAGER, '{ pendingHealthAccessRequests { id reason } }');
  expect(pending.data!.pendingHealthAccessRequests).toContainEqual({
    id: request.id,
    reason: '客户要求调整方案',
  });
  // Nobody of another organization sees or decides it.
  const elsewhere = await execute(testApp, other.tokens.MANAGER, '{ pendingHealthAccessRequests { id } }');
  expect(elsewhere.data!.pendingHealthAccessRequests).not.toContainEqual({ id: request.id });
  const foreign = await approve(request.id, ['SAFETY'], 60, other.tokens.OWNER);
  expect(foreign.errors![0].extensions!.code).toBe('NOT_FOUND');

  const approved = await approve(request.id, ['SAFETY'], 60);
  expect(approved.errors).toBeUndefined();
  expect(approved.data!.approveHealthAccess).toMatchObject({
    status: 'APPROVED',
    grantedSections: ['SAFETY'],
    active: true,
    decidedById: org.users.MANAGER.id,
  });

  const during = await execute(testApp, org.tokens.CONSULTANT, PROFILE, { id: customerId });
  const profile = during.data!.customer.healthProfile;
  expect(profile.allergies).toEqual([{ substance: '芒果' }]);
  expect(profile.specialConditions).toEqual([]);
  expect(during.data!.customer.aliased).toEqual({ safety: [{ substance: '芒果' }] });
  expect(nodeOf(during, customerId).healthProfile).toEqual({
    allergies: [{ substance: '芒果' }],
    medicalHistory: null,
  });
  // HISTORY was asked for but not granted; ASSESSMENT and NOTES were never asked for.
  expect(profile).toMatchObject({
    medicalHistory: null,
    constitution: null,
    currentComplaints: null,
    notes: null,
  });
  expect(during.data!.customer.viaFragment).toEqual({ medicalHistory: null });
  expect(forbiddenPaths(during)).toEqual(
    [
      'customer.healthProfile.medicalHistory',
      'customer.healthProfile.constitution',
      'customer.healthProfile.currentComplaints',
      'customer.healthProfile.lifestyle',
      'customer.healthProfile.notes',
      'customer.viaFragment.medicalHistory',
      `customers.edges.${(during.data!.customers.edges as { node: { id: string } }[]).findIndex(
        (edge) => edge.node.id === customerId,
      )}.node.healthProfile.medicalHistory`,
    ].sort(),
  );
  expect(await readsAudited(customerId, request.id)).toBe(1);
  // The assigned customer is read by role: its row names no grant.
  expect(
    await readsAudited(org.assigned.id, null, `and actor_user_id = '${org.users.CONSULTANT.id}'`),
  ).toBeGreaterThan(0);

  // Another consultant holds no grant.
  const colleague = await execute(testApp, org.tokens.OTHER_CONSULTANT, PROFILE, { id: customerId });
  expect(colleague.data!.customer.healthProfile).toBeNull();

  const viewer = await execute(
    testApp,
    org.tokens.CONSULTANT,
    '{ viewer { activeHealthGrants { id customerId kind sections } readableFields { typeName fieldName condition } } }',
  );
  expect(viewer.data!.viewer.activeHealthGrants).toEqual([
    { id: request.id, customerId, kind: 'APPROVAL', sections: ['SAFETY'] },
  ]);
  expect(viewer.data!.viewer.readableFields).toContainEqual({
    typeName: 'HealthProfile',
    fieldName: 'allergies',
    condition: 'ASSIGNED_OR_GRANTED',
  });

  // The grant ends by itself: move its times into the past, no job runs.
  await testApp.orm.em
    .getConnection()
    .execute(
      `update health_access_request set approved_at = now() - interval '2 hours', expires_at = now() - interval '1 minute' where id = ?`,
      [request.id],
    );
  const after = await execute(testApp, org.tokens.CONSULTANT, PROFILE, { id: customerId });
  expect(after.data!.customer.healthProfile).toBeNull();
  expect(nodeOf(after, customerId).healthProfile).toBeNull();
  const ended = await execute(testApp, org.tokens.CONSULTANT, '{ viewer { activeHealthGrants { id } } }');
  expect(ended.data!.viewer.activeHealthGrants).toEqual([]);
  expect(await readsAudited(customerId, request.id)).toBe(1);
  const revokeEnded = await execute(testApp, org.tokens.MANAGER, REVOKE, { requestId: request.id });
  expect(revokeEnded.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ACCESS_EXPIRED' });
});

test('THERAPIST: refusal, an ASSESSMENT grant reads the assessment only, revocation ends it', async () => {
  const customerId = org.unassigned.id;
  const history = await execute(testApp, org.tokens.THERAPIST, REQUEST, {
    customerId,
    sections: ['HISTORY'],
    reason: '了解病史',
  });
  expect(history.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'sections' });

  const first = await ask(org.tokens.THERAPIST, customerId, ['SAFETY']);
  const refused = await execute(testApp, org.tokens.OWNER, REFUSE, { requestId: first.id });
  expect(refused.data!.refuseHealthAccess).toEqual({
    status: 'REFUSED',
    decisionNote: '无业务需要',
    active: false,
  });
  const stillHidden = await execute(testApp, org.tokens.THERAPIST, PROFILE, { id: customerId });
  expect(stillHidden.data!.customer.healthProfile).toBeNull();
  const again = await approve(first.id, ['SAFETY']);
  expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_DECIDED' });

  const second = await ask(org.tokens.THERAPIST, customerId, ['ASSESSMENT', 'NOTES']);
  expect((await approve(second.id, ['ASSESSMENT'])).errors).toBeUndefined();
  const during = await execute(testApp, org.tokens.THERAPIST, PROFILE, { id: customerId });
  expect(during.data!.customer.healthProfile).toMatchObject({
    allergies: null,
    medicalHistory: null,
    constitution: 'QI_DEFICIENCY',
    currentComplaints: ['失眠'],
    notes: null,
  });
  expect(forbiddenPaths(during)).toEqual(
    expect.arrayContaining([
      'customer.healthProfile.allergies',
      'customer.healthProfile.specialConditions',
      'customer.healthProfile.medicalHistory',
      'customer.healthProfile.notes',
      'customer.aliased.safety',
    ]),
  );
  expect(forbiddenPaths(during)).not.toContain('customer.healthProfile.constitution');
  // Lifestyle is ASSESSMENT: the value object below it opens for the therapist too.
  expect(forbiddenPaths(during).filter((path) => path.includes('lifestyle'))).toEqual([]);
  expect(await readsAudited(customerId, second.id)).toBe(1);

  const revoked = await execute(testApp, org.tokens.OWNER, REVOKE, { requestId: second.id });
  expect(revoked.data!.revokeHealthAccess).toMatchObject({ status: 'REVOKED', active: false });
  const after = await execute(testApp, org.tokens.THERAPIST, PROFILE, { id: customerId });
  expect(after.data!.customer.healthProfile).toBeNull();
  const mine = await execute(testApp, org.tokens.THERAPIST, '{ myHealthAccessRequests { id status } }');
  expect(mine.data!.myHealthAccessRequests).toEqual([
    { id: second.id, status: 'REVOKED' },
    { id: first.id, status: 'REFUSED' },
  ]);
  const grants = await execute(
    testApp,
    org.tokens.AUDITOR,
    `{ healthAccessGrants(customerId: "${customerId}") { id status } }`,
  );
  expect(grants.data!.healthAccessGrants).toContainEqual({ id: second.id, status: 'REVOKED' });
});

test('who may ask and what approving checks', async () => {
  const customerId = org.unassigned.id;
  for (const role of ['FRONT_DESK', 'MARKETING', 'AUDITOR', 'MANAGER'] as const) {
    const result = await execute(testApp, org.tokens[role], REQUEST, {
      customerId,
      sections: ['SAFETY'],
      reason: '查看',
    });
    expect(result.errors![0].extensions!.code).toBe('FORBIDDEN');
  }
  // The assigned consultant reads 张三 already.
  const readable = await execute(testApp, org.tokens.CONSULTANT, REQUEST, {
    customerId: org.assigned.id,
    sections: ['HISTORY'],
    reason: '查看',
  });
  expect(readable.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'readable' });
  const blank = await execute(testApp, org.tokens.OTHER_CONSULTANT, REQUEST, {
    customerId,
    sections: ['SAFETY'],
    reason: '  ',
  });
  expect(blank.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'length' });

  const request = await ask(org.tokens.OTHER_CONSULTANT, customerId, ['SAFETY', 'NOTES']);
  const twice = await execute(testApp, org.tokens.OTHER_CONSULTANT, REQUEST, {
    customerId,
    sections: ['SAFETY'],
    reason: '再次申请',
  });
  expect(twice.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ACCESS_REQUESTED' });
  const notRequested = await approve(request.id, ['HISTORY']);
  expect(notRequested.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'sections' });
  const tooLong = await approve(request.id, ['SAFETY'], 481);
  expect(tooLong.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'range' });
  const stale = await execute(testApp, org.tokens.MANAGER, APPROVE, {
    requestId: request.id,
    sections: ['SAFETY'],
    minutes: 60,
    version: request.version + 5,
  });
  expect(stale.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_VERSION' });
  const byRequester = await approve(request.id, ['SAFETY'], 60, org.tokens.OTHER_CONSULTANT);
  expect(byRequester.errors![0].extensions!.code).toBe('FORBIDDEN');

  // Left pending for more than a day: it can no longer be approved.
  await testApp.orm.em
    .getConnection()
    .execute(`update health_access_request set created_at = now() - interval '25 hours' where id = ?`, [
      request.id,
    ]);
  const late = await approve(request.id, ['SAFETY']);
  expect(late.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ACCESS_EXPIRED' });
  const withdrawn = await execute(
    testApp,
    org.tokens.OTHER_CONSULTANT,
    `mutation { withdrawHealthAccessRequest(requestId: "${request.id}") { status } }`,
  );
  expect(withdrawn.data!.withdrawHealthAccessRequest).toEqual({ status: 'WITHDRAWN' });
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from health_access_request where id = ? and status = 'APPROVED'`,
      [request.id],
    ),
  ).toBe(0);
});

test('consent withdrawal binds a grant, and only roles that may hold grants look them up (one statement)', async () => {
  const fixture = await createOrganization(testApp, '第三家');
  const request = await ask(fixture.tokens.CONSULTANT, fixture.unassigned.id, ['SAFETY']);
  const version = request.version;
  const approved = await execute(testApp, fixture.tokens.OWNER, APPROVE, {
    requestId: request.id,
    sections: ['SAFETY'],
    minutes: 30,
    version,
  });
  expect(approved.errors).toBeUndefined();

  const grantStatements: string[] = [];
  const listener = (query: { sql: string }) => {
    if (query.sql.includes('from health_access_request')) grantStatements.push(query.sql);
  };
  const knex = testApp.orm.em.getConnection().getKnex();
  knex.on('query', listener);
  try {
    const read = await execute(testApp, fixture.tokens.CONSULTANT, PROFILE, { id: fixture.unassigned.id });
    expect(nodeOf(read, fixture.unassigned.id).healthProfile).toMatchObject({
      allergies: [{ substance: '芒果' }],
    });
    expect(grantStatements).toHaveLength(1);
    grantStatements.length = 0;
    const manager = await execute(testApp, fixture.tokens.MANAGER, PROFILE, { id: fixture.unassigned.id });
    expect(manager.errors).toBeUndefined();
    expect(grantStatements).toHaveLength(0);
  } finally {
    knex.off('query', listener);
  }

  await execute(
    testApp,
    fixture.tokens.FRONT_DESK,
    `mutation { withdrawHealthConsent(input: { customerId: "${fixture.unassigned.id}", source: "客户电话要求" }) { id } }`,
  );
  const withdrawn = await execute(testApp, fixture.tokens.CONSULTANT, PROFILE, { id: fixture.unassigned.id });
  expect(withdrawn.data!.customer.healthProfile).toBeNull();
});

test('a MANAGER linked to stores decides only for customers of those; the OWNER for all', async () => {
  const fixture = await createOrganization(testApp, '连锁店');
  const connection = testApp.orm.em.getConnection();
  const [branch] = await connection.execute<{ id: string }[]>(
    `insert into store (id, organization_id, name, code) values (gen_random_uuid(), ?, '分店', 'B1') returning id`,
    [fixture.organizationId],
  );
  await connection.execute('update customer set home_store_id = ? where id = ?', [
    branch.id,
    fixture.unassigned.id,
  ]);
  await connection.execute('insert into user_store (user_id, store_id) values (?, ?)', [
    fixture.users.MANAGER.id,
    fixture.storeId,
  ]);
  const request = await ask(fixture.tokens.CONSULTANT, fixture.unassigned.id, ['SAFETY']);
  const pending = await execute(testApp, fixture.tokens.MANAGER, '{ pendingHealthAccessRequests { id } }');
  expect(pending.data!.pendingHealthAccessRequests).toEqual([]);
  const otherStore = await approve(request.id, ['SAFETY'], 60, fixture.tokens.MANAGER);
  expect(otherStore.errors![0].extensions!.code).toBe('FORBIDDEN');
  const owner = await approve(request.id, ['SAFETY'], 60, fixture.tokens.OWNER);
  expect(owner.errors).toBeUndefined();
  expect(owner.data!.approveHealthAccess.status).toBe('APPROVED');
});

test("a grant opens only what the holder's current role may be granted: a consultant become therapist loses HISTORY", async () => {
  const fixture = await createOrganization(testApp, '转岗店');
  const customerId = fixture.unassigned.id;
  const request = await ask(fixture.tokens.CONSULTANT, customerId, ['SAFETY', 'HISTORY']);
  const approved = await approve(request.id, ['SAFETY', 'HISTORY'], 120, fixture.tokens.OWNER);
  expect(approved.errors).toBeUndefined();
  const HISTORY = `query($id: ID!) { customer(id: $id) { healthProfile { allergies { substance } medicalHistory { condition } } } }`;
  const before = await execute(testApp, fixture.tokens.CONSULTANT, HISTORY, { id: customerId });
  expect(before.errors).toBeUndefined();
  expect(before.data!.customer.healthProfile).toEqual({
    allergies: [{ substance: '芒果' }],
    medicalHistory: [],
  });

  // No mutation changes a staff role: plain SQL, which the directory cache hears of by NOTIFY.
  await testApp.asOwner(`update app_user set role = 'THERAPIST' where id = $1`, [
    fixture.users.CONSULTANT.id,
  ]);
  const role = async () =>
    String((await execute(testApp, fixture.tokens.CONSULTANT, '{ viewer { role } }')).data!.viewer.role);
  for (let tries = 0; (await role()) !== 'THERAPIST' && tries < 80; tries++)
    await new Promise((resolve) => setTimeout(resolve, 25));
  expect(await role()).toBe('THERAPIST');

  const after = await execute(testApp, fixture.tokens.CONSULTANT, HISTORY, { id: customerId });
  // SAFETY a therapist may be granted: it still opens; HISTORY never: FORBIDDEN despite the grant.
  expect(after.data!.customer.healthProfile).toEqual({
    allergies: [{ substance: '芒果' }],
    medicalHistory: null,
  });
  expect(forbiddenPaths(after)).toEqual(['customer.healthProfile.medicalHistory']);
  const viewer = await execute(
    testApp,
    fixture.tokens.CONSULTANT,
    '{ viewer { activeHealthGrants { id sections } } }',
  );
  expect(viewer.data!.viewer.activeHealthGrants).toEqual([{ id: request.id, sections: ['SAFETY'] }]);
});

test('a request with no store is decided by the OWNER or a MANAGER linked to no store, never a store-linked one', async () => {
  const fixture = await createOrganization(testApp, '无门店客户');
  const connection = testApp.orm.em.getConnection();
  // 李四 has no home store and no visit: the request names no store.
  const request = await ask(fixture.tokens.CONSULTANT, fixture.unassigned.id, ['SAFETY']);
  expect(
    await countRows(
      testApp.orm,
      'select count(*) from health_access_request where id = ? and store_id is null',
      [request.id],
    ),
  ).toBe(1);
  await connection.execute('insert into user_store (user_id, store_id) values (?, ?)', [
    fixture.users.MANAGER.id,
    fixture.storeId,
  ]);
  const pending = await execute(testApp, fixture.tokens.MANAGER, '{ pendingHealthAccessRequests { id } }');
  expect(pending.data!.pendingHealthAccessRequests).toEqual([]);
  const linked = await approve(request.id, ['SAFETY'], 60, fixture.tokens.MANAGER);
  expect(linked.errors![0].extensions!.code).toBe('FORBIDDEN');

  // Linked to no store, the same manager decides for all.
  await connection.execute('delete from user_store where user_id = ?', [fixture.users.MANAGER.id]);
  const unlinkedPending = await execute(
    testApp,
    fixture.tokens.MANAGER,
    '{ pendingHealthAccessRequests { id } }',
  );
  expect(unlinkedPending.data!.pendingHealthAccessRequests).toEqual([{ id: request.id }]);
  const unlinked = await approve(request.id, ['SAFETY'], 60, fixture.tokens.MANAGER);
  expect(unlinked.errors).toBeUndefined();
  expect(unlinked.data!.approveHealthAccess.status).toBe('APPROVED');
});
