import { CareTask, ContactConsent } from '../../src/entities';
import { CarePurpose, CareTaskKind } from '../../src/entities/care/care.enums';
import { ContactChannel } from '../../src/entities/customers/customers.enums';
import { pinyinKeys } from '../../src/services/customers/pinyin';
import type { CatalogueFixture } from './booking-fixtures';
import { insertAppointment, localInstant } from './booking-fixtures';
import type { OrganizationFixture } from './fixtures';
import { newKey, sellCard, type CardProductsFixture } from './ledger-fixtures';
import { execute, type TestApp } from './test-app';

/** Every text a customer's record holds about them, to look for after an erasure. */
export interface RichCustomer {
  id: string;
  code: string;
  referrerId: string;
  visitIds: string[];
  texts: {
    name: string;
    namePinyin: string;
    phone: string;
    localPhone: string;
    email: string;
    address: string;
    notes: string;
    allergy: string;
    healthNotes: string;
    feedback: string;
    conditionNotes: string;
    appointmentNotes: string;
    communication: string;
    complaint: string;
    careOutcome: string;
    withdrawalSource: string;
  };
}

let sequence = 0;

async function ok(result: Promise<{ errors?: unknown; data?: unknown }>) {
  const answer = await result;
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data as Record<string, any>;
}

/**
 * A customer with something in every section: profile, tags, consents, health profile and records,
 * `visits` visits (the first settled from stored value, which rewards the referrer with a ledger note
 * naming the customer), an appointment to come, a communication, a complaint, a care task, and a
 * withdrawn health consent whose source names the customer (kept in an audit row's fields).
 */
