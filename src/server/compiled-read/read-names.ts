import { getNamedType, isObjectType } from 'graphql';
import { DIRECTORY_NAMES, type DirectoryNameKind } from '../../services/read/directory-names';
import type { FieldAt } from './compile-read';
import { one } from './read-rows';
import { nameMarkSql } from './read-marks';
import { trusted, type Sql } from './sql-fragment';

/**
 * A to-one directory row (a visit line's service, its therapist) as a name mark: the statement writes
 * the id, and Node prints the row from the process's directory cache (services/read/directory-cache.ts
 * names, dropped on every change PostgreSQL notifies), instead of a lookup per line in PostgreSQL (234
 * on the list page, about a sixth of its statement). Only when every selected field is one the cache
 * holds (and the policies let the role read it whatever the row); else the row is joined as before.
 */
export function directoryRow(at: FieldAt, kind: DirectoryNameKind, idColumn: string): Sql | undefined {
  const { table, typeName, columns } = DIRECTORY_NAMES[kind];
  const type = getNamedType(at.definition.type);
  if (!isObjectType(type) || type.name !== typeName) return one(at, table, idColumn);
  const fields = at.compiler.fields(type, at.nodes);
  if (!fields) return undefined;
  const members: { key: string; name: string }[] = [];
  for (const [key, field] of fields) {
    if (field.name !== '__typename' && !Object.hasOwn(columns, field.name)) return one(at, table, idColumn);
    members.push({ key, name: field.name });
  }
  const index = at.compiler.marks.names.push({ kind, typeName, members }) - 1;
  return trusted(nameMarkSql(`${at.source}.${idColumn}`, index));
}
