import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DRAFT_START, listBaseBackups, type BaseBackup, type DraftStart } from '../../src/server/backup.base';
import { applyRetention } from '../../src/server/backup.retention';
import { chooseBaseBackup, parseRecoveryTarget } from '../../src/server/backup.restore';
import { loadConfig } from '../../src/server/config';

/** Retention, the choice of base backup and the --to argument, on files alone (no PostgreSQL). */
const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function dataDirectory(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'wellness-backup-retention-'));
  directories.push(directory);
  return directory;
}

/** A finished base backup as npm run backup leaves it: data/ and backup.json. */
function fakeBackup(directory: string, finishedAt: string, startWalFile: string): void {
  const id = finishedAt.replace(/[-:.]/g, '');
  const backup = path.join(directory, 'backups', 'base', id);
  mkdirSync(path.join(backup, 'data'), { recursive: true });
  const manifest: BaseBackup = {
    id,
    dataDirectory: 'data',
    startedAt: finishedAt,
    finishedAt,
    startWalFile,
    startLsn: '0/0',
    stopLsn: '0/0',
    bytes: 0,
  };
  writeFileSync(path.join(backup, 'backup.json'), JSON.stringify(manifest));
}

function fakeWal(directory: string, names: string[]): void {
  const wal = path.join(directory, 'backups', 'wal');
  mkdirSync(wal, { recursive: true });
  for (const name of names) writeFileSync(path.join(wal, name), '');
}

const WAL = [
  '000000010000000000000001',
  '000000010000000000000002',
  '000000010000000000000002.00000028.backup',
  '000000010000000000000003',
  '000000010000000000000004',
  '00000002.history',
  '000000020000000000000005',
];

test('BACKUP_RETENTION=2 keeps the two newest base backups and the WAL from the older one on', async () => {
  const directory = dataDirectory();
  fakeBackup(directory, '2026-11-01T00:00:00.000Z', '000000010000000000000002');
  fakeBackup(directory, '2026-11-02T00:00:00.000Z', '000000010000000000000003');
  fakeBackup(directory, '2026-11-03T00:00:00.000Z', '000000010000000000000004');
  fakeWal(directory, WAL);
  const retention = loadConfig({ BACKUP_RETENTION: '2' }).backupRetention!;
  expect(retention).toEqual({ backups: 2 });

  const result = await applyRetention(directory, retention);

  expect(result.removedBackups).toEqual(['20261101T000000000Z']);
  expect((await listBaseBackups(directory)).map((backup) => backup.id)).toEqual([
    '20261102T000000000Z',
    '20261103T000000000Z',
  ]);
  // Segments (and backup history files) before the oldest kept backup's start are gone; timeline
  // histories stay.
  expect(readdirSync(path.join(directory, 'backups', 'wal')).sort()).toEqual([
    '000000010000000000000003',
    '000000010000000000000004',
    '00000002.history',
    '000000020000000000000005',
  ]);
  expect(result.removedWalFiles).toBe(3);
});

test('BACKUP_RETENTION=14d keeps the backups of the last 14 days, and always the newest', async () => {
  const directory = dataDirectory();
  fakeBackup(directory, '2026-10-01T00:00:00.000Z', '000000010000000000000002');
  fakeBackup(directory, '2026-11-20T00:00:00.000Z', '000000010000000000000003');
  fakeBackup(directory, '2026-11-28T00:00:00.000Z', '000000010000000000000004');
  fakeWal(directory, WAL);
  const retention = loadConfig({ BACKUP_RETENTION: '14d' }).backupRetention!;
  expect(retention).toEqual({ days: 14 });

  await applyRetention(directory, retention, new Date('2026-12-01T00:00:00Z'));
  expect((await listBaseBackups(directory)).map((backup) => backup.finishedAt)).toEqual([
    '2026-11-20T00:00:00.000Z',
    '2026-11-28T00:00:00.000Z',
  ]);

  // A month later nothing is that young: the newest backup is kept all the same.
  await applyRetention(directory, retention, new Date('2027-01-01T00:00:00Z'));
  expect((await listBaseBackups(directory)).map((backup) => backup.finishedAt)).toEqual([
    '2026-11-28T00:00:00.000Z',
  ]);
  expect(existsSync(path.join(directory, 'backups', 'wal', '000000010000000000000003'))).toBe(false);
  expect(existsSync(path.join(directory, 'backups', 'wal', '000000010000000000000004'))).toBe(true);
});

