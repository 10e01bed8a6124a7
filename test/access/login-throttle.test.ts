import { createHash } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/server/config';
import * as passwords from '../../src/services/access/password.service';
import { LoginThrottle, type LoginThrottleSettings } from '../../src/services/access/login-throttle.service';
import { addressKey } from '../../src/services/access/rate-limit-store';
import { RateLimitedError } from '../../src/core/errors';
import { createOrganization, PASSWORD, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, listen, type TestApp } from '../support/test-app';
import { twoInstances, type TwoInstances } from '../support/two-instances';

const throttle: LoginThrottleSettings = {
  freeAttempts: 3,
  firstDelaySeconds: 60,
  maxDelaySeconds: 900,
  failureWindowSeconds: 3600,
  addressMaxFailures: 6,
  addressWindowSeconds: 3600,
};
// The test client sits behind "a proxy" on loopback: X-Forwarded-For says which address it is.
const config = { trustProxy: ['loopback'], loginThrottle: throttle };

let instances: TwoInstances;
let testApp: TestApp;
let org: OrganizationFixture;
let url: string;
let secondUrl: string;

beforeAll(async () => {
  // A second instance on the same database: the throttle's state is in PostgreSQL, not in a process.
  instances = await twoInstances(config);
  ({ first: testApp, url, secondUrl } = instances);
  org = await createOrganization(testApp);
});
afterAll(() => instances.close());
afterEach(() => jest.restoreAllMocks());

async function login(email: string, password: string, address: string, base = url) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({
      query: `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`,
      variables: { email, password },
    }),
  });
  const body = (await response.json()) as {
    data?: { login: { token: string } } | null;
    errors?: { message: string; extensions: Record<string, unknown> }[];
  };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

const codeOf = (result: Awaited<ReturnType<typeof login>>) => result.body.errors?.[0]?.extensions.code;

