import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/server/embedded-postgres';

declare global {
  var __testDatabase: { stop(): Promise<void> } | undefined;
}

/** A container runtime answers when a Docker socket or DOCKER_HOST is there and testcontainers can start. */
async function tryTestcontainers(): Promise<{ url: string; stop(): Promise<void> } | null> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return null;
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17-alpine').start();
    return { url: container.getConnectionUri(), stop: async () => void (await container.stop()) };
  } catch (error) {
    console.warn(
      `testcontainers unavailable (${(error as Error).message.split('\n')[0]}); using embedded PostgreSQL`,
    );
    return null;
  }
}

/**
 * One PostgreSQL server for the whole run: TEST_DATABASE_URL if given, else a container when a
 * container runtime answers, else the embedded PostgreSQL. Each test file creates its own database.
 */
export default async function globalSetup(): Promise<void> {
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const container = await tryTestcontainers();
    if (container) {
      url = container.url;
      globalThis.__testDatabase = container;
    } else {
      // The cluster is this run's alone: stopping it removes its directory too (each run left
      // 0.7–1 GB in the temporary directory; a few hundred runs filled the disk).
      const embedded: RunningPostgres = await startEmbeddedPostgres(
        await mkdtemp(path.join(tmpdir(), 'wellness-test-pg-')),
        () => undefined,
        { removeOnStop: true },
      );
      url = embedded.url;
      globalThis.__testDatabase = embedded;
      // PostgreSQL runs in a session of its own (src/server/embedded-postgres.ts), out of reach of a
      // Ctrl-C of jest: stop it, then end of the signal as jest would have.
      for (const signal of ['SIGINT', 'SIGTERM'] as const)
        process.once(signal, () => void embedded.stop().finally(() => process.kill(process.pid, signal)));
    }
  }
  process.env.WELLNESS_TEST_SERVER_URL = url;
}
