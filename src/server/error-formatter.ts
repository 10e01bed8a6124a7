import { unwrapResolverError } from '@apollo/server/errors';
import { DriverException } from '@mikro-orm/core';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { constraintErrorOf } from '../services/constraint-errors';
import { DomainError } from '../core/errors';
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

/**
 * graphql-js stops coercing variables after 50 errors with this error, which has no code: Apollo marks
 * the 50 before it BAD_USER_INPUT, and this one answered INTERNAL_SERVER_ERROR.
 */
const VARIABLE_ERROR_LIMIT = 'Too many errors processing variables, error limit reached. Execution aborted.';

/**
 * PostgreSQL data exceptions that only a client's value causes (every column the API writes has its
 * limits checked before, so what still reaches the database is a value no column can hold).
 */
const CLIENT_VALUE_ERRORS: Record<string, string> = {
  // invalid_text_representation: an id that is not a UUID, a malformed date…
  '22P02': 'A value has the wrong format: ids are UUIDs as returned by this API, dates are YYYY-MM-DD.',
  // datetime_field_overflow: a date PostgreSQL cannot hold, such as the day before 0001-01-01.
  '22008': 'A date or time is out of the range the database can hold: send one after 0001-01-01.',
};

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
    const thrown = unwrapResolverError(error);
    // A constraint violation no service worded (a client's null in a NOT NULL column) is a domain error too.
    const original = constraintErrorOf(thrown) ?? thrown;
    if (original instanceof DomainError) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { ...original.details, code: original.code },
      };
    }
    const clientValue =
      original instanceof DriverException && original.code ? CLIENT_VALUE_ERRORS[original.code] : undefined;
    if (clientValue) {
      return {
        message: clientValue,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'BAD_USER_INPUT' },
      };
    }
    if (original instanceof GraphQLError && !original.path && original.message === VARIABLE_ERROR_LIMIT) {
      return {
        message: 'Too many variables have the wrong type: the errors before this one name the first 50.',
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
      // A validator that threw (validator.js's isEmail on a lone surrogate: URIError) instead of
      // reporting leaves no list here; the formatter threw on it and Apollo answered INTERNAL_SERVER_ERROR.
      if (validationErrors && !Array.isArray(validationErrors)) {
        return {
          message: 'Invalid input: a value could not be checked; send well-formed text.',
          path: formatted.path,
          locations: formatted.locations,
          extensions: { code },
        };
      }
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
