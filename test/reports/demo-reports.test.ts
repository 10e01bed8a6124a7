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

test('the demo data gives every report non-trivial numbers over the last 12 months (visitors: the last month)', async () => {
  const today = todayIn('Asia/Shanghai');
  const period = `{ from: "${addMonths(today, -12)}", to: "${today}", grain: MONTH }`;
  // Visitors of the last month: the demo's history is younger than a year, so over 12 months all are new.
  const lastMonth = `{ from: "${addMonths(today, -1)}", to: "${today}", grain: WEEK }`;
  const result = await execute(
    testApp,
    token,
    `{ customerGrowthReport(period: ${period}, groupBy: SOURCE) { total groups { key total } }
       customerCompositionReport(period: ${lastMonth}) { total byTier { label count } newVisitors returningVisitors }
       customerActivityReport { total active dormant lost churnRate }
       revenueReport(period: ${period}) { total { cashReceived { minorUnits } cardSales { minorUnits }
         checkoutPayments { minorUnits } servicesConsumed { minorUnits } settlements averageTicket { minorUnits } } }
       serviceRanking(period: ${period}, first: 3) { name count revenue { minorUnits } }
       liabilitiesReport { storedValuePrincipal { minorUnits } storedValueBonus { minorUnits } unusedPunches
         pointsOutstanding } }`,
  );
  expect(result.errors).toBeUndefined();
  const data = result.data!;
  expect(data.customerGrowthReport.total).toBeGreaterThan(0);
  expect(data.customerGrowthReport.groups.length).toBeGreaterThan(1);
  expect(data.customerCompositionReport.byTier.length).toBeGreaterThan(1);
  expect(data.customerCompositionReport.returningVisitors).toBeGreaterThan(0);
  expect(data.customerActivityReport.active).toBeGreaterThan(0);
  expect(data.customerActivityReport.dormant + data.customerActivityReport.lost).toBeGreaterThan(0);
  expect(data.revenueReport.total.cashReceived.minorUnits).toBeGreaterThan(0);
  expect(data.revenueReport.total.servicesConsumed.minorUnits).toBeGreaterThan(0);
  expect(data.serviceRanking.length).toBe(3);
  expect(data.liabilitiesReport.storedValuePrincipal.minorUnits).toBeGreaterThan(0);
});
