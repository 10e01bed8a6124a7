import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { newKey } from '../support/ledger-fixtures';

/** Break-glass (紧急查阅): SAFETY at once for 30 minutes, flagged in the audit, reviewed by a manager. */
let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const BREAK_GLASS = `mutation($customerId: ID!, $reason: String!) {
  breakGlassHealthAccess(input: { customerId: $customerId, reason: $reason }) {
    id kind status grantedSections approvedAt expiresAt active } }`;
const PROFILE = `query($id: ID!) { customer(id: $id) {
  healthProfile { allergies { substance } specialConditions { kind } medicalHistory { condition } notes } } }`;

test('a therapist breaks the glass: SAFETY only, at once, audited as BREAK_GLASS, a review task for the manager', async () => {
  const customerId = org.unassigned.id;
  const hidden = await execute(testApp, org.tokens.OTHER_THERAPIST, PROFILE, { id: customerId });
  expect(hidden.data!.customer.healthProfile).toBeNull();

  const noReason = await execute(testApp, org.tokens.OTHER_THERAPIST, BREAK_GLASS, {
    customerId,
    reason: ' ',
  });
  expect(noReason.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'length' });
  for (const role of ['FRONT_DESK', 'MARKETING', 'MANAGER'] as const) {
    const refused = await execute(testApp, org.tokens[role], BREAK_GLASS, { customerId, reason: '紧急' });
    expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');
  }
  // The assigned therapist reads SAFETY of 张三 already.
  const needless = await execute(testApp, org.tokens.THERAPIST, BREAK_GLASS, {
    customerId: org.assigned.id,
    reason: '紧急',
  });
  expect(needless.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'readable' });

  const opened = await execute(testApp, org.tokens.OTHER_THERAPIST, BREAK_GLASS, {
    customerId,
    reason: '客户按摩中出现皮疹, 需确认过敏史',
  });
  expect(opened.errors).toBeUndefined();
  const grant = opened.data!.breakGlassHealthAccess;
  expect(grant).toMatchObject({
    kind: 'BREAK_GLASS',
    status: 'APPROVED',
    grantedSections: ['SAFETY'],
    active: true,
  });
  expect(new Date(grant.expiresAt).getTime() - new Date(grant.approvedAt).getTime()).toBe(30 * 60_000);

  const read = await execute(testApp, org.tokens.OTHER_THERAPIST, PROFILE, { id: customerId });
  expect(read.data!.customer.healthProfile).toEqual({
    allergies: [{ substance: '芒果' }],
    specialConditions: [],
    medicalHistory: null,
    notes: null,
  });
  expect(read.errors!.map((error) => [error.path!.join('.'), error.extensions!.code]).sort()).toEqual([
    ['customer.healthProfile.medicalHistory', 'FORBIDDEN'],
    ['customer.healthProfile.notes', 'FORBIDDEN'],
  ]);

  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where action = 'BREAK_GLASS' and entity_id = ? and customer_id = ?
          and actor_user_id = ? and reason = 'BREAK_GLASS'`,
      [grant.id, customerId, org.users.OTHER_THERAPIST.id],
    ),
  ).toBe(1);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where action = 'READ' and customer_id = ? and grant_id = ?
          and reason = 'BREAK_GLASS' and fields = array['allergies', 'specialConditions']`,
      [customerId, grant.id],
    ),
  ).toBe(1);
  const audit = await execute(
    testApp,
    org.tokens.AUDITOR,
    `{ auditEvents(first: 5, customerId: "${customerId}") { edges { node { action grantId reason } } } }`,
  );
  expect(audit.errors).toBeUndefined();
  expect(audit.data!.auditEvents.edges.map((edge: { node: unknown }) => edge.node)).toContainEqual({
    action: 'READ',
    grantId: grant.id,
    reason: 'BREAK_GLASS',
  });

  const tasks = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ careTasks(first: 10, filter: { kinds: [BREAK_GLASS_REVIEW] }) { edges { node { kind reason customer { id } owner { id } } } } }`,
  );
  expect(tasks.errors).toBeUndefined();
  expect(tasks.data!.careTasks.edges).toEqual([
    {
      node: {
        kind: 'BREAK_GLASS_REVIEW',
        reason: expect.stringContaining('紧急查阅复核'),
        customer: { id: customerId },
        owner: { id: org.users.MANAGER.id },
      },
    },
  ]);

  // Twice in a row is not needed: the first still holds.
  const twice = await execute(testApp, org.tokens.OTHER_THERAPIST, BREAK_GLASS, {
    customerId,
    reason: '再次',
  });
  expect(twice.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ACCESS_REQUESTED' });
  // A manager may end it early.
  const revoked = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation { revokeHealthAccess(input: { requestId: "${grant.id}", reason: "已复核" }) { status } }`,
  );
  expect(revoked.data!.revokeHealthAccess).toEqual({ status: 'REVOKED' });
  const after = await execute(testApp, org.tokens.OTHER_THERAPIST, PROFILE, { id: customerId });
  expect(after.data!.customer.healthProfile).toBeNull();
});

