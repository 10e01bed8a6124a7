import { unwrapResolverError } from '@apollo/server/errors';
import { DriverException } from '@mikro-orm/core';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError } from './errors';
import { isDatabaseUnavailable, serviceUnavailable } from './unavailable';

const PASS_THROUGH = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'SERVICE_UNAVAILABLE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

interface ValidationErrorShape {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorShape[];
}

/** class-validator errors → [{ field, rule, message }], without the rejected values. */
function flattenValidation(
  errors: ValidationErrorShape[],
  prefix = '',
): { field: string; rule: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
    return [...own, ...flattenValidation(error.children ?? [], field)];
  });
}

/**
 * The one place where errors become GraphQL errors. Domain errors keep their code and details; known
 * GraphQL errors pass; anything else is logged with its stack and answered as INTERNAL_SERVER_ERROR
 * without SQL, stack or data.
 */
export function createErrorFormatter(logger: Logger, exposeStack: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { ...original.details, code: original.code },
      };
    }
    // PostgreSQL invalid_text_representation: an id that is not a UUID, a malformed date…
    if (original instanceof DriverException && original.code === '22P02') {
      return {
        message: 'A value has the wrong format: ids are UUIDs as returned by this API, dates are YYYY-MM-DD.',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'BAD_USER_INPUT' },
      };
    }
    if (isDatabaseUnavailable(original)) {
      logger.warn({ path: formatted.path }, 'database unavailable while executing a GraphQL operation');
      const unavailable = serviceUnavailable();
      const { http: _http, ...extensions } = unavailable.extensions;
      return {
        message: unavailable.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions,
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      const validationErrors = formatted.extensions?.validationErrors as ValidationErrorShape[] | undefined;
      if (validationErrors) {
        const fields = flattenValidation(validationErrors);
        return {
          message: `Invalid input: ${fields.map((field) => `${field.field}: ${field.message}`).join('; ')}`,
          path: formatted.path,
          locations: formatted.locations,
          extensions: { code, fields },
        };
      }
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions: exposeStack ? formatted.extensions : extensions };
    }
    logger.error(
      { err: original, path: formatted.path },
      'unexpected error while executing a GraphQL operation',
    );
    return {
      message: 'Internal server error. The request id in the x-request-id header helps support find it.',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
