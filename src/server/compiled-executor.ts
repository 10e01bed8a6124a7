import { execute, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import type { AppContext } from './context';
import type { Viewer } from '../core/viewer';
import { runPrepared } from '../services/sql';
import { compileRead, type CompiledRead } from './compiled-read/compile-entry';
import { finishText, type HealthRead } from './compiled-read/finish-read';
import { rawData } from './raw-json';
import type { DirectoryNames } from '../services/read/directory-names';

/** Compiled forms kept per parsed query (Apollo keeps one document per query text), per viewer and variables. */
const PLANS_PER_DOCUMENT = 200;

/**
 * After a plan's answer went to graphql-js, its next runs go there directly, this many (doubling up
 * to MAX_SKIPS while it keeps going there), then it is tried again: a consultant's page of customers
 * not assigned to them, or a page showing a withdrawn consent, would otherwise pay for the statement
 * and for graphql-js on every request. graphql-js is always a correct answer; this only saves work.
 */
const FIRST_SKIPS = 4;
const MAX_SKIPS = 64;

interface PlanRecord {
  /** Runs left to send straight to graphql-js. */
  skip: number;
  /** What the next fallback sets `skip` to. */
  nextSkips: number;
}

/**
 * Apollo's execution step (its gateway hook, the one place Apollo Server 5 lets an executor in):
 * a read the compiler covers is answered by one statement that builds its json in PostgreSQL
 * (server/compiled-read), everything else, and every read the compiler sends back, by graphql-js
 * over the shielded schema as before. Parsing, validation, limits, cost, rate limits and the audit
 * plugin run around both alike.
 */
export function compiledReadGateway(
  schema: GraphQLSchema,
  options: { enabled: boolean; retry: 'backoff' | 'every-time' },
): GatewayInterface {
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
  const records = new WeakMap<CompiledRead, PlanRecord>();
  /** The plan's answer, or undefined (graphql-js answers); remembers plans that keep falling back. */
  const answer = async (plan: CompiledRead, request: GatewayGraphQLRequestContext, context: AppContext) => {
    const record = records.get(plan);
    if (record && record.skip > 0) {
      record.skip--;
      return undefined;
    }
    const answered = await compiledAnswer(schema, plan, request, context);
    if (answered || options.retry === 'every-time') records.delete(plan);
    else if (record) {
      record.skip = record.nextSkips;
      record.nextSkips = Math.min(record.nextSkips * 2, MAX_SKIPS);
    } else records.set(plan, { skip: FIRST_SKIPS, nextSkips: FIRST_SKIPS * 2 });
    return answered;
  };
  const executor = async (request: GatewayGraphQLRequestContext): Promise<ExecutionResult> => {
    const context = request.context as AppContext;
    const viewer = context.viewer;
    const plan = options.enabled && viewer && request.document ? planOf(request, viewer, context) : null;
    const answered = plan ? await answer(plan, request, context) : undefined;
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

/** The viewer's organization's directory rows, or undefined when they cannot be read (logged). */
function directoryNames(context: AppContext): Promise<DirectoryNames | undefined> {
  return context.directory.names(context.em, context.viewer!.organizationId).catch((error: unknown) => {
    context.logger.warn({ err: error }, 'directory names could not be read; answered by graphql-js');
    return undefined;
  });
}

/**
 * The compiled statement's answer, its health reads recorded for the audit plugin, its `data` the
 * json text PostgreSQL wrote (completed by finish-read.ts, sent as it is: raw-json.ts); undefined
 * when graphql-js must answer: a customer on the page withdrew consent, or the statement failed
 * (logged; graphql-js then meets the same fault and reports it the way it always does).
 */
async function compiledAnswer(
  schema: GraphQLSchema,
  plan: CompiledRead,
  request: GatewayGraphQLRequestContext,
  context: AppContext,
): Promise<ExecutionResult | undefined> {
  // The directory rows the name marks print, read (when not cached) while the statement runs.
  const names = plan.marks.names.length > 0 ? directoryNames(context) : undefined;
  let row: Record<string, string | null>;
  try {
    [row] = await runPrepared<Record<string, string | null>>(
      context.em,
      plan.statement.text,
      [...plan.statement.values],
      { plan: plan.plan },
    );
  } catch (error) {
    context.logger.warn({ err: error }, 'compiled read failed; answered by graphql-js');
    return undefined;
  }
  const reads: HealthRead[] = [];
  const texts = new Map<string, string>();
  const directory = await names;
  if (names && !directory) return undefined;
  try {
    for (const root of plan.roots) {
      if (!root.column) continue;
      const text = finishText(row[root.column] ?? 'null', plan.marks, reads, directory);
      if (text === undefined) return undefined;
      texts.set(root.key, text);
    }
  } catch (error) {
    // A value that does not open (tampered, or under a key this process lacks): graphql-js answers
    // it with an error at its path, as for any read of it.
    context.logger.warn({ err: error }, 'compiled read could not be completed; answered by graphql-js');
    return undefined;
  }
  // The root fields left to graphql-js, then both answers in the root's order.
  let rest: ExecutionResult | undefined;
  if (plan.delegated) {
    rest = await execute({
      schema,
      document: plan.delegated,
      contextValue: context,
      variableValues: request.request.variables,
      operationName: request.operationName ?? undefined,
    });
    // A non-null delegated root failed: `data` is null, and nothing compiled was read.
    if (!rest.data) return rest;
  }
  for (const read of reads) context.audit.recordHealthRead(read.customerId, read.field);
  // Response keys are GraphQL names: nothing in them needs escaping.
  const members = plan.roots.map(
    ({ key }) => `"${key}":${texts.get(key) ?? JSON.stringify(rest?.data?.[key] ?? null)}`,
  );
  const data = rawData(
    plan.roots.map(({ key }) => key),
    `{${members.join(',')}}`,
  );
  return rest?.errors ? { data, errors: rest.errors } : { data };
}
