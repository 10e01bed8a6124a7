import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, newKey, type CardProductsFixture } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';
import { TcmConstitution } from '../../src/entities/health/health.enums';
import { customerWithHistory, MERGE, ok } from './customer-merge-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
let cards: CardProductsFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  cards = await createCardProducts(testApp, org, menu);
});
afterAll(() => testApp.close());

/** Rows that stay with the merged id: the ledger's history (entries, emptied accounts, tier moves), the audit, import rows. */
const HISTORY = new Set(['ledger_entry', 'account', 'tier_change', 'audit_event', 'customer_import_row']);

/** Every column of the schema that references a customer: foreign keys to customer, and *customer_id columns. */
async function customerColumns(): Promise<{ table: string; column: string }[]> {
  return testApp.orm.em.getConnection().execute(
    `select c.conrelid::regclass::text as "table", a.attname as "column"
     from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
     where c.contype = 'f' and c.confrelid = 'customer'::regclass
     union
     select table_name, column_name from information_schema.columns
     where table_schema = current_schema() and column_name like '%customer_id'`,
  );
}

/** Tables (but HISTORY) with a row pointing at the customer, and how many. */
async function rowsPointingAt(customerId: string): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const { table, column } of await customerColumns()) {
    const count = await countRows(testApp.orm, `select count(*) from "${table}" where "${column}" = ?`, [
      customerId,
    ]);
    if (count > 0) found[`${table}.${column}`] = count;
  }
  return found;
}

/** Sums of every balance of the two customers, by account kind. */
async function balances(...customerIds: string[]) {
  return testApp.orm.em.getConnection().execute(
    `select kind, sum(principal)::int as principal, sum(bonus)::int as bonus, sum(units)::int as units
     from account where customer_id = any(?::uuid[]) group by kind order by kind`,
    [`{${customerIds.join(',')}}`],
  );
}

const versionOf = async (id: string) =>
  (await ok(testApp, org.tokens.MANAGER, `query($id: ID!) { customer(id: $id) { version } }`, { id }))
    .customer.version as number;

async function mergeInput(survivorId: string, mergedId: string, extra: Record<string, unknown> = {}) {
  return {
    survivorId,
    mergedId,
    survivorVersion: await versionOf(survivorId),
    mergedVersion: await versionOf(mergedId),
    idempotencyKey: newKey('merge'),
    ...extra,
  };
}

