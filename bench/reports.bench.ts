import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { Organization, Store, User } from '../src/entities';
import { Role } from '../src/entities/access/access.enums';
import { StaffRole } from '../src/entities/staff/staff.enums';
import { projectRoot } from '../src/mikro-orm.config';
import { ensureDatabase, migrateAndOpen } from '../src/server/database';
import { startEmbeddedPostgres } from '../src/server/embedded-postgres';
import { loadCustomers } from './dataset';
import { createBenchApp, execute } from './graphql';
import { loadCatalogue } from './pages-catalogue';
import { loadVisits } from './pages-dataset';

/**
 * The built-in reports at issue 15's scale through the whole stack (`npm run bench:reports`): 100,000
 * customers, 1,000,000 visits over two years with their lines and a settlement each, then every
 * report for the last full month and for the last twelve months as MANAGER.
 *   BENCH_CUSTOMERS (100000), BENCH_VISITS (1000000), BENCH_ITERATIONS (20),
 *   BENCH_OUTPUT (docs/benchmarks.md; "-": none),
 *   BENCH_DATA_DIR (none: a throw-away directory): a directory kept after the run; a second run on it
 *   skips the ~4 minute load and only applies the migrations added since (their backfill included).
 */
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const VISITS = Number(process.env.BENCH_VISITS ?? 1_000_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20);
const OUTPUT = process.env.BENCH_OUTPUT ?? path.join(projectRoot, 'docs', 'benchmarks.md');
const KEPT_DIRECTORY = process.env.BENCH_DATA_DIR;
/** In a kept directory: the ids of the loaded data, written once the load is complete. */
const LOADED_FILE = 'reports-bench.json';
const MONTH_GOAL_MS = 300;
const YEAR_GOAL_MS = 1_000;
const log = (message: string) => process.stderr.write(`[reports bench] ${message}\n`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** The last full calendar month and the twelve months before today (UTC dates; the store is in Shanghai). */
function periods(now = new Date()): {
  month: { from: string; to: string };
  year: { from: string; to: string };
} {
  const firstOfThisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const lastMonthEnd = new Date(firstOfThisMonth.getTime() - 86_400_000);
  const lastMonthStart = new Date(Date.UTC(lastMonthEnd.getUTCFullYear(), lastMonthEnd.getUTCMonth(), 1));
  const yearStart = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), now.getUTCDate() + 1));
  return {
    month: { from: isoDate(lastMonthStart), to: isoDate(lastMonthEnd) },
    year: { from: isoDate(yearStart), to: isoDate(now) },
  };
}

type Range = { from: string; to: string };

const REPORTS: { name: string; query: (period: string, grain: string, range: Range) => string }[] = [
  {
    name: 'customerGrowthReport (by source)',
    query: (period, grain) =>
      `{ customerGrowthReport(period: { ${period}, grain: ${grain} }, groupBy: SOURCE) { total previousTotal lastYearTotal series { from count } groups { key total } } }`,
  },
  {
    name: 'customerCompositionReport',
    query: (period) =>
      `{ customerCompositionReport(period: { ${period} }) { total byTier { key count } byGender { key count } byAgeBand { key count } bySource { key count } newVisitors returningVisitors } }`,
  },
  {
    name: 'revenueReport',
    query: (period, grain) =>
      `{ revenueReport(period: { ${period}, grain: ${grain} }) { buckets { from cashReceived { amount } servicesConsumed { amount } averageTicket { amount } }
         total { cashReceived { amount } servicesConsumed { amount } settlements } previous { servicesConsumed { amount } } lastYear { servicesConsumed { amount } } } }`,
  },
  {
    name: 'serviceRanking (first 20)',
    query: (period) =>
      `{ serviceRanking(period: { ${period} }, first: 20) { name count revenue { amount } } }`,
  },
  {
    name: 'staffPerformanceReport',
    query: (period) =>
      `{ staffPerformanceReport(period: { ${period} }) { revenueAttributed { amount }
         therapists { staffId servicesPerformed visits revenueAttributed { amount } averageSatisfaction customersServed
           customersRebooked rebookingRate complaints bookedMinutes workingMinutes utilisation }
         consultants { staffId assignedCustomers visits spend { amount } } } }`,
  },
  {
    name: 'visitFrequencyReport',
    query: (period) =>
      `{ visitFrequencyReport(period: { ${period} }) { visitors visits bands { key count } } }`,
  },
  {
    name: 'retentionCohorts (month: 1 cohort, year: 13)',
    query: (_period, _grain, range) =>
      `{ retentionCohorts(from: "${range.from.slice(0, 7)}", to: "${range.to.slice(0, 7)}") { cohorts { month customers retention { monthsLater customers share } } } }`,
  },
];

