import type { Server } from 'node:http';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { todayIn } from '../../src/core/time';
import { HealthProfile } from '../../src/entities';
import { TcmConstitution } from '../../src/entities/health/health.enums';
import { addDays } from '../../src/services/reports/period';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, listen, type TestApp } from '../support/test-app';
import { createCustomer, createProduct } from '../support/visit-fixtures';

/**
 * The reports issue 15 asked to export too ("any report as CSV and XLSX"): status transitions,
 * product ranking, the health aggregates and a saved custom report, each with its Chinese headers
 * and each answered to exactly the roles GraphQL answers.
 */

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
let server: Server;
let baseUrl: string;
let savedVisits: string;
let savedMoney: string;
let savedHealth: string;
let integrationKey: string;

const ZONE = 'Asia/Shanghai';
const BOM = [0xef, 0xbb, 0xbf];
const today = () => todayIn(ZONE);
const query = (values: Record<string, string>) => new URLSearchParams(values).toString();
const ROLES = [
  'OWNER',
  'MANAGER',
  'MARKETING',
  'FRONT_DESK',
  'CONSULTANT',
  'THERAPIST',
  'AUDITOR',
  'INTEGRATION',
] as const;
type RoleName = (typeof ROLES)[number];
const tokenOf = (role: RoleName) => (role === 'INTEGRATION' ? integrationKey : org.tokens[role]);

interface Download {
  status: number;
  headers: Headers;
  body: Buffer;
  json(): any;
}

async function download(path: string, token?: string): Promise<Download> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    body,
    json: () => JSON.parse(body.toString()),
  };
}

function csvRows(file: Download): string[][] {
  expect([...file.body.subarray(0, 3)]).toEqual(BOM);
  return parse(file.body.subarray(3).toString('utf8'), { relax_column_count: true });
}

async function sheets(file: Download): Promise<Record<string, unknown[][]>> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(file.body as unknown as ArrayBuffer);
  return Object.fromEntries(
    book.worksheets.map((sheet) => {
      const rows: unknown[][] = [];
      sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return [sheet.name, rows];
    }),
  );
}

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  const oil = await createProduct(testApp, org, '薰衣草精油', 100);
  // Five customers of 平和质 (a cell that shows), one of 阴虚质 (a cell that does not).
  const em = testApp.orm.em.fork();
  for (let index = 0; index < 6; index++) {
    const customer = await createCustomer(testApp, org, `导出体质${index}`);
    const constitution = index < 5 ? TcmConstitution.BALANCED : TcmConstitution.YIN_DEFICIENCY;
    em.create(HealthProfile, { organization: org.organizationId, customer: customer.id, constitution });
    const visit = await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
      {
        input: {
          customerId: customer.id,
          storeId: org.storeId,
          lines: [
            {
              serviceId: menu.spa.id,
              therapistId: org.users.THERAPIST.id,
              products: [{ productId: oil.id, quantity: 2 }],
            },
          ],
        },
      },
    );
    if (visit.errors) throw new Error(JSON.stringify(visit.errors));
  }
  await em.flush();
  const save = async (name: string, definition: Record<string, unknown>) => {
    const saved = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($input: SaveCustomReportInput!) { saveCustomReport(input: $input) { id } }`,
      { input: { name, definition } },
    );
    if (saved.errors) throw new Error(JSON.stringify(saved.errors));
    return saved.data!.saveCustomReport.id as string;
  };
  savedVisits = await save('每日到店', {
    measures: ['visits', 'distinctCustomers'],
    dimensions: ['period'],
    grain: 'DAY',
  });
  savedMoney = await save('门店消耗', { measures: ['servicesConsumed'], dimensions: ['store'] });
  savedHealth = await save('体质人数', { measures: ['customers'], dimensions: ['constitution'] });
  const key = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createApiKey(input: { name: "收银系统", scopes: ["customers:read"] }) { secret } }`,
  );
  integrationKey = key.data!.createApiKey.secret;
  ({ url: baseUrl, server } = await listen(testApp.app));
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

const period = () => ({ from: addDays(today(), -6), to: today() });

/** Each new export: its URL parameters, the GraphQL document its policies come from, its Chinese header. */
function newExports(): {
  name: string;
  search: string;
  graphql: string;
  variables: object;
  header: string[];
}[] {
  const { from, to } = period();
  return [
    {
      name: 'statusTransitions',
      search: query({ from, to }),
      graphql: `query($period: ReportPeriodInput!) { customerActivityReport { transitions(period: $period) { activeToDormant } } }`,
      variables: { period: { from, to } },
      header: ['开始日期', '结束日期', '活跃→沉睡', '沉睡→流失', '沉睡→活跃(唤醒)', '流失→活跃(回流)'],
    },
    {
      name: 'productRanking',
      search: query({ from, to }),
      graphql: `query($period: ReportPeriodInput!) { productRanking(period: $period) { productId } }`,
      variables: { period: { from, to } },
      header: ['排名', '产品', '单位', '使用次数', '用量', '价值(按售价)'],
    },
    {
      name: 'healthAggregates',
      search: '',
      graphql: `{ customerHealthReport { minCellCustomers } }`,
      variables: {},
      header: ['项目', '客户数', '已隐藏(少于最小人数)'],
    },
    {
      name: 'customReport',
      search: query({ id: savedVisits, from, to, grain: 'DAY' }),
      graphql: `query($id: ID!, $period: ReportPeriodInput!) { customReport(id: $id) { run(period: $period) { truncated } } }`,
      variables: { id: savedVisits, period: { from, to, grain: 'DAY' } },
      header: ['时间', '到店次数', '到店客户数'],
    },
  ];
}

