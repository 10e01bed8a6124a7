import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
const ids: Record<string, string> = {};

/**
 * 张三 (assigned, fixture): female-ish VIP with WeChat + phone consent, goal 改善睡眠, 体质 气虚.
 * 李四 (fixture): big spender on 勿扰.   王五: big spender, no consent at all.
 * 赵六: big spender, SMS consent, male, 25 years old.   孙七: small spender, email consent.
 */
beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  ids.张三 = org.assigned.id;
  ids.李四 = org.unassigned.id;
  for (const name of ['王五', '赵六', '孙七']) ids[name] = (await createCustomer(testApp, org, name)).id;
  const set = (name: string, sql: string, params: unknown[] = []) =>
    testApp.asOwner(`update customer set ${sql} where id = $1`, [ids[name], ...params]);
  await set(
    '张三',
    `lifetime_spend = 500000, gender = 'FEMALE', birthday = '1990-03-01', email = 'zs@example.cn'`,
  );
  await set('李四', `lifetime_spend = 300000, gender = 'FEMALE', do_not_contact = true`);
  await set(
    '王五',
    `lifetime_spend = 300000, gender = 'FEMALE', phone = '+8613700137005', phone_last4 = '7005'`,
  );
  await set(
    '赵六',
    `lifetime_spend = 250000, gender = 'MALE', birthday = (current_date - interval '25 years')::date,
    phone = '+8613600136006', phone_last4 = '6006'`,
  );
  await set('孙七', `lifetime_spend = 1000, gender = 'FEMALE', email = 'sq@example.cn'`);
  // Through the API: the goals are sealed at rest with their blind index (a raw UPDATE would write plaintext).
  const goals = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation($id: ID!) { updateHealthProfile(customerId: $id, input: { wellnessGoals: ["改善睡眠"] }) { id } }`,
    { id: ids.张三 },
  );
  expect(goals.errors).toBeUndefined();
  const consent = (name: string, channel: string) =>
    execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($input: SetContactConsentInput!) { setContactConsent(input: $input) { id } }`,
      { input: { customerId: ids[name], channel, granted: true, source: '到店签字' } },
    );
  await consent('张三', 'WECHAT');
  await consent('张三', 'PHONE');
  await consent('李四', 'SMS');
  await consent('赵六', 'SMS');
  await consent('孙七', 'EMAIL');
});
afterAll(() => testApp.close());

const preview = (token: string, rule: Record<string, unknown>, fields = 'name') =>
  execute(
    testApp,
    token,
    `query($rule: SegmentRuleInput!) { segmentPreview(rule: $rule, first: 50) { totalCount edges { node { ${fields} } } } }`,
    { rule },
  );
const names = (result: any) => result.data!.segmentPreview.edges.map((edge: any) => edge.node.name).sort();

