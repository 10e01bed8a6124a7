import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../support/build';

/**
 * The set-up contract, end to end: `npm start` (node dist/src/main.js) on an empty DATA_DIR starts
 * embedded PostgreSQL, migrates, seeds, serves; SIGTERM leaves no PostgreSQL behind; a second start
 * reuses the data without seeding again.
 */
const root = path.resolve(__dirname, '../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'wellness-start-'));

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function postgresRunningFor(directory: string): boolean {
  try {
    return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .some((line) => line.includes(path.join(directory, 'postgres')));
  } catch {
    return false;
  }
}

async function start(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  let output = '';
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
    },
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const match = /"port":(\d+),"msg":"listening"/.exec(output);
    if (match) return { child, port: Number(match[1]), output: () => output };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`service did not start:\n${output}`);
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

async function customerCount(port: number): Promise<number> {
  const login = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `mutation { login(email: "manager@demo.yuexin.cn", password: "demo-password-2026") { token } }`,
    }),
  });
  const token = ((await login.json()) as any).data.login.token;
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ customers { totalCount } }' }),
  });
  return ((await response.json()) as any).data.customers.totalCount;
}

test('start seeds, serves the playground, stops cleanly, and a second start reuses the data', async () => {
  const first = await start();
  expect(first.output()).toContain('Playground');
  expect(first.output()).toContain('"msg":"job runner started"');
  expect((await fetch(`http://127.0.0.1:${first.port}/readyz`)).status).toBe(200);
  const page = await fetch(`http://127.0.0.1:${first.port}/graphql`, { headers: { accept: 'text/html' } });
  expect(await page.text()).toContain('/playground/graphiql.min.js');
  expect(await customerCount(first.port)).toBe(50);
  // The embedded cluster is backed up by the service itself (BACKUP_SCHEDULE): the job is worked and
  // a new DATA_DIR's first base backup is queued; /metrics says there is none yet.
  expect(first.output()).toMatch(/"jobs":\[[^\]]*"base-backup"[^\]]*\],"msg":"job runner started"/);
  expect(first.output()).toContain('"msg":"no base backup yet: the first one is queued"');
  const metrics = await (await fetch(`http://127.0.0.1:${first.port}/metrics`)).text();
  expect(metrics).toMatch(/^backup_last_finished_timestamp_seconds 0$/m);
  expect(await stop(first.child)).toBe(0);
  expect(postgresRunningFor(dataDir)).toBe(false);

  const second = await start();
  expect(second.output()).not.toContain('seeded Chinese demo data');
  expect(await customerCount(second.port)).toBe(50);

  // The README's `npm run token` works next to the running service (it uses the service's PostgreSQL).
  const token = execFileSync(process.execPath, ['dist/src/cli/token.js', '--role', 'FRONT_DESK'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'development' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
  const viewer = await fetch(`http://127.0.0.1:${second.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { role } }' }),
  });
  expect(await viewer.json()).toEqual({ data: { viewer: { role: 'FRONT_DESK' } } });

  // A second service on the same DATA_DIR refuses with a message that says why and what to do.
  const clash = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: root,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'development' },
  });
  let clashOutput = '';
  clash.stderr!.on('data', (chunk) => (clashOutput += chunk));
  clash.stdout!.on('data', (chunk) => (clashOutput += chunk));
  const clashCode = await new Promise((resolve) => clash.once('exit', resolve));
  expect(clashCode).toBe(1);
  expect(clashOutput).toContain('already running');
  expect(clashOutput).toContain('another DATA_DIR');
  expect(await customerCount(second.port)).toBe(50);

  // A port that is taken fails the start with a message, and leaves no PostgreSQL of its own behind.
  const otherDir = mkdtempSync(path.join(tmpdir(), 'wellness-port-'));
  try {
    const taken = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(second.port),
        HOST: '127.0.0.1',
        DATA_DIR: otherDir,
        DATABASE_URL: '',
        NODE_ENV: 'development',
        RUN_JOBS: 'false',
      },
    });
    let takenOutput = '';
    taken.stderr!.on('data', (chunk) => (takenOutput += chunk));
    taken.stdout!.on('data', (chunk) => (takenOutput += chunk));
    expect(await new Promise((resolve) => taken.once('exit', resolve))).toBe(1);
    expect(takenOutput).toContain('Failed to start');
    expect(takenOutput).toContain('EADDRINUSE');
    expect(postgresRunningFor(otherDir)).toBe(false);
  } finally {
    rmSync(otherDir, { recursive: true, force: true });
  }

  // `npm run worker` runs the jobs next to the service, on its PostgreSQL, and stops cleanly.
  const worker = spawn(process.execPath, ['dist/src/worker.js'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'development', LOG_LEVEL: 'info' },
  });
  let workerOutput = '';
  worker.stdout!.on('data', (chunk) => (workerOutput += chunk));
  worker.stderr!.on('data', (chunk) => (workerOutput += chunk));
  const workerDeadline = Date.now() + 60_000;
  while (
    !workerOutput.includes('job runner started') &&
    worker.exitCode === null &&
    Date.now() < workerDeadline
  )
    await new Promise((resolve) => setTimeout(resolve, 200));
  expect(workerOutput).toContain('"msg":"job runner started"');
  expect(await stop(worker)).toBe(0);
  expect(await stop(second.child)).toBe(0);
  expect(postgresRunningFor(dataDir)).toBe(false);
  expect(readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8').length).toBeGreaterThan(32);
}, 180_000);
