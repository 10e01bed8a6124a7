import { runCustomerRetention } from '../../src/jobs/customer-retention.job';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { createRichCustomer, type RichCustomer } from '../support/customer-record-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, newKey, sellCard, type CardProductsFixture } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

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

const ERASE = `mutation($input: EraseCustomerInput!) { eraseCustomer(input: $input) {
  erasedAt customer { id code name phone email notes tags { name } } } }`;
const erase = (token: string, customer: { id: string; code: string }, extra: Record<string, unknown> = {}) =>
  execute(testApp, token, ERASE, {
    input: {
      id: customer.id,
      reason: '客户本人书面申请',
      confirm: customer.code,
      idempotencyKey: newKey('erase'),
      ...extra,
    },
  });

/** Every table of every non-system schema, as `schema.table`. */
async function allTables(): Promise<string[]> {
  const rows = await testApp.orm.em.getConnection().execute<{ name: string }[]>(
    `select format('%I.%I', table_schema, table_name) as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  return rows.map((row) => row.name);
}

/**
 * Where a value still is: every row of every table, all of its columns as text (text, varchar, jsonb,
 * text[] …), checked as the tables' owner so nothing is hidden by privileges.
 */
async function whereFound(value: string): Promise<string[]> {
  const found: string[] = [];
  for (const table of await allTables()) {
    const count = await countRows(
      testApp.orm,
      `select count(*) from ${table} t where strpos(t::text, ?) > 0`,
      [value],
    );
    if (count > 0) found.push(table);
  }
  return found;
}

/** What must not change: the ledger's rows and the settlements, as text. */
async function books(customerId: string) {
  const connection = testApp.orm.em.getConnection();
  const [ledger] = await connection.execute(
    `select count(*)::int as entries, sum(principal_delta)::bigint as principal, sum(bonus_delta)::bigint as bonus,
            sum(units_delta)::bigint as units, sum(coalesce(amount_paid, 0))::bigint as paid
       from ledger_entry where organization_id = ?`,
    [org.organizationId],
  );
  const settlements = await connection.execute(
    `select visit_id, subtotal, discount, due, stored_value_paid, points_earned, external_payments
       from settlement where customer_id = ? order by visit_id`,
    [customerId],
  );
  const [customer] = await connection.execute(
    `select visit_count, lifetime_spend, last_visit_at, tier_id from customer where id = ?`,
    [customerId],
  );
  const visits = await connection.execute(
    `select v.id, l.list_price, l.service_id from visit v join visit_line l on l.visit_id = v.id
      where v.customer_id = ? order by v.id, l.position`,
    [customerId],
  );
  return { ledger, settlements, customer, visits };
}

async function ledgerMismatches() {
  const result = await execute(
    testApp,
    org.tokens.OWNER,
    `{ ledgerCheck { accountsChecked mismatches { account { id } } } }`,
  );
  expect(result.errors).toBeUndefined();
  return result.data!.ledgerCheck as { accountsChecked: number; mismatches: unknown[] };
}

describe('eraseCustomer', () => {
  let rich: RichCustomer;
  beforeAll(async () => {
    rich = await createRichCustomer(testApp, org, menu, cards, { visits: 2 });
  });

  test('every personal value is gone from every table; the books, visits and settlements are unchanged', async () => {
    // The fixture really put the values where an erasure must reach them.
    expect(await whereFound(rich.texts.name)).toEqual(
      expect.arrayContaining([
        'public.customer',
        'public.ledger_entry',
        'public.audit_event',
        'public.care_task',
      ]),
    );
    // Health text is sealed at rest (issue 17): no table holds the allergy's plaintext even before the
    // erasure, but its row is there for the erasure to delete.
    expect(await whereFound(rich.texts.allergy)).toEqual([]);
    expect(
      await countRows(testApp.orm, 'select count(*) from allergy where customer_id = ?', [rich.id]),
    ).toBeGreaterThan(0);
    const before = await books(rich.id);

    const result = await erase(org.tokens.OWNER, rich);
    expect(result.errors).toBeUndefined();
    expect(result.data!.eraseCustomer.customer).toEqual({
      id: rich.id,
      code: rich.code,
      name: `已删除客户 ${rich.code}`,
      phone: null,
      email: null,
      notes: null,
      tags: [],
    });

    for (const [label, value] of Object.entries(rich.texts))
      expect({ label, found: await whereFound(value) }).toEqual({ label, found: [] });
    expect(await books(rich.id)).toEqual(before);
    expect((await ledgerMismatches()).mismatches).toEqual([]);
    for (const table of [
      'health_profile',
      'allergy',
      'medical_condition',
      'special_condition',
      'contact_consent',
      'customer_tag',
    ])
      expect(
        await countRows(testApp.orm, `select count(*) from ${table} where customer_id = ?`, [rich.id]),
      ).toBe(0);
    // The appointment still to come is cancelled and frees its slot.
    expect(
      await countRows(
        testApp.orm,
        `select count(*) from appointment_item i join appointment a on a.id = i.appointment_id
         where a.customer_id = ? and (i.blocking or a.status <> 'CANCELLED')`,
        [rich.id],
      ),
    ).toBe(0);
  });

  test('the audit log keeps who erased and why, without values; reads show the pseudonym', async () => {
    const [row] = await testApp.orm.em
      .getConnection()
      .execute(
        `select role, actor_user_id, reason, fields from audit_event where customer_id = ? and action = 'ERASE'`,
        [rich.id],
      );
    expect(row).toMatchObject({
      role: 'OWNER',
      actor_user_id: org.users.OWNER.id,
      reason: '客户本人书面申请',
    });
    expect(row.fields).toContain('healthProfile');
    expect(row.fields.join(' ')).not.toContain(rich.texts.name);
    const [withdrawal] = await testApp.orm.em
      .getConnection()
      .execute(
        `select fields from audit_event where customer_id = ? and fields[1] like 'healthConsent.withdrawn%'`,
        [rich.id],
      );
    expect(withdrawal.fields).toEqual(['healthConsent.withdrawn:[已删除]']);
    const read = await execute(
      testApp,
      org.tokens.MANAGER,
      `query($id: ID!) { customer(id: $id) { name phone healthProfile { notes } } }`,
      { id: rich.id },
    );
    expect(read.data?.customer).toMatchObject({
      name: `已删除客户 ${rich.code}`,
      phone: null,
      healthProfile: null,
    });
  });

  test('an erased customer cannot be edited, restored, tagged or erased again (CONFLICT ERASED)', async () => {
    const [{ version }] = await testApp.orm.em
      .getConnection()
      .execute(`select version from customer where id = ?`, [rich.id]);
    const update = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!, $version: Int!) { updateCustomer(id: $id, expectedVersion: $version, input: { name: "王回来" }) { id } }`,
      { id: rich.id, version },
    );
    expect(update.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ERASED' });
    const restore = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!) { restoreCustomer(id: $id) { id } }`,
      { id: rich.id },
    );
    expect(restore.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ERASED' });
    const tags = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!) { setCustomerTags(id: $id, tagNames: ["回来了"]) { id } }`,
      { id: rich.id },
    );
    expect(tags.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ERASED' });
    const again = await erase(org.tokens.OWNER, rich);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ERASED' });
    expect(
      await countRows(testApp.orm, `select count(*) from customer where id = ? and name = '王回来'`, [
        rich.id,
      ]),
    ).toBe(0);
    // Health data, consents and visits have nowhere to go: refused with a client error, never a 500.
    for (const [query, variables] of [
      [
        `mutation($id: ID!) { addAllergy(customerId: $id, input: { substance: "花生", category: FOOD }) { id } }`,
        { id: rich.id },
      ],
      [
        `mutation($id: ID!) { updateHealthProfile(customerId: $id, input: { notes: "又来了" }) { id } }`,
        { id: rich.id },
      ],
      [
        `mutation($id: ID!) { giveHealthConsent(input: { customerId: $id, source: "纸质签字" }) { id } }`,
        { id: rich.id },
      ],
      [
        `mutation($id: ID!) { setContactConsent(input: { customerId: $id, channel: SMS, granted: true, source: "到店签字" }) { id } }`,
        { id: rich.id },
      ],
    ] as const) {
      const refusedWrite = await execute(testApp, org.tokens.OWNER, query, variables);
      expect({ query, code: refusedWrite.errors?.[0].extensions?.code }).toEqual({
        query,
        code: expect.stringMatching(/^(CONFLICT|NOT_FOUND|BAD_USER_INPUT)$/),
      });
    }
    for (const table of ['health_profile', 'allergy', 'contact_consent'])
      expect(
        await countRows(testApp.orm, `select count(*) from ${table} where customer_id = ?`, [rich.id]),
      ).toBe(0);
    // Plain SQL by the runtime role meets the same guard.
    await expect(
      testApp.orm.em
        .getConnection()
        .execute(`update customer set phone = '+8613900000000' where id = ?`, [rich.id]),
    ).rejects.toThrow(/customer_erased/);
  });
});