test('filters: spend, gender, age, consent channel and wellness goals', async () => {
  const bigSpenders = await preview(org.tokens.MANAGER, { minLifetimeSpend: 200000 });
  expect(names(bigSpenders)).toEqual(['张三', '李四', '王五', '赵六'].sort());
  expect(bigSpenders.data!.segmentPreview.totalCount).toBe(4);
  expect(names(await preview(org.tokens.MANAGER, { minLifetimeSpend: 200000, genders: ['MALE'] }))).toEqual([
    '赵六',
  ]);
  expect(names(await preview(org.tokens.MANAGER, { minAge: 20, maxAge: 30 }))).toEqual(['赵六']);
  expect(names(await preview(org.tokens.MANAGER, { consentChannelsAny: ['EMAIL', 'PHONE'] }))).toEqual(
    ['张三', '孙七'].sort(),
  );
  expect(names(await preview(org.tokens.MARKETING, { wellnessGoalsAny: ['改善睡眠'] }))).toEqual(['张三']);
  // Matching on the health profile is a health read of each member, and is audited as one.
  const [read] = await testApp.orm.em
    .getConnection()
    .execute<{ fields: string[]; role: string }[]>(
      `select fields, role from audit_event where action = 'READ' and customer_id = ? order by occurred_at desc limit 1`,
      [ids.张三],
    );
  expect(read).toEqual({ fields: ['segmentFilter.wellnessGoalsAny'], role: 'MARKETING' });
  // Pages follow each other without gaps or repeats.
  const page = (after?: string) =>
    execute(
      testApp,
      org.tokens.MANAGER,
      `query($after: String) { segmentPreview(rule: { minLifetimeSpend: 200000 }, first: 3, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { name } } } }`,
      { after },
    );
  const first = (await page()).data!.segmentPreview;
  const second = (await page(first.pageInfo.endCursor)).data!.segmentPreview;
  expect(first.pageInfo.hasNextPage).toBe(true);
  expect(second.pageInfo.hasNextPage).toBe(false);
  expect([...first.edges, ...second.edges].map((edge: any) => edge.node.name).sort()).toEqual(
    ['张三', '李四', '王五', '赵六'].sort(),
  );
  const range = await preview(org.tokens.MANAGER, { minAge: 40, maxAge: 30 });
  expect(range.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
});

test('MARKETING sees no opted-out customers, contact only where consented, and never health data', async () => {
  const result = await preview(
    org.tokens.MARKETING,
    { minLifetimeSpend: 200000 },
    `name phone email healthProfile { constitution } hasHealthAlerts alias: healthProfile { allergies { substance } }`,
  );
  const text = `${JSON.stringify(result.data)}`;
  // 李四 is on 勿扰 and 王五 never consented: not listed at all.
  expect(names(result)).toEqual(['张三', '赵六'].sort());
  const byName = Object.fromEntries(
    result.data!.segmentPreview.edges.map((edge: any) => [edge.node.name, edge.node]),
  );
  expect(byName.张三).toMatchObject({
    phone: '+8613800138001',
    email: null,
    healthProfile: null,
    alias: null,
  });
  expect(byName.赵六).toMatchObject({ phone: '+8613600136006', email: null });
  expect(text).not.toContain('QI_DEFICIENCY');
  expect(text).not.toContain('zs@example.cn');
  const denied = result.errors!.map((error) => error.path!.slice(-1)[0]).sort();
  expect(new Set(denied)).toEqual(new Set(['email', 'healthProfile', 'hasHealthAlerts', 'alias']));
  // The manager's view of the same rule keeps everyone.
  expect(
    (await preview(org.tokens.MANAGER, { minLifetimeSpend: 200000 })).data!.segmentPreview.totalCount,
  ).toBe(4);
});

test('health filters need a role that reads all health data; withdrawn consent never matches', async () => {
  const create = (token: string, rule: Record<string, unknown>) =>
    execute(
      testApp,
      token,
      `mutation($input: SegmentInput!) { createSegment(input: $input) { id name version members { totalCount edges { node { name } } } } }`,
      { input: { name: `体质 ${Math.random()}`, rule } },
    );
  const marketing = await create(org.tokens.MARKETING, { constitutions: ['QI_DEFICIENCY'] });
  expect(marketing.errors![0].extensions!.code).toBe('FORBIDDEN');
  expect(marketing.errors![0].message).toContain('constitutions');
  const manager = await create(org.tokens.MANAGER, { constitutions: ['QI_DEFICIENCY'] });
  expect(manager.data!.createSegment.members.totalCount).toBe(2); // 张三 and 李四 (fixture profiles)

  // Marketing may not read a health segment's members either.
  const members = await execute(
    testApp,
    org.tokens.MARKETING,
    `{ segment(id: "${manager.data!.createSegment.id}") { name members { totalCount } } }`,
  );
  expect(members.data!.segment).toEqual({ name: manager.data!.createSegment.name, members: null });
  expect(members.errors![0].extensions!.code).toBe('FORBIDDEN');

  await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation { withdrawHealthConsent(input: { customerId: "${ids.李四}", source: "客户要求" }) { id } }`,
  );
  const again = await execute(
    testApp,
    org.tokens.MANAGER,
    `{ segment(id: "${manager.data!.createSegment.id}") { members { edges { node { name } } } } }`,
  );
  expect(again.data!.segment.members.edges.map((edge: any) => edge.node.name)).toEqual(['张三']);
});

test('rule-based tags are computed from their rule, follow the data, and cannot be set by hand', async () => {
  const created = await execute(
    testApp,
    org.tokens.MARKETING,
    `mutation { createRuleTag(input: { name: "高端客户", color: "#C9A227", rule: { minLifetimeSpend: 280000 } }) { id name ruleBased } }`,
  );
  expect(created.data!.createRuleTag).toMatchObject({ name: '高端客户', ruleBased: true });
  const tagged = async () =>
    names(await preview(org.tokens.MANAGER, { tagIdsAny: [created.data!.createRuleTag.id] }));
  expect(await tagged()).toEqual(['张三', '李四', '王五'].sort());

  await testApp.asOwner(`update customer set lifetime_spend = 290000 where id = $1`, [ids.赵六]);
  await testApp.asOwner(`update customer set lifetime_spend = 1000 where id = $1`, [ids.王五]);
  const recomputed = await execute(testApp, org.tokens.MANAGER, `mutation { recomputeRuleTags }`);
  expect(recomputed.data!.recomputeRuleTags).toBe(2);
  expect(await tagged()).toEqual(['张三', '李四', '赵六'].sort());

  const byHand = await execute(
    testApp,
    org.tokens.CONSULTANT,
    `mutation { setCustomerTags(id: "${ids.孙七}", tagNames: ["高端客户"]) { id } }`,
  );
  expect(byHand.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tagNames' });
  // Setting manual tags keeps the rule tags.
  const manual = await execute(
    testApp,
    org.tokens.CONSULTANT,
    `mutation { setCustomerTags(id: "${ids.张三}", tagNames: ["敏感肌"]) { tags { name } } }`,
  );
  expect(manual.data!.setCustomerTags.tags.map((tag: any) => tag.name).sort()).toEqual(
    ['敏感肌', '高端客户'].sort(),
  );

  const healthRule = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation { createRuleTag(input: { name: "气虚", rule: { constitutions: [QI_DEFICIENCY] } }) { id } }`,
  );
  expect(healthRule.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'rule.constitutions',
  });
});

