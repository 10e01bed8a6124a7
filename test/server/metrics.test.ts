import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import pino from 'pino';
import { startJobRunner, type JobRunner } from '../../src/jobs/job-runner';
import { ConfigError, loadConfig, type AppConfig } from '../../src/server/config';
import { createHttpApp, type HttpApp } from '../../src/server/http';
import { MAX_OPERATION_LABELS } from '../../src/server/metrics';
import { countRows, createOrganization, PASSWORD, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, listen, testConfig, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
const opened: { http: HttpApp; server: Server }[] = [];
const runners: JobRunner[] = [];

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(async () => {
  for (const runner of runners) await runner.stop();
  for (const { http, server } of opened) {
    await new Promise((resolve) => server.close(resolve));
    await http.apollo.stop();
  }
  await testApp.close();
});

/** A fresh app (its own metrics registry) over real HTTP on the shared test database. */
async function serve(config: Partial<AppConfig> = {}): Promise<{ url: string; http: HttpApp }> {
  const http = await createHttpApp(
    { ...testConfig, ...config },
    testApp.orm,
    testApp.tokens,
    pino({ level: 'silent' }),
  );
  const { url, server } = await listen(http.app);
  opened.push({ http, server });
  return { url, http };
}

async function graphql(url: string, query: string, token?: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { extensions: { code: string } }[] };
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The value of one sample in the Prometheus text format, 0 when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return 0;
}

const HEALTH_READ = `query HealthNotes($id: ID!) { customer(id: $id) { healthProfile { notes } } }`;
const CREATE_ROOM = `mutation CreateRoom($input: CreateRoomInput!) { createRoom(input: $input) { id } }`;

