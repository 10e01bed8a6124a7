import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../support/build';
import { cli, query, startService } from '../support/embedded-cluster';
import { createCatalogue } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, sellCard, type CardProductsFixture } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

/**
 * npm run backup and npm run restore for real, on an embedded cluster of the test's own
 * (test/support/embedded-cluster.ts). Ledger entries are written through the API in between.
 */
/** An organization selling top-up cards to one customer: `sell` sells one and answers its ledger entries. */
async function cardSales(testApp: TestApp, customerName: string) {
  const org: OrganizationFixture = await createOrganization(testApp);
  const menu = await createCatalogue(testApp, org);
  const cards: CardProductsFixture = await createCardProducts(testApp, org, menu);
  const customer = await createCustomer(testApp, org, customerName);
  const sell = async () => {
    const result = await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return (result.data!.sellCard as { entries: { id: string }[] }).entries.map((entry) => entry.id);
  };
  return { org, sell };
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
    const { org, sell } = await cardSales(testApp, '王丽');
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
    const { org, sell } = await cardSales(testApp, '李娜');
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

test('a target after the last change restores to the end of the WAL; --latest does so on purpose', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wellness-backup-'));
  directories.push(dataDir);
  let service = await startService(dataDir);
  let testApp: TestApp | undefined;
  try {
    testApp = await createTestApp(undefined, { databaseUrl: service.url });
    const { org, sell } = await cardSales(testApp, '赵敏');
    const written = await sell();
    expect(await cli('backup', dataDir)).toMatchObject({ code: 0 });
    written.push(...(await sell()));
    await testApp.close();
    testApp = undefined;
    await service.stop();
    const entries = async () => {
      service = await startService(dataDir);
      const rows = await query<{ id: string }>(
        service.url,
        'select id from ledger_entry where organization_id = $1',
        [org.organizationId],
      );
      await service.stop();
      return rows.map((row) => row.id).sort();
    };

    // Nothing was committed between the last sale and the target: PostgreSQL would refuse ("recovery
    // ended before configured recovery target was reached"); the restore replays to the end instead.
    const later = await cli('restore', dataDir, ['--to', new Date().toISOString()]);
    expect(later).toMatchObject({ code: 0 });
    expect(later.stdout).toMatch(/nothing in the WAL was committed after \d{4}-\d\d-\d\dT/);
    expect(later.stdout).toMatch(/ledgerCheck .*: 1 accounts, no mismatch/);
    expect(await entries()).toEqual([...written].sort());

    // --latest: the newest base backup and all the WAL, across the timeline the restore began.
    const latest = await cli('restore', dataDir, ['--latest']);
    expect(latest).toMatchObject({ code: 0 });
    expect(latest.stdout).toContain('to the last change the WAL holds');
    expect(latest.stdout).toMatch(/ledgerCheck .*: 1 accounts, no mismatch/);
    expect(await entries()).toEqual([...written].sort());
  } finally {
    await testApp?.close();
    await service.stop();
  }
}, 300_000);