test('sent again with its key, eraseCustomer answers the same and erases once', async () => {
  const customer = await createCustomer(testApp, org, '重放测试');
  const [{ code }] = await testApp.orm.em
    .getConnection()
    .execute(`select code from customer where id = ?`, [customer.id]);
  const input = {
    id: customer.id,
    reason: '客户本人书面申请',
    confirm: code,
    idempotencyKey: newKey('erase-replay'),
  };
  const first = await execute(testApp, org.tokens.OWNER, ERASE, { input });
  const second = await execute(testApp, org.tokens.OWNER, ERASE, { input });
  expect(first.errors).toBeUndefined();
  expect(second).toEqual(first);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where customer_id = ? and action = 'ERASE'`,
      [customer.id],
    ),
  ).toBe(1);
  const reused = await execute(testApp, org.tokens.OWNER, ERASE, {
    input: { ...input, reason: '另一个原因' },
  });
  expect(reused.errors?.[0].extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
});

test('only the owner erases; a wrong confirmation, a reason naming the customer or another organization erase nothing', async () => {
  const customer = await createCustomer(testApp, org, '拒绝测试');
  const [{ code }] = await testApp.orm.em
    .getConnection()
    .execute(`select code from customer where id = ?`, [customer.id]);
  const target = { id: customer.id, code };
  for (const role of ['MANAGER', 'CONSULTANT', 'THERAPIST', 'FRONT_DESK', 'MARKETING', 'AUDITOR'] as const) {
    const result = await erase(org.tokens[role], target);
    expect({ role, code: result.errors?.[0].extensions?.code }).toEqual({ role, code: 'FORBIDDEN' });
  }
  const wrongCode = await erase(org.tokens.OWNER, target, { confirm: 'C999999' });
  expect(wrongCode.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'confirm',
    rule: 'confirm',
  });
  const namedReason = await erase(org.tokens.OWNER, target, { reason: '拒绝测试本人申请' });
  expect(namedReason.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'reason',
    rule: 'personalData',
  });
  const other = await createOrganization(testApp, '别家养生馆');
  const foreign = await erase(other.tokens.OWNER, target);
  expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from customer where id = ? and erased_at is null and name = '拒绝测试'`,
      [customer.id],
    ),
  ).toBe(1);
});

