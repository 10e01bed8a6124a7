import { DateType, ReferenceKind } from '@mikro-orm/core';
import {
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { getMetadataStorage } from 'type-graphql';
import { EncryptedText } from '../../entities/encrypted.type';
import {
  Appointment,
  AppointmentItem,
  CareTask,
  Communication,
  LedgerEntry,
  MembershipTier,
  Room,
  Store,
  Tag,
  TierChange,
} from '../../entities';
import { READ_SHAPES } from '../../services/read/read-shapes';

/** A field that prints one column of its row as it is stored (or, sealed, as Node opens it). */
export interface ColumnField {
  sql: (row: string) => string;
  /** EncryptedText: PostgreSQL returns the sealed value, finish-read.ts opens it. */
  sealed: boolean;
}

/** DateTimeISO: JavaScript's toISOString() of the timestamp read into a Date (milliseconds, UTC). */
export const isoSql = (expression: string) =>
  `to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const same = (column: string) => column;
const TEXT = /^(text|varchar\(\d+\))$/;
const NUMERIC = /^(smallint|int|integer|bigint|numeric.*|real|double precision)$/;

/**
 * How a leaf type prints a column of a PostgreSQL type as graphql-js would print the row's value;
 * undefined where it would not be the stored value as PostgreSQL's json writes it.
 */
function printerOf(leaf: string, columnType: string): ((column: string) => string) | undefined {
  switch (leaf) {
    case 'ID':
      return columnType === 'uuid' || TEXT.test(columnType) ? same : undefined;
    case 'String':
      return TEXT.test(columnType) ? same : undefined;
    case 'Int':
      return columnType === 'int' || columnType === 'smallint' ? same : undefined;
    case 'Boolean':
      return columnType === 'boolean' ? same : undefined;
    case 'DateTimeISO':
      return columnType === 'timestamptz' ? isoSql : undefined;
    case 'LocalDate':
      return columnType === 'date' ? (column) => `to_char(${column}, 'YYYY-MM-DD')` : undefined;
    case 'enum':
      // A native enum type (or text) holding the enum's names.
      return /^[a-z_]+$/.test(columnType) && !NUMERIC.test(columnType) && columnType !== 'boolean'
        ? same
        : TEXT.test(columnType)
          ? same
          : undefined;
    default:
      return undefined;
  }
}

const cache = new WeakMap<GraphQLSchema, Map<string, ColumnField>>();

/**
 * Types whose rows the loaders read whole (not read-shaped): every field without a resolver is the
 * row's property. Each pair is the GraphQL type and its entity.
 */
const WHOLE_ROWS = [
  { type: 'Tag', entity: Tag, reads: {} },
  { type: 'MembershipTier', entity: MembershipTier, reads: {} },
  { type: 'TierChange', entity: TierChange, reads: {} },
  { type: 'Appointment', entity: Appointment, reads: {} },
  { type: 'AppointmentItem', entity: AppointmentItem, reads: {} },
  { type: 'Communication', entity: Communication, reads: {} },
  { type: 'Room', entity: Room, reads: {} },
  { type: 'Store', entity: Store, reads: {} },
  { type: 'LedgerEntry', entity: LedgerEntry, reads: {} },
  { type: 'CareTask', entity: CareTask, reads: {} },
];

/**
 * Fields of the read-shaped types (services/read/read-shapes.ts) that type-graphql resolves as the
 * row's own property (no field resolver, no middleware, same name) and whose property is a column
 * whose stored value graphql-js prints unchanged: what a compiled read may read straight from the
 * column. Anything else (derived fields, json columns, arrays, lazy columns) is not listed here.
 */
export function columnFields(schema: GraphQLSchema, em: EntityManager): Map<string, ColumnField> {
  const known = cache.get(schema);
  if (known) return known;
  const storage = getMetadataStorage();
  const resolved = new Set(
    storage.fieldResolvers.map((resolver) => {
      const target = resolver.getObjectType?.();
      const type = storage.objectTypes.find((objectType) => objectType.target === target);
      return `${type?.name}.${resolver.methodName}`;
    }),
  );
  const fields = new Map<string, ColumnField>();
  for (const shape of [...READ_SHAPES, ...WHOLE_ROWS]) {
    const type = schema.getType(shape.type);
    const declared = storage.objectTypes.find((objectType) => objectType.name === shape.type);
    if (!isObjectType(type) || !declared) continue;
    const meta = em.getMetadata().find(shape.entity.name)!;
    for (const field of declared.fields ?? []) {
      const name = field.schemaName;
      if (name !== field.name || field.middlewares?.length || field.roles?.length) continue;
      if (resolved.has(`${shape.type}.${name}`) || name in shape.reads) continue;
      const property = meta.properties[name as keyof typeof meta.properties];
      if (!property || property.kind !== ReferenceKind.SCALAR || property.lazy) continue;
      if (property.fieldNames.length !== 1) continue;
      const leaf = leafName(type.getFields()[name].type);
      const sealed = property.customType instanceof EncryptedText;
      const plainType = !property.customType || property.customType instanceof DateType;
      const columnType = sealed ? 'text' : plainType ? property.columnTypes[0] : undefined;
      const print = leaf && columnType ? printerOf(leaf, columnType) : undefined;
      if (!print || (sealed && leaf !== 'String' && leaf !== 'enum')) continue;
      const column = property.fieldNames[0];
      fields.set(`${shape.type}.${name}`, { sql: (row) => print(`${row}."${column}"`), sealed });
    }
  }
  cache.set(schema, fields);
  return fields;
}

/** A leaf GraphQL type the column printers know, or undefined (lists, objects, enums renamed). */
function leafName(type: GraphQLOutputType): string | undefined {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return undefined;
  if (isScalarType(inner)) return inner.name;
  if (isEnumType(inner) && inner.getValues().every((value) => value.value === value.name)) return 'enum';
  return undefined;
}
