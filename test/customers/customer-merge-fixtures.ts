import {
  Allergy,
  CareTask,
  Customer,
  HealthProfile,
  MedicalCondition,
  SpecialCondition,
} from '../../src/entities';
import { CarePurpose, CareTaskKind } from '../../src/entities/care/care.enums';
import { ContactChannel } from '../../src/entities/customers/customers.enums';
import {
  AllergyCategory,
  SpecialConditionKind,
  TcmConstitution,
} from '../../src/entities/health/health.enums';
import { insertAppointment, localInstant, type CatalogueFixture } from '../support/booking-fixtures';
import type { OrganizationFixture } from '../support/fixtures';
import { newKey, sellCard, type CardProductsFixture } from '../support/ledger-fixtures';
import { execute, type TestApp } from '../support/test-app';
import { createCustomer } from '../support/visit-fixtures';

let sequence = 0;

/** Runs an operation and fails the test with the errors if there are any. */
export async function ok(
  testApp: TestApp,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
) {
  const result = await execute(testApp, token, query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!;
}

/**
 * A customer with a bit of everything a merge must carry: a visit settled partly from stored value,
 * a punch card, points, an appointment, a communication, a complaint, a care task, tags, a marketing
 * consent, a health profile with an allergy, a condition and a special condition.
 */
export async function customerWithHistory(
  testApp: TestApp,
  org: OrganizationFixture,
  menu: CatalogueFixture,
  cards: CardProductsFixture,
  name: string,
  fields: Partial<Customer> = {},
  constitution = TcmConstitution.QI_DEFICIENCY,
): Promise<Customer> {
  const created = await createCustomer(testApp, org, name);
  const em = testApp.orm.em.fork();
  const customer = await em.findOneOrFail(Customer, { id: created.id }, { filters: false });
  Object.assign(customer, fields);
  em.create(HealthProfile, {
    organization: org.organizationId,
    customer,
    constitution,
    currentComplaints: [`${name}的主诉`],
    lifestyle: { diet: `${name}饮食 (${constitution})` },
  });
  em.create(Allergy, {
    organization: org.organizationId,
    customer,
    substance: `${name}过敏原`,
    category: AllergyCategory.COSMETIC,
  });
  em.create(MedicalCondition, { organization: org.organizationId, customer, condition: `${name}病史` });
  em.create(SpecialCondition, {
    organization: org.organizationId,
    customer,
    kind: SpecialConditionKind.POST_SURGERY,
    startsOn: '2026-01-01',
  });
  em.create(CareTask, {
    organization: org.organizationId,
    customer,
    kind: CareTaskKind.BIRTHDAY,
    purpose: CarePurpose.MARKETING,
    reason: '生日关怀',
    suggestedChannel: ContactChannel.WECHAT,
    availableFrom: new Date(),
    dueAt: new Date(Date.now() + 86_400_000),
    dedupeKey: `merge-test-${process.pid}-${++sequence}`,
  });
  await em.flush();

  const { FRONT_DESK, MANAGER } = org.tokens;
  const sold = await sellCard(testApp, FRONT_DESK, customer.id, cards.topUp.id);
  if (sold.errors) throw new Error(JSON.stringify(sold.errors));
  const punch = await sellCard(testApp, FRONT_DESK, customer.id, cards.massageCard.id);
  if (punch.errors) throw new Error(JSON.stringify(punch.errors));
  await ok(testApp, MANAGER, `mutation($input: PointsInput!) { earnPoints(input: $input) { dryRun } }`, {
    input: { customerId: customer.id, points: 500, note: '开卡礼', idempotencyKey: newKey('points') },
  });
  const visit = await ok(
    testApp,
    FRONT_DESK,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId: customer.id,
        storeId: org.storeId,
        lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
      },
    },
  );
  await ok(
    testApp,
    FRONT_DESK,
    `mutation($input: SettleVisitInput!) { settleVisit(input: $input) { dryRun } }`,
    {
      input: {
        visitId: visit.recordVisit.id,
        storedValueMinorUnits: menu.massage.price,
        idempotencyKey: newKey('settle'),
      },
    },
  );
  await insertAppointment(testApp, org, {
    customerId: customer.id,
    therapistId: org.users.OTHER_THERAPIST.id,
    service: menu.haircut,
    startsAt: localInstant(2, `1${sequence % 10}:00`),
  });
  await ok(
    testApp,
    FRONT_DESK,
    `mutation($input: RecordCommunicationInput!) { recordCommunication(input: $input) { id } }`,
    { input: { customerId: customer.id, channel: 'WECHAT', summary: `${name}: 预约提醒` } },
  );
  await ok(
    testApp,
    MANAGER,
    `mutation($input: FileComplaintInput!) { fileComplaint(input: $input) { id } }`,
    {
      input: {
        customerId: customer.id,
        storeId: org.storeId,
        channel: 'PHONE',
        subject: '等待太久',
        description: '前台等了半小时',
      },
    },
  );
  await ok(
    testApp,
    MANAGER,
    `mutation($id: ID!, $tags: [String!]!) { setCustomerTags(id: $id, tagNames: $tags) { id } }`,
    { id: customer.id, tags: ['敏感肌', `${name}专属`] },
  );
  await ok(
    testApp,
    MANAGER,
    `mutation($input: SetContactConsentInput!) { setContactConsent(input: $input) { id } }`,
    { input: { customerId: customer.id, channel: 'WECHAT', granted: true, source: '到店签字' } },
  );
  return em.fork().findOneOrFail(Customer, { id: customer.id }, { filters: false });
}

export const MERGE = `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) {
  operationId transfers conflicts { field kept } moved { kind count }
  survivor { id version phone email birthday visitCount lastVisitAt lifetimeSpend { minorUnits } mergedInto { id } }
  merged { id code version archivedAt mergedAt phone mergedInto { id code } } } }`;