export async function createRichCustomer(
  testApp: TestApp,
  org: OrganizationFixture,
  menu: CatalogueFixture,
  cards: CardProductsFixture,
  options: { visits?: number; name?: string } = {},
): Promise<RichCustomer> {
  const n = ++sequence;
  const name = options.name ?? `欧阳清秋${'甲乙丙丁戊己庚辛'[n % 8]}`;
  const localPhone = `139${String(12_345_600 + n).padStart(8, '0')}`;
  const texts: RichCustomer['texts'] = {
    name,
    namePinyin: pinyinKeys(name).full,
    phone: `+86${localPhone}`,
    localPhone,
    email: `qingqiu.${n}@example.cn`,
    address: `上海市静安区清秋路${n}号`,
    notes: `客户喜欢薄荷茶${n}`,
    allergy: `桂花花粉${n}`,
    healthNotes: `睡眠浅易醒${n}`,
    feedback: `力度刚好很舒服${n}`,
    conditionNotes: `左肩旧伤未愈${n}`,
    appointmentNotes: `希望靠窗房间${n}`,
    communication: `回访时说肩颈轻松${n}`,
    complaint: `精油味道太浓不舒服${n}`,
    careOutcome: `客户表示下周再约${n}`,
    withdrawalSource: `${name}本人电话要求`,
  };
  const owner = org.tokens.OWNER;
  const referrer = await ok(
    execute(
      testApp,
      owner,
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`,
      {
        input: { name: `推荐人${n}`, phone: `1380000${String(1000 + n)}` },
      },
    ),
  );
  const created = await ok(
    execute(
      testApp,
      owner,
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id code } }`,
      {
        input: {
          name,
          phone: localPhone,
          email: texts.email,
          address: texts.address,
          birthday: '1990-05-17',
          notes: texts.notes,
          externalId: `ext-qingqiu-${n}`,
          referrerId: referrer.createCustomer.id,
        },
      },
    ),
  );
  const { id, code } = created.createCustomer as { id: string; code: string };
  await ok(
    execute(
      testApp,
      owner,
      `mutation($input: GiveHealthConsentInput!) { giveHealthConsent(input: $input) { id } }`,
      {
        input: { customerId: id, source: '健康档案知情同意书' },
      },
    ),
  );
  await ok(
    execute(
      testApp,
      owner,
      `mutation($id: ID!, $input: AllergyInput!) { addAllergy(customerId: $id, input: $input) { id } }`,
      { id, input: { substance: texts.allergy, category: 'ENVIRONMENT' } },
    ),
  );
  await ok(
    execute(
      testApp,
      owner,
      `mutation($id: ID!, $input: HealthProfileInput!) { updateHealthProfile(customerId: $id, input: $input) { id } }`,
      { id, input: { notes: texts.healthNotes } },
    ),
  );
  await ok(
    execute(
      testApp,
      owner,
      `mutation($id: ID!, $names: [String!]!) { setCustomerTags(id: $id, tagNames: $names) { id } }`,
      {
        id,
        names: ['薄荷茶爱好者'],
      },
    ),
  );
  await sellCard(testApp, org.tokens.FRONT_DESK, id, cards.topUp.id);
  const visitIds: string[] = [];
  for (let index = 0; index < (options.visits ?? 1); index++) {
    const visit = await ok(
      execute(
        testApp,
        org.tokens.MANAGER,
        `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
        {
          input: {
            customerId: id,
            storeId: org.storeId,
            lines: [{ serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id }],
            feedback: texts.feedback,
            suggestions: `${texts.feedback}，建议加热敷`,
            conditionNotes: texts.conditionNotes,
            nextVisitIntent: '两周后再做肩颈',
          },
        },
      ),
    );
    visitIds.push(visit.recordVisit.id);
  }
  await ok(
    execute(
      testApp,
      org.tokens.FRONT_DESK,
      `mutation($input: SettleVisitInput!) { settleVisit(input: $input) { dryRun } }`,
      {
        input: { visitId: visitIds[0], storedValueMinorUnits: 19_800, idempotencyKey: newKey('settle') },
      },
    ),
  );
  const appointmentId = await insertAppointment(testApp, org, {
    customerId: id,
    therapistId: org.users.THERAPIST.id,
    service: menu.massage,
    startsAt: localInstant(2 + n, '15:00'),
  });
  await testApp.asOwner(`update appointment set notes = $1 where id = $2`, [
    texts.appointmentNotes,
    appointmentId,
  ]);
  await ok(
    execute(
      testApp,
      org.tokens.MANAGER,
      `mutation($input: RecordCommunicationInput!) { recordCommunication(input: $input) { id } }`,
      {
        input: {
          customerId: id,
          channel: 'PHONE',
          summary: texts.communication,
          followUpItems: `${texts.communication}，再约`,
        },
      },
    ),
  );
  await ok(
    execute(
      testApp,
      org.tokens.MANAGER,
      `mutation($input: FileComplaintInput!) { fileComplaint(input: $input) { id } }`,
      {
        input: {
          customerId: id,
          storeId: org.storeId,
          channel: 'PHONE',
          subject: '精油过敏',
          description: texts.complaint,
        },
      },
    ),
  );
  const em = testApp.orm.em.fork();
  em.create(CareTask, {
    organization: org.organizationId,
    customer: id,
    kind: CareTaskKind.VISIT_FOLLOW_UP,
    purpose: CarePurpose.SERVICE,
    reason: `服务后回访: ${name}`,
    suggestedChannel: ContactChannel.PHONE,
    availableFrom: new Date(),
    dueAt: new Date(Date.now() + 86_400_000),
    dedupeKey: `test:${id}:1990-05-17`,
    outcome: texts.careOutcome,
  });
  em.create(ContactConsent, {
    organization: org.organizationId,
    customer: id,
    channel: ContactChannel.SMS,
    granted: true,
    source: '到店签字',
    recordedAt: new Date(),
  });
  await em.flush();
  await ok(
    execute(
      testApp,
      owner,
      `mutation($input: WithdrawHealthConsentInput!) { withdrawHealthConsent(input: $input) { id } }`,
      {
        input: { customerId: id, source: texts.withdrawalSource },
      },
    ),
  );
  return { id, code, referrerId: referrer.createCustomer.id, visitIds, texts };
}
