import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../support/build';

/**
 * Process life of `npm start`, with real processes: a stop signal to npm (or Ctrl-C, which signals
 * the terminal's whole process group) stops node and its embedded PostgreSQL without an error line;
 * a start after `kill -9` of node takes over the PostgreSQL it left running; a second live instance
 * on the same DATA_DIR is refused while the first keeps serving.
 */
const root = path.resolve(__dirname, '../..');
const started: ChildProcess[] = [];
/** A fresh DATA_DIR per test, so that one test's leftovers cannot fail the next. */
let dataDir: string;
const postmasterPidFile = () => path.join(dataDir, 'postgres', 'postmaster.pid');

beforeAll(() => ensureBuilt(), 120_000);
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'wellness-life-'));
});

// Nothing stays running, even after a failure: a process group outlives its leader (npm), and
// PostgreSQL runs in a session of its own.
afterEach(async () => {
  for (const npm of started.splice(0)) killGroup(npm);
  const postmaster = postmasterPid();
  if (postmaster && alive(postmaster)) {
    process.kill(postmaster, 'SIGINT');
    await until(() => !alive(postmaster), 20_000);
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

interface Instance {
  npm: ChildProcess;
  nodePid: number;
  port: number;
  output: () => string;
  /** npm's exit code; 'running' when it has not exited within the wait (main.ts gives up after 20 s). */
  exited: (timeoutMs?: number) => Promise<number | null | 'running'>;
}

/**
 * `npm start` as a terminal would run it: npm leads its own process group. `--ignore-scripts` skips
 * only the `prestart` build, done once in beforeAll.
 */
function spawnNpmStart(): Pick<Instance, 'npm' | 'output' | 'exited'> {
  let output = '';
  const npm = spawn('npm', ['start', '--ignore-scripts'], {
    cwd: root,
    detached: true,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
      SEED_DEMO_DATA: 'false',
    },
  });
  started.push(npm);
  npm.stdout!.on('data', (chunk) => (output += chunk));
  npm.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const exited = async (timeoutMs = 25_000) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'running'>(
      (resolve) => (timer = setTimeout(() => resolve('running'), timeoutMs)),
    );
    return Promise.race([exit, timeout]).finally(() => clearTimeout(timer));
  };
  return { npm, output: () => output, exited };
}

async function start(): Promise<Instance> {
  const { npm, output, exited } = spawnNpmStart();
  await until(() => /"msg":"listening"/.test(output()) || npm.exitCode !== null, 40_000);
  const match = /"port":(\d+),"msg":"listening"/.exec(output());
  if (!match) throw new Error(`npm start did not come up:\n${output()}`);
  const port = Number(match[1]);
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  const nodePid = descendantsOf(npm.pid!).find((process) => process.args.includes('dist/src/main.js'))!.pid;
  return { npm, nodePid, port, output, exited };
}

function descendantsOf(pid: number): { pid: number; args: string }[] {
  const processes = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] }));
  const found: { pid: number; args: string }[] = [];
  const parents = [pid];
  while (parents.length > 0) {
    const parent = parents.pop();
    for (const child of processes.filter((candidate) => candidate.ppid === parent)) {
      found.push(child);
      parents.push(child.pid);
    }
  }
  return found;
}

function postmasterPid(): number | undefined {
  if (!existsSync(postmasterPidFile())) return undefined;
  return Number(readFileSync(postmasterPidFile(), 'utf8').split('\n')[0]);
}

/** A zombie (exited, not yet reaped by init: PostgreSQL runs detached) counts as gone. */
function alive(pid: number): boolean {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).startsWith('Z');
  } catch {
    return false; // ps exits 1 when there is no such process
  }
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

async function portClosed(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`).then(
    () => false,
    () => true,
  );
}

/** pino's JSON lines at level error (50) or above. */
function errorLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
}

test.each([
  ['SIGTERM to the npm process', (instance: Instance) => process.kill(instance.npm.pid!, 'SIGTERM')],
  ['SIGINT to the npm process', (instance: Instance) => process.kill(instance.npm.pid!, 'SIGINT')],
  // Ctrl-C: the terminal signals every process of its foreground group, not just npm.
  [
    'Ctrl-C (SIGINT to the process group)',
    (instance: Instance) => process.kill(-instance.npm.pid!, 'SIGINT'),
  ],
])(
  '%s stops node and PostgreSQL cleanly',
  async (_name, signal) => {
    const instance = await start();
    const postmaster = postmasterPid()!;
    expect(alive(postmaster)).toBe(true);

    signal(instance);
    const npmExit = await instance.exited();
    await until(() => !alive(instance.nodePid) && !alive(postmaster), 10_000);
    // One object, so that a failure shows every fact, and the output, at once.
    expect({
      npmExit,
      nodeRunning: alive(instance.nodePid),
      postgresRunning: alive(postmaster),
      postmasterPidFile: existsSync(postmasterPidFile()),
      portOpen: !(await portClosed(instance.port)),
      errorLines: errorLines(instance.output()),
      stoppedCleanly: instance.output().includes('"msg":"stopped cleanly"') || instance.output(),
    }).toEqual({
      npmExit: 0,
      nodeRunning: false,
      postgresRunning: false,
      postmasterPidFile: false,
      portOpen: false,
      errorLines: [],
      stoppedCleanly: true,
    });
  },
  60_000,
);

test('a start after kill -9 of node takes over the PostgreSQL it left; a second live instance is refused', async () => {
  const killed = await start();
  const leftover = postmasterPid()!;
  process.kill(killed.nodePid, 'SIGKILL');
  expect(await killed.exited()).not.toBe('running');
  expect(alive(leftover)).toBe(true); // PostgreSQL runs on without its owner

  const next = await start();
  expect((await fetch(`http://127.0.0.1:${next.port}/readyz`)).status).toBe(200);
  expect(await until(() => !alive(leftover), 10_000)).toBe(true);

  const second = spawnNpmStart();
  expect(await second.exited(40_000)).toBe(1);
  expect(second.output()).toContain('another instance uses this DATA_DIR');
  expect(second.output()).toContain('Stop it, or start with another DATA_DIR');
  expect((await fetch(`http://127.0.0.1:${next.port}/readyz`)).status).toBe(200);

  process.kill(next.npm.pid!, 'SIGTERM');
  expect(await next.exited()).toBe(0);
  expect(errorLines(next.output())).toEqual([]);
}, 90_000);

test('an owner file whose pid now belongs to another program does not block a start', async () => {
  // As after a reboot: the recorded pid is alive, but it is this jest worker, not a service.
  writeFileSync(
    path.join(dataDir, 'postgres-owner.json'),
    JSON.stringify({ pid: process.pid, command: 'node dist/src/main.js' }),
  );
  const instance = await start();
  expect((await fetch(`http://127.0.0.1:${instance.port}/readyz`)).status).toBe(200);
  process.kill(instance.npm.pid!, 'SIGTERM');
  expect(await instance.exited()).toBe(0);
}, 60_000);
