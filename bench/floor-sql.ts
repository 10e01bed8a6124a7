/**
 * The raw-SQL floor of bench/pages.bench.ts: each page as ONE statement that builds, in PostgreSQL,
 * the same JSON `data` as the GraphQL response to bench/pages-queries.ts, key for key and in the
 * API's order. What a resolver derives in JavaScript is derived here in SQL, the way the server does
 * it (cited per expression), so the floor does the same work minus the layers in between.
 *
 * json_build_object (not jsonb) keeps the keys in query order; json_agg(… order by …) keeps rows in
 * the API's order. Parameters: $1 is always the organization, the tenancy filter of every table.
 *
 * Health values are sealed (docs/architecture.md, "Encryption at rest"): they come out as the stored
 * `v1.…` strings, each the value of its key, and bench/floor-open.ts opens them in Node.
 */

/** DateTimeISO: JavaScript's toISOString(), millisecond precision in UTC. */
const iso = (expression: string) =>
  `to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** LocalDate: YYYY-MM-DD. */
const localDate = (expression: string) => `to_char(${expression}, 'YYYY-MM-DD')`;

/** Money.amount as src/schema/money.type.ts `money()` writes it: sign, major units, two decimals. */
const amount = (minorUnits: string) =>
  `(case when ${minorUnits} < 0 then '-' else '' end || (abs(${minorUnits}) / 100)::text || '.' ||
    lpad((abs(${minorUnits}) % 100)::text, 2, '0'))`;
const moneyAmount = (minorUnits: string) => `json_build_object('amount', ${amount(minorUnits)})`;

/** A list field: `[]` rather than null when there are no rows. */
const list = (element: string, fromWhereOrder: string, orderBy: string) =>
  `coalesce((select json_agg(${element} order by ${orderBy}) ${fromWhereOrder}), '[]'::json)`;

/** src/services/customers/customer-status.ts deriveStatus: days of 24 hours since the last visit (or creation). */
const status = (customer: string, organization: string) => `(case
    when ${customer}.status_override is not null then ${customer}.status_override::text
    when coalesce(${customer}.last_visit_at, ${customer}.created_at)
         <= now() - ${organization}.lost_after_days * interval '24 hours' then 'LOST'
    when coalesce(${customer}.last_visit_at, ${customer}.created_at)
         <= now() - ${organization}.dormant_after_days * interval '24 hours' then 'DORMANT'
    else 'ACTIVE' end)`;

/** src/services/read/loaders.ts loadHealthAlerts: an active allergy, or a special condition covering today. */
const healthAlerts = (customer: string, organization: string) => `(
    exists(select 1 from allergy a
            where a.customer_id = ${customer}.id and a.organization_id = $1
              and a.clinical_status in ('ACTIVE', 'RECURRENCE')
              and a.verification_status not in ('REFUTED', 'ENTERED_IN_ERROR'))
    or exists(select 1 from special_condition s
               where s.customer_id = ${customer}.id and s.organization_id = $1
                 and s.starts_on <= (now() at time zone ${organization}.timezone)::date
                 and (s.ends_on is null or s.ends_on >= (now() at time zone ${organization}.timezone)::date)))`;

/** Health records come oldest recorded first (loaders.ts loadByCustomer). */
const healthRecords = (table: string, customer: string, element: string) =>
  list(
    element,
    `from ${table} r where r.customer_id = ${customer}.id and r.organization_id = $1`,
    'r.recorded_at, r.id',
  );

const staffName = (userId: string) =>
  `(select json_build_object('displayName', u.display_name) from app_user u where u.id = ${userId})`;

/** Visit.lines in position order, each with its service and therapist. */
const visitLines = (visit: string, fields: (line: string) => string) =>
  list(
    `json_build_object(${fields('l')})`,
    `from visit_line l join service_item s on s.id = l.service_id join app_user u on u.id = l.therapist_id
      where l.visit_id = ${visit}.id and l.organization_id = $1`,
    'l.position, l.id',
  );

/** Customer.visits(first): newest first by (visited_at, id), as services/read/child-pages.ts pages them. */
const visitPage = (customer: string, first: number, node: string, withCount: boolean) =>
  `json_build_object(${withCount ? `'totalCount', (select count(*) from visit x where x.customer_id = ${customer}.id and x.organization_id = $1),` : ''}
    'edges', ${list(
      `json_build_object('node', ${node})`,
      `from (select * from visit x where x.customer_id = ${customer}.id and x.organization_id = $1
              order by x.visited_at desc, x.id desc limit ${first}) v`,
      'v.visited_at desc, v.id desc',
    )})`;

export const LIST_PAGE_SQL = `
with o as (select * from organization where id = $1),
page as (
  select c.* from customer c
   where c.organization_id = $1 and c.archived_at is null
     and ($2::timestamptz is null or (c.created_at, c.id) < ($2::timestamptz, $3::uuid))
   order by c.created_at desc, c.id desc
   limit 20)