test('erasing a survivor erases the records merged into it; a merged record itself is refused (MERGED)', async () => {
  const survivor = await createCustomer(testApp, org, '合并留存甲');
  const stub = await createCustomer(testApp, org, '合并旧档乙');
  const older = await createCustomer(testApp, org, '合并更旧丙');
  // Merged as mergeCustomers leaves them: a record that keeps its id and names its survivor.
  await testApp.asOwner(
    `update customer set merged_into_id = $1, merged_at = now(), phone = '+8613700001111', notes = '旧档案备注' where id = $2`,
    [survivor.id, stub.id],
  );
  await testApp.asOwner(`update customer set merged_into_id = $1, merged_at = now() where id = $2`, [
    stub.id,
    older.id,
  ]);
  const codeOf = async (id: string) =>
    (await testApp.orm.em.getConnection().execute(`select code from customer where id = ?`, [id]))[0]
      .code as string;

  const refused = await erase(org.tokens.OWNER, { id: stub.id, code: await codeOf(stub.id) });
  expect(refused.errors?.[0].extensions).toMatchObject({
    code: 'CONFLICT',
    reason: 'MERGED',
    mergedInto: survivor.id,
  });

  const result = await erase(org.tokens.OWNER, { id: survivor.id, code: await codeOf(survivor.id) });
  expect(result.errors).toBeUndefined();
  for (const value of ['合并留存甲', '合并旧档乙', '合并更旧丙', '+8613700001111', '旧档案备注'])
    expect({ value, found: await whereFound(value) }).toEqual({ value, found: [] });
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where action = 'ERASE' and 'mergedRecord' = any(fields) and customer_id in (?, ?)`,
      [stub.id, older.id],
    ),
  ).toBe(2);
});

describe('retention rule', () => {
  const years = (n: number) => new Date(Date.now() - n * 366 * 86_400_000);

  test('off by default; on, the job erases LOST customers without a visit for N years, as a system erasure', async () => {
    const old = await createCustomer(testApp, org, '三年未到甲', {
      lastVisitAt: years(3),
      createdAt: years(5),
    });
    const owed = await createCustomer(testApp, org, '三年未到乙', {
      lastVisitAt: years(3),
      createdAt: years(5),
    });
    await sellCard(testApp, org.tokens.FRONT_DESK, owed.id, cards.topUp.id);
    const recent = await createCustomer(testApp, org, '一年未到丙', {
      lastVisitAt: years(1),
      createdAt: years(5),
    });

    expect(await runCustomerRetention(testApp.orm.em.fork())).toEqual({});
    expect(
      await countRows(testApp.orm, `select count(*) from customer where erased_at is not null and id = ?`, [
        old.id,
      ]),
    ).toBe(0);

    const set = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation { setCustomerRetention(input: { eraseLostCustomersAfterYears: 2 }) { eraseLostCustomersAfterYears } }`,
    );
    expect(set.data?.setCustomerRetention).toEqual({ eraseLostCustomersAfterYears: 2 });
    const refused = await execute(
      testApp,
      org.tokens.MANAGER,
      `mutation { setCustomerRetention(input: { eraseLostCustomersAfterYears: 1 }) { eraseLostCustomersAfterYears } }`,
    );
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const erased = await runCustomerRetention(testApp.orm.em.fork(), (_organization, _customer, error) => {
      throw error;
    });
    expect(erased[org.organizationId]).toBe(1);
    const state = await testApp.orm.em
      .getConnection()
      .execute<{ id: string; erased: boolean }[]>(
        `select id, erased_at is not null as erased from customer where id in (?, ?, ?)`,
        [old.id, owed.id, recent.id],
      );
    expect(Object.fromEntries(state.map((row) => [row.id, row.erased]))).toEqual({
      [old.id]: true,
      [owed.id]: false,
      [recent.id]: false,
    });
    const [row] = await testApp.orm.em
      .getConnection()
      .execute(
        `select role, actor_user_id, reason, fields from audit_event where customer_id = ? and action = 'ERASE'`,
        [old.id],
      );
    expect(row).toMatchObject({
      role: 'OWNER',
      actor_user_id: null,
      reason: '保留期限规则: 流失且2年未到店',
    });
    expect(row.fields).toContain('retentionRule');
    expect(await whereFound('三年未到甲')).toEqual([]);
    // A second run finds nothing more to do.
    expect((await runCustomerRetention(testApp.orm.em.fork()))[org.organizationId]).toBe(0);
  });
});

