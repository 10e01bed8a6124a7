import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { ConfigError, loadConfig } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import { createOrganization, PASSWORD, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, listen, type TestApp } from '../support/test-app';

describe('logs', () => {
  const lines: string[] = [];
  let testApp: TestApp;
  let org: OrganizationFixture;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    testApp = await createTestApp(createLogger('debug', sink));
    org = await createOrganization(testApp);
    ({ server, url } = await listen(testApp.app));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await testApp.close();
  });

  test('are JSON with request ids, and hold no token, password or health value', async () => {
    const post = (query: string, variables: Record<string, unknown>, token?: string) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
    await post(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, {
      e: org.users.MANAGER.email,
      p: PASSWORD,
    });
    await post(
      `query($id: ID!) { customer(id: $id) { healthProfile { allergies { substance } notes medicalHistory { condition } } } }`,
      { id: org.assigned.id },
      org.tokens.MANAGER,
    );
    await post(
      `mutation($id: ID!) { addAllergy(customerId: $id, input: { substance: "秘密过敏原", category: FOOD }) { id } }`,
      { id: org.assigned.id },
      org.tokens.MANAGER,
    );
    const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.req);
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.every((entry) => typeof entry.req.id === 'string' && entry.req.id.length > 0)).toBe(true);
    const everything = lines.join('\n');
    for (const secret of [PASSWORD, org.tokens.MANAGER, '薰衣草', '健康备注', '高血压', '秘密过敏原'])
      expect(everything).not.toContain(secret);
  });

  test('a failing database write is logged by SQLSTATE, without the SQL or the values written', async () => {
    // A constraint the application does not know makes the allergy insert fail in PostgreSQL (on the
    // category: the substance is sealed at rest, docs/architecture.md "Encryption at rest").
    await testApp.asOwner(
      `alter table allergy add constraint allergy_test_refuses check (category <> 'COSMETIC') not valid`,
    );
    try {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org.tokens.MANAGER}` },
        body: JSON.stringify({
          query: `mutation($id: ID!) { addAllergy(customerId: $id, input: { substance: "乳胶手套过敏", category: COSMETIC, reaction: "红疹瘙痒" }) { id } }`,
          variables: { id: org.assigned.id },
        }),
      });
      expect(((await response.json()) as any).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await testApp.asOwner(`alter table allergy drop constraint allergy_test_refuses`);
    }
    const logged = lines.join('\n');
    expect(logged).toContain('SQLSTATE 23514');
    expect(logged).toContain('allergy_test_refuses');
    for (const value of ['乳胶手套过敏', '红疹瘙痒', 'insert into']) expect(logged).not.toContain(value);
  });
});

describe('configuration', () => {
  test('defaults: port 4000, embedded database, demo data seeded, introspection on', () => {
    expect(loadConfig({})).toMatchObject({
      port: 4000,
      dataDir: '.data',
      databasePoolSize: 10,
      seedDemoData: true,
      introspection: true,
      databaseUrl: undefined,
    });
  });

  test('each bad value is named in one message', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', DATABASE_POOL_SIZE: '0' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    for (const variable of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'DATABASE_POOL_SIZE'])
      expect(message).toContain(variable);
  });

  test('production requires a JWT secret and turns introspection off', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
      DATABASE_URL: 'postgres://db/app',
    });
    expect(config).toMatchObject({ introspection: false, seedDemoData: false });
  });
});