/** Reports without a period: measured once per run, listed under both columns. */
const NOW_REPORTS: { name: string; query: string | ((ids: { storeId: string }) => string) }[] = [
  {
    name: 'customerActivityReport (now)',
    query: `{ customerActivityReport { total active dormant lost churnRate } }`,
  },
  {
    name: 'liabilitiesReport (now)',
    query: `{ liabilitiesReport { storedValuePrincipal { amount } storedValueBonus { amount } unusedPunches pointsOutstanding } }`,
  },
  {
    // The 365 days up to today; a page of 100 with every field (what the cost limit must accept).
    name: 'rfmReport (now, first 100)',
    query: `{ rfmReport(first: 100) { asOf windowFrom customersScored customersWithoutVisits segments { key count }
      customers { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name lastVisitOn recencyDays
        frequency monetary { amount } recencyScore frequencyScore monetaryScore segment segmentLabel } } } } }`,
  },
  {
    // A store's RFM is read from its own snapshot (customer_store_rfm), written with the organization's.
    name: 'rfmReport (store, first 100)',
    query: ({
      storeId,
    }) => `{ rfmReport(storeId: "${storeId}", first: 100) { customersScored segments { key count }
      customers { totalCount edges { node { id segment monetary { amount } } } } } }`,
  },
  {
    // The segment filter (segment rules' rfmSegments) reads the snapshot's customer_rfm rows.
    name: 'segmentPreview (RFM segment, first 100)',
    query: `{ segmentPreview(rule: { rfmSegments: [IMPORTANT_VALUE, IMPORTANT_RETENTION] }, first: 100) {
      totalCount edges { node { id } } } }`,
  },
];

interface Loaded {
  organizationId: string;
  storeId: string;
  managerId: string;
  counted: { visits: string; lines: string; settlements: string };
  loadedSeconds: number;
}

/** The data set, in the (fresh) database: the organization, its store and manager, customers, visits, settlements. */
async function load(url: string, orm: MikroORM): Promise<Loaded> {
  const em = orm.em.fork();
  const organization = em.create(Organization, { name: '悦心养生馆' });
  const store = em.create(Store, { organization, name: '总店', code: 'HQ' });
  const manager = em.create(User, {
    organization,
    role: StaffRole.MANAGER,
    email: `manager-${randomBytes(4).toString('hex')}@bench.cn`,
    displayName: '店长',
    passwordHash: 'not-a-login',
  });
  manager.stores.add(store);
  await em.flush();

  const client = new Client({ connectionString: url });
  await client.connect();
  const scope = { organizationId: organization.id, storeId: store.id };
  const loadStarted = performance.now();
  await loadCustomers([client], { ...scope, count: CUSTOMERS, seed: 20_261_201, phoneOffset: 3_456_789 });
  const catalogue = await loadCatalogue(client, scope, randomBytes(4).toString('hex'));
  await loadVisits(client, scope, catalogue, { count: VISITS, seed: 15, regulars: [], extraVisits: 0 });
  // One settlement per visit: its lines at list price, a tenth of them with a 5 % tier discount,
  // paid by WeChat Pay (what the revenue report and the ranking read).
  await client.query(
    `insert into settlement (id, organization_id, created_at, updated_at, visit_id, customer_id, subtotal,
                             discount, coupon_discount, due, stored_value_paid, points_redeemed, points_value,
                             external_payments, punches_used, points_earned, operation_id)
     select gen_random_uuid(), v.organization_id, v.visited_at, v.visited_at, v.id, v.customer_id, l.subtotal,
            d.discount, 0, l.subtotal - d.discount, 0, 0, 0,
            jsonb_build_array(jsonb_build_object('method', 'WECHAT_PAY', 'amount', l.subtotal - d.discount)),
            0, 0, gen_random_uuid()
       from visit v
       cross join lateral (select coalesce(sum(x.list_price), 0)::bigint as subtotal from visit_line x
                            where x.visit_id = v.id) l
       cross join lateral (select case when hashtext(v.id::text) % 10 = 0 then l.subtotal / 20 else 0 end
                                  as discount) d
      where v.organization_id = $1`,
    [organization.id],
  );
  await client.query('vacuum analyze');
  const {
    rows: [counted],
  } = await client.query<Loaded['counted']>(
    `select (select count(*) from visit where organization_id = $1) as visits,
            (select count(*) from visit_line where organization_id = $1) as lines,
            (select count(*) from settlement where organization_id = $1) as settlements`,
    [organization.id],
  );
  const loadedSeconds = (performance.now() - loadStarted) / 1000;
  log(
    `loaded ${CUSTOMERS} customers, ${counted.visits} visits, ${counted.lines} lines, ${counted.settlements} settlements in ${loadedSeconds.toFixed(0)} s`,
  );
  await client.end();
  return {
    organizationId: organization.id,
    storeId: store.id,
    managerId: manager.id,
    counted,
    loadedSeconds,
  };
}

