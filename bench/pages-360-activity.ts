import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { prng } from './dataset';
import type { Catalogue, Scope } from './pages-catalogue';
import { rows } from './pages-rows';

/**
 * What is going on with a 360 customer: three upcoming appointments, 14 contacts (沟通记录) over the
 * last nine months with follow-ups, three open care tasks (and a done one the page must not list),
 * and three tags.
 */

const DAY = 24 * 3600 * 1000;
const HOUR = 3600 * 1000;
const iso = (ms: number) => new Date(Math.floor(ms)).toISOString();

const SUMMARIES = [
  '电话回访: 肩颈明显放松, 预约下周再做',
  '微信沟通储值卡余额与到期时间',
  '到店面谈养生方案, 建议艾灸调理一个疗程',
  '短信提醒预约时间',
  '客户反馈力度偏重, 已告知技师',
  '生日问候, 赠送足疗体验券',
];
const CHANNELS = ['PHONE', 'WECHAT', 'FACE_TO_FACE', 'SMS'];
const BOOKING_CHANNELS = ['FRONT_DESK', 'PHONE', 'WECHAT', 'ONLINE'];
const TASKS = [
  ['VISIT_FOLLOW_UP', 'SERVICE', '服务后回访: 肩颈推拿', 1, false],
  ['LOW_BALANCE', 'MARKETING', '储值余额不足 ¥100', 3, false],
  ['BIRTHDAY', 'MARKETING', '生日问候', 5, false],
  ['VISIT_FOLLOW_UP', 'SERVICE', '服务后回访: 足疗', -10, true],
] as const;

export async function loadActivity(
  client: Client,
  scope: Scope & { managerId: string },
  catalogue: Catalogue,
  customerIds: string[],
): Promise<void> {
  const random = prng(361);
  const now = Date.now();
  const appointments = rows(
    'appointment',
    `id uuid, customer_id uuid, status appointment_status, channel booking_channel, starts_at timestamptz,
     ends_at timestamptz, confirmed_at timestamptz, booked_by_id uuid`,
  );
  const items = rows(
    'appointment_item',
    `id uuid, appointment_id uuid, position smallint, service_id uuid, therapist_id uuid, starts_at timestamptz,
     ends_at timestamptz, blocked_until timestamptz`,
  );
  const contacts = rows(
    'communication_entry',
    `id uuid, customer_id uuid, occurred_at timestamptz, channel contact_channel, summary text, follow_up_items text,
     owner_id uuid, due_at timestamptz, status follow_up_status, recorded_by_id uuid, created_at timestamptz,
     updated_at timestamptz`,
  );
  const tasks = rows(
    'care_task',
    `id uuid, customer_id uuid, kind care_task_kind, purpose care_purpose, reason text, suggested_channel contact_channel,
     owner_id uuid, available_from timestamptz, due_at timestamptz, status follow_up_status, dedupe_key varchar,
     completed_at timestamptz, completed_by_id uuid, outcome text, created_at timestamptz, updated_at timestamptz`,
  );
  const tags = rows('customer_tag', 'customer_id uuid, tag_id uuid');
  // One appointment per therapist per 4-hour block (two services with their buffers fit in one), so the
  // exclusion constraints (a therapist is never booked twice at once) hold by construction.
  const firstBlock = Math.ceil(now / DAY) * DAY + 2 * HOUR; // tomorrow 10:00 in Shanghai
  const therapists = catalogue.therapistIds.length;
  let slot = 0;
  for (const [index, customerId] of customerIds.entries()) {
    for (let booking = 0; booking < 3; booking++, slot++) {
      const block = Math.floor(slot / therapists);
      let start = firstBlock + Math.floor(block / 3) * DAY + (block % 3) * 4 * HOUR;
      const [appointmentId, startsAt] = [randomUUID(), iso(start)];
      let endsAt = startsAt;
      for (let position = 1; position <= 1 + (booking % 2); position++) {
        const service = catalogue.services[Math.floor(random() * catalogue.services.length)];
        const end = start + service.minutes * 60_000;
        const blockedUntil = end + service.buffer * 60_000;
        items.add({
          id: randomUUID(),
          appointment_id: appointmentId,
          position,
          service_id: service.id,
          therapist_id: catalogue.therapistIds[slot % therapists],
          starts_at: iso(start),
          ends_at: iso(end),
          blocked_until: iso(blockedUntil),
        });
        [endsAt, start] = [iso(end), blockedUntil];
      }
      appointments.add({
        id: appointmentId,
        customer_id: customerId,
        status: booking === 0 ? 'CONFIRMED' : 'BOOKED',
        channel: BOOKING_CHANNELS[(index + booking) % BOOKING_CHANNELS.length],
        starts_at: startsAt,
        ends_at: endsAt,
        confirmed_at: booking === 0 ? iso(now - DAY) : null,
        booked_by_id: scope.managerId,
      });
    }
    for (let contact = 0; contact < 14; contact++) {
      const at = iso(now - contact * 19 * DAY - index * 1000 - 2 * HOUR);
      const followUp = contact % 4 === 0;
      contacts.add({
        id: randomUUID(),
        customer_id: customerId,
        occurred_at: at,
        channel: CHANNELS[(index + contact) % CHANNELS.length],
        summary: SUMMARIES[(index + contact) % SUMMARIES.length],
        follow_up_items: followUp ? '确认下次预约时间' : null,
        owner_id: followUp ? scope.managerId : null,
        due_at: followUp ? iso(now + (3 - contact) * DAY) : null,
        // A contact without follow-up items is done when logged (communication.service.ts).
        status: followUp && contact < 8 ? 'OPEN' : 'DONE',
        recorded_by_id: scope.managerId,
        created_at: at,
        updated_at: at,
      });
    }
    for (const [position, [kind, purpose, reason, days, done]] of TASKS.entries()) {
      const due = now + days * DAY + index * 1000;
      tasks.add({
        id: randomUUID(),
        customer_id: customerId,
        kind,
        purpose,
        reason,
        suggested_channel: CHANNELS[position],
        owner_id: scope.managerId,
        available_from: iso(due - DAY),
        due_at: iso(due),
        status: done ? 'DONE' : 'OPEN',
        dedupe_key: `BENCH:${kind}:${customerId}:${position}`,
        completed_at: done ? iso(due - HOUR) : null,
        completed_by_id: done ? scope.managerId : null,
        outcome: done ? '已回访, 客户满意' : null,
        created_at: iso(due - DAY),
        updated_at: iso(due - DAY),
      });
    }
    // Pivot rows in tag id order (see loadCatalogue).
    const chosen = [0, 2, 4].map((offset) => catalogue.tagIds[(index + offset) % catalogue.tagIds.length]);
    for (const tagId of chosen.sort()) tags.add({ customer_id: customerId, tag_id: tagId });
  }
  const [organization, store] = [{ organization_id: scope.organizationId }, { store_id: scope.storeId }];
  await appointments.insert(client, { ...organization, ...store });
  await items.insert(client, organization);
  await contacts.insert(client, { ...organization, ...store });
  await tasks.insert(client, { ...organization, ...store });
  await tags.insert(client, organization);
}
