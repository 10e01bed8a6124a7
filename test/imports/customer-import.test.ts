import type { Server } from 'node:http';
import { createCatalogue } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts } from '../support/ledger-fixtures';
import { createTestApp, execute, listen, type TestApp } from '../support/test-app';
import { CONSENT, messyGbkCsv, messyXlsx, rowsByNumber, startImport, upload } from './import-support';

let testApp: TestApp;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  testApp = await createTestApp();
  ({ server, url: baseUrl } = await listen(testApp.app));
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

/** An organization with the punch-card product the sample's 卡项 names. */
async function organizationWithCards(): Promise<OrganizationFixture> {
  const org = await createOrganization(testApp);
  await createCardProducts(testApp, org, await createCatalogue(testApp, org));
  return org;
}

const customers = (org: OrganizationFixture) =>
  countRows(testApp.orm, 'select count(*) from customer where organization_id = ?', [org.organizationId]);
const entries = (org: OrganizationFixture) =>
  countRows(testApp.orm, 'select count(*) from ledger_entry where organization_id = ?', [org.organizationId]);
const allergies = (org: OrganizationFixture) =>
  countRows(testApp.orm, 'select count(*) from allergy where organization_id = ?', [org.organizationId]);

/** What every run of the sample reports, row by row (the header is row 1; row 9 is blank). */
function expectSampleReport(
  report: Map<number, Record<string, any>>,
  org: OrganizationFixture,
  consent: boolean,
) {
  expect([...report.keys()]).toEqual([2, 3, 4, 5, 6, 7, 8, 10, 11]);
  expect(report.get(2)).toMatchObject({ outcome: 'OK', healthSkipped: !consent, problems: [] });
  // Bad phone, impossible birthday, an amount that is not one: each named by its column and rule.
  expect(report.get(3)!.outcome).toBe('ERROR');
  expect(report.get(3)!.problems).toEqual([
    { column: '手机号码', field: 'PHONE', rule: 'phone' },
    { column: '出生日期', field: 'BIRTHDAY', rule: 'format' },
    { column: '储值余额（元）', field: 'STORED_VALUE', rule: 'amount' },
  ]);
  expect(report.get(4)).toMatchObject({
    outcome: 'DUPLICATE',
    duplicateReason: 'PHONE',
    duplicateOfCustomerId: org.assigned.id,
  });
  expect(report.get(5)!.problems).toEqual([{ column: '专属顾问', field: 'CONSULTANT', rule: 'exists' }]);
  expect(report.get(6)).toMatchObject({ outcome: 'OK', healthSkipped: !consent });
  // 136-0013-6000 is row 6's 13600136000: a duplicate of an earlier row of the file.
  expect(report.get(7)).toMatchObject({ outcome: 'DUPLICATE', duplicateReason: 'PHONE', duplicateOfRow: 6 });
  expect(report.get(8)).toMatchObject({ outcome: 'OK' });
  expect(report.get(10)!.problems).toEqual([{ column: '姓名', field: 'NAME', rule: 'required' }]);
  // Born 2015: a child's health data needs a guardian's consent, which a file-wide consent is not.
  expect(report.get(11)).toMatchObject({ outcome: 'OK', healthSkipped: true });
}

