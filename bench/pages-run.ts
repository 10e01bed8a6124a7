import { readFileSync } from 'node:fs';
import type { Client } from 'pg';
import { encodeCursor } from '../src/core/paging/cursor';
import {
  CLOCK_TICKS_PER_SECOND,
  combineLoads,
  cpuTicks,
  parentPid,
  postgresCpuTicks,
  runLoad,
  waitIdle,
  type LoadResult,
  type LoadTarget,
} from './load';
import { check, check360, EXPECTED_360_SQL, firstDifference, type Expected360 } from './pages-check';
import { CUSTOMER_360_QUERY, graphqlBody, LIST_PAGE_QUERY } from './pages-queries';
import type { Measured, PageRow } from './pages-report';

/** The two processes under load; the server is asked with a MANAGER token of the measured organization. */
export interface Targets {
  server: { origin: string; pid: number; token: string };
  floor: { origin: string; pid: number };
}

/** BENCH_PAGE_CONCURRENCY (e.g. "10"), BENCH_PAGES (e.g. "list"): a quick A/B of one figure. */
const CONCURRENCY = (process.env.BENCH_PAGE_CONCURRENCY ?? '1,10,50').split(',').map(Number);
const PAGES = (process.env.BENCH_PAGES ?? 'list,360').split(',') as ('list' | '360')[];
const WARM_UP_SECONDS = 3;
/** Each target's timed seconds are split into this many rounds, alternating with the other target's. */
export const ROUNDS = Math.max(1, Number(process.env.BENCH_PAGE_ROUNDS ?? 2));
/** Once per page and target before any timed run: until V8 has compiled what the pages run. */
const JIT_WARM_UP = { connections: 10, seconds: 10 };

