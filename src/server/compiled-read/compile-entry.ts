import {
  getOperationAST,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../core/viewer';
import { ReadCompiler } from './compile-read';
import type { Marks } from './finish-read';
import { FALLBACK_SQL } from './read-marks';
import { customerById, customersConnection } from './read-connection';
import { careTasksConnection, ledgerEntriesConnection } from './read-roots';
import { joined, organizationValue, sql, trusted, type Sql } from './sql-fragment';

/** Starts every compiled statement: query logs and tests tell it from the loaders' statements. */
export const COMPILED_READ_TAG = '/* compiled-read */';

/** A root field of the query: compiled into a column of the statement's row, or left to graphql-js. */
export interface CompiledRoot {
  key: string;
  /** The column holding its json text; unset: answered by graphql-js. */
  column?: string;
}

/** One statement that builds the query's `data` as json text, one column per compiled root field. */
export interface CompiledRead {
  statement: Sql;
  /** 'per-call': planned for its values each time (a search, whose best plan depends on the term). */
  plan: 'cached' | 'per-call';
  marks: Marks;
  /** The root's response keys in selection order, compiled and delegated interleaved. */
  roots: CompiledRoot[];
  /** The root fields the compiler left to graphql-js, as a document of their own; none: undefined. */
  delegated?: DocumentNode;
}

type RootCompiler = (
  compiler: ReadCompiler,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  args: Record<string, unknown>,
) => { sql: Sql; required?: boolean } | undefined;

const ROOTS: Partial<Record<string, RootCompiler>> = {
  customers: customersConnection,
  customer: customerById,
  ledgerEntries: ledgerEntriesConnection,
  careTasks: careTasksConnection,
};

/**
 * The compiled form of a query, or undefined when none of it is within the compiler's reach. A root
 * field beyond it (another root, a field without a compiler, a field the role reads only for some
 * rows, a directive, arguments graphql-js would refuse) is left to graphql-js; the answers are merged
 * in the root's order.
 */
export function compileRead(input: {
  schema: GraphQLSchema;
  em: EntityManager;
  viewer: Viewer;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown>;
}): CompiledRead | undefined {
  const operation = getOperationAST(input.document, input.operationName);
  if (!operation || operation.operation !== 'query' || operation.directives?.length) return undefined;
  // Fragments or directives at the root: all of it to graphql-js.
  if (
    operation.selectionSet.selections.some(
      (selection) => selection.kind !== Kind.FIELD || selection.directives?.length,
    )
  )
    return undefined;
  const coerced = getVariableValues(input.schema, operation.variableDefinitions ?? [], input.variables ?? {});
  if (coerced.errors) return undefined;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of input.document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const compiler = new ReadCompiler(input.schema, input.em, input.viewer, coerced.coerced, fragments);
  const query = input.schema.getQueryType()!;
  const columns: Sql[] = [];
  const delegated: FieldNode[] = [];
  const roots: CompiledRoot[] = [];
  // One response key may be selected several times (merged by graphql-js): compiled or delegated whole.
  const byKey = new Map<string, FieldNode[]>();
  for (const selection of operation.selectionSet.selections as readonly FieldNode[]) {
    const key = selection.alias?.value ?? selection.name.value;
    byKey.set(key, [...(byKey.get(key) ?? []), selection]);
  }
  for (const [key, selections] of byKey) {
    const compiled = compileRoot(compiler, query, key, selections);
    if (!compiled) {
      roots.push({ key });
      delegated.push(...selections);
      continue;
    }
    const column = `r${columns.length}`;
    roots.push({ key, column });
    columns.push(sql`(${compiled})::text as ${trusted(column)}`);
  }
  if (columns.length === 0) return undefined;
  return {
    statement: sql`${trusted(COMPILED_READ_TAG)} with o as (select * from organization where id = ${organizationValue(input.viewer.organizationId)})
      select ${joined(columns, ', ')}`,
    plan: compiler.perCallPlan ? 'per-call' : 'cached',
    marks: compiler.marks,
    roots,
    delegated: delegated.length
      ? {
          ...input.document,
          definitions: input.document.definitions.map((definition) =>
            definition === operation
              ? { ...operation, selectionSet: { ...operation.selectionSet, selections: delegated } }
              : definition,
          ),
        }
      : undefined,
  };
}

/** A root field's json value, or undefined: graphql-js answers it. */
function compileRoot(
  compiler: ReadCompiler,
  query: GraphQLObjectType,
  key: string,
  selections: FieldNode[],
): Sql | undefined {
  compiler.startRoot();
  const root = { kind: Kind.FIELD, selectionSet: { kind: Kind.SELECTION_SET, selections } };
  const fields = compiler.fields(query, [root as unknown as FieldNode]);
  const field = fields?.get(key);
  if (!field) return undefined;
  if (field.name === '__typename') return trusted(`to_json('${query.name}'::text)`);
  const compile = ROOTS[field.name];
  const compiled = compile && field.type ? compile(compiler, field.type, field.nodes, field.args) : undefined;
  // Health read by role is bound by the consent of a Customer above it; without one (no such path
  // today) it could not be checked: graphql-js answers, never the compiled statement unchecked.
  if (!compiled || compiler.consentWithoutCustomer) return undefined;
  // A required value missing is graphql-js's error to report (NOT_FOUND): it answers instead.
  return compiled.required ? sql`coalesce(${compiled.sql}, ${trusted(FALLBACK_SQL)})` : compiled.sql;
}
