import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  getOperationAST,
  GraphQLError,
  isListType,
  isObjectType,
  Kind,
  type GraphQLOutputType,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { AppContext } from './context';

/** Above this a query is refused: a documented page (first: 100 of the richest list) stays below. */
export const MAX_QUERY_COST = 25_000;
/** Rows assumed for a connection without `first` (its default page) and for a plain list. */
const DEFAULT_PAGE = 20;
const LIST_ESTIMATE = 5;

/**
 * Every field costs 1 plus what it selects; a connection multiplies what it selects by its `first`
 * (literal or variable: graphql-armor's cost rule read literals only, so `first: $n` was free), a
 * plain list by an estimate. `edges` of a connection are already counted by the connection's size.
 */
const rowsEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (childComplexity === 0) return 1;
  const first = args.first;
  const named = getNamedType(field.type).name;
  // A report object whose `first` pages the connection inside it (rfmReport { customers }): that
  // connection already counted its rows at DEFAULT_PAGE, so `first` scales by first / DEFAULT_PAGE
  // (never below 1) rather than multiplying the page a second time.
  if (typeof first === 'number' && pagesInnerConnection(field.type))
    return 1 + childComplexity * Math.max(Math.ceil(first / DEFAULT_PAGE), 1);
  if (typeof first === 'number') return 1 + childComplexity * Math.max(first, 1);
  if (named.endsWith('Connection')) return 1 + childComplexity * DEFAULT_PAGE;
  if (isListType(getNullableType(field.type)) && !type.name.endsWith('Connection'))
    return 1 + childComplexity * LIST_ESTIMATE;
  return 1 + childComplexity;
};

/** An object (not a list, not a connection) with a connection field: its `first` is that connection's. */
function pagesInnerConnection(fieldType: GraphQLOutputType): boolean {
  const nullable = getNullableType(fieldType);
  if (isListType(nullable) || !isObjectType(nullable) || nullable.name.endsWith('Connection')) return false;
  return Object.values(nullable.getFields()).some((inner) =>
    getNamedType(inner.type).name.endsWith('Connection'),
  );
}

/** Costs per parsed document (Apollo keeps parsed documents) by operation and variables, a few each. */
const costs = new WeakMap<DocumentNode, Map<string, number>>();
const COSTS_PER_DOCUMENT = 32;
const CACHED_VARIABLES_LENGTH = 1_000;

export function queryCost(
  schema: GraphQLSchema,
  request: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): number {
  const compute = () =>
    getComplexity({ schema, query: request, variables, operationName, estimators: [rowsEstimator] });
  const key = `${operationName ?? ''}\u0000${JSON.stringify(costVariables(request, operationName, variables))}`;
  if (key.length > CACHED_VARIABLES_LENGTH) return compute();
  let known = costs.get(request);
  if (!known) costs.set(request, (known = new Map()));
  let cost = known.get(key);
  if (cost === undefined) {
    cost = compute();
    if (known.size >= COSTS_PER_DOCUMENT) known.delete(known.keys().next().value!);
    known.set(key, cost);
  }
  return cost;
}

/**
 * Refuses a query whose cost exceeds MAX_QUERY_COST before anything runs, with the cost in the error;
 * the cost of an accepted query stays on the context (the rate limiter's unit).
 */
export const queryCostPlugin: ApolloServerPlugin<AppContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, request, document, operationName, contextValue }) {
        let cost: number;
        try {
          cost = queryCost(schema, document, request.variables, operationName ?? undefined);
        } catch {
          // Variables that do not fit their types: execution refuses them with BAD_USER_INPUT next.
          return;
        }
        contextValue.queryCost = cost;
        if (cost > MAX_QUERY_COST)
          throw new GraphQLError(
            `This query costs ${cost}, more than the limit of ${MAX_QUERY_COST}: ask for fewer rows (first) or fewer nested lists per request.`,
            {
              extensions: {
                code: 'GRAPHQL_VALIDATION_FAILED',
                cost,
                maxCost: MAX_QUERY_COST,
                http: { status: 400 },
              },
            },
          );
      },
    };
  },
};

/**
 * The variables a cost can depend on: page sizes (`first: $n`, an Int) and @skip / @include (a
 * Boolean) the operation declares; rowsEstimator reads nothing else. Any other variable, or one the
 * operation does not declare, makes no memo entry: the memo hangs off documents Apollo keeps, outside
 * what its document store counts, and an anonymous caller reaches it. An estimator that reads other
 * arguments must widen this.
 */
function costVariables(
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): [string, unknown][] {
  const operation = getOperationAST(document, operationName);
  const pairs: [string, unknown][] = [];
  for (const definition of operation?.variableDefinitions ?? []) {
    const type = definition.type.kind === Kind.NON_NULL_TYPE ? definition.type.type : definition.type;
    const name = definition.variable.name.value;
    if (
      type.kind === Kind.NAMED_TYPE &&
      (type.name.value === 'Int' || type.name.value === 'Boolean') &&
      variables &&
      Object.hasOwn(variables, name)
    )
      pairs.push([name, variables[name]]);
  }
  return pairs;
}
