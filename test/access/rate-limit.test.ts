import { Client } from 'pg';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import type { TestApp } from '../support/test-app';
import { twoInstances, type TwoInstances } from '../support/two-instances';

const USER_BUDGET = 200;
const config = { rateLimits: { userPerMinute: USER_BUDGET, apiKeyPerMinute: 100_000 } };

let instances: TwoInstances;
let testApp: TestApp;
let org: OrganizationFixture;
let url: string;
let secondUrl: string;

beforeAll(async () => {
  instances = await twoInstances(config);
  ({ first: testApp, url, secondUrl } = instances);
  org = await createOrganization(testApp);
});
afterAll(() => instances.close());

async function post(credential: string, query: string, base = url) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
    body: JSON.stringify({ query }),
  });
  const header = (name: string) => response.headers.get(name);
  return {
    status: response.status,
    body: (await response.json()) as { data?: any; errors?: { message: string; extensions: any }[] },
    limit: Number(header('ratelimit-limit')),
    remaining: Number(header('ratelimit-remaining')),
    reset: Number(header('ratelimit-reset')),
    retryAfter: header('retry-after'),
    hasHeaders: header('ratelimit-limit') !== null && header('ratelimit-remaining') !== null,
  };
}

async function createKey(input: string) {
  return post(
    org.tokens.OWNER,
    `mutation { createApiKey(input: { ${input} }) { secret apiKey { rateLimitPerMinute } } }`,
  );
}

test('an API key with a small budget per minute: headers count down, then RATE_LIMITED with Retry-After', async () => {
  const created = await createKey(`name: "小程序", scopes: ["customers:read"], rateLimitPerMinute: 10`);
  expect(created.body.data.createApiKey.apiKey.rateLimitPerMinute).toBe(10);
  const key = created.body.data.createApiKey.secret as string;

  const remainings: number[] = [];
  let refused: Awaited<ReturnType<typeof post>> | undefined;
  for (let request = 0; request < 12 && !refused; request++) {
    const response = await post(key, '{ viewer { role } }');
    expect(response.limit).toBe(10);
    expect(response.reset).toBeGreaterThan(0);
    expect(response.reset).toBeLessThanOrEqual(60);
    if (response.status === 429) refused = response;
    else {
      expect(response.body.data.viewer.role).toBe('INTEGRATION');
      remainings.push(response.remaining);
    }
  }
  expect(remainings.length).toBeGreaterThan(1);
  for (let index = 1; index < remainings.length; index++) {
    expect(remainings[index]).toBeLessThan(remainings[index - 1]);
  }
  expect(refused).toBeDefined();
  expect(refused!.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 10 });
  const retryAfterSeconds = refused!.body.errors![0].extensions.retryAfterSeconds;
  expect(retryAfterSeconds).toBeGreaterThan(0);
  expect(retryAfterSeconds).toBeLessThanOrEqual(60);
  expect(Number(refused!.retryAfter)).toBe(retryAfterSeconds);
  // The refused request was not counted: what is left is what the last accepted one left.
  expect(refused!.remaining).toBe(remainings.at(-1));
  expect(refused!.body.data).toBeUndefined();
});

test("a staff user's responses carry the RateLimit headers of the user's budget, on every instance", async () => {
  const first = await post(org.tokens.MANAGER, '{ viewer { role } }');
  expect(first.status).toBe(200);
  expect(first.limit).toBe(USER_BUDGET);
  expect(first.remaining).toBeLessThan(USER_BUDGET);
  const cost = USER_BUDGET - first.remaining;
  const second = await post(org.tokens.MANAGER, '{ viewer { role } }', secondUrl);
  expect(second.remaining).toBe(first.remaining - cost);
  // Answered before execution (a parse error): the budget as it is, nothing spent.
  const broken = await post(org.tokens.MANAGER, '{ viewer { role }');
  expect(broken.status).toBe(400);
  expect(broken.hasHeaders).toBe(true);
  expect(broken.remaining).toBe(second.remaining);
  // Anonymous requests have no budget.
  const anonymous = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  expect(anonymous.headers.get('ratelimit-limit')).toBeNull();
});

test('a query that does not fit is refused, and smaller ones that fit still run', async () => {
  const page = '{ customers(first: 40) { edges { node { id name } } } }';
  const accepted = await post(org.tokens.FRONT_DESK, page);
  expect(accepted.status).toBe(200);
  const cost = USER_BUDGET - accepted.remaining;
  expect(cost).toBeGreaterThan(USER_BUDGET / 2);
  const refused = await post(org.tokens.FRONT_DESK, page);
  expect(refused.status).toBe(429);
  expect(refused.body.errors![0].extensions).toMatchObject({
    code: 'RATE_LIMITED',
    cost,
    remaining: accepted.remaining,
  });
  const small = await post(org.tokens.FRONT_DESK, '{ viewer { role } }');
  expect(small.status).toBe(200);
  expect(small.body.data.viewer.role).toBe('FRONT_DESK');
  expect(small.remaining).toBeLessThan(accepted.remaining);
});

test('a query over the whole budget, in flight, never makes a concurrent small one look over budget', async () => {
  const huge = '{ customers(first: 100) { edges { node { id name phone tags { name } } } } }';
  for (let round = 0; round < 10; round++) {
    const [refused, small] = await Promise.all([
      post(org.tokens.CONSULTANT, huge),
      post(org.tokens.CONSULTANT, '{ viewer { role } }'),
    ]);
    expect(refused.status).toBe(429);
    expect(refused.body.errors![0].extensions.code).toBe('RATE_LIMITED');
    expect(small.status).toBe(200);
    expect(small.body.data.viewer.role).toBe('CONSULTANT');
  }
});

test('an API key without its own budget gets the default; a budget below 1 is BAD_USER_INPUT', async () => {
  const created = await createKey(`name: "POS"`);
  expect(created.body.data.createApiKey.apiKey.rateLimitPerMinute).toBeNull();
  const response = await post(created.body.data.createApiKey.secret, '{ viewer { role } }');
  expect(response.limit).toBe(100_000);
  const invalid = await createKey(`name: "零", rateLimitPerMinute: 0`);
  expect(invalid.body.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'rateLimitPerMinute',
  });
});

test('a failing store costs one statement per request, and the request goes on without RateLimit headers', async () => {
  const budgetKey = `user:${org.users.THERAPIST.id}`;
  // Every statement sent to PostgreSQL, counted (not replaced): those on this viewer's counter row.
  const sent = jest.spyOn(Client.prototype, 'query');
  const onTheBudget = () =>
    sent.mock.calls.filter(
      ([statement]) => (statement as { values?: unknown[] })?.values?.[0] === `api_cost:${budgetKey}`,
    ).length;
  await testApp.asOwner('revoke select, insert, update, delete on rate_limit from wellness_runtime');
  try {
    const response = await post(org.tokens.THERAPIST, '{ viewer { role } }');
    // Documented: the request goes on when the counter's store fails.
    expect(response.status).toBe(200);
    expect(response.body.data.viewer.role).toBe('THERAPIST');
    expect(response.hasHeaders).toBe(false);
    // The failed spend only, no second look at a store that just failed.
    expect(onTheBudget()).toBe(1);
  } finally {
    await testApp.asOwner('grant select, insert, update, delete on rate_limit to wellness_runtime');
    sent.mockRestore();
  }
  const recovered = await post(org.tokens.THERAPIST, '{ viewer { role } }');
  expect(recovered.hasHeaders).toBe(true);
});
