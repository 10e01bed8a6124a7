import type { Server } from 'node:http';
import pino from 'pino';
import { runQueuedImports } from '../../src/jobs/customer-import.job';
import { RUNTIME_ROLE } from '../../src/server/database';
import * as importPerform from '../../src/services/imports/import-perform';
import { INLINE_IMPORT_BYTES } from '../../src/services/imports/customer-import.service';
import { asMaintenance } from '../../src/services/tenancy';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, listen, type TestApp } from '../support/test-app';
import { generatedCsv, startImport, upload } from './import-support';

let testApp: TestApp;
let a: OrganizationFixture;
let b: OrganizationFixture;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  testApp = await createTestApp();
  a = await createOrganization(testApp, '甲馆');
  b = await createOrganization(testApp, '乙馆');
  ({ server, url: baseUrl } = await listen(testApp.app));
}, 60_000);
afterAll(async () => {
  jest.restoreAllMocks();
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

async function queue(org: OrganizationFixture, fileName: string): Promise<string> {
  const file = generatedCsv(2_500, 200);
  expect(file.length).toBeGreaterThan(INLINE_IMPORT_BYTES);
  const uploaded = await upload(baseUrl, org.tokens.OWNER, file, fileName);
  const queued = await startImport(testApp, org.tokens.OWNER, {
    importId: uploaded.body.importId,
    dryRun: true,
  });
  expect(queued.data!.startCustomerImport.status).toBe('QUEUED');
  return uploaded.body.importId;
}

test('the customer-import job claims across organizations but runs each import in its own organization (row-level security)', async () => {
  const importIds = new Map([
    [await queue(a, 'a.csv'), a.organizationId],
    [await queue(b, 'b.csv'), b.organizationId],
  ]);
  // What the statements of each run are set to, read on the run's own connection: the session
  // settings row-level security checks (services/tenancy.ts).
  const seen = new Map<string, { organization: string; role: string }>();
  const perform = importPerform.performImport;
  jest.spyOn(importPerform, 'performImport').mockImplementation(async (run, customerImport) => {
    const [setting] = await run.em
      .getConnection()
      .execute<{ organization: string; role: string }[]>(
        `select current_setting('app.organization_id', true) as organization, current_user as role`,
      );
    seen.set(customerImport.id, setting);
    return perform(run, customerImport);
  });
  // As the job runner runs every job (job-runner.ts): in the maintenance scope.
  expect(await asMaintenance(() => runQueuedImports(testApp.orm, pino({ level: 'silent' })))).toBe(2);
  expect(Object.fromEntries(seen)).toEqual(
    Object.fromEntries(
      [...importIds].map(([importId, organization]) => [importId, { organization, role: RUNTIME_ROLE }]),
    ),
  );
  for (const [importId, organization] of importIds) {
    const owner = organization === a.organizationId ? a : b;
    const done = await execute(
      testApp,
      owner.tokens.OWNER,
      `query($id: ID!) { customerImport(id: $id) { status } }`,
      {
        id: importId,
      },
    );
    expect(done.data!.customerImport.status).toBe('DRY_RUN_DONE');
  }
});
