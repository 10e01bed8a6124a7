import { AppointmentStatus } from '../../src/entities/booking/booking.enums';
import { createCatalogue, insertAppointment, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { createCustomer, createProduct } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
});
afterAll(() => testApp.close());

const VISIT = `id visitedAt appointmentId effect satisfaction feedback suggestions nextVisitIntent nextVisitOn
  lines { position durationMinutes bodyArea service { name } therapist { id }
          products { productName unit quantity } }
  customer { id visitCount lastVisitAt status }`;

const record = (token: string, input: Record<string, unknown>, fields = VISIT) =>
  execute(
    testApp,
    token,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { ${fields} } }`,
    {
      input,
    },
  );

const stockOf = (productId: string) =>
  countRows(
    testApp.orm,
    'select quantity as count from product_stock where product_id = ? and store_id = ?',
    [productId, org.storeId],
  );
const visitsOf = (customerId: string) =>
  countRows(testApp.orm, 'select count(*) from visit where customer_id = ?', [customerId]);
const visitCountOf = (customerId: string) =>
  countRows(testApp.orm, 'select visit_count as count from customer where id = ?', [customerId]);

const arrivedAppointment = (
  customerId: string,
  status = AppointmentStatus.ARRIVED,
  therapistId = org.users.THERAPIST.id,
) =>
  insertAppointment(testApp, org, {
    customerId,
    therapistId,
    service: menu.massage,
    startsAt: new Date(Date.now() - 30 * 60_000),
    status,
  });

test('the therapist records a visit from a checked-in appointment: lines, stock, aggregates, COMPLETED', async () => {
  const customer = await createCustomer(testApp, org, '王芳', {
    lastVisitAt: new Date(Date.now() - 120 * 86_400_000),
    createdAt: new Date(Date.now() - 400 * 86_400_000),
  });
  const oil = await createProduct(testApp, org, '薰衣草精油', 50);
  const appointmentId = await arrivedAppointment(customer.id);
  const before = await execute(testApp, org.tokens.MANAGER, `{ customer(id: "${customer.id}") { status } }`);
  expect(before.data!.customer.status).toBe('DORMANT');

  const result = await record(org.tokens.THERAPIST, {
    appointmentId,
    lines: [
      {
        serviceId: menu.massage.id,
        bodyArea: '肩颈',
        products: [{ productId: oil.id, quantity: 5 }],
      },
    ],
    effect: 'SYMPTOM_RELIEF',
    satisfaction: 5,
    feedback: '肩膀轻松多了',
    suggestions: '希望房间再暖一点',
    nextVisitIntent: '两周后再做肩颈',
    nextVisitOn: '2026-12-06',
    conditionNotes: '左肩僵硬明显',
  });
  expect(result.errors).toBeUndefined();
  const visit = result.data!.recordVisit;
  expect(visit).toMatchObject({
    appointmentId,
    effect: 'SYMPTOM_RELIEF',
    satisfaction: 5,
    nextVisitOn: '2026-12-06',
    lines: [
      {
        position: 0,
        durationMinutes: 60,
        bodyArea: '肩颈',
        service: { name: '肩颈推拿' },
        therapist: { id: org.users.THERAPIST.id },
        products: [{ productName: '薰衣草精油', unit: 'ml', quantity: 5 }],
      },
    ],
    customer: { id: customer.id, visitCount: 1, status: 'ACTIVE' },
  });
  expect(await stockOf(oil.id)).toBe(45);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from stock_movement where product_id = ? and reason = 'VISIT_USE' and delta = -5 and visit_id = ?`,
      [oil.id, visit.id],
    ),
  ).toBe(1);
  const appointment = await execute(
    testApp,
    org.tokens.FRONT_DESK,
    `{ appointment(id: "${appointmentId}") { status completedAt } }`,
  );
  expect(appointment.data!.appointment.status).toBe('COMPLETED');
  // The audit names the fields written, never their values.
  const [audit] = await testApp.orm.em
    .fork()
    .getConnection()
    .execute(`select fields::text as fields from audit_event where entity_type = 'Visit' and entity_id = ?`, [
      visit.id,
    ]);
  expect(audit.fields).toContain('conditionNotes');
  expect(audit.fields).not.toContain('左肩');

  // Recording it twice is refused.
  const again = await record(org.tokens.THERAPIST, { appointmentId });
  expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATE' });
  expect(await visitsOf(customer.id)).toBe(1);
});