test("an erasure keeps who asked and when, but not the request's free text", async () => {
  const fixture = await createOrganization(testApp, '删除测试馆');
  const opened = await execute(testApp, fixture.tokens.THERAPIST, BREAK_GLASS, {
    customerId: fixture.unassigned.id,
    reason: '李四 按摩中头晕',
  });
  expect(opened.errors).toBeUndefined();
  const erased = await execute(
    testApp,
    fixture.tokens.OWNER,
    `mutation($input: EraseCustomerInput!) { eraseCustomer(input: $input) { erasedAt } }`,
    {
      input: {
        id: fixture.unassigned.id,
        reason: '客户本人书面申请',
        confirm: fixture.unassigned.code,
        idempotencyKey: newKey('erase'),
      },
    },
  );
  expect(erased.errors).toBeUndefined();
  const [row] = await testApp.orm.em
    .getConnection()
    .execute<{ reason: string; kind: string; requester_id: string }[]>(
      'select reason, kind, requester_id from health_access_request where customer_id = ?',
      [fixture.unassigned.id],
    );
  expect(row).toEqual({ reason: '[已删除]', kind: 'BREAK_GLASS', requester_id: fixture.users.THERAPIST.id });
});

test('a read under a break-glass and an approval of the same customer keeps both grants in the audit', async () => {
  const fixture = await createOrganization(testApp, '双重授权');
  const customerId = fixture.unassigned.id;
  const asked = await execute(
    testApp,
    fixture.tokens.THERAPIST,
    `mutation($customerId: ID!) { requestHealthAccess(input: { customerId: $customerId, sections: [ASSESSMENT],
      reason: "调整方案" }) { id version } }`,
    { customerId },
  );
  const approval = asked.data!.requestHealthAccess as { id: string; version: number };
  const approved = await execute(
    testApp,
    fixture.tokens.MANAGER,
    `mutation($requestId: ID!, $version: Int!) { approveHealthAccess(input: { requestId: $requestId,
      sections: [ASSESSMENT], durationMinutes: 60, expectedVersion: $version }) { status } }`,
    { requestId: approval.id, version: approval.version },
  );
  expect(approved.errors).toBeUndefined();
  const opened = await execute(testApp, fixture.tokens.THERAPIST, BREAK_GLASS, {
    customerId,
    reason: '皮疹',
  });
  expect(opened.errors).toBeUndefined();
  const breakGlass = opened.data!.breakGlassHealthAccess.id as string;

  // SAFETY rests on the break-glass, the constitution (ASSESSMENT) on the approval, in one request.
  const read = await execute(
    testApp,
    fixture.tokens.THERAPIST,
    `query($id: ID!) { customer(id: $id) { healthProfile { allergies { substance } constitution } } }`,
    { id: customerId },
  );
  expect(read.errors).toBeUndefined();
  expect(read.data!.customer.healthProfile).toEqual({
    allergies: [{ substance: '芒果' }],
    constitution: 'QI_DEFICIENCY',
  });
  const rows = await testApp.orm.em.getConnection().execute<{ grant_id: string; reason: string | null }[]>(
    `select grant_id, reason from audit_event where action = 'READ' and customer_id = ? and actor_user_id = ?
        order by reason nulls first`,
    [customerId, fixture.users.THERAPIST.id],
  );
  expect(rows).toEqual([
    { grant_id: approval.id, reason: null },
    { grant_id: breakGlass, reason: 'BREAK_GLASS' },
  ]);
});

test('at most 3 break-glass grants per user in a rolling 24 hours, revoked ones included', async () => {
  const fixture = await createOrganization(testApp, '紧急上限');
  const customerId = fixture.unassigned.id;
  const breakGlass = () =>
    execute(testApp, fixture.tokens.OTHER_THERAPIST, BREAK_GLASS, { customerId, reason: '紧急' });
  const ids: string[] = [];
  for (let time = 0; time < 3; time++) {
    const opened = await breakGlass();
    expect(opened.errors).toBeUndefined();
    ids.push(opened.data!.breakGlassHealthAccess.id);
    const revoked = await execute(
      testApp,
      fixture.tokens.MANAGER,
      `mutation { revokeHealthAccess(input: { requestId: "${ids[time]}", reason: "已复核" }) { status } }`,
    );
    expect(revoked.errors).toBeUndefined();
  }
  const fourth = await breakGlass();
  expect(fourth.data).toBeNull();
  expect(fourth.errors![0].extensions).toMatchObject({
    code: 'CONFLICT',
    reason: 'BREAK_GLASS_LIMIT',
    limit: 3,
  });
  expect(
    await countRows(testApp.orm, `select count(*) from health_access_request where requester_id = ?`, [
      fixture.users.OTHER_THERAPIST.id,
    ]),
  ).toBe(3);
  // Another user's count is their own.
  expect(
    (await execute(testApp, fixture.tokens.THERAPIST, BREAK_GLASS, { customerId, reason: '紧急' })).errors,
  ).toBeUndefined();

  // Once the first is more than 24 hours old, one more is allowed.
  await testApp.orm.em.getConnection().execute(
    `update health_access_request set created_at = created_at - interval '25 hours', decided_at = decided_at - interval '25 hours',
       approved_at = approved_at - interval '25 hours', expires_at = expires_at - interval '25 hours',
       revoked_at = revoked_at - interval '25 hours' where id = ?`,
    [ids[0]],
  );
  expect((await breakGlass()).errors).toBeUndefined();
  expect((await breakGlass()).errors![0].extensions).toMatchObject({ reason: 'ACCESS_REQUESTED' });
});
