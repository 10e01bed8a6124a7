import type { Server } from 'node:http';
import ExcelJS from 'exceljs';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { createRichCustomer, type RichCustomer } from '../support/customer-record-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, newKey, type CardProductsFixture } from '../support/ledger-fixtures';
import { createTestApp, execute, listen, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
let cards: CardProductsFixture;
let rich: RichCustomer;
let server: Server;
let url: string;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  cards = await createCardProducts(testApp, org, menu);
  rich = await createRichCustomer(testApp, org, menu, cards, { visits: 2 });
  ({ server, url } = await listen(testApp.app));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

const download = (path: string, token?: string) =>
  fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
/** The code of a refusal's first error. */
const codeOf = async (response: Response) =>
  ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code;

const SECTIONS = [
  'profile',
  'tags',
  'externalIds',
  'healthProfile',
  'allergies',
  'medicalHistory',
  'specialConditions',
  'visits',
  'appointments',
  'accounts',
  'ledgerEntries',
  'settlements',
  'tierChanges',
  'consents',
  'communications',
  'complaints',
  'careTasks',
  'healthReads',
  'mergedRecords',
];

test("the owner's JSON export holds every section of the record, and is audited without values", async () => {
  // A health read before the export, so that the audit section has someone else's read in it.
  await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customer(id: $id) { healthProfile { notes } } }`,
    {
      id: rich.id,
    },
  );
  const response = await download(`/exports/customers/${rich.id}.json`, org.tokens.OWNER);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-disposition')).toContain(`customer-${rich.code}.json`);
  const record = (await response.json()) as Record<string, any>;
  expect(Object.keys(record)).toEqual(['exportedAt', ...SECTIONS]);
  expect(record.profile).toMatchObject({
    code: rich.code,
    name: rich.texts.name,
    phone: rich.texts.phone,
    email: rich.texts.email,
    notes: rich.texts.notes,
  });
  expect(record.profile.organizationId).toBeUndefined();
  expect(record.tags).toEqual(['薄荷茶爱好者']);
  expect(record.healthProfile).toMatchObject({ notes: rich.texts.healthNotes });
  expect(record.allergies).toEqual([expect.objectContaining({ substance: rich.texts.allergy })]);
  expect(record.visits).toHaveLength(2);
  expect(record.visits[0]).toMatchObject({
    feedback: rich.texts.feedback,
    conditionNotes: rich.texts.conditionNotes,
  });
  expect(record.visits[0].lines).toEqual([
    expect.objectContaining({ service: '肩颈推拿', listPrice: 19_800 }),
  ]);
  expect(record.appointments[0]).toMatchObject({ notes: rich.texts.appointmentNotes });
  expect(record.appointments[0].items).toHaveLength(1);
  expect(record.accounts.map((account: { kind: string }) => account.kind)).toContain('STORED_VALUE');
  expect(record.ledgerEntries.length).toBeGreaterThanOrEqual(2);
  expect(record.settlements).toHaveLength(1);
  expect(record.consents).toEqual([expect.objectContaining({ channel: 'SMS', granted: true })]);
  expect(record.communications).toEqual([expect.objectContaining({ summary: rich.texts.communication })]);
  expect(record.complaints).toEqual([expect.objectContaining({ description: rich.texts.complaint })]);
  expect(record.careTasks).toEqual([expect.objectContaining({ outcome: rich.texts.careOutcome })]);
  expect(record.healthReads).toEqual(
    expect.arrayContaining([expect.objectContaining({ role: 'OWNER', actor: 'OWNER', fields: ['notes'] })]),
  );

  const [exported] = await testApp.orm.em
    .getConnection()
    .execute(
      `select role, actor_user_id, fields from audit_event where customer_id = ? and action = 'EXPORT'`,
      [rich.id],
    );
  expect(exported).toMatchObject({ role: 'OWNER', actor_user_id: org.users.OWNER.id });
  expect(exported.fields).toEqual([...SECTIONS, 'json']);
  // The export is a health read of every health field.
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where customer_id = ? and action = 'READ' and 'allergies' = any(fields)
         and 'conditionNotes' = any(fields) and operation_name is null`,
      [rich.id],
    ),
  ).toBe(1);
});

