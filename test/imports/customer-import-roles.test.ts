import type { Server } from 'node:http';
import pino from 'pino';
import { createContext } from '../../src/server/context';
import { inRequestScope } from '../../src/services/tenancy';
import { DomainError } from '../../src/core/errors';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, listen, type TestApp } from '../support/test-app';
import { messyGbkCsv, upload } from './import-support';

let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  const listening = await listen(testApp.app);
  server = listening.server;
  baseUrl = listening.url;
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

const REFUSED = ['FRONT_DESK', 'CONSULTANT', 'THERAPIST', 'MARKETING', 'AUDITOR'] as const;

const imports = () =>
  countRows(testApp.orm, 'select count(*) from customer_import where organization_id = ?', [
    org.organizationId,
  ]);

/** The services of a request with this bearer token, as /graphql and /imports/customers build them. */
async function servicesOf(token: string) {
  // A request's context lives in its tenancy scope (row-level security), as the express middleware opens it.
  const context = await inRequestScope(() =>
    createContext(
      { orm: testApp.orm, tokens: testApp.tokens },
      { headers: { authorization: `Bearer ${token}` }, requestId: 'test', logger: pino({ level: 'silent' }) },
    ),
  );
  return context.services;
}

async function* bytes(content: Buffer): AsyncGenerator<Buffer> {
  yield content;
}

async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return 'OK';
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
}

test('the service itself refuses every role but OWNER and MANAGER, on upload and on start', async () => {
  const before = await imports();
  const outcomes: Record<string, { upload: string; start: string }> = {};
  for (const role of ['OWNER', 'MANAGER', ...REFUSED] as const) {
    const imports = (await servicesOf(org.tokens[role])).customerImports;
    outcomes[role] = {
      upload: await codeOf(() =>
        imports.upload({ fileName: `${role}.csv`, mimeType: 'text/csv', content: bytes(messyGbkCsv()) }),
      ),
      // An unknown id: an importer reaches the lookup (NOT_FOUND), anyone else is refused first.
      start: await codeOf(() =>
        imports.start({ importId: '00000000-0000-4000-8000-000000000000', dryRun: true }),
      ),
    };
  }
  expect(outcomes).toEqual({
    OWNER: { upload: 'OK', start: 'NOT_FOUND' },
    MANAGER: { upload: 'OK', start: 'NOT_FOUND' },
    ...Object.fromEntries(REFUSED.map((role) => [role, { upload: 'FORBIDDEN', start: 'FORBIDDEN' }])),
  });
  expect(await imports()).toBe(before + 2);
});

test('over HTTP: OWNER and MANAGER upload (201), every other role is 403 with extensions.code FORBIDDEN', async () => {
  const answers: Record<string, [number, string | undefined]> = {};
  for (const role of ['OWNER', 'MANAGER', ...REFUSED] as const) {
    const answer = await upload(baseUrl, org.tokens[role], messyGbkCsv(), 'roles.csv');
    answers[role] = [answer.status, answer.body.errors?.[0].extensions.code ?? answer.body.status];
  }
  expect(answers).toEqual({
    OWNER: [201, 'UPLOADED'],
    MANAGER: [201, 'UPLOADED'],
    ...Object.fromEntries(REFUSED.map((role) => [role, [403, 'FORBIDDEN']])),
  });
  // A refused caller is refused before the form is read: not even a malformed form gets further.
  const notMultipart = await fetch(`${baseUrl}/imports/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${org.tokens.MARKETING}`, 'content-type': 'text/csv' },
    body: 'x',
  });
  expect(notMultipart.status).toBe(403);
  const query = await execute(
    testApp,
    org.tokens.AUDITOR,
    `mutation { startCustomerImport(input: { importId: "x", dryRun: true }) { id } }`,
  );
  expect(query.errors?.[0].extensions?.code).toBe('FORBIDDEN');
});
