import { request as httpRequest, type Server } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { migrateAndOpen } from '../../src/server/database';
import { createHttpApp } from '../../src/server/http';
import { DirectoryCache } from '../../src/services/read/directory-cache';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, listen, testConfig, type TestApp } from '../support/test-app';
import { messyGbkCsv } from './import-support';

let testApp: TestApp;
let a: OrganizationFixture;
let b: OrganizationFixture;
/** The ORM as the service opens it: outside any tenancy scope, no tenant row (the harness's default is every row). */
let strict: MikroORM;
let server: Server;
let baseUrl: string;
let closeApp: () => Promise<unknown>;

beforeAll(async () => {
  testApp = await createTestApp();
  a = await createOrganization(testApp, '甲馆');
  b = await createOrganization(testApp, '乙馆');
  strict = (await migrateAndOpen(testApp.url, 2, undefined, { unscoped: 'nothing' })).orm;
  const { app, apollo } = await createHttpApp(testConfig, strict, testApp.tokens, pino({ level: 'silent' }));
  closeApp = () => apollo.stop();
  ({ server, url: baseUrl } = await listen(app));
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeApp();
  await DirectoryCache.close(strict);
  await strict.close(true);
  await testApp.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs a one-file form as curl does a large file: headers with `Expect: 100-continue`, then, once the
 * server said continue and a moment later, the body in pieces with pauses, so busboy's events come
 * from socket data arriving after the handler began.
 */
function slowUpload(token: string, bytes: Buffer, fileName: string): Promise<{ status: number; body: any }> {
  const boundary = `----slow${Date.now()}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
        `Content-Type: text/csv\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return new Promise((resolve, reject) => {
    const sent = httpRequest(`${baseUrl}/imports/customers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': body.length,
        expect: '100-continue',
      },
    });
    sent.on('error', reject);
    sent.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
      );
    });
    sent.on('continue', async () => {
      try {
        await pause(100);
        const third = Math.ceil(body.length / 3);
        for (let start = 0; start < body.length; start += third) {
          sent.write(body.subarray(start, start + third));
          await pause(50);
        }
        sent.end();
      } catch (error) {
        reject(error);
      }
    });
  });
}

test('a form whose body comes after the handler began (Expect: 100-continue, slow pieces) is stored in the uploader’s organization', async () => {
  const imports = (organizationId: string) =>
    countRows(testApp.orm, 'select count(*) from customer_import where organization_id = ?', [
      organizationId,
    ]);
  const beforeB = await imports(b.organizationId);
  const uploaded = await slowUpload(a.tokens.OWNER, messyGbkCsv(), 'slow.csv');
  expect(uploaded.status).toBe(201);
  expect(uploaded.body).toMatchObject({ fileName: 'slow.csv', detectedEncoding: 'GB18030' });
  const [row] = await testApp.orm.em
    .getConnection()
    .execute<{ organization_id: string }[]>('select organization_id from customer_import where id = ?', [
      uploaded.body.importId,
    ]);
  expect(row.organization_id).toBe(a.organizationId);
  // The other organization's uploader, slowly too, gets their own.
  const theirs = await slowUpload(b.tokens.MANAGER, messyGbkCsv(), 'theirs.csv');
  expect(theirs.status).toBe(201);
  expect(await imports(b.organizationId)).toBe(beforeB + 1);
});
