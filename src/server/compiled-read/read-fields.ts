import { getNamedType, isObjectType } from 'graphql';
import { Role } from '../../entities/access/access.enums';
import { ACCOUNT_ORDER, customerVisits, VISIT_LINE_ORDER } from '../../services/customers/customer-lists';
import { healthAlertSql } from '../../services/read/loaders';
import { CUSTOMER_FIELDS, ACCOUNT_FIELDS, MEMBERSHIP_FIELDS } from './read-fields.customer';
import { moneySql } from './money.sql';
import { childConnection } from './read-connection';
import { sql, trusted } from './sql-fragment';
import { organization, rows, type FieldCompiler } from './read-rows';
import { directoryRow } from './read-names';
import { sealedJsonSql } from './read-marks';

/** A Money field over a minor-units expression of the row, in the organization's currency. */
const money =
  (minorUnits: (row: string) => string): FieldCompiler =>
  (at) =>
    moneySql(at, `(${minorUnits(at.source)})`);

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

/**
 * A sealed json column (EncryptedJson): PostgreSQL returns the sealed text marked, finish-read.ts
 * opens and parses it; an object type's selected members are picked from it there (after the
 * policies of each).
 */
function sealedJson(
  column: string,
  options: { object?: boolean; always?: boolean; defaults?: Record<string, unknown> } = {},
): FieldCompiler {
  return (at) => {
    const marks = at.compiler.marks.sealedJson;
    if (!options.object) return trusted(sealedJsonSql(`${at.source}.${column}`, marks.push({}) - 1, false));
    const type = getNamedType(at.definition.type);
    if (!isObjectType(type)) return undefined;
    const fields = at.compiler.fields(type, at.nodes);
    // Members that are objects themselves would need a selection of their own: left to graphql-js.
    if (!fields || [...fields.values()].some((field) => field.type)) return undefined;
    const members = [...fields].map(([key, field]) => ({ key, name: field.name }));
    const index =
      marks.push({ typeName: type.name, members, always: options.always, defaults: options.defaults }) - 1;
    return trusted(sealedJsonSql(`${at.source}.${column}`, index, Boolean(options.always)));
  };
}

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
    ...CUSTOMER_FIELDS,
  },
  HealthProfile: {
    secondaryConstitutions: sealedJson('secondary_constitutions'),
    currentComplaints: sealedJson('current_complaints'),
    wellnessGoals: sealedJson('wellness_goals'),
    lifestyle: sealedJson('lifestyle', { object: true }),
    // health-profile-fields.resolver.ts skinProfile: always an object, concerns never null.
    skinProfile: sealedJson('skin_profile', { object: true, always: true, defaults: { concerns: [] } }),
    allergies: healthRecords('allergy'),
    medicalHistory: healthRecords('medical_condition'),
    specialConditions: healthRecords('special_condition'),
  },
  Account: {
    balance: money((row) => `${row}.principal + ${row}.bonus`),
    principal: money((row) => `${row}.principal`),
    bonus: money((row) => `${row}.bonus`),
    ...ACCOUNT_FIELDS,
  },
  ...MEMBERSHIP_FIELDS,
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
    service: (at) => directoryRow(at, 'services', 'service_id'),
    therapist: (at) => directoryRow(at, 'staff', 'therapist_id'),
    listPrice: money((row) => `${row}.list_price`),
  },
};
