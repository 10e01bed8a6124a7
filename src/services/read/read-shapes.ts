import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  Account,
  Allergy,
  Customer,
  HealthProfile,
  MedicalCondition,
  ServiceItem,
  SpecialCondition,
  User,
  Visit,
  VisitLine,
} from '../../entities';
import { rowShape, type RowShape } from '../rows';
import type { SelectionByType } from './selection';

/**
 * What the fields of a GraphQL type read of their entity's row, so that a read of a query fetches
 * only the columns the response selects. A field named like a column reads that column; every other
 * field of the type is listed with the properties it reads (`[]`: nothing beyond the id and the
 * references, which every narrowed row keeps). `always`: what the read itself needs (a cursor).
 * test/read/read-shapes.test.ts keeps every field of these types accounted for; a resolver that reads an
 * undeclared column throws (services/rows.ts `narrow`).
 */
interface ReadShape {
  entity: EntityClass<object>;
  type: string;
  reads: Record<string, readonly string[]>;
  always?: readonly string[];
}

export const READ_SHAPES: readonly ReadShape[] = [
  {
    entity: Customer,
    type: 'Customer',
    // Read of every customer row whatever the selection: the contact rule (doNotContact), the health
    // rules' assignment (services/read/loaders.ts: the assignment references and a withdrawn health
    // consent) and the list's cursors (its three orders).
    always: ['doNotContact', 'healthConsentWithdrawnAt', 'createdAt', 'namePinyin', 'code'],
    reads: {
      age: ['birthday'],
      status: ['statusOverride', 'lastVisitAt', 'createdAt'],
      averageTicket: ['lifetimeSpend', 'visitCount'],
      healthConsent: [
        'healthConsentGivenAt',
        'healthConsentSource',
        'healthConsentGuardian',
        'healthConsentWithdrawnAt',
      ],
      marketingCap: ['marketingCapCount', 'marketingCapDays'],
      hasHealthAlerts: [],
      appointments: [],
      tags: [],
      healthProfile: [],
      visits: [],
      accounts: [],
      tierHistory: [],
      communications: [],
      contactConsents: [],
    },
  },
  {
    entity: Visit,
    type: 'Visit',
    // The page's cursor is the visit time.
    always: ['visitedAt'],
    reads: {
      store: [],
      customer: [],
      appointmentId: [],
      lines: [],
      // A lazy column, read by its own loader.
      conditionNotes: [],
      recordedBy: [],
    },
  },
  { entity: VisitLine, type: 'VisitLine', reads: { service: [], therapist: [], products: [] } },
  { entity: ServiceItem, type: 'ServiceItem', reads: { contraindications: [] } },
  { entity: User, type: 'StaffMember', reads: {} },
  { entity: Account, type: 'Account', reads: { name: ['kind'], balance: ['principal', 'bonus'] } },
  {
    entity: HealthProfile,
    type: 'HealthProfile',
    reads: { allergies: [], medicalHistory: [], specialConditions: [] },
  },
  { entity: Allergy, type: 'Allergy', reads: {} },
  { entity: MedicalCondition, type: 'MedicalCondition', reads: {} },
  { entity: SpecialCondition, type: 'SpecialCondition', reads: {} },
];

const byEntity = new Map(READ_SHAPES.map((shape) => [shape.entity as EntityClass<unknown>, shape]));
/** Per selection (kept per parsed query, so across requests), the shape of each entity. */
const narrowed = new WeakMap<SelectionByType, Map<EntityClass<unknown>, RowShape<unknown>>>();

/**
 * The shape rows of `entity` are read with for this operation: only the columns its selected fields
 * read when the entity is listed above and the operation is a query that selects its type, else
 * every column (mutations and services get whole rows).
 */
export function readShape<T>(
  em: EntityManager,
  entity: EntityClass<T>,
  selection: SelectionByType | undefined,
): RowShape<T> {
  const full = rowShape(em, entity);
  const declared = byEntity.get(entity as EntityClass<unknown>);
  const fields = declared && selection?.get(declared.type);
  if (!declared || !fields || !selection) return full;
  let shapes = narrowed.get(selection);
  if (!shapes) narrowed.set(selection, (shapes = new Map()));
  let shape = shapes.get(entity as EntityClass<unknown>) as RowShape<T> | undefined;
  if (!shape) {
    const properties = new Set<string>(declared.always);
    for (const field of fields) {
      const reads = Object.hasOwn(declared.reads, field) ? declared.reads[field] : undefined;
      if (reads) for (const property of reads) properties.add(property);
      else properties.add(field);
    }
    shape = full.narrow(properties);
    shapes.set(entity as EntityClass<unknown>, shape as RowShape<unknown>);
  }
  return shape;
}