test('a GBK CSV: the dry run reports every row and writes nothing; the real run writes what it promised, once', async () => {
  const org = await organizationWithCards();
  const uploaded = await upload(baseUrl, org.tokens.MANAGER, messyGbkCsv(), '客户档案.csv');
  expect(uploaded.status).toBe(201);
  expect(uploaded.body).toMatchObject({ format: 'CSV', detectedEncoding: 'GB18030', status: 'UPLOADED' });
  const importId = uploaded.body.importId as string;
  const before = {
    customers: await customers(org),
    entries: await entries(org),
    allergies: await allergies(org),
  };

  const dry = await startImport(testApp, org.tokens.MANAGER, {
    importId,
    dryRun: true,
    healthConsent: CONSENT,
  });
  expect(dry.errors).toBeUndefined();
  const dryImport = dry.data!.startCustomerImport;
  expect(dryImport.status).toBe('DRY_RUN_DONE');
  expect(dryImport.summary).toEqual({
    totalRows: 9,
    ok: 4,
    errors: 3,
    duplicates: 2,
    healthSkipped: 1,
    created: 4,
    storedValue: { minorUnits: 128_050 + 10_000 },
    storedValueBonus: { minorUnits: 0 },
    points: 350,
    punches: 6,
    healthRecords: 4,
    unknownColumns: ['微信号'],
  });
  expect(dryImport.columns.find((column: { header: string }) => column.header === '微信号').field).toBeNull();
  expectSampleReport(rowsByNumber(dryImport), org, true);
  expect({
    customers: await customers(org),
    entries: await entries(org),
    allergies: await allergies(org),
  }).toEqual(before);

  // The real run must be given what the dry run was: here the consent is missing.
  const without = await startImport(testApp, org.tokens.MANAGER, { importId, dryRun: false });
  expect(without.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'DRY_RUN_REQUIRED' });

  const real = await startImport(testApp, org.tokens.MANAGER, {
    importId,
    dryRun: false,
    healthConsent: CONSENT,
  });
  expect(real.errors).toBeUndefined();
  const imported = real.data!.startCustomerImport;
  expect(imported.status).toBe('IMPORTED');
  expect(imported.summary).toEqual(dryImport.summary);
  const report = rowsByNumber(imported);
  expect(await customers(org)).toBe(before.customers + 4);
  expect([...report.values()].filter((row) => row.customerId).map((row) => row.rowNumber)).toEqual([
    2, 6, 8, 11,
  ]);

  const [wang] = await testApp.orm.em.getConnection().execute(
    `select c.phone, c.birthday::text, c.source, c.source_note, c.external_id, c.assigned_consultant_id,
            c.health_consent_given_at, c.health_consent_source, c.notes,
            (select array_agg(t.name order by t.name) from customer_tag ct join tag t on t.id = ct.tag_id
              where ct.customer_id = c.id) as tags
     from customer c where c.id = ?`,
    [report.get(2)!.customerId],
  );
  expect(wang).toMatchObject({
    phone: '+8613800138100',
    birthday: '1988-03-05',
    source: 'REFERRAL',
    source_note: '朋友介绍',
    external_id: 'K0001',
    assigned_consultant_id: org.users.CONSULTANT.id,
    health_consent_source: `导入 PAPER_FORM ${importId}`,
    notes: '怕冷',
    tags: ['VIP', '敏感肌'],
  });
  expect(new Date(wang.health_consent_given_at).toISOString()).toBe(CONSENT.obtainedAt);

  // Opening balances are OPENING_BALANCE entries of the import on new accounts, not edited balances.
  const opening = await testApp.orm.em.getConnection().execute(
    `select a.kind, a.principal, a.units, a.card_product_id is not null as has_card,
            e.kind as entry_kind, e.principal_delta, e.units_delta, e.amount_paid, e.operation_id
     from ledger_entry e join account a on a.id = e.account_id where e.customer_id = ? order by a.kind`,
    [report.get(2)!.customerId],
  );
  expect(opening).toEqual([
    expect.objectContaining({
      kind: 'STORED_VALUE',
      principal: '128050',
      entry_kind: 'OPENING_BALANCE',
      amount_paid: null,
    }),
    expect.objectContaining({ kind: 'POINTS', units: 300, entry_kind: 'OPENING_BALANCE', units_delta: 300 }),
    expect.objectContaining({ kind: 'PUNCH_CARD', units: 6, has_card: true, entry_kind: 'OPENING_BALANCE' }),
  ]);
  expect(new Set(opening.map((row) => row.operation_id))).toEqual(new Set([importId]));
  const check = await execute(
    testApp,
    org.tokens.OWNER,
    `{ ledgerCheck { accountsChecked mismatches { account { id } } } }`,
  );
  expect(check.data!.ledgerCheck.mismatches).toEqual([]);
  expect(check.data!.ledgerCheck.accountsChecked).toBeGreaterThanOrEqual(4);

  // Health: 王芳's two allergies and her history, 赵敏's allergy; 小明's (a child) not; each audited.
  expect(await allergies(org)).toBe(before.allergies + 3);
  expect(
    await countRows(testApp.orm, 'select count(*) from allergy where customer_id = ?', [
      report.get(11)!.customerId,
    ]),
  ).toBe(0);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from audit_event where organization_id = ? and action = 'CREATE'
       and entity_type in ('Allergy', 'MedicalCondition') and actor_user_id = ?`,
      [org.organizationId, org.users.MANAGER.id],
    ),
  ).toBe(4);
  // The file's bytes (health columns included) are not kept after the import.
  expect(
    await countRows(testApp.orm, 'select count(*) from customer_import_chunk where customer_import_id = ?', [
      importId,
    ]),
  ).toBe(0);

  // The same file again: every row that was imported is a duplicate of its customer; nothing new.
  const again = await upload(baseUrl, org.tokens.OWNER, messyGbkCsv(), '客户档案(1).csv');
  expect(again.body.sha256).toBe(uploaded.body.sha256);
  const secondDry = await startImport(testApp, org.tokens.OWNER, {
    importId: again.body.importId,
    dryRun: true,
  });
  const secondReport = rowsByNumber(secondDry.data!.startCustomerImport);
  for (const row of [2, 6, 8, 11])
    expect(secondReport.get(row)).toMatchObject({
      outcome: 'DUPLICATE',
      duplicateReason: 'SAME_FILE_ROW',
      duplicateOfCustomerId: report.get(row)!.customerId,
    });
  const secondReal = await startImport(testApp, org.tokens.OWNER, {
    importId: again.body.importId,
    dryRun: false,
  });
  expect(secondReal.data!.startCustomerImport.summary.created).toBe(0);
  expect(await customers(org)).toBe(before.customers + 4);
  expect(await entries(org)).toBe(before.entries + 5);
}, 60_000);

test('an XLSX of the same rows (date and number cells) reports the same and imports', async () => {
  const org = await organizationWithCards();
  const uploaded = await upload(baseUrl, org.tokens.OWNER, await messyXlsx(), '客户档案.xlsx');
  expect(uploaded.body).toMatchObject({ format: 'XLSX', detectedEncoding: null });
  const dry = await startImport(testApp, org.tokens.OWNER, {
    importId: uploaded.body.importId,
    dryRun: true,
    mapping: [{ column: '微信号', field: 'IGNORE' }],
  });
  expect(dry.errors).toBeUndefined();
  const dryImport = dry.data!.startCustomerImport;
  expectSampleReport(rowsByNumber(dryImport), org, false);
  // No consent recorded: every row with health columns says so, and unknown columns were mapped away.
  expect(dryImport.summary).toMatchObject({ ok: 4, healthSkipped: 3, healthRecords: 0, unknownColumns: [] });
  const real = await startImport(testApp, org.tokens.OWNER, {
    importId: uploaded.body.importId,
    dryRun: false,
    mapping: [{ column: '微信号', field: 'IGNORE' }],
  });
  expect(real.data!.startCustomerImport.status).toBe('IMPORTED');
  const [wang] = await testApp.orm.em
    .getConnection()
    .execute(
      `select birthday::text, health_consent_given_at from customer where organization_id = ? and name = '王芳'`,
      [org.organizationId],
    );
  expect(wang).toEqual({ birthday: '1988-03-05', health_consent_given_at: null });
  expect(await allergies(org)).toBe(2);
}, 60_000);

test('the real run refuses with CONFLICT IMPORT_CHANGED when the data changed since the dry run', async () => {
  const org = await organizationWithCards();
  const uploaded = await upload(baseUrl, org.tokens.OWNER, messyGbkCsv(), 'archive.csv');
  const importId = uploaded.body.importId;
  await startImport(testApp, org.tokens.OWNER, { importId, dryRun: true });
  // Meanwhile the front desk creates 王芳 by hand.
  const created = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation { createCustomer(input: { name: "王芳", phone: "13800138100" }) { id } }`,
  );
  expect(created.errors).toBeUndefined();
  const before = { customers: await customers(org), entries: await entries(org) };
  const real = await startImport(testApp, org.tokens.OWNER, { importId, dryRun: false });
  expect(real.errors?.[0].extensions).toMatchObject({
    code: 'CONFLICT',
    reason: 'IMPORT_CHANGED',
    rows: [2],
  });
  expect({ customers: await customers(org), entries: await entries(org) }).toEqual(before);
  const status = await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customerImport(id: $id) { status error } }`,
    {
      id: importId,
    },
  );
  expect(status.data!.customerImport.status).toBe('CONFLICT');
  // The promise is broken: a new dry run first.
  const retry = await startImport(testApp, org.tokens.OWNER, { importId, dryRun: false });
  expect(retry.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'DRY_RUN_REQUIRED' });
  const dry = await startImport(testApp, org.tokens.OWNER, { importId, dryRun: true });
  expect(rowsByNumber(dry.data!.startCustomerImport).get(2)).toMatchObject({
    outcome: 'DUPLICATE',
    duplicateOfCustomerId: created.data!.createCustomer.id,
  });
}, 60_000);

test('two real runs started at once: one imports, the other is refused, nothing twice', async () => {
  const org = await organizationWithCards();
  const uploaded = await upload(baseUrl, org.tokens.OWNER, messyGbkCsv(), 'twice.csv');
  const importId = uploaded.body.importId;
  await startImport(testApp, org.tokens.OWNER, { importId, dryRun: true });
  const before = await customers(org);
  const runs = await Promise.all([
    startImport(testApp, org.tokens.OWNER, { importId, dryRun: false }),
    startImport(testApp, org.tokens.MANAGER, { importId, dryRun: false }),
  ]);
  const refused = runs.filter((run) => run.errors);
  expect(refused).toHaveLength(1);
  expect(refused[0].errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATE' });
  expect(await customers(org)).toBe(before + 4);
  const status = await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customerImport(id: $id) { status } }`,
    {
      id: importId,
    },
  );
  expect(status.data!.customerImport.status).toBe('IMPORTED');
}, 60_000);

test("another organization's import is NOT_FOUND, to read and to start", async () => {
  const org = await organizationWithCards();
  const other = await createOrganization(testApp, '别家美容院');
  const uploaded = await upload(baseUrl, org.tokens.OWNER, messyGbkCsv(), 'mine.csv');
  const read = await execute(
    testApp,
    other.tokens.OWNER,
    `query($id: ID!) { customerImport(id: $id) { id } }`,
    {
      id: uploaded.body.importId,
    },
  );
  expect(read.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  const started = await startImport(testApp, other.tokens.OWNER, {
    importId: uploaded.body.importId,
    dryRun: true,
  });
  expect(started.errors?.[0].extensions?.code).toBe('NOT_FOUND');
}, 60_000);
