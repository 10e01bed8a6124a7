import type { Server } from 'node:http';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { parse as parseGraphql } from 'graphql';
import pino from 'pino';
import { todayIn } from '../../src/core/time';
import { User } from '../../src/entities';
import { Role } from '../../src/entities/access/access.enums';
import { StaffRole } from '../../src/entities/staff/staff.enums';
import { buildExecutableSchema } from '../../src/server/build-schema';
import { queryCost } from '../../src/server/query-cost';
import { rfmExport } from '../../src/server/report-export.rfm';
import { addDays } from '../../src/services/reports/period';
import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { newKey } from '../support/ledger-fixtures';
import { createTestApp, execute, listen, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;
let menu: CatalogueFixture;
let server: Server;
let baseUrl: string;

const ZONE = 'Asia/Shanghai';
const BOM = [0xef, 0xbb, 0xbf];
/** More than one page of rfmReport (100), so the RFM export must walk the pages. */
const SCORED = 103;
const period = () => ({ from: addDays(todayIn(ZONE), -20), to: todayIn(ZONE) });
const query = (values: Record<string, string>) => new URLSearchParams(values).toString();

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
    json: () => JSON.parse(body.toString('utf8')),
  };
}

/** The CSV's rows (header first), the byte order mark checked and removed. */
function csvRows(file: Download): string[][] {
  expect([...file.body.subarray(0, 3)]).toEqual(BOM);
  return parse(file.body.subarray(3).toString('utf8'), { relax_column_count: true });
}

async function workbook(file: Download) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(file.body as unknown as ArrayBuffer);
  return book;
}

/** A worksheet's rows as plain values (header first). */
function sheetRows(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

const utcDate = (date: string) => new Date(`${date}T00:00:00Z`);

async function visitAndSettle(customerId: string, therapistId: string, lines: number) {
  const recorded = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId,
        storeId: org.storeId,
        lines: Array.from({ length: lines }, () => ({ serviceId: menu.massage.id, therapistId })),
      },
    },
  );
  if (recorded.errors) throw new Error(JSON.stringify(recorded.errors));
  const settled = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `mutation($input: SettleVisitInput!) { settleVisit(input: $input) { settlement { due { minorUnits } } } }`,
    {
      input: {
        idempotencyKey: newKey('export'),
        visitId: recorded.data!.recordVisit.id,
        externalPayments: [{ method: 'WECHAT_PAY', amountMinorUnits: lines * 19_800 }],
      },
    },
  );
  if (settled.errors) throw new Error(JSON.stringify(settled.errors));
}

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家美容院');
  menu = await createCatalogue(testApp, org);
  // A name a spreadsheet would run as a formula, to check the CSV keeps it text.
  const names = ['=1+2', ...Array.from({ length: SCORED - 1 }, (_, index) => `导出客户${index + 1}`)];
  for (let start = 0; start < names.length; start += 8) {
    await Promise.all(
      names.slice(start, start + 8).map(async (name, offset) => {
        const customer = await createCustomer(testApp, org, name);
        const index = start + offset;
        // Every fifth visit is OTHER_THERAPIST's, so the staff report has a colleague's row.
        const therapist = index % 5 === 0 ? org.users.OTHER_THERAPIST : org.users.THERAPIST;
        await visitAndSettle(customer.id, therapist.id, 1 + (index % 3));
      }),
    );
  }
  ({ url: baseUrl, server } = await listen(testApp.app));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

const REVENUE = `query($period: ReportPeriodInput!) { revenueReport(period: $period) {
  buckets { from to cashReceived { amount } servicesConsumed { amount } settlements averageTicket { amount } }
  total { cashReceived { amount } cardSales { amount } checkoutPayments { amount } servicesConsumed { amount }
    settlements averageTicket { amount } } } }`;

