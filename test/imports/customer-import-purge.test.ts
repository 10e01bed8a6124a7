import type { Server } from 'node:http';
import pino from 'pino';
import { startJobRunner, type JobRunner } from '../../src/jobs/job-runner';
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
    importFileRetentionDays: 10,
  });
}, 60_000);
afterAll(async () => {
  await runner.stop();
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

/** Sends the job through pg-boss and waits until the worker has completed it. */
async function runJob(name: string): Promise<unknown> {
  const id = await runner.boss.send(name, {});
  for (let attempt = 0; attempt < 120; attempt++) {
    const job = await runner.boss.getJobById(name, id!);
    if (job?.state === 'completed') return job.output;
    if (job?.state === 'failed') throw new Error(`${name} failed: ${JSON.stringify(job.output)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not complete`);
}

async function uploaded(rows: number): Promise<string> {
  const answer = await upload(baseUrl, org.tokens.OWNER, generatedCsv(rows), `archive-${rows}.csv`);
  expect(answer.status).toBe(201);
  return answer.body.importId as string;
}

const chunks = (importId: string) =>
  countRows(testApp.orm, 'select count(*) from customer_import_chunk where customer_import_id = ?', [
    importId,
  ]);

/** As if the import was last touched `days` ago. */
const age = (importId: string, days: number) =>
  testApp.asOwner(`update customer_import set updated_at = now() - make_interval(days => $2) where id = $1`, [
    importId,
    days,
  ]);

const stateOf = async (id: string) =>
  (
    await execute(
      testApp,
      org.tokens.OWNER,
      `query($id: ID!) { customerImport(id: $id) { status error rows(first: 1) { totalCount } } }`,
      { id },
    )
  ).data!.customerImport as { status: string; error: string | null; rows: { totalCount: number } };

test('a file never run for real is deleted after IMPORT_FILE_RETENTION_DAYS; a recent one and an imported one stay', async () => {
  const onlyUploaded = await uploaded(3);
  const dryRunLeft = await uploaded(4);
  expect(
    (await startImport(testApp, org.tokens.OWNER, { importId: dryRunLeft, dryRun: true })).errors,
  ).toBeUndefined();
  const recentDryRun = await uploaded(5);
  expect(
    (await startImport(testApp, org.tokens.OWNER, { importId: recentDryRun, dryRun: true })).errors,
  ).toBeUndefined();
  const imported = await uploaded(6);
  expect(
    (await startImport(testApp, org.tokens.OWNER, { importId: imported, dryRun: true })).errors,
  ).toBeUndefined();
  expect(
    (await startImport(testApp, org.tokens.OWNER, { importId: imported, dryRun: false })).errors,
  ).toBeUndefined();
  await age(onlyUploaded, 11);
  await age(dryRunLeft, 11);
  await age(recentDryRun, 3);
  await age(imported, 40);
  expect(await chunks(dryRunLeft)).toBeGreaterThan(0);

  // pg-boss wraps a job's scalar result as { value }.
  expect(await runJob('import-file-purge')).toEqual({ value: 2 });
  expect([await chunks(onlyUploaded), await chunks(dryRunLeft), await chunks(recentDryRun)]).toEqual([
    0, 0, 1,
  ]);
  const purged = await stateOf(dryRunLeft);
  expect(purged.status).toBe('FAILED');
  expect(purged.error).toContain('10 days');
  // The row report of the dry run stays: the importer still sees what the file held and why it went.
  expect(purged.rows.totalCount).toBe(4);
  expect((await stateOf(recentDryRun)).status).toBe('DRY_RUN_DONE');
  expect((await stateOf(imported)).status).toBe('IMPORTED');
  // A purged file cannot be run: the real run asks for a new upload's dry run.
  const rerun = await startImport(testApp, org.tokens.OWNER, { importId: dryRunLeft, dryRun: false });
  expect(rerun.errors?.[0].extensions?.code).toBe('CONFLICT');
  // Nothing left to purge: a second run finds nothing.
  expect(await runJob('import-file-purge')).toEqual({ value: 0 });
}, 60_000);