test('only a checked-in appointment can become a visit; walk-ins need customer, store and lines', async () => {
  const customer = await createCustomer(testApp, org, '赵敏');
  const booked = await arrivedAppointment(
    customer.id,
    AppointmentStatus.BOOKED,
    org.users.OTHER_THERAPIST.id,
  );
  const notArrived = await record(org.tokens.FRONT_DESK, { appointmentId: booked });
  expect(notArrived.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATE' });
  expect(notArrived.errors![0].message).toMatch(/check the customer in/);

  const cases: [Record<string, unknown>, string][] = [
    [
      { storeId: org.storeId, lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }] },
      'customerId',
    ],
    [
      {
        customerId: customer.id,
        lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
      },
      'storeId',
    ],
    [{ customerId: customer.id, storeId: org.storeId }, 'lines'],
    [
      { customerId: customer.id, storeId: org.storeId, lines: [{ serviceId: menu.massage.id }] },
      'lines[0].therapistId',
    ],
    [
      {
        customerId: customer.id,
        storeId: org.storeId,
        visitedAt: new Date(Date.now() + 86_400_000).toISOString(),
        lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
      },
      'visitedAt',
    ],
  ];
  for (const [input, field] of cases) {
    const result = await record(org.tokens.FRONT_DESK, input);
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  }
  const badSatisfaction = await record(org.tokens.FRONT_DESK, {
    customerId: customer.id,
    storeId: org.storeId,
    satisfaction: 6,
    lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
  });
  expect(badSatisfaction.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  expect(await visitsOf(customer.id)).toBe(0);
  expect(await visitCountOf(customer.id)).toBe(0);
});

test('stock never goes negative silently: the visit fails whole, unless the store allows negative stock', async () => {
  const customer = await createCustomer(testApp, org, '孙丽');
  const mask = await createProduct(testApp, org, '补水面膜', 1);
  const oil = await createProduct(testApp, org, '玫瑰精油', 10);
  const input = {
    customerId: customer.id,
    storeId: org.storeId,
    lines: [
      {
        serviceId: menu.massage.id,
        therapistId: org.users.THERAPIST.id,
        products: [
          { productId: oil.id, quantity: 3 },
          { productId: mask.id, quantity: 2 },
        ],
      },
    ],
  };
  const short = await record(org.tokens.FRONT_DESK, input);
  expect(short.errors![0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    reason: 'INSUFFICIENT_STOCK',
    field: 'lines[0].products[1].quantity',
    available: 1,
    requested: 2,
  });
  expect(short.errors![0].message).toContain('补水面膜');
  // Nothing half-written: the oil taken before the failure is back, no visit, no count.
  expect(await stockOf(oil.id)).toBe(10);
  expect(await stockOf(mask.id)).toBe(1);
  expect(await visitsOf(customer.id)).toBe(0);
  expect(await visitCountOf(customer.id)).toBe(0);
  expect(
    await countRows(
      testApp.orm,
      'select count(*) from stock_movement where product_id in (?, ?) and delta < 0',
      [oil.id, mask.id],
    ),
  ).toBe(0);

  await testApp.orm.em
    .fork()
    .getConnection()
    .execute('update store set allow_negative_stock = true where id = ?', [org.storeId]);
  try {
    const allowed = await record(org.tokens.FRONT_DESK, input);
    expect(allowed.errors).toBeUndefined();
    expect(await stockOf(mask.id)).toBe(-1);
    expect(await stockOf(oil.id)).toBe(7);
  } finally {
    await testApp.orm.em
      .fork()
      .getConnection()
      .execute('update store set allow_negative_stock = false where id = ?', [org.storeId]);
  }
});

