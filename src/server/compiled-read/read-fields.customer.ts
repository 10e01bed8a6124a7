import {
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLOutputType,
} from 'graphql';
import { WALLET_NAMES } from '../../resolvers/membership/account-fields.resolver';
import {
  APPOINTMENT_ITEM_ORDER,
  customerAppointments,
  customerCommunications,
  TIER_HISTORY_LIMIT,
} from '../../services/customers/customer-lists';
import { childConnection } from './read-connection';
import type { FieldAt } from './compile-read';
import { moneySql, ORGANIZATION_CURRENCY } from './money.sql';
import { one, organization, rows, type FieldCompiler } from './read-rows';
import { jsonKey, joined, nameLiteral, sql, trusted, type Sql } from './sql-fragment';
import { FALLBACK_SQL } from './read-marks';
import { directoryRow } from './read-names';

/** resolvers/customers/customer-fields.resolver.ts preferences: these lists and flags are never null. */
const PREFERENCE_DEFAULTS: Record<string, string> = {
  serviceTypes: `'[]'::jsonb`,
  productBrands: `'[]'::jsonb`,
  scents: `'[]'::jsonb`,
  noScent: `'false'::jsonb`,
  dietaryRestrictions: `'[]'::jsonb`,
};

/**
 * What a preferences member must hold for graphql-js to print it as stored: the json types of its
 * GraphQL type (a list of strings, a boolean, a string, an enum's name); undefined: not compiled.
 * The jsonb is written into the response as PostgreSQL prints it, so anything else (a value written
 * by a tool) goes to graphql-js, which reports it as it always did.
 */
function preferenceCheck(type: GraphQLOutputType, member: string): string | undefined {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const element = isNonNullType(inner.ofType) ? inner.ofType.ofType : inner.ofType;
    if (!isScalarType(element) || element.name !== 'String') return undefined;
    return `jsonb_typeof(${member}) = 'array' and not exists (select 1 from jsonb_array_elements(${member}) e where jsonb_typeof(e) <> 'string')`;
  }
  if (isScalarType(inner) && inner.name === 'Boolean') return `jsonb_typeof(${member}) = 'boolean'`;
  if (isScalarType(inner) && inner.name === 'String') return `jsonb_typeof(${member}) = 'string'`;
  if (
    isEnumType(inner) &&
    inner.getValues().every((value) => /^[A-Z_]+$/.test(value.name) && value.value === value.name)
  )
    return `jsonb_typeof(${member}) = 'string' and (${member} #>> '{}') in (${inner
      .getValues()
      .map((value) => `'${value.name}'`)
      .join(', ')})`;
  return undefined;
}

/** Customer.preferences: the jsonb column's members (absent or null: the resolver's default, else null). */
function preferences(at: FieldAt): Sql | undefined {
  const type = at.compiler.schema.getType('CustomerPreferences');
  if (!isObjectType(type)) return undefined;
  const fields = at.compiler.fields(type, at.nodes);
  if (!fields) return undefined;
  const members: Sql[] = [];
  for (const [key, field] of fields) {
    // Object members (none today) would need their own selection: left to graphql-js.
    if (field.type) return undefined;
    if (field.name === '__typename') {
      members.push(sql`${jsonKey(key)}, 'CustomerPreferences'`);
      continue;
    }
    const member = `(${at.source}.preferences -> ${nameLiteral(field.name)})`;
    const check = field.definition && preferenceCheck(field.definition.type, member);
    if (!check) return undefined;
    const fallback = PREFERENCE_DEFAULTS[field.name] ?? 'null';
    members.push(
      sql`${jsonKey(key)}, ${trusted(
        `(case when ${member} is null or jsonb_typeof(${member}) = 'null' then ${fallback}::jsonb::json
           when ${check} then ${member}::json else ${FALLBACK_SQL} end)`,
      )}`,
    );
  }
  return sql`json_build_object(${joined(members, ', ')})`;
}

/** A tier of the organization by a reference column (resolvers/membership tierOf: any tier of it). */
const tierBy =
  (column: string): FieldCompiler =>
  (at) =>
    one(at, 'membership_tier', column);