async function post(url: string, body: string, token?: string): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  check(response.ok, `${url}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  const json = JSON.parse(text);
  check(!json.errors?.length, `${url}: GraphQL errors:\n${JSON.stringify(json.errors, null, 2)}`);
  return json;
}

/** Requests one page from both targets; their `data` must be identical, key order included. */
async function samePage(
  targets: Targets,
  query: string,
  variables: Record<string, unknown>,
  floorPath: string,
) {
  const body = graphqlBody(query, variables);
  const graphql = await post(`${targets.server.origin}/graphql`, body, targets.server.token);
  const floor = await post(`${targets.floor.origin}${floorPath}`, body);
  const difference = firstDifference(graphql.data, floor.data);
  check(!difference, `the floor differs from GraphQL (${floorPath}): ${difference}`);
  return graphql.data;
}

/**
 * Before any timing: the floor answers exactly what the server answers, for both list pages that the
 * runs do not reach too (page 2 through a cursor) and for every 360 customer; and the pages show the
 * loaded rows of the measured organization only.
 */
export async function verifyPages(
  client: Client,
  targets: Targets,
  organizationId: string,
  profileIds: string[],
) {
  const live = await client.query<{ id: string; created_at: Date }>(
    `select id, created_at from customer where organization_id = $1 and archived_at is null
      order by created_at desc, id desc limit 21`,
    [organizationId],
  );
  const first = await samePage(targets, LIST_PAGE_QUERY, {}, '/list');
  const total = await client.query<{ n: number }>(
    'select count(*)::int as n from customer where organization_id = $1 and archived_at is null',
    [organizationId],
  );
  check(
    first.customers.totalCount === total.rows[0].n,
    `customers.totalCount ${first.customers.totalCount}, loaded ${total.rows[0].n}`,
  );
  const ids = first.customers.edges.map((edge: any) => edge.node.id);
  check(
    JSON.stringify(ids) === JSON.stringify(live.rows.slice(0, 20).map((row) => row.id)),
    'customers: not the 20 newest live customers of the measured organization',
  );
  check(
    first.customers.edges.some((edge: any) => edge.node.visits.edges.length > 0),
    'customers: no visits on the first page',
  );
  const twentieth = live.rows[19];
  const after = encodeCursor(twentieth.created_at.toISOString(), twentieth.id);
  const second = await samePage(
    targets,
    LIST_PAGE_QUERY,
    { after },
    `/list?after=${encodeURIComponent(after)}`,
  );
  check(second.customers.edges[0]?.node.id === live.rows[20]?.id, 'customers(after): not the 21st customer');

  // Tenancy: the other organization's customers are not found, through either.
  const foreign = await client.query<{ id: string }>(
    'select id from customer where organization_id <> $1 limit 1',
    [organizationId],
  );
  const foreignBody = graphqlBody(CUSTOMER_360_QUERY, { id: foreign.rows[0].id });
  const refused = await fetch(`${targets.server.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${targets.server.token}` },
    body: foreignBody,
  }).then((response) => response.json() as Promise<any>);
  check(
    refused.errors?.[0]?.extensions?.code === 'NOT_FOUND',
    'customer(id) of another organization: not NOT_FOUND',
  );
  const floorForeign = await post(
    `${targets.floor.origin}/customer360?id=${foreign.rows[0].id}`,
    foreignBody,
  );
  check(floorForeign.data.customer === null, 'floor: a customer of another organization was found');

  const expected = await client.query<Expected360 & { id: string }>(EXPECTED_360_SQL, [profileIds]);
  for (const id of profileIds) {
    const data = await samePage(targets, CUSTOMER_360_QUERY, { id }, `/customer360?id=${id}`);
    check360(
      id,
      data,
      expected.rows.find((row) => row.id === id)!,
    );
  }
}

/** The postmaster, when the database runs on this machine (its backends' CPU is then readable). */
async function postmaster(client: Client): Promise<number | undefined> {
  const backend = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
  try {
    if (!readFileSync(`/proc/${backend}/stat`, 'utf8').includes('(postgres)')) return undefined;
  } catch {
    return undefined;
  }
  return parentPid(backend);
}

/**
 * Each page at c = 1, 10, 50: both targets warmed, then ROUNDS timed rounds alternating them, CPU read
 * around each timed run; before all of them, each page warms both targets for JIT_WARM_UP.
 */
export async function measurePages(
  client: Client,
  targets: Targets,
  profileIds: string[],
  seconds: number,
  log: (message: string) => void,
): Promise<PageRow[]> {
  const postgres = await postmaster(client);
  const headers = { authorization: `Bearer ${targets.server.token}` };
  const pages = {
    list: {
      server: [{ path: '/graphql', body: graphqlBody(LIST_PAGE_QUERY, {}) }],
      floor: [{ path: '/list', body: graphqlBody(LIST_PAGE_QUERY, {}) }],
    },
    '360': {
      server: profileIds.map((id) => ({ path: '/graphql', body: graphqlBody(CUSTOMER_360_QUERY, { id }) })),
      floor: profileIds.map((id) => ({
        path: `/customer360?id=${id}`,
        body: graphqlBody(CUSTOMER_360_QUERY, { id }),
      })),
    },
  };
  // V8 compiles the hot code while the first runs go: measured cold, the first timed run (list at
  // c=1) counted that compilation, 5.1 ms of server CPU per request against 2.6 ms once warm.
  for (const page of PAGES)
    for (const name of ['server', 'floor'] as const)
      await runLoad(
        { origin: targets[name].origin, headers, requests: pages[page][name] },
        JIT_WARM_UP.connections,
        JIT_WARM_UP.seconds,
      );
  const rows: PageRow[] = [];
  for (const page of PAGES) {
    for (const connections of CONCURRENCY) {
      const names = ['server', 'floor'] as const;
      const load = (name: (typeof names)[number]): LoadTarget => ({
        origin: targets[name].origin,
        headers,
        requests: pages[page][name],
      });
      const runs = { server: [] as LoadResult[], floor: [] as LoadResult[] };
      const ticks = { server: { process: 0, postgres: 0 }, floor: { process: 0, postgres: 0 } };
      for (const name of names) await runLoad(load(name), connections, WARM_UP_SECONDS);
      // Interleaved rounds, the order swapped each round (server, floor, floor, server): the machine's
      // speed drifts within a minute (the floor measured 14 s after the server once read 227 and once
      // 425 req/s on the same page), and a linear drift then falls on both alike. Few rounds: each run
      // opens new connections.
      for (let round = 0; round < ROUNDS; round++) {
        for (const name of round % 2 === 0 ? names : [...names].reverse()) {
          const pid = targets[name].pid;
          await waitIdle(pid);
          const [processBefore, postgresBefore] = [cpuTicks(pid), postgres ? postgresCpuTicks(postgres) : 0];
          runs[name].push(await runLoad(load(name), connections, seconds / ROUNDS));
          ticks[name].process += cpuTicks(pid) - processBefore;
          ticks[name].postgres += postgres ? postgresCpuTicks(postgres) - postgresBefore : 0;
        }
      }
      const measured: Partial<Record<'server' | 'floor', Measured>> = {};
      for (const name of names) {
        await waitIdle(targets[name].pid);
        const result = combineLoads(runs[name]);
        // No request completed within the runs (each took longer): no per-request figure, shown as –.
        const perRequest = (count: number) =>
          result.requests ? ((count / CLOCK_TICKS_PER_SECOND) * 1000) / result.requests : NaN;
        measured[name] = {
          ...result,
          cpuMsPerRequest: perRequest(ticks[name].process),
          postgresMsPerRequest: postgres ? perRequest(ticks[name].postgres) : undefined,
        };
        log(
          `${page} c=${connections} ${name}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, ` +
            `p99 ${result.p99.toFixed(1)} ms, CPU ${measured[name]!.cpuMsPerRequest.toFixed(2)} ms/req` +
            ` (rounds: ${runs[name].map((run) => run.requestsPerSecond.toFixed(0)).join(', ')} req/s)` +
            (result.failures ? `, ${result.failures} FAILED` : ''),
        );
      }
      rows.push({ page, connections, server: measured.server!, floor: measured.floor! });
    }
  }
  return rows;
}
