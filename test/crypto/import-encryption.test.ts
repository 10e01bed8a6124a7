import type { Server } from 'node:http';
import { countRows, type OrganizationFixture } from '../support/fixtures';
import { execute, type TestApp } from '../support/test-app';
import { startHttpTestApp, stopHttpTestApp } from '../support/http-test-app';
import { CONSENT, startImport, upload } from '../imports/import-support';

/** An import writes with insertMany, past the flush that seals: its health values are sealed too. */
let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  ({ testApp, org, server, baseUrl } = await startHttpTestApp());
}, 60_000);
afterAll(() => stopHttpTestApp(testApp, server));

test('imported allergies and history are sealed in their tables and read back through the API', async () => {
  const csv = '姓名,手机号码,过敏史,既往病史\n上官导入,13911114444,导入过敏原甲,导入病史乙\n';
  const uploaded = await upload(baseUrl, org.tokens.OWNER, Buffer.from(csv, 'utf8'), 'health.csv');
  expect(uploaded.status).toBe(201);
  const dry = await startImport(testApp, org.tokens.OWNER, {
    importId: uploaded.body.importId,
    dryRun: true,
    healthConsent: CONSENT,
  });
  expect(dry.errors).toBeUndefined();
  const real = await startImport(testApp, org.tokens.OWNER, {
    importId: uploaded.body.importId,
    dryRun: false,
    healthConsent: CONSENT,
  });
  expect(real.errors).toBeUndefined();
  expect(real.data!.startCustomerImport.summary).toMatchObject({ ok: 1, created: 1 });
  for (const table of ['allergy', 'medical_condition', 'health_profile'])
    for (const value of ['导入过敏原甲', '导入病史乙'])
      expect({
        table,
        value,
        rows: await countRows(testApp.orm, `select count(*) from ${table} t where strpos(t::text, ?) > 0`, [
          value,
        ]),
      }).toEqual({ table, value, rows: 0 });
  const [customer] = await testApp.orm.em
    .getConnection()
    .execute(`select id from customer where organization_id = ? and phone = ?`, [
      org.organizationId,
      '+8613911114444',
    ]);
  const read = await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customer(id: $id) { healthProfile { allergies { substance note } medicalHistory { condition } currentComplaints } } }`,
    { id: customer.id },
  );
  expect(read.errors).toBeUndefined();
  expect(read.data!.customer.healthProfile).toEqual({
    allergies: [{ substance: '导入过敏原甲', note: '建档导入' }],
    medicalHistory: [{ condition: '导入病史乙' }],
    currentComplaints: [],
  });
});