test('revenue as CSV: the byte order mark, the Chinese header row, the numbers of the GraphQL query', async () => {
  const { from, to } = period();
  const file = await download(
    `/exports/reports/revenue.csv?${query({ from, to, grain: 'WEEK' })}`,
    org.tokens.OWNER,
  );
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(file.headers.get('cache-control')).toBe('no-store');
  expect(file.headers.get('content-disposition')).toBe(
    `attachment; filename="revenue_${from}_${to}.csv"; filename*=UTF-8''${encodeURIComponent(`营业额_${from}_${to}.csv`)}`,
  );
  const [header, ...rows] = csvRows(file);
  expect(header).toEqual([
    '区间',
    '开始日期',
    '结束日期',
    '收款',
    '售卡收款',
    '结账收款',
    '消耗',
    '结算单数',
    '客单价',
  ]);

  const graphql = (await execute(testApp, org.tokens.OWNER, REVENUE, { period: { from, to, grain: 'WEEK' } }))
    .data!.revenueReport;
  const buckets = rows.filter((row) => row[0] === '明细');
  expect(buckets.map((row) => [row[1], row[2], row[3], row[6], row[7], row[8]])).toEqual(
    graphql.buckets.map((bucket: any) => [
      bucket.from,
      bucket.to,
      bucket.cashReceived.amount,
      bucket.servicesConsumed.amount,
      String(bucket.settlements),
      bucket.averageTicket.amount,
    ]),
  );
  const total = rows.find((row) => row[0] === '合计')!;
  expect(total).toEqual([
    '合计',
    from,
    to,
    graphql.total.cashReceived.amount,
    graphql.total.cardSales.amount,
    graphql.total.checkoutPayments.amount,
    graphql.total.servicesConsumed.amount,
    String(graphql.total.settlements),
    graphql.total.averageTicket.amount,
  ]);
  // Not trivially zero: 103 settlements of one to three ¥198 massages.
  expect(graphql.total.settlements).toBe(SCORED);
  expect(rows.map((row) => row[0]).slice(-2)).toEqual(['上期(环比)', '去年同期(同比)']);
});

test('revenue as XLSX parsed back: the same numbers, money with a ¥ format, dates as dates', async () => {
  const { from, to } = period();
  const file = await download(
    `/exports/reports/revenue.xlsx?${query({ from, to, grain: 'WEEK' })}`,
    org.tokens.OWNER,
  );
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  const book = await workbook(file);
  const sheet = book.getWorksheet('营业额')!;
  const [header, ...rows] = sheetRows(sheet);
  expect(header).toEqual([
    '区间',
    '开始日期',
    '结束日期',
    '收款',
    '售卡收款',
    '结账收款',
    '消耗',
    '结算单数',
    '客单价',
  ]);
  const graphql = (await execute(testApp, org.tokens.OWNER, REVENUE, { period: { from, to, grain: 'WEEK' } }))
    .data!.revenueReport;
  expect(
    rows.filter((row) => row[0] === '明细').map((row) => [row[1], row[2], row[3], row[6], row[7]]),
  ).toEqual(
    graphql.buckets.map((bucket: any) => [
      utcDate(bucket.from),
      utcDate(bucket.to),
      Number(bucket.cashReceived.amount),
      Number(bucket.servicesConsumed.amount),
      bucket.settlements,
    ]),
  );
  const totalRow = rows.findIndex((row) => row[0] === '合计') + 2;
  expect(sheet.getRow(totalRow).getCell(4).value).toBe(Number(graphql.total.cashReceived.amount));
  expect(sheet.getRow(totalRow).getCell(4).numFmt).toContain('"¥"#,##0.00');
  expect(sheet.getRow(totalRow).getCell(2).numFmt).toBe('yyyy-mm-dd');
  expect(sheet.getRow(1).font?.bold).toBe(true);
});

