import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'pg';
import type { LoadResult } from './load';

/** One page at one concurrency, server and floor measured back to back. */
export interface PageRow {
  page: 'list' | '360';
  connections: number;
  server: Measured;
  floor: Measured;
}

export interface Measured extends LoadResult {
  /** utime + stime of the process over the timed run, per completed request. */
  cpuMsPerRequest: number;
  /** PostgreSQL backends' CPU per request, when the database runs on this machine. */
  postgresMsPerRequest?: number;
}

export const GOALS = {
  ratio: 0.5,
  p99AtTen: 60,
  listCpuMs: 3,
  statements: 6,
};

const fixed = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

export function renderReport(
  rows: PageRow[],
  statements: Record<'list' | '360', number>,
  environment: string[],
) {
  const lines = [
    '### List page and customer-360 page over HTTP, against a raw-SQL floor',
    '',
    ...environment,
    '',
    '| Page | c | req/s server | req/s floor | server/floor | p50 ms server | p50 ms floor | p99 ms server | p99 ms floor | server CPU ms/req | floor CPU ms/req | PostgreSQL CPU ms/req server / floor | SQL statements/req server (floor: 1) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const ratio = row.server.requestsPerSecond / row.floor.requestsPerSecond;
    lines.push(
      `| ${row.page === 'list' ? 'List (customers first: 20)' : 'Customer 360'} | ${row.connections} | ` +
        `${fixed(row.server.requestsPerSecond, 0)} | ${fixed(row.floor.requestsPerSecond, 0)} | ${fixed(ratio, 2)} | ` +
        `${fixed(row.server.p50)} | ${fixed(row.floor.p50)} | ${fixed(row.server.p99)} | ${fixed(row.floor.p99)} | ` +
        `${fixed(row.server.cpuMsPerRequest, 2)} | ${fixed(row.floor.cpuMsPerRequest, 2)} | ` +
        `${fixed(row.server.postgresMsPerRequest, 2)} / ${fixed(row.floor.postgresMsPerRequest, 2)} | ` +
        `${statements[row.page]} |`,
    );
  }
  const failures = rows.reduce((sum, row) => sum + row.server.failures + row.floor.failures, 0);
  lines.push(
    '',
    `Failed requests (non-2xx, socket errors, timeouts, GraphQL errors) in the timed runs: ${failures}.`,
  );
  lines.push('', 'Goals:', '');
  for (const page of ['list', '360'] as const) {
    const name = page === 'list' ? 'list page' : '360 page';
    const at = (connections: number) =>
      rows.find((row) => row.page === page && row.connections === connections);
    // A page left out of the run (BENCH_PAGES) has no figures to judge.
    if (!rows.some((row) => row.page === page)) continue;
    for (const connections of [10, 50]) {
      const row = at(connections);
      if (!row) continue;
      const ratio = row.server.requestsPerSecond / row.floor.requestsPerSecond;
      lines.push(
        `- ${name}, c=${connections}: server/floor ≥ ${GOALS.ratio}: ${fixed(ratio, 2)}, ${mark(ratio >= GOALS.ratio)}`,
      );
    }
    const ten = at(10);
    if (ten)
      lines.push(
        `- ${name}, c=10: p99 ≤ ${GOALS.p99AtTen} ms: ${fixed(ten.server.p99)} ms, ${mark(ten.server.p99 <= GOALS.p99AtTen)}`,
      );
    lines.push(
      `- ${name}: ≤ ${GOALS.statements} SQL statements per request: ${statements[page]}, ${mark(statements[page] <= GOALS.statements)}`,
    );
  }
  // Each concurrency on its own: at c=1 every request runs on cold caches between idle waits, and the
  // floor's CPU per request is 1.5-3x its own at c=10 as well (the table's floor column).
  for (const row of rows.filter((candidate) => candidate.page === 'list'))
    lines.push(
      `- list page, c=${row.connections}: server CPU ≤ ${GOALS.listCpuMs} ms per request: ${fixed(row.server.cpuMsPerRequest, 2)} ms (floor ${fixed(row.floor.cpuMsPerRequest, 2)}), ${mark(row.server.cpuMsPerRequest <= GOALS.listCpuMs)}`,
    );
  return lines.join('\n');
}

const START = '<!-- bench:pages start -->';
const END = '<!-- bench:pages end -->';