test('a page of segment members costs the same statements for 1 or 50 members', async () => {
  const count = async (first: number) => {
    testApp.statements.reset();
    const result = await execute(
      testApp,
      org.tokens.MARKETING,
      `{ segmentPreview(rule: { minVisits: 0 }, first: ${first}) { edges { node { name phone tags { name } } } } }`,
    );
    // Only consent-denied phones may fail; everything else comes back.
    expect((result.errors ?? []).every((error) => error.path!.at(-1) === 'phone')).toBe(true);
    expect(result.data!.segmentPreview.edges.length).toBeGreaterThan(0);
    return testApp.statements.count;
  };
  expect(await count(50)).toBe(await count(1));
});

test('MARKETING never finds an opted-out customer (勿扰 or consent withdrawn) through customers or customer(id)', async () => {
  const list = await execute(
    testApp,
    org.tokens.MARKETING,
    `{ customers(first: 50) { totalCount edges { node { name } } } }`,
  );
  expect(list.errors).toBeUndefined();
  const listed = list.data!.customers.edges.map((edge: any) => edge.node.name).sort();
  // 李四 is on 勿扰; 王五 was never asked (not opted out, so listed, without contact fields).
  expect(listed).toEqual(['张三', '王五', '赵六', '孙七'].sort());
  expect(list.data!.customers.totalCount).toBe(4);
  await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation { setContactConsent(input: { customerId: "${ids.王五}", channel: SMS, granted: false, source: "短信回复TD" }) { id } }`,
  );
  const after = await execute(testApp, org.tokens.MARKETING, `{ customers(first: 50) { totalCount } }`);
  expect(after.data!.customers.totalCount).toBe(3);
  const direct = await execute(testApp, org.tokens.MARKETING, `{ customer(id: "${ids.李四}") { name } }`);
  expect(direct.errors![0].extensions!.code).toBe('NOT_FOUND');
  const manager = await execute(testApp, org.tokens.MANAGER, `{ customer(id: "${ids.李四}") { name } }`);
  expect(manager.data!.customer.name).toBe('李四');
});

test('a segment or rule tag naming a tier, tag or store of another organization is refused and nothing is saved', async () => {
  const other = await createOrganization(testApp, '别家');
  const save = (rule: Record<string, unknown>) =>
    execute(
      testApp,
      org.tokens.MANAGER,
      `mutation($input: SegmentInput!) { createSegment(input: $input) { id } }`,
      { input: { name: `外部引用 ${Math.random()}`, rule } },
    );
  const foreignStore = await save({ storeIds: [org.storeId, other.storeId] });
  expect(foreignStore.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'rule.storeIds[1]',
    rule: 'unknown',
  });
  const malformed = await save({ tierIds: ['not-a-uuid'] });
  expect(malformed.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rule.tierIds[0]' });
  const own = await save({ storeIds: [org.storeId] });
  expect(own.errors).toBeUndefined();
  const segments = await execute(testApp, org.tokens.MANAGER, `{ segments { name } }`);
  expect(segments.data!.segments.filter((segment: any) => segment.name.startsWith('外部引用'))).toHaveLength(
    1,
  );
  const tag = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($rule: SegmentRuleInput!) { createRuleTag(input: { name: "外部门店", rule: $rule }) { id } }`,
    { rule: { storeIds: [other.storeId] } },
  );
  expect(tag.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rule.storeIds[0]' });
});