/** Each report's URL with its arguments, its Chinese file name start, and its first table's header row. */
function everyReport(): [name: string, search: string, title: string, header: string[]][] {
  const { from, to } = period();
  const month = to.slice(0, 7);
  return [
    [
      'growth',
      query({ from, to, grain: 'WEEK', groupBy: 'SOURCE' }),
      '客户增长',
      ['开始日期', '结束日期', '分组', '新增客户数'],
    ],
    ['composition', query({ from, to }), '客户构成', ['维度', '项目', '客户数']],
    ['activity', '', '客户活跃度', ['客户总数', '活跃', '沉睡', '流失', '流失率']],
    [
      'revenue',
      query({ from, to }),
      '营业额',
      ['区间', '开始日期', '结束日期', '收款', '售卡收款', '结账收款', '消耗', '结算单数', '客单价'],
    ],
    ['serviceRanking', query({ from, to, first: '5' }), '项目排行', ['排名', '项目', '次数', '金额(原价)']],
    [
      'liabilities',
      '',
      '储值负债',
      ['储值本金', '储值赠送', '有余额客户数', '次卡剩余次数', '次卡剩余价值', '积分余额', '积分价值'],
    ],
    [
      'staffPerformance',
      query({ from, to }),
      '员工绩效',
      [
        '姓名',
        '服务项次',
        '服务到店次数',
        '业绩(消耗)',
        '平均满意度',
        '服务客户数',
        '回头客户数',
        '回头率',
        '投诉数',
        '预约分钟',
        '排班分钟',
        '利用率',
      ],
    ],
    [
      'rfm',
      '',
      'RFM客户价值',
      [
        '客户姓名',
        '最近到店日期',
        '距今天数(R)',
        '到店次数(F)',
        '消费金额(M)',
        'R评分',
        'F评分',
        'M评分',
        '客户分群',
      ],
    ],
    ['cohorts', query({ from: month, to: month }), '留存', ['首次到店月份', '客户数']],
    ['visitFrequency', query({ from, to }), '到店频次', ['到店次数', '客户数']],
  ];
}

test('every built-in report exports as CSV and as XLSX with its Chinese header row', async () => {
  for (const [name, search, title, header] of everyReport()) {
    const csv = await download(`/exports/reports/${name}.csv?${search}`, org.tokens.OWNER);
    expect([name, csv.status]).toEqual([name, 200]);
    expect([name, csvRows(csv)[0]]).toEqual([name, header]);
    expect(decodeURIComponent(csv.headers.get('content-disposition')!.split("UTF-8''")[1])).toMatch(
      new RegExp(`^${title}[_.]`),
    );
    const xlsx = await download(`/exports/reports/${name}.xlsx?${search}`, org.tokens.OWNER);
    expect([name, xlsx.status]).toEqual([name, 200]);
    const first = (await workbook(xlsx)).worksheets[0];
    expect([name, sheetRows(first)[0]]).toEqual([name, header]);
  }
});

test('a CSV keeps text that a spreadsheet would run as a formula as text', async () => {
  const file = await download('/exports/reports/rfm.csv', org.tokens.OWNER);
  const names = csvRows(file).map((row) => row[0]);
  expect(names).toContain("'=1+2");
  expect(names).not.toContain('=1+2');
});

const RFM_PAGE = `query($after: String) { rfmReport(first: 100, after: $after) { customersScored
  customers { edges { node { name frequency monetary { amount } segmentLabel } } pageInfo { hasNextPage endCursor } } } }`;

async function rfmThroughGraphql(token: string) {
  const nodes: any[] = [];
  let after: string | undefined;
  for (;;) {
    const result = await execute(testApp, token, RFM_PAGE, { after });
    const connection = result.data!.rfmReport.customers;
    nodes.push(...connection.edges.map((edge: any) => edge.node));
    if (!connection.pageInfo.hasNextPage) return nodes;
    after = connection.pageInfo.endCursor;
  }
}

