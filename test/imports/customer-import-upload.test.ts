import type { Server } from 'node:http';
import express from 'express';
import pino from 'pino';
import { customerImportRouter } from '../../src/server/customer-import.router';
import { createContext } from '../../src/server/context';
import { inRequestScope } from '../../src/services/tenancy';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, listen, type TestApp } from '../support/test-app';
import { MESSY_CSV, messyGbkCsv, startImport, upload } from './import-support';

let testApp: TestApp;
let org: OrganizationFixture;
const servers: Server[] = [];
let baseUrl: string;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  const listening = await listen(testApp.app);
  servers.push(listening.server);
  baseUrl = listening.url;
}, 60_000);
afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

const imports = () =>
  countRows(testApp.orm, 'select count(*) from customer_import where organization_id = ?', [
    org.organizationId,
  ]);

test('only an OWNER or a MANAGER uploads; others get 403 FORBIDDEN, no credential 401', async () => {
  const before = await imports();
  for (const role of ['FRONT_DESK', 'CONSULTANT', 'THERAPIST', 'MARKETING'] as const) {
    const refused = await upload(baseUrl, org.tokens[role], messyGbkCsv(), 'a.csv');
    expect({ role, status: refused.status, code: refused.body.errors[0].extensions.code }).toEqual({
      role,
      status: 403,
      code: 'FORBIDDEN',
    });
  }
  const anonymous = await upload(baseUrl, undefined, messyGbkCsv(), 'a.csv');
  expect([anonymous.status, anonymous.body.errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
  const badToken = await upload(baseUrl, 'not-a-token', messyGbkCsv(), 'a.csv');
  expect([badToken.status, badToken.body.errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
  expect(await imports()).toBe(before);
  // The GraphQL side answers the same roles.
  const query = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation { startCustomerImport(input: { importId: "x", dryRun: true }) { id } }`,
  );
  expect(query.errors?.[0].extensions?.code).toBe('FORBIDDEN');
});

test('a file over the limit is 413 and leaves nothing; a file that is not CSV or XLSX is 400', async () => {
  const app = express();
  // What server/http.ts's pino-http gives every request.
  app.use((request, _response, next) => {
    Object.assign(request, { id: 'test', log: pino({ level: 'silent' }) });
    next();
  });
  app.use((_request, _response, next) => inRequestScope(next));
  app.use(
    customerImportRouter(
      (request) =>
        createContext(
          { orm: testApp.orm, tokens: testApp.tokens },
          { headers: request.headers, requestId: String(request.id), logger: request.log },
        ),
      { maxBytes: 100 },
    ),
  );
  const small = await listen(app);
  servers.push(small.server);
  const before = await imports();
  const tooLarge = await upload(small.url, org.tokens.OWNER, messyGbkCsv(), 'big.csv');
  expect(tooLarge.status).toBe(413);
  expect(tooLarge.body.errors[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    rule: 'maxSize',
    maxBytes: 100,
  });
  const wrongType = await upload(baseUrl, org.tokens.OWNER, Buffer.from('GIF89a'), 'photo.gif');
  expect(wrongType.status).toBe(400);
  expect(wrongType.body.errors[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'file',
    rule: 'file',
  });
  const empty = await upload(baseUrl, org.tokens.OWNER, Buffer.alloc(0), 'empty.csv');
  expect([empty.status, empty.body.errors[0].extensions.rule]).toEqual([400, 'file']);
  const notMultipart = await fetch(`${baseUrl}/imports/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${org.tokens.OWNER}`, 'content-type': 'text/csv' },
    body: MESSY_CSV,
  });
  expect(notMultipart.status).toBe(400);
  expect(await imports()).toBe(before);
});

test('UTF-8 with a BOM is read as UTF-8; a forced encoding wins; an XLSX that is not one is BAD_USER_INPUT', async () => {
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(MESSY_CSV, 'utf8')]);
  const uploaded = await upload(baseUrl, org.tokens.MANAGER, bom, 'utf8-bom.csv');
  expect(uploaded.body.detectedEncoding).toBe('UTF8');
  const dry = await startImport(testApp, org.tokens.MANAGER, {
    importId: uploaded.body.importId,
    dryRun: true,
  });
  expect(dry.data!.startCustomerImport.columns[0]).toEqual({ header: '姓名', field: 'NAME' });
  // GBK bytes read as UTF-8 by force: the headers are garbage, so there is no name column.
  const gbk = await upload(baseUrl, org.tokens.MANAGER, messyGbkCsv(), 'gbk.csv');
  const forced = await startImport(testApp, org.tokens.MANAGER, {
    importId: gbk.body.importId,
    dryRun: true,
    encoding: 'UTF8',
  });
  expect(forced.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'mapping' });
  const fake = await upload(
    baseUrl,
    org.tokens.MANAGER,
    Buffer.from('姓名,手机\n王芳,13800138100\n'),
    'fake.xlsx',
  );
  const unreadable = await startImport(testApp, org.tokens.MANAGER, {
    importId: fake.body.importId,
    dryRun: true,
  });
  expect(unreadable.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'file',
    rule: 'file',
  });
  const failed = await execute(
    testApp,
    org.tokens.MANAGER,
    `query($id: ID!) { customerImport(id: $id) { status error } }`,
    {
      id: fake.body.importId,
    },
  );
  expect(failed.data!.customerImport.status).toBe('FAILED');
});

test('a mapping overrides the dictionary; a mapping naming a missing column or one field twice is refused', async () => {
  const csv = Buffer.from('客户,联系电话,手机\n王芳,13800138100,13800138100\n', 'utf8');
  const uploaded = await upload(baseUrl, org.tokens.OWNER, csv, 'mapping.csv');
  const importId = uploaded.body.importId;
  const twice = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: true,
    mapping: [{ column: '客户', field: 'NAME' }],
  });
  expect(twice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'mapping' });
  const missing = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: true,
    mapping: [{ column: '姓名', field: 'NAME' }],
  });
  expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'mapping' });
  const mapped = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: true,
    mapping: [
      { column: '客户', field: 'NAME' },
      { column: '手机', field: 'IGNORE' },
    ],
  });
  expect(mapped.errors).toBeUndefined();
  expect(mapped.data!.startCustomerImport.summary).toMatchObject({ ok: 1, unknownColumns: [] });
});
