import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { Organization, Store, User } from '../src/entities';
import { Role } from '../src/entities/access/access.enums';
import { StaffRole } from '../src/entities/staff/staff.enums';
import { projectRoot } from '../src/mikro-orm.config';
import { ensureDatabase, migrateAndOpen } from '../src/server/database';
import { startEmbeddedPostgres } from '../src/server/embedded-postgres';
import { runCareSchedule } from '../src/services/care/care-schedule.service';
import { recomputeRuleTags } from '../src/services/segments/tag-rules';
import { forOrganization } from '../src/services/tenancy';
import { loadCustomers } from './dataset';
import { createBenchApp, execute } from './graphql';
import { cleanupsOnExit } from './harness';

/**
 * The care schedule, rule tags and segment members at realistic scale (`npm run bench:care`).
 *   BENCH_CUSTOMERS (default 100000), BENCH_ITERATIONS (default 20), BENCH_OUTPUT (docs/benchmarks.md; "-": none)
 */
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20);
const OUTPUT = process.env.BENCH_OUTPUT ?? path.join(projectRoot, 'docs', 'benchmarks.md');
const log = (message: string) => process.stderr.write(`[care bench] ${message}\n`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

async function main() {
  // Undone in reverse, also when a step fails or on SIGINT: the pools and the client close before the
  // cluster stops. Stopping it under an open pool ended every connection with 57P01 ("terminating
  // connection due to administrator command"), which crashed the run and hid the error that stopped it.
  const cleanups = cleanupsOnExit(log);
  const directory = await mkdtemp(path.join(os.tmpdir(), 'care-bench-'));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  const postgres = await startEmbeddedPostgres(directory, undefined, { removeOnStop: true });
  cleanups.push(() => postgres.stop());
  try {
    const url = await ensureDatabase(postgres.url, 'care_bench');
    const { orm } = await migrateAndOpen(url, 10);
    cleanups.push(() => orm.close(true));
    const em = orm.em.fork();
    const organization = em.create(Organization, {
      name: '悦心养生馆',
      careHolidays: [{ date: new Date(Date.now() + DAY).toISOString().slice(0, 10), name: '冬至' }],
    });
    const store = em.create(Store, { organization, name: '总店', code: 'HQ' });
    const user = (role: StaffRole) =>
      em.create(User, {
        organization,
        role,
        email: `${role.toLowerCase()}-${randomBytes(4).toString('hex')}@bench.cn`,
        displayName: role,
        passwordHash: 'not-a-login',
      });
    const manager = user(StaffRole.MANAGER);
    const consultant = user(StaffRole.CONSULTANT);
    const marketing = user(StaffRole.MARKETING);
    user(StaffRole.THERAPIST);
    manager.stores.add(store);
    await em.flush();

    const client = new Client({ connectionString: url });
    await client.connect();
    cleanups.push(() => client.end());
    const loadStarted = performance.now();
    await loadCustomers([client], {
      organizationId: organization.id,
      storeId: store.id,
      count: CUSTOMERS,
      seed: 20_261_129,
      phoneOffset: 12_345_678,
    });
    // Care data: home store, a consultant for half, consent for 60 % (WeChat) and 30 % (SMS), 勿扰 for
    // 3 %, health consent for all, and a visit 24–30 h ago for 2 % (they get a 回访).
    await client.query(
      `update customer set home_store_id = $2, health_consent_given_at = created_at,
         health_consent_source = '知情同意书', do_not_contact = random() < 0.03,
         assigned_consultant_id = case when random() < 0.5 then $3::uuid end
       where organization_id = $1`,
      [organization.id, store.id, consultant.id],
    );
    await client.query(
      `insert into contact_consent (id, organization_id, customer_id, channel, granted, source, recorded_at)
       select gen_random_uuid(), organization_id, id, 'WECHAT', true, '小程序', now() from customer
       where organization_id = $1 and random() < 0.6`,
      [organization.id],
    );
    await client.query(
      `insert into contact_consent (id, organization_id, customer_id, channel, granted, source, recorded_at)
       select gen_random_uuid(), organization_id, id, 'SMS', true, '到店签字', now() from customer
       where organization_id = $1 and random() < 0.3`,
      [organization.id],
    );
    const visits = await client.query(
      `insert into visit (id, organization_id, store_id, customer_id, visited_at, version)
       select gen_random_uuid(), organization_id, $2, id, now() - interval '24 hours' - random() * interval '6 hours', 1
       from customer where organization_id = $1 and archived_at is null and random() < 0.02`,
      [organization.id, store.id],
    );
    for (const table of ['customer', 'contact_consent', 'visit', 'health_profile'])
      await client.query(`vacuum (analyze) ${table}`);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    log(`loaded ${CUSTOMERS} customers and ${visits.rowCount} recent visits in ${loadSeconds.toFixed(0)} s`);

    // Before the rule tags: the app adopts its master key at start, and the rule tags make the
    // organization's data keys (for blind indexes) under the master key adopted then.
    const app = await createBenchApp(orm, directory);
    cleanups.push(() => app.apollo.stop());

    const first = await timed(() => runCareSchedule(orm.em.fork(), { organizationId: organization.id }));
    const again = await timed(() => runCareSchedule(orm.em.fork(), { organizationId: organization.id }));
    log(
      `care schedule: first ${first.ms.toFixed(0)} ms (${first.result[0].total} tasks), again ${again.ms.toFixed(0)} ms`,
    );

    await client.query(
      `insert into tag (id, organization_id, name, rule) values
         (gen_random_uuid(), $1, '高端客户', '{"minLifetimeSpend": 1000000}'),
         (gen_random_uuid(), $1, '沉睡客户', '{"noVisitForDays": 90, "minVisits": 1}'),
         (gen_random_uuid(), $1, '潜力客户', '{"lastVisitWithinDays": 60, "minVisits": 1, "maxVisits": 10}')`,
      [organization.id],
    );
    // As the job runs them (recomputeRuleTagsEverywhere): in the organization's scope, as the runtime role.
    const recompute = () =>
      forOrganization(organization.id, () => recomputeRuleTags(orm.em.fork(), organization.id));
    const tagsFirst = await timed(recompute);
    const tagsAgain = await timed(recompute);
    log(
      `rule tags: first ${tagsFirst.ms.toFixed(0)} ms (${tagsFirst.result} links), again ${tagsAgain.ms.toFixed(0)} ms`,
    );

    const { tokens } = app;
    const token = async (userId: string, role: Role) =>
      (await tokens.issue({ userId, organizationId: organization.id, role })).token;
    const cases: [string, string, string][] = [
      [
        'Segment preview as MARKETING: women 30–50 with ≥ 3 visits, consented on WeChat, + totalCount',
        await token(marketing.id, Role.MARKETING),
        `{ segmentPreview(rule: { genders: [FEMALE], minAge: 30, maxAge: 50, minVisits: 3, consentChannelsAny: [WECHAT] }, first: 20) {
           totalCount edges { node { id name phone tags { name } } } } }`,
      ],
      [
        'Segment preview as MARKETING: wellness goal 改善睡眠, + totalCount',
        await token(marketing.id, Role.MARKETING),
        `{ segmentPreview(rule: { wellnessGoalsAny: ["改善睡眠"] }, first: 20) { totalCount edges { node { id name } } } }`,
      ],
      [
        'Care tasks of the organization, soonest due, first 20 + totalCount (MANAGER)',
        await token(manager.id, Role.MANAGER),
        `{ careTasks(first: 20) { totalCount edges { node { id kind reason dueAt customer { name } owner { displayName } } } } }`,
      ],
      [
        'My care tasks (CONSULTANT), first 20 + totalCount',
        await token(consultant.id, Role.CONSULTANT),
        `{ myCareTasks(first: 20) { totalCount edges { node { id kind reason dueAt customer { name } } } } }`,
      ],
    ];
    const rows: string[] = [];
    for (const [label, bearer, query] of cases) {
      const samples: number[] = [];
      let total = 0;
      for (let run = 0; run < ITERATIONS + 3; run++) {
        const { ms, result } = await timed(() => execute(app, bearer, query));
        if (result.errors?.some((error) => error.path?.at(-1) !== 'phone'))
          throw new Error(`${label}: ${JSON.stringify(result.errors)}`);
        total = Object.values(result.data!)[0].totalCount;
        if (run >= 3) samples.push(ms);
      }
      rows.push(
        `| ${label} | ${total.toLocaleString('en')} | ${percentile(samples, 50).toFixed(1)} | ${percentile(samples, 95).toFixed(1)} |`,
      );
      log(`${label}: p50 ${percentile(samples, 50).toFixed(1)} ms`);
    }
    await cleanups.run();

    const section = [
      `<!-- bench:care n=${CUSTOMERS} start -->`,
      `### Care schedule, rule tags and segments, ${CUSTOMERS.toLocaleString('en')} customers`,
      '',
      `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; machine: ${os.cpus().length} cores, Node ${process.version}, embedded PostgreSQL`,
      `- Data: ${CUSTOMERS.toLocaleString('en')} customers (bench/dataset.ts), 60 % WeChat and 30 % SMS consent, 3 % 勿扰, ${visits.rowCount?.toLocaleString('en')} visits 24–30 h ago, a holiday tomorrow; loaded in ${loadSeconds.toFixed(0)} s`,
      `- Care schedule (all nine generators, one organization): first run ${first.ms.toFixed(0)} ms creating ${first.result[0].total.toLocaleString('en')} tasks (${Object.entries(
        first.result[0].created,
      )
        .filter(([, count]) => count)
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ')}); run again ${again.ms.toFixed(0)} ms creating ${again.result[0].total}`,
      `- First run per generator (ms): ${Object.entries(first.result[0].milliseconds)
        .map(([kind, ms]) => `${kind} ${ms}`)
        .join(', ')}`,
      `- Re-run per generator (ms): ${Object.entries(again.result[0].milliseconds)
        .map(([kind, ms]) => `${kind} ${ms}`)
        .join(', ')}`,
      `- Rule tags (高端客户, 沉睡客户, 潜力客户): first recompute ${tagsFirst.ms.toFixed(0)} ms (${tagsFirst.result.toLocaleString('en')} links), again ${tagsAgain.ms.toFixed(0)} ms (${tagsAgain.result} changes)`,
      `- GraphQL requests (context, shield, loaders), ${ITERATIONS} timed runs after 3 warm-ups:`,
      '',
      '| Request | totalCount | p50 ms | p95 ms |',
      '| --- | ---: | ---: | ---: |',
      ...rows,
      `<!-- bench:care n=${CUSTOMERS} end -->`,
    ].join('\n');
    if (OUTPUT !== '-') {
      const current = await readFile(OUTPUT, 'utf8');
      const pattern = new RegExp(
        `<!-- bench:care n=${CUSTOMERS} start -->[\\s\\S]*?<!-- bench:care n=${CUSTOMERS} end -->`,
      );
      const next = pattern.test(current)
        ? current.replace(pattern, section)
        : current.replace('## Results\n', `## Results\n\n${section}\n`);
      await writeFile(OUTPUT, next);
    }
    process.stdout.write(`${section}\n`);
  } finally {
    await cleanups.run();
  }
}

const DAY = 86_400_000;

main().catch((error) => {
  process.stderr.write(`care bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
