import { CareTaskKind } from '../../entities/care/care.enums';
import {
  CLOCK,
  ON_CONFLICT,
  TASK_COLUMNS,
  careOwner,
  customerStore,
  localInstant,
  localToday,
  marketingAllowed,
  marketingChannel,
  serviceChannel,
  storeManager,
} from './care-sql';

/**
 * One INSERT … SELECT per kind of care task; see care-sql.ts for the shared parts. Run in this order
 * inside one transaction: the frequency cap counts the marketing tasks inserted before.
 * Every statement takes the parameters [now, organizationId].
 */
const row = (kind: CareTaskKind, purpose: 'SERVICE' | 'MARKETING', store: string) =>
  `gen_random_uuid(), o.id, k.now, k.now, 1, 'OPEN', c.id, ${store}, '${kind}', '${purpose}'`;

const insert = (extraColumns: string[], select: string) => `with ${CLOCK}
  insert into care_task (${TASK_COLUMNS}${extraColumns.map((column) => `, ${column}`).join('')})
  ${select}
  ${ON_CONFLICT}`;

/**
 * Skips candidates whose task exists already, before the costlier consent and cap checks: on a
 * re-run (every 15 minutes) nearly every candidate is one (a probe of the unique index, see
 * Migration20261129193000_care_task_list_index for why it is a function).
 */
const notCreatedYet = (key: string) => `not care_task_exists(o.id, ${key})`;

const BIRTHDAY_KEY = `'BIRTHDAY:' || c.id || ':' || b.day`;
const HOLIDAY_KEY = `'HOLIDAY:' || h.date || ':' || c.id`;
const WAKE_UP_KEY = `'DORMANT_WAKE_UP:' || c.id || ':' || to_char(c.last_visit_at, 'YYYYMMDDHH24MISS')`;

/** The organization's UTC dates that any store's local greeting window can touch (zones are ±1 day). */
const nearDates = `generate_series(k.now::date - 1, k.now::date + o.greeting_lead_days + 1, interval '1 day')`;

/** Zone of a store (alias given), else of the organization. */
const zoneOf = (store: string) =>
  `coalesce((select s.timezone from store s where s.id = ${store} and s.organization_id = o.id), o.timezone)`;

/** Kinds the schedule creates; a break-glass review is created by the access it reviews. */
type ScheduledCareTaskKind = Exclude<CareTaskKind, CareTaskKind.BREAK_GLASS_REVIEW>;

