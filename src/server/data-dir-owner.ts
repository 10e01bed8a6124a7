import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Which process started the embedded PostgreSQL of a DATA_DIR: `<DATA_DIR>/postgres-owner.json`
 * holds its pid and command line. PostgreSQL runs detached from that process (so Ctrl-C reaches the
 * service first, which drains and then stops PostgreSQL), which means a killed owner leaves it
 * running: the next start tells "a live instance" from "left behind" by this file.
 */
export interface DataDirectoryOwner {
  pid: number;
  /** The owner's command line as the OS reported it when it claimed the directory. */
  command?: string;
}

const OWNER_FILE = 'postgres-owner.json';
/** Held only while a start decides and writes the owner file (milliseconds). */
const LOCK_FILE = 'postgres-owner.lock';
const LOCK_WAIT_MS = 10_000;
/** Directories this process claimed: a recorded pid equal to ours is otherwise a reused one. */
const claimedHere = new Set<string>();
/** Tokens of the claim locks this process holds or is taking (same reason). */
const heldLocks = new Set<string>();

/** The owner of the directory when it is a live process (the pid alone could have been reused). */
export async function liveOwner(dataDirectory: string): Promise<DataDirectoryOwner | null> {
  const owner = await readOwner(path.join(dataDirectory, OWNER_FILE));
  return owner && isLive(owner, claimedHere.has(dataDirectory)) ? owner : null;
}

/**
 * Records this process as the owner. Two starts that both find a stale file (an owner killed with
 * `kill -9`) must not both take over: removing a stale file and writing ours happen under a lock file,
 * so the second start finds the first's file and is refused. The owner file is linked in whole, so no
 * reader (`liveOwner` of a CLI) ever sees it empty and takes it for stale.
 */
export async function claimDataDirectory(dataDirectory: string): Promise<void> {
  const file = path.join(dataDirectory, OWNER_FILE);
  const owner: DataDirectoryOwner = { pid: process.pid, command: commandLineOf(process.pid) };
  await underClaimLock(dataDirectory, owner, async () => {
    const winner = await liveOwner(dataDirectory);
    if (winner) throw new DataDirectoryInUseError(dataDirectory, winner.pid);
    await unlink(file).catch(ignoreMissing);
    // Only a claimant outside the lock (an older version of this code) can have written it meanwhile.
    if (!(await createWhole(file, owner))) throw new DataDirectoryInUseError(dataDirectory, undefined);
    claimedHere.add(dataDirectory);
  });
}

async function underClaimLock(
  dataDirectory: string,
  owner: DataDirectoryOwner,
  decide: () => Promise<void>,
): Promise<void> {
  const lock = path.join(dataDirectory, LOCK_FILE);
  // The token tells this claim's lock from an abandoned one of an earlier process with our pid, and from
  // another claim of this process (tests claim concurrently in one process).
  const holder = { ...owner, token: randomUUID() };
  const deadline = Date.now() + LOCK_WAIT_MS;
  heldLocks.add(holder.token);
  try {
    while (!(await createWhole(lock, holder))) {
      await removeIfAbandoned(lock);
      if (Date.now() > deadline)
        throw new Error(`${lock} has been held for ${LOCK_WAIT_MS / 1000} s: is another instance starting?`);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
    try {
      await decide();
    } finally {
      await unlink(lock).catch(ignoreMissing);
    }
  } finally {
    heldLocks.delete(holder.token);
  }
}

/**
 * A lock whose holder died (killed while it decided) would block every start: it is moved aside and,
 * if what was moved is not the file judged abandoned (a new holder took the lock in between), put back.
 */
async function removeIfAbandoned(lock: string): Promise<void> {
  const judged = await readOwnerWithInode(lock);
  if (!judged || isLive(judged.owner, heldLocks.has(judged.owner.token ?? ''))) return;
  const aside = `${lock}.abandoned.${process.pid}.${randomUUID()}`;
  try {
    await rename(lock, aside);
  } catch (error) {
    ignoreMissing(error);
    return;
  }
  if ((await stat(aside)).ino !== judged.inode) await link(aside, lock).catch(() => undefined);
  await unlink(aside).catch(ignoreMissing);
}

/**
 * Creates `file` with `owner` as its whole content, or answers false when it already exists. Written
 * to a file of our own and hard-linked in: `link` fails when the name exists, like `wx`, but a `wx`
 * open makes the file visible empty until it is written.
 */
async function createWhole(file: string, owner: LockHolder): Promise<boolean> {
  const draft = `${file}.${process.pid}.${randomUUID()}`;
  await writeFile(draft, JSON.stringify(owner), { flag: 'wx', mode: 0o600 });
  try {
    await link(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(draft).catch(ignoreMissing);
  }
}

/** What the lock file holds: the claiming process and its claim. */
interface LockHolder extends DataDirectoryOwner {
  token?: string;
}

async function readOwner(file: string): Promise<DataDirectoryOwner | null> {
  return (await readOwnerWithInode(file))?.owner ?? null;
}

/** The content and the inode of one and the same file (read through one open descriptor). */
async function readOwnerWithInode(file: string): Promise<{ owner: LockHolder; inode: number } | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return null;
  }
  try {
    const { ino } = await handle.stat();
    const owner = parseOwner(await handle.readFile('utf8'));
    return { owner, inode: ino };
  } finally {
    await handle.close();
  }
}

/** Not an owner record (not JSON, no pid): nobody's, so a start may replace it. */
function parseOwner(text: string): LockHolder {
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder> | null;
    if (typeof parsed?.pid === 'number') return parsed as LockHolder;
  } catch {
    // falls through
  }
  return { pid: 0 };
}

/** `ours`: the record names this process because this process wrote it (not a reused pid). */
function isLive(owner: DataDirectoryOwner, ours: boolean): boolean {
  // Our own pid, not written by us: a pid reused after a restart (a container's node is pid 1 each time).
  if (owner.pid === process.pid) return ours;
  if (!Number.isInteger(owner.pid) || owner.pid <= 0 || !isAlive(owner.pid)) return false;
  const command = commandLineOf(owner.pid);
  return owner.command === undefined || command === undefined || command === owner.command;
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

/** Synchronous, so that it also runs in a process `exit` handler. */
export function releaseDataDirectory(dataDirectory: string): void {
  const file = path.join(dataDirectory, OWNER_FILE);
  claimedHere.delete(dataDirectory);
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as DataDirectoryOwner;
    if (owner.pid === process.pid) unlinkSync(file);
  } catch {
    // Already gone, or never ours.
  }
}

/** A live instance owns the DATA_DIR: an expected refusal, reported without a stack. */
export class DataDirectoryInUseError extends Error {
  constructor(dataDirectory: string, pid: number | undefined, port?: number) {
    super(
      `The embedded PostgreSQL of ${dataDirectory} is already running for another instance` +
        `${pid ? ` (pid ${pid}${port ? `, PostgreSQL port ${port}` : ''})` : ''}: another instance uses ` +
        `this DATA_DIR. Stop it, or start with another DATA_DIR.`,
    );
  }
}

/**
 * `process.kill(pid, 0)` sends nothing: it only asks whether the process exists. A zombie (exited,
 * not yet reaped by its parent, which for a detached PostgreSQL is init) exists but is dead.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user (the `postgres` user when we run as root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat: "pid (command) state …"; the command may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill's answer stands
  }
}

/** A process's command line from /proc (Linux) or `ps` (macOS); undefined when neither tells. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    try {
      return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      return undefined;
    }
  }
}