test('a merge moves every row, balances by TRANSFER entries, and leaves the merged record pointing at the survivor', async () => {
  const survivor = await customerWithHistory(testApp, org, menu, cards, '王芳', {
    birthday: '1990-05-01',
    email: 'wangfang@old.cn',
  });
  const merged = await customerWithHistory(
    testApp,
    org,
    menu,
    cards,
    '王芳',
    {
      code: 'C900001',
      birthday: '1990-05-02',
      email: 'wangfang@new.cn',
      phone: '+8613811112222',
      phoneLast4: '2222',
    },
    TcmConstitution.DAMP_HEAT,
  );
  // A customer the duplicate referred now names the survivor.
  const referred = await createCustomer(testApp, org, '被推荐人');
  await testApp.orm.em
    .getConnection()
    .execute(`update customer set referrer_id = ? where id = ?`, [merged.id, referred.id]);
  // SMS: the survivor declined, the duplicate agreed later: the later decision is the customer's wish.
  for (const [customerId, granted] of [
    [survivor.id, false],
    [merged.id, true],
  ] as const)
    await ok(
      testApp,
      org.tokens.MANAGER,
      `mutation($input: SetContactConsentInput!) { setContactConsent(input: $input) { id } }`,
      { input: { customerId, channel: 'SMS', granted, source: '小程序勾选' } },
    );
  const before = await rowsPointingAt(merged.id);
  for (const table of [
    'visit',
    'appointment',
    'settlement',
    'communication_entry',
    'complaint',
    'care_task',
    'customer_tag',
    'contact_consent',
    'allergy',
    'medical_condition',
    'special_condition',
    'health_profile',
  ])
    expect(before[`${table}.customer_id`]).toBeGreaterThan(0);
  const sumsBefore = await balances(survivor.id, merged.id);
  const mergedBefore = (await balances(merged.id)) as { principal: number; bonus: number; units: number }[];
  const total = (key: 'principal' | 'bonus' | 'units') =>
    mergedBefore.reduce((sum, row) => sum + row[key], 0);
  const survivorAccounts = await countRows(
    testApp.orm,
    `select count(*) from account where customer_id = ?`,
    [survivor.id],
  );

  const result = await execute(testApp, org.tokens.MANAGER, MERGE, {
    input: await mergeInput(survivor.id, merged.id, { takeFromMerged: ['EMAIL'] }),
  });
  expect(result.errors).toBeUndefined();
  const answer = result.data!.mergeCustomers;

  // Only history still names the merged id.
  const after = await rowsPointingAt(merged.id);
  expect(Object.keys(after).filter((key) => !HISTORY.has(key.split('.')[0]))).toEqual([]);
  expect(await balances(survivor.id, merged.id)).toEqual(sumsBefore);
  // Every account of the merged one is empty (they stay, as the ledger's history).
  const emptied = (await balances(merged.id)) as { principal: number; bonus: number; units: number }[];
  expect(emptied.map(({ principal, bonus, units }) => [principal, bonus, units])).toEqual(
    emptied.map(() => [0, 0, 0]),
  );
  expect(emptied).toHaveLength(3);
  // Stored value, points and the punch card moved: a new punch-card account for the survivor.
  expect(
    await countRows(testApp.orm, `select count(*) from account where customer_id = ?`, [survivor.id]),
  ).toBe(survivorAccounts + 1);
  const transfers = await testApp.orm.em
    .getConnection()
    .execute<{ customer_id: string; principal: number; bonus: number; units: number }[]>(
      `select customer_id, sum(principal_delta)::int as principal, sum(bonus_delta)::int as bonus,
              sum(units_delta)::int as units
       from ledger_entry where operation_id = ? and kind = 'TRANSFER' and amount_paid is null group by customer_id`,
      [answer.operationId],
    );
  const into = transfers.find((row) => row.customer_id === survivor.id)!;
  const out = transfers.find((row) => row.customer_id === merged.id)!;
  expect(into).toMatchObject({ principal: total('principal'), bonus: total('bonus'), units: total('units') });
  // 充1000送100 less the settled ¥198; 10 uses; 500 points given plus those earned at checkout.
  expect([into.principal, into.bonus]).toEqual([100_000 - menu.massage.price, 10_000]);
  expect(into.units).toBeGreaterThan(500 + 10);
  expect(out).toEqual({
    customer_id: merged.id,
    principal: -into.principal,
    bonus: -into.bonus,
    units: -into.units,
  });
  const check = await ok(
    testApp,
    org.tokens.MANAGER,
    `{ ledgerCheck { accountsChecked mismatches { units } } }`,
  );
  expect(check.ledgerCheck.mismatches).toEqual([]);

  // Scalars: the survivor's kept unless chosen; what it lacked is taken (the phone), aggregates add up.
  expect(answer.conflicts).toEqual(
    expect.arrayContaining([
      { field: 'BIRTHDAY', kept: 'SURVIVOR' },
      { field: 'EMAIL', kept: 'MERGED' },
      { field: 'CONSTITUTION', kept: 'SURVIVOR' },
      { field: 'healthProfile.lifestyle.diet', kept: 'SURVIVOR' },
      { field: 'contactConsent.SMS', kept: 'MERGED' },
    ]),
  );
  const consents = await testApp.orm.em
    .getConnection()
    .execute(`select channel, granted from contact_consent where customer_id = ? order by channel`, [
      survivor.id,
    ]);
  expect(consents).toEqual([
    { channel: 'WECHAT', granted: true },
    { channel: 'SMS', granted: true },
  ]);
  expect(answer.survivor).toMatchObject({
    birthday: '1990-05-01',
    email: 'wangfang@new.cn',
    phone: '+8613811112222',
    visitCount: 2,
    lifetimeSpend: { minorUnits: 2 * menu.massage.price },
    mergedInto: null,
  });
  expect(answer.merged).toMatchObject({ id: merged.id, phone: null, mergedInto: { id: survivor.id } });
  expect(answer.merged.archivedAt).not.toBeNull();
  expect(answer.moved).toEqual(
    expect.arrayContaining([
      { kind: 'visits', count: 1 },
      { kind: 'allergies', count: 1 },
    ]),
  );
  const profile = await ok(
    testApp,
    org.tokens.MANAGER,
    `query($id: ID!) { customer(id: $id) { tags { name } healthProfile { constitution currentComplaints
      allergies { substance } } } }`,
    { id: survivor.id },
  );
  expect(profile.customer.healthProfile.constitution).toBe('QI_DEFICIENCY');
  expect(profile.customer.healthProfile.currentComplaints.sort()).toEqual(['王芳的主诉']);
  expect(profile.customer.healthProfile.allergies).toHaveLength(2);
  expect(profile.customer.tags.map((tag: { name: string }) => tag.name).sort()).toEqual([
    '敏感肌',
    '王芳专属',
  ]);
  expect(
    await countRows(testApp.orm, `select count(*) from customer where id = ? and referrer_id = ?`, [
      referred.id,
      survivor.id,
    ]),
  ).toBe(1);

  // One MERGE audit row naming both ids and what moved, health named, no health value.
  const [audit] = await testApp.orm.em
    .getConnection()
    .execute<{ entity_id: string; customer_id: string; fields: string[] }[]>(
      `select entity_id, customer_id, fields from audit_event where action = 'MERGE' and entity_id = ?`,
      [merged.id],
    );
  expect(audit).toMatchObject({ entity_id: merged.id, customer_id: survivor.id });
  expect(audit.fields).toEqual(
    expect.arrayContaining(['mergedInto', 'health', 'moved.allergies', 'ledger.TRANSFER']),
  );
  expect(audit.fields.join(' ')).not.toMatch(/过敏原|病史|DAMP_HEAT|饮食/);

  // Integrations holding the old id or code follow mergedInto; the phone now finds the survivor itself.
  const lookup = await ok(
    testApp,
    org.tokens.FRONT_DESK,
    `query($id: ID!, $code: String!, $phone: String!) {
       byId: customer(id: $id) { mergedInto { id } }
       byCode: customers(filter: { search: $code, includeArchived: true }) { edges { node { id mergedInto { id } } } }
       byPhone: customers(filter: { search: $phone }) { edges { node { id } } } }`,
    { id: merged.id, code: merged.code, phone: '13811112222' },
  );
  expect(lookup.byId.mergedInto.id).toBe(survivor.id);
  expect(lookup.byCode.edges).toEqual([{ node: { id: merged.id, mergedInto: { id: survivor.id } } }]);
  expect(lookup.byPhone.edges).toEqual([{ node: { id: survivor.id } }]);
});

