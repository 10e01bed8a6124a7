import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import {
  claimDataDirectory,
  DataDirectoryInUseError,
  liveOwner,
  releaseDataDirectory,
} from '../../src/server/data-dir-owner';

/**
 * Taking over a DATA_DIR whose owner file is stale (its owner was killed with `kill -9`): however many
 * starts try at once, exactly one becomes the owner and the others are refused. Real files, real
 * processes; the module needs nothing but Node, so the processes run it transpiled on the fly.
 */
const directories: string[] = [];
function dataDirectory(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'wellness-owner-'));
  directories.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/** The owner file an owner killed with `kill -9` leaves: its pid is gone. */
function writeStaleOwner(directory: string): void {
  const { pid } = spawnSync('true');
  writeFileSync(
    path.join(directory, 'postgres-owner.json'),
    JSON.stringify({ pid, command: 'node dist/src/main.js' }),
  );
}

const ownerPid = (directory: string) =>
  (JSON.parse(readFileSync(path.join(directory, 'postgres-owner.json'), 'utf8')) as { pid: number }).pid;

test('concurrent claims of one process on a stale owner file: one owner, the others refused', async () => {
  for (let round = 0; round < 20; round++) {
    const directory = dataDirectory();
    writeStaleOwner(directory);
    const claims = await Promise.allSettled(Array.from({ length: 8 }, () => claimDataDirectory(directory)));
    const refusals = claims.filter((claim) => claim.status === 'rejected');
    expect(claims.length - refusals.length).toBe(1);
    for (const refusal of refusals)
      expect((refusal as PromiseRejectedResult).reason).toBeInstanceOf(DataDirectoryInUseError);
    expect(ownerPid(directory)).toBe(process.pid);
    expect((await liveOwner(directory))?.pid).toBe(process.pid);
    // No lock or half-made file is left behind.
    expect(readdirSync(directory)).toEqual(['postgres-owner.json']);
    releaseDataDirectory(directory);
    expect(readdirSync(directory)).toEqual([]);
  }
});

/** The module as plain JavaScript (it imports only node: modules), for child processes. */
function compiledModule(): string {
  const source = readFileSync(path.resolve(__dirname, '../../src/server/data-dir-owner.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  const file = path.join(dataDirectory(), 'data-dir-owner.js');
  writeFileSync(file, outputText);
  return file;
}

/**
 * A start in its own process: claims at the given instant (so all try at once), prints "owner" or
 * "refused", then stays alive until its stdin closes (a winner that exited would rightly be replaced).
 */
const CLAIMANT = `
const { claimDataDirectory } = require(process.argv[1]);
const at = Number(process.argv[3]);
setTimeout(async () => {
  while (Date.now() < at);
  try {
    await claimDataDirectory(process.argv[2]);
    process.stdout.write('owner\\n');
  } catch (error) {
    process.stdout.write(error.constructor.name === 'DataDirectoryInUseError' ? 'refused\\n' : 'error ' + error.message + '\\n');
  }
}, Math.max(at - Date.now() - 20, 0));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

test('concurrent starts in separate processes on a stale owner file: exactly one owner', async () => {
  const moduleFile = compiledModule();
  for (let round = 0; round < 5; round++) {
    const directory = dataDirectory();
    writeStaleOwner(directory);
    const at = Date.now() + 1_000;
    const children = Array.from({ length: 6 }, () =>
      spawn(process.execPath, ['-e', CLAIMANT, moduleFile, directory, String(at)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const answers = await Promise.all(
      children.map(
        (child) =>
          new Promise<{ pid: number; answer: string }>((resolve) => {
            let output = '';
            child.stdout!.on('data', (chunk: Buffer) => {
              output += chunk.toString();
              if (output.includes('\n')) resolve({ pid: child.pid!, answer: output.trim() });
            });
          }),
      ),
    );
    for (const child of children) child.stdin!.end();
    await Promise.all(children.map((child) => new Promise((resolve) => child.on('exit', resolve))));
    const owners = answers.filter(({ answer }) => answer === 'owner');
    expect(answers.filter(({ answer }) => answer !== 'owner' && answer !== 'refused')).toEqual([]);
    expect(owners).toHaveLength(1);
    expect(ownerPid(directory)).toBe(owners[0].pid);
  }
});

test('a claim lock left by a process killed while it claimed, or an unreadable one, does not block a start', async () => {
  const { pid } = spawnSync('true');
  for (const content of [JSON.stringify({ pid, command: 'node dist/src/main.js', token: 'gone' }), '']) {
    const directory = dataDirectory();
    writeStaleOwner(directory);
    writeFileSync(path.join(directory, 'postgres-owner.lock'), content);
    await claimDataDirectory(directory);
    expect(ownerPid(directory)).toBe(process.pid);
    expect(readdirSync(directory)).toEqual(['postgres-owner.json']);
    releaseDataDirectory(directory);
  }
});
