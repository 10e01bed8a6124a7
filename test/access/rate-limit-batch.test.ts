import { randomUUID } from 'node:crypto';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { Role } from '../../src/entities/access/access.enums';
import type { Viewer } from '../../src/core/viewer';
import { ApiRateLimiter } from '../../src/services/access/rate-limit.service';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * A caller's concurrent spends go to PostgreSQL together (services/access/rate-limit-batch.ts): fewer
 * statements than requests, and the same decisions as one after another.
 */
let testApp: TestApp;
let limiter: ApiRateLimiter;

beforeAll(async () => {
  testApp = await createTestApp();
  limiter = new ApiRateLimiter(testApp.orm.em.getConnection().getKnex(), {
    userPerMinute: 100,
    apiKeyPerMinute: 0,
  });
});
afterAll(() => testApp.close());
afterEach(() => jest.restoreAllMocks());

const someone = (): Viewer => ({
  kind: 'USER',
  id: randomUUID(),
  organizationId: randomUUID(),
  role: Role.FRONT_DESK,
  displayName: '前台',
  scopes: [],
});

test('twelve concurrent requests of 10 points on a budget of 100: ten fit, two are refused, in fewer statements', async () => {
  const consume = jest.spyOn(RateLimiterPostgres.prototype, 'consume');
  const viewer = someone();
  const budgets = await Promise.all(Array.from({ length: 12 }, () => limiter.spend(viewer, 10)));
  const fitting = budgets.filter((budget) => !budget!.exceeded);
  expect(fitting).toHaveLength(10);
  // Each fitting request sees the points left after its own: 90, 80 … 0.
  expect(fitting.map((budget) => budget!.remaining).sort((a, b) => b - a)).toEqual([
    90, 80, 70, 60, 50, 40, 30, 20, 10, 0,
  ]);
  expect(budgets.filter((budget) => budget!.exceeded)).toHaveLength(2);
  expect(consume.mock.calls.length).toBeLessThan(12);
  // The refused points were given back: exactly the budget is spent.
  expect((await limiter.peek(viewer))!.remaining).toBe(0);
});

test('in one batch, a request that does not fit is refused and a smaller one after it still fits', async () => {
  const viewer = someone();
  expect((await limiter.spend(viewer, 70))!.remaining).toBe(30);
  // The first spend of an idle key goes alone; the two made meanwhile go together after it.
  const [, large, small] = await Promise.all([
    limiter.spend(viewer, 1),
    limiter.spend(viewer, 40),
    limiter.spend(viewer, 20),
  ]);
  expect(large).toMatchObject({ exceeded: true, remaining: 9 });
  expect(small).toMatchObject({ exceeded: false, remaining: 9 });
  expect((await limiter.peek(viewer))!.remaining).toBe(9);
});

test('a store failure fails every spend of the batch, and the next spend goes to the store again', async () => {
  const viewer = someone();
  const consume = jest
    .spyOn(RateLimiterPostgres.prototype, 'consume')
    .mockRejectedValueOnce(new Error('connection terminated'));
  const outcomes = await Promise.allSettled([limiter.spend(viewer, 10), limiter.spend(viewer, 10)]);
  expect(outcomes.filter((outcome) => outcome.status === 'rejected').length).toBeGreaterThanOrEqual(1);
  consume.mockRestore();
  expect((await limiter.spend(viewer, 10))!.exceeded).toBe(false);
});
