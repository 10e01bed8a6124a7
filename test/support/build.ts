import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../..');
const lock = path.join(root, 'dist', '.test-build-lock');
const stamp = path.join(root, 'dist', '.test-build-stamp');

/**
 * `npm run build` for the tests that start the built server (dist/), once: test files run in
 * parallel workers, and a second tsc rewriting dist/ while another file's server loads it would
 * hand that server half-written modules. A lock directory serializes the builds, and a stamp newer
 * than every source file lets the second worker skip its own.
 */
export async function ensureBuilt(): Promise<void> {
  mkdirSync(path.dirname(lock), { recursive: true });
  await acquireLock();
  try {
    if (builtAt() > newestSource()) return;
    await promisify(execFile)(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: root },
    ).catch((error: { code?: number; stdout?: string }) => {
      // 2: type errors, files emitted all the same. `npm test` typechecks before jest runs; these
      // tests are about processes, and type errors are reported there.
      if (error.code !== 2) throw new Error(`npm run build failed:\n${error.stdout ?? String(error)}`);
    });
    writeFileSync(stamp, new Date().toISOString());
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function acquireLock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A worker that died while building leaves its lock: no build takes three minutes.
      if (Date.now() - modifiedAt(lock) > 180_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function builtAt(): number {
  return modifiedAt(stamp);
}

function newestSource(): number {
  const sources = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).map((file) =>
    path.join(root, 'src', file),
  );
  return Math.max(...[...sources, path.join(root, 'tsconfig.build.json')].map(modifiedAt));
}

function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
