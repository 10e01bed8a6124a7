import { execFileSync } from 'node:child_process';
import { readFileSync, unlinkSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
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
/** Directories this process claimed: a recorded pid equal to ours is otherwise a reused one. */
const claimedHere = new Set<string>();

/** The owner of the directory when it is a live process (the pid alone could have been reused). */
export async function liveOwner(dataDirectory: string): Promise<DataDirectoryOwner | null> {
  let owner: DataDirectoryOwner;
  try {
    owner = JSON.parse(await readFile(path.join(dataDirectory, OWNER_FILE), 'utf8')) as DataDirectoryOwner;
  } catch {
    return null;
  }
  // Our own pid, not claimed by us: a pid reused after a restart (a container's node is pid 1 each time).
  if (owner.pid === process.pid) return claimedHere.has(dataDirectory) ? owner : null;
  if (!Number.isInteger(owner.pid) || !isAlive(owner.pid)) return null;
  const command = commandLineOf(owner.pid);
  if (owner.command !== undefined && command !== undefined && command !== owner.command) return null;
  return owner;
}

/**
 * Records this process as the owner. `wx` makes two starts that both found no live owner race for
 * one file: the loser is told who won.
 */
export async function claimDataDirectory(dataDirectory: string): Promise<void> {
  const file = path.join(dataDirectory, OWNER_FILE);
  const owner: DataDirectoryOwner = { pid: process.pid, command: commandLineOf(process.pid) };
  if (!(await liveOwner(dataDirectory))) await unlink(file).catch(() => undefined);
  try {
    await writeFile(file, JSON.stringify(owner), { flag: 'wx', mode: 0o600 });
    claimedHere.add(dataDirectory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await liveOwner(dataDirectory);
    throw new DataDirectoryInUseError(dataDirectory, winner?.pid);
  }
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