export const CUSTOMER_FIELDS: Record<string, FieldCompiler> = {
  // money(lifetimeSpend): CNY, not the organization's currency (customer-fields.resolver.ts).
  lifetimeSpend: (at) => moneySql(at, `${at.source}.lifetime_spend`, `'CNY'`),
  // Math.round(lifetimeSpend / visitCount) is floor(x + 0.5).
  averageTicket: (at) => {
    const money = moneySql(
      at,
      `floor(${at.source}.lifetime_spend::numeric / ${at.source}.visit_count + 0.5)::bigint`,
      `'CNY'`,
    );
    return money && sql`(case when ${trusted(at.source)}.visit_count > 0 then ${money} end)`;
  },
  preferences,
  // Customer.tags: the pivot's tags of the organization, oldest first (row-loaders.ts collection).
  tags: (at) => {
    const alias = at.compiler.alias('g');
    const element = at.compiler.child(at, alias);
    if (!element) return undefined;
    return sql`coalesce((select json_agg(${element} order by ${trusted(`${alias}.created_at, ${alias}.id`)})
      from customer_tag ${trusted(`p_${alias}`)} join tag ${trusted(alias)} on ${trusted(`${alias}.id = p_${alias}.tag_id`)}
      where ${trusted(`p_${alias}.customer_id = ${at.source}.id`)} and ${trusted(alias)}.organization_id = ${organization(at)}), '[]'::json)`;
  },
  tier: tierBy('tier_id'),
  appointments: (at) => childConnection(at, customerAppointments),
  communications: (at) => childConnection(at, customerCommunications),
  // The newest TIER_HISTORY_LIMIT moves (loaders.ts tierHistory).
  tierHistory: (at) => {
    const alias = at.compiler.alias('t');
    const element = at.compiler.child(at, alias);
    if (!element) return undefined;
    return sql`coalesce((select json_agg(${element} order by ${trusted(`${alias}.created_at desc, ${alias}.id desc`)})
      from (select t.* from tier_change t where ${trusted(`t.customer_id = ${at.source}.id`)} and t.organization_id = ${organization(at)}
             order by t.created_at desc, t.id desc limit ${trusted(String(TIER_HISTORY_LIMIT))}) ${trusted(alias)}), '[]'::json)`;
  },
};

const walletNames = Object.entries(WALLET_NAMES)
  .map(([kind, name]) => `when '${kind}' then '${name}'`)
  .join(' ');

export const ACCOUNT_FIELDS: Record<string, FieldCompiler> = {
  // The card product's name, else the wallet's (account-fields.resolver.ts).
  name: (at) =>
    sql`coalesce((select p.name from card_product p where ${trusted(`p.id = ${at.source}.card_product_id`)} and p.organization_id = ${organization(at)}),
      case ${trusted(`${at.source}.kind::text`)} ${trusted(walletNames)} end)`,
};

export const MEMBERSHIP_FIELDS: Record<string, Record<string, FieldCompiler>> = {
  Appointment: {
    items: (at) =>
      rows(
        at,
        'appointment_item',
        (alias) =>
          sql`${trusted(`${alias}.appointment_id = ${at.source}.id`)} and ${trusted(alias)}.organization_id = ${organization(at)}`,
        APPOINTMENT_ITEM_ORDER,
      ),
  },
  AppointmentItem: {
    service: (at) => directoryRow(at, 'services', 'service_id'),
    therapist: (at) => directoryRow(at, 'staff', 'therapist_id'),
    room: (at) => one(at, 'room', 'room_id'),
  },
  Communication: { owner: (at) => directoryRow(at, 'staff', 'owner_id') },
  TierChange: { fromTier: tierBy('from_tier_id'), toTier: tierBy('to_tier_id') },
  // resolvers/membership/account-fields.resolver.ts LedgerEntryFieldsResolver.
  LedgerEntry: {
    account: (at) => one(at, 'account', 'account_id'),
    principalDelta: (at) => moneySql(at, `${at.source}.principal_delta`),
    bonusDelta: (at) => moneySql(at, `${at.source}.bonus_delta`),
    principalAfter: (at) => moneySql(at, `${at.source}.principal_after`),
    bonusAfter: (at) => moneySql(at, `${at.source}.bonus_after`),
    amountPaid: (at) => {
      const money = moneySql(at, `${at.source}.amount_paid`);
      return money && sql`(case when ${trusted(at.source)}.amount_paid is not null then ${money} end)`;
    },
    reversesId: (at) => trusted(`${at.source}.reverses_id`),
  },
  // resolvers/care/care-task.resolver.ts: references by id.
  CareTask: {
    customer: (at) => one(at, 'customer', 'customer_id'),
    store: (at) => one(at, 'store', 'store_id'),
    owner: (at) => directoryRow(at, 'staff', 'owner_id'),
    visitId: (at) => trusted(`${at.source}.visit_id`),
    complaintId: (at) => trusted(`${at.source}.complaint_id`),
    accountId: (at) => trusted(`${at.source}.account_id`),
  },
  MembershipTier: { minSpend: (at) => moneySql(at, `${at.source}.min_spend`, ORGANIZATION_CURRENCY) },
};