test('the same key answers the first merge again; other input with it is IDEMPOTENCY_KEY_REUSED', async () => {
  const survivor = await createCustomer(testApp, org, '赵一');
  const merged = await createCustomer(testApp, org, '赵一');
  await ok(
    testApp,
    org.tokens.MANAGER,
    `mutation($input: PointsInput!) { earnPoints(input: $input) { dryRun } }`,
    {
      input: { customerId: merged.id, points: 300, note: '活动', idempotencyKey: newKey('points') },
    },
  );
  const input = await mergeInput(survivor.id, merged.id);
  const first = await execute(testApp, org.tokens.MANAGER, MERGE, { input });
  expect(first.errors).toBeUndefined();
  const entries = await countRows(
    testApp.orm,
    `select count(*) from ledger_entry where organization_id = ?`,
    [org.organizationId],
  );
  const audits = await countRows(testApp.orm, `select count(*) from audit_event where action = 'MERGE'`);
  const again = await execute(testApp, org.tokens.MANAGER, MERGE, { input });
  expect(again.errors).toBeUndefined();
  expect(again.data!.mergeCustomers.operationId).toBe(first.data!.mergeCustomers.operationId);
  expect(again.data!.mergeCustomers.merged.mergedInto.id).toBe(survivor.id);
  expect(
    await countRows(testApp.orm, `select count(*) from ledger_entry where organization_id = ?`, [
      org.organizationId,
    ]),
  ).toBe(entries);
  expect(await countRows(testApp.orm, `select count(*) from audit_event where action = 'MERGE'`)).toBe(
    audits,
  );
  const reused = await execute(testApp, org.tokens.MANAGER, MERGE, {
    input: { ...input, takeFromMerged: ['NAME'] },
  });
  expect(reused.errors?.[0].extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
});

test('stale versions, itself, another organization, an already merged customer: refused with clear codes', async () => {
  const survivor = await createCustomer(testApp, org, '钱二');
  const merged = await createCustomer(testApp, org, '钱二');
  const stale = await execute(testApp, org.tokens.MANAGER, MERGE, {
    input: { ...(await mergeInput(survivor.id, merged.id)), mergedVersion: 99 },
  });
  expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_VERSION' });

  const itself = await execute(testApp, org.tokens.MANAGER, MERGE, {
    input: await mergeInput(survivor.id, survivor.id),
  });
  expect(itself.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'mergedId',
    rule: 'distinct',
  });

  const other = await createOrganization(testApp, '别家养生馆');
  const foreign = await execute(testApp, org.tokens.MANAGER, MERGE, {
    input: { ...(await mergeInput(survivor.id, merged.id)), mergedId: other.unassigned.id },
  });
  expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');

  expect(
    (await execute(testApp, org.tokens.MANAGER, MERGE, { input: await mergeInput(survivor.id, merged.id) }))
      .errors,
  ).toBeUndefined();
  const third = await createCustomer(testApp, org, '钱二');
  for (const input of [await mergeInput(third.id, merged.id), await mergeInput(merged.id, third.id)]) {
    const again = await execute(testApp, org.tokens.MANAGER, MERGE, { input });
    expect(again.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'MERGED',
      mergedInto: survivor.id,
    });
  }
  // The trace is not edited or restored: work on the survivor.
  const update = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($id: ID!, $v: Int!) { updateCustomer(id: $id, expectedVersion: $v, input: { occupation: "教师" }) { id } }`,
    { id: merged.id, v: await versionOf(merged.id) },
  );
  expect(update.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'MERGED' });
  const restore = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation($id: ID!) { restoreCustomer(id: $id) { id } }`,
    {
      id: merged.id,
    },
  );
  expect(restore.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'MERGED' });
});

