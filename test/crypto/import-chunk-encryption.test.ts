import type { Server } from 'node:http';
import { countRows, type OrganizationFixture } from '../support/fixtures';
import { type TestApp } from '../support/test-app';
import { startHttpTestApp, stopHttpTestApp } from '../support/http-test-app';
import { CONSENT, startImport, upload } from '../imports/import-support';

/**
 * An upload's stored pieces (customer_import_chunk.data) hold the file's health columns until the
 * import runs: they are sealed with the organization's data key, and opened by the run.
 */
let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  ({ testApp, org, server, baseUrl } = await startHttpTestApp());
}, 60_000);
afterAll(() => stopHttpTestApp(testApp, server));

const chunksHolding = (importId: string, value: string) =>
  countRows(
    testApp.orm,
    `select count(*) from customer_import_chunk where customer_import_id = ? and position(convert_to(?, 'UTF8') in data) > 0`,
    [importId, value],
  );

test('the stored upload holds no plaintext health value, and the import still reads it', async () => {
  const csv = '姓名,手机号码,过敏史,既往病史\n分块加密,13911115555,分块过敏原丙,分块病史丁\n';
  const uploaded = await upload(baseUrl, org.tokens.OWNER, Buffer.from(csv, 'utf8'), 'chunk.csv');
  expect(uploaded.status).toBe(201);
  const importId = uploaded.body.importId as string;
  expect(
    await countRows(testApp.orm, 'select count(*) from customer_import_chunk where customer_import_id = ?', [
      importId,
    ]),
  ).toBe(1);
  for (const value of ['分块过敏原丙', '分块病史丁', '13911115555'])
    expect({ value, chunks: await chunksHolding(importId, value) }).toEqual({ value, chunks: 0 });

  const dry = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: true,
    healthConsent: CONSENT,
  });
  expect(dry.errors).toBeUndefined();
  expect(dry.data!.startCustomerImport.totalRows).toBe(1);
  const real = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: false,
    healthConsent: CONSENT,
  });
  expect(real.errors).toBeUndefined();
  expect(real.data!.startCustomerImport.summary).toMatchObject({ ok: 1, created: 1 });
});

test('a piece stored in plaintext before the encryption is still imported', async () => {
  const csv = '姓名,手机号码,过敏史\n旧块导入,13911116666,旧块过敏原戊\n';
  const uploaded = await upload(baseUrl, org.tokens.OWNER, Buffer.from(csv, 'utf8'), 'legacy.csv');
  expect(uploaded.status).toBe(201);
  const importId = uploaded.body.importId as string;
  // What an upload stored before the pieces were sealed: the file's bytes as they came.
  await testApp.orm.em
    .getConnection()
    .execute(`update customer_import_chunk set data = convert_to(?, 'UTF8') where customer_import_id = ?`, [
      csv,
      importId,
    ]);
  expect(await chunksHolding(importId, '旧块过敏原戊')).toBe(1);

  const dry = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: true,
    healthConsent: CONSENT,
  });
  expect(dry.errors).toBeUndefined();
  expect(dry.data!.startCustomerImport.totalRows).toBe(1);
  const real = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: false,
    healthConsent: CONSENT,
  });
  expect(real.errors).toBeUndefined();
  expect(real.data!.startCustomerImport.summary).toMatchObject({ ok: 1, created: 1 });
  expect(
    await countRows(testApp.orm, 'select count(*) from customer where organization_id = ? and phone = ?', [
      org.organizationId,
      '+8613911116666',
    ]),
  ).toBe(1);
});