test('requests by operation and outcome, errors by code, latency, pool and process metrics', async () => {
  const { url } = await serve();
  const marker = `vx${randomUUID().slice(0, 8)}`;
  await graphql(url, 'query Viewer { viewer { role } }', org.tokens.MANAGER);
  await graphql(
    url,
    'query Viewer($x: String) { customers(filter: { search: $x }) { totalCount } }',
    org.tokens.MANAGER,
    { x: marker },
  );
  expect((await graphql(url, 'query Broken { nope }', org.tokens.MANAGER)).errors![0].extensions.code).toBe(
    'GRAPHQL_VALIDATION_FAILED',
  );
  await graphql(url, '{ viewer { role } }', org.tokens.MANAGER);
  expect((await graphql(url, '{ viewer {', org.tokens.MANAGER)).errors![0].extensions.code).toBe(
    'GRAPHQL_PARSE_FAILED',
  );
  // A refused credential fails before any operation is parsed.
  expect(
    (await graphql(url, 'query Viewer { viewer { role } }', 'not-a-token')).errors![0].extensions.code,
  ).toBe('UNAUTHENTICATED');

  const text = await scrape(url);
  expect(sample(text, 'graphql_requests_total', { operation: 'Viewer', outcome: 'ok' })).toBe(2);
  expect(
    sample(text, 'graphql_requests_total', { operation: 'Broken', outcome: 'GRAPHQL_VALIDATION_FAILED' }),
  ).toBe(1);
  expect(sample(text, 'graphql_requests_total', { operation: 'anonymous', outcome: 'ok' })).toBe(1);
  expect(sample(text, 'graphql_requests_total', { operation: 'unknown', outcome: 'UNAUTHENTICATED' })).toBe(
    1,
  );
  expect(
    sample(text, 'graphql_requests_total', { operation: 'unknown', outcome: 'GRAPHQL_PARSE_FAILED' }),
  ).toBe(1);
  expect(sample(text, 'graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
  expect(sample(text, 'graphql_errors_total', { code: 'UNAUTHENTICATED' })).toBe(1);
  expect(sample(text, 'graphql_request_duration_seconds_count', { operation: 'Viewer' })).toBe(2);
  expect(sample(text, 'graphql_request_duration_seconds_bucket', { operation: 'Viewer', le: '+Inf' })).toBe(
    2,
  );
  expect(text).toMatch(/^graphql_request_duration_seconds_bucket\{le="0\.005",operation="Viewer"\} \d+$/m);
  // Variables never become labels.
  expect(text).not.toContain(marker);

  // The test ORM's pool: at most 30 connections, at least one opened by the requests above.
  expect(sample(text, 'db_pool_max_connections')).toBe(30);
  expect(text).toMatch(/^db_pool_connections\{state="pending"\} 0$/m);
  const used = sample(text, 'db_pool_connections', { state: 'used' });
  const free = sample(text, 'db_pool_connections', { state: 'free' });
  expect(used + free).toBeGreaterThanOrEqual(1);
  expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
});

test('audit rows written: a health read as MANAGER, a committed change; a rolled-back change is not counted', async () => {
  const { url } = await serve();
  const rows = (sql: string) => countRows(testApp.orm, sql, [org.organizationId]);
  const before = await scrape(url);
  const readRows = await rows(
    `select count(*) from audit_event where organization_id = ? and action = 'READ'`,
  );
  const read = await graphql(url, HEALTH_READ, org.tokens.MANAGER, { id: org.assigned.id });
  expect(read.errors).toBeUndefined();
  const afterRead = await scrape(url);
  expect(
    sample(afterRead, 'audit_rows_written_total', { kind: 'read' }) -
      sample(before, 'audit_rows_written_total', { kind: 'read' }),
  ).toBe(1);
  expect(await rows(`select count(*) from audit_event where organization_id = ? and action = 'READ'`)).toBe(
    readRows + 1,
  );

  const changeRows = await rows(
    `select count(*) from audit_event where organization_id = ? and action <> 'READ'`,
  );
  const input = { storeId: org.storeId, name: `指标测试房 ${randomUUID().slice(0, 8)}`, kind: '理疗房' };
  expect((await graphql(url, CREATE_ROOM, org.tokens.MANAGER, { input })).errors).toBeUndefined();
  // The same name again: the transaction with its audit row rolls back.
  expect((await graphql(url, CREATE_ROOM, org.tokens.MANAGER, { input })).errors![0].extensions.code).toBe(
    'CONFLICT',
  );
  const afterChanges = await scrape(url);
  expect(await rows(`select count(*) from audit_event where organization_id = ? and action <> 'READ'`)).toBe(
    changeRows + 1,
  );
  expect(sample(afterChanges, 'audit_rows_written_total', { kind: 'change' })).toBe(1);
  expect(
    sample(afterChanges, 'graphql_requests_total', { operation: 'CreateRoom', outcome: 'CONFLICT' }),
  ).toBe(1);
});

test('audit rows written: failed logins (a known account, an unknown email) and a login are counted', async () => {
  const { url } = await serve();
  const LOGIN = `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`;
  const loginRows = () =>
    countRows(testApp.orm, `select count(*) from audit_event where action in ('LOGIN', 'LOGIN_FAILED')`);
  const rowsBefore = await loginRows();
  const before = await scrape(url);
  const email = org.users.MARKETING.email;
  const wrong = await graphql(url, LOGIN, undefined, { email, password: 'not-the-password' });
  expect(wrong.errors![0].extensions.code).toBe('UNAUTHENTICATED');
  const unknown = await graphql(url, LOGIN, undefined, {
    email: `nobody-${randomUUID().slice(0, 8)}@example.com`,
    password: 'whatever-it-is',
  });
  expect(unknown.errors![0].extensions.code).toBe('UNAUTHENTICATED');
  const afterFailures = await scrape(url);
  expect(
    sample(afterFailures, 'audit_rows_written_total', { kind: 'login' }) -
      sample(before, 'audit_rows_written_total', { kind: 'login' }),
  ).toBe(2);
  expect(await loginRows()).toBe(rowsBefore + 2);
  const succeeded = await graphql(url, LOGIN, undefined, { email, password: PASSWORD });
  expect(succeeded.data.login.token).toEqual(expect.any(String));
  const afterLogin = await scrape(url);
  expect(
    sample(afterLogin, 'audit_rows_written_total', { kind: 'login' }) -
      sample(before, 'audit_rows_written_total', { kind: 'login' }),
  ).toBe(3);
  expect(await loginRows()).toBe(rowsBefore + 3);
});

test('operation names are capped: past the first distinct names, requests count as "other"', async () => {
  const { url } = await serve();
  const extra = 3;
  for (let index = 0; index < MAX_OPERATION_LABELS + extra; index++)
    await graphql(url, `query Op${index} { __typename }`);
  await graphql(url, `query ${'Long'.repeat(20)} { __typename }`);
  const text = await scrape(url);
  const operations = new Set(
    [...text.matchAll(/^graphql_requests_total\{operation="([^"]+)"/gm)].map(([, operation]) => operation),
  );
  expect(operations.size).toBe(MAX_OPERATION_LABELS + 1);
  expect(operations.has('Op0') && operations.has(`Op${MAX_OPERATION_LABELS - 1}`)).toBe(true);
  expect(operations.has(`Op${MAX_OPERATION_LABELS}`)).toBe(false);
  expect(sample(text, 'graphql_requests_total', { operation: 'other', outcome: 'ok' })).toBe(extra + 1);
});

test('job queues: depth and failed jobs are read from pg-boss at scrape time', async () => {
  const { url, http } = await serve();
  const logger = pino({ level: 'silent' });
  const runner = await startJobRunner(testApp.url, testApp.orm, logger, {
    schedule: false,
    pollingIntervalSeconds: 0.5,
  });
  runners.push(runner);
  expect(await scrape(url)).not.toMatch(/^job_queue_jobs/m);
  http.metrics.observeJobs(runner.boss);

  await runner.boss.createQueue('metrics-waiting', { name: 'metrics-waiting' });
  await runner.boss.send('metrics-waiting', {});
  await runner.boss.send('metrics-waiting', {});
  await runner.boss.createQueue('metrics-failing', { name: 'metrics-failing', retryLimit: 0 });
  await runner.boss.work('metrics-failing', { pollingIntervalSeconds: 0.5 }, async () => {
    throw new Error('this job always fails');
  });
  await runner.boss.send('metrics-failing', {});

  const failed = { queue: 'metrics-failing', state: 'failed' };
  let text = await scrape(url);
  for (let attempt = 0; attempt < 60 && sample(text, 'job_queue_jobs', failed) === 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    text = await scrape(url);
  }
  expect(sample(text, 'job_queue_jobs', failed)).toBe(1);
  expect(sample(text, 'job_queue_jobs', { queue: 'metrics-waiting', state: 'queued' })).toBe(2);
  expect(text).toMatch(/^job_queue_jobs\{queue="care-schedule",state="queued"\} 0$/m);
});

test('production: /metrics is off without METRICS_TOKEN, and needs the token as a bearer when it is set', async () => {
  const closed = await serve({ nodeEnv: 'production', playground: false });
  expect((await fetch(`${closed.url}/metrics`)).status).toBe(404);

  const token = `metrics-${randomUUID()}`;
  const guarded = await serve({ nodeEnv: 'production', playground: false, metricsToken: token });
  const get = (authorization?: string) =>
    fetch(`${guarded.url}/metrics`, { headers: authorization ? { authorization } : {} });
  const anonymous = await get();
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect((await get(`Bearer ${token}x`)).status).toBe(401);
  expect((await get(token)).status).toBe(401);
  const allowed = await get(`Bearer ${token}`);
  expect(allowed.status).toBe(200);
  expect(await allowed.text()).toMatch(/^# TYPE graphql_requests_total counter$/m);

  expect(loadConfig({ METRICS_TOKEN: token }).metricsToken).toBe(token);
  expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
});