test('the XLSX export is a workbook with Chinese sheet names and headers', async () => {
  const response = await download(`/exports/customers/${rich.id}.xlsx`, org.tokens.OWNER);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('spreadsheetml');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await response.arrayBuffer()) as never);
  const names = workbook.worksheets.map((sheet) => sheet.name);
  expect(names).toEqual(
    expect.arrayContaining([
      '客户资料',
      '健康档案',
      '过敏史',
      '服务记录',
      '服务项目明细',
      '预约',
      '账户流水',
      '沟通记录',
      '投诉',
      '关怀任务',
      '健康数据查阅记录',
    ]),
  );
  const allergies = workbook.getWorksheet('过敏史')!;
  const headers = (allergies.getRow(1).values as unknown[]).filter(Boolean);
  expect(headers).toEqual(expect.arrayContaining(['过敏原', '类别']));
  expect(JSON.stringify(allergies.getSheetValues())).toContain(rich.texts.allergy);
  const profile = workbook.getWorksheet('客户资料')!;
  expect(JSON.stringify(profile.getSheetValues())).toContain(rich.texts.name);
  expect(JSON.stringify(workbook.getWorksheet('服务项目明细')!.getSheetValues())).toContain('肩颈推拿');
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where customer_id = ? and action = 'EXPORT' and 'xlsx' = any(fields)`,
      [rich.id],
    ),
  ).toBe(1);
});

test('other roles are refused with a code, no credentials is 401, another organization is 404', async () => {
  for (const role of ['MANAGER', 'CONSULTANT', 'THERAPIST', 'FRONT_DESK', 'MARKETING', 'AUDITOR'] as const) {
    const response = await download(`/exports/customers/${rich.id}.json`, org.tokens[role]);
    expect({ role, status: response.status, body: await response.json() }).toEqual({
      role,
      status: 403,
      body: { errors: [expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })] },
    });
  }
  const anonymous = await download(`/exports/customers/${rich.id}.json`);
  expect(anonymous.status).toBe(401);
  expect(await codeOf(anonymous)).toBe('UNAUTHENTICATED');
  const other = await createOrganization(testApp, '别家养生馆');
  const foreign = await download(`/exports/customers/${rich.id}.xlsx`, other.tokens.OWNER);
  expect(foreign.status).toBe(404);
  expect(await codeOf(foreign)).toBe('NOT_FOUND');
  const malformed = await download(`/exports/customers/not-an-id.json`, org.tokens.OWNER);
  expect(malformed.status).toBe(400);
  expect(await codeOf(malformed)).toBe('BAD_USER_INPUT');
  const unknownFormat = await download(`/exports/customers/${rich.id}.pdf`, org.tokens.OWNER);
  expect(unknownFormat.status).toBe(404);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where customer_id = ? and action = 'EXPORT' and role <> 'OWNER'`,
      [rich.id],
    ),
  ).toBe(0);
});

test('the export reads with the same number of statements for 1 visit and for 6', async () => {
  const few = await createRichCustomer(testApp, org, menu, cards, { visits: 1 });
  const many = await createRichCustomer(testApp, org, menu, cards, { visits: 6 });
  const statementsFor = async (id: string) => {
    testApp.statements.reset();
    const response = await download(`/exports/customers/${id}.json`, org.tokens.OWNER);
    expect(response.status).toBe(200);
    const record = (await response.json()) as { visits: unknown[] };
    return { statements: testApp.statements.count, visits: record.visits.length };
  };
  const one = await statementsFor(few.id);
  const six = await statementsFor(many.id);
  expect([one.visits, six.visits]).toEqual([1, 6]);
  expect(six.statements).toBe(one.statements);
});

test('after an erasure the export shows the pseudonym and nothing of the person', async () => {
  const customer = await createRichCustomer(testApp, org, menu, cards);
  const erased = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation($input: EraseCustomerInput!) { eraseCustomer(input: $input) { erasedAt } }`,
    {
      input: {
        id: customer.id,
        reason: '客户本人书面申请',
        confirm: customer.code,
        idempotencyKey: newKey('erase'),
      },
    },
  );
  expect(erased.errors).toBeUndefined();
  const response = await download(`/exports/customers/${customer.id}.json`, org.tokens.OWNER);
  const text = await response.text();
  expect(JSON.parse(text).profile.name).toBe(`已删除客户 ${customer.code}`);
  for (const value of Object.values(customer.texts)) expect(text).not.toContain(value);
  expect(JSON.parse(text).visits).toHaveLength(1);
  expect(JSON.parse(text).healthProfile).toBeNull();
});

test("the survivor's export holds what stayed on the records merged into it (old phone, email)", async () => {
  const create = (name: string, phone: string, email: string) =>
    execute<{ createCustomer: { id: string; version: number } }>(
      testApp,
      org.tokens.OWNER,
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id version } }`,
      { input: { name, phone, email } },
    ).then((result) => result.data!.createCustomer);
  const survivor = await create('李四', '13800002222', 'lisi@new.cn');
  const merged = await create('李四', '13800001111', 'lisi@old.cn');
  const result = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { survivor { id } } }`,
    {
      input: {
        survivorId: survivor.id,
        mergedId: merged.id,
        survivorVersion: survivor.version,
        mergedVersion: merged.version,
        idempotencyKey: newKey('merge'),
      },
    },
  );
  expect(result.errors).toBeUndefined();
  const response = await download(`/exports/customers/${survivor.id}.json`, org.tokens.OWNER);
  expect(response.status).toBe(200);
  const record = (await response.json()) as { mergedRecords: Record<string, unknown>[] };
  // Before, neither the old email nor the old phone was in the survivor's export (PIPL art. 45).
  expect(record.mergedRecords).toEqual([
    expect.objectContaining({ id: merged.id, email: 'lisi@old.cn', phone: '+8613800001111' }),
  ]);
});
