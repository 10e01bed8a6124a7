import { namedStatementCount, runPrepared } from '../../src/services/sql';
import { createTestApp, type TestApp } from '../support/test-app';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp();
});
afterAll(() => testApp.close());

test('texts planned per call take no named slot; a cached text takes one, once', async () => {
  const em = testApp.orm.em.fork();
  const before = namedStatementCount();
  // Searches and custom reports vary their texts; remembered, they filled the 1,000 named slots and
  // read-path statements first seen afterwards ran unnamed, parsed and planned on every call.
  for (let variant = 0; variant < 30; variant++) {
    const [row] = await runPrepared<{ value: number }>(em, `select ?::int + ${variant} as value`, [1], {
      plan: 'per-call',
    });
    expect(row.value).toBe(1 + variant);
  }
  expect(namedStatementCount()).toBe(before);
  for (let call = 0; call < 3; call++) await runPrepared(em, 'select ?::int as value /* cached */', [call]);
  expect(namedStatementCount()).toBe(before + 1);
});
