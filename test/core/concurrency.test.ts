import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '../../src/core/errors';
import { inTransaction } from '../../src/services/transaction';
import { createCatalogue, localInstant, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createCardProducts, newKey, sellCard, type CardProductsFixture } from '../support/ledger-fixtures';
import { createTestApp, execute, type GraphQLResult, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let testApp: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
let cards: CardProductsFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  menu = await createCatalogue(testApp, org);
  cards = await createCardProducts(testApp, org, menu);
});
afterAll(() => testApp.close());

/** The codes of all errors, so a failing expectation shows what went wrong. */
const codes = (results: GraphQLResult[]) =>
  results.flatMap((result) => (result.errors ?? []).map((error) => String(error.extensions?.code)));

const ledgerSum = (accountId: string, column: string) =>
  countRows(
    testApp.orm,
    `select coalesce(sum(${column}), 0) as count from ledger_entry where account_id = ?`,
    [accountId],
  );

test('15 checkouts and 15 point grants on one customer, all in flight: every one posts once, none fails', async () => {
  const customer = await createCustomer(testApp, org, '并发结账');
  for (let sale = 0; sale < 3; sale++)
    expect(
      (await sellCard(testApp, org.tokens.FRONT_DESK, customer.id, cards.topUp.id)).errors,
    ).toBeUndefined();
  const visits: string[] = [];
  for (let index = 0; index < 15; index++) {
    const visit = await execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
      {
        input: {
          customerId: customer.id,
          storeId: org.storeId,
          lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
        },
      },
    );
    visits.push(visit.data!.recordVisit.id);
  }

  const settle = (visitId: string) =>
    execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($input: SettleVisitInput!) { settleVisit(input: $input) { settlement { pointsEarned } } }`,
      { input: { visitId, storedValueMinorUnits: 19_800, idempotencyKey: newKey('settle') } },
    );
  const earn = () =>
    execute(
      testApp,
      org.tokens.MANAGER,
      `mutation($input: PointsInput!) { earnPoints(input: $input) { entries { id } } }`,
      { input: { customerId: customer.id, points: 10, note: '活动', idempotencyKey: newKey('earn') } },
    );
  const results = await Promise.all(visits.flatMap((visitId) => [settle(visitId), earn()]));
  expect(codes(results)).toEqual([]);

  const accounts = await testApp.orm.em
    .getConnection()
    .execute<{ id: string; kind: string; principal: number; bonus: number; units: number }[]>(
      `select id, kind, principal, bonus, units from account where customer_id = ? order by kind`,
      [customer.id],
    );
  const wallet = accounts.find((account) => account.kind === 'STORED_VALUE')!;
  const points = accounts.find((account) => account.kind === 'POINTS')!;
  // 3 × (¥1000 + ¥100 bonus) in, 15 × ¥198 out; each checkout earns 198 points, each grant 10.
  expect(Number(wallet.principal) + Number(wallet.bonus)).toBe(3 * 110_000 - 15 * 19_800);
  expect(Number(points.units)).toBe(15 * 198 + 15 * 10);
  expect(await ledgerSum(wallet.id, 'principal_delta + bonus_delta')).toBe(3 * 110_000 - 15 * 19_800);
  expect(await ledgerSum(points.id, 'units_delta')).toBe(15 * 198 + 15 * 10);
  expect(
    await countRows(testApp.orm, `select count(*) from settlement where customer_id = ?`, [customer.id]),
  ).toBe(15);
  const [spend] = await testApp.orm.em
    .getConnection()
    .execute<{ lifetime_spend: string }[]>(`select lifetime_spend from customer where id = ?`, [customer.id]);
  expect(Number(spend.lifetime_spend)).toBe(15 * 19_800);
});

test('20 concurrent bookings of one room: one succeeds, the others get CONFLICT, the room is held once', async () => {
  const startsAt = localInstant(2, '15:00');
  const therapists = [org.users.THERAPIST.id, org.users.OTHER_THERAPIST.id];
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      execute(
        testApp,
        org.tokens.FRONT_DESK,
        `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { appointment { id } } }`,
        {
          input: {
            customerId: org.unassigned.id,
            storeId: org.storeId,
            channel: 'FRONT_DESK',
            startsAt,
            items: [
              { serviceId: menu.massage.id, therapistId: therapists[index % 2], roomId: menu.roomA.id },
            ],
          },
        },
      ),
    ),
  );
  expect(codes(results).filter((code) => code !== 'CONFLICT')).toEqual([]);
  expect(results.filter((result) => !result.errors)).toHaveLength(1);
  // Bookings of a store take turns: each loser saw the winner's committed item and names its times.
  for (const result of results.filter((candidate) => candidate.errors)) {
    expect(['ROOM_BUSY', 'THERAPIST_BUSY']).toContain(result.errors![0].extensions!.reason);
    expect(result.errors![0].message).toMatch(/is already booked on .* 15:00–16:10/);
  }
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from appointment_item where room_id = ? and blocking and starts_at = ?`,
      [menu.roomA.id, startsAt],
    ),
  ).toBe(1);
});

