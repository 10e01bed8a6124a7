import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/server/logger';
import { keyRing } from '../../src/core/crypto/key-ring';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, listen, type TestApp } from '../support/test-app';
import { CONSENT, rowsByNumber, startImport, upload } from './import-support';

/** A NUL character (PostgreSQL text cannot hold it) in a file's cells or its name; and what is logged. */
let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let baseUrl: string;
const logLines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  testApp = await createTestApp(createLogger('info', sink));
  org = await createOrganization(testApp);
  ({ server, url: baseUrl } = await listen(testApp.app));
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

test('a NUL in a cell is a problem of its row in the dry run, and the real run imports the rest', async () => {
  const csv =
    '姓名,手机号码,过敏史,备注\n欧阳隐私,13911112222,花生\u0000过敏,常客\n司马清,13911113333,芒果,新客\n';
  const uploaded = await upload(baseUrl, org.tokens.OWNER, Buffer.from(csv, 'utf8'), 'nul.csv');
  expect(uploaded.status).toBe(201);
  const importId = uploaded.body.importId as string;
  const dry = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: true,
    healthConsent: CONSENT,
  });
  expect(dry.errors).toBeUndefined();
  const report = rowsByNumber(dry.data!.startCustomerImport);
  // Before, the dry run said OK and the real run failed with INTERNAL_SERVER_ERROR, again on every retry.
  expect(report.get(2)).toMatchObject({
    outcome: 'ERROR',
    problems: [{ column: '过敏史', field: 'ALLERGIES', rule: 'NUL_CHARACTER' }],
  });
  expect(report.get(3)).toMatchObject({ outcome: 'OK' });
  const real = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: false,
    healthConsent: CONSENT,
  });
  expect(real.errors).toBeUndefined();
  expect(real.data!.startCustomerImport.summary).toMatchObject({ ok: 1, errors: 1, created: 1 });
  // An imported record says where it came from (it said 期初余额, the opening balances' ledger note).
  const [allergy] = await testApp.orm.em
    .fork()
    .getConnection()
    .execute(
      `select a.note from allergy a join customer c on c.id = a.customer_id
        where a.organization_id = ? and c.phone = ?`,
      [org.organizationId, '+8613911113333'],
    );
  // Sealed at rest (issue 17): the column holds ciphertext, opened by the process's key ring.
  expect(keyRing.open(allergy.note)).toBe('建档导入');
});

test('a NUL in the file name is BAD_USER_INPUT and stores nothing', async () => {
  const before = await countRows(testApp.orm, 'select count(*) from customer_import', []);
  // As a client sends a name in RFC 5987 form (FormData cannot carry the NUL).
  const boundary = 'nul-boundary';
  const body = Buffer.from(
    `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename*=utf-8''a%00b.csv\r\n` +
      `content-type: text/csv\r\n\r\n姓名\n张三\n\r\n--${boundary}--\r\n`,
  );
  const response = await fetch(`${baseUrl}/imports/customers`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${org.tokens.OWNER}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    body,
  });
  const refused = { status: response.status, body: (await response.json()) as Record<string, any> };
  // Before: 500 INTERNAL_SERVER_ERROR, from the INSERT PostgreSQL refused.
  expect(refused.status).toBe(400);
  expect(refused.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'NUL_CHARACTER' });
  expect(await countRows(testApp.orm, 'select count(*) from customer_import', [])).toBe(before);
});

test('a database error logged for a request carries no SQL values (pino-http kept its own serializer)', async () => {
  await testApp.asOwner('alter table customer_import rename to customer_import_away');
  try {
    logLines.length = 0;
    const failed = await upload(baseUrl, org.tokens.OWNER, Buffer.from('姓名\n张三\n'), '秘密的文件名.csv');
    expect(failed.status).toBe(500);
  } finally {
    await testApp.asOwner('alter table customer_import_away rename to customer_import');
  }
  const logged = logLines.join('');
  expect(logged).toContain('SQLSTATE 42P01');
  expect(logged).not.toContain('秘密的文件名');
  expect(logged).not.toContain('insert into');
});
