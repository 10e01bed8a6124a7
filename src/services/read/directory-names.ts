import type { EntityManager } from '@mikro-orm/postgresql';
import { runPrepared } from '../sql';

/**
 * The directory rows a compiled read prints from the process's directory cache instead of looking
 * each one up in its statement (server/compiled-read/read-names.ts): a visit line's service and
 * therapist. Per kind: the table, the GraphQL type and which of its fields (by GraphQL name) the
 * cache holds, with their columns. Only plain text columns that every row has: Node prints them as
 * json strings exactly as PostgreSQL would.
 */
export const DIRECTORY_NAMES = {
  services: {
    table: 'service_item',
    typeName: 'ServiceItem',
    columns: { id: 'id', code: 'code', name: 'name', category: 'category' },
  },
  staff: {
    table: 'app_user',
    typeName: 'StaffMember',
    columns: { id: 'id', displayName: 'display_name' },
  },
} as const;

export type DirectoryNameKind = keyof typeof DIRECTORY_NAMES;

/** One organization's directory rows by id, each by GraphQL field name. */
export type DirectoryNames = Record<DirectoryNameKind, Map<string, Record<string, string>>>;

const KINDS = Object.keys(DIRECTORY_NAMES) as DirectoryNameKind[];

/** Every kind of one organization in one statement: a json array of rows per kind (all rows, retired ones too). */
export async function readDirectoryNames(
  em: EntityManager,
  tag: string,
  organizationId: string,
): Promise<DirectoryNames> {
  const columns = KINDS.map((kind) => {
    const { table, columns: fields } = DIRECTORY_NAMES[kind];
    const members = Object.entries(fields).map(([field, column]) => `'${field}', t."${column}"`);
    return `(select coalesce(json_agg(json_build_object(${members.join(', ')})), '[]')::text from "${table}" t where t.organization_id = ?) as "${kind}"`;
  });
  const [row] = await runPrepared<Record<DirectoryNameKind, string>>(
    em,
    `${tag} select ${columns.join(', ')}`,
    KINDS.map(() => organizationId),
  );
  const names = {} as DirectoryNames;
  for (const kind of KINDS) {
    const rows = JSON.parse(row[kind]) as Record<string, string>[];
    names[kind] = new Map(rows.map((entry) => [entry.id, entry]));
  }
  return names;
}
