import 'reflect-metadata';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { User } from '../src/entities';
import { StaffRole } from '../src/entities/staff/staff.enums';
import { ensureDatabase, migrateAndOpen } from '../src/server/database';
import { startEmbeddedPostgres } from '../src/server/embedded-postgres';
import { DemoSeeder } from '../src/seeders/demo.seeder';
import { Role } from '../src/entities/access/access.enums';
import { BENCH_MASTER_KEY, createBenchApp, execute } from './graphql';
import { CLOCK_TICKS_PER_SECOND, parentPid, postgresCpuTicks } from './load';
import { LIST_PAGE_QUERY } from './pages-queries';

/**
 * One query (default: the list page) run N times in process as MANAGER on the demo data, printing
 * Node CPU, PostgreSQL CPU and SQL statements per request: the quick A/B of two builds, run in turn
 * (this machine's speed drifts between runs; compare medians of several pairs). Run with
 * `node --cpu-prof` for a profile, with NODE_ENV=production (graphql-js checks types more slowly
 * otherwise). `npm run bench:profile`;
 *   PROFILE_DIR (a data dir kept between runs, seeded once), N (200), QUERY, SHOW_SQL=1
 */
const QUERY = process.env.QUERY ?? LIST_PAGE_QUERY;
const N = Number(process.env.N ?? 200);

/**
 * PostgreSQL CPU of this cluster only, in ms: its postmaster and the postmaster's children (other
 * clusters on the machine, e.g. a test run meanwhile, are not counted).
 */
async function postgresCpuMs(orm: MikroORM): Promise<number> {
  const [{ pid }] = await orm.em.getConnection().execute<{ pid: number }[]>('select pg_backend_pid() as pid');
  const postmaster = parentPid(pid);
  if (postmaster === undefined) throw new Error('PostgreSQL is not a process of this machine');
  return (postgresCpuTicks(postmaster) * 1000) / CLOCK_TICKS_PER_SECOND;
}

async function main() {
  // The demo seeder seals health values with the key ring the environment configures (production: MASTER_KEY).
  process.env.MASTER_KEY ??= BENCH_MASTER_KEY;
  const directory = process.env.PROFILE_DIR ?? (await mkdtemp(path.join(os.tmpdir(), 'profile-')));
  const postgres = await startEmbeddedPostgres(directory, undefined, { walArchive: false });
  const url = await ensureDatabase(postgres.url, 'profile');
  const { orm } = await migrateAndOpen(url, 10);
  let statements = 0;
  orm.em
    .getConnection()
    .getKnex()
    .on('query', (query: { sql: string }) => {
      statements++;
      if (process.env.SHOW_SQL) process.stdout.write(`SQL> ${query.sql}\n`);
    });
  if ((await orm.em.fork().count(User, {}, { filters: false })) === 0)
    await new DemoSeeder().run(orm.em.fork());
  const manager = await orm.em.fork().findOneOrFail(User, { role: StaffRole.MANAGER }, { filters: false });
  const app = await createBenchApp(orm, directory);
  const { apollo, tokens } = app;
  const { token } = await tokens.issue({
    userId: manager.id,
    organizationId: manager.organization.id,
    role: Role.MANAGER,
  });
  const first = await execute(app, token, QUERY);
  if (first.errors) throw new Error(JSON.stringify(first.errors.slice(0, 3)));
  if (process.env.PRINT_RESULT) process.stdout.write(`${JSON.stringify(first)}\n`);
  for (let warm = 0; warm < 50; warm++) await execute(app, token, QUERY);
  const postgresBefore = await postgresCpuMs(orm);
  statements = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let run = 0; run < N; run++) await execute(app, token, QUERY);
  const used = process.cpuUsage(cpu);
  const measuredStatements = statements;
  const postgresAfter = await postgresCpuMs(orm);
  process.stdout.write(
    `node cpu ms/req ${((used.user + used.system) / 1000 / N).toFixed(2)}, postgres cpu ms/req ${((postgresAfter - postgresBefore) / N).toFixed(2)}, wall ms/req ${((performance.now() - started) / N).toFixed(2)}, statements/req ${(measuredStatements / N).toFixed(1)}\n`,
  );
  await apollo.stop();
  await orm.close(true);
  await postgres.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
