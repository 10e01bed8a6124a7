import {
  getOperationAST,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../core/viewer';
import { ReadCompiler } from './compile-read';
import type { Finish } from './finish-read';
import { customersConnection } from './read-connection';
import { bind, joined, jsonKey, sql, trusted, type Sql } from './sql-fragment';

/** Starts every compiled statement: query logs and tests tell it from the loaders' statements. */
export const COMPILED_READ_TAG = '/* compiled-read */';

/** One statement that builds the query's `data`, and what Node completes of it. */
export interface CompiledRead {
  statement: Sql;
  finish: Finish;
}

/**
 * The compiled form of a query, or undefined when any part of it is beyond the compiler (a root
 * field other than `customers`, a field without a compiler, a field the role reads only for some
 * rows, a directive, arguments graphql-js would refuse): graphql-js then executes it.
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
  const coerced = getVariableValues(input.schema, operation.variableDefinitions ?? [], input.variables ?? {});
  if (coerced.errors) return undefined;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of input.document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const compiler = new ReadCompiler(input.schema, input.em, input.viewer, coerced.coerced, fragments);
  const query = input.schema.getQueryType()!;
  const finish: Finish = { sealed: [], children: [] };
  const root = { kind: Kind.FIELD, selectionSet: operation.selectionSet } as FieldNode;
  const fields = compiler.fields(query, [root], finish);
  if (!fields) return undefined;
  const members: Sql[] = [];
  for (const [key, field] of fields) {
    if (field.name === '__typename') {
      members.push(sql`${jsonKey(key)}, ${trusted(`'${query.name}'`)}`);
      continue;
    }
    if (field.name !== 'customers' || !field.type) return undefined;
    const connection = customersConnection(compiler, field.type, field.nodes, field.args);
    if (!connection) return undefined;
    finish.children.push({ key, finish: connection.finish, list: false });
    members.push(sql`${jsonKey(key)}, ${connection.sql}`);
  }
  return {
    statement: sql`${trusted(COMPILED_READ_TAG)} with o as (select * from organization where id = ${bind(input.viewer.organizationId)})
      select json_build_object(${joined(members, ', ')}) as data`,
    finish,
  };
}