test('the retention removes unfinished backups a crash left, keeps those being taken and their WAL', async () => {
  const directory = dataDirectory();
  fakeBackup(directory, '2026-11-30T00:00:00.000Z', '000000010000000000000003');
  const base = path.join(directory, 'backups', 'base');
  const abandoned = path.join(base, '20261129T000000000Z.ab12cd.partial');
  const running = path.join(base, '20261201T000000000Z.ef34ab.partial');
  mkdirSync(path.join(abandoned, 'data'), { recursive: true });
  mkdirSync(path.join(running, 'data'), { recursive: true });
  const now = new Date();
  const twoDaysAgo = new Date(now.getTime() - 2 * 86_400_000);
  utimesSync(abandoned, twoDaysAgo, twoDaysAgo);
  // Drafts that say who takes them: one of a process that is gone, one of a live one (this process).
  const crashed = path.join(base, '20261130T120000000Z.cd56ef.partial');
  const taking = path.join(base, '20261130T130000000Z.ab78cd.partial');
  for (const [draft, pid] of [
    [crashed, 2 ** 22 + 17],
    [taking, process.pid],
  ] as const) {
    mkdirSync(path.join(draft, 'data'), { recursive: true });
    const start: DraftStart = { pid, startWalFile: '000000010000000000000002', startedAt: now.toISOString() };
    writeFileSync(path.join(draft, DRAFT_START), JSON.stringify(start));
  }
  fakeWal(directory, WAL);

  const result = await applyRetention(directory, { backups: 7 }, now);

  expect(result.removedDrafts).toBe(2);
  expect(existsSync(abandoned)).toBe(false);
  expect(existsSync(crashed)).toBe(false);
  expect(existsSync(running)).toBe(true);
  expect(existsSync(taking)).toBe(true);
  // The backup being taken started in segment 2, before the kept one (3): its WAL stays.
  expect(result.removedWalFiles).toBe(1);
  expect(existsSync(path.join(directory, 'backups', 'wal', '000000010000000000000002'))).toBe(true);
  expect((await listBaseBackups(directory)).map((backup) => backup.id)).toEqual(['20261130T000000000Z']);
});

test('BACKUP_SCHEDULE is a cron of five fields in UTC or off; 03:17 in China by default', () => {
  expect(loadConfig({}).backupSchedule).toBe('17 19 * * *');
  expect(loadConfig({ BACKUP_SCHEDULE: ' 0  4 * * 1 ' }).backupSchedule).toBe('0 4 * * 1');
  expect(loadConfig({ BACKUP_SCHEDULE: 'off' }).backupSchedule).toBeNull();
  for (const wrong of ['61 * * * *', '* * * *', '0 0 3 * * *', 'nightly'])
    expect(() => loadConfig({ BACKUP_SCHEDULE: wrong })).toThrow(/BACKUP_SCHEDULE: .*five fields/);
});

test('BACKUP_RETENTION defaults to 7 base backups and refuses 0 or words', () => {
  expect(loadConfig({}).backupRetention).toEqual({ backups: 7 });
  expect(() => loadConfig({ BACKUP_RETENTION: '0' })).toThrow(/BACKUP_RETENTION/);
  expect(() => loadConfig({ BACKUP_RETENTION: 'weekly' })).toThrow(/BACKUP_RETENTION/);
});

test('a restore starts from the newest base backup that finished before the target', async () => {
  const directory = dataDirectory();
  fakeBackup(directory, '2026-11-01T00:00:00.000Z', '000000010000000000000002');
  fakeBackup(directory, '2026-11-02T00:00:00.000Z', '000000010000000000000003');
  // Unfinished (no backup.json): never chosen.
  mkdirSync(path.join(directory, 'backups', 'base', '20261103T000000000Z.ab12cd.partial', 'data'), {
    recursive: true,
  });
  const backups = await listBaseBackups(directory);
  expect(chooseBaseBackup(backups, new Date('2026-11-02T12:00:00Z'))?.id).toBe('20261102T000000000Z');
  expect(chooseBaseBackup(backups, new Date('2026-11-05T00:00:00Z'))?.id).toBe('20261102T000000000Z');
  expect(chooseBaseBackup(backups, new Date('2026-11-01T12:00:00Z'))?.id).toBe('20261101T000000000Z');
  expect(chooseBaseBackup(backups, new Date('2026-10-31T00:00:00Z'))).toBeUndefined();
});

test('--to takes an ISO time with its offset, as typed or as PostgreSQL prints now()', () => {
  expect(parseRecoveryTarget('2026-12-01T18:30:00+08:00').at.toISOString()).toBe('2026-12-01T10:30:00.000Z');
  expect(parseRecoveryTarget('2026-12-01 18:50:01.123456+00').at.toISOString()).toBe(
    '2026-12-01T18:50:01.123Z',
  );
  // PostgreSQL gets the text with microseconds kept and a numeric offset (it refuses `Z` at start).
  expect(parseRecoveryTarget('2026-12-01 18:50:01.123456+00').text).toBe('2026-12-01 18:50:01.123456+00:00');
  expect(parseRecoveryTarget('2026-12-01T10:30:00.5Z').text).toBe('2026-12-01 10:30:00.5+00:00');
  expect(parseRecoveryTarget('2026-12-01T18:30+0800').text).toBe('2026-12-01 18:30+08:00');
  expect(parseRecoveryTarget('2026-12-01T18:50+0530').at.toISOString()).toBe('2026-12-01T13:20:00.000Z');
  // Without an offset PostgreSQL and this process could read different times.
  expect(() => parseRecoveryTarget('2026-12-01T18:30:00')).toThrow(/offset/);
  expect(() => parseRecoveryTarget('yesterday')).toThrow(/offset/);
  expect(() => parseRecoveryTarget(undefined)).toThrow(/offset/);
});
