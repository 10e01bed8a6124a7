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
import type { Finish } from './finish-read';
import { customerById, customersConnection } from './read-connection';
import { careTasksConnection, ledgerEntriesConnection } from './read-roots';
import { bind, joined, jsonKey, sql, trusted, type Sql } from './sql-fragment';

/** Starts every compiled statement: query logs and tests tell it from the loaders' statements. */
export const COMPILED_READ_TAG = '/* compiled-read */';

/** One statement that builds the query's `data`, and what Node completes of it. */
export interface CompiledRead {
  statement: Sql;
  finish: Finish;
  /** The root fields the compiler left to graphql-js, as a document of their own; none: undefined. */
  delegated?: DocumentNode;
  /** Response keys of the root in selection order (compiled and delegated ones interleaved). */
  rootKeys: string[];
}

type RootCompiler = (
  compiler: ReadCompiler,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  args: Record<string, unknown>,
) => { sql: Sql; finish: Finish; required?: boolean } | undefined;

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
  const members: Sql[] = [];
  const finish: Finish = { sealed: [], children: [] };
  const delegated: FieldNode[] = [];
  const rootKeys: string[] = [];
  // One response key may be selected several times (merged by graphql-js): compiled or delegated whole.
  const byKey = new Map<string, FieldNode[]>();
  for (const selection of operation.selectionSet.selections as readonly FieldNode[]) {
    const key = selection.alias?.value ?? selection.name.value;
    byKey.set(key, [...(byKey.get(key) ?? []), selection]);
  }
  for (const [key, selections] of byKey) {
    rootKeys.push(key);
    const compiled = compileRoot(compiler, query, key, selections, finish);
    if (compiled) members.push(compiled);
    else delegated.push(...selections);
  }
  if (members.length === 0) return undefined;
  return {
    statement: sql`${trusted(COMPILED_READ_TAG)} with o as (select * from organization where id = ${bind(input.viewer.organizationId)})
      select json_build_object(${joined(members, ', ')}) as data`,
    finish,
    rootKeys,
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

function compileRoot(
  compiler: ReadCompiler,
  query: GraphQLObjectType,
  key: string,
  selections: FieldNode[],
  finish: Finish,
): Sql | undefined {
  const root = { kind: Kind.FIELD, selectionSet: { kind: Kind.SELECTION_SET, selections } };
  const fields = compiler.fields(query, [root as unknown as FieldNode], finish);
  const field = fields?.get(key);
  if (!field) return undefined;
  if (field.name === '__typename') return sql`${jsonKey(key)}, ${trusted(`'${query.name}'`)}`;
  const compile = ROOTS[field.name];
  const compiled = compile && field.type ? compile(compiler, field.type, field.nodes, field.args) : undefined;
  if (!compiled) return undefined;
  finish.children.push({ key, finish: compiled.finish, list: false, required: compiled.required });
  return sql`${jsonKey(key)}, ${compiled.sql}`;
}