test('concurrent visits: every one counts, the latest visit wins, and the last units go once', async () => {
  const customer = await createCustomer(testApp, org, '周杰');
  const cream = await createProduct(testApp, org, '按摩膏', 5);
  const times = Array.from({ length: 10 }, (_, index) => new Date(Date.now() - (index + 1) * 3_600_000));
  const results = await Promise.all(
    times.map((visitedAt) =>
      record(
        org.tokens.FRONT_DESK,
        {
          customerId: customer.id,
          storeId: org.storeId,
          visitedAt: visitedAt.toISOString(),
          lines: [
            {
              serviceId: menu.haircut.id,
              therapistId: org.users.OTHER_THERAPIST.id,
              products: [{ productId: cream.id, quantity: 1 }],
            },
          ],
        },
        'id',
      ),
    ),
  );
  const succeeded = results.filter((result) => !result.errors);
  const failed = results.filter((result) => result.errors);
  expect(succeeded).toHaveLength(5);
  expect(failed.map((result) => result.errors![0].extensions!.reason)).toEqual(
    Array(5).fill('INSUFFICIENT_STOCK'),
  );
  expect(await stockOf(cream.id)).toBe(0);
  expect(await visitCountOf(customer.id)).toBe(5);
  const [row] = await testApp.orm.em
    .fork()
    .getConnection()
    .execute(
      'select last_visit_at, (select max(visited_at) from visit where customer_id = ?) as latest from customer where id = ?',
      [customer.id, customer.id],
    );
  expect(row.last_visit_at).toEqual(row.latest);
});

test('a POS retry with the same idempotency key records once; another input with that key is refused', async () => {
  const customer = await createCustomer(testApp, org, '吴静');
  const input = {
    customerId: customer.id,
    storeId: org.storeId,
    idempotencyKey: `pos-visit-${customer.id}`,
    lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
  };
  const first = await record(org.tokens.FRONT_DESK, input, 'id customer { visitCount }');
  const retry = await record(org.tokens.FRONT_DESK, input, 'id customer { visitCount }');
  expect(retry.data!.recordVisit).toEqual(first.data!.recordVisit);
  expect(await visitsOf(customer.id)).toBe(1);
  const reused = await record(org.tokens.FRONT_DESK, { ...input, satisfaction: 4 }, 'id');
  expect(reused.errors![0].extensions!.code).toBe('IDEMPOTENCY_KEY_REUSED');
  expect(await visitsOf(customer.id)).toBe(1);
});

test('roles: a therapist records only their own work; health notes only by roles that may read them', async () => {
  const customer = await createCustomer(testApp, org, '郑爽');
  const theirs = await record(org.tokens.THERAPIST, {
    customerId: customer.id,
    storeId: org.storeId,
    lines: [{ serviceId: menu.massage.id, therapistId: org.users.OTHER_THERAPIST.id }],
  });
  expect(theirs.errors![0].extensions!.code).toBe('FORBIDDEN');
  const deskNotes = await record(org.tokens.FRONT_DESK, {
    customerId: customer.id,
    storeId: org.storeId,
    conditionNotes: '腰椎不适',
    lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
  });
  expect(deskNotes.errors![0].extensions!.code).toBe('FORBIDDEN');
  expect(deskNotes.errors![0].message).toMatch(/conditionNotes/);
  for (const role of ['MARKETING', 'AUDITOR'] as const) {
    const result = await record(org.tokens[role], {
      customerId: customer.id,
      storeId: org.storeId,
      lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
    });
    expect(result.errors![0].extensions!.code).toBe('FORBIDDEN');
  }
  expect(await visitsOf(customer.id)).toBe(0);
  // The therapist defaults to themselves.
  const own = await record(org.tokens.THERAPIST, {
    customerId: customer.id,
    storeId: org.storeId,
    lines: [{ serviceId: menu.massage.id }],
  });
  expect(own.data!.recordVisit.lines[0].therapist.id).toBe(org.users.THERAPIST.id);
});