test('each of them exports as CSV and as XLSX with its Chinese header row', async () => {
  for (const { name, search, header } of newExports()) {
    const csv = await download(`/exports/reports/${name}.csv?${search}`, org.tokens.OWNER);
    expect([name, csv.status]).toEqual([name, 200]);
    expect([name, csvRows(csv)[0]]).toEqual([name, header]);
    const xlsx = await download(`/exports/reports/${name}.xlsx?${search}`, org.tokens.OWNER);
    expect([name, xlsx.status]).toEqual([name, 200]);
    const first = Object.values(await sheets(xlsx))[0];
    expect([name, first[0]]).toEqual([name, header]);
  }
});

test.each(ROLES)(
  '%s exports exactly the new reports GraphQL answers them, else the same refusal',
  async (role) => {
    const token = tokenOf(role);
    const outcomes: Record<string, [string, number]> = {};
    for (const { name, search, graphql, variables } of newExports()) {
      const answer = await execute(testApp, token, graphql, variables as Record<string, unknown>);
      const code = answer.errors?.[0].extensions?.code as string | undefined;
      const file = await download(`/exports/reports/${name}.csv?${search}`, token);
      outcomes[name] = [code ?? 'OK', file.status];
      if (code) expect([name, file.json().errors[0].extensions.code]).toEqual([name, code]);
    }
    const expected: Record<RoleName, Record<string, string>> = {
      OWNER: { statusTransitions: 'OK', productRanking: 'OK', healthAggregates: 'OK', customReport: 'OK' },
      MANAGER: { statusTransitions: 'OK', productRanking: 'OK', healthAggregates: 'OK', customReport: 'OK' },
      MARKETING: {
        statusTransitions: 'OK',
        productRanking: 'FORBIDDEN',
        healthAggregates: 'FORBIDDEN',
        customReport: 'OK',
      },
      FRONT_DESK: allRefused(),
      CONSULTANT: allRefused(),
      THERAPIST: allRefused(),
      AUDITOR: allRefused(),
      INTEGRATION: allRefused(),
    };
    const status = (code: string) => (code === 'OK' ? 200 : 403);
    expect(outcomes).toEqual(
      Object.fromEntries(Object.entries(expected[role]).map(([name, code]) => [name, [code, status(code)]])),
    );
  },
);

function allRefused() {
  return {
    statusTransitions: 'FORBIDDEN',
    productRanking: 'FORBIDDEN',
    healthAggregates: 'FORBIDDEN',
    customReport: 'FORBIDDEN',
  };
}

test('the health aggregates keep the small-cell suppression: a cell under 5 customers has no count', async () => {
  const file = await download('/exports/reports/healthAggregates.xlsx', org.tokens.MANAGER);
  expect(file.status).toBe(200);
  const book = await sheets(file);
  expect(Object.keys(book)).toEqual(['体质分布', '过敏类别', '特殊健康状况']);
  const byLabel = Object.fromEntries(
    book['体质分布'].slice(1).map(([label, count, hidden]) => [label, [count, hidden]]),
  );
  expect(byLabel['平和质']).toEqual([5, undefined]);
  // One 阴虚质 customer (and the fixture's two 气虚质): no count, marked hidden.
  expect(byLabel['阴虚质']).toEqual([undefined, '是']);
  expect(byLabel['气虚质']).toEqual([undefined, '是']);
  const csv = csvRows(
    await download('/exports/reports/healthAggregates.csv?table=constitution', org.tokens.OWNER),
  );
  expect(csv.find((row) => row[0] === '阴虚质')).toEqual(['阴虚质', '', '是']);
  expect(JSON.stringify(csv)).not.toMatch(/导出体质/);
});

test('a saved custom report exports by its id, only for a role that may run it', async () => {
  const { from, to } = period();
  const visits = csvRows(
    await download(
      `/exports/reports/customReport.csv?${query({ id: savedVisits, from, to, grain: 'DAY' })}`,
      org.tokens.OWNER,
    ),
  );
  // Today's six visits of six customers, on the row of today.
  expect(visits.find((row) => row[0] === today())).toEqual([today(), '6', '6']);
  // Money: MARKETING may not run it, as customReport(id).run refuses it over GraphQL.
  const money = query({ id: savedMoney, from, to });
  const owner = await download(`/exports/reports/customReport.xlsx?${money}`, org.tokens.OWNER);
  expect(owner.status).toBe(200);
  expect(Object.values(await sheets(owner))[0][0]).toEqual(['门店', '消耗']);
  const marketing = await download(`/exports/reports/customReport.csv?${money}`, org.tokens.MARKETING);
  expect([marketing.status, marketing.json().errors[0].extensions.code]).toEqual([403, 'FORBIDDEN']);
  // A health custom report: suppressed like the GraphQL result, marked in its own column.
  const health = csvRows(
    await download(
      `/exports/reports/customReport.csv?${query({ id: savedHealth, from, to })}`,
      org.tokens.OWNER,
    ),
  );
  expect(health[0]).toEqual(['体质', '客户数', '已隐藏(少于最小人数)']);
  expect(health.find((row) => row[0] === '平和质')).toEqual(['平和质', '5', '']);
  expect(health.find((row) => row[0] === '阴虚质')).toEqual(['阴虚质', '', '是']);
  const healthForMarketing = await download(
    `/exports/reports/customReport.csv?${query({ id: savedHealth, from, to })}`,
    org.tokens.MARKETING,
  );
  expect(healthForMarketing.status).toBe(403);
  // An id that is no saved report of this organization is 404, as GraphQL answers it.
  const unknown = await download(
    `/exports/reports/customReport.csv?${query({ id: '00000000-0000-4000-8000-000000000000', from, to })}`,
    org.tokens.OWNER,
  );
  expect([unknown.status, unknown.json().errors[0].extensions.code]).toEqual([404, 'NOT_FOUND']);
});
