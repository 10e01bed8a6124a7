import type { ApolloServer } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../core/errors';
import type { AppContext } from './context';

/** HTTP status of an export refused with a GraphQL error code; a client's mistake is never 5xx. */
const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

type Headers = Iterable<[string, string]>;

/** An export answered with errors instead of a file: the body is what /graphql would have said. */
export class ExportRefusal extends Error {
  constructor(
    readonly status: number,
    readonly errors: GraphQLFormattedError[],
    readonly headers: Headers = [],
  ) {
    super(errors[0]?.message ?? 'refused');
  }

  static of(error: DomainError): ExportRefusal {
    return new ExportRefusal(STATUS[error.code] ?? 400, [
      { message: error.message, extensions: { ...error.details, code: error.code } },
    ]);
  }

  /** What createContext throws for a bad credential or an unreachable database. */
  static fromContext(error: GraphQLError): ExportRefusal {
    const { http, ...extensions } = error.extensions as {
      http?: { status?: number; headers?: Map<string, string> };
      code?: string;
    };
    const status = http?.status ?? STATUS[String(extensions.code)] ?? 400;
    return new ExportRefusal(status, [{ message: error.message, extensions }], http?.headers ?? []);
  }
}

export interface Answer<Data> {
  data: Data;
  /** Fields the policies refused on some rows (only ones the caller said it can leave out). */
  refused: Set<string>;
  /** What Apollo's plugins set: RateLimit-*, Retry-After. */
  headers: Headers;
}

/**
 * Runs one fixed document through the Apollo server with a request's context: the shield, argument
 * validation, organization scoping, query cost, rate limit and audit plugins all run, exactly as for
 * a POST to /graphql. Any error but a FORBIDDEN on a `refusable` field refuses the whole export.
 */
export async function runExportOperation<Data>(
  apollo: ApolloServer<AppContext>,
  contextValue: AppContext,
  query: string,
  variables: Record<string, unknown>,
  refusable: ReadonlySet<string>,
): Promise<Answer<Data>> {
  const response = await apollo.executeOperation<Data & Record<string, unknown>>(
    { query, variables },
    { contextValue },
  );
  // The export decides its own body's type and length; the rest (RateLimit-*, Retry-After) is passed on.
  const headers = [...response.http.headers].filter(
    ([name]) => name !== 'content-type' && name !== 'content-length',
  );
  if (response.body.kind !== 'single') throw new Error('An export document must not defer or stream.');
  const { data, errors = [] } = response.body.singleResult;
  const refused = new Set<string>();
  const blocking = errors.filter((error) => {
    const field = error.path?.at(-1);
    const leaveOut =
      error.extensions?.code === 'FORBIDDEN' &&
      typeof field === 'string' &&
      error.path!.length > 1 &&
      refusable.has(field);
    if (leaveOut) refused.add(field);
    return !leaveOut;
  });
  if (blocking.length > 0 || !data) {
    const code = String(blocking[0]?.extensions?.code);
    const status =
      STATUS[code] ?? (response.http.status && response.http.status >= 400 ? response.http.status : 400);
    const shown = blocking.map(({ message, path, extensions }) => ({ message, path, extensions }));
    throw new ExportRefusal(status, shown, headers);
  }
  return { data, refused, headers };
}