select json_build_object('data', json_build_object('customers', json_build_object(
  'totalCount', (select count(*) from customer x where x.organization_id = $1 and x.archived_at is null),
  'edges', ${list(
    `json_build_object('node', json_build_object(
      'id', c.id, 'code', c.code, 'name', c.name, 'phone', c.phone,
      'status', ${status('c', 'o')},
      'hasHealthAlerts', ${healthAlerts('c', 'o')},
      'healthProfile', (select json_build_object(
          'constitution', h.constitution, 'notes', h.notes,
          'allergies', ${healthRecords('allergy', 'c', `json_build_object('substance', r.substance, 'severity', r.severity)`)},
          'medicalHistory', ${healthRecords('medical_condition', 'c', `json_build_object('condition', r.condition)`)})
        from health_profile h where h.customer_id = c.id and h.organization_id = $1),
      'accounts', ${list(
        `json_build_object('kind', a.kind, 'balance', ${moneyAmount('(a.principal + a.bonus)')})`,
        'from account a where a.customer_id = c.id and a.organization_id = $1',
        // loaders.ts customerAccounts: kind (enum order), then oldest first.
        'a.kind, a.created_at, a.id',
      )},
      'visits', ${visitPage(
        'c',
        5,
        `json_build_object('visitedAt', ${iso('v.visited_at')}, 'satisfaction', v.satisfaction,
           'feedback', v.feedback,
           'lines', ${visitLines(
             'v',
             () =>
               `'service', json_build_object('name', s.name), 'therapist', json_build_object('displayName', u.display_name)`,
           )})`,
        false,
      )}))`,
    'from page c cross join o',
    'c.created_at desc, c.id desc',
  )})))::text as body`;

/** Account.name: the card product's, else the wallet's (resolvers/membership/account-fields.resolver.ts). */
const accountName = `coalesce((select p.name from card_product p where p.id = a.card_product_id),
  case a.kind when 'STORED_VALUE' then '储值账户' when 'POINTS' then '积分账户'
              when 'PUNCH_CARD' then '计次卡' else '优惠券' end)`;

const customer360 = `json_build_object(
  'id', c.id, 'code', c.code, 'name', c.name, 'namePinyin', c.name_pinyin, 'gender', c.gender,
  'birthday', ${localDate('c.birthday')}, 'phone', c.phone, 'email', c.email, 'occupation', c.occupation,
  'source', c.source, 'status', ${status('c', 'o')}, 'statusOverride', c.status_override,
  'visitCount', c.visit_count, 'lastVisitAt', ${iso('c.last_visit_at')}, 'createdAt', ${iso('c.created_at')},
  'hasHealthAlerts', ${healthAlerts('c', 'o')},
  'lifetimeSpend', json_build_object('amount', ${amount('c.lifetime_spend')}, 'minorUnits', c.lifetime_spend,
                                     'currency', 'CNY'),
  'averageTicket', case when c.visit_count > 0
    then ${moneyAmount('round(c.lifetime_spend::numeric / c.visit_count)::bigint')} end,
  'preferences', json_build_object(
    'serviceTypes', coalesce(c.preferences -> 'serviceTypes', '[]'::jsonb),
    'productBrands', coalesce(c.preferences -> 'productBrands', '[]'::jsonb),
    'scents', coalesce(c.preferences -> 'scents', '[]'::jsonb),
    'noScent', coalesce(c.preferences -> 'noScent', 'false'::jsonb),
    'pressure', c.preferences -> 'pressure',
    'dietaryRestrictions', coalesce(c.preferences -> 'dietaryRestrictions', '[]'::jsonb)),
  'tags', ${list(
    `json_build_object('name', t.name, 'color', t.color)`,
    'from customer_tag ct join tag t on t.id = ct.tag_id where ct.customer_id = c.id and t.organization_id = $1',
    // Customer.tags: oldest tag first (src/services/read/row-loaders.ts collection).
    't.created_at, t.id',
  )},
  'healthProfile', (select json_build_object(
      'constitution', h.constitution, 'secondaryConstitutions', h.secondary_constitutions,
      -- Sealed json: bench/floor-open.ts opens it and picks the selected fields.
      'lifestyle', h.lifestyle, 'skinProfile', h.skin_profile,
      'currentComplaints', h.current_complaints, 'wellnessGoals', h.wellness_goals, 'notes', h.notes,
      'allergies', ${healthRecords(
        'allergy',
        'c',
        `json_build_object('substance', r.substance, 'category', r.category, 'severity', r.severity,
           'reaction', r.reaction, 'clinicalStatus', r.clinical_status, 'recordedAt', ${iso('r.recorded_at')})`,
      )},
      'specialConditions', ${healthRecords(
        'special_condition',
        'c',
        `json_build_object('kind', r.kind, 'description', r.description, 'startsOn', ${localDate('r.starts_on')},
           'endsOn', ${localDate('r.ends_on')})`,
      )},
      'medicalHistory', ${healthRecords(
        'medical_condition',
        'c',
        `json_build_object('condition', r.condition, 'since', ${localDate('r.since')}, 'status', r.status)`,
      )})
    from health_profile h where h.customer_id = c.id and h.organization_id = $1),
  'accounts', ${list(
    `json_build_object('id', a.id, 'kind', a.kind, 'name', ${accountName}, 'status', a.status,
       'balance', ${moneyAmount('(a.principal + a.bonus)')}, 'principal', ${moneyAmount('a.principal')},
       'bonus', ${moneyAmount('a.bonus')}, 'units', a.units)`,
    'from account a where a.customer_id = c.id and a.organization_id = $1',
    'a.kind, a.created_at, a.id',
  )},
  'tier', (select json_build_object('name', t.name, 'rank', t.rank, 'discountBasisPoints', t.discount_basis_points,
             'benefits', t.benefits)
           from membership_tier t where t.id = c.tier_id and t.organization_id = $1),
  'tierHistory', ${list(
    `json_build_object('fromTier', (select json_build_object('name', t.name) from membership_tier t where t.id = x.from_tier_id),
       'toTier', (select json_build_object('name', t.name) from membership_tier t where t.id = x.to_tier_id),
       'reason', x.reason, 'createdAt', ${iso('x.created_at')})`,
    `from (select * from tier_change x where x.customer_id = c.id and x.organization_id = $1
            order by x.created_at desc, x.id desc limit 100) x`,
    'x.created_at desc, x.id desc',
  )},
  'visits', ${visitPage(
    'c',
    20,
    `json_build_object('id', v.id, 'visitedAt', ${iso('v.visited_at')}, 'effect', v.effect,
       'satisfaction', v.satisfaction, 'feedback', v.feedback,
       'lines', ${visitLines(
         'v',
         (line) => `'position', ${line}.position, 'service', json_build_object('name', s.name),
           'therapist', json_build_object('displayName', u.display_name), 'durationMinutes', ${line}.duration_minutes,
           'listPrice', ${moneyAmount(`${line}.list_price`)}`,
       )})`,
    true,
  )},
  'appointments', json_build_object('edges', ${list(
    `json_build_object('node', json_build_object('id', p.id, 'status', p.status, 'startsAt', ${iso('p.starts_at')},
       'endsAt', ${iso('p.ends_at')},
       'items', ${list(
         `json_build_object('position', i.position, 'service', json_build_object('name', s.name),
            'therapist', json_build_object('displayName', u.display_name), 'startsAt', ${iso('i.starts_at')})`,
         `from appointment_item i join service_item s on s.id = i.service_id join app_user u on u.id = i.therapist_id
           where i.appointment_id = p.id and i.organization_id = $1`,
         'i.position, i.id',
       )}))`,
    `from (select * from appointment p where p.customer_id = c.id and p.organization_id = $1
            order by p.starts_at desc, p.id desc limit 10) p`,
    'p.starts_at desc, p.id desc',
  )}),
  'communications', json_build_object(
    'totalCount', (select count(*) from communication_entry e where e.customer_id = c.id and e.organization_id = $1),
    'edges', ${list(
      `json_build_object('node', json_build_object('occurredAt', ${iso('e.occurred_at')}, 'channel', e.channel,
         'summary', e.summary, 'followUpItems', e.follow_up_items, 'status', e.status,
         'owner', ${staffName('e.owner_id')}))`,
      `from (select * from communication_entry e where e.customer_id = c.id and e.organization_id = $1
              order by e.occurred_at desc, e.id desc limit 10) e`,
      'e.occurred_at desc, e.id desc',
    )}))`;

export const CUSTOMER_360_SQL = `
with o as (select * from organization where id = $1),
c as (select * from customer where id = $2 and organization_id = $1)
select json_build_object('data', json_build_object(
  'customer', (select ${customer360} from c cross join o),
  'ledgerEntries', json_build_object('edges', ${list(
    `json_build_object('node', json_build_object('kind', g.kind, 'principalDelta', ${moneyAmount('g.principal_delta')},
       'bonusDelta', ${moneyAmount('g.bonus_delta')}, 'unitsDelta', g.units_delta,
       'principalAfter', ${moneyAmount('g.principal_after')}, 'unitsAfter', g.units_after, 'note', g.note,
       'createdAt', ${iso('g.created_at')}))`,
    `from (select * from ledger_entry g where g.customer_id = $2 and g.organization_id = $1
            order by g.created_at desc, g.id desc limit 10) g`,
    'g.created_at desc, g.id desc',
  )}),
  'careTasks', json_build_object(
    'totalCount', (select count(*) from care_task k where k.customer_id = $2 and k.organization_id = $1
                      and k.status = 'OPEN'),
    'edges', ${list(
      `json_build_object('node', json_build_object('kind', k.kind, 'reason', k.reason, 'dueAt', ${iso('k.due_at')},
         'suggestedChannel', k.suggested_channel, 'owner', ${staffName('k.owner_id')}))`,
      `from (select * from care_task k where k.customer_id = $2 and k.organization_id = $1 and k.status = 'OPEN'
              order by k.due_at asc, k.id asc limit 10) k`,
      'k.due_at, k.id',
    )})))::text as body`;
