import { Role } from '../../src/entities/access/access.enums';
import { todayIn } from '../../src/core/time';
import { addMonths } from '../../src/services/reports/period';
import { DemoSeeder } from '../../src/seeders/demo.seeder';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let token: string;

beforeAll(async () => {
  testApp = await createTestApp();
  await new DemoSeeder().run(testApp.orm.em.fork());
  const [owner] = await testApp.orm.em
    .getConnection()
    .execute<{ id: string; organization_id: string }[]>(
      `select id, organization_id from app_user where role = 'OWNER' limit 1`,
    );
  token = (
    await testApp.tokens.issue({ userId: owner.id, organizationId: owner.organization_id, role: Role.OWNER })
  ).token;
});
afterAll(() => testApp.close());

test('the demo data gives the custom, health, transition and product reports numbers over 12 months', async () => {
  const today = todayIn('Asia/Shanghai');
  const period = `{ from: "${addMonths(today, -12)}", to: "${today}", grain: MONTH }`;
  const result = await execute(
    testApp,
    token,
    `{ runCustomReport(period: ${period}, definition: { measures: ["visits", "servicesConsumed"],
         dimensions: ["store", "period"] }) { rows { cells { key count money { minorUnits } } } truncated }
       customerHealthReport { byConstitution { key count suppressed } }
       customerActivityReport { transitions(period: ${period}) { activeToDormant dormantToLost dormantToActive lostToActive } }
       productRanking(period: ${period}, first: 3) { name uses quantity value { minorUnits } } }`,
  );
  expect(result.errors).toBeUndefined();
  const data = result.data!;
  const visits = data.runCustomReport.rows.reduce(
    (sum: number, row: { cells: { count?: number | null }[] }) => sum + (row.cells[2].count ?? 0),
    0,
  );
  expect(visits).toBeGreaterThan(0);
  expect(data.runCustomReport.truncated).toBe(false);
  expect(data.customerHealthReport.byConstitution).toHaveLength(10);
  const moves = data.customerActivityReport.transitions;
  expect(
    moves.activeToDormant + moves.dormantToLost + moves.dormantToActive + moves.lostToActive,
  ).toBeGreaterThan(0);
  expect(data.productRanking.length).toBeGreaterThan(0);
  expect(data.productRanking[0].quantity).toBeGreaterThan(0);
});
