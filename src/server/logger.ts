import { DriverException } from '@mikro-orm/core';
import pino, { type Logger } from 'pino';

/** Paths never written to logs: credentials, and anything health-related should it ever be logged. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.passwordHash',
  '*.secretHash',
  'variables',
  '*.variables',
  '*.allergies',
  '*.medicalHistory',
  '*.specialConditions',
  '*.healthProfile',
  '*.notes',
];

interface DatabaseErrorFields {
  code?: string;
  table?: string;
  column?: string;
  constraint?: string;
  routine?: string;
  severity?: string;
}

/** A driver error (MikroORM's DriverException, or pg's DatabaseError with its SQLSTATE). */
function isDatabaseError(error: unknown): error is Error & DatabaseErrorFields {
  return (
    error instanceof DriverException ||
    (error instanceof Error &&
      typeof (error as DatabaseErrorFields).severity === 'string' &&
      'routine' in error)
  );
}

/**
 * Database errors are logged by SQLSTATE and the names involved, never by message, detail or SQL:
 * MikroORM's message carries the statement with every value inlined (names, phones, amounts, the
 * allergy being written), and PostgreSQL's detail repeats key values. The stack keeps its frames.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!isDatabaseError(error))
    return pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  const { code, table, column, constraint, routine } = error;
  return {
    type: error.name,
    message: `${error.name} (SQLSTATE ${code ?? 'unknown'})`,
    code,
    table,
    column,
    constraint,
    routine,
    stack: error.stack
      ?.split('\n')
      .filter((line) => line.trimStart().startsWith('at '))
      .join('\n'),
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'wellness-records-api' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