/** Replaces the pages section of the report (the other benchmarks' sections stay), or adds it first. */
export async function updateDocument(file: string, section: string): Promise<void> {
  const block = `${START}\n${section}\n${END}`;
  let document = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n\n## Results\n';
  const from = document.indexOf(START);
  const to = document.indexOf(END);
  if (from >= 0 && to > from) document = document.slice(0, from) + block + document.slice(to + END.length);
  else if (document.includes('\n## Results\n'))
    document = document.replace('\n## Results\n', `\n## Results\n\n${block}\n`);
  else document = `${document.trimEnd()}\n\n${block}\n`;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, document.endsWith('\n') ? document : `${document}\n`);
}

/** The lines above the table: when, where, on what data, and how each run went. */
export async function describeEnvironment(
  client: Client,
  organizationId: string,
  run: { loadSeconds: number; profiles: number; seconds: number; rounds: number; poolSize: number },
): Promise<string[]> {
  const { loadSeconds, profiles } = run;
  const count = async (sql: string) =>
    Number((await client.query<{ n: string }>(sql, [organizationId])).rows[0].n).toLocaleString('en');
  const version = (await client.query<{ server_version: string }>('show server_version')).rows[0]
    .server_version;
  const cpus = os.cpus();
  return [
    `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ` +
      `PostgreSQL ${version} (${process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded'}); ` +
      'server, floor, PostgreSQL and autocannon share the cores',
    `- Data (measured organization): ${await count('select count(*) as n from customer where organization_id = $1')} customers ` +
      `(${await count('select count(*) as n from customer where organization_id = $1 and archived_at is null')} live), ` +
      `${await count('select count(*) as n from visit where organization_id = $1')} visits with ` +
      `${await count('select count(*) as n from visit_line where organization_id = $1')} lines, ` +
      `${await count('select count(distinct customer_id) as n from allergy where organization_id = $1')} customers with allergies, ` +
      `${await count('select count(*) as n from medical_condition where organization_id = $1')} medical history rows, ` +
      `${await count('select count(*) as n from account where organization_id = $1')} accounts, ` +
      `${await count('select count(*) as n from ledger_entry where organization_id = $1')} ledger entries; ` +
      `a second organization holds a tenth as much. Loaded in ${loadSeconds.toFixed(0)} s, then VACUUM ANALYZE`,
    `- ${profiles} customers for the 360 page (each connection cycles through all of them): 30+ visits, ` +
      '2 wallets with 30+ ledger entries, 3 tier moves, 3 upcoming appointments, 14 contacts, 3 open care tasks, 3 tags',
    '- Pages (bench/pages-queries.ts): the list page `customers(first: 20)` with health profile, accounts and ' +
      '5 visits with lines per customer; the 360 page `customer(id)` with every health section, accounts, tier ' +
      'and history, 20 visits, 10 appointments and 10 contacts, plus the root fields `ledgerEntries(customerId, ' +
      'first: 10)` and `careTasks(filter: { customerId })` (the schema has neither on Account or Customer)',
    '- Before any timed run, each page warms both targets for 10 s at c=10 (V8 compiles the hot code meanwhile)',
    `- Each concurrency: 3 s of warm-up per target, then ${run.seconds} s timed per target in ${run.rounds} ` +
      'rounds alternating server and floor (the order swapped each round; each round once the target is ' +
      'idle), so both meet the same machine speed; figures over all rounds; CPU from /proc/<pid>/stat (utime + stime) over the timed runs divided by ' +
      'completed requests; PostgreSQL CPU: all its processes, including exited ones. SQL statements: one request ' +
      'of each page in-process on the same database (knex query events), the context and audit included',
    `- Server: \`node dist/src/main.js\`, NODE_ENV=production, LOG_LEVEL=warn, pool ${run.poolSize}, MANAGER bearer token, query-cost budget on (one upsert per request, not in the statement count; its limit above what the run spends). ` +
      `Floor: bench/floor.ts, node:http + pg Pool(${run.poolSize}), one prepared statement per page (bench/floor-sql.ts), ` +
      'the same JSON (checked equal before the runs), its sealed health values opened in Node with the ' +
      'data keys unwrapped at start (bench/floor-open.ts); it does no auth, no audit rows, no GraphQL',
  ];
}
