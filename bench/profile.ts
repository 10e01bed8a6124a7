import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { User } from '../src/entities';
import { StaffRole } from '../src/entities/staff/staff.enums';
import { ensureDatabase, migrateAndOpen } from '../src/server/database';
import { startEmbeddedPostgres } from '../src/server/embedded-postgres';
import { DemoSeeder } from '../src/seeders/demo.seeder';
import { Role } from '../src/entities/access/access.enums';
import { createBenchApp, execute } from './graphql';
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

/** utime + stime of every PostgreSQL process, in ms (Linux /proc). */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

async function main() {
  const directory = process.env.PROFILE_DIR ?? (await mkdtemp(path.join(os.tmpdir(), 'profile-')));
  const postgres = await startEmbeddedPostgres(directory);
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
  for (let warm = 0; warm < 50; warm++) await execute(app, token, QUERY);
  statements = 0;
  const postgresBefore = postgresCpuMs();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let run = 0; run < N; run++) await execute(app, token, QUERY);
  const used = process.cpuUsage(cpu);
  process.stdout.write(
    `node cpu ms/req ${((used.user + used.system) / 1000 / N).toFixed(2)}, postgres cpu ms/req ${((postgresCpuMs() - postgresBefore) / N).toFixed(2)}, wall ms/req ${((performance.now() - started) / N).toFixed(2)}, statements/req ${(statements / N).toFixed(1)}\n`,
  );
  await apollo.stop();
  await orm.close(true);
  await postgres.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