test('after the free attempts a login is RATE_LIMITED with Retry-After, also with the right password; another address still gets in', async () => {
  const email = org.users.OWNER.email;
  for (let attempt = 1; attempt <= throttle.freeAttempts; attempt++) {
    expect(codeOf(await login(email, 'wrong-password', '203.0.113.7'))).toBe('UNAUTHENTICATED');
  }
  const verify = jest.spyOn(passwords, 'verifyPassword');
  const throttled = await login(email, 'wrong-password', '203.0.113.7');
  expect(throttled.status).toBe(429);
  expect(throttled.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
  const retryAfterSeconds = throttled.body.errors![0].extensions.retryAfterSeconds as number;
  expect(retryAfterSeconds).toBeGreaterThan(0);
  expect(retryAfterSeconds).toBeLessThanOrEqual(throttle.firstDelaySeconds);
  expect(Number(throttled.retryAfter)).toBe(retryAfterSeconds);

  const rightButThrottled = await login(email, PASSWORD, '203.0.113.7');
  expect(codeOf(rightButThrottled)).toBe('RATE_LIMITED');
  expect(rightButThrottled.body.data?.login).toBeUndefined();
  // Refused before the password is hashed: a throttled attempt burns no scrypt.
  expect(verify).not.toHaveBeenCalled();

  const elsewhere = await login(email, PASSWORD, '198.51.100.20');
  expect(elsewhere.body.errors).toBeUndefined();
  expect(elsewhere.body.data?.login.token).toEqual(expect.any(String));
  expect(verify).toHaveBeenCalledTimes(1); // the spy does see the checks that run
});

test('parallel attempts cannot slip past the count between a read and a write', async () => {
  const results = await Promise.all(
    Array.from({ length: 10 }, () => login(org.users.THERAPIST.email, 'wrong-password', '203.0.113.80')),
  );
  const codes = results.map(codeOf);
  expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(throttle.freeAttempts);
  expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(10 - throttle.freeAttempts);
});

test('failed logins are in the audit log with address and reason, never the password', async () => {
  const user = org.users.AUDITOR;
  await login(user.email, 'secret-guess-1', '203.0.113.30');
  await login('nobody-here@test.cn', 'secret-guess-2', '203.0.113.30');
  const rows = await testApp.orm.em.getConnection().execute(
    `select organization_id, role, actor_user_id, entity_id, reason, host(client_address) as address,
              email_hash, row_to_json(a)::text as everything
         from audit_event a where action = 'LOGIN_FAILED' and client_address = '203.0.113.30' order by id`,
  );
  expect(rows).toEqual([
    expect.objectContaining({
      organization_id: org.organizationId,
      role: 'AUDITOR',
      actor_user_id: null,
      entity_id: user.id,
      reason: 'WRONG_PASSWORD',
      address: '203.0.113.30',
      email_hash: null,
    }),
    expect.objectContaining({
      organization_id: null,
      role: null,
      entity_id: null,
      reason: 'UNKNOWN_EMAIL',
      email_hash: createHash('sha256').update('nobody-here@test.cn').digest('hex'),
    }),
  ]);
  for (const row of rows) expect(row.everything).not.toMatch(/secret-guess/);

  // The organization's auditors see the attempts on their accounts.
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${org.tokens.OWNER}` },
    body: JSON.stringify({
      query: `{ auditEvents(first: 20) { edges { node { action entityId reason clientAddress } } } }`,
    }),
  });
  const events = ((await response.json()) as any).data.auditEvents.edges.map((edge: any) => edge.node);
  expect(events).toContainEqual({
    action: 'LOGIN_FAILED',
    entityId: user.id,
    reason: 'WRONG_PASSWORD',
    clientAddress: '203.0.113.30',
  });
});

test('a successful login resets the count of its account and address', async () => {
  const email = org.users.MANAGER.email;
  const address = '203.0.113.40';
  for (let attempt = 1; attempt < throttle.freeAttempts; attempt++) {
    expect(codeOf(await login(email, 'wrong-password', address))).toBe('UNAUTHENTICATED');
  }
  expect((await login(email, PASSWORD, address)).body.data?.login.token).toEqual(expect.any(String));
  for (let attempt = 1; attempt < throttle.freeAttempts; attempt++) {
    expect(codeOf(await login(email, 'wrong-password', address))).toBe('UNAUTHENTICATED');
  }
});

test('two instances on one database share the count', async () => {
  const email = org.users.FRONT_DESK.email;
  const address = '203.0.113.50';
  for (let attempt = 1; attempt <= throttle.freeAttempts; attempt++) {
    const base = attempt % 2 === 0 ? secondUrl : url;
    expect(codeOf(await login(email, 'wrong-password', address, base))).toBe('UNAUTHENTICATED');
  }
  expect(codeOf(await login(email, PASSWORD, address, secondUrl))).toBe('RATE_LIMITED');
  expect(codeOf(await login(email, PASSWORD, address, url))).toBe('RATE_LIMITED');
});

test('many failures from one address throttle every account from it, not from elsewhere', async () => {
  const address = '203.0.113.60';
  for (let attempt = 1; attempt <= throttle.addressMaxFailures; attempt++) {
    expect(codeOf(await login(`guess-${attempt}@test.cn`, 'wrong', address))).toBe('UNAUTHENTICATED');
  }
  const refused = await login(org.users.MARKETING.email, PASSWORD, address);
  expect(codeOf(refused)).toBe('RATE_LIMITED');
  expect(Number(refused.retryAfter)).toBeGreaterThan(throttle.addressWindowSeconds - 60);
  expect((await login(org.users.MARKETING.email, PASSWORD, '198.51.100.60')).body.data?.login.token).toEqual(
    expect.any(String),
  );
});

test('without TRUST_PROXY the socket address counts and X-Forwarded-For is ignored', async () => {
  const direct = await createTestApp(undefined, {
    config: { loginThrottle: throttle },
    databaseUrl: testApp.url,
  });
  const { server, url: directUrl } = await listen(direct.app);
  try {
    const email = org.users.CONSULTANT.email;
    for (let attempt = 1; attempt <= throttle.freeAttempts; attempt++) {
      const spoofed = `192.0.2.${attempt}`;
      expect(codeOf(await login(email, 'wrong-password', spoofed, directUrl))).toBe('UNAUTHENTICATED');
    }
    expect(codeOf(await login(email, PASSWORD, '192.0.2.99', directUrl))).toBe('RATE_LIMITED');
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await direct.close();
  }
  expect(loadConfig({}).trustProxy).toBeUndefined();
  expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
  expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
  expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(ConfigError);
});

test('the wait doubles per further attempt up to the cap, and waiting as told gets the next try', async () => {
  const limiter = new LoginThrottle(testApp.orm.em.getConnection().getKnex(), {
    ...throttle,
    freeAttempts: 1,
    firstDelaySeconds: 1,
    maxDelaySeconds: 2,
  });
  const waitOf = async () => {
    try {
      await limiter.admit('doubling@test.cn', '203.0.113.70');
      return 0;
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      return error.details.retryAfterSeconds as number;
    }
  };
  const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 150));
  expect(await waitOf()).toBe(0); // the free attempt
  expect(await waitOf()).toBe(1);
  await sleep(1);
  expect(await waitOf()).toBe(0);
  expect(await waitOf()).toBe(2); // doubled
  await sleep(2);
  expect(await waitOf()).toBe(0);
  expect(await waitOf()).toBe(2); // 4 s, capped at 2
});

test('an address key: IPv4 as is, IPv6 by its /64, IPv4 written as IPv6 as its IPv4 address', () => {
  expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
  expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  expect(addressKey('::ffff:cb00:7107')).toBe('203.0.113.7');
  expect(addressKey('64:ff9b::203.0.113.7')).toBe('203.0.113.7');
  expect(addressKey('2001:db8:0:12:a::1')).toBe('2001:db8:0:12::/64');
  expect(addressKey('2001:db8:0:12:b::2')).toBe('2001:db8:0:12::/64');
  expect(addressKey('::1')).not.toBe(addressKey('::ffff:c000:0280'));
  expect(addressKey('not an address')).toBe('unknown');
  expect(addressKey(undefined)).toBe('unknown');
});