async function main() {
  const directory = KEPT_DIRECTORY
    ? path.resolve(KEPT_DIRECTORY)
    : await mkdtemp(path.join(os.tmpdir(), 'reports-bench-'));
  // No WAL archive, also in a kept directory (BENCH_DATA_DIR): the load's WAL (about 50 GB for the
  // 4 GB it loads) went into <directory>/backups/wal and nearly filled the disk; nothing restores it.
  const postgres = await startEmbeddedPostgres(directory, undefined, {
    removeOnStop: !KEPT_DIRECTORY,
    walArchive: false,
  });
  try {
    const url = await ensureDatabase(postgres.url, 'reports_bench');
    const { orm } = await migrateAndOpen(url, 10);
    const kept = KEPT_DIRECTORY
      ? await readFile(path.join(directory, LOADED_FILE), 'utf8').then(
          (text) => JSON.parse(text) as Loaded,
          () => null,
        )
      : null;
    if (kept) log(`reusing the data loaded in ${directory}`);
    const loaded = kept ?? (await load(url, orm));
    if (KEPT_DIRECTORY && !kept) await writeFile(path.join(directory, LOADED_FILE), JSON.stringify(loaded));
    const { organizationId, counted, loadedSeconds } = loaded;

    const app = await createBenchApp(orm, directory);
    const { apollo, tokens } = app;
    const bearer = (await tokens.issue({ userId: loaded.managerId, organizationId, role: Role.MANAGER }))
      .token;
    const measure = async (query: string): Promise<{ p50: number; p95: number }> => {
      for (let warm = 0; warm < 3; warm++) {
        const result = await execute(app, bearer, query);
        if (result.errors) throw new Error(`${query}: ${JSON.stringify(result.errors)}`);
      }
      const times: number[] = [];
      for (let run = 0; run < ITERATIONS; run++) {
        const started = performance.now();
        const result = await execute(app, bearer, query);
        times.push(performance.now() - started);
        if (result.errors) throw new Error(`${query}: ${JSON.stringify(result.errors)}`);
      }
      return { p50: percentile(times, 50), p95: percentile(times, 95) };
    };
    const { month, year } = periods();
    const rows: string[] = [];
    const goals: string[] = [];
    for (const report of REPORTS) {
      const monthly = await measure(report.query(`from: "${month.from}", to: "${month.to}"`, 'DAY', month));
      const yearly = await measure(report.query(`from: "${year.from}", to: "${year.to}"`, 'MONTH', year));
      log(`${report.name}: month p95 ${monthly.p95.toFixed(1)} ms, year p95 ${yearly.p95.toFixed(1)} ms`);
      rows.push(
        `| ${report.name} | ${monthly.p50.toFixed(1)} | ${monthly.p95.toFixed(1)} | ${yearly.p50.toFixed(1)} | ${yearly.p95.toFixed(1)} |`,
      );
      goals.push(
        `- ${report.name}: month p95 ${monthly.p95.toFixed(1)} ms ≤ ${MONTH_GOAL_MS}: ${monthly.p95 <= MONTH_GOAL_MS ? 'met' : '**missed**'}; year p95 ${yearly.p95.toFixed(1)} ms ≤ ${YEAR_GOAL_MS}: ${yearly.p95 <= YEAR_GOAL_MS ? 'met' : '**missed**'}`,
      );
    }
    // The nightly RFM snapshot, computed before any timing: the first rfmReport without asOf computes
    // it when missing (ensureRfmSnapshot), which is the job's work, not a report's.
    const snapshotStarted = performance.now();
    const snapshot = await execute(app, bearer, `{ rfmReport(first: 0) { asOf customersScored } }`);
    if (snapshot.errors) throw new Error(`rfm snapshot: ${JSON.stringify(snapshot.errors)}`);
    log(`rfm snapshot ready in ${((performance.now() - snapshotStarted) / 1000).toFixed(1)} s`);
    for (const report of NOW_REPORTS) {
      const query = typeof report.query === 'string' ? report.query : report.query(loaded);
      const now = await measure(query);
      log(`${report.name}: p95 ${now.p95.toFixed(1)} ms`);
      rows.push(
        `| ${report.name} | ${now.p50.toFixed(1)} | ${now.p95.toFixed(1)} | ${now.p50.toFixed(1)} | ${now.p95.toFixed(1)} |`,
      );
      goals.push(
        `- ${report.name}: p95 ${now.p95.toFixed(1)} ms ≤ ${MONTH_GOAL_MS}: ${now.p95 <= MONTH_GOAL_MS ? 'met' : '**missed**'}`,
      );
    }
    const section = [
      '<!-- bench:reports start -->',
      `### Reports, ${CUSTOMERS.toLocaleString('en')} customers and ${Number(counted.visits).toLocaleString('en')} visits`,
      '',
      `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; machine: ${os.cpus().length} cores, Node ${process.version}, embedded PostgreSQL`,
      `- Data (bench/reports.bench.ts): ${CUSTOMERS.toLocaleString('en')} customers (bench/dataset.ts), ${Number(counted.visits).toLocaleString('en')} visits over two years with ${Number(counted.lines).toLocaleString('en')} lines (bench/pages-dataset.ts), a settlement per visit (${Number(counted.settlements).toLocaleString('en')}); loaded in ${loadedSeconds.toFixed(0)} s, then VACUUM ANALYZE`,
      `- Each report as MANAGER through the whole GraphQL stack in process (context, shield, audit), ${ITERATIONS} timed runs after 3 warm-ups: month = ${month.from} … ${month.to} by day, year = ${year.from} … ${year.to} by month; reports without a period once`,
      '',
      '| Report | month p50 ms | month p95 ms | year p50 ms | year p95 ms |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      'Goals (issue 15: a month p95 ≤ 300 ms, a year ≤ 1 s):',
      '',
      ...goals,
      '<!-- bench:reports end -->',
    ].join('\n');
    process.stdout.write(`${section}\n`);
    if (OUTPUT !== '-') {
      const current = await readFile(OUTPUT, 'utf8');
      const pattern = /<!-- bench:reports start -->[\s\S]*?<!-- bench:reports end -->/;
      await writeFile(
        OUTPUT,
        pattern.test(current)
          ? current.replace(pattern, section)
          : current.replace('## Results\n', `## Results\n\n${section}\n`),
      );
      log(`wrote ${OUTPUT}`);
    }
    await apollo.stop();
    await orm.close(true);
  } finally {
    await postgres.stop();
    if (!KEPT_DIRECTORY) await rm(directory, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
