/**
 * A customer's complete record (PIPL art. 45) as ONE statement of json built by PostgreSQL (the outer
 * object `json`, which keeps the sections in order; jsonb would sort them): every
 * section is a correlated subquery on the customer, so the statement count does not grow with the
 * visits. Rows are the tables' own columns (`to_jsonb`), without the organization and the lock
 * version, plus the names of what they point at (store, service, therapist, card product, tier).
 * Parameters: organization id, customer id (every subquery filters on both).
 */

/** A row as json, without the columns that say nothing to the customer. */
const row = (alias: string) => `(to_jsonb(${alias}) - 'organization_id' - 'version')`;

/** A json array of `element` over `from`, in `order`; `[]` when empty. */
const list = (element: string, from: string, order: string) =>
  `coalesce((select jsonb_agg(${element} order by ${order}) ${from}), '[]'::jsonb)`;

/** Scoped to the customer: `$org` and `$id` stand for the two parameters, bound once each. */
const mine = (alias: string) => `${alias}.organization_id = $org and ${alias}.customer_id = $id`;

const SECTIONS: Record<string, string> = {
  profile: `(select ${row('c')} - 'name_pinyin' - 'name_initials' - 'phone_last4'
               || jsonb_build_object('homeStore', hs.name, 'tier', mt.name,
                    'assignedConsultant', ac.display_name, 'assignedTherapist', atu.display_name,
                    'referrer', rc.name)
              from customer c
              left join store hs on hs.id = c.home_store_id
              left join membership_tier mt on mt.id = c.tier_id
              left join app_user ac on ac.id = c.assigned_consultant_id
              left join app_user atu on atu.id = c.assigned_therapist_id
              left join customer rc on rc.id = c.referrer_id
             where c.organization_id = $org and c.id = $id)`,
  tags: list('t.name', `from customer_tag ct join tag t on t.id = ct.tag_id where ${mine('ct')}`, 't.name'),
  // Ids of integrated systems (the profile's external_id is the organization's own, `legacy`).
  externalIds: list(
    `jsonb_build_object('integration', x.integration, 'external_id', x.external_id, 'created_at', x.created_at)`,
    `from customer_external_id x where ${mine('x')}`,
    'x.integration, x.external_id',
  ),
  // The blind indexes (HMACs for segments, src/entities/encryption.subscriber.ts) say nothing to the customer.
  healthProfile: `(select ${row('h')} - 'constitution_index' - 'current_complaints_index' - 'wellness_goals_index' from health_profile h where ${mine('h')})`,
  allergies: list(row('a'), `from allergy a where ${mine('a')}`, 'a.recorded_at, a.id'),
  medicalHistory: list(row('m'), `from medical_condition m where ${mine('m')}`, 'm.recorded_at, m.id'),
  specialConditions: list(row('s'), `from special_condition s where ${mine('s')}`, 's.starts_on, s.id'),
  visits: list(
    `${row('v')} || jsonb_build_object('store', vs.name, 'lines', ${list(
      `${row('l')} || jsonb_build_object('service', ls.name, 'therapist', lu.display_name)`,
      `from visit_line l join service_item ls on ls.id = l.service_id join app_user lu on lu.id = l.therapist_id
        where l.visit_id = v.id`,
      'l.position',
    )})`,
    `from visit v join store vs on vs.id = v.store_id where ${mine('v')}`,
    'v.visited_at, v.id',
  ),
  appointments: list(
    `${row('p')} || jsonb_build_object('store', ps.name, 'items', ${list(
      `${row('i')} || jsonb_build_object('service', si.name, 'therapist', iu.display_name, 'room', ir.name)`,
      `from appointment_item i join service_item si on si.id = i.service_id
         join app_user iu on iu.id = i.therapist_id left join room ir on ir.id = i.room_id
        where i.appointment_id = p.id`,
      'i.position',
    )})`,
    `from appointment p join store ps on ps.id = p.store_id where ${mine('p')}`,
    'p.starts_at, p.id',
  ),
  accounts: list(
    `${row('a')} || jsonb_build_object('cardProduct', cp.name)`,
    `from account a left join card_product cp on cp.id = a.card_product_id where ${mine('a')}`,
    'a.created_at, a.id',
  ),
  ledgerEntries: list(row('e'), `from ledger_entry e where ${mine('e')}`, 'e.created_at, e.id'),
  settlements: list(row('s'), `from settlement s where ${mine('s')}`, 's.created_at, s.id'),
  tierChanges: list(
    `${row('t')} || jsonb_build_object('fromTierName', ft.name, 'toTierName', tt.name)`,
    `from tier_change t left join membership_tier ft on ft.id = t.from_tier_id
       left join membership_tier tt on tt.id = t.to_tier_id where ${mine('t')}`,
    't.created_at, t.id',
  ),
  consents: list(row('k'), `from contact_consent k where ${mine('k')}`, 'k.channel'),
  communications: list(
    `${row('m')} || jsonb_build_object('ownerName', mu.display_name)`,
    `from communication_entry m left join app_user mu on mu.id = m.owner_id where ${mine('m')}`,
    'm.occurred_at, m.id',
  ),
  complaints: list(row('q'), `from complaint q where ${mine('q')}`, 'q.received_at, q.id'),
  careTasks: list(
    `${row('t')} || jsonb_build_object('ownerName', tu.display_name)`,
    `from care_task t left join app_user tu on tu.id = t.owner_id where ${mine('t')}`,
    't.created_at, t.id',
  ),
  // 谁查看过健康档案: who read the customer's health data, when, which fields (values never were kept).
  healthReads: list(
    `jsonb_build_object('occurredAt', r.occurred_at, 'role', r.role, 'actor', coalesce(ru.display_name, rk.name),
       'fields', to_jsonb(r.fields), 'operation', r.operation_name)`,
    `from audit_event r left join app_user ru on ru.id = r.actor_user_id
       left join api_key rk on rk.id = r.actor_api_key_id
      where ${mine('r')} and r.action = 'READ'`,
    'r.occurred_at, r.id',
  ),
  // Records merged into this one (and into those, recursively) keep their own personal data: the old
  // phone, email, address. They are the customer's too (a merge keeps the stub for integrations).
  mergedRecords: `coalesce((with recursive merged as (
      select m.* from customer m where m.organization_id = $org and m.merged_into_id = $id
      union all
      select m.* from customer m join merged on m.merged_into_id = merged.id where m.organization_id = $org)
    select jsonb_agg(${row('merged')} - 'name_pinyin' - 'name_initials' - 'phone_last4'
                     order by merged.merged_at, merged.id)
      from merged), '[]'::jsonb)`,
};

/** The section names, in the order the export lists them. */
export const EXPORT_SECTIONS = Object.keys(SECTIONS);

/** The statement: two `?` placeholders, the organization id and the customer id. */
export const CUSTOMER_EXPORT_SQL = `select json_build_object(${Object.entries(SECTIONS)
  .map(([name, sql]) => `'${name}', ${sql}`)
  .join(',\n')}) as record`
  .replaceAll('$org', '(select org from input)')
  .replaceAll('$id', '(select id from input)')
  .replace(/^/, 'with input as (select ?::uuid as org, ?::uuid as id) ');