test('RFM exports every scored customer, page after page, in the order GraphQL pages them', async () => {
  const expected = await rfmThroughGraphql(org.tokens.OWNER);
  expect(expected).toHaveLength(SCORED);
  const [, ...rows] = csvRows(await download('/exports/reports/rfm.csv', org.tokens.OWNER));
  expect(rows.map((row) => [row[0].replace(/^'/, ''), row[3], row[4], row[8]])).toEqual(
    expected.map((node) => [node.name, String(node.frequency), node.monetary.amount, node.segmentLabel]),
  );

  const book = await workbook(await download('/exports/reports/rfm.xlsx', org.tokens.OWNER));
  expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['客户评分', '客户分群']);
  expect(sheetRows(book.getWorksheet('客户评分')!)).toHaveLength(SCORED + 1);
  const segments = sheetRows(book.getWorksheet('客户分群')!);
  expect(segments.at(-2)).toEqual(['已评分客户合计', SCORED]);
});

test('MARKETING: RFM without what customers spent (as GraphQL refuses monetary), and no revenue', async () => {
  const expected = await rfmThroughGraphql(org.tokens.MARKETING);
  const [header, ...rows] = csvRows(await download('/exports/reports/rfm.csv', org.tokens.MARKETING));
  expect(header).toEqual([
    '客户姓名',
    '最近到店日期',
    '距今天数(R)',
    '到店次数(F)',
    'R评分',
    'F评分',
    'M评分',
    '客户分群',
  ]);
  expect(rows.map((row) => row[0].replace(/^'/, ''))).toEqual(expected.map((node) => node.name));

  const { from, to } = period();
  for (const format of ['csv', 'xlsx']) {
    const refused = await download(
      `/exports/reports/revenue.${format}?${query({ from, to })}`,
      org.tokens.MARKETING,
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-disposition')).toBeNull();
    expect(refused.json().errors[0]).toMatchObject({
      path: ['revenueReport'],
      extensions: { code: 'FORBIDDEN' },
    });
  }
  const growth = await download(`/exports/reports/growth.csv?${query({ from, to })}`, org.tokens.MARKETING);
  expect(growth.status).toBe(200);
});

test('FRONT_DESK, AUDITOR and API keys export no report; without a token every export is 401', async () => {
  const key = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createApiKey(input: { name: "收银系统" }) { secret } }`,
  );
  const tokens = {
    FRONT_DESK: org.tokens.FRONT_DESK,
    AUDITOR: org.tokens.AUDITOR,
    INTEGRATION: key.data!.createApiKey.secret,
  };
  for (const [name, search] of everyReport()) {
    for (const [role, token] of Object.entries(tokens)) {
      const refused = await download(`/exports/reports/${name}.csv?${search}`, token);
      expect([name, role, refused.status, refused.json().errors[0].extensions.code]).toEqual([
        name,
        role,
        403,
        'FORBIDDEN',
      ]);
    }
    const anonymous = await download(`/exports/reports/${name}.xlsx?${search}`);
    expect([name, anonymous.status, anonymous.json().errors[0].extensions.code]).toEqual([
      name,
      401,
      'UNAUTHENTICATED',
    ]);
  }
  const forged = await download('/exports/reports/liabilities.csv', 'not-a-token');
  expect([forged.status, forged.json().errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
});

test('THERAPIST exports only their own staff row, as GraphQL answers them', async () => {
  const search = query(period());
  const owner = csvRows(await download(`/exports/reports/staffPerformance.csv?${search}`, org.tokens.OWNER));
  expect(
    owner
      .slice(1)
      .map((row) => row[0])
      .sort(),
  ).toEqual(['OTHER_THERAPIST', 'THERAPIST']);
  const own = csvRows(
    await download(`/exports/reports/staffPerformance.csv?${search}`, org.tokens.THERAPIST),
  );
  const graphql = await execute(
    testApp,
    org.tokens.THERAPIST,
    `query($period: ReportPeriodInput!) { staffPerformanceReport(period: $period) {
      therapists { name servicesPerformed revenueAttributed { amount } } } }`,
    { period: period() },
  );
  expect(own.slice(1).map((row) => [row[0], row[1], row[3]])).toEqual(
    graphql.data!.staffPerformanceReport.therapists.map((row: any) => [
      row.name,
      String(row.servicesPerformed),
      row.revenueAttributed.amount,
    ]),
  );
  expect(own.slice(1).map((row) => row[0])).toEqual(['THERAPIST']);
  const consultants = csvRows(
    await download(`/exports/reports/staffPerformance.csv?${search}&table=consultants`, org.tokens.THERAPIST),
  );
  expect(consultants).toEqual([['姓名', '负责客户数', '客户到店次数', '客户消耗']]);
});

test('a bad argument is 400 BAD_USER_INPUT with no file, as GraphQL refuses it', async () => {
  const { from, to } = period();
  const cases: [path: string, field?: string][] = [
    [`/exports/reports/revenue.csv?${query({ from: to, to: addDays(from, -1) })}`],
    [`/exports/reports/revenue.xlsx?${query({ from, to, grain: 'HOUR' })}`],
    [`/exports/reports/revenue.csv?${query({ to })}`],
    [`/exports/reports/serviceRanking.csv?${query({ from, to, first: 'ten' })}`],
    [`/exports/reports/serviceRanking.csv?${query({ from, to, first: '1000' })}`],
    [`/exports/reports/cohorts.csv?${query({ from: '2026-13', to: '2026-14' })}`],
    [`/exports/reports/revenue.csv?${query({ from, to, storeid: org.storeId })}`, 'storeid'],
    [`/exports/reports/revenue.csv?${query({ from, to })}&from=${from}`, 'from'],
    [`/exports/reports/revenue.csv?${query({ from, to, table: 'nope' })}`, 'table'],
  ];
  for (const [path, field] of cases) {
    const refused = await download(path, org.tokens.OWNER);
    expect([path, refused.status, refused.json().errors[0].extensions.code]).toEqual([
      path,
      400,
      'BAD_USER_INPUT',
    ]);
    expect(refused.headers.get('content-disposition')).toBeNull();
    if (field) expect(refused.json().errors[0].extensions).toMatchObject({ field, rule: 'parameter' });
  }
  const unknown = await download('/exports/reports/salaries.csv', org.tokens.OWNER);
  expect([unknown.status, unknown.json().errors[0].extensions.code]).toEqual([404, 'NOT_FOUND']);
});

test("another organization's store is refused as GraphQL refuses it", async () => {
  const { from, to } = period();
  const graphql = await execute(
    testApp,
    org.tokens.OWNER,
    `query($period: ReportPeriodInput!, $storeId: ID) { revenueReport(period: $period, storeId: $storeId) { total { settlements } } }`,
    { period: { from, to }, storeId: other.storeId },
  );
  expect(graphql.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  for (const name of ['revenue', 'visitFrequency', 'rfm']) {
    const search =
      name === 'rfm' ? query({ storeId: other.storeId }) : query({ from, to, storeId: other.storeId });
    const refused = await download(`/exports/reports/${name}.csv?${search}`, org.tokens.OWNER);
    expect([name, refused.status, refused.json().errors[0].extensions]).toEqual([
      name,
      400,
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'storeId' }),
    ]);
  }
  // The other organization's owner exports their own (empty) figures, never these.
  const theirs = csvRows(await download('/exports/reports/rfm.csv', other.tokens.OWNER));
  expect(theirs).toHaveLength(1);
});

test('the rate limit is GraphQL’s: an export that does not fit the budget is 429 with Retry-After and no file', async () => {
  const key = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createApiKey(input: { name: "报表小程序", rateLimitPerMinute: 1 }) { secret } }`,
  );
  const refused = await download('/exports/reports/liabilities.csv', key.data!.createApiKey.secret);
  expect(refused.status).toBe(429);
  expect(refused.json().errors[0].extensions.code).toBe('RATE_LIMITED');
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(refused.headers.get('ratelimit-limit')).toBe('1');
  expect(refused.headers.get('content-disposition')).toBeNull();
});

/** A manager no earlier test has spent the budget of. */
async function freshManagerToken(label: string) {
  const em = testApp.orm.em.fork();
  const user = em.create(User, {
    organization: org.organizationId,
    role: StaffRole.MANAGER,
    email: `export-${label}-${Date.now()}@test.cn`,
    displayName: `经理${label}`,
    passwordHash: 'unused',
  });
  await em.flush();
  return (
    await testApp.tokens.issue({ userId: user.id, organizationId: org.organizationId, role: Role.MANAGER })
  ).token;
}

test('a later page refused mid-way (the budget spent) aborts the download instead of ending the file short', async () => {
  const schema = await buildExecutableSchema({ debug: false });
  const paging = rfmExport.tables[0].paging!;
  const firstCost = queryCost(schema, parseGraphql(rfmExport.document), {}, undefined);
  const pageCost = queryCost(schema, parseGraphql(paging.document), {}, undefined);
  // A second instance on the same database whose budget fits the first page and not the second.
  const tight = await createTestApp(pino({ level: 'silent' }), {
    databaseUrl: testApp.url,
    config: { rateLimits: { userPerMinute: firstCost + pageCost - 1, apiKeyPerMinute: 0 } },
  });
  const { url, server: tightServer } = await listen(tight.app);
  try {
    // Each format spends its user's budget for the minute (earlier tests spent the fixture users').
    for (const format of ['csv', 'xlsx']) {
      const token = await freshManagerToken(format);
      const response = await fetch(`${url}/exports/reports/rfm.${format}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect([format, response.status]).toEqual([format, 200]);
      await expect(response.arrayBuffer()).rejects.toThrow();
    }
  } finally {
    await new Promise((resolve) => tightServer.close(resolve));
    await tight.close();
  }
});