test('the erasure flag opens the append-only tables for their one redactable column only, and not to the runtime role', async () => {
  const customer = await createCustomer(testApp, org, '标志测试');
  await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
  await erase(org.tokens.OWNER, {
    id: customer.id,
    code: (
      await testApp.orm.em.getConnection().execute(`select code from customer where id = ?`, [customer.id])
    )[0].code,
  });
  const auditRow = `(select max(id) from audit_event where customer_id = '${customer.id}')`;
  const ledgerRow = `(select max(id::text)::uuid from ledger_entry where customer_id = '${customer.id}')`;
  const underFlag = (sql: string) =>
    testApp.asOwner(`begin; select set_config('wellness.erasure', 'on', true); ${sql}; commit;`);
  await expect(underFlag(`update audit_event set role = 'AUDITOR' where id = ${auditRow}`)).rejects.toThrow(
    /append-only/,
  );
  await expect(
    underFlag(`update ledger_entry set principal_delta = principal_delta + 1 where id = ${ledgerRow}`),
  ).rejects.toThrow(/append-only/);
  // Without the flag (set only inside erase_customer_history) not even the owner rewrites a field.
  await expect(
    testApp.asOwner(`update audit_event set fields = '{}' where id = ${auditRow}`),
  ).rejects.toThrow(/append-only/);
  await expect(testApp.asOwner(`update ledger_entry set note = 'x' where id = ${ledgerRow}`)).rejects.toThrow(
    /append-only/,
  );
  // The runtime role (what requests run as) has no UPDATE on them at all.
  await expect(
    testApp.orm.em.getConnection().execute(`update audit_event set fields = '{}' where id = ${auditRow}`),
  ).rejects.toThrow(/permission denied/);
});
