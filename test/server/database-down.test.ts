import { Client } from 'pg';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, listen, type TestApp } from '../support/test-app';
import type { Server } from 'node:http';

let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let url: string;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  ({ server, url } = await listen(testApp.app));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

/** Runs SQL on the cluster's maintenance database (the test database itself may refuse us). */
async function onCluster(sql: string): Promise<void> {
  const client = new Client({ connectionString: process.env.WELLNESS_TEST_SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const post = (token: string) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ customers(first: 2) { totalCount edges { node { name } } } }' }),
  });

test('while the database is down requests answer 503 SERVICE_UNAVAILABLE with Retry-After, and recover by themselves', async () => {
  const database = new URL(testApp.url).pathname.slice(1);
  expect((await post(org.tokens.MANAGER)).status).toBe(200);
  await onCluster(`alter database "${database}" allow_connections false`);
  try {
    await onCluster(
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database}' and pid <> pg_backend_pid()`,
    );
    for (const token of [org.tokens.MANAGER, org.tokens.FRONT_DESK]) {
      const response = await post(token);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      const body = (await response.json()) as any;
      expect(body.errors[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      expect(JSON.stringify(body)).not.toMatch(/select |ECONN|stack/i);
    }
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
  } finally {
    await onCluster(`alter database "${database}" allow_connections true`);
  }
  const started = Date.now();
  let status = 0;
  while (Date.now() - started < 10_000) {
    status = (await post(org.tokens.MANAGER)).status;
    if (status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(status).toBe(200);
});
