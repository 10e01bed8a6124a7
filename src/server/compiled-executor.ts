import { execute, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import type { AppContext } from './context';
import type { Viewer } from '../core/viewer';
import { runPrepared } from '../services/sql';
import { compileRead, type CompiledRead } from './compiled-read/compile-entry';
import { finishRead } from './compiled-read/finish-read';

/** Compiled forms kept per parsed query (Apollo keeps one document per query text), per viewer and variables. */
const PLANS_PER_DOCUMENT = 200;

/**
 * Apollo's execution step (its gateway hook, the one place Apollo Server 5 lets an executor in):
 * a read the compiler covers is answered by one statement that builds its json in PostgreSQL
 * (server/compiled-read), everything else, and every read the compiler sends back, by graphql-js
 * over the shielded schema as before. Parsing, validation, limits, cost, rate limits and the audit
 * plugin run around both alike.
 */
export function compiledReadGateway(schema: GraphQLSchema, options: { enabled: boolean }): GatewayInterface {
  const plans = new WeakMap<DocumentNode, Map<string, CompiledRead | null>>();
  const planOf = (request: GatewayGraphQLRequestContext, viewer: Viewer, context: AppContext) => {
    const document = request.document!;
    const key = JSON.stringify([
      request.operationName ?? null,
      viewer.role,
      viewer.organizationId,
      viewer.userId ?? viewer.apiKeyId ?? null,
      request.request.variables ?? null,
    ]);
    let known = plans.get(document);
    if (!known) plans.set(document, (known = new Map()));
    let plan = known.get(key);
    if (plan === undefined) {
      plan =
        compileRead({
          schema,
          em: context.em,
          viewer,
          document,
          operationName: request.operationName,
          variables: request.request.variables,
        }) ?? null;
      if (known.size >= PLANS_PER_DOCUMENT) known.delete(known.keys().next().value!);
      known.set(key, plan);
    }
    return plan;
  };
  const executor = async (request: GatewayGraphQLRequestContext): Promise<ExecutionResult> => {
    const context = request.context as AppContext;
    const viewer = context.viewer;
    const plan = options.enabled && viewer && request.document ? planOf(request, viewer, context) : null;
    const answered = plan ? await compiledAnswer(schema, plan, request, context) : undefined;
    return (
      answered ??
      execute({
        schema,
        document: request.document!,
        contextValue: context,
        variableValues: request.request.variables,
        operationName: request.operationName ?? undefined,
      })
    );
  };
  return {
    load: async () => ({ executor }),
    onSchemaLoadOrUpdate: (callback) => {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    stop: async () => {},
  };
}

/**
 * The compiled statement's answer, its health reads recorded for the audit plugin; undefined when
 * graphql-js must answer: a customer on the page withdrew consent, or the statement failed (logged;
 * graphql-js then meets the same fault and reports it the way it always does).
 */
async function compiledAnswer(
  schema: GraphQLSchema,
  plan: CompiledRead,
  request: GatewayGraphQLRequestContext,
  context: AppContext,
): Promise<ExecutionResult | undefined> {
  let data: Record<string, unknown>;
  try {
    const [row] = await runPrepared<{ data: Record<string, unknown> }>(context.em, plan.statement.text, [
      ...plan.statement.values,
    ]);
    data = row.data;
  } catch (error) {
    context.logger.warn({ err: error }, 'compiled read failed; answered by graphql-js');
    return undefined;
  }
  const reads = finishRead(data, plan.finish);
  if (!reads) return undefined;
  for (const read of reads) context.audit.recordHealthRead(read.customerId, read.field);
  if (!plan.delegated) return { data };
  // The root fields left to graphql-js, then both answers in the root's order.
  const rest = await execute({
    schema,
    document: plan.delegated,
    contextValue: context,
    variableValues: request.request.variables,
    operationName: request.operationName ?? undefined,
  });
  if (!rest.data) return rest;
  const merged: Record<string, unknown> = {};
  for (const key of plan.rootKeys) merged[key] = key in data ? data[key] : rest.data[key];
  return rest.errors ? { data: merged, errors: rest.errors } : { data: merged };
}
