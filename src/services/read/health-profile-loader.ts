import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Allergy, HealthProfile, MedicalCondition, SpecialCondition } from '../../entities';
import { selectList, type RowOf } from '../rows';
import { readShape } from './read-shapes';
import type { SelectionByType } from './selection';
import { jsonRow } from './row-loaders';
import { uuidArray } from '../../core/uuid';
import type { Companion } from './companions';
import type { Viewer } from '../../core/viewer';
import { runPrepared } from '../sql';

/** The dated records of a profile that can come along in the profile's own statement. */
const RECORDS = {
  allergies: { entity: Allergy, table: 'allergy' },
  medicalHistory: { entity: MedicalCondition, table: 'medical_condition' },
  specialConditions: { entity: SpecialCondition, table: 'special_condition' },
} as const;
export type HealthRecordField = keyof typeof RECORDS;

export interface RecordLoaders {
  allergies: DataLoader<string, RowOf<Allergy>[]>;
  medicalHistory: DataLoader<string, RowOf<MedicalCondition>[]>;
  specialConditions: DataLoader<string, RowOf<SpecialCondition>[]>;
}

/**
 * `Customer.healthProfile` for a page of customers in one statement, with the records the response
 * selects below it (look-ahead by the resolver, `want`) aggregated as json in the same statement and
 * primed into their loaders. The records' own field rules and the audit still run for every field:
 * this only decides what is fetched together.
 */
export class HealthProfileLoader {
  private readonly wanted = new Set<HealthRecordField>();
  readonly byCustomer: DataLoader<string, RowOf<HealthProfile> | null>;

  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer | null,
    private readonly records: RecordLoaders,
    /** The query's fields by type once known: only the columns selected are read. */
    private readonly selection: () => SelectionByType | undefined = () => undefined,
  ) {
    this.byCustomer = new DataLoader((ids) => this.load(ids));
  }

  want(fields: Iterable<string>): this {
    for (const field of fields) if (field in RECORDS) this.wanted.add(field as HealthRecordField);
    return this;
  }

  /**
   * The profile of each customer of a page, with the records selected below it (`fields`), fetched
   * in the customers' own statement and primed here. `withConsentOnly`: not for customers who
   * withdrew their health consent (primed as none: the viewer's rules deny it them anyway).
   */
  companion(fields: Iterable<string>, options: { withConsentOnly?: boolean } = {}): Companion {
    const shape = readShape(this.em, HealthProfile, this.selection());
    const parts = [...fields].filter((field): field is HealthRecordField => field in RECORDS);
    return {
      sql: `(select json_build_object('profile', ${jsonRow(shape, 't')}${parts
        .map((field) => `, '${field}', ${this.recordsSql(field)}`)
        .join('')}) from health_profile t where t.customer_id = p.id and t.organization_id = ?${
        options.withConsentOnly ? ' and p.health_consent_withdrawn_at is null' : ''
      })`,
      params: this.viewer ? [this.viewer.organizationId] : [],
      take: (customerId, value) => {
        if (!value) {
          this.byCustomer.prime(customerId, null);
          return;
        }
        const json = value as Record<string, unknown>;
        this.prime(shape.map(json.profile as Record<string, unknown>), json, parts);
      },
    };
  }

  /** The mapped columns of each record only (`json_agg(r)` sent every column, lazy ones too). */
  private recordsSql(field: HealthRecordField): string {
    const shape = readShape<object>(this.em, RECORDS[field].entity, this.selection());
    return `(select coalesce(json_agg(${jsonRow(shape, 'r')} order by r.recorded_at, r.id), '[]'::json) from "${RECORDS[field].table}" r
           where r.customer_id = t.customer_id and r.organization_id = t.organization_id)`;
  }

  private prime(profile: RowOf<HealthProfile>, json: Record<string, unknown>, parts: HealthRecordField[]) {
    this.byCustomer.prime(profile.customer.id, profile);
    for (const field of parts) {
      const recordShape = readShape<object>(this.em, RECORDS[field].entity, this.selection());
      const rows = (json[field] as Record<string, unknown>[]).map((record) => recordShape.map(record));
      (this.records[field] as DataLoader<string, RowOf<object>[]>).prime(profile.customer.id, rows);
    }
  }

  private async load(customerIds: readonly string[]): Promise<(RowOf<HealthProfile> | null)[]> {
    if (!this.viewer) return customerIds.map(() => null);
    const shape = readShape(this.em, HealthProfile, this.selection());
    const parts = [...this.wanted];
    const aggregates = parts.map((field) => `${this.recordsSql(field)} as "${field}"`);
    const raws: Record<string, unknown>[] = await runPrepared(
      this.em,
      `select ${[selectList(shape, 't'), ...aggregates].join(', ')} from health_profile t
        where t.customer_id = any(?::uuid[]) and t.organization_id = ?`,
      [uuidArray(customerIds), this.viewer.organizationId],
    );
    const byCustomer = new Map<string, RowOf<HealthProfile>>();
    for (const raw of raws) {
      const profile = shape.map(raw);
      byCustomer.set(profile.customer.id, profile);
      this.prime(profile, raw, parts);
    }
    return customerIds.map((id) => byCustomer.get(id) ?? null);
  }
}