test('a fault in the middle of a merge leaves nothing half-written, and the key can be used again', async () => {
  const survivor = await customerWithHistory(testApp, org, menu, cards, '孙三');
  const merged = await customerWithHistory(testApp, org, menu, cards, '孙三');
  const rowsBefore = await rowsPointingAt(merged.id);
  const sumsBefore = [await balances(survivor.id), await balances(merged.id)];
  const entriesBefore = await countRows(
    testApp.orm,
    `select count(*) from ledger_entry where organization_id = ?`,
    [org.organizationId],
  );
  // The MERGE audit row is the merge's last write: failing it, everything before must roll back.
  await testApp.asOwner(`create function merge_test_fault() returns trigger language plpgsql as $$
    begin raise exception 'injected fault'; end $$`);
  await testApp.asOwner(`create trigger merge_test_fault before insert on audit_event for each row
    when (new.action = 'MERGE') execute function merge_test_fault()`);
  const input = await mergeInput(survivor.id, merged.id);
  try {
    const failed = await execute(testApp, org.tokens.MANAGER, MERGE, { input });
    expect(failed.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  } finally {
    await testApp.asOwner(`drop trigger merge_test_fault on audit_event`);
    await testApp.asOwner(`drop function merge_test_fault()`);
  }
  expect(await rowsPointingAt(merged.id)).toEqual(rowsBefore);
  expect([await balances(survivor.id), await balances(merged.id)]).toEqual(sumsBefore);
  expect(
    await countRows(testApp.orm, `select count(*) from ledger_entry where organization_id = ?`, [
      org.organizationId,
    ]),
  ).toBe(entriesBefore);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from customer where id = ? and merged_at is null and archived_at is null`,
      [merged.id],
    ),
  ).toBe(1);
  const retried = await execute(testApp, org.tokens.MANAGER, MERGE, { input });
  expect(retried.errors).toBeUndefined();
  expect(retried.data!.mergeCustomers.merged.mergedInto.id).toBe(survivor.id);
});

test('only OWNER and MANAGER merge; every customer reader can follow mergedInto', async () => {
  const survivor = await createCustomer(testApp, org, '周四');
  const merged = await createCustomer(testApp, org, '周四');
  for (const role of ['FRONT_DESK', 'CONSULTANT', 'THERAPIST', 'MARKETING', 'AUDITOR'] as const) {
    const refused = await execute(testApp, org.tokens[role], MERGE, {
      input: await mergeInput(survivor.id, merged.id),
    });
    expect([role, refused.errors?.[0].extensions?.code]).toEqual([role, 'FORBIDDEN']);
  }
  expect(
    await countRows(testApp.orm, `select count(*) from customer where id = ? and merged_at is null`, [
      merged.id,
    ]),
  ).toBe(1);
  const done = await execute(testApp, org.tokens.OWNER, MERGE, {
    input: await mergeInput(survivor.id, merged.id),
  });
  expect(done.errors).toBeUndefined();
  const followed = await ok(
    testApp,
    org.tokens.THERAPIST,
    `query($id: ID!) { customer(id: $id) { mergedInto { id } mergedAt } }`,
    {
      id: merged.id,
    },
  );
  expect(followed.customer.mergedInto.id).toBe(survivor.id);
  expect(followed.customer.mergedAt).not.toBeNull();
});

test('two merges of one pair, either way round, at once: one merges, the other is CONFLICT MERGED', async () => {
  const a = await createCustomer(testApp, org, '吴五');
  const b = await createCustomer(testApp, org, '吴五');
  const results = await Promise.all([
    execute(testApp, org.tokens.MANAGER, MERGE, { input: await mergeInput(a.id, b.id) }),
    execute(testApp, org.tokens.MANAGER, MERGE, { input: await mergeInput(b.id, a.id) }),
  ]);
  const outcomes = results.map((result) => result.errors?.[0].extensions?.reason ?? 'merged').sort();
  expect(outcomes).toEqual(['MERGED', 'merged']);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from customer where id in (?, ?) and merged_at is not null`,
      [a.id, b.id],
    ),
  ).toBe(1);
});

