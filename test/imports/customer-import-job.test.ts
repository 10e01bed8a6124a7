import type { Server } from 'node:http';
import pino from 'pino';
import { startJobRunner, type JobRunner } from '../../src/jobs/job-runner';
import { INLINE_IMPORT_BYTES } from '../../src/services/imports/customer-import.service';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, listen, type TestApp } from '../support/test-app';
import { generatedCsv, startImport, upload } from './import-support';

let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let baseUrl: string;
let runner: JobRunner;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  ({ server, url: baseUrl } = await listen(testApp.app));
  runner = await startJobRunner(testApp.url, testApp.orm, pino({ level: 'silent' }), {
    schedule: false,
    pollingIntervalSeconds: 0.5,
  });
}, 60_000);
afterAll(async () => {
  await runner.stop();
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

const PROGRESS = `query($id: ID!) { customerImport(id: $id) { status processedRows totalRows error
  summary { totalRows ok created points storedValue { minorUnits } }
  rows(first: 2, outcome: OK) { totalCount edges { cursor node { rowNumber outcome customerId } } } } }`;

/** Sends the job (as the minute's cron tick would) and polls the import until it leaves QUEUED/RUNNING. */
async function runQueued(importId: string, seen: number[]): Promise<Record<string, any>> {
  await runner.boss.send('customer-import', {});
  for (let attempt = 0; attempt < 400; attempt++) {
    const result = await execute(testApp, org.tokens.OWNER, PROGRESS, { id: importId });
    const progress = result.data!.customerImport;
    seen.push(progress.processedRows);
    if (!['QUEUED', 'RUNNING'].includes(progress.status)) return progress;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error('the import did not finish');
}

test('a file over the inline limit runs as the customer-import job, its progress queryable', async () => {
  const rows = 2_500;
  const file = generatedCsv(rows, 200);
  expect(file.length).toBeGreaterThan(INLINE_IMPORT_BYTES);
  const uploaded = await upload(baseUrl, org.tokens.OWNER, file, 'large.csv');
  const importId = uploaded.body.importId;

  const queued = await startImport(testApp, org.tokens.OWNER, { importId, dryRun: true });
  expect(queued.data!.startCustomerImport).toMatchObject({ status: 'QUEUED', processedRows: 0 });
  const seen: number[] = [];
  const dry = await runQueued(importId, seen);
  expect(dry).toMatchObject({ status: 'DRY_RUN_DONE', processedRows: rows, totalRows: rows, error: null });
  expect(dry.summary).toMatchObject({ totalRows: rows, ok: rows });
  expect(seen.every((processed, index) => index === 0 || processed >= seen[index - 1])).toBe(true);
  expect(
    await countRows(testApp.orm, 'select count(*) from customer where organization_id = ?', [
      org.organizationId,
    ]),
  ).toBe(2);

  const real = await startImport(testApp, org.tokens.OWNER, { importId, dryRun: false });
  expect(real.data!.startCustomerImport.status).toBe('QUEUED');
  const done = await runQueued(importId, []);
  expect(done).toMatchObject({ status: 'IMPORTED', processedRows: rows, summary: dry.summary });
  expect(done.rows.totalCount).toBe(rows);
  expect(done.rows.edges.map((edge: { node: { rowNumber: number } }) => edge.node.rowNumber)).toEqual([2, 3]);
  const next = await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!, $after: String) { customerImport(id: $id) { rows(first: 2, after: $after) { edges { node { rowNumber } } } } }`,
    { id: importId, after: done.rows.edges[1].cursor },
  );
  expect(
    next.data!.customerImport.rows.edges.map((edge: { node: { rowNumber: number } }) => edge.node.rowNumber),
  ).toEqual([4, 5]);
  expect(
    await countRows(testApp.orm, 'select count(*) from customer where organization_id = ?', [
      org.organizationId,
    ]),
  ).toBe(2 + rows);
  // The job acted as who started the run: its audit rows and entries name them.
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from ledger_entry where organization_id = ? and kind = 'OPENING_BALANCE' and recorded_by_user_id = ?`,
      [org.organizationId, org.users.OWNER.id],
    ),
  ).toBeGreaterThan(0);
  const check = await execute(
    testApp,
    org.tokens.OWNER,
    `{ ledgerCheck { accountsChecked mismatches { account { id } } } }`,
  );
  expect(check.data!.ledgerCheck.mismatches).toEqual([]);
}, 120_000);