test('32 concurrent allergy records by a therapist, more than the pool holds: every one completes', async () => {
  const customer = org.assigned.id;
  const results = await Promise.all(
    Array.from({ length: 32 }, (_, index) =>
      execute(
        testApp,
        org.tokens.THERAPIST,
        `mutation($customerId: ID!, $input: AllergyInput!) { addAllergy(customerId: $customerId, input: $input) { id } }`,
        {
          customerId: customer,
          input: { substance: `并发过敏原${index}`, category: 'OTHER', severity: 'MILD' },
        },
      ),
    ),
  );
  expect(codes(results)).toEqual([]);
  // The substance is stored encrypted (issue 17): read back through the API.
  const read = await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customer(id: $id) { healthProfile { allergies { substance } } } }`,
    { id: customer },
  );
  const substances = (
    read.data as { customer: { healthProfile: { allergies: { substance: string }[] } } }
  ).customer.healthProfile.allergies.map((allergy) => allergy.substance);
  expect(substances.filter((substance) => substance.startsWith('并发过敏原'))).toHaveLength(32);
}, 20_000);

describe('inTransaction', () => {
  const lockCustomer = (em: EntityManager, id: string) =>
    em
      .getConnection()
      .execute(`select id from customer where id = ? for update`, [id], 'all', em.getTransactionContext());

  test('a deadlock victim runs again from the start and both transactions complete', async () => {
    const [first, second] = [org.assigned.id, org.unassigned.id];
    const attempts = [0, 0];
    let arrived = 0;
    let release!: () => void;
    const bothHoldOne = new Promise<void>((resolve) => (release = resolve));
    const crosswise = (index: number, one: string, other: string) =>
      inTransaction(testApp.orm.em.fork(), async (em) => {
        attempts[index]++;
        await lockCustomer(em, one);
        // First attempts only: each holds one row and waits for the other's, PostgreSQL aborts one.
        if (attempts[index] === 1) {
          if (++arrived === 2) release();
          await bothHoldOne;
        }
        await lockCustomer(em, other);
        return index;
      });
    expect(await Promise.all([crosswise(0, first, second), crosswise(1, second, first)])).toEqual([0, 1]);
    expect(attempts[0] + attempts[1]).toBe(3);
  });

  test('retries are bounded, and other errors are not retried', async () => {
    let serializationFailures = 0;
    await expect(
      inTransaction(testApp.orm.em.fork(), async (em) => {
        serializationFailures++;
        await em
          .getConnection()
          .execute(
            `do $$ begin raise exception 'could not serialize' using errcode = '40001'; end $$`,
            [],
            'run',
            em.getTransactionContext(),
          );
      }),
    ).rejects.toMatchObject({ code: '40001' });
    expect(serializationFailures).toBe(4);

    let conflicts = 0;
    await expect(
      inTransaction(testApp.orm.em.fork(), async () => {
        conflicts++;
        throw new ConflictError('The visit is settled already.', { reason: 'ALREADY_SETTLED' });
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(conflicts).toBe(1);
  });
});
