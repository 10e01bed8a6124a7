import { Role } from '../../entities/access/access.enums';
import { ACCOUNT_ORDER, customerVisits, VISIT_LINE_ORDER } from '../../services/customers/customer-lists';
import { healthAlertSql } from '../../services/read/loaders';
import type { FieldAt } from './compile-read';
import { childConnection } from './read-connection';
import { bind, sql, trusted, type Sql } from './sql-fragment';

/** A field the column printers cannot read: its SQL, or undefined to leave the query to graphql-js. */
export type FieldCompiler = (at: FieldAt) => Sql | undefined;

/** Money.amount as schema/money.type.ts `money()` writes it: sign, major units, two decimals. */
const amount = (minorUnits: string) =>
  `(case when ${minorUnits} < 0 then '-' else '' end || (abs(${minorUnits}) / 100)::text || '.' || lpad((abs(${minorUnits}) % 100)::text, 2, '0'))`;

/** The organization of the statement (`o`, the root's CTE): org-scoped value lookups. */
const organization = (at: FieldAt) => bind(at.compiler.organizationId);

/** A Money field over a minor-units expression of the row. */
const money =
  (minorUnits: (row: string) => string): FieldCompiler =>
  (at) =>
    at.compiler.child(at, `(${minorUnits(at.source)})`);

/** A list of child rows as a json array (`[]` without rows), each compiled over its own alias. */
function rows(at: FieldAt, table: string, where: (alias: string) => Sql, order: string): Sql | undefined {
  const alias = at.compiler.alias('r');
  const element = at.compiler.child(at, alias, true);
  if (!element) return undefined;
  const orderBy = trusted(order.replace(/\bt\./g, `${alias}.`));
  return sql`coalesce((select json_agg(${element} order by ${orderBy}) from ${trusted(`"${table}" ${alias}`)} where ${where(alias)}), '[]'::json)`;
}

/** One row by id, or null. */
function one(at: FieldAt, table: string, idColumn: string): Sql | undefined {
  const alias = at.compiler.alias('r');
  const object = at.compiler.child(at, alias);
  if (!object) return undefined;
  return sql`(select ${object} from ${trusted(`"${table}" ${alias}`)} where ${trusted(`${alias}.id = ${at.source}.${idColumn}`)} and ${trusted(alias)}.organization_id = ${organization(at)})`;
}

const healthRecords =
  (table: string): FieldCompiler =>
  (at) =>
    rows(
      at,
      table,
      (alias) =>
        sql`${trusted(`${alias}.customer_id = ${at.source}.customer_id`)} and ${trusted(alias)}.organization_id = ${organization(at)}`,
      't.recorded_at asc, t.id asc',
    );

export const READ_FIELDS: Record<string, Record<string, FieldCompiler>> = {
  Customer: {
    // services/customers/customer-status.ts deriveStatus: whole days of 24 hours since the last visit.
    status: ({ source }) =>
      trusted(`(select case
          when ${source}.status_override is not null then ${source}.status_override::text
          when coalesce(${source}.last_visit_at, ${source}.created_at) <= now() - o.lost_after_days * interval '24 hours' then 'LOST'
          when coalesce(${source}.last_visit_at, ${source}.created_at) <= now() - o.dormant_after_days * interval '24 hours' then 'DORMANT'
          else 'ACTIVE' end from o)`),
    hasHealthAlerts: (at) => ({
      text: healthAlertSql(`${at.source}.id`),
      values: [at.compiler.organizationId, at.compiler.organizationId],
    }),
    healthProfile: (at) => {
      const alias = at.compiler.alias('h');
      const object = at.compiler.child(at, alias);
      if (!object) return undefined;
      // Not fetched for a customer who withdrew consent, for every role the withdrawal binds.
      const consent =
        at.compiler.viewer.role === Role.OWNER ? '' : ` and ${at.source}.health_consent_withdrawn_at is null`;
      return sql`(select ${object} from health_profile ${trusted(alias)} where ${trusted(`${alias}.customer_id = ${at.source}.id`)} and ${trusted(alias)}.organization_id = ${organization(at)}${trusted(consent)})`;
    },
    accounts: (at) =>
      rows(
        at,
        'account',
        (alias) =>
          sql`${trusted(`${alias}.customer_id = ${at.source}.id`)} and ${trusted(alias)}.organization_id = ${organization(at)}`,
        ACCOUNT_ORDER,
      ),
    visits: (at) => childConnection(at, customerVisits),
  },
  HealthProfile: {
    allergies: healthRecords('allergy'),
    medicalHistory: healthRecords('medical_condition'),
    specialConditions: healthRecords('special_condition'),
  },
  Account: {
    balance: money((row) => `${row}.principal + ${row}.bonus`),
    principal: money((row) => `${row}.principal`),
    bonus: money((row) => `${row}.bonus`),
  },
  Visit: {
    lines: (at) =>
      rows(
        at,
        'visit_line',
        (alias) =>
          sql`${trusted(`${alias}.visit_id = ${at.source}.id`)} and ${trusted(alias)}.organization_id = ${organization(at)}`,
        VISIT_LINE_ORDER,
      ),
  },
  VisitLine: {
    service: (at) => one(at, 'service_item', 'service_id'),
    therapist: (at) => one(at, 'app_user', 'therapist_id'),
    listPrice: money((row) => `${row}.list_price`),
  },
  Money: {
    amount: ({ source }) => trusted(amount(source)),
    minorUnits: ({ source }) => trusted(source),
    currency: () => trusted('(select currency from o)'),
  },
};