export const CARE_GENERATORS: Record<ScheduledCareTaskKind, string> = {
  // 回访 once the visit is `visitFollowUpAfterHours` old, due by `visitFollowUpWithinHours`. Visits
  // older than 7 days are history (imports, a worker down for long), not a call to make now.
  [CareTaskKind.VISIT_FOLLOW_UP]: insert(
    ['visit_id'],
    `select ${row(CareTaskKind.VISIT_FOLLOW_UP, 'SERVICE', 'v.store_id')},
       '服务后回访: ' || coalesce((select string_agg(si.name, '、' order by l.position)
         from visit_line l join service_item si on si.id = l.service_id where l.visit_id = v.id), '到店服务')
         || ' (' || to_char(v.visited_at at time zone ${zoneOf('v.store_id')}, 'MM-DD HH24:MI') || ')',
       ${serviceChannel}, ${careOwner('v.store_id')},
       v.visited_at + make_interval(hours => o.visit_follow_up_after_hours),
       v.visited_at + make_interval(hours => o.visit_follow_up_within_hours),
       'VISIT_FOLLOW_UP:' || v.id, v.id
     from k join organization o on o.id = k.org_id
     join visit v on v.organization_id = o.id
     join customer c on c.id = v.customer_id
     where v.visited_at + make_interval(hours => o.visit_follow_up_after_hours) <= k.now
       and v.visited_at > k.now - interval '7 days' and c.archived_at is null`,
  ),
  [CareTaskKind.COMPLAINT_RESPONSE_OVERDUE]: insert(
    ['complaint_id'],
    `select ${row(CareTaskKind.COMPLAINT_RESPONSE_OVERDUE, 'SERVICE', 'p.store_id')},
       '投诉超过24小时未响应: ' || p.subject, ${serviceChannel}, ${storeManager('p.store_id')},
       p.respond_by, greatest(p.resolve_by, p.respond_by + interval '4 hours'),
       'COMPLAINT_RESPONSE_OVERDUE:' || p.id, p.id
     from k join organization o on o.id = k.org_id
     join complaint p on p.organization_id = o.id and p.responded_at is null and p.respond_by <= k.now
     join customer c on c.id = p.customer_id`,
  ),
  [CareTaskKind.COMPLAINT_RESOLUTION_OVERDUE]: insert(
    ['complaint_id'],
    `select ${row(CareTaskKind.COMPLAINT_RESOLUTION_OVERDUE, 'SERVICE', 'p.store_id')},
       '投诉超过48小时未解决: ' || p.subject, ${serviceChannel}, ${storeManager('p.store_id')},
       p.resolve_by, p.resolve_by + interval '24 hours',
       'COMPLAINT_RESOLUTION_OVERDUE:' || p.id, p.id
     from k join organization o on o.id = k.org_id
     join complaint p on p.organization_id = o.id and p.resolved_at is null and p.resolve_by <= k.now
     join customer c on c.id = p.customer_id`,
  ),
  // 投诉回访: a day after the complaint was resolved, ask whether the customer is satisfied.
  [CareTaskKind.COMPLAINT_FOLLOW_UP]: insert(
    ['complaint_id'],
    `select ${row(CareTaskKind.COMPLAINT_FOLLOW_UP, 'SERVICE', 'p.store_id')},
       '投诉处理后回访: ' || p.subject, ${serviceChannel},
       coalesce((select u.id from app_user u where u.id = p.owner_id and u.organization_id = o.id and u.active),
         ${storeManager('p.store_id')}),
       p.resolved_at + interval '24 hours', p.resolved_at + interval '48 hours',
       'COMPLAINT_FOLLOW_UP:' || p.id, p.id
     from k join organization o on o.id = k.org_id
     join complaint p on p.organization_id = o.id and p.resolved_at + interval '24 hours' <= k.now
       and p.resolved_at > k.now - interval '7 days'
     join customer c on c.id = p.customer_id`,
  ),
  [CareTaskKind.PUNCH_CARD_EXPIRY]: insert(
    ['account_id'],
    `select ${row(CareTaskKind.PUNCH_CARD_EXPIRY, 'SERVICE', customerStore)},
       '计次卡' || coalesce(' ' || cp.name, '') || ' 剩余' || a.units || '次, '
         || to_char(a.valid_until at time zone ${zoneOf(customerStore)}, 'YYYY-MM-DD') || ' 到期',
       ${serviceChannel}, ${careOwner(customerStore)},
       k.now, greatest(k.now, a.valid_until - interval '1 day'),
       'PUNCH_CARD_EXPIRY:' || a.id || ':' || to_char(a.valid_until, 'YYYYMMDD'), a.id
     from k join organization o on o.id = k.org_id
     join account a on a.organization_id = o.id and a.kind = 'PUNCH_CARD' and a.status = 'ACTIVE'
       and a.units > 0 and a.valid_until > k.now
       and a.valid_until <= k.now + make_interval(days => o.card_expiry_reminder_days)
     left join card_product cp on cp.id = a.card_product_id
     join customer c on c.id = a.customer_id and c.archived_at is null`,
  ),
  // Greetings use the customer's local calendar: the store's time zone, else the organization's.
  [CareTaskKind.BIRTHDAY]: insert(
    [],
    `select ${row(CareTaskKind.BIRTHDAY, 'MARKETING', 'z.store_id')},
       '生日关怀: ' || to_char(b.day, 'MM-DD') || ' 生日', ${marketingChannel}, ${careOwner('z.store_id')},
       least(k.now, ${localInstant('b.day', '10:00', 'z.zone')}), ${localInstant('b.day', '10:00', 'z.zone')},
       ${BIRTHDAY_KEY}
     from k join organization o on o.id = k.org_id
     join customer c on c.organization_id = o.id and c.birthday is not null
       -- Cheap first: only birthdays near today (29 Feb is greeted on 28 Feb in other years).
       and to_char(c.birthday, 'MM-DD') in (select to_char(d, 'MM-DD') from ${nearDates} d union all select '02-29')
     cross join lateral (select ${customerStore} as store_id) s0
     cross join lateral (select s0.store_id, ${zoneOf('s0.store_id')} as zone) z
     cross join lateral (
       select make_date(y, extract(month from c.birthday)::int,
                least(extract(day from c.birthday)::int,
                      extract(day from make_date(y, extract(month from c.birthday)::int, 1)
                                        + interval '1 month' - interval '1 day')::int)) as day
       from (select extract(year from ${localToday('z.zone')})::int + step as y from generate_series(0, 1) step) years
     ) b
     where b.day between ${localToday('z.zone')} and ${localToday('z.zone')} + o.greeting_lead_days
       and ${notCreatedYet(BIRTHDAY_KEY)} and ${marketingAllowed}`,
  ),
  [CareTaskKind.HOLIDAY]: insert(
    [],
    `select distinct on (c.id) ${row(CareTaskKind.HOLIDAY, 'MARKETING', 'z.store_id')},
       '节日问候: ' || h.name, ${marketingChannel}, ${careOwner('z.store_id')},
       least(k.now, ${localInstant('h.date', '10:00', 'z.zone')}), ${localInstant('h.date', '10:00', 'z.zone')},
       ${HOLIDAY_KEY}
     from k join organization o on o.id = k.org_id
     cross join lateral jsonb_to_recordset(o.care_holidays) as h(date date, name text)
     join customer c on c.organization_id = o.id
       and h.date between k.now::date - 1 and k.now::date + o.greeting_lead_days + 1
     cross join lateral (select ${customerStore} as store_id) s0
     cross join lateral (select s0.store_id, ${zoneOf('s0.store_id')} as zone) z
     where h.date between ${localToday('z.zone')} and ${localToday('z.zone')} + o.greeting_lead_days
       and ${notCreatedYet(HOLIDAY_KEY)} and ${marketingAllowed}
     order by c.id, h.date`,
  ),
  // One wake-up per dormant spell: the key carries the last visit, so a customer who comes back and
  // falls asleep again is woken again.
  [CareTaskKind.DORMANT_WAKE_UP]: insert(
    [],
    `select ${row(CareTaskKind.DORMANT_WAKE_UP, 'MARKETING', customerStore)},
       '沉睡客户唤醒: ' || (k.now::date - c.last_visit_at::date) || '天未到店', ${marketingChannel},
       ${careOwner(customerStore)}, k.now, k.now + interval '3 days',
       ${WAKE_UP_KEY}
     from k join organization o on o.id = k.org_id
     join customer c on c.organization_id = o.id
       and c.last_visit_at <= k.now - make_interval(days => coalesce(o.wake_up_after_days, o.dormant_after_days))
     where ${notCreatedYet(WAKE_UP_KEY)} and ${marketingAllowed}`,
  ),
  // One reminder per top-up: after the balance fell below the threshold since the last top-up.
  [CareTaskKind.LOW_BALANCE]: insert(
    ['account_id'],
    `select ${row(CareTaskKind.LOW_BALANCE, 'MARKETING', customerStore)},
       '储值余额不足: 剩余 ¥' || to_char((a.principal + a.bonus) / 100.0, 'FM999999990.00'),
       ${marketingChannel}, ${careOwner(customerStore)}, k.now, k.now + interval '3 days',
       'LOW_BALANCE:' || a.id || ':' || t.id, a.id
     from k join organization o on o.id = k.org_id and o.low_balance_threshold > 0
     join account a on a.organization_id = o.id and a.kind = 'STORED_VALUE' and a.status = 'ACTIVE'
       and a.principal + a.bonus < o.low_balance_threshold
     cross join lateral (select e.id from ledger_entry e where e.account_id = a.id and e.kind = 'TOP_UP'
                         order by e.created_at desc, e.id desc limit 1) t
     join customer c on c.id = a.customer_id
     where ${marketingAllowed}`,
  ),
};

/** Service tasks first, so marketing never crowds them out; the cap applies to marketing only. */
export const GENERATION_ORDER: ScheduledCareTaskKind[] = [
  CareTaskKind.VISIT_FOLLOW_UP,
  CareTaskKind.COMPLAINT_RESPONSE_OVERDUE,
  CareTaskKind.COMPLAINT_RESOLUTION_OVERDUE,
  CareTaskKind.COMPLAINT_FOLLOW_UP,
  CareTaskKind.PUNCH_CARD_EXPIRY,
  CareTaskKind.BIRTHDAY,
  CareTaskKind.HOLIDAY,
  CareTaskKind.DORMANT_WAKE_UP,
  CareTaskKind.LOW_BALANCE,
];