test('points move with their expiry dates; points already lapsed are written off first, not moved', async () => {
  const survivor = await createCustomer(testApp, org, '郑六');
  const merged = await createCustomer(testApp, org, '郑六');
  for (const points of [300, 200])
    await ok(
      testApp,
      org.tokens.MANAGER,
      `mutation($input: PointsInput!) { earnPoints(input: $input) { dryRun } }`,
      {
        input: { customerId: merged.id, points, note: `活动${points}`, idempotencyKey: newKey('points') },
      },
    );
  // The 300 lapsed yesterday (staged as the owner, around the ledger's append-only trigger).
  await testApp.asOwner(`alter table ledger_entry disable trigger ledger_entry_no_update_or_delete`);
  try {
    await testApp.asOwner(
      `update ledger_entry set expires_at = now() - interval '1 day' where customer_id = $1 and units_delta = 300`,
      [merged.id],
    );
  } finally {
    await testApp.asOwner(`alter table ledger_entry enable trigger ledger_entry_no_update_or_delete`);
  }
  const [kept] = await testApp.orm.em
    .getConnection()
    .execute<{ expires_at: Date }[]>(
      `select expires_at from ledger_entry where customer_id = ? and units_delta = 200`,
      [merged.id],
    );
  const result = await execute(testApp, org.tokens.MANAGER, MERGE, {
    input: await mergeInput(survivor.id, merged.id),
  });
  expect(result.errors).toBeUndefined();
  const entries = await testApp.orm.em
    .getConnection()
    .execute<{ customer_id: string; kind: string; units_delta: number; expires_at: Date | null }[]>(
      `select customer_id, kind, units_delta, expires_at from ledger_entry where operation_id = ?
       order by created_at, id`,
      [result.data!.mergeCustomers.operationId],
    );
  expect(entries).toEqual([
    { customer_id: merged.id, kind: 'EXPIRE', units_delta: -300, expires_at: null },
    { customer_id: merged.id, kind: 'TRANSFER', units_delta: -200, expires_at: null },
    { customer_id: survivor.id, kind: 'TRANSFER', units_delta: 200, expires_at: kept.expires_at },
  ]);
  expect(result.data!.mergeCustomers.transfers).toBe(3);
});
