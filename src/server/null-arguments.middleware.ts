import { isInputObjectType, isNonNullType, type GraphQLResolveInfo } from 'graphql';

type Resolve = (parent: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) => unknown;

/**
 * GraphQL lets a client send `filter: null` for any optional argument, where resolvers and services
 * (`filter?: VisitFilter`, `condition(filter = {})`) expect an absent one: `visits(filter: null)` read
 * `null.storeId` and answered INTERNAL_SERVER_ERROR. For an optional input-object argument of a root
 * field (filter, orderBy) null means what absent means, so it is dropped before the resolver runs.
 * Scalars keep their null, which some arguments give a meaning (e.g. a threshold cleared).
 */
const dropNullInputObjects = async (
  resolve: Resolve,
  parent: unknown,
  args: unknown,
  context: unknown,
  info: GraphQLResolveInfo,
) => {
  const given = args as Record<string, unknown>;
  const field = info.parentType.getFields()[info.fieldName];
  const nulls = field.args.filter(
    (argument) =>
      given[argument.name] === null && !isNonNullType(argument.type) && isInputObjectType(argument.type),
  );
  if (nulls.length === 0) return resolve(parent, args, context, info);
  const present = { ...given };
  for (const argument of nulls) delete present[argument.name];
  return resolve(parent, present, context, info);
};

export const nullArgumentsMiddleware = { Query: dropNullInputObjects, Mutation: dropNullInputObjects };
