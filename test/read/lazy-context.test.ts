import pino from 'pino';
import { createContext } from '../../src/server/context';
import { inRequestScope } from '../../src/services/tenancy';
import * as loaders from '../../src/services/read/loaders';
import * as services from '../../src/services';
import { COMPILED_READ_TAG } from '../../src/server/compiled-read/compile-entry';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

/**
 * A request's loaders and services are made on first use (server/context.ts), also through Apollo,
 * which copies the context's own properties into the operation's context: getters among them were
 * called by that copy, and every request made both.
 */
let testApp: TestApp;
let org: OrganizationFixture;
let compiled = 0;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  await createCustomer(testApp, org, '林静怡');
  testApp.orm.em
    .getConnection()
    .getKnex()
    .on('query', (query: { sql: string }) => {
      if (query.sql.startsWith(COMPILED_READ_TAG)) compiled++;
    });
});
afterAll(() => testApp.close());
afterEach(() => jest.restoreAllMocks());

test('a compiled read makes neither loaders nor services', async () => {
  const makeLoaders = jest.spyOn(loaders, 'createLoaders');
  const makeServices = jest.spyOn(services, 'createServices');
  const before = compiled;
  const result = await execute(
    testApp,
    org.tokens.MANAGER,
    '{ customers(first: 20) { totalCount edges { node { id name healthProfile { allergies { substance } } } } } }',
  );
  expect(result.errors).toBeUndefined();
  expect(result.data!.customers.edges.length).toBeGreaterThan(0);
  expect(compiled).toBe(before + 1);
  expect(makeLoaders).not.toHaveBeenCalled();
  expect(makeServices).not.toHaveBeenCalled();
});

test('a request that uses them makes each once', async () => {
  const makeLoaders = jest.spyOn(loaders, 'createLoaders');
  const makeServices = jest.spyOn(services, 'createServices');
  const result = await execute(
    testApp,
    org.tokens.MANAGER,
    `mutation { createCustomer(input: { name: "周晓梅", phone: "13800138123" }) { id name } }`,
  );
  expect(result.errors).toBeUndefined();
  expect(makeServices).toHaveBeenCalledTimes(1);
  expect(makeLoaders).toHaveBeenCalledTimes(1);
});

test("the viewer's child logger is made on first use, once, with the viewer's bindings", async () => {
  const lines: Record<string, unknown>[] = [];
  const requestLogger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line)) },
  );
  const child = jest.spyOn(requestLogger, 'child');
  await inRequestScope(async () => {
    const context = await createContext(
      { orm: testApp.orm, tokens: testApp.tokens, rateLimits: testApp.rateLimits },
      {
        headers: { authorization: `Bearer ${org.tokens.MANAGER}` },
        requestId: 'lazy-logger',
        logger: requestLogger,
      },
    );
    expect(child).not.toHaveBeenCalled();
    context.logger.info('first');
    context.logger.info('second');
    expect(child).toHaveBeenCalledTimes(1);
  });
  expect(lines.map(({ msg, organizationId, role }) => ({ msg, organizationId, role }))).toEqual([
    { msg: 'first', organizationId: org.organizationId, role: 'MANAGER' },
    { msg: 'second', organizationId: org.organizationId, role: 'MANAGER' },
  ]);
});
